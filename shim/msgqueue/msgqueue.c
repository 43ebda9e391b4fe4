/*
 * msgqueue.c - CreateMsgQueue, OpenMsgQueue, ReadMsgQueue(Ex), WriteMsgQueue,
 * GetMsgQueueInfo, CloseMsgQueue (spec section 1), and the queue's entry
 * points for the rest of ceshim (mq_api.h). The top layer of the queue
 * code (the list is in mq_types.h).
 *
 * Errors: the code below this file returns an enum mq_result (or FALSE for
 * its one failure, as its headers say); each public call here turns its
 * result into the thread's last error once, through win32_error().
 */
#include <ceshim.h>

#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>

#include "common/atomics.h"
#include "common/process.h"
#include "common/shlock.h"
#include "common/trace.h"
#include "msgqueue/mq_api.h"
#include "msgqueue/mq_block.h"
#include "msgqueue/mq_chunks.h"
#include "msgqueue/mq_open.h"
#include "msgqueue/mq_table.h"

#define MAX_TIMEOUT 0x7FFF0000u /* longer finite timeouts are clamped (spec 1.3) */

static DWORD clamp_timeout(DWORD t) { return (t != INFINITE && t > MAX_TIMEOUT) ? MAX_TIMEOUT : t; }

static const char *end_name(const LPMSGQUEUEOPTIONS o) { return o && o->bReadAccess ? "read" : "write"; }

/* The one translation from a queue result to a Win32 error. */
static DWORD win32_error(enum mq_result r)
{
    switch (r) {
    case MQ_OK:
        return ERROR_SUCCESS;
    case MQ_EXISTS:
        return ERROR_ALREADY_EXISTS;
    case MQ_EMPTY: /* a read or write that cannot wait */
    case MQ_FULL:
    case MQ_TIMEOUT:
        return ERROR_TIMEOUT;
    case MQ_TRUNCATED: /* read: the message was taken, cut to the buffer */
    case MQ_TOO_BIG:
        return ERROR_INSUFFICIENT_BUFFER;
    case MQ_NO_SPACE:
    case MQ_NO_MEMORY:
        return ERROR_OUTOFMEMORY;
    case MQ_BROKEN:
        return ERROR_PIPE_NOT_CONNECTED;
    case MQ_BAD_HANDLE:
        return ERROR_INVALID_HANDLE;
    case MQ_BAD_PARAM:
    case MQ_NOT_FOUND:
        return ERROR_INVALID_PARAMETER;
    case MQ_BAD_NAME:
        return ERROR_INVALID_NAME;
    case MQ_BUSY:
        return ERROR_BUSY;
    case MQ_SYSTEM:
        return GetLastError(); /* the failed kernel call's own */
    case MQ_CORRUPT:
    case MQ_NEED_SLOT: /* never left over: the layer above maps the slot */
        break;
    }
    return ERROR_FILE_CORRUPT;
}

/* Opens an end: the handle, with the last error 0 or ERROR_ALREADY_EXISTS
 * (as_existing says when an existing queue is reported so), or NULL with
 * the error. */
static HANDLE open_end(const struct mq_open_request *rq, BOOL as_existing)
{
    HANDLE h = NULL;
    enum mq_result r = mq_open_end(rq, &h);
    if (r == MQ_EXISTS && !as_existing)
        r = MQ_OK;
    SetLastError(win32_error(r));
    return r == MQ_OK || r == MQ_EXISTS ? h : NULL;
}

/* ---- creating and opening ------------------------------------------------------ */

HANDLE WINAPI CreateMsgQueue(LPCWSTR lpName, LPMSGQUEUEOPTIONS lpOptions)
{
    HANDLE result = NULL;
    LPMSGQUEUEOPTIONS o = lpOptions;
    if (!o || o->dwSize < sizeof(MSGQUEUEOPTIONS) || o->cbMaxMessage == 0 ||
        o->cbMaxMessage > MQ_MAX_NODE_SIZE || o->dwMaxMessages > MQ_MAX_NUM_NODES ||
        (o->dwFlags & ~(DWORD)(MSGQUEUE_NOPRECOMMIT | MSGQUEUE_ALLOW_BROKEN)) ||
        (lpName && wcslen(lpName) >= MAX_PATH - 2)) {
        SetLastError(win32_error(MQ_BAD_PARAM));
        goto out;
    }
    struct mq_open_request rq = { 0 };
    WCHAR base[CESHIM_BASE_MAX];
    if (lpName) {
        ceshim_object_base(base, L"qn", lpName);
        rq.named = TRUE;
        rq.name = (const uint16_t *)lpName;
        rq.name_chars = (uint32_t)wcslen(lpName);
    } else {
        /* Unnamed queues still need names for their objects: unique ones,
         * in their own kind so no CE name can collide with them. */
        static volatile LONG counter;
        WCHAR id[64];
        ceshim_unique_id(id, InterlockedIncrement(&counter));
        ceshim_object_base(base, L"qu", id);
    }
    rq.base = base;
    rq.end = o->bReadAccess ? MQ_END_READ : MQ_END_WRITE;
    rq.create = TRUE;
    rq.flags = o->dwFlags;
    rq.max_messages = o->dwMaxMessages;
    rq.cb_max_message = o->cbMaxMessage;
    result = open_end(&rq, TRUE);
out:
    CESHIM_TRACE("CreateMsgQueue(%s%ls%s, {size %lu, flags 0x%lx, max %lu, cbMax %lu, %s}) = %p",
                 lpName ? "L\"" : "", lpName ? lpName : L"NULL", lpName ? "\"" : "",
                 o ? o->dwSize : 0, o ? o->dwFlags : 0, o ? o->dwMaxMessages : 0, o ? o->cbMaxMessage : 0,
                 end_name(o), result);
    return result;
}

/* Duplicates hMsgQ out of `process` and reads which queue end it is. */
static BOOL base_from_process(HANDLE process, HANDLE hMsgQ, WCHAR *base)
{
    HANDLE dup = NULL;
    if (!DuplicateHandle(process, hMsgQ, GetCurrentProcess(), &dup, 0, FALSE, DUPLICATE_SAME_ACCESS))
        return FALSE;
    WCHAR suffix[8];
    BOOL ok = ceshim_base_from_handle(dup, base, suffix, 8) && (!wcscmp(suffix, L".r") || !wcscmp(suffix, L".w")) &&
              wcsstr(base, L"\\" CESHIM_LAYOUT_TAG L"q") != NULL;
    CloseHandle(dup);
    return ok;
}

/* The object base name of queue handle hMsgQ as seen in process hSrcProc. */
static BOOL base_of_handle(HANDLE hSrcProc, HANDLE hMsgQ, WCHAR *base)
{
    BOOL self_pid = (DWORD)(ULONG_PTR)hSrcProc == ceshim_self_pid();
    if (hSrcProc == GetCurrentProcess() || self_pid) {
        if (mq_handle_base(hMsgQ, base))
            return TRUE;
        if (hSrcProc == GetCurrentProcess())
            return FALSE;
    }
    /* A process handle (any access that allows PROCESS_DUP_HANDLE) ... */
    if (base_from_process(hSrcProc, hMsgQ, base))
        return TRUE;
    /* ... or, as CE code passes what GetCallerProcess() returned, a process
     * ID. Handle values and IDs overlap on Windows, so the handle reading
     * is tried first and the ID reading when it fails. */
    HANDLE process = OpenProcess(PROCESS_DUP_HANDLE, FALSE, (DWORD)(ULONG_PTR)hSrcProc);
    if (!process)
        return FALSE;
    BOOL ok = base_from_process(process, hMsgQ, base);
    CloseHandle(process);
    return ok;
}

HANDLE WINAPI OpenMsgQueue(HANDLE hSrcProc, HANDLE hMsgQ, LPMSGQUEUEOPTIONS lpOptions)
{
    HANDLE result = NULL;
    WCHAR base[CESHIM_BASE_MAX];
    if (!lpOptions || lpOptions->dwSize < sizeof(MSGQUEUEOPTIONS) || !hMsgQ ||
        !base_of_handle(hSrcProc, hMsgQ, base)) {
        SetLastError(win32_error(MQ_BAD_PARAM));
        goto out;
    }
    struct mq_open_request rq = { 0 };
    rq.base = base;
    rq.named = wcsstr(base, L"\\" CESHIM_LAYOUT_TAG L"qn.") != NULL;
    rq.end = lpOptions->bReadAccess ? MQ_END_READ : MQ_END_WRITE;
    rq.create = FALSE;
    /* As CE: a named queue opens like CreateMsgQueue on its name (so
     * ERROR_ALREADY_EXISTS); an unnamed one just gives the handle. */
    result = open_end(&rq, rq.named);
out:
    CESHIM_TRACE("OpenMsgQueue(%p, %p, {%s}) = %p", hSrcProc, hMsgQ, end_name(lpOptions), result);
    return result;
}

/* ---- reading and writing ------------------------------------------------------------ */

/* Each try of a read or write: the handle still open (else MQ_BAD_HANDLE),
 * dead peers swept when due, and this side's lock taken, each waiting at
 * most give_up_ms for a live holder (else MQ_BUSY). */
static enum mq_result attempt_begin(struct mq_handle *hnd, int lock, uint32_t give_up_ms)
{
    if (hnd->closed)
        return MQ_BAD_HANDLE;
    if (!mq_sweep(hnd->q, FALSE, give_up_ms) || !mq_lock_within(hnd->q, lock, give_up_ms))
        return MQ_BUSY;
    return MQ_OK;
}

/* The queue handle h if it is of the given end (a reference), else NULL
 * (MQ_BAD_HANDLE). */
static struct mq_handle *end_handle(HANDLE h, int end)
{
    struct mq_handle *hnd = mq_handle_get(h);
    if (hnd && hnd->end == end)
        return hnd;
    if (hnd)
        mq_handle_put(hnd);
    return NULL;
}

static HANDLE writer_token(uint32_t pid)
{
    if (!pid)
        return NULL;
    HANDLE token = NULL;
    HANDLE process = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, pid);
    if (process) {
        if (!OpenProcessToken(process, TOKEN_QUERY, &token))
            token = NULL;
        CloseHandle(process);
    }
    return token;
}

/* One read under read_lock, mapping the chunks it needs. */
static enum mq_result read_once(struct mq_queue *q, void *buf, DWORD size, uint32_t *len, uint32_t *flags,
                                uint32_t *writer, uint32_t give_up_ms)
{
    struct mq_side *sd = &q->side[MQ_END_READ];
    mq_chunks_begin(q, MQ_END_READ);
    uint32_t old_slot = sd->mem.chunked ? (uint32_t)ceshim_load64(&q->h->rstate) / sd->mem.slot_size : 0;
    enum mq_result r;
    for (int tries = 0;; tries++) {
        uint32_t need = 0;
        r = mq_read(q->h, &sd->mem, buf, size, len, flags, writer, &q->writer_state_seen, &need);
        if (r != MQ_NEED_SLOT)
            break;
        if (tries == 3 || (r = mq_chunk_for_read(q, need)) != MQ_OK) {
            r = MQ_CORRUPT;
            break;
        }
    }
    /* A head that left a chunk's slot lets the chunk go; if the writers'
     * lock is busy, a later read retires it. */
    if ((r == MQ_OK || r == MQ_TRUNCATED) && sd->mem.chunked && mq_chunks_head_left(q, old_slot) &&
        mq_lock_within(q, MQ_LOCK_WRITE, give_up_ms)) {
        mq_chunks_retire(q);
        mq_unlock(q, MQ_LOCK_WRITE);
    }
    return r;
}

static BOOL read_queue(HANDLE hMsgQ, LPVOID lpBuffer, DWORD cbBufferSize, LPDWORD lpNumberOfBytesRead,
                       DWORD dwTimeout, DWORD *pdwFlags, PHANDLE phTok)
{
    if (!lpBuffer || (int)cbBufferSize <= 0 || !lpNumberOfBytesRead || !pdwFlags) {
        SetLastError(win32_error(MQ_BAD_PARAM));
        return FALSE;
    }
    struct mq_handle *hnd = end_handle(hMsgQ, MQ_END_READ);
    if (!hnd) {
        SetLastError(win32_error(MQ_BAD_HANDLE));
        return FALSE;
    }
    struct mq_queue *q = hnd->q;
    struct mq_header *h = q->h;
    DWORD timeout = clamp_timeout(dwTimeout);
    uint32_t give_up_ms = ceshim_shlock_bound(timeout);
    ULONGLONG start = GetTickCount64();
    enum mq_result r;
    BOOL waited = FALSE;
    for (;;) {
        if ((r = attempt_begin(hnd, MQ_LOCK_READ, give_up_ms)) != MQ_OK)
            break;
        uint32_t len = 0, flags = 0, writer = 0;
        if (!mq_header_matches(h, &q->side[MQ_END_READ].mem)) {
            r = MQ_CORRUPT;
        } else if (!(q->side[MQ_END_READ].mem.flags & MQ_FLAG_ALLOW_BROKEN) && mq_total_writers(h) == 0) {
            r = MQ_BROKEN;
        } else {
            r = read_once(q, lpBuffer, cbBufferSize, &len, &flags, &writer, give_up_ms);
            /* Empty (this read waits, or times out at once), or a message
             * taken: either resets the read end (spec 1.12). */
            if (r == MQ_OK || r == MQ_TRUNCATED || r == MQ_EMPTY)
                mq_end_reset(q, MQ_END_READ);
        }
        mq_unlock(q, MQ_LOCK_READ);
        if (r == MQ_OK || r == MQ_TRUNCATED) {
            hnd->last_read_ready = !waited;
            mq_signal_end(q, MQ_END_WRITE);
            *lpNumberOfBytesRead = len;
            *pdwFlags = flags;
            if (phTok)
                *phTok = writer_token(writer);
            break;
        }
        if (r != MQ_EMPTY || (r = mq_wait_end(hnd, timeout, start)) != MQ_OK)
            break;
        waited = TRUE;
    }
    mq_chunks_flush_closes(q);
    mq_handle_put(hnd);
    SetLastError(win32_error(r)); /* a truncated message is read, with ERROR_INSUFFICIENT_BUFFER */
    return r == MQ_OK || r == MQ_TRUNCATED;
}

BOOL WINAPI ReadMsgQueueEx(HANDLE hMsgQ, LPVOID lpBuffer, DWORD cbBufferSize, LPDWORD lpNumberOfBytesRead,
                           DWORD dwTimeout, DWORD *pdwFlags, PHANDLE phTok)
{
    if (phTok)
        *phTok = NULL;
    BOOL ok = read_queue(hMsgQ, lpBuffer, cbBufferSize, lpNumberOfBytesRead, dwTimeout, pdwFlags, phTok);
    CESHIM_TRACE("ReadMsgQueueEx(%p, %p, %lu, [%lu], %lu, [0x%lx], [%p]) = %d", hMsgQ, lpBuffer, cbBufferSize,
                 ok ? *lpNumberOfBytesRead : 0, dwTimeout, ok ? *pdwFlags : 0, phTok ? *phTok : NULL, ok);
    return ok;
}

BOOL WINAPI ReadMsgQueue(HANDLE hMsgQ, LPVOID lpBuffer, DWORD cbBufferSize, LPDWORD lpNumberOfBytesRead,
                         DWORD dwTimeout, DWORD *pdwFlags)
{
    BOOL ok = read_queue(hMsgQ, lpBuffer, cbBufferSize, lpNumberOfBytesRead, dwTimeout, pdwFlags, NULL);
    CESHIM_TRACE("ReadMsgQueue(%p, %p, %lu, [%lu], %lu, [0x%lx]) = %d", hMsgQ, lpBuffer, cbBufferSize,
                 ok ? *lpNumberOfBytesRead : 0, dwTimeout, ok ? *pdwFlags : 0, ok);
    return ok;
}

/* One write under write_lock, installing the chunks it needs. */
static enum mq_result write_once(struct mq_queue *q, const void *data, DWORD size, DWORD flags, int alert)
{
    struct mq_side *sd = &q->side[MQ_END_WRITE];
    mq_chunks_begin(q, MQ_END_WRITE);
    for (int tries = 0;; tries++) {
        uint32_t need = 0;
        enum mq_result r = mq_write(q->h, &sd->mem, data, size, flags, ceshim_self_pid(), alert,
                                    &q->reader_state_seen, &need);
        if (r != MQ_NEED_SLOT)
            return r;
        if (tries == 3)
            return MQ_CORRUPT;
        if ((r = mq_chunk_for_write(q, need)) != MQ_OK)
            return r;
    }
}

static BOOL write_queue(HANDLE hMsgQ, LPVOID lpBuffer, DWORD cbDataSize, DWORD dwTimeout, DWORD dwFlags)
{
    if (!lpBuffer || cbDataSize == 0) {
        SetLastError(win32_error(MQ_BAD_PARAM));
        return FALSE;
    }
    struct mq_handle *hnd = end_handle(hMsgQ, MQ_END_WRITE);
    if (!hnd) {
        SetLastError(win32_error(MQ_BAD_HANDLE));
        return FALSE;
    }
    struct mq_queue *q = hnd->q;
    struct mq_header *h = q->h;
    int alert = (dwFlags & MSGQUEUE_MSGALERT) != 0;
    DWORD timeout = clamp_timeout(dwTimeout);
    uint32_t give_up_ms = ceshim_shlock_bound(timeout);
    ULONGLONG start = GetTickCount64();
    enum mq_result r;
    for (;;) {
        if ((r = attempt_begin(hnd, MQ_LOCK_WRITE, give_up_ms)) != MQ_OK)
            break;
        const struct mq_ring_mem *mem = &q->side[MQ_END_WRITE].mem;
        if (!mq_header_matches(h, mem)) {
            r = MQ_CORRUPT;
        } else if (cbDataSize > mem->cb_max_message) {
            r = MQ_TOO_BIG;
        } else if (!(mem->flags & MQ_FLAG_ALLOW_BROKEN) && mq_total_readers(h) == 0) {
            r = MQ_BROKEN;
        } else {
            r = write_once(q, lpBuffer, cbDataSize, dwFlags, alert);
            if (r == MQ_OK || r == MQ_FULL) /* as reads, for the write end */
                mq_end_reset(q, MQ_END_WRITE);
        }
        mq_unlock(q, MQ_LOCK_WRITE);
        if (r == MQ_OK) {
            mq_signal_end(q, MQ_END_READ);
            break;
        }
        if (r != MQ_FULL || (r = mq_wait_end(hnd, timeout, start)) != MQ_OK)
            break;
    }
    mq_chunks_flush_closes(q);
    mq_handle_put(hnd);
    if (r != MQ_OK) /* a write that succeeds leaves the last error alone */
        SetLastError(win32_error(r));
    return r == MQ_OK;
}

BOOL WINAPI WriteMsgQueue(HANDLE hMsgQ, LPVOID lpBuffer, DWORD cbDataSize, DWORD dwTimeout, DWORD dwFlags)
{
    BOOL ok = write_queue(hMsgQ, lpBuffer, cbDataSize, dwTimeout, dwFlags);
    CESHIM_TRACE("WriteMsgQueue(%p, %p, %lu, %lu, 0x%lx) = %d", hMsgQ, lpBuffer, cbDataSize, dwTimeout,
                 dwFlags, ok);
    return ok;
}

/* ---- information and closing ---------------------------------------------------------- */

/* GetMsgQueueInfo's body: MQ_OK with *info filled, or why not. */
static enum mq_result queue_info(HANDLE hMsgQ, LPMSGQUEUEINFO lpInfo)
{
    if (!lpInfo || lpInfo->dwSize < sizeof(MSGQUEUEINFO))
        return MQ_BAD_PARAM;
    struct mq_handle *hnd = mq_handle_get(hMsgQ);
    if (!hnd)
        return MQ_BAD_HANDLE;
    struct mq_queue *q = hnd->q;
    struct mq_header *h = q->h;
    enum mq_result r = MQ_BUSY;
    /* Counts are exact for the living. A call that may not wait: a live
     * holder of the locks gets the brief bound. */
    if (mq_sweep(q, TRUE, CESHIM_SHLOCK_BRIEF_MS) && mq_lock_within(q, MQ_LOCK_BOTH, CESHIM_SHLOCK_BRIEF_MS)) {
        const struct mq_ring_mem *mem = &q->side[0].mem;
        r = MQ_CORRUPT;
        if (mq_state_valid(h, mem)) {
            uint32_t readers = mq_total_readers(h), writers = mq_total_writers(h);
            lpInfo->dwFlags = mem->flags & (MSGQUEUE_NOPRECOMMIT | MSGQUEUE_ALLOW_BROKEN);
            lpInfo->dwMaxMessages = mem->max_messages;
            lpInfo->cbMaxMessage = mem->cb_max_message;
            lpInfo->dwCurrentMessages = mq_count(h);
            lpInfo->dwMaxQueueMessages = h->high_water;
            lpInfo->wNumReaders = (WORD)(readers > 0xffff ? 0xffff : readers);
            lpInfo->wNumWriters = (WORD)(writers > 0xffff ? 0xffff : writers);
            r = MQ_OK;
        }
        mq_unlock(q, MQ_LOCK_BOTH);
        mq_chunks_flush_closes(q);
    }
    mq_handle_put(hnd);
    return r;
}

BOOL WINAPI GetMsgQueueInfo(HANDLE hMsgQ, LPMSGQUEUEINFO lpInfo)
{
    enum mq_result r = queue_info(hMsgQ, lpInfo);
    BOOL ok = r == MQ_OK;
    if (!ok) /* success leaves the last error alone */
        SetLastError(win32_error(r));
    CESHIM_TRACE("GetMsgQueueInfo(%p, %p) = %d [count %lu, readers %u, writers %u]", hMsgQ, (void *)lpInfo, ok,
                 ok ? lpInfo->dwCurrentMessages : 0, ok ? lpInfo->wNumReaders : 0, ok ? lpInfo->wNumWriters : 0);
    return ok;
}

static BOOL close_queue(HANDLE hMsgQ)
{
    enum mq_result r = mq_close_end(hMsgQ);
    if (r != MQ_OK)
        SetLastError(win32_error(r));
    return r == MQ_OK;
}

BOOL WINAPI CloseMsgQueue(HANDLE hMsgQ)
{
    BOOL ok = close_queue(hMsgQ);
    CESHIM_TRACE("CloseMsgQueue(%p) = %d", hMsgQ, ok);
    return ok;
}

/* ---- for the routed CloseHandle and waits ----------------------------------------- */

BOOL mq_close_if_queue(HANDLE h, BOOL *result)
{
    struct mq_handle *hnd = mq_handle_get(h);
    if (!hnd)
        return FALSE;
    mq_handle_put(hnd);
    *result = CloseMsgQueue(h);
    return TRUE;
}

BOOL mq_wait_handles(DWORD count, const HANDLE *handles, BOOL wait_all, DWORD ms, BOOL alertable, DWORD *result)
{
    struct mq_handle *ends[MAXIMUM_WAIT_OBJECTS];
    BOOL any = FALSE;
    if (!handles || count == 0 || count > MAXIMUM_WAIT_OBJECTS)
        return FALSE;
    for (DWORD i = 0; i < count; i++) {
        ends[i] = mq_handle_get(handles[i]);
        any |= ends[i] != NULL;
    }
    if (!any)
        return FALSE;
    DWORD w;
    enum mq_result r = mq_wait_ends(count, handles, ends, wait_all, ms, alertable, &w);
    for (DWORD i = 0; i < count; i++)
        if (ends[i])
            mq_handle_put(ends[i]);
    if (r != MQ_OK) /* else the kernel's wait set it, if it failed */
        SetLastError(win32_error(r));
    if (count == 1)
        CESHIM_TRACE("WaitForSingleObject(%p, %lu) on a queue handle = 0x%lx", handles[0], ms, w);
    else
        CESHIM_TRACE("WaitForMultipleObjects(%lu, %p, %d, %lu) on queue handles = 0x%lx", count,
                     (const void *)handles, wait_all, ms, w);
    *result = w;
    return TRUE;
}

/* ---- for ceshim's own writers (device and power notifications) ------------------- */

HANDLE mq_open_by_base(const WCHAR *base, int end)
{
    struct mq_open_request rq = { 0 };
    rq.base = base;
    rq.named = wcsstr(base, L"\\" CESHIM_LAYOUT_TAG L"qn.") != NULL;
    rq.end = end;
    rq.create = FALSE;
    return open_end(&rq, TRUE);
}

BOOL mq_write_untraced(HANDLE h, const void *data, DWORD len, DWORD timeout, DWORD flags)
{
    return write_queue(h, (LPVOID)data, len, timeout, flags);
}

BOOL mq_close_untraced(HANDLE h) { return close_queue(h); }

BOOL mq_handle_base(HANDLE h, WCHAR *base)
{
    struct mq_handle *hnd = mq_handle_get(h);
    if (!hnd)
        return FALSE;
    wcscpy(base, hnd->q->base);
    mq_handle_put(hnd);
    return TRUE;
}

/* ---- DllMain ------------------------------------------------------------------------------- */

void ceshim_msgqueue_process_detach(void) { mq_process_exit(); }
