/*
 * bench_common.h - what both benchmarks (mq_bench, svc_bench) need to time
 * and describe a run: the tick source, its rate measured against
 * QueryPerformanceCounter, FILETIME arithmetic, whether Wine runs us, and
 * the line that says what ran where.
 */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#include <ceshim.h>

#include <intrin.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#if defined(__x86_64__) || defined(_M_X64) || defined(__i386__) || defined(_M_IX86)
#define BENCH_TICK_SOURCE "TSC"
static inline uint64_t ticks(void) { return __rdtsc(); }
#else
#define BENCH_TICK_SOURCE "QueryPerformanceCounter"
static inline uint64_t ticks(void)
{
    LARGE_INTEGER t;
    QueryPerformanceCounter(&t);
    return (uint64_t)t.QuadPart;
}
#endif

/* Starts this program again with command line cmd; its thread handle is
 * closed, its process handle returned (NULL with the last error set).
 * Wine's CreateProcess now and then fails with ERROR_INTERNAL_ERROR while
 * processes come and go quickly (as the test harness also found); that is
 * not what a benchmark measures, so it is retried twice. */
static inline HANDLE bench_spawn_self(const WCHAR *exe, WCHAR *cmd)
{
    for (int attempt = 1;; attempt++) {
        STARTUPINFOW si;
        PROCESS_INFORMATION pi;
        memset(&si, 0, sizeof(si));
        si.cb = sizeof(si);
        if (CreateProcessW(exe, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi)) {
            CloseHandle(pi.hThread);
            return pi.hProcess;
        }
        if (GetLastError() != ERROR_INTERNAL_ERROR || attempt == 3)
            return NULL;
        Sleep(50);
    }
}

static inline uint64_t filetime64(FILETIME ft) { return ((uint64_t)ft.dwHighDateTime << 32) | ft.dwLowDateTime; }

/* Ticks per microsecond, measured against QueryPerformanceCounter over
 * 200 ms (once, at start-up). */
static inline double bench_ticks_per_us(void)
{
    LARGE_INTEGER f, q0, q1;
    QueryPerformanceFrequency(&f);
    QueryPerformanceCounter(&q0);
    uint64_t t0 = ticks();
    Sleep(200);
    QueryPerformanceCounter(&q1);
    uint64_t t1 = ticks();
    double secs = (double)(q1.QuadPart - q0.QuadPart) / (double)f.QuadPart;
    return (double)(t1 - t0) / (secs * 1e6);
}

/* Wine's version string, or NULL on Windows. */
static inline const char *bench_wine_version(void)
{
    typedef const char *(CDECL * wine_version_fn)(void);
    HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
    wine_version_fn wine_version =
        ntdll ? (wine_version_fn)(void (*)(void))GetProcAddress(ntdll, "wine_get_version") : NULL;
    return wine_version ? wine_version() : NULL;
}

static inline int bench_is_wine(void) { return bench_wine_version() != NULL; }

/* "ceshim <what> benchmark: ceshim 0.1.0, 64-bit, 2 processors, Wine 8.0" */
static inline void bench_describe(char *buf, size_t n, const char *what)
{
    const char *wine_version = bench_wine_version();
    SYSTEM_INFO si;
    GetSystemInfo(&si);
    DWORD v = CeShimGetVersion();
    snprintf(buf, n, "ceshim %s benchmark: ceshim %lu.%lu.%lu, %s, %lu processors, %s%s", what,
             (unsigned long)(v >> 16), (unsigned long)((v >> 8) & 0xff), (unsigned long)(v & 0xff),
             sizeof(void *) == 8 ? "64-bit" : "32-bit", (unsigned long)si.dwNumberOfProcessors,
             wine_version ? "Wine " : "Windows", wine_version ? wine_version : "");
}

#endif /* BENCH_COMMON_H */
