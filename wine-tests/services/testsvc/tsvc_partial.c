/*
 * tsvc_partial.c - service DLLs that break (or just meet) the host's
 * required-exports rules, for the load tests. Every entry point is defined
 * here, trivially; each DLL's hand-written .def decides which ones it
 * exports, and -DTSVC_PREFIX names them:
 *   tsvc_noinit.dll   TSX  no TSX_Init                       -> refused
 *   tsvc_openonly.dll TSY  Open without Close                -> refused, ERROR_INVALID_FUNCTION
 *   tsvc_preclose.dll TSZ  PreClose without PreDeinit        -> refused, ERROR_INVALID_FUNCTION
 *   tsvc_minimal.dll  TSW  Init, Deinit, IOControl only      -> valid (no Open: not openable)
 *   tsvc_dllfail.dll  TSV  as minimal; DllMain says FALSE   -> LoadLibrary fails, ERROR_DLL_INIT_FAILED
 *   tsvc_noimport.dll TSU  as minimal; imports from a DLL that is nowhere to be found
 *                                                            -> LoadLibrary fails, ERROR_MOD_NOT_FOUND
 * The valid one answers IOCTL_SERVICE_STATUS (SERVICE_STATE_ON) only.
 */
#include <windows.h>
#include <service.h>
#include <string.h>

#ifndef TSVC_PREFIX
#error "build with -DTSVC_PREFIX=<3-letter prefix>"
#endif
#define TSVC_CAT2(a, b) a##b
#define TSVC_CAT(a, b) TSVC_CAT2(a, b)
#define TSVC_ENTRY(name) TSVC_CAT(TSVC_PREFIX, name)

#ifdef TSVC_IMPORTS_ABSENT
__declspec(dllimport) DWORD tsvc_absent_value(void); /* tsvc_absent.dll, kept out of bin/ */
#define TSVC_INIT_EXTRA() (tsvc_absent_value() & 0)
#else
#define TSVC_INIT_EXTRA() 0
#endif

#ifdef TSVC_DLLMAIN_FAILS
BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, LPVOID reserved)
{
    (void)instance;
    (void)reserved;
    return reason != DLL_PROCESS_ATTACH;
}
#endif

DWORD TSVC_ENTRY(_Init)(DWORD dwData)
{
    return dwData + 1 + TSVC_INIT_EXTRA();
}

BOOL TSVC_ENTRY(_Deinit)(DWORD dwData)
{
    (void)dwData;
    return TRUE;
}

BOOL TSVC_ENTRY(_PreDeinit)(DWORD dwData)
{
    (void)dwData;
    return TRUE;
}

DWORD TSVC_ENTRY(_Open)(DWORD dwData, DWORD dwAccess, DWORD dwShareMode)
{
    (void)dwData;
    (void)dwAccess;
    (void)dwShareMode;
    return 1;
}

BOOL TSVC_ENTRY(_Close)(DWORD dwOpen)
{
    (void)dwOpen;
    return TRUE;
}

BOOL TSVC_ENTRY(_PreClose)(DWORD dwOpen)
{
    (void)dwOpen;
    return TRUE;
}

BOOL TSVC_ENTRY(_IOControl)(DWORD dwOpen, DWORD dwCode, PBYTE pBufIn, DWORD dwLenIn, PBYTE pBufOut, DWORD dwLenOut,
                            PDWORD pdwActualOut)
{
    DWORD state = SERVICE_STATE_ON;

    (void)dwOpen;
    (void)pBufIn;
    (void)dwLenIn;
    if (dwCode == IOCTL_SERVICE_STATUS && pBufOut != NULL && dwLenOut >= sizeof(state)) {
        memcpy(pBufOut, &state, sizeof(state));
        if (pdwActualOut != NULL)
            *pdwActualOut = sizeof(state);
        return TRUE;
    }
    SetLastError(ERROR_NOT_SUPPORTED);
    return FALSE;
}
