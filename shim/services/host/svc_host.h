/*
 * svc_host.h - ceservicesd.exe's insides (compiled into ceshim.dll, run by
 * CeShimServicesHostMain): loaded services and drivers, open handles,
 * client processes, super services' ports, workers. Host functions only:
 * the client's are in services/client/svc_client.h, devmgr's stream
 * drivers in devmgr/dm_host.h (reached through svc_host_state.h's table).
 *
 * The files form a line, each calling only those before it:
 * svc_host_state.c (log, stop flags, driver table) < svc_quiet.c,
 * svc_ports.c, svc_opens.c < svc_services.c < svc_worker.c <
 * svc_host_main.c; devmgr/dm_host.c sits above svc_services.c.
 */
#ifndef CESHIM_SVC_HOST_H
#define CESHIM_SVC_HOST_H

#include <windows.h>
#include <stdint.h>

#include "services/common/svc_config.h"
#include "services/common/svc_proto.h"
#include "devmgr/dm_proto.h"
#include "caller/caller.h" /* calling into a service as its client */
#include "services/host/svc_host_state.h"

typedef DWORD (*svc_init_fn)(DWORD);
typedef BOOL (*svc_ctx_fn)(DWORD);
typedef DWORD (*svc_open_fn)(DWORD, DWORD, DWORD);
typedef DWORD (*svc_read_fn)(DWORD, LPVOID, DWORD);
typedef DWORD (*svc_write_fn)(DWORD, LPCVOID, DWORD);
typedef DWORD (*svc_seek_fn)(DWORD, long, DWORD);
typedef BOOL (*svc_ioctl_fn)(DWORD, DWORD, PBYTE, DWORD, PBYTE, DWORD, PDWORD);

/* One loaded service instance ("ABC0:"). */
struct svc_service {
    uint32_t id, gen;           /* its slot in the table, and which use of it */
    volatile LONG refs;         /* the table's + one per call or open in progress */
    volatile LONG dying;        /* being unloaded: no new opens or calls */
    WCHAR key[SVC_NAME_MAX];    /* registry key ("" for RegisterService) */
    WCHAR device[16];           /* L"ABC0:"; a driver with Index >= 10: L"ABC12";
                                   a driver without Prefix: L"" */
    WCHAR dll[MAX_PATH];
    DWORD flags, context, init_ctx;
    HMODULE module;
    svc_init_fn init;
    svc_ctx_fn deinit, close, preclose, predeinit;
    svc_open_fn open;
    svc_read_fn read;
    svc_write_fn write;
    svc_seek_fn seek;
    svc_ioctl_fn ioctl;
    struct svc_ports *ports;    /* a super service's ports (svc_ports.c); NULL if none */
    HANDLE claim;               /* the session-wide claim of `device` (both bitnesses' hosts) */
    struct dm_driver *driver;   /* a stream driver (shim/devmgr/dm_host.c); NULL for a service */
};

/* ---- svc_services.c ---- */
DWORD svc_services_activate(const WCHAR *key, struct svc_service **out);
DWORD svc_services_register(const WCHAR *prefix, DWORD index, const WCHAR *dll, DWORD info,
                            struct svc_service **out);
/* Unloads (QUERY_CAN_DEINIT, PreDeinit, closes its opens, Deinit). */
DWORD svc_services_unload(struct svc_service *svc);
/* Pins a service by id/gen or device name (NULL if none or dying); unpin
 * with svc_service_put. */
struct svc_service *svc_service_get(uint32_t id, uint32_t gen);
struct svc_service *svc_service_by_device(const WCHAR *device);
/* Unpins (inline: opens and drivers unpin without calling up into
 * svc_services.c). */
static inline void svc_service_put(struct svc_service *svc)
{
    InterlockedDecrement(&svc->refs);
}
/* Fills up to cap entries; returns how many services there are. */
DWORD svc_services_enum(struct svc_enum_entry *out, DWORD cap, DWORD client_pid);
/* Loads the boot services in Order; returns how many are DLLs of the other
 * bitness (ERROR_BAD_EXE_FORMAT), left to the other bitness's host. */
DWORD svc_services_boot(void);
/* Why the boot service named `device` ("ABC0:") did not load; 0 if it did
 * or none is configured. */
DWORD svc_services_boot_error(const WCHAR *device);
/* Unloads everything (host exit). */
void svc_services_unload_all(void);

/* Frees a service or driver that is unloaded (or never loaded). */
void svc_service_free(struct svc_service *svc);
/* Loads a stream driver (svc->driver set; dm_host.c fills it): reserves
 * the name, creates the Active key, XXX_Init. Frees svc on failure. */
DWORD svc_services_load_driver(struct svc_service *svc, struct svc_service **out);
/* Pins a driver by id and the low DM_HANDLE_GEN_BITS of its generation. */
struct svc_service *svc_driver_get(uint32_t id, uint32_t gen_low);
/* Pins every loaded driver into out (at most cap); returns how many.
 * Unpin each with svc_service_put. */
DWORD svc_drivers_pin_all(struct svc_service **out, DWORD cap);

/* ---- svc_ports.c: super services (SERVICE_INIT_STOPPED) ---- */
struct svc_ports;
/* After Init: probe, bind the Accept keys, IOCTL_SERVICE_STARTED. */
void svc_ports_start(struct svc_service *svc);
/* ServiceAddPort / ServiceClosePort / ServiceUnbindPorts; a service not in
 * super mode gets ERROR_SERVICE_CANNOT_ACCEPT_CTRL. */
DWORD svc_ports_add(struct svc_service *svc, const BYTE *addr, int len, int protocol);
DWORD svc_ports_close(struct svc_service *svc, const BYTE *addr, int len, int protocol);
DWORD svc_ports_unbind(struct svc_service *svc);
/* After an application's successful IOCTL_SERVICE_STOP (unbind) or
 * IOCTL_SERVICE_START (bind the Accept keys again). */
void svc_ports_after_control(struct svc_service *svc, DWORD code);
/* Before Deinit: unbind and forget the ports. */
void svc_ports_end(struct svc_service *svc);

/* ---- svc_opens.c ---- */
struct svc_open;
/* Opens svc for client pid: xxx_Open, then a new open handle. */
DWORD svc_open_create(struct svc_service *svc, DWORD pid, DWORD access, DWORD share, uint32_t *id,
                      uint32_t *gen);
/* Pins an open of process pid for a call; NULL if unknown, closing or
 * foreign. */
struct svc_open *svc_open_get(uint32_t id, uint32_t gen, DWORD pid);
void svc_open_put(struct svc_open *o);
struct svc_service *svc_open_service(struct svc_open *o);
DWORD svc_open_context(struct svc_open *o);
/* Closes an open of pid (CloseHandle). ERROR_SUCCESS or ERROR_INVALID_HANDLE. */
DWORD svc_open_close(uint32_t id, uint32_t gen, DWORD pid);
/* Open id of pid, whose process has exited (it died while the open was
 * being made, maybe before the exit watch could see it): IOCTL_PSL_NOTIFY
 * and Close, exactly once whoever gets there first. */
void svc_open_close_exited(uint32_t id, uint32_t gen, DWORD pid, DWORD main_tid);
/* Closes every open of svc (unload). */
void svc_opens_close_service(struct svc_service *svc);
/* A client process is known (its main thread, for DEVICE_PSL_NOTIFY); the
 * host watches it and, when it exits, notifies and closes its opens. */
void svc_opens_watch_process(DWORD pid, DWORD main_tid);
/* How many opens svc has. */
DWORD svc_opens_count(const struct svc_service *svc);
/* How many client processes are alive and known. */
DWORD svc_opens_client_count(void);

/* ---- svc_quiet.c ---- */
/* Under Wine on Linux, points the Unix fd 2 we inherited at /dev/null. */
void svc_host_release_unix_stderr(void);

/* ---- svc_worker.c ---- */
/* Serves one client thread's slot until it leaves, dies or the host stops. */
BOOL svc_worker_start(const struct svc_connect_msg *msg, HANDLE stop);

#endif /* CESHIM_SVC_HOST_H */
