/*
 * ce_driver_reg.c - a driver installer as CE code writes it: paths with a
 * leading backslash, samDesired 0, a wide %s built with swprintf.
 */
#include <windows.h>

#define DRIVER_KEY TEXT("\\Drivers\\BuiltIn\\CeShimSample")

int wmain(void)
{
    HKEY hKey;
    DWORD dwDisp;
    TCHAR szDll[MAX_PATH];
    LONG rc = RegCreateKeyEx(HKEY_LOCAL_MACHINE, DRIVER_KEY, 0, NULL, 0, 0, NULL, &hKey, &dwDisp);
    if (rc != ERROR_SUCCESS) {
        wprintf(L"FAIL create %ld\n", rc);
        return 1;
    }
    swprintf(szDll, TEXT("%s.dll"), TEXT("sample"));
    DWORD dwIndex = 2;
    RegSetValueEx(hKey, TEXT("Dll"), 0, REG_SZ, (const BYTE *)szDll, (DWORD)((wcslen(szDll) + 1) * sizeof(TCHAR)));
    RegSetValueEx(hKey, TEXT("Index"), 0, REG_DWORD, (const BYTE *)&dwIndex, sizeof(dwIndex));
    RegCloseKey(hKey);

    rc = RegOpenKeyEx(HKEY_LOCAL_MACHINE, DRIVER_KEY, 0, 0, &hKey);
    if (rc != ERROR_SUCCESS) {
        wprintf(L"FAIL open %ld\n", rc);
        return 1;
    }
    TCHAR szRead[MAX_PATH];
    DWORD cb = sizeof(szRead), dwType;
    rc = RegQueryValueEx(hKey, TEXT("Dll"), NULL, &dwType, (BYTE *)szRead, &cb);
    RegCloseKey(hKey);
    wprintf(L"Dll=%s (rc %ld)\n", rc == ERROR_SUCCESS ? szRead : L"?", rc);

    rc = RegOpenKeyEx(HKEY_LOCAL_MACHINE, TEXT("\\Services"), 0, 0, &hKey);
    wprintf(L"Services key: %s\n", rc == ERROR_SUCCESS ? L"present" : L"missing");
    if (rc == ERROR_SUCCESS)
        RegCloseKey(hKey);
    rc = RegDeleteKey(HKEY_LOCAL_MACHINE, DRIVER_KEY);
    wprintf(L"deleted: %ld\n", rc);
    return 0;
}
