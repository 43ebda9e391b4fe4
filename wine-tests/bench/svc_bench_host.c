/*
 * svc_bench_host.c - the services benchmark's own services host: it
 * registers tsa.dll (the test service, beside the executable) under a
 * unique CESHIM_SERVICES_INSTANCE, calls its TSVC_ECHO with the routed
 * DeviceIoControl, measures the host's CPU time and shuts the host down.
 *
 * Host CPU time: GetProcessTimes is Windows' answer. Under Wine it comes
 * from Linux's per-tick accounting, which has a 10 ms grain and can count
 * a thread that wakes in step with the tick as always or never running.
 * So under Wine the benchmark also reads Linux's exact on-CPU time of
 * every thread of the host (/proc/PID/task/TID/schedstat, nanoseconds,
 * through Wine's Z: drive). The host's Linux PID is the one process of
 * the ceservicesd.exe beside the benchmark that appears in /proc while the
 * benchmark's first call starts the host.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "svc_bench.h"
#include "svc_proto.h" /* shim/services/common: the host block, where the host's pid is */
#include "testsvc_ioctl.h"

#define CPU_WINDOW_MS 2000 /* each host CPU figure */
#define MAX_PIDS 1024

int ioctl_rt(struct bench *b, uint32_t bytes, uint32_t seq)
{
    DWORD got = 0;
    stamp(b, bytes, seq);
    if (!DeviceIoControl(b->svc, TSVC_ECHO, b->in, bytes, b->out, bytes, &got, NULL))
        return broke(b, "DeviceIoControl(TSVC_ECHO, %lu B): error %lu", (unsigned long)bytes, GetLastError());
    return echoed(b, bytes, seq, got, "DeviceIoControl");
}

int driver_ioctl_rt(struct bench *b, uint32_t bytes, uint32_t seq)
{
    DWORD got = 0;
    stamp(b, bytes, seq);
    if (!DeviceIoControl(b->drv, TSVC_ECHO, b->in, bytes, b->out, bytes, &got, NULL))
        return broke(b, "DeviceIoControl(TSA1:, TSVC_ECHO, %lu B): error %lu", (unsigned long)bytes, GetLastError());
    return echoed(b, bytes, seq, got, "DeviceIoControl (driver)");
}

/* tsa.dll again, as CE's device manager loads a stream driver: a key with
 * Dll, Prefix, Index under the instance, ActivateDevice, CreateFile(TSA1:). */
static int driver_start(struct bench *b, const WCHAR *dll)
{
    WCHAR key[256];
    HKEY k;
    DWORD index = 1;
    _snwprintf(key, 256, L"%ls\\Drivers\\SvcBench", b->instance_key);
    key[255] = 0;
    if (RegCreateKeyExW(HKEY_CURRENT_USER, key, 0, NULL, 0, KEY_ALL_ACCESS, NULL, &k, NULL))
        return broke(b, "RegCreateKeyEx: cannot write the driver's key");
    BOOL ok = !RegSetValueExW(k, L"Dll", 0, REG_SZ, (const BYTE *)dll, (DWORD)((wcslen(dll) + 1) * 2)) &&
              !RegSetValueExW(k, L"Prefix", 0, REG_SZ, (const BYTE *)L"TSA", 8) &&
              !RegSetValueExW(k, L"Index", 0, REG_DWORD, (const BYTE *)&index, sizeof(index));
    RegCloseKey(k);
    if (!ok)
        return broke(b, "RegSetValueEx: cannot write the driver's key");
    b->drv_dev = ActivateDevice(L"Drivers\\SvcBench", 0);
    if (!b->drv_dev)
        return broke(b, "ActivateDevice(Drivers\\SvcBench): error %lu", GetLastError());
    b->drv = CreateFileW(L"TSA1:", GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    if (b->drv == INVALID_HANDLE_VALUE)
        return broke(b, "CreateFile(TSA1:): error %lu", GetLastError());
    return 1;
}

/* ---- Linux's view, under Wine ----------------------------------------------------- */

static DWORD read_small_file(const WCHAR *path, char *buf, DWORD cap)
{
    DWORD n = 0;
    HANDLE f = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
    if (f == INVALID_HANDLE_VALUE)
        return 0;
    if (!ReadFile(f, buf, cap - 1, &n, NULL))
        n = 0;
    CloseHandle(f);
    buf[n] = 0;
    return n;
}

struct pid_set {
    DWORD n;
    DWORD pid[MAX_PIDS];
};

static void ascii_lower(char *s, DWORD n)
{
    for (DWORD i = 0; i < n; i++)
        s[i] = s[i] ? (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]) : ' ';
}

/* Linux processes running the ceservicesd.exe beside this executable
 * (other builds' hosts may come and go meanwhile). */
static void ceservicesd_pids(struct pid_set *s)
{
    WIN32_FIND_DATAW fd;
    WCHAR exe[MAX_PATH];
    char want[3 * MAX_PATH];
    s->n = 0;
    DWORD len = GetModuleFileNameW(NULL, exe, MAX_PATH);
    WCHAR *slash = len && len < MAX_PATH - 16 ? wcsrchr(exe, L'\\') : NULL;
    if (!slash || !bench_is_wine())
        return;
    wcscpy(slash + 1, L"ceservicesd.exe");
    if (!WideCharToMultiByte(CP_UTF8, 0, exe, -1, want, sizeof(want), NULL, NULL))
        return;
    ascii_lower(want, (DWORD)strlen(want));
    HANDLE find = FindFirstFileW(L"Z:\\proc\\*", &fd);
    if (find == INVALID_HANDLE_VALUE)
        return;
    do {
        WCHAR path[64];
        char cmd[3 * MAX_PATH];
        if (fd.cFileName[0] < L'1' || fd.cFileName[0] > L'9' || s->n == MAX_PIDS)
            continue;
        _snwprintf(path, 64, L"Z:\\proc\\%ls\\cmdline", fd.cFileName);
        path[63] = 0;
        ascii_lower(cmd, read_small_file(path, cmd, sizeof(cmd)));
        if (strstr(cmd, want))
            s->pid[s->n++] = (DWORD)wcstoul(fd.cFileName, NULL, 10);
    } while (FindNextFileW(find, &fd));
    FindClose(find);
}

/* The one pid in after that is not in before, else 0. */
static DWORD new_pid(const struct pid_set *before, const struct pid_set *after)
{
    DWORD found = 0, count = 0;
    for (DWORD i = 0; i < after->n; i++) {
        DWORD j = 0;
        while (j < before->n && before->pid[j] != after->pid[i])
            j++;
        if (j == before->n) {
            found = after->pid[i];
            count++;
        }
    }
    return count == 1 ? found : 0;
}

/* On-CPU time of all threads of Linux process pid, in ms, or -1. */
static double linux_cpu_ms(DWORD pid)
{
    WCHAR pattern[64], path[96];
    WIN32_FIND_DATAW fd;
    _snwprintf(pattern, 64, L"Z:\\proc\\%lu\\task\\*", (unsigned long)pid);
    pattern[63] = 0;
    HANDLE find = pid ? FindFirstFileW(pattern, &fd) : INVALID_HANDLE_VALUE;
    if (find == INVALID_HANDLE_VALUE)
        return -1;
    double ns = 0;
    int threads = 0;
    do {
        char buf[128];
        if (fd.cFileName[0] < L'1' || fd.cFileName[0] > L'9')
            continue;
        _snwprintf(path, 96, L"Z:\\proc\\%lu\\task\\%ls\\schedstat", (unsigned long)pid, fd.cFileName);
        path[95] = 0;
        if (read_small_file(path, buf, sizeof(buf)) && buf[0] >= '0' && buf[0] <= '9') {
            ns += (double)strtoull(buf, NULL, 10);
            threads++;
        }
    } while (FindNextFileW(find, &fd));
    FindClose(find);
    return threads ? ns / 1e6 : -1;
}

static double windows_cpu_ms(HANDLE p)
{
    FILETIME c, e, k, u;
    if (!GetProcessTimes(p, &c, &e, &k, &u))
        return -1;
    return (double)(filetime64(k) + filetime64(u)) / 1e4;
}

/* ---- the host ------------------------------------------------------------------------ */

/* The running host's process, from its host block. */
static HANDLE host_process(struct bench *b)
{
    WCHAR name[160];
    _snwprintf(name, 160, L"Local\\ceshim.svc.%ls.%ls.host", b->word, sizeof(void *) == 8 ? L"x64" : L"x86");
    name[159] = 0;
    HANDLE map = OpenFileMappingW(FILE_MAP_READ, FALSE, name);
    const struct svc_host_block *blk = map ? MapViewOfFile(map, FILE_MAP_READ, 0, 0, sizeof(*blk)) : NULL;
    HANDLE p = blk && blk->magic == SVC_HOST_MAGIC
                   ? OpenProcess(SYNCHRONIZE | PROCESS_QUERY_LIMITED_INFORMATION, FALSE, blk->host_pid)
                   : NULL;
    if (blk)
        UnmapViewOfFile(blk);
    if (map)
        CloseHandle(map);
    return p;
}

int service_start(struct bench *b)
{
    WCHAR key[256], dll[MAX_PATH];
    _snwprintf(b->word, 40, L"svcbench_%lu_%lx", GetCurrentProcessId(), (unsigned long)(GetTickCount64() & 0xffffff));
    b->word[39] = 0;
    _snwprintf(b->instance_key, 128, L"Software\\ceshim\\Instances\\%ls", b->word);
    b->instance_key[127] = 0;
    _snwprintf(key, 256, L"%ls\\Services\\SvcBench", b->instance_key);
    key[255] = 0;
    SetEnvironmentVariableW(L"CESHIM_SERVICES_INSTANCE", b->word);
    DWORD n = GetModuleFileNameW(NULL, dll, MAX_PATH);
    WCHAR *slash = n && n < MAX_PATH - 8 ? wcsrchr(dll, L'\\') : NULL;
    if (!slash)
        return broke(b, "GetModuleFileName: error %lu", GetLastError());
    wcscpy(slash + 1, L"tsa.dll");
    HKEY k;
    DWORD index = 0;
    if (RegCreateKeyExW(HKEY_CURRENT_USER, key, 0, NULL, 0, KEY_ALL_ACCESS, NULL, &k, NULL))
        return broke(b, "RegCreateKeyEx: cannot write the service's configuration");
    BOOL ok = !RegSetValueExW(k, L"Dll", 0, REG_SZ, (const BYTE *)dll, (DWORD)((wcslen(dll) + 1) * 2)) &&
              !RegSetValueExW(k, L"Prefix", 0, REG_SZ, (const BYTE *)L"TSA", 8) &&
              !RegSetValueExW(k, L"Index", 0, REG_DWORD, (const BYTE *)&index, sizeof(index));
    RegCloseKey(k);
    if (!ok)
        return broke(b, "RegSetValueEx: cannot write the service's configuration");

    static struct pid_set before, after;
    ceservicesd_pids(&before);
    ULONGLONG t0 = GetTickCount64();
    b->svc = CreateFileW(L"TSA0:", GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    if (b->svc == INVALID_HANDLE_VALUE)
        return broke(b, "CreateFile(TSA0:): error %lu", GetLastError());
    ULONGLONG took = GetTickCount64() - t0;
    ceservicesd_pids(&after);
    b->host_linux_pid = new_pid(&before, &after);
    b->host = host_process(b);
    if (!b->host)
        return broke(b, "cannot open the services host's process (error %lu)", GetLastError());
    say("services host: instance %ls, first CreateFile (host start + boot) %lu ms; Linux pid %s\n", b->word,
        (unsigned long)took, b->host_linux_pid ? "found (schedstat used)" : "not found (GetProcessTimes only)");
    return driver_start(b, dll);
}

void service_stop(struct bench *b)
{
    if (b->drv && b->drv != INVALID_HANDLE_VALUE && !CloseHandle(b->drv))
        broke(b, "CloseHandle(TSA1:): error %lu", GetLastError());
    if (b->drv_dev && !DeactivateDevice(b->drv_dev))
        broke(b, "DeactivateDevice(TSA1:): error %lu", GetLastError());
    if (b->svc && b->svc != INVALID_HANDLE_VALUE && !CloseHandle(b->svc))
        broke(b, "CloseHandle(TSA0:): error %lu", GetLastError());
    if (b->word[0] && !CeShimServicesShutdown())
        broke(b, "CeShimServicesShutdown: error %lu", GetLastError());
    if (b->host && WaitForSingleObject(b->host, 10000) != WAIT_OBJECT_0)
        broke(b, "the services host did not exit within 10 s of CeShimServicesShutdown");
    if (b->host)
        CloseHandle(b->host);
    if (b->instance_key[0])
        RegDeleteTreeW(HKEY_CURRENT_USER, b->instance_key);
}

/* ---- the host's CPU --------------------------------------------------------------------- */

struct cpu_mark {
    double gpt, linux_ms;
    uint64_t t;
};

static struct cpu_mark cpu_mark(struct bench *b)
{
    struct cpu_mark m = { windows_cpu_ms(b->host), b->host_linux_pid ? linux_cpu_ms(b->host_linux_pid) : -1,
                          ticks() };
    return m;
}

/* % of one core between two marks (-1 where a reading failed). */
static void cpu_pct(struct cpu_mark a, struct cpu_mark z, double *gpt, double *linux_pct)
{
    double ms = (double)(z.t - a.t) / g_ticks_per_us / 1000.0;
    *gpt = a.gpt < 0 || z.gpt < 0 ? -1 : 100.0 * (z.gpt - a.gpt) / ms;
    *linux_pct = a.linux_ms < 0 || z.linux_ms < 0 ? -1 : 100.0 * (z.linux_ms - a.linux_ms) / ms;
}

struct idle_client {
    struct bench *b;
    HANDLE called, leave;
    BOOL ok;
};

/* A client thread that makes one call, then sleeps until told to leave. */
static DWORD WINAPI idle_client_main(LPVOID arg)
{
    struct idle_client *c = arg;
    uint8_t in[SMALL] = { 1 }, out[SMALL];
    DWORD got = 0;
    c->ok = DeviceIoControl(c->b->svc, TSVC_ECHO, in, SMALL, out, SMALL, &got, NULL) && got == SMALL;
    SetEvent(c->called);
    WaitForSingleObject(c->leave, INFINITE);
    return 0;
}

/* Host CPU while this thread calls flat out (proof that the readings see
 * the host), while it calls once per Sleep(1) (what a worker's spinning
 * after each call costs), and idle: a client thread made one call and
 * sleeps, and this thread sleeps too. */
int measure_host_cpu(struct bench *b, struct host_cpu *cpu)
{
    uint32_t seq = 0, calls = 0;
    uint64_t window = (uint64_t)(CPU_WINDOW_MS * 1000.0 * g_ticks_per_us);
    struct cpu_mark a = cpu_mark(b);
    while (ticks() - a.t < window / 4)
        if (!ioctl_rt(b, SMALL, ++seq))
            return 0;
    cpu_pct(a, cpu_mark(b), &cpu->busy_gpt, &cpu->busy_linux);

    a = cpu_mark(b);
    for (; ticks() - a.t < window; calls++, Sleep(1))
        if (!ioctl_rt(b, SMALL, ++seq))
            return 0;
    struct cpu_mark z = cpu_mark(b);
    cpu_pct(a, z, &cpu->paced_gpt, &cpu->paced_linux);
    cpu->paced_rate = calls / ((double)(z.t - a.t) / g_ticks_per_us / 1e6);

    struct idle_client c = { b, CreateEventW(NULL, TRUE, FALSE, NULL), CreateEventW(NULL, TRUE, FALSE, NULL), FALSE };
    HANDLE t = c.called && c.leave ? CreateThread(NULL, 0, idle_client_main, &c, 0, NULL) : NULL;
    if (!t || WaitForSingleObject(c.called, 10000) != WAIT_OBJECT_0 || !c.ok)
        return broke(b, "idle client thread: its call failed (error %lu)", GetLastError());
    Sleep(100); /* both workers (this thread's and the idle client's) stop spinning within ~1 ms */
    a = cpu_mark(b);
    Sleep(CPU_WINDOW_MS);
    cpu_pct(a, cpu_mark(b), &cpu->idle_gpt, &cpu->idle_linux);
    SetEvent(c.leave);
    WaitForSingleObject(t, 10000);
    CloseHandle(t);
    CloseHandle(c.called);
    CloseHandle(c.leave);
    if (cpu->busy_gpt < 0 || cpu->paced_gpt < 0 || cpu->idle_gpt < 0)
        return broke(b, "GetProcessTimes(services host): error %lu", GetLastError());
    return 1;
}
