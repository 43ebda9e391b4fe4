/*
 * notif_util.c - helpers shared by the notification tests.
 */
#include "notif_test.h"

#include <stdio.h>
#include <string.h>
#include <wchar.h>

GUID notif_unique_guid(void)
{
    static volatile LONG counter;
    LARGE_INTEGER pc;
    QueryPerformanceCounter(&pc);
    GUID g;
    g.Data1 = GetCurrentProcessId();
    g.Data2 = (WORD)InterlockedIncrement(&counter);
    g.Data3 = 0x4ce5; /* "ceshim test" */
    ULONGLONG t = (ULONGLONG)pc.QuadPart ^ (GetTickCount64() << 20);
    memcpy(g.Data4, &t, 8);
    return g;
}

void notif_guid_arg(const GUID *g, char *out, size_t size)
{
    DWORD w[4];
    memcpy(w, g, 16);
    snprintf(out, size, "%08lx%08lx%08lx%08lx", w[0], w[1], w[2], w[3]);
}

BOOL notif_guid_parse(const char *s, GUID *g)
{
    unsigned long w[4];
    if (strlen(s) != 32 || sscanf(s, "%8lx%8lx%8lx%8lx", &w[0], &w[1], &w[2], &w[3]) != 4)
        return FALSE;
    DWORD d[4] = { (DWORD)w[0], (DWORD)w[1], (DWORD)w[2], (DWORD)w[3] };
    memcpy(g, d, 16);
    return TRUE;
}

HANDLE notif_queue_at(const WCHAR *name, DWORD flags, DWORD cb_max, const char *file, int line)
{
    MSGQUEUEOPTIONS o;
    memset(&o, 0, sizeof(o));
    o.dwSize = sizeof(o);
    o.dwFlags = flags;
    o.cbMaxMessage = cb_max;
    o.bReadAccess = TRUE;
    HANDLE h = CreateMsgQueue(name, &o);
    cetest_check(h != NULL, file, line, "CreateMsgQueue", "error %lu", GetLastError());
    return h;
}

notif_msg notif_read(HANDLE q, DWORD timeout)
{
    notif_msg m;
    memset(&m, 0, sizeof(m));
    m.bytes = m.flags = 0xdeadbeef;
    SetLastError(0xdeadbeef);
    m.ok = ReadMsgQueue(q, m.u.raw, sizeof(m.u.raw), &m.bytes, timeout, &m.flags);
    m.err = GetLastError();
    return m;
}

BOOL notif_next_detail(HANDLE q, const GUID *g, DWORD timeout, notif_msg *m)
{
    ULONGLONG start = cetest_now_ms();
    for (;;) {
        ULONGLONG spent = cetest_now_ms() - start;
        *m = notif_read(q, spent >= timeout ? 0 : (DWORD)(timeout - spent));
        if (!m->ok)
            return FALSE;
        if (m->bytes >= sizeof(DEVDETAIL) && IsEqualGUID(&m->u.d.guidDevClass, g))
            return TRUE;
    }
}

void notif_expect_detail_at(HANDLE q, const GUID *g, const WCHAR *name, BOOL attached,
                            DWORD timeout, const char *file, int line)
{
    notif_msg m;
    BOOL got = notif_next_detail(q, g, timeout, &m);
    if (!cetest_check(got, file, line, "a DEVDETAIL of the class arrives",
                      "for %ls (%s): ReadMsgQueue error %lu", name, attached ? "attached" : "removed", m.err))
        return;
    DWORD cb = (DWORD)((wcslen(name) + 1) * sizeof(WCHAR));
    cetest_check_eq_u(m.err, ERROR_SUCCESS, "last error", "ERROR_SUCCESS", file, line);
    cetest_check_eq_u(m.bytes, sizeof(DEVDETAIL) + cb, "bytes read", "sizeof(DEVDETAIL) + cbName", file, line);
    cetest_check_eq_u(m.flags, 0, "*pdwFlags", "0", file, line);
    cetest_check_eq_u((DWORD)m.u.d.cbName, cb, "cbName", "(wcslen(name) + 1) * sizeof(WCHAR)", file, line);
    cetest_check_eq_u((DWORD)m.u.d.fAttached, (DWORD)attached, "fAttached", "expected", file, line);
    cetest_check_eq_u(m.u.d.dwReserved, 0, "dwReserved", "0", file, line);
    cetest_check_wstr(m.u.d.szName, name, "szName", "name", file, line);
}

void notif_expect_no_detail_at(HANDLE q, const GUID *g, const char *file, int line)
{
    notif_msg m;
    BOOL got = notif_next_detail(q, g, 0, &m);
    cetest_check(!got, file, line, "no DEVDETAIL of the class is queued", "got %ls (fAttached %d)",
                 got ? m.u.d.szName : L"", got ? m.u.d.fAttached : 0);
}

BOOL notif_next_power(HANDLE q, DWORD message, const WCHAR *state, DWORD timeout, notif_msg *m)
{
    ULONGLONG start = cetest_now_ms();
    for (;;) {
        ULONGLONG spent = cetest_now_ms() - start;
        *m = notif_read(q, spent >= timeout ? 0 : (DWORD)(timeout - spent));
        if (!m->ok)
            return FALSE;
        if (m->bytes < sizeof(POWER_BROADCAST) || m->u.p.Message != message)
            continue;
        if (!state || (m->u.p.Length == (wcslen(state) + 1) * sizeof(WCHAR) &&
                       wcscmp(m->u.p.SystemPowerState, state) == 0))
            return TRUE;
    }
}

DWORD notif_queued_at(HANDLE q, const char *file, int line)
{
    MSGQUEUEINFO info;
    memset(&info, 0, sizeof(info));
    info.dwSize = sizeof(info);
    BOOL ok = GetMsgQueueInfo(q, &info);
    cetest_check(ok, file, line, "GetMsgQueueInfo", "error %lu", GetLastError());
    return ok ? info.dwCurrentMessages : ~0u;
}

