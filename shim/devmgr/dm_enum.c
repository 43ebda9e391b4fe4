/*
 * dm_enum.c - devload.h's older look-ups: EnumDevices (the legacy names
 * of the loaded drivers), GetDeviceKeys (a name's Active key and device
 * key) and GetDeviceHandleFromContext (an Active key's activation handle).
 * Names come from the hosts (FindFirstDevice); keys from the Active keys,
 * each confirmed against its host so a key left by a host that died is
 * never taken for a driver.
 */
#include <windows.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <ceshim.h>
#include <devload.h>

#include "common/trace.h"
#include "devmgr/dm_proto.h"

DWORD EnumDevices(LPWSTR DevList, LPDWORD lpBuflen)
{
    DWORD result, need = sizeof(WCHAR), fitted = 0, count = 0;
    DEVMGR_DEVICE_INFORMATION di;
    if (!lpBuflen) {
        result = ERROR_INVALID_PARAMETER;
        goto done;
    }
    DWORD cap = DevList ? *lpBuflen : 0;
    memset(&di, 0, sizeof(di));
    di.dwSize = sizeof(di);
    HANDLE search = FindFirstDevice(DeviceSearchByLegacyName, L"*", &di);
    BOOL more = search != INVALID_HANDLE_VALUE;
    /* Bytes: the safe reading of "the length of the buffer" (a caller
     * that meant characters gets half its buffer, never an overrun). */
    while (more) {
        DWORD bytes = (DWORD)((wcslen(di.szLegacyName) + 1) * sizeof(WCHAR));
        if (fitted == count && need + bytes <= cap) {
            memcpy((BYTE *)DevList + need - sizeof(WCHAR), di.szLegacyName, bytes);
            fitted++;
        }
        need += bytes;
        count++;
        more = FindNextDevice(search, &di);
    }
    if (search != INVALID_HANDLE_VALUE)
        CeShimFindClose(search); /* FindClose is not routed inside ceshim */
    if (!count)
        result = ERROR_NO_MORE_DEVICES;
    else if (fitted == count)
        result = ERROR_SUCCESS;
    else
        result = fitted ? ERROR_MORE_DATA : ERROR_INSUFFICIENT_BUFFER;
    if (DevList && cap >= sizeof(WCHAR)) {
        DWORD end = 0; /* the list's closing NUL after what fitted */
        for (DWORD i = 0; i < fitted; i++)
            end += (DWORD)((wcslen((const WCHAR *)((const BYTE *)DevList + end)) + 1) * sizeof(WCHAR));
        DevList[end / sizeof(WCHAR)] = 0;
    }
    if (result != ERROR_SUCCESS && result != ERROR_NO_MORE_DEVICES)
        *lpBuflen = need;
done:
    SetLastError(result);
    CESHIM_TRACE("EnumDevices(%p) = %lu, %lu devices", (void *)DevList, (unsigned long)result, (unsigned long)count);
    return result;
}

/* ---- the Active keys ------------------------------------------------------------------- */

static BOOL read_sz(HKEY k, const WCHAR *name, WCHAR *out, DWORD cch)
{
    DWORD type = 0, bytes = (cch - 1) * sizeof(WCHAR);
    memset(out, 0, cch * sizeof(WCHAR));
    return RegQueryValueExW(k, name, NULL, &type, (BYTE *)out, &bytes) == ERROR_SUCCESS && type == REG_SZ;
}

static BOOL read_handle(HKEY k, DWORD *hnd)
{
    DWORD type = 0, bytes = sizeof(*hnd);
    uint32_t bits, id, gen;
    return RegQueryValueExW(k, DEVLOAD_HANDLE_VALNAME, NULL, &type, (BYTE *)hnd, &bytes) == ERROR_SUCCESS &&
           type == REG_DWORD && bytes == sizeof(*hnd) && dm_handle_decode(*hnd, &bits, &id, &gen);
}

/* Drops "\$device\" or "$device\" from a name. */
static const WCHAR *device_part(const WCHAR *name)
{
    if (_wcsnicmp(name, L"\\$device\\", 9) == 0)
        return name + 9;
    if (_wcsnicmp(name, L"$device\\", 8) == 0)
        return name + 8;
    return name;
}

/* The Active key (HKLM, else HKCU: docs/decisions.md) of the live driver
 * called name; its path in active (32 chars), its device key in key. */
static BOOL find_active(const WCHAR *name, WCHAR *active, WCHAR *key)
{
    static const HKEY roots[2] = { HKEY_LOCAL_MACHINE, HKEY_CURRENT_USER };
    const WCHAR *bare = device_part(name);
    for (int r = 0; r < 2; r++) {
        HKEY parent;
        if (RegOpenKeyExW(roots[r], DEVLOAD_ACTIVE_KEY, 0, KEY_READ, &parent))
            continue;
        WCHAR sub[16];
        BOOL found = FALSE;
        for (DWORD i = 0; !found; i++) {
            DWORD chars = ARRAYSIZE(sub);
            if (RegEnumKeyExW(parent, i, sub, &chars, NULL, NULL, NULL, NULL))
                break;
            HKEY k;
            if (RegOpenKeyExW(parent, sub, 0, KEY_READ, &k))
                continue;
            WCHAR legacy[DEVNAME_LEN], full[DEVNAME_LEN];
            DWORD hnd = 0;
            BOOL named = (read_sz(k, DEVLOAD_DEVNAME_VALNAME, legacy, DEVNAME_LEN) && !_wcsicmp(legacy, name)) ||
                         (read_sz(k, DEVLOAD_DEVFULLNAME_VALNAME, full, DEVNAME_LEN) && !_wcsicmp(full, bare));
            if (named && read_handle(k, &hnd) && read_sz(k, DEVLOAD_DEVKEY_VALNAME, key, DEVKEY_LEN)) {
                DEVMGR_DEVICE_INFORMATION di;
                memset(&di, 0, sizeof(di));
                di.dwSize = sizeof(di);
                found = GetDeviceInformationByDeviceHandle((HANDLE)(ULONG_PTR)hnd, &di) &&
                        !_wcsicmp(di.szDeviceKey, key);
                _snwprintf(active, 32, L"%ls\\%ls", DEVLOAD_ACTIVE_KEY, sub);
                active[31] = 0;
            }
            RegCloseKey(k);
        }
        RegCloseKey(parent);
        if (found)
            return TRUE;
    }
    return FALSE;
}

/* Copies text into out (*len bytes); FALSE, *len = the need, if too small. */
static BOOL give(const WCHAR *text, LPWSTR out, LPDWORD len)
{
    DWORD need = (DWORD)((wcslen(text) + 1) * sizeof(WCHAR));
    if (!len)
        return TRUE;
    BOOL fits = *len >= need;
    if (out && fits)
        memcpy(out, text, need);
    *len = need;
    return fits || !out;
}

DWORD GetDeviceKeys(LPCWSTR DevName, LPWSTR ActiveKey, LPDWORD lpActiveLen, LPWSTR DriverKey, LPDWORD lpDriverLen)
{
    WCHAR active[32], key[DEVKEY_LEN];
    DWORD result = ERROR_SUCCESS;
    if (!DevName || !DevName[0] || (ActiveKey && !lpActiveLen) || (DriverKey && !lpDriverLen))
        result = ERROR_INVALID_PARAMETER;
    else if (!find_active(DevName, active, key))
        result = ERROR_DEV_NOT_EXIST;
    else {
        BOOL active_fits = give(active, ActiveKey, lpActiveLen);
        BOOL key_fits = give(key, DriverKey, lpDriverLen); /* both sizes set either way */
        if (!active_fits || !key_fits)
            result = ERROR_INSUFFICIENT_BUFFER;
    }
    SetLastError(result);
    CESHIM_TRACE("GetDeviceKeys(%ls) = %lu", DevName ? DevName : L"(null)", (unsigned long)result);
    return result;
}

HANDLE GetDeviceHandleFromContext(LPCWSTR pContext)
{
    HANDLE h = NULL;
    DWORD hnd = 0, error = ERROR_INVALID_PARAMETER;
    if (pContext && pContext[0] == L'\\')
        pContext++;
    /* Only Drivers\Active\NN: any other key of the registry is not a context. */
    if (pContext && !_wcsnicmp(pContext, DEVLOAD_ACTIVE_KEY L"\\", wcslen(DEVLOAD_ACTIVE_KEY) + 1) &&
        !wcschr(pContext + wcslen(DEVLOAD_ACTIVE_KEY) + 1, L'\\')) {
        HKEY k;
        LONG rc = RegOpenKeyExW(HKEY_LOCAL_MACHINE, pContext, 0, KEY_READ, &k);
        if (rc == ERROR_FILE_NOT_FOUND)
            rc = RegOpenKeyExW(HKEY_CURRENT_USER, pContext, 0, KEY_READ, &k);
        if (rc) {
            error = (DWORD)rc;
        } else {
            /* Hnd is there before XXX_Init runs, so a driver may ask from Init. */
            if (read_handle(k, &hnd)) {
                h = (HANDLE)(ULONG_PTR)hnd;
            } else {
                error = ERROR_INVALID_DATA;
            }
            RegCloseKey(k);
        }
    }
    if (!h)
        SetLastError(error);
    CESHIM_TRACE("GetDeviceHandleFromContext(%ls) = %p", pContext ? pContext : L"(null)", h);
    return h;
}
