/*
 * mq_util.c - helpers shared by the message-queue conformance tests.
 */
#include "mq_test.h"

#include <string.h>
#include <wchar.h>

void mq_options(MSGQUEUEOPTIONS *o, DWORD flags, DWORD max_messages, DWORD cb_max, BOOL read)
{
    memset(o, 0, sizeof(*o));
    o->dwSize = sizeof(MSGQUEUEOPTIONS);
    o->dwFlags = flags;
    o->dwMaxMessages = max_messages;
    o->cbMaxMessage = cb_max;
    o->bReadAccess = read;
}

HANDLE mq_create(const WCHAR *name, DWORD flags, DWORD max_messages, DWORD cb_max, BOOL read,
                 DWORD *err)
{
    MSGQUEUEOPTIONS o;
    mq_options(&o, flags, max_messages, cb_max, read);
    SetLastError(0xdeadbeef);
    HANDLE h = CreateMsgQueue(name, &o);
    if (err)
        *err = GetLastError();
    return h;
}

HANDLE mq_open(HANDLE proc, HANDLE queue, BOOL read, DWORD *err)
{
    MSGQUEUEOPTIONS o;
    mq_options(&o, 0, 0, 0, read);
    SetLastError(0xdeadbeef);
    HANDLE h = OpenMsgQueue(proc, queue, &o);
    if (err)
        *err = GetLastError();
    return h;
}

t_msg_result t_read_msg(HANDLE h, void *buf, DWORD size, DWORD timeout)
{
    t_msg_result r;
    r.bytes = 0xdeadbeef;
    r.flags = 0xdeadbeef;
    ULONGLONG start = cetest_now_ms();
    SetLastError(0xdeadbeef);
    r.ok = ReadMsgQueue(h, buf, size, &r.bytes, timeout, &r.flags);
    r.err = GetLastError();
    r.ms = cetest_now_ms() - start;
    return r;
}

t_msg_result t_write_msg(HANDLE h, const void *buf, DWORD size, DWORD timeout, DWORD flags)
{
    t_msg_result r;
    r.bytes = 0;
    r.flags = 0;
    ULONGLONG start = cetest_now_ms();
    SetLastError(0xdeadbeef);
    r.ok = WriteMsgQueue(h, (LPVOID)buf, size, timeout, flags);
    r.err = GetLastError();
    r.ms = cetest_now_ms() - start;
    return r;
}

BOOL mq_info(HANDLE h, MSGQUEUEINFO *info, DWORD *err)
{
    memset(info, 0xcc, sizeof(*info));
    info->dwSize = sizeof(*info);
    SetLastError(0xdeadbeef);
    BOOL ok = GetMsgQueueInfo(h, info);
    if (err)
        *err = GetLastError();
    return ok;
}

BOOL mq_pair_at(const WCHAR *name, DWORD flags, DWORD max_messages, DWORD cb_max,
                HANDLE *read, HANDLE *write, const char *file, int line)
{
    DWORD err;
    *read = *write = NULL;
    HANDLE r = mq_create(name, flags, max_messages, cb_max, TRUE, &err);
    if (!cetest_check(r != NULL, file, line, "CreateMsgQueue(read end) != NULL",
                      "name %ls, last error %lu", name ? name : L"(null)", err))
        return FALSE;
    cetest_check_eq_u(err, ERROR_SUCCESS, "CreateMsgQueue(read end) last error", "ERROR_SUCCESS",
                      file, line);
    HANDLE w;
    if (name) {
        w = mq_create(name, flags, max_messages, cb_max, FALSE, &err);
        if (w)
            cetest_check_eq_u(err, ERROR_ALREADY_EXISTS, "CreateMsgQueue(write end) last error",
                              "ERROR_ALREADY_EXISTS", file, line);
    } else {
        w = mq_open(GetCurrentProcess(), r, FALSE, &err);
    }
    if (!cetest_check(w != NULL, file, line, "write end != NULL",
                      "name %ls, last error %lu", name ? name : L"(null)", err)) {
        CloseMsgQueue(r);
        return FALSE;
    }
    *read = r;
    *write = w;
    return TRUE;
}

void mq_expect_write_at(HANDLE h, const char *text, DWORD flags, const char *file, int line)
{
    t_msg_result r = t_write_msg(h, text, (DWORD)strlen(text), 0, flags);
    cetest_check(r.ok, file, line, "WriteMsgQueue(...) succeeds",
                 "writing \"%s\" (flags %lu): FALSE, last error %lu", text, flags, r.err);
}

void mq_expect_read_at(HANDLE h, const char *text, DWORD flags, const char *file, int line)
{
    char buf[4096];
    DWORD n = (DWORD)strlen(text);
    memset(buf, 0xcc, sizeof(buf));
    t_msg_result r = t_read_msg(h, buf, sizeof(buf), 0);
    if (!cetest_check(r.ok, file, line, "ReadMsgQueue(...) succeeds",
                      "expecting \"%s\": FALSE, last error %lu", text, r.err))
        return;
    cetest_check_eq_u(r.err, ERROR_SUCCESS, "last error after ReadMsgQueue", "ERROR_SUCCESS", file, line);
    cetest_check_eq_u(r.bytes, n, "*lpNumberOfBytesRead", "strlen(text)", file, line);
    cetest_check_eq_u(r.flags, flags, "*pdwFlags", "expected flags", file, line);
    if (r.bytes == n)
        cetest_check(memcmp(buf, text, n) == 0, file, line, "message bytes == text",
                     "expected \"%s\", got \"%.*s\"", text, (int)n, buf);
}

void mq_expect_empty_at(HANDLE h, const char *file, int line)
{
    char buf[64];
    t_msg_result r = t_read_msg(h, buf, sizeof(buf), 0);
    cetest_check(!r.ok, file, line, "ReadMsgQueue(timeout 0) on an empty queue fails",
                 "it returned TRUE with %lu bytes \"%.*s\"", r.bytes,
                 (int)(r.bytes < sizeof(buf) ? r.bytes : sizeof(buf)), buf);
    cetest_check_eq_u(r.err, ERROR_TIMEOUT, "last error", "ERROR_TIMEOUT", file, line);
}

void mq_close_at(HANDLE h, const char *file, int line)
{
    SetLastError(0xdeadbeef);
    BOOL ok = CloseMsgQueue(h);
    DWORD err = GetLastError();
    cetest_check(ok, file, line, "CloseMsgQueue(h)", "handle %p, last error %lu", h, err);
}

/* ---- a call made by another thread ---------------------------------------- */

static DWORD WINAPI call_thread(void *arg)
{
    mq_call *c = arg;
    InterlockedExchange(&c->entered, 1);
    if (c->delay_ms)
        Sleep(c->delay_ms);
    ULONGLONG start = cetest_now_ms();
    SetLastError(0xdeadbeef);
    switch (c->op) {
    case MQ_OP_READ:
        c->bytes = 0xdeadbeef;
        c->flags = 0xdeadbeef;
        c->ok = ReadMsgQueue(c->h, c->data, c->size, &c->bytes, c->timeout, &c->flags);
        break;
    case MQ_OP_WRITE:
        c->ok = WriteMsgQueue(c->h, c->data, c->size, c->timeout, c->wflags);
        break;
    case MQ_OP_WAIT:
        c->wait = WaitForSingleObject(c->h, c->timeout);
        c->ok = c->wait == WAIT_OBJECT_0;
        break;
    case MQ_OP_CLOSE:
        c->ok = CloseMsgQueue(c->h);
        break;
    }
    c->err = GetLastError();
    c->ms = cetest_now_ms() - start;
    return 0;
}

mq_call *mq_call_start(int op, HANDLE h, DWORD timeout, const void *data, DWORD size,
                       DWORD wflags, DWORD delay_ms)
{
    mq_call *c = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*c));
    if (!CHECK(c != NULL))
        return NULL;
    c->op = op;
    c->h = h;
    c->timeout = timeout;
    c->delay_ms = delay_ms;
    c->wflags = wflags;
    c->size = size;
    if (data && size <= sizeof(c->data))
        memcpy(c->data, data, size);
    c->thread = CreateThread(NULL, 0, call_thread, c, 0, NULL);
    if (!CHECK_MSG(c->thread != NULL, "CreateThread: error %lu", GetLastError())) {
        HeapFree(GetProcessHeap(), 0, c);
        return NULL;
    }
    while (!c->entered)
        Sleep(1);
    return c;
}

BOOL mq_call_still_blocked(mq_call *c, DWORD ms)
{
    return WaitForSingleObject(c->thread, ms) == WAIT_TIMEOUT;
}

BOOL mq_call_finish(mq_call *c, DWORD ms)
{
    return WaitForSingleObject(c->thread, ms) == WAIT_OBJECT_0;
}

void mq_call_free(mq_call *c)
{
    if (!c)
        return;
    if (WaitForSingleObject(c->thread, 0) != WAIT_OBJECT_0) {
        CloseHandle(c->thread); /* the thread keeps running; its block is leaked */
        return;
    }
    CloseHandle(c->thread);
    HeapFree(GetProcessHeap(), 0, c);
}

/* ---- parent/child hand-shakes ------------------------------------------------ */

void mq_close_event(HANDLE h)
{
    if (h)
        CloseHandle(h);
}

/* ---- misc ---------------------------------------------------------------- */

void mq_pattern(BYTE *buf, DWORD size, DWORD seed)
{
    DWORD x = seed * 2654435761u + 12345u;
    for (DWORD i = 0; i < size; i++) {
        x = x * 1103515245u + 12345u;
        buf[i] = (BYTE)(x >> 16);
    }
}
