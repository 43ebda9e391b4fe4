/*
 * dm_host.h - the services host's stream drivers (dm_host.c). The host
 * reaches these only through the table dm_model.c registers
 * (svc_host_state.h: struct svc_driver_model); devmgr sits above the host.
 */
#ifndef CESHIM_DM_HOST_H
#define CESHIM_DM_HOST_H

#include "services/host/svc_host.h"

/* A stream driver's XXX_Init(LPCTSTR activeKey, LPCVOID lpvParam), __cdecl
 * as CE declares it (so a driver taking one argument is called safely). */
typedef DWORD (*dm_init_fn)(LPCWSTR, LPCVOID);

/* The worker's ops: ActivateDeviceEx, DeactivateDevice, RegisterDevice and
 * the device list. */
void dm_op_activate(DWORD pid, const struct svc_request *rq, const uint8_t *in, struct svc_reply *rp);
void dm_op_deactivate(DWORD pid, const struct svc_request *rq, struct svc_reply *rp);
void dm_op_register(DWORD pid, const struct svc_request *rq, const uint8_t *in, struct svc_reply *rp);
void dm_op_list(DWORD pid, const struct svc_request *rq, uint8_t *out, struct svc_reply *rp);
/* Entry points of a driver (naked or prefixed); FALSE if CE would refuse
 * the set. */
BOOL dm_resolve(struct svc_service *svc);
/* XXX_Init(activeKey, lpvParam); its context (0 = failure). */
DWORD dm_call_init(struct svc_service *svc);
/* Creates the Active key (Hnd, Name, FullName, Key, ClientInfo, REGINI
 * values) before Init / deletes it after Deinit or a failed load. */
DWORD dm_active_create(struct svc_service *svc);
void dm_active_delete(struct svc_service *svc);
/* Advertises (add) or withdraws the driver's interfaces: its IClass
 * GUIDs and, for a named driver, DEVCLASS_STREAM_GUID. */
void dm_advertise(struct svc_service *svc, BOOL add);
/* Frees the driver part. */
void dm_driver_free(struct svc_service *svc);

/* dm_model.c: registers the above with the host (process attach, from
 * shim/routing.c). */
void dm_process_attach(void);

#endif /* CESHIM_DM_HOST_H */
