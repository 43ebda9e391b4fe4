/*
 * mq_chunks.h - layer 3b of the queue code (the list is in mq_types.h):
 * the ring's memory in this process. Maps the slots (one view of a
 * pre-committed ring, or the chunks of one that commits on demand),
 * installs and retires chunks, and keeps the keeper handles that keep a
 * chunk alive (through layer 3a, mq_keepers.c, which defines
 * mq_chunks_close_own and mq_chunks_flush_closes). Takes no shared lock:
 * its callers hold the ones each function names.
 */
#ifndef CESHIM_MQ_CHUNKS_H
#define CESHIM_MQ_CHUNKS_H

#include "msgqueue/mq_types.h"

/* The size of the mapping view that starts at view. */
uint64_t mq_view_size(void *view);

/* Sets up both sides' mappings for the header's geometry, read once and
 * validated against this process's view (under both locks). FALSE if the
 * header is not valid. */
BOOL mq_chunks_attach(struct mq_queue *q);
/* Before an operation of one side, under its lock: drops views of chunks
 * destroyed since. */
void mq_chunks_begin(struct mq_queue *q, int end);
/* After MQ_NEED_SLOT, under that side's lock: maps slot s (readers), or
 * maps or installs a chunk for it (writers). MQ_OK, MQ_NO_SPACE or
 * MQ_CORRUPT. */
enum mq_result mq_chunk_for_read(struct mq_queue *q, uint32_t s);
enum mq_result mq_chunk_for_write(struct mq_queue *q, uint32_t s);
/* After a read of a chunked queue, under read_lock: whether the head left
 * slot old_slot, so that a chunk may be retired (under write_lock too). */
BOOL mq_chunks_head_left(struct mq_queue *q, uint32_t old_slot);
/* Under both locks: keeps or destroys the chunks of slots nothing is in. */
void mq_chunks_retire(struct mq_queue *q);
/* Under both locks: this process's record of the queue was just created
 * (take keepers of the existing chunks) or removed (close ours). */
void mq_chunks_adopt(struct mq_queue *q);
void mq_chunks_release(struct mq_queue *q);
/* The last reference of this process is gone: unmaps every view. TRUE if
 * keeper handles are left to close with mq_chunks_close_own. */
BOOL mq_chunks_unmap(struct mq_queue *q);
/* Then closes every keeper handle this process still holds; others close
 * keepers of ours only under both locks, so the caller takes them if it
 * can. */
void mq_chunks_close_own(struct mq_queue *q);
/* With no shared lock held: closes the other processes' keepers queued by
 * chunk destruction, each on a pool thread, waiting for them at most 1 s. */
void mq_chunks_flush_closes(struct mq_queue *q);
/* After a lock was taken over: finishes a chunk its dead creator left. */
void mq_chunks_repair(struct mq_queue *q);

#endif /* CESHIM_MQ_CHUNKS_H */
