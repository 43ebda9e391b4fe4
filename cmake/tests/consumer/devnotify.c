/*
 * devnotify.c - CE device notifications between two processes: this
 * process asks for an interface class on its message queue
 * (RequestDeviceNotifications), a child advertises an interface of that
 * class and removes it (AdvertiseInterface), and both DEVDETAIL messages
 * arrive here.
 */
#include <windows.h>
#include <msgqueue.h>
#include <pnp.h>
#include <stdio.h>
#include <string.h>

#include "consumer.h"

#define NOTIFY_BOUND_MS 15000

/* This program's own interface class. */
static const GUID consumer_class = { 0x5c1d2e8a, 0x43b7, 0x4f0e, { 0x9a, 0x61, 0x2d, 0x7e, 0x0b, 0x93, 0xc4, 0x18 } };

int cmd_notify(void)
{
    union {
        DEVDETAIL d;
        BYTE bytes[sizeof(DEVDETAIL) + MAX_DEVCLASS_NAMELEN * sizeof(WCHAR)];
    } msg;
    WCHAR name[32];
    char args[64];
    MSGQUEUEOPTIONS o;
    PROCESS_INFORMATION pi;

    memset(&pi, 0, sizeof(pi));
    memset(&o, 0, sizeof(o));
    o.dwSize = sizeof(o);
    o.dwFlags = MSGQUEUE_NOPRECOMMIT;
    o.cbMaxMessage = sizeof(msg);
    o.bReadAccess = TRUE;
    SetLastError(0xdeadbeef);
    HANDLE q = CreateMsgQueue(NULL, &o);
    if (!q)
        return fail("notify", "CreateMsgQueue: error %lu", GetLastError());
    SetLastError(0xdeadbeef);
    HANDLE n = RequestDeviceNotifications(&consumer_class, q, TRUE);
    if (!n) {
        CloseMsgQueue(q);
        return fail("notify", "RequestDeviceNotifications: error %lu", GetLastError());
    }
    _snwprintf(name, 32, L"CNS%lu:", GetCurrentProcessId() % 100000);
    name[31] = 0;
    snprintf(args, sizeof(args), "advertiser %ls", name);
    int result = spawn_self("notify", args, &pi) ? 0 : 1;
    /* Expect the child's interface attached, then removed. */
    BOOL attached = FALSE, removed = FALSE;
    DWORD start = GetTickCount();
    while (!result && !removed) {
        DWORD got = 0, flags = 0, left = NOTIFY_BOUND_MS - (GetTickCount() - start);
        if (left > NOTIFY_BOUND_MS) {
            result = fail("notify", "%ls: attached %d, removed %d after %u ms", name, attached, removed,
                          NOTIFY_BOUND_MS);
            break;
        }
        memset(&msg, 0, sizeof(msg));
        SetLastError(0xdeadbeef);
        if (!ReadMsgQueue(q, &msg, sizeof(msg), &got, left, &flags)) {
            result = fail("notify", "ReadMsgQueue: error %lu (attached %d)", GetLastError(), attached);
            break;
        }
        if (memcmp(&msg.d.guidDevClass, &consumer_class, sizeof(GUID)) != 0)
            result = fail("notify", "a DEVDETAIL of another class arrived (%ls)", msg.d.szName);
        else if (wcscmp(msg.d.szName, name) != 0)
            continue; /* another run's interface of this class */
        else if (msg.d.cbName != (int)((wcslen(name) + 1) * sizeof(WCHAR)))
            result = fail("notify", "%ls: cbName %d", name, msg.d.cbName);
        else if (msg.d.fAttached && !attached)
            attached = TRUE;
        else if (!msg.d.fAttached && attached)
            removed = TRUE;
        else
            result = fail("notify", "%ls: fAttached %d out of order", name, msg.d.fAttached);
    }
    DWORD code = pi.hProcess ? wait_child(&pi) : 0;
    if (!result && code != 0)
        result = fail("notify", "the advertiser exited with %lu", code);
    SetLastError(0xdeadbeef);
    if (!StopDeviceNotifications(n) && !result)
        result = fail("notify", "StopDeviceNotifications: error %lu", GetLastError());
    CloseMsgQueue(q);
    if (!result)
        printf("notify: OK (%ls attached and removed by process %lu, both seen here)\n", name, pi.dwProcessId);
    return result;
}

int cmd_advertiser(const char *name)
{
    WCHAR wname[32];
    MultiByteToWideChar(CP_ACP, 0, name, -1, wname, 32);
    wname[31] = 0;
    SetLastError(0xdeadbeef);
    if (!AdvertiseInterface(&consumer_class, wname, TRUE))
        return fail("advertiser", "AdvertiseInterface(%ls, TRUE): error %lu", wname, GetLastError());
    SetLastError(0xdeadbeef);
    if (!AdvertiseInterface(&consumer_class, wname, FALSE))
        return fail("advertiser", "AdvertiseInterface(%ls, FALSE): error %lu", wname, GetLastError());
    return 0;
}
