/*
 * process.c - process identity and liveness, for sweeping the records of
 * processes that died without closing their handles and taking over their
 * locks.
 */
#include "common/process.h"

#include <stdio.h>

static uint64_t filetime64(FILETIME ft) { return ((uint64_t)ft.dwHighDateTime << 32) | ft.dwLowDateTime; }

DWORD ceshim_self_pid(void)
{
    static DWORD pid;
    if (!pid)
        pid = GetCurrentProcessId();
    return pid;
}

uint64_t ceshim_self_create_time(void)
{
    static uint64_t t;
    if (!t) {
        FILETIME c, e, k, u;
        t = GetProcessTimes(GetCurrentProcess(), &c, &e, &k, &u) ? filetime64(c) : 1;
    }
    return t;
}

uint64_t ceshim_self_owner(void)
{
    static uint64_t word;
    if (!word)
        word = ceshim_owner_word(ceshim_self_pid(), ceshim_self_create_time());
    return word;
}

/* Creation time of an open process handle: 0 if it has exited, UINT64_MAX
 * if it cannot be read. */
static uint64_t handle_create_time(HANDLE h)
{
    FILETIME c, e, k, u;
    if (WaitForSingleObject(h, 0) == WAIT_OBJECT_0)
        return 0;
    return GetProcessTimes(h, &c, &e, &k, &u) ? filetime64(c) : UINT64_MAX;
}

uint64_t ceshim_process_create_time(DWORD pid)
{
    DWORD saved = GetLastError();
    uint64_t result;
    HANDLE h = OpenProcess(SYNCHRONIZE | PROCESS_QUERY_LIMITED_INFORMATION, FALSE, pid);
    if (!h) {
        /* No such process, or one we may not look at (another user's). */
        result = GetLastError() == ERROR_ACCESS_DENIED ? UINT64_MAX : 0;
    } else {
        result = handle_create_time(h);
        CloseHandle(h);
    }
    SetLastError(saved);
    return result;
}

BOOL ceshim_process_alive(DWORD pid, uint64_t create_time)
{
    /* Our own pid needs no kernel call: it is us, or an earlier process's. */
    if (pid == ceshim_self_pid())
        return create_time == ceshim_self_create_time();
    uint64_t t = ceshim_process_create_time(pid);
    return t != 0 && (t == UINT64_MAX || t == create_time);
}

BOOL ceshim_owner_alive(uint64_t owner)
{
    DWORD pid = ceshim_owner_pid(owner);
    if (pid == ceshim_self_pid())
        return ceshim_owner_id(owner) == ceshim_self_owner();
    uint64_t t = ceshim_process_create_time(pid);
    return t != 0 && (t == UINT64_MAX || ceshim_owner_tag(t) == ceshim_owner_word_tag(owner));
}

HANDLE ceshim_open_process_exact(DWORD pid, uint64_t create_time, DWORD access)
{
    DWORD saved = GetLastError();
    HANDLE h = OpenProcess(access | SYNCHRONIZE | PROCESS_QUERY_LIMITED_INFORMATION, FALSE, pid);
    if (h && handle_create_time(h) != create_time) {
        CloseHandle(h);
        h = NULL;
    }
    SetLastError(saved);
    return h;
}

void ceshim_unique_id(WCHAR *out, LONG n)
{
    _snwprintf(out, 64, L"%lx.%llx.%lx", ceshim_self_pid(), (unsigned long long)ceshim_self_create_time(),
               (unsigned long)n);
    out[63] = 0;
}

BOOL ceshim_under_wine(void)
{
    static volatile LONG known; /* 0 not yet asked, 1 Windows, 2 Wine */
    if (!known) {
        HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
        InterlockedExchange(&known, ntdll && GetProcAddress(ntdll, "wine_get_version") ? 2 : 1);
    }
    return known == 2;
}
