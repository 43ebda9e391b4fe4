/*
 * mq_idioms.c - message queues used across processes the way CE programs
 * use them: a reader that waits on its handle before the writer exists,
 * either end created first, two processes creating one name, and the
 * server that opens a client's queue handle (spec 1.7). Children are this
 * executable (CETEST_CHILD), started from argv[0].
 */
#include "mq_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static DWORD parse_flags(const char *s) { return (DWORD)strtoul(s, NULL, 16); }

/* A queue name and a base for hand-shake events, unique to this call, in
 * UTF-16 and (for a child's command line) UTF-8. */
typedef struct idiom_names {
    WCHAR name[MQ_NAME_CHARS], base[MQ_NAME_CHARS];
    char name8[MQ_NAME_CHARS * 3], base8[MQ_NAME_CHARS * 3];
} idiom_names;

static void idiom_names_make(idiom_names *n)
{
    cetest_unique_name(L"mqidiom", n->name, MQ_NAME_CHARS);
    cetest_unique_name(L"mqev", n->base, MQ_NAME_CHARS);
    cetest_to_utf8(n->name, n->name8, sizeof(n->name8));
    cetest_to_utf8(n->base, n->base8, sizeof(n->base8));
}

/* In a child: the names its parent passed. */
static void idiom_names_parse(idiom_names *n, const char *name8, const char *base8)
{
    cetest_from_utf8(name8, n->name, MQ_NAME_CHARS);
    cetest_from_utf8(base8, n->base, MQ_NAME_CHARS);
}

/* GetMsgQueueInfo: the queue's parameters and handle counts. */
static void expect_info_at(HANDLE h, DWORD flags, DWORD max, DWORD cb_max, WORD readers, WORD writers,
                           const char *file, int line)
{
    MSGQUEUEINFO info;
    DWORD err;
    BOOL ok = mq_info(h, &info, &err);
    if (!cetest_check(ok, file, line, "GetMsgQueueInfo", "last error %lu", err))
        return;
    cetest_check(info.dwFlags == flags && info.dwMaxMessages == max && info.cbMaxMessage == cb_max &&
                     info.wNumReaders == readers && info.wNumWriters == writers,
                 file, line, "the queue's parameters and counts",
                 "flags 0x%lx max %lu cbMax %lu readers %u writers %u; expected 0x%lx %lu %lu %u %u", info.dwFlags,
                 info.dwMaxMessages, info.cbMaxMessage, info.wNumReaders, info.wNumWriters, flags, max, cb_max,
                 readers, writers);
}
#define EXPECT_INFO(h, flags, max, cb, readers, writers) \
    expect_info_at((h), (flags), (max), (cb), (readers), (writers), __FILE__, __LINE__)

/* The last writer left: a waiting reader wakes, and its read says why
 * (ALLOW_BROKEN: just nothing to read). */
static void expect_writer_left_at(HANDLE r, DWORD flags, const char *file, int line)
{
    SetLastError(0xdeadbeef);
    DWORD got = WaitForSingleObject(r, STEP_BOUND);
    cetest_check(got == WAIT_OBJECT_0, file, line, "the reader wakes when the writer leaves",
                 "WaitForSingleObject: 0x%lx (last error %lu)", got, GetLastError());
    char buf[16];
    t_msg_result res = t_read_msg(r, buf, sizeof(buf), 0);
    DWORD expected = flags & MSGQUEUE_ALLOW_BROKEN ? ERROR_TIMEOUT : ERROR_PIPE_NOT_CONNECTED;
    cetest_check(!res.ok && res.err == expected, file, line, "the read after the writer left fails",
                 "ReadMsgQueue: %d, last error %lu (expected %lu)", res.ok, res.err, expected);
}
#define EXPECT_WRITER_LEFT(r, flags) expect_writer_left_at((r), (flags), __FILE__, __LINE__)

/* A CE reader's main loop: wait on the handle, then read what is there.
 * Counts the messages read, the loop's turns, and the wakes whose read
 * failed (no writer attached yet, or nothing queued). */
typedef struct ce_reader {
    int turns;
    int no_writer_reads;
    int empty_wakes;
    int messages;
    char last[64];
} ce_reader;

static void ce_reader_run(HANDLE r, ce_reader *st, int want, DWORD bound_ms)
{
    ULONGLONG deadline = cetest_now_ms() + bound_ms;
    while (st->messages < want && cetest_now_ms() < deadline) {
        st->turns++;
        if (WaitForSingleObject(r, 1000) != WAIT_OBJECT_0)
            continue;
        char buf[64];
        DWORD n = 0, flags = 0;
        SetLastError(0xdeadbeef);
        if (ReadMsgQueue(r, buf, sizeof(buf) - 1, &n, 0, &flags)) {
            buf[n] = 0;
            memcpy(st->last, buf, n + 1);
            st->messages++;
        } else if (GetLastError() == ERROR_PIPE_NOT_CONNECTED) {
            st->no_writer_reads++;
        } else {
            CHECK_EQ(GetLastError(), ERROR_TIMEOUT);
            st->empty_wakes++;
        }
    }
}

/* argv: name flags base. Attaches a write end 500 ms after "go", writes
 * three messages 200 ms apart, keeps the end until "done". */
CETEST_CHILD(late_writer)
{
    idiom_names n;
    DWORD err;
    REQUIRE(argc == 3);
    idiom_names_parse(&n, argv[0], argv[2]);
    HANDLE go = cetest_open_event(n.base, L"go"), done = cetest_open_event(n.base, L"done");
    WAIT_EVENT(go, "parent's reader loop started");
    Sleep(500);
    HANDLE w = mq_create(n.name, parse_flags(argv[1]), 4, 64, FALSE, &err);
    CHECK_MSG(w != NULL && err == ERROR_ALREADY_EXISTS, "CreateMsgQueue(write): %p, last error %lu", w, err);
    if (w) {
        for (int i = 0; i < 3; i++) {
            char msg[8];
            snprintf(msg, sizeof(msg), "tick-%d", i);
            Sleep(200);
            t_msg_result res = t_write_msg(w, msg, (DWORD)strlen(msg), 1000, 0);
            CHECK_MSG(res.ok, "write %d: last error %lu", i, res.err);
        }
        WAIT_EVENT(done, "parent read the ticks");
        MQ_CLOSE(w);
    }
    mq_close_event(go);
    mq_close_event(done);
}

/* The CE profiler's reader: its queue exists before the writer does. */
static void reader_waits_before_the_writer_exists(DWORD flags)
{
    idiom_names n;
    DWORD err;
    idiom_names_make(&n);
    HANDLE go = cetest_make_event(n.base, L"go"), done = cetest_make_event(n.base, L"done");
    HANDLE r = mq_create(n.name, flags, 4, 64, TRUE, &err);
    REQUIRE(r != NULL);
    SetLastError(0xdeadbeef);
    DWORD w0 = WaitForSingleObject(r, 0);
    CHECK_MSG(w0 == WAIT_TIMEOUT, "wait before any writer: 0x%lx (last error %lu)", w0, GetLastError());
    cetest_proc child;
    REQUIRE(cetest_spawn(&child, 0, "late_writer", "%s %lx %s", n.name8, flags, n.base8));
    SetEvent(go);
    ce_reader st = { 0 };
    ce_reader_run(r, &st, 3, 10000);
    printf("  reader: %d turns, %d messages, %d reads with no writer, %d empty wakes\n", st.turns, st.messages,
           st.no_writer_reads, st.empty_wakes);
    CHECK_INT_EQ(st.messages, 3);
    CHECK_STR_EQ(st.last, "tick-2");
    CHECK_MSG(st.no_writer_reads == 0, "%d wakes to a read with no writer attached", st.no_writer_reads);
    /* Turns: the wakes, and at most one 1 s timeout per second of the run. */
    CHECK_MSG(st.messages + st.no_writer_reads + st.empty_wakes <= 5 && st.turns <= 20,
              "%d turns of the loop for 3 messages (a busy loop?)", st.turns);
    SetEvent(done);
    cetest_wait(&child, CHILD_BOUND);
    EXPECT_WRITER_LEFT(r, flags); /* the child's exit closed its end */
    MQ_CLOSE(r);
    mq_close_event(go);
    mq_close_event(done);
}

CETEST(mq_idioms, reader_waits_before_the_writer_exists)
{
    reader_waits_before_the_writer_exists(0);
}

CETEST(mq_idioms, reader_waits_before_the_writer_exists_allow_broken)
{
    reader_waits_before_the_writer_exists(MSGQUEUE_ALLOW_BROKEN);
}

/* argv: name base. Writes one message, says so, then hangs until killed. */
CETEST_CHILD(writer_then_hang)
{
    idiom_names n;
    DWORD err;
    REQUIRE(argc == 2);
    idiom_names_parse(&n, argv[0], argv[1]);
    HANDLE written = cetest_open_event(n.base, L"written");
    HANDLE w = mq_create(n.name, 0, 4, 64, FALSE, &err);
    REQUIRE(w != NULL);
    MQ_EXPECT_WRITE(w, "last words", 0);
    SetEvent(written);
    Sleep(CHILD_BOUND);
}

/* CE closes a dead process's handles, so its end closes: a reader waiting
 * on its handle wakes, though the writer never called CloseMsgQueue. */
CETEST(mq_idioms, reader_wakes_when_the_writer_process_is_killed)
{
    idiom_names n;
    DWORD err;
    idiom_names_make(&n);
    HANDLE written = cetest_make_event(n.base, L"written");
    HANDLE r = mq_create(n.name, 0, 4, 64, TRUE, &err);
    REQUIRE(r != NULL);
    cetest_proc child;
    REQUIRE(cetest_spawn(&child, 0, "writer_then_hang", "%s %s", n.name8, n.base8));
    if (WAIT_EVENT(written, "child wrote")) {
        CHECK_EQ(WaitForSingleObject(r, STEP_BOUND), WAIT_OBJECT_0);
        MQ_EXPECT_READ(r, "last words", 0);
        CHECK_EQ(WaitForSingleObject(r, 0), WAIT_TIMEOUT);
    }
    CHECK(TerminateProcess(child.process, 9));
    CHECK_EQ(WaitForSingleObject(child.process, STEP_BOUND), WAIT_OBJECT_0);
    ULONGLONG start = cetest_now_ms();
    EXPECT_WRITER_LEFT(r, 0);
    printf("  the wait ended %llu ms after the writer was killed\n", cetest_now_ms() - start);
    cetest_collect(&child, CHILD_BOUND, NULL, 0);
    MQ_CLOSE(r);
    mq_close_event(written);
}

/* ---- either end first, in two processes ------------------------------------ */

/* argv: name flags base role (writer | reader) queued(0|1). The child
 * attaches the named end the parent did not create. */
CETEST_CHILD(attach_end)
{
    idiom_names n;
    DWORD err;
    REQUIRE(argc == 5);
    idiom_names_parse(&n, argv[0], argv[2]);
    DWORD flags = parse_flags(argv[1]);
    BOOL writer = strcmp(argv[3], "writer") == 0, queued = strcmp(argv[4], "1") == 0;
    HANDLE step = cetest_open_event(n.base, L"step"), done = cetest_open_event(n.base, L"done");
    /* Other parameters than the creator's: only bReadAccess counts. */
    HANDLE h = mq_create(n.name, 0, 9, 200, !writer, &err);
    REQUIRE(h != NULL);
    CHECK_EQ(err, ERROR_ALREADY_EXISTS);
    EXPECT_INFO(h, flags, 4, 64, 1, 1);
    if (writer) {
        CHECK_EQ(WaitForSingleObject(h, 0), WAIT_OBJECT_0); /* room */
        MQ_EXPECT_WRITE(h, "from child", 0);
        SetEvent(step);
        WAIT_EVENT(done, "parent read");
    } else {
        CHECK_EQ(WaitForSingleObject(h, 0), queued ? WAIT_OBJECT_0 : WAIT_TIMEOUT);
        if (queued)
            MQ_EXPECT_READ(h, "early", 0);
        SetEvent(step);
        CHECK_EQ(WaitForSingleObject(h, STEP_BOUND), WAIT_OBJECT_0);
        MQ_EXPECT_READ(h, "late", 0);
        SetEvent(done);
        EXPECT_WRITER_LEFT(h, flags); /* the parent closes its write end */
    }
    MQ_CLOSE(h);
    mq_close_event(step);
    mq_close_event(done);
}

static void one_end_first(BOOL reader_first, DWORD flags)
{
    idiom_names n;
    DWORD err;
    idiom_names_make(&n);
    HANDLE step = cetest_make_event(n.base, L"step"), done = cetest_make_event(n.base, L"done");
    HANDLE h = mq_create(n.name, flags, 4, 64, reader_first, &err);
    REQUIRE(h != NULL);
    CHECK_EQ(err, ERROR_SUCCESS);
    BOOL queued = FALSE;
    char buf[64];
    if (reader_first) {
        CHECK_EQ(WaitForSingleObject(h, 0), WAIT_TIMEOUT);
        t_msg_result res = t_read_msg(h, buf, sizeof(buf), 0);
        CHECK_MSG(!res.ok && res.err == (flags & MSGQUEUE_ALLOW_BROKEN ? ERROR_TIMEOUT : ERROR_PIPE_NOT_CONNECTED),
                  "read before any writer: %d, last error %lu", res.ok, res.err);
    } else {
        CHECK_EQ(WaitForSingleObject(h, 0), WAIT_OBJECT_0); /* created signaled */
        t_msg_result res = t_write_msg(h, "early", 5, 0, 0);
        queued = res.ok;
        if (flags & MSGQUEUE_ALLOW_BROKEN)
            CHECK_MSG(res.ok, "write before any reader (ALLOW_BROKEN): last error %lu", res.err);
        else
            CHECK_MSG(!res.ok && res.err == ERROR_PIPE_NOT_CONNECTED, "write before any reader: %d, last error %lu",
                      res.ok, res.err);
    }
    cetest_proc child;
    REQUIRE(cetest_spawn(&child, 0, "attach_end", "%s %lx %s %s %d", n.name8, flags, n.base8,
                         reader_first ? "writer" : "reader", queued));
    if (WAIT_EVENT(step, "child attached")) {
        if (reader_first) {
            CHECK_EQ(WaitForSingleObject(h, STEP_BOUND), WAIT_OBJECT_0);
            MQ_EXPECT_READ(h, "from child", 0);
            CHECK_EQ(WaitForSingleObject(h, 0), WAIT_TIMEOUT);
            SetEvent(done);
        } else {
            MQ_EXPECT_WRITE(h, "late", 0);
            WAIT_EVENT(done, "child read");
        }
    }
    if (!reader_first)
        MQ_CLOSE(h);
    cetest_wait(&child, CHILD_BOUND);
    if (reader_first) {
        EXPECT_WRITER_LEFT(h, flags); /* the child's exit closed the write end */
        MQ_CLOSE(h);
    }
    mq_close_event(step);
    mq_close_event(done);
}

CETEST(mq_idioms, reader_first_then_writer_process) { one_end_first(TRUE, 0); }
CETEST(mq_idioms, reader_first_then_writer_process_allow_broken) { one_end_first(TRUE, MSGQUEUE_ALLOW_BROKEN); }
CETEST(mq_idioms, writer_first_then_reader_process) { one_end_first(FALSE, 0); }
CETEST(mq_idioms, writer_first_then_reader_process_allow_broken) { one_end_first(FALSE, MSGQUEUE_ALLOW_BROKEN); }

/* ---- a second process creating the same name --------------------------------- */

/* argv: name. Creates both ends by the name with its own parameters. */
CETEST_CHILD(create_same_name)
{
    WCHAR name[MQ_NAME_CHARS];
    DWORD err;
    REQUIRE(argc == 1);
    cetest_from_utf8(argv[0], name, MQ_NAME_CHARS);
    HANDLE r = mq_create(name, MSGQUEUE_NOPRECOMMIT, 100, 1000, TRUE, &err);
    REQUIRE(r != NULL);
    CHECK_EQ(err, ERROR_ALREADY_EXISTS);
    HANDLE w = mq_create(name, 0, 0, 4096, FALSE, &err);
    REQUIRE(w != NULL);
    CHECK_EQ(err, ERROR_ALREADY_EXISTS);
    EXPECT_INFO(w, MSGQUEUE_ALLOW_BROKEN, 3, 48, 2, 1); /* the creator's parameters, not these */
    BYTE big[100] = { 0 };
    t_msg_result res = t_write_msg(w, big, sizeof(big), 0, 0);
    CHECK_MSG(!res.ok && res.err == ERROR_INSUFFICIENT_BUFFER, "100 bytes into cbMaxMessage 48: %d, last error %lu",
              res.ok, res.err);
    MQ_EXPECT_WRITE(w, "fits in 48 bytes", 0);
    MQ_EXPECT_READ(r, "fits in 48 bytes", 0);
    MQ_CLOSE(w);
    MQ_CLOSE(r);
}

CETEST(mq_idioms, second_process_creating_the_same_name_gets_the_existing_queue)
{
    idiom_names n;
    DWORD err;
    idiom_names_make(&n);
    HANDLE r = mq_create(n.name, MSGQUEUE_ALLOW_BROKEN, 3, 48, TRUE, &err);
    REQUIRE(r != NULL);
    CHECK_EQ(err, ERROR_SUCCESS);
    cetest_proc child;
    REQUIRE(cetest_spawn(&child, 0, "create_same_name", "%s", n.name8));
    cetest_wait(&child, CHILD_BOUND);
    EXPECT_INFO(r, MSGQUEUE_ALLOW_BROKEN, 3, 48, 1, 0);
    MQ_CLOSE(r);
}

/* ---- the server pattern of spec 1.7 -------------------------------------------- */

/* What a client sends the server: its process and its read end's value. */
typedef struct request {
    DWORD kind; /* 1: subscribe, 2: bye */
    DWORD pid;
    ULONGLONG queue;
} request;

/* argv: request-queue-name base mode (pid | handle). The server creates its
 * request queue first, waits on it before any client exists, and answers
 * each subscription by opening the client's queue handle and writing to it
 * with timeout 0. */
CETEST_CHILD(notify_server)
{
    idiom_names n;
    DWORD err;
    REQUIRE(argc == 3);
    idiom_names_parse(&n, argv[0], argv[1]);
    BOOL by_pid = strcmp(argv[2], "pid") == 0;
    HANDLE ready = cetest_open_event(n.base, L"ready");
    HANDLE req = mq_create(n.name, 0, 8, sizeof(request), TRUE, &err);
    REQUIRE(req != NULL);
    SetEvent(ready);
    HANDLE client = NULL, proc = NULL;
    int turns = 0, failed_reads = 0;
    DWORD read_error = 0;
    ULONGLONG deadline = cetest_now_ms() + STEP_BOUND;
    for (BOOL bye = FALSE; !bye && cetest_now_ms() < deadline; turns++) {
        if (WaitForSingleObject(req, 1000) != WAIT_OBJECT_0)
            continue;
        request rq;
        DWORD n = 0, flags = 0;
        SetLastError(0xdeadbeef);
        if (!ReadMsgQueue(req, &rq, sizeof(rq), &n, 0, &flags)) {
            failed_reads++;
            read_error = GetLastError();
            continue;
        }
        CHECK_EQ(n, sizeof(rq));
        if (rq.kind == 2) {
            bye = TRUE;
            continue;
        }
        HANDLE src = (HANDLE)(ULONG_PTR)rq.pid;
        if (!by_pid) {
            proc = OpenProcess(PROCESS_DUP_HANDLE, FALSE, rq.pid);
            CHECK_MSG(proc != NULL, "OpenProcess(%lu): error %lu", rq.pid, GetLastError());
            src = proc;
        }
        client = mq_open(src, (HANDLE)(ULONG_PTR)rq.queue, FALSE, &err);
        CHECK_MSG(client != NULL, "OpenMsgQueue(%s %p, %llx, write): last error %lu", argv[2], src, rq.queue, err);
        if (client) {
            CHECK_EQ(err, ERROR_SUCCESS);
            MQ_EXPECT_WRITE(client, "notify-1", 0);
            MQ_EXPECT_WRITE(client, "notify-2", 0);
        }
    }
    /* Woken only by requests: no read found the queue empty or writerless. */
    CHECK_MSG(failed_reads == 0, "server loop: %d turns, %d failed request reads (last error %lu)", turns,
              failed_reads, read_error);
    if (client)
        MQ_CLOSE(client);
    if (proc)
        CloseHandle(proc);
    MQ_CLOSE(req);
    mq_close_event(ready);
}

static void client_of_a_server(const char *mode)
{
    idiom_names n;
    DWORD err;
    idiom_names_make(&n);
    HANDLE ready = cetest_make_event(n.base, L"ready");
    cetest_proc server;
    REQUIRE(cetest_spawn(&server, 0, "notify_server", "%s %s %s", n.name8, n.base8, mode));
    HANDLE mine = mq_create(NULL, 0, 8, 64, TRUE, &err);
    REQUIRE(mine != NULL);
    CHECK_EQ(WaitForSingleObject(mine, 0), WAIT_TIMEOUT); /* no writer yet */
    HANDLE to_server = NULL;
    if (WAIT_EVENT(ready, "server's request queue")) {
        to_server = mq_create(n.name, 0, 8, sizeof(request), FALSE, &err);
        CHECK_MSG(to_server != NULL && err == ERROR_ALREADY_EXISTS, "request queue: %p, last error %lu", to_server,
                  err);
    }
    if (to_server) {
        request rq = { 1, GetCurrentProcessId(), (ULONGLONG)(ULONG_PTR)mine };
        t_msg_result res = t_write_msg(to_server, &rq, sizeof(rq), STEP_BOUND, 0);
        CHECK_MSG(res.ok, "subscribe: last error %lu", res.err);
        /* The usual consumer: wait, then read with timeout 0 until empty. */
        int got = 0;
        for (int turn = 0; turn < 4 && got < 2; turn++) {
            if (!CHECK_EQ(WaitForSingleObject(mine, STEP_BOUND), WAIT_OBJECT_0))
                break;
            char buf[64];
            t_msg_result m;
            while ((m = t_read_msg(mine, buf, sizeof(buf), 0)).ok) {
                got++;
                CHECK_MSG(m.bytes == 8 && memcmp(buf, got == 1 ? "notify-1" : "notify-2", 8) == 0,
                          "notification %d: \"%.*s\"", got, (int)m.bytes, buf);
            }
            CHECK_EQ(m.err, ERROR_TIMEOUT);
        }
        CHECK_INT_EQ(got, 2);
        rq.kind = 2;
        res = t_write_msg(to_server, &rq, sizeof(rq), STEP_BOUND, 0);
        CHECK_MSG(res.ok, "bye: last error %lu", res.err);
    }
    cetest_wait(&server, CHILD_BOUND);
    /* The server's write end went with it. */
    CHECK_EQ(WaitForSingleObject(mine, STEP_BOUND), WAIT_OBJECT_0);
    char buf[16];
    t_msg_result res = t_read_msg(mine, buf, sizeof(buf), 0);
    CHECK_MSG(!res.ok && res.err == ERROR_PIPE_NOT_CONNECTED, "read after the server left: %d, last error %lu",
              res.ok, res.err);
    if (to_server)
        MQ_CLOSE(to_server);
    MQ_CLOSE(mine);
    mq_close_event(ready);
}

CETEST(mq_idioms, server_opens_the_client_queue_by_process_id) { client_of_a_server("pid"); }
CETEST(mq_idioms, server_opens_the_client_queue_by_process_handle) { client_of_a_server("handle"); }
