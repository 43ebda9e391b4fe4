/*
 * svc_host_tests.c - the services host's life: started on demand by the
 * first call (one host however many clients race to start it), its death
 * (calls fail with ERROR_DEVICE_REMOVED within a second, the next call
 * starts a new host), shutdown, the security of its objects and which DLLs
 * it agrees to load. Hostile clients speaking the protocol by hand are in
 * svc_host_hostile.c.
 *
 * White-box: the host block is read through services/common/svc_proto.h
 * and the object names come from svc_names.c, compiled in.
 */
#include "svc_host_util.h"

#include <aclapi.h>
#include <psapi.h>
#include <stdlib.h>

#define CONCURRENT_CLIENTS 4

/* What children and parent share: a named mapping passed by name. */
struct shared {
    volatile LONG64 kill_tick;  /* when the parent killed the host */
    volatile LONG latency_ms;   /* what the child measured */
    volatile LONG error;        /* the error the child's call got */
    DWORD host_pid[CONCURRENT_CLIENTS];
    uint64_t host_start[CONCURRENT_CLIENTS];
};

static struct shared *shared_create(WCHAR *name, HANDLE *mapping)
{
    cetest_unique_name(L"svc-host-shared", name, 64);
    *mapping = CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 4096, name);
    if (!CHECK(*mapping != NULL))
        return NULL;
    struct shared *s = MapViewOfFile(*mapping, FILE_MAP_ALL_ACCESS, 0, 0, 0);
    CHECK(s != NULL);
    return s;
}

static struct shared *shared_open(const char *name8)
{
    WCHAR name[64];
    MultiByteToWideChar(CP_UTF8, 0, name8, -1, name, 64);
    HANDLE m = OpenFileMappingW(FILE_MAP_ALL_ACCESS, FALSE, name);
    if (!CHECK(m != NULL))
        return NULL;
    return MapViewOfFile(m, FILE_MAP_ALL_ACCESS, 0, 0, 0); /* kept for the child's life */
}

static void utf8(const WCHAR *w, char *out, int size)
{
    WideCharToMultiByte(CP_UTF8, 0, w, -1, out, size, NULL, NULL);
}

static HANDLE open_host_process(DWORD access, struct svc_host_block *blk)
{
    if (!CHECK(host_block_read(blk)))
        return NULL;
    HANDLE p = OpenProcess(access, FALSE, blk->host_pid);
    CHECK_MSG(p != NULL, "OpenProcess(host %lu) failed, error %lu", blk->host_pid, GetLastError());
    return p;
}

/* ---- on-demand start ------------------------------------------------------------ */

CETEST(services_host, first_call_starts_the_host)
{
    struct svc_test t;
    svc_test_begin(&t);
    CHECK(svc_test_config(&t, L"TSA", L"tsa.dll", L"TSA", 0, ~0u, ~0u, ~0u));
    struct svc_host_block blk;
    CHECK(!host_block_read(&blk)); /* a fresh instance: no host yet */

    HANDLE h = open_device(L"TSA0:");
    if (h != INVALID_HANDLE_VALUE && CHECK(host_block_read(&blk))) {
        CHECK_EQ(blk.magic, SVC_HOST_MAGIC);
        CHECK_EQ(blk.version, SVC_PROTO_VERSION);
        CHECK_EQ(blk.ready, 1);
        CHECK_EQ(blk.host_bits, sizeof(void *) * 8);
        CHECK(blk.host_pid != 0 && blk.host_pid != GetCurrentProcessId());
        HANDLE p = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION | SYNCHRONIZE, FALSE, blk.host_pid);
        if (CHECK(p != NULL)) {
            WCHAR image[MAX_PATH];
            DWORD len = MAX_PATH;
            CHECK_EQ(WaitForSingleObject(p, 0), WAIT_TIMEOUT);
            if (CHECK(QueryFullProcessImageNameW(p, 0, image, &len))) {
                const WCHAR *base = wcsrchr(image, L'\\');
                CHECK_MSG(_wcsicmp(base ? base + 1 : image, L"ceservicesd.exe") == 0, "host image %ls", image);
            }
            CloseHandle(p);
        }
        CHECK(echo_works(h));
        CHECK(CloseHandle(h));
    }
    svc_test_end(&t);
}

/* argv: shared mapping, index, ready semaphore, go event. Waits for go,
 * then makes its first services call and records the host it found. */
CETEST_CHILD(host_first_caller)
{
    REQUIRE(argc == 4);
    struct shared *sh = shared_open(argv[0]);
    int index = atoi(argv[1]);
    WCHAR ready[64], go[64];
    MultiByteToWideChar(CP_UTF8, 0, argv[2], -1, ready, 64);
    MultiByteToWideChar(CP_UTF8, 0, argv[3], -1, go, 64);
    HANDLE ready_sem = OpenSemaphoreW(SEMAPHORE_MODIFY_STATE, FALSE, ready);
    HANDLE go_event = OpenEventW(SYNCHRONIZE, FALSE, go);
    REQUIRE(sh != NULL && ready_sem != NULL && go_event != NULL && index >= 0 && index < CONCURRENT_CLIENTS);
    ReleaseSemaphore(ready_sem, 1, NULL);
    REQUIRE(WaitForSingleObject(go_event, 20000) == WAIT_OBJECT_0);
    HANDLE h = open_device(L"TSA0:");
    REQUIRE(h != INVALID_HANDLE_VALUE);
    CHECK(echo_works(h));
    struct svc_host_block blk;
    if (CHECK(host_block_read(&blk))) {
        sh->host_pid[index] = blk.host_pid;
        sh->host_start[index] = blk.host_start;
    }
    CHECK(CloseHandle(h));
}

CETEST(services_host, concurrent_first_calls_share_one_host)
{
    struct svc_test t;
    svc_test_begin(&t);
    CHECK(svc_test_config(&t, L"TSA", L"tsa.dll", L"TSA", 0, ~0u, ~0u, ~0u));
    WCHAR shared_name[64], ready[64], go[64];
    char shared8[128], ready8[128], go8[128];
    HANDLE mapping;
    struct shared *sh = shared_create(shared_name, &mapping);
    HANDLE ready_sem = CreateSemaphoreW(NULL, 0, CONCURRENT_CLIENTS, cetest_unique_name(L"svc-ready", ready, 64));
    HANDLE go_event = CreateEventW(NULL, TRUE, FALSE, cetest_unique_name(L"svc-go", go, 64));
    utf8(shared_name, shared8, 128);
    utf8(ready, ready8, 128);
    utf8(go, go8, 128);
    cetest_proc kids[CONCURRENT_CLIENTS];
    int started = 0;
    if (sh && CHECK(ready_sem && go_event)) {
        for (; started < CONCURRENT_CLIENTS; started++)
            if (!cetest_spawn(&kids[started], 0, "host_first_caller", "%s %d %s %s", shared8, started, ready8, go8))
                break;
        for (int i = 0; i < started; i++)
            CHECK_EQ(WaitForSingleObject(ready_sem, 20000), WAIT_OBJECT_0);
        struct svc_host_block blk;
        CHECK(!host_block_read(&blk)); /* nobody has called yet */
        SetEvent(go_event); /* all at once */
        for (int i = 0; i < started; i++)
            cetest_wait(&kids[i], 60000);
        CHECK_EQ(started, CONCURRENT_CLIENTS);
        if (CHECK(host_block_read(&blk))) {
            for (int i = 0; i < started; i++) {
                CHECK_EQ(sh->host_pid[i], blk.host_pid);
                CHECK_EQ(sh->host_start[i], blk.host_start);
            }
        }
        HANDLE h = open_device(L"TSA0:");
        struct tsvc_stats s;
        if (h != INVALID_HANDLE_VALUE && CHECK(svc_test_stats(h, &s))) {
            CHECK_EQ(s.inits, 1);
            CHECK_EQ(s.opens, CONCURRENT_CLIENTS + 1);
            CHECK_EQ(s.closes, CONCURRENT_CLIENTS);
            CloseHandle(h);
        }
    }
    if (sh)
        UnmapViewOfFile(sh);
    if (mapping)
        CloseHandle(mapping);
    if (ready_sem)
        CloseHandle(ready_sem);
    if (go_event)
        CloseHandle(go_event);
    svc_test_end(&t);
}

/* ---- the host dies -------------------------------------------------------------- */

/* argv: shared mapping. Blocks on TSA0: until the parent kills the host;
 * the call must then fail with ERROR_DEVICE_REMOVED within a second. */
CETEST_CHILD(host_death_blocker)
{
    REQUIRE(argc == 1);
    struct shared *sh = shared_open(argv[0]);
    REQUIRE(sh != NULL);
    HANDLE h = open_device(L"TSA0:");
    REQUIRE(h != INVALID_HANDLE_VALUE);
    DWORD timeout = 30000;
    SetLastError(0);
    BOOL ok = DeviceIoControl(h, TSVC_BLOCK, &timeout, sizeof(timeout), NULL, 0, NULL, NULL);
    DWORD error = GetLastError();
    ULONGLONG now = cetest_now_ms(), killed = (ULONGLONG)sh->kill_tick;
    sh->error = (LONG)error;
    CHECK(!ok);
    CHECK_EQ(error, ERROR_DEVICE_REMOVED);
    if (CHECK(killed != 0)) {
        sh->latency_ms = (LONG)(now - killed);
        CHECK_MSG(now - killed <= 1000, "the call failed %llu ms after the host was killed", now - killed);
    }
    CHECK(CloseHandle(h)); /* the host took the open with it; closing still succeeds */
}

CETEST(services_host, host_killed_mid_call_fails_calls_and_restarts)
{
    struct svc_test t;
    svc_test_begin(&t);
    CHECK(svc_test_config(&t, L"TSA", L"tsa.dll", L"TSA", 0, ~0u, ~0u, ~0u));
    WCHAR shared_name[64];
    char shared8[128];
    HANDLE mapping;
    struct shared *sh = shared_create(shared_name, &mapping);
    utf8(shared_name, shared8, 128);
    HANDLE h = open_device(L"TSA0:");
    cetest_proc child;
    struct tsvc_stats s;
    struct svc_host_block old;
    if (sh && h != INVALID_HANDLE_VALUE && cetest_spawn(&child, 0, "host_death_blocker", "%s", shared8)) {
        ULONGLONG start = cetest_now_ms();
        while (svc_test_stats(h, &s) && s.blocked_now == 0 && cetest_now_ms() - start < 5000)
            Sleep(2);
        CHECK_EQ(s.blocked_now, 1);
        HANDLE host = open_host_process(PROCESS_TERMINATE | SYNCHRONIZE, &old);
        if (host) {
            sh->kill_tick = (LONG64)cetest_now_ms();
            CHECK(TerminateProcess(host, 9));
            CHECK_EQ(WaitForSingleObject(host, 5000), WAIT_OBJECT_0);
        }
        cetest_wait(&child, 10000);
        printf("host killed -> blocked call failed with %ld after %ld ms\n", sh->error, sh->latency_ms);

        /* A handle opened before the death fails the same way, at once. */
        ULONGLONG before = cetest_now_ms();
        char out[8];
        DWORD got = 0;
        SetLastError(0xdeadbeef);
        CHECK(!DeviceIoControl(h, TSVC_ECHO, "ping", 4, out, sizeof(out), &got, NULL));
        CHECK_LASTERROR(ERROR_DEVICE_REMOVED);
        CHECK(cetest_now_ms() - before <= 1000);
        CHECK(CloseHandle(h));
        h = INVALID_HANDLE_VALUE;

        /* The next open starts a fresh host. (The old host's process handle
         * is still open here, so its pid cannot have been reused.) */
        HANDLE again = open_device(L"TSA0:");
        struct svc_host_block now;
        if (again != INVALID_HANDLE_VALUE && CHECK(host_block_read(&now))) {
            CHECK(now.host_pid != old.host_pid);
            CHECK(now.host_start != old.host_start);
            CHECK(echo_works(again));
            CHECK(svc_test_stats(again, &s));
            CHECK_EQ(s.inits, 1); /* a fresh load: the counters start again */
            CHECK_EQ(s.opens, 1);
            CloseHandle(again);
        }
        if (host)
            CloseHandle(host);
    }
    if (h != INVALID_HANDLE_VALUE)
        CloseHandle(h);
    if (sh)
        UnmapViewOfFile(sh);
    if (mapping)
        CloseHandle(mapping);
    svc_test_end(&t);
}

CETEST(services_host, service_ending_its_host_mid_call_gives_device_removed)
{
    struct svc_test t;
    svc_test_begin(&t);
    CHECK(svc_test_config(&t, L"TSA", L"tsa.dll", L"TSA", 0, ~0u, ~0u, ~0u));
    HANDLE h = open_device(L"TSA0:");
    struct svc_host_block old, now;
    HANDLE host = h != INVALID_HANDLE_VALUE ? open_host_process(SYNCHRONIZE | PROCESS_QUERY_LIMITED_INFORMATION, &old)
                                            : NULL;
    if (host) {
        DWORD code = 0x77;
        ULONGLONG start = cetest_now_ms();
        SetLastError(0xdeadbeef);
        CHECK(!DeviceIoControl(h, TSVC_EXIT_HOST, &code, sizeof(code), NULL, 0, NULL, NULL));
        CHECK_LASTERROR(ERROR_DEVICE_REMOVED);
        ULONGLONG ms = cetest_now_ms() - start;
        CHECK_MSG(ms <= 1000, "the call took %llu ms", ms);
        printf("TSVC_EXIT_HOST -> ERROR_DEVICE_REMOVED after %llu ms\n", ms);
        DWORD exit_code = 0;
        CHECK_EQ(WaitForSingleObject(host, 1000), WAIT_OBJECT_0);
        CHECK(GetExitCodeProcess(host, &exit_code));
        CHECK_EQ(exit_code, code);
        CHECK(CloseHandle(h));
        h = open_device(L"TSA0:");
        if (h != INVALID_HANDLE_VALUE && CHECK(host_block_read(&now))) {
            CHECK(now.host_pid != old.host_pid);
            CHECK(echo_works(h));
        }
        CloseHandle(host);
    }
    if (h != INVALID_HANDLE_VALUE)
        CloseHandle(h);
    svc_test_end(&t);
}

/* ---- shutdown --------------------------------------------------------------------- */

/* Blocks on TSA0: until the host shuts down: the unload ends the call
 * (ERROR_OPERATION_ABORTED from PreDeinit/PreClose), or, if the host is
 * gone before the reply is read, ERROR_DEVICE_REMOVED. */
CETEST_CHILD(host_shutdown_blocker)
{
    HANDLE h = open_device(L"TSA0:");
    (void)argc;
    (void)argv;
    REQUIRE(h != INVALID_HANDLE_VALUE);
    DWORD timeout = 30000;
    SetLastError(0);
    BOOL ok = DeviceIoControl(h, TSVC_BLOCK, &timeout, sizeof(timeout), NULL, 0, NULL, NULL);
    DWORD error = GetLastError();
    CHECK(!ok);
    CHECK_MSG(error == ERROR_OPERATION_ABORTED || error == ERROR_DEVICE_REMOVED, "error %lu", error);
    printf("shutdown ended the blocked call with error %lu\n", error);
}

/* A call right after a shutdown, while the old host may still be unloading,
 * gets a new host rather than an error. */
CETEST(services_host, call_right_after_shutdown_gets_a_new_host)
{
    struct svc_test t;
    svc_test_begin(&t);
    CHECK(svc_test_config(&t, L"TSA", L"tsa.dll", L"TSA", 0, ~0u, ~0u, ~0u));
    for (int round = 0; round < 5 && !cetest_failures(); round++) {
        HANDLE h = open_device(L"TSA0:");
        struct svc_host_block old;
        CHECK(host_block_read(&old));
        if (h != INVALID_HANDLE_VALUE)
            CloseHandle(h);
        CHECK(CeShimServicesShutdown());
        h = open_device(L"TSA0:");
        struct svc_host_block now;
        if (h != INVALID_HANDLE_VALUE) {
            CHECK(echo_works(h));
            BOOL read = host_block_read(&now);
            CHECK_MSG(read && now.host_start != old.host_start && now.host_pid != old.host_pid,
                      "round %d: host block %s, pid %lu -> %lu, start %llx -> %llx", round,
                      read ? "read" : "unreadable", (unsigned long)old.host_pid, (unsigned long)now.host_pid,
                      (unsigned long long)old.host_start, (unsigned long long)now.host_start);
            CloseHandle(h);
        }
    }
    svc_test_end(&t);
}

CETEST(services_host, shutdown_ends_the_host_within_5s)
{
    struct svc_test t;
    svc_test_begin(&t);
    CHECK(svc_test_config(&t, L"TSA", L"tsa.dll", L"TSA", 0, ~0u, ~0u, ~0u));
    HANDLE h = open_device(L"TSA0:");
    struct svc_host_block blk;
    HANDLE host = h != INVALID_HANDLE_VALUE ? open_host_process(SYNCHRONIZE, &blk) : NULL;
    cetest_proc child;
    if (host && cetest_spawn(&child, 0, "host_shutdown_blocker", NULL)) {
        struct tsvc_stats s;
        ULONGLONG start = cetest_now_ms();
        while (svc_test_stats(h, &s) && s.blocked_now == 0 && cetest_now_ms() - start < 5000)
            Sleep(2);
        CHECK_EQ(s.blocked_now, 1);
        start = cetest_now_ms();
        CHECK(CeShimServicesShutdown());
        CHECK_EQ(WaitForSingleObject(host, 5000), WAIT_OBJECT_0);
        printf("shutdown with a blocked call: host gone after %llu ms\n", cetest_now_ms() - start);
        cetest_wait(&child, 10000);
        /* xxx_Deinit is not observable from here: its counters die with the
         * host. The blocked call ending with ERROR_OPERATION_ABORTED shows
         * the unload (PreDeinit/PreClose) ran; see the child. */
        SetLastError(0xdeadbeef);
        CHECK(!echo_works(h));
        CHECK_LASTERROR(ERROR_DEVICE_REMOVED);
        CHECK(!host_block_read(&blk));
        CloseHandle(host);
    }
    if (h != INVALID_HANDLE_VALUE)
        CloseHandle(h);
    svc_test_end(&t);
}

/* ---- security --------------------------------------------------------------------- */

/* The object's DACL is protected and has exactly one ACE: allow, for the
 * current user. Under Wine this checks what the host asked for, not that
 * Wine enforces it (Wine runs everything as one user). */
static void check_user_only(HANDLE object, const char *what)
{
    BYTE user_buf[256];
    DWORD len = 0;
    HANDLE token;
    if (!CHECK(OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token)))
        return;
    BOOL have_user = GetTokenInformation(token, TokenUser, user_buf, sizeof(user_buf), &len);
    CloseHandle(token);
    if (!CHECK(have_user))
        return;
    PSID user = ((TOKEN_USER *)user_buf)->User.Sid;
    PACL dacl = NULL;
    PSECURITY_DESCRIPTOR sd = NULL;
    DWORD err = GetSecurityInfo(object, SE_KERNEL_OBJECT, DACL_SECURITY_INFORMATION, NULL, NULL, &dacl, NULL, &sd);
    if (!CHECK_MSG(err == ERROR_SUCCESS, "%s: GetSecurityInfo failed, error %lu", what, err))
        return;
    SECURITY_DESCRIPTOR_CONTROL control = 0;
    DWORD revision = 0;
    CHECK(GetSecurityDescriptorControl(sd, &control, &revision));
    CHECK_MSG(control & SE_DACL_PROTECTED, "%s: DACL not protected (control 0x%x)", what, control);
    if (CHECK_MSG(dacl != NULL, "%s: no DACL (everyone has access)", what) &&
        CHECK_MSG(dacl->AceCount == 1, "%s: %u ACEs", what, dacl->AceCount)) {
        void *ace = NULL;
        if (CHECK(GetAce(dacl, 0, &ace))) {
            ACCESS_ALLOWED_ACE *allowed = ace;
            CHECK_MSG(allowed->Header.AceType == ACCESS_ALLOWED_ACE_TYPE, "%s: ACE type %u", what,
                      allowed->Header.AceType);
            CHECK_MSG(EqualSid((PSID)&allowed->SidStart, user), "%s: the ACE is not for the current user", what);
            CHECK_MSG(allowed->Mask != 0, "%s: the ACE grants nothing", what);
        }
    }
    LocalFree(sd);
}

CETEST(services_host, host_objects_admit_only_the_current_user)
{
    struct svc_test t;
    svc_test_begin(&t);
    CHECK(svc_test_config(&t, L"TSA", L"tsa.dll", L"TSA", 0, ~0u, ~0u, ~0u));
    HANDLE h = open_device(L"TSA0:");
    WCHAR name[SVC_OBJECT_NAME_MAX];
    HANDLE o;
    svc_object_name(name, SVC_OWN_BITS, L"host");
    if (CHECK((o = OpenFileMappingW(READ_CONTROL, FALSE, name)) != NULL)) {
        check_user_only(o, "host block");
        CloseHandle(o);
    }
    svc_object_name(name, SVC_OWN_BITS, L"single");
    if (CHECK((o = OpenMutexW(READ_CONTROL, FALSE, name)) != NULL)) {
        check_user_only(o, "single mutex");
        CloseHandle(o);
    }
    svc_object_name(name, SVC_OWN_BITS, L"ready");
    if (CHECK((o = OpenEventW(READ_CONTROL, FALSE, name)) != NULL)) {
        check_user_only(o, "ready event");
        CloseHandle(o);
    }
    /* This thread's call slot (its serial is small: few slots were made). */
    BOOL found = FALSE;
    for (DWORD serial = 1; serial <= 16 && !found; serial++) {
        svc_slot_name(name, SVC_OWN_BITS, GetCurrentProcessId(), GetCurrentThreadId(), serial, L"");
        if ((o = OpenFileMappingW(READ_CONTROL, FALSE, name)) != NULL) {
            found = TRUE;
            check_user_only(o, "call slot");
            CloseHandle(o);
            svc_slot_name(name, SVC_OWN_BITS, GetCurrentProcessId(), GetCurrentThreadId(), serial, L".req");
            if (CHECK((o = OpenEventW(READ_CONTROL, FALSE, name)) != NULL)) {
                check_user_only(o, "slot request event");
                CloseHandle(o);
            }
        }
    }
    CHECK_MSG(found, "no call slot of this thread found");
    if (h != INVALID_HANDLE_VALUE)
        CloseHandle(h);
    svc_test_end(&t);
}

/* ---- which DLLs the host loads ------------------------------------------------------- */

/* TRUE if the host process has a module of that file name loaded. */
static BOOL host_has_module(const WCHAR *file)
{
    struct svc_host_block blk;
    HANDLE p = open_host_process(PROCESS_QUERY_INFORMATION | PROCESS_VM_READ, &blk);
    HMODULE mods[512];
    DWORD bytes = 0;
    BOOL found = FALSE;
    if (p && CHECK(EnumProcessModules(p, mods, sizeof(mods), &bytes))) {
        for (DWORD i = 0; i < bytes / sizeof(HMODULE) && i < 512 && !found; i++) {
            WCHAR base[MAX_PATH];
            if (GetModuleBaseNameW(p, mods[i], base, MAX_PATH))
                found = _wcsicmp(base, file) == 0;
        }
    }
    if (p)
        CloseHandle(p);
    return found;
}

CETEST(services_host, register_service_loads_only_configured_dlls)
{
    struct svc_test t;
    svc_test_begin(&t);
    CHECK(svc_test_config(&t, L"TSA", L"tsa.dll", L"TSA", 0, ~0u, ~0u, ~0u));
    WCHAR tsa[MAX_PATH], tsb[MAX_PATH], dir[MAX_PATH], unique[64], elsewhere[MAX_PATH + 80];
    svc_test_dll_path(L"tsa.dll", tsa);
    svc_test_dll_path(L"tsb.dll", tsb); /* exists and would load */
    /* A copy of the configured DLL in another folder: same file name, not
     * the configured path. */
    GetTempPathW(MAX_PATH, dir);
    _snwprintf(elsewhere, ARRAYSIZE(elsewhere), L"%ls%ls", dir, cetest_unique_name(L"svc-dll", unique, 64));
    elsewhere[ARRAYSIZE(elsewhere) - 1] = 0;
    CHECK(CreateDirectoryW(elsewhere, NULL));
    wcscat(elsewhere, L"\\tsa.dll");
    CHECK(CopyFileW(tsa, elsewhere, FALSE));
    const WCHAR *refused[] = { tsb, L"tsb.dll", L"tsa.dll", elsewhere };
    for (size_t i = 0; i < ARRAYSIZE(refused); i++) {
        SetLastError(0xdeadbeef);
        HANDLE h = RegisterService(L"TSB", 1, refused[i], 0);
        CHECK_MSG(h == NULL, "RegisterService(%ls) loaded it", refused[i]);
        CHECK_LASTERROR(ERROR_ACCESS_DENIED);
    }
    SetLastError(0xdeadbeef);
    CHECK(CreateFileW(L"TSB1:", GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL) == INVALID_HANDLE_VALUE);
    CHECK_LASTERROR(ERROR_DEV_NOT_EXIST);

    /* The configured path itself loads (a second instance, TSA1:). */
    HANDLE reg = RegisterService(L"TSA", 1, tsa, 7);
    CHECK_MSG(reg != NULL, "RegisterService(configured) failed, error %lu", GetLastError());

    BYTE buf[4096];
    DWORD count = 0, len = sizeof(buf);
    if (CHECK(EnumServices(buf, &count, &len))) {
        const ServiceEnumInfo *info = (const ServiceEnumInfo *)buf;
        CHECK_EQ(count, 2);
        for (DWORD i = 0; i < count; i++) {
            CHECK_MSG(_wcsnicmp(info[i].szPrefix, L"TSA", 3) == 0, "listed %ls", info[i].szPrefix);
            CHECK_MSG(_wcsicmp(info[i].szDllName, tsa) == 0, "listed dll %ls", info[i].szDllName);
        }
    }
    /* The refused DLL never reached the host's address space. */
    CHECK(host_has_module(L"tsa.dll"));
    CHECK(!host_has_module(L"tsb.dll"));
    if (reg)
        CHECK(DeregisterService(reg));
    svc_test_end(&t);
    DeleteFileW(elsewhere);
    *wcsrchr(elsewhere, L'\\') = 0;
    RemoveDirectoryW(elsewhere);
}

/* ---- an instance's host ends with its last client ------------------------------ */

/* Makes one call (starting the instance's host) and exits without a goodbye. */
CETEST_CHILD(idle_client)
{
    (void)argc;
    (void)argv;
    HANDLE h = open_device(L"TSA0:");
    REQUIRE(h != INVALID_HANDLE_VALUE);
    CHECK(echo_works(h));
}

CETEST(services_host, instance_host_exits_after_its_last_client)
{
    struct svc_test t;
    svc_test_begin(&t);
    CHECK(svc_test_config(&t, L"TSA", L"tsa.dll", L"TSA", 0, ~0u, ~0u, ~0u));
    cetest_proc child;
    REQUIRE(cetest_spawn(&child, 0, "idle_client", NULL));
    cetest_wait(&child, 30000);
    ULONGLONG gone = cetest_now_ms();
    /* This process never called a service: the host has no client left. */
    struct svc_host_block blk;
    HANDLE host = open_host_process(SYNCHRONIZE, &blk);
    if (host) {
        CHECK_EQ(WaitForSingleObject(host, 40000), WAIT_OBJECT_0);
        ULONGLONG waited = cetest_now_ms() - gone;
        CHECK_MSG(waited >= 10000 && waited <= 30000, "the host exited %llu ms after its last client", waited);
        CloseHandle(host);
    }
    svc_test_end(&t);
}
