/*
 * nt_local.h - device and power notifications inside ceshim: the shared
 * registry (nt_registry.c), registrations and delivery (nt_deliver.c).
 *
 * Delivery: the process whose call produces a notification (an
 * AdvertiseInterface, an injected or observed power event) writes it into
 * each target queue itself, through a write end it opens by the queue's
 * object name for the one write (timeout 0, as CE's server does) and closes
 * again. A registering process holds a write end of its own queue for as
 * long as it is registered, as CE's server does; so reads do not fail with
 * ERROR_PIPE_NOT_CONNECTED meanwhile, and those short-lived write ends never
 * drop a queue's writer count to zero (which would break it).
 */
#ifndef CESHIM_NT_LOCAL_H
#define CESHIM_NT_LOCAL_H

#include <windows.h>
#include <stddef.h>
#include <stdint.h>

#include "notify/nt_layout.h"

/* A target queue, copied out of the registry under its lock. */
struct nt_target {
    uint32_t pid;
    WCHAR base[CESHIM_BASE_MAX];
};

/* An advertised interface, copied out for a replay. */
struct nt_iface_copy {
    uint8_t guid[16];
    uint32_t id;
    WCHAR name[NT_NAME_MAX + 1];
};

/* ---- nt_registry.c: the shared registry. Each call takes its lock; an
 * error is returned as a Win32 code (0 = success). ---- */

/* Adds a registration of this process. guid NULL: every class. When
 * replay is not NULL, the interfaces it matches are copied there (at most
 * NT_MAX_IFACES) in the same critical section, so that a concurrent
 * AdvertiseInterface reaches the queue exactly once. */
DWORD nt_reg_add(uint32_t kind, const uint8_t *guid, uint32_t flags, const WCHAR *base, uint32_t *slot,
                 uint32_t *serial, struct nt_iface_copy *replay, size_t *replay_count);
/* Removes registration (slot, serial) of this process; FALSE if it is not there. */
BOOL nt_reg_remove(uint32_t slot, uint32_t serial);
/* Adds (or removes) interface (guid, name) and copies the device targets it
 * reaches (at most NT_MAX_REGS). ERROR_ALREADY_EXISTS / ERROR_NOT_FOUND when
 * the add / remove does not apply. */
DWORD nt_iface_update(const uint8_t *guid, const WCHAR *name, BOOL add, struct nt_target *targets,
                      size_t *count);
/* The power targets whose mask includes message; only_pid != 0 limits them
 * to one process. */
DWORD nt_power_targets(uint32_t message, uint32_t only_pid, struct nt_target *targets, size_t *count);
/* Drops the registrations of processes that have exited. */
void nt_sweep(void);
/* Serialises "change the registry, then deliver" across processes (a named
 * mutex), so every queue sees changes in registry order. A holder that
 * dies releases it (abandoned); a wait longer than 10 s goes ahead
 * unordered rather than hanging. Pass nt_order_begin's result to _end. */
BOOL nt_order_begin(void);
void nt_order_end(BOOL owned);

/* ---- nt_deliver.c: this process's registrations, and writing ---- */

/* Registers hMsgQ (a queue handle of this process): opens the holder write
 * end, adds the registry record, returns the notification handle (NULL with
 * the last error set). replay as for nt_reg_add; base (CESHIM_BASE_MAX
 * chars) gets the queue's object base name, for nt_send. */
HANDLE nt_register(uint32_t kind, HANDLE hMsgQ, const uint8_t *guid, uint32_t flags,
                   struct nt_iface_copy *replay, size_t *replay_count, WCHAR *base);
/* Ends a registration of that kind; FALSE if h is not one. */
BOOL nt_unregister(HANDLE h, uint32_t kind);
/* Registrations of that kind this process holds. */
LONG nt_local_count(uint32_t kind);
/* Writes one message into the target queue (timeout 0); failures (queue
 * full, gone, broken, too small) drop the message, as on CE. */
void nt_send(const WCHAR *base, const void *msg, DWORD len);

/* Trace text of a GUID (NULL -> "NULL"). */
const char *nt_guid_text(const GUID *g, char *buf, size_t size);

#endif /* CESHIM_NT_LOCAL_H */
