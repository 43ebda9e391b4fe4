/*
 * mq_types.h - what one process keeps about the queues it has open: the
 * queue and handle records, and which shared word is whose end's. No code.
 *
 * The queue code in layers; a file calls only files of lower-numbered
 * layers in this list, never a higher one (docs/msgqueue-layers.md):
 *   1 mq_layout.h   mq_layout.c            the shared layout, pure C (fuzzed)
 *   2 mq_types.h    (none)                 this process's records  <- here
 *   3a mq_keepers.h mq_keepers.c           the keeper handles of the chunks
 *   3b mq_chunks.h  mq_chunks.c            the ring's memory in this process
 *   4 mq_table.h    mq_queue.c, mq_handles.c  the lock, the queue and handle tables
 *   5 mq_open.h     mq_open.c              opening and closing ends, sweeping
 *   6 mq_block.h    mq_block.c             waiting: spin, lazy event, sleep, sweep
 *   7 mq_api.h      msgqueue.c             the CE API, and entry points for ceshim
 *
 * A queue handle is a real handle to the end's manual-reset event (so it is
 * waitable); the handle table maps its value to the queue's mapping view.
 */
#ifndef CESHIM_MQ_TYPES_H
#define CESHIM_MQ_TYPES_H

#include <windows.h>
#include <stdint.h>

#include "common/names.h"
#include "common/shlock.h"
#include "msgqueue/mq_layout.h"

#define MQ_END_WRITE 0
#define MQ_END_READ 1

/* Which shared lock: readers take MQ_LOCK_READ, writers MQ_LOCK_WRITE,
 * anything that changes both sides or the handle records MQ_LOCK_BOTH
 * (read, then write: one order, no deadlock). mq_table.h takes them. */
#define MQ_LOCK_READ 1
#define MQ_LOCK_WRITE 2
#define MQ_LOCK_BOTH 3

/* What one side (the readers' or the writers' of this process) has mapped
 * of the ring: the slots' memory, and a few chunk views kept for reuse.
 * Used under that side's shared lock (both locks for chunk retirement). */
#define MQ_VIEW_CACHE 3
struct mq_side {
    struct mq_ring_mem mem;
    struct {
        uint64_t uid;
        uint8_t *view; /* the chunk's mapping, header first; NULL = free */
        uint64_t used; /* for least-recently-used eviction */
    } views[MQ_VIEW_CACHE];
    uint64_t tick;
    uint32_t seen_epoch; /* free_epoch when dead views were last dropped */
};

/* A keeper of another process to close, queued under write_lock and closed
 * once the locks are released (mq_chunks_flush_closes). */
#define MQ_PENDING_CLOSES 256
struct mq_pending_close {
    struct mq_keeper keeper;
    uint64_t uid;
};

struct mq_queue {
    struct mq_queue *next;
    LONG refs;                /* handles of this process + operations in flight */
    WCHAR base[CESHIM_BASE_MAX];
    BOOL named;
    HANDLE mapping;
    struct mq_header *h;
    uint64_t view_size;
    BOOL attached;            /* side[].mem describes the header's geometry */
    HANDLE ev[2];             /* this process's own handles to the end events */
    struct mq_side side[2];   /* indexed by MQ_END_READ / MQ_END_WRITE */
    struct mq_peer reader_state_seen; /* writers' cache of rstate (under write_lock) */
    struct mq_peer writer_state_seen; /* readers' cache of wstate (under read_lock) */
    volatile LONG sleepers[2];  /* this process's threads asleep on each end (mq_block.c) */
    /* The keeper handles of chunks this process holds, in its own memory
     * (mq_keepers.c): closed when the queue goes, whatever the shared
     * records say. May name handles others closed since (checked first). */
    SRWLOCK keepers_lock;
    struct mq_own_keeper {
        uint64_t uid;
        HANDLE handle;
    } *keepers;
    uint32_t nkeepers, keepers_cap;
    SRWLOCK closes_lock;      /* guards the two below */
    uint32_t nclose;
    struct mq_pending_close closes[MQ_PENDING_CLOSES];
};

struct mq_handle {
    struct mq_handle *volatile next; /* hash chain, or the pool */
    HANDLE volatile handle;   /* the value CE code holds */
    struct mq_queue *q;
    int end;                  /* MQ_END_READ or MQ_END_WRITE */
    volatile LONG closed;     /* set by CloseMsgQueue; wakes its waiters */
    volatile LONG refs;       /* the table's + lookups in flight; 0 = pooled */
    volatile LONG in_table;
    volatile LONG last_read_ready; /* read end: its last read found a message without waiting */
};

/* An end's shared words (mq_layout.h, "Signals"; the lazy event protocol
 * that uses the mirror and the sleepers is described in mq_block.c). */
static inline volatile uint32_t *mq_end_mirror(struct mq_header *h, int end)
{
    return end == MQ_END_READ ? &h->read_event_set : &h->write_event_set;
}

static inline volatile uint32_t *mq_end_sleepers(struct mq_header *h, int end)
{
    return end == MQ_END_READ ? &h->read_sleepers : &h->write_sleepers;
}

static inline volatile uint32_t *mq_end_sticky(struct mq_header *h, int end)
{
    return end == MQ_END_READ ? &h->read_sticky : &h->write_sticky;
}

/* The locks held (which) are in a section of many kernel calls: waiters
 * wait the longest bound (common/shlock.h). Until they are released. */
static inline void mq_lock_long(struct mq_queue *q, int which)
{
    if (which & MQ_LOCK_READ)
        ceshim_shlock_mark_long(&q->h->read_lock);
    if (which & MQ_LOCK_WRITE)
        ceshim_shlock_mark_long(&q->h->write_lock);
}

#endif /* CESHIM_MQ_TYPES_H */
