/*
 * mq_layout.c - pure operations on a queue's shared memory. Everything read
 * from the mapping is treated as hostile: each offset and length is checked
 * against the mapping's size before use, and each shared field is read once.
 */
#include "msgqueue/mq_layout.h"

#include <string.h>

#include "common/atomics.h"
#include "common/prefetch.h"

static uint64_t align_up(uint64_t v, uint64_t a) { return (v + a - 1) / a * a; }

uint64_t mq_record_size(uint32_t len) { return MQ_REC_HEADER + align_up(len, MQ_REC_ALIGN); }
uint64_t mq_alert_area(uint32_t cb_max_message) { return align_up(cb_max_message, 4096); }

int mq_geometry(uint32_t flags, uint32_t max_messages, uint32_t cb_max_message, uint64_t *capacity,
                uint64_t *mapping_size, uint32_t *slot_size, uint32_t *nslots)
{
    uint64_t rec = mq_record_size(cb_max_message);
    int on_demand = (flags & MQ_FLAG_NOPRECOMMIT) || max_messages == 0;
    *mapping_size = MQ_HEADER_SIZE + mq_alert_area(cb_max_message);
    if (!on_demand) {
        if ((uint64_t)cb_max_message * max_messages > MQ_MAX_PREALLOC)
            return 0;
        /* Two records of slack: the free space may be split between the
         * ring's end and its start, and one part must hold a whole record. */
        uint64_t cap = align_up(((uint64_t)max_messages + 2) * rec, 4096);
        *capacity = cap;
        *mapping_size += cap;
        *slot_size = (uint32_t)cap;
        *nslots = 1;
        return 1;
    }
    /* Slots of at least two records: the bytes lost at slot ends then stay
     * under half the ring, so 2 * (max + 1) records' worth holds max
     * messages wherever they lie. */
    uint64_t ss = max_messages ? MQ_SLOT_MIN_BOUNDED : MQ_SLOT_MIN_UNBOUNDED;
    while (ss < 2 * rec)
        ss *= 2;
    uint64_t want = max_messages ? 2 * ((uint64_t)max_messages + 1) * rec : MQ_ONDEMAND_CAPACITY;
    if (want > MQ_ONDEMAND_CAPACITY)
        want = MQ_ONDEMAND_CAPACITY;
    while (want > ss * MQ_MAX_SLOTS)
        ss *= 2;
    uint64_t n = (want + ss - 1) / ss;
    if (n < 2)
        n = 2;
    *capacity = n * ss;
    *slot_size = (uint32_t)ss;
    *nslots = (uint32_t)n;
    return 1;
}

void mq_init(struct mq_header *h, uint32_t flags, uint32_t max_messages, uint32_t cb_max_message,
             uint64_t capacity, uint32_t slot_size, uint32_t nslots, uint64_t first_uid,
             const uint16_t *name, uint32_t name_chars)
{
    /* The lock words stay as they are: the caller holds them. */
    uint64_t read_lock = h->read_lock, write_lock = h->write_lock;
    memset(h, 0, sizeof(*h));
    h->read_lock = read_lock;
    h->write_lock = write_lock;
    h->version = MQ_LAYOUT_VERSION;
    h->header_size = MQ_HEADER_SIZE;
    h->flags = flags | (max_messages == 0 ? MQ_FLAG_NOPRECOMMIT : 0);
    h->max_messages = max_messages;
    h->cb_max_message = cb_max_message;
    h->capacity = capacity;
    h->slot_size = slot_size;
    h->nslots = nslots;
    h->next_uid = first_uid ? first_uid : 1;
    h->write_event_set = 1;
    if (name && name_chars <= MQ_NAME_MAX) {
        memcpy(h->name, name, name_chars * sizeof(uint16_t));
        h->name_chars = name_chars;
    }
    ceshim_store32(&h->magic, MQ_MAGIC);
}

/* The header's geometry, each field loaded once: what is checked is what
 * is used. */
struct shape {
    uint32_t magic, version, header_size, flags, max_messages, cb_max_message, state, slot_size, nslots;
    uint64_t capacity;
};

static void shape_read(const struct mq_header *h, struct shape *g)
{
    g->magic = ceshim_load32(&h->magic);
    g->version = ceshim_load32(&h->version);
    g->header_size = ceshim_load32(&h->header_size);
    g->flags = ceshim_load32(&h->flags);
    g->max_messages = ceshim_load32(&h->max_messages);
    g->cb_max_message = ceshim_load32(&h->cb_max_message);
    g->state = ceshim_load32(&h->state);
    g->slot_size = ceshim_load32(&h->slot_size);
    g->nslots = ceshim_load32(&h->nslots);
    g->capacity = ceshim_load64(&h->capacity);
}

static int shape_valid(const struct shape *g, uint64_t mapping_size)
{
    if (mapping_size < MQ_HEADER_SIZE)
        return 0;
    if (g->magic != MQ_MAGIC || g->version != MQ_LAYOUT_VERSION || g->header_size != MQ_HEADER_SIZE)
        return 0;
    uint32_t cbmax = g->cb_max_message;
    uint64_t cap = g->capacity;
    if (cbmax == 0 || cbmax > MQ_MAX_NODE_SIZE || g->max_messages > MQ_MAX_NUM_NODES)
        return 0;
    if (cap < 2 * mq_record_size(cbmax) || cap % MQ_REC_ALIGN || cap > 0xffffffffu)
        return 0;
    uint64_t ss = g->slot_size, n = g->nslots;
    if (g->flags & MQ_FLAG_NOPRECOMMIT) {
        /* Chunked: only the header and the alert slot are in this mapping. */
        if (n < 2 || n > MQ_MAX_SLOTS || ss < mq_record_size(cbmax) || ss > MQ_SLOT_MAX || (ss & (ss - 1)) ||
            ss < 4096 || cap != ss * n)
            return 0;
        if (MQ_HEADER_SIZE + mq_alert_area(cbmax) > mapping_size)
            return 0;
    } else {
        if (n != 1 || ss != cap)
            return 0;
        if (cap > mapping_size || MQ_HEADER_SIZE + mq_alert_area(cbmax) > mapping_size - cap)
            return 0;
    }
    if (g->state & MQ_STATE_CORRUPT)
        return 0;
    return 1;
}

int mq_header_valid(const struct mq_header *h, uint64_t mapping_size)
{
    struct shape g;
    shape_read(h, &g);
    return shape_valid(&g, mapping_size);
}

int mq_mem_attach(struct mq_ring_mem *m, const struct mq_header *h, uint64_t mapping_size)
{
    struct shape g;
    shape_read(h, &g);
    if (!shape_valid(&g, mapping_size))
        return 0;
    m->chunked = (g.flags & MQ_FLAG_NOPRECOMMIT) != 0;
    m->nslots = g.nslots;
    m->slot_size = g.slot_size;
    m->cb_max_message = g.cb_max_message;
    m->max_messages = g.max_messages;
    m->flags = g.flags;
    m->capacity = g.capacity;
    return 1;
}

int mq_header_matches(const struct mq_header *h, const struct mq_ring_mem *m)
{
    return m->capacity != 0 && ceshim_load32(&h->magic) == MQ_MAGIC &&
           ceshim_load32(&h->version) == MQ_LAYOUT_VERSION && !(ceshim_load32(&h->state) & MQ_STATE_CORRUPT) &&
           ceshim_load64(&h->capacity) == m->capacity && ceshim_load32(&h->cb_max_message) == m->cb_max_message &&
           ceshim_load32(&h->max_messages) == m->max_messages &&
           ceshim_load32(&h->slot_size) == m->slot_size && ceshim_load32(&h->nslots) == m->nslots &&
           ((ceshim_load32(&h->flags) & MQ_FLAG_NOPRECOMMIT) != 0) == (m->chunked != 0);
}

static uint8_t *alert_slot(struct mq_header *h) { return (uint8_t *)h + MQ_HEADER_SIZE; }

static uint32_t state_count(uint64_t st) { return (uint32_t)(st >> 32); }
static uint32_t state_offset(uint64_t st) { return (uint32_t)st; }
static uint64_t make_state(uint32_t count, uint64_t offset) { return ((uint64_t)count << 32) | (uint32_t)offset; }

/* A damaged queue stays damaged: every later call fails the same way. */
static enum mq_result corrupt(struct mq_header *h)
{
    ceshim_store32(&h->state, ceshim_load32(&h->state) | MQ_STATE_CORRUPT);
    return MQ_CORRUPT;
}

/* A snapshot of both sides, checked: offsets inside the ring and aligned,
 * a count CE could have, and an empty ring with head at tail. */
struct ring_view {
    uint32_t read, written, count;
    uint64_t head, tail, cap;
};

static int view_of(const struct mq_ring_mem *m, uint64_t rs, uint64_t ws, struct ring_view *v)
{
    v->cap = m->capacity;
    v->read = state_count(rs);
    v->written = state_count(ws);
    v->count = v->written - v->read;
    v->head = state_offset(rs);
    v->tail = state_offset(ws);
    if (v->head >= v->cap || v->tail >= v->cap || v->head % MQ_REC_ALIGN || v->tail % MQ_REC_ALIGN)
        return 0;
    if (v->count > MQ_MAX_NUM_NODES + 1 || (m->max_messages && v->count > m->max_messages))
        return 0;
    if (v->count == 0 && v->head != v->tail)
        return 0;
    return 1;
}

static int take_view(const struct mq_header *h, const struct mq_ring_mem *m, struct ring_view *v)
{
    return view_of(m, ceshim_load64(&h->rstate), ceshim_load64(&h->wstate), v);
}

int mq_state_valid(struct mq_header *h, const struct mq_ring_mem *m)
{
    struct ring_view v;
    if (!mq_header_matches(h, m))
        return 0;
    if (!take_view(h, m, &v) || ceshim_load32(&h->alert_len) > m->cb_max_message) {
        corrupt(h);
        return 0;
    }
    return 1;
}

static int count_room(const struct mq_ring_mem *m, uint32_t count)
{
    return m->max_messages == 0 ? count < MQ_MAX_NUM_NODES + 1 : count < m->max_messages;
}

/* Where the slot holding ring offset off ends. Slots are the whole ring
 * (pre-committed) or a power of two (chunked): no division per message. */
static uint64_t slot_end(uint64_t off, uint64_t slot_size, uint64_t cap)
{
    return slot_size == cap ? cap : (off | (slot_size - 1)) + 1;
}

/* Where a record of `need` bytes goes: its offset, and whether a wrap
 * marker must fill the rest of the tail's slot first. 0 if it does not
 * fit in the free bytes, which run from the tail round to the head. */
static int place(const struct ring_view *v, uint64_t slot_size, uint64_t need, uint64_t *at, int *wrap)
{
    uint64_t free_bytes;
    if (v->count == 0)
        free_bytes = v->cap;
    else if (v->tail == v->head)
        return 0; /* the ring is full to the byte */
    else
        free_bytes = (v->head + v->cap - v->tail) % v->cap;
    uint64_t end = slot_end(v->tail, slot_size, v->cap), skip = end - v->tail;
    if (skip >= need) {
        if (need > free_bytes)
            return 0;
        *at = v->tail;
        *wrap = 0;
        return 1;
    }
    if (skip + need > free_bytes)
        return 0;
    *at = end == v->cap ? 0 : end;
    *wrap = 1;
    return 1;
}

/* The writer's view: its own state fresh, the reader's from *peer (a value
 * the reader published earlier) when given. A stale reader state only
 * understates the free space, so it is re-read from shared memory only
 * when the cached view says "full" (or does not add up): a writer sending
 * a run of messages then does not touch the reader's cache line for every
 * message. */
static enum mq_result writer_view(const struct mq_header *h, const struct mq_ring_mem *m, struct mq_peer *peer,
                                  uint32_t len, struct ring_view *v, uint64_t *at, int *wrap)
{
    uint64_t ws = ceshim_load64(&h->wstate);
    /* Another writer moved the tail since the cache was taken: it may have
     * gone round past the cached head. */
    for (int fresh = peer == NULL || peer->own != ws;; fresh = 1) {
        uint64_t rs = fresh ? ceshim_load64(&h->rstate) : peer->state;
        if (fresh && peer) {
            peer->state = rs;
            peer->own = ws;
        }
        if (view_of(m, rs, ws, v)) {
            if (!count_room(m, v->count)) {
                if (fresh)
                    return MQ_FULL;
            } else if (place(v, m->slot_size, mq_record_size(len), at, wrap)) {
                return MQ_OK;
            } else if (fresh) {
                /* Capacity leaves room for max_messages records wherever
                 * they lie, so only a capped ring runs out of bytes first. */
                return MQ_NO_SPACE;
            }
        } else if (fresh) {
            return MQ_CORRUPT;
        }
    }
}

enum mq_result mq_write_plan(const struct mq_header *h, const struct mq_ring_mem *mem, uint32_t len, int alert,
                             struct mq_peer *peer)
{
    if (!mq_header_matches(h, mem))
        return MQ_CORRUPT;
    if (len > mem->cb_max_message)
        return MQ_TOO_BIG;
    if (alert && !ceshim_load32(&h->alert_full))
        return MQ_OK;
    struct ring_view v;
    uint64_t at;
    int wrap;
    return writer_view(h, mem, peer, len, &v, &at, &wrap);
}

/* The caller's memory for ring offset off (inside a slot it has mapped,
 * of the chunk the header names), or NULL with *need_slot set. */
static uint8_t *ring_at(const struct mq_header *h, const struct mq_ring_mem *m, uint64_t off, uint32_t *need_slot)
{
    if (!m->chunked)
        return m->slot[0] + off; /* one slot, the whole ring */
    uint32_t s = (uint32_t)(off / m->slot_size);
    uint8_t *p = s < m->nslots ? m->slot[s] : NULL;
    if (p && m->uid[s] != ceshim_load64(&h->slot_uid[s]))
        p = NULL;
    if (!p) {
        *need_slot = s;
        return NULL;
    }
    return p + (off & (m->slot_size - 1));
}

enum mq_result mq_write(struct mq_header *h, struct mq_ring_mem *mem, const void *data, uint32_t len,
                        uint32_t flags, uint32_t writer_pid, int alert, struct mq_peer *peer, uint32_t *need_slot)
{
    /* mq_write_plan's checks, without its second ring view. */
    if (!mq_header_matches(h, mem))
        return corrupt(h);
    if (len > mem->cb_max_message)
        return MQ_TOO_BIG;
    if (alert && !ceshim_load32(&h->alert_full)) {
        memcpy(alert_slot(h), data, len); /* the alert area holds cb_max_message bytes */
        ceshim_store32(&h->alert_len, len);
        ceshim_store32(&h->alert_flags, flags);
        ceshim_store32(&h->alert_writer, writer_pid);
        ceshim_store32(&h->alert_full, 1); /* publish */
        return MQ_OK;
    }
    struct ring_view v;
    uint64_t need = mq_record_size(len), at;
    int wrap;
    enum mq_result r = writer_view(h, mem, peer, len, &v, &at, &wrap);
    if (r != MQ_OK)
        return r == MQ_CORRUPT ? corrupt(h) : r;
    /* Both places are checked before anything is written. */
    uint8_t *rec_at = ring_at(h, mem, at, need_slot), *marker_at = NULL;
    if (!rec_at || (wrap && !(marker_at = ring_at(h, mem, v.tail, need_slot))))
        return MQ_NEED_SLOT;
    if (wrap) {
        uint64_t end = slot_end(v.tail, mem->slot_size, v.cap);
        struct mq_record marker = { (uint32_t)(end - v.tail - MQ_REC_HEADER), 0, writer_pid, MQ_KIND_WRAP };
        memcpy(marker_at, &marker, sizeof(marker));
    }
    /* Take the line after this record from the reader's core now, while
     * this one is written: the next write then finds it ready. */
    uint64_t next_line = align_up(at + need, MQ_CACHE_LINE);
    if (next_line + MQ_CACHE_LINE <= slot_end(at, mem->slot_size, v.cap))
        ceshim_prefetch_for_write(rec_at + (next_line - at));
    /* Small messages (nearly all) skip the call: memcpy is what it would do. */
    unsigned way = CESHIM_BULK_PLAIN;
    if (len < CESHIM_BULK_MIN)
        memcpy(rec_at + MQ_REC_HEADER, data, len);
    else
        way = ceshim_bulk_write(&mem->copy, rec_at + MQ_REC_HEADER, data, len, (uint32_t)(v.cap / need));
    struct mq_record rec = { len, flags, writer_pid, way == CESHIM_BULK_STREAM ? MQ_KIND_MSG_STREAMED : MQ_KIND_MSG };
    memcpy(rec_at, &rec, sizeof(rec));
    /* Publish: count and tail in one store. The cache still holds: only
     * this writer moved the tail since. */
    uint64_t ws = make_state(v.written + 1, at + need == v.cap ? 0 : at + need);
    ceshim_store64(&h->wstate, ws);
    if (peer)
        peer->own = ws;
    /* The high-water mark needs the true count; the cached one may be
     * higher, so the reader's state is read fresh only when that matters. */
    uint32_t count = v.written + 1 - v.read;
    if (count > ceshim_load32(&h->high_water)) {
        uint64_t rs = ceshim_load64(&h->rstate);
        if (peer)
            peer->state = rs;
        count = v.written + 1 - state_count(rs);
        if (count > ceshim_load32(&h->high_water) && count <= MQ_MAX_NUM_NODES + 1)
            ceshim_store32(&h->high_water, count);
    }
    return MQ_OK;
}

/* The reader's view: its own state fresh, the writer's from *peer when
 * given; re-read when the cached view says "empty" (or does not add up). */
static int reader_view(const struct mq_header *h, const struct mq_ring_mem *m, struct mq_peer *peer,
                       struct ring_view *v)
{
    uint64_t rs = ceshim_load64(&h->rstate);
    for (int fresh = peer == NULL || peer->own != rs;; fresh = 1) {
        uint64_t ws = fresh ? ceshim_load64(&h->wstate) : peer->state;
        if (fresh && peer) {
            peer->state = ws;
            peer->own = rs;
        }
        if (view_of(m, rs, ws, v) && (v->count > 0 || fresh))
            return 1;
        if (fresh)
            return 0;
    }
}

enum mq_result mq_read(struct mq_header *h, const struct mq_ring_mem *mem, void *buf, uint32_t buf_size,
                       uint32_t *len, uint32_t *flags, uint32_t *writer_pid, struct mq_peer *peer, uint32_t *need_slot)
{
    if (!mq_header_matches(h, mem))
        return corrupt(h);
    uint32_t cbmax = mem->cb_max_message;
    if (ceshim_load32(&h->alert_full)) {
        uint32_t n = ceshim_load32(&h->alert_len);
        if (n > cbmax)
            return corrupt(h);
        uint32_t copy = n < buf_size ? n : buf_size;
        memcpy(buf, alert_slot(h), copy);
        *len = copy;
        *flags = ceshim_load32(&h->alert_flags);
        *writer_pid = ceshim_load32(&h->alert_writer);
        ceshim_store32(&h->alert_full, 0);
        return copy < n ? MQ_TRUNCATED : MQ_OK;
    }
    for (int hops = 0; hops < 2; hops++) {
        struct ring_view v;
        if (!reader_view(h, mem, peer, &v))
            return corrupt(h);
        if (v.count == 0)
            return MQ_EMPTY;
        uint8_t *p = ring_at(h, mem, v.head, need_slot);
        if (!p)
            return MQ_NEED_SLOT;
        uint64_t end = slot_end(v.head, mem->slot_size, v.cap);
        struct mq_record rec;
        memcpy(&rec, p, sizeof(rec));
        if (rec.kind == MQ_KIND_WRAP) {
            /* The wrap marker fills the rest of its slot exactly. */
            if (end - v.head == mem->slot_size || rec.len != end - v.head - MQ_REC_HEADER)
                return corrupt(h);
            uint64_t rs = make_state(v.read, end == v.cap ? 0 : end);
            ceshim_store64(&h->rstate, rs);
            if (peer)
                peer->own = rs; /* only this reader moved the head */
            continue;
        }
        uint64_t size = mq_record_size(rec.len);
        if ((rec.kind != MQ_KIND_MSG && rec.kind != MQ_KIND_MSG_STREAMED) || rec.len > cbmax ||
            v.head + size > end)
            return corrupt(h);
        uint32_t copy = rec.len < buf_size ? rec.len : buf_size;
        if (rec.kind == MQ_KIND_MSG_STREAMED)
            ceshim_bulk_read(buf, p + MQ_REC_HEADER, copy, 1);
        else
            memcpy(buf, p + MQ_REC_HEADER, copy);
        *len = copy;
        *flags = rec.flags;
        *writer_pid = rec.writer;
        /* Consume: count and head in one store. */
        uint64_t rs = make_state(v.read + 1, v.head + size == v.cap ? 0 : v.head + size);
        ceshim_store64(&h->rstate, rs);
        if (peer)
            peer->own = rs;
        return copy < rec.len ? MQ_TRUNCATED : MQ_OK;
    }
    return corrupt(h); /* two wrap markers in a row */
}

void mq_discard(struct mq_header *h)
{
    ceshim_store32(&h->alert_full, 0);
    ceshim_store64(&h->rstate, ceshim_load64(&h->wstate));
}

enum mq_result mq_repair(struct mq_header *h, const struct mq_ring_mem *mem)
{
    if (!mq_state_valid(h, mem))
        return MQ_CORRUPT;
    /* A chunk moves between the spare and a slot with two stores, the slot
     * first: a crash in between leaves it in both, and the slot keeps it. */
    uint64_t spare = ceshim_load64(&h->spare_uid);
    for (uint32_t s = 0; spare && s < mem->nslots; s++)
        if (ceshim_load64(&h->slot_uid[s]) == spare)
            ceshim_store64(&h->spare_uid, spare = 0);
    return MQ_OK;
}

uint32_t mq_count(const struct mq_header *h)
{
    return state_count(ceshim_load64(&h->wstate)) - state_count(ceshim_load64(&h->rstate));
}

int mq_has_message(const struct mq_header *h)
{
    return ceshim_load32(&h->alert_full) || mq_count(h) != 0;
}

int mq_has_room(const struct mq_header *h, const struct mq_ring_mem *mem)
{
    return mq_write_plan(h, mem, 1, 0, NULL) != MQ_FULL;
}

int mq_slot_unused(const struct mq_header *h, const struct mq_ring_mem *mem, uint32_t s)
{
    struct ring_view v;
    uint64_t ss = mem->slot_size;
    if (!ss || s >= mem->nslots || !take_view(h, mem, &v))
        return 0;
    if (v.head / ss == s || v.tail / ss == s)
        return 0;
    if (v.count == 0)
        return 1;
    /* Queued bytes run from the head for `live` bytes; the slot starts
     * `from_head` bytes after the head (it is not the head's slot). */
    uint64_t live = (v.tail + v.cap - v.head) % v.cap;
    uint64_t from_head = ((uint64_t)s * ss + v.cap - v.head) % v.cap;
    return live != 0 && from_head >= live;
}

void mq_chunk_init(struct mq_chunk_header *c, uint64_t uid, uint32_t slot_size)
{
    memset(c, 0, sizeof(*c));
    c->version = MQ_LAYOUT_VERSION;
    c->uid = uid;
    c->slot_size = slot_size;
    ceshim_store32(&c->magic, MQ_CHUNK_MAGIC);
}

int mq_chunk_valid(const struct mq_chunk_header *c, uint64_t view_size, uint64_t uid, uint32_t slot_size)
{
    return view_size >= (uint64_t)MQ_CHUNK_HEADER + slot_size && c->magic == MQ_CHUNK_MAGIC &&
           c->version == MQ_LAYOUT_VERSION && c->uid == uid && c->slot_size == slot_size;
}

/* Scans stop at the highest slot ever used: two processes share most
 * queues, and every read and write asks for the counts. */
static uint32_t slots(const struct mq_header *h)
{
    uint32_t n = ceshim_load32(&h->proc_slots);
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

int mq_proc_find(const struct mq_header *h, uint32_t pid, uint64_t create_time)
{
    uint32_t used = slots(h);
    for (uint32_t i = 0; i < used; i++)
        if (h->procs[i].pid == pid && h->procs[i].create_time == create_time)
            return (int)i;
    return -1;
}
