/*
 * routing.c - the process-wide entry points every capability shares:
 * DllMain, and the CloseHandle and waits that ceshim.h routes CE code's
 * calls to. Each asks the capabilities in `capabilities` (a table of
 * hooks, routing.h) in order; a handle no capability claims goes straight
 * to Win32. Nothing in the shim calls this file.
 */
#include <ceshim.h>

#include "common/trace.h"
#include "devmgr/dm_host.h"
#include "msgqueue/mq_api.h"
#include "routing.h"

/* The events hook only forgets what it kept: the close itself goes on. */
static BOOL events_close(HANDLE h, BOOL *result)
{
    (void)result;
    ceshim_events_close_hook(h);
    return FALSE;
}

/* Order matters for CloseHandle: a queue handle is an event handle too, so
 * queues are asked first; events' forgetting comes last, just before
 * Win32's CloseHandle. */
static const struct capability_hooks capabilities[] = {
    { .name = "msgqueue", .process_detach = ceshim_msgqueue_process_detach, .close = mq_close_if_queue,
      .wait = mq_wait_handles },
    { .name = "mapping", .close = ceshim_mapping_close_hook },
    { .name = "services", .process_attach = ceshim_services_process_attach, .close = ceshim_services_close_hook },
    { .name = "devmgr", .process_attach = dm_process_attach },
    { .name = "events", .close = events_close },
};
#define CAPABILITIES (sizeof(capabilities) / sizeof(capabilities[0]))

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, LPVOID reserved)
{
    (void)reserved;
    if (reason == DLL_PROCESS_ATTACH) {
        DisableThreadLibraryCalls(instance);
        ceshim_trace_init();
        for (size_t i = 0; i < CAPABILITIES; i++)
            if (capabilities[i].process_attach)
                capabilities[i].process_attach();
    } else if (reason == DLL_PROCESS_DETACH) {
        for (size_t i = 0; i < CAPABILITIES; i++)
            if (capabilities[i].process_detach)
                capabilities[i].process_detach();
    }
    return TRUE;
}

/* The one routed CloseHandle. */
BOOL WINAPI CeShimCloseHandle(HANDLE hObject)
{
    BOOL result;
    for (size_t i = 0; i < CAPABILITIES; i++)
        if (capabilities[i].close && capabilities[i].close(hObject, &result))
            return result;
    return CloseHandle(hObject);
}

DWORD WINAPI CeShimWaitForMultipleObjectsEx(DWORD nCount, const HANDLE *lpHandles, BOOL bWaitAll,
                                            DWORD dwMilliseconds, BOOL bAlertable)
{
    DWORD result;
    for (size_t i = 0; i < CAPABILITIES; i++)
        if (capabilities[i].wait &&
            capabilities[i].wait(nCount, lpHandles, bWaitAll, dwMilliseconds, bAlertable, &result))
            return result;
    return WaitForMultipleObjectsEx(nCount, lpHandles, bWaitAll, dwMilliseconds, bAlertable);
}

DWORD WINAPI CeShimWaitForMultipleObjects(DWORD nCount, const HANDLE *lpHandles, BOOL bWaitAll,
                                          DWORD dwMilliseconds)
{
    return CeShimWaitForMultipleObjectsEx(nCount, lpHandles, bWaitAll, dwMilliseconds, FALSE);
}

DWORD WINAPI CeShimWaitForSingleObjectEx(HANDLE hHandle, DWORD dwMilliseconds, BOOL bAlertable)
{
    DWORD result;
    for (size_t i = 0; i < CAPABILITIES; i++)
        if (capabilities[i].wait && capabilities[i].wait(1, &hHandle, FALSE, dwMilliseconds, bAlertable, &result))
            return result;
    return WaitForSingleObjectEx(hHandle, dwMilliseconds, bAlertable);
}

DWORD WINAPI CeShimWaitForSingleObject(HANDLE hHandle, DWORD dwMilliseconds)
{
    return CeShimWaitForSingleObjectEx(hHandle, dwMilliseconds, FALSE);
}
