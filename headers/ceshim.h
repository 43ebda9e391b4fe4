/*
 * ceshim.h - force-included into every CE source built against ceshim
 * (the CeShim::ceshim target adds -include ceshim.h or /FIceshim.h).
 *
 * It gives CE code what CE's <windows.h> gave it: message queues, events,
 * notifications, thread priorities, services' device calls, and the CE
 * base layer (ceshim_cebase.h: WinMain, debug zones, CE constants...). OAK-only items (pkfuncs.h: IOCTL_PSL_NOTIFY,
 * DEVICE_PSL_NOTIFY, DLL_PROCESS_EXITING ...) are deliberately NOT included
 * here, because CE application code defines them itself without guards.
 */
#ifndef CESHIM_H
#define CESHIM_H

#define CESHIM_VERSION_MAJOR 0
#define CESHIM_VERSION_MINOR 1
#define CESHIM_VERSION_PATCH 0

/* CE projects set the Windows version macros themselves (stdafx.h:
 * `#define WINVER _WIN32_WCE`), before their first include. This header
 * comes before that and <windows.h> gives the macros desktop defaults, so
 * the project's #define would be a redefinition (an error under -Werror or
 * /WX). Unless they were set before it (on the command line), they are
 * undefined again at the end of this header: the project's own values then
 * hold for everything it includes after. */
#ifndef WINVER
#define CESHIM_UNSET_WINVER
#endif
#ifndef _WIN32_WINNT
#define CESHIM_UNSET_WIN32_WINNT
#endif
#ifndef _WIN32_IE
#define CESHIM_UNSET_WIN32_IE
#endif

/* Winsock 2 before <windows.h>: this header comes first in every source,
 * and <windows.h> alone pulls in Winsock 1, after which a CE source's own
 * #include <winsock2.h> would not compile (super services include it).
 * CESHIM_NO_WINSOCK2 keeps <windows.h>'s default. */
#if !defined(CESHIM_NO_WINSOCK2) && !defined(WIN32_LEAN_AND_MEAN) && !defined(_WINSOCKAPI_)
#include <winsock2.h>
#endif
#include <windows.h>

#include <ceshim_api.h>

#include <msgqueue.h>
#include <kfuncs.h>         /* EventModify, EVENT_*, CeGetCallerTrust, OEM_CERTIFY_* */
#include <ceshim_notify.h>  /* RequestDeviceNotifications, AdvertiseInterface (CE winbase.h); CeShimInjectPowerEvent */
#include <ceshim_winbase.h> /* CeSetThreadPriority, CreateFileForMapping; routes CreateEvent, CreateFileMapping */
#include <ceshim_devmgr.h>  /* ActivateDevice(Ex), DeactivateDevice, FindFirstDevice ... (CE winbase.h) */
#include <ceshim_devio.h>   /* routes CreateFile, DeviceIoControl, ReadFile, WriteFile, SetFilePointer for services */
#include <ceshim_cebase.h>  /* CE's WinMain, dbgapi.h, CE constants and winbase.h calls, registry paths, wide printf */

#ifdef __cplusplus
extern "C" {
#endif

/* ceshim's own version, (major << 16) | (minor << 8) | patch; lets a program
 * check at run time that it loaded the ceshim.dll it was built against. */
CESHIM_API DWORD WINAPI CeShimGetVersion(void);

/* Win32 calls whose CE meaning differs on ceshim's handles. They pass any
 * other handle to Win32 untouched. CloseHandle closes what ceshim made as
 * CE closes it: a queue end (as CloseMsgQueue), a service or device handle
 * (xxx_Close in the host), a CreateFileForMapping file or its mapping; an
 * event's EventModify data is forgotten. The waits add a queue's exact CE
 * signal state: a queue handle is a real event handle, so plain Win32
 * waits work too, but may wake once early after a queue is drained or
 * filled. */
CESHIM_API BOOL WINAPI CeShimCloseHandle(HANDLE hObject);
CESHIM_API DWORD WINAPI CeShimWaitForSingleObject(HANDLE hHandle, DWORD dwMilliseconds);
CESHIM_API DWORD WINAPI CeShimWaitForSingleObjectEx(HANDLE hHandle, DWORD dwMilliseconds, BOOL bAlertable);
CESHIM_API DWORD WINAPI CeShimWaitForMultipleObjects(DWORD nCount, const HANDLE *lpHandles, BOOL bWaitAll,
                                                     DWORD dwMilliseconds);
CESHIM_API DWORD WINAPI CeShimWaitForMultipleObjectsEx(DWORD nCount, const HANDLE *lpHandles, BOOL bWaitAll,
                                                       DWORD dwMilliseconds, BOOL bAlertable);

/* Route CE code's calls (define CESHIM_NO_ROUTING to opt out). */
#if !defined(CESHIM_BUILDING_DLL) && !defined(CESHIM_NO_ROUTING)
#define CloseHandle CeShimCloseHandle
#define WaitForSingleObject CeShimWaitForSingleObject
#define WaitForSingleObjectEx CeShimWaitForSingleObjectEx
#define WaitForMultipleObjects CeShimWaitForMultipleObjects
#define WaitForMultipleObjectsEx CeShimWaitForMultipleObjectsEx
#endif

#ifdef __cplusplus
}
#endif

#ifdef CESHIM_UNSET_WINVER
#undef WINVER
#undef CESHIM_UNSET_WINVER
#endif
#ifdef CESHIM_UNSET_WIN32_WINNT
#undef _WIN32_WINNT
#undef CESHIM_UNSET_WIN32_WINNT
#endif
#ifdef CESHIM_UNSET_WIN32_IE
#undef _WIN32_IE
#undef CESHIM_UNSET_WIN32_IE
#endif

#endif /* CESHIM_H */
