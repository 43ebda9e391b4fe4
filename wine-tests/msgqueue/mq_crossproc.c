/*
 * mq_crossproc.c - named queues shared between processes: both directions,
 * cross-process wake-ups, handle counts, process exit and death.
 * Children are this executable (CETEST_CHILD). Unnamed queues opened from
 * another process: mq_crossopen.c.
 */
#include "mq_test.h"

#include <string.h>

/* ---- a named queue: the child writes, the parent reads ------------------------ */

CETEST_CHILD(named_writer)
{
    WCHAR name[MQ_NAME_CHARS], base[MQ_NAME_CHARS];
    DWORD err;
    REQUIRE(argc == 2);
    cetest_from_utf8(argv[0], name, MQ_NAME_CHARS);
    cetest_from_utf8(argv[1], base, MQ_NAME_CHARS);
    HANDLE got0 = cetest_open_event(base, L"got0"), written = cetest_open_event(base, L"written");
    HANDLE done = cetest_open_event(base, L"done"), opened = cetest_open_event(base, L"opened");
    HANDLE w = mq_create(name, MSGQUEUE_ALLOW_BROKEN, 99, 999, FALSE, &err);
    REQUIRE(w != NULL);
    CHECK_EQ(err, ERROR_ALREADY_EXISTS);
    SetEvent(opened);
    Sleep(300); /* the parent is blocked in ReadMsgQueue meanwhile */
    MQ_EXPECT_WRITE(w, "child 0", 0);
    WAIT_EVENT(got0, "parent read child 0");
    MQ_EXPECT_WRITE(w, "child 1", 0);
    MQ_EXPECT_WRITE(w, "child 2", 0);
    MQ_EXPECT_WRITE(w, "child alert", MSGQUEUE_MSGALERT);
    SetEvent(written);
    /* Stay until the parent has read everything: closing the last write
     * handle of a queue without ALLOW_BROKEN discards what is queued. */
    WAIT_EVENT(done, "parent done");
    MQ_CLOSE(w);
    mq_close_event(got0);
    mq_close_event(written);
    mq_close_event(done);
    mq_close_event(opened);
}

CETEST(mq_crossproc, named_queue_child_writes_parent_reads)
{
    WCHAR name[MQ_NAME_CHARS], base[MQ_NAME_CHARS];
    char name8[MQ_NAME_CHARS * 3], base8[MQ_NAME_CHARS * 3];
    DWORD err;
    cetest_unique_name(L"mq", name, MQ_NAME_CHARS);
    cetest_unique_name(L"mqev", base, MQ_NAME_CHARS);
    cetest_to_utf8(name, name8, sizeof(name8));
    cetest_to_utf8(base, base8, sizeof(base8));
    HANDLE got0 = cetest_make_event(base, L"got0"), written = cetest_make_event(base, L"written");
    HANDLE done = cetest_make_event(base, L"done"), opened = cetest_make_event(base, L"opened");
    HANDLE r = mq_create(name, 0, 8, 64, TRUE, &err);
    REQUIRE(r != NULL);
    CHECK_EQ(err, ERROR_SUCCESS);
    cetest_proc child;
    REQUIRE(cetest_spawn(&child, 0, "named_writer", "%s %s", name8, base8));
    /* Once the child has a write end, a read blocks until it writes. */
    WAIT_EVENT(opened, "child opened the write end");
    char buf[64];
    t_msg_result res = t_read_msg(r, buf, sizeof(buf), STEP_BOUND);
    CHECK_MSG(res.ok, "first read: last error %lu after %llu ms", res.err, res.ms);
    if (res.ok) {
        CHECK_EQ(res.bytes, 7);
        CHECK_MEM_EQ(buf, "child 0", 7);
        CHECK_EQ(res.flags, 0);
        CHECK_MSG(res.ms >= 100, "the read returned after %llu ms: it did not block", res.ms);
    }
    SetEvent(got0);
    if (WAIT_EVENT(written, "child wrote the rest")) {
        /* The writer's options were ignored: ours hold. */
        MSGQUEUEINFO info;
        if (CHECK(mq_info(r, &info, &err))) {
            CHECK_EQ(info.dwFlags, 0);
            CHECK_EQ(info.dwMaxMessages, 8);
            CHECK_EQ(info.cbMaxMessage, 64);
            CHECK_EQ(info.dwCurrentMessages, 2);
            CHECK_EQ(info.wNumReaders, 1);
            CHECK_EQ(info.wNumWriters, 1);
        }
        CHECK_EQ(WaitForSingleObject(r, 0), WAIT_OBJECT_0);
        MQ_EXPECT_READ(r, "child alert", MSGQUEUE_MSGALERT);
        /* The token of a writer in another process: NULL or a usable token. */
        DWORD n = 0, flags = 0xdeadbeef;
        HANDLE tok = (HANDLE)0xdeadbeef;
        SetLastError(0xdeadbeef);
        BOOL ok = ReadMsgQueueEx(r, buf, sizeof(buf), &n, 0, &flags, &tok);
        err = GetLastError();
        CHECK(ok);
        CHECK_EQ(err, ERROR_SUCCESS);
        CHECK_EQ(n, 7);
        CHECK_MEM_EQ(buf, "child 1", 7);
        CHECK_PTR_NE(tok, (HANDLE)0xdeadbeef);
        if (tok && tok != (HANDLE)0xdeadbeef) {
            BYTE user[256];
            DWORD needed;
            CHECK_MSG(GetTokenInformation(tok, TokenUser, user, sizeof(user), &needed),
                      "GetTokenInformation on the writer's token: error %lu", GetLastError());
            CHECK(CloseHandle(tok));
        }
        MQ_EXPECT_READ(r, "child 2", 0);
        MQ_EXPECT_EMPTY(r);
    }
    SetEvent(done);
    cetest_wait(&child, CHILD_BOUND);
    MQ_CLOSE(r);
    mq_close_event(got0);
    mq_close_event(written);
    mq_close_event(done);
    mq_close_event(opened);
}

/* ---- a named queue: the parent writes, the child waits and reads -------------- */

CETEST_CHILD(named_reader)
{
    WCHAR name[MQ_NAME_CHARS], base[MQ_NAME_CHARS];
    DWORD err;
    REQUIRE(argc == 2);
    cetest_from_utf8(argv[0], name, MQ_NAME_CHARS);
    cetest_from_utf8(argv[1], base, MQ_NAME_CHARS);
    HANDLE ready = cetest_open_event(base, L"ready");
    HANDLE r = mq_create(name, 0, 1, 1, TRUE, &err);
    REQUIRE(r != NULL);
    CHECK_EQ(err, ERROR_ALREADY_EXISTS);
    CHECK_EQ(WaitForSingleObject(r, 0), WAIT_TIMEOUT);
    SetEvent(ready);
    /* The parent writes after ~300 ms: this wait must wake then. */
    ULONGLONG start = cetest_now_ms();
    DWORD got = WaitForSingleObject(r, STEP_BOUND);
    ULONGLONG took = cetest_now_ms() - start;
    CHECK_EQ(got, WAIT_OBJECT_0);
    CHECK_MSG(took < 5000, "the wait woke after %llu ms", took);
    MQ_EXPECT_READ(r, "parent 0", 0);
    /* And a blocked read wakes on the next write. */
    char buf[64];
    t_msg_result res = t_read_msg(r, buf, sizeof(buf), STEP_BOUND);
    CHECK_MSG(res.ok, "last error %lu after %llu ms", res.err, res.ms);
    if (res.ok) {
        CHECK_EQ(res.bytes, 8);
        CHECK_MEM_EQ(buf, "parent 1", 8);
        CHECK_EQ(res.flags, MSGQUEUE_MSGALERT);
    }
    MQ_CLOSE(r);
    mq_close_event(ready);
}

CETEST(mq_crossproc, named_queue_parent_writes_child_waits_and_reads)
{
    WCHAR name[MQ_NAME_CHARS], base[MQ_NAME_CHARS];
    char name8[MQ_NAME_CHARS * 3], base8[MQ_NAME_CHARS * 3];
    DWORD err;
    cetest_unique_name(L"mq", name, MQ_NAME_CHARS);
    cetest_unique_name(L"mqev", base, MQ_NAME_CHARS);
    cetest_to_utf8(name, name8, sizeof(name8));
    cetest_to_utf8(base, base8, sizeof(base8));
    HANDLE ready = cetest_make_event(base, L"ready");
    HANDLE w = mq_create(name, 0, 8, 64, FALSE, &err);
    REQUIRE(w != NULL);
    CHECK_EQ(err, ERROR_SUCCESS);
    cetest_proc child;
    REQUIRE(cetest_spawn(&child, 0, "named_reader", "%s %s", name8, base8));
    if (WAIT_EVENT(ready, "child opened the read end")) {
        MSGQUEUEINFO info;
        if (CHECK(mq_info(w, &info, &err))) {
            CHECK_EQ(info.wNumReaders, 1);
            CHECK_EQ(info.wNumWriters, 1);
        }
        Sleep(300);
        MQ_EXPECT_WRITE(w, "parent 0", 0);
        Sleep(300);
        MQ_EXPECT_WRITE(w, "parent 1", MSGQUEUE_MSGALERT);
    }
    cetest_wait(&child, CHILD_BOUND);
    MQ_CLOSE(w);
    mq_close_event(ready);
}

/* ---- handle counts across processes -------------------------------------------- */

/* argv: name base how; how = close | exit | hang (the parent kills it) */
CETEST_CHILD(hold_two_readers)
{
    WCHAR name[MQ_NAME_CHARS], base[MQ_NAME_CHARS];
    DWORD err;
    REQUIRE(argc == 3);
    cetest_from_utf8(argv[0], name, MQ_NAME_CHARS);
    cetest_from_utf8(argv[1], base, MQ_NAME_CHARS);
    HANDLE ready = cetest_open_event(base, L"ready"), done = cetest_open_event(base, L"done");
    HANDLE r1 = mq_create(name, 0, 4, 16, TRUE, &err);
    HANDLE r2 = mq_create(name, 0, 4, 16, TRUE, &err);
    CHECK_PTR_NE(r1, NULL);
    CHECK_PTR_NE(r2, NULL);
    SetEvent(ready);
    if (strcmp(argv[2], "hang") == 0) {
        Sleep(CHILD_BOUND);
        return;
    }
    WAIT_EVENT(done, "parent done");
    if (strcmp(argv[2], "close") == 0) {
        if (r1) MQ_CLOSE(r1);
        if (r2) MQ_CLOSE(r2);
    }
    /* "exit": return with both handles open; process exit must release them. */
}

static void reader_counts_follow_the_child(const char *how)
{
    WCHAR name[MQ_NAME_CHARS], base[MQ_NAME_CHARS];
    char name8[MQ_NAME_CHARS * 3], base8[MQ_NAME_CHARS * 3];
    DWORD err;
    cetest_unique_name(L"mq", name, MQ_NAME_CHARS);
    cetest_unique_name(L"mqev", base, MQ_NAME_CHARS);
    cetest_to_utf8(name, name8, sizeof(name8));
    cetest_to_utf8(base, base8, sizeof(base8));
    HANDLE ready = cetest_make_event(base, L"ready"), done = cetest_make_event(base, L"done");
    /* Not ALLOW_BROKEN: when the child's readers go, writes must fail. */
    HANDLE w = mq_create(name, 0, 1, 16, FALSE, &err);
    REQUIRE(w != NULL);
    cetest_proc child;
    REQUIRE(cetest_spawn(&child, 0, "hold_two_readers", "%s %s %s", name8, base8, how));
    MSGQUEUEINFO info;
    mq_call *blocked = NULL;
    if (WAIT_EVENT(ready, "child opened two read handles")) {
        if (CHECK(mq_info(w, &info, &err))) {
            CHECK_EQ(info.wNumReaders, 2);
            CHECK_EQ(info.wNumWriters, 1);
        }
        /* Fill the queue and block a writer thread: it must wake when the
         * child's read handles go away. */
        MQ_EXPECT_WRITE(w, "full", 0);
        blocked = mq_call_start(MQ_OP_WRITE, w, 15000, "blocked", 7, 0, 0);
        CHECK(blocked && mq_call_still_blocked(blocked, 200));
    }
    ULONGLONG start = cetest_now_ms();
    if (strcmp(how, "hang") == 0) {
        CHECK(TerminateProcess(child.process, 3));
        CHECK_EQ(cetest_collect(&child, CHILD_BOUND, NULL, 0), 3);
    } else {
        SetEvent(done);
        cetest_wait(&child, CHILD_BOUND);
    }
    if (blocked) {
        if (CHECK_MSG(mq_call_finish(blocked, 5000), "writer still blocked 5 s after the reader process ended")) {
            CHECK(!blocked->ok);
            CHECK_EQ(blocked->err, ERROR_PIPE_NOT_CONNECTED);
            CHECK_MSG(cetest_now_ms() - start < 5000, "woke after %llu ms", cetest_now_ms() - start);
        }
        mq_call_free(blocked);
    }
    /* The child's handles are gone (allowing a moment for process rundown). */
    BOOL ok = FALSE;
    for (int i = 0; i < 40; i++) {
        if (!mq_info(w, &info, &err) || info.wNumReaders == 0) {
            ok = TRUE;
            break;
        }
        Sleep(50);
    }
    CHECK_MSG(ok && info.wNumReaders == 0, "wNumReaders %u after the child ended (last error %lu)",
              info.wNumReaders, err);
    t_msg_result res = t_write_msg(w, "nobody", 6, 0, 0);
    CHECK(!res.ok);
    CHECK_EQ(res.err, ERROR_PIPE_NOT_CONNECTED);
    MQ_CLOSE(w);
    mq_close_event(ready);
    mq_close_event(done);
}

CETEST(mq_crossproc, handle_counts_child_closes)      { reader_counts_follow_the_child("close"); }
CETEST(mq_crossproc, handle_counts_child_exits)       { reader_counts_follow_the_child("exit"); }
CETEST(mq_crossproc, handle_counts_child_is_killed)   { reader_counts_follow_the_child("hang"); }

/* ---- ALLOW_BROKEN: data outlives the writing process ---------------------------- */

CETEST_CHILD(write_and_exit)
{
    WCHAR name[MQ_NAME_CHARS];
    DWORD err;
    REQUIRE(argc == 1);
    cetest_from_utf8(argv[0], name, MQ_NAME_CHARS);
    HANDLE w = mq_create(name, 0, 1, 1, FALSE, &err);
    REQUIRE(w != NULL);
    CHECK_EQ(err, ERROR_ALREADY_EXISTS);
    MQ_EXPECT_WRITE(w, "left 1", 0);
    MQ_EXPECT_WRITE(w, "left 2", 0);
    /* Exit with the handle open. */
}

CETEST(mq_crossproc, allow_broken_messages_outlive_the_writer_process)
{
    WCHAR name[MQ_NAME_CHARS];
    char name8[MQ_NAME_CHARS * 3];
    DWORD err;
    cetest_unique_name(L"mq", name, MQ_NAME_CHARS);
    cetest_to_utf8(name, name8, sizeof(name8));
    HANDLE r = mq_create(name, MSGQUEUE_ALLOW_BROKEN, 4, 32, TRUE, &err);
    REQUIRE(r != NULL);
    cetest_proc child;
    REQUIRE(cetest_spawn(&child, 0, "write_and_exit", "%s", name8));
    cetest_wait(&child, CHILD_BOUND);
    MQ_EXPECT_READ(r, "left 1", 0);
    MQ_EXPECT_READ(r, "left 2", 0);
    MQ_EXPECT_EMPTY(r);
    MQ_CLOSE(r);
}


/* ---- a writer blocked on a full queue wakes when another process reads ---------- */

CETEST_CHILD(slow_reader)
{
    WCHAR name[MQ_NAME_CHARS], base[MQ_NAME_CHARS];
    DWORD err;
    REQUIRE(argc == 2);
    cetest_from_utf8(argv[0], name, MQ_NAME_CHARS);
    cetest_from_utf8(argv[1], base, MQ_NAME_CHARS);
    HANDLE ready = cetest_open_event(base, L"ready"), done = cetest_open_event(base, L"done");
    HANDLE r = mq_create(name, 0, 1, 1, TRUE, &err);
    REQUIRE(r != NULL);
    SetEvent(ready);
    Sleep(400); /* the parent fills the queue and blocks in WriteMsgQueue */
    MQ_EXPECT_READ(r, "first", 0);
    WAIT_EVENT(done, "parent's second write");
    MQ_EXPECT_READ(r, "second", 0);
    MQ_CLOSE(r);
    mq_close_event(ready);
    mq_close_event(done);
}

CETEST(mq_crossproc, blocked_writer_wakes_when_another_process_reads)
{
    WCHAR name[MQ_NAME_CHARS], base[MQ_NAME_CHARS];
    char name8[MQ_NAME_CHARS * 3], base8[MQ_NAME_CHARS * 3];
    DWORD err;
    cetest_unique_name(L"mq", name, MQ_NAME_CHARS);
    cetest_unique_name(L"mqev", base, MQ_NAME_CHARS);
    cetest_to_utf8(name, name8, sizeof(name8));
    cetest_to_utf8(base, base8, sizeof(base8));
    HANDLE ready = cetest_make_event(base, L"ready"), done = cetest_make_event(base, L"done");
    HANDLE w = mq_create(name, 0, 1, 16, FALSE, &err);
    REQUIRE(w != NULL);
    cetest_proc child;
    REQUIRE(cetest_spawn(&child, 0, "slow_reader", "%s %s", name8, base8));
    if (WAIT_EVENT(ready, "child opened the read end")) {
        MQ_EXPECT_WRITE(w, "first", 0);
        CHECK_EQ(WaitForSingleObject(w, 0), WAIT_TIMEOUT); /* full */
        t_msg_result res = t_write_msg(w, "second", 6, STEP_BOUND, 0);
        CHECK_MSG(res.ok, "blocked write: last error %lu after %llu ms", res.err, res.ms);
        CHECK_MSG(res.ms >= 100 && res.ms < 5000, "the write took %llu ms (the child reads after ~400 ms)",
                  res.ms);
    }
    SetEvent(done);
    cetest_wait(&child, CHILD_BOUND);
    MQ_CLOSE(w);
    mq_close_event(ready);
    mq_close_event(done);
}
