/*
 * mq_create.c - CreateMsgQueue: validation, limits, new vs existing queues,
 * names and their namespace.
 */
#include "mq_test.h"

#include <stdio.h>
#include <string.h>
#include <wchar.h>

/* CreateMsgQueue(name, options) must fail with `expected`. */
static void expect_create_fails_at(const WCHAR *name, const MSGQUEUEOPTIONS *o, DWORD expected,
                                   const char *file, int line)
{
    MSGQUEUEOPTIONS copy = *o;
    SetLastError(0xdeadbeef);
    HANDLE h = CreateMsgQueue(name, &copy);
    DWORD err = GetLastError();
    cetest_check(h == NULL, file, line, "CreateMsgQueue(...) == NULL",
                 "dwSize %lu dwFlags 0x%lx dwMaxMessages %lu cbMaxMessage %lu: got handle %p",
                 o->dwSize, o->dwFlags, o->dwMaxMessages, o->cbMaxMessage, h);
    cetest_check_eq_u(err, expected, "GetLastError()", "expected error", file, line);
    if (h)
        CloseMsgQueue(h);
}
#define EXPECT_CREATE_FAILS(name, o, err) expect_create_fails_at((name), (o), (err), __FILE__, __LINE__)

/* CreateMsgQueue(name, options) must create a new queue (last error 0). */
static void expect_create_new_at(const WCHAR *name, const MSGQUEUEOPTIONS *o, const char *file, int line)
{
    MSGQUEUEOPTIONS copy = *o;
    SetLastError(0xdeadbeef);
    HANDLE h = CreateMsgQueue(name, &copy);
    DWORD err = GetLastError();
    cetest_check(h != NULL, file, line, "CreateMsgQueue(...) != NULL",
                 "dwSize %lu dwFlags 0x%lx dwMaxMessages %lu cbMaxMessage %lu: last error %lu",
                 o->dwSize, o->dwFlags, o->dwMaxMessages, o->cbMaxMessage, err);
    if (h) {
        cetest_check_eq_u(err, ERROR_SUCCESS, "GetLastError()", "ERROR_SUCCESS", file, line);
        CloseMsgQueue(h);
    }
}
#define EXPECT_CREATE_NEW(name, o) expect_create_new_at((name), (o), __FILE__, __LINE__)

CETEST(mq_create, unnamed_read_and_write_ends)
{
    DWORD err;
    HANDLE r = mq_create(NULL, 0, 4, 64, TRUE, &err);
    CHECK_PTR_NE(r, NULL);
    CHECK_PTR_NE(r, INVALID_HANDLE_VALUE);
    CHECK_EQ(err, ERROR_SUCCESS);
    HANDLE w = mq_create(NULL, 0, 4, 64, FALSE, &err);
    CHECK_PTR_NE(w, NULL);
    CHECK_PTR_NE(w, INVALID_HANDLE_VALUE);
    CHECK_EQ(err, ERROR_SUCCESS);
    /* Two unnamed queues are two queues: neither sees a peer. */
    CHECK_PTR_NE(r, w);
    MSGQUEUEINFO info;
    if (r && CHECK(mq_info(r, &info, &err))) {
        CHECK_EQ(info.wNumReaders, 1);
        CHECK_EQ(info.wNumWriters, 0);
    }
    if (w && CHECK(mq_info(w, &info, &err))) {
        CHECK_EQ(info.wNumReaders, 0);
        CHECK_EQ(info.wNumWriters, 1);
    }
    if (r)
        MQ_CLOSE(r);
    if (w)
        MQ_CLOSE(w);
}

CETEST(mq_create, rejects_null_options)
{
    WCHAR name[MQ_NAME_CHARS];
    SetLastError(0xdeadbeef);
    HANDLE h = CreateMsgQueue(NULL, NULL);
    DWORD err = GetLastError();
    CHECK_PTR_EQ(h, NULL);
    CHECK_EQ(err, ERROR_INVALID_PARAMETER);

    SetLastError(0xdeadbeef);
    h = CreateMsgQueue(cetest_unique_name(L"mq", name, MQ_NAME_CHARS), NULL);
    err = GetLastError();
    CHECK_PTR_EQ(h, NULL);
    CHECK_EQ(err, ERROR_INVALID_PARAMETER);
}

CETEST(mq_create, rejects_small_dwSize)
{
    MSGQUEUEOPTIONS o;
    WCHAR name[MQ_NAME_CHARS];
    CHECK_EQ(sizeof(MSGQUEUEOPTIONS), MQ_OPTIONS_SIZE);
    static const DWORD sizes[] = { 0, 1, 16, MQ_OPTIONS_SIZE - 1 };
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        mq_options(&o, 0, 4, 64, TRUE);
        o.dwSize = sizes[i];
        EXPECT_CREATE_FAILS(NULL, &o, ERROR_INVALID_PARAMETER);
        EXPECT_CREATE_FAILS(cetest_unique_name(L"mq", name, MQ_NAME_CHARS), &o, ERROR_INVALID_PARAMETER);
    }
    /* dwSize == sizeof is fine (and so the name above was never taken). */
    mq_options(&o, 0, 4, 64, TRUE);
    EXPECT_CREATE_NEW(name, &o);
}

CETEST(mq_create, accepts_larger_dwSize)
{
    /* The spec: dwSize must be >= sizeof(MSGQUEUEOPTIONS). */
    struct { MSGQUEUEOPTIONS o; DWORD extra[4]; } big;
    memset(&big, 0, sizeof(big));
    mq_options(&big.o, 0, 4, 64, TRUE);
    big.o.dwSize = sizeof(big);
    EXPECT_CREATE_NEW(NULL, &big.o);
}

CETEST(mq_create, cbMaxMessage_limits)
{
    MSGQUEUEOPTIONS o;
    mq_options(&o, 0, 4, 0, TRUE);
    EXPECT_CREATE_FAILS(NULL, &o, ERROR_INVALID_PARAMETER);
    mq_options(&o, MSGQUEUE_NOPRECOMMIT, 0, 0, FALSE);
    EXPECT_CREATE_FAILS(NULL, &o, ERROR_INVALID_PARAMETER);
    mq_options(&o, MSGQUEUE_NOPRECOMMIT, 4, 0x100001, TRUE);
    EXPECT_CREATE_FAILS(NULL, &o, ERROR_INVALID_PARAMETER);
    mq_options(&o, 0, 0, 0xffffffff, TRUE);
    EXPECT_CREATE_FAILS(NULL, &o, ERROR_INVALID_PARAMETER);

    mq_options(&o, 0, 4, 1, TRUE);
    EXPECT_CREATE_NEW(NULL, &o);
    mq_options(&o, 0, 1, 0x100000, TRUE);
    EXPECT_CREATE_NEW(NULL, &o);
    mq_options(&o, MSGQUEUE_NOPRECOMMIT, 4, 0x100000, FALSE);
    EXPECT_CREATE_NEW(NULL, &o);
}

CETEST(mq_create, dwMaxMessages_limits)
{
    MSGQUEUEOPTIONS o;
    mq_options(&o, MSGQUEUE_NOPRECOMMIT, 0x100001, 16, TRUE);
    EXPECT_CREATE_FAILS(NULL, &o, ERROR_INVALID_PARAMETER);
    mq_options(&o, 0, 0xffffffff, 1, TRUE);
    EXPECT_CREATE_FAILS(NULL, &o, ERROR_INVALID_PARAMETER);
    mq_options(&o, MSGQUEUE_NOPRECOMMIT, 0x100000, 16, TRUE);
    EXPECT_CREATE_NEW(NULL, &o);
    mq_options(&o, 0, 0, 16, TRUE);
    EXPECT_CREATE_NEW(NULL, &o);
}

CETEST(mq_create, precommit_limit_is_16MiB)
{
    MSGQUEUEOPTIONS o;
    /* cbMaxMessage * dwMaxMessages > 16 MiB when pre-committing. */
    mq_options(&o, 0, 17, 0x100000, TRUE);
    EXPECT_CREATE_FAILS(NULL, &o, ERROR_OUTOFMEMORY);
    mq_options(&o, 0, 0x1001, 0x1000, FALSE);
    EXPECT_CREATE_FAILS(NULL, &o, ERROR_OUTOFMEMORY);
    mq_options(&o, MSGQUEUE_ALLOW_BROKEN, 0x100000, 17, TRUE);
    EXPECT_CREATE_FAILS(NULL, &o, ERROR_OUTOFMEMORY);
    /* Exactly 16 MiB is allowed. */
    mq_options(&o, 0, 0x1000, 0x1000, TRUE);
    EXPECT_CREATE_NEW(NULL, &o);
    /* No limit without pre-commit. */
    mq_options(&o, MSGQUEUE_NOPRECOMMIT, 17, 0x100000, TRUE);
    EXPECT_CREATE_NEW(NULL, &o);
    mq_options(&o, MSGQUEUE_NOPRECOMMIT, 0x100000, 0x100000, FALSE);
    EXPECT_CREATE_NEW(NULL, &o);
    mq_options(&o, 0, 0, 0x100000, TRUE);
    EXPECT_CREATE_NEW(NULL, &o);
}

CETEST(mq_create, rejects_unknown_flags)
{
    static const DWORD bad[] = { 0x4, 0x8, 0x10, 0x100, 0x80000000, 0x7, 0xffffffff };
    static const DWORD good[] = { 0, MSGQUEUE_NOPRECOMMIT, MSGQUEUE_ALLOW_BROKEN,
                                  MSGQUEUE_NOPRECOMMIT | MSGQUEUE_ALLOW_BROKEN };
    MSGQUEUEOPTIONS o;
    WCHAR name[MQ_NAME_CHARS];
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        mq_options(&o, bad[i], 4, 64, TRUE);
        EXPECT_CREATE_FAILS(NULL, &o, ERROR_INVALID_PARAMETER);
        EXPECT_CREATE_FAILS(cetest_unique_name(L"mq", name, MQ_NAME_CHARS), &o, ERROR_INVALID_PARAMETER);
    }
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        mq_options(&o, good[i], 4, 64, (i & 1) != 0);
        EXPECT_CREATE_NEW(NULL, &o);
        EXPECT_CREATE_NEW(cetest_unique_name(L"mq", name, MQ_NAME_CHARS), &o);
    }
}

/* A unique name padded with 'x' to exactly `len` characters. */
static WCHAR *long_name(WCHAR *buf, size_t len, WCHAR last)
{
    WCHAR base[MQ_NAME_CHARS];
    cetest_unique_name(L"mq", base, MQ_NAME_CHARS);
    size_t n = wcslen(base);
    memcpy(buf, base, n * sizeof(WCHAR));
    for (size_t i = n; i < len; i++)
        buf[i] = L'x';
    buf[len - 1] = last;
    buf[len] = 0;
    return buf;
}

CETEST(mq_create, name_length_limit)
{
    WCHAR name[400];
    MSGQUEUEOPTIONS o;
    mq_options(&o, 0, 4, 64, TRUE);
    /* wcslen(name) >= MAX_PATH - 2 is rejected. */
    EXPECT_CREATE_FAILS(long_name(name, MAX_PATH - 2, L'x'), &o, ERROR_INVALID_PARAMETER);
    EXPECT_CREATE_FAILS(long_name(name, MAX_PATH - 1, L'x'), &o, ERROR_INVALID_PARAMETER);
    EXPECT_CREATE_FAILS(long_name(name, MAX_PATH, L'x'), &o, ERROR_INVALID_PARAMETER);
    EXPECT_CREATE_FAILS(long_name(name, 399, L'x'), &o, ERROR_INVALID_PARAMETER);
    mq_options(&o, 0, 4, 64, FALSE);
    EXPECT_CREATE_FAILS(long_name(name, MAX_PATH - 2, L'x'), &o, ERROR_INVALID_PARAMETER);
}

CETEST(mq_create, longest_name_works_and_is_not_truncated)
{
    WCHAR a[MAX_PATH], b[MAX_PATH];
    DWORD err;
    long_name(a, MAX_PATH - 3, L'a');   /* 257 characters */
    memcpy(b, a, sizeof(a));
    b[MAX_PATH - 4] = L'b';             /* differs in the last character only */
    HANDLE ra, wa;
    REQUIRE(MQ_PAIR(a, 0, 4, 64, &ra, &wa));
    /* b is another queue: its read end is new. */
    HANDLE rb = mq_create(b, 0, 4, 64, TRUE, &err);
    CHECK_PTR_NE(rb, NULL);
    CHECK_EQ(err, ERROR_SUCCESS);
    MQ_EXPECT_WRITE(wa, "to a", 0);
    MQ_EXPECT_READ(ra, "to a", 0);
    if (rb) {
        /* Nothing reached b, which has no writer at all. */
        char buf[16];
        t_msg_result res = t_read_msg(rb, buf, sizeof(buf), 0);
        CHECK(!res.ok);
        CHECK_EQ(res.err, ERROR_PIPE_NOT_CONNECTED);
        MQ_CLOSE(rb);
    }
    MQ_CLOSE(wa);
    MQ_CLOSE(ra);
}

CETEST(mq_create, named_new_then_existing)
{
    WCHAR name[MQ_NAME_CHARS];
    DWORD err;
    cetest_unique_name(L"mq", name, MQ_NAME_CHARS);
    HANDLE r1 = mq_create(name, 0, 4, 64, TRUE, &err);
    REQUIRE(r1 != NULL);
    CHECK_EQ(err, ERROR_SUCCESS);
    /* Same end again: another handle, ERROR_ALREADY_EXISTS. */
    HANDLE r2 = mq_create(name, 0, 4, 64, TRUE, &err);
    CHECK_PTR_NE(r2, NULL);
    CHECK_EQ(err, ERROR_ALREADY_EXISTS);
    CHECK_PTR_NE(r2, r1);
    /* The other end: ERROR_ALREADY_EXISTS too. */
    HANDLE w1 = mq_create(name, 0, 4, 64, FALSE, &err);
    CHECK_PTR_NE(w1, NULL);
    CHECK_EQ(err, ERROR_ALREADY_EXISTS);
    HANDLE w2 = mq_create(name, 0, 4, 64, FALSE, &err);
    CHECK_PTR_NE(w2, NULL);
    CHECK_EQ(err, ERROR_ALREADY_EXISTS);
    CHECK_PTR_NE(w2, w1);
    if (w1 && w2 && r2) {
        MQ_EXPECT_WRITE(w1, "one", 0);
        MQ_EXPECT_WRITE(w2, "two", 0);
        MQ_EXPECT_READ(r2, "one", 0);
        MQ_EXPECT_READ(r1, "two", 0);
        MSGQUEUEINFO info;
        if (CHECK(mq_info(r1, &info, &err))) {
            CHECK_EQ(info.wNumReaders, 2);
            CHECK_EQ(info.wNumWriters, 2);
        }
    }
    if (w2) MQ_CLOSE(w2);
    if (w1) MQ_CLOSE(w1);
    if (r2) MQ_CLOSE(r2);
    MQ_CLOSE(r1);
}

CETEST(mq_create, existing_queue_keeps_creator_options)
{
    WCHAR name[MQ_NAME_CHARS];
    DWORD err;
    cetest_unique_name(L"mq", name, MQ_NAME_CHARS);
    HANDLE w = mq_create(name, MSGQUEUE_ALLOW_BROKEN, 5, 64, FALSE, &err);
    REQUIRE(w != NULL);
    CHECK_EQ(err, ERROR_SUCCESS);
    /* Different flags, limits and size: ignored. */
    HANDLE r = mq_create(name, MSGQUEUE_NOPRECOMMIT, 9, 128, TRUE, &err);
    CHECK_PTR_NE(r, NULL);
    CHECK_EQ(err, ERROR_ALREADY_EXISTS);
    HANDLE w2 = mq_create(name, 0, 0, 1000, FALSE, &err);
    CHECK_PTR_NE(w2, NULL);
    CHECK_EQ(err, ERROR_ALREADY_EXISTS);
    HANDLE handles[3] = { w, r, w2 };
    for (int i = 0; i < 3; i++) {
        MSGQUEUEINFO info;
        if (!handles[i] || !CHECK(mq_info(handles[i], &info, &err)))
            continue;
        CHECK_EQ(info.dwFlags, MSGQUEUE_ALLOW_BROKEN);
        CHECK_EQ(info.dwMaxMessages, 5);
        CHECK_EQ(info.cbMaxMessage, 64);
    }
    if (w2) {
        BYTE big[128];
        memset(big, 'z', sizeof(big));
        t_msg_result res = t_write_msg(w2, big, 65, 0, 0);
        CHECK(!res.ok);
        CHECK_EQ(res.err, ERROR_INSUFFICIENT_BUFFER);
        res = t_write_msg(w2, big, 64, 0, 0);
        CHECK_MSG(res.ok, "last error %lu", res.err);
        MQ_CLOSE(w2);
    }
    if (r) MQ_CLOSE(r);
    MQ_CLOSE(w);
}

CETEST(mq_create, empty_name_is_a_named_queue)
{
    DWORD err;
    /* L"" is a name: the second create finds the first. (The one test that
     * cannot use a unique name.) */
    HANDLE r = mq_create(L"", 0, 4, 64, TRUE, &err);
    REQUIRE(r != NULL);
    CHECK_EQ(err, ERROR_SUCCESS);
    HANDLE w = mq_create(L"", 0, 4, 64, FALSE, &err);
    CHECK_PTR_NE(w, NULL);
    CHECK_EQ(err, ERROR_ALREADY_EXISTS);
    /* An unnamed queue is not the L"" queue. */
    HANDLE u = mq_create(NULL, 0, 4, 64, FALSE, &err);
    CHECK_PTR_NE(u, NULL);
    CHECK_EQ(err, ERROR_SUCCESS);
    if (w) {
        MQ_EXPECT_WRITE(w, "empty", 0);
        MQ_EXPECT_READ(r, "empty", 0);
        MQ_CLOSE(w);
    }
    if (u) MQ_CLOSE(u);
    MQ_CLOSE(r);
}

/* Desktop objects named X do not stop a queue named X, and back. */
static void check_namespace_with(int kind)
{
    WCHAR name[MQ_NAME_CHARS];
    DWORD err;
    HANDLE obj = NULL;
    cetest_unique_name(L"mq", name, MQ_NAME_CHARS);
    SetLastError(0xdeadbeef);
    switch (kind) {
    case 0: obj = CreateEventW(NULL, TRUE, FALSE, name); break;
    case 1: obj = CreateMutexW(NULL, FALSE, name); break;
    case 2: obj = CreateSemaphoreW(NULL, 0, 1, name); break;
    case 3: obj = CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 4096, name); break;
    }
    CHECK_MSG(obj != NULL, "desktop object %d: error %lu", kind, GetLastError());
    HANDLE r = mq_create(name, 0, 4, 64, TRUE, &err);
    CHECK_MSG(r != NULL, "object kind %d: read end: last error %lu", kind, err);
    CHECK_MSG(err == ERROR_SUCCESS, "object kind %d: read end: last error %lu", kind, err);
    HANDLE w = mq_create(name, 0, 4, 64, FALSE, &err);
    CHECK_MSG(w != NULL, "object kind %d: write end: last error %lu", kind, err);
    CHECK_MSG(err == ERROR_ALREADY_EXISTS, "object kind %d: write end: last error %lu", kind, err);
    if (r && w) {
        MQ_EXPECT_WRITE(w, "ns", 0);
        MQ_EXPECT_READ(r, "ns", 0);
    }
    if (w)
        MQ_CLOSE(w);
    if (r)
        MQ_CLOSE(r);
    if (obj)
        CloseHandle(obj);

    /* The other way round: the queue first, then the desktop object. */
    cetest_unique_name(L"mq", name, MQ_NAME_CHARS);
    HANDLE q = mq_create(name, 0, 4, 64, TRUE, &err);
    CHECK_PTR_NE(q, NULL);
    CHECK_EQ(err, ERROR_SUCCESS);
    SetLastError(0xdeadbeef);
    switch (kind) {
    case 0: obj = CreateEventW(NULL, TRUE, FALSE, name); break;
    case 1: obj = CreateMutexW(NULL, FALSE, name); break;
    case 2: obj = CreateSemaphoreW(NULL, 0, 1, name); break;
    case 3: obj = CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 4096, name); break;
    }
    err = GetLastError();
    CHECK_MSG(obj != NULL, "desktop object %d after the queue: error %lu", kind, err);
    CHECK_MSG(err == ERROR_SUCCESS, "desktop object %d after the queue: last error %lu", kind, err);
    if (obj)
        CloseHandle(obj);
    if (q)
        MQ_CLOSE(q);
}

CETEST(mq_create, names_do_not_collide_with_events)   { check_namespace_with(0); }
CETEST(mq_create, names_do_not_collide_with_mutexes)  { check_namespace_with(1); }
CETEST(mq_create, names_do_not_collide_with_semaphores) { check_namespace_with(2); }
CETEST(mq_create, names_do_not_collide_with_file_mappings) { check_namespace_with(3); }

CETEST(mq_create, names_with_backslashes)
{
    WCHAR base[MQ_NAME_CHARS], name[MQ_NAME_CHARS * 2];
    cetest_unique_name(L"mq", base, MQ_NAME_CHARS);
    static const WCHAR *const forms[] = { L"a\\%ls", L"%ls\\b", L"%ls\\b\\c", L"\\%ls",
                                          L"Global\\%ls", L"Local\\%ls", L"Session\\1\\%ls" };
    for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
        HANDLE r, w;
        _snwprintf(name, MQ_NAME_CHARS * 2, forms[i], base);
        name[MQ_NAME_CHARS * 2 - 1] = 0;
        if (!MQ_PAIR(name, 0, 4, 64, &r, &w)) {
            CHECK_MSG(0, "name %ls", name);
            continue;
        }
        char text[32];
        snprintf(text, sizeof(text), "form %u", (unsigned)i);
        text[sizeof(text) - 1] = 0;
        MQ_EXPECT_WRITE(w, text, 0);
        MQ_EXPECT_READ(r, text, 0);
        MQ_CLOSE(w);
        MQ_CLOSE(r);
    }
}

CETEST(mq_create, distinct_names_are_distinct_queues)
{
    /* Names that an implementation might mangle into each other. */
    WCHAR base[MQ_NAME_CHARS], name[MQ_NAME_CHARS * 2];
    cetest_unique_name(L"mq", base, MQ_NAME_CHARS);
    static const WCHAR *const forms[] = { L"%ls", L"%ls:R", L"%ls:W", L"R:%ls", L"W:%ls", L"%ls\\R",
                                          L"%ls\\W", L"%ls/R", L"%ls ", L"%ls\x00e9\x4e2d" };
    enum { N = sizeof(forms) / sizeof(forms[0]) };
    HANDLE q[N];
    DWORD err;
    /* Read ends of one half, write ends of the other: every one is new. */
    for (size_t i = 0; i < N; i++) {
        _snwprintf(name, MQ_NAME_CHARS * 2, forms[i], base);
        name[MQ_NAME_CHARS * 2 - 1] = 0;
        q[i] = mq_create(name, 0, 4, 64, (i & 1) == 0, &err);
        CHECK_MSG(q[i] != NULL, "name %ls: last error %lu", name, err);
        CHECK_MSG(err == ERROR_SUCCESS, "name %ls: last error %lu (should be a new queue)", name, err);
    }
    for (size_t i = 0; i < N; i++)
        if (q[i])
            MQ_CLOSE(q[i]);
}

CETEST(mq_create, handles_of_one_end_are_distinct_and_independent)
{
    WCHAR name[MQ_NAME_CHARS];
    HANDLE r, w;
    DWORD err;
    REQUIRE(MQ_PAIR(cetest_unique_name(L"mq", name, MQ_NAME_CHARS), 0, 4, 64, &r, &w));
    HANDLE r2 = mq_create(name, 0, 4, 64, TRUE, &err);
    REQUIRE(r2 != NULL);
    CHECK_EQ(err, ERROR_ALREADY_EXISTS);
    /* Closing one read handle leaves the other working. */
    MQ_CLOSE(r);
    MQ_EXPECT_WRITE(w, "still here", 0);
    MQ_EXPECT_READ(r2, "still here", 0);
    MQ_CLOSE(r2);
    MQ_CLOSE(w);
}
