/*
 * mq_wait.c - queue handles are waitable: the read end while messages are
 * queued, the write end while there is room.
 */
#include "mq_test.h"

#include <string.h>

static void check_wait_at(HANDLE h, DWORD timeout, DWORD expected, const char *file, int line)
{
    ULONGLONG start = cetest_now_ms();
    SetLastError(0xdeadbeef);
    DWORD got = WaitForSingleObject(h, timeout);
    ULONGLONG took = cetest_now_ms() - start;
    cetest_check(got == expected, file, line, "WaitForSingleObject(h, timeout) == expected",
                 "timeout %lu: got 0x%lx (last error %lu), expected 0x%lx", timeout, got,
                 GetLastError(), expected);
    if (expected == WAIT_TIMEOUT && timeout >= 100)
        cetest_check(took + 10 >= timeout && took < timeout + 2000, file, line, "wait duration",
                     "timeout %lu took %llu ms", timeout, took);
    if (expected == WAIT_OBJECT_0)
        cetest_check(took < 1000, file, line, "signaled wait returns at once", "took %llu ms", took);
}
#define CHECK_WAIT(h, timeout, expected) check_wait_at((h), (timeout), (expected), __FILE__, __LINE__)

CETEST(mq_wait, read_end_signaled_while_messages_are_queued)
{
    HANDLE r, w;
    REQUIRE(MQ_PAIR(NULL, 0, 8, 64, &r, &w));
    CHECK_WAIT(r, 0, WAIT_TIMEOUT);
    CHECK_WAIT(r, 100, WAIT_TIMEOUT);
    MQ_EXPECT_WRITE(w, "one", 0);
    CHECK_WAIT(r, 0, WAIT_OBJECT_0);
    CHECK_WAIT(r, 100, WAIT_OBJECT_0); /* a wait does not consume the signal */
    MQ_EXPECT_WRITE(w, "two", 0);
    MQ_EXPECT_READ(r, "one", 0);
    CHECK_WAIT(r, 0, WAIT_OBJECT_0);   /* one left */
    MQ_EXPECT_READ(r, "two", 0);
    CHECK_WAIT(r, 0, WAIT_TIMEOUT);    /* drained */
    CHECK_WAIT(r, 100, WAIT_TIMEOUT);
    MQ_CLOSE(w);
    MQ_CLOSE(r);
}

CETEST(mq_wait, read_end_signaled_by_an_alert)
{
    HANDLE r, w;
    WCHAR name[MQ_NAME_CHARS];
    REQUIRE(MQ_PAIR(cetest_unique_name(L"mq", name, MQ_NAME_CHARS), 0, 8, 64, &r, &w));
    MQ_EXPECT_WRITE(w, "alert", MSGQUEUE_MSGALERT);
    CHECK_WAIT(r, 0, WAIT_OBJECT_0);
    MQ_EXPECT_WRITE(w, "normal", 0);
    MQ_EXPECT_READ(r, "alert", MSGQUEUE_MSGALERT);
    CHECK_WAIT(r, 0, WAIT_OBJECT_0);   /* the normal one is left */
    MQ_EXPECT_READ(r, "normal", 0);
    CHECK_WAIT(r, 0, WAIT_TIMEOUT);
    /* Normal first, alert after: still signaled until both are read. */
    MQ_EXPECT_WRITE(w, "normal", 0);
    MQ_EXPECT_WRITE(w, "alert", MSGQUEUE_MSGALERT);
    MQ_EXPECT_READ(r, "alert", MSGQUEUE_MSGALERT);
    CHECK_WAIT(r, 0, WAIT_OBJECT_0);
    MQ_EXPECT_READ(r, "normal", 0);
    CHECK_WAIT(r, 0, WAIT_TIMEOUT);
    MQ_CLOSE(w);
    MQ_CLOSE(r);
}

CETEST(mq_wait, read_end_unsignaled_after_truncating_read_and_timeouts)
{
    HANDLE r, w;
    REQUIRE(MQ_PAIR(NULL, MSGQUEUE_NOPRECOMMIT, 8, 64, &r, &w));
    MQ_EXPECT_WRITE(w, "a long message", 0);
    char buf[4];
    t_msg_result res = t_read_msg(r, buf, sizeof(buf), 0);
    CHECK(res.ok);
    CHECK_EQ(res.err, ERROR_INSUFFICIENT_BUFFER);
    CHECK_WAIT(r, 0, WAIT_TIMEOUT);
    /* A timed-out read leaves it unsignaled. */
    res = t_read_msg(r, buf, sizeof(buf), 50);
    CHECK(!res.ok);
    CHECK_EQ(res.err, ERROR_TIMEOUT);
    CHECK_WAIT(r, 0, WAIT_TIMEOUT);
    MQ_CLOSE(w);
    MQ_CLOSE(r);
}

CETEST(mq_wait, all_read_handles_share_the_signal)
{
    HANDLE r, w;
    DWORD err;
    WCHAR name[MQ_NAME_CHARS];
    REQUIRE(MQ_PAIR(cetest_unique_name(L"mq", name, MQ_NAME_CHARS), 0, 8, 64, &r, &w));
    HANDLE r2 = mq_create(name, 0, 8, 64, TRUE, &err);
    REQUIRE(r2 != NULL);
    HANDLE r3 = mq_open(GetCurrentProcess(), w, TRUE, &err);
    CHECK_PTR_NE(r3, NULL);
    MQ_EXPECT_WRITE(w, "x", 0);
    CHECK_WAIT(r, 0, WAIT_OBJECT_0);
    CHECK_WAIT(r2, 0, WAIT_OBJECT_0);
    if (r3)
        CHECK_WAIT(r3, 0, WAIT_OBJECT_0);
    MQ_EXPECT_READ(r2, "x", 0);
    CHECK_WAIT(r, 0, WAIT_TIMEOUT);
    CHECK_WAIT(r2, 0, WAIT_TIMEOUT);
    if (r3) {
        CHECK_WAIT(r3, 0, WAIT_TIMEOUT);
        MQ_CLOSE(r3);
    }
    MQ_CLOSE(r2);
    MQ_CLOSE(w);
    MQ_CLOSE(r);
}

CETEST(mq_wait, read_end_opened_on_a_non_empty_queue_is_signaled)
{
    WCHAR name[MQ_NAME_CHARS];
    DWORD err;
    HANDLE w = mq_create(cetest_unique_name(L"mq", name, MQ_NAME_CHARS), MSGQUEUE_ALLOW_BROKEN, 4, 64,
                         FALSE, &err);
    REQUIRE(w != NULL);
    MQ_EXPECT_WRITE(w, "waiting", 0);
    HANDLE r = mq_create(name, 0, 4, 64, TRUE, &err);
    REQUIRE(r != NULL);
    CHECK_EQ(err, ERROR_ALREADY_EXISTS);
    CHECK_WAIT(r, 0, WAIT_OBJECT_0);
    MQ_EXPECT_READ(r, "waiting", 0);
    CHECK_WAIT(r, 0, WAIT_TIMEOUT);
    MQ_CLOSE(r);
    MQ_CLOSE(w);
}

CETEST(mq_wait, write_end_signaled_while_there_is_room)
{
    HANDLE r, w;
    REQUIRE(MQ_PAIR(NULL, 0, 2, 64, &r, &w));
    CHECK_WAIT(w, 0, WAIT_OBJECT_0);
    MQ_EXPECT_WRITE(w, "1", 0);
    CHECK_WAIT(w, 0, WAIT_OBJECT_0);
    MQ_EXPECT_WRITE(w, "2", 0);
    CHECK_WAIT(w, 0, WAIT_TIMEOUT);     /* full */
    CHECK_WAIT(w, 100, WAIT_TIMEOUT);
    /* An alert still fits (own slot), and does not make the end signaled. */
    MQ_EXPECT_WRITE(w, "alert", MSGQUEUE_MSGALERT);
    CHECK_WAIT(w, 0, WAIT_TIMEOUT);
    MQ_EXPECT_READ(r, "alert", MSGQUEUE_MSGALERT);
    MQ_EXPECT_READ(r, "1", 0);
    CHECK_WAIT(w, 0, WAIT_OBJECT_0);    /* room again */
    MQ_EXPECT_READ(r, "2", 0);
    CHECK_WAIT(w, 0, WAIT_OBJECT_0);
    MQ_CLOSE(w);
    MQ_CLOSE(r);
}

CETEST(mq_wait, write_end_of_unbounded_queue_stays_signaled)
{
    HANDLE r, w;
    REQUIRE(MQ_PAIR(NULL, 0, 0, 16, &r, &w));
    for (int i = 0; i < 100; i++)
        MQ_EXPECT_WRITE(w, "payload", 0);
    CHECK_WAIT(w, 0, WAIT_OBJECT_0);
    CHECK_WAIT(r, 0, WAIT_OBJECT_0);
    MQ_CLOSE(w);
    MQ_CLOSE(r);
}

CETEST(mq_wait, wait_on_read_end_wakes_on_write_from_another_thread)
{
    HANDLE r, w;
    REQUIRE(MQ_PAIR(NULL, 0, 4, 64, &r, &w));
    mq_call *c = mq_call_start(MQ_OP_WRITE, w, 1000, "late", 4, 0, 300);
    REQUIRE(c != NULL);
    ULONGLONG start = cetest_now_ms();
    DWORD got = WaitForSingleObject(r, 5000);
    ULONGLONG took = cetest_now_ms() - start;
    CHECK_EQ(got, WAIT_OBJECT_0);
    CHECK_MSG(took >= 200 && took < 2500, "woke after %llu ms (write after 300 ms)", took);
    if (CHECK(mq_call_finish(c, 3000)))
        CHECK_MSG(c->ok, "write: error %lu", c->err);
    mq_call_free(c);
    MQ_EXPECT_READ(r, "late", 0);
    MQ_CLOSE(w);
    MQ_CLOSE(r);
}

CETEST(mq_wait, wait_on_write_end_wakes_on_read_from_another_thread)
{
    HANDLE r, w;
    REQUIRE(MQ_PAIR(NULL, 0, 1, 64, &r, &w));
    MQ_EXPECT_WRITE(w, "full", 0);
    mq_call *c = mq_call_start(MQ_OP_READ, r, 1000, NULL, 64, 0, 300);
    REQUIRE(c != NULL);
    ULONGLONG start = cetest_now_ms();
    DWORD got = WaitForSingleObject(w, 5000);
    ULONGLONG took = cetest_now_ms() - start;
    CHECK_EQ(got, WAIT_OBJECT_0);
    CHECK_MSG(took >= 200 && took < 2500, "woke after %llu ms (read after 300 ms)", took);
    if (CHECK(mq_call_finish(c, 3000))) {
        CHECK_MSG(c->ok, "read: error %lu", c->err);
        CHECK_EQ(c->bytes, 4);
    }
    mq_call_free(c);
    MQ_EXPECT_WRITE(w, "room", 0);
    MQ_EXPECT_READ(r, "room", 0);
    MQ_CLOSE(w);
    MQ_CLOSE(r);
}

/* WaitForMultipleObjects in a helper thread, so that a wait which never
 * returns fails the test instead of hanging it. */
typedef struct wfmo_call {
    DWORD count;
    HANDLE handles[4];
    BOOL wait_all;
    DWORD timeout;
    DWORD result;
    ULONGLONG ms;
} wfmo_call;

static DWORD WINAPI wfmo_thread(void *arg)
{
    wfmo_call *c = arg;
    ULONGLONG start = cetest_now_ms();
    c->result = WaitForMultipleObjects(c->count, c->handles, c->wait_all, c->timeout);
    c->ms = cetest_now_ms() - start;
    return 0;
}

/* Returns the result, or 0xFFFF0000 (and a recorded failure) if the call is
 * still running timeout + 3 s later (its block is then leaked on purpose). */
static DWORD wfmo_at(DWORD count, HANDLE h0, HANDLE h1, BOOL wait_all, DWORD timeout, ULONGLONG *ms,
                     const char *file, int line)
{
    wfmo_call *c = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*c));
    if (!c)
        return 0xFFFF0001;
    c->count = count;
    c->handles[0] = h0;
    c->handles[1] = h1;
    c->wait_all = wait_all;
    c->timeout = timeout;
    HANDLE t = CreateThread(NULL, 0, wfmo_thread, c, 0, NULL);
    if (!t)
        return 0xFFFF0002;
    if (!cetest_check(WaitForSingleObject(t, timeout + 3000) == WAIT_OBJECT_0, file, line,
                      "WaitForMultipleObjects returns", "WaitForMultipleObjects(%lu, wait_all %d, %lu ms) "
                      "still running %lu ms later", count, wait_all, timeout, timeout + 3000)) {
        CloseHandle(t);
        return 0xFFFF0000;
    }
    CloseHandle(t);
    DWORD result = c->result;
    if (ms)
        *ms = c->ms;
    HeapFree(GetProcessHeap(), 0, c);
    return result;
}
#define WFMO(n, h0, h1, all, timeout, ms) wfmo_at((n), (h0), (h1), (all), (timeout), (ms), __FILE__, __LINE__)

CETEST(mq_wait, wfmo_times_out_when_nothing_is_signaled)
{
    HANDLE r, w;
    REQUIRE(MQ_PAIR(NULL, 0, 4, 64, &r, &w));
    HANDLE ev = CreateEventW(NULL, TRUE, FALSE, NULL);
    REQUIRE(ev != NULL);
    ULONGLONG took = 0;
    CHECK_EQ(WFMO(2, ev, r, FALSE, 0, &took), WAIT_TIMEOUT);
    if (CHECK_EQ(WFMO(2, ev, r, FALSE, 100, &took), WAIT_TIMEOUT))
        CHECK_MSG(took >= 90 && took < 2000, "took %llu ms", took);
    if (CHECK_EQ(WFMO(2, r, ev, TRUE, 100, &took), WAIT_TIMEOUT))
        CHECK_MSG(took >= 90 && took < 2000, "took %llu ms", took);
    CloseHandle(ev);
    MQ_CLOSE(w);
    MQ_CLOSE(r);
}

CETEST(mq_wait, wfmo_returns_the_queue_index_on_a_message_from_a_thread)
{
    HANDLE r, w;
    WCHAR name[MQ_NAME_CHARS];
    REQUIRE(MQ_PAIR(cetest_unique_name(L"mq", name, MQ_NAME_CHARS), 0, 4, 64, &r, &w));
    HANDLE ev = CreateEventW(NULL, TRUE, FALSE, NULL);
    REQUIRE(ev != NULL);
    mq_call *c = mq_call_start(MQ_OP_WRITE, w, 1000, "multi", 5, 0, 200);
    REQUIRE(c != NULL);
    ULONGLONG took = 0;
    if (CHECK_EQ(WFMO(2, ev, r, FALSE, 5000, &took), WAIT_OBJECT_0 + 1))
        CHECK_MSG(took >= 100 && took < 2500, "took %llu ms (message written after 200 ms)", took);
    CHECK(mq_call_finish(c, 3000));
    mq_call_free(c);
    /* Still signaled (a wait does not consume), until read. */
    CHECK_EQ(WFMO(2, ev, r, FALSE, 0, NULL), WAIT_OBJECT_0 + 1);
    MQ_EXPECT_READ(r, "multi", 0);
    CHECK_EQ(WFMO(2, ev, r, FALSE, 0, NULL), WAIT_TIMEOUT);
    CloseHandle(ev);
    MQ_CLOSE(w);
    MQ_CLOSE(r);
}

CETEST(mq_wait, wfmo_returns_the_event_index_when_only_the_event_is_set)
{
    HANDLE r, w;
    REQUIRE(MQ_PAIR(NULL, 0, 4, 64, &r, &w));
    HANDLE ev = CreateEventW(NULL, TRUE, TRUE, NULL);
    REQUIRE(ev != NULL);
    CHECK_EQ(WFMO(2, ev, r, FALSE, 0, NULL), WAIT_OBJECT_0);
    CHECK_EQ(WFMO(2, ev, r, FALSE, 100, NULL), WAIT_OBJECT_0);
    CHECK_EQ(WFMO(2, r, ev, FALSE, 0, NULL), WAIT_OBJECT_0 + 1);
    CHECK_EQ(WFMO(2, r, ev, FALSE, 100, NULL), WAIT_OBJECT_0 + 1);
    /* Both signaled: the lowest index wins. */
    MQ_EXPECT_WRITE(w, "both", 0);
    CHECK_EQ(WFMO(2, r, ev, FALSE, 0, NULL), WAIT_OBJECT_0);
    CHECK_EQ(WFMO(2, ev, r, FALSE, 0, NULL), WAIT_OBJECT_0);
    MQ_EXPECT_READ(r, "both", 0);
    CloseHandle(ev);
    MQ_CLOSE(w);
    MQ_CLOSE(r);
}

CETEST(mq_wait, wfmo_event_set_by_a_thread_wakes_a_wait_including_a_queue)
{
    HANDLE r, w;
    REQUIRE(MQ_PAIR(NULL, 0, 4, 64, &r, &w));
    HANDLE ev = CreateEventW(NULL, TRUE, FALSE, NULL);
    REQUIRE(ev != NULL);
    wfmo_call *c = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*c));
    REQUIRE(c != NULL);
    c->count = 2;
    c->handles[0] = r;
    c->handles[1] = ev;
    c->timeout = 5000;
    HANDLE t = CreateThread(NULL, 0, wfmo_thread, c, 0, NULL);
    REQUIRE(t != NULL);
    Sleep(200);
    SetEvent(ev);
    if (CHECK(WaitForSingleObject(t, 8000) == WAIT_OBJECT_0)) {
        CHECK_EQ(c->result, WAIT_OBJECT_0 + 1);
        CHECK_MSG(c->ms >= 100 && c->ms < 2500, "took %llu ms (event set after 200 ms)", c->ms);
        HeapFree(GetProcessHeap(), 0, c);
    }
    CloseHandle(t);
    CloseHandle(ev);
    MQ_CLOSE(w);
    MQ_CLOSE(r);
}

CETEST(mq_wait, wfmo_wait_all_with_a_queue_and_an_event)
{
    HANDLE r, w;
    REQUIRE(MQ_PAIR(NULL, 0, 4, 64, &r, &w));
    HANDLE ev = CreateEventW(NULL, TRUE, FALSE, NULL);
    REQUIRE(ev != NULL);
    MQ_EXPECT_WRITE(w, "all", 0);
    /* Queue ready, event not: wait-all times out. */
    ULONGLONG took = 0;
    CHECK_EQ(WFMO(2, r, ev, TRUE, 0, NULL), WAIT_TIMEOUT);
    if (CHECK_EQ(WFMO(2, r, ev, TRUE, 100, &took), WAIT_TIMEOUT))
        CHECK_MSG(took >= 90 && took < 2000, "took %llu ms", took);
    /* Event set, queue empty: times out too. */
    SetEvent(ev);
    MQ_EXPECT_READ(r, "all", 0);
    CHECK_EQ(WFMO(2, r, ev, TRUE, 0, NULL), WAIT_TIMEOUT);
    CHECK_EQ(WFMO(2, r, ev, TRUE, 100, NULL), WAIT_TIMEOUT);
    /* Both. */
    MQ_EXPECT_WRITE(w, "all", 0);
    CHECK_EQ(WFMO(2, r, ev, TRUE, 0, NULL), WAIT_OBJECT_0);
    CHECK_EQ(WFMO(2, ev, r, TRUE, 100, NULL), WAIT_OBJECT_0);
    MQ_EXPECT_READ(r, "all", 0);
    CloseHandle(ev);
    MQ_CLOSE(w);
    MQ_CLOSE(r);
}

CETEST(mq_wait, wfmo_read_and_write_end_of_one_queue)
{
    HANDLE r, w;
    REQUIRE(MQ_PAIR(NULL, 0, 1, 64, &r, &w));
    CHECK_EQ(WFMO(2, r, w, FALSE, 0, NULL), WAIT_OBJECT_0 + 1); /* empty: room only */
    MQ_EXPECT_WRITE(w, "x", 0);
    CHECK_EQ(WFMO(2, r, w, FALSE, 0, NULL), WAIT_OBJECT_0);     /* full: message only */
    CHECK_EQ(WFMO(2, w, r, FALSE, 0, NULL), WAIT_OBJECT_0 + 1);
    MQ_EXPECT_READ(r, "x", 0);
    MQ_CLOSE(w);
    MQ_CLOSE(r);
}

/* The usual CE consumer: wait on the handle, then read until empty, while a
 * thread writes a message every 20 ms. */
typedef struct paced_writer {
    HANDLE w;
    int count;
    int sent;
    DWORD error;
} paced_writer;

static DWORD WINAPI paced_write(void *arg)
{
    paced_writer *p = arg;
    for (p->sent = 0; p->sent < p->count; p->sent++) {
        char msg[8] = "msg-";
        msg[4] = (char)('A' + p->sent);
        Sleep(20);
        if (!WriteMsgQueue(p->w, msg, 5, 2000, 0)) {
            p->error = GetLastError();
            break;
        }
    }
    return 0;
}

CETEST(mq_wait, wait_then_read_loop)
{
    HANDLE r, w;
    REQUIRE(MQ_PAIR(NULL, 0, 4, 64, &r, &w));
    enum { N = 20 };
    paced_writer p = { w, N, 0, 0 };
    HANDLE t = CreateThread(NULL, 0, paced_write, &p, 0, NULL);
    REQUIRE(t != NULL);
    int got = 0, empty_wakeups = 0;
    ULONGLONG deadline = cetest_now_ms() + 10000;
    while (got < N && cetest_now_ms() < deadline) {
        if (WaitForSingleObject(r, 2000) != WAIT_OBJECT_0)
            continue;
        for (int n = 0;; n++) {
            char buf[16];
            t_msg_result res = t_read_msg(r, buf, sizeof(buf), 0);
            if (!res.ok) {
                CHECK_EQ(res.err, ERROR_TIMEOUT);
                /* This thread is the only reader: signaled means non-empty. */
                if (n == 0)
                    empty_wakeups++;
                break;
            }
            CHECK_EQ(res.bytes, 5);
            CHECK_MSG(memcmp(buf, "msg-", 4) == 0 && buf[4] == 'A' + got, "message %d is \"%.5s\"", got, buf);
            got++;
        }
    }
    CHECK_INT_EQ(got, N);
    CHECK_MSG(empty_wakeups == 0, "%d waits returned WAIT_OBJECT_0 on an empty queue", empty_wakeups);
    CHECK_EQ(WaitForSingleObject(t, 5000), WAIT_OBJECT_0);
    CHECK_INT_EQ(p.sent, N);
    CHECK_EQ(p.error, 0);
    CloseHandle(t);
    MQ_CLOSE(w);
    MQ_CLOSE(r);
}
