/*
 * dm_activate_tests.c - ActivateDevice / ActivateDeviceEx / DeactivateDevice
 * as CE drivers and their clients use them: the Active key XXX_Init gets
 * (Hnd, Name, FullName, Key, ClientInfo, REGINI values), prefixed and
 * naked entry points, the three names of an instance, ERROR_DEVICE_IN_USE
 * and the client loop over indexes, Index >= 10, and deactivation with
 * handles open and a call in flight.
 */
#include "dm_test.h"

static void begin(struct svc_test *t)
{
    svc_test_instance(t, L"dm");
}

static HANDLE activate_checked(const WCHAR *key, DWORD client_info)
{
    SetLastError(0xdeadbeef);
    HANDLE h = ActivateDevice(key, client_info);
    CHECK_MSG(h != NULL, "ActivateDevice(%ls) failed, error %lu", key, GetLastError());
    return h;
}

static BOOL key_exists(const WCHAR *active)
{
    HKEY k;
    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, active, 0, KEY_READ, &k))
        return FALSE;
    RegCloseKey(k);
    return TRUE;
}

CETEST(devmgr, activate_prefixed_driver_reads_its_active_key)
{
    struct svc_test t;
    begin(&t);
    REQUIRE(dm_test_driver_key(&t, L"Drivers\\TDrvA", L"tdrv_pfx.dll", L"TDA", 1, DM_NO_VALUE));
    HANDLE h = activate_checked(L"Drivers\\TDrvA", 0x77);
    REQUIRE(h != NULL);
    HANDLE f = dm_test_open(L"TDA1:");
    CHECK_MSG(f != INVALID_HANDLE_VALUE, "CreateFile(TDA1:) failed, error %lu", GetLastError());
    struct tdrv_info info;
    CHECK(dm_test_info(f, &info));
    CHECK_MSG(wcsncmp(info.active, L"Drivers\\Active\\", 15) == 0 && wcslen(info.active) >= 17,
              "XXX_Init got %ls", info.active);
    CHECK_WSTR_EQ(info.name, L"TDA1:");
    CHECK_WSTR_EQ(info.full_name, L"TDA1");
    CHECK_WSTR_EQ(info.key, L"Drivers\\TDrvA");
    CHECK_EQ(info.hnd, (DWORD)(ULONG_PTR)h); /* Hnd is there before Init (CE 5.0+) */
    CHECK_EQ(info.client_info, 0x77);
    CHECK_EQ(info.naked, 0);
    CHECK_EQ(info.param, 0);
    CHECK_EQ(info.open_access, GENERIC_READ | GENERIC_WRITE);
    CHECK(key_exists(info.active));
    CHECK_WSTR_EQ(info.key_prefix, L"TDA"); /* OpenDeviceKey in XXX_Init */
    /* An application may open it too; a key that is not an Active key fails. */
    HKEY dev = OpenDeviceKey(info.active);
    CHECK_MSG(dev != NULL, "OpenDeviceKey(%ls) failed, error %lu", info.active, GetLastError());
    if (dev)
        RegCloseKey(dev);
    SetLastError(0xdeadbeef);
    CHECK(OpenDeviceKey(L"Drivers\\Active\\NoSuchKey") == NULL);
    CHECK_LASTERROR(ERROR_FILE_NOT_FOUND);

    /* The $device name reaches the same instance: a pipe between two opens. */
    HANDLE g = dm_test_open(L"\\$device\\TDA1");
    CHECK_MSG(g != INVALID_HANDLE_VALUE, "CreateFile(\\$device\\TDA1) failed, error %lu", GetLastError());
    DWORD n = 0;
    char buf[16] = { 0 };
    CHECK(WriteFile(g, "hello", 5, &n, NULL));
    CHECK_EQ(n, 5);
    CHECK(ReadFile(f, buf, sizeof(buf), &n, NULL));
    CHECK_EQ(n, 5);
    CHECK_STR_EQ(buf, "hello");

    SetLastError(0xdeadbeef);
    CHECK(DeactivateDevice(h));
    CHECK(!key_exists(info.active));
    /* Handles still open get CE's error and never reach the unloaded DLL. */
    SetLastError(0xdeadbeef);
    CHECK(!ReadFile(f, buf, sizeof(buf), &n, NULL));
    CHECK_LASTERROR(ERROR_INVALID_HANDLE);
    SetLastError(0xdeadbeef);
    CHECK(!DeviceIoControl(g, TDRV_INFO, NULL, 0, &info, sizeof(info), &n, NULL));
    CHECK_LASTERROR(ERROR_INVALID_HANDLE);
    CloseHandle(f);
    CloseHandle(g);
    SetLastError(0xdeadbeef);
    CHECK(!DeactivateDevice(h));
    CHECK_LASTERROR(ERROR_INVALID_HANDLE);
    SetLastError(0xdeadbeef);
    CHECK(dm_test_open(L"TDA1:") == INVALID_HANDLE_VALUE);
    CHECK_LASTERROR(ERROR_DEV_NOT_EXIST);

    /* A leading backslash names the same key. */
    h = activate_checked(L"\\Drivers\\TDrvA", 0);
    CHECK(h != NULL && DeactivateDevice(h));
    svc_test_end(&t);
}

CETEST(devmgr, activate_ex_naked_driver_gets_regini_and_param)
{
    struct svc_test t;
    begin(&t);
    REQUIRE(dm_test_driver_key(&t, L"Drivers\\TDrvN", L"tdrv_naked.dll", L"TDN", 2, DEVFLAGS_NAKEDENTRIES));
    DWORD value = 42;
    REGINI ri[1] = { { L"TestValue", (LPBYTE)&value, sizeof(value), REG_DWORD } };
    SetLastError(0xdeadbeef);
    HANDLE h = ActivateDeviceEx(L"Drivers\\TDrvN", ri, 1, (LPVOID)(ULONG_PTR)0x5150);
    CHECK_MSG(h != NULL, "ActivateDeviceEx failed, error %lu", GetLastError());
    HANDLE f = dm_test_open(L"TDN2:");
    CHECK_MSG(f != INVALID_HANDLE_VALUE, "CreateFile(TDN2:) failed, error %lu", GetLastError());
    struct tdrv_info info;
    CHECK(dm_test_info(f, &info));
    CHECK_EQ(info.naked, 1);
    CHECK_EQ(info.regini_value, 42);
    CHECK_EQ(info.param, 0x5150);
    CHECK_WSTR_EQ(info.name, L"TDN2:");
    CHECK_EQ(info.hnd, (DWORD)(ULONG_PTR)h);
    CloseHandle(f);
    CHECK(DeactivateDevice(h));

    /* XXX_Init failing (the driver refuses TestValue 0xBAD): NULL, no instance. */
    value = 0xBAD;
    SetLastError(0xdeadbeef);
    CHECK(ActivateDeviceEx(L"Drivers\\TDrvN", ri, 1, NULL) == NULL);
    CHECK_LASTERROR(ERROR_OPEN_FAILED);
    CHECK(dm_test_open(L"TDN2:") == INVALID_HANDLE_VALUE);

    /* A REGINI entry without a name is bad input. */
    REGINI bad[1] = { { NULL, (LPBYTE)&value, sizeof(value), REG_DWORD } };
    SetLastError(0xdeadbeef);
    CHECK(ActivateDeviceEx(L"Drivers\\TDrvN", bad, 1, NULL) == NULL);
    CHECK_LASTERROR(ERROR_INVALID_PARAMETER);

    /* The prefixed DLL has no naked entry points: CE refuses the set. */
    REQUIRE(dm_test_driver_key(&t, L"Drivers\\TDrvWrong", L"tdrv_pfx.dll", L"TDW", 1, DEVFLAGS_NAKEDENTRIES));
    SetLastError(0xdeadbeef);
    CHECK(ActivateDevice(L"Drivers\\TDrvWrong", 0) == NULL);
    CHECK_LASTERROR(ERROR_INVALID_FUNCTION);
    svc_test_end(&t);
}

CETEST(devmgr, taken_name_and_client_loop_over_indexes)
{
    struct svc_test t;
    begin(&t);
    REQUIRE(dm_test_driver_key(&t, L"Drivers\\TDrvA", L"tdrv_pfx.dll", L"TDA", 1, DM_NO_VALUE));
    HANDLE first = activate_checked(L"Drivers\\TDrvA", 0);
    SetLastError(0xdeadbeef);
    CHECK(ActivateDevice(L"Drivers\\TDrvA", 0) == NULL);
    CHECK_LASTERROR(ERROR_DEVICE_IN_USE);

    /* PipeLib's loop: set Index, activate, next index on ERROR_DEVICE_IN_USE. */
    HANDLE got = NULL;
    DWORD index = 1, tries = 0;
    for (; index <= 9 && !got; index++) {
        REQUIRE(dm_test_driver_key(&t, L"Drivers\\TDrvLoop", L"tdrv_pfx.dll", L"TDA", index, DM_NO_VALUE));
        tries++;
        SetLastError(0xdeadbeef);
        got = ActivateDevice(L"Drivers\\TDrvLoop", 0);
        if (!got)
            CHECK_LASTERROR(ERROR_DEVICE_IN_USE);
    }
    CHECK_EQ(tries, 2);
    HANDLE f = dm_test_open(L"TDA2:");
    CHECK_MSG(f != INVALID_HANDLE_VALUE, "CreateFile(TDA2:) failed, error %lu", GetLastError());
    CloseHandle(f);

    /* No Index: the lowest free one (1 and 2 are taken). */
    REQUIRE(dm_test_driver_key(&t, L"Drivers\\TDrvAuto", L"tdrv_pfx.dll", L"TDA", DM_NO_VALUE, DM_NO_VALUE));
    HANDLE autoh = activate_checked(L"Drivers\\TDrvAuto", 0);
    f = dm_test_open(L"TDA3:");
    struct tdrv_info info;
    CHECK(f != INVALID_HANDLE_VALUE && dm_test_info(f, &info));
    CHECK_WSTR_EQ(info.name, L"TDA3:");
    CloseHandle(f);

    CHECK(DeactivateDevice(autoh));
    CHECK(DeactivateDevice(got));
    CHECK(DeactivateDevice(first));
    svc_test_end(&t);
}

CETEST(devmgr, index_ten_and_above_has_only_a_device_name)
{
    struct svc_test t;
    begin(&t);
    REQUIRE(dm_test_driver_key(&t, L"Drivers\\TDrv12", L"tdrv_pfx.dll", L"TDA", 12, DM_NO_VALUE));
    HANDLE h = activate_checked(L"Drivers\\TDrv12", 0);
    HANDLE f = dm_test_open(L"\\$device\\TDA12");
    CHECK_MSG(f != INVALID_HANDLE_VALUE, "CreateFile(\\$device\\TDA12) failed, error %lu", GetLastError());
    struct tdrv_info info;
    CHECK(dm_test_info(f, &info));
    CHECK_WSTR_EQ(info.name, L""); /* no legacy name */
    CHECK_WSTR_EQ(info.full_name, L"TDA12");
    CloseHandle(f);
    CHECK(dm_test_open(L"TDA12:") == INVALID_HANDLE_VALUE);
    CHECK(dm_test_open(L"\\$device\\TDA1") == INVALID_HANDLE_VALUE);
    CHECK(DeactivateDevice(h));
    svc_test_end(&t);
}

CETEST(devmgr, bad_input)
{
    struct svc_test t;
    begin(&t);
    SetLastError(0xdeadbeef);
    CHECK(ActivateDevice(NULL, 0) == NULL);
    CHECK_LASTERROR(ERROR_INVALID_PARAMETER);
    SetLastError(0xdeadbeef);
    CHECK(ActivateDevice(L"Drivers\\NoSuchDriver", 0) == NULL);
    CHECK_LASTERROR(ERROR_FILE_NOT_FOUND);
    SetLastError(0xdeadbeef);
    CHECK(!DeactivateDevice(NULL));
    CHECK_LASTERROR(ERROR_INVALID_HANDLE);
    SetLastError(0xdeadbeef);
    CHECK(!DeactivateDevice((HANDLE)(ULONG_PTR)0x10000005)); /* shaped like one, no such driver */
    CHECK_LASTERROR(ERROR_INVALID_HANDLE);
    svc_test_end(&t);
}

struct reader {
    HANDLE f;
    BOOL ok;
    DWORD error, n;
};

static DWORD WINAPI read_thread(void *arg)
{
    struct reader *r = arg;
    char buf[8];
    SetLastError(0);
    r->ok = ReadFile(r->f, buf, sizeof(buf), &r->n, NULL);
    r->error = GetLastError();
    return 0;
}

CETEST(devmgr, deactivate_with_a_call_in_flight)
{
    struct svc_test t;
    begin(&t);
    REQUIRE(dm_test_driver_key(&t, L"Drivers\\TDrvA", L"tdrv_pfx.dll", L"TDA", 1, DM_NO_VALUE));
    HANDLE h = activate_checked(L"Drivers\\TDrvA", 0);
    struct reader r = { dm_test_open(L"TDA1:"), FALSE, 0, 0 };
    HANDLE probe = dm_test_open(L"TDA1:");
    REQUIRE(r.f != INVALID_HANDLE_VALUE && probe != INVALID_HANDLE_VALUE);
    HANDLE thread = CreateThread(NULL, 0, read_thread, &r, 0, NULL);
    ULONGLONG start = cetest_now_ms();
    while (dm_test_counter(probe, TDRV_BLOCKED) != 1 && cetest_now_ms() - start < 10000)
        Sleep(2);
    CHECK_EQ(dm_test_counter(probe, TDRV_BLOCKED), 1);
    /* XXX_PreDeinit wakes the reader; DeactivateDevice waits for it. */
    CHECK(DeactivateDevice(h));
    CHECK_EQ(WaitForSingleObject(thread, 10000), WAIT_OBJECT_0);
    CHECK(!r.ok);
    CHECK_EQ(r.error, ERROR_OPERATION_ABORTED);
    CloseHandle(thread);
    CloseHandle(r.f);
    CloseHandle(probe);
    svc_test_end(&t);
}

/* The self-deactivating driver's DeactivateDevice result, once written. */
static BOOL self_result(DWORD result[2])
{
    HKEY k;
    DWORD type, bytes = 2 * sizeof(DWORD);
    if (RegOpenKeyExW(HKEY_CURRENT_USER, TDRV_SELF_KEY, 0, KEY_READ, &k))
        return FALSE;
    BOOL ok = !RegQueryValueExW(k, L"Result", NULL, &type, (BYTE *)result, &bytes) && bytes == 2 * sizeof(DWORD);
    RegCloseKey(k);
    return ok;
}

/* Waits (10 s at most) for the driver to record its own DeactivateDevice's
 * result (left { 0, 0 } if it never does). */
static void wait_self_result(DWORD result[2])
{
    ULONGLONG start = cetest_now_ms();
    while (!self_result(result) && cetest_now_ms() - start < 10000)
        Sleep(5);
}

/* Waits (10 s at most) for a deferred deactivation to unload the driver,
 * then checks that its activation handle is invalid. */
static void check_device_gone(HANDLE h)
{
    DEVMGR_DEVICE_INFORMATION di;
    di.dwSize = sizeof(di);
    ULONGLONG start = cetest_now_ms();
    while (GetDeviceInformationByDeviceHandle(h, &di) && cetest_now_ms() - start < 10000)
        Sleep(5);
    SetLastError(0xdeadbeef);
    CHECK(!GetDeviceInformationByDeviceHandle(h, &di));
    CHECK_LASTERROR(ERROR_INVALID_HANDLE);
}

/* The host lives on: the driver loads again, serves a call, and goes. */
static void check_driver_loads_again(HANDLE h)
{
    HANDLE f = dm_test_open(L"TDA1:");
    struct tdrv_info info;
    CHECK(f != INVALID_HANDLE_VALUE && dm_test_info(f, &info));
    CloseHandle(f);
    CHECK(DeactivateDevice(h));
}

CETEST(devmgr, driver_deactivates_itself_from_its_own_thread)
{
    struct svc_test t;
    begin(&t);
    RegDeleteTreeW(HKEY_CURRENT_USER, TDRV_SELF_KEY);
    REQUIRE(dm_test_driver_key(&t, L"Drivers\\TDrvA", L"tdrv_pfx.dll", L"TDA", 1, DM_NO_VALUE));
    HANDLE h = activate_checked(L"Drivers\\TDrvA", 0);
    HANDLE f = dm_test_open(L"TDA1:");
    REQUIRE(f != INVALID_HANDLE_VALUE);
    DWORD got = 0, result[2] = { 0, 0 };
    CHECK(DeviceIoControl(f, TDRV_SELF_DEACTIVATE, NULL, 0, NULL, 0, &got, NULL));
    wait_self_result(result);
    CHECK_MSG(result[0] == TRUE, "the driver's DeactivateDevice returned %lu, error %lu", result[0], result[1]);
    DEVMGR_DEVICE_INFORMATION di;
    di.dwSize = sizeof(di);
    SetLastError(0xdeadbeef);
    CHECK(!GetDeviceInformationByDeviceHandle(h, &di));
    CHECK_LASTERROR(ERROR_INVALID_HANDLE);
    SetLastError(0xdeadbeef);
    CHECK(!DeviceIoControl(f, TDRV_INFO, NULL, 0, &di, sizeof(di), &got, NULL));
    CHECK_LASTERROR(ERROR_INVALID_HANDLE);
    CloseHandle(f);
    check_driver_loads_again(activate_checked(L"Drivers\\TDrvA", 0));
    RegDeleteTreeW(HKEY_CURRENT_USER, TDRV_SELF_KEY);
    svc_test_end(&t);
}

struct inline_call {
    HANDLE f;
    DWORD result[2];
    BOOL ok;
};

static DWORD WINAPI inline_thread(void *arg)
{
    struct inline_call *c = arg;
    DWORD got = 0;
    c->ok = DeviceIoControl(c->f, TDRV_SELF_DEACTIVATE_INLINE, NULL, 0, c->result, sizeof(c->result), &got, NULL);
    return 0;
}

/* From inside its own IOControl: the call cannot finish while the
 * deactivation waits for it, so DeactivateDevice is deferred - it returns
 * TRUE, and the driver goes once the call has returned. */
CETEST(devmgr, driver_deactivates_itself_inside_its_ioctl)
{
    struct svc_test t;
    begin(&t);
    REQUIRE(dm_test_driver_key(&t, L"Drivers\\TDrvA", L"tdrv_pfx.dll", L"TDA", 1, DM_NO_VALUE));
    HANDLE h = activate_checked(L"Drivers\\TDrvA", 0);
    struct inline_call c = { dm_test_open(L"TDA1:"), { 0, 0 }, FALSE };
    REQUIRE(c.f != INVALID_HANDLE_VALUE);
    HANDLE th = CreateThread(NULL, 0, inline_thread, &c, 0, NULL);
    REQUIRE(th != NULL);
    DWORD w = WaitForSingleObject(th, 15000);
    CHECK_MSG(w == WAIT_OBJECT_0, "the IOControl that deactivates its own driver did not return (deadlock)");
    if (w != WAIT_OBJECT_0) {
        CloseHandle(th);
        return; /* the host is stuck: nothing more to learn */
    }
    CloseHandle(th);
    CHECK(c.ok);
    CHECK_MSG(c.result[0] == TRUE, "DeactivateDevice inside IOControl returned %lu, error %lu", c.result[0],
              c.result[1]);
    check_device_gone(h);
    CloseHandle(c.f);
    SetLastError(0xdeadbeef);
    CHECK(!DeactivateDevice(h)); /* already gone */
    CHECK_LASTERROR(ERROR_INVALID_HANDLE);
    /* The host lives on and loads the driver again, once the deferred
     * unload has given the name back. */
    ULONGLONG start = cetest_now_ms();
    while (!(h = ActivateDevice(L"Drivers\\TDrvA", 0)) && GetLastError() == ERROR_DEVICE_IN_USE &&
           cetest_now_ms() - start < 10000)
        Sleep(5);
    CHECK_MSG(h != NULL, "ActivateDevice again: error %lu", GetLastError());
    check_driver_loads_again(h);
    svc_test_end(&t);
}

static DWORD WINAPI close_thread(void *arg)
{
    CloseHandle(arg);
    return 0;
}

/* From inside its XXX_Close: deferred too. */
CETEST(devmgr, driver_deactivates_itself_inside_its_close)
{
    struct svc_test t;
    begin(&t);
    RegDeleteTreeW(HKEY_CURRENT_USER, TDRV_SELF_KEY);
    REQUIRE(dm_test_driver_key(&t, L"Drivers\\TDrvA", L"tdrv_pfx.dll", L"TDA", 1, DM_NO_VALUE));
    HANDLE h = activate_checked(L"Drivers\\TDrvA", 0);
    HANDLE f = dm_test_open(L"TDA1:");
    REQUIRE(f != INVALID_HANDLE_VALUE);
    DWORD got = 0, result[2] = { 0, 0 };
    CHECK(DeviceIoControl(f, TDRV_SELF_DEACTIVATE_ON_CLOSE, NULL, 0, NULL, 0, &got, NULL));
    HANDLE th = CreateThread(NULL, 0, close_thread, f, 0, NULL);
    REQUIRE(th != NULL);
    DWORD w = WaitForSingleObject(th, 15000);
    CloseHandle(th);
    CHECK_MSG(w == WAIT_OBJECT_0, "CloseHandle, whose XXX_Close deactivates its own driver, did not return");
    if (w != WAIT_OBJECT_0)
        return;
    wait_self_result(result);
    CHECK_MSG(result[0] == TRUE, "DeactivateDevice inside XXX_Close returned %lu, error %lu", result[0], result[1]);
    check_device_gone(h);
    RegDeleteTreeW(HKEY_CURRENT_USER, TDRV_SELF_KEY);
    svc_test_end(&t);
}

struct racer {
    HANDLE f;
    volatile LONG *stop;
    BOOL reader; /* blocks in ReadFile (woken by PreDeinit) instead of IOCTLs */
    DWORD ok, refused, other, other_error;
};

static DWORD WINAPI race_thread(void *arg)
{
    struct racer *r = arg;
    while (!*r->stop) {
        struct tdrv_info info;
        DWORD got = 0;
        SetLastError(0xdeadbeef);
        BOOL ok = r->reader ? ReadFile(r->f, &info, 4, &got, NULL)
                            : DeviceIoControl(r->f, TDRV_INFO, NULL, 0, &info, sizeof(info), &got, NULL);
        if (ok || (r->reader && GetLastError() == ERROR_OPERATION_ABORTED)) {
            r->ok++;
        } else if (GetLastError() == ERROR_INVALID_HANDLE) {
            r->refused++;
            if (r->refused > 50)
                break; /* deactivated: every later call is refused */
        } else {
            r->other++;
            r->other_error = GetLastError();
        }
    }
    return 0;
}

CETEST(devmgr, deactivate_racing_8_threads_of_calls)
{
    struct svc_test t;
    begin(&t);
    REQUIRE(dm_test_driver_key(&t, L"Drivers\\TDrvA", L"tdrv_pfx.dll", L"TDA", 1, DM_NO_VALUE));
    for (int round = 0; round < 5 && cetest_failures() == 0; round++) {
        HANDLE h = activate_checked(L"Drivers\\TDrvA", 0);
        volatile LONG stop = 0;
        struct racer r[8];
        HANDLE threads[8];
        for (int i = 0; i < 8; i++) {
            memset(&r[i], 0, sizeof(r[i]));
            r[i].f = dm_test_open(L"TDA1:");
            r[i].stop = &stop;
            r[i].reader = i % 2 == 0;
            REQUIRE(r[i].f != INVALID_HANDLE_VALUE);
            threads[i] = CreateThread(NULL, 0, race_thread, &r[i], 0, NULL);
            REQUIRE(threads[i] != NULL);
        }
        Sleep(50);
        CHECK(DeactivateDevice(h));
        Sleep(50);
        InterlockedExchange(&stop, 1);
        CHECK_EQ(WaitForMultipleObjects(8, threads, TRUE, 20000), WAIT_OBJECT_0);
        for (int i = 0; i < 8; i++) {
            CHECK_MSG(r[i].other == 0, "thread %d: %lu calls failed with error %lu", i, r[i].other, r[i].other_error);
            CHECK_MSG(r[i].refused > 0, "thread %d: no call refused after DeactivateDevice (%lu ok)", i, r[i].ok);
            CloseHandle(threads[i]);
            CloseHandle(r[i].f);
        }
    }
    svc_test_end(&t);
}

CETEST(devmgr, register_device_ce5)
{
    struct svc_test t;
    WCHAR dll[MAX_PATH];
    begin(&t);
    svc_test_dll_path(L"tdrv_pfx.dll", dll);
    SetLastError(0xdeadbeef);
    HANDLE h = RegisterDevice(L"TDA", 4, dll, 0x4321);
    CHECK_MSG(h != NULL, "RegisterDevice failed, error %lu", GetLastError());
    HANDLE f = dm_test_open(L"TDA4:");
    struct tdrv_info info;
    CHECK(f != INVALID_HANDLE_VALUE && dm_test_info(f, &info));
    CHECK_EQ(info.client_info, 0x4321); /* XXX_Init's first argument is dwInfo */
    CHECK_WSTR_EQ(info.active, L"(RegisterDevice)");
    CloseHandle(f);
    SetLastError(0xdeadbeef);
    CHECK(RegisterDevice(L"TDA", 4, dll, 0) == NULL);
    CHECK_LASTERROR(ERROR_DEVICE_IN_USE);
    SetLastError(0xdeadbeef);
    CHECK(RegisterDevice(L"TDAX", 4, dll, 0) == NULL);
    CHECK_LASTERROR(ERROR_INVALID_PARAMETER);
    SetLastError(0xdeadbeef);
    CHECK(RegisterDevice(L"TDA", 10, dll, 0) == NULL);
    CHECK_LASTERROR(ERROR_INVALID_PARAMETER);
    CHECK(DeregisterDevice(h));
    SetLastError(0xdeadbeef);
    CHECK(!DeregisterDevice(h));
    CHECK_LASTERROR(ERROR_INVALID_HANDLE);
    CHECK(dm_test_open(L"TDA4:") == INVALID_HANDLE_VALUE);
    svc_test_end(&t);
}
