/* The CRT's wide console entry, reduced: wmainCRTStartup calls wmain. */
#include <windows.h>
int __cdecl wmain(int argc, wchar_t **argv);
void __cdecl wmainCRTStartup(void)
{
    static wchar_t name[] = {'p', 0};
    static wchar_t *argv[] = {name, NULL};
    ExitProcess((unsigned)wmain(1, argv));
}
