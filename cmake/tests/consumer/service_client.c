/*
 * service_client.c - a CE client of the XYZ service: CreateFile(L"XYZ0:")
 * and DeviceIoControl, and IOCTL_PSL_NOTIFY seen from the client's side:
 * a client killed while blocked in the service has its call released.
 */
#include <windows.h>
#include <stdio.h>
#include <string.h>

#include "consumer.h"
#include "xyz_ioctl.h"

#define STATE_BOUND_MS 20000 /* the service reaches the awaited state within this */

static HANDLE open_xyz(const char *what)
{
    SetLastError(0xdeadbeef);
    HANDLE h = CreateFileW(XYZ_DEVICE, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    if (h == INVALID_HANDLE_VALUE)
        fail(what, "CreateFile(%ls): error %lu", XYZ_DEVICE, GetLastError());
    return h;
}

static BOOL get_state(const char *what, HANDLE h, XYZ_STATE *s)
{
    DWORD got = 0;
    memset(s, 0, sizeof(*s));
    SetLastError(0xdeadbeef);
    BOOL ok = DeviceIoControl(h, IOCTL_XYZ_STATE, NULL, 0, s, sizeof(*s), &got, NULL);
    if (!ok || got != sizeof(*s))
        fail(what, "IOCTL_XYZ_STATE: %d, %lu bytes, error %lu", ok, got, GetLastError());
    return ok && got == sizeof(*s);
}

/* An echo through h; 0 or 1 (printed). */
static int echo(const char *what, HANDLE h)
{
    char in[64], out[64];
    DWORD got = 0;
    int len = snprintf(in, sizeof(in), "hello from process %lu", GetCurrentProcessId()) + 1;
    memset(out, 0, sizeof(out));
    SetLastError(0xdeadbeef);
    BOOL ok = DeviceIoControl(h, IOCTL_XYZ_ECHO, in, (DWORD)len, out, sizeof(out), &got, NULL);
    if (!ok || got != (DWORD)len || memcmp(in, out, got) != 0)
        return fail(what, "IOCTL_XYZ_ECHO: %d, %lu bytes \"%.*s\", error %lu", ok, got, (int)got, out,
                    GetLastError());
    return 0;
}

int cmd_service(unsigned want_bits)
{
    XYZ_STATE s;
    HANDLE h = open_xyz("service");
    if (h == INVALID_HANDLE_VALUE)
        return 1;
    int result = echo("service", h);
    if (!result && !get_state("service", h, &s))
        result = 1;
    if (!result && want_bits && s.hostBits != want_bits)
        result = fail("service", "the service runs in a %lu-bit host, want %u-bit", s.hostBits, want_bits);
    SetLastError(0xdeadbeef);
    if (!CloseHandle(h) && !result)
        result = fail("service", "CloseHandle: error %lu", GetLastError());
    if (!result)
        printf("service: OK (%u-bit client, XYZ0: echoed by a %lu-bit host, process %lu)\n",
               (unsigned)(sizeof(void *) * 8), s.hostBits, s.hostPid);
    return result;
}

/* Polls the service until `done` holds; FALSE after STATE_BOUND_MS. */
static BOOL await_state(const char *what, HANDLE h, XYZ_STATE *s, BOOL (*done)(const XYZ_STATE *, const XYZ_STATE *),
                        const XYZ_STATE *base)
{
    DWORD start = GetTickCount();
    while (get_state(what, h, s)) {
        if (done(s, base))
            return TRUE;
        if (GetTickCount() - start > STATE_BOUND_MS)
            return FALSE;
        Sleep(50);
    }
    return FALSE;
}

static BOOL one_more_blocked(const XYZ_STATE *s, const XYZ_STATE *base)
{
    return s->blocked == base->blocked + 1;
}

static BOOL released_by_psl(const XYZ_STATE *s, const XYZ_STATE *base)
{
    return s->releasedByPsl == base->releasedByPsl + 1 && s->blocked == base->blocked;
}

int cmd_psl(unsigned want_bits)
{
    XYZ_STATE base, s;
    PROCESS_INFORMATION pi;
    HANDLE h = open_xyz("psl");
    if (h == INVALID_HANDLE_VALUE)
        return 1;
    if (!get_state("psl", h, &base) || !spawn_self("psl", "blocker", &pi)) {
        CloseHandle(h);
        return 1;
    }
    int result = 0;
    if (want_bits && base.hostBits != want_bits)
        result = fail("psl", "the service runs in a %lu-bit host, want %u-bit", base.hostBits, want_bits);
    if (!result && !await_state("psl", h, &s, one_more_blocked, &base))
        result = fail("psl", "the child never blocked in IOCTL_XYZ_BLOCK (blocked %lu, was %lu)", s.blocked,
                      base.blocked);
    DWORD child = pi.dwProcessId;
    /* Killed, as a crash or the task manager would: no clean-up of its own. */
    TerminateProcess(pi.hProcess, 9);
    DWORD code = wait_child(&pi);
    if (!result && code != 9)
        result = fail("psl", "the child exited with %lu, not by TerminateProcess", code);
    if (!result && !await_state("psl", h, &s, released_by_psl, &base))
        result = fail("psl", "no IOCTL_PSL_NOTIFY release: released %lu (was %lu), blocked %lu (was %lu)",
                      s.releasedByPsl, base.releasedByPsl, s.blocked, base.blocked);
    if (!result && s.lastPslPid != child)
        result = fail("psl", "IOCTL_PSL_NOTIFY named process %lu, the killed child was %lu", s.lastPslPid, child);
    /* The service still serves the surviving client. */
    if (!result)
        result = echo("psl", h);
    CloseHandle(h);
    if (!result)
        printf("psl: OK (client %lu killed in IOCTL_XYZ_BLOCK, released by IOCTL_PSL_NOTIFY in a %lu-bit host)\n",
               child, s.hostBits);
    return result;
}

/* The child: blocks in the service until it is killed. */
int cmd_psl_blocker(void)
{
    HANDLE h = open_xyz("blocker");
    if (h == INVALID_HANDLE_VALUE)
        return 1;
    SetLastError(0xdeadbeef);
    BOOL ok = DeviceIoControl(h, IOCTL_XYZ_BLOCK, NULL, 0, NULL, 0, NULL, NULL);
    return fail("blocker", "IOCTL_XYZ_BLOCK returned %d, error %lu, before the parent killed us", ok,
                GetLastError());
}
