/*
 * bit_devmgr.c - stream drivers of both bitnesses at once: a driver DLL
 * of the other bitness loads in that bitness's host; a client of either
 * bitness opens, finds, queries and deactivates both, and a 32-bit
 * client's embedded pointer reaches a 64-bit driver.
 */
#include "bit_util.h"
#include "dm_test.h"

#include <string.h>

/* The driver key <path> pointing at the other build's tdrv_pfx.dll. */
static BOOL peer_driver_key(const struct svc_test *t, const WCHAR *path, DWORD index)
{
    WCHAR key[320], dll[MAX_PATH];
    HKEY k;
    if (!dm_test_driver_key(t, path, L"tdrv_pfx.dll", L"TDA", index, DM_NO_VALUE))
        return FALSE;
    bit_peer_pathw(L"tdrv_pfx.dll", dll, MAX_PATH);
    _snwprintf(key, 320, L"%ls\\%ls", t->instance_key, path);
    key[319] = 0;
    if (!dll[0] || RegOpenKeyExW(HKEY_CURRENT_USER, key, 0, KEY_SET_VALUE, &k))
        return FALSE;
    BOOL ok = !RegSetValueExW(k, L"Dll", 0, REG_SZ, (const BYTE *)dll, (DWORD)((wcslen(dll) + 1) * 2));
    RegCloseKey(k);
    return ok;
}

CETEST(bitness_devmgr, drivers_of_both_bitnesses)
{
    struct svc_test t;
    WCHAR host[MAX_PATH];
    svc_test_instance(&t, L"bdm");
    bit_peer_pathw(L"ceservicesd.exe", host, MAX_PATH);
    SetEnvironmentVariableW(BIT_PEER_BITS == 32 ? L"CESHIM_SERVICES_HOST32" : L"CESHIM_SERVICES_HOST64", host);
    REQUIRE(dm_test_driver_key(&t, L"Drivers\\BitOwn", L"tdrv_pfx.dll", L"TDA", 1, DM_NO_VALUE));
    REQUIRE(peer_driver_key(&t, L"Drivers\\BitPeer", 2));
    SetLastError(0xdeadbeef);
    HANDLE own = ActivateDevice(L"Drivers\\BitOwn", 0);
    CHECK_MSG(own != NULL, "own: error %lu", GetLastError());
    SetLastError(0xdeadbeef);
    HANDLE peer = ActivateDevice(L"Drivers\\BitPeer", 0);
    CHECK_MSG(peer != NULL, "peer: error %lu", GetLastError());
    REQUIRE(own && peer);

    /* The peer host's Active key has the handle we got. */
    HANDLE f = dm_test_open(L"TDA2:");
    struct tdrv_info info;
    CHECK_MSG(f != INVALID_HANDLE_VALUE, "CreateFile(TDA2:) failed, error %lu", GetLastError());
    CHECK(dm_test_info(f, &info));
    CHECK_EQ(info.hnd, (DWORD)(ULONG_PTR)peer);
    CHECK_WSTR_EQ(info.name, L"TDA2:");

    DEVMGR_DEVICE_INFORMATION di;
    di.dwSize = sizeof(di);
    CHECK(GetDeviceInformationByDeviceHandle(peer, &di));
    CHECK_WSTR_EQ(di.szLegacyName, L"TDA2:");
    CHECK(GetDeviceInformationByFileHandle(f, &di));
    CHECK_PTR_EQ(di.hDevice, peer);
    CHECK(GetDeviceInformationByDeviceHandle(own, &di));
    CHECK_WSTR_EQ(di.szLegacyName, L"TDA1:");
    HANDLE search = FindFirstDevice(DeviceSearchByLegacyName, L"TDA*", &di);
    DWORD found = search != INVALID_HANDLE_VALUE;
    while (found && FindNextDevice(search, &di))
        found++;
    CHECK_EQ(found, 2);
    if (search != INVALID_HANDLE_VALUE)
        FindClose(search);

    /* A 32-bit caller's embedded pointer, followed by the 64-bit driver. */
    if (BIT_OWN_BITS == 32) {
        BYTE buf[16] = { 0 };
        struct tdrv_embedded e = { (unsigned long long)(ULONG_PTR)buf, sizeof(buf), TDRV_EMB_MAP };
        DWORD got = 0;
        CHECK(DeviceIoControl(f, TDRV_EMBEDDED, &e, sizeof(e), NULL, 0, &got, NULL));
        CHECK_EQ(buf[15], 0xA0 + 15);
        /* ...and kept by it after the call (CeAllocAsynchronousBuffer), written later. */
        static volatile BYTE out[16];
        struct tdrv_embedded keep = { 0, 0, TDRV_KEEP_OUT };
        struct tdrv_fill fill = { 0x6B, 0, 0 };
        HRESULT hr[2] = { E_FAIL, E_FAIL };
        CHECK(DeviceIoControl(f, TDRV_ASYNC_KEEP, &keep, sizeof(keep), (void *)out, sizeof(out), &got, NULL));
        CHECK_EQ(out[0], 0x5E);
        CHECK(DeviceIoControl(f, TDRV_ASYNC_FILL, &fill, sizeof(fill), hr, sizeof(hr[0]), &got, NULL));
        CHECK_EQ(hr[0], S_OK);
        CHECK_EQ(out[0], 0x6B);
        CHECK_EQ(out[15], 0x6B);
        CHECK(DeviceIoControl(f, TDRV_ASYNC_FREE, NULL, 0, hr, sizeof(hr), &got, NULL));
        CHECK_EQ(hr[0], S_OK);
    }
    CloseHandle(f);
    CHECK(DeactivateDevice(peer));
    CHECK(DeactivateDevice(own));
    SetLastError(0xdeadbeef);
    CHECK(dm_test_open(L"TDA2:") == INVALID_HANDLE_VALUE);
    svc_test_end(&t);
}
