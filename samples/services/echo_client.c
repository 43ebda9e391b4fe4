/*
 * echo_client.c - a CE program talking to the echo service through the
 * stream interface, as CE applications reach any service:
 *   CreateFile(L"ECH0:")  -> ECH_Open
 *   DeviceIoControl       -> ECH_IOControl (IOCTL_SERVICE_STATUS, IOCTL_ECHO_ECHO)
 *   WriteFile / ReadFile  -> ECH_Write / ECH_Read
 *   SetFilePointer        -> ECH_Seek
 *   CloseHandle           -> ECH_PreClose, ECH_Close
 * Plain CE code. The service must be registered first (echo_service.reg;
 * the demo does it); the first call starts the services host.
 * Exit code 0 when every step did what it should.
 */
#include <windows.h>
#include <service.h>
#include <stdio.h>
#include <string.h>

#include "echo_ioctl.h"

static int Fail(const char *what)
{
    printf("echo_client: %s failed, error %lu\n", what, GetLastError());
    return 1;
}

int main(void)
{
    static const char message[] = "hello from a CE client";
    static const char stored[] = "written, then read back";
    char buf[64];
    DWORD state = SERVICE_STATE_UNKNOWN, cb = 0, pos;
    HANDLE h;

    h = CreateFile(ECHO_DEVICE_NAME, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    if (h == INVALID_HANDLE_VALUE)
        return Fail("CreateFile(ECH0:)");
    printf("echo_client: opened %ls\n", ECHO_DEVICE_NAME);

    if (!DeviceIoControl(h, IOCTL_SERVICE_STATUS, NULL, 0, &state, sizeof(state), &cb, NULL))
        return Fail("IOCTL_SERVICE_STATUS");
    printf("echo_client: IOCTL_SERVICE_STATUS -> %s\n", state == SERVICE_STATE_ON ? "on" : "not on");

    memset(buf, 0, sizeof(buf));
    if (!DeviceIoControl(h, IOCTL_ECHO_ECHO, (LPVOID)message, sizeof(message), buf, sizeof(buf), &cb, NULL))
        return Fail("IOCTL_ECHO_ECHO");
    printf("echo_client: IOCTL_ECHO_ECHO \"%s\" -> \"%s\" (%lu bytes)\n", message, buf, cb);
    if (cb != sizeof(message) || memcmp(buf, message, sizeof(message)) != 0)
        return Fail("the echo comparison");

    /* An output buffer too small for the echo is refused, not truncated. */
    if (DeviceIoControl(h, IOCTL_ECHO_ECHO, (LPVOID)message, sizeof(message), buf, 4, &cb, NULL) ||
        GetLastError() != ERROR_INSUFFICIENT_BUFFER)
        return Fail("the short-buffer check");
    printf("echo_client: a 4-byte output buffer -> ERROR_INSUFFICIENT_BUFFER, as expected\n");

    if (!WriteFile(h, stored, sizeof(stored), &cb, NULL) || cb != sizeof(stored))
        return Fail("WriteFile");
    printf("echo_client: WriteFile \"%s\" (%lu bytes)\n", stored, cb);

    memset(buf, 0, sizeof(buf));
    if (!ReadFile(h, buf, sizeof(buf), &cb, NULL) || cb != sizeof(stored) || strcmp(buf, stored) != 0)
        return Fail("ReadFile");
    printf("echo_client: ReadFile -> \"%s\" (%lu bytes)\n", buf, cb);

    /* Seek back to "then ..." and read the rest again. */
    pos = SetFilePointer(h, 9, NULL, FILE_BEGIN);
    if (pos != 9)
        return Fail("SetFilePointer");
    memset(buf, 0, sizeof(buf));
    if (!ReadFile(h, buf, sizeof(buf), &cb, NULL) || strcmp(buf, stored + 9) != 0)
        return Fail("ReadFile after SetFilePointer");
    printf("echo_client: SetFilePointer(9, FILE_BEGIN) -> %lu, ReadFile -> \"%s\"\n", pos, buf);

    if (!CloseHandle(h))
        return Fail("CloseHandle");
    printf("echo_client: closed; all done\n");
    return 0;
}
