/*
 * ceshim_winbase.h - what CE's <winbase.h> added to the desktop one and
 * ceshim provides: CeSetThreadPriority/CeGetThreadPriority with CE's
 * 0..255 priorities, and CreateFileForMapping. Included by ceshim.h
 * (force-included), because CE code got these from <windows.h>.
 *
 * CE's THREAD_PRIORITY_* values (0..7) differ from desktop's; desktop code
 * needs desktop's, so they are NOT redefined here. CE_THREAD_PRIO_256_*
 * name CE's 0..255 scale for CeSetThreadPriority.
 */
#ifndef CESHIM_WINBASE_H
#define CESHIM_WINBASE_H

#include <windows.h>

#include <ceshim_api.h>

#ifdef __cplusplus
extern "C" {
#endif

/* CE's application priorities: the eight SetThreadPriority levels are
 * 248..255 on the 256-level scale (the values themselves are
 * UNCONFIRMED in the spec; see docs/decisions.md). */
#define CE_THREAD_PRIO_256_TIME_CRITICAL 248
#define CE_THREAD_PRIO_256_HIGHEST       249
#define CE_THREAD_PRIO_256_ABOVE_NORMAL  250
#define CE_THREAD_PRIO_256_NORMAL        251
#define CE_THREAD_PRIO_256_BELOW_NORMAL  252
#define CE_THREAD_PRIO_256_LOWEST        253
#define CE_THREAD_PRIO_256_ABOVE_IDLE    254
#define CE_THREAD_PRIO_256_IDLE          255

/* nPriority 0 (highest) .. 255; hThread may also be a thread ID (CE6+). */
BOOL WINAPI CeSetThreadPriority(HANDLE hThread, int nPriority);
/* 0..255, or THREAD_PRIORITY_ERROR_RETURN on failure. */
int WINAPI CeGetThreadPriority(HANDLE hThread);

/* A file to pass to CreateFileMapping: the share mode is forced from the
 * access, and the handle is closed with the mapping made from it. */
HANDLE WINAPI CreateFileForMappingW(LPCWSTR lpFileName, DWORD dwDesiredAccess, DWORD dwShareMode,
                                               LPSECURITY_ATTRIBUTES lpSecurityAttributes,
                                               DWORD dwCreationDisposition, DWORD dwFlagsAndAttributes,
                                               HANDLE hTemplateFile);
HANDLE WINAPI CreateFileForMappingA(LPCSTR lpFileName, DWORD dwDesiredAccess, DWORD dwShareMode,
                                               LPSECURITY_ATTRIBUTES lpSecurityAttributes,
                                               DWORD dwCreationDisposition, DWORD dwFlagsAndAttributes,
                                               HANDLE hTemplateFile);
#ifdef UNICODE
#define CreateFileForMapping CreateFileForMappingW
#else
#define CreateFileForMapping CreateFileForMappingA
#endif

/* Win32 calls routed here by the macros below (they pass through for
 * everything but the CE cases): unnamed events get a hidden unique name so
 * their SetEventData data is shared across processes, and mappings made
 * from CreateFileForMapping handles take ownership of the file handle. */
CESHIM_API HANDLE WINAPI CeShimCreateEventW(LPSECURITY_ATTRIBUTES lpEventAttributes, BOOL bManualReset,
                                            BOOL bInitialState, LPCWSTR lpName);
CESHIM_API HANDLE WINAPI CeShimCreateEventA(LPSECURITY_ATTRIBUTES lpEventAttributes, BOOL bManualReset,
                                            BOOL bInitialState, LPCSTR lpName);
CESHIM_API HANDLE WINAPI CeShimCreateFileMappingW(HANDLE hFile, LPSECURITY_ATTRIBUTES lpAttributes,
                                                  DWORD flProtect, DWORD dwMaximumSizeHigh,
                                                  DWORD dwMaximumSizeLow, LPCWSTR lpName);
CESHIM_API HANDLE WINAPI CeShimCreateFileMappingA(HANDLE hFile, LPSECURITY_ATTRIBUTES lpAttributes,
                                                  DWORD flProtect, DWORD dwMaximumSizeHigh,
                                                  DWORD dwMaximumSizeLow, LPCSTR lpName);

/* Route CE code's calls (define CESHIM_NO_ROUTING to opt out). */
#if !defined(CESHIM_BUILDING_DLL) && !defined(CESHIM_NO_ROUTING)
#define CreateEventW CeShimCreateEventW
#define CreateEventA CeShimCreateEventA
#define CreateFileMappingW CeShimCreateFileMappingW
#define CreateFileMappingA CeShimCreateFileMappingA
#endif

#ifdef __cplusplus
}
#endif

#endif /* CESHIM_WINBASE_H */
