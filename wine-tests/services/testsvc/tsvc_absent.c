/* tsvc_absent.dll: what tsvc_noimport.dll imports. Built outside bin/, so
 * the loader finds it nowhere when the host loads tsvc_noimport.dll. */
#include <windows.h>

__declspec(dllexport) DWORD tsvc_absent_value(void)
{
    return 0;
}
