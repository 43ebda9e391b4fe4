/*
 * pm.h - Windows CE Power Manager notifications: RequestPowerNotifications
 * writes POWER_BROADCAST messages into a message queue.
 *
 * Written for ceshim from Microsoft's CE documentation; names, types, values
 * and layouts are CE's. As in CE's SDK the two calls are declared without
 * WINAPI (__cdecl on i686), and StopPowerNotifications returns a DWORD.
 */
#ifndef CESHIM_PM_H
#define CESHIM_PM_H

#include <windows.h>

#ifdef __cplusplus
extern "C" {
#endif

/* POWER_BROADCAST.Message, and the Flags mask of RequestPowerNotifications. */
#define PBT_TRANSITION          0x00000001 /* system power state changed; SystemPowerState names it */
#define PBT_RESUME              0x00000002 /* resumed from suspend */
#define PBT_POWERSTATUSCHANGE   0x00000004 /* switched to or from AC power */
#define PBT_POWERINFOCHANGE     0x00000008 /* battery/AC status changed; data is POWER_BROADCAST_POWER_INFO */
#define PBT_SUSPENDKEYPRESSED   0x00000100
#define PBT_OEMBASE             0x00010000
#define POWER_NOTIFY_ALL        0xFFFFFFFF

/* POWER_BROADCAST.Flags: the system power state's bits. */
#define POWER_STATE_ON          0x00010000
#define POWER_STATE_OFF         0x00020000
#define POWER_STATE_CRITICAL    0x00040000
#define POWER_STATE_BOOT        0x00080000
#define POWER_STATE_IDLE        0x00100000
#define POWER_STATE_SUSPEND     0x00200000
#define POWER_STATE_UNATTENDED  0x00400000
#define POWER_STATE_RESET       0x00800000
#define POWER_STATE_USERIDLE    0x01000000
#define POWER_STATE_BACKLIGHTON 0x02000000
#define POWER_STATE_PASSWORD    0x10000000

typedef struct _POWER_BROADCAST {
    DWORD Message;              /* PBT_* */
    DWORD Flags;                /* POWER_STATE_* */
    DWORD Length;               /* bytes of data starting at SystemPowerState */
    WCHAR SystemPowerState[1];  /* state name, or a POWER_BROADCAST_POWER_INFO */
} POWER_BROADCAST, *PPOWER_BROADCAST;

/* The data of a PBT_POWERINFOCHANGE message. */
typedef struct _POWER_BROADCAST_POWER_INFO {
    DWORD dwNumLevels;
    DWORD dwBatteryLifeTime;
    DWORD dwBatteryFullLifeTime;
    DWORD dwBackupBatteryLifeTime;
    DWORD dwBackupBatteryFullLifeTime;
    BYTE bACLineStatus;
    BYTE bBatteryFlag;
    BYTE bBatteryLifePercent;
    BYTE bBackupBatteryFlag;
    BYTE bBackupBatteryLifePercent;
} POWER_BROADCAST_POWER_INFO, *PPOWER_BROADCAST_POWER_INFO;

/* No __declspec(dllimport): CE code re-declares these itself, and a plain
 * redeclaration of a dllimport function is an error with -Werror (gcc
 * -Wattributes, clang -Winconsistent-dllimport). Calls go through the
 * import library's thunk instead. */
HANDLE RequestPowerNotifications(HANDLE hMsgQ, DWORD Flags);
DWORD StopPowerNotifications(HANDLE h);

/* SetSystemPowerState's Options. */
#ifndef POWER_FORCE
#define POWER_FORCE 0x00001000
#endif

/* The system power state as ceshim keeps it (one per machine session,
 * initially "on" / POWER_STATE_ON). SetSystemPowerState records the new
 * state and sends PBT_TRANSITION to every power notification queue; the
 * desktop itself is never suspended, reset or turned off. The states are
 * CE's standard ones: on, useridle, systemidle, suspend, off, reset,
 * unattended, critical, boot (another name: ERROR_FILE_NOT_FOUND);
 * psState NULL takes the state from StateFlags. Both return a Win32 error
 * code (ERROR_SUCCESS) and set it as the last error. */
/* Desktop's <winbase.h> declares SetSystemPowerState(BOOL, BOOL) (which
 * suspends the machine): the CE call is exported as
 * CeShimSetSystemPowerState and CE code's name is mapped to it here. */
#define SetSystemPowerState CeShimSetSystemPowerState
DWORD SetSystemPowerState(LPCWSTR psState, DWORD StateFlags, DWORD Options);
DWORD GetSystemPowerState(LPWSTR pBuffer, DWORD dwBufChars, PDWORD pdwFlags);

#ifdef __cplusplus
}
#endif

#endif /* CESHIM_PM_H */
