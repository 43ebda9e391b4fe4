/*
 * dm_test.h - what the devmgr tests share: their own services host and
 * registry root (svc_test.h's instance), driver keys under
 * <instance>\Drivers, and the test driver's answers.
 */
#ifndef DM_TEST_H
#define DM_TEST_H

#include "../services/svc_test.h"

#include <devload.h>
#include <pkfuncs.h>

#include "tdrv/tdrv_ioctl.h"

#define DM_NO_VALUE (~0u)

/* Writes the driver key <instance>\<path> (path as passed to
 * ActivateDevice, e.g. L"Drivers\\TDrvA"): Dll (full path beside the
 * test), Prefix (NULL: none), and Index and Flags unless DM_NO_VALUE. */
static inline BOOL dm_test_driver_key(const struct svc_test *t, const WCHAR *path, const WCHAR *dll,
                                      const WCHAR *prefix, DWORD index, DWORD flags)
{
    WCHAR key[320], full[MAX_PATH];
    HKEY k;
    _snwprintf(key, 320, L"%ls\\%ls", t->instance_key, path);
    key[319] = 0;
    RegDeleteTreeW(HKEY_CURRENT_USER, key);
    if (RegCreateKeyExW(HKEY_CURRENT_USER, key, 0, NULL, 0, KEY_ALL_ACCESS, NULL, &k, NULL))
        return FALSE;
    svc_test_dll_path(dll, full);
    BOOL ok = !RegSetValueExW(k, L"Dll", 0, REG_SZ, (const BYTE *)full, (DWORD)((wcslen(full) + 1) * 2));
    if (ok && prefix)
        ok = !RegSetValueExW(k, L"Prefix", 0, REG_SZ, (const BYTE *)prefix, (DWORD)((wcslen(prefix) + 1) * 2));
    if (ok && index != DM_NO_VALUE)
        ok = !RegSetValueExW(k, L"Index", 0, REG_DWORD, (const BYTE *)&index, sizeof(index));
    if (ok && flags != DM_NO_VALUE)
        ok = !RegSetValueExW(k, L"Flags", 0, REG_DWORD, (const BYTE *)&flags, sizeof(flags));
    RegCloseKey(k);
    return ok;
}

static inline HANDLE dm_test_open(const WCHAR *name)
{
    return CreateFileW(name, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
}

/* The prefixed test driver (TDA, Index `index`) from the key `path`,
 * activated, and opened as "TDA<index>:": TRUE with both handles, or
 * FALSE having said what failed. */
static inline BOOL dm_test_load_pfx(const struct svc_test *t, const WCHAR *path, DWORD index, HANDLE *activation,
                                    HANDLE *open)
{
    WCHAR name[16];
    *activation = NULL;
    *open = INVALID_HANDLE_VALUE;
    if (!dm_test_driver_key(t, path, L"tdrv_pfx.dll", L"TDA", index, DM_NO_VALUE)) {
        printf("cannot write the driver key %ls\n", path);
        return FALSE;
    }
    SetLastError(0xdeadbeef);
    *activation = ActivateDevice(path, 0);
    if (!*activation) {
        printf("ActivateDevice(%ls) failed, error %lu\n", path, GetLastError());
        return FALSE;
    }
    _snwprintf(name, 16, L"TDA%lu:", (unsigned long)index);
    name[15] = 0;
    SetLastError(0xdeadbeef);
    *open = dm_test_open(name);
    if (*open == INVALID_HANDLE_VALUE)
        printf("CreateFile(%ls) failed, error %lu\n", name, GetLastError());
    return *open != INVALID_HANDLE_VALUE;
}

static inline BOOL dm_test_info(HANDLE f, struct tdrv_info *info)
{
    DWORD got = 0;
    memset(info, 0, sizeof(*info));
    return DeviceIoControl(f, TDRV_INFO, NULL, 0, info, sizeof(*info), &got, NULL) && got == sizeof(*info);
}

/* TDRV_BLOCKED or TDRV_PSL_COUNT through f; ~0u if the call fails. */
static inline DWORD dm_test_counter(HANDLE f, DWORD code)
{
    DWORD v = 0, got = 0;
    return DeviceIoControl(f, code, NULL, 0, &v, sizeof(v), &got, NULL) && got == sizeof(v) ? v : ~0u;
}

#endif /* DM_TEST_H */
