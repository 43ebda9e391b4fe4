/*
 * events.c - EventModify, GetEventData/SetEventData, and the routed
 * CreateEventW/A that give unnamed events a hidden unique name.
 *
 * Event data belongs to the event object. An object is identified across
 * processes by its kernel name, so named events, message-queue handles and
 * unnamed events created through ceshim.h (which get a hidden name) keep
 * their data in the shared table (ev_table.c). An unnamed event created
 * without ceshim has no identity another process could find: its data is
 * kept in this process only, per object (handles compared with
 * CompareObjectHandles where the system has it).
 */
#include <ceshim.h>
#include <pkfuncs.h>

#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>

#include "routing.h"
#include "common/names.h"
#include "common/ntobject.h"
#include "common/process.h"
#include "common/trace.h"
#include "events/ev_table.h"

#define KERNEL_NAME_CHARS 1024

/* ---- this-process data of anonymous events ------------------------------------- */

struct local_data {
    HANDLE h;
    DWORD data;
};
static struct local_data *locals;
static size_t local_count, local_cap;
static SRWLOCK local_lock = SRWLOCK_INIT;

typedef BOOL(WINAPI *compare_handles_fn)(HANDLE, HANDLE);

static compare_handles_fn compare_fn(void)
{
    static compare_handles_fn fn;
    static volatile LONG looked;
    if (!InterlockedCompareExchange(&looked, 1, 0)) {
        HMODULE k = GetModuleHandleW(L"kernelbase.dll");
        if (!k)
            k = GetModuleHandleW(L"kernel32.dll");
        fn = k ? (compare_handles_fn)(void *)GetProcAddress(k, "CompareObjectHandles") : NULL;
    }
    return fn;
}

/* Under local_lock: the record of h's object, or NULL. */
static struct local_data *local_find(HANDLE h)
{
    for (size_t i = 0; i < local_count; i++)
        if (locals[i].h == h)
            return &locals[i];
    compare_handles_fn same = compare_fn();
    if (same)
        for (size_t i = 0; i < local_count; i++)
            if (same(locals[i].h, h))
                return &locals[i];
    return NULL;
}

static BOOL local_set(HANDLE h, DWORD data)
{
    BOOL ok = TRUE;
    AcquireSRWLockExclusive(&local_lock);
    struct local_data *d = local_find(h);
    if (d) {
        d->data = data;
    } else if (data) {
        if (local_count == local_cap) {
            size_t cap = local_cap ? local_cap * 2 : 16;
            struct local_data *grown = realloc(locals, cap * sizeof(*grown));
            if (grown) {
                locals = grown;
                local_cap = cap;
            }
        }
        if (local_count < local_cap)
            locals[local_count++] = (struct local_data){ h, data };
        else
            ok = FALSE;
    }
    ReleaseSRWLockExclusive(&local_lock);
    if (!ok)
        SetLastError(ERROR_NOT_ENOUGH_MEMORY);
    return ok;
}

static DWORD local_get(HANDLE h)
{
    AcquireSRWLockShared(&local_lock);
    struct local_data *d = local_find(h);
    DWORD data = d ? d->data : 0;
    ReleaseSRWLockShared(&local_lock);
    return data;
}

void ceshim_events_close_hook(HANDLE h)
{
    /* The record follows the handle value it was made with; a later
     * object reusing the value must not inherit the data. Another handle
     * to the same object loses it too (documented). */
    AcquireSRWLockExclusive(&local_lock);
    for (size_t i = 0; i < local_count; i++) {
        if (locals[i].h == h) {
            locals[i] = locals[--local_count];
            break;
        }
    }
    ReleaseSRWLockExclusive(&local_lock);
}

/* ---- the API --------------------------------------------------------------------- */

/* Validates h as an event; fills its kernel name (len 0: anonymous). */
static BOOL event_identity(HANDLE h, WCHAR *name, size_t *len)
{
    if (!ceshim_handle_is_type(h, L"Event") || !ceshim_handle_kernel_name(h, name, KERNEL_NAME_CHARS, len)) {
        SetLastError(ERROR_INVALID_HANDLE);
        return FALSE;
    }
    return TRUE;
}

DWORD GetEventData(HANDLE hEvent)
{
    WCHAR name[KERNEL_NAME_CHARS];
    size_t len;
    uint32_t data = 0;
    BOOL ok = event_identity(hEvent, name, &len);
    if (ok) {
        if (len)
            ok = ev_table_get(name, len, &data);
        else
            data = local_get(hEvent);
    }
    if (!ok)
        data = 0;
    else if (data == 0)
        SetLastError(0); /* as CE: 0 with error 0 is "no data", not a failure */
    CESHIM_TRACE("GetEventData(%p) = %lu", hEvent, (unsigned long)data);
    return data;
}

BOOL SetEventData(HANDLE hEvent, DWORD dwData)
{
    WCHAR name[KERNEL_NAME_CHARS];
    size_t len;
    BOOL ok = event_identity(hEvent, name, &len);
    if (ok)
        ok = len ? ev_table_set(name, len, dwData) : local_set(hEvent, dwData);
    CESHIM_TRACE("SetEventData(%p, %lu) = %d", hEvent, dwData, ok);
    return ok;
}

BOOL WINAPI EventModify(HANDLE hEvent, DWORD func)
{
    BOOL ok;
    switch (func) {
    case EVENT_PULSE: ok = PulseEvent(hEvent); break;
    case EVENT_RESET: ok = ResetEvent(hEvent); break;
    case EVENT_SET: ok = SetEvent(hEvent); break;
    default:
        SetLastError(ERROR_INVALID_PARAMETER);
        ok = FALSE;
    }
    CESHIM_TRACE("EventModify(%p, %lu) = %d", hEvent, func, ok);
    return ok;
}

/* ---- creation ---------------------------------------------------------------------- */

/* A named event that did not exist before starts without data, whatever a
 * dead event of the same name left in the table. */
static void forget_stale_data(HANDLE h)
{
    WCHAR name[KERNEL_NAME_CHARS];
    size_t len;
    DWORD saved = GetLastError();
    if (saved != ERROR_ALREADY_EXISTS && ceshim_handle_kernel_name(h, name, KERNEL_NAME_CHARS, &len) && len) {
        uint32_t data;
        if (ev_table_get(name, len, &data) && data)
            ev_table_set(name, len, 0);
    }
    SetLastError(saved);
}

static HANDLE create_hidden(LPSECURITY_ATTRIBUTES sa, BOOL manual, BOOL initial)
{
    static volatile LONG counter;
    WCHAR id[64], base[CESHIM_BASE_MAX];
    ceshim_unique_id(id, InterlockedIncrement(&counter));
    ceshim_object_base(base, L"ev", id);
    HANDLE h = CreateEventW(sa, manual, initial, base);
    if (h)
        SetLastError(0);
    return h;
}

HANDLE WINAPI CeShimCreateEventW(LPSECURITY_ATTRIBUTES lpEventAttributes, BOOL bManualReset, BOOL bInitialState,
                                 LPCWSTR lpName)
{
    HANDLE h;
    ev_table_open();
    if (lpName) {
        h = CreateEventW(lpEventAttributes, bManualReset, bInitialState, lpName);
        if (h)
            forget_stale_data(h);
    } else {
        h = create_hidden(lpEventAttributes, bManualReset, bInitialState);
    }
    CESHIM_TRACE("CreateEventW(%p, %d, %d, %s%ls%s) = %p", (void *)lpEventAttributes, bManualReset,
                 bInitialState, lpName ? "L\"" : "", lpName ? lpName : L"NULL", lpName ? "\"" : "", h);
    return h;
}

HANDLE WINAPI CeShimCreateEventA(LPSECURITY_ATTRIBUTES lpEventAttributes, BOOL bManualReset, BOOL bInitialState,
                                 LPCSTR lpName)
{
    HANDLE h;
    ev_table_open();
    if (lpName) {
        h = CreateEventA(lpEventAttributes, bManualReset, bInitialState, lpName);
        if (h)
            forget_stale_data(h);
    } else {
        h = create_hidden(lpEventAttributes, bManualReset, bInitialState);
    }
    CESHIM_TRACE("CreateEventA(%p, %d, %d, %s%s%s) = %p", (void *)lpEventAttributes, bManualReset,
                 bInitialState, lpName ? "\"" : "", lpName ? lpName : "NULL", lpName ? "\"" : "", h);
    return h;
}
