/*
 * service.h - Windows CE services (services.exe): constants and IOCTL codes.
 *
 * Written for ceshim from Microsoft's CE documentation. The client calls
 * are served by ceshim's services host, ceservicesd.exe, which the first
 * call starts on demand (see README, "Services").
 */
#ifndef CESHIM_SERVICE_H
#define CESHIM_SERVICE_H

#include <windows.h>
#include <winioctl.h>

#include <devload.h>

#ifndef FILE_DEVICE_SERVICE
#define FILE_DEVICE_SERVICE 0x00000104
#endif

#define SERVICE_SUCCESS             0

#define SERVICE_STATE_OFF           0
#define SERVICE_STATE_ON            1
#define SERVICE_STATE_STARTING_UP   2
#define SERVICE_STATE_SHUTTING_DOWN 3
#define SERVICE_STATE_UNLOADING     4
#define SERVICE_STATE_UNINITIALIZED 5
#define SERVICE_STATE_UNKNOWN       0xffffffff

#define SERVICE_INIT_STARTED    0x00000000
#define SERVICE_INIT_STOPPED    0x00000001
#define SERVICE_INIT_STANDALONE 0x00000002

#define IOCTL_SERVICE_START               CTL_CODE(FILE_DEVICE_SERVICE, 1, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_SERVICE_STOP                CTL_CODE(FILE_DEVICE_SERVICE, 2, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_SERVICE_REFRESH             CTL_CODE(FILE_DEVICE_SERVICE, 3, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_SERVICE_INSTALL             CTL_CODE(FILE_DEVICE_SERVICE, 4, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_SERVICE_UNINSTALL           CTL_CODE(FILE_DEVICE_SERVICE, 5, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_SERVICE_UNLOAD              CTL_CODE(FILE_DEVICE_SERVICE, 6, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_SERVICE_CONTROL             CTL_CODE(FILE_DEVICE_SERVICE, 7, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_SERVICE_STATUS              CTL_CODE(FILE_DEVICE_SERVICE, 8, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_SERVICE_DEBUG               CTL_CODE(FILE_DEVICE_SERVICE, 9, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_SERVICE_CONSOLE             CTL_CODE(FILE_DEVICE_SERVICE, 10, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_SERVICE_REGISTER_SOCKADDR   CTL_CODE(FILE_DEVICE_SERVICE, 11, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_SERVICE_DEREGISTER_SOCKADDR CTL_CODE(FILE_DEVICE_SERVICE, 12, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_SERVICE_CONNECTION          CTL_CODE(FILE_DEVICE_SERVICE, 13, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_SERVICE_STARTED             CTL_CODE(FILE_DEVICE_SERVICE, 14, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_SERVICE_QUERY_CAN_DEINIT    CTL_CODE(FILE_DEVICE_SERVICE, 15, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_SERVICE_NOTIFY_ADDR_CHANGE  CTL_CODE(FILE_DEVICE_SERVICE, 16, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_SERVICE_CALLBACK_FUNCTIONS  CTL_CODE(FILE_DEVICE_SERVICE, 17, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_SERVICE_SUPPORTED_OPTIONS   CTL_CODE(FILE_DEVICE_SERVICE, 18, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_SERVICE_COMMAND_LINE_PARAMS CTL_CODE(FILE_DEVICE_SERVICE, 19, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_SERVICE_COMMAND_LINE_HELP   CTL_CODE(FILE_DEVICE_SERVICE, 20, METHOD_BUFFERED, FILE_ANY_ACCESS)

#define SERVICE_CALLER_PROCESS_SERVICES_EXE 1
#define SERVICE_CALLER_PROCESS_DEVICE_EXE   2
#define SERVICE_CALLER_PROCESS_OTHER_EXE    100

#define SERVICE_SERVICES_EXE_PROCNAME L"services.exe"
#define SERVICE_DEVICE_EXE_PROCNAME   L"device.exe"

#define SERVICES_EXE_MAX_CMD_LINE_OPTIONS 16

/* Registry Flags of a service (HKLM\Services\<Name>\Flags): DEVFLAGS_* of devload.h. */

typedef void(WINAPI *PFN_SERVICE_SHUTDOWN)(void);

/* One EnumServices entry; szDllName points into the caller's buffer, after
 * the array. hServiceHandle is NULL, as on CE6 and later. */
typedef struct _ServiceEnumInfo {
    WCHAR szPrefix[6]; /* "XXXn:" and its NUL */
    WCHAR *szDllName;
    HANDLE hServiceHandle;
    DWORD dwServiceState; /* SERVICE_STATE_* (IOCTL_SERVICE_STATUS) */
} ServiceEnumInfo;

typedef struct _ServicesExeCallbackFunctions {
    PFN_SERVICE_SHUTDOWN pfnServiceShutdown;
} ServicesExeCallbackFunctions;

typedef struct _ServicesExeCommandLineParams {
    DWORD dwArgs;
    const WCHAR *ppwszArgs[SERVICES_EXE_MAX_CMD_LINE_OPTIONS];
} ServicesExeCommandLineParams;

#include <ceshim_api.h>

#ifdef __cplusplus
extern "C" {
#endif

/* CE declares these without WINAPI (__cdecl); so does ceshim. */
HANDLE ActivateService(LPCWSTR lpszDevKey, DWORD dwClientInfo);
HANDLE RegisterService(LPCWSTR lpszType, DWORD dwIndex, LPCWSTR lpszLib, DWORD dwInfo);
BOOL DeregisterService(HANDLE hDevice);
HANDLE GetServiceHandle(LPWSTR szPrefix, LPWSTR szDllName, DWORD *pdwDllBuf);
BOOL ServiceIoControl(HANDLE hService, DWORD dwIoControlCode, LPVOID lpInBuf, DWORD nInBufSize,
                      LPVOID lpOutBuf, DWORD nOutBufSize, LPDWORD lpBytesReturned, LPOVERLAPPED lpOverlapped);
BOOL EnumServices(PBYTE pBuffer, DWORD *pdwServiceEntries, DWORD *pdwBufferLen);
/* CE5 calls that CE6+ keeps only as exports failing with
 * ERROR_CALL_NOT_IMPLEMENTED; so does ceshim (use CreateFile and
 * EnumServices). */
HANDLE CreateServiceHandle(LPCWSTR lpNew, DWORD dwAccess, DWORD dwShareMode, HANDLE hProc);
BOOL GetServiceByIndex(DWORD dwIndex, LPWIN32_FIND_DATAW lpFindFileData);

/* Super-service ports (a service loaded with SERVICE_INIT_STOPPED); as on
 * CE, declared only where Winsock is. CE6+: szRegWritePath must be NULL
 * and fRemoveFromRegistry FALSE. */
#if defined(_WINSOCKAPI_) || defined(_WINSOCK2API_)
BOOL ServiceAddPort(HANDLE hService, struct sockaddr *pSockAddr, int cbSockAddr, int iProtocol,
                    WCHAR *szRegWritePath);
BOOL ServiceClosePort(HANDLE hService, struct sockaddr *pSockAddr, int cbSockAddr, int iProtocol,
                      BOOL fRemoveFromRegistry);
BOOL ServiceUnbindPorts(HANDLE hService);
#endif

#ifdef __cplusplus
}
#endif

#endif /* CESHIM_SERVICE_H */
