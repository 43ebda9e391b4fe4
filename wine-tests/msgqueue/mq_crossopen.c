/*
 * mq_crossopen.c - unnamed queues opened from another process with
 * OpenMsgQueue: hSrcProc a real process handle or a process ID cast to
 * HANDLE, the queue handle value passed on the command line or through
 * shared memory. Children are this executable (CETEST_CHILD).
 */
#include "mq_test.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* argv: src (handle | pid) parent-pid queue-handle-hex end (read | write) base */
CETEST_CHILD(open_parent_queue)
{
    WCHAR base[MQ_NAME_CHARS];
    DWORD err;
    REQUIRE(argc == 5);
    DWORD ppid = (DWORD)strtoul(argv[1], NULL, 10);
    HANDLE value = (HANDLE)(ULONG_PTR)strtoull(argv[2], NULL, 16);
    BOOL read = strcmp(argv[3], "read") == 0;
    cetest_from_utf8(argv[4], base, MQ_NAME_CHARS);
    HANDLE ready = cetest_open_event(base, L"ready"), done = cetest_open_event(base, L"done");
    HANDLE src, proc = NULL;
    if (strcmp(argv[0], "handle") == 0) {
        proc = OpenProcess(PROCESS_DUP_HANDLE, FALSE, ppid);
        CHECK_MSG(proc != NULL, "OpenProcess(%lu): error %lu", ppid, GetLastError());
        src = proc;
    } else {
        src = (HANDLE)(ULONG_PTR)ppid;
    }
    HANDLE q = mq_open(src, value, read, &err);
    CHECK_MSG(q != NULL, "OpenMsgQueue(%s %p, %p, %s): last error %lu", argv[0], src, value, argv[3], err);
    if (q) {
        if (read) {
            SetEvent(ready);
            char buf[64];
            t_msg_result res = t_read_msg(q, buf, sizeof(buf), STEP_BOUND);
            CHECK_MSG(res.ok, "read: last error %lu after %llu ms", res.err, res.ms);
            if (res.ok) {
                CHECK_EQ(res.bytes, 11);
                CHECK_MEM_EQ(buf, "from parent", 11);
            }
        } else {
            MQ_EXPECT_WRITE(q, "from child", 0);
            MQ_EXPECT_WRITE(q, "child alert", MSGQUEUE_MSGALERT);
            SetEvent(ready);
            WAIT_EVENT(done, "parent read");
        }
        MQ_CLOSE(q);
    }
    if (proc)
        CloseHandle(proc);
    mq_close_event(ready);
    mq_close_event(done);
}

static void child_opens_parent_queue(const char *src, BOOL child_reads)
{
    WCHAR base[MQ_NAME_CHARS];
    char base8[MQ_NAME_CHARS * 3];
    DWORD err;
    cetest_unique_name(L"mqev", base, MQ_NAME_CHARS);
    cetest_to_utf8(base, base8, sizeof(base8));
    HANDLE ready = cetest_make_event(base, L"ready"), done = cetest_make_event(base, L"done");
    /* The parent holds the other end than the child asks for. */
    HANDLE q = mq_create(NULL, 0, 4, 64, !child_reads, &err);
    REQUIRE(q != NULL);
    cetest_proc child;
    REQUIRE(cetest_spawn(&child, 0, "open_parent_queue", "%s %lu %llx %s %s", src, GetCurrentProcessId(),
                         (unsigned long long)(ULONG_PTR)q, child_reads ? "read" : "write", base8));
    if (WAIT_EVENT(ready, "child opened its end")) {
        MSGQUEUEINFO info;
        if (CHECK(mq_info(q, &info, &err))) {
            CHECK_EQ(info.wNumReaders, 1);
            CHECK_EQ(info.wNumWriters, 1);
        }
        if (child_reads) {
            Sleep(100);
            MQ_EXPECT_WRITE(q, "from parent", 0);
        } else {
            MQ_EXPECT_READ(q, "child alert", MSGQUEUE_MSGALERT);
            MQ_EXPECT_READ(q, "from child", 0);
            MQ_EXPECT_EMPTY(q);
        }
    }
    SetEvent(done);
    cetest_wait(&child, CHILD_BOUND);
    MQ_CLOSE(q);
    mq_close_event(ready);
    mq_close_event(done);
}

CETEST(mq_crossopen, child_opens_write_end_with_process_handle) { child_opens_parent_queue("handle", FALSE); }
CETEST(mq_crossopen, child_opens_write_end_with_process_id)     { child_opens_parent_queue("pid", FALSE); }
CETEST(mq_crossopen, child_opens_read_end_with_process_handle)  { child_opens_parent_queue("handle", TRUE); }
CETEST(mq_crossopen, child_opens_read_end_with_process_id)      { child_opens_parent_queue("pid", TRUE); }

/* argv: base. Creates an unnamed read end, publishes its value in the
 * mapping "<base>-map", then reads what the parent writes through it. */
CETEST_CHILD(publish_read_end)
{
    WCHAR base[MQ_NAME_CHARS], map_name[MQ_NAME_CHARS * 2];
    DWORD err;
    REQUIRE(argc == 1);
    cetest_from_utf8(argv[0], base, MQ_NAME_CHARS);
    HANDLE ready = cetest_open_event(base, L"ready"), opened = cetest_open_event(base, L"opened");
    _snwprintf(map_name, MQ_NAME_CHARS * 2, L"%ls-map", base);
    map_name[MQ_NAME_CHARS * 2 - 1] = 0;
    HANDLE map = OpenFileMappingW(FILE_MAP_WRITE, FALSE, map_name);
    REQUIRE(map != NULL);
    ULONGLONG *slot = MapViewOfFile(map, FILE_MAP_WRITE, 0, 0, sizeof(ULONGLONG));
    REQUIRE(slot != NULL);
    HANDLE r = mq_create(NULL, 0, 4, 64, TRUE, &err);
    REQUIRE(r != NULL);
    *slot = (ULONGLONG)(ULONG_PTR)r;
    SetEvent(ready);
    /* No writer until the parent has opened one (reading now would fail
     * with ERROR_PIPE_NOT_CONNECTED); then a blocked read waits for it. */
    WAIT_EVENT(opened, "parent opened a write end");
    char buf[64];
    t_msg_result res = t_read_msg(r, buf, sizeof(buf), STEP_BOUND);
    CHECK_MSG(res.ok, "read: last error %lu after %llu ms", res.err, res.ms);
    if (res.ok) {
        CHECK_EQ(res.bytes, 6);
        CHECK_MEM_EQ(buf, "pulled", 6);
    }
    MQ_CLOSE(r);
    UnmapViewOfFile(slot);
    CloseHandle(map);
    mq_close_event(ready);
    mq_close_event(opened);
}

static void parent_opens_child_queue(BOOL by_pid)
{
    WCHAR base[MQ_NAME_CHARS], map_name[MQ_NAME_CHARS * 2];
    char base8[MQ_NAME_CHARS * 3];
    DWORD err;
    cetest_unique_name(L"mqev", base, MQ_NAME_CHARS);
    cetest_to_utf8(base, base8, sizeof(base8));
    HANDLE ready = cetest_make_event(base, L"ready"), opened = cetest_make_event(base, L"opened");
    _snwprintf(map_name, MQ_NAME_CHARS * 2, L"%ls-map", base);
    map_name[MQ_NAME_CHARS * 2 - 1] = 0;
    HANDLE map = CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 4096, map_name);
    REQUIRE(map != NULL);
    ULONGLONG *slot = MapViewOfFile(map, FILE_MAP_READ, 0, 0, sizeof(ULONGLONG));
    REQUIRE(slot != NULL);
    cetest_proc child;
    REQUIRE(cetest_spawn(&child, 0, "publish_read_end", "%s", base8));
    if (WAIT_EVENT(ready, "child published its read end")) {
        HANDLE value = (HANDLE)(ULONG_PTR)*slot;
        HANDLE src = by_pid ? (HANDLE)(ULONG_PTR)child.pid : child.process;
        HANDLE w = mq_open(src, value, FALSE, &err);
        CHECK_MSG(w != NULL, "OpenMsgQueue(%p, %p): last error %lu", src, value, err);
        if (w) {
            MSGQUEUEINFO info;
            if (CHECK(mq_info(w, &info, &err))) {
                CHECK_EQ(info.wNumReaders, 1);
                CHECK_EQ(info.wNumWriters, 1);
                CHECK_EQ(info.cbMaxMessage, 64);
                CHECK_EQ(info.dwMaxMessages, 4);
            }
            SetEvent(opened);
            Sleep(300);
            MQ_EXPECT_WRITE(w, "pulled", 0);
            /* Keep the write end until the child has read. */
            cetest_wait(&child, CHILD_BOUND);
            MQ_CLOSE(w);
        }
    }
    if (child.process)
        cetest_wait(&child, CHILD_BOUND);
    UnmapViewOfFile(slot);
    CloseHandle(map);
    mq_close_event(ready);
    mq_close_event(opened);
}

CETEST(mq_crossopen, parent_opens_child_queue_with_process_handle) { parent_opens_child_queue(FALSE); }
CETEST(mq_crossopen, parent_opens_child_queue_with_process_id)     { parent_opens_child_queue(TRUE); }
