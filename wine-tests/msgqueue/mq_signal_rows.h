/*
 * mq_signal_rows.h - spec 1.12's table, one test per "signaled when" /
 * "reset when" row, waited on as a CE program waits: WaitForSingleObject
 * on the queue handle. Included by two test files, so each row runs twice:
 *   mq_signals.c           waits routed by ceshim.h (CeShimWait*): exact;
 *   mq_signals_unrouted.c  built with CESHIM_NO_ROUTING: plain Win32 waits
 *                          on the handle's event, which may wake once early
 *                          after the queue is drained (read end) or filled
 *                          (write end); the program's next read or write
 *                          (timeout 0) then resets it. Never late or missed.
 * The includer defines MQ_ROWS_SUITE (the test suite's name) first.
 */
#include "mq_test.h"

#include <stdio.h>
#include <string.h>

#ifndef MQ_ROWS_SUITE
#error "define MQ_ROWS_SUITE before including mq_signal_rows.h"
#endif

#ifdef CESHIM_NO_ROUTING
#define MQ_ROWS_ROUTED 0
#else
#define MQ_ROWS_ROUTED 1
#endif

static void expect_wait_at(HANDLE h, DWORD timeout, DWORD expected, const char *what, const char *file, int line)
{
    ULONGLONG start = cetest_now_ms();
    SetLastError(0xdeadbeef);
    DWORD got = WaitForSingleObject(h, timeout);
    DWORD err = GetLastError();
    ULONGLONG took = cetest_now_ms() - start;
    cetest_check(got == expected, file, line, "WaitForSingleObject(queue, timeout) == expected",
                 "%s (%s wait, %lu ms): got 0x%lx (last error %lu) after %llu ms, expected 0x%lx", what,
                 MQ_ROWS_ROUTED ? "routed" : "plain", timeout, got, err, took, expected);
    if (expected == WAIT_TIMEOUT && timeout >= 100)
        cetest_check(took + 10 >= timeout, file, line, "a timed-out wait lasts its timeout",
                     "%s: %lu ms timeout returned after %llu ms", what, timeout, took);
}
/* Signaled now (and a satisfied wait leaves it so: manual reset). */
#define EXPECT_SIGNALED(h, what)                                     \
    do {                                                             \
        expect_wait_at((h), 0, WAIT_OBJECT_0, (what), __FILE__, __LINE__); \
        expect_wait_at((h), 0, WAIT_OBJECT_0, (what), __FILE__, __LINE__); \
    } while (0)
#define EXPECT_UNSIGNALED(h, what) expect_wait_at((h), 0, WAIT_TIMEOUT, (what), __FILE__, __LINE__)

/* A "reset when" row. Routed: unsignaled now. Plain: at most one early
 * wake, which the program's next call (a read or write with timeout 0 that
 * finds nothing to do) clears. */
static void expect_reset_at(HANDLE h, BOOL read_end, const char *what, const char *file, int line)
{
    DWORD got = WaitForSingleObject(h, 0);
    if (!MQ_ROWS_ROUTED && got == WAIT_OBJECT_0) {
        printf("  %s: plain wait woke early once (documented)\n", what);
        char buf[256];
        t_msg_result r = read_end ? t_read_msg(h, buf, sizeof(buf), 0) : t_write_msg(h, "probe", 5, 0, 0);
        cetest_check(!r.ok && r.err == ERROR_TIMEOUT, file, line, "the next call finds nothing to do",
                     "%s: %s(timeout 0) returned %d, last error %lu", what, read_end ? "ReadMsgQueue" : "WriteMsgQueue",
                     r.ok, r.err);
        got = WaitForSingleObject(h, 0);
    }
    cetest_check(got == WAIT_TIMEOUT, file, line, "reset: WaitForSingleObject(queue, 0) == WAIT_TIMEOUT",
                 "%s (%s wait): got 0x%lx", what, MQ_ROWS_ROUTED ? "routed" : "plain", got);
}
#define EXPECT_RESET(h, read_end, what) expect_reset_at((h), (read_end), (what), __FILE__, __LINE__)

static void expect_read_error_at(HANDLE r, DWORD timeout, DWORD error, const char *file, int line)
{
    char buf[64];
    t_msg_result res = t_read_msg(r, buf, sizeof(buf), timeout);
    cetest_check(!res.ok && res.err == error, file, line, "ReadMsgQueue fails with the expected error",
                 "timeout %lu: returned %d, last error %lu (expected %lu), %llu ms", timeout, res.ok, res.err,
                 error, res.ms);
}
#define EXPECT_READ_ERROR(r, timeout, error) expect_read_error_at((r), (timeout), (error), __FILE__, __LINE__)

static HANDLE named(const WCHAR *name, DWORD flags, DWORD max, BOOL read, DWORD expected_error)
{
    DWORD err;
    HANDLE h = mq_create(name, flags, max, 64, read, &err);
    CHECK_MSG(h != NULL, "CreateMsgQueue(%ls, %s): last error %lu", name, read ? "read" : "write", err);
    if (h)
        CHECK_EQ(err, expected_error);
    return h;
}

/* ---- read end: signaled when ---------------------------------------------- */

/* Not in the table: a read end that never had a writer is not signaled, so
 * a program that waits before reading does not wake to a read that would
 * fail with ERROR_PIPE_NOT_CONNECTED. */
static void read_end_with_no_writer_yet(DWORD flags)
{
    WCHAR name[MQ_NAME_CHARS];
    cetest_unique_name(L"mqrow", name, MQ_NAME_CHARS);
    HANDLE r = named(name, flags, 4, TRUE, ERROR_SUCCESS);
    REQUIRE(r != NULL);
    EXPECT_UNSIGNALED(r, "named read end, no writer yet");
    expect_wait_at(r, 150, WAIT_TIMEOUT, "named read end, no writer yet", __FILE__, __LINE__);
    /* Spec 1.8: a read still fails at once without ALLOW_BROKEN. */
    EXPECT_READ_ERROR(r, 0, flags & MSGQUEUE_ALLOW_BROKEN ? ERROR_TIMEOUT : ERROR_PIPE_NOT_CONNECTED);
    if (!(flags & MSGQUEUE_ALLOW_BROKEN)) {
        char buf[16];
        t_msg_result res = t_read_msg(r, buf, sizeof(buf), 5000);
        CHECK_MSG(!res.ok && res.err == ERROR_PIPE_NOT_CONNECTED && res.ms < 2500,
                  "read(5000) with no writer: %d, last error %lu, %llu ms", res.ok, res.err, res.ms);
    }
    EXPECT_UNSIGNALED(r, "after reads with no writer");
    /* A writer attaching is no row of the table: still not signaled. */
    HANDLE w = named(name, 0, 4, FALSE, ERROR_ALREADY_EXISTS);
    EXPECT_UNSIGNALED(r, "a writer attached, nothing written");
    if (w) {
        MQ_EXPECT_WRITE(w, "first", 0);
        EXPECT_SIGNALED(r, "after the first write");
        MQ_EXPECT_READ(r, "first", 0);
        MQ_CLOSE(w);
    }
    MQ_CLOSE(r);

    DWORD err;
    r = mq_create(NULL, flags, 4, 64, TRUE, &err);
    REQUIRE(r != NULL);
    EXPECT_UNSIGNALED(r, "unnamed read end, no writer yet");
    MQ_CLOSE(r);
}

CETEST(MQ_ROWS_SUITE, read_end_with_no_writer_yet_is_not_signaled) { read_end_with_no_writer_yet(0); }
CETEST(MQ_ROWS_SUITE, read_end_with_no_writer_yet_allow_broken) { read_end_with_no_writer_yet(MSGQUEUE_ALLOW_BROKEN); }

CETEST(MQ_ROWS_SUITE, read_end_signaled_when_a_message_or_an_alert_is_written)
{
    HANDLE r, w;
    REQUIRE(MQ_PAIR(NULL, 0, 4, 64, &r, &w));
    EXPECT_UNSIGNALED(r, "empty");
    MQ_EXPECT_WRITE(w, "normal", 0);
    EXPECT_SIGNALED(r, "a message written");
    MQ_EXPECT_READ(r, "normal", 0);
    EXPECT_RESET(r, TRUE, "drained");
    MQ_EXPECT_WRITE(w, "alert", MSGQUEUE_MSGALERT);
    EXPECT_SIGNALED(r, "an alert written");
    MQ_EXPECT_READ(r, "alert", MSGQUEUE_MSGALERT);
    EXPECT_RESET(r, TRUE, "drained");
    MQ_CLOSE(w);
    MQ_CLOSE(r);
}

CETEST(MQ_ROWS_SUITE, read_end_signaled_at_open_if_the_queue_is_not_empty)
{
    WCHAR name[MQ_NAME_CHARS];
    cetest_unique_name(L"mqrow", name, MQ_NAME_CHARS);
    HANDLE w = named(name, MSGQUEUE_ALLOW_BROKEN, 4, FALSE, ERROR_SUCCESS);
    REQUIRE(w != NULL);
    MQ_EXPECT_WRITE(w, "queued", 0);
    HANDLE r = named(name, 0, 4, TRUE, ERROR_ALREADY_EXISTS);
    if (r) {
        EXPECT_SIGNALED(r, "named read end opened on a queued message");
        MQ_EXPECT_READ(r, "queued", 0);
        EXPECT_RESET(r, TRUE, "drained");
        MQ_CLOSE(r);
    }
    MQ_CLOSE(w);

    /* Unnamed, through OpenMsgQueue; and an empty one opens unsignaled. */
    DWORD err;
    w = mq_create(NULL, MSGQUEUE_ALLOW_BROKEN, 4, 64, FALSE, &err);
    REQUIRE(w != NULL);
    r = mq_open(GetCurrentProcess(), w, TRUE, &err);
    REQUIRE(r != NULL);
    EXPECT_UNSIGNALED(r, "read end opened on an empty queue");
    MQ_CLOSE(r); /* the read end is fully closed: both ends signal... */
    MQ_EXPECT_WRITE(w, "queued", 0);
    r = mq_open(GetCurrentProcess(), w, TRUE, &err);
    REQUIRE(r != NULL);
    EXPECT_SIGNALED(r, "unnamed read end opened on a queued message");
    MQ_EXPECT_READ(r, "queued", 0);
    EXPECT_RESET(r, TRUE, "drained");
    MQ_CLOSE(r);
    r = mq_open(GetCurrentProcess(), w, TRUE, &err);
    REQUIRE(r != NULL);
    /* ... but a new read end is created unsignaled (spec 1.6). */
    EXPECT_UNSIGNALED(r, "read end re-created on an empty queue");
    MQ_CLOSE(r);
    MQ_CLOSE(w);
}

CETEST(MQ_ROWS_SUITE, read_end_signaled_when_the_write_end_is_fully_closed)
{
    WCHAR name[MQ_NAME_CHARS];
    cetest_unique_name(L"mqrow", name, MQ_NAME_CHARS);
    HANDLE r = named(name, 0, 4, TRUE, ERROR_SUCCESS);
    HANDLE w1 = named(name, 0, 4, FALSE, ERROR_ALREADY_EXISTS);
    HANDLE w2 = named(name, 0, 4, FALSE, ERROR_ALREADY_EXISTS);
    REQUIRE(r && w1 && w2);
    MQ_CLOSE(w1);
    EXPECT_UNSIGNALED(r, "one of two write handles closed");
    MQ_CLOSE(w2);
    EXPECT_SIGNALED(r, "write end fully closed");
    EXPECT_READ_ERROR(r, 0, ERROR_PIPE_NOT_CONNECTED);
    EXPECT_SIGNALED(r, "broken: still signaled after the failed read");
    MQ_CLOSE(r);
}

/* A named ALLOW_BROKEN read end (name[MQ_NAME_CHARS]) whose only writer
 * came and went, leaving the queue empty: signaled. */
static HANDLE reader_left_by_its_writer(WCHAR *name)
{
    cetest_unique_name(L"mqrow", name, MQ_NAME_CHARS);
    HANDLE r = named(name, MSGQUEUE_ALLOW_BROKEN, 4, TRUE, ERROR_SUCCESS);
    HANDLE w = named(name, 0, 4, FALSE, ERROR_ALREADY_EXISTS);
    if (w)
        MQ_CLOSE(w);
    if (!r || !w)
        return NULL;
    EXPECT_SIGNALED(r, "write end fully closed, queue empty");
    return r;
}

CETEST(MQ_ROWS_SUITE, read_end_signaled_when_the_write_end_is_fully_closed_allow_broken)
{
    WCHAR name[MQ_NAME_CHARS];
    HANDLE r = reader_left_by_its_writer(name), w;
    REQUIRE(r != NULL);
    /* The program reads: nothing (ALLOW_BROKEN: no error but the timeout),
     * and that read resets the end (docs/decisions.md). */
    EXPECT_READ_ERROR(r, 0, ERROR_TIMEOUT);
    EXPECT_UNSIGNALED(r, "after a read found the queue empty");
    /* Messages left behind survive the close and keep it signaled. */
    w = named(name, 0, 4, FALSE, ERROR_ALREADY_EXISTS);
    REQUIRE(w != NULL);
    EXPECT_UNSIGNALED(r, "a new writer attached");
    MQ_EXPECT_WRITE(w, "left", 0);
    MQ_CLOSE(w);
    EXPECT_SIGNALED(r, "writer gone, a message left");
    MQ_EXPECT_READ(r, "left", 0);
    EXPECT_RESET(r, TRUE, "drained after the writer left");
    MQ_CLOSE(r);
}

/* ---- read end: reset when ------------------------------------------------- */

CETEST(MQ_ROWS_SUITE, read_end_reset_by_the_read_that_empties_the_queue)
{
    HANDLE r, w;
    REQUIRE(MQ_PAIR(NULL, MSGQUEUE_NOPRECOMMIT, 4, 64, &r, &w));
    MQ_EXPECT_WRITE(w, "one", 0);
    MQ_EXPECT_WRITE(w, "two", 0);
    MQ_EXPECT_READ(r, "one", 0);
    EXPECT_SIGNALED(r, "one message left");
    MQ_EXPECT_READ(r, "two", 0);
    EXPECT_RESET(r, TRUE, "the read emptied the queue");
    /* A truncating read consumes too. */
    MQ_EXPECT_WRITE(w, "a long message", 0);
    char small[4];
    t_msg_result res = t_read_msg(r, small, sizeof(small), 0);
    CHECK_MSG(res.ok && res.err == ERROR_INSUFFICIENT_BUFFER, "truncating read: %d, last error %lu", res.ok,
              res.err);
    EXPECT_RESET(r, TRUE, "a truncating read emptied the queue");
    MQ_CLOSE(w);
    MQ_CLOSE(r);
}

CETEST(MQ_ROWS_SUITE, read_end_reset_at_the_start_of_an_internal_wait)
{
    WCHAR name[MQ_NAME_CHARS];
    HANDLE r = reader_left_by_its_writer(name);
    REQUIRE(r != NULL);
    EXPECT_READ_ERROR(r, 100, ERROR_TIMEOUT); /* waits inside: resets */
    EXPECT_UNSIGNALED(r, "after a read that waited");
    MQ_CLOSE(r);
}

/* ---- write end: signaled when --------------------------------------------- */

CETEST(MQ_ROWS_SUITE, write_end_signaled_at_creation)
{
    WCHAR name[MQ_NAME_CHARS];
    cetest_unique_name(L"mqrow", name, MQ_NAME_CHARS);
    /* Even with no reader yet (spec 1.6: created signaled); the write fails. */
    HANDLE w = named(name, 0, 4, FALSE, ERROR_SUCCESS);
    REQUIRE(w != NULL);
    EXPECT_SIGNALED(w, "named write end, no reader yet");
    t_msg_result res = t_write_msg(w, "nobody", 6, 0, 0);
    CHECK_MSG(!res.ok && res.err == ERROR_PIPE_NOT_CONNECTED, "write with no reader: %d, last error %lu", res.ok,
              res.err);
    EXPECT_SIGNALED(w, "after the failed write");
    HANDLE r = named(name, 0, 4, TRUE, ERROR_ALREADY_EXISTS);
    EXPECT_SIGNALED(w, "a reader attached");
    if (r)
        MQ_CLOSE(r);
    MQ_CLOSE(w);
    DWORD err;
    w = mq_create(NULL, 0, 4, 64, FALSE, &err);
    REQUIRE(w != NULL);
    EXPECT_SIGNALED(w, "unnamed write end");
    MQ_CLOSE(w);
}

CETEST(MQ_ROWS_SUITE, write_end_signaled_after_every_read_and_reset_by_the_filling_write)
{
    HANDLE r, w;
    REQUIRE(MQ_PAIR(NULL, 0, 2, 64, &r, &w));
    MQ_EXPECT_WRITE(w, "1", 0);
    EXPECT_SIGNALED(w, "room for one more");
    MQ_EXPECT_WRITE(w, "2", 0);
    EXPECT_RESET(w, FALSE, "the write filled the queue");
    MQ_EXPECT_READ(r, "1", 0);
    EXPECT_SIGNALED(w, "a read made room");
    MQ_EXPECT_WRITE(w, "3", 0);
    EXPECT_RESET(w, FALSE, "filled again");
    MQ_EXPECT_READ(r, "2", 0);
    MQ_EXPECT_READ(r, "3", 0);
    EXPECT_SIGNALED(w, "drained");
    MQ_CLOSE(w);
    MQ_CLOSE(r);
}

static void write_end_when_read_end_fully_closed(DWORD flags)
{
    HANDLE r, w;
    REQUIRE(MQ_PAIR(NULL, flags, 1, 64, &r, &w));
    MQ_EXPECT_WRITE(w, "full", 0);
    EXPECT_RESET(w, FALSE, "full");
    MQ_CLOSE(r);
    EXPECT_SIGNALED(w, "read end fully closed");
    t_msg_result res = t_write_msg(w, "more", 4, 0, 0);
    if (flags & MSGQUEUE_ALLOW_BROKEN) {
        /* Still full: the write finds no room and resets the end. */
        CHECK_MSG(!res.ok && res.err == ERROR_TIMEOUT, "write: %d, last error %lu", res.ok, res.err);
        EXPECT_UNSIGNALED(w, "after a write found the queue full");
    } else {
        CHECK_MSG(!res.ok && res.err == ERROR_PIPE_NOT_CONNECTED, "write: %d, last error %lu", res.ok, res.err);
        EXPECT_SIGNALED(w, "broken: still signaled after the failed write");
    }
    MQ_CLOSE(w);
}

CETEST(MQ_ROWS_SUITE, write_end_signaled_when_the_read_end_is_fully_closed)
{
    write_end_when_read_end_fully_closed(0);
}

CETEST(MQ_ROWS_SUITE, write_end_signaled_when_the_read_end_is_fully_closed_allow_broken)
{
    write_end_when_read_end_fully_closed(MSGQUEUE_ALLOW_BROKEN);
}

/* ---- write end: reset when ------------------------------------------------ */

CETEST(MQ_ROWS_SUITE, write_end_reset_at_the_start_of_an_internal_wait)
{
    HANDLE r, w;
    REQUIRE(MQ_PAIR(NULL, MSGQUEUE_ALLOW_BROKEN, 1, 64, &r, &w));
    MQ_EXPECT_WRITE(w, "full", 0);
    MQ_CLOSE(r);
    EXPECT_SIGNALED(w, "read end fully closed, queue full");
    t_msg_result res = t_write_msg(w, "more", 4, 100, 0); /* waits inside: resets */
    CHECK_MSG(!res.ok && res.err == ERROR_TIMEOUT, "write(100): %d, last error %lu, %llu ms", res.ok, res.err,
              res.ms);
    EXPECT_UNSIGNALED(w, "after a write that waited");
    MQ_CLOSE(w);
}

/* ---- not in the table: no row, no signal ------------------------------------ */

CETEST(MQ_ROWS_SUITE, closing_one_of_two_handles_of_an_end_signals_nothing)
{
    HANDLE r, w;
    DWORD err;
    REQUIRE(MQ_PAIR(NULL, 0, 1, 64, &r, &w));
    HANDLE r2 = mq_open(GetCurrentProcess(), w, TRUE, &err);
    HANDLE w2 = mq_open(GetCurrentProcess(), r, FALSE, &err);
    REQUIRE(r2 && w2);
    MQ_CLOSE(r2);
    EXPECT_UNSIGNALED(r, "one of two read handles closed, queue empty");
    MQ_EXPECT_WRITE(w, "full", 0);
    EXPECT_RESET(w2, FALSE, "full");
    MQ_CLOSE(w);
    EXPECT_UNSIGNALED(w2, "one of two write handles closed, queue full");
    EXPECT_SIGNALED(r, "a message queued");
    MQ_EXPECT_READ(r, "full", 0);
    MQ_CLOSE(w2);
    MQ_CLOSE(r);
}

/* ---- a wait is satisfied by a signal it saw, even if reset since ---------- */

typedef struct row_waiter {
    HANDLE h;
    DWORD result;
    ULONGLONG ms;
} row_waiter;

static DWORD WINAPI row_waiter_thread(void *arg)
{
    row_waiter *p = arg;
    ULONGLONG start = cetest_now_ms();
    p->result = WaitForSingleObject(p->h, 8000); /* this file's routing */
    p->ms = cetest_now_ms() - start;
    return 0;
}

/* One thread waits on the read end while another is blocked reading it:
 * the write wakes both, though the reader empties the queue at once. */
static void waiter_beside_a_blocked_reader(BOOL close_writer)
{
    HANDLE r, w;
    REQUIRE(MQ_PAIR(NULL, MSGQUEUE_ALLOW_BROKEN, 4, 64, &r, &w));
    mq_call *reader = mq_call_start(MQ_OP_READ, r, 3000, NULL, 64, 0, 0);
    REQUIRE(reader != NULL);
    row_waiter p = { r, 0xdeadbeef, 0 };
    HANDLE t = CreateThread(NULL, 0, row_waiter_thread, &p, 0, NULL);
    REQUIRE(t != NULL);
    Sleep(300); /* both blocked */
    if (close_writer)
        MQ_CLOSE(w);
    else
        MQ_EXPECT_WRITE(w, "wake", 0);
    if (CHECK_EQ(WaitForSingleObject(t, 10000), WAIT_OBJECT_0))
        CHECK_MSG(p.result == WAIT_OBJECT_0, "the waiter got 0x%lx after %llu ms (%s after 300 ms)",
                  p.result, p.ms, close_writer ? "write end closed" : "message written");
    CloseHandle(t);
    if (CHECK(mq_call_finish(reader, 10000))) {
        if (close_writer)
            CHECK_MSG(!reader->ok && reader->err == ERROR_TIMEOUT, "reader: %d, last error %lu", reader->ok,
                      reader->err);
        else
            CHECK_MSG(reader->ok && reader->bytes == 4, "reader: %d, last error %lu, %lu bytes", reader->ok,
                      reader->err, reader->bytes);
    }
    mq_call_free(reader);
    if (!close_writer)
        MQ_CLOSE(w);
    MQ_CLOSE(r);
}

CETEST(MQ_ROWS_SUITE, wait_beside_a_blocked_reader_sees_the_write)
{
    waiter_beside_a_blocked_reader(FALSE);
}

CETEST(MQ_ROWS_SUITE, wait_beside_a_blocked_reader_sees_the_write_end_close)
{
    waiter_beside_a_blocked_reader(TRUE);
}
