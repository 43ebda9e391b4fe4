/*
 * cetest.c - registration, checks and child processes of the C harness.
 */
#include "cetest_runner.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define MAX_CASES 4096
#define MAX_CHILD_ROLES 512

static cetest_case cases[MAX_CASES];
static size_t case_count;

static struct {
    const char *role;
    cetest_child_fn fn;
} roles[MAX_CHILD_ROLES];
static size_t role_count;

static volatile LONG failure_count;
static cetest_reporter reporter;
static char child_log_path[MAX_PATH];

/* ---- registration --------------------------------------------------------- */

void cetest_register(const char *suite, const char *name, cetest_fn fn,
                     const char *file, int line, int selfcheck_failure)
{
    if (case_count == MAX_CASES) {
        fprintf(stderr, "cetest: more than %d tests; raise MAX_CASES\n", MAX_CASES);
        abort();
    }
    cetest_case *c = &cases[case_count++];
    c->suite = suite;
    c->name = name;
    c->fn = fn;
    c->file = file;
    c->line = line;
    c->selfcheck_failure = selfcheck_failure;
}

void cetest_register_child(const char *role, cetest_child_fn fn)
{
    if (role_count == MAX_CHILD_ROLES) {
        fprintf(stderr, "cetest: more than %d child roles\n", MAX_CHILD_ROLES);
        abort();
    }
    roles[role_count].role = role;
    roles[role_count].fn = fn;
    role_count++;
}

size_t cetest_case_count(void) { return case_count; }
const cetest_case *cetest_case_at(size_t index) { return index < case_count ? &cases[index] : NULL; }
void cetest_set_reporter(cetest_reporter r) { reporter = r; }
void cetest_begin_test(void) { InterlockedExchange(&failure_count, 0); }
long cetest_failures(void) { return failure_count; }

/* ---- failure reporting ---------------------------------------------------- */

static void append_to_child_log(const char *file, int line, const char *message)
{
    if (!child_log_path[0])
        return;
    /* Opened per message, so that nothing is lost if the child is killed. */
    HANDLE h = CreateFileA(child_log_path, FILE_APPEND_DATA, FILE_SHARE_READ | FILE_SHARE_WRITE,
                           NULL, OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    if (h == INVALID_HANDLE_VALUE)
        return;
    char text[4096];
    int n = snprintf(text, sizeof(text), "%s:%d: %s\n", file, line, message);
    if (n < 0)
        n = 0;
    if ((size_t)n >= sizeof(text))
        n = (int)sizeof(text) - 1;
    DWORD written;
    WriteFile(h, text, (DWORD)n, &written, NULL);
    CloseHandle(h);
}

static void report(const char *file, int line, const char *message)
{
    InterlockedIncrement(&failure_count);
    if (reporter) {
        reporter(file, line, message);
    } else {
        fprintf(stderr, "%s:%d: Failure\n%s\n", file, line, message);
        fflush(stderr);
    }
    append_to_child_log(file, line, message);
}

static void reportf(const char *file, int line, const char *fmt, ...)
{
    char message[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof(message), fmt, ap);
    va_end(ap);
    report(file, line, message);
}

int cetest_check(int passed, const char *file, int line, const char *expr,
                 const char *fmt, ...)
{
    if (passed)
        return 1;
    char detail[3072] = "";
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(detail, sizeof(detail), fmt, ap);
        va_end(ap);
    }
    reportf(file, line, "check failed: %s%s%s", expr, fmt ? "\n  " : "", detail);
    return 0;
}

int cetest_check_eq_u(unsigned long long actual, unsigned long long expected,
                      const char *ea, const char *eb, const char *file, int line)
{
    if (actual == expected)
        return 1;
    reportf(file, line, "check failed: %s == %s\n  actual:   %llu (0x%llx)\n  expected: %llu (0x%llx)",
            ea, eb, actual, actual, expected, expected);
    return 0;
}

int cetest_check_eq_i(long long actual, long long expected,
                      const char *ea, const char *eb, const char *file, int line)
{
    if (actual == expected)
        return 1;
    reportf(file, line, "check failed: %s == %s\n  actual:   %lld\n  expected: %lld",
            ea, eb, actual, expected);
    return 0;
}

int cetest_check_eq_p(const void *actual, const void *expected,
                      const char *ea, const char *eb, const char *file, int line)
{
    if (actual == expected)
        return 1;
    reportf(file, line, "check failed: %s == %s\n  actual:   %p\n  expected: %p",
            ea, eb, actual, expected);
    return 0;
}

int cetest_check_ne_p(const void *actual, const void *unexpected,
                      const char *ea, const char *eb, const char *file, int line)
{
    if (actual != unexpected)
        return 1;
    reportf(file, line, "check failed: %s != %s\n  both are %p (last error %lu)",
            ea, eb, actual, GetLastError());
    return 0;
}

int cetest_check_str(const char *actual, const char *expected,
                     const char *ea, const char *eb, const char *file, int line)
{
    if (actual && expected && strcmp(actual, expected) == 0)
        return 1;
    if (!actual && !expected)
        return 1;
    reportf(file, line, "check failed: %s == %s\n  actual:   \"%s\"\n  expected: \"%s\"",
            ea, eb, actual ? actual : "(null)", expected ? expected : "(null)");
    return 0;
}

int cetest_check_wstr(const WCHAR *actual, const WCHAR *expected,
                      const char *ea, const char *eb, const char *file, int line)
{
    if (actual && expected && wcscmp(actual, expected) == 0)
        return 1;
    if (!actual && !expected)
        return 1;
    char a[512] = "(null)", e[512] = "(null)";
    if (actual)
        WideCharToMultiByte(CP_UTF8, 0, actual, -1, a, sizeof(a), NULL, NULL);
    if (expected)
        WideCharToMultiByte(CP_UTF8, 0, expected, -1, e, sizeof(e), NULL, NULL);
    reportf(file, line, "check failed: %s == %s\n  actual:   L\"%s\"\n  expected: L\"%s\"",
            ea, eb, a, e);
    return 0;
}

int cetest_check_mem(const void *actual, const void *expected, size_t n,
                     const char *ea, const char *eb, const char *file, int line)
{
    const unsigned char *a = actual, *e = expected;
    size_t i;
    for (i = 0; i < n; i++)
        if (a[i] != e[i])
            break;
    if (i == n)
        return 1;
    reportf(file, line, "check failed: %s == %s (%zu bytes)\n  first difference at byte %zu: 0x%02x vs 0x%02x",
            ea, eb, n, i, a[i], e[i]);
    return 0;
}

/* ---- child processes ------------------------------------------------------ */

static const char *arg_value(const char *arg, const char *key)
{
    size_t n = strlen(key);
    return strncmp(arg, key, n) == 0 ? arg + n : NULL;
}

int cetest_run_child_if_requested(int argc, char **argv, int *exit_code)
{
    const char *role = NULL;
    int first_extra = argc;
    for (int i = 1; i < argc; i++) {
        const char *v;
        if ((v = arg_value(argv[i], "--cetest-child=")) != NULL) {
            role = v;
        } else if ((v = arg_value(argv[i], "--cetest-log=")) != NULL) {
            snprintf(child_log_path, sizeof(child_log_path), "%s", v);
        } else if (strcmp(argv[i], "--") == 0) {
            first_extra = i + 1;
            break;
        }
    }
    if (!role)
        return 0;
    for (size_t i = 0; i < role_count; i++) {
        if (strcmp(roles[i].role, role) == 0) {
            roles[i].fn(argc - first_extra, argv + first_extra);
            fflush(stdout);
            fflush(stderr);
            *exit_code = failure_count ? (int)CETEST_CHILD_FAILED : (int)CETEST_CHILD_PASSED;
            return 1;
        }
    }
    fprintf(stderr, "cetest: no child role named '%s'\n", role);
    *exit_code = (int)CETEST_CHILD_NO_ROLE;
    return 1;
}

static LONG spawn_counter;

/* exe NULL: this executable. */
static BOOL spawn_v(cetest_proc *child, const char *exe_or_null, unsigned flags, const char *role,
                    const char *fmt, va_list ap)
{
    char exe[MAX_PATH];
    char temp[MAX_PATH];
    char extra[2048] = "";
    char cmdline[3 * MAX_PATH + sizeof(extra) + 128];

    memset(child, 0, sizeof(*child));
    snprintf(child->role, sizeof(child->role), "%s", role);
    if (fmt)
        vsnprintf(extra, sizeof(extra), fmt, ap);
    if (exe_or_null)
        snprintf(exe, sizeof(exe), "%s", exe_or_null);
    if ((!exe_or_null && !GetModuleFileNameA(NULL, exe, sizeof(exe))) || !GetTempPathA(sizeof(temp), temp)) {
        reportf(__FILE__, __LINE__, "cetest_spawn(%s): cannot find own executable or temp dir (error %lu)",
                role, GetLastError());
        return FALSE;
    }
    snprintf(child->log_path, sizeof(child->log_path), "%scetest-%lu-%ld.log", temp,
             GetCurrentProcessId(), InterlockedIncrement(&spawn_counter));
    DeleteFileA(child->log_path);
    snprintf(cmdline, sizeof(cmdline), "\"%s\" --cetest-child=%s \"--cetest-log=%s\" -- %s",
             exe, role, child->log_path, extra);

    STARTUPINFOA si;
    PROCESS_INFORMATION pi;
    memset(&si, 0, sizeof(si));
    si.cb = sizeof(si);
    BOOL inherit = (flags & CETEST_SPAWN_INHERIT_HANDLES) ? TRUE : FALSE;
    DWORD creation = (flags & CETEST_SPAWN_SUSPENDED) ? CREATE_SUSPENDED : 0;
    /* Wine's CreateProcess now and then fails with ERROR_INTERNAL_ERROR
     * while processes are being created and killed in quick succession
     * (seen once in hundreds of spawns); that is not what any test tests,
     * so it is retried, and said so. */
    for (int attempt = 1;; attempt++) {
        if (CreateProcessA(exe, cmdline, NULL, NULL, inherit, creation, NULL, NULL, &si, &pi))
            break;
        DWORD error = GetLastError();
        if (error != ERROR_INTERNAL_ERROR || attempt == 3) {
            reportf(__FILE__, __LINE__, "cetest_spawn(%s): CreateProcess(%s) failed, error %lu (attempt %d)", role,
                    exe, error, attempt);
            return FALSE;
        }
        fprintf(stderr, "cetest_spawn(%s): CreateProcess failed with ERROR_INTERNAL_ERROR; retrying\n", role);
        Sleep(50);
    }
    child->process = pi.hProcess;
    child->thread = pi.hThread;
    child->pid = pi.dwProcessId;
    return TRUE;
}

BOOL cetest_spawn(cetest_proc *child, unsigned flags, const char *role, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    BOOL ok = spawn_v(child, NULL, flags, role, fmt, ap);
    va_end(ap);
    return ok;
}

BOOL cetest_spawn_exe(cetest_proc *child, const char *exe, unsigned flags, const char *role,
                      const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    BOOL ok = spawn_v(child, exe, flags, role, fmt, ap);
    va_end(ap);
    return ok;
}

void cetest_resume(cetest_proc *child)
{
    if (child->thread)
        ResumeThread(child->thread);
}

static void read_child_log(const cetest_proc *child, char *out, size_t out_size)
{
    if (!out || !out_size)
        return;
    out[0] = 0;
    HANDLE h = CreateFileA(child->log_path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                           NULL, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
    if (h == INVALID_HANDLE_VALUE)
        return;
    DWORD got = 0;
    ReadFile(h, out, (DWORD)(out_size - 1), &got, NULL);
    out[got] = 0;
    CloseHandle(h);
}

static void close_child(cetest_proc *child)
{
    DeleteFileA(child->log_path);
    if (child->thread)
        CloseHandle(child->thread);
    if (child->process)
        CloseHandle(child->process);
    child->thread = child->process = NULL;
}

DWORD cetest_collect(cetest_proc *child, DWORD timeout_ms, char *messages, size_t messages_size)
{
    DWORD code = WAIT_TIMEOUT;
    if (messages && messages_size)
        messages[0] = 0;
    if (!child->process)
        return code;
    if (WaitForSingleObject(child->process, timeout_ms) == WAIT_OBJECT_0) {
        GetExitCodeProcess(child->process, &code);
    } else {
        TerminateProcess(child->process, 1);
        WaitForSingleObject(child->process, 5000);
    }
    read_child_log(child, messages, messages_size);
    close_child(child);
    return code;
}

DWORD cetest_wait(cetest_proc *child, DWORD timeout_ms)
{
    char messages[8192];
    char role[sizeof(child->role)];
    DWORD pid = child->pid;
    memcpy(role, child->role, sizeof(role));
    DWORD code = cetest_collect(child, timeout_ms, messages, sizeof(messages));
    if (code == WAIT_TIMEOUT)
        reportf(__FILE__, __LINE__, "child '%s' (pid %lu) still running after %lu ms: killed\n%s",
                role, pid, timeout_ms, messages);
    else if (code == CETEST_CHILD_NO_ROLE)
        reportf(__FILE__, __LINE__, "child '%s' (pid %lu): no such role", role, pid);
    else if (code != CETEST_CHILD_PASSED)
        reportf(__FILE__, __LINE__, "child '%s' (pid %lu) failed, exit code 0x%lx; its failures:\n%s",
                role, pid, code, messages[0] ? messages : "  (none logged: it crashed or was killed)\n");
    return code;
}

/* ---- helpers ---------------------------------------------------------------- */

const WCHAR *cetest_unique_name(const WCHAR *prefix, WCHAR *buf, size_t buf_chars)
{
    static volatile LONG counter;
    /* Wine reuses process ids at once: the start time tells this process
     * from an earlier one whose objects (a services host) still exist. */
    FILETIME created, unused1, unused2, unused3;
    DWORD stamp = GetProcessTimes(GetCurrentProcess(), &created, &unused1, &unused2, &unused3)
                      ? created.dwLowDateTime
                      : GetTickCount();
    _snwprintf(buf, buf_chars, L"%ls-%lu-%ld-%lx", prefix, GetCurrentProcessId(),
               InterlockedIncrement(&counter), (unsigned long)stamp);
    buf[buf_chars - 1] = 0;
    return buf;
}

ULONGLONG cetest_now_ms(void)
{
    return GetTickCount64();
}

void cetest_to_utf8(const WCHAR *w, char *out, int n)
{
    if (!WideCharToMultiByte(CP_UTF8, 0, w, -1, out, n, NULL, NULL))
        out[0] = 0;
}

void cetest_from_utf8(const char *s, WCHAR *out, int n)
{
    if (!MultiByteToWideChar(CP_UTF8, 0, s, -1, out, n))
        out[0] = 0;
}

#define EVENT_NAME_CHARS 256

static void event_name(WCHAR *out, const WCHAR *base, const WCHAR *suffix)
{
    _snwprintf(out, EVENT_NAME_CHARS, L"%ls-%ls", base, suffix);
    out[EVENT_NAME_CHARS - 1] = 0;
}

HANDLE cetest_make_event(const WCHAR *base, const WCHAR *suffix)
{
    WCHAR name[EVENT_NAME_CHARS];
    event_name(name, base, suffix);
    HANDLE h = CreateEventW(NULL, TRUE, FALSE, name);
    CHECK_MSG(h != NULL, "CreateEventW(%ls): error %lu", name, GetLastError());
    return h;
}

HANDLE cetest_open_event(const WCHAR *base, const WCHAR *suffix)
{
    WCHAR name[EVENT_NAME_CHARS];
    event_name(name, base, suffix);
    HANDLE h = OpenEventW(EVENT_MODIFY_STATE | SYNCHRONIZE, FALSE, name);
    CHECK_MSG(h != NULL, "OpenEventW(%ls): error %lu", name, GetLastError());
    return h;
}

BOOL cetest_wait_event_at(HANDLE ev, DWORD ms, const char *what, const char *file, int line)
{
    DWORD got = ev ? WaitForSingleObject(ev, ms) : WAIT_FAILED;
    return cetest_check(got == WAIT_OBJECT_0, file, line, "hand-shake event signaled", "waiting for '%s': 0x%lx",
                        what, got);
}
