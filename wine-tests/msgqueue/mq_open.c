/*
 * mq_open.c - OpenMsgQueue within one process: parameters, which fields of
 * the options count, both ends of named and unnamed queues.
 * (Other processes: mq_crossproc.c.)
 */
#include "mq_test.h"

#include <stdio.h>
#include <string.h>

CETEST(mq_open, parameter_validation)
{
    HANDLE r, w;
    REQUIRE(MQ_PAIR(NULL, 0, 4, 64, &r, &w));
    MSGQUEUEOPTIONS o;
    HANDLE h;
    DWORD err;

    SetLastError(0xdeadbeef);
    h = OpenMsgQueue(GetCurrentProcess(), r, NULL);
    err = GetLastError();
    CHECK_PTR_EQ(h, NULL);
    CHECK_EQ(err, ERROR_INVALID_PARAMETER);

    static const DWORD sizes[] = { 0, 4, MQ_OPTIONS_SIZE - 1 };
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        mq_options(&o, 0, 4, 64, FALSE);
        o.dwSize = sizes[i];
        SetLastError(0xdeadbeef);
        h = OpenMsgQueue(GetCurrentProcess(), r, &o);
        err = GetLastError();
        CHECK_MSG(h == NULL, "dwSize %lu accepted", sizes[i]);
        CHECK_MSG(err == ERROR_INVALID_PARAMETER, "dwSize %lu: last error %lu", sizes[i], err);
    }

    mq_options(&o, 0, 4, 64, FALSE);
    SetLastError(0xdeadbeef);
    h = OpenMsgQueue(GetCurrentProcess(), NULL, &o);
    err = GetLastError();
    CHECK_PTR_EQ(h, NULL);
    CHECK_EQ(err, ERROR_INVALID_PARAMETER);

    /* Not a queue. */
    HANDLE ev = CreateEventW(NULL, TRUE, FALSE, NULL);
    REQUIRE(ev != NULL);
    SetLastError(0xdeadbeef);
    h = OpenMsgQueue(GetCurrentProcess(), ev, &o);
    err = GetLastError();
    CHECK_PTR_EQ(h, NULL);
    CHECK_EQ(err, ERROR_INVALID_PARAMETER);
    CloseHandle(ev);

    /* Nothing was opened by the failures. */
    MSGQUEUEINFO info;
    if (CHECK(mq_info(r, &info, &err))) {
        CHECK_EQ(info.wNumReaders, 1);
        CHECK_EQ(info.wNumWriters, 1);
    }
    MQ_CLOSE(w);
    MQ_CLOSE(r);
}

CETEST(mq_open, only_dwSize_and_bReadAccess_count)
{
    DWORD err;
    HANDLE r = mq_create(NULL, MSGQUEUE_ALLOW_BROKEN, 3, 40, TRUE, &err);
    REQUIRE(r != NULL);
    /* Garbage in every other field, including flags CreateMsgQueue rejects. */
    MSGQUEUEOPTIONS o;
    mq_options(&o, 0xffffffff, 0x7fffffff, 0, FALSE);
    SetLastError(0xdeadbeef);
    HANDLE w = OpenMsgQueue(GetCurrentProcess(), r, &o);
    err = GetLastError();
    CHECK_MSG(w != NULL, "last error %lu", err);
    /* A larger dwSize is fine too. */
    struct { MSGQUEUEOPTIONS o; DWORD extra[2]; } big;
    memset(&big, 0xff, sizeof(big));
    big.o.dwSize = sizeof(big);
    big.o.bReadAccess = TRUE;
    SetLastError(0xdeadbeef);
    HANDLE r2 = OpenMsgQueue(GetCurrentProcess(), r, &big.o);
    err = GetLastError();
    CHECK_MSG(r2 != NULL, "last error %lu", err);
    if (w) {
        MSGQUEUEINFO info;
        if (CHECK(mq_info(w, &info, &err))) {
            CHECK_EQ(info.dwFlags, MSGQUEUE_ALLOW_BROKEN);
            CHECK_EQ(info.dwMaxMessages, 3);
            CHECK_EQ(info.cbMaxMessage, 40);
            CHECK_EQ(info.wNumReaders, r2 ? 2 : 1);
            CHECK_EQ(info.wNumWriters, 1);
        }
        MQ_EXPECT_WRITE(w, "opened", 0);
        MQ_EXPECT_READ(r2 ? r2 : r, "opened", 0);
        MQ_CLOSE(w);
    }
    if (r2) MQ_CLOSE(r2);
    MQ_CLOSE(r);
}

CETEST(mq_open, unnamed_both_directions)
{
    DWORD err;
    /* From a write end, open the read end; from that, another write end. */
    HANDLE w = mq_create(NULL, 0, 4, 64, FALSE, &err);
    REQUIRE(w != NULL);
    HANDLE r = mq_open(GetCurrentProcess(), w, TRUE, &err);
    REQUIRE(r != NULL);
    CHECK_PTR_NE(r, w);
    HANDLE w2 = mq_open(GetCurrentProcess(), r, FALSE, &err);
    CHECK_PTR_NE(w2, NULL);
    /* The same end again: another handle to it. */
    HANDLE r2 = mq_open(GetCurrentProcess(), r, TRUE, &err);
    CHECK_PTR_NE(r2, NULL);
    CHECK_PTR_NE(r2, r);
    MQ_EXPECT_WRITE(w, "w", 0);
    if (w2)
        MQ_EXPECT_WRITE(w2, "w2", 0);
    MQ_EXPECT_READ(r, "w", 0);
    if (w2 && r2)
        MQ_EXPECT_READ(r2, "w2", 0);
    MSGQUEUEINFO info;
    if (CHECK(mq_info(r, &info, &err))) {
        CHECK_EQ(info.wNumReaders, r2 ? 2 : 1);
        CHECK_EQ(info.wNumWriters, w2 ? 2 : 1);
    }
    if (r2) MQ_CLOSE(r2);
    if (w2) MQ_CLOSE(w2);
    MQ_CLOSE(r);
    MQ_CLOSE(w);
}

CETEST(mq_open, named_queue_through_a_handle)
{
    WCHAR name[MQ_NAME_CHARS];
    DWORD err;
    HANDLE r = mq_create(cetest_unique_name(L"mq", name, MQ_NAME_CHARS), 0, 4, 64, TRUE, &err);
    REQUIRE(r != NULL);
    HANDLE w = mq_open(GetCurrentProcess(), r, FALSE, &err);
    CHECK_MSG(w != NULL, "last error %lu", err);
    if (w)
        CHECK_MSG(err == ERROR_SUCCESS || err == ERROR_ALREADY_EXISTS, "last error %lu", err);
    /* The end opened through the handle is the named queue's end. */
    HANDLE w2 = mq_create(name, 0, 4, 64, FALSE, &err);
    CHECK_PTR_NE(w2, NULL);
    CHECK_EQ(err, ERROR_ALREADY_EXISTS);
    if (w && w2) {
        MQ_EXPECT_WRITE(w, "via handle", 0);
        MQ_EXPECT_WRITE(w2, "via name", 0);
        MQ_EXPECT_READ(r, "via handle", 0);
        MQ_EXPECT_READ(r, "via name", 0);
        MSGQUEUEINFO info;
        if (CHECK(mq_info(r, &info, &err)))
            CHECK_EQ(info.wNumWriters, 2);
    }
    if (w2) MQ_CLOSE(w2);
    if (w) MQ_CLOSE(w);
    MQ_CLOSE(r);
}

CETEST(mq_open, real_process_handle_and_own_pid)
{
    /* hSrcProc: a real handle to this process, and this process's ID. */
    HANDLE r, w;
    DWORD err;
    REQUIRE(MQ_PAIR(NULL, 0, 4, 64, &r, &w));
    HANDLE self = OpenProcess(PROCESS_DUP_HANDLE, FALSE, GetCurrentProcessId());
    CHECK_MSG(self != NULL, "OpenProcess: error %lu", GetLastError());
    HANDLE srcs[2] = { self, (HANDLE)(ULONG_PTR)GetCurrentProcessId() };
    for (int i = 0; i < 2; i++) {
        if (!srcs[i])
            continue;
        HANDLE w2 = mq_open(srcs[i], r, FALSE, &err);
        CHECK_MSG(w2 != NULL, "hSrcProc %p: last error %lu", srcs[i], err);
        if (w2) {
            MQ_EXPECT_WRITE(w2, "self", 0);
            MQ_EXPECT_READ(r, "self", 0);
            MQ_CLOSE(w2);
        }
    }
    if (self)
        CloseHandle(self);
    MQ_CLOSE(w);
    MQ_CLOSE(r);
}

CETEST(mq_open, handle_that_is_no_queue_end_through_another_process_view)
{
    /* hSrcProc a process handle or ID: hMsgQ is read in that process.
     * Neither a pipe (whose name Windows may never return) nor an object
     * merely named like a queue end is a queue. */
    HANDLE pipe_r = NULL, pipe_w = NULL;
    REQUIRE(CreatePipe(&pipe_r, &pipe_w, NULL, 0));
    WCHAR name[96];
    _snwprintf(name, 96, L"Local\\ceshim.1.qn.mq_open_lookalike_%lu.r", GetCurrentProcessId());
    name[95] = 0;
    HANDLE lookalike = CreateSemaphoreW(NULL, 0, 1, name);
    CHECK_MSG(lookalike != NULL, "CreateSemaphore(%ls): error %lu", name, GetLastError());
    HANDLE self = OpenProcess(PROCESS_DUP_HANDLE, FALSE, GetCurrentProcessId());
    CHECK_MSG(self != NULL, "OpenProcess: error %lu", GetLastError());
    HANDLE srcs[2] = { self, (HANDLE)(ULONG_PTR)GetCurrentProcessId() };
    HANDLE nots[2] = { pipe_r, lookalike };
    for (int i = 0; i < 2; i++) {
        for (int j = 0; j < 2; j++) {
            if (!srcs[i] || !nots[j])
                continue;
            DWORD err;
            HANDLE h = mq_open(srcs[i], nots[j], j == 0, &err);
            CHECK_MSG(h == NULL, "hSrcProc %p, hMsgQ %s: opened %p", srcs[i], j ? "semaphore" : "pipe", h);
            CHECK_MSG(err == ERROR_INVALID_PARAMETER, "hSrcProc %p, hMsgQ %s: last error %lu", srcs[i],
                      j ? "semaphore" : "pipe", err);
            if (h)
                CloseMsgQueue(h);
        }
    }
    if (self)
        CloseHandle(self);
    if (lookalike)
        CloseHandle(lookalike);
    CloseHandle(pipe_r);
    CloseHandle(pipe_w);
}
