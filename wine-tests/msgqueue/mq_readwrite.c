/*
 * mq_readwrite.c - ReadMsgQueue / WriteMsgQueue: FIFO, the alert slot,
 * truncating reads, oversize writes, parameters, wrong ends, bad handles,
 * timeouts, and callers blocked in another thread.
 */
#include "mq_test.h"

#include <stdio.h>
#include <string.h>

static void fifo_round_trip(const WCHAR *name, DWORD flags, DWORD max)
{
    HANDLE r, w;
    REQUIRE(MQ_PAIR(name, flags, max, 64, &r, &w));
    static const char *const msgs[] = { "first", "2", "the third message", "4th", "fifth!" };
    for (int i = 0; i < 5; i++)
        MQ_EXPECT_WRITE(w, msgs[i], 0);
    for (int i = 0; i < 5; i++)
        MQ_EXPECT_READ(r, msgs[i], 0);
    MQ_EXPECT_EMPTY(r);
    /* Binary data, with NULs, of exactly cbMaxMessage bytes. */
    BYTE data[64], got[128];
    mq_pattern(data, sizeof(data), 7);
    data[0] = data[10] = data[63] = 0;
    t_msg_result res = t_write_msg(w, data, sizeof(data), 0, 0);
    CHECK_MSG(res.ok, "last error %lu", res.err);
    memset(got, 0xcc, sizeof(got));
    res = t_read_msg(r, got, sizeof(got), 0);
    CHECK(res.ok);
    CHECK_EQ(res.err, ERROR_SUCCESS);
    CHECK_EQ(res.bytes, sizeof(data));
    CHECK_EQ(res.flags, 0);
    CHECK_MEM_EQ(got, data, sizeof(data));
    CHECK_EQ(got[64], 0xcc);
    MQ_CLOSE(w);
    MQ_CLOSE(r);
}

CETEST(mq_readwrite, fifo_named_precommitted)
{
    WCHAR name[MQ_NAME_CHARS];
    fifo_round_trip(cetest_unique_name(L"mq", name, MQ_NAME_CHARS), 0, 8);
}

CETEST(mq_readwrite, fifo_unnamed_noprecommit)
{
    fifo_round_trip(NULL, MSGQUEUE_NOPRECOMMIT, 8);
}

CETEST(mq_readwrite, fifo_unbounded_allow_broken)
{
    fifo_round_trip(NULL, MSGQUEUE_ALLOW_BROKEN, 0);
}

CETEST(mq_readwrite, alert_is_delivered_first)
{
    HANDLE r, w;
    REQUIRE(MQ_PAIR(NULL, 0, 8, 64, &r, &w));
    MQ_EXPECT_WRITE(w, "A", 0);
    MQ_EXPECT_WRITE(w, "B", 0);
    MQ_EXPECT_WRITE(w, "alert", MSGQUEUE_MSGALERT);
    MQ_EXPECT_READ(r, "alert", MSGQUEUE_MSGALERT);
    MQ_EXPECT_READ(r, "A", 0);
    MQ_EXPECT_READ(r, "B", 0);
    MQ_EXPECT_EMPTY(r);
    /* The slot is free again. */
    MQ_EXPECT_WRITE(w, "C", 0);
    MQ_EXPECT_WRITE(w, "alert 2", MSGQUEUE_MSGALERT);
    MQ_EXPECT_READ(r, "alert 2", MSGQUEUE_MSGALERT);
    MQ_EXPECT_READ(r, "C", 0);
    /* An alert alone. */
    MQ_EXPECT_WRITE(w, "alone", MSGQUEUE_MSGALERT);
    MQ_EXPECT_READ(r, "alone", MSGQUEUE_MSGALERT);
    MQ_EXPECT_EMPTY(r);
    MQ_CLOSE(w);
    MQ_CLOSE(r);
}

CETEST(mq_readwrite, second_alert_goes_to_the_tail)
{
    HANDLE r, w;
    WCHAR name[MQ_NAME_CHARS];
    REQUIRE(MQ_PAIR(cetest_unique_name(L"mq", name, MQ_NAME_CHARS), 0, 8, 64, &r, &w));
    MQ_EXPECT_WRITE(w, "A", 0);
    MQ_EXPECT_WRITE(w, "X", MSGQUEUE_MSGALERT);
    MQ_EXPECT_WRITE(w, "Y", MSGQUEUE_MSGALERT); /* slot taken: queued after A */
    MQ_EXPECT_WRITE(w, "B", 0);
    MSGQUEUEINFO info;
    DWORD err;
    if (CHECK(mq_info(r, &info, &err)))
        CHECK_EQ(info.dwCurrentMessages, 3); /* A, Y, B; X is in the alert slot */
    MQ_EXPECT_READ(r, "X", MSGQUEUE_MSGALERT);
    MQ_EXPECT_READ(r, "A", 0);
    MQ_EXPECT_READ(r, "Y", MSGQUEUE_MSGALERT); /* flags are stored verbatim */
    MQ_EXPECT_READ(r, "B", 0);
    MQ_EXPECT_EMPTY(r);
    MQ_CLOSE(w);
    MQ_CLOSE(r);
}

CETEST(mq_readwrite, alert_does_not_count_toward_the_limit)
{
    HANDLE r, w;
    REQUIRE(MQ_PAIR(NULL, 0, 1, 16, &r, &w));
    MQ_EXPECT_WRITE(w, "normal", 0);
    t_msg_result res = t_write_msg(w, "more", 4, 0, 0);
    CHECK(!res.ok);
    CHECK_EQ(res.err, ERROR_TIMEOUT);
    /* The queue is full, but the alert slot is free. */
    res = t_write_msg(w, "alert", 5, 0, MSGQUEUE_MSGALERT);
    CHECK_MSG(res.ok, "alert write on a full queue: last error %lu", res.err);
    MSGQUEUEINFO info;
    DWORD err;
    if (CHECK(mq_info(w, &info, &err)))
        CHECK_EQ(info.dwCurrentMessages, 1);
    /* Slot taken and queue full: a second alert has nowhere to go. */
    res = t_write_msg(w, "alert2", 6, 0, MSGQUEUE_MSGALERT);
    CHECK(!res.ok);
    CHECK_EQ(res.err, ERROR_TIMEOUT);
    MQ_EXPECT_READ(r, "alert", MSGQUEUE_MSGALERT);
    MQ_EXPECT_READ(r, "normal", 0);
    MQ_EXPECT_EMPTY(r);
    MQ_CLOSE(w);
    MQ_CLOSE(r);
}

CETEST(mq_readwrite, alert_limits_and_size)
{
    HANDLE r, w;
    REQUIRE(MQ_PAIR(NULL, MSGQUEUE_NOPRECOMMIT, 4, 32, &r, &w));
    BYTE big[64], got[64];
    mq_pattern(big, sizeof(big), 3);
    t_msg_result res = t_write_msg(w, big, 33, 0, MSGQUEUE_MSGALERT);
    CHECK(!res.ok);
    CHECK_EQ(res.err, ERROR_INSUFFICIENT_BUFFER);
    res = t_write_msg(w, big, 32, 0, MSGQUEUE_MSGALERT);
    CHECK_MSG(res.ok, "last error %lu", res.err);
    res = t_read_msg(r, got, sizeof(got), 0);
    CHECK(res.ok);
    CHECK_EQ(res.bytes, 32);
    CHECK_EQ(res.flags, MSGQUEUE_MSGALERT);
    CHECK_MEM_EQ(got, big, 32);
    MQ_CLOSE(w);
    MQ_CLOSE(r);
}

CETEST(mq_readwrite, truncating_read_consumes_the_message)
{
    HANDLE r, w;
    REQUIRE(MQ_PAIR(NULL, 0, 8, 64, &r, &w));
    MQ_EXPECT_WRITE(w, "0123456789", 0);
    MQ_EXPECT_WRITE(w, "next", 0);
    char buf[16];
    memset(buf, 0xcc, sizeof(buf));
    t_msg_result res = t_read_msg(r, buf, 4, 0);
    CHECK(res.ok);
    CHECK_EQ(res.err, ERROR_INSUFFICIENT_BUFFER);
    CHECK_EQ(res.bytes, 4);
    CHECK_MEM_EQ(buf, "0123", 4);
    CHECK_EQ((BYTE)buf[4], 0xcc);
    MSGQUEUEINFO info;
    DWORD err;
    if (CHECK(mq_info(r, &info, &err)))
        CHECK_EQ(info.dwCurrentMessages, 1);
    /* The rest of the first message is gone. */
    MQ_EXPECT_READ(r, "next", 0);
    MQ_EXPECT_EMPTY(r);
    /* A buffer of exactly the message size is not a truncation. */
    MQ_EXPECT_WRITE(w, "exact", 0);
    res = t_read_msg(r, buf, 5, 0);
    CHECK(res.ok);
    CHECK_EQ(res.err, ERROR_SUCCESS);
    CHECK_EQ(res.bytes, 5);
    CHECK_MEM_EQ(buf, "exact", 5);
    /* Truncating an alert consumes the alert. */
    MQ_EXPECT_WRITE(w, "normal", 0);
    MQ_EXPECT_WRITE(w, "long alert", MSGQUEUE_MSGALERT);
    res = t_read_msg(r, buf, 1, 0);
    CHECK(res.ok);
    CHECK_EQ(res.err, ERROR_INSUFFICIENT_BUFFER);
    CHECK_EQ(res.bytes, 1);
    CHECK_EQ(buf[0], 'l');
    MQ_EXPECT_READ(r, "normal", 0);
    MQ_EXPECT_EMPTY(r);
    MQ_CLOSE(w);
    MQ_CLOSE(r);
}

CETEST(mq_readwrite, oversize_write_fails_without_waiting)
{
    HANDLE r, w;
    REQUIRE(MQ_PAIR(NULL, 0, 1, 16, &r, &w));
    BYTE data[32];
    mq_pattern(data, sizeof(data), 1);
    t_msg_result res = t_write_msg(w, data, 17, 0, 0);
    CHECK(!res.ok);
    CHECK_EQ(res.err, ERROR_INSUFFICIENT_BUFFER);
    res = t_write_msg(w, data, 16, 0, 0);
    CHECK_MSG(res.ok, "last error %lu", res.err);
    /* Full queue and a long timeout: the size error comes at once. */
    res = t_write_msg(w, data, 17, 3000, 0);
    CHECK(!res.ok);
    CHECK_EQ(res.err, ERROR_INSUFFICIENT_BUFFER);
    CHECK_MSG(res.ms < 1000, "took %llu ms", res.ms);
    MQ_CLOSE(w);
    MQ_CLOSE(r);
}

CETEST(mq_readwrite, read_parameter_validation)
{
    HANDLE r, w;
    REQUIRE(MQ_PAIR(NULL, 0, 4, 64, &r, &w));
    MQ_EXPECT_WRITE(w, "kept", 0);
    char buf[64];
    DWORD n, flags;
    BOOL ok;
    DWORD err;

    SetLastError(0xdeadbeef);
    ok = ReadMsgQueue(r, NULL, sizeof(buf), &n, 0, &flags);
    err = GetLastError();
    CHECK(!ok);
    CHECK_EQ(err, ERROR_INVALID_PARAMETER);

    SetLastError(0xdeadbeef);
    ok = ReadMsgQueue(r, buf, 0, &n, 0, &flags);
    err = GetLastError();
    CHECK(!ok);
    CHECK_EQ(err, ERROR_INVALID_PARAMETER);

    SetLastError(0xdeadbeef);
    ok = ReadMsgQueue(r, buf, sizeof(buf), NULL, 0, &flags);
    err = GetLastError();
    CHECK(!ok);
    CHECK_EQ(err, ERROR_INVALID_PARAMETER);

    SetLastError(0xdeadbeef);
    ok = ReadMsgQueue(r, buf, sizeof(buf), &n, 0, NULL);
    err = GetLastError();
    CHECK(!ok);
    CHECK_EQ(err, ERROR_INVALID_PARAMETER);

    /* Also with a timeout: no waiting. */
    ULONGLONG start = cetest_now_ms();
    SetLastError(0xdeadbeef);
    ok = ReadMsgQueue(r, buf, sizeof(buf), &n, 2000, NULL);
    err = GetLastError();
    CHECK(!ok);
    CHECK_EQ(err, ERROR_INVALID_PARAMETER);
    CHECK(cetest_now_ms() - start < 1000);

    /* None of these consumed the message. */
    MQ_EXPECT_READ(r, "kept", 0);
    MQ_CLOSE(w);
    MQ_CLOSE(r);
}

CETEST(mq_readwrite, write_parameter_validation)
{
    HANDLE r, w;
    REQUIRE(MQ_PAIR(NULL, 0, 4, 64, &r, &w));
    t_msg_result res = t_write_msg(w, NULL, 4, 0, 0);
    CHECK(!res.ok);
    CHECK_EQ(res.err, ERROR_INVALID_PARAMETER);
    res = t_write_msg(w, "data", 0, 0, 0);
    CHECK(!res.ok);
    CHECK_EQ(res.err, ERROR_INVALID_PARAMETER);
    res = t_write_msg(w, NULL, 0, 0, MSGQUEUE_MSGALERT);
    CHECK(!res.ok);
    CHECK_EQ(res.err, ERROR_INVALID_PARAMETER);
    MQ_EXPECT_EMPTY(r);
    MQ_CLOSE(w);
    MQ_CLOSE(r);
}

CETEST(mq_readwrite, wrong_end)
{
    HANDLE r, w;
    WCHAR name[MQ_NAME_CHARS];
    REQUIRE(MQ_PAIR(cetest_unique_name(L"mq", name, MQ_NAME_CHARS), 0, 4, 64, &r, &w));
    MQ_EXPECT_WRITE(w, "msg", 0);
    char buf[64];
    t_msg_result res = t_read_msg(w, buf, sizeof(buf), 0);
    CHECK(!res.ok);
    CHECK_EQ(res.err, ERROR_INVALID_HANDLE);
    res = t_write_msg(r, "x", 1, 0, 0);
    CHECK(!res.ok);
    CHECK_EQ(res.err, ERROR_INVALID_HANDLE);
    res = t_write_msg(r, "x", 1, 0, MSGQUEUE_MSGALERT);
    CHECK(!res.ok);
    CHECK_EQ(res.err, ERROR_INVALID_HANDLE);
    /* With timeouts: still no waiting. */
    res = t_read_msg(w, buf, sizeof(buf), 2000);
    CHECK(!res.ok);
    CHECK_EQ(res.err, ERROR_INVALID_HANDLE);
    CHECK_MSG(res.ms < 1000, "took %llu ms", res.ms);
    /* The queue is unaffected. */
    MQ_EXPECT_READ(r, "msg", 0);
    MQ_EXPECT_EMPTY(r);
    MQ_CLOSE(w);
    MQ_CLOSE(r);
}

CETEST(mq_readwrite, bad_handles)
{
    HANDLE ev = CreateEventW(NULL, TRUE, TRUE, NULL);
    CHECK_PTR_NE(ev, NULL);
    HANDLE bad[] = { NULL, (HANDLE)0x1234, ev };
    char buf[64];
    MSGQUEUEINFO info;
    for (int i = 0; i < 3; i++) {
        t_msg_result res = t_read_msg(bad[i], buf, sizeof(buf), 0);
        CHECK_MSG(!res.ok, "handle %p", bad[i]);
        CHECK_MSG(res.err == ERROR_INVALID_HANDLE, "read, handle %p: last error %lu", bad[i], res.err);
        res = t_write_msg(bad[i], "x", 1, 0, 0);
        CHECK_MSG(!res.ok, "handle %p", bad[i]);
        CHECK_MSG(res.err == ERROR_INVALID_HANDLE, "write, handle %p: last error %lu", bad[i], res.err);
        DWORD err;
        BOOL ok = mq_info(bad[i], &info, &err);
        CHECK_MSG(!ok, "GetMsgQueueInfo, handle %p", bad[i]);
        CHECK_MSG(err == ERROR_INVALID_HANDLE, "GetMsgQueueInfo, handle %p: last error %lu", bad[i], err);
    }
    /* The event was not touched. */
    if (ev) {
        CHECK_EQ(WaitForSingleObject(ev, 0), WAIT_OBJECT_0);
        CloseHandle(ev);
    }
}

CETEST(mq_readwrite, read_timeouts)
{
    HANDLE r, w;
    REQUIRE(MQ_PAIR(NULL, 0, 4, 64, &r, &w));
    char buf[64];
    t_msg_result res = t_read_msg(r, buf, sizeof(buf), 0);
    CHECK(!res.ok);
    CHECK_EQ(res.err, ERROR_TIMEOUT);
    CHECK_MSG(res.ms < 500, "timeout 0 took %llu ms", res.ms);
    res = t_read_msg(r, buf, sizeof(buf), 100);
    CHECK(!res.ok);
    CHECK_EQ(res.err, ERROR_TIMEOUT);
    CHECK_MSG(res.ms >= 90 && res.ms < 2000, "timeout 100 took %llu ms", res.ms);
    /* A timed-out read leaves the queue usable. */
    MQ_EXPECT_WRITE(w, "after", 0);
    res = t_read_msg(r, buf, sizeof(buf), 100);
    CHECK(res.ok);
    CHECK_EQ(res.err, ERROR_SUCCESS);
    CHECK_EQ(res.bytes, 5);
    CHECK_MSG(res.ms < 90, "a message was there, yet the read took %llu ms", res.ms);
    MQ_CLOSE(w);
    MQ_CLOSE(r);
}

CETEST(mq_readwrite, write_timeouts_when_full)
{
    HANDLE r, w;
    WCHAR name[MQ_NAME_CHARS];
    REQUIRE(MQ_PAIR(cetest_unique_name(L"mq", name, MQ_NAME_CHARS), 0, 2, 64, &r, &w));
    MQ_EXPECT_WRITE(w, "1", 0);
    MQ_EXPECT_WRITE(w, "2", 0);
    t_msg_result res = t_write_msg(w, "3", 1, 0, 0);
    CHECK(!res.ok);
    CHECK_EQ(res.err, ERROR_TIMEOUT);
    CHECK_MSG(res.ms < 500, "timeout 0 took %llu ms", res.ms);
    res = t_write_msg(w, "3", 1, 100, 0);
    CHECK(!res.ok);
    CHECK_EQ(res.err, ERROR_TIMEOUT);
    CHECK_MSG(res.ms >= 90 && res.ms < 2000, "timeout 100 took %llu ms", res.ms);
    /* Room again after one read. */
    MQ_EXPECT_READ(r, "1", 0);
    MQ_EXPECT_WRITE(w, "3", 0);
    MQ_EXPECT_READ(r, "2", 0);
    MQ_EXPECT_READ(r, "3", 0);
    MQ_CLOSE(w);
    MQ_CLOSE(r);
}

CETEST(mq_readwrite, blocked_reader_wakes_on_write)
{
    HANDLE r, w;
    REQUIRE(MQ_PAIR(NULL, 0, 4, 64, &r, &w));
    mq_call *c = mq_call_start(MQ_OP_READ, r, 5000, NULL, 64, 0, 0);
    REQUIRE(c != NULL);
    CHECK_MSG(mq_call_still_blocked(c, 200), "ReadMsgQueue returned early: ok %d, error %lu", c->ok, c->err);
    MQ_EXPECT_WRITE(w, "wake up", 0);
    if (CHECK(mq_call_finish(c, 2000))) {
        CHECK(c->ok);
        CHECK_EQ(c->err, ERROR_SUCCESS);
        CHECK_EQ(c->bytes, 7);
        CHECK_EQ(c->flags, 0);
        CHECK_MEM_EQ(c->data, "wake up", 7);
        CHECK_MSG(c->ms < 2000, "read took %llu ms", c->ms);
    }
    mq_call_free(c);
    MQ_CLOSE(w);
    MQ_CLOSE(r);
}

CETEST(mq_readwrite, blocked_writer_wakes_on_read)
{
    HANDLE r, w;
    REQUIRE(MQ_PAIR(NULL, 0, 1, 64, &r, &w));
    MQ_EXPECT_WRITE(w, "first", 0);
    mq_call *c = mq_call_start(MQ_OP_WRITE, w, 5000, "second", 6, 0, 0);
    REQUIRE(c != NULL);
    CHECK_MSG(mq_call_still_blocked(c, 200), "WriteMsgQueue returned early: ok %d, error %lu", c->ok, c->err);
    MQ_EXPECT_READ(r, "first", 0);
    if (CHECK(mq_call_finish(c, 2000))) {
        CHECK_MSG(c->ok, "last error %lu", c->err);
        CHECK_MSG(c->ms < 2000, "write took %llu ms", c->ms);
        MQ_EXPECT_READ(r, "second", 0);
    }
    mq_call_free(c);
    MQ_CLOSE(w);
    MQ_CLOSE(r);
}

CETEST(mq_readwrite, several_blocked_readers_get_one_message_each)
{
    HANDLE r, w;
    REQUIRE(MQ_PAIR(NULL, 0, 8, 64, &r, &w));
    enum { N = 4 };
    mq_call *c[N];
    for (int i = 0; i < N; i++)
        c[i] = mq_call_start(MQ_OP_READ, r, 5000, NULL, 64, 0, 0);
    Sleep(200);
    char text[N][8];
    for (int i = 0; i < N; i++) {
        snprintf(text[i], sizeof(text[i]), "m%d", i);
        MQ_EXPECT_WRITE(w, text[i], 0);
    }
    int seen[N] = { 0 };
    for (int i = 0; i < N; i++) {
        if (!c[i] || !CHECK(mq_call_finish(c[i], 3000)))
            continue;
        CHECK_MSG(c[i]->ok, "reader %d: error %lu", i, c[i]->err);
        if (c[i]->ok && c[i]->bytes == 2 && c[i]->data[0] == 'm' && c[i]->data[1] >= '0' &&
            c[i]->data[1] < '0' + N)
            seen[c[i]->data[1] - '0']++;
        else
            CHECK_MSG(0, "reader %d got %lu bytes", i, c[i]->bytes);
    }
    for (int i = 0; i < N; i++)
        CHECK_MSG(seen[i] == 1, "message m%d delivered %d times", i, seen[i]);
    for (int i = 0; i < N; i++)
        mq_call_free(c[i]);
    MQ_CLOSE(w);
    MQ_CLOSE(r);
}
