/*
 * mq_routing.h - the queue side of the routed calls (shim/routing.c).
 */
#ifndef CESHIM_MQ_ROUTING_H
#define CESHIM_MQ_ROUTING_H

#include <windows.h>

/* mq_wait.c: if any of handles is a queue handle, waits as CE does (a
 * non-empty queue answers at once; the lazily kept event is corrected
 * before sleeping), *result being the wait's result, and returns TRUE.
 * FALSE if none is a queue handle (nothing done). */
BOOL mq_wait_handles(DWORD count, const HANDLE *handles, BOOL wait_all, DWORD timeout, BOOL alertable,
                     DWORD *result);
/* mq_wait.c: TRUE if h is a queue handle, closed as CloseMsgQueue closes
 * it (*result its result); FALSE if it is not. */
BOOL mq_close_if_queue(HANDLE h, BOOL *result);
/* msgqueue.c: releases this process's queue ends (clean exit). */
void ceshim_msgqueue_process_detach(void);

#endif /* CESHIM_MQ_ROUTING_H */
