/*
 * pipe_client.c - a CE application that loads the sample pipe driver and
 * joins two of its own processes through it:
 *   ActivateDevice(L"Drivers\\SamplePipe")  -> PIP_Init (in the host)
 *   a reader process: CreateFile(L"PIP1:"), ReadFile blocks (PIP_Read)
 *   this process:     CreateFile(L"PIP1:"), WriteFile (PIP_Write)
 *   FindFirstDevice / GetDeviceInformationByDeviceHandle: what is loaded
 *   DeactivateDevice                         -> PIP_PreDeinit, PIP_Deinit
 * The driver key must exist first (pipe_driver.reg; the demo imports it).
 * Exit code 0 when every step did what it should.
 */
#include <windows.h>
#include <stdio.h>
#include <string.h>

#define DRIVER_KEY L"Drivers\\SamplePipe"
#define DEVICE L"PIP1:"

static int Fail(const char *who, const char *what)
{
    printf("pipe_client (%s): %s failed, error %lu\n", who, what, GetLastError());
    return 1;
}

/* The reader: blocks in ReadFile until the writer (another process) writes. */
static int Reader(void)
{
    char buf[64];
    DWORD got = 0;
    HANDLE h = CreateFile(DEVICE, GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);
    if (h == INVALID_HANDLE_VALUE)
        return Fail("reader", "CreateFile(PIP1:)");
    printf("pipe_client (reader, pid %lu): waiting in ReadFile(PIP1:)...\n", GetCurrentProcessId());
    fflush(stdout);
    memset(buf, 0, sizeof(buf));
    if (!ReadFile(h, buf, sizeof(buf) - 1, &got, NULL))
        return Fail("reader", "ReadFile");
    printf("pipe_client (reader): got \"%s\" (%lu bytes) from the other process\n", buf, got);
    CloseHandle(h);
    return 0;
}

int main(int argc, char **argv)
{
    static const char message[] = "hello through PIP1:";
    if (argc > 1 && strcmp(argv[1], "reader") == 0)
        return Reader();

    HANDLE dev = ActivateDevice(DRIVER_KEY, 0);
    if (!dev)
        return Fail("writer", "ActivateDevice(Drivers\\SamplePipe)");
    DEVMGR_DEVICE_INFORMATION di;
    memset(&di, 0, sizeof(di));
    di.dwSize = sizeof(di);
    if (!GetDeviceInformationByDeviceHandle(dev, &di))
        return Fail("writer", "GetDeviceInformationByDeviceHandle");
    printf("pipe_client: ActivateDevice loaded %ls as %ls (%ls)\n", di.szDeviceKey, di.szLegacyName,
           di.szDeviceName);

    /* The reader, a second process of this program. */
    char cmd[MAX_PATH + 16];
    STARTUPINFOA si;
    PROCESS_INFORMATION pi;
    memset(&si, 0, sizeof(si));
    si.cb = sizeof(si);
    snprintf(cmd, sizeof(cmd), "\"%s\" reader", argv[0]);
    if (!CreateProcessA(NULL, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi))
        return Fail("writer", "CreateProcess(reader)");
    Sleep(300); /* let it block first: the driver pairs whoever comes */

    HANDLE h = CreateFile(DEVICE, GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    DWORD put = 0;
    if (h == INVALID_HANDLE_VALUE)
        return Fail("writer", "CreateFile(PIP1:)");
    if (!WriteFile(h, message, (DWORD)strlen(message), &put, NULL))
        return Fail("writer", "WriteFile");
    printf("pipe_client (writer, pid %lu): wrote \"%s\"\n", GetCurrentProcessId(), message);
    DWORD code = 1;
    if (WaitForSingleObject(pi.hProcess, 30000) != WAIT_OBJECT_0 || !GetExitCodeProcess(pi.hProcess, &code) ||
        code != 0)
        return Fail("writer", "the reader process");
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    CloseHandle(h);

    if (!DeactivateDevice(dev))
        return Fail("writer", "DeactivateDevice");
    h = CreateFile(DEVICE, GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    if (h != INVALID_HANDLE_VALUE)
        return Fail("writer", "PIP1: still there after DeactivateDevice; the check");
    printf("pipe_client: DeactivateDevice unloaded it; CreateFile(PIP1:) now fails with error %lu\n",
           GetLastError());
    return 0;
}
