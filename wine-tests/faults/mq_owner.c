/*
 * mq_owner.c - a queue's lock word and handle records name a process by its
 * pid and creation time. A word or record whose pid is alive but belongs to
 * another process (a reused pid: this very process, or any other one) is a
 * dead owner's, and must be taken over or swept at once, not waited on.
 */
#include "fault_util.h"

#include <stdio.h>
#include <string.h>

#define PROMPT_MS 1000 /* "at once": bounded, generous for a loaded machine */

/* Sleeps until killed; never opens a queue. */
CETEST_CHILD(owner_bystander)
{
    (void)argc, (void)argv;
    Sleep(60000);
}

typedef fault_queue owned_queue;

/* A queue with one read and one write handle here and "queued" in it. */
static BOOL owned_open(owned_queue *q, DWORD max_messages)
{
    return CHECK(fault_queue_open(q, L"owner", 0, max_messages, 256)) && CHECK(WriteMsgQueue(q->w, "queued", 6, 0, 0));
}

static void owned_close(owned_queue *q) { fault_queue_close(q); }

/* A live process with a pid of its own, that never opens the queue. */
static BOOL start_bystander(cetest_proc *other) { return cetest_spawn(other, 0, "owner_bystander", NULL); }

static void stop_bystander(cetest_proc *other)
{
    TerminateProcess(other->process, 1);
    cetest_collect(other, 10000, NULL, 0);
}

static uint64_t my_creation_time(void) { return fault_create_time(GetCurrentProcess()); }

/* What a process with this pid and creation time leaves in a lock word. */
static void forge_lock(volatile uint64_t *word, DWORD pid, uint64_t create_time)
{
    *word = ceshim_owner_word(pid, create_time);
}

/* Every call of the user's answers at once and rightly: the queued message
 * is read, a write goes in, the counts are this process's. */
static void expect_usable(owned_queue *q, const char *what)
{
    char buf[64];
    DWORD n = 0, flags = 0;
    ULONGLONG start = cetest_now_ms();
    SetLastError(0xdeadbeef);
    BOOL ok = WriteMsgQueue(q->w, "fresh", 5, 0, 0);
    CHECK_MSG(ok, "%s: write = %d, error %lu after %llu ms", what, ok, GetLastError(), cetest_now_ms() - start);
    SetLastError(0xdeadbeef);
    ok = ReadMsgQueue(q->r, buf, sizeof(buf), &n, 0, &flags);
    CHECK_MSG(ok && n == 6 && !memcmp(buf, "queued", 6), "%s: read = %d, error %lu, %lu bytes", what, ok,
              GetLastError(), n);
    MSGQUEUEINFO info;
    memset(&info, 0, sizeof(info));
    info.dwSize = sizeof(info);
    SetLastError(0xdeadbeef);
    ok = GetMsgQueueInfo(q->r, &info);
    CHECK_MSG(ok && info.wNumReaders == 1 && info.wNumWriters == 1 && info.dwCurrentMessages == 1,
              "%s: info = %d, error %lu, readers %u writers %u messages %lu", what, ok, GetLastError(),
              info.wNumReaders, info.wNumWriters, info.dwCurrentMessages);
    ULONGLONG took = cetest_now_ms() - start;
    CHECK_MSG(took < PROMPT_MS, "%s: the three calls took %llu ms", what, took);
}

CETEST(mq_owner, lock_left_by_an_earlier_process_with_my_pid_is_taken_over_at_once)
{
    owned_queue q;
    REQUIRE(owned_open(&q, 8));
    /* A process that had this pid before us died holding both locks. */
    forge_lock(&q.h->read_lock, GetCurrentProcessId(), my_creation_time() - 10000000);
    forge_lock(&q.h->write_lock, GetCurrentProcessId(), my_creation_time() - 10000000);
    expect_usable(&q, "both locks of a dead incarnation of my pid");
    owned_close(&q);
}

CETEST(mq_owner, lock_left_by_an_earlier_process_with_a_live_pid_is_taken_over_at_once)
{
    owned_queue q;
    REQUIRE(owned_open(&q, 0));
    cetest_proc other;
    REQUIRE(start_bystander(&other));
    /* The dead owner's pid now belongs to a process that never opened the
     * queue. */
    uint64_t born = fault_create_time(other.process);
    forge_lock(&q.h->read_lock, other.pid, born - 10000000);
    forge_lock(&q.h->write_lock, other.pid, born + 1);
    expect_usable(&q, "both locks of a dead incarnation of a live pid");
    stop_bystander(&other);
    owned_close(&q);
}

CETEST(mq_owner, lock_held_by_a_live_process_fails_busy_within_a_second_at_timeout_zero)
{
    owned_queue q;
    REQUIRE(owned_open(&q, 8));
    cetest_proc other;
    REQUIRE(start_bystander(&other));
    /* The owner really is that process: a live holder is not overruled, but
     * a call that may not wait does not wait for it either. */
    forge_lock(&q.h->read_lock, other.pid, fault_create_time(other.process));
    char buf[64];
    DWORD n = 0, flags = 0;
    ULONGLONG start = cetest_now_ms();
    SetLastError(0xdeadbeef);
    BOOL ok = ReadMsgQueue(q.r, buf, sizeof(buf), &n, 0, &flags);
    DWORD error = GetLastError();
    ULONGLONG took = cetest_now_ms() - start;
    CHECK_MSG(!ok && error == ERROR_BUSY, "read = %d, error %lu", ok, error);
    CHECK_MSG(took < PROMPT_MS, "gave up after %llu ms", took);
    /* Once the holder is gone the lock is taken over. */
    stop_bystander(&other);
    start = cetest_now_ms();
    SetLastError(0xdeadbeef);
    ok = ReadMsgQueue(q.r, buf, sizeof(buf), &n, 0, &flags);
    CHECK_MSG(ok && n == 6, "read after the holder died = %d, error %lu, %lu bytes", ok, GetLastError(), n);
    CHECK_MSG(cetest_now_ms() - start < PROMPT_MS, "took %llu ms", cetest_now_ms() - start);
    owned_close(&q);
}

/* Adds a record of one reader for (pid, create_time), as a process that
 * opened the queue would have left it. */
static void forge_reader_record(struct mq_header *h, DWORD pid, uint64_t create_time)
{
    uint32_t i = h->proc_slots;
    h->procs[i].readers = 1;
    h->procs[i].writers = 0;
    h->procs[i].create_time = create_time;
    h->procs[i].pid = pid;
    h->proc_slots = i + 1;
}

static void expect_counts_promptly(owned_queue *q, const char *what)
{
    DWORD took = fault_wait_counts(q->r, 1, 1, PROMPT_MS);
    MSGQUEUEINFO info;
    memset(&info, 0, sizeof(info));
    info.dwSize = sizeof(info);
    BOOL ok = GetMsgQueueInfo(q->r, &info);
    CHECK_MSG(took != ~0u, "%s: after %u ms: info = %d, error %lu, readers %u writers %u", what, PROMPT_MS, ok,
              GetLastError(), info.wNumReaders, info.wNumWriters);
}

CETEST(mq_owner, record_left_by_an_earlier_process_with_my_pid_is_swept)
{
    owned_queue q;
    REQUIRE(owned_open(&q, 8));
    forge_reader_record(q.h, GetCurrentProcessId(), my_creation_time() - 10000000);
    expect_counts_promptly(&q, "a record of a dead incarnation of my pid");
    /* It no longer keeps the read end open: closing the real reader breaks
     * the queue for the writer. */
    CHECK(CloseMsgQueue(q.r));
    q.r = NULL;
    SetLastError(0xdeadbeef);
    CHECK_EQ(WriteMsgQueue(q.w, "x", 1, 0, 0), FALSE);
    CHECK_LASTERROR(ERROR_PIPE_NOT_CONNECTED);
    owned_close(&q);
}

CETEST(mq_owner, record_left_by_an_earlier_process_with_a_live_pid_is_swept)
{
    owned_queue q;
    REQUIRE(owned_open(&q, 0));
    cetest_proc other;
    REQUIRE(start_bystander(&other));
    forge_reader_record(q.h, other.pid, fault_create_time(other.process) - 10000000);
    expect_counts_promptly(&q, "a record of a dead incarnation of a live pid");
    stop_bystander(&other);
    owned_close(&q);
}
