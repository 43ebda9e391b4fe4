/* The CRT's console entry, reduced to what the linker's choice rests on:
 * mainCRTStartup calls main (MSVC's CRT: through invoke_main). */
#include <windows.h>
int __cdecl main(int argc, char **argv);
void __cdecl mainCRTStartup(void)
{
    ExitProcess((unsigned)main(0, NULL));
}
