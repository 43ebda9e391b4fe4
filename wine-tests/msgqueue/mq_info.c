/*
 * mq_info.c - GetMsgQueueInfo.
 */
#include "mq_test.h"

#include <string.h>

/* GetMsgQueueInfo(h) must succeed and report these values. */
static void check_info_at(HANDLE h, DWORD flags, DWORD max, DWORD cb, DWORD cur, DWORD high,
                          WORD readers, WORD writers, const char *file, int line)
{
    MSGQUEUEINFO info;
    DWORD err;
    BOOL ok = mq_info(h, &info, &err);
    if (!cetest_check(ok, file, line, "GetMsgQueueInfo(h, &info)", "handle %p: last error %lu", h, err))
        return;
    cetest_check_eq_u(info.dwSize, sizeof(info), "info.dwSize", "sizeof(info)", file, line);
    cetest_check_eq_u(info.dwFlags, flags, "info.dwFlags", "flags", file, line);
    cetest_check_eq_u(info.dwMaxMessages, max, "info.dwMaxMessages", "max", file, line);
    cetest_check_eq_u(info.cbMaxMessage, cb, "info.cbMaxMessage", "cb", file, line);
    cetest_check_eq_u(info.dwCurrentMessages, cur, "info.dwCurrentMessages", "cur", file, line);
    cetest_check_eq_u(info.dwMaxQueueMessages, high, "info.dwMaxQueueMessages", "high", file, line);
    cetest_check_eq_u(info.wNumReaders, readers, "info.wNumReaders", "readers", file, line);
    cetest_check_eq_u(info.wNumWriters, writers, "info.wNumWriters", "writers", file, line);
}
#define CHECK_INFO(h, flags, max, cb, cur, high, readers, writers) \
    check_info_at((h), (flags), (max), (cb), (cur), (high), (readers), (writers), __FILE__, __LINE__)

CETEST(mq_info, parameter_validation)
{
    HANDLE r, w;
    REQUIRE(MQ_PAIR(NULL, 0, 4, 64, &r, &w));
    CHECK_EQ(sizeof(MSGQUEUEINFO), MQ_INFO_SIZE);
    SetLastError(0xdeadbeef);
    BOOL ok = GetMsgQueueInfo(r, NULL);
    DWORD err = GetLastError();
    CHECK(!ok);
    CHECK_EQ(err, ERROR_INVALID_PARAMETER);
    static const DWORD sizes[] = { 0, 1, 20, MQ_INFO_SIZE - 1 };
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        MSGQUEUEINFO info;
        memset(&info, 0, sizeof(info));
        info.dwSize = sizes[i];
        SetLastError(0xdeadbeef);
        ok = GetMsgQueueInfo(w, &info);
        err = GetLastError();
        CHECK_MSG(!ok, "dwSize %lu accepted", sizes[i]);
        CHECK_MSG(err == ERROR_INVALID_PARAMETER, "dwSize %lu: last error %lu", sizes[i], err);
    }
    /* A larger dwSize is fine (spec: >= sizeof). */
    struct { MSGQUEUEINFO info; DWORD extra[4]; } big;
    memset(&big, 0, sizeof(big));
    big.info.dwSize = sizeof(big);
    SetLastError(0xdeadbeef);
    ok = GetMsgQueueInfo(r, &big.info);
    err = GetLastError();
    CHECK_MSG(ok, "last error %lu", err);
    CHECK_EQ(big.info.cbMaxMessage, 64);
    MQ_CLOSE(w);
    MQ_CLOSE(r);
}

CETEST(mq_info, fresh_queue_on_both_ends)
{
    HANDLE r, w;
    WCHAR name[MQ_NAME_CHARS];
    REQUIRE(MQ_PAIR(cetest_unique_name(L"mq", name, MQ_NAME_CHARS), 0, 7, 100, &r, &w));
    CHECK_INFO(r, 0, 7, 100, 0, 0, 1, 1);
    CHECK_INFO(w, 0, 7, 100, 0, 0, 1, 1);
    MQ_CLOSE(w);
    MQ_CLOSE(r);
}

CETEST(mq_info, flags_as_requested)
{
    static const DWORD flags[] = { 0, MSGQUEUE_NOPRECOMMIT, MSGQUEUE_ALLOW_BROKEN,
                                   MSGQUEUE_NOPRECOMMIT | MSGQUEUE_ALLOW_BROKEN };
    for (size_t i = 0; i < 4; i++) {
        DWORD err;
        HANDLE h = mq_create(NULL, flags[i], 3, 16, (i & 1) == 0, &err);
        if (!CHECK_MSG(h != NULL, "flags 0x%lx: error %lu", flags[i], err))
            continue;
        CHECK_INFO(h, flags[i], 3, 16, 0, 0, (i & 1) == 0 ? 1 : 0, (i & 1) == 0 ? 0 : 1);
        MQ_CLOSE(h);
    }
}

CETEST(mq_info, unbounded_queue_reports_noprecommit)
{
    DWORD err;
    HANDLE h = mq_create(NULL, 0, 0, 16, TRUE, &err);
    REQUIRE(h != NULL);
    CHECK_INFO(h, MSGQUEUE_NOPRECOMMIT, 0, 16, 0, 0, 1, 0);
    MQ_CLOSE(h);
    h = mq_create(NULL, MSGQUEUE_ALLOW_BROKEN, 0, 0x100000, FALSE, &err);
    REQUIRE(h != NULL);
    CHECK_INFO(h, MSGQUEUE_ALLOW_BROKEN | MSGQUEUE_NOPRECOMMIT, 0, 0x100000, 0, 0, 0, 1);
    MQ_CLOSE(h);
}

CETEST(mq_info, current_count_and_high_water_mark)
{
    HANDLE r, w;
    REQUIRE(MQ_PAIR(NULL, 0, 5, 32, &r, &w));
    MQ_EXPECT_WRITE(w, "1", 0);
    MQ_EXPECT_WRITE(w, "2", 0);
    MQ_EXPECT_WRITE(w, "3", 0);
    CHECK_INFO(r, 0, 5, 32, 3, 3, 1, 1);
    MQ_EXPECT_READ(r, "1", 0);
    MQ_EXPECT_READ(r, "2", 0);
    CHECK_INFO(w, 0, 5, 32, 1, 3, 1, 1);
    MQ_EXPECT_WRITE(w, "4", 0);
    CHECK_INFO(r, 0, 5, 32, 2, 3, 1, 1);
    /* The alert is not counted. */
    MQ_EXPECT_WRITE(w, "alert", MSGQUEUE_MSGALERT);
    CHECK_INFO(r, 0, 5, 32, 2, 3, 1, 1);
    MQ_EXPECT_WRITE(w, "5", 0);
    MQ_EXPECT_WRITE(w, "6", 0);
    CHECK_INFO(r, 0, 5, 32, 4, 4, 1, 1);
    MQ_EXPECT_READ(r, "alert", MSGQUEUE_MSGALERT);
    CHECK_INFO(r, 0, 5, 32, 4, 4, 1, 1);
    MQ_EXPECT_READ(r, "3", 0);
    MQ_EXPECT_READ(r, "4", 0);
    MQ_EXPECT_READ(r, "5", 0);
    MQ_EXPECT_READ(r, "6", 0);
    /* Drained: the high-water mark stays. */
    CHECK_INFO(r, 0, 5, 32, 0, 4, 1, 1);
    CHECK_INFO(w, 0, 5, 32, 0, 4, 1, 1);
    /* Info does not consume anything and does not change the signal. */
    MQ_EXPECT_WRITE(w, "7", 0);
    CHECK_INFO(r, 0, 5, 32, 1, 4, 1, 1);
    CHECK_EQ(WaitForSingleObject(r, 0), WAIT_OBJECT_0);
    MQ_EXPECT_READ(r, "7", 0);
    MQ_CLOSE(w);
    MQ_CLOSE(r);
}

CETEST(mq_info, handle_counts)
{
    HANDLE r, w;
    DWORD err;
    WCHAR name[MQ_NAME_CHARS];
    REQUIRE(MQ_PAIR(cetest_unique_name(L"mq", name, MQ_NAME_CHARS), MSGQUEUE_ALLOW_BROKEN, 4, 16, &r, &w));
    HANDLE r2 = mq_create(name, 0, 4, 16, TRUE, &err);
    HANDLE w2 = mq_create(name, 0, 4, 16, FALSE, &err);
    HANDLE w3 = mq_open(GetCurrentProcess(), r, FALSE, &err);
    HANDLE r3 = mq_open(GetCurrentProcess(), w, TRUE, &err);
    CHECK_PTR_NE(r2, NULL);
    CHECK_PTR_NE(w2, NULL);
    CHECK_PTR_NE(w3, NULL);
    CHECK_PTR_NE(r3, NULL);
    WORD nr = (WORD)(1 + !!r2 + !!r3), nw = (WORD)(1 + !!w2 + !!w3);
    CHECK_INFO(r, MSGQUEUE_ALLOW_BROKEN, 4, 16, 0, 0, nr, nw);
    if (w3) {
        MQ_CLOSE(w3);
        nw--;
    }
    if (r2) {
        MQ_CLOSE(r2);
        nr--;
    }
    CHECK_INFO(w, MSGQUEUE_ALLOW_BROKEN, 4, 16, 0, 0, nr, nw);
    if (w2) {
        MQ_CLOSE(w2);
        nw--;
    }
    MQ_CLOSE(w);
    nw--;
    CHECK_INFO(r, MSGQUEUE_ALLOW_BROKEN, 4, 16, 0, 0, nr, 0);
    if (r3)
        MQ_CLOSE(r3);
    CHECK_INFO(r, MSGQUEUE_ALLOW_BROKEN, 4, 16, 0, 0, 1, 0);
    MQ_CLOSE(r);
}

CETEST(mq_info, unnamed_single_end)
{
    DWORD err;
    HANDLE w = mq_create(NULL, MSGQUEUE_NOPRECOMMIT, 9, 48, FALSE, &err);
    REQUIRE(w != NULL);
    CHECK_INFO(w, MSGQUEUE_NOPRECOMMIT, 9, 48, 0, 0, 0, 1);
    HANDLE r = mq_open(GetCurrentProcess(), w, TRUE, &err);
    CHECK_PTR_NE(r, NULL);
    if (r) {
        CHECK_INFO(r, MSGQUEUE_NOPRECOMMIT, 9, 48, 0, 0, 1, 1);
        CHECK_INFO(w, MSGQUEUE_NOPRECOMMIT, 9, 48, 0, 0, 1, 1);
        MQ_CLOSE(r);
    }
    MQ_CLOSE(w);
}
