/*
 * main.c - a CE program built against the installed package: it includes
 * only <windows.h> (and CE's own headers where CE code does) and gets the
 * CE API from the forced include of ceshim.h.
 *
 *   ce_consumer version          ceshim.dll matches the headers
 *   ce_consumer queue            a message queue between two processes
 *   ce_consumer service [bits]   CreateFile(L"XYZ0:") + DeviceIoControl
 *   ce_consumer psl [bits]       a killed client's blocked call is released
 *   ce_consumer notify           device notifications between two processes
 *   ce_consumer driver [bits]    the XYZ DLL as a stream driver (ActivateDevice)
 * [bits]: the services host the XYZ service must run in (32 or 64).
 */
#include <windows.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "consumer.h"

#ifndef UNICODE
#error "CeShim::ceshim must define UNICODE"
#endif
#ifndef CESHIM_H
#error "CeShim::ceshim must force-include ceshim.h"
#endif

int fail(const char *what, const char *fmt, ...)
{
    va_list ap;
    printf("%s: FAILED: ", what);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
    return 1;
}

BOOL spawn_self(const char *what, const char *args, PROCESS_INFORMATION *pi)
{
    char path[MAX_PATH], cmd[MAX_PATH + 200];
    STARTUPINFOA si;
    DWORD n = GetModuleFileNameA(NULL, path, MAX_PATH);
    if (!n || n >= MAX_PATH) {
        fail(what, "GetModuleFileName: error %lu", GetLastError());
        return FALSE;
    }
    snprintf(cmd, sizeof(cmd), "\"%s\" %s", path, args);
    memset(&si, 0, sizeof(si));
    si.cb = sizeof(si);
    fflush(stdout);
    if (!CreateProcessA(path, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, pi)) {
        fail(what, "CreateProcess(%s): error %lu", cmd, GetLastError());
        return FALSE;
    }
    return TRUE;
}

DWORD wait_child(PROCESS_INFORMATION *pi)
{
    DWORD code = ~0u;
    if (WaitForSingleObject(pi->hProcess, CHILD_BOUND_MS) != WAIT_OBJECT_0) {
        TerminateProcess(pi->hProcess, 99);
        WaitForSingleObject(pi->hProcess, 5000);
    } else {
        GetExitCodeProcess(pi->hProcess, &code);
    }
    CloseHandle(pi->hThread);
    CloseHandle(pi->hProcess);
    return code;
}

static int cmd_version(void)
{
    DWORD version = CeShimGetVersion();
    DWORD built = (CESHIM_VERSION_MAJOR << 16) | (CESHIM_VERSION_MINOR << 8) | CESHIM_VERSION_PATCH;
    if (version != built)
        return fail("version", "ceshim.dll is 0x%06lx, the headers 0x%06lx", version, built);
    printf("version: OK (ceshim %lu.%lu.%lu, %u-bit)\n", version >> 16, (version >> 8) & 0xff, version & 0xff,
           (unsigned)(sizeof(void *) * 8));
    return 0;
}

int main(int argc, char **argv)
{
    const char *cmd = argc > 1 ? argv[1] : "";
    unsigned bits = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 10) : 0;
    setvbuf(stdout, NULL, _IONBF, 0);
    if (strcmp(cmd, "version") == 0)
        return cmd_version();
    if (strcmp(cmd, "queue") == 0)
        return cmd_queue();
    if (strcmp(cmd, "reader") == 0 && argc == 4)
        return cmd_queue_reader(argv[2], (unsigned)strtoul(argv[3], NULL, 10));
    if (strcmp(cmd, "service") == 0)
        return cmd_service(bits);
    if (strcmp(cmd, "psl") == 0)
        return cmd_psl(bits);
    if (strcmp(cmd, "blocker") == 0)
        return cmd_psl_blocker();
    if (strcmp(cmd, "notify") == 0)
        return cmd_notify();
    if (strcmp(cmd, "driver") == 0)
        return cmd_driver(bits);
    if (strcmp(cmd, "advertiser") == 0 && argc == 3)
        return cmd_advertiser(argv[2]);
    printf("usage: ce_consumer version|queue|service [bits]|psl [bits]|notify|driver [bits]\n");
    return 2;
}
