/* A CE console program with wmain: the CRT's wmainCRTStartup calls it;
 * ceshim_entry's main is never taken. */
#include "print.h"

int __cdecl wmain(int argc, wchar_t **argv)
{
    (void)argv;
    put("wmain: argc", NULL, NULL, argc);
    return 4;
}
