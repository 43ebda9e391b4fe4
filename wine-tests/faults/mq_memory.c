/*
 * mq_memory.c - queues that commit on demand give their memory back as they
 * drain, and their chunks outlive the process that made them (white-box:
 * chunks are counted by probing their object names, see mq_layout.h).
 */
#include "fault_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STEP_BOUND_MS 10000u
#define CHILD_BOUND 30000u
#define MSG_SIZE 1000u /* 1 KiB records: 256 KiB slots hold 255 */
#define CHUNK_BYTES (MQ_CHUNK_HEADER + MQ_SLOT_MIN_UNBOUNDED)

static void utf8_name(WCHAR *name, const char *arg) { MultiByteToWideChar(CP_UTF8, 0, arg, -1, name, 128); }

/* The uid the queue's next chunk will get (read from its header). */
static uint64_t next_chunk_uid(const WCHAR *name)
{
    HANDLE mapping;
    SIZE_T size;
    struct mq_header *h = fault_map_queue(name, &mapping, &size);
    if (!CHECK_MSG(h != NULL, "queue %ls not found", name))
        return 0;
    uint64_t uid = h->next_uid;
    fault_unmap_queue(h, mapping);
    return uid;
}

/* Chunk uid of the queue `name` by its object name, or NULL once no
 * process has a handle of it. */
static HANDLE open_chunk_object(const WCHAR *name, uint64_t uid, DWORD access)
{
    WCHAR object[512];
    _snwprintf(object, 512, L"Local\\" CESHIM_LAYOUT_TAG L"qn.%ls.c%llx", name, (unsigned long long)uid);
    object[511] = 0;
    return OpenFileMappingW(access, FALSE, object);
}

/* How many of the queue's last `span` chunks still exist: a name opens
 * while some process, any process, still has a handle of the object. */
static DWORD live_chunks(const WCHAR *name, uint64_t next_uid, DWORD span)
{
    DWORD n = 0;
    for (uint64_t uid = next_uid > span ? next_uid - span : 1; uid < next_uid; uid++) {
        HANDLE m = open_chunk_object(name, uid, FILE_MAP_READ);
        if (m) {
            n++;
            CloseHandle(m);
        }
    }
    return n;
}

/* Bytes of this process's address space in mapped views. */
static SIZE_T mapped_bytes(void)
{
    SIZE_T total = 0;
    MEMORY_BASIC_INFORMATION mbi;
    for (BYTE *p = NULL; VirtualQuery(p, &mbi, sizeof(mbi)); p = (BYTE *)mbi.BaseAddress + mbi.RegionSize) {
        if (mbi.Type == MEM_MAPPED && mbi.State == MEM_COMMIT)
            total += mbi.RegionSize;
        if ((BYTE *)mbi.BaseAddress + mbi.RegionSize < p)
            break;
    }
    return total;
}

/* The processes recorded as holding a keeper of chunk uid (0 if it is gone). */
static DWORD keeper_pids(const WCHAR *name, uint64_t uid, DWORD *pids, DWORD max)
{
    HANDLE m = open_chunk_object(name, uid, FILE_MAP_READ);
    if (!m)
        return 0;
    DWORD n = 0;
    const struct mq_chunk_header *c = MapViewOfFile(m, FILE_MAP_READ, 0, 0, MQ_CHUNK_HEADER);
    if (CHECK(c != NULL)) {
        for (DWORD i = 0; i < MQ_MAX_PROCS; i++)
            if (c->keepers[i].pid && n < max)
                pids[n++] = c->keepers[i].pid;
        UnmapViewOfFile(c);
    }
    CloseHandle(m);
    return n;
}

static DWORD write_messages(HANDLE w, DWORD writer, DWORD first, DWORD count)
{
    static BYTE buf[MSG_SIZE];
    fault_msg *m = (fault_msg *)buf;
    for (DWORD i = 0; i < count; i++) {
        fault_fill(m, writer, first + i, MSG_SIZE);
        SetLastError(0xdeadbeef);
        if (!WriteMsgQueue(w, m, MSG_SIZE, 0, 0)) {
            CHECK_MSG(FALSE, "write %lu failed, error %lu", first + i, GetLastError());
            return i;
        }
    }
    return count;
}

/* Reads `count` messages that must be writer's first..first+count-1, whole. */
static void read_messages(HANDLE r, DWORD writer, DWORD first, DWORD count)
{
    static BYTE buf[MSG_SIZE + 16];
    fault_msg *m = (fault_msg *)buf;
    DWORD bad = 0;
    for (DWORD i = 0; i < count; i++) {
        DWORD got = 0, flags = 0;
        SetLastError(0xdeadbeef);
        if (!ReadMsgQueue(r, buf, sizeof(buf), &got, STEP_BOUND_MS, &flags)) {
            CHECK_MSG(FALSE, "read %lu of %lu failed, error %lu", i, count, GetLastError());
            return;
        }
        if ((!fault_valid(m, got) || m->writer != writer || m->seq != first + i) && bad++ < 3)
            CHECK_MSG(FALSE, "message %lu: %lu bytes, writer %lu, seq %lu", first + i, got, m->writer, m->seq);
    }
    CHECK_MSG(bad == 0, "%lu of %lu messages wrong", bad, count);
}

static HANDLE make_event(const WCHAR *base, const WCHAR *what)
{
    WCHAR name[200];
    _snwprintf(name, 200, L"%ls-%ls", base, what);
    name[199] = 0;
    return CreateEventW(NULL, TRUE, FALSE, name);
}

static BOOL wait_event(HANDLE ev, const char *what)
{
    return CHECK_MSG(WaitForSingleObject(ev, STEP_BOUND_MS) == WAIT_OBJECT_0, "no '%s' within %u ms", what,
                     STEP_BOUND_MS);
}

/* ---- one process --------------------------------------------------------------------- */

/* Both ends of a new unbounded queue named into name[128]. */
static BOOL unbounded_pair(WCHAR *name, HANDLE *r, HANDLE *w)
{
    cetest_unique_name(L"mqmem", name, 128);
    MSGQUEUEOPTIONS ro = fault_options(0, 0, MSG_SIZE, TRUE), wo = fault_options(0, 0, MSG_SIZE, FALSE);
    *r = CreateMsgQueue(name, &ro);
    *w = CreateMsgQueue(name, &wo);
    return CHECK(*r != NULL) && CHECK(*w != NULL);
}

CETEST(mq_memory, unbounded_queue_gives_memory_back_as_it_drains)
{
    WCHAR name[128];
    HANDLE r, w;
    REQUIRE(unbounded_pair(name, &r, &w));
    SIZE_T mapped0 = mapped_bytes();
    uint64_t uid0 = next_chunk_uid(name);

    /* 16000 KiB queued: about 63 chunks of 256 KiB. */
    enum { N = 16000 };
    REQUIRE(write_messages(w, 1, 0, N) == N);
    uint64_t uid_full = next_chunk_uid(name);
    DWORD made = (DWORD)(uid_full - uid0), full = live_chunks(name, uid_full, 400);
    CHECK_MSG(made >= 60 && made <= 66, "%lu chunks made for 16000 KiB", made);
    CHECK_EQ(full, made);
    /* Views stay few however much is queued. */
    CHECK_MSG(mapped_bytes() <= mapped0 + 6 * CHUNK_BYTES, "mapped %lu KiB, before %lu KiB",
              (unsigned long)(mapped_bytes() / 1024), (unsigned long)(mapped0 / 1024));

    read_messages(r, 1, 0, N / 2);
    DWORD half = live_chunks(name, uid_full, 400);
    CHECK_MSG(half <= full / 2 + 3 && half >= full / 2 - 3, "%lu chunks left of %lu at half", half, full);

    read_messages(r, 1, N / 2, N / 2);
    DWORD drained = live_chunks(name, uid_full, 400);
    CHECK_MSG(drained <= 2, "%lu chunks left once drained", drained);
    CHECK_MSG(mapped_bytes() <= mapped0 + 6 * CHUNK_BYTES, "mapped %lu KiB, before %lu KiB",
              (unsigned long)(mapped_bytes() / 1024), (unsigned long)(mapped0 / 1024));

    /* A second burst reuses what is left and grows again. */
    REQUIRE(write_messages(w, 2, 0, N / 4) == N / 4);
    read_messages(r, 2, 0, N / 4);
    uint64_t uid_end = next_chunk_uid(name);
    CHECK_MSG(live_chunks(name, uid_end, 400) <= 2, "%lu chunks left after the second burst",
              live_chunks(name, uid_end, 400));

    CHECK(CloseMsgQueue(w));
    CHECK(CloseMsgQueue(r));
    CHECK_EQ(live_chunks(name, uid_end, 400), 0);
}

CETEST(mq_memory, discarded_messages_give_their_memory_back)
{
    WCHAR name[128];
    HANDLE r, w;
    REQUIRE(unbounded_pair(name, &r, &w));
    REQUIRE(write_messages(w, 1, 0, 4000) == 4000);
    uint64_t uid = next_chunk_uid(name);
    CHECK_MSG(live_chunks(name, uid, 400) >= 15, "%lu chunks for 4000 KiB", live_chunks(name, uid, 400));
    /* Without MSGQUEUE_ALLOW_BROKEN the last writer's close discards them. */
    CHECK(CloseMsgQueue(w));
    CHECK_MSG(live_chunks(name, uid, 400) <= 2, "%lu chunks left after the discard", live_chunks(name, uid, 400));
    CHECK(CloseMsgQueue(r));
    CHECK_EQ(live_chunks(name, uid, 400), 0);
}

/* ---- across processes -------------------------------------------------------------------- */

/* Opens the write end of queue argv[0], writes argv[2] messages as writer
 * argv[3], then idles until "<argv[1]>-done" (or is killed). */
CETEST_CHILD(memory_writer)
{
    WCHAR name[128], base[128];
    REQUIRE(argc == 4);
    utf8_name(name, argv[0]);
    utf8_name(base, argv[1]);
    HANDLE opened = make_event(base, L"opened"), written = make_event(base, L"written");
    HANDLE go = make_event(base, L"go"), done = make_event(base, L"done");
    MSGQUEUEOPTIONS o = fault_options(MSGQUEUE_ALLOW_BROKEN, 0, MSG_SIZE, FALSE);
    HANDLE w = CreateMsgQueue(name, &o);
    REQUIRE(w != NULL);
    SetEvent(opened);
    REQUIRE(wait_event(go, "go"));
    write_messages(w, (DWORD)atoi(argv[3]), 0, (DWORD)atoi(argv[2]));
    SetEvent(written);
    wait_event(done, "done"); /* idle: no queue call meanwhile */
    CHECK(CloseMsgQueue(w));
}

/* A read end here and a memory_writer child that has opened the write
 * end and waits for "go". */
typedef struct writer_run {
    WCHAR name[128], base[128];
    HANDLE opened, written, go, done;
    HANDLE r;
    cetest_proc child;
} writer_run;

static BOOL writer_start(writer_run *run, DWORD count, DWORD id)
{
    char name8[200], base8[200];
    cetest_unique_name(L"mqmem", run->name, 128);
    cetest_unique_name(L"mqmemev", run->base, 128);
    WideCharToMultiByte(CP_UTF8, 0, run->name, -1, name8, 200, NULL, NULL);
    WideCharToMultiByte(CP_UTF8, 0, run->base, -1, base8, 200, NULL, NULL);
    run->opened = make_event(run->base, L"opened");
    run->written = make_event(run->base, L"written");
    run->go = make_event(run->base, L"go");
    run->done = make_event(run->base, L"done");
    MSGQUEUEOPTIONS ro = fault_options(MSGQUEUE_ALLOW_BROKEN, 0, MSG_SIZE, TRUE);
    run->r = CreateMsgQueue(run->name, &ro);
    return CHECK(run->r != NULL) &&
           cetest_spawn(&run->child, 0, "memory_writer", "%s %s %lu %lu", name8, base8, count, id) &&
           wait_event(run->opened, "child opened");
}

static void writer_end(writer_run *run, BOOL killed)
{
    SetEvent(run->done);
    if (killed)
        cetest_collect(&run->child, CHILD_BOUND, NULL, 0);
    else
        cetest_wait(&run->child, CHILD_BOUND);
    CHECK(CloseMsgQueue(run->r));
    CloseHandle(run->opened);
    CloseHandle(run->written);
    CloseHandle(run->go);
    CloseHandle(run->done);
}

CETEST(mq_memory, an_idle_writer_process_keeps_nothing_once_drained)
{
    writer_run run;
    REQUIRE(writer_start(&run, 8000, 7));
    SetEvent(run.go);
    if (wait_event(run.written, "child wrote")) {
        uint64_t uid = next_chunk_uid(run.name);
        DWORD full = live_chunks(run.name, uid, 400);
        CHECK_MSG(full >= 30, "%lu chunks for 8000 KiB", full);
        /* Each process holds a keeper of each chunk: the writer its
         * creation handle, this process one the writer gave it. */
        DWORD pids[8], n = keeper_pids(run.name, uid - 1, pids, 8);
        CHECK_EQ(n, 2);
        BOOL child_has = FALSE, self_has = FALSE;
        for (DWORD i = 0; i < n; i++) {
            child_has |= pids[i] == run.child.pid;
            self_has |= pids[i] == GetCurrentProcessId();
        }
        CHECK_MSG(child_has && self_has, "keepers of pids %lu, %lu (child %lu, self %lu)", n > 0 ? pids[0] : 0,
                  n > 1 ? pids[1] : 0, run.child.pid, GetCurrentProcessId());
        read_messages(run.r, 7, 0, 8000);
        /* The writer has made no call since, and its keepers were closed
         * for it: no process has a handle of the drained chunks. */
        CHECK_MSG(live_chunks(run.name, uid, 400) <= 2, "%lu chunks left", live_chunks(run.name, uid, 400));
    }
    writer_end(&run, FALSE);
}

CETEST(mq_memory, chunks_outlive_a_killed_writer)
{
    writer_run run;
    REQUIRE(writer_start(&run, 6000, 9));
    SetEvent(run.go);
    if (wait_event(run.written, "child wrote")) {
        /* The chunks were all made by the child, and this process has not
         * mapped one: only its keepers hold them. */
        CHECK(TerminateProcess(run.child.process, 1));
        CHECK_EQ(WaitForSingleObject(run.child.process, STEP_BOUND_MS), WAIT_OBJECT_0);
        CHECK_MSG(fault_wait_counts(run.r, 1, 0, 2000) != ~0u, "the killed writer still counts");
        read_messages(run.r, 9, 0, 6000);
        uint64_t uid = next_chunk_uid(run.name);
        CHECK_MSG(live_chunks(run.name, uid, 400) <= 2, "%lu chunks left", live_chunks(run.name, uid, 400));
    }
    writer_end(&run, TRUE);
}

/* Opens the read end of queue argv[0] after its chunks were made, lets the
 * parent close its handles, then reads argv[1] messages of writer 5. */
CETEST_CHILD(late_reader)
{
    WCHAR name[128], base[128];
    REQUIRE(argc == 3);
    utf8_name(name, argv[0]);
    utf8_name(base, argv[2]);
    HANDLE opened = make_event(base, L"opened"), closed = make_event(base, L"closed");
    MSGQUEUEOPTIONS o = fault_options(MSGQUEUE_ALLOW_BROKEN, 0, MSG_SIZE, TRUE);
    HANDLE r = CreateMsgQueue(name, &o);
    REQUIRE(r != NULL);
    CHECK_EQ(GetLastError(), ERROR_ALREADY_EXISTS);
    SetEvent(opened);
    REQUIRE(wait_event(closed, "parent closed"));
    read_messages(r, 5, 0, (DWORD)atoi(argv[1]));
    CHECK(CloseMsgQueue(r));
}

CETEST(mq_memory, a_process_opening_later_keeps_the_chunks)
{
    WCHAR name[128], base[128];
    char name8[200], base8[200];
    cetest_unique_name(L"mqmem", name, 128);
    cetest_unique_name(L"mqmemev", base, 128);
    WideCharToMultiByte(CP_UTF8, 0, name, -1, name8, 200, NULL, NULL);
    WideCharToMultiByte(CP_UTF8, 0, base, -1, base8, 200, NULL, NULL);
    HANDLE opened = make_event(base, L"opened"), closed = make_event(base, L"closed");
    MSGQUEUEOPTIONS wo = fault_options(MSGQUEUE_ALLOW_BROKEN, 0, MSG_SIZE, FALSE);
    HANDLE w = CreateMsgQueue(name, &wo);
    REQUIRE(w != NULL);
    REQUIRE(write_messages(w, 5, 0, 5000) == 5000);
    cetest_proc child;
    REQUIRE(cetest_spawn(&child, 0, "late_reader", "%s %u %s", name8, 5000u, base8));
    if (wait_event(opened, "child opened")) {
        /* This process made every chunk; once it lets go, only the
         * child's keepers (taken when it opened) hold them. */
        CHECK(CloseMsgQueue(w));
        w = NULL;
        SetEvent(closed);
    }
    cetest_wait(&child, CHILD_BOUND);
    if (w)
        CloseMsgQueue(w);
    CloseHandle(opened);
    CloseHandle(closed);
}

/* ---- damaged records ---------------------------------------------------------------------- */

/* Points every keeper record of the queue's chunks at `victim`, a handle of
 * this process that is not a chunk. */
static DWORD forge_keepers(const WCHAR *name, uint64_t next_uid, HANDLE victim)
{
    DWORD forged = 0;
    uint64_t own_create_time = fault_create_time(GetCurrentProcess());
    for (uint64_t uid = next_uid > 400 ? next_uid - 400 : 1; uid < next_uid; uid++) {
        HANDLE m = open_chunk_object(name, uid, FILE_MAP_ALL_ACCESS);
        if (!m)
            continue;
        struct mq_chunk_header *c = MapViewOfFile(m, FILE_MAP_ALL_ACCESS, 0, 0, MQ_CHUNK_HEADER);
        if (c) {
            for (DWORD i = 0; i < MQ_MAX_PROCS; i++) {
                /* This very process, so only the chunk check can refuse. */
                c->keepers[i].pid = GetCurrentProcessId();
                c->keepers[i].create_time = own_create_time;
                c->keepers[i].handle = (uint32_t)(uintptr_t)victim;
            }
            forged++;
            UnmapViewOfFile(c);
        }
        CloseHandle(m);
    }
    return forged;
}

CETEST(mq_memory, a_forged_keeper_record_closes_nothing_else)
{
    WCHAR name[128];
    HANDLE r, w;
    REQUIRE(unbounded_pair(name, &r, &w));
    REQUIRE(write_messages(w, 3, 0, 3000) == 3000);
    /* A handle of a mapping too, so only the chunk check can tell. */
    HANDLE victim = CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 65536, NULL);
    REQUIRE(victim != NULL);
    uint64_t uid = next_chunk_uid(name);
    CHECK_MSG(forge_keepers(name, uid, victim) >= 10, "too few chunks to forge");
    read_messages(r, 3, 0, 3000); /* destroys the drained chunks, closing "their" keepers */
    DWORD flags = 0;
    SetLastError(0xdeadbeef);
    CHECK_MSG(GetHandleInformation(victim, &flags), "the victim handle was closed: error %lu", GetLastError());
    void *view = MapViewOfFile(victim, FILE_MAP_READ, 0, 0, 0);
    CHECK(view != NULL);
    if (view)
        UnmapViewOfFile(view);
    CloseHandle(victim);
    CHECK(CloseMsgQueue(w));
    CHECK(CloseMsgQueue(r));
}

CETEST(mq_memory, a_garbage_slot_table_fails_with_file_corrupt)
{
    WCHAR name[128];
    HANDLE r, w;
    REQUIRE(unbounded_pair(name, &r, &w));
    REQUIRE(write_messages(w, 4, 0, 1000) == 1000);
    HANDLE mapping;
    SIZE_T size;
    struct mq_header *h = fault_map_queue(name, &mapping, &size);
    REQUIRE(h != NULL);
    for (DWORD s = 0; s < MQ_MAX_SLOTS; s++)
        h->slot_uid[s] = 0x5eed0000u + s * 977u;
    fault_unmap_queue(h, mapping);
    static BYTE buf[MSG_SIZE];
    DWORD got = 0, flags = 0;
    SetLastError(0xdeadbeef);
    BOOL ok = ReadMsgQueue(r, buf, sizeof(buf), &got, 1000, &flags);
    CHECK(!ok);
    CHECK_EQ(GetLastError(), ERROR_FILE_CORRUPT);
    fault_msg *m = (fault_msg *)buf;
    fault_fill(m, 4, 1000, MSG_SIZE);
    SetLastError(0xdeadbeef);
    ok = WriteMsgQueue(w, m, MSG_SIZE, 1000, 0);
    CHECK(!ok);
    CHECK_EQ(GetLastError(), ERROR_FILE_CORRUPT);
    CHECK(CloseMsgQueue(w));
    CHECK(CloseMsgQueue(r));
}
