/*
 * mq_open.h - layer 5 of the queue code (the list is in mq_types.h):
 * opening and closing queue ends, this process's handle counts in the
 * shared records, and sweeping the records of dead processes.
 */
#ifndef CESHIM_MQ_OPEN_H
#define CESHIM_MQ_OPEN_H

#include "msgqueue/mq_types.h"

struct mq_open_request {
    const WCHAR *base;
    BOOL named;
    const uint16_t *name; /* the CE name, kept in the header */
    uint32_t name_chars;
    int end;
    BOOL create;          /* FALSE: OpenMsgQueue, the queue must exist */
    uint32_t flags, max_messages, cb_max_message;
};
/* Opens one end: MQ_OK (a new queue) or MQ_EXISTS with *out the new
 * handle; else MQ_NO_MEMORY, MQ_NOT_FOUND, MQ_BAD_NAME, MQ_CORRUPT, MQ_BUSY
 * or MQ_SYSTEM. */
enum mq_result mq_open_end(const struct mq_open_request *rq, HANDLE *out);
/* Closes queue handle h (CloseMsgQueue): MQ_OK, MQ_BAD_HANDLE, or
 * MQ_SYSTEM if closing the handle itself failed. */
enum mq_result mq_close_end(HANDLE h);
/* Under both locks: this process's handle count of one end changes by
 * delta; an end left with no handle breaks the queue (spec 1.11). FALSE if
 * the process table is full (MQ_NO_MEMORY). */
BOOL mq_count_handles(struct mq_queue *q, int end, int delta);
/* Sweeps the records of dead processes when due (or always with force).
 * FALSE if the locks stayed busy for give_up_ms (MQ_BUSY). */
BOOL mq_sweep(struct mq_queue *q, BOOL force, uint32_t give_up_ms);
/* DLL_PROCESS_DETACH at process exit: release this process's records. */
void mq_process_exit(void);

#endif /* CESHIM_MQ_OPEN_H */
