/*
 * dllmain.c - process attach: read the trace setting once.
 */
#include <windows.h>

#include "common/trace.h"

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, LPVOID reserved)
{
    (void)reserved;
    if (reason == DLL_PROCESS_ATTACH) {
        DisableThreadLibraryCalls(instance);
        ceshim_trace_init();
    }
    return TRUE;
}
