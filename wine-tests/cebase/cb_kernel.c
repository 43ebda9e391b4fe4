/*
 * cb_kernel.c - KernelIoControl's HAL requests, GetSystemPowerStatusEx,
 * GetCurrentFT, Random, GetProcAddressW / GetProcAddress with a wide
 * name, and SystemParametersInfo's CE requests, as CE code calls them.
 */
#include "cetest.h"

#include <ceshim.h>
#include <pkfuncs.h>

#include <stddef.h>
#include <string.h>
#include <wchar.h>

CETEST(cb_kernel, hal_codes_and_layouts_are_ce)
{
    CHECK_EQ(FILE_DEVICE_HAL, 0x101);
    CHECK_EQ(IOCTL_HAL_GET_UUID, 0x01010034);
    CHECK_EQ(IOCTL_HAL_GET_DEVICEID, 0x01010054);
    CHECK_EQ(IOCTL_PROCESSOR_INFORMATION, 0x01010064);
    CHECK_EQ(sizeof(DEVICE_ID), 20);
    CHECK_EQ(offsetof(PROCESSOR_INFO, szProcessCore), 2);
    CHECK_EQ(offsetof(PROCESSOR_INFO, dwInstructionSet), 0x238);
    CHECK_EQ(sizeof(PROCESSOR_INFO), 0x240);
    CHECK_EQ(VER_PLATFORM_WIN32_CE, 3);
    CHECK_EQ(SPI_GETPLATFORMTYPE, 257);
    CHECK_EQ(SPI_GETOEMINFO, 258);
    CHECK_EQ(sizeof(SYSTEM_POWER_STATUS_EX), 24);
}

CETEST(cb_kernel, get_uuid_is_stable_and_sized)
{
    BYTE a[16], b[16], zero[16] = {0};
    DWORD returned = 0xdeadbeef;
    SetLastError(0xdeadbeef);
    CHECK(KernelIoControl(IOCTL_HAL_GET_UUID, NULL, 0, a, sizeof(a), &returned));
    CHECK_EQ(returned, 16);
    CHECK(memcmp(a, zero, 16) != 0);
    CHECK(KernelIoControl(IOCTL_HAL_GET_UUID, NULL, 0, b, sizeof(b), NULL));
    CHECK_MEM_EQ(a, b, 16);

    SetLastError(0xdeadbeef);
    returned = 0;
    CHECK(!KernelIoControl(IOCTL_HAL_GET_UUID, NULL, 0, b, 15, &returned));
    CHECK_LASTERROR(ERROR_INSUFFICIENT_BUFFER);
    CHECK_EQ(returned, 16);
}

CETEST(cb_kernel, get_deviceid_reports_size_then_ids)
{
    DEVICE_ID probe;
    memset(&probe, 0, sizeof(probe));
    DWORD returned = 0;
    SetLastError(0xdeadbeef);
    CHECK(!KernelIoControl(IOCTL_HAL_GET_DEVICEID, NULL, 0, &probe, sizeof(probe), &returned));
    CHECK_LASTERROR(ERROR_INSUFFICIENT_BUFFER);
    CHECK_MSG(probe.dwSize > sizeof(DEVICE_ID), "dwSize %lu", probe.dwSize);
    CHECK_EQ(returned, probe.dwSize);

    BYTE buffer[256];
    SetLastError(0xdeadbeef);
    CHECK(KernelIoControl(IOCTL_HAL_GET_DEVICEID, NULL, 0, buffer, sizeof(buffer), &returned));
    DEVICE_ID *id = (DEVICE_ID *)buffer;
    CHECK_EQ(id->dwSize, probe.dwSize);
    CHECK_EQ(returned, id->dwSize);
    CHECK(id->dwPresetIDOffset >= sizeof(DEVICE_ID) && id->dwPresetIDBytes > 0);
    CHECK(id->dwPresetIDOffset + id->dwPresetIDBytes <= id->dwSize);
    CHECK_EQ(id->dwPlatformIDBytes, 16);
    CHECK(id->dwPlatformIDOffset + id->dwPlatformIDBytes <= id->dwSize);
    /* The platform ID is the device's UUID. */
    BYTE uuid[16];
    CHECK(KernelIoControl(IOCTL_HAL_GET_UUID, NULL, 0, uuid, sizeof(uuid), NULL));
    CHECK_MEM_EQ(buffer + id->dwPlatformIDOffset, uuid, 16);
}

CETEST(cb_kernel, processor_information)
{
    PROCESSOR_INFO info;
    DWORD returned = 0;
    memset(&info, 0xAA, sizeof(info));
    SetLastError(0xdeadbeef);
    CHECK(KernelIoControl(IOCTL_PROCESSOR_INFORMATION, NULL, 0, &info, sizeof(info), &returned));
    CHECK_EQ(returned, sizeof(PROCESSOR_INFO));
    CHECK_EQ(info.wVersion, 1);
    CHECK(info.szProcessCore[0] != 0 && wcslen(info.szProcessCore) < 40);
    CHECK(wcslen(info.szProcessorName) < 40 && wcslen(info.szVendor) < 100);
    CHECK(info.dwInstructionSet & PROCESSOR_FLOATINGPOINT);
    printf("core %ls, name %ls, vendor %ls, %lu MHz\n", info.szProcessCore, info.szProcessorName, info.szVendor,
           info.dwClockSpeed);
    SetLastError(0xdeadbeef);
    CHECK(!KernelIoControl(IOCTL_PROCESSOR_INFORMATION, NULL, 0, &info, sizeof(info) - 1, &returned));
    CHECK_LASTERROR(ERROR_INSUFFICIENT_BUFFER);
}

CETEST(cb_kernel, other_codes_are_not_supported)
{
    static const DWORD codes[] = {
        CTL_CODE(FILE_DEVICE_HAL, 1, METHOD_BUFFERED, FILE_ANY_ACCESS), /* IOCTL_HAL_GET_DEVICE_INFO-like */
        CTL_CODE(FILE_DEVICE_HAL, 15, METHOD_BUFFERED, FILE_ANY_ACCESS),
        0, 0xFFFFFFFF};
    BYTE out[64];
    for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
        DWORD returned = 0xdeadbeef;
        SetLastError(0xdeadbeef);
        BOOL ok = KernelIoControl(codes[i], NULL, 0, out, sizeof(out), &returned);
        DWORD err = GetLastError();
        CHECK_MSG(!ok && err == ERROR_NOT_SUPPORTED, "code 0x%08lx: %d, error %lu", codes[i], ok, err);
        CHECK_EQ(returned, 0);
    }
}

CETEST(cb_kernel, system_power_status_ex)
{
    SYSTEM_POWER_STATUS_EX s;
    SYSTEM_POWER_STATUS d;
    memset(&s, 0x55, sizeof(s));
    SetLastError(0xdeadbeef);
    CHECK(GetSystemPowerStatusEx(&s, TRUE));
    REQUIRE(GetSystemPowerStatus(&d));
    CHECK_EQ(s.ACLineStatus, d.ACLineStatus);
    CHECK_EQ(s.BatteryFlag, d.BatteryFlag);
    CHECK_EQ(s.BatteryLifePercent, d.BatteryLifePercent);
    CHECK_EQ(s.BackupBatteryFlag, 0xFF);
    CHECK_EQ(s.BackupBatteryLifeTime, 0xFFFFFFFF);
    CHECK_EQ(s.Reserved1, 0);
    CHECK(GetSystemPowerStatusEx(&s, FALSE));
    SetLastError(0xdeadbeef);
    CHECK(!GetSystemPowerStatusEx(NULL, TRUE));
    CHECK_LASTERROR(ERROR_INVALID_PARAMETER);
}

CETEST(cb_kernel, current_ft_is_utc_now)
{
    FILETIME ft, before, after;
    GetSystemTimeAsFileTime(&before);
    GetCurrentFT(&ft);
    GetSystemTimeAsFileTime(&after);
    ULONGLONG b = ((ULONGLONG)before.dwHighDateTime << 32) | before.dwLowDateTime;
    ULONGLONG t = ((ULONGLONG)ft.dwHighDateTime << 32) | ft.dwLowDateTime;
    ULONGLONG a = ((ULONGLONG)after.dwHighDateTime << 32) | after.dwLowDateTime;
    CHECK_MSG(b <= t && t <= a, "%llu <= %llu <= %llu", b, t, a);
}

CETEST(cb_kernel, random_varies)
{
    DWORD seen[64];
    int distinct = 0;
    DWORD ored = 0;
    for (int i = 0; i < 64; i++) {
        seen[i] = Random();
        ored |= seen[i];
        int dup = 0;
        for (int j = 0; j < i; j++)
            dup |= seen[j] == seen[i];
        distinct += !dup;
    }
    CHECK_MSG(distinct >= 60, "%d distinct of 64", distinct);
    CHECK_MSG(ored == 0xFFFFFFFF, "bits seen 0x%08lx", ored);
}

CETEST(cb_kernel, get_proc_address_wide)
{
    HMODULE k32 = GetModuleHandleW(L"kernel32.dll");
    REQUIRE(k32 != NULL);
    FARPROC narrow = (GetProcAddress)(k32, "GetTickCount");
    CHECK(narrow != NULL);
    SetLastError(0xdeadbeef);
    CHECK_PTR_EQ((void *)GetProcAddressW(k32, L"GetTickCount"), (void *)narrow);
    /* CE code's spelling: GetProcAddress with a wide name. */
    CHECK_PTR_EQ((void *)GetProcAddress(k32, L"GetTickCount"), (void *)narrow);
    CHECK_PTR_EQ((void *)GetProcAddress(k32, "GetTickCount"), (void *)narrow);
    SetLastError(0xdeadbeef);
    CHECK_PTR_EQ((void *)GetProcAddressW(k32, L"NoSuchExportAnywhere"), NULL);
    CHECK_LASTERROR(ERROR_PROC_NOT_FOUND);
    SetLastError(0xdeadbeef);
    CHECK_PTR_EQ((void *)GetProcAddressW(k32, L"GetTick\x00e9"), NULL);
    CHECK_LASTERROR(ERROR_PROC_NOT_FOUND);
}

CETEST(cb_kernel, platform_type_and_oem_info)
{
    WCHAR text[64];
    memset(text, 0, sizeof(text));
    SetLastError(0xdeadbeef);
    CHECK(SystemParametersInfo(SPI_GETPLATFORMTYPE, sizeof(text), text, 0));
    CHECK_WSTR_EQ(text, L"ceshim");
    CHECK(SystemParametersInfo(SPI_GETOEMINFO, sizeof(text), text, 0));
    CHECK(text[0] != 0);
    SetLastError(0xdeadbeef);
    CHECK(!SystemParametersInfo(SPI_GETPLATFORMTYPE, 4, text, 0));
    CHECK_LASTERROR(ERROR_INSUFFICIENT_BUFFER);
    SetLastError(0xdeadbeef);
    CHECK(!SystemParametersInfo(SPI_GETOEMINFO, sizeof(text), NULL, 0));
    CHECK_LASTERROR(ERROR_INVALID_PARAMETER);
    char narrow[64];
    CHECK(SystemParametersInfoA(SPI_GETPLATFORMTYPE, sizeof(narrow), narrow, 0));
    CHECK_STR_EQ(narrow, "ceshim");
    /* Everything else is Win32's. */
    BOOL beep = 2;
    CHECK(SystemParametersInfo(SPI_GETBEEP, 0, &beep, 0));
    CHECK(beep == TRUE || beep == FALSE);
}
