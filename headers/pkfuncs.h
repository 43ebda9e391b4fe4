/*
 * pkfuncs.h - the OAK (platform kit) items CE services use: IOCTL_PSL_NOTIFY,
 * DEVICE_PSL_NOTIFY, event data and the caller-process queries.
 *
 * Never force-included: CE application code often defines these itself
 * without guards, so they appear only where code includes <pkfuncs.h>.
 * Written for ceshim from Microsoft's CE documentation.
 */
#ifndef CESHIM_PKFUNCS_H
#define CESHIM_PKFUNCS_H

#include <windows.h>
#include <winioctl.h>

#ifndef FILE_DEVICE_PSL
#define FILE_DEVICE_PSL 0x00000103
#endif

/* Sent to a service's xxx_IOControl when a process with an open handle to
 * it exits; lpInBuf points to a DEVICE_PSL_NOTIFY. */
#define IOCTL_PSL_NOTIFY CTL_CODE(FILE_DEVICE_PSL, 255, METHOD_NEITHER, FILE_ANY_ACCESS)

/* DEVICE_PSL_NOTIFY.dwFlags (CE's winnt.h reason codes beyond desktop's). */
#ifndef DLL_PROCESS_EXITING
#define DLL_PROCESS_EXITING 4
#endif

typedef struct _DEVICE_PSL_NOTIFY {
    DWORD dwSize;   /* sizeof(DEVICE_PSL_NOTIFY) */
    DWORD dwFlags;  /* DLL_PROCESS_EXITING */
    HANDLE hProc;   /* the exiting process (its ID, as CE hands out) */
    HANDLE hThread; /* its main thread (ID) */
} DEVICE_PSL_NOTIFY, *PDEVICE_PSL_NOTIFY;

#include <ceshim_api.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Event data: one DWORD per event object, shared by all its handles in all
 * processes (message-queue handles included). No WINAPI, as on CE. */
DWORD GetEventData(HANDLE hEvent);
BOOL SetEventData(HANDLE hEvent, DWORD dwData);

/* Who called: process IDs (cast to HANDLE where CE returns HANDLE). Inside
 * a service call they name the client; outside one, the current process. */
HANDLE GetCallerProcess(void);
HANDLE GetOwnerProcess(void);
DWORD GetDirectCallerProcessId(void);
DWORD GetCallerVMProcessId(void);

#ifdef __cplusplus
}
#endif

#endif /* CESHIM_PKFUNCS_H */
