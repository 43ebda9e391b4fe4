/*
 * mq_broken.c - queues whose other end is missing or went away, with and
 * without MSGQUEUE_ALLOW_BROKEN.
 */
#include "mq_test.h"

#include <string.h>

CETEST(mq_broken, write_before_any_reader_fails)
{
    WCHAR name[MQ_NAME_CHARS];
    DWORD err;
    HANDLE w = mq_create(cetest_unique_name(L"mq", name, MQ_NAME_CHARS), 0, 4, 64, FALSE, &err);
    REQUIRE(w != NULL);
    CHECK_EQ(err, ERROR_SUCCESS);
    t_msg_result res = t_write_msg(w, "nobody", 6, 0, 0);
    CHECK(!res.ok);
    CHECK_EQ(res.err, ERROR_PIPE_NOT_CONNECTED);
    res = t_write_msg(w, "nobody", 6, 1000, MSGQUEUE_MSGALERT);
    CHECK(!res.ok);
    CHECK_EQ(res.err, ERROR_PIPE_NOT_CONNECTED);
    CHECK_MSG(res.ms < 900, "took %llu ms", res.ms);
    /* A reader arriving later finds nothing, and then writes work. */
    HANDLE r = mq_create(name, 0, 4, 64, TRUE, &err);
    CHECK_PTR_NE(r, NULL);
    CHECK_EQ(err, ERROR_ALREADY_EXISTS);
    if (r) {
        MQ_EXPECT_EMPTY(r);
        MQ_EXPECT_WRITE(w, "now", 0);
        MQ_EXPECT_READ(r, "now", 0);
        MQ_CLOSE(r);
    }
    MQ_CLOSE(w);

    /* Unnamed: same. */
    w = mq_create(NULL, 0, 4, 64, FALSE, &err);
    REQUIRE(w != NULL);
    res = t_write_msg(w, "nobody", 6, 0, 0);
    CHECK(!res.ok);
    CHECK_EQ(res.err, ERROR_PIPE_NOT_CONNECTED);
    MQ_CLOSE(w);
}

CETEST(mq_broken, read_without_any_writer_fails)
{
    WCHAR name[MQ_NAME_CHARS];
    DWORD err;
    HANDLE r = mq_create(cetest_unique_name(L"mq", name, MQ_NAME_CHARS), 0, 4, 64, TRUE, &err);
    REQUIRE(r != NULL);
    char buf[64];
    t_msg_result res = t_read_msg(r, buf, sizeof(buf), 0);
    CHECK(!res.ok);
    CHECK_EQ(res.err, ERROR_PIPE_NOT_CONNECTED);
    res = t_read_msg(r, buf, sizeof(buf), 1000);
    CHECK(!res.ok);
    CHECK_EQ(res.err, ERROR_PIPE_NOT_CONNECTED);
    CHECK_MSG(res.ms < 900, "took %llu ms", res.ms);
    MQ_CLOSE(r);
    r = mq_create(NULL, 0, 4, 64, TRUE, &err);
    REQUIRE(r != NULL);
    res = t_read_msg(r, buf, sizeof(buf), 0);
    CHECK(!res.ok);
    CHECK_EQ(res.err, ERROR_PIPE_NOT_CONNECTED);
    MQ_CLOSE(r);
}

static void writer_close_discards(const WCHAR *name)
{
    HANDLE r, w;
    DWORD err;
    REQUIRE(MQ_PAIR(name, 0, 8, 64, &r, &w));
    MQ_EXPECT_WRITE(w, "lost 1", 0);
    MQ_EXPECT_WRITE(w, "lost 2", 0);
    MQ_EXPECT_WRITE(w, "lost alert", MSGQUEUE_MSGALERT);
    MQ_CLOSE(w);
    char buf[64];
    t_msg_result res = t_read_msg(r, buf, sizeof(buf), 0);
    CHECK_MSG(!res.ok, "read %lu bytes \"%.*s\" after the writer closed", res.bytes,
              (int)(res.bytes < 64 ? res.bytes : 0), buf);
    CHECK_EQ(res.err, ERROR_PIPE_NOT_CONNECTED);
    MSGQUEUEINFO info;
    if (CHECK(mq_info(r, &info, &err))) {
        CHECK_EQ(info.dwCurrentMessages, 0);
        CHECK_EQ(info.wNumReaders, 1);
        CHECK_EQ(info.wNumWriters, 0);
        CHECK_EQ(info.dwFlags, 0); /* no internal bits leak out */
    }
    MQ_CLOSE(r);
}

CETEST(mq_broken, writer_close_discards_messages_named)
{
    WCHAR name[MQ_NAME_CHARS];
    writer_close_discards(cetest_unique_name(L"mq", name, MQ_NAME_CHARS));
}

CETEST(mq_broken, writer_close_discards_messages_unnamed)
{
    writer_close_discards(NULL);
}

CETEST(mq_broken, reader_close_breaks_writes)
{
    HANDLE r, w;
    DWORD err;
    REQUIRE(MQ_PAIR(NULL, 0, 8, 64, &r, &w));
    MQ_EXPECT_WRITE(w, "queued", 0);
    MQ_CLOSE(r);
    t_msg_result res = t_write_msg(w, "more", 4, 0, 0);
    CHECK(!res.ok);
    CHECK_EQ(res.err, ERROR_PIPE_NOT_CONNECTED);
    MSGQUEUEINFO info;
    if (CHECK(mq_info(w, &info, &err))) {
        CHECK_EQ(info.dwCurrentMessages, 0);
        CHECK_EQ(info.wNumReaders, 0);
        CHECK_EQ(info.wNumWriters, 1);
    }
    MQ_CLOSE(w);
}

CETEST(mq_broken, only_the_last_handle_of_an_end_breaks_the_queue)
{
    HANDLE r, w, w2;
    DWORD err;
    REQUIRE(MQ_PAIR(NULL, 0, 8, 64, &r, &w));
    w2 = mq_open(GetCurrentProcess(), r, FALSE, &err);
    REQUIRE(w2 != NULL);
    MQ_EXPECT_WRITE(w, "from w", 0);
    MQ_CLOSE(w);
    MQ_EXPECT_WRITE(w2, "from w2", 0);
    MQ_EXPECT_READ(r, "from w", 0);
    MQ_EXPECT_READ(r, "from w2", 0);
    MQ_EXPECT_WRITE(w2, "dropped", 0);
    MQ_CLOSE(w2);
    char buf[64];
    t_msg_result res = t_read_msg(r, buf, sizeof(buf), 0);
    CHECK(!res.ok);
    CHECK_EQ(res.err, ERROR_PIPE_NOT_CONNECTED);
    MQ_CLOSE(r);
}

CETEST(mq_broken, blocked_reader_wakes_when_last_writer_closes)
{
    HANDLE r, w;
    REQUIRE(MQ_PAIR(NULL, 0, 8, 64, &r, &w));
    mq_call *c = mq_call_start(MQ_OP_READ, r, 10000, NULL, 64, 0, 0);
    REQUIRE(c != NULL);
    CHECK(mq_call_still_blocked(c, 200));
    ULONGLONG start = cetest_now_ms();
    MQ_CLOSE(w);
    if (CHECK_MSG(mq_call_finish(c, 5000), "the reader is still blocked 5 s after the writer closed")) {
        CHECK(!c->ok);
        CHECK_EQ(c->err, ERROR_PIPE_NOT_CONNECTED);
        CHECK_MSG(cetest_now_ms() - start < 2000, "woke after %llu ms", cetest_now_ms() - start);
    }
    mq_call_free(c);
    MQ_CLOSE(r);
}

CETEST(mq_broken, blocked_writer_wakes_when_last_reader_closes)
{
    HANDLE r, w;
    WCHAR name[MQ_NAME_CHARS];
    REQUIRE(MQ_PAIR(cetest_unique_name(L"mq", name, MQ_NAME_CHARS), 0, 1, 64, &r, &w));
    MQ_EXPECT_WRITE(w, "fills it", 0);
    mq_call *c = mq_call_start(MQ_OP_WRITE, w, 10000, "blocked", 7, 0, 0);
    REQUIRE(c != NULL);
    CHECK(mq_call_still_blocked(c, 200));
    ULONGLONG start = cetest_now_ms();
    MQ_CLOSE(r);
    if (CHECK_MSG(mq_call_finish(c, 5000), "the writer is still blocked 5 s after the reader closed")) {
        CHECK(!c->ok);
        CHECK_EQ(c->err, ERROR_PIPE_NOT_CONNECTED);
        CHECK_MSG(cetest_now_ms() - start < 2000, "woke after %llu ms", cetest_now_ms() - start);
    }
    mq_call_free(c);
    MQ_CLOSE(w);
}

CETEST(mq_broken, reopening_a_broken_named_queue_fails)
{
    HANDLE r, w;
    WCHAR name[MQ_NAME_CHARS];
    DWORD err;
    REQUIRE(MQ_PAIR(cetest_unique_name(L"mq", name, MQ_NAME_CHARS), 0, 8, 64, &r, &w));
    MQ_CLOSE(w);
    /* The read end is still open: the name belongs to a broken queue. */
    HANDLE h = mq_create(name, 0, 8, 64, FALSE, &err);
    CHECK_PTR_EQ(h, NULL);
    CHECK_EQ(err, ERROR_INVALID_NAME);
    if (h) MQ_CLOSE(h);
    h = mq_create(name, 0, 8, 64, TRUE, &err);
    CHECK_PTR_EQ(h, NULL);
    CHECK_EQ(err, ERROR_INVALID_NAME);
    if (h) MQ_CLOSE(h);
    h = mq_create(name, MSGQUEUE_ALLOW_BROKEN, 0, 16, FALSE, &err);
    CHECK_PTR_EQ(h, NULL);
    CHECK_EQ(err, ERROR_INVALID_NAME);
    if (h) MQ_CLOSE(h);
    /* OpenMsgQueue on the broken queue's handle: either end. */
    h = mq_open(GetCurrentProcess(), r, FALSE, &err);
    CHECK_PTR_EQ(h, NULL);
    CHECK_EQ(err, ERROR_INVALID_PARAMETER);
    if (h) MQ_CLOSE(h);
    h = mq_open(GetCurrentProcess(), r, TRUE, &err);
    CHECK_PTR_EQ(h, NULL);
    CHECK_EQ(err, ERROR_INVALID_PARAMETER);
    if (h) MQ_CLOSE(h);
    MQ_CLOSE(r);

    /* Both ends closed: the name is free, a new queue with new options. */
    h = mq_create(name, MSGQUEUE_NOPRECOMMIT, 3, 32, FALSE, &err);
    CHECK_PTR_NE(h, NULL);
    CHECK_EQ(err, ERROR_SUCCESS);
    if (h) {
        MSGQUEUEINFO info;
        if (CHECK(mq_info(h, &info, &err))) {
            CHECK_EQ(info.dwFlags, MSGQUEUE_NOPRECOMMIT);
            CHECK_EQ(info.dwMaxMessages, 3);
            CHECK_EQ(info.cbMaxMessage, 32);
            CHECK_EQ(info.wNumReaders, 0);
            CHECK_EQ(info.wNumWriters, 1);
        }
        HANDLE r2 = mq_create(name, 0, 8, 64, TRUE, &err);
        CHECK_PTR_NE(r2, NULL);
        CHECK_EQ(err, ERROR_ALREADY_EXISTS);
        if (r2) {
            MQ_EXPECT_WRITE(h, "fresh", 0);
            MQ_EXPECT_READ(r2, "fresh", 0);
            MQ_CLOSE(r2);
        }
        MQ_CLOSE(h);
    }
}

CETEST(mq_broken, reader_side_break_also_blocks_the_name)
{
    HANDLE r, w;
    WCHAR name[MQ_NAME_CHARS];
    DWORD err;
    REQUIRE(MQ_PAIR(cetest_unique_name(L"mq", name, MQ_NAME_CHARS), 0, 8, 64, &r, &w));
    MQ_CLOSE(r);
    HANDLE h = mq_create(name, 0, 8, 64, TRUE, &err);
    CHECK_PTR_EQ(h, NULL);
    CHECK_EQ(err, ERROR_INVALID_NAME);
    if (h) MQ_CLOSE(h);
    h = mq_open(GetCurrentProcess(), w, TRUE, &err);
    CHECK_PTR_EQ(h, NULL);
    CHECK_EQ(err, ERROR_INVALID_PARAMETER);
    if (h) MQ_CLOSE(h);
    MQ_CLOSE(w);
    h = mq_create(name, 0, 8, 64, TRUE, &err);
    CHECK_PTR_NE(h, NULL);
    CHECK_EQ(err, ERROR_SUCCESS);
    if (h) MQ_CLOSE(h);
}

CETEST(mq_broken, one_ended_queue_frees_its_name)
{
    WCHAR name[MQ_NAME_CHARS];
    DWORD err;
    HANDLE h = mq_create(cetest_unique_name(L"mq", name, MQ_NAME_CHARS), 0, 8, 64, TRUE, &err);
    REQUIRE(h != NULL);
    CHECK_EQ(err, ERROR_SUCCESS);
    MQ_CLOSE(h);
    h = mq_create(name, 0, 2, 16, FALSE, &err);
    CHECK_PTR_NE(h, NULL);
    CHECK_EQ(err, ERROR_SUCCESS);
    if (h) MQ_CLOSE(h);
}

CETEST(mq_broken, allow_broken_data_survives_writer_close)
{
    HANDLE r, w;
    WCHAR name[MQ_NAME_CHARS];
    DWORD err;
    REQUIRE(MQ_PAIR(cetest_unique_name(L"mq", name, MQ_NAME_CHARS), MSGQUEUE_ALLOW_BROKEN, 8, 64, &r, &w));
    MQ_EXPECT_WRITE(w, "kept 1", 0);
    MQ_EXPECT_WRITE(w, "kept 2", 0);
    MQ_EXPECT_WRITE(w, "kept alert", MSGQUEUE_MSGALERT);
    MQ_CLOSE(w);
    MQ_EXPECT_READ(r, "kept alert", MSGQUEUE_MSGALERT);
    MQ_EXPECT_READ(r, "kept 1", 0);
    MQ_EXPECT_READ(r, "kept 2", 0);
    char buf[64];
    t_msg_result res = t_read_msg(r, buf, sizeof(buf), 0);
    CHECK(!res.ok);
    CHECK_EQ(res.err, ERROR_TIMEOUT);
    res = t_read_msg(r, buf, sizeof(buf), 100);
    CHECK(!res.ok);
    CHECK_EQ(res.err, ERROR_TIMEOUT);
    CHECK_MSG(res.ms >= 90 && res.ms < 2000, "took %llu ms", res.ms);
    /* A new writer attaches by name. */
    HANDLE w2 = mq_create(name, MSGQUEUE_ALLOW_BROKEN, 8, 64, FALSE, &err);
    CHECK_PTR_NE(w2, NULL);
    CHECK_EQ(err, ERROR_ALREADY_EXISTS);
    if (w2) {
        MQ_EXPECT_WRITE(w2, "again", 0);
        MQ_EXPECT_READ(r, "again", 0);
        MQ_CLOSE(w2);
    }
    MQ_CLOSE(r);
}

CETEST(mq_broken, allow_broken_writer_without_reader)
{
    WCHAR name[MQ_NAME_CHARS];
    DWORD err;
    HANDLE w = mq_create(cetest_unique_name(L"mq", name, MQ_NAME_CHARS), MSGQUEUE_ALLOW_BROKEN, 3, 64,
                         FALSE, &err);
    REQUIRE(w != NULL);
    CHECK_EQ(err, ERROR_SUCCESS);
    MQ_EXPECT_WRITE(w, "one", 0);
    MQ_EXPECT_WRITE(w, "two", 0);
    MQ_EXPECT_WRITE(w, "three", 0);
    t_msg_result res = t_write_msg(w, "four", 4, 0, 0);
    CHECK(!res.ok);
    CHECK_EQ(res.err, ERROR_TIMEOUT);
    res = t_write_msg(w, "four", 4, 100, 0);
    CHECK(!res.ok);
    CHECK_EQ(res.err, ERROR_TIMEOUT);
    CHECK_MSG(res.ms >= 90 && res.ms < 2000, "took %llu ms", res.ms);
    /* A reader attaches later and gets everything. */
    HANDLE r = mq_create(name, 0, 1, 1, TRUE, &err);
    CHECK_PTR_NE(r, NULL);
    CHECK_EQ(err, ERROR_ALREADY_EXISTS);
    if (r) {
        MQ_EXPECT_READ(r, "one", 0);
        MQ_EXPECT_READ(r, "two", 0);
        MQ_EXPECT_READ(r, "three", 0);
        MQ_EXPECT_EMPTY(r);
        /* The reader leaves again: writes still work. */
        MQ_CLOSE(r);
        MQ_EXPECT_WRITE(w, "after", 0);
    }
    MQ_CLOSE(w);
}

CETEST(mq_broken, allow_broken_unnamed_reader_after_writer_left)
{
    /* Unnamed: the other end comes from OpenMsgQueue; with ALLOW_BROKEN the
     * read end stays usable after its writer is gone, and a new writer can
     * be opened from it. */
    HANDLE r, w;
    DWORD err;
    REQUIRE(MQ_PAIR(NULL, MSGQUEUE_ALLOW_BROKEN, 4, 64, &r, &w));
    MQ_EXPECT_WRITE(w, "before", 0);
    MQ_CLOSE(w);
    HANDLE w2 = mq_open(GetCurrentProcess(), r, FALSE, &err);
    CHECK_PTR_NE(w2, NULL);
    if (w2) {
        MQ_EXPECT_WRITE(w2, "after", 0);
        MQ_CLOSE(w2);
    }
    MQ_EXPECT_READ(r, "before", 0);
    if (w2)
        MQ_EXPECT_READ(r, "after", 0);
    MQ_EXPECT_EMPTY(r);
    MQ_CLOSE(r);
}

CETEST(mq_broken, wait_on_read_end_is_signaled_when_writers_go)
{
    /* Spec 1.11/1.12: closing the last handle of an end signals both ends,
     * so a waiter can then call ReadMsgQueue and learn the queue broke. */
    HANDLE r, w;
    REQUIRE(MQ_PAIR(NULL, 0, 4, 64, &r, &w));
    CHECK_EQ(WaitForSingleObject(r, 0), WAIT_TIMEOUT);
    mq_call *c = mq_call_start(MQ_OP_WAIT, r, 5000, NULL, 0, 0, 0);
    REQUIRE(c != NULL);
    CHECK(mq_call_still_blocked(c, 200));
    MQ_CLOSE(w);
    if (CHECK(mq_call_finish(c, 3000)))
        CHECK_EQ(c->wait, WAIT_OBJECT_0);
    mq_call_free(c);
    char buf[16];
    t_msg_result res = t_read_msg(r, buf, sizeof(buf), 0);
    CHECK(!res.ok);
    CHECK_EQ(res.err, ERROR_PIPE_NOT_CONNECTED);
    MQ_CLOSE(r);
}
