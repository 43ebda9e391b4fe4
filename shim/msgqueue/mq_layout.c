/*
 * mq_layout.c - pure operations on a queue's shared memory. Everything read
 * from the mapping is treated as hostile: each offset and length is checked
 * against the mapping's size before use, and each shared field is read once.
 */
#include "msgqueue/mq_layout.h"

#include <string.h>

#include "common/atomics.h"

static uint64_t align_up(uint64_t v, uint64_t a) { return (v + a - 1) / a * a; }

uint64_t mq_record_size(uint32_t len) { return MQ_REC_HEADER + align_up(len, MQ_REC_ALIGN); }
uint64_t mq_alert_area(uint32_t cb_max_message) { return align_up(cb_max_message, 4096); }

int mq_geometry(uint32_t flags, uint32_t max_messages, uint32_t cb_max_message,
                uint64_t *capacity, uint64_t *mapping_size, int *commit_on_demand)
{
    uint64_t rec = mq_record_size(cb_max_message);
    int on_demand = (flags & MQ_FLAG_NOPRECOMMIT) || max_messages == 0;
    uint64_t cap;
    if (!on_demand) {
        if ((uint64_t)cb_max_message * max_messages > MQ_MAX_PREALLOC)
            return 0;
        /* One record of slack: a wrap marker may waste up to one record. */
        cap = ((uint64_t)max_messages + 1) * rec;
    } else {
        cap = max_messages ? ((uint64_t)max_messages + 1) * rec : MQ_ONDEMAND_CAPACITY;
        if (cap > MQ_ONDEMAND_CAPACITY)
            cap = MQ_ONDEMAND_CAPACITY;
        if (cap < 2 * rec)
            cap = 2 * rec; /* always room for one largest message and a wrap */
    }
    cap = align_up(cap, 4096);
    *capacity = cap;
    *mapping_size = MQ_HEADER_SIZE + mq_alert_area(cb_max_message) + cap;
    *commit_on_demand = on_demand;
    return 1;
}

void mq_init(struct mq_header *h, uint32_t flags, uint32_t max_messages, uint32_t cb_max_message,
             uint64_t capacity, const uint16_t *name, uint32_t name_chars)
{
    /* The lock word stays as it is: the caller holds it. */
    uint32_t lock = h->lock;
    memset(h, 0, offsetof(struct mq_header, procs));
    memset(h->procs, 0, sizeof(h->procs));
    h->lock = lock;
    h->version = MQ_LAYOUT_VERSION;
    h->header_size = MQ_HEADER_SIZE;
    h->flags = flags | (max_messages == 0 ? MQ_FLAG_NOPRECOMMIT : 0);
    h->max_messages = max_messages;
    h->cb_max_message = cb_max_message;
    h->capacity = capacity;
    h->read_event_set = 0;
    h->write_event_set = 1;
    if (name && name_chars <= MQ_NAME_MAX) {
        memcpy(h->name, name, name_chars * sizeof(uint16_t));
        h->name_chars = name_chars;
    }
    ce_store32(&h->magic, MQ_MAGIC);
}

int mq_header_valid(const struct mq_header *h, uint64_t mapping_size)
{
    if (mapping_size < MQ_HEADER_SIZE)
        return 0;
    if (h->magic != MQ_MAGIC || h->version != MQ_LAYOUT_VERSION || h->header_size != MQ_HEADER_SIZE)
        return 0;
    uint32_t cbmax = h->cb_max_message;
    uint64_t cap = h->capacity;
    if (cbmax == 0 || cbmax > MQ_MAX_NODE_SIZE || h->max_messages > MQ_MAX_NUM_NODES)
        return 0;
    if (cap < 2 * mq_record_size(cbmax) || cap % MQ_REC_ALIGN)
        return 0;
    if (cap > mapping_size || MQ_HEADER_SIZE + mq_alert_area(cbmax) > mapping_size - cap)
        return 0;
    if (h->state & MQ_STATE_CORRUPT)
        return 0;
    return 1;
}

static uint8_t *ring(struct mq_header *h) { return (uint8_t *)h + MQ_HEADER_SIZE + mq_alert_area(h->cb_max_message); }
static uint8_t *alert_slot(struct mq_header *h) { return (uint8_t *)h + MQ_HEADER_SIZE; }

/* head/tail/capacity consistent: tail - head fits and both are aligned. */
static int positions_valid(uint64_t head, uint64_t tail, uint64_t cap)
{
    return tail >= head && tail - head <= cap && head % MQ_REC_ALIGN == 0 && tail % MQ_REC_ALIGN == 0;
}

/* A damaged queue stays damaged: every later call fails the same way. */
static enum mq_result corrupt(struct mq_header *h)
{
    h->state |= MQ_STATE_CORRUPT;
    return MQ_CORRUPT;
}

int mq_state_valid(struct mq_header *h, uint64_t mapping_size)
{
    if (!mq_header_valid(h, mapping_size))
        return 0;
    if (!positions_valid(h->head, h->tail, h->capacity) || h->alert_len > h->cb_max_message) {
        corrupt(h);
        return 0;
    }
    return 1;
}

static int count_room(const struct mq_header *h, uint32_t count)
{
    return h->max_messages == 0 ? count < MQ_MAX_NUM_NODES + 1 : count < h->max_messages;
}

enum mq_result mq_write_plan(const struct mq_header *h, uint64_t mapping_size, uint32_t len,
                             int alert, uint64_t *ring_end)
{
    if (!mq_header_valid(h, mapping_size))
        return MQ_CORRUPT;
    if (len > h->cb_max_message)
        return MQ_TOO_BIG;
    *ring_end = 0;
    if (alert && !h->alert_full)
        return MQ_OK;
    uint64_t head = h->head, tail = h->tail, cap = h->capacity;
    if (!positions_valid(head, tail, cap))
        return MQ_CORRUPT;
    if (!count_room(h, h->count))
        return MQ_FULL;
    uint64_t need = mq_record_size(len);
    uint64_t off = tail % cap;
    uint64_t waste = (off + need > cap) ? cap - off : 0;
    if (tail - head + waste + need > cap) {
        /* An on-demand queue whose ring is exhausted is out of memory only
         * when there is no reader to make room: that is the caller's call. */
        return MQ_FULL;
    }
    /* Committed memory grows from offset 0, so the write needs [0, end):
     * after a wrap, the record at 0 and the marker's header at off. */
    if (!waste)
        *ring_end = off + need;
    else
        *ring_end = need > off + MQ_REC_HEADER ? need : off + MQ_REC_HEADER;
    return MQ_OK;
}

enum mq_result mq_write(struct mq_header *h, uint64_t mapping_size, const void *data, uint32_t len,
                        uint32_t flags, uint32_t writer_pid, int alert)
{
    uint64_t end;
    enum mq_result r = mq_write_plan(h, mapping_size, len, alert, &end);
    if (r == MQ_CORRUPT)
        return corrupt(h);
    if (r != MQ_OK)
        return r;
    if (alert && !h->alert_full) {
        memcpy(alert_slot(h), data, len);
        h->alert_len = len;
        h->alert_flags = flags;
        h->alert_writer = writer_pid;
        ce_store32(&h->alert_full, 1); /* publish */
        return MQ_OK;
    }
    uint64_t cap = h->capacity, tail = h->tail;
    uint64_t off = tail % cap, need = mq_record_size(len);
    uint8_t *base = ring(h);
    uint64_t new_tail = tail;
    if (off + need > cap) {
        struct mq_record wrap = { (uint32_t)(cap - off - MQ_REC_HEADER), 0, writer_pid, MQ_KIND_WRAP };
        memcpy(base + off, &wrap, sizeof(wrap));
        new_tail += cap - off;
        off = 0;
    }
    struct mq_record rec = { len, flags, writer_pid, MQ_KIND_MSG };
    memcpy(base + off + MQ_REC_HEADER, data, len);
    memcpy(base + off, &rec, sizeof(rec));
    new_tail += need;
    ce_store64(&h->tail, new_tail); /* publish: the one store that makes it visible */
    uint32_t count = h->count + 1;
    h->count = count;
    if (count > h->high_water)
        h->high_water = count;
    return MQ_OK;
}

enum mq_result mq_read(struct mq_header *h, uint64_t mapping_size, void *buf, uint32_t buf_size,
                       uint32_t *len, uint32_t *flags, uint32_t *writer_pid)
{
    if (!mq_header_valid(h, mapping_size))
        return corrupt(h);
    uint32_t cbmax = h->cb_max_message;
    if (h->alert_full) {
        uint32_t n = h->alert_len;
        if (n > cbmax)
            return corrupt(h);
        uint32_t copy = n < buf_size ? n : buf_size;
        memcpy(buf, alert_slot(h), copy);
        *len = copy;
        *flags = h->alert_flags;
        *writer_pid = h->alert_writer;
        ce_store32(&h->alert_full, 0);
        return copy < n ? MQ_TRUNCATED : MQ_OK;
    }
    uint64_t cap = h->capacity;
    for (int hops = 0; hops < 2; hops++) {
        uint64_t head = h->head, tail = h->tail;
        if (!positions_valid(head, tail, cap))
            return corrupt(h);
        if (head == tail)
            return MQ_EMPTY;
        uint64_t off = head % cap;
        if (cap - off < MQ_REC_HEADER)
            return corrupt(h);
        struct mq_record rec;
        memcpy(&rec, ring(h) + off, sizeof(rec));
        if (rec.kind == MQ_KIND_WRAP) {
            /* The wrap marker fills the ring's end exactly. */
            if (off == 0 || rec.len != cap - off - MQ_REC_HEADER || tail - head < cap - off)
                return corrupt(h);
            ce_store64(&h->head, head + (cap - off));
            continue;
        }
        uint64_t size = mq_record_size(rec.len);
        if (rec.kind != MQ_KIND_MSG || rec.len > cbmax || off + size > cap || tail - head < size)
            return corrupt(h);
        uint32_t copy = rec.len < buf_size ? rec.len : buf_size;
        memcpy(buf, ring(h) + off + MQ_REC_HEADER, copy);
        *len = copy;
        *flags = rec.flags;
        *writer_pid = rec.writer;
        ce_store64(&h->head, head + size); /* consume: one store */
        if (h->count)
            h->count--;
        return copy < rec.len ? MQ_TRUNCATED : MQ_OK;
    }
    return corrupt(h); /* two wrap markers in a row */
}

void mq_discard(struct mq_header *h)
{
    ce_store32(&h->alert_full, 0);
    ce_store64(&h->head, h->tail);
    h->count = 0;
}

enum mq_result mq_repair(struct mq_header *h, uint64_t mapping_size)
{
    if (!mq_header_valid(h, mapping_size))
        goto corrupt;
    uint64_t cap = h->capacity, head = h->head, tail = h->tail;
    if (!positions_valid(head, tail, cap))
        goto corrupt;
    uint32_t count = 0;
    uint64_t pos = head;
    while (pos != tail) {
        uint64_t off = pos % cap;
        if (cap - off < MQ_REC_HEADER)
            goto corrupt;
        struct mq_record rec;
        memcpy(&rec, ring(h) + off, sizeof(rec));
        uint64_t size;
        if (rec.kind == MQ_KIND_WRAP && off != 0 && rec.len == cap - off - MQ_REC_HEADER) {
            size = cap - off;
        } else if (rec.kind == MQ_KIND_MSG && rec.len <= h->cb_max_message) {
            size = mq_record_size(rec.len);
            count++;
        } else {
            goto corrupt;
        }
        if (off + size > cap || tail - pos < size)
            goto corrupt;
        pos += size;
    }
    if (h->alert_full && h->alert_len > h->cb_max_message)
        goto corrupt;
    h->count = count;
    if (count > h->high_water)
        h->high_water = count;
    return MQ_OK;
corrupt:
    h->state |= MQ_STATE_CORRUPT;
    return MQ_CORRUPT;
}

int mq_has_message(const struct mq_header *h)
{
    return ce_load32(&h->alert_full) || ce_load64(&h->head) != ce_load64(&h->tail);
}

int mq_has_room(const struct mq_header *h)
{
    uint64_t end;
    return mq_write_plan(h, MQ_HEADER_SIZE + mq_alert_area(h->cb_max_message) + h->capacity,
                         h->cb_max_message, 0, &end) != MQ_FULL;
}

/* Scans stop at the highest slot ever used: two processes share most
 * queues, and every read and write asks for the counts. */
static uint32_t slots(const struct mq_header *h)
{
    uint32_t n = h->proc_slots;
    return n < MQ_MAX_PROCS ? n : MQ_MAX_PROCS;
}

uint32_t mq_total_readers(const struct mq_header *h)
{
    uint32_t n = 0, used = slots(h);
    for (uint32_t i = 0; i < used; i++)
        if (h->procs[i].pid)
            n += h->procs[i].readers;
    return n;
}

uint32_t mq_total_writers(const struct mq_header *h)
{
    uint32_t n = 0, used = slots(h);
    for (uint32_t i = 0; i < used; i++)
        if (h->procs[i].pid)
            n += h->procs[i].writers;
    return n;
}

int mq_proc_add(struct mq_header *h, uint32_t pid, uint64_t create_time, int read_end, int delta)
{
    struct mq_proc *slot = NULL, *free_slot = NULL;
    uint32_t used = slots(h);
    for (uint32_t i = 0; i < used; i++) {
        struct mq_proc *p = &h->procs[i];
        if (p->pid == pid && p->create_time == create_time) {
            slot = p;
            break;
        }
        if (!p->pid && !free_slot)
            free_slot = p;
    }
    if (!slot) {
        if (delta <= 0)
            return 1;
        if (!free_slot) {
            if (used == MQ_MAX_PROCS)
                return 0;
            /* Grow the scanned range before filling the slot: a crash in
             * between leaves an empty slot in range, which is harmless. */
            h->proc_slots = used + 1;
            free_slot = &h->procs[used];
        }
        slot = free_slot;
        slot->readers = slot->writers = 0;
        slot->create_time = create_time;
        slot->pid = pid;
    }
    uint16_t *n = read_end ? &slot->readers : &slot->writers;
    int v = (int)*n + delta;
    *n = (uint16_t)(v < 0 ? 0 : v > 0xffff ? 0xffff : v);
    if (!slot->readers && !slot->writers)
        slot->pid = 0;
    return 1;
}
