/*
 * mq_crash.c - processes killed with TerminateProcess at any moment (inside
 * a write, holding the lock, blocked) never deadlock the others, never leave
 * a half-written message readable, and drop out of the handle counts. The
 * random kills of many readers and writers are in mq_kill.c.
 */
#include "fault_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* ---- children ------------------------------------------------------------ */

static void open_name(WCHAR *name, const char *arg)
{
    MultiByteToWideChar(CP_UTF8, 0, arg, -1, name, 128);
}

/* Opens one end by name, says so through the event named argv[1], then
 * waits to be killed. */
CETEST_CHILD(crash_holder)
{
    WCHAR name[128], ready[128];
    REQUIRE(argc == 3);
    open_name(name, argv[0]);
    open_name(ready, argv[1]);
    MSGQUEUEOPTIONS o = fault_options(0, 1, 64, strcmp(argv[2], "read") == 0);
    HANDLE q = CreateMsgQueue(name, &o);
    REQUIRE(q != NULL);
    HANDLE ev = OpenEventW(EVENT_MODIFY_STATE, FALSE, ready);
    REQUIRE(ev != NULL);
    SetEvent(ev);
    Sleep(60000);
}

/* Takes the queue's lock and leaves a half-written record beyond the tail,
 * as a writer killed inside its critical section would; then waits to be
 * killed. */
CETEST_CHILD(crash_lock_holder)
{
    WCHAR name[128], ready[128];
    REQUIRE(argc == 2);
    open_name(name, argv[0]);
    open_name(ready, argv[1]);
    HANDLE mapping;
    SIZE_T size;
    struct mq_header *h = fault_map_queue(name, &mapping, &size);
    REQUIRE(h != NULL);
    LONG64 me = (LONG64)fault_owner_word(GetCurrentProcess(), GetCurrentProcessId());
    REQUIRE(InterlockedCompareExchange64((volatile LONG64 *)&h->write_lock, me, 0) == 0);
    BYTE *ring = (BYTE *)h + MQ_HEADER_SIZE + ((h->cb_max_message + 4095) / 4096) * 4096;
    struct mq_record rec = { 40, 0, GetCurrentProcessId(), MQ_KIND_MSG };
    uint32_t tail = (uint32_t)h->wstate; /* the tail offset; the count is above it */
    memcpy(ring + tail, &rec, sizeof(rec));
    memset(ring + tail + sizeof(rec), 'X', 20); /* 20 of 40 bytes */
    HANDLE ev = OpenEventW(EVENT_MODIFY_STATE, FALSE, ready);
    REQUIRE(ev != NULL);
    SetEvent(ev);
    Sleep(60000);
}

/* Opens two read handles and exits without closing them. */
CETEST_CHILD(exit_without_close)
{
    WCHAR name[128];
    REQUIRE(argc == 1);
    open_name(name, argv[0]);
    MSGQUEUEOPTIONS o = fault_options(0, 4, 64, TRUE);
    CHECK(CreateMsgQueue(name, &o) != NULL);
    CHECK(CreateMsgQueue(name, &o) != NULL);
}

/* ---- helpers ----------------------------------------------------------------- */

static void kill_child(cetest_proc *child)
{
    TerminateProcess(child->process, 1);
    WaitForSingleObject(child->process, 10000);
    cetest_collect(child, 0, NULL, 0);
}

static HANDLE ready_event(WCHAR *name)
{
    cetest_unique_name(L"crash-ready", name, 128);
    return CreateEventW(NULL, TRUE, FALSE, name);
}

static void utf8(const WCHAR *w, char *out)
{
    WideCharToMultiByte(CP_UTF8, 0, w, -1, out, 256, NULL, NULL);
}

/* A queue end of `end` ("read"/"write") held by a child in `role`, which
 * has signaled that it holds it; the parent's own end is created first. */
typedef struct held_queue {
    WCHAR name[128];
    HANDLE mine;
    HANDLE ready;
    cetest_proc child;
} held_queue;

static BOOL hold_queue(held_queue *hq, MSGQUEUEOPTIONS mine, const char *role, const char *end)
{
    WCHAR ready[128];
    char name8[256], ready8[256];
    cetest_unique_name(L"crash", hq->name, 128);
    hq->ready = ready_event(ready);
    utf8(hq->name, name8);
    utf8(ready, ready8);
    hq->mine = CreateMsgQueue(hq->name, &mine);
    if (!CHECK(hq->mine != NULL) ||
        !cetest_spawn(&hq->child, 0, role, end ? "%s %s %s" : "%s %s", name8, ready8, end))
        return FALSE;
    return CHECK_EQ(WaitForSingleObject(hq->ready, 20000), WAIT_OBJECT_0);
}

static void release_queue(held_queue *hq)
{
    CloseHandle(hq->ready);
    if (hq->mine)
        CloseMsgQueue(hq->mine);
}

typedef struct blocked_call {
    HANDLE q;
    BOOL write;
    BOOL ok;
    DWORD err;
    ULONGLONG done_ms;
} blocked_call;

static DWORD WINAPI blocked_call_thread(void *arg)
{
    blocked_call *c = arg;
    char buf[64] = "x";
    DWORD n, f;
    SetLastError(0xdeadbeef);
    c->ok = c->write ? WriteMsgQueue(c->q, buf, 1, 20000, 0) : ReadMsgQueue(c->q, buf, 64, &n, 20000, &f);
    c->err = GetLastError();
    c->done_ms = cetest_now_ms();
    return 0;
}

/* ---- tests --------------------------------------------------------------------- */

CETEST(mq_crash, blocked_reader_wakes_when_the_last_writer_is_killed)
{
    held_queue hq;
    REQUIRE(hold_queue(&hq, fault_options(0, 1, 64, TRUE), "crash_holder", "write"));
    blocked_call call = { hq.mine, FALSE, FALSE, 0, 0 };
    HANDLE t = CreateThread(NULL, 0, blocked_call_thread, &call, 0, NULL);
    Sleep(300); /* let it block */
    ULONGLONG killed = cetest_now_ms();
    kill_child(&hq.child);
    CHECK_EQ(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
    CHECK_EQ(call.ok, FALSE);
    CHECK_EQ(call.err, ERROR_PIPE_NOT_CONNECTED);
    CHECK_MSG(call.done_ms - killed < 1500, "woke %llu ms after the kill", call.done_ms - killed);
    CloseHandle(t);
    release_queue(&hq);
}

CETEST(mq_crash, blocked_writer_wakes_when_the_last_reader_is_killed)
{
    held_queue hq;
    REQUIRE(hold_queue(&hq, fault_options(0, 1, 64, FALSE), "crash_holder", "read"));
    HANDLE w = hq.mine;
    CHECK(WriteMsgQueue(w, "fill", 4, 0, 0)); /* now full */
    blocked_call call = { w, TRUE, FALSE, 0, 0 };
    HANDLE t = CreateThread(NULL, 0, blocked_call_thread, &call, 0, NULL);
    Sleep(300);
    ULONGLONG killed = cetest_now_ms();
    kill_child(&hq.child);
    CHECK_EQ(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
    CHECK_EQ(call.ok, FALSE);
    CHECK_EQ(call.err, ERROR_PIPE_NOT_CONNECTED);
    CHECK_MSG(call.done_ms - killed < 1500, "woke %llu ms after the kill", call.done_ms - killed);
    SetLastError(0xdeadbeef);
    CHECK_EQ(WriteMsgQueue(w, "more", 4, 0, 0), FALSE);
    CHECK_LASTERROR(ERROR_PIPE_NOT_CONNECTED);
    CloseHandle(t);
    release_queue(&hq);
}

CETEST(mq_crash, write_after_reader_crash_is_not_connected_within_a_second)
{
    held_queue hq;
    REQUIRE(hold_queue(&hq, fault_options(0, 1, 64, FALSE), "crash_holder", "read"));
    HANDLE w = hq.mine;
    kill_child(&hq.child);
    ULONGLONG killed = cetest_now_ms();
    BOOL ok;
    DWORD err;
    do {
        SetLastError(0xdeadbeef);
        ok = WriteMsgQueue(w, "x", 1, 0, 0);
        err = GetLastError();
        if (!ok && err == ERROR_PIPE_NOT_CONNECTED)
            break;
        Sleep(20);
    } while (cetest_now_ms() - killed < 1000);
    CHECK_EQ(ok, FALSE);
    CHECK_EQ(err, ERROR_PIPE_NOT_CONNECTED);
    release_queue(&hq);
}

CETEST(mq_crash, lock_holder_killed_inside_a_write_is_taken_over)
{
    held_queue hq;
    WCHAR ready[128];
    char name8[256], ready8[256];
    cetest_unique_name(L"crash", hq.name, 128);
    hq.ready = ready_event(ready);
    utf8(hq.name, name8);
    utf8(ready, ready8);
    MSGQUEUEOPTIONS o = fault_options(0, 8, 64, TRUE);
    HANDLE r = CreateMsgQueue(hq.name, &o);
    o.bReadAccess = FALSE;
    HANDLE w = CreateMsgQueue(hq.name, &o);
    REQUIRE(r && w);
    CHECK(WriteMsgQueue(w, "before", 6, 0, 0));
    REQUIRE(cetest_spawn(&hq.child, 0, "crash_lock_holder", "%s %s", name8, ready8));
    CHECK_EQ(WaitForSingleObject(hq.ready, 20000), WAIT_OBJECT_0);
    kill_child(&hq.child);

    char buf[64];
    DWORD n = 0, flags;
    ULONGLONG start = cetest_now_ms();
    SetLastError(0xdeadbeef);
    CHECK(ReadMsgQueue(r, buf, sizeof(buf), &n, 0, &flags));
    CHECK_EQ(n, 6);
    CHECK_MEM_EQ(buf, "before", 6);
    /* The half-written record beyond the tail never shows. */
    SetLastError(0xdeadbeef);
    CHECK_EQ(ReadMsgQueue(r, buf, sizeof(buf), &n, 0, &flags), FALSE);
    CHECK_LASTERROR(ERROR_TIMEOUT);
    CHECK(WriteMsgQueue(w, "after", 5, 0, 0));
    CHECK(ReadMsgQueue(r, buf, sizeof(buf), &n, 0, &flags));
    CHECK_MEM_EQ(buf, "after", 5);
    CHECK_MSG(cetest_now_ms() - start < 2000, "took %llu ms", cetest_now_ms() - start);
    CloseHandle(hq.ready);
    CloseMsgQueue(w);
    CloseMsgQueue(r);
}

CETEST(mq_crash, process_exit_without_close_releases_its_handles)
{
    WCHAR name[128];
    char name8[256];
    cetest_unique_name(L"crash", name, 128);
    utf8(name, name8);
    MSGQUEUEOPTIONS o = fault_options(0, 4, 64, FALSE);
    HANDLE w = CreateMsgQueue(name, &o);
    REQUIRE(w != NULL);
    cetest_proc child;
    REQUIRE(cetest_spawn(&child, 0, "exit_without_close", "%s", name8));
    CHECK_EQ(cetest_wait(&child, 30000), CETEST_CHILD_PASSED);
    CHECK_MSG(fault_wait_counts(w, 0, 1, 1000) != ~0u, "the exited child's two read handles still count");
    CloseMsgQueue(w);
}
