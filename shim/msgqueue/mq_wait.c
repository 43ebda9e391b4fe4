/*
 * mq_wait.c - the queue side of CloseHandle and the waits (routed here by
 * shim/routing.c), so that a queue handle behaves as on CE: a wait consults
 * the queue itself (a non-empty queue answers at once, with no kernel call)
 * and corrects the lazily kept event before it sleeps.
 */
#include <ceshim.h>

#include "common/shlock.h"
#include "common/trace.h"
#include "msgqueue/mq_local.h"
#include "msgqueue/mq_routing.h"

#define SLICE_MS 250

BOOL mq_close_if_queue(HANDLE h, BOOL *result)
{
    struct mq_handle *hnd = mq_handle_get(h);
    if (!hnd)
        return FALSE;
    mq_handle_put(hnd);
    *result = CloseMsgQueue(h);
    return TRUE;
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

BOOL mq_wait_handles(DWORD count, const HANDLE *handles, BOOL wait_all, DWORD timeout, BOOL alertable,
                     DWORD *result)
{
    struct mq_handle *queues[MAXIMUM_WAIT_OBJECTS];
    BOOL any = FALSE;
    if (!handles || count == 0 || count > MAXIMUM_WAIT_OBJECTS)
        return FALSE;
    for (DWORD i = 0; i < count; i++) {
        queues[i] = mq_handle_get(handles[i]);
        any |= queues[i] != NULL;
    }
    if (!any)
        return FALSE;
    DWORD w = wait_queues(count, handles, queues, wait_all, timeout, alertable);
    for (DWORD i = 0; i < count; i++)
        if (queues[i])
            mq_handle_put(queues[i]);
    CESHIM_TRACE("WaitForMultipleObjects(%lu, %p, %d, %lu) on queue handles = 0x%lx", count,
                 (const void *)handles, wait_all, timeout, w);
    *result = w;
    return TRUE;
}
