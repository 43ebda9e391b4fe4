/*
 * dm_pipe_tests.c - a pipe-style stream driver joining client processes:
 * a reader process blocks in ReadFile until a writer process writes; a
 * client killed while blocked in Read is released by IOCTL_PSL_NOTIFY,
 * round after round, while other clients proceed.
 */
#include "dm_test.h"

#include <string.h>

#define PSL_ROUNDS 100         /* as the issue asks: 100 kills in a row */
#define RELEASE_BOUND_MS 1000  /* a killed client's Read is released within this */
#define BLOCK_WAIT_MS 10000    /* a child reaches its Read within this */

static BOOL pipe_driver(struct svc_test *t, HANDLE *activation, HANDLE *open)
{
    svc_test_instance(t, L"dmp");
    return dm_test_load_pfx(t, L"Drivers\\TPipe", 1, activation, open);
}

CETEST_CHILD(dm_reader)
{
    (void)argc;
    (void)argv;
    HANDLE f = dm_test_open(L"TDA1:");
    REQUIRE(f != INVALID_HANDLE_VALUE);
    char buf[16] = { 0 };
    DWORD n = 0;
    SetLastError(0xdeadbeef);
    CHECK_MSG(ReadFile(f, buf, sizeof(buf) - 1, &n, NULL), "ReadFile failed, error %lu", GetLastError());
    CHECK_EQ(n, 4);
    CHECK_STR_EQ(buf, "ping");
    CHECK(CloseHandle(f));
}

CETEST_CHILD(dm_writer)
{
    (void)argc;
    (void)argv;
    HANDLE f = dm_test_open(L"\\$device\\TDA1");
    REQUIRE(f != INVALID_HANDLE_VALUE);
    DWORD n = 0;
    CHECK(WriteFile(f, "ping", 4, &n, NULL));
    CHECK_EQ(n, 4);
    CHECK(CloseHandle(f));
}

CETEST_CHILD(dm_blocker)
{
    (void)argc;
    (void)argv;
    HANDLE f = dm_test_open(L"TDA1:");
    REQUIRE(f != INVALID_HANDLE_VALUE);
    char buf[16];
    DWORD n = 0;
    BOOL ok = ReadFile(f, buf, sizeof(buf), &n, NULL);
    CHECK_MSG(FALSE, "ReadFile returned %d (error %lu) instead of blocking until the kill", ok, GetLastError());
}

static BOOL wait_counter(HANDLE probe, DWORD code, DWORD want, DWORD bound_ms)
{
    ULONGLONG start = cetest_now_ms();
    DWORD v;
    while ((v = dm_test_counter(probe, code)) != want && cetest_now_ms() - start < bound_ms)
        Sleep(2);
    return CHECK_MSG(v == want, "counter 0x%lx is %lu, not %lu after %lu ms", code, v, want, bound_ms);
}

CETEST(devmgr_pipe, reader_process_blocks_until_writer_process_writes)
{
    struct svc_test t;
    HANDLE h, probe;
    REQUIRE(pipe_driver(&t, &h, &probe));
    cetest_proc reader, writer;
    REQUIRE(cetest_spawn(&reader, 0, "dm_reader", NULL));
    CHECK(wait_counter(probe, TDRV_BLOCKED, 1, BLOCK_WAIT_MS));
    /* Other clients proceed while the reader blocks. */
    struct tdrv_info info;
    CHECK(dm_test_info(probe, &info));
    REQUIRE(cetest_spawn(&writer, 0, "dm_writer", NULL));
    CHECK_EQ(cetest_wait(&writer, 30000), CETEST_CHILD_PASSED);
    CHECK_EQ(cetest_wait(&reader, 30000), CETEST_CHILD_PASSED);
    CHECK_EQ(dm_test_counter(probe, TDRV_PSL_COUNT), 0); /* both closed their handles */
    CloseHandle(probe);
    CHECK(DeactivateDevice(h));
    svc_test_end(&t);
}

CETEST(devmgr_pipe, killed_reader_released_by_psl_notify)
{
    struct svc_test t;
    HANDLE h, probe;
    REQUIRE(pipe_driver(&t, &h, &probe));
    DWORD worst = 0;
    for (DWORD round = 1; round <= PSL_ROUNDS && cetest_failures() == 0; round++) {
        cetest_proc child;
        REQUIRE(cetest_spawn(&child, 0, "dm_blocker", NULL));
        if (!wait_counter(probe, TDRV_BLOCKED, 1, BLOCK_WAIT_MS))
            break;
        ULONGLONG killed = cetest_now_ms();
        TerminateProcess(child.process, 1);
        if (!wait_counter(probe, TDRV_BLOCKED, 0, RELEASE_BOUND_MS) ||
            !wait_counter(probe, TDRV_PSL_COUNT, round, RELEASE_BOUND_MS))
            printf("round %lu\n", (unsigned long)round);
        DWORD took = (DWORD)(cetest_now_ms() - killed);
        if (took > worst)
            worst = took;
        cetest_collect(&child, 10000, NULL, 0);
    }
    printf("%d rounds, slowest release %lu ms\n", PSL_ROUNDS, (unsigned long)worst);
    CloseHandle(probe);
    CHECK(DeactivateDevice(h));
    svc_test_end(&t);
}
