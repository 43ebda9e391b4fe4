/* What ceshim.h (force-included) does for the entry point: <windows.h>
 * first, then CE's WinMain becomes wWinMain (headers/ceshim_cebase.h). */
#include <windows.h>
#define WinMain wWinMain
