/*
 * svc_api.c - CE's service.h calls: ActivateService, RegisterService,
 * DeregisterService, GetServiceHandle, ServiceIoControl, EnumServices.
 */
#include <winsock2.h> /* before windows.h; service.h then declares the port calls */
#include <windows.h>
#include <stdint.h>
#include <string.h>

#include <ceshim.h>
#include <service.h>

#include "common/trace.h"
#include "services/client/svc_client.h"

BOOL svc_device_io_control(const struct svc_handle_info *info, uint32_t op, DWORD code, LPVOID in, DWORD in_len,
                           LPVOID out, DWORD out_len, LPDWORD returned);

BOOL svc_transact_load(const struct svc_call *call, struct svc_result *res, DWORD *bits, uint64_t *host)
{
    DWORD error;
    *bits = SVC_OWN_BITS;
    *host = 0;
    BOOL made = svc_transact(call, res, *bits, host, SVC_HOST_START, &error);
    if (made && !res->ok && res->error == ERROR_BAD_EXE_FORMAT) {
        *bits = SVC_PEER_BITS;
        *host = 0;
        made = svc_transact(call, res, *bits, host, SVC_HOST_START, &error);
    }
    if (!made) {
        SetLastError(error);
        return FALSE;
    }
    if (!res->ok) {
        SetLastError(res->error);
        return FALSE;
    }
    return TRUE;
}

/* A call that creates a service in the host; its key handle, or NULL. A
 * DLL of the other bitness does not load in our host
 * (ERROR_BAD_EXE_FORMAT): the other bitness's host, started if need be,
 * loads it. */
static HANDLE service_create(struct svc_call *call)
{
    struct svc_result res;
    uint64_t host;
    DWORD bits;
    if (!svc_transact_load(call, &res, &bits, &host))
        return NULL;
    struct svc_handle_info info = { SVC_HANDLE_SERVICE, bits, host, res.value, res.value2 };
    return svc_handle_add(&info);
}

HANDLE ActivateService(LPCWSTR lpszDevKey, DWORD dwClientInfo)
{
    (void)dwClientInfo; /* reserved, as on CE */
    HANDLE h = NULL;
    const WCHAR *name = lpszDevKey;
    /* CE builds "Services\<name>"; a caller may pass that form itself. */
    if (name && _wcsnicmp(name, L"Services\\", 9) == 0)
        name += 9;
    size_t len = name ? wcslen(name) : 0;
    if (!len || len >= 64 || wcschr(name, L'\\')) {
        SetLastError(ERROR_INVALID_PARAMETER);
    } else {
        struct svc_call call = { .op = SVC_OP_ACTIVATE, .in = name, .in_len = (DWORD)((len + 1) * sizeof(WCHAR)) };
        h = service_create(&call);
    }
    CESHIM_TRACE("ActivateService(%ls) = %p", lpszDevKey ? lpszDevKey : L"(null)", h);
    return h;
}

BOOL svc_register_in(const WCHAR *type, DWORD index, const WCHAR *lib, WCHAR in[4 + MAX_PATH], DWORD *bytes)
{
    size_t lib_len = lib ? wcslen(lib) : 0;
    if (!type || wcslen(type) != 3 || index > 9 || !lib_len || lib_len >= MAX_PATH)
        return FALSE;
    memcpy(in, type, 3 * sizeof(WCHAR));
    in[3] = 0;
    memcpy(in + 4, lib, (lib_len + 1) * sizeof(WCHAR));
    *bytes = (DWORD)((4 + lib_len + 1) * sizeof(WCHAR));
    return TRUE;
}

HANDLE RegisterService(LPCWSTR lpszType, DWORD dwIndex, LPCWSTR lpszLib, DWORD dwInfo)
{
    HANDLE h = NULL;
    WCHAR in[4 + MAX_PATH];
    DWORD bytes;
    if (!svc_register_in(lpszType, dwIndex, lpszLib, in, &bytes)) {
        SetLastError(ERROR_INVALID_PARAMETER);
    } else {
        struct svc_call call = { .op = SVC_OP_REGISTER, .arg0 = dwIndex, .arg1 = dwInfo, .in = in, .in_len = bytes };
        h = service_create(&call);
    }
    CESHIM_TRACE("RegisterService(%ls, %lu, %ls, 0x%lx) = %p", lpszType ? lpszType : L"(null)",
                 (unsigned long)dwIndex, lpszLib ? lpszLib : L"(null)", (unsigned long)dwInfo, h);
    return h;
}

BOOL DeregisterService(HANDLE hDevice)
{
    struct svc_handle_info info;
    BOOL ok = FALSE;
    if (!svc_handle_find(hDevice, &info)) {
        SetLastError(ERROR_INVALID_PARAMETER);
    } else {
        struct svc_call call = { .op = info.kind == SVC_HANDLE_FILE ? SVC_OP_DEREGISTER_OPEN : SVC_OP_DEREGISTER,
                                 .handle_id = info.id, .handle_gen = info.gen };
        struct svc_result res;
        uint64_t host = info.host_start;
        DWORD error;
        if (!svc_transact(&call, &res, info.host_bits, &host, SVC_HOST_RUNNING, &error)) {
            SetLastError(error);
        } else if (!res.ok) {
            SetLastError(res.error);
        } else {
            ok = TRUE;
            if (info.kind == SVC_HANDLE_SERVICE) /* the activation handle dies with the service */
                svc_handle_remove(hDevice, &info);
        }
    }
    CESHIM_TRACE("DeregisterService(%p) = %d", hDevice, ok);
    return ok;
}

HANDLE GetServiceHandle(LPWSTR szPrefix, LPWSTR szDllName, DWORD *pdwDllBuf)
{
    WCHAR device[6];
    HANDLE h = INVALID_HANDLE_VALUE;
    DWORD error = 0;
    /* CE6 and later: CreateFile(szPrefix); CE5's copy of the DLL name is
     * kept too (see docs/decisions.md). */
    if (!szPrefix || wcschr(szPrefix, L'\\') || !svc_parse_device_name(szPrefix, device) ||
        (szDllName && !pdwDllBuf)) {
        error = ERROR_INVALID_PARAMETER;
    } else {
        WCHAR dll[MAX_PATH];
        DWORD dll_bytes = sizeof(dll);
        h = svc_open_device(device, GENERIC_READ | GENERIC_WRITE, 0, dll, &dll_bytes, &error);
        if (h != INVALID_HANDLE_VALUE && pdwDllBuf) {
            DWORD need = dll_bytes; /* the name and its NUL */
            if (!szDllName || *pdwDllBuf < need) {
                BOOL ignored;
                ceshim_services_close_hook(h, &ignored);
                h = INVALID_HANDLE_VALUE;
                error = ERROR_MORE_DATA;
            } else {
                memcpy(szDllName, dll, need);
            }
            *pdwDllBuf = need;
        }
    }
    if (h == INVALID_HANDLE_VALUE)
        SetLastError(error);
    CESHIM_TRACE("GetServiceHandle(%ls) = %p", szPrefix ? szPrefix : L"(null)", h);
    return h;
}

BOOL ServiceIoControl(HANDLE hService, DWORD dwIoControlCode, LPVOID lpInBuf, DWORD nInBufSize, LPVOID lpOutBuf,
                      DWORD nOutBufSize, LPDWORD lpBytesReturned, LPOVERLAPPED lpOverlapped)
{
    (void)lpOverlapped;
    struct svc_handle_info info;
    BOOL ok = FALSE;
    if (!svc_handle_find(hService, &info))
        SetLastError(ERROR_INVALID_PARAMETER);
    else
        ok = svc_device_io_control(&info, info.kind == SVC_HANDLE_FILE ? SVC_OP_IOCTL : SVC_OP_SERVICE_IOCTL,
                                   dwIoControlCode, lpInBuf, nInBufSize, lpOutBuf, nOutBufSize, lpBytesReturned);
    CESHIM_TRACE("ServiceIoControl(%p, 0x%08lx) = %d", hService, (unsigned long)dwIoControlCode, ok);
    return ok;
}

/* ServiceAddPort / ServiceClosePort / ServiceUnbindPorts: the host binds
 * and accepts for the service (svc_ports.c). */
static BOOL port_call(HANDLE hService, uint32_t action, const void *addr, int len, int protocol)
{
    struct svc_handle_info info;
    if (!svc_handle_find(hService, &info) || (action != SVC_PORT_UNBIND && (!addr || len <= 0))) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    struct svc_call call = { .op = SVC_OP_PORT, .handle_id = info.id, .handle_gen = info.gen,
                             .code = info.kind == SVC_HANDLE_FILE ? SVC_PORT_HANDLE_OPEN : SVC_PORT_HANDLE_SERVICE,
                             .arg0 = action, .arg1 = (uint32_t)protocol, .in = addr,
                             .in_len = action == SVC_PORT_UNBIND ? 0 : (DWORD)len };
    struct svc_result res;
    uint64_t host = info.host_start;
    DWORD error;
    if (!svc_transact(&call, &res, info.host_bits, &host, SVC_HOST_RUNNING, &error)) {
        SetLastError(error);
        return FALSE;
    }
    if (!res.ok)
        SetLastError(res.error);
    return res.ok;
}

/* CE6+: the registry arguments are CE5's and rejected. */
BOOL ServiceAddPort(HANDLE hService, struct sockaddr *pSockAddr, int cbSockAddr, int iProtocol,
                    WCHAR *szRegWritePath)
{
    BOOL ok = FALSE;
    if (szRegWritePath)
        SetLastError(ERROR_INVALID_PARAMETER);
    else
        ok = port_call(hService, SVC_PORT_ADD, pSockAddr, cbSockAddr, iProtocol);
    CESHIM_TRACE("ServiceAddPort(%p, %d bytes, protocol %d) = %d", hService, cbSockAddr, iProtocol, ok);
    return ok;
}

BOOL ServiceClosePort(HANDLE hService, struct sockaddr *pSockAddr, int cbSockAddr, int iProtocol,
                      BOOL fRemoveFromRegistry)
{
    BOOL ok = FALSE;
    if (fRemoveFromRegistry)
        SetLastError(ERROR_INVALID_PARAMETER);
    else
        ok = port_call(hService, SVC_PORT_CLOSE, pSockAddr, cbSockAddr, iProtocol);
    CESHIM_TRACE("ServiceClosePort(%p, %d bytes, protocol %d) = %d", hService, cbSockAddr, iProtocol, ok);
    return ok;
}

BOOL ServiceUnbindPorts(HANDLE hService)
{
    BOOL ok = port_call(hService, SVC_PORT_UNBIND, NULL, 0, 0);
    CESHIM_TRACE("ServiceUnbindPorts(%p) = %d", hService, ok);
    return ok;
}

/* The list of services of the host of `bits`; HeapAlloc'd, NULL with the
 * error set. */
static struct svc_enum_entry *enum_from_host(DWORD bits, enum svc_host_need need, DWORD *count)
{
    DWORD cap = 16;
    for (int tries = 0; tries < 8; tries++) {
        DWORD bytes = cap * (DWORD)sizeof(struct svc_enum_entry);
        struct svc_enum_entry *e = HeapAlloc(GetProcessHeap(), 0, bytes);
        if (!e) {
            SetLastError(ERROR_OUTOFMEMORY);
            return NULL;
        }
        struct svc_call call = { .op = SVC_OP_ENUM, .out = e, .out_len = bytes };
        struct svc_result res;
        uint64_t host = 0;
        DWORD error;
        if (!svc_transact(&call, &res, bits, &host, need, &error)) {
            HeapFree(GetProcessHeap(), 0, e);
            SetLastError(error);
            return NULL;
        }
        if (res.ok) {
            *count = res.value <= cap ? res.value : cap;
            return e;
        }
        HeapFree(GetProcessHeap(), 0, e);
        if (res.error != ERROR_MORE_DATA || res.value <= cap) {
            SetLastError(res.error ? res.error : ERROR_GEN_FAILURE);
            return NULL;
        }
        cap = res.value + 8; /* services may come meanwhile */
    }
    SetLastError(ERROR_BUSY);
    return NULL;
}

/* Both hosts' lists: ours (started if need be), then the other
 * bitness's, if one runs. */
static struct svc_enum_entry *enum_all(DWORD *count)
{
    DWORD own = 0, peer = 0;
    struct svc_enum_entry *e = enum_from_host(SVC_OWN_BITS, SVC_HOST_START, &own);
    if (!e)
        return NULL;
    struct svc_enum_entry *p = enum_from_host(SVC_PEER_BITS, SVC_HOST_RUNNING, &peer);
    if (!p) {
        if (GetLastError() == ERROR_DEV_NOT_EXIST) { /* no host of the other bitness */
            *count = own;
            return e;
        }
        HeapFree(GetProcessHeap(), 0, e);
        return NULL;
    }
    struct svc_enum_entry *all = peer ? HeapReAlloc(GetProcessHeap(), 0, e, (own + peer) * sizeof(*e)) : e;
    if (!all) {
        HeapFree(GetProcessHeap(), 0, e);
        HeapFree(GetProcessHeap(), 0, p);
        SetLastError(ERROR_OUTOFMEMORY);
        return NULL;
    }
    memcpy(all + own, p, peer * sizeof(*p));
    HeapFree(GetProcessHeap(), 0, p);
    *count = own + peer;
    return all;
}

static size_t dll_chars(const struct svc_enum_entry *e)
{
    size_t n = 0;
    while (n < ARRAYSIZE(e->dll) - 1 && e->dll[n])
        n++;
    return n;
}

BOOL EnumServices(PBYTE pBuffer, DWORD *pdwServiceEntries, DWORD *pdwBufferLen)
{
    BOOL ok = FALSE;
    DWORD count = 0;
    struct svc_enum_entry *e = NULL;
    if (!pdwServiceEntries || !pdwBufferLen) {
        SetLastError(ERROR_INVALID_PARAMETER);
        goto out;
    }
    e = enum_all(&count);
    if (!e)
        goto out;
    size_t need = 0;
    for (DWORD i = 0; i < count; i++)
        need += sizeof(ServiceEnumInfo) + (dll_chars(&e[i]) + 1) * sizeof(WCHAR);
    if (!pBuffer || *pdwBufferLen < need) {
        SetLastError(pBuffer ? ERROR_MORE_DATA : ERROR_INSUFFICIENT_BUFFER);
        *pdwBufferLen = (DWORD)need;
        *pdwServiceEntries = count;
        goto out;
    }
    ServiceEnumInfo *info = (ServiceEnumInfo *)pBuffer;
    WCHAR *strings = (WCHAR *)(info + count);
    for (DWORD i = 0; i < count; i++) {
        size_t n = dll_chars(&e[i]);
        memcpy(info[i].szPrefix, e[i].prefix, sizeof(info[i].szPrefix));
        info[i].szPrefix[5] = 0;
        memcpy(strings, e[i].dll, n * sizeof(WCHAR));
        strings[n] = 0;
        info[i].szDllName = strings;
        info[i].hServiceHandle = NULL;
        info[i].dwServiceState = e[i].state;
        strings += n + 1;
    }
    *pdwServiceEntries = count;
    *pdwBufferLen = (DWORD)need;
    ok = TRUE;
out:
    if (e)
        HeapFree(GetProcessHeap(), 0, e);
    CESHIM_TRACE("EnumServices(%p) = %d, %lu entries", (void *)pBuffer, ok, (unsigned long)count);
    return ok;
}

/* CE6+ answers these CE5 calls with ERROR_CALL_NOT_IMPLEMENTED. */
HANDLE CreateServiceHandle(LPCWSTR lpNew, DWORD dwAccess, DWORD dwShareMode, HANDLE hProc)
{
    (void)lpNew;
    (void)dwAccess;
    (void)dwShareMode;
    (void)hProc;
    SetLastError(ERROR_CALL_NOT_IMPLEMENTED);
    return INVALID_HANDLE_VALUE;
}

BOOL GetServiceByIndex(DWORD dwIndex, LPWIN32_FIND_DATAW lpFindFileData)
{
    (void)dwIndex;
    (void)lpFindFileData;
    SetLastError(ERROR_CALL_NOT_IMPLEMENTED);
    return FALSE;
}

/* Stops the host of `bits`; TRUE if it stopped or none ran. */
static BOOL shutdown_host(DWORD bits)
{
    struct svc_call call = { .op = SVC_OP_SHUTDOWN };
    struct svc_result res;
    uint64_t host = 0;
    DWORD error;
    if (!svc_transact(&call, &res, bits, &host, SVC_HOST_RUNNING, &error))
        return error == ERROR_DEV_NOT_EXIST; /* none runs: nothing to do */
    return res.ok;
}

CESHIM_API BOOL WINAPI CeShimServicesShutdown(void)
{
    BOOL own = shutdown_host(SVC_OWN_BITS);
    BOOL peer = shutdown_host(SVC_PEER_BITS);
    return own && peer;
}
