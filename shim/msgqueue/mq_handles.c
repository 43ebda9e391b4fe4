/*
 * mq_handles.c - this process's table of queue handles. Lookups take the
 * table's lock shared (no kernel call), so routing CloseHandle and waits
 * through it costs little for handles that are not queues.
 */
#include "msgqueue/mq_local.h"

#include <stdlib.h>

#define BUCKETS 1024

static struct mq_handle *buckets[BUCKETS];
static SRWLOCK table_lock = SRWLOCK_INIT;

static size_t bucket_of(HANDLE h) { return ((uintptr_t)h >> 2) % BUCKETS; }

struct mq_handle *mq_handle_get(HANDLE h)
{
    if (!h || h == INVALID_HANDLE_VALUE)
        return NULL;
    struct mq_handle *found = NULL;
    AcquireSRWLockShared(&table_lock);
    for (struct mq_handle *p = buckets[bucket_of(h)]; p; p = p->next) {
        if (p->handle == h) {
            InterlockedIncrement(&p->refs);
            found = p;
            break;
        }
    }
    ReleaseSRWLockShared(&table_lock);
    return found;
}

void mq_handle_put(struct mq_handle *hnd)
{
    if (InterlockedDecrement(&hnd->refs) == 0) {
        mq_queue_put(hnd->q);
        free(hnd);
    }
}

void mq_handle_insert(struct mq_handle *hnd)
{
    AcquireSRWLockExclusive(&table_lock);
    size_t b = bucket_of(hnd->handle);
    hnd->next = buckets[b];
    buckets[b] = hnd;
    ReleaseSRWLockExclusive(&table_lock);
}

struct mq_handle *mq_handle_remove(HANDLE h)
{
    struct mq_handle *found = NULL;
    if (!h || h == INVALID_HANDLE_VALUE)
        return NULL;
    AcquireSRWLockExclusive(&table_lock);
    for (struct mq_handle **pp = &buckets[bucket_of(h)]; *pp; pp = &(*pp)->next) {
        if ((*pp)->handle == h) {
            found = *pp;
            *pp = found->next;
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
