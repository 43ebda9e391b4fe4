/*
 * mq_open.c - opening and closing queue ends, counting their handles, and
 * sweeping the records of dead processes (layer 5, mq_open.h).
 */
#include "msgqueue/mq_open.h"

#include <stdlib.h>
#include <string.h>

#include "common/atomics.h"
#include "common/process.h"
#include "common/shlock.h"
#include "msgqueue/mq_chunks.h"
#include "msgqueue/mq_table.h"

#define SWEEP_INTERVAL_MS 500

/* ---- end closing and sweeping ------------------------------------------------ */

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
    ceshim_store32(mq_end_sticky(h, MQ_END_READ), 1);
    ceshim_store32(mq_end_sticky(h, MQ_END_WRITE), 1);
    ceshim_store32(&h->ends_closed, h->ends_closed + 1);
    mq_wake_end(q, MQ_END_READ);
    mq_wake_end(q, MQ_END_WRITE);
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

enum mq_result mq_close_end(HANDLE h)
{
    struct mq_handle *hnd = mq_handle_remove(h);
    if (!hnd)
        return MQ_BAD_HANDLE;
    struct mq_queue *q = hnd->q;
    InterlockedExchange(&hnd->closed, 1);
    if (mq_lock(q, MQ_LOCK_BOTH)) {
        mq_count_handles(q, hnd->end, -1);
        mq_unlock(q, MQ_LOCK_BOTH);
        mq_chunks_flush_closes(q);
    }
    /* Wake this process's threads blocked on the handle: they see it
     * closed. Only when some sleep: a handle closed while its end keeps
     * others is no signal (spec 1.12) for plain waits either. */
    if (InterlockedCompareExchange(&q->sleepers[hnd->end], 0, 0))
        mq_wake_end(q, hnd->end);
    BOOL closed = CloseHandle(hnd->handle);
    mq_handle_put(hnd);
    return closed ? MQ_OK : MQ_SYSTEM;
}

void mq_process_exit(void)
{
    process_exiting = TRUE;
    mq_for_each_queue(release_own_records);
}

/* ---- opening ---------------------------------------------------------------------- */

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

enum mq_result mq_open_end(const struct mq_open_request *rq, HANDLE *out)
{
    uint64_t capacity = 0, size = 0;
    uint32_t slot_size = 0, nslots = 0;
    if (rq->create && !mq_geometry(rq->flags, rq->max_messages, rq->cb_max_message, &capacity, &size,
                                   &slot_size, &nslots))
        return MQ_NO_MEMORY;
    struct mq_queue *q = NULL;
    enum mq_result r = mq_queue_get(rq->base, rq->named, rq->create ? size : 0, &q);
    if (r != MQ_OK)
        return r;
    struct mq_handle *hnd = mq_handle_alloc();
    if (!hnd) {
        mq_queue_put(q);
        return MQ_NO_MEMORY;
    }
    /* Swept first, so that "does the queue exist" is answered for the living. */
    if (!mq_sweep(q, TRUE, CESHIM_SHLOCK_GIVE_UP_MS) || !mq_lock(q, MQ_LOCK_BOTH)) {
        r = MQ_BUSY;
        goto fail_unlocked;
    }
    struct mq_header *h = q->h;
    BOOL fresh = ceshim_load32(&h->magic) != MQ_MAGIC || (mq_total_readers(h) == 0 && mq_total_writers(h) == 0);
    if (fresh) {
        /* A new queue, or one whose every handle is gone: (re)initialise. */
        if (!rq->create) {
            r = MQ_NOT_FOUND;
            goto fail;
        }
        if (size > q->view_size) {
            r = MQ_NO_MEMORY; /* an older, smaller mapping lingers */
            goto fail;
        }
        mq_init(h, rq->flags, rq->max_messages, rq->cb_max_message, capacity, slot_size, nslots,
                first_chunk_uid(), rq->name, rq->name_chars);
        q->attached = FALSE; /* views of a former queue of this name go */
        ResetEvent(q->ev[MQ_END_READ]);
        SetEvent(q->ev[MQ_END_WRITE]);
        r = MQ_OK;
    } else {
        if (!mq_header_valid(h, q->view_size)) {
            r = MQ_CORRUPT;
            goto fail;
        }
        if (h->state & MQ_STATE_BROKEN) {
            r = rq->create ? MQ_BAD_NAME : MQ_NOT_FOUND;
            goto fail;
        }
        if (rq->named && rq->name && (h->name_chars != rq->name_chars ||
                                       memcmp((const void *)h->name, rq->name, rq->name_chars * 2) != 0)) {
            r = MQ_BAD_NAME; /* a different name with the same hash */
            goto fail;
        }
        r = MQ_EXISTS;
    }
    if (!queue_attach(q)) {
        r = MQ_CORRUPT;
        goto fail;
    }
    BOOL end_created = (rq->end == MQ_END_READ ? mq_total_readers(h) : mq_total_writers(h)) == 0;
    if (!mq_count_handles(q, rq->end, +1)) {
        r = MQ_NO_MEMORY; /* more processes than the table holds */
        goto fail;
    }
    /* Spec 1.6: a read end is created unsignaled, set at once if messages
     * are queued. (A write end is created signaled: a new one finds room,
     * or a full queue whose previous write end closed, which signaled it.) */
    if (rq->end == MQ_END_READ) {
        if (end_created)
            ceshim_store32(mq_end_sticky(h, MQ_END_READ), 0);
        if (mq_has_message(h)) {
            mq_wake_end(q, MQ_END_READ);
        } else if (end_created) {
            ResetEvent(q->ev[MQ_END_READ]);
            ceshim_store32(mq_end_mirror(h, MQ_END_READ), 0);
        }
    }
    mq_unlock(q, MQ_LOCK_BOTH);
    mq_chunks_flush_closes(q);

    HANDLE user = NULL;
    if (!DuplicateHandle(GetCurrentProcess(), q->ev[rq->end], GetCurrentProcess(), &user, 0, FALSE,
                         DUPLICATE_SAME_ACCESS)) {
        DWORD error = GetLastError();
        if (mq_lock(q, MQ_LOCK_BOTH)) {
            mq_count_handles(q, rq->end, -1);
            mq_unlock(q, MQ_LOCK_BOTH);
            mq_chunks_flush_closes(q); /* the count may have retired chunks */
        }
        mq_handle_discard(hnd);
        mq_queue_put(q);
        SetLastError(error); /* MQ_SYSTEM: the kernel's error stands */
        return MQ_SYSTEM;
    }
    hnd->handle = user;
    hnd->q = q;
    hnd->end = rq->end;
    hnd->refs = 1; /* the table's */
    mq_handle_insert(hnd);
    *out = user;
    return r;

fail:
    mq_unlock(q, MQ_LOCK_BOTH);
    mq_chunks_flush_closes(q);
fail_unlocked:
    mq_handle_discard(hnd);
    mq_queue_put(q);
    return r;
}
