/*
 * mq_core.c - opening queue ends, the shared lock, sweeping dead processes,
 * and the lazy event protocol that keeps the common path free of kernel
 * calls.
 *
 * Event protocol. The read-end event should be set while messages are
 * queued, the write-end event while there is room; setting and resetting
 * them on every transition would cost two wineserver round trips per
 * message. Instead each end has a mirror flag (read_event_set /
 * write_event_set: "the event is believed set") and a sleeper count:
 *  - a side that makes the other end ready (a write for the read end, a
 *    read for the write end) sets the event only when someone sleeps on it
 *    or the mirror says it was reset;
 *  - a side about to sleep registers as a sleeper, resets the event, clears
 *    the mirror, re-checks the queue, and only then sleeps.
 * The mirror can be stale only in the "set" direction (an event still set
 * over an empty queue), which costs an early wake, never a lost one. Waits
 * routed through ceshim.h correct that before they sleep.
 */
#include "msgqueue/mq_local.h"

#include <stdlib.h>
#include <string.h>

#include "common/atomics.h"
#include "common/process.h"
#include "common/shlock.h"

#define SWEEP_INTERVAL_MS 500

static SRWLOCK queues_lock = SRWLOCK_INIT;
static struct mq_queue *queues;

/* ---- the shared lock ------------------------------------------------------- */

/* mq_repair with this process's geometry; before the queue is attached
 * (an open), with the header's, validated now. */
static enum mq_result repair(struct mq_queue *q)
{
    if (q->attached)
        return mq_repair(q->h, &q->side[0].mem);
    struct mq_ring_mem g;
    memset(&g, 0, sizeof(g));
    return mq_mem_attach(&g, q->h, q->view_size) ? mq_repair(q->h, &g) : MQ_CORRUPT;
}

static BOOL lock_one(struct mq_queue *q, volatile uint64_t *word, uint32_t give_up_ms)
{
    switch (ceshim_shlock_acquire(word, give_up_ms)) {
    case CESHIM_SHLOCK_ACQUIRED:
        return TRUE;
    case CESHIM_SHLOCK_TAKEN_OVER:
        /* The owner died inside a critical section. Every update is one
         * store, so nothing is half done but a chunk being created; a
         * damaged state marks the queue corrupt. */
        if (repair(q) == MQ_OK && word == &q->h->write_lock)
            mq_chunks_repair(q);
        return TRUE;
    default:
        SetLastError(ERROR_BUSY);
        return FALSE;
    }
}

int mq_lock_within(struct mq_queue *q, int which, uint32_t give_up_ms)
{
    if ((which & MQ_LOCK_READ) && !lock_one(q, &q->h->read_lock, give_up_ms))
        return FALSE;
    if ((which & MQ_LOCK_WRITE) && !lock_one(q, &q->h->write_lock, give_up_ms)) {
        if (which & MQ_LOCK_READ)
            ceshim_shlock_release(&q->h->read_lock);
        return FALSE;
    }
    return TRUE;
}

int mq_lock(struct mq_queue *q, int which) { return mq_lock_within(q, which, CESHIM_SHLOCK_GIVE_UP_MS); }

void mq_lock_long(struct mq_queue *q, int which)
{
    if (which & MQ_LOCK_READ)
        ceshim_shlock_mark_long(&q->h->read_lock);
    if (which & MQ_LOCK_WRITE)
        ceshim_shlock_mark_long(&q->h->write_lock);
}

void mq_unlock(struct mq_queue *q, int which)
{
    if (which & MQ_LOCK_WRITE)
        ceshim_shlock_release(&q->h->write_lock);
    if (which & MQ_LOCK_READ)
        ceshim_shlock_release(&q->h->read_lock);
}

/* ---- end closing and sweeping ------------------------------------------------ */

static void wake_end(struct mq_queue *q, int end)
{
    volatile uint32_t *mirror = end == MQ_END_READ ? &q->h->read_event_set : &q->h->write_event_set;
    ceshim_store32(mirror, 1);
    SetEvent(q->ev[end]);
}

/* Under the lock, after handle counts dropped: an end with no handles left
 * wakes everyone and, without ALLOW_BROKEN, breaks the queue (spec 1.11). */
static void after_count_change(struct mq_queue *q, uint32_t readers_before, uint32_t writers_before)
{
    struct mq_header *h = q->h;
    uint32_t readers = mq_total_readers(h), writers = mq_total_writers(h);
    BOOL end_gone = (readers_before && !readers) || (writers_before && !writers);
    if (!end_gone)
        return;
    if (!(h->flags & MQ_FLAG_ALLOW_BROKEN) && (readers || writers)) {
        mq_discard(h);
        h->state |= MQ_STATE_BROKEN;
        mq_chunks_retire(q); /* the discarded messages' memory goes back */
    }
    /* Spec 1.12: both ends are signaled, and stay so until reset. */
    ceshim_store32(&h->read_sticky, 1);
    ceshim_store32(&h->write_sticky, 1);
    ceshim_store32(&h->ends_closed, h->ends_closed + 1);
    wake_end(q, MQ_END_READ);
    wake_end(q, MQ_END_WRITE);
}

static BOOL process_exiting;

/* Adds delta handles of one end for this process. While the process has a
 * record it holds keepers of the queue's chunks. */
BOOL mq_count_handles(struct mq_queue *q, int end, int delta)
{
    struct mq_header *h = q->h;
    uint32_t r = mq_total_readers(h), w = mq_total_writers(h);
    uint32_t pid = ceshim_self_pid();
    uint64_t created = ceshim_self_create_time();
    BOOL had = mq_proc_find(h, pid, created) >= 0;
    if (!mq_proc_add(h, pid, created, end == MQ_END_READ, delta))
        return FALSE;
    BOOL has = mq_proc_find(h, pid, created) >= 0;
    if (!had && has)
        mq_chunks_adopt(q);
    else if (had && !has && !process_exiting)
        mq_chunks_release(q); /* at exit the system closes them */
    if (delta < 0)
        after_count_change(q, r, w);
    return TRUE;
}

BOOL mq_sweep(struct mq_queue *q, BOOL force, uint32_t give_up_ms)
{
    struct mq_header *h = q->h;
    ULONGLONG now = GetTickCount64();
    if (!force && now - ceshim_load64(&h->last_sweep_ms) < SWEEP_INTERVAL_MS)
        return TRUE;
    ceshim_store64(&h->last_sweep_ms, now);

    /* Liveness is checked outside the lock (it takes kernel calls); the
     * records found dead are removed under it, if still the same. */
    struct mq_proc snapshot[MQ_MAX_PROCS];
    memcpy(snapshot, (const void *)h->procs, sizeof(snapshot));
    BOOL dead[MQ_MAX_PROCS] = { 0 };
    BOOL any = FALSE;
    for (uint32_t i = 0; i < MQ_MAX_PROCS; i++) {
        /* Our own pid included: a record of it with another creation time
         * is an earlier process's. */
        if (snapshot[i].pid && !ceshim_process_alive(snapshot[i].pid, snapshot[i].create_time))
            dead[i] = any = TRUE;
    }
    if (!any)
        return TRUE;
    if (!mq_lock_within(q, MQ_LOCK_BOTH, give_up_ms))
        return FALSE;
    uint32_t r = mq_total_readers(h), w = mq_total_writers(h);
    for (uint32_t i = 0; i < MQ_MAX_PROCS; i++) {
        struct mq_proc *p = &h->procs[i];
        if (dead[i] && p->pid == snapshot[i].pid && p->create_time == snapshot[i].create_time)
            p->pid = 0;
    }
    after_count_change(q, r, w);
    mq_unlock(q, MQ_LOCK_BOTH);
    mq_chunks_flush_closes(q);
    return TRUE;
}

static void release_own_records(struct mq_queue *q, int readers, int writers)
{
    /* Process exit: a killed-looking exit is swept by the others anyway;
     * a clean one is released here at once. */
    if (!mq_lock(q, MQ_LOCK_BOTH))
        return;
    if (readers)
        mq_count_handles(q, MQ_END_READ, -readers);
    if (writers)
        mq_count_handles(q, MQ_END_WRITE, -writers);
    mq_unlock(q, MQ_LOCK_BOTH);
}

void mq_process_exit(void)
{
    process_exiting = TRUE;
    mq_for_each_queue(release_own_records);
}

/* ---- waiting -------------------------------------------------------------------- */

BOOL mq_end_ready(struct mq_handle *hnd)
{
    struct mq_header *h = hnd->q->h;
    if (hnd->closed || (h->state & (MQ_STATE_BROKEN | MQ_STATE_CORRUPT)))
        return TRUE;
    /* No writer (reader) attached is no signal: a read end that never had a
     * writer is created unsignaled, and a CE program waits on it before it
     * reads, as reading would fail with ERROR_PIPE_NOT_CONNECTED. */
    if (hnd->end == MQ_END_READ)
        return ceshim_load32(&h->read_sticky) || mq_has_message(h);
    return ceshim_load32(&h->write_sticky) || mq_has_room(h, &hnd->q->side[MQ_END_WRITE].mem);
}

uint64_t mq_end_mark(struct mq_handle *hnd)
{
    struct mq_header *h = hnd->q->h;
    /* The other side's message count: writes signal the read end, reads
     * the write end. */
    uint64_t peer = ceshim_load64(hnd->end == MQ_END_READ ? &h->wstate : &h->rstate);
    return ((uint64_t)ceshim_load32(&h->ends_closed) << 32) | (peer >> 32);
}

void mq_end_reset(struct mq_queue *q, int end)
{
    volatile uint32_t *sticky = end == MQ_END_READ ? &q->h->read_sticky : &q->h->write_sticky;
    if (ceshim_load32(sticky)) /* stored only when set: the line stays this side's */
        ceshim_store32(sticky, 0);
}

BOOL mq_sleep_begin(struct mq_handle *hnd)
{
    struct mq_queue *q = hnd->q;
    struct mq_header *h = q->h;
    volatile uint32_t *sleepers = hnd->end == MQ_END_READ ? &h->read_sleepers : &h->write_sleepers;
    volatile uint32_t *mirror = hnd->end == MQ_END_READ ? &h->read_event_set : &h->write_event_set;
    ceshim_add32(sleepers, 1);
    InterlockedIncrement(&q->sleepers[hnd->end]);
    ResetEvent(q->ev[hnd->end]);
    ceshim_store32(mirror, 0);
    ceshim_fence();
    if (mq_end_ready(hnd)) {
        /* Became ready meanwhile: put the event back for other waiters. */
        ceshim_store32(mirror, 1);
        SetEvent(q->ev[hnd->end]);
        return FALSE;
    }
    return TRUE;
}

void mq_sleep_end(struct mq_handle *hnd)
{
    struct mq_header *h = hnd->q->h;
    InterlockedDecrement(&hnd->q->sleepers[hnd->end]);
    ceshim_add32(hnd->end == MQ_END_READ ? &h->read_sleepers : &h->write_sleepers, -1);
}

/* After making `end` ready (a message for readers, room for writers). */
void mq_signal_end(struct mq_queue *q, int end)
{
    struct mq_header *h = q->h;
    volatile uint32_t *sleepers = end == MQ_END_READ ? &h->read_sleepers : &h->write_sleepers;
    volatile uint32_t *mirror = end == MQ_END_READ ? &h->read_event_set : &h->write_event_set;
    ceshim_fence();
    if (ceshim_load32(sleepers) || !ceshim_load32(mirror))
        wake_end(q, end);
}

/* ---- opening ---------------------------------------------------------------------- */

void mq_queue_put(struct mq_queue *q)
{
    AcquireSRWLockExclusive(&queues_lock);
    if (--q->refs > 0) {
        ReleaseSRWLockExclusive(&queues_lock);
        return;
    }
    for (struct mq_queue **pp = &queues; *pp; pp = &(*pp)->next) {
        if (*pp == q) {
            *pp = q->next;
            break;
        }
    }
    ReleaseSRWLockExclusive(&queues_lock);
    mq_chunks_unmap(q);
    UnmapViewOfFile(q->h);
    CloseHandle(q->mapping);
    CloseHandle(q->ev[0]);
    CloseHandle(q->ev[1]);
    free(q);
}

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

/* Maps the queue named base in this process, creating its objects when
 * create_size is nonzero. */
static struct mq_queue *queue_get(const WCHAR *base, BOOL named, uint64_t create_size)
{
    AcquireSRWLockExclusive(&queues_lock);
    for (struct mq_queue *q = queues; q; q = q->next) {
        if (wcscmp(q->base, base) == 0) {
            q->refs++;
            ReleaseSRWLockExclusive(&queues_lock);
            return q;
        }
    }
    struct mq_queue *q = calloc(1, sizeof(*q));
    WCHAR name[CESHIM_BASE_MAX + 8];
    DWORD error = ERROR_OUTOFMEMORY;
    if (!q)
        goto fail;
    wcscpy(q->base, base);
    q->named = named;
    ceshim_object_name(name, base, L".m");
    if (create_size) {
        q->mapping = CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE | SEC_COMMIT, (DWORD)(create_size >> 32),
                                        (DWORD)create_size, name);
    } else {
        q->mapping = OpenFileMappingW(FILE_MAP_ALL_ACCESS, FALSE, name);
        error = ERROR_INVALID_PARAMETER; /* the queue is gone */
    }
    if (!q->mapping)
        goto fail;
    q->h = MapViewOfFile(q->mapping, FILE_MAP_ALL_ACCESS, 0, 0, 0);
    if (!q->h)
        goto fail;
    q->view_size = mq_view_size(q->h);
    if (q->view_size < MQ_HEADER_SIZE)
        goto fail;
    ceshim_object_name(name, base, L".r");
    q->ev[MQ_END_READ] = CreateEventW(NULL, TRUE, FALSE, name);
    ceshim_object_name(name, base, L".w");
    q->ev[MQ_END_WRITE] = CreateEventW(NULL, TRUE, TRUE, name);
    if (!q->ev[0] || !q->ev[1])
        goto fail;
    q->refs = 1;
    q->next = queues;
    queues = q;
    ReleaseSRWLockExclusive(&queues_lock);
    return q;
fail:
    ReleaseSRWLockExclusive(&queues_lock);
    if (q) {
        if (q->h)
            UnmapViewOfFile(q->h);
        if (q->mapping)
            CloseHandle(q->mapping);
        if (q->ev[0])
            CloseHandle(q->ev[0]);
        if (q->ev[1])
            CloseHandle(q->ev[1]);
        free(q);
    }
    SetLastError(error);
    return NULL;
}

/* Finishes mapping: where the ring's slots are. Under the lock. */
static BOOL queue_attach(struct mq_queue *q) { return mq_chunks_attach(q); }

/* Chunk uids start at a different place for every queue, so a handle of
 * one queue's chunk is never taken for another's. */
static uint64_t first_chunk_uid(void)
{
    LARGE_INTEGER now;
    QueryPerformanceCounter(&now);
    uint64_t uid = ((uint64_t)ceshim_self_pid() << 32) ^ ((uint64_t)now.QuadPart * 0x9E3779B97F4A7C15ull);
    return (uid >> 8) | 1; /* far from wrapping */
}

/* Opens one end; returns the new handle and sets the last error to 0 or
 * ERROR_ALREADY_EXISTS, or returns NULL with the error set. */
HANDLE mq_open_end(const struct mq_open_request *rq)
{
    uint64_t capacity = 0, size = 0;
    uint32_t slot_size = 0, nslots = 0;
    if (rq->create && !mq_geometry(rq->flags, rq->max_messages, rq->cb_max_message, &capacity, &size,
                                   &slot_size, &nslots)) {
        SetLastError(ERROR_OUTOFMEMORY);
        return NULL;
    }
    struct mq_queue *q = queue_get(rq->base, rq->named, rq->create ? size : 0);
    if (!q)
        return NULL;
    struct mq_handle *hnd = mq_handle_alloc();
    if (!hnd) {
        mq_queue_put(q);
        SetLastError(ERROR_OUTOFMEMORY);
        return NULL;
    }
    /* Swept first, so that "does the queue exist" is answered for the living. */
    if (!mq_sweep(q, TRUE, CESHIM_SHLOCK_GIVE_UP_MS) || !mq_lock(q, MQ_LOCK_BOTH))
        goto fail_unlocked;
    struct mq_header *h = q->h;
    DWORD error;
    BOOL fresh = ceshim_load32(&h->magic) != MQ_MAGIC || (mq_total_readers(h) == 0 && mq_total_writers(h) == 0);
    if (fresh) {
        /* A new queue, or one whose every handle is gone: (re)initialise. */
        if (!rq->create) {
            error = ERROR_INVALID_PARAMETER;
            goto fail;
        }
        if (size > q->view_size) {
            error = ERROR_OUTOFMEMORY; /* an older, smaller mapping lingers */
            goto fail;
        }
        mq_init(h, rq->flags, rq->max_messages, rq->cb_max_message, capacity, slot_size, nslots,
                first_chunk_uid(), rq->name, rq->name_chars);
        q->attached = FALSE; /* views of a former queue of this name go */
        ResetEvent(q->ev[MQ_END_READ]);
        SetEvent(q->ev[MQ_END_WRITE]);
        error = ERROR_SUCCESS;
    } else {
        if (!mq_header_valid(h, q->view_size)) {
            error = ERROR_FILE_CORRUPT;
            goto fail;
        }
        if (h->state & MQ_STATE_BROKEN) {
            error = rq->create ? ERROR_INVALID_NAME : ERROR_INVALID_PARAMETER;
            goto fail;
        }
        if (rq->named && rq->name && (h->name_chars != rq->name_chars ||
                                       memcmp((const void *)h->name, rq->name, rq->name_chars * 2) != 0)) {
            error = ERROR_INVALID_NAME; /* a different name with the same hash */
            goto fail;
        }
        error = ERROR_ALREADY_EXISTS;
    }
    if (!queue_attach(q)) {
        error = ERROR_FILE_CORRUPT;
        goto fail;
    }
    BOOL end_created = (rq->end == MQ_END_READ ? mq_total_readers(h) : mq_total_writers(h)) == 0;
    if (!mq_count_handles(q, rq->end, +1)) {
        error = ERROR_OUTOFMEMORY; /* more processes than the table holds */
        goto fail;
    }
    /* Spec 1.6: a read end is created unsignaled, set at once if messages
     * are queued. (A write end is created signaled: a new one finds room,
     * or a full queue whose previous write end closed, which signaled it.) */
    if (rq->end == MQ_END_READ) {
        if (end_created)
            ceshim_store32(&h->read_sticky, 0);
        if (mq_has_message(h)) {
            ceshim_store32(&h->read_event_set, 1);
            SetEvent(q->ev[MQ_END_READ]);
        } else if (end_created) {
            ResetEvent(q->ev[MQ_END_READ]);
            ceshim_store32(&h->read_event_set, 0);
        }
    }
    mq_unlock(q, MQ_LOCK_BOTH);
    mq_chunks_flush_closes(q);

    HANDLE user = NULL;
    if (!DuplicateHandle(GetCurrentProcess(), q->ev[rq->end], GetCurrentProcess(), &user, 0, FALSE,
                         DUPLICATE_SAME_ACCESS)) {
        error = GetLastError();
        if (mq_lock(q, MQ_LOCK_BOTH)) {
            mq_count_handles(q, rq->end, -1);
            mq_unlock(q, MQ_LOCK_BOTH);
        }
        goto fail_unlocked_error;
    }
    hnd->handle = user;
    hnd->q = q;
    hnd->end = rq->end;
    hnd->refs = 1; /* the table's */
    mq_handle_insert(hnd);
    SetLastError(error);
    return user;

fail:
    mq_unlock(q, MQ_LOCK_BOTH);
    mq_chunks_flush_closes(q);
fail_unlocked_error:
    mq_handle_discard(hnd);
    mq_queue_put(q);
    SetLastError(error);
    return NULL;
fail_unlocked:
    error = GetLastError();
    goto fail_unlocked_error;
}
