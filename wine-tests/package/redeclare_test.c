/*
 * redeclare_test.c - CE sources re-declare the CE functions they use and
 * define OAK-only items themselves (application SDKs lacked pkfuncs.h).
 * This file does what such code does; that it compiles with -Werror on
 * gcc and clang, and links on x86_64 and i686, is most of the test.
 */
#include "cetest.h"

/* ceshim.h (force-included) must leave these to the application. */
#if defined(DLL_PROCESS_EXITING) || defined(IOCTL_PSL_NOTIFY) || defined(GetEventData)
#error "the forced include defines OAK items that CE applications define themselves"
#endif
#define DLL_PROCESS_EXITING 4
#define FILE_DEVICE_PSL 0x00000103
#define IOCTL_PSL_NOTIFY CTL_CODE(FILE_DEVICE_PSL, 255, METHOD_NEITHER, FILE_ANY_ACCESS)
typedef struct _DEVICE_PSL_NOTIFY {
    DWORD dwSize;
    DWORD dwFlags;
    HANDLE hProc;
    HANDLE hThread;
} DEVICE_PSL_NOTIFY, *PDEVICE_PSL_NOTIFY;

/* Re-declarations, as CE code writes them. */
HANDLE WINAPI CreateMsgQueue(LPCWSTR lpName, LPMSGQUEUEOPTIONS lpOptions);
BOOL WINAPI CloseMsgQueue(HANDLE hMsgQ);
BOOL WINAPI EventModify(HANDLE hEvent, DWORD func);
DWORD GetEventData(HANDLE hEvent);
BOOL SetEventData(HANDLE hEvent, DWORD dwData);
HANDLE GetCallerProcess(void);
HANDLE GetOwnerProcess(void);
HANDLE RequestDeviceNotifications(const GUID *devclass, HANDLE hMsgQ, BOOL fAll);
BOOL StopDeviceNotifications(HANDLE h);

/* The CE base layer's items, as CE code declares and defines them itself
 * (CE's SDK left KernelIoControl and the HAL IOCTLs to the OAK). */
BOOL KernelIoControl(DWORD dwIoControlCode, LPVOID lpInBuf, DWORD nInBufSize, LPVOID lpOutBuf,
                     DWORD nOutBufSize, LPDWORD lpBytesReturned);
void NKDbgPrintfW(LPCWSTR lpszFmt, ...);
BOOL WINAPI GetSystemPowerStatusEx(PSYSTEM_POWER_STATUS_EX pstatus, BOOL fUpdate);
#define FILE_DEVICE_HAL 0x00000101
#define IOCTL_HAL_GET_DEVICEID CTL_CODE(FILE_DEVICE_HAL, 21, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define VER_PLATFORM_WIN32_CE 3
#define SPI_GETPLATFORMTYPE 257
#define SPI_GETOEMINFO 258

CETEST(package, redeclared_ce_base_items_compile_and_link)
{
    BYTE id[128];
    DWORD got = 0;
    SetLastError(0xdeadbeef);
    CHECK(KernelIoControl(IOCTL_HAL_GET_DEVICEID, NULL, 0, id, sizeof(id), &got));
    CHECK(got > 20 && got <= sizeof(id));
    SYSTEM_POWER_STATUS_EX s;
    CHECK(GetSystemPowerStatusEx(&s, FALSE));
    NKDbgPrintfW(L"redeclared NKDbgPrintfW %s\r\n", L"ok");
}

CETEST(package, redeclared_ce_functions_compile_and_link)
{
    CHECK_EQ(IOCTL_PSL_NOTIFY, 0x010303FFu);
    MSGQUEUEOPTIONS o = { sizeof(o), 0, 2, 16, TRUE };
    HANDLE q = CreateMsgQueue(NULL, &o);
    REQUIRE(q != NULL);
    SetLastError(0xdeadbeef);
    CHECK(SetEventData(q, 42));
    CHECK_EQ(GetEventData(q), 42);
    CHECK_EQ((DWORD)(ULONG_PTR)GetOwnerProcess(), GetCurrentProcessId());
    CHECK(CloseMsgQueue(q));
    HANDLE e = CreateEventW(NULL, TRUE, FALSE, NULL);
    REQUIRE(e != NULL);
    CHECK(EventModify(e, EVENT_SET));
    CHECK_EQ(WaitForSingleObject(e, 0), WAIT_OBJECT_0);
    CloseHandle(e);
}
