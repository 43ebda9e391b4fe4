/*
 * svc_cli_tests.c - ceservices.exe (CE's `services` command line) on the
 * paths that need no services host: usage, exit codes, register and
 * unregister, AllowCmdLine, -s and -d.
 *
 * ceservices.exe sits beside this test executable. Each test sets its own
 * CESHIM_SERVICES_INSTANCE, which the tool inherits, so nothing touches
 * the real configuration.
 */
#include "cetest.h"
#include "svc_test.h"
#include "../devmgr/dm_test.h"

#include <service.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#define RUN_TIMEOUT_MS 30000

/* The test's instance: struct svc_test (svc_test.h), without a host. */
static void instance_begin(struct svc_test *in)
{
    svc_test_instance(in, L"cli");
}

static void instance_end(struct svc_test *in)
{
    svc_test_forget(in);
}

/* Runs "ceservices.exe <args>", collecting stdout and stderr into out (NUL
 * terminated). Returns the exit code, or 0xFFFFFFFF after recording a
 * failure (could not start, or still running after RUN_TIMEOUT_MS). */
static DWORD run_cli(const WCHAR *args, char *out, size_t out_size)
{
    out[0] = 0;
    WCHAR exe[MAX_PATH];
    DWORD len = GetModuleFileNameW(NULL, exe, MAX_PATH);
    if (!CHECK(len > 0 && len < MAX_PATH))
        return 0xFFFFFFFFu;
    WCHAR *slash = wcsrchr(exe, L'\\');
    if (!CHECK(slash != NULL && (size_t)(slash - exe) + 16 < MAX_PATH))
        return 0xFFFFFFFFu;
    wcscpy(slash + 1, L"ceservices.exe");

    WCHAR cmdline[512];
    _snwprintf(cmdline, 512, L"\"%ls\" %ls", exe, args);
    cmdline[511] = 0;

    SECURITY_ATTRIBUTES sa = { sizeof(sa), NULL, TRUE };
    HANDLE rd, wr;
    if (!CHECK(CreatePipe(&rd, &wr, &sa, 0)))
        return 0xFFFFFFFFu;
    SetHandleInformation(rd, HANDLE_FLAG_INHERIT, 0);

    STARTUPINFOW si;
    memset(&si, 0, sizeof(si));
    si.cb = sizeof(si);
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdOutput = wr;
    si.hStdError = wr;
    PROCESS_INFORMATION pi;
    BOOL started = FALSE;
    DWORD error = 0;
    /* Wine's CreateProcess now and then fails with ERROR_INTERNAL_ERROR
     * under load (see cetest_spawn); not what this tests. */
    for (int attempt = 0; attempt < 3 && !started; attempt++) {
        started = CreateProcessW(exe, cmdline, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi);
        if (!started && (error = GetLastError()) != ERROR_INTERNAL_ERROR)
            break;
        if (!started)
            Sleep(50);
    }
    CloseHandle(wr);
    if (!CHECK_MSG(started, "CreateProcess(%ls) failed, error %lu", exe, (unsigned long)error)) {
        CloseHandle(rd);
        return 0xFFFFFFFFu;
    }

    /* Drain the pipe without ever blocking past the deadline. */
    ULONGLONG deadline = cetest_now_ms() + RUN_TIMEOUT_MS;
    size_t used = 0;
    BOOL exited = FALSE;
    for (;;) {
        DWORD avail = 0, got = 0;
        if (!PeekNamedPipe(rd, NULL, 0, NULL, &avail, NULL))
            break; /* broken pipe: every writer is gone */
        if (avail > 0) {
            char chunk[512];
            if (!ReadFile(rd, chunk, avail < sizeof(chunk) ? avail : sizeof(chunk), &got, NULL))
                break;
            size_t take = got < out_size - 1 - used ? got : out_size - 1 - used;
            memcpy(out + used, chunk, take);
            used += take;
            continue;
        }
        if (exited || cetest_now_ms() >= deadline)
            break;
        /* One more pass after exit picks up the last bytes. */
        exited = WaitForSingleObject(pi.hProcess, 10) == WAIT_OBJECT_0;
    }
    out[used] = 0;
    CloseHandle(rd);

    ULONGLONG now = cetest_now_ms();
    DWORD wait_ms = now < deadline ? (DWORD)(deadline - now) : 0;
    DWORD code = 0xFFFFFFFFu;
    if (CHECK_MSG(WaitForSingleObject(pi.hProcess, wait_ms) == WAIT_OBJECT_0, "ceservices %ls still running",
                  args)) {
        GetExitCodeProcess(pi.hProcess, &code);
    } else {
        TerminateProcess(pi.hProcess, 1);
        WaitForSingleObject(pi.hProcess, 5000);
    }
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
    return code;
}

static void contains(const char *text, const char *needle)
{
    CHECK_MSG(strstr(text, needle) != NULL, "output lacks \"%s\":\n%s", needle, text);
}

static HKEY add_service(const struct svc_test *in, const WCHAR *name)
{
    WCHAR path[256];
    _snwprintf(path, 256, L"%ls\\%ls", in->root_key, name);
    path[255] = 0;
    HKEY key = NULL;
    if (!CHECK_EQ(RegCreateKeyExW(HKEY_CURRENT_USER, path, 0, NULL, 0, KEY_ALL_ACCESS, NULL, &key, NULL),
                  ERROR_SUCCESS))
        return NULL;
    static const WCHAR dll[] = L"cli_svc.dll", prefix[] = L"CLI";
    DWORD index = 0;
    RegSetValueExW(key, L"Dll", 0, REG_SZ, (const BYTE *)dll, sizeof(dll));
    RegSetValueExW(key, L"Prefix", 0, REG_SZ, (const BYTE *)prefix, sizeof(prefix));
    RegSetValueExW(key, L"Index", 0, REG_DWORD, (const BYTE *)&index, sizeof(index));
    return key;
}

static DWORD flags_of(const struct svc_test *in, const WCHAR *name)
{
    WCHAR path[256];
    _snwprintf(path, 256, L"%ls\\%ls", in->root_key, name);
    path[255] = 0;
    DWORD v = 0xFFFFFFFFu, bytes = sizeof(v);
    RegGetValueW(HKEY_CURRENT_USER, path, L"Flags", RRF_RT_REG_DWORD, NULL, &v, &bytes);
    return v;
}

CETEST(services_cli, help_prints_usage_and_succeeds)
{
    struct svc_test in;
    instance_begin(&in);
    char out[8192];
    CHECK_EQ(run_cli(L"help", out, sizeof(out)), 0);
    contains(out, "Usage: ceservices");
    contains(out, "list");
    contains(out, "shutdown");
    contains(out, "Exit code");
    /* Command names are case-insensitive, as on CE. */
    CHECK_EQ(run_cli(L"HELP", out, sizeof(out)), 0);
    contains(out, "list");
    instance_end(&in);
}

CETEST(services_cli, bad_command_lines_exit_2_with_usage)
{
    struct svc_test in;
    instance_begin(&in);
    char out[8192];
    static const WCHAR *const bad[] = { L"bogus", L"", L"-x list", L"load", L"start", L"debug 1",
                                        L"list extra", L"help a b", L"unload a b" };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        DWORD code = run_cli(bad[i], out, sizeof(out));
        CHECK_MSG(code == 2, "\"ceservices %ls\" exited %lu", bad[i], (unsigned long)code);
        contains(out, "Usage: ceservices");
    }
    instance_end(&in);
}

CETEST(services_cli, register_of_an_unknown_name_fails_as_on_ce)
{
    struct svc_test in;
    instance_begin(&in);
    char out[4096];
    CHECK_EQ(run_cli(L"register NoSuchService", out, sizeof(out)), 1);
    contains(out, "Operation failed.  Error code 0x00000002");
    CHECK_EQ(run_cli(L"unregister NoSuchService", out, sizeof(out)), 1);
    contains(out, "Operation failed.  Error code 0x00000002");
    instance_end(&in);
}

CETEST(services_cli, register_and_unregister_toggle_noload)
{
    struct svc_test in;
    instance_begin(&in);
    HKEY key = add_service(&in, L"CliSvc");
    REQUIRE(key != NULL);
    DWORD flags = DEVFLAGS_TRUSTEDCALLERONLY;
    RegSetValueExW(key, L"Flags", 0, REG_DWORD, (const BYTE *)&flags, sizeof(flags));
    RegCloseKey(key);

    char out[4096];
    CHECK_EQ(run_cli(L"unregister CliSvc", out, sizeof(out)), 0);
    CHECK_STR_EQ(out, "");
    CHECK_EQ(flags_of(&in, L"CliSvc"), DEVFLAGS_TRUSTEDCALLERONLY | DEVFLAGS_NOLOAD);
    CHECK_EQ(run_cli(L"register clisvc", out, sizeof(out)), 0);
    CHECK_EQ(flags_of(&in, L"CliSvc"), DEVFLAGS_TRUSTEDCALLERONLY);
    instance_end(&in);
}

CETEST(services_cli, allow_cmd_line_zero_denies_every_command)
{
    struct svc_test in;
    instance_begin(&in);
    HKEY key = add_service(&in, L"CliSvc");
    REQUIRE(key != NULL);
    RegCloseKey(key);
    HKEY root;
    REQUIRE(RegOpenKeyExW(HKEY_CURRENT_USER, in.root_key, 0, KEY_SET_VALUE, &root) == ERROR_SUCCESS);
    DWORD zero = 0;
    CHECK_EQ(RegSetValueExW(root, L"AllowCmdLine", 0, REG_DWORD, (const BYTE *)&zero, sizeof(zero)),
             ERROR_SUCCESS);

    char out[4096];
    CHECK_EQ(run_cli(L"list", out, sizeof(out)), 1);
    contains(out, "Operation failed.  Error code 0x00000005");
    CHECK_EQ(run_cli(L"unregister CliSvc", out, sizeof(out)), 1);
    contains(out, "Operation failed.  Error code 0x00000005");
    CHECK_EQ(flags_of(&in, L"CliSvc"), 0xFFFFFFFFu); /* untouched: still absent */

    /* 1 (CE7's default) allows again. */
    DWORD one = 1;
    CHECK_EQ(RegSetValueExW(root, L"AllowCmdLine", 0, REG_DWORD, (const BYTE *)&one, sizeof(one)), ERROR_SUCCESS);
    RegCloseKey(root);
    CHECK_EQ(run_cli(L"unregister CliSvc", out, sizeof(out)), 0);
    CHECK_EQ(flags_of(&in, L"CliSvc"), DEVFLAGS_NOLOAD);
    instance_end(&in);
}

CETEST(services_cli, silent_and_debugger_options_keep_stdout_empty)
{
    struct svc_test in;
    instance_begin(&in);
    char out[4096];
    CHECK_EQ(run_cli(L"-s register NoSuchService", out, sizeof(out)), 1);
    CHECK_STR_EQ(out, "");
    CHECK_EQ(run_cli(L"-s help", out, sizeof(out)), 0);
    CHECK_STR_EQ(out, "");
    CHECK_EQ(run_cli(L"-d register NoSuchService", out, sizeof(out)), 1);
    CHECK_STR_EQ(out, "");
    CHECK_EQ(run_cli(L"-d bogus", out, sizeof(out)), 2);
    CHECK_STR_EQ(out, "");
    instance_end(&in);
}

/* `load` of a service whose DLL cannot load prints the loader's error:
 * DllMain said FALSE (ERROR_DLL_INIT_FAILED, 1114), or a DLL it imports
 * from is nowhere (ERROR_MOD_NOT_FOUND, 126). */
CETEST(services_cli, load_prints_the_loaders_error)
{
    struct svc_test t;
    svc_test_begin(&t);
    REQUIRE(svc_test_config(&t, L"DllMainFails", L"tsvc_dllfail.dll", L"TSV", 0, ~0u, ~0u, ~0u));
    REQUIRE(svc_test_config(&t, L"ImportMissing", L"tsvc_noimport.dll", L"TSU", 0, ~0u, ~0u, ~0u));
    char out[4096];
    CHECK_EQ(run_cli(L"load DllMainFails", out, sizeof(out)), 1);
    contains(out, "Operation failed.  Error code 0x0000045a");
    CHECK_EQ(run_cli(L"load ImportMissing", out, sizeof(out)), 1);
    contains(out, "Operation failed.  Error code 0x0000007e");
    svc_test_end(&t);
}

/* The commands that talk to the services host, against a test service. */
CETEST(services_cli, list_start_stop_help_unload_load_and_shutdown)
{
    struct svc_test t;
    svc_test_begin(&t);
    REQUIRE(svc_test_config(&t, L"TsaCli", L"tsa.dll", L"TSA", 0, ~0u, ~0u, ~0u));
    WCHAR dll[MAX_PATH];
    char dll_utf8[MAX_PATH * 3], line[MAX_PATH * 3 + 64], out[8192];
    svc_test_dll_path(L"tsa.dll", dll);
    WideCharToMultiByte(CP_UTF8, 0, dll, -1, dll_utf8, sizeof(dll_utf8), NULL, NULL);

    /* list starts the host, which boot-loads TsaCli; CE's format. */
    CHECK_EQ(run_cli(L"list", out, sizeof(out)), 0);
    _snprintf(line, sizeof(line), "TSA0:\t0x00000000\t%s\tRunning", dll_utf8);
    line[sizeof(line) - 1] = 0;
    contains(out, line);

    CHECK_EQ(run_cli(L"stop TSA0:", out, sizeof(out)), 0);
    CHECK_EQ(run_cli(L"list", out, sizeof(out)), 0);
    contains(out, "\tOff");
    CHECK_EQ(run_cli(L"start TSA0:", out, sizeof(out)), 0);
    CHECK_EQ(run_cli(L"refresh TSA0:", out, sizeof(out)), 0);
    CHECK_EQ(run_cli(L"help TSA0:", out, sizeof(out)), 0);
    contains(out, "tsvc help");

    /* The service does not support IOCTL_SERVICE_DEBUG: its error is shown. */
    CHECK_EQ(run_cli(L"debug 0x10 TSA0:", out, sizeof(out)), 1);
    contains(out, "Operation failed.  Error code 0x00000032");
    /* No such instance. */
    CHECK_EQ(run_cli(L"start QQQ0:", out, sizeof(out)), 1);
    contains(out, "Operation failed.  Error code 0x00000037");

    CHECK_EQ(run_cli(L"unload TSA0:", out, sizeof(out)), 0);
    CHECK_EQ(run_cli(L"list", out, sizeof(out)), 0);
    CHECK_MSG(strstr(out, "TSA0:") == NULL, "TSA0: still listed:\n%s", out);
    CHECK_EQ(run_cli(L"load TsaCli", out, sizeof(out)), 0);
    CHECK_EQ(run_cli(L"load TsaCli", out, sizeof(out)), 1);
    contains(out, "Operation failed.  Error code 0x00000964"); /* ERROR_DEVICE_IN_USE */
    CHECK_EQ(run_cli(L"list", out, sizeof(out)), 0);
    contains(out, "TSA0:");

    /* shutdown ends the host; the next command starts a fresh one. */
    HANDLE h = CreateFileW(L"TSA0:", GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    CHECK(h != INVALID_HANDLE_VALUE);
    CHECK_EQ(run_cli(L"shutdown", out, sizeof(out)), 0);
    DWORD got = 0, deadline = GetTickCount() + 5000;
    BOOL ok = TRUE;
    while (ok && GetTickCount() < deadline) {
        BYTE b = 0;
        SetLastError(0xdeadbeef);
        ok = DeviceIoControl(h, TSVC_ECHO, &b, 1, &b, 1, &got, NULL);
        if (ok)
            Sleep(50);
    }
    CHECK(!ok);
    CHECK_LASTERROR(ERROR_DEVICE_REMOVED);
    CloseHandle(h);
    CHECK_EQ(run_cli(L"list", out, sizeof(out)), 0);
    contains(out, "TSA0:");
    svc_test_end(&t);
}

/* ceshim's `drivers`: the stream drivers loaded, one line each. */
CETEST(services_cli, drivers_lists_stream_drivers)
{
    struct svc_test t;
    char out[8192];
    svc_test_begin(&t);
    REQUIRE(dm_test_driver_key(&t, L"Drivers\\CliDrv", L"tdrv_pfx.dll", L"TDA", 3, DM_NO_VALUE));
    CHECK_EQ(run_cli(L"drivers", out, sizeof(out)), 0); /* none yet: nothing, and success */
    CHECK(strstr(out, "TDA3:") == NULL);
    HANDLE h = ActivateDevice(L"Drivers\\CliDrv", 0);
    REQUIRE(h != NULL);
    CHECK_EQ(run_cli(L"drivers", out, sizeof(out)), 0);
    char line[128];
    _snprintf(line, sizeof(line), "TDA3:\t\\$device\\TDA3\t0x%08x\tDrivers\\CliDrv", (unsigned)(ULONG_PTR)h);
    line[sizeof(line) - 1] = 0;
    contains(out, line);
    CHECK(strstr(out, "Drivers\\CliDrv\t0\r\n") != NULL); /* open handles: none */
    HANDLE f = CreateFileW(L"TDA3:", GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);
    CHECK_MSG(f != INVALID_HANDLE_VALUE, "CreateFile(TDA3:) failed, error %lu", GetLastError());
    CHECK_EQ(run_cli(L"drivers", out, sizeof(out)), 0);
    CHECK_MSG(strstr(out, "Drivers\\CliDrv\t1\r\n") != NULL, "output: %s", out);
    CloseHandle(f);
    CHECK(DeactivateDevice(h));
    svc_test_end(&t);
}
