/*
 * The part of the Windows SDK's <windows.h> that shim/cebase/ce_entry.c and
 * the programs here use, declared as the SDK documents it (no SDK on this
 * host; mingw-w64's headers do not build in clang's MSVC mode). Only for
 * cmake/tests/msvc-entry.cmake.
 */
#ifndef MSVC_ENTRY_STUB_WINDOWS_H
#define MSVC_ENTRY_STUB_WINDOWS_H
#include <wchar.h>
#define WINAPI __stdcall
#define FALSE 0
#define TRUE 1
#define NULL ((void *)0)
typedef int BOOL;
typedef unsigned char BYTE;
typedef unsigned short WORD;
typedef unsigned long DWORD;
typedef void *HANDLE;
typedef struct HINSTANCE__ *HINSTANCE;
typedef HINSTANCE HMODULE;
typedef char *LPSTR;
typedef const char *LPCSTR;
typedef wchar_t WCHAR;
typedef WCHAR *LPWSTR;
typedef const WCHAR *LPCWSTR;
#ifdef _WIN64
typedef long long INT_PTR;
#else
typedef int INT_PTR;
#endif
typedef INT_PTR(WINAPI *FARPROC)(void);
#define STD_OUTPUT_HANDLE ((DWORD)-11)
#define STD_ERROR_HANDLE ((DWORD)-12)
#define STARTF_USESHOWWINDOW 0x00000001
#define SW_SHOWDEFAULT 10
typedef struct _STARTUPINFOW {
    DWORD cb;
    LPWSTR lpReserved;
    LPWSTR lpDesktop;
    LPWSTR lpTitle;
    DWORD dwX, dwY, dwXSize, dwYSize, dwXCountChars, dwYCountChars, dwFillAttribute, dwFlags;
    WORD wShowWindow;
    WORD cbReserved2;
    BYTE *lpReserved2;
    HANDLE hStdInput, hStdOutput, hStdError;
} STARTUPINFOW;
__declspec(dllimport) HANDLE WINAPI GetStdHandle(DWORD nStdHandle);
__declspec(dllimport) BOOL WINAPI WriteFile(HANDLE hFile, const void *lpBuffer, DWORD nNumberOfBytesToWrite,
                                            DWORD *lpNumberOfBytesWritten, void *lpOverlapped);
__declspec(dllimport) LPWSTR WINAPI GetCommandLineW(void);
__declspec(dllimport) HMODULE WINAPI GetModuleHandleW(LPCWSTR lpModuleName);
__declspec(dllimport) HMODULE WINAPI LoadLibraryW(LPCWSTR lpLibFileName);
__declspec(dllimport) FARPROC WINAPI GetProcAddress(HMODULE hModule, LPCSTR lpProcName);
__declspec(dllimport) void WINAPI GetStartupInfoW(STARTUPINFOW *lpStartupInfo);
__declspec(dllimport) __declspec(noreturn) void WINAPI ExitProcess(unsigned uExitCode);
/* winbase.h declares both entry points. */
int WINAPI WinMain(HINSTANCE hInstance, HINSTANCE hPrevInstance, LPSTR lpCmdLine, int nShowCmd);
int WINAPI wWinMain(HINSTANCE hInstance, HINSTANCE hPrevInstance, LPWSTR lpCmdLine, int nShowCmd);
#endif
