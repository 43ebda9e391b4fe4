/*
 * pkfuncs.h - the OAK (platform kit) items CE services use: IOCTL_PSL_NOTIFY,
 * DEVICE_PSL_NOTIFY, event data, the caller-process queries, and
 * KernelIoControl with the common HAL requests.
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

/* KernelIoControl's HAL requests (CE: pkfuncs.h). */
#ifndef FILE_DEVICE_HAL
#define FILE_DEVICE_HAL 0x00000101
#endif
#define IOCTL_HAL_GET_UUID CTL_CODE(FILE_DEVICE_HAL, 13, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_HAL_GET_DEVICEID CTL_CODE(FILE_DEVICE_HAL, 21, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_PROCESSOR_INFORMATION CTL_CODE(FILE_DEVICE_HAL, 25, METHOD_BUFFERED, FILE_ANY_ACCESS)

/* IOCTL_HAL_GET_DEVICEID's answer: this header, then the two IDs at their
 * offsets from the start of the structure. */
typedef struct _DEVICE_ID {
    DWORD dwSize; /* bytes of the whole answer (set on ERROR_INSUFFICIENT_BUFFER) */
    DWORD dwPresetIDOffset;
    DWORD dwPresetIDBytes;
    DWORD dwPlatformIDOffset;
    DWORD dwPlatformIDBytes;
} DEVICE_ID, *PDEVICE_ID;

/* IOCTL_PROCESSOR_INFORMATION's answer. */
typedef struct _PROCESSOR_INFO {
    WORD wVersion; /* 1 */
    WCHAR szProcessCore[40];
    WORD wCoreRevision;
    WCHAR szProcessorName[40];
    WORD wProcessorRevision;
    WCHAR szCatalogNumber[100];
    WCHAR szVendor[100];
    DWORD dwInstructionSet; /* PROCESSOR_* flags */
    DWORD dwClockSpeed;     /* MHz */
} PROCESSOR_INFO, *PPROCESSOR_INFO;

#ifndef PROCESSOR_FLOATINGPOINT
#define PROCESSOR_FLOATINGPOINT 0x00000001
#endif
#ifndef PROCESSOR_DSP
#define PROCESSOR_DSP 0x00000002
#endif
#ifndef PROCESSOR_16BITINSTRUCTION
#define PROCESSOR_16BITINSTRUCTION 0x00000004
#endif

#include <ceshim_api.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The HAL requests above; any other code fails with ERROR_NOT_SUPPORTED.
 * No WINAPI, as CE code declares it itself (__cdecl on i686). */
BOOL KernelIoControl(DWORD dwIoControlCode, LPVOID lpInBuf, DWORD nInBufSize, LPVOID lpOutBuf,
                     DWORD nOutBufSize, LPDWORD lpBytesReturned);

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
