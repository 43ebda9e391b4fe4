/*
 * ceservices.c - CE's `services` command line, desktop edition.
 *
 *   ceservices [-s | -d] <command> <args>
 *
 * CE code itself (built against ceshim): it reaches the services host
 * through the CE API (EnumServices, ActivateService, CreateFileW +
 * DeviceIoControl on "XXXn:") exactly as CE6's services.exe does, and edits
 * the registry configuration through svc_config.
 *
 * Exit codes: 0 success, 1 the operation failed (after CE's "Operation
 * failed.  Error code 0x%08x"), 2 bad command line.
 */
#include <windows.h>

#include <service.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "services/common/svc_config.h"

/* Exported by ceshim.dll: asks this session's (or instance's) services
 * host to unload its services and exit. */
__declspec(dllimport) BOOL WINAPI CeShimServicesShutdown(void);

#define EXIT_OK 0
#define EXIT_FAILED 1
#define EXIT_USAGE 2

#define HELP_CHARS 4096 /* out buffer for IOCTL_SERVICE_COMMAND_LINE_HELP */

enum output { OUTPUT_STDOUT, OUTPUT_SILENT, OUTPUT_DEBUGGER };
static enum output output = OUTPUT_STDOUT;

/* ---- output ------------------------------------------------------------- */

/* A console gets UTF-16 as is; a pipe or file gets UTF-8. */
static void write_stdout(const WCHAR *text, size_t len)
{
    HANDLE out = GetStdHandle(STD_OUTPUT_HANDLE);
    DWORD mode, written;
    if (!out || out == INVALID_HANDLE_VALUE || len == 0)
        return;
    if (GetConsoleMode(out, &mode)) {
        WriteConsoleW(out, text, (DWORD)len, &written, NULL);
        return;
    }
    int bytes = WideCharToMultiByte(CP_UTF8, 0, text, (int)len, NULL, 0, NULL, NULL);
    char *utf8 = bytes > 0 ? HeapAlloc(GetProcessHeap(), 0, (SIZE_T)bytes) : NULL;
    if (!utf8)
        return;
    WideCharToMultiByte(CP_UTF8, 0, text, (int)len, utf8, bytes, NULL, NULL);
    WriteFile(out, utf8, (DWORD)bytes, &written, NULL);
    HeapFree(GetProcessHeap(), 0, utf8);
}

/* Output never changes the last error: failures are reported after it. */
static void put(const WCHAR *text)
{
    DWORD saved = GetLastError();
    if (output == OUTPUT_DEBUGGER)
        OutputDebugStringW(text);
    else if (output == OUTPUT_STDOUT)
        write_stdout(text, wcslen(text));
    SetLastError(saved);
}

static void putf(const WCHAR *fmt, ...)
{
    WCHAR line[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = _vsnwprintf(line, sizeof(line) / sizeof(line[0]), fmt, ap);
    va_end(ap);
    line[sizeof(line) / sizeof(line[0]) - 1] = 0;
    if (n >= 0 || line[0])
        put(line);
}

static void usage(void)
{
    put(L"Usage: ceservices [-s | -d] <command> [arguments]\r\n"
        L"  -s  silent: print nothing\r\n"
        L"  -d  print through OutputDebugString instead of to stdout\r\n"
        L"\r\n"
        L"<name> is a service's registry key (e.g. HTTPD); <instance> is a loaded\r\n"
        L"service's prefix and index (e.g. HTP0:).\r\n"
        L"  help                            this text\r\n"
        L"  help <instance>                 the service's own command-line help\r\n"
        L"  list                            loaded services: prefix, handle, DLL, state\r\n"
        L"  load <name>                     load the service configured as <name>\r\n"
        L"  unload <instance>               unload a service\r\n"
        L"  start <instance>                start a loaded service\r\n"
        L"  stop <instance>                 stop a service, leaving it loaded\r\n"
        L"  refresh <instance>              make a service re-read its configuration\r\n"
        L"  register <name>                 let <name> load (clears DEVFLAGS_NOLOAD in Flags)\r\n"
        L"  unregister <name>               keep <name> from loading (sets DEVFLAGS_NOLOAD)\r\n"
        L"  debug <mask|string> <instance>  send IOCTL_SERVICE_DEBUG: a number (decimal or\r\n"
        L"                                  0x hex) as a DWORD, anything else as a string\r\n"
        L"  drivers                         ceshim extension: loaded stream drivers: legacy\r\n"
        L"                                  name, device name, handle, device key,\r\n"
        L"                                  open handles\r\n"
        L"  shutdown                        ceshim extension: ask the services host to\r\n"
        L"                                  unload every service and exit\r\n"
        L"\r\n"
        L"Configuration: HKCU\\Services, then HKLM\\Services; with\r\n"
        L"CESHIM_SERVICES_INSTANCE=<word> set, HKCU\\Software\\ceshim\\Instances\\<word>\\Services.\r\n"
        L"A root's AllowCmdLine = 0 (REG_DWORD) disables this tool.\r\n"
        L"Exit code: 0 success, 1 the operation failed, 2 bad command line.\r\n");
}

/* ---- commands ----------------------------------------------------------- */

/* Each returns FALSE with the thread's last error set on failure. */
struct command;
typedef BOOL (*command_fn)(const struct command *cmd, WCHAR **args);

struct command {
    const WCHAR *name;
    int min_args, max_args;
    command_fn run;
    DWORD param; /* the IOCTL to send, or TRUE to set DEVFLAGS_NOLOAD */
};

static const WCHAR *state_text(DWORD state)
{
    switch (state) {
    case SERVICE_STATE_OFF: return L"Off";
    case SERVICE_STATE_ON: return L"Running";
    case SERVICE_STATE_STARTING_UP: return L"Starting up";
    case SERVICE_STATE_SHUTTING_DOWN: return L"Shutting down";
    case SERVICE_STATE_UNLOADING: return L"Unloading";
    case SERVICE_STATE_UNINITIALIZED: return L"Uninitialized";
    default: return L"Unknown";
    }
}

static BOOL cmd_list(const struct command *cmd, WCHAR **args)
{
    (void)cmd, (void)args;
    HANDLE heap = GetProcessHeap();
    BYTE *buf = NULL;
    DWORD entries = 0, bytes = 0;
    /* Size, allocate, fetch; services loading in between make it grow, so
     * retry a few times. */
    for (int attempt = 0; attempt < 5; attempt++) {
        if (EnumServices(buf, &entries, &bytes))
            break;
        DWORD error = GetLastError();
        if (buf)
            HeapFree(heap, 0, buf);
        buf = NULL;
        if ((error != ERROR_INSUFFICIENT_BUFFER && error != ERROR_MORE_DATA) || attempt == 4) {
            SetLastError(error);
            return FALSE;
        }
        if (bytes == 0) /* nothing loaded */
            return TRUE;
        if ((buf = HeapAlloc(heap, HEAP_ZERO_MEMORY, bytes)) == NULL) {
            SetLastError(ERROR_OUTOFMEMORY);
            return FALSE;
        }
    }
    if (!buf)
        return TRUE;
    const ServiceEnumInfo *info = (const ServiceEnumInfo *)buf;
    for (DWORD i = 0; i < entries; i++) {
        WCHAR prefix[6];
        memcpy(prefix, info[i].szPrefix, sizeof(prefix));
        prefix[5] = 0;
        putf(L"%ls\t0x%08x\t%ls\t%ls\r\n", prefix, (unsigned)(uintptr_t)info[i].hServiceHandle,
             info[i].szDllName ? info[i].szDllName : L"", state_text(info[i].dwServiceState));
    }
    HeapFree(heap, 0, buf);
    return TRUE;
}

static BOOL cmd_load(const struct command *cmd, WCHAR **args)
{
    (void)cmd;
    /* The returned handle is the activation handle; the service stays
     * loaded when this process exits. */
    return ActivateService(args[0], 0) != NULL;
}

static BOOL cmd_unload(const struct command *cmd, WCHAR **args)
{
    (void)cmd;
    HANDLE h = GetServiceHandle(args[0], NULL, NULL);
    if (h == NULL || h == INVALID_HANDLE_VALUE)
        return FALSE;
    BOOL ok = DeregisterService(h);
    DWORD error = GetLastError();
    CloseHandle(h);
    SetLastError(error);
    return ok;
}

/* CreateFileW + DeviceIoControl + CloseHandle, as CE6's services.exe. */
static BOOL send_ioctl(const WCHAR *instance, DWORD code, void *in, DWORD in_bytes, void *out, DWORD out_bytes)
{
    HANDLE h = CreateFileW(instance, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    if (h == INVALID_HANDLE_VALUE)
        return FALSE;
    DWORD returned = 0;
    BOOL ok = DeviceIoControl(h, code, in, in_bytes, out, out_bytes, &returned, NULL);
    DWORD error = GetLastError();
    CloseHandle(h);
    SetLastError(error);
    return ok;
}

static BOOL cmd_ioctl(const struct command *cmd, WCHAR **args)
{
    return send_ioctl(args[0], cmd->param, NULL, 0, NULL, 0);
}

static BOOL cmd_flags(const struct command *cmd, WCHAR **args)
{
    DWORD error = cmd->param ? svc_config_update_flags(args[0], DEVFLAGS_NOLOAD, 0)
                             : svc_config_update_flags(args[0], 0, DEVFLAGS_NOLOAD);
    SetLastError(error);
    return error == ERROR_SUCCESS;
}

/* Decimal or 0x hex, whole string, fitting a DWORD. */
static BOOL parse_dword(const WCHAR *s, DWORD *out)
{
    unsigned base = 10;
    if (s[0] == L'0' && (s[1] == L'x' || s[1] == L'X')) {
        base = 16;
        s += 2;
    }
    if (!*s)
        return FALSE;
    unsigned long long v = 0;
    for (; *s; s++) {
        unsigned d;
        if (*s >= L'0' && *s <= L'9')
            d = (unsigned)(*s - L'0');
        else if (base == 16 && *s >= L'a' && *s <= L'f')
            d = (unsigned)(*s - L'a') + 10;
        else if (base == 16 && *s >= L'A' && *s <= L'F')
            d = (unsigned)(*s - L'A') + 10;
        else
            return FALSE;
        if ((v = v * base + d) > 0xFFFFFFFFull)
            return FALSE;
    }
    *out = (DWORD)v;
    return TRUE;
}

static BOOL cmd_debug(const struct command *cmd, WCHAR **args)
{
    (void)cmd;
    DWORD mask;
    if (parse_dword(args[0], &mask))
        return send_ioctl(args[1], IOCTL_SERVICE_DEBUG, &mask, sizeof(mask), NULL, 0);
    return send_ioctl(args[1], IOCTL_SERVICE_DEBUG, args[0], (DWORD)((wcslen(args[0]) + 1) * sizeof(WCHAR)), NULL,
                      0);
}

static BOOL cmd_help(const struct command *cmd, WCHAR **args)
{
    (void)cmd;
    if (!args[0]) {
        usage();
        return TRUE;
    }
    /* Zeroed and terminated here: services often leave the byte count unset. */
    static WCHAR text[HELP_CHARS];
    memset(text, 0, sizeof(text));
    if (!send_ioctl(args[0], IOCTL_SERVICE_COMMAND_LINE_HELP, NULL, 0, text, sizeof(text)))
        return FALSE;
    text[HELP_CHARS - 1] = 0;
    size_t len = wcslen(text);
    put(text);
    if (len && text[len - 1] != L'\n')
        put(L"\r\n");
    return TRUE;
}

/* ceshim extension: the stream drivers loaded (ActivateDevice), found as
 * CE code finds them: every device has an empty bus name. */
static BOOL cmd_drivers(const struct command *cmd, WCHAR **args)
{
    (void)cmd, (void)args;
    DEVMGR_DEVICE_INFORMATION di;
    memset(&di, 0, sizeof(di));
    di.dwSize = sizeof(di);
    HANDLE h = FindFirstDevice(DeviceSearchByBusName, L"", &di);
    if (h == INVALID_HANDLE_VALUE)
        return GetLastError() == ERROR_NO_MORE_FILES; /* none loaded */
    do {
        DWORD opens;
        WCHAR opens_text[16] = L"-"; /* unloaded since the search began */
        if (CeShimGetDeviceOpenCount(di.hDevice, &opens))
            _snwprintf(opens_text, 15, L"%lu", opens);
        putf(L"%ls\t%ls\t0x%08x\t%ls\t%ls\r\n", di.szLegacyName[0] ? di.szLegacyName : L"-",
             di.szDeviceName[0] ? di.szDeviceName : L"-", (unsigned)(uintptr_t)di.hDevice, di.szDeviceKey,
             opens_text);
        di.dwSize = sizeof(di);
    } while (FindNextDevice(h, &di));
    FindClose(h);
    return TRUE;
}

static BOOL cmd_shutdown(const struct command *cmd, WCHAR **args)
{
    (void)cmd, (void)args;
    return CeShimServicesShutdown();
}

static const struct command commands[] = {
    { L"help", 0, 1, cmd_help, 0 },
    { L"list", 0, 0, cmd_list, 0 },
    { L"drivers", 0, 0, cmd_drivers, 0 },
    { L"load", 1, 1, cmd_load, 0 },
    { L"unload", 1, 1, cmd_unload, 0 },
    { L"start", 1, 1, cmd_ioctl, IOCTL_SERVICE_START },
    { L"stop", 1, 1, cmd_ioctl, IOCTL_SERVICE_STOP },
    { L"refresh", 1, 1, cmd_ioctl, IOCTL_SERVICE_REFRESH },
    { L"register", 1, 1, cmd_flags, FALSE },
    { L"unregister", 1, 1, cmd_flags, TRUE },
    { L"debug", 2, 2, cmd_debug, 0 },
    { L"shutdown", 0, 0, cmd_shutdown, 0 },
};

/* ---- main --------------------------------------------------------------- */

/* CE7 reads AllowCmdLine with a default of 1: only an explicit 0 (on any
 * root searched) turns the tool off. */
static BOOL command_line_allowed(void)
{
    HKEY roots[2];
    const WCHAR *paths[2];
    int n = svc_config_roots(roots, paths);
    for (int i = 0; i < n; i++) {
        HKEY key;
        if (RegOpenKeyExW(roots[i], paths[i], 0, KEY_QUERY_VALUE, &key) != ERROR_SUCCESS)
            continue;
        DWORD value = 1, type = 0, bytes = sizeof(value);
        LONG rc = RegQueryValueExW(key, L"AllowCmdLine", NULL, &type, (BYTE *)&value, &bytes);
        RegCloseKey(key);
        if (rc == ERROR_SUCCESS && type == REG_DWORD && bytes == sizeof(value) && value == 0)
            return FALSE;
    }
    return TRUE;
}

static int failed(DWORD error)
{
    putf(L"Operation failed.  Error code 0x%08x\r\n", (unsigned)error);
    return EXIT_FAILED;
}

int wmain(int argc, WCHAR **argv)
{
    int i = 1;
    for (; i < argc && (argv[i][0] == L'-' || argv[i][0] == L'/'); i++) {
        if (_wcsicmp(argv[i] + 1, L"s") == 0) {
            output = OUTPUT_SILENT;
        } else if (_wcsicmp(argv[i] + 1, L"d") == 0) {
            output = OUTPUT_DEBUGGER;
        } else {
            usage();
            return EXIT_USAGE;
        }
    }
    if (!command_line_allowed())
        return failed(ERROR_ACCESS_DENIED);
    if (i >= argc) {
        usage();
        return EXIT_USAGE;
    }

    const WCHAR *name = argv[i];
    int nargs = argc - i - 1;
    for (size_t c = 0; c < sizeof(commands) / sizeof(commands[0]); c++) {
        const struct command *cmd = &commands[c];
        if (_wcsicmp(name, cmd->name) != 0)
            continue;
        if (nargs < cmd->min_args || nargs > cmd->max_args) {
            usage();
            return EXIT_USAGE;
        }
        /* argv[argc] is NULL, so a missing optional argument reads as NULL. */
        if (!cmd->run(cmd, argv + i + 1))
            return failed(GetLastError());
        return EXIT_OK;
    }
    usage();
    return EXIT_USAGE;
}
