/*
 * mq_wait.c - CloseHandle and the waits, routed here by ceshim.h, so that a
 * queue handle behaves as on CE: a wait consults the queue itself (a
 * non-empty queue answers at once, with no kernel call) and corrects the
 * lazily kept event before it sleeps. Any other handle goes straight to
 * Win32. Above the queue code: it calls msgqueue/mq_api.h only (the queue's
 * part is mq_close_if_queue and mq_wait_handles).
 */
#include <ceshim.h>

#include "common/close_hooks.h"
#include "common/trace.h"
#include "msgqueue/mq_api.h"

/* The one routed CloseHandle: queue handles here, then each capability's
 * hook (common/close_hooks.h), then Win32. */
BOOL WINAPI CeShimCloseHandle(HANDLE hObject)
{
    BOOL result;
    if (mq_close_if_queue(hObject, &result))
        return result;
    if (ceshim_mapping_close_hook(hObject, &result))
        return result;
    if (ceshim_services_close_hook(hObject, &result))
        return result;
    ceshim_events_close_hook(hObject);
    return CloseHandle(hObject);
}

DWORD WINAPI CeShimWaitForMultipleObjectsEx(DWORD nCount, const HANDLE *lpHandles, BOOL bWaitAll,
                                            DWORD dwMilliseconds, BOOL bAlertable)
{
    BOOL handled;
    DWORD w = mq_wait_handles(nCount, lpHandles, bWaitAll, dwMilliseconds, bAlertable, &handled);
    if (!handled)
        return WaitForMultipleObjectsEx(nCount, lpHandles, bWaitAll, dwMilliseconds, bAlertable);
    CESHIM_TRACE("WaitForMultipleObjects(%lu, %p, %d, %lu) on queue handles = 0x%lx", nCount,
                 (const void *)lpHandles, bWaitAll, dwMilliseconds, w);
    return w;
}

DWORD WINAPI CeShimWaitForMultipleObjects(DWORD nCount, const HANDLE *lpHandles, BOOL bWaitAll,
                                          DWORD dwMilliseconds)
{
    return CeShimWaitForMultipleObjectsEx(nCount, lpHandles, bWaitAll, dwMilliseconds, FALSE);
}

DWORD WINAPI CeShimWaitForSingleObjectEx(HANDLE hHandle, DWORD dwMilliseconds, BOOL bAlertable)
{
    BOOL handled;
    DWORD w = mq_wait_handles(1, &hHandle, FALSE, dwMilliseconds, bAlertable, &handled);
    if (!handled)
        return WaitForSingleObjectEx(hHandle, dwMilliseconds, bAlertable);
    CESHIM_TRACE("WaitForSingleObject(%p, %lu) on a queue handle = 0x%lx", hHandle, dwMilliseconds, w);
    return w;
}

DWORD WINAPI CeShimWaitForSingleObject(HANDLE hHandle, DWORD dwMilliseconds)
{
    return CeShimWaitForSingleObjectEx(hHandle, dwMilliseconds, FALSE);
}
