/*
 * dm_hostile_tests.c - a client killed from outside while the host is
 * copying a big buffer in or out of it (an embedded pointer the driver
 * maps with MapCallerPtr or CeOpenCallerBuffer): the host survives, a
 * client in another process goes on calling meanwhile, and the driver
 * gets IOCTL_PSL_NOTIFY for each killed client. And a client killed while
 * the host asks about its memory (VirtualQueryEx, which under Wine the
 * client's own threads answer): the call ends. (Lying lengths and handle
 * ids of the devmgr operations: services_host.hostile_*.)
 */
#include "dm_test.h"

#include <stdlib.h>
#include <string.h>

#define BIG_BYTES (16u * 1024u * 1024u)
#define KILL_ROUNDS 8
#define START_BOUND_MS 20000
#define PSL_BOUND_MS 10000

static DWORD big_count(HANDLE f)
{
    return dm_test_counter(f, TDRV_BIG_COUNT);
}

/* argv[0]: "map" or "open". Calls TDRV_BIG_TOUCH on 16 MiB until killed,
 * checking every round that each byte came back one higher. */
CETEST_CHILD(dm_big_copier)
{
    REQUIRE(argc >= 1);
    DWORD mode = strcmp(argv[0], "open") == 0 ? TDRV_EMB_OPEN : TDRV_EMB_MAP;
    HANDLE f = dm_test_open(L"TDA1:");
    REQUIRE(f != INVALID_HANDLE_VALUE);
    BYTE *buf = VirtualAlloc(NULL, BIG_BYTES, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
    REQUIRE(buf != NULL);
    for (BYTE round = 0;; round++) {
        memset(buf, round, BIG_BYTES);
        struct tdrv_embedded e = { (unsigned long long)(ULONG_PTR)buf, BIG_BYTES, mode };
        DWORD got = 0;
        REQUIRE(DeviceIoControl(f, TDRV_BIG_TOUCH, &e, sizeof(e), NULL, 0, &got, NULL));
        REQUIRE(buf[0] == (BYTE)(round + 1) && buf[BIG_BYTES - 1] == (BYTE)(round + 1));
    }
}

/* Small calls with an embedded pointer, checked, until told to stop. */
CETEST_CHILD(dm_bystander)
{
    (void)argc;
    (void)argv;
    HANDLE f = dm_test_open(L"TDA1:");
    REQUIRE(f != INVALID_HANDLE_VALUE);
    HANDLE stop = OpenEventW(SYNCHRONIZE, FALSE, L"Local\\ceshim-test-dm-bystander-stop");
    REQUIRE(stop != NULL);
    DWORD calls = 0;
    while (WaitForSingleObject(stop, 0) == WAIT_TIMEOUT) {
        BYTE small[60] = { 0 };
        struct tdrv_embedded e = { (unsigned long long)(ULONG_PTR)small, sizeof(small), TDRV_EMB_MAP };
        DWORD got = 0;
        REQUIRE(DeviceIoControl(f, TDRV_EMBEDDED, &e, sizeof(e), NULL, 0, &got, NULL));
        REQUIRE(small[0] == 0xA0 && small[59] == 0xA0 + 59);
        calls++;
    }
    printf("bystander: %lu calls\n", (unsigned long)calls);
    CHECK(calls > 0);
    CHECK(CloseHandle(f));
}

CETEST(devmgr_hostile, client_killed_mid_copy)
{
    struct svc_test t;
    svc_test_instance(&t, L"dmh");
    HANDLE h, probe;
    REQUIRE(dm_test_load_pfx(&t, L"Drivers\\THostile", 1, &h, &probe));
    HANDLE stop = CreateEventW(NULL, TRUE, FALSE, L"Local\\ceshim-test-dm-bystander-stop");
    REQUIRE(stop != NULL);
    cetest_proc bystander;
    REQUIRE(cetest_spawn(&bystander, 0, "dm_bystander", NULL));
    srand(GetTickCount());
    DWORD killed_inside = 0;
    for (DWORD round = 1; round <= KILL_ROUNDS && cetest_failures() == 0; round++) {
        cetest_proc child;
        DWORD before = big_count(probe);
        REQUIRE(cetest_spawn(&child, 0, "dm_big_copier", "%s", (round & 1) ? "map" : "open"));
        ULONGLONG start = cetest_now_ms();
        while (big_count(probe) == before && cetest_now_ms() - start < START_BOUND_MS)
            Sleep(1);
        CHECK_MSG(big_count(probe) != before, "round %lu: the child never called", (unsigned long)round);
        Sleep((DWORD)(rand() % 120)); /* somewhere in the copy in, the touch, or the copy out */
        DWORD calls_at_kill = big_count(probe);
        TerminateProcess(child.process, 1);
        WaitForSingleObject(child.process, 10000);
        killed_inside += calls_at_kill == big_count(probe);
        /* One IOCTL_PSL_NOTIFY per killed client (its one open). */
        start = cetest_now_ms();
        while (dm_test_counter(probe, TDRV_PSL_COUNT) < round && cetest_now_ms() - start < PSL_BOUND_MS)
            Sleep(5);
        CHECK_MSG(dm_test_counter(probe, TDRV_PSL_COUNT) == round, "round %lu: %lu PSL notifications",
                  (unsigned long)round, (unsigned long)dm_test_counter(probe, TDRV_PSL_COUNT));
        cetest_collect(&child, 10000, NULL, 0);
    }
    printf("%d kills, %lu during a call\n", KILL_ROUNDS, (unsigned long)killed_inside);
    /* The host survived and serves: the bystander, this probe, new opens. */
    SetEvent(stop);
    CHECK_EQ(cetest_wait(&bystander, 30000), CETEST_CHILD_PASSED);
    struct tdrv_info info;
    CHECK(dm_test_info(probe, &info));
    HANDLE again = dm_test_open(L"TDA1:");
    CHECK(again != INVALID_HANDLE_VALUE);
    if (again != INVALID_HANDLE_VALUE)
        CloseHandle(again);
    CloseHandle(stop);
    CloseHandle(probe);
    CHECK(DeactivateDevice(h));
    svc_test_end(&t);
}

#define QUERY_KILLS 25
#define QUERY_ROUNDS 0x7fffffffu /* more looks than a child lives to ask for */
#define QUERY_TIMED_ROUNDS 2000u
#define SETTLE_BOUND_MS 10000

static DWORD queries_running(HANDLE f)
{
    return dm_test_counter(f, TDRV_PROBE_ACTIVE);
}

/* Has the driver look at a small buffer of ours, round after round, until killed. */
CETEST_CHILD(dm_memory_asked)
{
    (void)argc;
    (void)argv;
    HANDLE f = dm_test_open(L"TDA1:");
    REQUIRE(f != INVALID_HANDLE_VALUE);
    static BYTE small[64];
    struct tdrv_embedded e = { (unsigned long long)(ULONG_PTR)small, sizeof(small), QUERY_ROUNDS };
    DWORD got = 0;
    for (;;)
        DeviceIoControl(f, TDRV_PROBE_LOOP, &e, sizeof(e), NULL, 0, &got, NULL);
}

/* Wine answers VirtualQueryEx on another process from that process's own
 * threads; one killed in the middle of an answer never answers (Wine 8).
 * The host's look at the caller's memory must then end with the caller,
 * not wait for ever and hold the call, and DeactivateDevice, with it. */
CETEST(devmgr_hostile, client_killed_while_the_host_asks_about_its_memory)
{
    struct svc_test t;
    svc_test_instance(&t, L"dmq");
    HANDLE h, probe;
    REQUIRE(dm_test_load_pfx(&t, L"Drivers\\TQuery", 1, &h, &probe));

    /* While the caller lives, every look succeeds. */
    static BYTE mine[64];
    struct tdrv_embedded e = { (unsigned long long)(ULONG_PTR)mine, sizeof(mine), QUERY_TIMED_ROUNDS };
    DWORD got = 0;
    ULONGLONG t0 = cetest_now_ms();
    SetLastError(0xdeadbeef);
    BOOL ok = DeviceIoControl(probe, TDRV_PROBE_LOOP, &e, sizeof(e), NULL, 0, &got, NULL);
    CHECK_MSG(ok, "TDRV_PROBE_LOOP failed, error %lu", GetLastError());
    printf("%u looks at the caller's memory in %lu ms\n", QUERY_TIMED_ROUNDS,
           (unsigned long)(cetest_now_ms() - t0));

    srand(GetTickCount());
    for (DWORD round = 1; round <= QUERY_KILLS && cetest_failures() == 0; round++) {
        cetest_proc child;
        REQUIRE(cetest_spawn(&child, 0, "dm_memory_asked", NULL));
        ULONGLONG start = cetest_now_ms();
        while (queries_running(probe) == 0 && cetest_now_ms() - start < START_BOUND_MS)
            Sleep(1);
        CHECK_MSG(queries_running(probe) == 1, "round %lu: %lu calls running", (unsigned long)round,
                  (unsigned long)queries_running(probe));
        Sleep((DWORD)(rand() % 40));
        TerminateProcess(child.process, 1);
        CHECK_EQ(WaitForSingleObject(child.process, 10000), WAIT_OBJECT_0);
        start = cetest_now_ms();
        while (queries_running(probe) != 0 && cetest_now_ms() - start < SETTLE_BOUND_MS)
            Sleep(5);
        /* Still running: the host waits for an answer that never comes;
         * DeactivateDevice would wait for it too. */
        DWORD running = queries_running(probe);
        CHECK_MSG(running == 0, "round %lu: the killed client's call still runs after %u ms", (unsigned long)round,
                  SETTLE_BOUND_MS);
        if (running != 0)
            return; /* DeactivateDevice and the instance's end would wait for it */
        cetest_collect(&child, 10000, NULL, 0);
    }
    CHECK(DeactivateDevice(h));
    CloseHandle(probe);
    svc_test_end(&t);
}
