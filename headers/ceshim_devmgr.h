/*
 * ceshim_devmgr.h - what CE's <winbase.h> declared for the device manager
 * and ceshim provides: ActivateDevice(Ex), DeactivateDevice,
 * FindFirstDevice/FindNextDevice (closed with FindClose),
 * DEVMGR_DEVICE_INFORMATION and GetDeviceInformationBy*Handle,
 * EnumDeviceInterfaces. Included by ceshim.h (force-included). The driver
 * key's values, DEVFLAGS_* and REGINI are in devload.h.
 *
 * Declared without WINAPI, as CE's documentation prints them: the i686
 * exports are __cdecl. Drivers run in the services host (see README).
 */
#ifndef CESHIM_DEVMGR_H
#define CESHIM_DEVMGR_H

#include <stddef.h>
#include <windows.h>

#include <ceshim_api.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Failure: NULL (CE 6.0), GetLastError() says why. */
HANDLE ActivateDevice(LPCWSTR lpszDevKey, DWORD dwClientInfo);
HANDLE ActivateDeviceEx(LPCWSTR lpszDevKey, LPCVOID lpRegEnts, DWORD cRegEnts, LPVOID lpvParam);
BOOL DeactivateDevice(HANDLE hDevice);
/* CE5's (obsolete since CE6): lpszType "ABC", dwIndex 0..9, lpszLib the
 * DLL; XXX_Init gets dwInfo as its first argument (no Active key). 0 on
 * failure. DeregisterDevice is DeactivateDevice. */
HANDLE RegisterDevice(LPCWSTR lpszType, DWORD dwIndex, LPCWSTR lpszLib, DWORD dwInfo);
BOOL DeregisterDevice(HANDLE hDevice);

typedef enum {
    DeviceSearchByLegacyName,
    DeviceSearchByDeviceName,
    DeviceSearchByBusName,
    DeviceSearchByGuid,
    DeviceSearchByParent
} DeviceSearchType;

typedef struct _DevmgrDeviceInformation_tag {
    DWORD dwSize;               /* sizeof(DEVMGR_DEVICE_INFORMATION), set by the caller */
    HANDLE hDevice;             /* the activation handle */
    HANDLE hParentDevice;       /* the parent's activation handle (NULL) */
    WCHAR szLegacyName[6];      /* L"ABC1:", or L"" for Index >= 10 */
    WCHAR szDeviceKey[MAX_PATH];/* the device key, HKLM-relative */
    WCHAR szDeviceName[MAX_PATH];/* L"\\$device\\ABC1" (openable by CreateFile) */
    WCHAR szBusName[MAX_PATH];  /* L"" (no bus drivers) */
} DEVMGR_DEVICE_INFORMATION, *PDEVMGR_DEVICE_INFORMATION;

#if defined(__cplusplus)
#define CESHIM_DEVMGR_ASSERT static_assert
#else
#define CESHIM_DEVMGR_ASSERT _Static_assert
#endif
/* CE's layout (i686 1584 bytes, x86_64 1600). */
CESHIM_DEVMGR_ASSERT(sizeof(DEVMGR_DEVICE_INFORMATION) == (sizeof(void *) == 8 ? 1600 : 1584),
                     "DEVMGR_DEVICE_INFORMATION size");
CESHIM_DEVMGR_ASSERT(sizeof(void *) == 8 || (offsetof(DEVMGR_DEVICE_INFORMATION, szDeviceKey) == 24 &&
                                             offsetof(DEVMGR_DEVICE_INFORMATION, szBusName) == 1064),
                     "DEVMGR_DEVICE_INFORMATION layout (i686)");
CESHIM_DEVMGR_ASSERT(sizeof(void *) == 4 || (offsetof(DEVMGR_DEVICE_INFORMATION, szDeviceKey) == 36 &&
                                             offsetof(DEVMGR_DEVICE_INFORMATION, szBusName) == 1076),
                     "DEVMGR_DEVICE_INFORMATION layout (x86_64)");
#undef CESHIM_DEVMGR_ASSERT

/* A search handle (close it with FindClose), or INVALID_HANDLE_VALUE:
 * ERROR_NO_MORE_FILES when nothing matches. Names match with * and ?,
 * ignoring case; ByDeviceName takes L"ABC*" or L"$device\\ABC*"; ByGuid a
 * const GUID *; ByParent an activation handle. */
HANDLE FindFirstDevice(DeviceSearchType searchType, LPCVOID pvSearchParam, PDEVMGR_DEVICE_INFORMATION pdi);
/* FALSE with ERROR_NO_MORE_FILES at the end. */
BOOL FindNextDevice(HANDLE h, PDEVMGR_DEVICE_INFORMATION pdi);
BOOL GetDeviceInformationByDeviceHandle(HANDLE hDevice, PDEVMGR_DEVICE_INFORMATION pdi);
BOOL GetDeviceInformationByFileHandle(HANDLE hFile, PDEVMGR_DEVICE_INFORMATION pdi);
/* h: an activation handle or a CreateFile handle on the device. */
BOOL EnumDeviceInterfaces(HANDLE h, DWORD dwIndex, GUID *pClass, LPWSTR pszNameBuf, LPDWORD lpdwNameBufSize);

/* ceshim extension (no CE equivalent; `ceservices drivers` shows it): how
 * many CreateFile handles are open on the driver behind activation handle
 * hDevice, in every process. FALSE with ERROR_INVALID_HANDLE if hDevice is
 * not a loaded driver's, ERROR_INVALID_PARAMETER if lpdwOpens is NULL. */
CESHIM_API BOOL WINAPI CeShimGetDeviceOpenCount(HANDLE hDevice, LPDWORD lpdwOpens);

/* FindClose on a FindFirstDevice handle; every other handle goes to Win32. */
CESHIM_API BOOL WINAPI CeShimFindClose(HANDLE hFindFile);

#if !defined(CESHIM_BUILDING_DLL) && !defined(CESHIM_NO_ROUTING)
#define FindClose CeShimFindClose
#endif

#ifdef __cplusplus
}
#endif

#endif /* CESHIM_DEVMGR_H */
