/*
 * dm_keys.c - device keys: the host's lookup of a driver key, and
 * devload.h's OpenDeviceKey for drivers and applications.
 */
#include <windows.h>
#include <stdio.h>
#include <string.h>

#include <ceshim.h>
#include <devload.h>

#include "common/trace.h"
#include "devmgr/dm_keys.h"
#include "services/common/svc_config.h"

const GUID dm_stream_guid = { 0xf8a6ba98, 0x087a, 0x43ac, { 0xa9, 0xd8, 0xb7, 0xf1, 0x3c, 0x5b, 0xae, 0x31 } };

LONG dm_open_device_key(const WCHAR *path, REGSAM access, HKEY *out)
{
    WCHAR word[SVC_INSTANCE_MAX], full[64 + DEVKEY_LEN];
    if (svc_instance_word(word)) {
        _snwprintf(full, ARRAYSIZE(full), L"Software\\ceshim\\Instances\\%ls\\%ls", word, path);
        full[ARRAYSIZE(full) - 1] = 0;
        return RegOpenKeyExW(HKEY_CURRENT_USER, full, 0, access, out);
    }
    LONG rc = RegOpenKeyExW(HKEY_CURRENT_USER, path, 0, access, out);
    if (rc == ERROR_FILE_NOT_FOUND)
        rc = RegOpenKeyExW(HKEY_LOCAL_MACHINE, path, 0, access, out);
    return rc;
}

HKEY OpenDeviceKey(LPCWSTR ActiveKey)
{
    HKEY active = NULL, device = NULL;
    WCHAR key[DEVKEY_LEN];
    DWORD type = 0, bytes = sizeof(key) - sizeof(WCHAR);
    LONG rc = ERROR_INVALID_PARAMETER;
    memset(key, 0, sizeof(key));
    if (ActiveKey) {
        if (ActiveKey[0] == L'\\')
            ActiveKey++;
        /* The Active key is in HKLM, or HKCU where HKLM is read-only (docs/decisions.md). */
        rc = RegOpenKeyExW(HKEY_LOCAL_MACHINE, ActiveKey, 0, KEY_READ, &active);
        if (rc == ERROR_FILE_NOT_FOUND)
            rc = RegOpenKeyExW(HKEY_CURRENT_USER, ActiveKey, 0, KEY_READ, &active);
    }
    if (!rc) {
        rc = RegQueryValueExW(active, DEVLOAD_DEVKEY_VALNAME, NULL, &type, (BYTE *)key, &bytes);
        if (!rc && (type != REG_SZ || !key[0]))
            rc = ERROR_INVALID_DATA;
        RegCloseKey(active);
    }
    if (!rc)
        rc = dm_open_device_key(key, KEY_READ, &device);
    if (rc) {
        device = NULL;
        SetLastError((DWORD)rc);
    }
    CESHIM_TRACE("OpenDeviceKey(%ls) = %p, error %ld", ActiveKey ? ActiveKey : L"(null)", (void *)device, rc);
    return device;
}
