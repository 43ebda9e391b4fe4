/*
 * ce_mixed_case.c - includes spelled as CE code written on Windows spells
 * them; all must be found on a case-sensitive build host.
 */
#include <Windows.h>
#include "Msgqueue.h"
#include <Pkfuncs.h>
#include <Service.h>
#include <DbgApi.h>
#include <Kfuncs.h>
#include <WinIoCtl.h>

int main(void)
{
    MSGQUEUEOPTIONS opts = {sizeof(opts), MSGQUEUE_ALLOW_BROKEN, 0, 16, TRUE};
    HANDLE q = CreateMsgQueue(NULL, &opts);
    RETAILMSG(1, (L"mixed case: queue %s, IOCTL_HAL_GET_UUID 0x%08x, platform %u\r\n", q ? L"made" : L"failed",
                  IOCTL_HAL_GET_UUID, VER_PLATFORM_WIN32_CE));
    if (q)
        CloseMsgQueue(q);
    return q ? 0 : 1;
}
