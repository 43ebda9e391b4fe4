/*
 * dm_api.c - CE's device-manager calls for applications: ActivateDevice,
 * ActivateDeviceEx, DeactivateDevice. The driver loads in the services
 * host of its bitness (dm_host.c), through the services transport.
 */
#include <windows.h>
#include <stdint.h>
#include <string.h>

#include <ceshim.h>
#include <devload.h>

#include "common/trace.h"
#include "caller/caller.h"
#include "devmgr/dm_proto.h"
#include "services/client/svc_client.h"

/* The request's in area: header, key, REGINI records (dm_proto.h). NULL
 * with *error on bad input or no memory. */
static uint8_t *build_request(const WCHAR *key, const REGINI *ents, DWORD count, DWORD client_info, LPVOID param,
                              DWORD *bytes, DWORD *error)
{
    size_t key_chars = wcslen(key) + 1;
    uint64_t total = DM_ALIGN4(sizeof(struct dm_activate_in) + key_chars * sizeof(WCHAR));
    for (DWORD i = 0; i < count; i++) {
        if (!ents[i].lpszVal || !ents[i].lpszVal[0] || wcslen(ents[i].lpszVal) > 255 ||
            (ents[i].dwLen && !ents[i].pData) || ents[i].dwLen > SVC_SLOT_MAX_DATA) {
            *error = ERROR_INVALID_PARAMETER;
            return NULL;
        }
        total = DM_ALIGN4(total + sizeof(struct dm_regini_rec) + (wcslen(ents[i].lpszVal) + 1) * sizeof(WCHAR) +
                          ents[i].dwLen);
    }
    if (total > SVC_SLOT_MAX_DATA / 2) {
        *error = ERROR_INVALID_PARAMETER;
        return NULL;
    }
    uint8_t *buf = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, (SIZE_T)total);
    if (!buf) {
        *error = ERROR_OUTOFMEMORY;
        return NULL;
    }
    struct dm_activate_in head = { (uint32_t)key_chars, count, client_info, 0, (uint64_t)(uintptr_t)param };
    memcpy(buf, &head, sizeof(head));
    memcpy(buf + sizeof(head), key, key_chars * sizeof(WCHAR));
    uint64_t off = DM_ALIGN4(sizeof(head) + key_chars * sizeof(WCHAR));
    for (DWORD i = 0; i < count; i++) {
        size_t name_chars = wcslen(ents[i].lpszVal) + 1;
        struct dm_regini_rec rec = { (uint32_t)name_chars, ents[i].dwType, ents[i].dwLen, 0 };
        memcpy(buf + off, &rec, sizeof(rec));
        memcpy(buf + off + sizeof(rec), ents[i].lpszVal, name_chars * sizeof(WCHAR));
        if (ents[i].dwLen)
            memcpy(buf + off + sizeof(rec) + name_chars * sizeof(WCHAR), ents[i].pData, ents[i].dwLen);
        off = DM_ALIGN4(off + sizeof(rec) + name_chars * sizeof(WCHAR) + ents[i].dwLen);
    }
    *bytes = (DWORD)total;
    return buf;
}

/* Activates in our bitness's host, or the other's for a DLL of the other
 * bitness. NULL on failure (CE 6.0). */
static HANDLE activate(const WCHAR *key, const REGINI *ents, DWORD count, DWORD client_info, LPVOID param)
{
    DWORD error = ERROR_INVALID_PARAMETER, bytes = 0;
    if (!key) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return NULL;
    }
    if (key[0] == L'\\') /* callers write both "Drivers\X" and "\Drivers\X" */
        key++;
    size_t len = wcslen(key);
    if (!len || len >= DEVKEY_LEN || (count && !ents)) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return NULL;
    }
    uint8_t *in = build_request(key, ents, count, client_info, param, &bytes, &error);
    if (!in) {
        SetLastError(error);
        return NULL;
    }
    struct svc_call call = { .op = SVC_OP_DM_ACTIVATE, .in = in, .in_len = bytes };
    struct svc_result res;
    uint64_t host;
    DWORD bits;
    BOOL ok = svc_transact_load(&call, &res, &bits, &host);
    error = GetLastError();
    HeapFree(GetProcessHeap(), 0, in);
    if (!ok) {
        SetLastError(error);
        return NULL;
    }
    return (HANDLE)(ULONG_PTR)res.value;
}

HANDLE ActivateDeviceEx(LPCWSTR lpszDevKey, LPCVOID lpRegEnts, DWORD cRegEnts, LPVOID lpvParam)
{
    HANDLE h = activate(lpszDevKey, lpRegEnts, cRegEnts, 0, lpvParam);
    CESHIM_TRACE("ActivateDeviceEx(%ls, %lu values, %p) = %p, error %lu", lpszDevKey ? lpszDevKey : L"(null)",
                 (unsigned long)cRegEnts, lpvParam, h, h ? 0ul : (unsigned long)GetLastError());
    return h;
}

HANDLE ActivateDevice(LPCWSTR lpszDevKey, DWORD dwClientInfo)
{
    HANDLE h = activate(lpszDevKey, NULL, 0, dwClientInfo, NULL);
    CESHIM_TRACE("ActivateDevice(%ls, 0x%lx) = %p, error %lu", lpszDevKey ? lpszDevKey : L"(null)",
                 (unsigned long)dwClientInfo, h, h ? 0ul : (unsigned long)GetLastError());
    return h;
}

HANDLE RegisterDevice(LPCWSTR lpszType, DWORD dwIndex, LPCWSTR lpszLib, DWORD dwInfo)
{
    HANDLE h = NULL;
    WCHAR in[4 + MAX_PATH];
    DWORD bytes;
    if (!svc_register_in(lpszType, dwIndex, lpszLib, in, &bytes)) {
        SetLastError(ERROR_INVALID_PARAMETER);
    } else {
        struct svc_call call = { .op = SVC_OP_DM_REGISTER, .arg0 = dwIndex, .arg1 = dwInfo, .in = in,
                                 .in_len = bytes };
        struct svc_result res;
        uint64_t host;
        DWORD bits;
        if (svc_transact_load(&call, &res, &bits, &host))
            h = (HANDLE)(ULONG_PTR)res.value;
    }
    CESHIM_TRACE("RegisterDevice(%ls, %lu, %ls, 0x%lx) = %p", lpszType ? lpszType : L"(null)",
                 (unsigned long)dwIndex, lpszLib ? lpszLib : L"(null)", (unsigned long)dwInfo, h);
    return h;
}

BOOL DeregisterDevice(HANDLE hDevice)
{
    return DeactivateDevice(hDevice);
}

static BOOL deactivate_now(HANDLE hDevice)
{
    uint32_t bits, id, gen_low;
    BOOL ok = FALSE;
    if (!dm_handle_decode((uint64_t)(ULONG_PTR)hDevice, &bits, &id, &gen_low)) {
        SetLastError(ERROR_INVALID_HANDLE);
    } else {
        struct svc_call call = { .op = SVC_OP_DM_DEACTIVATE, .handle_id = id, .handle_gen = gen_low };
        struct svc_result res;
        uint64_t host = 0;
        DWORD error;
        if (!svc_transact(&call, &res, bits, &host, SVC_HOST_RUNNING, &error))
            SetLastError(error == ERROR_DEV_NOT_EXIST ? ERROR_INVALID_HANDLE : error); /* no host: no such device */
        else if (!res.ok)
            SetLastError(res.error);
        else
            ok = TRUE;
    }
    return ok;
}

static DWORD WINAPI deactivate_later(void *arg)
{
    deactivate_now(arg); /* waits until the entry point that asked has returned */
    return 0;
}

BOOL DeactivateDevice(HANDLE hDevice)
{
    BOOL ok;
    DEVMGR_DEVICE_INFORMATION di;
    if (ceshim_caller_depth() > 0) {
        /* A host thread inside an entry point (a driver deactivating
         * itself from its IOControl, Close, PSL notify...): deactivation
         * waits for calls in progress, this one included, so it is done
         * on a thread of its own once the handle is known to be good
         * (CE's use counts: the last call out lets the driver go). */
        memset(&di, 0, sizeof(di));
        di.dwSize = sizeof(di);
        HANDLE t = NULL;
        ok = GetDeviceInformationByDeviceHandle(hDevice, &di) &&
             (t = CreateThread(NULL, 0, deactivate_later, hDevice, 0, NULL)) != NULL;
        if (t)
            CloseHandle(t);
    } else {
        ok = deactivate_now(hDevice);
    }
    CESHIM_TRACE("DeactivateDevice(%p) = %d", hDevice, ok);
    return ok;
}
