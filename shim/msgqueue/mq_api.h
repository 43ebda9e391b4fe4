/*
 * mq_api.h - layer 7, the top of the queue code (the list is in
 * mq_types.h): what the rest of ceshim calls. The CE API itself is in
 * ceshim.h; msgqueue.c implements both.
 */
#ifndef CESHIM_MQ_API_H
#define CESHIM_MQ_API_H

#include <windows.h>

#include "msgqueue/mq_types.h" /* MQ_END_READ, MQ_END_WRITE */

/* ---- for the routed CloseHandle, waits and DllMain (shim/routing.c) ---- */

/* If h is a queue handle: closes it as CloseMsgQueue does (last error
 * included), stores CloseMsgQueue's result in *result and returns TRUE.
 * FALSE for any other handle, untouched. */
BOOL mq_close_if_queue(HANDLE h, BOOL *result);
/* If any of the count handles is a queue handle (1..MAXIMUM_WAIT_OBJECTS
 * handles): waits as WaitForMultipleObjectsEx would on CE, stores the
 * wait's result in *result (WAIT_FAILED with the last error set) and
 * returns TRUE. Otherwise FALSE: nothing waited for, and the caller waits
 * with Win32. */
BOOL mq_wait_handles(DWORD count, const HANDLE *handles, BOOL wait_all, DWORD ms, BOOL alertable, DWORD *result);
/* Releases this process's queue ends (a clean exit). */
void ceshim_msgqueue_process_detach(void);

/* ---- for ceshim's own writers (device and power notifications, shim/notify) ---- */

/* Opens an end of the existing queue whose objects are named base (as
 * OpenMsgQueue does), and the bodies of WriteMsgQueue and CloseMsgQueue
 * without their trace lines (the user made no such call). */
HANDLE mq_open_by_base(const WCHAR *base, int end);
BOOL mq_write_untraced(HANDLE h, const void *data, DWORD len, DWORD timeout, DWORD flags);
BOOL mq_close_untraced(HANDLE h);
/* The object base name of queue handle h of this process (base holds
 * CESHIM_BASE_MAX characters); FALSE if h is not one. */
BOOL mq_handle_base(HANDLE h, WCHAR *base);

#endif /* CESHIM_MQ_API_H */
