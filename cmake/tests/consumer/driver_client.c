/*
 * driver_client.c - the XYZ DLL loaded as a CE stream driver, as CE code
 * loads one: ActivateDevice on its Drivers key, CreateFile(L"XYZ3:") and
 * DeviceIoControl, then DeactivateDevice, after which the name is gone.
 * On the way: EnumDevices lists it, and ceshim's CeShimGetDeviceOpenCount
 * (what `ceservices drivers` prints) counts the open handle, and the driver
 * fills a buffer of ours it found through a pointer in our structure.
 */
#include <windows.h>
#include <stdio.h>
#include <string.h>

#include <devload.h>

#include "consumer.h"
#include "xyz_ioctl.h"

#define XYZ_DRIVER_KEY L"Drivers\\XyzDriver"
#define XYZ_DRIVER_DEVICE L"XYZ3:"

int cmd_driver(unsigned want_bits)
{
    SetLastError(0xdeadbeef);
    HANDLE dev = ActivateDevice(XYZ_DRIVER_KEY, 0);
    if (!dev)
        return fail("driver", "ActivateDevice(%ls): error %lu", XYZ_DRIVER_KEY, GetLastError());
    int result = 0;
    SetLastError(0xdeadbeef);
    HANDLE h = CreateFileW(XYZ_DRIVER_DEVICE, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    if (h == INVALID_HANDLE_VALUE) {
        result = fail("driver", "CreateFile(%ls): error %lu", XYZ_DRIVER_DEVICE, GetLastError());
    } else {
        char in[64], out[64];
        XYZ_STATE s;
        DWORD got = 0;
        int len = snprintf(in, sizeof(in), "driver call from process %lu", GetCurrentProcessId()) + 1;
        memset(out, 0, sizeof(out));
        SetLastError(0xdeadbeef);
        BOOL ok = DeviceIoControl(h, IOCTL_XYZ_ECHO, in, (DWORD)len, out, sizeof(out), &got, NULL);
        if (!ok || got != (DWORD)len || memcmp(in, out, got) != 0)
            result = fail("driver", "IOCTL_XYZ_ECHO: %d, %lu bytes, error %lu", ok, got, GetLastError());
        /* A pointer inside the caller's structure: the host looks at this
         * process's memory, then writes the driver's bytes back. */
        static BYTE mine[48];
        XYZ_EMBEDDED e = { mine, 40 };
        SetLastError(0xdeadbeef);
        ok = DeviceIoControl(h, IOCTL_XYZ_FILL_EMBEDDED, &e, sizeof(e), NULL, 0, &got, NULL);
        if (!result && (!ok || mine[0] != 0x5A || mine[39] != 0x5A || mine[40] != 0))
            result = fail("driver", "IOCTL_XYZ_FILL_EMBEDDED: %d, bytes 0x%02x 0x%02x 0x%02x, error %lu", ok, mine[0],
                          mine[39], mine[40], GetLastError());
        memset(&s, 0, sizeof(s));
        SetLastError(0xdeadbeef);
        ok = DeviceIoControl(h, IOCTL_XYZ_STATE, NULL, 0, &s, sizeof(s), &got, NULL);
        if (!result && (!ok || got != sizeof(s)))
            result = fail("driver", "IOCTL_XYZ_STATE: %d, %lu bytes, error %lu", ok, got, GetLastError());
        if (!result && want_bits && s.hostBits != want_bits)
            result = fail("driver", "the driver runs in a %lu-bit host, want %u-bit", s.hostBits, want_bits);
        DWORD opens = 0;
        SetLastError(0xdeadbeef);
        ok = CeShimGetDeviceOpenCount(dev, &opens);
        if (!result && (!ok || opens != 1))
            result = fail("driver", "CeShimGetDeviceOpenCount: %d, %lu open, error %lu", ok, opens, GetLastError());
        WCHAR list[256];
        DWORD bytes = sizeof(list);
        DWORD err = EnumDevices(list, &bytes);
        BOOL listed = FALSE;
        for (const WCHAR *name = list; !err && *name; name += wcslen(name) + 1)
            listed |= wcscmp(name, XYZ_DRIVER_DEVICE) == 0;
        if (!result && !listed)
            result = fail("driver", "EnumDevices: error %lu, %ls not listed", err, XYZ_DRIVER_DEVICE);
        CloseHandle(h);
    }
    SetLastError(0xdeadbeef);
    if (!DeactivateDevice(dev) && !result)
        result = fail("driver", "DeactivateDevice: error %lu", GetLastError());
    SetLastError(0xdeadbeef);
    h = CreateFileW(XYZ_DRIVER_DEVICE, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    if (h != INVALID_HANDLE_VALUE) {
        CloseHandle(h);
        if (!result)
            result = fail("driver", "%ls still opens after DeactivateDevice", XYZ_DRIVER_DEVICE);
    } else if (!result && GetLastError() != ERROR_DEV_NOT_EXIST) {
        result = fail("driver", "CreateFile(%ls) after DeactivateDevice: error %lu, want %d", XYZ_DRIVER_DEVICE,
                      GetLastError(), ERROR_DEV_NOT_EXIST);
    }
    if (!result)
        printf("driver: OK (%u-bit client; %ls loaded by ActivateDevice, listed, echoed, counted, deactivated)\n",
               (unsigned)(sizeof(void *) * 8), XYZ_DRIVER_DEVICE);
    return result;
}
