/*
 * devnotify.c - RequestDeviceNotifications, StopDeviceNotifications,
 * AdvertiseInterface (spec 4.3): DEVDETAIL messages delivered through CE
 * message queues, across every process of the session.
 */
#include <ceshim.h>
#include <pnp.h>

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "common/trace.h"
#include "notify/notif_local.h"

_Static_assert(offsetof(DEVDETAIL, szName) == 28, "DEVDETAIL.szName at 28, as on CE");
_Static_assert(sizeof(DEVDETAIL) == 32, "sizeof(DEVDETAIL) is 32, as on CE");
_Static_assert(MAX_DEVCLASS_NAMELEN == NOTIF_NAME_MAX, "the registry holds the longest name");

/* Writes one DEVDETAIL: sizeof(DEVDETAIL) + cbName bytes, as CE's server. */
static void send_detail(const WCHAR *base, const uint8_t *guid, uint32_t id, BOOL attached, const WCHAR *name)
{
    union {
        DEVDETAIL d;
        BYTE bytes[sizeof(DEVDETAIL) + (NOTIF_NAME_MAX + 1) * sizeof(WCHAR)];
    } msg;
    memset(&msg, 0, sizeof(msg));
    size_t chars = wcslen(name);
    memcpy(&msg.d.guidDevClass, guid, 16);
    msg.d.dwReserved = id;
    msg.d.fAttached = attached;
    msg.d.cbName = (int)((chars + 1) * sizeof(WCHAR));
    memcpy(msg.d.szName, name, chars * sizeof(WCHAR));
    notif_send(base, &msg, (DWORD)(sizeof(DEVDETAIL) + (size_t)msg.d.cbName));
}

HANDLE RequestDeviceNotifications(const GUID *devclass, HANDLE hMsgQ, BOOL fAll)
{
    HANDLE result = NULL;
    struct notif_iface_copy *replay = fAll ? malloc(NOTIF_MAX_IFACES * sizeof(*replay)) : NULL;
    size_t count = 0;
    WCHAR base[CESHIM_BASE_MAX];
    if (fAll && !replay) {
        SetLastError(ERROR_OUTOFMEMORY);
    } else if (!hMsgQ) {
        SetLastError(ERROR_INVALID_PARAMETER);
    } else {
        /* Registration and replay in one ordered step: an interface
         * advertised meanwhile arrives once, after the replay. */
        BOOL order = notif_order_begin();
        result = notif_register(NOTIF_KIND_DEVICE, hMsgQ, (const uint8_t *)devclass, 0, replay, &count, base);
        for (size_t i = 0; result && i < count; i++)
            send_detail(base, replay[i].guid, replay[i].id, TRUE, replay[i].name);
        notif_order_end(order);
    }
    free(replay);
    char g[40];
    CESHIM_TRACE("RequestDeviceNotifications(%s, %p, %d) = %p [%u replayed]", notif_guid_text(devclass, g, sizeof(g)),
                 hMsgQ, fAll, result, (unsigned)count);
    return result;
}

BOOL StopDeviceNotifications(HANDLE h)
{
    BOOL ok = notif_unregister(h, NOTIF_KIND_DEVICE);
    CESHIM_TRACE("StopDeviceNotifications(%p) = %d", h, ok);
    return ok;
}

BOOL AdvertiseInterface(const GUID *devclass, LPCWSTR name, BOOL fAdd)
{
    BOOL ok = FALSE;
    struct notif_target *targets = NULL;
    size_t count = 0;
    if (!devclass || !name || !*name || wcslen(name) > MAX_DEVCLASS_NAMELEN) {
        SetLastError(ERROR_INVALID_PARAMETER);
    } else if (!(targets = malloc(NOTIF_MAX_REGS * sizeof(*targets)))) {
        SetLastError(ERROR_OUTOFMEMORY);
    } else {
        BOOL order = notif_order_begin();
        notif_sweep(); /* a dead process's queue gets nothing */
        DWORD error = notif_iface_update((const uint8_t *)devclass, name, fAdd != FALSE, targets, &count);
        if (!error) {
            for (size_t i = 0; i < count; i++)
                send_detail(targets[i].base, (const uint8_t *)devclass, 0, fAdd != FALSE, name);
            ok = TRUE;
        }
        notif_order_end(order);
        SetLastError(error);
    }
    free(targets);
    char g[40];
    CESHIM_TRACE("AdvertiseInterface(%s, %s%ls%s, %d) = %d [%u queues]", notif_guid_text(devclass, g, sizeof(g)),
                 name ? "L\"" : "", name ? name : L"NULL", name ? "\"" : "", fAdd, ok, (unsigned)count);
    return ok;
}
