/*
 * mq_handles.c - this process's table of queue handles (layer 4,
 * mq_table.h).
 *
 * Every routed CloseHandle and wait, and every queue call, looks a handle
 * up here, so lookups take no lock (a lock per lookup cost more than the
 * rest of a small message's path; docs/performance.md). Inserts and
 * removes serialise on an SRW lock and bump a generation counter; a lookup
 * that saw the counter move may have walked a changing chain, so it tries
 * again (and after a few tries takes the lock). Records are never freed,
 * only pooled, so a lookup racing with a close reads valid memory, and it
 * takes a reference only while the record's count is above zero, then
 * checks the record still stands for its handle.
 */
#include "msgqueue/mq_table.h"

#include <stdlib.h>

#include "common/atomics.h"

#define BUCKETS 1024

static struct mq_handle *volatile buckets[BUCKETS];
static SRWLOCK table_lock = SRWLOCK_INIT; /* inserts, removes and the pool */
static volatile LONG table_gen;
static struct mq_handle *pool;

static size_t bucket_of(HANDLE h) { return ((uintptr_t)h >> 2) % BUCKETS; }

static struct mq_handle *load_ptr(struct mq_handle *volatile const *p)
{
    return ceshim_load_ptr((void *const volatile *)p);
}

static BOOL try_ref(struct mq_handle *p)
{
    LONG r = p->refs;
    while (r > 0) {
        LONG seen = InterlockedCompareExchange(&p->refs, r + 1, r);
        if (seen == r)
            return TRUE;
        r = seen;
    }
    return FALSE; /* pooled: it stands for no handle */
}

/* One walk of h's chain: the record with a reference, or NULL. */
static struct mq_handle *walk(HANDLE h)
{
    for (struct mq_handle *p = load_ptr(&buckets[bucket_of(h)]); p; p = load_ptr(&p->next)) {
        if (p->handle != h)
            continue;
        if (!try_ref(p))
            return NULL;
        if (p->handle == h && p->in_table)
            return p;
        mq_handle_put(p);
        return NULL;
    }
    return NULL;
}

struct mq_handle *mq_handle_get(HANDLE h)
{
    if (!h || h == INVALID_HANDLE_VALUE)
        return NULL;
    for (int attempt = 0; attempt < 3; attempt++) {
        /* Plain (acquire) loads: on every call, a locked read costs more
         * than the rest of the lookup. */
        uint32_t gen = ceshim_load32((const volatile uint32_t *)&table_gen);
        struct mq_handle *found = walk(h);
        if (found || ceshim_load32((const volatile uint32_t *)&table_gen) == gen)
            return found;
    }
    AcquireSRWLockShared(&table_lock);
    struct mq_handle *found = walk(h);
    ReleaseSRWLockShared(&table_lock);
    return found;
}

struct mq_handle *mq_handle_alloc(void)
{
    AcquireSRWLockExclusive(&table_lock);
    struct mq_handle *hnd = pool;
    if (hnd)
        pool = hnd->next;
    ReleaseSRWLockExclusive(&table_lock);
    if (!hnd)
        return calloc(1, sizeof(*hnd));
    /* Fields a racing lookup reads are reset before it can match them. */
    hnd->handle = NULL;
    hnd->q = NULL;
    hnd->end = 0;
    hnd->closed = 0;
    hnd->in_table = 0;
    hnd->last_read_ready = 0; /* a pooled read end's, else its next owner waits for batches */
    return hnd;
}

static void pool_push(struct mq_handle *hnd)
{
    AcquireSRWLockExclusive(&table_lock);
    hnd->next = pool;
    pool = hnd;
    ReleaseSRWLockExclusive(&table_lock);
}

void mq_handle_discard(struct mq_handle *hnd) { pool_push(hnd); }

void mq_handle_put(struct mq_handle *hnd)
{
    if (InterlockedDecrement(&hnd->refs) == 0) {
        mq_queue_put(hnd->q);
        pool_push(hnd);
    }
}

void mq_handle_insert(struct mq_handle *hnd)
{
    AcquireSRWLockExclusive(&table_lock);
    size_t b = bucket_of(hnd->handle);
    hnd->in_table = 1;
    hnd->next = buckets[b];
    ceshim_fence(); /* the record is whole before it is reachable */
    buckets[b] = hnd;
    InterlockedIncrement(&table_gen);
    ReleaseSRWLockExclusive(&table_lock);
}

struct mq_handle *mq_handle_remove(HANDLE h)
{
    struct mq_handle *found = NULL;
    if (!h || h == INVALID_HANDLE_VALUE)
        return NULL;
    AcquireSRWLockExclusive(&table_lock);
    for (struct mq_handle *volatile *pp = &buckets[bucket_of(h)]; *pp; pp = &(*pp)->next) {
        if ((*pp)->handle == h) {
            found = *pp;
            /* Unlinked, its own next still leads on: a walk standing on
             * it finishes the chain. */
            *pp = found->next;
            found->in_table = 0;
            InterlockedIncrement(&table_gen);
            break;
        }
    }
    ReleaseSRWLockExclusive(&table_lock);
    return found;
}

void mq_for_each_queue(void (*fn)(struct mq_queue *q, int readers, int writers))
{
    /* At process exit only one thread runs: no lock needed, and taking one
     * could deadlock if a killed thread held it. */
    for (size_t b = 0; b < BUCKETS; b++)
        for (struct mq_handle *p = buckets[b]; p; p = p->next)
            if (!p->closed)
                fn(p->q, p->end == MQ_END_READ, p->end == MQ_END_WRITE);
}
