/*
 * cb_registry.c - CE registry paths through the routed Reg* calls: a
 * leading backslash, samDesired 0, and HKLM\Drivers / HKLM\Services.
 */
#include "cetest.h"

#include <ceshim.h>

#include <string.h>
#include <wchar.h>

CETEST(cb_registry, leading_backslash_and_zero_sam_as_on_ce)
{
    WCHAR path[128], name[64];
    cetest_unique_name(L"CbReg", name, 64);
    _snwprintf(path, 128, L"\\Drivers\\BuiltIn\\%ls", name);
    path[127] = 0;
    HKEY key = NULL;
    DWORD disp = 0;
    SetLastError(0xdeadbeef);
    LONG rc = RegCreateKeyEx(HKEY_LOCAL_MACHINE, path, 0, NULL, 0, 0, NULL, &key, &disp);
    CHECK_INT_EQ(rc, ERROR_SUCCESS);
    CHECK_EQ(disp, REG_CREATED_NEW_KEY);
    DWORD value = 42;
    CHECK_INT_EQ(RegSetValueExW(key, L"Index", 0, REG_DWORD, (const BYTE *)&value, sizeof(value)), ERROR_SUCCESS);
    RegCloseKey(key);

    /* The same key without the backslash, through plain Win32. */
    HKEY plain;
    CHECK_INT_EQ((RegOpenKeyExW)(HKEY_LOCAL_MACHINE, path + 1, 0, KEY_READ, &plain), ERROR_SUCCESS);
    DWORD got = 0, size = sizeof(got);
    CHECK_INT_EQ(RegQueryValueExW(plain, L"Index", NULL, NULL, (BYTE *)&got, &size), ERROR_SUCCESS);
    CHECK_EQ(got, 42);
    RegCloseKey(plain);

    CHECK_INT_EQ(RegOpenKeyEx(HKEY_LOCAL_MACHINE, path, 0, 0, &key), ERROR_SUCCESS);
    RegCloseKey(key);
    char narrow[128];
    WideCharToMultiByte(CP_ACP, 0, path, -1, narrow, sizeof(narrow), NULL, NULL);
    CHECK_INT_EQ(RegOpenKeyExA(HKEY_LOCAL_MACHINE, narrow, 0, 0, &key), ERROR_SUCCESS);
    RegCloseKey(key);

    CHECK_INT_EQ(RegDeleteKey(HKEY_LOCAL_MACHINE, path), ERROR_SUCCESS);
    SetLastError(0xdeadbeef);
    CHECK_INT_EQ(RegOpenKeyEx(HKEY_LOCAL_MACHINE, path, 0, 0, &key), ERROR_FILE_NOT_FOUND);
}

CETEST(cb_registry, ce_roots_exist)
{
    HKEY key;
    CHECK_INT_EQ(RegOpenKeyEx(HKEY_LOCAL_MACHINE, L"\\Drivers", 0, 0, &key), ERROR_SUCCESS);
    RegCloseKey(key);
    CHECK_INT_EQ(RegOpenKeyEx(HKEY_LOCAL_MACHINE, L"Services", 0, KEY_READ, &key), ERROR_SUCCESS);
    RegCloseKey(key);
}

CETEST(cb_registry, other_paths_are_win32s)
{
    HKEY key;
    /* An explicit access mask is passed as given; bad input fails as on Win32. */
    CHECK_INT_EQ(RegOpenKeyEx(HKEY_LOCAL_MACHINE, L"Software", 0, KEY_READ, &key), ERROR_SUCCESS);
    RegCloseKey(key);
    CHECK_INT_EQ(RegOpenKeyEx(HKEY_LOCAL_MACHINE, L"\\NoSuchCeShimKey\\X", 0, 0, &key), ERROR_FILE_NOT_FOUND);
    CHECK(RegOpenKeyEx(HKEY_LOCAL_MACHINE, L"Software", 0, KEY_READ, NULL) != ERROR_SUCCESS);
}
