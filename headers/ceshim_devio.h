/*
 * ceshim_devio.h - CE's file calls on service handles (part of ceshim.h).
 *
 * CE code reaches a service with CreateFile(L"ABC0:") and then
 * DeviceIoControl, ReadFile, WriteFile, SetFilePointer and CloseHandle on
 * the handle. ceshim.h routes those calls here: a service device name or
 * handle goes to ceshim's services host, everything else to Win32 unchanged.
 */
#ifndef CESHIM_DEVIO_H
#define CESHIM_DEVIO_H

#include <windows.h>

#include <ceshim_api.h>

#ifdef __cplusplus
extern "C" {
#endif

CESHIM_API HANDLE WINAPI CeShimCreateFileW(LPCWSTR lpFileName, DWORD dwDesiredAccess, DWORD dwShareMode,
                                           LPSECURITY_ATTRIBUTES lpSecurityAttributes, DWORD dwCreationDisposition,
                                           DWORD dwFlagsAndAttributes, HANDLE hTemplateFile);
CESHIM_API HANDLE WINAPI CeShimCreateFileA(LPCSTR lpFileName, DWORD dwDesiredAccess, DWORD dwShareMode,
                                           LPSECURITY_ATTRIBUTES lpSecurityAttributes, DWORD dwCreationDisposition,
                                           DWORD dwFlagsAndAttributes, HANDLE hTemplateFile);
CESHIM_API BOOL WINAPI CeShimDeviceIoControl(HANDLE hDevice, DWORD dwIoControlCode, LPVOID lpInBuffer,
                                             DWORD nInBufferSize, LPVOID lpOutBuffer, DWORD nOutBufferSize,
                                             LPDWORD lpBytesReturned, LPOVERLAPPED lpOverlapped);
CESHIM_API BOOL WINAPI CeShimReadFile(HANDLE hFile, LPVOID lpBuffer, DWORD nNumberOfBytesToRead,
                                      LPDWORD lpNumberOfBytesRead, LPOVERLAPPED lpOverlapped);
CESHIM_API BOOL WINAPI CeShimWriteFile(HANDLE hFile, LPCVOID lpBuffer, DWORD nNumberOfBytesToWrite,
                                       LPDWORD lpNumberOfBytesWritten, LPOVERLAPPED lpOverlapped);
CESHIM_API DWORD WINAPI CeShimSetFilePointer(HANDLE hFile, LONG lDistanceToMove, PLONG lpDistanceToMoveHigh,
                                             DWORD dwMoveMethod);
/* Asks the session's services host to unload its services and exit (the
 * `ceservices shutdown` command). TRUE also when none runs. */
CESHIM_API BOOL WINAPI CeShimServicesShutdown(void);

#if !defined(CESHIM_BUILDING_DLL) && !defined(CESHIM_NO_ROUTING)
#undef CreateFile
#define CreateFileW CeShimCreateFileW
#define CreateFileA CeShimCreateFileA
#ifdef UNICODE
#define CreateFile CeShimCreateFileW
#else
#define CreateFile CeShimCreateFileA
#endif
#define DeviceIoControl CeShimDeviceIoControl
#define ReadFile CeShimReadFile
#define WriteFile CeShimWriteFile
#define SetFilePointer CeShimSetFilePointer
#endif

#ifdef __cplusplus
}
#endif

#endif /* CESHIM_DEVIO_H */
