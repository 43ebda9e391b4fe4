/*
 * svc_query_tests.c - CE's service.h calls that find and talk to a loaded
 * service: GetServiceHandle, ServiceIoControl and EnumServices (the rest
 * of service.h is in svc_client_tests.c).
 */
#include "svc_client_util.h"

#include <pkfuncs.h>

/* ---- GetServiceHandle ----------------------------------------------------------------- */

SVC_TEST(services_client_gethandle, returns_an_open_handle_like_create_file)
{
    REQUIRE(svc_test_config(t, L"TsaSvc", L"tsa.dll", L"TSA", 0, ~0u, ~0u, ~0u));
    HANDLE h0 = svc_open(L"TSA0:");
    REQUIRE(h0 != INVALID_HANDLE_VALUE);
    CHECK_EQ(svc_stats(h0).opens, 1);
    WCHAR prefix[] = L"TSA0:";
    SetLastError(0xdeadbeef);
    HANDLE h = GetServiceHandle(prefix, NULL, NULL);
    CHECK_MSG(h != INVALID_HANDLE_VALUE && h != NULL, "GetServiceHandle: %p, error %lu", h,
              (unsigned long)GetLastError());
    struct tsvc_stats s = svc_stats(h0);
    CHECK_EQ(s.opens, 2); /* CE6: it is CreateFile, xxx_Open included */
    CHECK_EQ(s.open_now, 2);
    CHECK_EQ(s.last_open_access, GENERIC_READ | GENERIC_WRITE);
    CHECK_EQ(s.last_open_share, 0);
    if (h != INVALID_HANDLE_VALUE) {
        BYTE in[3] = { 1, 2, 3 }, out[3] = { 0 };
        DWORD got = 0;
        CHECK(DeviceIoControl(h, TSVC_ECHO, in, 3, out, 3, &got, NULL));
        CHECK_EQ(got, 3);
        CHECK_MEM_EQ(out, in, 3);
        CHECK(CloseHandle(h));
        s = svc_stats(h0);
        CHECK_EQ(s.closes, 1);
        CHECK_EQ(s.open_now, 1);
    }
    CHECK(CloseHandle(h0));
}

SVC_TEST(services_client_gethandle, copies_the_dll_name_or_says_more_data)
{
    REQUIRE(svc_test_config(t, L"TsaSvc", L"tsa.dll", L"TSA", 0, ~0u, ~0u, ~0u));
    WCHAR path[MAX_PATH], prefix[] = L"TSA0:", name[MAX_PATH];
    svc_test_dll_path(L"tsa.dll", path);
    DWORD need = (DWORD)((wcslen(path) + 1) * sizeof(WCHAR));

    DWORD len = sizeof(name);
    SetLastError(0xdeadbeef);
    HANDLE h = GetServiceHandle(prefix, name, &len);
    CHECK(h != INVALID_HANDLE_VALUE);
    CHECK_EQ(len, need);
    if (h != INVALID_HANDLE_VALUE) {
        CHECK_WSTR_EQ(name, path);
        CHECK_EQ(svc_stats(h).open_now, 1);
        CHECK(CloseHandle(h));
    }

    for (int with_buffer = 0; with_buffer < 2; with_buffer++) {
        len = with_buffer ? need - 1 : 0;
        SetLastError(0xdeadbeef);
        h = GetServiceHandle(prefix, with_buffer ? name : NULL, &len);
        CHECK_PTR_EQ(h, INVALID_HANDLE_VALUE);
        CHECK_LASTERROR(ERROR_MORE_DATA);
        CHECK_EQ(len, need);
    }
    /* The opens those made were closed again. */
    HANDLE h0 = svc_open(L"TSA0:");
    if (CHECK(h0 != INVALID_HANDLE_VALUE)) {
        struct tsvc_stats s = svc_stats(h0);
        CHECK_EQ(s.open_now, 1);
        CHECK_EQ(s.opens, s.closes + 1);
        CHECK(CloseHandle(h0));
    }
}

SVC_TEST(services_client_gethandle, bad_prefix_forms_are_invalid_parameter)
{
    REQUIRE(svc_test_config(t, L"TsaSvc", L"tsa.dll", L"TSA", 0, ~0u, ~0u, ~0u));
    WCHAR f0[] = L"TSA0", f1[] = L"TS0:", f2[] = L"TSA:", f3[] = L"TSAA:", f4[] = L"TSA0:x", f5[] = L"";
    WCHAR *const forms[] = { f0, f1, f2, f3, f4, f5, NULL };
    for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
        SetLastError(0xdeadbeef);
        HANDLE h = GetServiceHandle(forms[i], NULL, NULL);
        CHECK_MSG(h == INVALID_HANDLE_VALUE, "form %zu: %p", i, h);
        CHECK_LASTERROR(ERROR_INVALID_PARAMETER);
    }
    /* A name buffer without its length. */
    WCHAR prefix[] = L"TSA0:", name[MAX_PATH];
    SetLastError(0xdeadbeef);
    CHECK_PTR_EQ(GetServiceHandle(prefix, name, NULL), INVALID_HANDLE_VALUE);
    CHECK_LASTERROR(ERROR_INVALID_PARAMETER);
}

/* ---- ServiceIoControl ----------------------------------------------------------------- */

SVC_TEST(services_client_ioctl, activation_handle_reaches_iocontrol_with_the_init_context)
{
    HANDLE ha;
    REQUIRE(svc_activate_tsa(t, &ha, NULL));
    struct tsvc_whoami who = { 0xdeadbeef, 0xdeadbeef };
    DWORD got = 0;
    SetLastError(0xdeadbeef);
    CHECK(ServiceIoControl(ha, TSVC_WHOAMI, NULL, 0, &who, sizeof(who), &got, NULL));
    CHECK_LASTERROR(0xdeadbeef);
    CHECK_EQ(got, sizeof(who));
    CHECK_EQ(who.open_context, TSVC_INIT_RESULT_BASE + 1);
    CHECK_EQ(who.opener_pid, 0);

    BYTE in[16], out[16];
    for (int i = 0; i < 16; i++)
        in[i] = (BYTE)(i * 13);
    got = 0;
    CHECK(ServiceIoControl(ha, TSVC_ECHO, in, 16, out, 16, &got, NULL));
    CHECK_EQ(got, 16);
    CHECK_MEM_EQ(out, in, 16);
    DWORD code = 0x2A;
    SetLastError(0xdeadbeef);
    CHECK(!ServiceIoControl(ha, TSVC_FAIL, &code, sizeof(code), NULL, 0, NULL, NULL));
    CHECK_LASTERROR(0x2A);
    struct tsvc_caller caller = { 0, 0 };
    CHECK(ServiceIoControl(ha, TSVC_CALLER, NULL, 0, &caller, sizeof(caller), NULL, NULL));
    CHECK_EQ(caller.caller_pid, GetCurrentProcessId());
    CHECK_EQ(caller.direct_caller_pid, GetCurrentProcessId());

    DEVICE_PSL_NOTIFY n = { sizeof(n), DLL_PROCESS_EXITING, (HANDLE)(ULONG_PTR)GetCurrentProcessId(), NULL };
    SetLastError(0xdeadbeef);
    CHECK(!ServiceIoControl(ha, IOCTL_PSL_NOTIFY, &n, sizeof(n), NULL, 0, NULL, NULL));
    CHECK_LASTERROR(ERROR_ACCESS_DENIED);
    HANDLE h = svc_open(L"TSA0:");
    if (CHECK(h != INVALID_HANDLE_VALUE)) {
        struct tsvc_stats s = svc_stats(h);
        CHECK_EQ(s.psl_notifies, 0);
        CHECK_EQ(s.psl_bad, 0);
        CHECK(CloseHandle(h));
    }
    CHECK(DeregisterService(ha));
}

SVC_TEST(services_client_ioctl, file_handle_is_device_io_control)
{
    REQUIRE(svc_test_config(t, L"TsaSvc", L"tsa.dll", L"TSA", 0, ~0u, ~0u, ~0u));
    HANDLE h = svc_open(L"TSA0:");
    REQUIRE(h != INVALID_HANDLE_VALUE);
    struct tsvc_whoami a = { 0, 0 }, b = { 0, 0 };
    DWORD got = 0;
    CHECK(ServiceIoControl(h, TSVC_WHOAMI, NULL, 0, &a, sizeof(a), &got, NULL));
    CHECK_EQ(got, sizeof(a));
    CHECK(DeviceIoControl(h, TSVC_WHOAMI, NULL, 0, &b, sizeof(b), NULL, NULL));
    CHECK(a.open_context >= 1 && a.open_context <= TSVC_MAX_OPENS);
    CHECK_EQ(a.open_context, b.open_context);
    CHECK_EQ(a.opener_pid, GetCurrentProcessId());
    DEVICE_PSL_NOTIFY n = { sizeof(n), DLL_PROCESS_EXITING, (HANDLE)(ULONG_PTR)GetCurrentProcessId(), NULL };
    SetLastError(0xdeadbeef);
    CHECK(!ServiceIoControl(h, IOCTL_PSL_NOTIFY, &n, sizeof(n), NULL, 0, NULL, NULL));
    CHECK_LASTERROR(ERROR_ACCESS_DENIED);
    CHECK_EQ(svc_stats(h).psl_notifies, 0);
    CHECK(CloseHandle(h));
}

CETEST(services_client_ioctl, unknown_handles_are_invalid_parameter)
{
    struct svc_test t;
    svc_test_begin(&t);
    HANDLE ev = CreateEventW(NULL, TRUE, FALSE, NULL);
    const HANDLE handles[] = { NULL, INVALID_HANDLE_VALUE, (HANDLE)(ULONG_PTR)0x12344, ev };
    for (int i = 0; i < 4; i++) {
        DWORD state = 0xdeadbeef, got = 0xdeadbeef;
        SetLastError(0xdeadbeef);
        CHECK_MSG(!ServiceIoControl(handles[i], IOCTL_SERVICE_STATUS, NULL, 0, &state, sizeof(state), &got, NULL),
                  "handle %d", i);
        CHECK_LASTERROR(ERROR_INVALID_PARAMETER);
        CHECK_EQ(state, 0xdeadbeef);
    }
    CHECK(CloseHandle(ev));
    svc_test_end(&t);
}

/* CE6+ keeps these CE5 exports only to fail them; code using them links. */
CETEST(services_client, ce5_only_calls_are_not_implemented_as_on_ce6)
{
    SetLastError(0xdeadbeef);
    HANDLE h = CreateServiceHandle(L"TSA0:", GENERIC_READ, 0, GetCurrentProcess());
    CHECK_PTR_EQ(h, INVALID_HANDLE_VALUE);
    CHECK_LASTERROR(ERROR_CALL_NOT_IMPLEMENTED);
    WIN32_FIND_DATAW fd;
    memset(&fd, 0xcc, sizeof(fd));
    SetLastError(0xdeadbeef);
    CHECK(!GetServiceByIndex(0, &fd));
    CHECK_LASTERROR(ERROR_CALL_NOT_IMPLEMENTED);
}

/* ---- EnumServices --------------------------------------------------------------------- */

/* EnumServices into a fresh buffer; NULL (and a failed check) if it fails. */
static BYTE *enum_all(DWORD *entries, DWORD *bytes)
{
    *entries = 0;
    *bytes = 0;
    if (!CHECK(!EnumServices(NULL, entries, bytes)))
        return NULL;
    BYTE *buf = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, *bytes + 1);
    if (!CHECK(buf != NULL))
        return NULL;
    SetLastError(0xdeadbeef);
    if (!CHECK_MSG(EnumServices(buf, entries, bytes), "error %lu", (unsigned long)GetLastError())) {
        HeapFree(GetProcessHeap(), 0, buf);
        return NULL;
    }
    return buf;
}

SVC_TEST(services_client_enum, sizes_then_entries_in_ce_layout)
{
    REQUIRE(svc_test_config(t, L"TsaSvc", L"tsa.dll", L"TSA", 0, ~0u, ~0u, ~0u));
    WCHAR path[MAX_PATH];
    svc_test_dll_path(L"tsa.dll", path);
    DWORD need = (DWORD)(sizeof(ServiceEnumInfo) + (wcslen(path) + 1) * sizeof(WCHAR));

    DWORD entries = 0xdeadbeef, len = 0xdeadbeef;
    SetLastError(0xdeadbeef);
    CHECK(!EnumServices(NULL, &entries, &len)); /* starts the host, which loads TSA0: */
    CHECK_LASTERROR(ERROR_INSUFFICIENT_BUFFER);
    CHECK_EQ(entries, 1);
    CHECK_EQ(len, need);

    BYTE buf[2 * sizeof(ServiceEnumInfo) + 2 * MAX_PATH * sizeof(WCHAR)];
    DWORD small_sizes[] = { 0, need - 1 };
    for (int i = 0; i < 2; i++) {
        entries = 0xdeadbeef;
        len = small_sizes[i];
        SetLastError(0xdeadbeef);
        CHECK(!EnumServices(buf, &entries, &len));
        CHECK_LASTERROR(ERROR_MORE_DATA);
        CHECK_EQ(len, need);
    }

    memset(buf, 0xcc, sizeof(buf));
    entries = 0;
    len = need;
    SetLastError(0xdeadbeef);
    CHECK(EnumServices(buf, &entries, &len));
    CHECK_EQ(entries, 1);
    CHECK_EQ(len, need);
    ServiceEnumInfo *e = (ServiceEnumInfo *)buf;
    CHECK_WSTR_EQ(e->szPrefix, L"TSA0:");
    const BYTE *name = (const BYTE *)e->szDllName;
    CHECK_MSG(name >= buf + sizeof(ServiceEnumInfo) && name < buf + need, "szDllName %p outside %p+%lu",
              (void *)name, (void *)buf, (unsigned long)need);
    if (name >= buf + sizeof(ServiceEnumInfo) && name < buf + need)
        CHECK_WSTR_EQ(e->szDllName, path);
    CHECK_PTR_EQ(e->hServiceHandle, NULL);
    CHECK_EQ(e->dwServiceState, SERVICE_STATE_ON);
    CHECK_EQ(buf[need], 0xcc); /* nothing past the size it gave */
}

CETEST(services_client_enum, null_count_or_length_is_invalid_parameter)
{
    struct svc_test t;
    svc_test_begin(&t);
    BYTE buf[256];
    DWORD entries = 0xdeadbeef, len = sizeof(buf);
    SetLastError(0xdeadbeef);
    CHECK(!EnumServices(buf, NULL, &len));
    CHECK_LASTERROR(ERROR_INVALID_PARAMETER);
    CHECK_EQ(len, sizeof(buf));
    SetLastError(0xdeadbeef);
    CHECK(!EnumServices(buf, &entries, NULL));
    CHECK_LASTERROR(ERROR_INVALID_PARAMETER);
    CHECK_EQ(entries, 0xdeadbeef);
    SetLastError(0xdeadbeef);
    CHECK(!EnumServices(NULL, NULL, NULL));
    CHECK_LASTERROR(ERROR_INVALID_PARAMETER);
    svc_test_end(&t);
}

SVC_TEST(services_client_enum, boot_loads_in_order_and_skips_noload)
{
    /* Key names sort A, B, C, D; Order says B, C, A; D is NOLOAD. */
    REQUIRE(svc_test_config(t, L"SvcA", L"tsa.dll", L"TSA", 0, 30, ~0u, ~0u));
    REQUIRE(svc_test_config(t, L"SvcB", L"tsb.dll", L"TSB", 0, 10, ~0u, ~0u));
    REQUIRE(svc_test_config(t, L"SvcC", L"tsc.dll", L"TSC", 0, 20, ~0u, ~0u));
    REQUIRE(svc_test_config(t, L"SvcD", L"tsd.dll", L"TSD", 0, 5, DEVFLAGS_NOLOAD, ~0u));
    DWORD entries, bytes;
    BYTE *buf = enum_all(&entries, &bytes);
    REQUIRE(buf != NULL);
    ServiceEnumInfo *e = (ServiceEnumInfo *)buf;
    CHECK_EQ(entries, 3);
    static const WCHAR *const want[] = { L"TSB0:", L"TSC0:", L"TSA0:" };
    for (DWORD i = 0; i < entries && i < 3; i++) {
        CHECK_WSTR_EQ(e[i].szPrefix, want[i]);
        CHECK_EQ(e[i].dwServiceState, SERVICE_STATE_ON);
    }
    HeapFree(GetProcessHeap(), 0, buf);
    SetLastError(0xdeadbeef);
    CHECK(svc_open(L"TSD0:") == INVALID_HANDLE_VALUE);
    CHECK_LASTERROR(ERROR_DEV_NOT_EXIST);
}

SVC_TEST(services_client_enum, state_follows_the_service_and_deregistered_ones_go)
{
    REQUIRE(svc_test_config(t, L"SvcA", L"tsa.dll", L"TSA", 0, 1, ~0u, ~0u));
    REQUIRE(svc_test_config(t, L"SvcW", L"tsvc_minimal.dll", L"TSW", 0, 2, ~0u, ~0u));
    HANDLE h = svc_open(L"TSA0:");
    REQUIRE(h != INVALID_HANDLE_VALUE);
    CHECK(DeviceIoControl(h, IOCTL_SERVICE_STOP, NULL, 0, NULL, 0, NULL, NULL));
    DWORD entries, bytes;
    BYTE *buf = enum_all(&entries, &bytes);
    if (buf) {
        ServiceEnumInfo *e = (ServiceEnumInfo *)buf;
        CHECK_EQ(entries, 2);
        if (entries == 2) {
            CHECK_WSTR_EQ(e[0].szPrefix, L"TSA0:");
            CHECK_EQ(e[0].dwServiceState, SERVICE_STATE_OFF);
            CHECK_WSTR_EQ(e[1].szPrefix, L"TSW0:");
            CHECK_EQ(e[1].dwServiceState, SERVICE_STATE_ON);
        }
        HeapFree(GetProcessHeap(), 0, buf);
    }
    CHECK(DeregisterService(h));
    CHECK(CloseHandle(h));
    buf = enum_all(&entries, &bytes);
    if (buf) {
        ServiceEnumInfo *e = (ServiceEnumInfo *)buf;
        CHECK_EQ(entries, 1);
        if (entries == 1)
            CHECK_WSTR_EQ(e[0].szPrefix, L"TSW0:");
        HeapFree(GetProcessHeap(), 0, buf);
    }
}
