/*
 * cb_dbgzones.c - dbgapi.h: NKDbgPrintfW's formatting and stderr output,
 * the zone macros, and RegisterDbgZones' overrides from the environment
 * and the registry.
 */
#include "cetest.h"

#include <ceshim.h>

#include <string.h>
#include <wchar.h>

DBGPARAM dpCurSettings = {L"CbZones", {L"Init", L"Two"}, 0x0001};

/* Runs fn with stderr redirected to a file; returns what it wrote. */
static void capture_stderr(void (*fn)(void), char *out, size_t out_size)
{
    WCHAR path[MAX_PATH], dir[MAX_PATH];
    GetTempPathW(MAX_PATH, dir);
    GetTempFileNameW(dir, L"cbz", 0, path);
    HANDLE file = CreateFileW(path, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
                              CREATE_ALWAYS, FILE_FLAG_DELETE_ON_CLOSE, NULL);
    out[0] = 0;
    if (file == INVALID_HANDLE_VALUE)
        return;
    HANDLE saved = GetStdHandle(STD_ERROR_HANDLE);
    SetStdHandle(STD_ERROR_HANDLE, file);
    fn();
    SetStdHandle(STD_ERROR_HANDLE, saved);
    DWORD got = 0;
    SetFilePointer(file, 0, NULL, FILE_BEGIN);
    ReadFile(file, out, (DWORD)out_size - 1, &got, NULL);
    out[got] = 0;
    CloseHandle(file);
}

static void print_sample(void)
{
    SetLastError(1234);
    NKDbgPrintfW(L"wide %s narrow %S num %d hex 0x%04x\r\n", L"W", "N", -5, 0xbeef);
    CHECK_LASTERROR(1234); /* output keeps the caller's error */
    RETAILMSG(1, (L"retail %s\r\n", L"on"));
    RETAILMSG(0, (L"retail off\r\n"));
}

CETEST(cb_dbgzones, nkdbgprintf_writes_stderr_when_asked)
{
    char text[512];
    SetEnvironmentVariableA("CESHIM_DEBUGMSG", "1");
    capture_stderr(print_sample, text, sizeof(text));
    CHECK_STR_EQ(text, "wide W narrow N num -5 hex 0xbeef\r\nretail on\r\n");
    SetEnvironmentVariableA("CESHIM_DEBUGMSG", "0");
    capture_stderr(print_sample, text, sizeof(text));
    CHECK_STR_EQ(text, "");
    SetEnvironmentVariableA("CESHIM_DEBUGMSG", NULL);
    capture_stderr(print_sample, text, sizeof(text));
    CHECK_STR_EQ(text, "");
}

static void print_zones(void)
{
    RETAILMSG(DEBUGZONE(0), (L"zone0\r\n"));
    RETAILMSG(DEBUGZONE(1), (L"zone1\r\n"));
    ERRORMSG(DEBUGZONE(1), (L"bad %d\r\n", 7));
}

CETEST(cb_dbgzones, zones_follow_the_mask)
{
    char text[512];
    SetEnvironmentVariableA("CESHIM_DEBUGMSG", "1");
    dpCurSettings.ulZoneMask = 0x1;
    capture_stderr(print_zones, text, sizeof(text));
    CHECK_STR_EQ(text, "zone0\r\n");
    dpCurSettings.ulZoneMask = 0x2;
    capture_stderr(print_zones, text, sizeof(text));
    CHECK_MSG(strstr(text, "zone1\r\nERROR: ") == text && strstr(text, "cb_dbgzones.c line ") &&
                  strstr(text, ": bad 7\r\n"),
              "got [%s]", text);
    SetEnvironmentVariableA("CESHIM_DEBUGMSG", NULL);
}

CETEST(cb_dbgzones, register_takes_the_environment_override)
{
    DBGPARAM p = {L"CbEnvZones", {L"A"}, 0x8000};
    SetEnvironmentVariableW(L"CESHIM_ZONES_CbEnvZones", L"0x0013");
    SetLastError(0xdeadbeef);
    CHECK(RegisterDbgZones(NULL, &p));
    CHECK_EQ(p.ulZoneMask, 0x13);
    SetEnvironmentVariableW(L"CESHIM_ZONES_CbEnvZones", L"junk");
    p.ulZoneMask = 0x8000;
    CHECK(RegisterDbgZones(NULL, &p));
    CHECK_EQ(p.ulZoneMask, 0x8000); /* not a number: the module's own mask stays */
    SetEnvironmentVariableW(L"CESHIM_ZONES_CbEnvZones", NULL);
    CHECK(RegisterDbgZones(GetModuleHandleW(NULL), &p));
    CHECK_EQ(p.ulZoneMask, 0x8000);
    SetLastError(0xdeadbeef);
    CHECK(!RegisterDbgZones(NULL, NULL));
    CHECK_LASTERROR(ERROR_INVALID_PARAMETER);
}

CETEST(cb_dbgzones, register_takes_the_registry_override)
{
    HKEY key;
    DWORD mask = 0x0204;
    REQUIRE(RegCreateKeyExW(HKEY_LOCAL_MACHINE, L"DebugZones", 0, NULL, 0, KEY_ALL_ACCESS, NULL, &key, NULL) ==
            ERROR_SUCCESS);
    RegSetValueExW(key, L"CbRegZones", 0, REG_DWORD, (const BYTE *)&mask, sizeof(mask));
    DBGPARAM p = {L"CbRegZones", {L"A"}, 0x1};
    CHECK(RegisterDbgZones(NULL, &p));
    CHECK_EQ(p.ulZoneMask, 0x0204);
    /* The environment wins over the registry. */
    SetEnvironmentVariableW(L"CESHIM_ZONES_CbRegZones", L"7");
    CHECK(RegisterDbgZones(NULL, &p));
    CHECK_EQ(p.ulZoneMask, 7);
    SetEnvironmentVariableW(L"CESHIM_ZONES_CbRegZones", NULL);
    RegDeleteValueW(key, L"CbRegZones");
    RegCloseKey(key);
}

CETEST(cb_dbgzones, debug_macros_follow_debug_define)
{
    /* This file is a retail build (no DEBUG): DEBUGMSG and DEBUGCHK have
     * no effect, not even evaluating their arguments. */
    int evaluated = 0;
    DEBUGMSG(++evaluated, (L"never\r\n"));
    DEBUGCHK(++evaluated == 100);
    DEBUGREGISTER(NULL);
    CHECK_EQ(evaluated, 0);
    CHECK_EQ(sizeof(DBGPARAM), 32 * 2 + 16 * 32 * 2 + 4);
}
