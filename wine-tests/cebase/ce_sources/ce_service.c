/*
 * ce_service.c - written as a CE service source is: debug zones with
 * dpCurSettings, DEBUGREGISTER, DEBUGMSG/RETAILMSG/ERRORMSG, its own
 * unguarded declaration of KernelIoControl and its own HAL IOCTL, and a
 * wmain. Built unchanged against ceshim (-Werror) as a CE debug build
 * (DEBUG defined on the command line, as CE's build does), run by ctest with
 * CESHIM_DEBUGMSG=1 and CESHIM_ZONES_CeSvc=0x5, its output checked.
 */
#include <windows.h>

#define IOCTL_HAL_GET_DEVICEID CTL_CODE(FILE_DEVICE_HAL, 21, METHOD_BUFFERED, FILE_ANY_ACCESS)

BOOL KernelIoControl(DWORD dwIoControlCode, LPVOID lpInBuf, DWORD nInBufSize, LPVOID lpOutBuf,
                     DWORD nOutBufSize, LPDWORD lpBytesReturned);

#define ZONE_INIT    DEBUGZONE(0)
#define ZONE_IOCTL   DEBUGZONE(1)
#define ZONE_WARNING DEBUGZONE(2)
#define ZONE_ERROR   DEBUGZONE(15)

#ifdef DEBUG
DBGPARAM dpCurSettings = {
    TEXT("CeSvc"),
    {TEXT("Init"), TEXT("IOCtl"), TEXT("Warning"), TEXT(""), TEXT(""), TEXT(""), TEXT(""), TEXT(""), TEXT(""),
     TEXT(""), TEXT(""), TEXT(""), TEXT(""), TEXT(""), TEXT(""), TEXT("Error")},
    0x8000 /* errors only, unless overridden */
};
#endif

static DWORD SVC_Init(DWORD dwContext)
{
    DEBUGREGISTER(NULL);
    DEBUGMSG(ZONE_INIT, (TEXT("CeSvc: SVC_Init(%u) mask 0x%04x\r\n"), dwContext, dpCurSettings.ulZoneMask));
    DEBUGMSG(ZONE_IOCTL, (TEXT("CeSvc: zone IOCtl is on\r\n")));
    return 1;
}

static BOOL get_device_id(void)
{
    BYTE buffer[256];
    DWORD returned = 0;
    DEBUGCHK(sizeof(buffer) > 20);
    if (!KernelIoControl(IOCTL_HAL_GET_DEVICEID, NULL, 0, buffer, sizeof(buffer), &returned)) {
        ERRORMSG(1, (TEXT("CeSvc: IOCTL_HAL_GET_DEVICEID failed %u\r\n"), GetLastError()));
        return FALSE;
    }
    DWORD platform_bytes = ((DWORD *)buffer)[4];
    RETAILMSG(1, (TEXT("CeSvc: device id %u bytes, platform id %u bytes\r\n"), returned, platform_bytes));
    if (!KernelIoControl(0x01019999, NULL, 0, buffer, sizeof(buffer), &returned))
        DEBUGMSG(ZONE_WARNING, (TEXT("CeSvc: unknown ioctl: error %u\r\n"), GetLastError()));
    return TRUE;
}

int wmain(int argc, wchar_t *argv[])
{
    RETAILMSG(1, (TEXT("CeSvc: %s started with %d argument(s), last %s\r\n"), L"service", argc - 1,
                  argc > 1 ? argv[argc - 1] : L"-"));
    SVC_Init(7);
    BOOL ok = get_device_id();
    RETAILMSG(ok, (TEXT("CeSvc: done\r\n")));
    return ok ? 0 : 1;
}
