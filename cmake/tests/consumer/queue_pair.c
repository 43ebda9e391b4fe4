/*
 * queue_pair.c - a CE message queue between two processes: the writer
 * creates a small named queue, a reader process opens it by name and reads
 * every message in order; the writer blocks while the queue is full.
 */
#include <windows.h>
#include <msgqueue.h>
#include <stdio.h>
#include <string.h>

#include "consumer.h"

#define QUEUE_MESSAGES 200
#define QUEUE_BOUND_MS 10000

static MSGQUEUEOPTIONS queue_options(BOOL read)
{
    MSGQUEUEOPTIONS o;
    memset(&o, 0, sizeof(o));
    o.dwSize = sizeof(o);
    o.dwFlags = MSGQUEUE_ALLOW_BROKEN; /* the writer may start before the reader opens */
    o.dwMaxMessages = 4; /* small: the writer must wait for the reader */
    o.cbMaxMessage = 32;
    o.bReadAccess = read;
    return o;
}

int cmd_queue(void)
{
    WCHAR name[64];
    char args[96];
    PROCESS_INFORMATION pi;
    MSGQUEUEOPTIONS o = queue_options(FALSE);

    _snwprintf(name, 64, L"ce_consumer.q.%lu", GetCurrentProcessId());
    name[63] = 0;
    SetLastError(0xdeadbeef);
    HANDLE w = CreateMsgQueue(name, &o);
    if (!w)
        return fail("queue", "CreateMsgQueue(%ls): error %lu", name, GetLastError());
    snprintf(args, sizeof(args), "reader %ls %u", name, QUEUE_MESSAGES);
    if (!spawn_self("queue", args, &pi)) {
        CloseMsgQueue(w);
        return 1;
    }
    int result = 0;
    for (unsigned i = 0; i < QUEUE_MESSAGES && !result; i++) {
        char msg[32];
        int len = snprintf(msg, sizeof(msg), "message %u", i) + 1;
        SetLastError(0xdeadbeef);
        if (!WriteMsgQueue(w, msg, (DWORD)len, QUEUE_BOUND_MS, 0))
            result = fail("queue", "WriteMsgQueue #%u: error %lu", i, GetLastError());
    }
    DWORD code = wait_child(&pi);
    CloseMsgQueue(w);
    if (!result && code != 0)
        result = fail("queue", "the reader process exited with %lu", code);
    if (!result)
        printf("queue: OK (%u messages to another process through a 4-message queue)\n", QUEUE_MESSAGES);
    return result;
}

int cmd_queue_reader(const char *name, unsigned count)
{
    WCHAR wname[64];
    MSGQUEUEOPTIONS o = queue_options(TRUE);
    MultiByteToWideChar(CP_ACP, 0, name, -1, wname, 64);
    wname[63] = 0;
    SetLastError(0xdeadbeef);
    HANDLE r = CreateMsgQueue(wname, &o);
    if (!r)
        return fail("reader", "CreateMsgQueue(%ls): error %lu", wname, GetLastError());
    int result = 0;
    for (unsigned i = 0; i < count && !result; i++) {
        char msg[32], want[32];
        DWORD got = 0, flags = 0;
        int len = snprintf(want, sizeof(want), "message %u", i) + 1;
        SetLastError(0xdeadbeef);
        if (!ReadMsgQueue(r, msg, sizeof(msg), &got, QUEUE_BOUND_MS, &flags))
            result = fail("reader", "ReadMsgQueue #%u: error %lu", i, GetLastError());
        else if (got != (DWORD)len || memcmp(msg, want, got) != 0)
            result = fail("reader", "message #%u: %lu bytes \"%.*s\", want \"%s\"", i, got, (int)got, msg, want);
    }
    CloseMsgQueue(r);
    return result;
}
