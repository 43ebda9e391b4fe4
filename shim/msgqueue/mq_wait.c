/*
 * mq_wait.c - CloseHandle and the waits, routed here by ceshim.h, so that a
 * queue handle behaves as on CE: a wait consults the queue itself (a
 * non-empty queue answers at once, with no kernel call) and corrects the
 * lazily kept event before it sleeps. Any other handle goes straight to
 * Win32.
 */
#include <ceshim.h>

#include "common/close_hooks.h"
#include "common/shlock.h"
#include "common/trace.h"
#include "msgqueue/mq_local.h"

/* The one routed CloseHandle: queue handles here, then each capability's
 * hook (common/close_hooks.h), then Win32. */
BOOL WINAPI CeShimCloseHandle(HANDLE hObject)
{
    struct mq_handle *hnd = mq_handle_get(hObject);
    if (hnd) {
        mq_handle_put(hnd);
        return CloseMsgQueue(hObject);
    }
    BOOL result;
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
    struct mq_handle *queues[MAXIMUM_WAIT_OBJECTS];
    BOOL any = FALSE;
    if (!lpHandles || nCount == 0 || nCount > MAXIMUM_WAIT_OBJECTS)
        return WaitForMultipleObjectsEx(nCount, lpHandles, bWaitAll, dwMilliseconds, bAlertable);
    for (DWORD i = 0; i < nCount; i++) {
        queues[i] = mq_handle_get(lpHandles[i]);
        any |= queues[i] != NULL;
    }
    if (!any)
        return WaitForMultipleObjectsEx(nCount, lpHandles, bWaitAll, dwMilliseconds, bAlertable);
    DWORD w = mq_wait_queues(nCount, lpHandles, queues, bWaitAll, dwMilliseconds, bAlertable);
    for (DWORD i = 0; i < nCount; i++)
        if (queues[i])
            mq_handle_put(queues[i]);
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
    struct mq_handle *hnd = mq_handle_get(hHandle);
    if (!hnd)
        return WaitForSingleObjectEx(hHandle, dwMilliseconds, bAlertable);
    struct mq_handle *queues[1] = { hnd };
    DWORD w = mq_wait_queues(1, &hHandle, queues, FALSE, dwMilliseconds, bAlertable);
    mq_handle_put(hnd);
    CESHIM_TRACE("WaitForSingleObject(%p, %lu) on a queue handle = 0x%lx", hHandle, dwMilliseconds, w);
    return w;
}

DWORD WINAPI CeShimWaitForSingleObject(HANDLE hHandle, DWORD dwMilliseconds)
{
    return CeShimWaitForSingleObjectEx(hHandle, dwMilliseconds, FALSE);
}
