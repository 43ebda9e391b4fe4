/*
 * bit_mq_faults.c - a queue shared by a 64-bit and a 32-bit process when
 * things go wrong: peer writers killed mid-stream never leave a half message
 * and drop out of the counts; an unbounded queue grown by the peer; a queue
 * without ALLOW_BROKEN broken by its peer writer's exit.
 */
#include "bit_mq_util.h"

#include <stdio.h>
#include <stdlib.h>

#define CRASH_ROUNDS 30
#define UNBOUNDED_COUNT 300ul /* ~10 MB: the on-demand ring grows a lot */

/* ---- 4. writers killed mid-stream; an unbounded queue ------------------------------- */

/* argv: queue (events) count max-messages. Writes `count` (0: until killed)
 * checked messages of varying sizes as fast as the queue takes them, then
 * exits with the handle open: ALLOW_BROKEN keeps what it wrote. */
CETEST_CHILD(stream_writer)
{
    bmq_names n;
    DWORD err;
    REQUIRE(argc == 4);
    bmq_setup(&n, argv, NULL, 0);
    DWORD count = (DWORD)atoi(argv[2]);
    HANDLE w = mq_create(n.q, MSGQUEUE_ALLOW_BROKEN, (DWORD)atoi(argv[3]), BMQ_MSG_MAX, FALSE, &err);
    BYTE *m = malloc(BMQ_MSG_MAX);
    REQUIRE(w != NULL && m != NULL);
    CHECK_EQ(err, ERROR_ALREADY_EXISTS);
    srand(GetCurrentProcessId());
    for (DWORD seq = 0; !count || seq < count; seq++) {
        DWORD len = bmq_len(count ? seq : (DWORD)rand());
        bmq_fill(m, BIT_OWN_BITS, seq, len);
        t_msg_result res = t_write_msg(w, m, len, 30000, 0);
        if (!CHECK_MSG(res.ok, "write %lu (%lu bytes): last error %lu", seq, len, res.err))
            break;
    }
    free(m);
}

/* Kills the process after delay_ms, while the test keeps reading. */
typedef struct kill_job {
    HANDLE process;
    DWORD delay_ms;
} kill_job;

static DWORD WINAPI kill_later(void *arg)
{
    kill_job *job = arg;
    Sleep(job->delay_ms);
    return TerminateProcess(job->process, 1);
}

CETEST(bitness_mq, peer_writers_killed_mid_stream_never_expose_half_messages)
{
    bmq_names n;
    bmq_setup(&n, NULL, NULL, 0);
    HANDLE r = mq_create(n.q, MSGQUEUE_ALLOW_BROKEN, 16, BMQ_MSG_MAX, TRUE, NULL);
    BYTE *m = malloc(BMQ_MSG_MAX);
    REQUIRE(r != NULL && m != NULL);
    srand(4321);
    DWORD total = 0, round;
    for (round = 0; round < CRASH_ROUNDS && !cetest_failures(); round++) {
        cetest_proc child;
        if (!bit_spawn_peer(&child, "stream_writer", "%s 0 16", n.args))
            break;
        CHECK_PEER_BITS(&child);
        /* Once it streams, keep reading so that it keeps writing, and kill
         * it meanwhile: copying, holding the lock, publishing, or waiting. */
        DWORD seq = 0;
        t_msg_result res = t_read_msg(r, m, BMQ_MSG_MAX, STEP_BOUND);
        if (CHECK_MSG(res.ok, "round %lu: first read: last error %lu", round, res.err) &&
            MSG_OK(m, res.bytes, seq, "the first"))
            seq++;
        kill_job job = { child.process, (DWORD)(rand() % 20) };
        HANDLE killer = CreateThread(NULL, 0, kill_later, &job, 0, NULL);
        CHECK(killer != NULL);
        /* All it completed is whole and in order, and nothing else shows. */
        for (ULONGLONG start = cetest_now_ms(); cetest_now_ms() - start < STEP_BOUND;) {
            BOOL dead = WaitForSingleObject(child.process, 0) == WAIT_OBJECT_0;
            res = t_read_msg(r, m, BMQ_MSG_MAX, 0);
            if (res.ok ? !MSG_OK(m, res.bytes, seq++, "round") : (res.err != ERROR_TIMEOUT || dead))
                break;
        }
        CHECK_MSG(!res.ok && res.err == ERROR_TIMEOUT, "round %lu: the last read: ok %d, last error %lu", round,
                  res.ok, res.err);
        CHECK_EQ(killer ? WaitForSingleObject(killer, STEP_BOUND) : WAIT_FAILED, WAIT_OBJECT_0);
        CloseHandle(killer);
        CHECK_EQ(cetest_collect(&child, STEP_BOUND, NULL, 0), 1);
        /* Its write handle is swept within a second. */
        ULONGLONG killed = cetest_now_ms();
        MSGQUEUEINFO info;
        while (mq_info(r, &info, NULL) && info.wNumWriters && cetest_now_ms() - killed < 1000)
            Sleep(10);
        CHECK_MSG(info.wNumWriters == 0 && info.wNumReaders == 1, "round %lu: %u writers, %u readers after 1 s",
                  round, info.wNumWriters, info.wNumReaders);
        total += seq;
    }
    CHECK_MSG(round == CRASH_ROUNDS, "only %lu of %d rounds ran", round, CRASH_ROUNDS);
    printf("%lu messages from %lu killed %lu-bit writers checked\n", total, round, BIT_PEER_BITS);
    free(m);
    MQ_CLOSE(r);
}

CETEST(bitness_mq, unbounded_queue_carries_varying_sizes)
{
    bmq_names n;
    bmq_setup(&n, NULL, NULL, 0);
    HANDLE r = mq_create(n.q, MSGQUEUE_ALLOW_BROKEN, 0, BMQ_MSG_MAX, TRUE, NULL);
    BYTE *m = malloc(BMQ_MSG_MAX);
    REQUIRE(r != NULL && m != NULL);
    cetest_proc child;
    REQUIRE(bit_spawn_peer(&child, "stream_writer", "%s %lu 0", n.args, UNBOUNDED_COUNT));
    CHECK_PEER_BITS(&child);
    cetest_wait(&child, CHILD_BOUND);
    QUEUE_INFO_IS(r, "us", MSGQUEUE_ALLOW_BROKEN | MSGQUEUE_NOPRECOMMIT, 0, BMQ_MSG_MAX, UNBOUNDED_COUNT,
                  UNBOUNDED_COUNT, 1, 0);
    for (DWORD i = 0; i < UNBOUNDED_COUNT; i++) {
        t_msg_result res = t_read_msg(r, m, BMQ_MSG_MAX, 0);
        if (!CHECK_MSG(res.ok && res.flags == 0 && res.bytes == bmq_len(i), "read %lu: ok %d, flags %lu, %lu bytes "
                       "(expected %lu), last error %lu", i, res.ok, res.flags, res.bytes, bmq_len(i), res.err) ||
            !MSG_OK(m, res.bytes, i, "unbounded"))
            break;
    }
    MQ_EXPECT_EMPTY(r);
    free(m);
    MQ_CLOSE(r);
}

/* ---- 5. the peer, sole writer, exits: the queue breaks ------------------------------- */

/* argv: queue events count. Writes `count` messages, then exits when told,
 * its write handle still open. */
CETEST_CHILD(sole_writer)
{
    bmq_names n;
    HANDLE ev[2];
    DWORD err;
    REQUIRE(argc == 3);
    bmq_setup(&n, argv, ev, 2);
    HANDLE w = mq_create(n.q, 0, 4, 64, FALSE, &err);
    REQUIRE(w != NULL);
    CHECK_EQ(err, ERROR_ALREADY_EXISTS);
    MQ_EXPECT_WRITE(w, "first", 0);
    if (atoi(argv[2]) > 1)
        MQ_EXPECT_WRITE(w, "lost", 0);
    SetEvent(ev[0]);
    WAIT_EVENT(ev[1], "parent says exit");
}

static void broken_by_peer_exit(BOOL blocked_reader)
{
    bmq_names n;
    HANDLE ev[2];
    char buf[64];
    bmq_setup(&n, NULL, ev, 2);
    HANDLE r = mq_create(n.q, 0, 4, 64, TRUE, NULL); /* not ALLOW_BROKEN */
    REQUIRE(r != NULL);
    cetest_proc child;
    REQUIRE(bit_spawn_peer(&child, "sole_writer", "%s %d", n.args, blocked_reader ? 1 : 2));
    CHECK_PEER_BITS(&child);
    mq_call *call = NULL;
    if (WAIT_EVENT(ev[0], "peer wrote")) {
        MQ_EXPECT_READ(r, "first", 0);
        if (blocked_reader) {
            call = mq_call_start(MQ_OP_READ, r, 15000, NULL, sizeof(buf), 0, 0);
            CHECK(call && mq_call_still_blocked(call, 300));
        } else {
            QUEUE_INFO_IS(r, "us", 0, 4, 64, 1, 2, 1, 1);
        }
    }
    ULONGLONG told = cetest_now_ms();
    SetEvent(ev[1]);
    cetest_wait(&child, CHILD_BOUND);
    if (call) {
        if (CHECK_MSG(mq_call_finish(call, 5000), "reader still blocked 5 s after the peer exited")) {
            CHECK_MSG(!call->ok && call->err == ERROR_PIPE_NOT_CONNECTED, "blocked read: ok %d, last error %lu",
                      call->ok, call->err);
            ULONGLONG woke = cetest_now_ms() - told;
            CHECK_MSG(woke < 2000, "woke %llu ms after the peer was told to exit", woke);
        }
        mq_call_free(call);
    }
    /* What was queued ("lost") went with the writer; reads fail at once. */
    t_msg_result res = t_read_msg(r, buf, sizeof(buf), 0);
    CHECK_MSG(!res.ok && res.err == ERROR_PIPE_NOT_CONNECTED, "read: ok %d (%lu bytes), last error %lu", res.ok,
              res.bytes, res.err);
    res = t_read_msg(r, buf, sizeof(buf), 1000);
    CHECK_MSG(!res.ok && res.err == ERROR_PIPE_NOT_CONNECTED && res.ms < 900,
              "read, timeout 1 s: ok %d, last error %lu, after %llu ms", res.ok, res.err, res.ms);
    QUEUE_INFO_IS(r, "us, peer gone", 0, 4, 64, 0, blocked_reader ? 1 : 2, 1, 0);
    MQ_CLOSE(r);
    bmq_close_events(ev, 2);
}

CETEST(bitness_mq, broken_when_peer_writer_exits_reads_fail) { broken_by_peer_exit(FALSE); }
CETEST(bitness_mq, broken_blocked_reader_wakes_when_peer_writer_exits) { broken_by_peer_exit(TRUE); }
