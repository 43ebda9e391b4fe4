/*
 * svc_client_tests.c - CE's service.h calls against the services host:
 * ActivateService, RegisterService, DeregisterService, GetServiceHandle,
 * ServiceIoControl, EnumServices, and ceshim.dll's exports. The file calls
 * on service handles are in svc_devio_tests.c.
 *
 * Each test has its own host and registry root (SVC_TEST); the test
 * service DLLs and their counters are described in testsvc_ioctl.h. Two
 * instances of one DLL (TSA0: and TSA1:) share its counters, so one
 * instance can watch what the host does to the other.
 */
#include "svc_client_util.h"

#include <pkfuncs.h>
#include <tlhelp32.h>

#include "services/common/svc_proto.h"

CETEST(services_client_exports, service_calls_and_routed_file_calls_are_undecorated)
{
    static const char *const names[] = { "ActivateService",   "RegisterService",       "DeregisterService",
                                         "GetServiceHandle",  "ServiceIoControl",      "EnumServices",
                                         "CeShimCreateFileW", "CeShimCreateFileA",     "CeShimDeviceIoControl",
                                         "CeShimReadFile",    "CeShimWriteFile",       "CeShimSetFilePointer",
                                         "CeShimCloseHandle", "CeShimServicesShutdown", "ServiceAddPort",
                                         "ServiceClosePort",  "ServiceUnbindPorts",    "CreateServiceHandle",
                                         "GetServiceByIndex" };
    struct svc_test t;
    svc_test_begin(&t);
    HMODULE dll = GetModuleHandleW(L"ceshim.dll");
    CHECK(dll != NULL);
    for (size_t i = 0; dll && i < sizeof(names) / sizeof(names[0]); i++)
        CHECK_MSG(GetProcAddress(dll, names[i]) != NULL, "ceshim.dll does not export %s", names[i]);
    if (dll) {
        CHECK_PTR_EQ(GetProcAddress(dll, "_ActivateService"), NULL);
        CHECK_PTR_EQ(GetProcAddress(dll, "CeShimCreateFileW@28"), NULL);
    }
    svc_test_end(&t);
}

/* ---- ActivateService ----------------------------------------------------------------- */

SVC_TEST(services_client_activate, loads_the_service_and_passes_service_context_to_init)
{
    CHECK_EQ(svc_start_host(), 0);
    REQUIRE(svc_test_config(t, L"TsaSvc", L"tsa.dll", L"TSA", 0, ~0u, ~0u, 0x1234));
    SetLastError(0xdeadbeef);
    HANDLE ha = ActivateService(L"TsaSvc", 0);
    CHECK_MSG(ha != NULL && ha != INVALID_HANDLE_VALUE, "ActivateService: %p, error %lu", ha,
              (unsigned long)GetLastError());
    HANDLE h = svc_open(L"TSA0:");
    REQUIRE(h != INVALID_HANDLE_VALUE);
    struct tsvc_stats s = svc_stats(h);
    CHECK_EQ(s.inits, 1);
    CHECK_EQ(s.last_init_context, 0x1234);
    CHECK_EQ(s.opens, 1);
    CHECK_EQ(s.last_open_data, TSVC_INIT_RESULT_BASE + 1); /* xxx_Open gets the Init result */
    CHECK(CloseHandle(h));
    CHECK(DeregisterService(ha));
}

/* The services host's process id, from its host block. */
static DWORD host_pid(const struct svc_test *t)
{
    return svc_test_host_pid(t, sizeof(void *) * 8);
}

/* How many threads process pid has now; *has_tid set if tid is one of them. */
static DWORD threads_of(DWORD pid, DWORD tid, BOOL *has_tid)
{
    DWORD n = 0;
    *has_tid = FALSE;
    HANDLE snap = CreateToolhelp32Snapshot(TH32CS_SNAPTHREAD, 0);
    if (snap == INVALID_HANDLE_VALUE)
        return 0;
    THREADENTRY32 te;
    te.dwSize = sizeof(te);
    for (BOOL more = Thread32First(snap, &te); more; more = Thread32Next(snap, &te)) {
        if (te.th32OwnerProcessID != pid)
            continue;
        n++;
        if (te.th32ThreadID == tid)
            *has_tid = TRUE;
    }
    CloseHandle(snap);
    return n;
}

SVC_TEST(services_client_activate, init_runs_on_a_host_thread_of_its_own)
{
    HANDLE ha, h;
    REQUIRE(svc_activate_tsa(t, &ha, &h));
    struct tsvc_stats s = svc_stats(h);
    DWORD pid = host_pid(t);
    CHECK(pid != 0 && pid != GetCurrentProcessId());
    CHECK(s.init_thread_id != 0);
    CHECK(s.init_thread_id != GetCurrentThreadId());
    /* The host worker that serves this thread is alive (it just answered
     * the stats call); the thread Init ran on has ended, so it was not it. */
    BOOL init_thread_alive;
    DWORD n = threads_of(pid, s.init_thread_id, &init_thread_alive);
    CHECK_MSG(n >= 2, "the host has %lu threads", (unsigned long)n);
    CHECK_MSG(!init_thread_alive, "Init ran on thread %lu, still alive in the host", (unsigned long)s.init_thread_id);
    CHECK(CloseHandle(h));
    CHECK(DeregisterService(ha));
}

SVC_TEST(services_client_activate, second_activation_of_a_loaded_device_is_in_use)
{
    /* TsbBoot is loaded by the host at start; TsaSvc by ActivateService. */
    REQUIRE(svc_test_config(t, L"TsbBoot", L"tsb.dll", L"TSB", 0, ~0u, ~0u, ~0u));
    CHECK_EQ(svc_start_host(), 1);
    REQUIRE(svc_test_config(t, L"TsaSvc", L"tsa.dll", L"TSA", 0, ~0u, ~0u, ~0u));
    REQUIRE(svc_test_config(t, L"TsaSame", L"tsa.dll", L"TSA", 0, ~0u, ~0u, ~0u));
    HANDLE ha = ActivateService(L"TsaSvc", 0);
    REQUIRE(ha != NULL);
    SetLastError(0xdeadbeef);
    CHECK_PTR_EQ(ActivateService(L"TsaSvc", 0), NULL);
    CHECK_LASTERROR(ERROR_DEVICE_IN_USE);
    SetLastError(0xdeadbeef); /* another key naming the same TSA0: */
    CHECK_PTR_EQ(ActivateService(L"TsaSame", 0), NULL);
    CHECK_LASTERROR(ERROR_DEVICE_IN_USE);
    SetLastError(0xdeadbeef);
    CHECK_PTR_EQ(ActivateService(L"TsbBoot", 0), NULL);
    CHECK_LASTERROR(ERROR_DEVICE_IN_USE);
    CHECK(DeregisterService(ha));
}

CETEST(services_client_activate, missing_key_is_file_not_found)
{
    struct svc_test t;
    svc_test_begin(&t);
    SetLastError(0xdeadbeef);
    CHECK_PTR_EQ(ActivateService(L"NoSuchService", 0), NULL);
    CHECK_LASTERROR(ERROR_FILE_NOT_FOUND);
    SetLastError(0xdeadbeef);
    CHECK_PTR_EQ(ActivateService(L"Services\\NoSuchService", 0), NULL);
    CHECK_LASTERROR(ERROR_FILE_NOT_FOUND);
    svc_test_end(&t);
}

SVC_TEST(services_client_activate, missing_or_bad_dll_prefix_index_is_invalid_parameter)
{
    static const WCHAR *const names[] = { L"NoDll", L"NoPrefix", L"NoIndex", L"BadIndex", L"BadPrefix", L"SzIndex" };
    CHECK_EQ(svc_start_host(), 0);
    for (size_t i = 0; i < 6; i++)
        REQUIRE(svc_test_config(t, names[i], L"tsa.dll", i == 4 ? L"TS" : L"TSA", i == 3 ? 10 : 0, ~0u, ~0u, ~0u));
    CHECK(svc_delete_value(t, L"NoDll", L"Dll"));
    CHECK(svc_delete_value(t, L"NoPrefix", L"Prefix"));
    CHECK(svc_delete_value(t, L"NoIndex", L"Index"));
    WCHAR key[256];
    _snwprintf(key, 256, L"%ls\\SzIndex", t->root_key);
    key[255] = 0; /* CE's Index is a REG_DWORD */
    CHECK_EQ(RegSetKeyValueW(HKEY_CURRENT_USER, key, L"Index", REG_SZ, L"0", 2 * sizeof(WCHAR)), ERROR_SUCCESS);
    for (size_t i = 0; i < 6; i++) {
        SetLastError(0xdeadbeef);
        HANDLE h = ActivateService(names[i], 0);
        CHECK_MSG(h == NULL, "%ls activated", names[i]);
        CHECK_LASTERROR(ERROR_INVALID_PARAMETER);
    }
}

CETEST(services_client_activate, bad_names_are_invalid_parameter)
{
    struct svc_test t;
    svc_test_begin(&t);
    WCHAR long_name[80];
    for (int i = 0; i < 79; i++)
        long_name[i] = L'L';
    long_name[79] = 0;
    const WCHAR *const names[] = { NULL, L"", L"A\\B", L"Services\\", L"Services\\A\\B", L"\\TsaSvc", long_name };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        SetLastError(0xdeadbeef);
        HANDLE h = ActivateService(names[i], 0);
        CHECK_MSG(h == NULL, "name %zu activated", i);
        CHECK_LASTERROR(ERROR_INVALID_PARAMETER);
    }
    svc_test_end(&t);
}

SVC_TEST(services_client_activate, services_backslash_name_form_is_accepted)
{
    CHECK_EQ(svc_start_host(), 0);
    REQUIRE(svc_test_config(t, L"TsaSvc", L"tsa.dll", L"TSA", 0, ~0u, ~0u, ~0u));
    SetLastError(0xdeadbeef);
    HANDLE ha = ActivateService(L"Services\\TsaSvc", 0);
    CHECK_MSG(ha != NULL, "error %lu", (unsigned long)GetLastError());
    HANDLE h = svc_open(L"TSA0:");
    CHECK(h != INVALID_HANDLE_VALUE);
    if (h != INVALID_HANDLE_VALUE)
        CHECK(CloseHandle(h));
    if (ha)
        CHECK(DeregisterService(ha));
}

SVC_TEST(services_client_activate, noload_flag_is_service_not_active)
{
    REQUIRE(svc_test_config(t, L"TsaSvc", L"tsa.dll", L"TSA", 0, ~0u, DEVFLAGS_NOLOAD, ~0u));
    SetLastError(0xdeadbeef);
    CHECK_PTR_EQ(ActivateService(L"TsaSvc", 0), NULL);
    CHECK_LASTERROR(ERROR_SERVICE_NOT_ACTIVE);
    SetLastError(0xdeadbeef);
    CHECK(svc_open(L"TSA0:") == INVALID_HANDLE_VALUE);
    CHECK_LASTERROR(ERROR_DEV_NOT_EXIST);
}

SVC_TEST(services_client_activate, dlls_breaking_the_export_rules_are_invalid_function)
{
    CHECK_EQ(svc_start_host(), 0);
    REQUIRE(svc_test_config(t, L"NoInit", L"tsvc_noinit.dll", L"TSX", 0, ~0u, ~0u, ~0u));
    REQUIRE(svc_test_config(t, L"OpenOnly", L"tsvc_openonly.dll", L"TSY", 0, ~0u, ~0u, ~0u));
    REQUIRE(svc_test_config(t, L"PreClose", L"tsvc_preclose.dll", L"TSZ", 0, ~0u, ~0u, ~0u));
    REQUIRE(svc_test_config(t, L"NoFile", L"tsvc_no_such_dll.dll", L"TSV", 0, ~0u, ~0u, ~0u));
    static const WCHAR *const bad[] = { L"NoInit", L"OpenOnly", L"PreClose" };
    static const WCHAR *const devices[] = { L"TSX0:", L"TSY0:", L"TSZ0:" };
    for (int i = 0; i < 3; i++) {
        SetLastError(0xdeadbeef);
        HANDLE h = ActivateService(bad[i], 0);
        CHECK_MSG(h == NULL, "%ls activated", bad[i]);
        CHECK_LASTERROR(ERROR_INVALID_FUNCTION);
        SetLastError(0xdeadbeef);
        CHECK(svc_open(devices[i]) == INVALID_HANDLE_VALUE);
        CHECK_LASTERROR(ERROR_DEV_NOT_EXIST);
    }
    SetLastError(0xdeadbeef); /* a DLL that is not there: the loader's error (docs/decisions.md) */
    CHECK_PTR_EQ(ActivateService(L"NoFile", 0), NULL);
    CHECK_LASTERROR(ERROR_MOD_NOT_FOUND);
}

SVC_TEST(services_client_activate, init_returning_zero_is_open_failed_and_frees_the_dll)
{
    CHECK_EQ(svc_start_host(), 0);
    REQUIRE(svc_test_config(t, L"TsaSvc", L"tsa.dll", L"TSA", 0, ~0u, ~0u, TSVC_INIT_FAIL_CONTEXT));
    SetLastError(0xdeadbeef);
    CHECK_PTR_EQ(ActivateService(L"TsaSvc", 0), NULL);
    CHECK_LASTERROR(ERROR_OPEN_FAILED);
    SetLastError(0xdeadbeef);
    CHECK(svc_open(L"TSA0:") == INVALID_HANDLE_VALUE);
    CHECK_LASTERROR(ERROR_DEV_NOT_EXIST);
    /* Activated again with a good context: the DLL was freed, so its
     * counters start again from zero. */
    CHECK(svc_set_dword(t, L"TsaSvc", L"ServiceContext", 7));
    HANDLE ha = ActivateService(L"TsaSvc", 0);
    REQUIRE(ha != NULL);
    HANDLE h = svc_open(L"TSA0:");
    if (CHECK(h != INVALID_HANDLE_VALUE)) {
        struct tsvc_stats s = svc_stats(h);
        CHECK_EQ(s.inits, 1);
        CHECK_EQ(s.last_init_context, 7);
        CHECK(CloseHandle(h));
    }
    CHECK(DeregisterService(ha));
}

SVC_TEST(services_client_activate, keep_zero_or_unload_flag_runs_init_then_is_internal_error)
{
    CHECK_EQ(svc_start_host(), 0);
    /* TSA0: stays loaded, so tsa.dll and its counters outlive TSA1:/TSA2:. */
    REQUIRE(svc_test_config(t, L"TsaMain", L"tsa.dll", L"TSA", 0, ~0u, ~0u, ~0u));
    REQUIRE(svc_test_config(t, L"TsaOnce", L"tsa.dll", L"TSA", 1, ~0u, ~0u, 0x99));
    REQUIRE(svc_test_config(t, L"TsaUnload", L"tsa.dll", L"TSA", 2, ~0u, DEVFLAGS_UNLOAD, 0x98));
    CHECK(svc_set_dword(t, L"TsaOnce", L"Keep", 0));
    HANDLE hm = ActivateService(L"TsaMain", 0);
    REQUIRE(hm != NULL);
    HANDLE h0 = svc_open(L"TSA0:");
    REQUIRE(h0 != INVALID_HANDLE_VALUE);

    SetLastError(0xdeadbeef);
    CHECK_PTR_EQ(ActivateService(L"TsaOnce", 0), NULL);
    CHECK_LASTERROR(ERROR_INTERNAL_ERROR);
    SetLastError(0xdeadbeef);
    CHECK(svc_open(L"TSA1:") == INVALID_HANDLE_VALUE);
    CHECK_LASTERROR(ERROR_DEV_NOT_EXIST);
    struct tsvc_stats s = svc_stats(h0);
    CHECK_EQ(s.inits, 2); /* Init ran ... */
    CHECK_EQ(s.last_init_context, 0x99);
    CHECK_EQ(s.deinits, 0); /* ... and the library went without Deinit */

    SetLastError(0xdeadbeef);
    CHECK_PTR_EQ(ActivateService(L"TsaUnload", 0), NULL);
    CHECK_LASTERROR(ERROR_INTERNAL_ERROR);
    SetLastError(0xdeadbeef);
    CHECK(svc_open(L"TSA2:") == INVALID_HANDLE_VALUE);
    CHECK_LASTERROR(ERROR_DEV_NOT_EXIST);
    s = svc_stats(h0);
    CHECK_EQ(s.inits, 3);
    CHECK_EQ(s.last_init_context, 0x98);
    CHECK(CloseHandle(h0));
    CHECK(DeregisterService(hm));
}

/* ---- RegisterService ------------------------------------------------------------------ */

SVC_TEST(services_client_register, a_configured_dll_registers_and_gets_dw_info)
{
    /* NOLOAD: configured (so allowed), but not loaded at boot. */
    REQUIRE(svc_test_config(t, L"TsbCfg", L"tsb.dll", L"TSB", 0, ~0u, DEVFLAGS_NOLOAD, ~0u));
    WCHAR path[MAX_PATH];
    svc_test_dll_path(L"tsb.dll", path);
    SetLastError(0xdeadbeef);
    HANDLE hr = RegisterService(L"TSB", 3, path, 0x77);
    CHECK_MSG(hr != NULL && hr != INVALID_HANDLE_VALUE, "RegisterService: %p, error %lu", hr,
              (unsigned long)GetLastError());
    HANDLE h = svc_open(L"TSB3:");
    if (CHECK(h != INVALID_HANDLE_VALUE)) {
        struct tsvc_stats s = svc_stats(h);
        CHECK_EQ(s.inits, 1);
        CHECK_EQ(s.last_init_context, 0x77);
        CHECK(CloseHandle(h));
    }
    SetLastError(0xdeadbeef);
    CHECK(svc_open(L"TSB0:") == INVALID_HANDLE_VALUE);
    CHECK_LASTERROR(ERROR_DEV_NOT_EXIST);
    if (hr) {
        CHECK(DeregisterService(hr));
        SetLastError(0xdeadbeef);
        CHECK(svc_open(L"TSB3:") == INVALID_HANDLE_VALUE);
        CHECK_LASTERROR(ERROR_DEV_NOT_EXIST);
    }
}

SVC_TEST(services_client_register, refusals)
{
    REQUIRE(svc_test_config(t, L"TsbCfg", L"tsb.dll", L"TSB", 0, ~0u, DEVFLAGS_NOLOAD, ~0u));
    WCHAR tsb[MAX_PATH], tsc[MAX_PATH];
    svc_test_dll_path(L"tsb.dll", tsb);
    svc_test_dll_path(L"tsc.dll", tsc);
    HANDLE hr = RegisterService(L"TSB", 3, tsb, 1);
    REQUIRE(hr != NULL);

    SetLastError(0xdeadbeef);
    CHECK_PTR_EQ(RegisterService(L"TSB", 3, tsb, 2), NULL);
    CHECK_LASTERROR(ERROR_DEVICE_IN_USE);
    SetLastError(0xdeadbeef); /* a real service DLL, but no configuration names it */
    CHECK_PTR_EQ(RegisterService(L"TSC", 0, tsc, 0), NULL);
    CHECK_LASTERROR(ERROR_ACCESS_DENIED);
    SetLastError(0xdeadbeef);
    CHECK_PTR_EQ(RegisterService(L"TSB", 4, L"kernel32.dll", 0), NULL);
    CHECK_LASTERROR(ERROR_ACCESS_DENIED);
    SetLastError(0xdeadbeef);
    CHECK_PTR_EQ(RegisterService(L"TSB", 10, tsb, 0), NULL);
    CHECK_LASTERROR(ERROR_INVALID_PARAMETER);
    const WCHAR *const types[] = { NULL, L"", L"TS", L"TSBB" };
    for (int i = 0; i < 4; i++) {
        SetLastError(0xdeadbeef);
        CHECK_PTR_EQ(RegisterService(types[i], 4, tsb, 0), NULL);
        CHECK_LASTERROR(ERROR_INVALID_PARAMETER);
    }
    SetLastError(0xdeadbeef);
    CHECK_PTR_EQ(RegisterService(L"TSB", 4, NULL, 0), NULL);
    CHECK_LASTERROR(ERROR_INVALID_PARAMETER);
    SetLastError(0xdeadbeef);
    CHECK_PTR_EQ(RegisterService(L"TSB", 4, L"", 0), NULL);
    CHECK_LASTERROR(ERROR_INVALID_PARAMETER);
    CHECK(DeregisterService(hr));
}

/* ---- DeregisterService ---------------------------------------------------------------- */

SVC_TEST(services_client_deregister, activation_handle_runs_predeinit_and_deinit_and_frees_the_name)
{
    CHECK_EQ(svc_start_host(), 0);
    /* TSA0: watches (same DLL, same counters) while TSA1: goes. */
    REQUIRE(svc_test_config(t, L"TsaMain", L"tsa.dll", L"TSA", 0, ~0u, ~0u, ~0u));
    REQUIRE(svc_test_config(t, L"TsaTwo", L"tsa.dll", L"TSA", 1, ~0u, ~0u, 0x55));
    HANDLE hm = ActivateService(L"TsaMain", 0);
    REQUIRE(hm != NULL);
    HANDLE h0 = svc_open(L"TSA0:");
    REQUIRE(h0 != INVALID_HANDLE_VALUE);
    HANDLE ha = ActivateService(L"TsaTwo", 0);
    REQUIRE(ha != NULL);
    CHECK_EQ(svc_stats(h0).inits, 2);

    SetLastError(0xdeadbeef);
    CHECK(DeregisterService(ha));
    /* The handle went with the service. */
    SetLastError(0xdeadbeef);
    CHECK(!DeregisterService(ha));
    CHECK_LASTERROR(ERROR_INVALID_PARAMETER);
    DWORD status = 0;
    SetLastError(0xdeadbeef);
    CHECK(!ServiceIoControl(ha, IOCTL_SERVICE_STATUS, NULL, 0, &status, sizeof(status), NULL, NULL));
    CHECK_LASTERROR(ERROR_INVALID_PARAMETER);

    struct tsvc_stats s = svc_stats(h0);
    CHECK_EQ(s.can_deinit_queries, 1);
    CHECK_EQ(s.predeinits, 1);
    CHECK_EQ(s.deinits, 1);
    CHECK_EQ(s.last_deinit_context, TSVC_INIT_RESULT_BASE + 2); /* TSA1:'s Init result */
    CHECK(s.deinit_thread_id != 0 && s.deinit_thread_id != GetCurrentThreadId());
    SetLastError(0xdeadbeef);
    CHECK(svc_open(L"TSA1:") == INVALID_HANDLE_VALUE);
    CHECK_LASTERROR(ERROR_DEV_NOT_EXIST);

    /* TSA1: is free again. */
    ha = ActivateService(L"TsaTwo", 0);
    CHECK(ha != NULL);
    CHECK_EQ(svc_stats(h0).inits, 3);
    if (ha)
        CHECK(DeregisterService(ha));
    CHECK(CloseHandle(h0));
    CHECK(DeregisterService(hm));
}

SVC_TEST(services_client_deregister, last_instance_frees_the_dll)
{
    CHECK_EQ(svc_start_host(), 0);
    REQUIRE(svc_test_config(t, L"TsaSvc", L"tsa.dll", L"TSA", 0, ~0u, ~0u, ~0u));
    for (int round = 0; round < 2; round++) {
        HANDLE ha = ActivateService(L"TsaSvc", 0);
        REQUIRE(ha != NULL);
        HANDLE h = svc_open(L"TSA0:");
        REQUIRE(h != INVALID_HANDLE_VALUE);
        CHECK_MSG(svc_stats(h).inits == 1, "round %d: counters did not restart", round); /* a fresh DLL */
        CHECK(CloseHandle(h));
        CHECK(DeregisterService(ha));
    }
}

SVC_TEST(services_client_deregister, refusal_is_cannot_accept_ctrl_and_keeps_the_service)
{
    HANDLE ha, h;
    REQUIRE(svc_activate_tsa(t, &ha, &h));
    DWORD refuse = 1;
    CHECK(DeviceIoControl(h, TSVC_SET_REFUSE_DEINIT, &refuse, sizeof(refuse), NULL, 0, NULL, NULL));
    SetLastError(0xdeadbeef);
    CHECK(!DeregisterService(ha));
    CHECK_LASTERROR(ERROR_SERVICE_CANNOT_ACCEPT_CTRL);
    SetLastError(0xdeadbeef); /* by the file handle too */
    CHECK(!DeregisterService(h));
    CHECK_LASTERROR(ERROR_SERVICE_CANNOT_ACCEPT_CTRL);
    struct tsvc_stats s = svc_stats(h); /* still loaded, the open still works */
    CHECK_EQ(s.can_deinit_queries, 2);
    CHECK_EQ(s.predeinits, 0);
    CHECK_EQ(s.deinits, 0);
    CHECK_EQ(s.closes, 0);
    HANDLE h2 = svc_open(L"TSA0:");
    CHECK(h2 != INVALID_HANDLE_VALUE);
    if (h2 != INVALID_HANDLE_VALUE)
        CHECK(CloseHandle(h2));
    refuse = 0;
    CHECK(DeviceIoControl(h, TSVC_SET_REFUSE_DEINIT, &refuse, sizeof(refuse), NULL, 0, NULL, NULL));
    CHECK(CloseHandle(h));
    SetLastError(0xdeadbeef);
    CHECK(DeregisterService(ha));
    SetLastError(0xdeadbeef);
    CHECK(svc_open(L"TSA0:") == INVALID_HANDLE_VALUE);
    CHECK_LASTERROR(ERROR_DEV_NOT_EXIST);
}

SVC_TEST(services_client_deregister, file_handle_unloads_its_service_and_closes_every_open)
{
    REQUIRE(svc_test_config(t, L"TsaSvc", L"tsa.dll", L"TSA", 0, ~0u, ~0u, ~0u));
    HANDLE h = svc_open(L"TSA0:"); /* boot-loaded */
    REQUIRE(h != INVALID_HANDLE_VALUE);
    HANDLE h2 = svc_open(L"TSA0:");
    REQUIRE(h2 != INVALID_HANDLE_VALUE);
    SetLastError(0xdeadbeef);
    CHECK(DeregisterService(h));
    SetLastError(0xdeadbeef);
    CHECK(svc_open(L"TSA0:") == INVALID_HANDLE_VALUE);
    CHECK_LASTERROR(ERROR_DEV_NOT_EXIST);
    /* Both opens were closed by the unload: calls on them fail ... */
    struct tsvc_stats s;
    SetLastError(0xdeadbeef);
    CHECK(!svc_test_stats(h2, &s));
    CHECK_LASTERROR(ERROR_INVALID_HANDLE);
    SetLastError(0xdeadbeef);
    CHECK(!svc_test_stats(h, &s));
    CHECK_LASTERROR(ERROR_INVALID_HANDLE);
    /* ... but the handles are still this process's, and close. */
    SetLastError(0xdeadbeef);
    CHECK(CloseHandle(h));
    SetLastError(0xdeadbeef);
    CHECK(CloseHandle(h2));
}

SVC_TEST(services_client_deregister, unload_releases_a_call_blocked_in_the_service)
{
    static struct svc_blocker b; /* static: see svc_blocker */
    HANDLE ha, h;
    REQUIRE(svc_activate_tsa(t, &ha, &h));
    REQUIRE(svc_blocker_start(&b, NULL, h));
    if (svc_wait_blocked(h, 1)) {
        ULONGLONG start = cetest_now_ms();
        SetLastError(0xdeadbeef);
        CHECK(DeregisterService(ha));
        ULONGLONG took = cetest_now_ms() - start;
        CHECK_MSG(took < SVC_WAIT_MS, "DeregisterService took %llu ms", took);
    }
    if (svc_blocker_join(&b, SVC_WAIT_MS)) {
        CHECK(!b.ok);
        CHECK_EQ(b.error, ERROR_OPERATION_ABORTED); /* PreDeinit/PreClose woke it */
    }
    SetLastError(0xdeadbeef);
    CHECK(svc_open(L"TSA0:") == INVALID_HANDLE_VALUE);
    CHECK_LASTERROR(ERROR_DEV_NOT_EXIST);
    CHECK(CloseHandle(h));
}

CETEST(services_client_deregister, unknown_handles_are_invalid_parameter)
{
    struct svc_test t;
    svc_test_begin(&t);
    HANDLE ev = CreateEventW(NULL, TRUE, FALSE, NULL);
    const HANDLE handles[] = { NULL, INVALID_HANDLE_VALUE, (HANDLE)(ULONG_PTR)0x12344, ev };
    for (int i = 0; i < 4; i++) {
        SetLastError(0xdeadbeef);
        CHECK_MSG(!DeregisterService(handles[i]), "handle %d", i);
        CHECK_LASTERROR(ERROR_INVALID_PARAMETER);
    }
    CHECK(CloseHandle(ev));
    svc_test_end(&t);
}

SVC_TEST(services_client_deregister, nounload_flag_is_access_denied)
{
    REQUIRE(svc_test_config(t, L"TsaSvc", L"tsa.dll", L"TSA", 0, ~0u, DEVFLAGS_NOUNLOAD, ~0u));
    HANDLE h = svc_open(L"TSA0:");
    REQUIRE(h != INVALID_HANDLE_VALUE);
    SetLastError(0xdeadbeef);
    CHECK(!DeregisterService(h));
    CHECK_LASTERROR(ERROR_ACCESS_DENIED);
    struct tsvc_stats s = svc_stats(h);
    CHECK_EQ(s.deinits, 0);
    CHECK_EQ(s.predeinits, 0);
    CHECK(CloseHandle(h));
}
