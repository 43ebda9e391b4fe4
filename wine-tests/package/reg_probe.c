/*
 * reg_probe.c - reads one registry value the way a service of this
 * bitness does (RegOpenKeyEx with no view flag) and prints it. Used by
 * cmake/tests/reg-import.sh to prove the README's import command puts a
 * .reg file where a service of each bitness looks.
 * Usage: reg_probe.exe HKLM|HKCU SUBKEY VALUE
 */
#include <windows.h>
#include <stdio.h>
#include <wchar.h>

int wmain(int argc, wchar_t **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: reg_probe HKLM|HKCU SUBKEY VALUE\n");
        return 2;
    }
    HKEY root = wcscmp(argv[1], L"HKLM") == 0 ? HKEY_LOCAL_MACHINE : HKEY_CURRENT_USER;
    HKEY key;
    LONG rc = RegOpenKeyExW(root, argv[2], 0, KEY_READ, &key);
    if (rc != ERROR_SUCCESS) {
        printf("reg_probe (%d-bit): cannot open %ls\\%ls: error %ld\n", (int)sizeof(void *) * 8, argv[1], argv[2], rc);
        return 1;
    }
    WCHAR data[256];
    DWORD type, size = sizeof(data) - sizeof(WCHAR);
    rc = RegQueryValueExW(key, argv[3], NULL, &type, (BYTE *)data, &size);
    RegCloseKey(key);
    if (rc != ERROR_SUCCESS || type != REG_SZ) {
        printf("reg_probe (%d-bit): %ls\\%ls value %ls: error %ld, type %lu\n", (int)sizeof(void *) * 8, argv[1],
               argv[2], argv[3], rc, type);
        return 1;
    }
    data[size / sizeof(WCHAR)] = 0;
    printf("reg_probe (%d-bit): %ls\n", (int)sizeof(void *) * 8, data);
    return 0;
}
