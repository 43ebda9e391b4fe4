/*
 * mq_block.h - layer 6 of the queue code (the list is in mq_types.h):
 * whether an end is signaled, and waiting for it: the lazy event protocol,
 * the spin, the sleep a slice at a time, the sweep when a slice passes in
 * silence, and the routed waits' loop over several handles. All of it is
 * in mq_block.c, with the protocol described at its top.
 */
#ifndef CESHIM_MQ_BLOCK_H
#define CESHIM_MQ_BLOCK_H

#include "msgqueue/mq_types.h"

/* Whether the end is signaled (spec 1.12; mq_layout.h, "Signals"):
 * messages (read end) or room (write end), its sticky word, a broken
 * queue, or the handle being closed. */
BOOL mq_end_ready(struct mq_handle *hnd);
/* Under that end's lock (MQ_LOCK_READ for the read end): a read or write
 * that found the queue empty/full, or succeeded, clears the end's sticky
 * signal. */
void mq_end_reset(struct mq_queue *q, int end);
/* After making an end ready (a message for readers, room for writers):
 * wakes its sleepers, or sets an event believed reset. */
void mq_signal_end(struct mq_queue *q, int end);
/* After a read or write found its end not ready, `start` being when the
 * call began: MQ_TIMEOUT when the time is up; else spins, then sleeps at
 * most a slice, and returns MQ_OK to try again. */
enum mq_result mq_wait_end(struct mq_handle *hnd, DWORD timeout, ULONGLONG start);
/* The routed waits' loop over count handles, some of them queue ends
 * (ends[i] not NULL): MQ_OK with *result as WaitForMultipleObjectsEx
 * returns it, or MQ_BAD_HANDLE if a queue handle was closed meanwhile. */
enum mq_result mq_wait_ends(DWORD count, const HANDLE *handles, struct mq_handle **ends, BOOL wait_all,
                            DWORD timeout, BOOL alertable, DWORD *result);

#endif /* CESHIM_MQ_BLOCK_H */
