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

/* Pointers a driver finds inside a caller's structure (drivers run in the
 * services host, apart from their callers): each returns a shadow of the
 * caller's memory that the host reads in and writes back (MapCallerPtr and
 * MapPtrToProcess: when the entry-point call returns), or NULL if the
 * caller cannot read that memory. Outside a call from another process the
 * pointer comes back unchanged. UnMapPtr returns its argument. */
LPVOID MapCallerPtr(LPVOID ptr, DWORD dwLen);
LPVOID MapPtrToProcess(LPVOID lpv, HANDLE hProc);
LPVOID UnMapPtr(LPVOID lpv);

/* CeOpenCallerBuffer's argument descriptors (values: see docs/decisions.md). */
#define ARG_TYPE_BITS 4
#define ARG_TYPE_MASK 0x0F
#define ARG_I_BIT 4
#define ARG_O_BIT 8
#define ARG_DW 0
#define ARG_I_PTR 4
#define ARG_I_WSTR 5
#define ARG_I_ASTR 6
#define ARG_I_PDW 7
#define ARG_O_PTR 8
#define ARG_O_PDW 9
#define ARG_O_PI64 10
#define ARG_IO_PTR 12
#define ARG_IO_PDW 13
#define ARG_IO_PI64 14

/* CE 6.0: S_OK, E_INVALIDARG (NULL source or destination, ARG_DW, a buffer
 * Close does not know), E_ACCESSDENIED (the caller cannot read it, or the
 * write-back failed), E_OUTOFMEMORY. Close writes back for ARG_O and ARG_IO. */
HRESULT CeOpenCallerBuffer(PVOID *ppDestMarshalled, PVOID pSrcUnmarshalled, DWORD cbSrc, DWORD ArgumentDescriptor,
                           BOOL ForceDuplicate);
HRESULT CeCloseCallerBuffer(PVOID pDestMarshalled, PVOID pSrcUnmarshalled, DWORD cbSrc, DWORD ArgumentDescriptor);

/* CE 6.0: keeps a buffer of the current call (a first-level buffer, or
 * what CeOpenCallerBuffer/MapCallerPtr gave) for use after the call
 * returns, from any thread; call it before returning. Flush (ARG_O_PTR and
 * ARG_IO_PTR only, else HRESULT_FROM_WIN32(ERROR_NOT_SUPPORTED)) and Free
 * (ARG_O and ARG_IO kinds) write the bytes the driver changed into the
 * caller; E_ACCESSDENIED once the caller has exited or that memory is no
 * longer committed and writable (Free still frees). E_INVALIDARG for a
 * buffer these calls did not give. */
HRESULT CeAllocAsynchronousBuffer(PVOID *ppDestAsyncMarshalled, PVOID pSrcSyncMarshalled, DWORD cbSrc,
                                  DWORD ArgumentDescriptor);
HRESULT CeFreeAsynchronousBuffer(PVOID pDestAsyncMarshalled, PVOID pSrcSyncMarshalled, DWORD cbSrc,
                                 DWORD ArgumentDescriptor);
HRESULT CeFlushAsynchronousBuffer(PVOID pDestAsyncMarshalled, PVOID pSrcSyncMarshalled, PVOID pSrcUnmarshalled,
                                  DWORD cbSrc, DWORD ArgumentDescriptor);
/* CE 6.0: a heap copy of memory this process can already use (copied in
 * for ARG_I and ARG_IO), copied back by Free for ARG_O and ARG_IO.
 * E_INVALIDARG (NULL, size 0, ARG_DW), E_ACCESSDENIED (not this process's
 * memory), E_OUTOFMEMORY. */
HRESULT CeAllocDuplicateBuffer(PVOID *ppDestDuplicate, PVOID pSrcMarshalled, DWORD cbSrc, DWORD ArgumentDescriptor);
HRESULT CeFreeDuplicateBuffer(PVOID pDestDuplicate, PVOID pSrcMarshalled, DWORD cbSrc, DWORD ArgumentDescriptor);

#ifdef __cplusplus
}
#endif

#endif /* CESHIM_PKFUNCS_H */
