/*
 * ceshim_cebase.h - the rest of what CE's <windows.h> gave every program
 * and CE code around the IPC calls relies on: CE's WinMain, the CE
 * constants, the CE-only winbase.h calls, CE registry paths, and the C
 * runtime headers and wide printf semantics of CE's CRT. Included by
 * ceshim.h (force-included). Written for ceshim from Microsoft's CE
 * documentation; README.md "CE base layer" lists every item.
 *
 * Opt-outs (define before the forced include, i.e. on the command line):
 *   CESHIM_DESKTOP_WINMAIN  keep desktop's WinMain(HINSTANCE, HINSTANCE, LPSTR, int)
 *   CESHIM_C99_WPRINTF      keep mingw-w64's C99 wide printf (%s = narrow)
 *   CESHIM_NO_ROUTING       no routed Win32 calls (registry, SystemParametersInfo, ...)
 */
#ifndef CESHIM_CEBASE_H
#define CESHIM_CEBASE_H

/* CE's <windows.h> brought these. */
#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>
#include <windows.h>
#include <winioctl.h>

#include <ceshim_api.h>
#include <dbgapi.h>

/* ---- entry point ------------------------------------------------------------------ */

/* CE's WinMain takes the command line as LPWSTR: it is desktop's wWinMain
 * (same arguments, declared extern "C" by <winbase.h>). mingw's CRT calls
 * WinMain; ceshim's ceshim_entry library (linked through CeShim::ceshim)
 * supplies that WinMain and calls wWinMain or wmain with the wide command
 * line without the program name. MSVC picks wWinMain/wmain itself. */
#if !defined(CESHIM_DESKTOP_WINMAIN) && !defined(CESHIM_BUILDING_DLL)
#define WinMain wWinMain
#endif

/* ---- constants ---------------------------------------------------------------------- */

#ifndef VER_PLATFORM_WIN32_CE
#define VER_PLATFORM_WIN32_CE 3 /* OSVERSIONINFO.dwPlatformId on CE (desktop reports NT) */
#endif
#ifndef SPI_GETPLATFORMTYPE
#define SPI_GETPLATFORMTYPE 257 /* SystemParametersInfo: the platform type string */
#endif
#ifndef SPI_GETOEMINFO
#define SPI_GETOEMINFO 258 /* SystemParametersInfo: the OEM information string */
#endif
#ifndef FILE_DEVICE_HAL
#define FILE_DEVICE_HAL 0x00000101 /* device type of the HAL IOCTLs (KernelIoControl) */
#endif
#ifndef DECLSPEC_EXPORT
#define DECLSPEC_EXPORT __declspec(dllexport)
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---- winbase.h calls CE added ------------------------------------------------------ */

typedef struct _SYSTEM_POWER_STATUS_EX {
    BYTE ACLineStatus;
    BYTE BatteryFlag;
    BYTE BatteryLifePercent;
    BYTE Reserved1;
    DWORD BatteryLifeTime;
    DWORD BatteryFullLifeTime;
    BYTE Reserved2;
    BYTE BackupBatteryFlag;
    BYTE BackupBatteryLifePercent;
    BYTE Reserved3;
    DWORD BackupBatteryLifeTime;
    DWORD BackupBatteryFullLifeTime;
} SYSTEM_POWER_STATUS_EX, *PSYSTEM_POWER_STATUS_EX, *LPSYSTEM_POWER_STATUS_EX;

/* The desktop's power status; no backup battery (its fields say unknown). */
BOOL WINAPI GetSystemPowerStatusEx(PSYSTEM_POWER_STATUS_EX pstatus, BOOL fUpdate);
/* The current UTC time as a FILETIME. */
void WINAPI GetCurrentFT(LPFILETIME lpFileTime);
/* A pseudo-random DWORD. */
DWORD WINAPI Random(void);
/* GetProcAddress with a wide name (CE's only form); ordinals as usual. */
FARPROC WINAPI GetProcAddressW(HMODULE hModule, LPCWSTR lpProcName);

/* Routed: CE's SPI_GETPLATFORMTYPE / SPI_GETOEMINFO; all else to Win32. */
CESHIM_API BOOL WINAPI CeShimSystemParametersInfoW(UINT uiAction, UINT uiParam, PVOID pvParam, UINT fWinIni);
CESHIM_API BOOL WINAPI CeShimSystemParametersInfoA(UINT uiAction, UINT uiParam, PVOID pvParam, UINT fWinIni);

/* Routed: CE registry paths. Leading backslashes in lpSubKey are skipped
 * and samDesired 0 (CE ignores it) means KEY_ALL_ACCESS; HKLM\Drivers and
 * HKLM\Services are created on first use. Anything else: Win32 unchanged. */
CESHIM_API LONG WINAPI CeShimRegCreateKeyExW(HKEY hKey, LPCWSTR lpSubKey, DWORD Reserved, LPWSTR lpClass,
                                             DWORD dwOptions, REGSAM samDesired,
                                             LPSECURITY_ATTRIBUTES lpSecurityAttributes, PHKEY phkResult,
                                             LPDWORD lpdwDisposition);
CESHIM_API LONG WINAPI CeShimRegCreateKeyExA(HKEY hKey, LPCSTR lpSubKey, DWORD Reserved, LPSTR lpClass,
                                             DWORD dwOptions, REGSAM samDesired,
                                             LPSECURITY_ATTRIBUTES lpSecurityAttributes, PHKEY phkResult,
                                             LPDWORD lpdwDisposition);
CESHIM_API LONG WINAPI CeShimRegOpenKeyExW(HKEY hKey, LPCWSTR lpSubKey, DWORD ulOptions, REGSAM samDesired,
                                           PHKEY phkResult);
CESHIM_API LONG WINAPI CeShimRegOpenKeyExA(HKEY hKey, LPCSTR lpSubKey, DWORD ulOptions, REGSAM samDesired,
                                           PHKEY phkResult);
CESHIM_API LONG WINAPI CeShimRegDeleteKeyW(HKEY hKey, LPCWSTR lpSubKey);
CESHIM_API LONG WINAPI CeShimRegDeleteKeyA(HKEY hKey, LPCSTR lpSubKey);

#ifdef __cplusplus
}
#endif

#if !defined(CESHIM_BUILDING_DLL) && !defined(CESHIM_NO_ROUTING)
#define SystemParametersInfoW CeShimSystemParametersInfoW
#define SystemParametersInfoA CeShimSystemParametersInfoA
#define RegCreateKeyExW CeShimRegCreateKeyExW
#define RegCreateKeyExA CeShimRegCreateKeyExA
#define RegOpenKeyExW CeShimRegOpenKeyExW
#define RegOpenKeyExA CeShimRegOpenKeyExA
#define RegDeleteKeyW CeShimRegDeleteKeyW
#define RegDeleteKeyA CeShimRegDeleteKeyA
#endif

/* GetProcAddress(h, L"name"), as CE code writes it: a wide name goes to
 * GetProcAddressW, a narrow one to Win32's GetProcAddress. */
#if !defined(CESHIM_BUILDING_DLL) && !defined(CESHIM_NO_ROUTING)
#ifdef __cplusplus
static inline FARPROC GetProcAddress(HMODULE hModule, LPCWSTR lpProcName)
{
    return GetProcAddressW(hModule, lpProcName);
}
#else
#define GetProcAddress(hModule, lpProcName)                                                         \
    _Generic((lpProcName), wchar_t *: GetProcAddressW, const wchar_t *: GetProcAddressW,           \
             default: GetProcAddress)((hModule), (lpProcName))
#endif
#endif

/* ---- CE's CRT: wide printf ------------------------------------------------------------ */

/* In CE's (Microsoft's) CRT, %s in a wide format is a wide string and
 * swprintf takes no count: swprintf(buf, L"%s", wide). mingw-w64 turns on
 * its C99 stdio for C99 and later (%s = narrow) and declares only the
 * counted swprintf. For C, the wide printf family is routed to mingw's
 * Microsoft-semantics functions and swprintf picks its form from its
 * second argument (a count keeps the C99 function). Narrow printf is not
 * touched. C++ gets the count-less swprintf overload from mingw itself;
 * its %s follows __USE_MINGW_ANSI_STDIO (define it to 0 for CE's). */
#if !defined(__cplusplus) && defined(__MINGW32__) && !defined(CESHIM_C99_WPRINTF) &&                 \
    !defined(CESHIM_BUILDING_DLL)
#define CESHIM_ARG2_(a, b, ...) b
#undef wprintf
#undef fwprintf
#undef vwprintf
#undef vfwprintf
#undef swprintf
#undef vswprintf
#define wprintf __ms_wprintf
#define fwprintf __ms_fwprintf
#define vwprintf __ms_vwprintf
#define vfwprintf __ms_vfwprintf
#define swprintf(...)                                                                               \
    _Generic(CESHIM_ARG2_(__VA_ARGS__, 0), wchar_t *: __ms_swprintf, const wchar_t *: __ms_swprintf, \
             default: swprintf)(__VA_ARGS__)
#define vswprintf(...)                                                                              \
    _Generic(CESHIM_ARG2_(__VA_ARGS__, 0), wchar_t *: __ms_vswprintf,                               \
             const wchar_t *: __ms_vswprintf, default: vswprintf)(__VA_ARGS__)
#endif

#endif /* CESHIM_CEBASE_H */
