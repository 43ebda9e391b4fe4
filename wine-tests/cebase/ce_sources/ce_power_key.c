/*
 * ce_power_key.c - written as a CE keypad driver's power-key path and an
 * application that keeps running unattended are: <Pmpolicy.h> and <Pm.h>
 * in CE's spelling, PowerPolicyNotify, and its own declarations of the
 * base-layer calls it uses, in the forms CE declares them (winbase.h's
 * with WINAPI; PowerPolicyNotify, KernelIoControl and NKDbgPrintfW
 * without). That it compiles with -Werror and links on i686 (stdcall
 * decorations) is half the test; its output is the other half.
 */
#include <windows.h>
#include <Pmpolicy.h>
#include <Pm.h>

BOOL PowerPolicyNotify(DWORD dwMessage, DWORD dwData);
BOOL KernelIoControl(DWORD dwIoControlCode, LPVOID lpInBuf, DWORD nInBufSize, LPVOID lpOutBuf,
                     DWORD nOutBufSize, LPDWORD lpBytesReturned);
void NKDbgPrintfW(LPCWSTR lpszFmt, ...);
BOOL RegisterDbgZones(HMODULE hMod, LPDBGPARAM lpdbgparam);
DWORD WINAPI Random(void);
void WINAPI GetCurrentFT(LPFILETIME lpFileTime);
BOOL WINAPI GetSystemPowerStatusEx(PSYSTEM_POWER_STATUS_EX pstatus, BOOL fUpdate);
FARPROC WINAPI GetProcAddressW(HMODULE hModule, LPCWSTR lpProcName);
DWORD GetSystemPowerState(LPWSTR pBuffer, DWORD dwBufChars, PDWORD pdwFlags);

#define IOCTL_HAL_GET_UUID CTL_CODE(FILE_DEVICE_HAL, 13, METHOD_BUFFERED, FILE_ANY_ACCESS)

/* The keypad driver's interrupt thread, on the power key. */
static void on_power_key(BOOL down)
{
    BOOL ok = PowerPolicyNotify(down ? PPN_POWERBUTTONPRESSED : PPN_SUSPENDKEYRELEASED, 0);
    RETAILMSG(1, (L"power key %s: %d\r\n", down ? L"down" : L"up", ok));
}

int WINAPI WinMain(HINSTANCE hInstance, HINSTANCE hPrevInstance, LPWSTR lpCmdLine, int nCmdShow)
{
    (void)hPrevInstance, (void)lpCmdLine, (void)nCmdShow;
    static DBGPARAM zones = {L"PwrKey", {L"Init"}, 0x1};
    BOOL registered = RegisterDbgZones((HMODULE)hInstance, &zones);
    /* Stay running while the user is away. */
    BOOL unattended = PowerPolicyNotify(PPN_UNATTENDEDMODE, TRUE);
    RETAILMSG(1, (L"unattended: %d\r\n", unattended));
    on_power_key(TRUE);
    on_power_key(FALSE);
    SetLastError(0);
    BOOL oem = PowerPolicyNotify(PPN_OEMBASE + 1, 0);
    RETAILMSG(1, (L"OEM message: %d, error %u\r\n", oem, GetLastError()));

    WCHAR state[32];
    DWORD flags = 0;
    DWORD got = GetSystemPowerState(state, 32, &flags);
    FILETIME now = {0, 0};
    GetCurrentFT(&now);
    SYSTEM_POWER_STATUS_EX power;
    BYTE uuid[16];
    DWORD uuid_bytes = 0;
    BOOL have_uuid = KernelIoControl(IOCTL_HAL_GET_UUID, NULL, 0, uuid, sizeof(uuid), &uuid_bytes);
    BOOL have_power = GetSystemPowerStatusEx(&power, TRUE);
    FARPROC proc = GetProcAddressW(GetModuleHandleW(L"kernel32.dll"), L"GetTickCount");
    DWORD a = Random(), b = Random();
    NKDbgPrintfW(L"state %s (%u), time %s, uuid %u bytes, power %d, proc %s, random %s\r\n",
                 got == ERROR_SUCCESS ? state : L"?", got, now.dwHighDateTime ? L"set" : L"zero", uuid_bytes,
                 have_power, proc ? L"found" : L"missing", a != b ? L"varies" : L"stuck");

    PowerPolicyNotify(PPN_UNATTENDEDMODE, FALSE);
    return registered && have_uuid && have_power && proc && unattended && !oem ? 0 : 1;
}
