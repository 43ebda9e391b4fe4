/*
 * close_hooks.h - what CeShimCloseHandle (the one routed CloseHandle, in
 * msgqueue/mq_wait.c) asks each capability before closing a handle that is
 * not a queue handle.
 */
#ifndef CESHIM_COMMON_CLOSE_HOOKS_H
#define CESHIM_COMMON_CLOSE_HOOKS_H

#include <windows.h>

/* mapping/: TRUE if the close was handled (a CreateFileForMapping file
 * handle, or a mapping made from one); *result is CloseHandle's result. */
BOOL ceshim_mapping_close_hook(HANDLE h, BOOL *result);
/* services/: TRUE if h was a service handle (xxx_Close for a file handle);
 * *result is CloseHandle's result. */
BOOL ceshim_services_close_hook(HANDLE h, BOOL *result);
/* events/: forgets this-process-only event data kept for the handle. */
void ceshim_events_close_hook(HANDLE h);

#endif /* CESHIM_COMMON_CLOSE_HOOKS_H */
