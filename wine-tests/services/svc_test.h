/*
 * svc_test.h - what every services test needs: its own services host
 * (a unique CESHIM_SERVICES_INSTANCE), registry entries for the test
 * services beside the test executable, and clean-up.
 *
 * Each test is its own process under ctest, so the instance set at the
 * start holds for the whole test (ceshim caches the host it found).
 */
#ifndef SVC_TEST_H
#define SVC_TEST_H

#include "cetest.h"

#include <service.h>
#include <stdio.h>
#include <wchar.h>

#include "testsvc/testsvc_ioctl.h"

struct svc_test {
    WCHAR word[40];
    WCHAR instance_key[128]; /* HKCU-relative: Software\ceshim\Instances\<word> */
    WCHAR root_key[160];     /* <instance_key>\Services */
};

/* Points CESHIM_SERVICES_INSTANCE at a fresh word ("<prefix>-..."), so the
 * test has its own host and registry root, and names that root. */
static inline void svc_test_instance(struct svc_test *t, const WCHAR *prefix)
{
    cetest_unique_name(prefix, t->word, 40);
    for (WCHAR *c = t->word; *c; c++) /* instance words are [A-Za-z0-9_-] */
        if (!((*c >= L'a' && *c <= L'z') || (*c >= L'A' && *c <= L'Z') || (*c >= L'0' && *c <= L'9')))
            *c = L'_';
    t->word[32] = 0;
    _snwprintf(t->instance_key, 128, L"Software\\ceshim\\Instances\\%ls", t->word);
    _snwprintf(t->root_key, 160, L"%ls\\Services", t->instance_key);
    t->instance_key[127] = t->root_key[159] = 0;
    SetEnvironmentVariableW(L"CESHIM_SERVICES_INSTANCE", t->word);
}

/* Gives the test its own host and registry root. */
static inline void svc_test_begin(struct svc_test *t)
{
    svc_test_instance(t, L"svc");
}

/* For tests that start no host of their own: removes the instance's
 * registry root (the result of RegDeleteTreeW) and unsets the word. */
static inline LONG svc_test_forget(struct svc_test *t)
{
    LONG rc = RegDeleteTreeW(HKEY_CURRENT_USER, t->instance_key);
    SetEnvironmentVariableW(L"CESHIM_SERVICES_INSTANCE", NULL);
    return rc;
}

/* Full path of a DLL beside the test executable (e.g. L"tsa.dll"). */
static inline void svc_test_dll_path(const WCHAR *dll, WCHAR *out)
{
    DWORD n = GetModuleFileNameW(NULL, out, MAX_PATH);
    WCHAR *slash = n && n < MAX_PATH ? wcsrchr(out, L'\\') : NULL;
    if (slash && (size_t)(slash - out) + wcslen(dll) + 2 < MAX_PATH)
        wcscpy(slash + 1, dll);
    else
        wcscpy(out, dll);
}

/* Writes <root>\<name> with Dll (full path of dll beside the test), Prefix,
 * Index and, unless ~0u, Order, Flags and ServiceContext. */
static inline BOOL svc_test_config(const struct svc_test *t, const WCHAR *name, const WCHAR *dll,
                                   const WCHAR *prefix, DWORD index, DWORD order, DWORD flags, DWORD context)
{
    WCHAR key[256], path[MAX_PATH];
    HKEY k;
    _snwprintf(key, 256, L"%ls\\%ls", t->root_key, name);
    key[255] = 0;
    if (RegCreateKeyExW(HKEY_CURRENT_USER, key, 0, NULL, 0, KEY_ALL_ACCESS, NULL, &k, NULL))
        return FALSE;
    svc_test_dll_path(dll, path);
    BOOL ok = !RegSetValueExW(k, L"Dll", 0, REG_SZ, (const BYTE *)path, (DWORD)((wcslen(path) + 1) * 2)) &&
              !RegSetValueExW(k, L"Prefix", 0, REG_SZ, (const BYTE *)prefix, (DWORD)((wcslen(prefix) + 1) * 2)) &&
              !RegSetValueExW(k, L"Index", 0, REG_DWORD, (const BYTE *)&index, sizeof(index));
    if (ok && order != ~0u)
        ok = !RegSetValueExW(k, L"Order", 0, REG_DWORD, (const BYTE *)&order, sizeof(order));
    if (ok && flags != ~0u)
        ok = !RegSetValueExW(k, L"Flags", 0, REG_DWORD, (const BYTE *)&flags, sizeof(flags));
    if (ok && context != ~0u)
        ok = !RegSetValueExW(k, L"ServiceContext", 0, REG_DWORD, (const BYTE *)&context, sizeof(context));
    RegCloseKey(k);
    return ok;
}

/* Stops the test's host (bounded) and removes its registry root. */
static inline void svc_test_end(struct svc_test *t)
{
    CHECK(CeShimServicesShutdown());
    RegDeleteTreeW(HKEY_CURRENT_USER, t->instance_key);
}

/* The process id of the test's host of `bits` (32 or 64), from its host
 * block (whose layout is services/common/svc_proto.h's: host_pid at
 * offset 8); 0 if none runs. */
static inline DWORD svc_test_host_pid(const struct svc_test *t, DWORD bits)
{
    WCHAR name[96];
    _snwprintf(name, 96, L"Local\\ceshim.svc.%ls.%ls.host", t->word, bits == 32 ? L"x86" : L"x64");
    name[95] = 0;
    HANDLE map = OpenFileMappingW(FILE_MAP_READ, FALSE, name);
    if (!map)
        return 0;
    const DWORD *b = MapViewOfFile(map, FILE_MAP_READ, 0, 0, 32);
    DWORD pid = b ? b[2] : 0;
    if (b)
        UnmapViewOfFile(b);
    CloseHandle(map);
    return pid;
}

/* How many times EnumServices (every host) lists device (L"TSA0:"); the
 * Dll of the last such entry into dll (may be NULL). */
static inline DWORD svc_test_count_listed(const WCHAR *device, WCHAR *dll)
{
    BYTE buf[8192];
    DWORD entries = 0, len = sizeof(buf), n = 0;
    SetLastError(0xdeadbeef);
    BOOL ok = EnumServices(buf, &entries, &len);
    CHECK_MSG(ok, "EnumServices failed, error %lu", GetLastError());
    const ServiceEnumInfo *e = (const ServiceEnumInfo *)buf;
    for (DWORD i = 0; ok && i < entries; i++) {
        if (wcscmp(e[i].szPrefix, device) == 0) {
            n++;
            if (dll)
                wcscpy(dll, e[i].szDllName);
        }
    }
    return n;
}

/* CreateFileW(device) for read and write; a failure is recorded with the
 * error. */
static inline HANDLE svc_test_open_at(const WCHAR *device, const char *file, int line)
{
    SetLastError(0xdeadbeef);
    HANDLE h = CreateFileW(device, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    DWORD error = GetLastError();
    cetest_check(h != INVALID_HANDLE_VALUE, file, line, "CreateFileW", "CreateFileW(%ls) failed, error %lu",
                 device, error);
    return h;
}
#define svc_test_open(device) svc_test_open_at((device), __FILE__, __LINE__)

/* Reads the test service's counters through an open handle. */
static inline BOOL svc_test_stats(HANDLE h, struct tsvc_stats *s)
{
    DWORD got = 0;
    memset(s, 0, sizeof(*s));
    return DeviceIoControl(h, TSVC_STATS, NULL, 0, s, sizeof(*s), &got, NULL) && got == sizeof(*s);
}

#endif /* SVC_TEST_H */
