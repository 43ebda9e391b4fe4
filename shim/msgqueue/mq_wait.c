/*
 * mq_wait.c - CloseHandle and the waits, routed here by ceshim.h, so that a
 * queue handle behaves as on CE: a wait consults the queue itself (a
 * non-empty queue answers at once, with no kernel call) and corrects the
 * lazily kept event before it sleeps. Any other handle goes straight to
 * Win32.
 */
#include <ceshim.h>

#include "routing.h"
#include "common/shlock.h"
#include "common/trace.h"
#include "msgqueue/mq_local.h"

#define SLICE_MS 250

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

static BOOL all_ready(DWORD count, struct mq_handle **queues)
{
    for (DWORD k = 0; k < count; k++)
        if (queues[k] && !mq_end_ready(queues[k]))
            return FALSE;
    return TRUE;
}

static DWORD wait_queues(DWORD count, const HANDLE *handles, struct mq_handle **queues, BOOL wait_all,
                         DWORD timeout, BOOL alertable)
{
    ULONGLONG start = GetTickCount64();
    /* An end signaled while this waits satisfies a wait-any even if it was
     * reset before this thread looked (a manual-reset event's waiters are
     * all released). Wait-all needs every end signaled at once. */
    uint64_t marks[MAXIMUM_WAIT_OBJECTS];
    for (DWORD i = 0; i < count; i++)
        marks[i] = queues[i] ? mq_end_mark(queues[i]) : 0;
    for (;;) {
        /* Wait-any: the lowest ready index wins, as in Win32, so a queue
         * that is ready answers at once, unless a plain handle before it
         * is signaled too. */
        DWORD first_ready = count;
        for (DWORD i = 0; i < count && first_ready == count; i++) {
            if (!queues[i])
                continue;
            if (queues[i]->closed) {
                SetLastError(ERROR_INVALID_HANDLE);
                return WAIT_FAILED;
            }
            if (mq_end_ready(queues[i]) || (!wait_all && mq_end_mark(queues[i]) != marks[i]))
                first_ready = i;
        }
        if (!wait_all && first_ready < count) {
            if (first_ready > 0) {
                DWORD w = WaitForMultipleObjects(first_ready, handles, FALSE, 0);
                if (w < WAIT_OBJECT_0 + first_ready && !queues[w - WAIT_OBJECT_0])
                    return w;
            }
            return WAIT_OBJECT_0 + first_ready;
        }

        /* One kernel wait of at most a slice (zero when the time is up, so
         * plain handles are still looked at): queues that are not ready
         * register as sleepers and reset their events; ready ones (wait-all)
         * get their events set so the kernel sees them. */
        ULONGLONG elapsed = GetTickCount64() - start;
        DWORD remaining = timeout == INFINITE ? INFINITE : elapsed >= timeout ? 0 : (DWORD)(timeout - elapsed);
        BOOL became_ready = FALSE;
        for (DWORD i = 0; i < count; i++)
            if (queues[i] && !mq_sleep_begin(queues[i]))
                became_ready = TRUE;
        DWORD w = WAIT_TIMEOUT;
        if (!became_ready || wait_all)
            w = WaitForMultipleObjectsEx(count, handles, wait_all, remaining < SLICE_MS ? remaining : SLICE_MS,
                                         alertable);
        for (DWORD i = 0; i < count; i++)
            if (queues[i])
                mq_sleep_end(queues[i]);

        if (w == WAIT_FAILED || w == WAIT_IO_COMPLETION || (w >= WAIT_ABANDONED_0 && w < WAIT_ABANDONED_0 + count))
            return w;
        if (w < WAIT_OBJECT_0 + count) {
            if (wait_all ? all_ready(count, queues) : !queues[w - WAIT_OBJECT_0])
                return w;
            continue; /* a queue's event: the queue itself decides */
        }
        if (became_ready && !wait_all)
            continue;
        if (timeout != INFINITE && GetTickCount64() - start >= timeout)
            return WAIT_TIMEOUT;
        /* A silent peer may have died: its handles closing is an end
         * closing (spec 1.11), which only a sweep notices. */
        for (DWORD i = 0; i < count; i++)
            if (queues[i])
                mq_sweep(queues[i]->q, FALSE, CESHIM_SHLOCK_BRIEF_MS);
    }
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
    DWORD w = wait_queues(nCount, lpHandles, queues, bWaitAll, dwMilliseconds, bAlertable);
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
    DWORD w = wait_queues(1, &hHandle, queues, FALSE, dwMilliseconds, bAlertable);
    mq_handle_put(hnd);
    CESHIM_TRACE("WaitForSingleObject(%p, %lu) on a queue handle = 0x%lx", hHandle, dwMilliseconds, w);
    return w;
}

DWORD WINAPI CeShimWaitForSingleObject(HANDLE hHandle, DWORD dwMilliseconds)
{
    return CeShimWaitForSingleObjectEx(hHandle, dwMilliseconds, FALSE);
}
