/*
 * dllmain.c - process attach: read the trace setting once.
 */
#include <windows.h>

#include "common/trace.h"

void ceshim_msgqueue_process_detach(void);
void ceshim_services_process_attach(void);

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, LPVOID reserved)
{
    (void)reserved;
    if (reason == DLL_PROCESS_ATTACH) {
        DisableThreadLibraryCalls(instance);
        ceshim_trace_init();
        ceshim_services_process_attach();
    } else if (reason == DLL_PROCESS_DETACH) {
        /* A clean exit releases this process's queue ends at once; a
         * crash is swept by the other processes. */
        ceshim_msgqueue_process_detach();
    }
    return TRUE;
}
