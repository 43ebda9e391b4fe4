/*
 * mq_close.c - CloseMsgQueue / CloseHandle on queue handles, including a
 * handle another thread of this process is blocked on.
 */
#include "mq_test.h"

#include <string.h>

enum { CLOSE_WITH_CLOSEMSGQUEUE, CLOSE_WITH_CLOSEHANDLE };

static BOOL close_queue(HANDLE h, int how, DWORD *err)
{
    SetLastError(0xdeadbeef);
    /* ceshim.h (forced include) routes CloseHandle for queue handles. */
    BOOL ok = how == CLOSE_WITH_CLOSEHANDLE ? CloseHandle(h) : CloseMsgQueue(h);
    *err = GetLastError();
    return ok;
}

/* A thread blocked in ReadMsgQueue(timeout) on `r`; this thread closes `r`.
 * keep_other_reader: another read handle stays open, so the end survives.
 * Returns nothing; checks the woken thread's result. */
static void close_wakes_reader(DWORD queue_flags, int how, BOOL keep_other_reader, DWORD timeout)
{
    HANDLE r, w, r2 = NULL;
    DWORD err;
    WCHAR name[MQ_NAME_CHARS];
    REQUIRE(MQ_PAIR(cetest_unique_name(L"mq", name, MQ_NAME_CHARS), queue_flags, 4, 64, &r, &w));
    if (keep_other_reader) {
        r2 = mq_create(name, queue_flags, 4, 64, TRUE, &err);
        REQUIRE(r2 != NULL);
    }
    mq_call *c = mq_call_start(MQ_OP_READ, r, timeout, NULL, 64, 0, 0);
    REQUIRE(c != NULL);
    CHECK_MSG(mq_call_still_blocked(c, 200), "ReadMsgQueue returned early: ok %d error %lu", c->ok, c->err);
    ULONGLONG start = cetest_now_ms();
    BOOL ok = close_queue(r, how, &err);
    CHECK_MSG(ok, "closing the handle: error %lu", err);
    if (CHECK_MSG(mq_call_finish(c, 5000), "reader still blocked 5 s after its handle was closed")) {
        ULONGLONG took = cetest_now_ms() - start;
        CHECK_MSG(took < 2000, "woke after %llu ms", took);
        CHECK(!c->ok);
        if (keep_other_reader || (queue_flags & MSGQUEUE_ALLOW_BROKEN))
            CHECK_EQ(c->err, ERROR_INVALID_HANDLE);
        else
            CHECK_MSG(c->err == ERROR_INVALID_HANDLE || c->err == ERROR_PIPE_NOT_CONNECTED,
                      "last error %lu, expected ERROR_INVALID_HANDLE or ERROR_PIPE_NOT_CONNECTED", c->err);
    }
    mq_call_free(c);
    /* The queue still works through the other read handle. */
    if (r2) {
        MQ_EXPECT_WRITE(w, "for r2", 0);
        MQ_EXPECT_READ(r2, "for r2", 0);
        MQ_CLOSE(r2);
    }
    MQ_CLOSE(w);
}

CETEST(mq_close, closemsgqueue_wakes_reader_other_reader_kept)
{
    close_wakes_reader(0, CLOSE_WITH_CLOSEMSGQUEUE, TRUE, 10000);
}

CETEST(mq_close, closemsgqueue_wakes_infinite_reader_other_reader_kept)
{
    /* INFINITE: bounded because the close must release it (checked with a
     * 5 s bound; the process exits at the end of the test either way). */
    close_wakes_reader(0, CLOSE_WITH_CLOSEMSGQUEUE, TRUE, INFINITE);
}

CETEST(mq_close, closemsgqueue_wakes_reader_last_handle)
{
    close_wakes_reader(0, CLOSE_WITH_CLOSEMSGQUEUE, FALSE, 10000);
}

CETEST(mq_close, closemsgqueue_wakes_infinite_reader_last_handle_allow_broken)
{
    close_wakes_reader(MSGQUEUE_ALLOW_BROKEN, CLOSE_WITH_CLOSEMSGQUEUE, FALSE, INFINITE);
}

CETEST(mq_close, closehandle_wakes_reader_other_reader_kept)
{
    close_wakes_reader(0, CLOSE_WITH_CLOSEHANDLE, TRUE, 10000);
}

CETEST(mq_close, closehandle_wakes_infinite_reader_last_handle)
{
    close_wakes_reader(0, CLOSE_WITH_CLOSEHANDLE, FALSE, INFINITE);
}

CETEST(mq_close, closehandle_wakes_reader_allow_broken)
{
    close_wakes_reader(MSGQUEUE_ALLOW_BROKEN, CLOSE_WITH_CLOSEHANDLE, FALSE, 10000);
}

CETEST(mq_close, close_wakes_writer_other_writer_kept)
{
    HANDLE r, w, w2;
    DWORD err;
    REQUIRE(MQ_PAIR(NULL, 0, 1, 64, &r, &w));
    w2 = mq_open(GetCurrentProcess(), r, FALSE, &err);
    REQUIRE(w2 != NULL);
    MQ_EXPECT_WRITE(w, "full", 0);
    mq_call *c = mq_call_start(MQ_OP_WRITE, w, 10000, "blocked", 7, 0, 0);
    REQUIRE(c != NULL);
    CHECK(mq_call_still_blocked(c, 200));
    ULONGLONG start = cetest_now_ms();
    MQ_CLOSE(w);
    if (CHECK_MSG(mq_call_finish(c, 5000), "writer still blocked 5 s after its handle was closed")) {
        CHECK_MSG(cetest_now_ms() - start < 2000, "woke after %llu ms", cetest_now_ms() - start);
        CHECK(!c->ok);
        CHECK_EQ(c->err, ERROR_INVALID_HANDLE);
    }
    mq_call_free(c);
    /* The message written before is still there (w2 keeps the end alive),
     * and the blocked one was not written. */
    MQ_EXPECT_READ(r, "full", 0);
    MQ_EXPECT_EMPTY(r);
    MQ_EXPECT_WRITE(w2, "w2", 0);
    MQ_EXPECT_READ(r, "w2", 0);
    MQ_CLOSE(w2);
    MQ_CLOSE(r);
}

CETEST(mq_close, closehandle_closes_queue_handles)
{
    HANDLE r, w;
    DWORD err;
    WCHAR name[MQ_NAME_CHARS];
    REQUIRE(MQ_PAIR(cetest_unique_name(L"mq", name, MQ_NAME_CHARS), 0, 4, 64, &r, &w));
    HANDLE r2 = mq_create(name, 0, 4, 64, TRUE, &err);
    REQUIRE(r2 != NULL);
    MSGQUEUEINFO info;
    BOOL ok = close_queue(r2, CLOSE_WITH_CLOSEHANDLE, &err);
    CHECK_MSG(ok, "CloseHandle: error %lu", err);
    if (CHECK(mq_info(r, &info, &err)))
        CHECK_EQ(info.wNumReaders, 1);
    ok = close_queue(w, CLOSE_WITH_CLOSEHANDLE, &err);
    CHECK_MSG(ok, "CloseHandle: error %lu", err);
    if (CHECK(mq_info(r, &info, &err)))
        CHECK_EQ(info.wNumWriters, 0);
    ok = close_queue(r, CLOSE_WITH_CLOSEHANDLE, &err);
    CHECK_MSG(ok, "CloseHandle: error %lu", err);
    /* Both ends gone: the name is free. */
    HANDLE h = mq_create(name, 0, 4, 64, TRUE, &err);
    CHECK_PTR_NE(h, NULL);
    CHECK_EQ(err, ERROR_SUCCESS);
    if (h) MQ_CLOSE(h);
}

CETEST(mq_close, closed_handle_is_invalid)
{
    HANDLE r, w;
    DWORD err;
    REQUIRE(MQ_PAIR(NULL, MSGQUEUE_ALLOW_BROKEN, 4, 64, &r, &w));
    HANDLE r2 = mq_open(GetCurrentProcess(), w, TRUE, &err);
    REQUIRE(r2 != NULL);
    MQ_CLOSE(r);
    /* r's value may be reused by a later handle, so only check it right away. */
    char buf[16];
    t_msg_result res = t_read_msg(r, buf, sizeof(buf), 0);
    CHECK(!res.ok);
    CHECK_EQ(res.err, ERROR_INVALID_HANDLE);
    SetLastError(0xdeadbeef);
    BOOL ok = CloseMsgQueue(r);
    err = GetLastError();
    CHECK(!ok);
    CHECK_EQ(err, ERROR_INVALID_HANDLE);
    MQ_CLOSE(r2);
    MQ_CLOSE(w);
}

CETEST(mq_close, close_from_another_thread_while_main_waits)
{
    /* The other direction: this thread is blocked, another closes. */
    HANDLE r, w, r2;
    DWORD err;
    REQUIRE(MQ_PAIR(NULL, 0, 4, 64, &r, &w));
    r2 = mq_open(GetCurrentProcess(), w, TRUE, &err);
    REQUIRE(r2 != NULL);
    mq_call *closer = mq_call_start(MQ_OP_CLOSE, r, 0, NULL, 0, 0, 300);
    REQUIRE(closer != NULL);
    char buf[16];
    t_msg_result res = t_read_msg(r, buf, sizeof(buf), 10000);
    CHECK(!res.ok);
    CHECK_EQ(res.err, ERROR_INVALID_HANDLE);
    CHECK_MSG(res.ms < 2500, "woke after %llu ms", res.ms);
    if (CHECK(mq_call_finish(closer, 5000)))
        CHECK_MSG(closer->ok, "CloseMsgQueue in the other thread: error %lu", closer->err);
    mq_call_free(closer);
    MQ_EXPECT_WRITE(w, "r2", 0);
    MQ_EXPECT_READ(r2, "r2", 0);
    MQ_CLOSE(r2);
    MQ_CLOSE(w);
}
