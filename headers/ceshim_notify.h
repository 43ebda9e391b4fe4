/*
 * ceshim_notify.h - the device-notification calls CE's <winbase.h> declared
 * (so CE code that included only <windows.h> calls them), and ceshim's own
 * power-event injection. Included by ceshim.h, which is force-included.
 *
 * As in CE's SDK, these are declared without WINAPI (__cdecl on i686).
 * DEVDETAIL and friends are in <pnp.h>; the power calls in <pm.h>, as on CE.
 */
#ifndef CESHIM_NOTIFY_H
#define CESHIM_NOTIFY_H

#include <windows.h>

#ifdef __cplusplus
extern "C" {
#endif

#include <ceshim_api.h>

/* Device interfaces: DEVDETAIL messages written into hMsgQ (see pnp.h).
 * No __declspec(dllimport): CE code re-declares these itself, and a plain
 * redeclaration of a dllimport function is an error with -Werror (gcc
 * -Wattributes, clang -Winconsistent-dllimport). Calls go through the
 * import library's thunk instead. */
HANDLE RequestDeviceNotifications(const GUID *devclass, HANDLE hMsgQ, BOOL fAll);
BOOL StopDeviceNotifications(HANDLE h);
BOOL AdvertiseInterface(const GUID *devclass, LPCWSTR name, BOOL fAdd);

/* ceshim's own: delivers one power notification, as the Power Manager would,
 * to every queue registered with RequestPowerNotifications (pm.h) whose
 * Flags include Message, in every process of the session. stateName (may
 * be NULL) becomes SystemPowerState; for PBT_POWERINFOCHANGE with a NULL
 * stateName the data is the current POWER_BROADCAST_POWER_INFO. For tests
 * and for desktops that report no power events (Wine). */
CESHIM_API BOOL WINAPI CeShimInjectPowerEvent(DWORD Message, DWORD Flags, LPCWSTR stateName);

#ifdef __cplusplus
}
#endif

#endif /* CESHIM_NOTIFY_H */
