/*
 * ce_own_debugmsg.c - a file with its own DEBUGMSG/RETAILMSG, written the
 * ways that compiled on CE (whose <windows.h> defined them too): #undef
 * first, or #ifndef. It also defines FILE_DEVICE_HAL and DECLSPEC_EXPORT
 * itself, with CE's values.
 */
#include <windows.h>

#ifdef DEBUGMSG
#undef DEBUGMSG
#endif
#define DEBUGMSG(cond, msg) ((void)((cond) ? (wprintf msg, 1) : 0))

#ifndef RETAILMSG
#define RETAILMSG(cond, msg) my_retail_not_used
#endif

#define FILE_DEVICE_HAL 0x00000101
#define DECLSPEC_EXPORT __declspec(dllexport)

DECLSPEC_EXPORT int exported_value = 5;

int main(void)
{
    DEBUGMSG(1, (L"own DEBUGMSG: %s\n", L"used"));
    RETAILMSG(1, (L"ceshim RETAILMSG: %s\r\n", L"kept"));
    return 0;
}
