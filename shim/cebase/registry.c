/*
 * registry.c - CE registry paths on the desktop registry: CE code writes
 * RegCreateKeyEx(HKEY_LOCAL_MACHINE, L"\\Drivers\\X", ...) (a leading
 * backslash, which desktop refuses with ERROR_BAD_PATHNAME) and passes
 * samDesired 0 (CE ignores it; desktop would open the key for nothing).
 * HKLM\Drivers and HKLM\Services, which every CE device has, are created
 * the first time a routed call runs. Everything else passes to Win32.
 */
#include <ceshim.h>

#include "common/trace.h"

static BOOL CALLBACK make_ce_roots(PINIT_ONCE once, PVOID param, PVOID *context)
{
    (void)once, (void)param, (void)context;
    static const WCHAR *const roots[] = {L"Drivers", L"Services"};
    DWORD error = GetLastError();
    for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
        HKEY key;
        /* Best effort: a desktop user without rights to HKLM gets the
         * Win32 error from the call that needs the key. */
        if (RegCreateKeyExW(HKEY_LOCAL_MACHINE, roots[i], 0, NULL, 0, KEY_READ, NULL, &key, NULL) ==
            ERROR_SUCCESS)
            RegCloseKey(key);
    }
    SetLastError(error);
    return TRUE;
}

static void ensure_ce_roots(void)
{
    static INIT_ONCE once = INIT_ONCE_STATIC_INIT;
    InitOnceExecuteOnce(&once, make_ce_roots, NULL, NULL);
}

static LPCWSTR skip_w(LPCWSTR path)
{
    while (path && *path == L'\\')
        path++;
    return path;
}

static LPCSTR skip_a(LPCSTR path)
{
    while (path && *path == '\\')
        path++;
    return path;
}

static REGSAM ce_sam(REGSAM sam)
{
    return sam ? sam : KEY_ALL_ACCESS;
}

LONG WINAPI CeShimRegCreateKeyExW(HKEY hKey, LPCWSTR lpSubKey, DWORD Reserved, LPWSTR lpClass, DWORD dwOptions,
                                  REGSAM samDesired, LPSECURITY_ATTRIBUTES lpSecurityAttributes, PHKEY phkResult,
                                  LPDWORD lpdwDisposition)
{
    ensure_ce_roots();
    LONG rc = RegCreateKeyExW(hKey, skip_w(lpSubKey), Reserved, lpClass, dwOptions, ce_sam(samDesired),
                              lpSecurityAttributes, phkResult, lpdwDisposition);
    CESHIM_TRACE("RegCreateKeyExW(%p, %ls, 0x%lx) = %ld", (void *)hKey, lpSubKey ? lpSubKey : L"NULL",
                 (unsigned long)samDesired, rc);
    return rc;
}

LONG WINAPI CeShimRegCreateKeyExA(HKEY hKey, LPCSTR lpSubKey, DWORD Reserved, LPSTR lpClass, DWORD dwOptions,
                                  REGSAM samDesired, LPSECURITY_ATTRIBUTES lpSecurityAttributes, PHKEY phkResult,
                                  LPDWORD lpdwDisposition)
{
    ensure_ce_roots();
    return RegCreateKeyExA(hKey, skip_a(lpSubKey), Reserved, lpClass, dwOptions, ce_sam(samDesired),
                           lpSecurityAttributes, phkResult, lpdwDisposition);
}

LONG WINAPI CeShimRegOpenKeyExW(HKEY hKey, LPCWSTR lpSubKey, DWORD ulOptions, REGSAM samDesired, PHKEY phkResult)
{
    ensure_ce_roots();
    LONG rc = RegOpenKeyExW(hKey, skip_w(lpSubKey), ulOptions, ce_sam(samDesired), phkResult);
    CESHIM_TRACE("RegOpenKeyExW(%p, %ls, 0x%lx) = %ld", (void *)hKey, lpSubKey ? lpSubKey : L"NULL",
                 (unsigned long)samDesired, rc);
    return rc;
}

LONG WINAPI CeShimRegOpenKeyExA(HKEY hKey, LPCSTR lpSubKey, DWORD ulOptions, REGSAM samDesired, PHKEY phkResult)
{
    ensure_ce_roots();
    return RegOpenKeyExA(hKey, skip_a(lpSubKey), ulOptions, ce_sam(samDesired), phkResult);
}

LONG WINAPI CeShimRegDeleteKeyW(HKEY hKey, LPCWSTR lpSubKey)
{
    return RegDeleteKeyW(hKey, skip_w(lpSubKey));
}

LONG WINAPI CeShimRegDeleteKeyA(HKEY hKey, LPCSTR lpSubKey)
{
    return RegDeleteKeyA(hKey, skip_a(lpSubKey));
}
