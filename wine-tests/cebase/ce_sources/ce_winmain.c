/*
 * ce_winmain.c - a CE program's WinMain, in C: LPWSTR command line
 * without the program name, wide %s in wprintf.
 */
#include <windows.h>

int WINAPI WinMain(HINSTANCE hInstance, HINSTANCE hPrevInstance, LPWSTR lpCmdLine, int nCmdShow)
{
    (void)hPrevInstance;
    wprintf(L"WinMain(C): instance %s, cmdline [%s], show %d\n",
            hInstance == GetModuleHandle(NULL) ? L"ok" : L"wrong", lpCmdLine, nCmdShow > 0 ? 1 : 0);
    return 3;
}
