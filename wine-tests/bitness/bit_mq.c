/*
 * bit_mq.c - one message queue shared by a 64-bit and a 32-bit process (its
 * shared memory is meant to be bitness-neutral): named queues both ways, with
 * cbMaxMessage-byte messages, alerts, and blocked reads, waits and writes
 * woken from the other bitness; GetMsgQueueInfo as each side sees it; unnamed
 * queues opened with OpenMsgQueue by process handle and by process ID.
 * The peer is the other bitness's build of this program (bit_util.h), and
 * every test checks that it is. Faults across bitness: bit_mq_faults.c.
 */
#include "bit_mq_util.h"

#include <stdlib.h>
#include <string.h>

#define CB_MAX 777u /* not a multiple of the ring's 16-byte records */

/* ---- 1. named queue: the peer writes, we read ------------------------------------- */

enum { W_OPENED, W_GOT0, W_WRITTEN, W_DONE, W_EVENTS };

CETEST_CHILD(peer_writer)
{
    bmq_names n;
    HANDLE ev[W_EVENTS];
    DWORD err, err2;
    BYTE big[CB_MAX];
    REQUIRE(argc == 2);
    bmq_setup(&n, argv, ev, W_EVENTS);
    /* Other options than the creator's: ignored, theirs hold. */
    HANDLE w = mq_create(n.q, MSGQUEUE_ALLOW_BROKEN, 99, 9, FALSE, &err);
    HANDLE w2 = mq_create(n.q, 0, 4, CB_MAX, FALSE, &err2);
    REQUIRE(w != NULL && w2 != NULL);
    CHECK_EQ(err, ERROR_ALREADY_EXISTS);
    CHECK_EQ(err2, ERROR_ALREADY_EXISTS);
    SetEvent(ev[W_OPENED]);
    Sleep(300); /* the parent is blocked in ReadMsgQueue meanwhile */
    MQ_EXPECT_WRITE(w, "peer 0", 0);
    WAIT_EVENT(ev[W_GOT0], "parent read peer 0");
    bmq_fill(big, BIT_OWN_BITS, 0, CB_MAX);
    t_msg_result res = t_write_msg(w, big, CB_MAX, 0, 0);
    CHECK_MSG(res.ok, "cbMaxMessage-byte write: last error %lu", res.err);
    MQ_EXPECT_WRITE(w2, "peer 2", 0);
    MQ_EXPECT_WRITE(w, "peer alert", MSGQUEUE_MSGALERT);
    /* Our view, checked here and sent for the parent to check too. */
    MSGQUEUEINFO info;
    BOOL ok = mq_info(w2, &info, &err);
    if (CHECK_MSG(ok, "GetMsgQueueInfo: last error %lu", err)) {
        INFO_IS(&info, "peer", 0, 4, CB_MAX, 2, 2, 2, 2);
        res = t_write_msg(w, &info, sizeof(info), 0, 0);
        CHECK_MSG(res.ok, "writing the info: last error %lu", res.err);
    }
    SetEvent(ev[W_WRITTEN]);
    /* Stay: the last writer of a queue without ALLOW_BROKEN takes its messages along. */
    WAIT_EVENT(ev[W_DONE], "parent done");
    MQ_CLOSE(w2);
    MQ_CLOSE(w);
}

CETEST(bitness_mq, named_queue_peer_writes_we_read)
{
    bmq_names n;
    HANDLE ev[W_EVENTS];
    DWORD err, err2;
    bmq_setup(&n, NULL, ev, W_EVENTS);
    HANDLE r = mq_create(n.q, 0, 4, CB_MAX, TRUE, &err);
    HANDLE r2 = mq_create(n.q, 0, 4, CB_MAX, TRUE, &err2);
    REQUIRE(r != NULL && r2 != NULL);
    CHECK_EQ(err, ERROR_SUCCESS);
    CHECK_EQ(err2, ERROR_ALREADY_EXISTS);
    cetest_proc child;
    REQUIRE(bit_spawn_peer(&child, "peer_writer", "%s", n.args));
    CHECK_PEER_BITS(&child);
    if (WAIT_EVENT(ev[W_OPENED], "peer opened two write ends")) {
        ULONGLONG ms = READ_TEXT(r, "peer 0", 0);
        CHECK_MSG(ms >= 100, "the read returned after %llu ms: it did not block", ms);
        SetEvent(ev[W_GOT0]);
    }
    if (WAIT_EVENT(ev[W_WRITTEN], "peer wrote the rest")) {
        QUEUE_INFO_IS(r, "us", 0, 4, CB_MAX, 3, 3, 2, 2);
        MQ_EXPECT_READ(r, "peer alert", MSGQUEUE_MSGALERT); /* the alert jumps the queue */
        BYTE big[CB_MAX];
        t_msg_result res = t_read_msg(r2, big, CB_MAX, 0); /* a buffer of exactly cbMaxMessage */
        if (CHECK_MSG(res.ok && res.err == ERROR_SUCCESS && res.flags == 0 && res.bytes == CB_MAX,
                      "cbMaxMessage-byte read: ok %d, last error %lu, flags %lu, %lu bytes", res.ok, res.err,
                      res.flags, res.bytes))
            MSG_OK(big, res.bytes, 0, "cbMaxMessage-byte message");
        /* ReadMsgQueueEx: the writer's token, from a process of the other bitness. */
        char buf[64];
        DWORD got = 0, flags = 0xdeadbeef;
        HANDLE tok = (HANDLE)0xdeadbeef;
        SetLastError(0xdeadbeef);
        BOOL ok = ReadMsgQueueEx(r, buf, sizeof(buf), &got, 0, &flags, &tok);
        err = GetLastError();
        CHECK_MSG(ok && err == ERROR_SUCCESS && got == 6 && !memcmp(buf, "peer 2", 6) && flags == 0,
                  "ReadMsgQueueEx: ok %d, last error %lu, %lu bytes, flags %lu", ok, err, got, flags);
        BYTE user[256];
        DWORD needed;
        ok = tok && tok != (HANDLE)0xdeadbeef && GetTokenInformation(tok, TokenUser, user, sizeof(user), &needed);
        err = GetLastError();
        CHECK_MSG(ok, "the writer's token %p: GetTokenInformation error %lu", tok, err);
        if (tok && tok != (HANDLE)0xdeadbeef)
            CHECK(CloseHandle(tok));
        MSGQUEUEINFO theirs;
        res = t_read_msg(r, &theirs, sizeof(theirs), 0);
        if (CHECK_MSG(res.ok && res.bytes == sizeof(theirs), "the peer's info: ok %d, %lu bytes, last error %lu",
                      res.ok, res.bytes, res.err))
            INFO_IS(&theirs, "the peer, as sent", 0, 4, CB_MAX, 2, 2, 2, 2);
        MQ_EXPECT_EMPTY(r);
        QUEUE_INFO_IS(r2, "us, drained", 0, 4, CB_MAX, 0, 3, 2, 2);
    }
    SetEvent(ev[W_DONE]);
    cetest_wait(&child, CHILD_BOUND);
    /* The peer closed both its handles: the counts say so at once. */
    QUEUE_INFO_IS(r, "us, peer gone", 0, 4, CB_MAX, 0, 3, 2, 0);
    MQ_CLOSE(r2);
    MQ_CLOSE(r);
    bmq_close_events(ev, W_EVENTS);
}

/* ---- 2. named queue: we write, the peer waits and reads ------------------------------ */

enum { R_READY, R_GOT, R_FULL, R_ALERTED, R_EVENTS };

CETEST_CHILD(peer_reader)
{
    bmq_names n;
    HANDLE ev[R_EVENTS];
    DWORD err;
    BYTE big[CB_MAX];
    REQUIRE(argc == 2);
    bmq_setup(&n, argv, ev, R_EVENTS);
    HANDLE r = mq_create(n.q, 0, 1, 1, TRUE, &err);
    REQUIRE(r != NULL);
    CHECK_EQ(err, ERROR_ALREADY_EXISTS);
    CHECK_EQ(WaitForSingleObject(r, 0), WAIT_TIMEOUT);
    QUEUE_INFO_IS(r, "peer", 0, 2, CB_MAX, 0, 0, 1, 1);
    SetEvent(ev[R_READY]);
    /* The parent writes after ~300 ms: this wait must wake then. */
    ULONGLONG start = cetest_now_ms();
    DWORD got = WaitForSingleObject(r, STEP_BOUND);
    ULONGLONG took = cetest_now_ms() - start;
    CHECK_EQ(got, WAIT_OBJECT_0);
    CHECK_MSG(took >= 100 && took < 5000, "the wait woke after %llu ms (the write came after ~300 ms)", took);
    MQ_EXPECT_READ(r, "parent 0", 0);
    /* A blocked read wakes on the next write, of cbMaxMessage bytes. */
    t_msg_result res = t_read_msg(r, big, CB_MAX, STEP_BOUND);
    if (CHECK_MSG(res.ok && res.err == ERROR_SUCCESS && res.flags == 0 && res.bytes == CB_MAX,
                  "cbMaxMessage-byte read: ok %d, last error %lu, flags %lu, %lu bytes", res.ok, res.err, res.flags,
                  res.bytes))
        MSG_OK(big, res.bytes, 0, "cbMaxMessage-byte message");
    CHECK_MSG(res.ms >= 100, "the read returned after %llu ms: it did not block", res.ms);
    SetEvent(ev[R_GOT]);
    /* The parent fills the queue and blocks writing; our read frees it. */
    WAIT_EVENT(ev[R_FULL], "parent filled the queue");
    Sleep(300);
    MQ_EXPECT_READ(r, "fill 1", 0);
    WAIT_EVENT(ev[R_ALERTED], "parent's blocked write and alert");
    MQ_EXPECT_READ(r, "parent alert", MSGQUEUE_MSGALERT);
    MQ_EXPECT_READ(r, "fill 2", 0);
    MQ_EXPECT_READ(r, "parent 3", 0);
    MQ_EXPECT_EMPTY(r);
    MQ_CLOSE(r);
}

CETEST(bitness_mq, named_queue_we_write_peer_waits_and_reads)
{
    bmq_names n;
    HANDLE ev[R_EVENTS];
    DWORD err;
    BYTE big[CB_MAX];
    bmq_setup(&n, NULL, ev, R_EVENTS);
    HANDLE w = mq_create(n.q, 0, 2, CB_MAX, FALSE, &err);
    REQUIRE(w != NULL);
    CHECK_EQ(err, ERROR_SUCCESS);
    cetest_proc child;
    REQUIRE(bit_spawn_peer(&child, "peer_reader", "%s", n.args));
    CHECK_PEER_BITS(&child);
    if (WAIT_EVENT(ev[R_READY], "peer opened the read end")) {
        QUEUE_INFO_IS(w, "us", 0, 2, CB_MAX, 0, 0, 1, 1);
        Sleep(300);
        MQ_EXPECT_WRITE(w, "parent 0", 0);
        Sleep(300);
        bmq_fill(big, BIT_OWN_BITS, 0, CB_MAX);
        t_msg_result res = t_write_msg(w, big, CB_MAX, 0, 0);
        CHECK_MSG(res.ok, "cbMaxMessage-byte write: last error %lu", res.err);
        WAIT_EVENT(ev[R_GOT], "peer read both");
        /* dwMaxMessages is 2: these fill the queue. */
        MQ_EXPECT_WRITE(w, "fill 1", 0);
        MQ_EXPECT_WRITE(w, "fill 2", 0);
        CHECK_EQ(WaitForSingleObject(w, 0), WAIT_TIMEOUT);
        SetEvent(ev[R_FULL]);
        res = t_write_msg(w, "parent 3", 8, STEP_BOUND, 0);
        CHECK_MSG(res.ok, "blocked write: last error %lu after %llu ms", res.err, res.ms);
        CHECK_MSG(res.ms >= 100 && res.ms < 5000, "the write took %llu ms (the peer reads after ~300 ms)", res.ms);
        MQ_EXPECT_WRITE(w, "parent alert", MSGQUEUE_MSGALERT); /* the alert slot: not counted */
        SetEvent(ev[R_ALERTED]);
    }
    cetest_wait(&child, CHILD_BOUND);
    MQ_CLOSE(w);
    bmq_close_events(ev, R_EVENTS);
}

/* ---- 3. unnamed queue: the peer opens it with OpenMsgQueue --------------------------- */

/* argv: (queue) events our-pid queue-handle-hex read|write */
CETEST_CHILD(open_by_value)
{
    bmq_names n;
    HANDLE ev[2];
    DWORD err1 = 0, err2;
    REQUIRE(argc == 5);
    bmq_setup(&n, argv, ev, 2);
    DWORD ppid = (DWORD)strtoul(argv[2], NULL, 10);
    HANDLE value = (HANDLE)(ULONG_PTR)strtoull(argv[3], NULL, 16);
    BOOL read = strcmp(argv[4], "read") == 0;
    HANDLE proc = OpenProcess(PROCESS_DUP_HANDLE, FALSE, ppid);
    CHECK_MSG(proc != NULL, "OpenProcess(%lu): error %lu", ppid, GetLastError());
    HANDLE by_handle = proc ? mq_open(proc, value, read, &err1) : NULL;
    HANDLE by_pid = mq_open((HANDLE)(ULONG_PTR)ppid, value, read, &err2);
    CHECK_MSG(by_handle && err1 == ERROR_SUCCESS, "OpenMsgQueue(process %p, %p): %p, last error %lu", proc,
              value, by_handle, err1);
    CHECK_MSG(by_pid && err2 == ERROR_SUCCESS, "OpenMsgQueue(pid %lu, %p): %p, last error %lu", ppid, value,
              by_pid, err2);
    if (by_handle && by_pid) {
        QUEUE_INFO_IS(by_pid, "peer", 0, 4, 64, 0, 0, read ? 2 : 1, read ? 1 : 2);
        if (read) {
            SetEvent(ev[0]);
            READ_TEXT(by_handle, "via handle", 0);
            READ_TEXT(by_pid, "via pid", 0);
        } else {
            MQ_EXPECT_WRITE(by_handle, "via handle", 0);
            MQ_EXPECT_WRITE(by_pid, "via pid", MSGQUEUE_MSGALERT);
            SetEvent(ev[0]);
            WAIT_EVENT(ev[1], "parent read");
        }
    }
    if (by_handle)
        MQ_CLOSE(by_handle);
    if (by_pid)
        MQ_CLOSE(by_pid);
    if (proc)
        CloseHandle(proc);
}

static void peer_opens_our_unnamed_queue(BOOL peer_reads)
{
    bmq_names n;
    HANDLE ev[2];
    DWORD err;
    bmq_setup(&n, NULL, ev, 2); /* the queue name goes unused */
    HANDLE q = mq_create(NULL, 0, 4, 64, !peer_reads, &err);
    REQUIRE(q != NULL);
    CHECK_EQ(err, ERROR_SUCCESS);
    cetest_proc child;
    REQUIRE(bit_spawn_peer(&child, "open_by_value", "%s %lu %llx %s", n.args, GetCurrentProcessId(),
                           (unsigned long long)(ULONG_PTR)q, peer_reads ? "read" : "write"));
    CHECK_PEER_BITS(&child);
    if (WAIT_EVENT(ev[0], "peer opened two ends")) {
        DWORD queued = peer_reads ? 0 : 1;
        QUEUE_INFO_IS(q, "us", 0, 4, 64, queued, queued, peer_reads ? 2 : 1, peer_reads ? 1 : 2);
        if (peer_reads) {
            Sleep(100);
            MQ_EXPECT_WRITE(q, "via handle", 0);
            MQ_EXPECT_WRITE(q, "via pid", 0);
        } else {
            MQ_EXPECT_READ(q, "via pid", MSGQUEUE_MSGALERT);
            MQ_EXPECT_READ(q, "via handle", 0);
            MQ_EXPECT_EMPTY(q);
        }
    }
    SetEvent(ev[1]);
    cetest_wait(&child, CHILD_BOUND);
    MQ_CLOSE(q);
    bmq_close_events(ev, 2);
}

CETEST(bitness_mq, unnamed_queue_peer_opens_write_ends) { peer_opens_our_unnamed_queue(FALSE); }
CETEST(bitness_mq, unnamed_queue_peer_opens_read_ends)  { peer_opens_our_unnamed_queue(TRUE); }
