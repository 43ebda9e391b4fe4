/*
 * svc_host_state.h - the services host's process-wide state, below every
 * other file of the host: its log, whether it is stopping, and how it
 * loads stream drivers (a table devmgr registers). Set by svc_host_main.c.
 */
#ifndef CESHIM_SVC_HOST_STATE_H
#define CESHIM_SVC_HOST_STATE_H

#include <windows.h>
#include <stdint.h>

#include "services/common/svc_proto.h"

struct svc_service;

/* ---- the log ---- */
void svc_host_log(const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
/* -v: the log goes to stderr too. */
void svc_host_log_verbose(void);
/* -l FILE or CESHIM_SERVICES_LOG: appends the log to path. FALSE if it
 * cannot be opened (GetLastError says why). */
BOOL svc_host_log_open(const WCHAR *path);

/* ---- stopping ---- */
/* Creates the event svc_host_request_shutdown sets; NULL on failure. */
HANDLE svc_host_stop_event_create(void);
void svc_host_request_shutdown(void);
/* The host serves: clients find it through block and ready. */
void svc_host_serving(struct svc_host_block *block, HANDLE ready);
/* Clients stop finding this host (block->ready 0): said before the reply
 * to a shutdown, so a call right after it starts a new host. */
void svc_host_stop_serving(void);
/* TRUE once svc_host_stop_serving ran. */
BOOL svc_host_stopping(void);

/* ---- stream drivers: what devmgr (shim/devmgr/dm_host.c) does for the host ---- */
struct svc_driver_model {
    /* The worker's ops: ActivateDeviceEx, DeactivateDevice, RegisterDevice,
     * and the device list FindFirstDevice walks. */
    void (*op_activate)(DWORD pid, const struct svc_request *rq, const uint8_t *in, struct svc_reply *rp);
    void (*op_deactivate)(DWORD pid, const struct svc_request *rq, struct svc_reply *rp);
    void (*op_register)(DWORD pid, const struct svc_request *rq, const uint8_t *in, struct svc_reply *rp);
    void (*op_list)(DWORD pid, const struct svc_request *rq, uint8_t *out, struct svc_reply *rp);
    /* Entry points of a driver (naked or prefixed); FALSE if CE would
     * refuse the set. */
    BOOL (*resolve)(struct svc_service *svc);
    /* XXX_Init(activeKey, lpvParam); its context (0 = failure). */
    DWORD (*call_init)(struct svc_service *svc);
    /* The Active key: created before Init, deleted after Deinit or a
     * failed load. */
    DWORD (*active_create)(struct svc_service *svc);
    void (*active_delete)(struct svc_service *svc);
    /* Advertises (add) or withdraws the driver's interfaces. */
    void (*advertise)(struct svc_service *svc, BOOL add);
    /* Frees the driver part of svc. */
    void (*driver_free)(struct svc_service *svc);
};
/* devmgr registers its table at process attach (shim/routing.c). */
void svc_host_set_driver_model(const struct svc_driver_model *model);
/* NULL until registered. */
const struct svc_driver_model *svc_host_driver_model(void);

#endif /* CESHIM_SVC_HOST_STATE_H */
