/*
 * bit_svc.c - services of both bitnesses at once. A service DLL loads only
 * into a host of its bitness, so each bitness has its own ceservicesd.exe;
 * a client of either bitness reaches both without caring which is which.
 *
 * Each test configures its own instance: TSA (tsa.dll of this build) and
 * TSB (tsb.dll of the other bitness's build) load at boot; TSC and TSD
 * (the other build's) are configured after boot, for ActivateService and
 * RegisterService. CESHIM_SERVICES_HOST32/64 names the other bitness's
 * host.
 */
#include "bit_util.h"
#include "svc_test.h"

#include <pkfuncs.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK_WAIT_MS 10000  /* a child reaches its blocking call within this */
#define RELEASE_BOUND_MS 1000 /* a killed child's call is released within this */

/* ---- helpers ------------------------------------------------------------------ */

static const WCHAR *peer_host_variable(void)
{
    return BIT_PEER_BITS == 32 ? L"CESHIM_SERVICES_HOST32" : L"CESHIM_SERVICES_HOST64";
}

/* Points the test's entry `name` at the other build's `dll`. */
static BOOL use_peer_dll(const struct svc_test *t, const WCHAR *name, const WCHAR *dll)
{
    WCHAR key[256], path[MAX_PATH];
    HKEY k;
    bit_peer_pathw(dll, path, MAX_PATH);
    _snwprintf(key, 256, L"%ls\\%ls", t->root_key, name);
    key[255] = 0;
    if (!path[0] || RegOpenKeyExW(HKEY_CURRENT_USER, key, 0, KEY_SET_VALUE, &k))
        return FALSE;
    BOOL ok = !RegSetValueExW(k, L"Dll", 0, REG_SZ, (const BYTE *)path, (DWORD)((wcslen(path) + 1) * 2));
    RegCloseKey(k);
    return ok;
}

/* The mixed configuration; with_peer_host: tell ceshim where the other
 * bitness's host is. */
static BOOL mixed_config(const struct svc_test *t, BOOL with_peer_host)
{
    WCHAR host[MAX_PATH];
    bit_peer_pathw(L"ceservicesd.exe", host, MAX_PATH);
    SetEnvironmentVariableW(peer_host_variable(), with_peer_host ? host : NULL);
    return CHECK(svc_test_config(t, L"BitOwn", L"tsa.dll", L"TSA", 0, 1, ~0u, ~0u)) &&
           CHECK(svc_test_config(t, L"BitPeer", L"tsb.dll", L"TSB", 0, 2, ~0u, ~0u)) &&
           CHECK(use_peer_dll(t, L"BitPeer", L"tsb.dll"));
}

/* After boot: TSC1: for ActivateService, TSD (DEVFLAGS_NOLOAD: never by
 * ActivateService) for RegisterService; both DLLs of the other build. */
static BOOL late_config(const struct svc_test *t)
{
    return CHECK(svc_test_config(t, L"BitPeerLate", L"tsc.dll", L"TSC", 1, ~0u, ~0u, ~0u)) &&
           CHECK(use_peer_dll(t, L"BitPeerLate", L"tsc.dll")) &&
           CHECK(svc_test_config(t, L"BitPeerReg", L"tsd.dll", L"TSD", 0, ~0u, DEVFLAGS_NOLOAD, ~0u)) &&
           CHECK(use_peer_dll(t, L"BitPeerReg", L"tsd.dll"));
}

/* Where the service behind h runs; checks the host's bitness. */
static DWORD host_of(HANDLE h, DWORD want_bits)
{
    struct tsvc_host host = { 0, 0 };
    DWORD got = 0;
    SetLastError(0xdeadbeef);
    BOOL ok = DeviceIoControl(h, TSVC_HOST, NULL, 0, &host, sizeof(host), &got, NULL);
    CHECK_MSG(ok && got == sizeof(host), "TSVC_HOST: %d, %lu bytes, error %lu", ok, got, GetLastError());
    CHECK_EQ(host.pointer_bits, want_bits);
    return host.host_pid;
}

/* Echo of `size` patterned bytes through h; TRUE if they all came back. */
static BOOL echo_size(HANDLE h, DWORD size)
{
    BYTE *in = malloc(size), *out = malloc(size);
    BOOL same = FALSE;
    if (in && out) {
        for (DWORD i = 0; i < size; i++)
            in[i] = (BYTE)(i * 31u + 7u);
        memset(out, 0, size);
        DWORD got = 0;
        SetLastError(0xdeadbeef);
        BOOL ok = DeviceIoControl(h, TSVC_ECHO, in, size, out, size, &got, NULL);
        CHECK_MSG(ok && got == size, "echo of %lu bytes: %d, %lu back, error %lu", size, ok, got, GetLastError());
        same = ok && got == size && memcmp(in, out, size) == 0;
    }
    free(in);
    free(out);
    return same;
}

/* The EnumServices entry of device (L"TSA0:"); NULL if absent. */
static const ServiceEnumInfo *find_entry(const BYTE *buf, DWORD entries, const WCHAR *device)
{
    const ServiceEnumInfo *e = (const ServiceEnumInfo *)buf;
    for (DWORD i = 0; i < entries; i++)
        if (wcscmp(e[i].szPrefix, device) == 0)
            return &e[i];
    return NULL;
}

/* ---- tests ---------------------------------------------------------------------- */

CETEST(bitness_services, boot_loads_each_bitness_in_a_host_of_its_own)
{
    struct svc_test t;
    svc_test_begin(&t);
    if (mixed_config(&t, TRUE)) {
        HANDLE own = svc_test_open(L"TSA0:");
        HANDLE peer = svc_test_open(L"TSB0:");
        if (own != INVALID_HANDLE_VALUE && peer != INVALID_HANDLE_VALUE) {
            DWORD own_pid = host_of(own, BIT_OWN_BITS), peer_pid = host_of(peer, BIT_PEER_BITS);
            CHECK_EQ(own_pid, svc_test_host_pid(&t, BIT_OWN_BITS));
            CHECK_EQ(peer_pid, svc_test_host_pid(&t, BIT_PEER_BITS));
            CHECK(own_pid != peer_pid);
            HANDLE p = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, peer_pid);
            CHECK_MSG(p != NULL, "OpenProcess(peer host %lu): error %lu", peer_pid, GetLastError());
            if (p) {
                CHECK_EQ(bit_process_bits(p), BIT_PEER_BITS);
                CloseHandle(p);
            }
            /* Any size crosses: the slot protocol has no pointers. */
            CHECK(echo_size(peer, 16));
            CHECK(echo_size(peer, 3u * 1024u * 1024u + 5u));
            struct tsvc_caller who = { 0, 0 };
            DWORD got = 0;
            CHECK(DeviceIoControl(peer, TSVC_CALLER, NULL, 0, &who, sizeof(who), &got, NULL));
            CHECK_EQ(who.caller_pid, GetCurrentProcessId());
            /* The service's own error crosses too. */
            DWORD code = ERROR_NOT_READY;
            SetLastError(0xdeadbeef);
            CHECK(!DeviceIoControl(peer, TSVC_FAIL, &code, sizeof(code), NULL, 0, &got, NULL));
            CHECK_EQ(GetLastError(), ERROR_NOT_READY);
        }
        if (own != INVALID_HANDLE_VALUE)
            CHECK(CloseHandle(own));
        if (peer != INVALID_HANDLE_VALUE)
            CHECK(CloseHandle(peer));
    }
    svc_test_end(&t);
}

CETEST(bitness_services, enum_services_lists_both_hosts_and_shutdown_stops_both)
{
    struct svc_test t;
    svc_test_begin(&t);
    if (mixed_config(&t, TRUE)) {
        BYTE buf[8192];
        DWORD entries = 0, len = sizeof(buf);
        SetLastError(0xdeadbeef);
        BOOL ok = EnumServices(buf, &entries, &len);
        CHECK_MSG(ok, "EnumServices failed, error %lu", GetLastError());
        if (ok) {
            CHECK_EQ(entries, 2);
            const ServiceEnumInfo *a = find_entry(buf, entries, L"TSA0:"), *b = find_entry(buf, entries, L"TSB0:");
            CHECK_MSG(a && b, "TSA0: %s, TSB0: %s", a ? "listed" : "missing", b ? "listed" : "missing");
            if (a && b) {
                CHECK_EQ(a->dwServiceState, SERVICE_STATE_ON);
                CHECK_EQ(b->dwServiceState, SERVICE_STATE_ON);
                WCHAR peer_dll[MAX_PATH];
                bit_peer_pathw(L"tsb.dll", peer_dll, MAX_PATH);
                CHECK_MSG(_wcsicmp(b->szDllName, peer_dll) == 0, "TSB0: Dll %ls, want %ls", b->szDllName, peer_dll);
            }
        }
        DWORD pids[2] = { svc_test_host_pid(&t, 32), svc_test_host_pid(&t, 64) };
        HANDLE hosts[2] = { NULL, NULL };
        for (int i = 0; i < 2; i++) {
            hosts[i] = pids[i] ? OpenProcess(SYNCHRONIZE, FALSE, pids[i]) : NULL;
            CHECK_MSG(hosts[i] != NULL, "the %d-bit host (pid %lu) is not running", i ? 64 : 32, pids[i]);
        }
        SetLastError(0xdeadbeef);
        CHECK(CeShimServicesShutdown());
        for (int i = 0; i < 2; i++) {
            if (!hosts[i])
                continue;
            CHECK_MSG(WaitForSingleObject(hosts[i], 5000) == WAIT_OBJECT_0, "the %d-bit host still runs 5 s after "
                      "CeShimServicesShutdown", i ? 64 : 32);
            CloseHandle(hosts[i]);
        }
    }
    svc_test_end(&t);
}

CETEST(bitness_services, activate_service_loads_the_other_bitness_in_its_host)
{
    struct svc_test t;
    svc_test_begin(&t);
    HANDLE own = INVALID_HANDLE_VALUE;
    if (mixed_config(&t, TRUE) && (own = svc_test_open(L"TSA0:")) != INVALID_HANDLE_VALUE && late_config(&t)) {
        SetLastError(0xdeadbeef);
        HANDLE svc = ActivateService(L"BitPeerLate", 0);
        CHECK_MSG(svc != NULL, "ActivateService(BitPeerLate) failed, error %lu", GetLastError());
        if (svc) {
            HANDLE h = svc_test_open(L"TSC1:");
            if (h != INVALID_HANDLE_VALUE) {
                host_of(h, BIT_PEER_BITS);
                CHECK(echo_size(h, 100));
                CHECK(CloseHandle(h));
            }
            /* The activation handle reaches the service in its host. */
            struct tsvc_stats s;
            DWORD got = 0;
            SetLastError(0xdeadbeef);
            CHECK(ServiceIoControl(svc, TSVC_STATS, NULL, 0, &s, sizeof(s), &got, NULL));
            CHECK_EQ(got, sizeof(s));
            CHECK_EQ(s.opens, 1);
            CHECK_EQ(s.closes, 1);
            SetLastError(0xdeadbeef);
            CHECK(DeregisterService(svc));
            SetLastError(0xdeadbeef);
            h = CreateFileW(L"TSC1:", GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);
            CHECK_PTR_EQ(h, INVALID_HANDLE_VALUE);
            CHECK_EQ(GetLastError(), ERROR_DEV_NOT_EXIST);
        }
        /* CE5's RegisterService of a configured DLL of the other bitness. */
        WCHAR dll[MAX_PATH];
        bit_peer_pathw(L"tsd.dll", dll, MAX_PATH);
        SetLastError(0xdeadbeef);
        HANDLE reg = RegisterService(L"TSD", 0, dll, 0);
        CHECK_MSG(reg != NULL, "RegisterService(TSD, %ls) failed, error %lu", dll, GetLastError());
        if (reg) {
            HANDLE h = svc_test_open(L"TSD0:");
            if (h != INVALID_HANDLE_VALUE) {
                host_of(h, BIT_PEER_BITS);
                CHECK(CloseHandle(h));
            }
            CHECK(DeregisterService(reg));
        }
    }
    if (own != INVALID_HANDLE_VALUE)
        CHECK(CloseHandle(own));
    svc_test_end(&t);
}

CETEST(bitness_services, without_the_other_host_its_dlls_give_bad_exe_format)
{
    struct svc_test t;
    svc_test_begin(&t);
    if (mixed_config(&t, FALSE)) {
        HANDLE own = svc_test_open(L"TSA0:"); /* boots our host; TSB is skipped */
        late_config(&t);
        SetLastError(0xdeadbeef);
        HANDLE h = CreateFileW(L"TSB0:", GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);
        CHECK_PTR_EQ(h, INVALID_HANDLE_VALUE);
        CHECK_EQ(GetLastError(), ERROR_DEV_NOT_EXIST);
        SetLastError(0xdeadbeef);
        HANDLE svc = ActivateService(L"BitPeerLate", 0);
        CHECK_PTR_EQ(svc, NULL);
        CHECK_EQ(GetLastError(), ERROR_BAD_EXE_FORMAT);
        CHECK_EQ(svc_test_host_pid(&t, BIT_PEER_BITS), 0);
        if (own != INVALID_HANDLE_VALUE)
            CHECK(CloseHandle(own));
    }
    svc_test_end(&t);
}

/* ---- a client of the other bitness ------------------------------------------------ */

/* argv: the instance word. Uses both hosts as a client of the other
 * bitness, then blocks in our (the parent's) bitness's service until
 * killed. */
CETEST_CHILD(bit_svc_client)
{
    REQUIRE(argc == 1);
    WCHAR word[64];
    MultiByteToWideChar(CP_UTF8, 0, argv[0], -1, word, 64);
    SetEnvironmentVariableW(L"CESHIM_SERVICES_INSTANCE", word);
    /* Here "peer" is the parent's bitness: TSA0: lives there. */
    HANDLE parents = svc_test_open(L"TSA0:"), mine = svc_test_open(L"TSB0:");
    REQUIRE(parents != INVALID_HANDLE_VALUE && mine != INVALID_HANDLE_VALUE);
    host_of(parents, BIT_PEER_BITS);
    host_of(mine, BIT_OWN_BITS);
    CHECK(echo_size(parents, 70000));
    struct tsvc_caller who = { 0, 0 };
    DWORD got = 0;
    CHECK(DeviceIoControl(parents, TSVC_CALLER, NULL, 0, &who, sizeof(who), &got, NULL));
    CHECK_EQ(who.caller_pid, GetCurrentProcessId());
    DWORD timeout = 30000;
    SetLastError(0xdeadbeef);
    BOOL ok = DeviceIoControl(parents, TSVC_BLOCK, &timeout, sizeof(timeout), NULL, 0, NULL, NULL);
    CHECK_MSG(FALSE, "TSVC_BLOCK returned %d (error %lu) instead of blocking until the kill", ok, GetLastError());
}

CETEST(bitness_services, client_of_the_other_bitness_is_served_and_psl_notified)
{
    struct svc_test t;
    svc_test_begin(&t);
    HANDLE mine = INVALID_HANDLE_VALUE;
    if (mixed_config(&t, TRUE) && (mine = svc_test_open(L"TSA0:")) != INVALID_HANDLE_VALUE) {
        char word8[64];
        WideCharToMultiByte(CP_UTF8, 0, t.word, -1, word8, sizeof(word8), NULL, NULL);
        cetest_proc child;
        if (bit_spawn_peer(&child, "bit_svc_client", "%s", word8)) {
            CHECK_EQ(bit_process_bits(child.process), BIT_PEER_BITS);
            struct tsvc_stats s;
            ULONGLONG until = cetest_now_ms() + BLOCK_WAIT_MS;
            while (svc_test_stats(mine, &s) && s.blocked_now == 0 && cetest_now_ms() < until &&
                   WaitForSingleObject(child.process, 5) == WAIT_TIMEOUT)
                ;
            CHECK_MSG(s.blocked_now == 1, "the child never blocked in TSA0: (blocked_now %lu)", s.blocked_now);
            ULONGLONG killed = cetest_now_ms();
            TerminateProcess(child.process, 1);
            while (svc_test_stats(mine, &s) && s.released_by_psl == 0 && cetest_now_ms() - killed < 5000)
                Sleep(2);
            ULONGLONG ms = cetest_now_ms() - killed;
            CHECK_EQ(s.released_by_psl, 1);
            CHECK_EQ(s.last_psl_pid, child.pid);
            CHECK_MSG(ms <= RELEASE_BOUND_MS, "released %llu ms after the kill", ms);
            char messages[2048];
            cetest_collect(&child, 10000, messages, sizeof(messages));
            CHECK_MSG(messages[0] == 0, "the %lu-bit client reported: %s", (unsigned long)BIT_PEER_BITS, messages);
        }
        CHECK(CloseHandle(mine));
    }
    svc_test_end(&t);
}

/* Both hosts run (mixed_config boots a service in each), and TSE0: is
 * configured twice, with this build's tse.dll (Order 3) and the other
 * build's (Order 4). A device name is one service in the session, so
 * whichever host loads it second gets ERROR_DEVICE_IN_USE. */
CETEST(bitness_services, one_device_name_loads_in_one_host_only)
{
    struct svc_test t;
    svc_test_begin(&t);
    WCHAR own_dll[MAX_PATH], peer_dll[MAX_PATH], dll[MAX_PATH] = L"";
    svc_test_dll_path(L"tse.dll", own_dll);
    bit_peer_pathw(L"tse.dll", peer_dll, MAX_PATH);
    if (mixed_config(&t, TRUE) && CHECK(svc_test_config(&t, L"DupOwn", L"tse.dll", L"TSE", 0, 3, ~0u, ~0u)) &&
        CHECK(svc_test_config(&t, L"DupPeer", L"tse.dll", L"TSE", 0, 4, ~0u, ~0u)) &&
        CHECK(use_peer_dll(&t, L"DupPeer", L"tse.dll"))) {
        /* Boot: this bitness's host loads DupOwn first; the other host,
         * booting DupPeer, finds the name taken. */
        CHECK_EQ(svc_test_count_listed(L"TSE0:", dll), 1);
        CHECK_MSG(_wcsicmp(dll, own_dll) == 0, "TSE0: is %ls, want %ls", dll, own_dll);
        CHECK_EQ(svc_test_count_listed(L"TSB0:", dll), 1); /* the other host runs */
        SetLastError(0xdeadbeef);
        HANDLE dup = ActivateService(L"DupPeer", 0);
        CHECK_PTR_EQ(dup, NULL);
        CHECK_LASTERROR(ERROR_DEVICE_IN_USE);

        /* This host lets go; the other bitness's host can have the name,
         * and now this host is the second. */
        HANDLE h = svc_test_open(L"TSE0:");
        if (h != INVALID_HANDLE_VALUE) {
            host_of(h, BIT_OWN_BITS);
            SetLastError(0xdeadbeef);
            CHECK_MSG(DeregisterService(h), "DeregisterService(TSE0: file handle) failed, error %lu", GetLastError());
            CloseHandle(h);
        }
        SetLastError(0xdeadbeef);
        HANDLE peer = ActivateService(L"DupPeer", 0);
        CHECK_MSG(peer != NULL, "ActivateService(DupPeer) after the unload: error %lu", GetLastError());
        SetLastError(0xdeadbeef);
        dup = ActivateService(L"DupOwn", 0);
        CHECK_PTR_EQ(dup, NULL);
        CHECK_LASTERROR(ERROR_DEVICE_IN_USE);
        CHECK_EQ(svc_test_count_listed(L"TSE0:", dll), 1);
        CHECK_MSG(_wcsicmp(dll, peer_dll) == 0, "TSE0: is %ls, want %ls", dll, peer_dll);
        h = svc_test_open(L"TSE0:");
        if (h != INVALID_HANDLE_VALUE) {
            host_of(h, BIT_PEER_BITS);
            CloseHandle(h);
        }
    }
    svc_test_end(&t);
}

/* TSA1: is configured twice: this bitness's entry names a DLL that is not
 * there (its boot load fails, ERROR_MOD_NOT_FOUND), the other bitness's
 * loads. CreateFile finds the one that loaded; ActivateService of the
 * broken entry now finds the name taken (checked before any load). */
CETEST(bitness_services, a_name_that_failed_here_opens_in_the_other_host)
{
    struct svc_test t;
    svc_test_begin(&t);
    WCHAR host[MAX_PATH];
    bit_peer_pathw(L"ceservicesd.exe", host, MAX_PATH);
    SetEnvironmentVariableW(peer_host_variable(), host);
    if (CHECK(svc_test_config(&t, L"BrokenOwn", L"tsa_not_built.dll", L"TSA", 1, 1, ~0u, ~0u)) &&
        CHECK(svc_test_config(&t, L"PeerTsa", L"tsa.dll", L"TSA", 1, 2, ~0u, ~0u)) &&
        CHECK(use_peer_dll(&t, L"PeerTsa", L"tsa.dll"))) {
        HANDLE h = svc_test_open(L"TSA1:");
        if (h != INVALID_HANDLE_VALUE) {
            host_of(h, BIT_PEER_BITS);
            CloseHandle(h);
        }
        SetLastError(0xdeadbeef);
        HANDLE ha = ActivateService(L"BrokenOwn", 0);
        CHECK_PTR_EQ(ha, NULL);
        CHECK_LASTERROR(ERROR_DEVICE_IN_USE);
    }
    svc_test_end(&t);
}
