/* A CE program: WinMain with CE's LPWSTR command line. Compiled with
 * forced.h force-included, as ceshim.h is. */
#include "print.h"

int WINAPI WinMain(HINSTANCE hInstance, HINSTANCE hPrevInstance, LPWSTR lpCmdLine, int nShowCmd)
{
    put(hInstance == GetModuleHandleW(NULL) && !hPrevInstance ? "WinMain: instance ok, cmdline [" : "WinMain: bad instance [",
        lpCmdLine, "]", -1);
    put("show", NULL, NULL, nShowCmd);
    return 3;
}
