/*
 * mq_chunks.c - the chunks that hold the rings of queues that commit on
 * demand (layout in mq_layout.h): installing, mapping and retiring them.
 * The keeper handles that keep a chunk alive are mq_keepers.c's.
 *
 * Layer 3b of the queue code (mq_chunks.h; the list is in mq_types.h).
 */
#include "msgqueue/mq_chunks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "common/atomics.h"
#include "common/ntobject.h"
#include "common/process.h"
#include "msgqueue/mq_keepers.h"

static void mark_corrupt(struct mq_header *h) { ceshim_store32(&h->state, ceshim_load32(&h->state) | MQ_STATE_CORRUPT); }

/* ---- views ---------------------------------------------------------------------- */

uint64_t mq_view_size(void *view)
{
    uint64_t size = 0;
    MEMORY_BASIC_INFORMATION mbi;
    uint8_t *p = view;
    while (VirtualQuery(p, &mbi, sizeof(mbi)) && mbi.AllocationBase == view) {
        size += mbi.RegionSize;
        p += mbi.RegionSize;
    }
    return size;
}

static void forget_view(struct mq_side *sd, int i)
{
    uint64_t uid = sd->views[i].uid;
    for (uint32_t s = 0; s < sd->mem.nslots; s++) {
        if (sd->mem.uid[s] == uid) {
            sd->mem.slot[s] = NULL;
            sd->mem.uid[s] = 0;
        }
    }
    UnmapViewOfFile(sd->views[i].view);
    sd->views[i].view = NULL;
    sd->views[i].uid = 0;
}

static void forget_uid(struct mq_side *sd, uint64_t uid)
{
    for (int i = 0; i < MQ_VIEW_CACHE; i++)
        if (sd->views[i].view && sd->views[i].uid == uid)
            forget_view(sd, i);
}

/* Opens chunk uid by name: a view of it (the header, or all of it) and,
 * when handle is not NULL, the handle. NULL if it is gone or not a chunk
 * of this queue. */
static struct mq_chunk_header *open_chunk(struct mq_queue *q, uint64_t uid, BOOL whole, HANDLE *handle)
{
    WCHAR name[CHUNK_NAME_MAX];
    chunk_name(name, q, uid);
    HANDLE m = OpenFileMappingW(FILE_MAP_ALL_ACCESS, FALSE, name);
    if (!m)
        return NULL;
    void *v = MapViewOfFile(m, FILE_MAP_ALL_ACCESS, 0, 0, whole ? 0 : MQ_CHUNK_HEADER);
    uint32_t ss = q->side[0].mem.slot_size; /* as attached, not the header's */
    if (v && !mq_chunk_valid(v, whole ? mq_view_size(v) : (uint64_t)MQ_CHUNK_HEADER + ss, uid, ss)) {
        UnmapViewOfFile(v);
        v = NULL;
    }
    if (v && handle)
        *handle = m;
    else
        CloseHandle(m);
    return v;
}

/* The data of chunk uid in this side's cache, mapping it if needed. */
static uint8_t *chunk_data(struct mq_queue *q, struct mq_side *sd, uint64_t uid)
{
    int victim = 0;
    for (int i = 0; i < MQ_VIEW_CACHE; i++) {
        if (sd->views[i].view && sd->views[i].uid == uid) {
            sd->views[i].used = ++sd->tick;
            return sd->views[i].view + MQ_CHUNK_HEADER;
        }
        if (!sd->views[i].view || (sd->views[victim].view && sd->views[i].used < sd->views[victim].used))
            victim = i;
    }
    uint8_t *v = (uint8_t *)open_chunk(q, uid, TRUE, NULL);
    if (!v)
        return NULL;
    mq_own_adopt_given(q, (const struct mq_chunk_header *)v, uid);
    if (sd->views[victim].view)
        forget_view(sd, victim);
    sd->views[victim].uid = uid;
    sd->views[victim].view = v;
    sd->views[victim].used = ++sd->tick;
    return v + MQ_CHUNK_HEADER;
}

static BOOL use_chunk(struct mq_queue *q, struct mq_side *sd, uint32_t s, uint64_t uid)
{
    uint8_t *data = chunk_data(q, sd, uid);
    if (!data)
        return FALSE;
    sd->mem.slot[s] = data;
    sd->mem.uid[s] = uid;
    return TRUE;
}

/* The places a chunk can be: each slot (as many as this process attached
 * to), then the spare. live_uid(q, i) for i < live_places(q) is the chunk
 * there, or 0. */
static uint32_t live_places(const struct mq_queue *q) { return q->side[0].mem.nslots + 1; }

static uint64_t live_uid(const struct mq_queue *q, uint32_t i)
{
    return i + 1 < live_places(q) ? ceshim_load64(&q->h->slot_uid[i]) : ceshim_load64(&q->h->spare_uid);
}

static BOOL chunk_live(const struct mq_queue *q, uint64_t uid)
{
    for (uint32_t i = 0; i < live_places(q); i++)
        if (live_uid(q, i) == uid)
            return TRUE;
    return FALSE;
}

BOOL mq_chunks_attach(struct mq_queue *q)
{
    struct mq_header *h = q->h;
    struct mq_ring_mem g;
    if (!mq_mem_attach(&g, h, q->view_size))
        return FALSE;
    struct mq_ring_mem *m = &q->side[0].mem;
    if (q->attached && m->chunked == g.chunked && m->nslots == g.nslots && m->slot_size == g.slot_size &&
        m->capacity == g.capacity && m->cb_max_message == g.cb_max_message && m->max_messages == g.max_messages &&
        m->flags == g.flags)
        return TRUE;
    for (int end = 0; end < 2; end++) {
        struct mq_side *sd = &q->side[end];
        for (int i = 0; i < MQ_VIEW_CACHE; i++)
            if (sd->views[i].view)
                forget_view(sd, i);
        memset(&sd->mem, 0, sizeof(sd->mem));
        sd->mem.chunked = g.chunked;
        sd->mem.nslots = g.nslots;
        sd->mem.slot_size = g.slot_size;
        sd->mem.cb_max_message = g.cb_max_message;
        sd->mem.max_messages = g.max_messages;
        sd->mem.flags = g.flags;
        sd->mem.capacity = g.capacity;
        /* Validated: the view holds the header, the alert area and the ring. */
        if (!g.chunked)
            sd->mem.slot[0] = (uint8_t *)h + MQ_HEADER_SIZE + mq_alert_area(g.cb_max_message);
        sd->seen_epoch = ceshim_load32(&h->free_epoch);
    }
    q->attached = TRUE;
    return TRUE;
}

void mq_chunks_begin(struct mq_queue *q, int end)
{
    struct mq_side *sd = &q->side[end];
    if (!sd->mem.chunked)
        return;
    uint32_t epoch = ceshim_load32(&q->h->free_epoch);
    if (epoch == sd->seen_epoch)
        return;
    sd->seen_epoch = epoch;
    for (int i = 0; i < MQ_VIEW_CACHE; i++)
        if (sd->views[i].view && !chunk_live(q, sd->views[i].uid))
            forget_view(sd, i);
}

BOOL mq_chunks_unmap(struct mq_queue *q)
{
    for (int end = 0; end < 2; end++)
        for (int i = 0; i < MQ_VIEW_CACHE; i++)
            if (q->side[end].views[i].view)
                forget_view(&q->side[end], i);
    mq_own_prune(q);
    return q->nkeepers != 0;
}

/* Under write_lock: a new chunk, its keepers given (ours is the creation
 * handle); 0 if it could not be made, and nothing is left behind. */
static uint64_t create_chunk(struct mq_queue *q)
{
    struct mq_header *h = q->h;
    int own = mq_proc_find(h, ceshim_self_pid(), ceshim_self_create_time());
    if (own < 0)
        return 0;
    mq_lock_long(q, MQ_LOCK_WRITE); /* a mapping, and a handle into every process */
    uint64_t uid = h->next_uid;
    h->next_uid = uid + 1;
    ceshim_store64(&h->creating_uid, uid);
    uint32_t ss = q->side[0].mem.slot_size;
    uint64_t size = (uint64_t)MQ_CHUNK_HEADER + ss;
    WCHAR name[CHUNK_NAME_MAX];
    chunk_name(name, q, uid);
    HANDLE m = CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE | SEC_COMMIT, (DWORD)(size >> 32),
                                  (DWORD)size, name);
    struct mq_chunk_header *c = NULL;
    if (m && GetLastError() != ERROR_ALREADY_EXISTS) /* a uid in use: the header was damaged */
        c = MapViewOfFile(m, FILE_MAP_ALL_ACCESS, 0, 0, MQ_CHUNK_HEADER);
    if (!c) {
        if (m)
            CloseHandle(m);
        ceshim_store64(&h->creating_uid, 0);
        return 0;
    }
    mq_chunk_init(c, uid, ss);
    c->keepers[own].handle = value_of(m);
    c->keepers[own].create_time = ceshim_self_create_time();
    c->keepers[own].pid = ceshim_self_pid();
    mq_own_add(q, uid, m);
    BOOL ok = mq_give_keepers(q, c, m, own);
    if (!ok) {
        mq_close_keepers(q, c, uid); /* ours included */
        ceshim_store64(&h->creating_uid, 0);
    }
    UnmapViewOfFile(c);
    return ok ? uid : 0;
}

/* Closes every keeper of chunk uid: the chunk goes once no view is left. */
static void close_chunk(struct mq_queue *q, uint64_t uid)
{
    struct mq_chunk_header *c = open_chunk(q, uid, FALSE, NULL);
    if (c) {
        mq_close_keepers(q, c, uid);
        UnmapViewOfFile(c);
    }
}

/* Under both locks: destroys chunk uid, no longer in the table. */
static void destroy_chunk(struct mq_queue *q, uint64_t uid)
{
    mq_lock_long(q, MQ_LOCK_BOTH); /* closes a handle in every process */
    ceshim_store32(&q->h->free_epoch, ceshim_load32(&q->h->free_epoch) + 1);
    forget_uid(&q->side[MQ_END_READ], uid);
    forget_uid(&q->side[MQ_END_WRITE], uid);
    close_chunk(q, uid);
}

void mq_chunks_repair(struct mq_queue *q)
{
    struct mq_header *h = q->h;
    uint64_t uid = ceshim_load64(&h->creating_uid);
    if (!uid || !q->side[0].mem.chunked)
        return;
    ceshim_store64(&h->creating_uid, 0);
    /* Installed: only the store of 0 was missing. Otherwise its creator
     * died first, and the keepers it gave go. */
    if (!chunk_live(q, uid)) {
        mq_lock_long(q, MQ_LOCK_WRITE); /* closes a handle in every process */
        close_chunk(q, uid);
    }
}

void mq_chunks_adopt(struct mq_queue *q)
{
    struct mq_header *h = q->h;
    if (!q->side[0].mem.chunked)
        return;
    int i = mq_proc_find(h, ceshim_self_pid(), ceshim_self_create_time());
    if (i < 0)
        return;
    mq_lock_long(q, MQ_LOCK_BOTH); /* opens every chunk */
    for (uint32_t place = 0; place < live_places(q); place++) {
        uint64_t uid = live_uid(q, place);
        HANDLE m = NULL;
        struct mq_chunk_header *c = uid ? open_chunk(q, uid, FALSE, &m) : NULL;
        if (!c)
            continue;
        c->keepers[i].handle = value_of(m);
        c->keepers[i].create_time = ceshim_self_create_time();
        c->keepers[i].pid = ceshim_self_pid();
        mq_own_add(q, uid, m);
        UnmapViewOfFile(c);
    }
}

void mq_chunks_release(struct mq_queue *q)
{
    if (!q->side[0].mem.chunked)
        return;
    mq_lock_long(q, MQ_LOCK_BOTH); /* opens every chunk */
    for (uint32_t place = 0; place < live_places(q); place++) {
        uint64_t uid = live_uid(q, place);
        struct mq_chunk_header *c = uid ? open_chunk(q, uid, FALSE, NULL) : NULL;
        if (!c)
            continue;
        for (uint32_t i = 0; i < MQ_MAX_PROCS; i++) {
            struct mq_keeper k = c->keepers[i];
            if (keeper_is_self(&k)) {
                c->keepers[i].pid = 0;
                mq_keeper_close(q, k, uid);
            }
        }
        UnmapViewOfFile(c);
    }
    /* What damaged records hid (under both locks: no one closes ours now). */
    AcquireSRWLockExclusive(&q->keepers_lock);
    for (uint32_t i = 0; i < q->nkeepers; i++)
        if (mq_is_chunk_handle(q, q->keepers[i].handle, q->keepers[i].uid))
            CloseHandle(q->keepers[i].handle);
    q->nkeepers = 0;
    ReleaseSRWLockExclusive(&q->keepers_lock);
}

/* ---- installing, mapping, retiring ---------------------------------------------------- */

enum mq_result mq_chunk_for_read(struct mq_queue *q, uint32_t s)
{
    struct mq_side *sd = &q->side[MQ_END_READ];
    /* A slot the head is in holds queued data: its chunk must exist. */
    uint64_t uid = s < sd->mem.nslots ? ceshim_load64(&q->h->slot_uid[s]) : 0;
    if (!sd->mem.chunked || !uid || !use_chunk(q, sd, s, uid)) {
        mark_corrupt(q->h);
        return MQ_CORRUPT;
    }
    return MQ_OK;
}

enum mq_result mq_chunk_for_write(struct mq_queue *q, uint32_t s)
{
    struct mq_header *h = q->h;
    struct mq_side *sd = &q->side[MQ_END_WRITE];
    if (!sd->mem.chunked || s >= sd->mem.nslots) {
        mark_corrupt(h);
        return MQ_CORRUPT;
    }
    uint64_t uid = ceshim_load64(&h->slot_uid[s]);
    if (uid) {
        if (use_chunk(q, sd, s, uid))
            return MQ_OK;
        mark_corrupt(h); /* every process holds a keeper: only damage loses one */
        return MQ_CORRUPT;
    }
    uint64_t spare = ceshim_load64(&h->spare_uid);
    if (spare && use_chunk(q, sd, s, spare)) {
        /* The slot first: a crash in between leaves it in both, which
         * mq_repair resolves. */
        ceshim_store64(&h->slot_uid[s], spare);
        ceshim_store64(&h->spare_uid, 0);
        return MQ_OK;
    }
    if (spare)
        ceshim_store64(&h->spare_uid, 0); /* damaged */
    uid = create_chunk(q);
    if (!uid)
        return MQ_NO_SPACE;
    ceshim_store64(&h->slot_uid[s], uid);
    ceshim_store64(&h->creating_uid, 0);
    return use_chunk(q, sd, s, uid) ? MQ_OK : MQ_NO_SPACE;
}

void mq_chunks_retire(struct mq_queue *q)
{
    struct mq_header *h = q->h;
    const struct mq_ring_mem *mem = &q->side[0].mem;
    if (!mem->chunked || !mq_state_valid(h, mem))
        return;
    for (uint32_t s = 0; s < mem->nslots; s++) {
        uint64_t uid = ceshim_load64(&h->slot_uid[s]);
        if (!uid || !mq_slot_unused(h, mem, s))
            continue;
        if (!ceshim_load64(&h->spare_uid)) {
            /* One drained chunk is kept, so a queue that flows through its
             * slots does not create and destroy one each time. */
            ceshim_store64(&h->spare_uid, uid);
            ceshim_store64(&h->slot_uid[s], 0);
        } else {
            ceshim_store64(&h->slot_uid[s], 0);
            destroy_chunk(q, uid);
        }
    }
}

BOOL mq_chunks_head_left(struct mq_queue *q, uint32_t old_slot)
{
    uint32_t head = (uint32_t)ceshim_load64(&q->h->rstate);
    return head / q->side[MQ_END_READ].mem.slot_size != old_slot;
}
