/*
 * mq_queue.c - this process's table of the queues it has mapped, a queue's
 * shared lock, and waking an end (layer 4, mq_table.h).
 */
#include "msgqueue/mq_table.h"

#include <stdlib.h>
#include <string.h>

#include "common/atomics.h"
#include "common/process.h"
#include "common/shlock.h"
#include "msgqueue/mq_chunks.h"

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
        return FALSE; /* MQ_BUSY */
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

void mq_unlock(struct mq_queue *q, int which)
{
    if (which & MQ_LOCK_WRITE)
        ceshim_shlock_release(&q->h->write_lock);
    if (which & MQ_LOCK_READ)
        ceshim_shlock_release(&q->h->read_lock);
}

/* ---- the ends' events ------------------------------------------------------ */

void mq_wake_end(struct mq_queue *q, int end)
{
    ceshim_store32(mq_end_mirror(q->h, end), 1);
    SetEvent(q->ev[end]);
}

/* ---- the table of queues ---------------------------------------------------------- */

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
    /* Others close keepers of ours only under both locks: they are taken,
     * if they can be, while this process closes its own. */
    BOOL keepers_left = mq_chunks_unmap(q);
    DWORD error = GetLastError();
    BOOL locked = keepers_left && mq_lock(q, MQ_LOCK_BOTH);
    mq_chunks_close_own(q);
    if (locked)
        mq_unlock(q, MQ_LOCK_BOTH);
    SetLastError(error);
    UnmapViewOfFile(q->h);
    CloseHandle(q->mapping);
    CloseHandle(q->ev[0]);
    CloseHandle(q->ev[1]);
    free(q);
}

enum mq_result mq_queue_get(const WCHAR *base, BOOL named, uint64_t create_size, struct mq_queue **out)
{
    AcquireSRWLockExclusive(&queues_lock);
    for (struct mq_queue *q = queues; q; q = q->next) {
        if (wcscmp(q->base, base) == 0) {
            q->refs++;
            ReleaseSRWLockExclusive(&queues_lock);
            *out = q;
            return MQ_OK;
        }
    }
    struct mq_queue *q = calloc(1, sizeof(*q));
    WCHAR name[CESHIM_BASE_MAX + 8];
    enum mq_result r = MQ_NO_MEMORY;
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
        r = MQ_NOT_FOUND; /* the queue is gone */
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
    *out = q;
    return MQ_OK;
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
    return r;
}
