/*
 * process.c - process identity and liveness, for sweeping the records of
 * processes that died without closing their handles.
 */
#include "common/process.h"

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

uint64_t ceshim_process_create_time(DWORD pid)
{
    DWORD saved = GetLastError();
    uint64_t result;
    HANDLE h = OpenProcess(SYNCHRONIZE | PROCESS_QUERY_LIMITED_INFORMATION, FALSE, pid);
    if (!h) {
        /* No such process, or one we may not look at (another user's). */
        result = GetLastError() == ERROR_ACCESS_DENIED ? UINT64_MAX : 0;
    } else {
        FILETIME c, e, k, u;
        if (WaitForSingleObject(h, 0) == WAIT_OBJECT_0)
            result = 0;
        else if (GetProcessTimes(h, &c, &e, &k, &u))
            result = filetime64(c);
        else
            result = UINT64_MAX;
        CloseHandle(h);
    }
    SetLastError(saved);
    return result;
}

BOOL ceshim_process_alive(DWORD pid, uint64_t create_time)
{
    if (pid == ceshim_self_pid())
        return TRUE;
    uint64_t t = ceshim_process_create_time(pid);
    if (t == 0)
        return FALSE;
    return t == UINT64_MAX || create_time == 0 || t == create_time;
}
