/*
 * routing.h - what routing.c (DllMain, the routed CloseHandle and waits)
 * calls in each capability, and the table it calls them through. A
 * capability includes this header only to define its hooks; it never
 * calls routing.c.
 */
#ifndef CESHIM_ROUTING_H
#define CESHIM_ROUTING_H

#include <windows.h>

/* One capability's process-wide hooks; NULL where it has none. routing.c
 * asks the capabilities in its table's order. */
struct capability_hooks {
    const char *name;
    /* DLL_PROCESS_ATTACH, under the loader lock: no waits, no threads. */
    void (*process_attach)(void);
    /* DLL_PROCESS_DETACH on a clean exit (a crash is swept by the others). */
    void (*process_detach)(void);
    /* TRUE if h was this capability's and is now closed; *result is
     * CloseHandle's result. FALSE: not its handle, nothing done. */
    BOOL (*close)(HANDLE h, BOOL *result);
    /* TRUE if one of handles is this capability's and the wait was done
     * here, *result being the wait's result. FALSE: none is, nothing done. */
    BOOL (*wait)(DWORD count, const HANDLE *handles, BOOL wait_all, DWORD timeout, BOOL alertable,
                 DWORD *result);
};

/* ---- the hooks, defined by each capability ---- */

/* msgqueue/: declared in msgqueue/mq_api.h. */
/* mapping/: a CreateFileForMapping file handle, or a mapping made from one. */
BOOL ceshim_mapping_close_hook(HANDLE h, BOOL *result);
/* services/ (declared in services/client/svc_client.h): a service handle
 * (xxx_Close for a file handle); the main thread's id at attach. */
BOOL ceshim_services_close_hook(HANDLE h, BOOL *result);
void ceshim_services_process_attach(void);
/* events/: forgets this-process-only event data kept for the handle (any
 * handle that is closed). */
void ceshim_events_close_hook(HANDLE h);

#endif /* CESHIM_ROUTING_H */
