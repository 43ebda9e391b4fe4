/*
 * svc_client.h - the client side of the services host (internal).
 */
#ifndef CESHIM_SVC_CLIENT_H
#define CESHIM_SVC_CLIENT_H

#include <windows.h>
#include <stdint.h>

#include "services/common/svc_names.h"
#include "services/common/svc_proto.h"

struct svc_call {
    uint32_t op, handle_id, handle_gen, code, arg0, arg1;
    const void *in;
    DWORD in_len;
    void *out;
    DWORD out_len;
};

struct svc_result {
    BOOL ok;
    DWORD error;
    DWORD out_len; /* bytes copied to call->out */
    DWORD value, value2;
};

/* How svc_transact treats a missing host. */
enum svc_host_need {
    SVC_HOST_START,        /* start one if none runs */
    SVC_HOST_RUNNING,      /* fail with ERROR_DEV_NOT_EXIST if none runs */
};

/* Runs one call in the host of `bits` (32 or 64: SVC_OWN_BITS or
 * SVC_PEER_BITS), on this thread's slot for it. *host_start: 0 = any host
 * of that bitness (set to the one used); nonzero = only that host, else
 * ERROR_DEVICE_REMOVED. FALSE with *error when the call could not be made
 * (the host is gone or could not start, out of memory, bad sizes; starting
 * the other bitness's host when CESHIM_SERVICES_HOST32/64 is not set gives
 * ERROR_BAD_EXE_FORMAT); otherwise TRUE and *res holds the service's
 * answer. */
BOOL svc_transact(const struct svc_call *call, struct svc_result *res, DWORD bits, uint64_t *host_start,
                  enum svc_host_need need, DWORD *error);

/* A call that loads a DLL (a service or a driver): in our bitness's host,
 * and in the other's when our host says ERROR_BAD_EXE_FORMAT. FALSE with
 * the last error set if it failed; *bits and *host say which host did it. */
BOOL svc_transact_load(const struct svc_call *call, struct svc_result *res, DWORD *bits, uint64_t *host);

/* RegisterService's and RegisterDevice's in area, L"ABC\0<lib>\0" (the
 * lib at char 4), and its size; FALSE if the arguments are bad. */
BOOL svc_register_in(const WCHAR *type, DWORD index, const WCHAR *lib, WCHAR in[4 + MAX_PATH], DWORD *bytes);

/* ---- handles (svc_handles.c) ---- */
enum svc_handle_kind { SVC_HANDLE_FILE = 1, SVC_HANDLE_SERVICE = 2 };

struct svc_handle_info {
    enum svc_handle_kind kind;
    DWORD host_bits;
    uint64_t host_start;
    uint32_t id, gen;
};

/* A new key handle (a real, unnamed kernel event) for the host object. */
HANDLE svc_handle_add(const struct svc_handle_info *info);
BOOL svc_handle_find(HANDLE h, struct svc_handle_info *info);
/* Forgets h and closes the key; FALSE if it was not a service handle. */
BOOL svc_handle_remove(HANDLE h, struct svc_handle_info *info);

/* Opens device name L"ABC0:" in the host: CE's CreateFile on a service.
 * dll/dll_bytes optionally receive the service's Dll value. */
HANDLE svc_open_device(const WCHAR *device, DWORD access, DWORD share, WCHAR *dll, DWORD *dll_bytes,
                       DWORD *error);
/* TRUE if name is a service device name ("ABC0:" or "\\$services\\ABC0:");
 * device receives the 6-char L"ABC0:" form. */
BOOL svc_parse_device_name(const WCHAR *name, WCHAR device[6]);
/* CreateFile's names: the service forms, a driver's legacy "ABC1:" (the
 * prefix may hold digits after its first letter) and "\\$device\\ABC<n>";
 * device receives the host's name: L"ABC1:" for one digit, else L"ABC12". */
BOOL svc_parse_any_device_name(const WCHAR *name, WCHAR device[16]);

/* The host of `bits` runs: found, or started and ready (svc_transport.c;
 * the host calls it too, to start the other bitness's host). */
BOOL svc_host_ensure(DWORD bits, DWORD *error);

/* CloseHandle's hook (svc_devio.c): TRUE if h was a service handle. */
BOOL ceshim_services_close_hook(HANDLE h, BOOL *result);

#endif /* CESHIM_SVC_CLIENT_H */
