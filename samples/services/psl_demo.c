/*
 * psl_demo.c - IOCTL_PSL_NOTIFY in action: a client killed while blocked
 * inside a service call does not leave that call hanging in the service.
 *
 * One program, two roles:
 *   psl_demo        the parent: opens ECH0:, starts itself as the child,
 *                   waits until the child is blocked, kills it with
 *                   TerminateProcess, then watches the echo service
 *                   release the child's blocked call;
 *   psl_demo child  opens ECH0: and calls IOCTL_ECHO_WAIT, which blocks
 *                   until the service releases it.
 * When the child dies, the services host sends IOCTL_PSL_NOTIFY for the
 * child's open handle to ECH_IOControl; the echo service wakes the blocked
 * IOCTL_ECHO_WAIT and counts it. The parent reads that count
 * (IOCTL_ECHO_RELEASED_COUNT) before the kill and polls it after.
 *
 * Plain CE code; the echo service must be registered first (the demo does
 * it). Exit code 0 when the blocked call was released within 2 s, else 1.
 */
#include <windows.h>
#include <stdio.h>
#include <string.h>

#include "echo_ioctl.h"

/* The child sets this (named event) just before it blocks. */
#define CHILD_BLOCKING_EVENT L"EchoPslDemoChildBlocking"

static int Child(void)
{
    HANDLE h, blocking;
    DWORD cb = 0;

    h = CreateFile(ECHO_DEVICE_NAME, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    if (h == INVALID_HANDLE_VALUE) {
        printf("psl_demo child: CreateFile(ECH0:) failed, error %lu\n", GetLastError());
        return 1;
    }
    printf("psl_demo child %lu: calling IOCTL_ECHO_WAIT (blocks until released)\n", GetCurrentProcessId());
    fflush(stdout);
    blocking = CreateEvent(NULL, TRUE, FALSE, CHILD_BLOCKING_EVENT);
    if (blocking != NULL)
        SetEvent(blocking);
    /* Never returns while we live: the parent kills us in here. */
    DeviceIoControl(h, IOCTL_ECHO_WAIT, NULL, 0, NULL, 0, &cb, NULL);
    printf("psl_demo child: IOCTL_ECHO_WAIT returned, error %lu (not expected)\n", GetLastError());
    return 1;
}

/* count of waits the service released by PSL notify, and the last such pid */
static BOOL ReleasedCount(HANDLE h, DWORD *count, DWORD *lastPid)
{
    DWORD out[2] = { 0, 0 }, cb = 0;

    if (!DeviceIoControl(h, IOCTL_ECHO_RELEASED_COUNT, NULL, 0, out, sizeof(out), &cb, NULL))
        return FALSE;
    *count = out[0];
    *lastPid = out[1];
    return TRUE;
}

static int Parent(void)
{
    WCHAR path[MAX_PATH];
    WCHAR cmdline[] = L"psl_demo child";
    STARTUPINFO si;
    PROCESS_INFORMATION pi;
    HANDLE h, blocking;
    DWORD before, after, lastPid, start, elapsed;

    h = CreateFile(ECHO_DEVICE_NAME, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    if (h == INVALID_HANDLE_VALUE) {
        printf("psl_demo: CreateFile(ECH0:) failed, error %lu (is EchoService registered?)\n", GetLastError());
        return 1;
    }
    if (!ReleasedCount(h, &before, &lastPid)) {
        printf("psl_demo: IOCTL_ECHO_RELEASED_COUNT failed, error %lu\n", GetLastError());
        return 1;
    }
    blocking = CreateEvent(NULL, TRUE, FALSE, CHILD_BLOCKING_EVENT);
    if (blocking == NULL) {
        printf("psl_demo: CreateEvent failed, error %lu\n", GetLastError());
        return 1;
    }
    ResetEvent(blocking); /* in case an earlier run's event is still alive */

    /* Porting point: CE's CreateProcess takes only the arguments in
     * lpCommandLine and no STARTUPINFO; desktop Win32 wants the program
     * name first and a STARTUPINFO. The child looks for "child" in any
     * argument, so this line works on both. */
    GetModuleFileName(NULL, path, MAX_PATH);
    memset(&si, 0, sizeof(si));
    si.cb = sizeof(si);
    if (!CreateProcess(path, cmdline, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi)) {
        printf("psl_demo: CreateProcess failed, error %lu\n", GetLastError());
        return 1;
    }
    if (WaitForSingleObject(blocking, 10000) != WAIT_OBJECT_0) {
        printf("psl_demo: the child never got to its blocking call\n");
        TerminateProcess(pi.hProcess, 1);
        return 1;
    }
    Sleep(500); /* let the child get well inside IOCTL_ECHO_WAIT */

    start = GetTickCount();
    TerminateProcess(pi.hProcess, 99);
    printf("psl_demo: killed child %lu while it was blocked in the service\n", pi.dwProcessId);
    WaitForSingleObject(pi.hProcess, 5000);

    /* The host notices the death, sends IOCTL_PSL_NOTIFY, the service wakes
     * the call; give that up to 2 s. */
    do {
        if (!ReleasedCount(h, &after, &lastPid)) {
            printf("psl_demo: IOCTL_ECHO_RELEASED_COUNT failed, error %lu\n", GetLastError());
            return 1;
        }
        elapsed = GetTickCount() - start;
        if (after != before)
            break;
        Sleep(10);
    } while (elapsed < 2000);

    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
    CloseHandle(blocking);
    CloseHandle(h);
    if (after == before) {
        printf("psl_demo: the child's blocked call was not released within 2 s\n");
        return 1;
    }
    if (lastPid != pi.dwProcessId) {
        printf("psl_demo: a call was released, but for process %lu, not child %lu\n", lastPid, pi.dwProcessId);
        return 1;
    }
    printf("psl_demo: blocked call of killed client %lu released by IOCTL_PSL_NOTIFY after %lu ms\n", lastPid,
           elapsed);
    return 0;
}

int main(int argc, char **argv)
{
    int i;

    for (i = 1; i < argc; i++)
        if (strcmp(argv[i], "child") == 0)
            return Child();
    return Parent();
}
