/*
 * dm_enum_tests.c - devload.h's older look-ups as CE code uses them:
 * EnumDevices lists the legacy names, GetDeviceKeys gives a name's Active
 * key and device key, GetDeviceHandleFromContext turns the string XXX_Init
 * got back into the activation handle.
 */
#include "dm_test.h"

#include <string.h>

/* TRUE if the double-NUL list holds name. */
static BOOL list_has(const WCHAR *list, const WCHAR *name)
{
    for (const WCHAR *p = list; *p; p += wcslen(p) + 1)
        if (!wcscmp(p, name))
            return TRUE;
    return FALSE;
}

CETEST(devmgr_enum, enum_devices_and_keys)
{
    struct svc_test t;
    svc_test_instance(&t, L"dme");
    HANDLE h, f;
    REQUIRE(dm_test_load_pfx(&t, L"Drivers\\TEnum", 4, &h, &f));
    struct tdrv_info info;
    REQUIRE(dm_test_info(f, &info));

    /* EnumDevices: size first, then the list. */
    DWORD len = 0;
    SetLastError(0xdeadbeef);
    CHECK_EQ(EnumDevices(NULL, &len), ERROR_INSUFFICIENT_BUFFER);
    CHECK_EQ(GetLastError(), ERROR_INSUFFICIENT_BUFFER);
    CHECK_MSG(len >= sizeof(L"TDA4:") + sizeof(WCHAR), "size %lu", (unsigned long)len);
    WCHAR *list = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, len + 64);
    REQUIRE(list != NULL);
    DWORD cap = len + 64;
    CHECK_EQ(EnumDevices(list, &cap), ERROR_SUCCESS);
    CHECK_MSG(list_has(list, L"TDA4:"), "TDA4: not in the list (first %ls)", list);
    DWORD tiny = 4;
    CHECK_EQ(EnumDevices(list, &tiny), ERROR_INSUFFICIENT_BUFFER);
    CHECK_EQ(tiny, len);
    CHECK_EQ(list[0], 0); /* an empty list, still terminated */
    HeapFree(GetProcessHeap(), 0, list);
    CHECK_EQ(EnumDevices(NULL, NULL), ERROR_INVALID_PARAMETER);

    /* GetDeviceKeys: by legacy and $device name; sizes in bytes. */
    WCHAR active[64], driver[128];
    DWORD alen = sizeof(active), dlen = sizeof(driver);
    CHECK_EQ(GetDeviceKeys(L"TDA4:", active, &alen, driver, &dlen), ERROR_SUCCESS);
    CHECK_WSTR_EQ(active, info.active);
    CHECK_WSTR_EQ(driver, L"Drivers\\TEnum");
    CHECK_EQ(alen, (wcslen(info.active) + 1) * sizeof(WCHAR));
    alen = sizeof(active);
    CHECK_EQ(GetDeviceKeys(L"\\$device\\TDA4", active, &alen, NULL, NULL), ERROR_SUCCESS);
    CHECK_WSTR_EQ(active, info.active);
    alen = 4;
    dlen = sizeof(driver);
    CHECK_EQ(GetDeviceKeys(L"tda4:", active, &alen, driver, &dlen), ERROR_INSUFFICIENT_BUFFER);
    CHECK_EQ(alen, (wcslen(info.active) + 1) * sizeof(WCHAR));
    CHECK_EQ(GetDeviceKeys(L"TDQ7:", active, &alen, driver, &dlen), ERROR_DEV_NOT_EXIST);
    CHECK_EQ(GetDeviceKeys(NULL, active, &alen, driver, &dlen), ERROR_INVALID_PARAMETER);

    /* GetDeviceHandleFromContext: the Active key back to the handle. */
    SetLastError(0xdeadbeef);
    CHECK_PTR_EQ(GetDeviceHandleFromContext(info.active), h);
    WCHAR slashed[80];
    _snwprintf(slashed, 80, L"\\%ls", info.active);
    CHECK_PTR_EQ(GetDeviceHandleFromContext(slashed), h);
    SetLastError(0xdeadbeef);
    CHECK_PTR_EQ(GetDeviceHandleFromContext(NULL), NULL);
    CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
    SetLastError(0xdeadbeef);
    CHECK_PTR_EQ(GetDeviceHandleFromContext(L"Software"), NULL);
    CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);

    CHECK(CloseHandle(f));
    CHECK(DeactivateDevice(h));
    alen = sizeof(active);
    CHECK_EQ(GetDeviceKeys(L"TDA4:", active, &alen, NULL, NULL), ERROR_DEV_NOT_EXIST);
    SetLastError(0xdeadbeef);
    CHECK_PTR_EQ(GetDeviceHandleFromContext(info.active), NULL);
    CHECK_EQ(GetLastError(), ERROR_FILE_NOT_FOUND);
    svc_test_end(&t);
}
