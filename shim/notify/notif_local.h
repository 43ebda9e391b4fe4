/*
 * notif_local.h - device and power notifications inside ceshim: the shared
 * registry (notif_registry.c), registrations and delivery (notif_deliver.c).
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

#include "notify/notif_layout.h"

/* A target queue, copied out of the registry under its lock. */
struct notif_target {
    uint32_t pid;
    WCHAR base[CESHIM_BASE_MAX];
};

/* An advertised interface, copied out for a replay. */
struct notif_iface_copy {
    uint8_t guid[16];
    uint32_t id;
    WCHAR name[NOTIF_NAME_MAX + 1];
};

/* ---- notif_registry.c: the shared registry. Each call takes its lock; an
 * error is returned as a Win32 code (0 = success). ---- */

/* Adds a registration of this process. guid NULL: every class. When
 * replay is not NULL, the interfaces it matches are copied there (at most
 * NOTIF_MAX_IFACES) in the same critical section, so that a concurrent
 * AdvertiseInterface reaches the queue exactly once. */
DWORD notif_reg_add(uint32_t kind, const uint8_t *guid, uint32_t flags, const WCHAR *base, uint32_t *slot,
                 uint32_t *serial, struct notif_iface_copy *replay, size_t *replay_count);
/* Removes registration (slot, serial) of this process; FALSE if it is not there. */
BOOL notif_reg_remove(uint32_t slot, uint32_t serial);
/* Adds (or removes) interface (guid, name) and copies the device targets it
 * reaches (at most NOTIF_MAX_REGS). ERROR_ALREADY_EXISTS / ERROR_NOT_FOUND when
 * the add / remove does not apply. */
DWORD notif_iface_update(const uint8_t *guid, const WCHAR *name, BOOL add, struct notif_target *targets,
                      size_t *count);
/* The power targets whose mask includes message; only_pid != 0 limits them
 * to one process. */
DWORD notif_power_targets(uint32_t message, uint32_t only_pid, struct notif_target *targets, size_t *count);
/* Drops the registrations of processes that have exited. */
void notif_sweep(void);
/* Serialises "change the registry, then deliver" across processes (a named
 * mutex), so every queue sees changes in registry order. A holder that
 * dies releases it (abandoned); a wait longer than 10 s goes ahead
 * unordered rather than hanging. Pass notif_order_begin's result to _end. */
BOOL notif_order_begin(void);
void notif_order_end(BOOL owned);

/* ---- notif_deliver.c: this process's registrations, and writing ---- */

/* Registers hMsgQ (a queue handle of this process): opens the holder write
 * end, adds the registry record, returns the notification handle (NULL with
 * the last error set). replay as for notif_reg_add; base (CESHIM_BASE_MAX
 * chars) gets the queue's object base name, for notif_send. */
HANDLE notif_register(uint32_t kind, HANDLE hMsgQ, const uint8_t *guid, uint32_t flags,
                   struct notif_iface_copy *replay, size_t *replay_count, WCHAR *base);
/* Ends a registration of that kind; FALSE if h is not one. */
BOOL notif_unregister(HANDLE h, uint32_t kind);
/* Registrations of that kind this process holds. */
LONG notif_local_count(uint32_t kind);
/* Writes one message into the target queue (timeout 0); failures (queue
 * full, gone, broken, too small) drop the message, as on CE. */
void notif_send(const WCHAR *base, const void *msg, DWORD len);

/* Trace text of a GUID (NULL -> "NULL"). */
const char *notif_guid_text(const GUID *g, char *buf, size_t size);

#endif /* CESHIM_NT_LOCAL_H */
