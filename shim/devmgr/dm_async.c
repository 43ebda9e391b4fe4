/*
 * dm_async.c - CE 6.0's asynchronous and duplicate caller buffers.
 *
 * CeAllocAsynchronousBuffer keeps a buffer of the current call for use
 * after the call returns: here a heap copy in the host that remembers the
 * caller (a process handle of ours, so the address space cannot be
 * replaced under it) and the caller's address. CeFlushAsynchronousBuffer
 * and CeFreeAsynchronousBuffer write the bytes the driver changed back
 * into the caller with WriteProcessMemory, after checking the range is
 * still committed and writable; a caller that died, or freed that memory,
 * gives E_ACCESSDENIED and nothing is written anywhere. A first-level out
 * buffer kept this way is written to the caller at once and no longer
 * copied back by the call's reply (the host writes the rest of the out
 * area itself), so a flush made before the caller's thread resumes is
 * never overwritten.
 *
 * CeAllocDuplicateBuffer / CeFreeDuplicateBuffer copy memory that is
 * already this process's (a marshalled buffer) into the heap and back.
 */
#include <windows.h>
#include <string.h>

#include <pkfuncs.h>

#include "common/trace.h"
#include "devmgr/dm_callerbuf.h"

struct async_buf {
    struct async_buf *next;
    const void *sync;   /* pSrcSyncMarshalled, to match Flush and Free */
    HANDLE process;     /* the caller */
    uintptr_t client;   /* its address */
    DWORD len;
    uint8_t *orig;      /* the caller's bytes as last known: only changes go back */
    uint8_t data[];     /* what the driver uses */
};

static SRWLOCK lock = SRWLOCK_INIT;
static struct async_buf *asyncs;

static BOOL is_string(DWORD type)
{
    return type == ARG_I_WSTR || type == ARG_I_ASTR;
}

/* The descriptor and size checks CE documents; the size of a string given
 * as 0 is found in p (memory of this process). */
static HRESULT check_args(const void *p, DWORD *len, DWORD descriptor)
{
    DWORD type = descriptor & ARG_TYPE_MASK;
    if (!p || type == ARG_DW || !(type & (ARG_I_BIT | ARG_O_BIT)))
        return E_INVALIDARG;
    if (*len == 0 && is_string(type))
        *len = (DWORD)(type == ARG_I_WSTR ? (wcslen(p) + 1) * sizeof(WCHAR) : strlen(p) + 1);
    return *len ? S_OK : E_INVALIDARG;
}

/* Writes the bytes of b that differ from what the caller had; TRUE if
 * every one of them landed. */
static BOOL async_write_back(struct async_buf *b)
{
    if (WaitForSingleObject(b->process, 0) != WAIT_TIMEOUT)
        return FALSE; /* the caller is gone */
    return dm_process_write_changes(b->process, b->client, b->data, b->orig, b->len);
}

static HRESULT alloc_async(PVOID *ppDest, PVOID pSrcSync, DWORD cbSrc, DWORD descriptor)
{
    if (!ppDest)
        return E_INVALIDARG;
    *ppDest = NULL;
    HRESULT hr = check_args(pSrcSync, &cbSrc, descriptor);
    if (hr != S_OK)
        return hr;
    struct dm_client_ref ref;
    hr = dm_callbuf_resolve(pSrcSync, cbSrc, &ref);
    if (hr != S_OK)
        return hr;
    if (ref.local) {
        *ppDest = pSrcSync; /* the caller's memory is ours: an alias, as CE's kernel gives */
        return S_OK;
    }
    struct async_buf *b = HeapAlloc(GetProcessHeap(), 0, sizeof(*b) + cbSrc);
    uint8_t *orig = HeapAlloc(GetProcessHeap(), 0, cbSrc);
    if (!b || !orig) {
        HeapFree(GetProcessHeap(), 0, b);
        HeapFree(GetProcessHeap(), 0, orig);
        CloseHandle(ref.process);
        return E_OUTOFMEMORY;
    }
    memcpy(b->data, pSrcSync, cbSrc);
    memcpy(orig, pSrcSync, cbSrc);
    /* A first-level out buffer: the reply will not copy it back (so it can
     * never overwrite a flush); what the driver wrote into it so far goes
     * to the caller now, while the caller is still waiting in the call. */
    if (ref.first_level_out &&
        (!dm_process_write(ref.process, ref.client, pSrcSync, cbSrc) || !dm_callbuf_keep_out(ref.out_off, cbSrc))) {
        HeapFree(GetProcessHeap(), 0, b);
        HeapFree(GetProcessHeap(), 0, orig);
        CloseHandle(ref.process);
        return E_ACCESSDENIED;
    }
    b->sync = pSrcSync;
    b->process = ref.process;
    b->client = ref.client;
    b->len = cbSrc;
    b->orig = orig;
    AcquireSRWLockExclusive(&lock);
    b->next = asyncs;
    asyncs = b;
    ReleaseSRWLockExclusive(&lock);
    *ppDest = b->data;
    return S_OK;
}

HRESULT CeAllocAsynchronousBuffer(PVOID *ppDestAsyncMarshalled, PVOID pSrcSyncMarshalled, DWORD cbSrc,
                                  DWORD ArgumentDescriptor)
{
    HRESULT hr = alloc_async(ppDestAsyncMarshalled, pSrcSyncMarshalled, cbSrc, ArgumentDescriptor);
    CESHIM_TRACE("CeAllocAsynchronousBuffer(%p, %lu, 0x%lx) = 0x%08lx", pSrcSyncMarshalled, (unsigned long)cbSrc,
                 (unsigned long)ArgumentDescriptor, (unsigned long)hr);
    return hr;
}

/* Finds (and with unlink, removes) the record of an asynchronous buffer. */
static struct async_buf *find_async(const void *dest, const void *sync, BOOL unlink)
{
    struct async_buf *found = NULL;
    AcquireSRWLockExclusive(&lock);
    for (struct async_buf **p = &asyncs; *p; p = &(*p)->next)
        if ((*p)->data == dest && (*p)->sync == sync) {
            found = *p;
            if (unlink)
                *p = found->next;
            break;
        }
    ReleaseSRWLockExclusive(&lock);
    return found;
}

HRESULT CeFreeAsynchronousBuffer(PVOID pDestAsyncMarshalled, PVOID pSrcSyncMarshalled, DWORD cbSrc,
                                 DWORD ArgumentDescriptor)
{
    (void)cbSrc;
    HRESULT hr = E_INVALIDARG;
    DWORD type = ArgumentDescriptor & ARG_TYPE_MASK;
    struct async_buf *b = pDestAsyncMarshalled && type != ARG_DW
                              ? find_async(pDestAsyncMarshalled, pSrcSyncMarshalled, TRUE)
                              : NULL;
    if (b) {
        /* Resources go even when the write-back fails (as CeCloseCallerBuffer). */
        hr = !(type & ARG_O_BIT) || async_write_back(b) ? S_OK : E_ACCESSDENIED;
        CloseHandle(b->process);
        HeapFree(GetProcessHeap(), 0, b->orig);
        HeapFree(GetProcessHeap(), 0, b);
    } else if (pDestAsyncMarshalled && pDestAsyncMarshalled == pSrcSyncMarshalled && type != ARG_DW) {
        hr = S_OK; /* an alias */
    }
    CESHIM_TRACE("CeFreeAsynchronousBuffer(%p, %p) = 0x%08lx", pDestAsyncMarshalled, pSrcSyncMarshalled,
                 (unsigned long)hr);
    return hr;
}

HRESULT CeFlushAsynchronousBuffer(PVOID pDestAsyncMarshalled, PVOID pSrcSyncMarshalled, PVOID pSrcUnmarshalled,
                                  DWORD cbSrc, DWORD ArgumentDescriptor)
{
    (void)pSrcUnmarshalled;
    (void)cbSrc;
    HRESULT hr = E_INVALIDARG;
    DWORD type = ArgumentDescriptor & ARG_TYPE_MASK;
    if (type != ARG_O_PTR && type != ARG_IO_PTR) {
        hr = HRESULT_FROM_WIN32(ERROR_NOT_SUPPORTED); /* CE: only the two pointer kinds flush */
        SetLastError(ERROR_NOT_SUPPORTED);
    } else if (pDestAsyncMarshalled) {
        /* The record stays in the list while it is written: a concurrent
         * Free of the same buffer is the driver's bug, as on CE. */
        struct async_buf *b = find_async(pDestAsyncMarshalled, pSrcSyncMarshalled, FALSE);
        if (b)
            hr = async_write_back(b) ? S_OK : E_ACCESSDENIED;
        else if (pDestAsyncMarshalled == pSrcSyncMarshalled)
            hr = S_OK; /* an alias */
    }
    CESHIM_TRACE("CeFlushAsynchronousBuffer(%p, %p) = 0x%08lx", pDestAsyncMarshalled, pSrcSyncMarshalled,
                 (unsigned long)hr);
    return hr;
}

/* ---- duplicates of marshalled (this process's) memory --------------------------------- */

static BOOL own_range_ok(const void *p, DWORD len, BOOL write)
{
    return dm_process_range_ok(GetCurrentProcess(), (uintptr_t)p, len, write);
}

HRESULT CeAllocDuplicateBuffer(PVOID *ppDestDuplicate, PVOID pSrcMarshalled, DWORD cbSrc, DWORD ArgumentDescriptor)
{
    HRESULT hr = ppDestDuplicate ? check_args(pSrcMarshalled, &cbSrc, ArgumentDescriptor) : E_INVALIDARG;
    DWORD type = ArgumentDescriptor & ARG_TYPE_MASK;
    void *copy = NULL;
    if (ppDestDuplicate)
        *ppDestDuplicate = NULL;
    if (hr == S_OK && !own_range_ok(pSrcMarshalled, cbSrc, (type & ARG_O_BIT) != 0))
        hr = E_ACCESSDENIED; /* not memory of this process: an unmarshalled pointer */
    if (hr == S_OK && !(copy = dm_duplicate_make(pSrcMarshalled, cbSrc, (type & ARG_I_BIT) != 0)))
        hr = E_OUTOFMEMORY;
    if (hr == S_OK)
        *ppDestDuplicate = copy;
    CESHIM_TRACE("CeAllocDuplicateBuffer(%p, %lu, 0x%lx) = 0x%08lx", pSrcMarshalled, (unsigned long)cbSrc,
                 (unsigned long)ArgumentDescriptor, (unsigned long)hr);
    return hr;
}

HRESULT CeFreeDuplicateBuffer(PVOID pDestDuplicate, PVOID pSrcMarshalled, DWORD cbSrc, DWORD ArgumentDescriptor)
{
    (void)cbSrc;
    DWORD type = ArgumentDescriptor & ARG_TYPE_MASK;
    struct dm_duplicate *d = NULL;
    HRESULT hr = E_INVALIDARG;
    if (pDestDuplicate && type != ARG_DW)
        d = dm_duplicate_take(pDestDuplicate, pSrcMarshalled);
    if (d) {
        hr = S_OK;
        if (type & ARG_O_BIT) {
            if (own_range_ok(d->src, d->len, TRUE))
                memcpy(d->src, d->data, d->len);
            else
                hr = E_ACCESSDENIED;
        }
        HeapFree(GetProcessHeap(), 0, d);
    }
    CESHIM_TRACE("CeFreeDuplicateBuffer(%p, %p) = 0x%08lx", pDestDuplicate, pSrcMarshalled, (unsigned long)hr);
    return hr;
}
