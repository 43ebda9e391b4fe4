/*
 * ceshim.h - force-included into every CE source built against ceshim
 * (the CeShim::ceshim target adds -include ceshim.h or /FIceshim.h).
 *
 * It gives CE code what CE's <windows.h> gave it: the message-queue API
 * today, more as ceshim grows. OAK-only items (pkfuncs.h: IOCTL_PSL_NOTIFY,
 * DEVICE_PSL_NOTIFY, DLL_PROCESS_EXITING ...) are deliberately NOT included
 * here, because CE application code defines them itself without guards.
 */
#ifndef CESHIM_H
#define CESHIM_H

#define CESHIM_VERSION_MAJOR 0
#define CESHIM_VERSION_MINOR 1
#define CESHIM_VERSION_PATCH 0

#include <windows.h>

#ifndef CESHIM_API
#ifdef CESHIM_BUILDING_DLL
#define CESHIM_API
#else
#define CESHIM_API __declspec(dllimport)
#endif
#endif

#include <msgqueue.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ceshim's own version, (major << 16) | (minor << 8) | patch; lets a program
 * check at run time that it loaded the ceshim.dll it was built against. */
CESHIM_API DWORD WINAPI CeShimGetVersion(void);

#ifdef __cplusplus
}
#endif

#endif /* CESHIM_H */
