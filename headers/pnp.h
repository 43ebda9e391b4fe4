/*
 * pnp.h - Windows CE device-interface notifications: the DEVDETAIL message
 * that RequestDeviceNotifications writes into a message queue.
 *
 * Written for ceshim from Microsoft's CE documentation; names, types, values
 * and the layout are CE's (32-bit: sizeof(DEVDETAIL) == 32, szName at 28).
 * The calls themselves (RequestDeviceNotifications, StopDeviceNotifications,
 * AdvertiseInterface) were in CE's winbase.h, so they come with <windows.h>
 * through the forced ceshim.h (ceshim_notify.h).
 */
#ifndef CESHIM_PNP_H
#define CESHIM_PNP_H

#include <windows.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    GUID guidDevClass; /* interface class of this notification */
    DWORD dwReserved;  /* do not use */
    BOOL fAttached;    /* TRUE: the interface appeared; FALSE: it was removed */
    int cbName;        /* bytes of szName, terminating NUL included */
    TCHAR szName[1];   /* the interface name, cbName bytes */
} DEVDETAIL, *PDEVDETAIL;

/* Longest interface name, in characters, NUL excluded. */
#define MAX_DEVCLASS_NAMELEN 64

/* The class of stream-interface drivers ("COM1:"-style names). */
#define DEVCLASS_STREAM_STRING TEXT("{f8a6ba98-087a-43ac-a9d8-b7f13c5bae31}")
#define DEVCLASS_STREAM_GUID { 0xf8a6ba98, 0x087a, 0x43ac, {0xa9,0xd8,0xb7,0xf1,0x3c,0x5b,0xae,0x31} }

#ifdef __cplusplus
}
#endif

#endif /* CESHIM_PNP_H */
