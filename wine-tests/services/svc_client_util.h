/*
 * svc_client_util.h - small helpers shared by the services client tests
 * (svc_client_tests.c, svc_devio_tests.c, svc_query_tests.c): starting the
 * test's host, activating and opening a test service, registry values
 * beyond svc_test_config, and threads that sit in a service call.
 *
 * A host loads every configured service when it starts (boot), so a test
 * that wants to ActivateService a key itself starts the host first
 * (svc_start_host) and writes the key afterwards.
 */
#ifndef SVC_CLIENT_UTIL_H
#define SVC_CLIENT_UTIL_H

#include "svc_test.h"

#include <string.h>

/* A test with its own host and registry root (svc_test_begin), torn down
 * by svc_test_end even when a REQUIRE stops the body early: the body is a
 * function of its own, given the struct svc_test *t. */
#define SVC_TEST(suite, name)                                                  \
    static void svc_body_##suite##_##name(struct svc_test *t);                 \
    CETEST(suite, name)                                                        \
    {                                                                          \
        struct svc_test t;                                                     \
        svc_test_begin(&t);                                                    \
        svc_body_##suite##_##name(&t);                                         \
        svc_test_end(&t);                                                      \
    }                                                                          \
    static void svc_body_##suite##_##name(struct svc_test *t)

#define SVC_WAIT_MS 20000       /* bound of every wait for another thread or the host */
#define SVC_BLOCK_TIMEOUT_MS 45000 /* TSVC_BLOCK's own timeout: longer than any bound here */

/* Starts the test's host now (EnumServices starts one if none runs), so
 * that registry entries written afterwards are not boot-loaded. Returns
 * how many services it boot-loaded. */
static inline DWORD svc_start_host(void)
{
    DWORD entries = 0xdeadbeef, bytes = 0;
    SetLastError(0xdeadbeef);
    BOOL ok = EnumServices(NULL, &entries, &bytes);
    CHECK(!ok);
    CHECK_LASTERROR(ERROR_INSUFFICIENT_BUFFER);
    return entries;
}

/* CreateFileW(device) as CE code opens a service. */
static inline HANDLE svc_open(const WCHAR *device)
{
    return CreateFileW(device, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
}

/* The common start of a test: the host started with nothing to boot-load,
 * then TsaSvc (tsa.dll, prefix TSA) configured and activated into *ha and,
 * when h is given, TSA0: opened into *h. FALSE, with a failed check, when a
 * step fails. */
static inline BOOL svc_activate_tsa(const struct svc_test *t, HANDLE *ha, HANDLE *h)
{
    *ha = NULL;
    if (h)
        *h = INVALID_HANDLE_VALUE;
    CHECK_EQ(svc_start_host(), 0);
    if (!CHECK(svc_test_config(t, L"TsaSvc", L"tsa.dll", L"TSA", 0, ~0u, ~0u, ~0u)))
        return FALSE;
    *ha = ActivateService(L"TsaSvc", 0);
    if (!CHECK_MSG(*ha != NULL, "ActivateService(TsaSvc): error %lu", (unsigned long)GetLastError()))
        return FALSE;
    if (!h)
        return TRUE;
    *h = svc_open(L"TSA0:");
    return CHECK_MSG(*h != INVALID_HANDLE_VALUE, "CreateFile(TSA0:): error %lu", (unsigned long)GetLastError());
}

/* Sets a REG_DWORD value of <root>\<name> (Keep, Order, ...). */
static inline BOOL svc_set_dword(const struct svc_test *t, const WCHAR *name, const WCHAR *value, DWORD data)
{
    WCHAR key[256];
    _snwprintf(key, 256, L"%ls\\%ls", t->root_key, name);
    key[255] = 0;
    return RegSetKeyValueW(HKEY_CURRENT_USER, key, value, REG_DWORD, &data, sizeof(data)) == ERROR_SUCCESS;
}

/* Deletes one value of <root>\<name>. */
static inline BOOL svc_delete_value(const struct svc_test *t, const WCHAR *name, const WCHAR *value)
{
    WCHAR key[256];
    _snwprintf(key, 256, L"%ls\\%ls", t->root_key, name);
    key[255] = 0;
    return RegDeleteKeyValueW(HKEY_CURRENT_USER, key, value) == ERROR_SUCCESS;
}

/* Reads the stats through h; zeroed (and a failed check) if it cannot. */
static inline struct tsvc_stats svc_stats(HANDLE h)
{
    struct tsvc_stats s;
    CHECK(svc_test_stats(h, &s));
    return s;
}

/* Polls h's stats until blocked_now == want (bounded). */
static inline BOOL svc_wait_blocked(HANDLE h, DWORD want)
{
    ULONGLONG deadline = cetest_now_ms() + SVC_WAIT_MS;
    struct tsvc_stats s;
    memset(&s, 0, sizeof(s));
    while (cetest_now_ms() < deadline) {
        if (svc_test_stats(h, &s) && s.blocked_now == want)
            return TRUE;
        Sleep(5);
    }
    return CHECK_MSG(FALSE, "blocked_now is %lu, want %lu", (unsigned long)s.blocked_now, (unsigned long)want);
}

/* A thread sitting in DeviceIoControl(TSVC_BLOCK). With device set, the
 * thread opens its own handle (and closes it after); else it uses h. The
 * results are read by the test thread after svc_blocker_join (checks are
 * made on the test thread only). Keep blockers in static storage: a thread
 * that outlives a failed join still writes to its struct. */
struct svc_blocker {
    const WCHAR *device;
    HANDLE h;
    HANDLE thread;
    BOOL opened, ok;
    DWORD error, open_error;
};

static inline DWORD WINAPI svc_blocker_main(void *arg)
{
    struct svc_blocker *b = arg;
    HANDLE h = b->h;
    if (b->device) {
        h = svc_open(b->device);
        b->opened = h != INVALID_HANDLE_VALUE;
        b->open_error = b->opened ? 0 : GetLastError();
        if (!b->opened)
            return 0;
    }
    DWORD timeout = SVC_BLOCK_TIMEOUT_MS;
    SetLastError(0xdeadbeef);
    b->ok = DeviceIoControl(h, TSVC_BLOCK, &timeout, sizeof(timeout), NULL, 0, NULL, NULL);
    b->error = GetLastError();
    if (b->device)
        CloseHandle(h);
    return 0;
}

static inline BOOL svc_blocker_start(struct svc_blocker *b, const WCHAR *device, HANDLE h)
{
    memset(b, 0, sizeof(*b));
    b->device = device;
    b->h = h;
    b->thread = CreateThread(NULL, 0, svc_blocker_main, b, 0, NULL);
    return CHECK(b->thread != NULL);
}

/* Waits (bounded) for the blocker to return; FALSE and a failed check if it
 * did not. */
static inline BOOL svc_blocker_join(struct svc_blocker *b, DWORD timeout_ms)
{
    if (!b->thread)
        return FALSE;
    DWORD w = WaitForSingleObject(b->thread, timeout_ms);
    CHECK_EQ(w, WAIT_OBJECT_0);
    if (w != WAIT_OBJECT_0)
        return FALSE;
    CloseHandle(b->thread);
    b->thread = NULL;
    return TRUE;
}

#endif /* SVC_CLIENT_UTIL_H */
