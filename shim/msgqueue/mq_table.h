/*
 * mq_table.h - layer 4 of the queue code (the list is in mq_types.h):
 * this process's tables of queues (mq_queue.c) and of queue handles
 * (mq_handles.c), a queue's shared lock, and waking an end.
 */
#ifndef CESHIM_MQ_TABLE_H
#define CESHIM_MQ_TABLE_H

#include "msgqueue/mq_types.h"

/* ---- the queue table and the lock (mq_queue.c) ---- */

/* Maps the queue named base in this process, creating its objects when
 * create_size is nonzero: MQ_OK with *out (a reference), MQ_NO_MEMORY, or
 * MQ_NOT_FOUND (no such queue to open). */
enum mq_result mq_queue_get(const WCHAR *base, BOOL named, uint64_t create_size, struct mq_queue **out);
void mq_queue_put(struct mq_queue *q);

/* Takes the shared lock(s) which (MQ_LOCK_READ, _WRITE or _BOTH, in
 * mq_types.h), waiting at most give_up_ms for a live holder (a dead one's
 * lock is taken over and the queue repaired; common/shlock.h). FALSE when
 * a live process held it for give_up_ms: the result is MQ_BUSY. mq_lock
 * waits the longest bound. */
int mq_lock_within(struct mq_queue *q, int which, uint32_t give_up_ms);
int mq_lock(struct mq_queue *q, int which);
void mq_unlock(struct mq_queue *q, int which);

/* Sets an end's event and its mirror, waking every waiter (the lazy event
 * protocol is described in mq_block.c). */
void mq_wake_end(struct mq_queue *q, int end);

/* ---- the handle table (mq_handles.c) ---- */

/* Records come from mq_handle_alloc and are never freed, only pooled, so
 * that a lock-free lookup racing with a close always reads valid memory. */
struct mq_handle *mq_handle_alloc(void);       /* new, or pooled with its state reset; NULL if out of memory */
void mq_handle_discard(struct mq_handle *hnd); /* one never inserted */
struct mq_handle *mq_handle_get(HANDLE h); /* adds a reference; NULL if not a queue handle */
void mq_handle_put(struct mq_handle *hnd);
void mq_handle_insert(struct mq_handle *hnd);
struct mq_handle *mq_handle_remove(HANDLE h); /* takes it out; the table's reference goes to the caller */
/* Calls fn for every open queue of this process (process exit). */
void mq_for_each_queue(void (*fn)(struct mq_queue *q, int readers, int writers));

#endif /* CESHIM_MQ_TABLE_H */
