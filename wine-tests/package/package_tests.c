/*
 * package_tests.c - what the package promises beyond each API: undecorated
 * exports on both bitnesses, and CESHIM_TRACE.
 */
#include "cetest.h"

#include <stdio.h>
#include <string.h>

static const char *const exports[] = {
    "CeShimGetVersion", "CeShimCloseHandle", "CeShimWaitForSingleObject", "CeShimWaitForSingleObjectEx",
    "CeShimWaitForMultipleObjects", "CeShimWaitForMultipleObjectsEx", "CloseMsgQueue", "CreateMsgQueue",
    "GetMsgQueueInfo", "OpenMsgQueue", "ReadMsgQueue", "ReadMsgQueueEx", "WriteMsgQueue",
};

CETEST(package, exports_are_undecorated)
{
    HMODULE dll = GetModuleHandleW(L"ceshim.dll");
    REQUIRE(dll != NULL);
    for (size_t i = 0; i < sizeof(exports) / sizeof(exports[0]); i++)
        CHECK_MSG(GetProcAddress(dll, exports[i]) != NULL, "ceshim.dll does not export %s", exports[i]);
    /* i686 stdcall decorations must not leak into the export table. */
    CHECK_PTR_EQ(GetProcAddress(dll, "CreateMsgQueue@8"), NULL);
    CHECK_PTR_EQ(GetProcAddress(dll, "_CreateMsgQueue@8"), NULL);
}

/* Makes a few calls with stderr sent to the file named argv[0]. */
CETEST_CHILD(make_calls)
{
    REQUIRE(argc == 1);
    HANDLE log = CreateFileA(argv[0], GENERIC_WRITE, FILE_SHARE_READ, NULL, CREATE_ALWAYS, 0, NULL);
    REQUIRE(log != INVALID_HANDLE_VALUE);
    SetStdHandle(STD_ERROR_HANDLE, log);
    MSGQUEUEOPTIONS o = { sizeof(o), 0, 4, 0 /* invalid */, TRUE };
    CHECK_PTR_EQ(CreateMsgQueue(L"traced", &o), NULL);
    o.cbMaxMessage = 16;
    HANDLE q = CreateMsgQueue(L"traced", &o);
    CHECK(q != NULL);
    CHECK(CloseMsgQueue(q));
    SetStdHandle(STD_ERROR_HANDLE, NULL);
    CloseHandle(log);
}

static void run_traced(const char *setting, char *out, size_t out_size)
{
    char path[MAX_PATH], temp[MAX_PATH];
    GetTempPathA(sizeof(temp), temp);
    snprintf(path, sizeof(path), "%sceshim-trace-%lu.log", temp, GetCurrentProcessId());
    SetEnvironmentVariableA("CESHIM_TRACE", setting); /* read by the child's ceshim.dll at load */
    cetest_proc child;
    BOOL spawned = cetest_spawn(&child, 0, "make_calls", "\"%s\"", path);
    SetEnvironmentVariableA("CESHIM_TRACE", NULL);
    out[0] = 0;
    if (!spawned)
        return;
    CHECK_EQ(cetest_wait(&child, 30000), CETEST_CHILD_PASSED);
    HANDLE h = CreateFileA(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
    if (CHECK(h != INVALID_HANDLE_VALUE)) {
        DWORD got = 0;
        ReadFile(h, out, (DWORD)out_size - 1, &got, NULL);
        out[got] = 0;
        CloseHandle(h);
    }
    DeleteFileA(path);
}

CETEST(package, trace_logs_each_call_with_arguments_result_and_error)
{
    char log[8192];
    run_traced("1", log, sizeof(log));
    CHECK_MSG(strstr(log, "CreateMsgQueue(L\"traced\", {size 20, flags 0x0, max 4, cbMax 0, read}) = "
                          "0000000000000000, error 87") != NULL ||
                  strstr(log, "CreateMsgQueue(L\"traced\", {size 20, flags 0x0, max 4, cbMax 0, read}) = 00000000, "
                              "error 87") != NULL,
              "log:\n%s", log);
    CHECK_MSG(strstr(log, "cbMax 16, read}) = ") != NULL && strstr(log, "error 0") != NULL, "log:\n%s", log);
    CHECK_MSG(strstr(log, "CloseMsgQueue(") != NULL, "log:\n%s", log);
    CHECK_MSG(strncmp(log, "ceshim[", 7) == 0, "log:\n%s", log);
}

CETEST(package, trace_is_silent_when_off)
{
    char log[8192];
    run_traced(NULL, log, sizeof(log));
    CHECK_MSG(log[0] == 0, "log:\n%s", log);
    run_traced("0", log, sizeof(log));
    CHECK_MSG(log[0] == 0, "log:\n%s", log);
}
