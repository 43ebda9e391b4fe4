/*
 * dm_callerbuf.c - pointers a driver finds inside a caller's structure.
 * The client's memory is another process's here, so MapCallerPtr,
 * MapPtrToProcess and CeOpenCallerBuffer return a shadow: the client's
 * bytes read with ReadProcessMemory, and the bytes the driver changed
 * written back with WriteProcessMemory when the entry-point call ends
 * (MapCallerPtr) or at CeCloseCallerBuffer (the ARG_O and ARG_IO kinds). A pointer the
 * client cannot read gives NULL / E_ACCESSDENIED: nothing is ever written
 * anywhere else. Outside a call from a client (code in its own process)
 * pointers are the caller's own and are returned unchanged.
 */
#include <windows.h>
#include <string.h>

#include <pkfuncs.h>

#include "common/process_memory.h"
#include "common/trace.h"
#include "devmgr/dm_callerbuf.h"

#define SHADOW_MAX (64u * 1024u * 1024u) /* one shadow: at most 64 MiB */
#define UNSIZED_MAX (64u * 1024u)        /* MapPtrToProcess and strings: no length given */

struct shadow {
    struct shadow *next;
    uintptr_t client;   /* the client's address */
    DWORD len;
    BOOL open_buffer;   /* CeOpenCallerBuffer's: written back by CeCloseCallerBuffer only */
    uint8_t *orig;      /* the bytes as read, to write back only what changed */
    uint8_t data[];     /* what the driver sees */
};

/* A part of the call's out area an asynchronous buffer took over. */
struct kept {
    struct kept *next;
    uint32_t off, len;
};

struct scope {
    struct scope *outer; /* a driver calling another driver nests scopes */
    DWORD pid;
    HANDLE process;      /* opened on first need */
    const uint8_t *area;
    uint64_t area_len;
    struct shadow *shadows;
    /* The first-level buffers (dm_callbuf_first_level): where they are
     * here and in the caller (0: unknown), and the reply's copy-back. */
    const uint8_t *in, *out;
    uint32_t in_len, out_len;
    uint64_t client_in, client_out;
    uint32_t *reply_out_len;
    struct kept *kept;
};

static SRWLOCK duplicates_lock = SRWLOCK_INIT;
static struct dm_duplicate *duplicates;

static DWORD tls = TLS_OUT_OF_INDEXES;
static INIT_ONCE tls_once = INIT_ONCE_STATIC_INIT;

static BOOL CALLBACK tls_init(PINIT_ONCE once, PVOID p, PVOID *ctx)
{
    (void)once;
    (void)p;
    (void)ctx;
    tls = TlsAlloc();
    return TRUE;
}

static struct scope *current(void)
{
    InitOnceExecuteOnce(&tls_once, tls_init, NULL, NULL);
    if (tls == TLS_OUT_OF_INDEXES)
        return NULL;
    DWORD saved = GetLastError();
    struct scope *s = TlsGetValue(tls);
    SetLastError(saved);
    return s;
}

void dm_callbuf_begin(DWORD pid, const uint8_t *area, uint64_t area_len)
{
    struct scope *outer = current();
    struct scope *s = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*s));
    if (!s || tls == TLS_OUT_OF_INDEXES) {
        HeapFree(GetProcessHeap(), 0, s);
        return; /* no shadows in this call: MapCallerPtr then refuses client pointers */
    }
    s->outer = outer;
    s->pid = pid;
    s->area = area;
    s->area_len = area_len;
    TlsSetValue(tls, s);
}

void dm_callbuf_first_level(const uint8_t *in, uint32_t in_len, uint64_t client_in, const uint8_t *out,
                            uint32_t out_len, uint64_t client_out, uint32_t *reply_out_len)
{
    struct scope *s = current();
    if (!s)
        return;
    /* A 64-bit caller's address a 32-bit host cannot name counts as unknown
     * (never truncated into some other address). */
#if UINTPTR_MAX < UINT64_MAX
    if (client_in > (uint64_t)UINTPTR_MAX)
        client_in = 0;
    if (client_out > (uint64_t)UINTPTR_MAX)
        client_out = 0;
#endif
    s->in = in;
    s->in_len = in_len;
    s->client_in = client_in;
    s->out = out;
    s->out_len = out_len;
    s->client_out = client_out;
    s->reply_out_len = reply_out_len;
}

static BOOL open_client(struct scope *s)
{
    if (!s->process)
        s->process = OpenProcess(PROCESS_VM_READ | PROCESS_VM_WRITE | PROCESS_VM_OPERATION |
                                     PROCESS_QUERY_INFORMATION | SYNCHRONIZE, FALSE, s->pid);
    return s->process != NULL;
}

/* TRUE if the client's [addr, addr + len) is committed, not a guard page,
 * and readable (writable too, if write): Read/WriteProcessMemory alone
 * would write through read-only protection. */
BOOL dm_process_range_ok(HANDLE process, uintptr_t addr, DWORD len, BOOL write)
{
    const DWORD readable = PAGE_READONLY | PAGE_READWRITE | PAGE_WRITECOPY | PAGE_EXECUTE_READ |
                           PAGE_EXECUTE_READWRITE | PAGE_EXECUTE_WRITECOPY;
    const DWORD writable = PAGE_READWRITE | PAGE_WRITECOPY | PAGE_EXECUTE_READWRITE | PAGE_EXECUTE_WRITECOPY;
    uintptr_t end = addr + len;
    if (!process || end < addr)
        return FALSE;
    while (addr < end || (len == 0 && addr == end)) {
        MEMORY_BASIC_INFORMATION mbi;
        if (!ceshim_query_process_memory(process, (void *)addr, &mbi) || mbi.State != MEM_COMMIT ||
            (mbi.Protect & (PAGE_GUARD | PAGE_NOACCESS)) || !(mbi.Protect & (write ? writable : readable)))
            return FALSE;
        uintptr_t next = (uintptr_t)mbi.BaseAddress + mbi.RegionSize;
        if (next <= addr)
            return FALSE;
        addr = next;
        if (len == 0)
            break;
    }
    return TRUE;
}

static BOOL client_range_ok(struct scope *s, uintptr_t addr, DWORD len, BOOL write)
{
    return open_client(s) && dm_process_range_ok(s->process, addr, len, write);
}

BOOL dm_process_write(HANDLE process, uintptr_t client, const void *data, DWORD len)
{
    SIZE_T put = 0;
    return dm_process_range_ok(process, client, len, TRUE) &&
           WriteProcessMemory(process, (void *)client, data, len, &put) && put == len;
}

BOOL dm_process_write_changes(HANDLE process, uintptr_t client, const uint8_t *data, uint8_t *orig, DWORD len)
{
    BOOL ok = TRUE;
    for (DWORD i = 0; i < len;) {
        if (data[i] == orig[i]) {
            i++;
            continue;
        }
        DWORD start = i;
        while (i < len && data[i] != orig[i])
            i++;
        if (dm_process_write(process, client + start, data + start, i - start))
            memcpy(orig + start, data + start, i - start);
        else
            ok = FALSE;
    }
    return ok;
}

/* Writes the runs of bytes the driver changed back to the client. */
static BOOL write_back(struct scope *s, struct shadow *sh)
{
    return open_client(s) && dm_process_write_changes(s->process, sh->client, sh->data, sh->orig, sh->len);
}

static void shadow_free(struct shadow *sh)
{
    HeapFree(GetProcessHeap(), 0, sh->orig);
    HeapFree(GetProcessHeap(), 0, sh);
}

/* Asynchronous buffers took parts of the out area: the host writes the
 * rest to the caller now and the caller copies nothing back, so a later
 * CeFlushAsynchronousBuffer can never be overwritten by this call's copy. */
static void settle_out_area(struct scope *s)
{
    uint32_t n = s->reply_out_len ? *s->reply_out_len : 0;
    if (n > s->out_len)
        n = s->out_len;
    for (uint32_t i = 0; i < n;) {
        uint32_t next = n;
        BOOL taken = FALSE;
        for (struct kept *k = s->kept; k; k = k->next) {
            if (i >= k->off && i - k->off < k->len) {
                taken = TRUE;
                next = k->off + k->len < n ? k->off + k->len : n;
                break;
            }
            if (k->off > i && k->off < next)
                next = k->off;
        }
        if (!taken && open_client(s))
            dm_process_write(s->process, (uintptr_t)(s->client_out + i), s->out + i, next - i);
        i = next;
    }
    *s->reply_out_len = 0;
    while (s->kept) {
        struct kept *k = s->kept;
        s->kept = k->next;
        HeapFree(GetProcessHeap(), 0, k);
    }
}

void dm_callbuf_end(void)
{
    struct scope *s = current();
    if (!s)
        return;
    DWORD saved = GetLastError(); /* the driver's error is the caller's */
    if (s->kept)
        settle_out_area(s);
    while (s->shadows) {
        struct shadow *sh = s->shadows;
        s->shadows = sh->next;
        if (!sh->open_buffer) /* an unclosed CeOpenCallerBuffer writes nothing back */
            write_back(s, sh);
        shadow_free(sh);
    }
    if (s->process)
        CloseHandle(s->process);
    TlsSetValue(tls, s->outer);
    HeapFree(GetProcessHeap(), 0, s);
    SetLastError(saved);
}

/* TRUE if [p, p + len) is the call's own data area (a first-level buffer). */
static BOOL in_area(const struct scope *s, const void *p, DWORD len)
{
    uintptr_t a = (uintptr_t)s->area, q = (uintptr_t)p;
    return q >= a && q - a <= s->area_len && len <= s->area_len - (q - a);
}

/* A shadow of the client's [p, p + len); NULL if the client cannot read it. */
static struct shadow *shadow_of(struct scope *s, const void *p, DWORD len, BOOL open_buffer)
{
    uintptr_t client = (uintptr_t)p;
    if (!open_buffer)
        for (struct shadow *sh = s->shadows; sh; sh = sh->next)
            if (!sh->open_buffer && sh->client == client && sh->len >= len)
                return sh; /* the same pointer within one call: the same shadow */
    if (len > SHADOW_MAX || client + len < client || !client_range_ok(s, client, len, FALSE))
        return NULL;
    struct shadow *sh = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*sh) + len);
    uint8_t *orig = HeapAlloc(GetProcessHeap(), 0, len ? len : 1);
    SIZE_T got = 0;
    if (!sh || !orig || (len && (!ReadProcessMemory(s->process, p, sh->data, len, &got) || got != len))) {
        HeapFree(GetProcessHeap(), 0, sh);
        HeapFree(GetProcessHeap(), 0, orig);
        return NULL;
    }
    memcpy(orig, sh->data, len);
    sh->orig = orig;
    sh->client = client;
    sh->len = len;
    sh->open_buffer = open_buffer;
    sh->next = s->shadows;
    s->shadows = sh;
    return sh;
}

LPVOID MapCallerPtr(LPVOID ptr, DWORD dwLen)
{
    struct scope *s = current();
    if (!ptr || !s || s->pid == GetCurrentProcessId() || in_area(s, ptr, dwLen))
        return ptr;
    struct shadow *sh = shadow_of(s, ptr, dwLen, FALSE);
    CESHIM_TRACE("MapCallerPtr(%p, %lu) = %p", ptr, (unsigned long)dwLen, sh ? (void *)sh->data : NULL);
    if (!sh)
        SetLastError(ERROR_INVALID_PARAMETER);
    return sh ? sh->data : NULL;
}

/* Bytes readable at p in the client, up to cap (0 if none). */
static DWORD readable_from(struct scope *s, const void *p, DWORD cap)
{
    MEMORY_BASIC_INFORMATION mbi;
    if (!open_client(s) || !ceshim_query_process_memory(s->process, p, &mbi) || mbi.State != MEM_COMMIT)
        return 0;
    uintptr_t end = (uintptr_t)mbi.BaseAddress + mbi.RegionSize;
    uintptr_t n = end - (uintptr_t)p;
    return n < cap ? (DWORD)n : cap;
}

LPVOID MapPtrToProcess(LPVOID lpv, HANDLE hProc)
{
    /* Inside a call the pointer is the client's whatever hProc says: a
     * client address is never used as a host one. */
    (void)hProc;
    struct scope *s = current();
    if (!lpv || !s || s->pid == GetCurrentProcessId() || in_area(s, lpv, 1))
        return lpv;
    /* No length: the rest of the client's region, at most UNSIZED_MAX. */
    DWORD len = readable_from(s, lpv, UNSIZED_MAX);
    struct shadow *sh = len ? shadow_of(s, lpv, len, FALSE) : NULL;
    if (!sh)
        SetLastError(ERROR_INVALID_PARAMETER);
    return sh ? sh->data : NULL;
}

LPVOID UnMapPtr(LPVOID lpv)
{
    return lpv;
}

/* ---- CE 6.0's CeOpenCallerBuffer / CeCloseCallerBuffer ------------------------------ */

/* The size of a string argument given as 0: up to its NUL, in the client. */
static DWORD string_size(struct scope *s, const void *p, BOOL wide)
{
    DWORD cap = readable_from(s, p, UNSIZED_MAX);
    struct shadow *sh = cap ? shadow_of(s, p, cap, TRUE) : NULL;
    DWORD size = 0;
    if (sh) {
        DWORD unit = wide ? 2 : 1;
        for (DWORD i = 0; i + unit <= sh->len; i += unit)
            if (sh->data[i] == 0 && (!wide || sh->data[i + 1] == 0)) {
                size = i + unit;
                break;
            }
        s->shadows = sh->next; /* the probe goes */
        shadow_free(sh);
    }
    return size;
}

static HRESULT open_caller_buffer(PVOID *ppDestMarshalled, PVOID pSrcUnmarshalled, DWORD cbSrc,
                                  DWORD ArgumentDescriptor, BOOL ForceDuplicate);

HRESULT CeOpenCallerBuffer(PVOID *ppDestMarshalled, PVOID pSrcUnmarshalled, DWORD cbSrc, DWORD ArgumentDescriptor,
                           BOOL ForceDuplicate)
{
    HRESULT hr = open_caller_buffer(ppDestMarshalled, pSrcUnmarshalled, cbSrc, ArgumentDescriptor, ForceDuplicate);
    CESHIM_TRACE("CeOpenCallerBuffer(%p, %lu, 0x%lx, %d) = 0x%08lx", pSrcUnmarshalled, (unsigned long)cbSrc,
                 (unsigned long)ArgumentDescriptor, ForceDuplicate, (unsigned long)hr);
    return hr;
}

static HRESULT open_caller_buffer(PVOID *ppDestMarshalled, PVOID pSrcUnmarshalled, DWORD cbSrc,
                                  DWORD ArgumentDescriptor, BOOL ForceDuplicate)
{
    DWORD type = ArgumentDescriptor & ARG_TYPE_MASK;
    if (!ppDestMarshalled || !pSrcUnmarshalled || type == ARG_DW || !(type & (ARG_I_BIT | ARG_O_BIT)))
        return E_INVALIDARG;
    *ppDestMarshalled = NULL;
    struct scope *s = current();
    BOOL local = !s || s->pid == GetCurrentProcessId() || in_area(s, pSrcUnmarshalled, cbSrc);
    if (!local && cbSrc == 0 && (type == ARG_I_WSTR || type == ARG_I_ASTR))
        cbSrc = string_size(s, pSrcUnmarshalled, type == ARG_I_WSTR);
    if (cbSrc == 0 && (type == ARG_I_WSTR || type == ARG_I_ASTR) && local)
        cbSrc = (DWORD)(type == ARG_I_WSTR ? (wcslen(pSrcUnmarshalled) + 1) * 2 : strlen(pSrcUnmarshalled) + 1);
    if (local) {
        if (!ForceDuplicate) {
            *ppDestMarshalled = pSrcUnmarshalled; /* the caller's own memory: an alias */
            return S_OK;
        }
        void *copy = dm_duplicate_make(pSrcUnmarshalled, cbSrc, (type & ARG_I_BIT) != 0);
        if (!copy)
            return E_OUTOFMEMORY;
        *ppDestMarshalled = copy;
        return S_OK;
    }
    struct shadow *sh = shadow_of(s, pSrcUnmarshalled, cbSrc, TRUE);
    if (!sh)
        return E_ACCESSDENIED;
    *ppDestMarshalled = sh->data;
    return S_OK;
}

HRESULT CeCloseCallerBuffer(PVOID pDestMarshalled, PVOID pSrcUnmarshalled, DWORD cbSrc, DWORD ArgumentDescriptor)
{
    DWORD type = ArgumentDescriptor & ARG_TYPE_MASK;
    if (!pDestMarshalled || !pSrcUnmarshalled || type == ARG_DW)
        return E_INVALIDARG;
    struct scope *s = current();
    if (s) {
        for (struct shadow **p = &s->shadows; *p; p = &(*p)->next) {
            struct shadow *sh = *p;
            if (sh->open_buffer && sh->data == pDestMarshalled && sh->client == (uintptr_t)pSrcUnmarshalled) {
                *p = sh->next;
                BOOL ok = !(type & ARG_O_BIT) || write_back(s, sh);
                shadow_free(sh);
                return ok ? S_OK : E_ACCESSDENIED;
            }
        }
    }
    if (pDestMarshalled == pSrcUnmarshalled)
        return S_OK; /* an alias */
    struct dm_duplicate *d = dm_duplicate_take(pDestMarshalled, pSrcUnmarshalled);
    if (!d)
        return E_INVALIDARG; /* not a buffer CeOpenCallerBuffer gave */
    if (type & ARG_O_BIT)
        memcpy(pSrcUnmarshalled, pDestMarshalled, cbSrc);
    HeapFree(GetProcessHeap(), 0, d);
    return S_OK;
}

void *dm_duplicate_make(void *src, DWORD len, BOOL copy_in)
{
    struct dm_duplicate *d = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*d) + len);
    if (!d)
        return NULL;
    if (copy_in)
        memcpy(d->data, src, len);
    d->src = src;
    d->len = len;
    AcquireSRWLockExclusive(&duplicates_lock);
    d->next = duplicates;
    duplicates = d;
    ReleaseSRWLockExclusive(&duplicates_lock);
    return d->data;
}

struct dm_duplicate *dm_duplicate_take(const void *copy, const void *src)
{
    struct dm_duplicate *d = NULL;
    AcquireSRWLockExclusive(&duplicates_lock);
    for (struct dm_duplicate **p = &duplicates; *p; p = &(*p)->next)
        if ((*p)->data == copy && (*p)->src == src) {
            d = *p;
            *p = d->next;
            break;
        }
    ReleaseSRWLockExclusive(&duplicates_lock);
    return d;
}

/* ---- for the asynchronous and duplicate buffers (dm_async.c) --------------------------- */

/* Inside [base, base + len)? Then the offset of [p, p + n) in it. */
static BOOL within(const uint8_t *base, uint64_t len, const void *p, DWORD n, uint64_t *off)
{
    uintptr_t b = (uintptr_t)base, q = (uintptr_t)p;
    if (!base || q < b || q - b > len || n > len - (q - b))
        return FALSE;
    *off = q - b;
    return TRUE;
}

HRESULT dm_callbuf_resolve(const void *p, DWORD len, struct dm_client_ref *ref)
{
    memset(ref, 0, sizeof(*ref));
    struct scope *s = current();
    if (!s || s->pid == GetCurrentProcessId()) {
        ref->local = TRUE; /* the caller's memory is ours */
        return S_OK;
    }
    uint64_t off;
    if (s->client_out && within(s->out, s->out_len, p, len, &off)) {
        ref->client = (uintptr_t)(s->client_out + off);
        ref->out_off = (uint32_t)off;
        ref->first_level_out = TRUE;
    } else if (s->client_in && within(s->in, s->in_len, p, len, &off)) {
        ref->client = (uintptr_t)(s->client_in + off);
    } else {
        const struct shadow *found = NULL;
        for (const struct shadow *sh = s->shadows; sh && !found; sh = sh->next)
            if (within(sh->data, sh->len, p, len, &off))
                found = sh;
        if (!found)
            return E_ACCESSDENIED; /* not a buffer marshalled for this call */
        ref->client = found->client + (uintptr_t)off;
    }
    if (!open_client(s) || !DuplicateHandle(GetCurrentProcess(), s->process, GetCurrentProcess(), &ref->process, 0,
                                            FALSE, DUPLICATE_SAME_ACCESS))
        return E_ACCESSDENIED;
    ref->pid = s->pid;
    return S_OK;
}

BOOL dm_callbuf_keep_out(uint32_t off, DWORD len)
{
    struct scope *s = current();
    struct kept *k = s ? HeapAlloc(GetProcessHeap(), 0, sizeof(*k)) : NULL;
    if (!k)
        return FALSE;
    k->off = off;
    k->len = len;
    k->next = s->kept;
    s->kept = k;
    return TRUE;
}

BOOL dm_callbuf_in_call(void)
{
    struct scope *s = current();
    return s && s->pid != GetCurrentProcessId();
}
