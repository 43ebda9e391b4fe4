/*
 * devload.h - CE's device-loader definitions that stream drivers and the
 * code that activates them use: the driver key's value names, DEVFLAGS_*,
 * REGINI (ActivateDeviceEx) and the Active key's value names.
 * Written from the Microsoft documentation (see docs/decisions.md).
 * ActivateDevice, ActivateDeviceEx and DeactivateDevice came from CE's
 * <winbase.h>; ceshim declares them in ceshim_winbase.h (force-included).
 */
#ifndef CESHIM_DEVLOAD_H
#define CESHIM_DEVLOAD_H

#include <windows.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Values of a driver's key (HKLM\<lpszDevKey>). */
#define DEVLOAD_DLLNAME_VALNAME     L"Dll"
#define DEVLOAD_PREFIX_VALNAME      L"Prefix"
#define DEVLOAD_INDEX_VALNAME       L"Index"
#define DEVLOAD_ORDER_VALNAME       L"Order"
#define DEVLOAD_FLAGS_VALNAME       L"Flags"
#define DEVLOAD_ICLASS_VALNAME      L"IClass"
#define DEVLOAD_CONTEXT_VALNAME     L"Context"

/* Values of an instance's Active key (HKLM\Drivers\Active\NN). */
#define DEVLOAD_ACTIVE_KEY          L"Drivers\\Active"
#define DEVLOAD_HANDLE_VALNAME      L"Hnd"
#define DEVLOAD_DEVNAME_VALNAME     L"Name"
#define DEVLOAD_DEVKEY_VALNAME      L"Key"
#define DEVLOAD_DEVFULLNAME_VALNAME L"FullName"
#define DEVLOAD_CLIENTINFO_VALNAME  L"ClientInfo"

#define DEVKEY_LEN    256
#define DEVNAME_LEN   16
#define DEVPREFIX_LEN 8
#define DEVDLL_LEN    64

/* The Flags value. */
#define DEVFLAGS_NONE              0x00000000
#define DEVFLAGS_UNLOAD            0x00000001
#define DEVFLAGS_LOADLIBRARY       0x00000002
#define DEVFLAGS_NOLOAD            0x00000004
#define DEVFLAGS_NAKEDENTRIES      0x00000008
#define DEVFLAGS_LOAD_AS_USERPROC  0x00000010
#define DEVFLAGS_IRQ_EXCLUSIVE     0x00000100
#define DEVFLAGS_NOUNLOAD          0x00000020
#define DEVFLAGS_BOOTPHASE_1       0x00001000
#define DEVFLAGS_TRUSTEDCALLERONLY 0x00010000

/* One value ActivateDeviceEx writes into the Active key before the load. */
typedef struct _REGINI {
    LPCWSTR lpszVal;
    LPBYTE pData;
    DWORD dwLen;
    DWORD dwType;
} REGINI, *LPREGINI;

/* The device key of the driver whose Active key is ActiveKey (the string
 * XXX_Init got), opened for reading; close it with RegCloseKey. NULL (CE
 * 6.0) with GetLastError() on failure. Declared without WINAPI, as CE. */
HKEY OpenDeviceKey(LPCWSTR ActiveKey);

/* The legacy names of the loaded drivers ("ABC1:\0XYZ2:\0\0"); *lpBuflen
 * is the buffer's size in bytes, set to the size needed when it is too
 * small. ERROR_SUCCESS, ERROR_INSUFFICIENT_BUFFER (no entry fits),
 * ERROR_MORE_DATA (some fit), ERROR_INVALID_PARAMETER (lpBuflen NULL),
 * ERROR_NO_MORE_DEVICES (none). Superseded on CE by
 * RequestDeviceNotifications(DEVCLASS_STREAM_GUID). */
DWORD EnumDevices(LPWSTR DevList, LPDWORD lpBuflen);
/* For a loaded driver's name (L"ABC1:", L"ABC12", L"\\$device\\ABC12"):
 * its Active key path and its device key path (either buffer may be
 * NULL; lengths in bytes, NUL included, set to what is needed).
 * ERROR_SUCCESS, ERROR_INSUFFICIENT_BUFFER, ERROR_DEV_NOT_EXIST,
 * ERROR_INVALID_PARAMETER. See docs/decisions.md. */
DWORD GetDeviceKeys(LPCWSTR DevName, LPWSTR ActiveKey, LPDWORD lpActiveLen, LPWSTR DriverKey, LPDWORD lpDriverLen);
/* The activation handle of the driver whose Active key is pContext (the
 * string XXX_Init got); NULL with GetLastError() if there is none. */
HANDLE GetDeviceHandleFromContext(LPCWSTR pContext);

#ifdef __cplusplus
}
#endif

#endif /* CESHIM_DEVLOAD_H */
