/*
 * mq_idioms_loops.c - the loops CE programs run on queue handles: one wait
 * over several queues and a stop event, and notification loops that read
 * with timeout 0 until ERROR_TIMEOUT after each wake.
 */
#include "mq_test.h"

#include <stdio.h>
#include <string.h>

static void expect_wfmo_at(DWORD n, const HANDLE *hs, DWORD timeout, DWORD expected, const char *what,
                           const char *file, int line)
{
    ULONGLONG start = cetest_now_ms();
    SetLastError(0xdeadbeef);
    DWORD got = WaitForMultipleObjects(n, hs, FALSE, timeout);
    DWORD err = GetLastError();
    cetest_check(got == expected, file, line, "WaitForMultipleObjects(...) == expected",
                 "%s: got 0x%lx (last error %lu) after %llu ms, expected 0x%lx", what, got, err,
                 cetest_now_ms() - start, expected);
}
#define EXPECT_WFMO(n, hs, timeout, expected, what) \
    expect_wfmo_at((n), (hs), (timeout), (expected), (what), __FILE__, __LINE__)

/* A service's main wait: three queues (one whose writer has not attached
 * yet) and a stop event. */
CETEST(mq_idioms_loops, wait_for_multiple_queues_and_an_event)
{
    WCHAR name[MQ_NAME_CHARS];
    DWORD err;
    HANDLE lonely = mq_create(cetest_unique_name(L"mqloop", name, MQ_NAME_CHARS), 0, 4, 64, TRUE, &err);
    REQUIRE(lonely != NULL);
    HANDLE rb, wb, rc, wc;
    REQUIRE(MQ_PAIR(NULL, 0, 4, 64, &rb, &wb));
    REQUIRE(MQ_PAIR(NULL, MSGQUEUE_ALLOW_BROKEN, 4, 64, &rc, &wc));
    HANDLE stop = CreateEventW(NULL, TRUE, FALSE, NULL);
    REQUIRE(stop != NULL);
    HANDLE hs[4] = { lonely, rb, rc, stop };

    EXPECT_WFMO(4, hs, 0, WAIT_TIMEOUT, "nothing written, one queue without a writer");
    EXPECT_WFMO(4, hs, 200, WAIT_TIMEOUT, "nothing written, one queue without a writer");
    MQ_EXPECT_WRITE(wc, "to c", 0);
    EXPECT_WFMO(4, hs, 0, WAIT_OBJECT_0 + 2, "a message in queue c");
    MQ_EXPECT_READ(rc, "to c", 0);
    EXPECT_WFMO(4, hs, 0, WAIT_TIMEOUT, "queue c drained");

    /* A message written by another thread while the wait sleeps. */
    mq_call *c = mq_call_start(MQ_OP_WRITE, wb, 1000, "to b", 4, 0, 200);
    REQUIRE(c != NULL);
    EXPECT_WFMO(4, hs, STEP_BOUND, WAIT_OBJECT_0 + 1, "a message written to b after 200 ms");
    CHECK(mq_call_finish(c, STEP_BOUND));
    mq_call_free(c);
    MQ_EXPECT_READ(rb, "to b", 0);

    /* The writer of the lonely queue attaches: no signal until it writes. */
    HANDLE wl = mq_create(name, 0, 4, 64, FALSE, &err);
    CHECK_MSG(wl != NULL && err == ERROR_ALREADY_EXISTS, "writer of the lonely queue: %p, last error %lu", wl, err);
    EXPECT_WFMO(4, hs, 0, WAIT_TIMEOUT, "a writer attached, nothing written");
    if (wl) {
        MQ_EXPECT_WRITE(wl, "at last", 0);
        EXPECT_WFMO(4, hs, 0, WAIT_OBJECT_0, "the lonely queue got a message");
        MQ_EXPECT_READ(lonely, "at last", 0);
    }

    SetEvent(stop);
    EXPECT_WFMO(4, hs, 0, WAIT_OBJECT_0 + 3, "stop event");
    ResetEvent(stop);

    /* A writer leaving signals its queue: b is broken, c (ALLOW_BROKEN) not. */
    MQ_CLOSE(wc);
    EXPECT_WFMO(4, hs, 0, WAIT_OBJECT_0 + 2, "writer of c gone");
    char buf[16];
    t_msg_result res = t_read_msg(rc, buf, sizeof(buf), 0);
    CHECK_MSG(!res.ok && res.err == ERROR_TIMEOUT, "read c: %d, last error %lu", res.ok, res.err);
    EXPECT_WFMO(4, hs, 0, WAIT_TIMEOUT, "c read after its writer left");
    MQ_CLOSE(wb);
    EXPECT_WFMO(4, hs, 0, WAIT_OBJECT_0 + 1, "writer of b gone");
    res = t_read_msg(rb, buf, sizeof(buf), 0);
    CHECK_MSG(!res.ok && res.err == ERROR_PIPE_NOT_CONNECTED, "read b: %d, last error %lu", res.ok, res.err);

    CloseHandle(stop);
    if (wl)
        MQ_CLOSE(wl);
    MQ_CLOSE(rc);
    MQ_CLOSE(rb);
    MQ_CLOSE(lonely);
}

/* Writes bursts of messages, then (optionally) closes the write end once
 * they are read. */
typedef struct burst_writer {
    HANDLE w;
    int bursts, per_burst;
    BOOL close_at_end;
    int sent;
    DWORD error;
} burst_writer;

static DWORD WINAPI burst_write(void *arg)
{
    burst_writer *b = arg;
    for (int i = 0; i < b->bursts && !b->error; i++) {
        Sleep(100);
        for (int k = 0; k < b->per_burst; k++) {
            char msg[16];
            snprintf(msg, sizeof(msg), "n%03d", b->sent);
            if (!WriteMsgQueue(b->w, msg, 4, 2000, 0)) {
                b->error = GetLastError();
                break;
            }
            b->sent++;
        }
    }
    if (!b->close_at_end)
        return 0;
    /* Closing discards unread messages (spec 1.11): let the reader catch up. */
    for (int i = 0; i < 500; i++) {
        MSGQUEUEINFO info;
        if (mq_info(b->w, &info, NULL) && info.dwCurrentMessages == 0)
            break;
        Sleep(10);
    }
    Sleep(50);
    CloseMsgQueue(b->w);
    return 0;
}

/* The notification consumer: wait (with a timeout that ends the loop when
 * nothing comes), then read with timeout 0 until ERROR_TIMEOUT. */
typedef struct consumer {
    int received, wakes, empty_wakes, turns_after_close, in_order;
    DWORD last_error;
} consumer;

static void consume(HANDLE r, consumer *c, int expected, DWORD idle_ms)
{
    c->in_order = 1;
    ULONGLONG deadline = cetest_now_ms() + 15000;
    while (cetest_now_ms() < deadline) {
        if (WaitForSingleObject(r, idle_ms) != WAIT_OBJECT_0)
            break;
        c->wakes++;
        if (c->received == expected)
            c->turns_after_close++;
        int n = 0;
        for (;; n++) {
            char buf[16];
            t_msg_result res = t_read_msg(r, buf, sizeof(buf), 0);
            if (!res.ok) {
                c->last_error = res.err;
                break;
            }
            char want[16];
            snprintf(want, sizeof(want), "n%03d", c->received);
            if (res.bytes != 4 || memcmp(buf, want, 4) != 0)
                c->in_order = 0;
            c->received++;
        }
        if (n == 0)
            c->empty_wakes++;
        if (c->last_error != ERROR_TIMEOUT)
            break;
    }
}

static void notification_loop(DWORD flags, BOOL close_at_end)
{
    HANDLE r, w;
    REQUIRE(MQ_PAIR(NULL, flags, 8, 16, &r, &w));
    burst_writer b = { w, 5, 6, close_at_end, 0, 0 };
    HANDLE t = CreateThread(NULL, 0, burst_write, &b, 0, NULL);
    REQUIRE(t != NULL);
    consumer c = { 0 };
    consume(r, &c, b.bursts * b.per_burst, 1000);
    printf("  consumer: %d messages, %d wakes, %d empty, %d after the end, last error %lu\n", c.received, c.wakes,
           c.empty_wakes, c.turns_after_close, c.last_error);
    CHECK_EQ(WaitForSingleObject(t, STEP_BOUND), WAIT_OBJECT_0);
    CloseHandle(t);
    CHECK_EQ(b.error, 0);
    CHECK_INT_EQ(c.received, 30);
    CHECK(c.in_order);
    CHECK_MSG(c.empty_wakes <= (close_at_end ? 1 : 0), "%d wakes found the queue empty", c.empty_wakes);
    if (!close_at_end) {
        CHECK_EQ(c.last_error, ERROR_TIMEOUT); /* the loop ended on the idle wait */
        MQ_CLOSE(w);
    } else if (flags & MSGQUEUE_ALLOW_BROKEN) {
        /* The writer's close woke the loop once; its read(0) reset the end,
         * so the loop then idled out instead of spinning. */
        CHECK_EQ(c.last_error, ERROR_TIMEOUT);
        CHECK_MSG(c.turns_after_close <= 1, "%d wakes after the writer left", c.turns_after_close);
    } else {
        CHECK_EQ(c.last_error, ERROR_PIPE_NOT_CONNECTED); /* the loop learns the writer left */
    }
    MQ_CLOSE(r);
}

CETEST(mq_idioms_loops, notification_loop_reads_until_timeout) { notification_loop(0, FALSE); }

CETEST(mq_idioms_loops, notification_loop_ends_when_the_writer_leaves) { notification_loop(0, TRUE); }

CETEST(mq_idioms_loops, notification_loop_idles_after_the_writer_leaves_allow_broken)
{
    notification_loop(MSGQUEUE_ALLOW_BROKEN, TRUE);
}
