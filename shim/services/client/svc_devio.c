/*
 * svc_devio.c - CE's file calls on service handles: CreateFile(L"ABC0:"),
 * DeviceIoControl, ReadFile, WriteFile, SetFilePointer and CloseHandle
 * reach the service in ceservicesd.exe; every other name and handle goes to
 * Win32 unchanged.
 */
#include <windows.h>
#include <stdint.h>
#include <string.h>

#include <ceshim.h>
#include <pkfuncs.h>

#include "common/trace.h"
#include "services/client/svc_client.h"


static BOOL is_alpha(WCHAR c) { return (c >= L'A' && c <= L'Z') || (c >= L'a' && c <= L'z'); }

BOOL svc_parse_device_name(const WCHAR *name, WCHAR device[6])
{
    static const WCHAR volume[] = L"\\$services\\";
    if (!name)
        return FALSE;
    if (_wcsnicmp(name, volume, ARRAYSIZE(volume) - 1) == 0)
        name += ARRAYSIZE(volume) - 1;
    if (!is_alpha(name[0]) || !is_alpha(name[1]) || !is_alpha(name[2]) || name[3] < L'0' || name[3] > L'9' ||
        name[4] != L':' || name[5] != 0)
        return FALSE;
    memcpy(device, name, 6 * sizeof(WCHAR));
    return TRUE;
}

static BOOL is_alnum(WCHAR c) { return is_alpha(c) || (c >= L'0' && c <= L'9'); }

BOOL svc_parse_any_device_name(const WCHAR *name, WCHAR device[16])
{
    static const WCHAR device_volume[] = L"\\$device\\";
    WCHAR six[6];
    if (svc_parse_device_name(name, six)) {
        memcpy(device, six, sizeof(six));
        return TRUE;
    }
    if (!name)
        return FALSE;
    BOOL ns = _wcsnicmp(name, device_volume, ARRAYSIZE(device_volume) - 1) == 0;
    if (ns)
        name += ARRAYSIZE(device_volume) - 1;
    /* A prefix of three: a letter, then letters or digits (PipeLib's "PD0"). */
    if (!is_alpha(name[0]) || !is_alnum(name[1]) || !is_alnum(name[2]))
        return FALSE;
    size_t digits = 0;
    while (digits < 10 && name[3 + digits] >= L'0' && name[3 + digits] <= L'9')
        digits++;
    if (!digits)
        return FALSE;
    if (!ns) { /* legacy: one digit and a colon */
        if (digits != 1 || name[4] != L':' || name[5] != 0)
            return FALSE;
        memcpy(device, name, 6 * sizeof(WCHAR));
        return TRUE;
    }
    if (name[3 + digits] != 0 || (digits > 1 && name[3] == L'0'))
        return FALSE;
    /* \$device\ABC1 is ABC1:; \$device\ABC12 has no legacy name. */
    memcpy(device, name, (3 + digits) * sizeof(WCHAR));
    device[3 + digits] = digits == 1 ? L':' : 0;
    device[4 + digits] = 0;
    if (digits == 1)
        device[5] = 0;
    return TRUE;
}

/* Desktop Windows has its own COMn: and LPTn: devices. */
static BOOL is_desktop_device(const WCHAR *device)
{
    return _wcsnicmp(device, L"COM", 3) == 0 || _wcsnicmp(device, L"LPT", 3) == 0;
}

/* The service's last error reaches the caller as if the service had run on
 * the caller's thread (as on CE): only when the service set one. */
static void pass_error(const struct svc_result *res)
{
    if (res->error)
        SetLastError(res->error);
}

/* FALSE when the host asked has no such device, or no host runs. */
static BOOL device_found(BOOL made, const struct svc_result *res, DWORD error)
{
    return made ? res->ok || res->error != ERROR_DEV_NOT_EXIST : error != ERROR_DEV_NOT_EXIST;
}

HANDLE svc_open_device(const WCHAR *device, DWORD access, DWORD share, WCHAR *dll, DWORD *dll_bytes, DWORD *error)
{
    struct svc_call call = { .op = SVC_OP_OPEN, .arg0 = access, .arg1 = share, .in = device,
                             .in_len = (DWORD)((wcslen(device) + 1) * sizeof(WCHAR)), .out = dll,
                             .out_len = dll_bytes ? *dll_bytes : 0 };
    struct svc_result res;
    uint64_t host = 0;
    DWORD bits = SVC_OWN_BITS;
    enum svc_host_need need = is_desktop_device(device) ? SVC_HOST_RUNNING : SVC_HOST_START;
    BOOL made = svc_transact(&call, &res, bits, &host, need, error);
    /* Not opened here: the other bitness's host, if one runs (a host
     * booting services of the other bitness starts it), may have the name
     * (say our DLL for it failed to load and the other bitness's did).
     * Its success wins; its error only if we have no such device. */
    if (!made || !res.ok) {
        struct svc_result peer;
        uint64_t peer_host = 0;
        DWORD peer_error;
        BOOL peer_made = svc_transact(&call, &peer, SVC_PEER_BITS, &peer_host, SVC_HOST_RUNNING, &peer_error);
        if (peer_made &&
            (peer.ok || (!device_found(made, &res, *error) && device_found(peer_made, &peer, peer_error)))) {
            made = TRUE;
            res = peer;
            host = peer_host;
            bits = SVC_PEER_BITS;
        }
    }
    if (!made)
        return INVALID_HANDLE_VALUE;
    if (dll_bytes)
        *dll_bytes = res.out_len;
    if (!res.ok) {
        *error = res.error ? res.error : ERROR_OPEN_FAILED;
        return INVALID_HANDLE_VALUE;
    }
    struct svc_handle_info info = { SVC_HANDLE_FILE, bits, host, res.value, res.value2 };
    HANDLE h = svc_handle_add(&info);
    if (!h) {
        struct svc_call close = { .op = SVC_OP_CLOSE, .handle_id = res.value, .handle_gen = res.value2 };
        DWORD ignored;
        svc_transact(&close, &res, bits, &host, SVC_HOST_RUNNING, &ignored);
        *error = ERROR_OUTOFMEMORY;
        return INVALID_HANDLE_VALUE;
    }
    return h;
}

HANDLE WINAPI CeShimCreateFileW(LPCWSTR lpFileName, DWORD dwDesiredAccess, DWORD dwShareMode,
                                LPSECURITY_ATTRIBUTES lpSecurityAttributes, DWORD dwCreationDisposition,
                                DWORD dwFlagsAndAttributes, HANDLE hTemplateFile)
{
    WCHAR device[16];
    if (!svc_parse_any_device_name(lpFileName, device))
        return CreateFileW(lpFileName, dwDesiredAccess, dwShareMode, lpSecurityAttributes, dwCreationDisposition,
                           dwFlagsAndAttributes, hTemplateFile);
    DWORD error = 0;
    HANDLE h = svc_open_device(device, dwDesiredAccess, dwShareMode, NULL, NULL, &error);
    if (h == INVALID_HANDLE_VALUE && is_desktop_device(device) && error == ERROR_DEV_NOT_EXIST)
        return CreateFileW(lpFileName, dwDesiredAccess, dwShareMode, lpSecurityAttributes, dwCreationDisposition,
                           dwFlagsAndAttributes, hTemplateFile);
    CESHIM_TRACE("CreateFileW(%ls, 0x%lx, 0x%lx) = %p, error %lu", lpFileName, (unsigned long)dwDesiredAccess,
                 (unsigned long)dwShareMode, h, (unsigned long)error);
    if (h == INVALID_HANDLE_VALUE)
        SetLastError(error);
    return h;
}

HANDLE WINAPI CeShimCreateFileA(LPCSTR lpFileName, DWORD dwDesiredAccess, DWORD dwShareMode,
                                LPSECURITY_ATTRIBUTES lpSecurityAttributes, DWORD dwCreationDisposition,
                                DWORD dwFlagsAndAttributes, HANDLE hTemplateFile)
{
    WCHAR wide[32], device[16]; /* room for L"\\$services\\ABC0:", L"\\$device\\ABC1234567890" */
    if (lpFileName && strlen(lpFileName) < ARRAYSIZE(wide) &&
        MultiByteToWideChar(CP_ACP, 0, lpFileName, -1, wide, ARRAYSIZE(wide)) &&
        svc_parse_any_device_name(wide, device))
        return CeShimCreateFileW(wide, dwDesiredAccess, dwShareMode, lpSecurityAttributes, dwCreationDisposition,
                                 dwFlagsAndAttributes, hTemplateFile);
    return CreateFileA(lpFileName, dwDesiredAccess, dwShareMode, lpSecurityAttributes, dwCreationDisposition,
                       dwFlagsAndAttributes, hTemplateFile);
}

/* A call on an open service handle; FALSE with the error set if it could
 * not be made. */
static BOOL call_open_handle(const struct svc_handle_info *info, struct svc_call *call, struct svc_result *res)
{
    uint64_t host = info->host_start;
    DWORD error;
    call->handle_id = info->id;
    call->handle_gen = info->gen;
    if (!svc_transact(call, res, info->host_bits, &host, SVC_HOST_RUNNING, &error)) {
        SetLastError(error);
        return FALSE;
    }
    return TRUE;
}

BOOL svc_device_io_control(const struct svc_handle_info *info, uint32_t op, DWORD code, LPVOID in, DWORD in_len,
                           LPVOID out, DWORD out_len, LPDWORD returned)
{
    if (code == IOCTL_PSL_NOTIFY && op == SVC_OP_IOCTL) {
        /* Only the host sends it, as only CE's device manager may. */
        SetLastError(ERROR_ACCESS_DENIED);
        return FALSE;
    }
    if ((in_len && !in) || (out_len && !out)) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    struct svc_call call = { .op = op, .code = code,
                             .arg0 = (in ? 0 : SVC_ARG_IN_NULL) | (out ? 0 : SVC_ARG_OUT_NULL), .in = in,
                             .in_len = in_len, .out = out, .out_len = out_len };
    struct svc_result res;
    if (!call_open_handle(info, &call, &res))
        return FALSE;
    if (returned)
        *returned = res.value;
    pass_error(&res);
    return res.ok;
}

BOOL WINAPI CeShimDeviceIoControl(HANDLE hDevice, DWORD dwIoControlCode, LPVOID lpInBuffer, DWORD nInBufferSize,
                                  LPVOID lpOutBuffer, DWORD nOutBufferSize, LPDWORD lpBytesReturned,
                                  LPOVERLAPPED lpOverlapped)
{
    struct svc_handle_info info;
    if (!svc_handle_find(hDevice, &info) || info.kind != SVC_HANDLE_FILE)
        return DeviceIoControl(hDevice, dwIoControlCode, lpInBuffer, nInBufferSize, lpOutBuffer, nOutBufferSize,
                               lpBytesReturned, lpOverlapped);
    /* Service calls complete synchronously, as on CE; lpOverlapped is unused. */
    BOOL ok = svc_device_io_control(&info, SVC_OP_IOCTL, dwIoControlCode, lpInBuffer, nInBufferSize, lpOutBuffer,
                                    nOutBufferSize, lpBytesReturned);
    CESHIM_TRACE("DeviceIoControl(%p, 0x%08lx, %lu, %lu) = %d", hDevice, (unsigned long)dwIoControlCode,
                 (unsigned long)nInBufferSize, (unsigned long)nOutBufferSize, ok);
    return ok;
}

/* xxx_Read or xxx_Write for ReadFile/WriteFile: *done gets the count,
 * and 0xFFFFFFFF from the service is a failure with its error. */
static BOOL stream_call(const struct svc_handle_info *info, struct svc_call *call, const void *buffer, DWORD len,
                        LPDWORD done)
{
    if (len && !buffer) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    struct svc_result res;
    if (done)
        *done = 0;
    if (!call_open_handle(info, call, &res))
        return FALSE;
    pass_error(&res);
    if (!res.ok)
        return FALSE;
    if (done)
        *done = res.value;
    return TRUE;
}

BOOL WINAPI CeShimReadFile(HANDLE hFile, LPVOID lpBuffer, DWORD nNumberOfBytesToRead, LPDWORD lpNumberOfBytesRead,
                           LPOVERLAPPED lpOverlapped)
{
    struct svc_handle_info info;
    if (!svc_handle_find(hFile, &info) || info.kind != SVC_HANDLE_FILE)
        return ReadFile(hFile, lpBuffer, nNumberOfBytesToRead, lpNumberOfBytesRead, lpOverlapped);
    struct svc_call call = { .op = SVC_OP_READ, .out = lpBuffer, .out_len = nNumberOfBytesToRead };
    return stream_call(&info, &call, lpBuffer, nNumberOfBytesToRead, lpNumberOfBytesRead);
}

BOOL WINAPI CeShimWriteFile(HANDLE hFile, LPCVOID lpBuffer, DWORD nNumberOfBytesToWrite,
                            LPDWORD lpNumberOfBytesWritten, LPOVERLAPPED lpOverlapped)
{
    struct svc_handle_info info;
    if (!svc_handle_find(hFile, &info) || info.kind != SVC_HANDLE_FILE)
        return WriteFile(hFile, lpBuffer, nNumberOfBytesToWrite, lpNumberOfBytesWritten, lpOverlapped);
    struct svc_call call = { .op = SVC_OP_WRITE, .in = lpBuffer, .in_len = nNumberOfBytesToWrite };
    return stream_call(&info, &call, lpBuffer, nNumberOfBytesToWrite, lpNumberOfBytesWritten);
}

DWORD WINAPI CeShimSetFilePointer(HANDLE hFile, LONG lDistanceToMove, PLONG lpDistanceToMoveHigh,
                                  DWORD dwMoveMethod)
{
    struct svc_handle_info info;
    if (!svc_handle_find(hFile, &info) || info.kind != SVC_HANDLE_FILE)
        return SetFilePointer(hFile, lDistanceToMove, lpDistanceToMoveHigh, dwMoveMethod);
    struct svc_call call = { .op = SVC_OP_SEEK, .arg0 = (uint32_t)lDistanceToMove, .arg1 = dwMoveMethod };
    struct svc_result res;
    if (!call_open_handle(&info, &call, &res))
        return INVALID_SET_FILE_POINTER;
    if (lpDistanceToMoveHigh)
        *lpDistanceToMoveHigh = 0; /* xxx_Seek is 32-bit */
    pass_error(&res);
    return res.value;
}

/* CloseHandle on a service handle (called by CeShimCloseHandle): xxx_Close
 * for a file handle; an activation handle is just forgotten (CE unloads a
 * service with DeregisterService, not CloseHandle). */
BOOL ceshim_services_close_hook(HANDLE h, BOOL *result)
{
    struct svc_handle_info info;
    if (!svc_handle_remove(h, &info))
        return FALSE;
    *result = TRUE;
    if (info.kind == SVC_HANDLE_FILE) {
        struct svc_call call = { .op = SVC_OP_CLOSE };
        struct svc_result res;
        DWORD saved = GetLastError();
        /* The handle was this process's, so closing it succeeds even when
         * the open is already gone: the host died, or DeregisterService
         * unloaded the service and closed its opens. */
        call_open_handle(&info, &call, &res);
        SetLastError(saved);
    }
    return TRUE;
}
