/*
 * svc_psl_tests.c - IOCTL_PSL_NOTIFY: when a client process ends with
 * service handles open (killed, or returning from main without closing
 * them), the host tells the service once per open, with the process's pid
 * and main thread, releases what that process had blocked, and closes each
 * open exactly once. A process that closed its handles gets no notify, a
 * process's death never releases another's calls, and no client may send
 * IOCTL_PSL_NOTIFY itself.
 *
 * The parent reads the service's counters through an activation handle
 * (RegisterService of the configured DLL), not through an open of its own,
 * so the children's opens are the only opens the service sees.
 */
#include "svc_test.h"

#include <pkfuncs.h>
#include <stddef.h>

#define POLL_MS 2
#define BLOCK_WAIT_MS 5000    /* a child reaches its blocking call within this */
#define RELEASE_BOUND_MS 1000 /* a killed child's call is released within this */
#define BLOCK_TIMEOUT_MS 30000 /* the children's TSVC_BLOCK timeout: never reached */
#define KILL_ROUNDS 100

/* ---- helpers ------------------------------------------------------------------ */

/* Configures <prefix> with DEVFLAGS_NOLOAD (the host's boot leaves it
 * alone) and loads it as <prefix>0: with RegisterService: the activation
 * handle reads the counters without being an open. Starts the host. */
static HANDLE psl_service(const struct svc_test *t, const WCHAR *name, const WCHAR *dll, const WCHAR *prefix)
{
    WCHAR path[MAX_PATH];
    if (!CHECK(svc_test_config(t, name, dll, prefix, 0, ~0u, DEVFLAGS_NOLOAD, ~0u)))
        return NULL;
    svc_test_dll_path(dll, path);
    HANDLE h = RegisterService(prefix, 0, path, 0);
    CHECK_MSG(h != NULL, "RegisterService(%ls) failed, error %lu", prefix, GetLastError());
    return h;
}

static BOOL read_stats(HANDLE svc, struct tsvc_stats *s)
{
    DWORD got = 0;
    memset(s, 0, sizeof(*s));
    return ServiceIoControl(svc, TSVC_STATS, NULL, 0, s, sizeof(*s), &got, NULL) && got == sizeof(*s);
}

static DWORD stat_field(const struct tsvc_stats *s, size_t offset)
{
    DWORD v;
    memcpy(&v, (const BYTE *)s + offset, sizeof(v));
    return v;
}

/* Polls the counters until the field at `offset` equals `want`, at most
 * until since + bound_ms. Returns the ms from `since` to the first sight,
 * or ~0u (after recording a failure that names the field). *s gets the
 * last counters read. */
#define WAIT_STAT(svc, field, want, since, bound_ms, s) \
    wait_stat((svc), offsetof(struct tsvc_stats, field), #field, (want), (since), (bound_ms), (s), __LINE__)
static DWORD wait_stat(HANDLE svc, size_t offset, const char *name, DWORD want, ULONGLONG since, DWORD bound_ms,
                       struct tsvc_stats *s, int line)
{
    for (;;) {
        BOOL ok = read_stats(svc, s);
        ULONGLONG now = cetest_now_ms();
        if (ok && stat_field(s, offset) == want)
            return (DWORD)(now - since);
        if (now - since > bound_ms) {
            CHECK_MSG(FALSE, "line %d: %s is %lu (stats %s), not %lu after %lu ms", line, name,
                      ok ? stat_field(s, offset) : 0, ok ? "read" : "unreadable", want, bound_ms);
            return ~0u;
        }
        Sleep(POLL_MS);
    }
}

static HANDLE open_device(const WCHAR *device)
{
    HANDLE h = CreateFileW(device, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    CHECK_MSG(h != INVALID_HANDLE_VALUE, "CreateFileW(%ls) failed, error %lu", device, GetLastError());
    return h;
}

static BOOL echo_works(HANDLE h)
{
    char out[8] = { 0 };
    DWORD got = 0;
    return DeviceIoControl(h, TSVC_ECHO, "ping", 4, out, sizeof(out), &got, NULL) && got == 4 &&
           memcmp(out, "ping", 4) == 0;
}

/* Blocks in TSVC_BLOCK on h; returns its result and error. */
static BOOL block_on(HANDLE h, DWORD *error)
{
    DWORD timeout = BLOCK_TIMEOUT_MS;
    SetLastError(0);
    BOOL ok = DeviceIoControl(h, TSVC_BLOCK, &timeout, sizeof(timeout), NULL, 0, NULL, NULL);
    *error = GetLastError();
    return ok;
}

/* Ends a child that may already be dead, and collects it. */
static void reap_child(cetest_proc *child)
{
    TerminateProcess(child->process, 1);
    CHECK_EQ(WaitForSingleObject(child->process, 10000), WAIT_OBJECT_0);
    cetest_collect(child, 0, NULL, 0);
}

/* ---- children ----------------------------------------------------------------- */

/* Opens TSA0: and blocks until killed. */
CETEST_CHILD(psl_blocker)
{
    (void)argc;
    (void)argv;
    HANDLE h = open_device(L"TSA0:");
    DWORD error;
    BOOL ok = block_on(h, &error);
    CHECK_MSG(FALSE, "TSVC_BLOCK returned %d (error %lu) instead of blocking until the kill", ok, error);
}

static DWORD WINAPI open_tsb_thread(void *arg)
{
    (void)arg;
    HANDLE h = open_device(L"TSB0:");
    CHECK(echo_works(h));
    return 0;
}

/* Two opens of TSA0: and one of TSB0:, used and never closed. The first
 * services call comes from a second thread (which has ended by the time
 * the process does): DEVICE_PSL_NOTIFY.hThread must still name the main
 * thread. */
CETEST_CHILD(psl_leaver)
{
    (void)argc;
    (void)argv;
    HANDLE t = CreateThread(NULL, 0, open_tsb_thread, NULL, 0, NULL);
    REQUIRE(t != NULL);
    CHECK_EQ(WaitForSingleObject(t, 20000), WAIT_OBJECT_0);
    CloseHandle(t);
    for (int i = 0; i < 2; i++) {
        HANDLE h = open_device(L"TSA0:");
        CHECK(echo_works(h));
    }
}

/* Opens, uses and closes TSA0:, then opens TSB0: (left open: the parent's
 * sign that the host has handled this process's exit). argv[0]: "exit"
 * returns, "wait" waits to be killed. */
CETEST_CHILD(psl_closer)
{
    REQUIRE(argc == 1);
    HANDLE h = open_device(L"TSA0:");
    CHECK(echo_works(h));
    CHECK(CloseHandle(h));
    HANDLE sentinel = open_device(L"TSB0:");
    CHECK(echo_works(sentinel));
    if (strcmp(argv[0], "wait") == 0)
        Sleep(60000);
}

static DWORD WINAPI idle_thread(void *arg)
{
    HANDLE *handles = arg; /* [0] the open to use, [1] event: used it */
    CHECK(echo_works(handles[0]));
    SetEvent(handles[1]);
    Sleep(INFINITE);
    return 0;
}

/* Two opens of TSA0:: a second thread uses one and idles; the main thread
 * blocks on the other until killed. */
CETEST_CHILD(psl_blocker_with_idle_thread)
{
    (void)argc;
    (void)argv;
    HANDLE a = open_device(L"TSA0:");
    HANDLE args[2] = { open_device(L"TSA0:"), CreateEventW(NULL, TRUE, FALSE, NULL) };
    REQUIRE(args[1] != NULL);
    HANDLE t = CreateThread(NULL, 0, idle_thread, args, 0, NULL);
    REQUIRE(t != NULL);
    REQUIRE(WaitForSingleObject(args[1], 10000) == WAIT_OBJECT_0);
    DWORD error;
    BOOL ok = block_on(a, &error);
    CHECK_MSG(FALSE, "TSVC_BLOCK returned %d (error %lu) instead of blocking until the kill", ok, error);
}

/* Blocks on TSA0: until TSVC_RELEASE_ALL, which makes the call succeed. */
CETEST_CHILD(psl_released_blocker)
{
    (void)argc;
    (void)argv;
    HANDLE h = open_device(L"TSA0:");
    DWORD error;
    BOOL ok = block_on(h, &error);
    CHECK_MSG(ok, "TSVC_BLOCK failed with error %lu; TSVC_RELEASE_ALL should have ended it with TRUE", error);
    CHECK(CloseHandle(h));
}

/* ---- tests -------------------------------------------------------------------- */

/* One round: a blocker child, killed once blocked; checks everything the
 * n-th notify must show. Returns the release latency in ms (~0u: failed). */
static DWORD kill_blocked_child(HANDLE svc, DWORD n)
{
    cetest_proc child;
    struct tsvc_stats s;
    if (!cetest_spawn(&child, 0, "psl_blocker", NULL))
        return ~0u;
    DWORD pid = child.pid, main_tid = GetThreadId(child.thread);
    if (WAIT_STAT(svc, blocked_now, 1, cetest_now_ms(), BLOCK_WAIT_MS, &s) == ~0u) {
        reap_child(&child);
        return ~0u;
    }
    CHECK_EQ(s.open_now, 1);
    ULONGLONG killed = cetest_now_ms();
    CHECK(TerminateProcess(child.process, 1));
    DWORD released = WAIT_STAT(svc, released_by_psl, n, killed, RELEASE_BOUND_MS, &s);
    DWORD closed = WAIT_STAT(svc, closes, n, killed, RELEASE_BOUND_MS, &s);
    CHECK_EQ(s.psl_notifies, n);
    CHECK_EQ(s.last_psl_pid, pid);
    CHECK_EQ(s.last_psl_tid, main_tid);
    CHECK_EQ(s.last_psl_flags, DLL_PROCESS_EXITING);
    CHECK_EQ(s.preclose, n);
    CHECK_EQ(s.open_now, 0);
    CHECK_EQ(s.blocked_now, 0);
    CHECK_EQ(s.released_by_close, 0);
    CHECK_EQ(s.block_timeouts, 0);
    CHECK_EQ(s.bad_contexts, 0);
    CHECK_EQ(s.psl_bad, 0);
    CHECK_EQ(WaitForSingleObject(child.process, 10000), WAIT_OBJECT_0);
    cetest_collect(&child, 0, NULL, 0);
    return released == ~0u || closed == ~0u ? ~0u : released;
}

CETEST(services_psl, killed_blocked_client_is_notified_released_and_closed)
{
    struct svc_test t;
    svc_test_begin(&t);
    HANDLE svc = psl_service(&t, L"TSA", L"tsa.dll", L"TSA");
    if (svc) {
        DWORD ms = kill_blocked_child(svc, 1);
        struct tsvc_stats s;
        CHECK(read_stats(svc, &s));
        CHECK_EQ(s.opens, 1);
        CHECK_EQ(s.closes, 1);
        if (ms != ~0u)
            printf("kill -> TSVC_BLOCK released by IOCTL_PSL_NOTIFY: %lu ms\n", ms);
    }
    svc_test_end(&t);
}

CETEST(services_psl, hundred_killed_clients_each_released_within_a_second)
{
    struct svc_test t;
    svc_test_begin(&t);
    HANDLE svc = psl_service(&t, L"TSA", L"tsa.dll", L"TSA");
    DWORD worst = 0, sum = 0, done = 0;
    ULONGLONG start = cetest_now_ms();
    for (DWORD i = 1; svc && i <= KILL_ROUNDS; i++) {
        DWORD ms = kill_blocked_child(svc, i);
        if (ms == ~0u) {
            CHECK_MSG(FALSE, "round %lu of %u failed; stopping", i, KILL_ROUNDS);
            break;
        }
        worst = ms > worst ? ms : worst;
        sum += ms;
        done++;
    }
    struct tsvc_stats s;
    if (svc && CHECK(read_stats(svc, &s))) {
        CHECK_EQ(done, KILL_ROUNDS);
        CHECK_EQ(s.opens, KILL_ROUNDS);
        CHECK_EQ(s.psl_notifies, KILL_ROUNDS);
        CHECK_EQ(s.released_by_psl, KILL_ROUNDS);
        CHECK_EQ(s.closes, KILL_ROUNDS);
        CHECK_EQ(s.preclose, KILL_ROUNDS);
        CHECK_EQ(s.open_now, 0);
        CHECK_EQ(s.psl_bad, 0);
        CHECK_EQ(s.bad_contexts, 0);
    }
    if (done)
        printf("%lu killed clients in %llu ms; release latency mean %lu ms, worst %lu ms\n", done,
               cetest_now_ms() - start, sum / done, worst);
    svc_test_end(&t);
}

CETEST(services_psl, exit_without_close_notifies_and_closes_each_open_once)
{
    struct svc_test t;
    svc_test_begin(&t);
    HANDLE tsa = psl_service(&t, L"TSA", L"tsa.dll", L"TSA");
    HANDLE tsb = psl_service(&t, L"TSB", L"tsb.dll", L"TSB");
    cetest_proc child;
    if (tsa && tsb && cetest_spawn(&child, 0, "psl_leaver", NULL)) {
        DWORD pid = child.pid, main_tid = GetThreadId(child.thread);
        cetest_wait(&child, 30000); /* returns from main with its three opens */
        struct tsvc_stats a, b;
        ULONGLONG exited = cetest_now_ms();
        WAIT_STAT(tsa, closes, 2, exited, RELEASE_BOUND_MS, &a);
        WAIT_STAT(tsb, closes, 1, exited, RELEASE_BOUND_MS, &b);
        CHECK_EQ(a.opens, 2);
        CHECK_EQ(a.psl_notifies, 2);
        CHECK_EQ(a.preclose, 2);
        CHECK_EQ(a.open_now, 0);
        CHECK_EQ(a.last_psl_pid, pid);
        CHECK_EQ(a.last_psl_tid, main_tid);
        CHECK_EQ(a.last_psl_flags, DLL_PROCESS_EXITING);
        CHECK_EQ(b.opens, 1);
        CHECK_EQ(b.psl_notifies, 1);
        CHECK_EQ(b.preclose, 1);
        CHECK_EQ(b.open_now, 0);
        CHECK_EQ(b.last_psl_pid, pid);
        CHECK_EQ(b.last_psl_tid, main_tid);
        /* Exactly once: nothing more arrives later. */
        Sleep(300);
        CHECK(read_stats(tsa, &a) && read_stats(tsb, &b));
        CHECK_EQ(a.closes, 2);
        CHECK_EQ(a.psl_notifies, 2);
        CHECK_EQ(b.closes, 1);
        CHECK_EQ(b.psl_notifies, 1);
        CHECK_EQ(a.bad_contexts + b.bad_contexts, 0);
        CHECK_EQ(a.psl_bad + b.psl_bad, 0);
    }
    svc_test_end(&t);
}

/* The child's TSB0: open is closed by the host's exit handling, after the
 * notifies of all that process's opens: once it is closed, TSA has had any
 * notify it was going to get. */
static void closed_handle_gets_no_notify(const char *how)
{
    struct svc_test t;
    svc_test_begin(&t);
    HANDLE tsa = psl_service(&t, L"TSA", L"tsa.dll", L"TSA");
    HANDLE tsb = psl_service(&t, L"TSB", L"tsb.dll", L"TSB");
    cetest_proc child;
    if (tsa && tsb && cetest_spawn(&child, 0, "psl_closer", "%s", how)) {
        struct tsvc_stats a, b;
        if (strcmp(how, "wait") == 0) {
            if (WAIT_STAT(tsb, opens, 1, cetest_now_ms(), BLOCK_WAIT_MS, &b) != ~0u)
                CHECK(TerminateProcess(child.process, 1));
            CHECK_EQ(WaitForSingleObject(child.process, 10000), WAIT_OBJECT_0);
            cetest_collect(&child, 0, NULL, 0);
        } else {
            cetest_wait(&child, 30000);
        }
        WAIT_STAT(tsb, closes, 1, cetest_now_ms(), RELEASE_BOUND_MS, &b);
        CHECK_EQ(b.psl_notifies, 1);
        CHECK(read_stats(tsa, &a));
        CHECK_EQ(a.opens, 1);
        CHECK_EQ(a.closes, 1);
        CHECK_EQ(a.preclose, 1);
        CHECK_EQ(a.psl_notifies, 0);
        CHECK_EQ(a.open_now, 0);
        CHECK_EQ(a.bad_contexts, 0);
    }
    svc_test_end(&t);
}

CETEST(services_psl, closed_handle_gets_no_notify_on_clean_exit)
{
    closed_handle_gets_no_notify("exit");
}

CETEST(services_psl, closed_handle_gets_no_notify_when_killed_later)
{
    closed_handle_gets_no_notify("wait");
}

CETEST(services_psl, kill_releases_only_the_killed_process)
{
    struct svc_test t;
    svc_test_begin(&t);
    HANDLE svc = psl_service(&t, L"TSA", L"tsa.dll", L"TSA");
    cetest_proc victim, other;
    struct tsvc_stats s;
    if (svc && cetest_spawn(&other, 0, "psl_released_blocker", NULL)) {
        if (WAIT_STAT(svc, blocked_now, 1, cetest_now_ms(), BLOCK_WAIT_MS, &s) != ~0u &&
            cetest_spawn(&victim, 0, "psl_blocker_with_idle_thread", NULL)) {
            DWORD pid = victim.pid;
            if (WAIT_STAT(svc, blocked_now, 2, cetest_now_ms(), BLOCK_WAIT_MS, &s) != ~0u) {
                CHECK_EQ(s.open_now, 3);
                ULONGLONG killed = cetest_now_ms();
                CHECK(TerminateProcess(victim.process, 1));
                DWORD ms = WAIT_STAT(svc, closes, 2, killed, RELEASE_BOUND_MS, &s);
                CHECK_EQ(s.released_by_psl, 1);
                CHECK_EQ(s.psl_notifies, 2); /* the blocked open and the idle thread's */
                CHECK_EQ(s.last_psl_pid, pid);
                if (ms != ~0u)
                    printf("kill -> both opens of the victim closed: %lu ms\n", ms);
            }
            reap_child(&victim);
            /* The other process's call is still blocked. */
            Sleep(300);
            CHECK(read_stats(svc, &s));
            CHECK_EQ(s.blocked_now, 1);
            CHECK_EQ(s.open_now, 1);
            CHECK_EQ(s.released_by_psl, 1);
            CHECK_EQ(WaitForSingleObject(other.process, 0), WAIT_TIMEOUT);
        }
        DWORD was_blocked = 0, got = 0;
        CHECK(ServiceIoControl(svc, TSVC_RELEASE_ALL, NULL, 0, &was_blocked, sizeof(was_blocked), &got, NULL));
        CHECK_EQ(was_blocked, 1);
        cetest_wait(&other, 10000);
        CHECK(read_stats(svc, &s));
        CHECK_EQ(s.released_by_all, 1);
        CHECK_EQ(s.psl_notifies, 2);
        CHECK_EQ(s.closes, 3);
        CHECK_EQ(s.bad_contexts, 0);
    }
    svc_test_end(&t);
}

CETEST(services_psl, client_cannot_send_psl_notify)
{
    struct svc_test t;
    svc_test_begin(&t);
    HANDLE svc = psl_service(&t, L"TSA", L"tsa.dll", L"TSA");
    HANDLE h = svc ? open_device(L"TSA0:") : INVALID_HANDLE_VALUE;
    if (h != INVALID_HANDLE_VALUE) {
        DEVICE_PSL_NOTIFY n;
        memset(&n, 0, sizeof(n));
        n.dwSize = sizeof(n);
        n.dwFlags = DLL_PROCESS_EXITING;
        n.hProc = (HANDLE)(ULONG_PTR)GetCurrentProcessId();
        n.hThread = (HANDLE)(ULONG_PTR)GetCurrentThreadId();
        DWORD got = 0xdead;

        SetLastError(0xdeadbeef);
        CHECK(!DeviceIoControl(h, IOCTL_PSL_NOTIFY, &n, sizeof(n), NULL, 0, &got, NULL));
        CHECK_LASTERROR(ERROR_ACCESS_DENIED);
        SetLastError(0xdeadbeef);
        CHECK(!ServiceIoControl(svc, IOCTL_PSL_NOTIFY, &n, sizeof(n), NULL, 0, &got, NULL));
        CHECK_LASTERROR(ERROR_ACCESS_DENIED);
        SetLastError(0xdeadbeef);
        CHECK(!ServiceIoControl(h, IOCTL_PSL_NOTIFY, &n, sizeof(n), NULL, 0, &got, NULL));
        CHECK_LASTERROR(ERROR_ACCESS_DENIED);
        /* Whatever the buffers. */
        SetLastError(0xdeadbeef);
        CHECK(!DeviceIoControl(h, IOCTL_PSL_NOTIFY, NULL, 0, NULL, 0, NULL, NULL));
        CHECK_LASTERROR(ERROR_ACCESS_DENIED);
        SetLastError(0xdeadbeef);
        CHECK(!ServiceIoControl(svc, IOCTL_PSL_NOTIFY, NULL, 0, NULL, 0, NULL, NULL));
        CHECK_LASTERROR(ERROR_ACCESS_DENIED);

        struct tsvc_stats s;
        CHECK(read_stats(svc, &s));
        CHECK_EQ(s.psl_notifies, 0);
        CHECK_EQ(s.psl_bad, 0);
        CHECK(echo_works(h)); /* the open is untouched */
        CHECK(CloseHandle(h));
    }
    svc_test_end(&t);
}
