/*
 * notif_device.c - RequestDeviceNotifications, StopDeviceNotifications and
 * AdvertiseInterface within one process: arguments, the DEVDETAIL layout,
 * class filters, replay, removal, errors. Across processes:
 * notif_device_crossproc.c.
 */
#include "notif_test.h"

#include <stddef.h>
#include <string.h>
#include <wchar.h>

static BOOL advertise(const GUID *g, const WCHAR *name, BOOL add, DWORD *err)
{
    SetLastError(0xdeadbeef);
    BOOL ok = AdvertiseInterface(g, name, add);
    *err = GetLastError();
    return ok;
}

static HANDLE request(const GUID *g, HANDLE q, BOOL all, DWORD *err)
{
    SetLastError(0xdeadbeef);
    HANDLE h = RequestDeviceNotifications(g, q, all);
    *err = GetLastError();
    return h;
}

#define ADVERTISE_OK(g, name, add)                                                              \
    do {                                                                                        \
        DWORD e_;                                                                               \
        CHECK(advertise((g), (name), (add), &e_));                                              \
        CHECK_EQ(e_, ERROR_SUCCESS);                                                            \
    } while (0)

CETEST(notif_device, layout_is_ce)
{
    CHECK_EQ(sizeof(DEVDETAIL), 32);
    CHECK_EQ(offsetof(DEVDETAIL, dwReserved), 16);
    CHECK_EQ(offsetof(DEVDETAIL, fAttached), 20);
    CHECK_EQ(offsetof(DEVDETAIL, cbName), 24);
    CHECK_EQ(offsetof(DEVDETAIL, szName), 28);
    CHECK_EQ(MAX_DEVCLASS_NAMELEN, 64);
    static const GUID stream = DEVCLASS_STREAM_GUID;
    CHECK_EQ(stream.Data1, 0xf8a6ba98);
    CHECK_EQ(stream.Data4[7], 0x31);
    CHECK_WSTR_EQ(DEVCLASS_STREAM_STRING, L"{f8a6ba98-087a-43ac-a9d8-b7f13c5bae31}");
}

CETEST(notif_device, request_rejects_bad_queue)
{
    GUID g = notif_unique_guid();
    DWORD err;
    CHECK_PTR_EQ(request(&g, NULL, FALSE, &err), NULL);
    CHECK_EQ(err, ERROR_INVALID_PARAMETER);
    /* A handle that is not a queue. */
    HANDLE ev = CreateEventW(NULL, TRUE, FALSE, NULL);
    CHECK_PTR_EQ(request(&g, ev, TRUE, &err), NULL);
    CHECK_EQ(err, ERROR_INVALID_PARAMETER);
    CloseHandle(ev);
}

CETEST(notif_device, stop_rejects_invalid_handles)
{
    GUID g = notif_unique_guid();
    DWORD err;
    SetLastError(0xdeadbeef);
    CHECK(!StopDeviceNotifications(NULL));
    CHECK_LASTERROR(ERROR_INVALID_HANDLE);
    SetLastError(0xdeadbeef);
    CHECK(!StopDeviceNotifications((HANDLE)(ULONG_PTR)0x1234));
    CHECK_LASTERROR(ERROR_INVALID_HANDLE);
    HANDLE q = NOTIF_QUEUE(NULL, 0, DETAIL_QUEUE_CB);
    HANDLE n = request(&g, q, FALSE, &err);
    REQUIRE(n != NULL);
    CHECK_EQ(err, ERROR_SUCCESS);
    /* A queue handle is not a notification handle. */
    SetLastError(0xdeadbeef);
    CHECK(!StopDeviceNotifications(q));
    CHECK_LASTERROR(ERROR_INVALID_HANDLE);
    SetLastError(0xdeadbeef);
    CHECK(StopDeviceNotifications(n));
    CHECK_LASTERROR(ERROR_SUCCESS);
    /* Once only. */
    SetLastError(0xdeadbeef);
    CHECK(!StopDeviceNotifications(n));
    CHECK_LASTERROR(ERROR_INVALID_HANDLE);
    CloseMsgQueue(q);
}

/* Request, Stop, Request again on one queue. CE's server holds the only
 * write end of a read-only queue and closes it at Stop: without
 * MSGQUEUE_ALLOW_BROKEN that breaks the queue (spec 1.11), so CE's second
 * OpenMsgQueue - and so the Request - fails with ERROR_INVALID_PARAMETER,
 * and reads say ERROR_PIPE_NOT_CONNECTED. With ALLOW_BROKEN the queue
 * survives and may be registered again and again. */
CETEST(notif_device, request_again_after_stop_on_the_same_queue)
{
    GUID g = notif_unique_guid();
    DWORD err;
    HANDLE q = NOTIF_QUEUE(NULL, MSGQUEUE_ALLOW_BROKEN, DETAIL_QUEUE_CB);
    for (int round = 0; round < 3; round++) {
        HANDLE n = request(&g, q, FALSE, &err);
        CHECK_MSG(n != NULL && err == ERROR_SUCCESS, "round %d: RequestDeviceNotifications = %p, error %lu", round,
                  n, err);
        if (!n)
            break;
        ADVERTISE_OK(&g, L"NTR1:", TRUE);
        NOTIF_EXPECT_DETAIL(q, &g, L"NTR1:", TRUE, 0);
        CHECK(StopDeviceNotifications(n));
        /* Stopped: nothing more arrives. */
        ADVERTISE_OK(&g, L"NTR1:", FALSE);
        CHECK_EQ(NOTIF_QUEUED(q), 0);
    }
    CloseMsgQueue(q);

    q = NOTIF_QUEUE(NULL, 0, DETAIL_QUEUE_CB);
    HANDLE n = request(&g, q, FALSE, &err);
    REQUIRE(n != NULL);
    CHECK(StopDeviceNotifications(n));
    CHECK_PTR_EQ(request(&g, q, FALSE, &err), NULL);
    CHECK_EQ(err, ERROR_INVALID_PARAMETER);
    BYTE buf[DETAIL_QUEUE_CB];
    DWORD got = 0, flags = 0;
    SetLastError(0xdeadbeef);
    CHECK(!ReadMsgQueue(q, buf, sizeof(buf), &got, 0, &flags));
    CHECK_LASTERROR(ERROR_PIPE_NOT_CONNECTED);
    CloseMsgQueue(q);
}

CETEST(notif_device, advertise_rejects_bad_arguments)
{
    GUID g = notif_unique_guid();
    DWORD err;
    WCHAR longest[MAX_DEVCLASS_NAMELEN + 2];
    for (int i = 0; i < MAX_DEVCLASS_NAMELEN + 1; i++)
        longest[i] = L'a' + i % 26;
    longest[MAX_DEVCLASS_NAMELEN + 1] = 0;
    CHECK(!advertise(NULL, L"X1:", TRUE, &err));
    CHECK_EQ(err, ERROR_INVALID_PARAMETER);
    CHECK(!advertise(&g, NULL, TRUE, &err));
    CHECK_EQ(err, ERROR_INVALID_PARAMETER);
    CHECK(!advertise(&g, L"", TRUE, &err));
    CHECK_EQ(err, ERROR_INVALID_PARAMETER);
    CHECK(!advertise(&g, longest, TRUE, &err)); /* 65 characters */
    CHECK_EQ(err, ERROR_INVALID_PARAMETER);
    longest[MAX_DEVCLASS_NAMELEN] = 0; /* 64: the longest name */
    CHECK(advertise(&g, longest, TRUE, &err));
    CHECK_EQ(err, ERROR_SUCCESS);
    CHECK(advertise(&g, longest, FALSE, &err));
    CHECK_EQ(err, ERROR_SUCCESS);
}

CETEST(notif_device, add_and_remove_arrive_as_devdetail)
{
    GUID g = notif_unique_guid();
    DWORD err;
    HANDLE q = NOTIF_QUEUE(NULL, 0, DETAIL_QUEUE_CB);
    HANDLE n = request(&g, q, FALSE, &err);
    REQUIRE(n != NULL);
    CHECK_EQ(err, ERROR_SUCCESS);
    CHECK_EQ(NOTIF_QUEUED(q), 0);
    ADVERTISE_OK(&g, L"NTA1:", TRUE);
    /* Written before AdvertiseInterface returns: no wait needed. */
    NOTIF_EXPECT_DETAIL(q, &g, L"NTA1:", TRUE, 0);
    ADVERTISE_OK(&g, L"NTA1:", FALSE);
    NOTIF_EXPECT_DETAIL(q, &g, L"NTA1:", FALSE, 0);
    CHECK_EQ(NOTIF_QUEUED(q), 0);
    /* And the queue handle was signaled by each message. */
    ADVERTISE_OK(&g, L"NTA2:", TRUE);
    CHECK_EQ(WaitForSingleObject(q, 0), WAIT_OBJECT_0);
    NOTIF_EXPECT_DETAIL(q, &g, L"NTA2:", TRUE, 0);
    ADVERTISE_OK(&g, L"NTA2:", FALSE);
    CHECK(StopDeviceNotifications(n));
    CloseMsgQueue(q);
}

CETEST(notif_device, registration_holds_a_write_end)
{
    /* As CE's server: a registered read-only queue has a writer, so reads
     * wait instead of failing with ERROR_PIPE_NOT_CONNECTED. */
    GUID g = notif_unique_guid();
    DWORD err;
    HANDLE q = NOTIF_QUEUE(NULL, 0, DETAIL_QUEUE_CB);
    notif_msg m = notif_read(q, 0);
    CHECK(!m.ok);
    CHECK_EQ(m.err, ERROR_PIPE_NOT_CONNECTED);
    HANDLE n = request(&g, q, FALSE, &err);
    REQUIRE(n != NULL);
    MSGQUEUEINFO info;
    memset(&info, 0, sizeof(info));
    info.dwSize = sizeof(info);
    CHECK(GetMsgQueueInfo(q, &info));
    CHECK_EQ(info.wNumReaders, 1);
    CHECK_EQ(info.wNumWriters, 1);
    m = notif_read(q, 50);
    CHECK(!m.ok);
    CHECK_EQ(m.err, ERROR_TIMEOUT);
    CHECK(StopDeviceNotifications(n));
    CHECK(GetMsgQueueInfo(q, &info));
    CHECK_EQ(info.wNumWriters, 0);
    CloseMsgQueue(q);
}

CETEST(notif_device, duplicate_add_and_unknown_removal_fail)
{
    GUID g = notif_unique_guid(), other = notif_unique_guid();
    DWORD err;
    HANDLE q = NOTIF_QUEUE(NULL, 0, DETAIL_QUEUE_CB);
    HANDLE n = request(NULL, q, FALSE, &err);
    REQUIRE(n != NULL);
    ADVERTISE_OK(&g, L"DUP1:", TRUE);
    NOTIF_EXPECT_DETAIL(q, &g, L"DUP1:", TRUE, 0);
    CHECK(!advertise(&g, L"DUP1:", TRUE, &err));
    CHECK_EQ(err, ERROR_ALREADY_EXISTS);
    NOTIF_EXPECT_NO_DETAIL(q, &g); /* a failed call sends nothing */
    /* The same name in another class, and another name: both new. */
    ADVERTISE_OK(&other, L"DUP1:", TRUE);
    ADVERTISE_OK(&g, L"DUP2:", TRUE);
    CHECK(!advertise(&g, L"NEVER:", FALSE, &err));
    CHECK_EQ(err, ERROR_NOT_FOUND);
    ADVERTISE_OK(&g, L"DUP1:", FALSE);
    CHECK(!advertise(&g, L"DUP1:", FALSE, &err));
    CHECK_EQ(err, ERROR_NOT_FOUND);
    ADVERTISE_OK(&g, L"DUP2:", FALSE);
    ADVERTISE_OK(&other, L"DUP1:", FALSE);
    /* Names compare exactly. */
    ADVERTISE_OK(&g, L"Case1:", TRUE);
    CHECK(!advertise(&g, L"CASE1:", FALSE, &err));
    CHECK_EQ(err, ERROR_NOT_FOUND);
    ADVERTISE_OK(&g, L"Case1:", FALSE);
    CHECK(StopDeviceNotifications(n));
    CloseMsgQueue(q);
}

CETEST(notif_device, class_filter_excludes_other_classes)
{
    GUID mine = notif_unique_guid(), other = notif_unique_guid();
    DWORD err;
    HANDLE q = NOTIF_QUEUE(NULL, 0, DETAIL_QUEUE_CB);
    HANDLE n = request(&mine, q, TRUE, &err);
    REQUIRE(n != NULL);
    ADVERTISE_OK(&other, L"OTH1:", TRUE);
    ADVERTISE_OK(&other, L"OTH1:", FALSE);
    CHECK_EQ(NOTIF_QUEUED(q), 0);
    ADVERTISE_OK(&mine, L"MINE1:", TRUE);
    NOTIF_EXPECT_DETAIL(q, &mine, L"MINE1:", TRUE, 0);
    CHECK_EQ(NOTIF_QUEUED(q), 0);
    ADVERTISE_OK(&mine, L"MINE1:", FALSE);
    CHECK(StopDeviceNotifications(n));
    CloseMsgQueue(q);
}

CETEST(notif_device, null_and_zero_class_match_every_class)
{
    GUID a = notif_unique_guid(), b = notif_unique_guid();
    static const GUID zero;
    DWORD err;
    HANDLE q1 = NOTIF_QUEUE(NULL, 0, DETAIL_QUEUE_CB), q2 = NOTIF_QUEUE(NULL, 0, DETAIL_QUEUE_CB);
    HANDLE n1 = request(NULL, q1, FALSE, &err);
    CHECK_EQ(err, ERROR_SUCCESS);
    HANDLE n2 = request(&zero, q2, FALSE, &err);
    CHECK_EQ(err, ERROR_SUCCESS);
    REQUIRE(n1 && n2);
    ADVERTISE_OK(&a, L"ALL1:", TRUE);
    ADVERTISE_OK(&b, L"ALL2:", TRUE);
    NOTIF_EXPECT_DETAIL(q1, &a, L"ALL1:", TRUE, 0);
    NOTIF_EXPECT_DETAIL(q1, &b, L"ALL2:", TRUE, 0);
    NOTIF_EXPECT_DETAIL(q2, &a, L"ALL1:", TRUE, 0);
    NOTIF_EXPECT_DETAIL(q2, &b, L"ALL2:", TRUE, 0);
    ADVERTISE_OK(&a, L"ALL1:", FALSE);
    ADVERTISE_OK(&b, L"ALL2:", FALSE);
    NOTIF_EXPECT_DETAIL(q1, &a, L"ALL1:", FALSE, 0);
    NOTIF_EXPECT_DETAIL(q2, &b, L"ALL2:", FALSE, 0);
    CHECK(StopDeviceNotifications(n1));
    CHECK(StopDeviceNotifications(n2));
    CloseMsgQueue(q1);
    CloseMsgQueue(q2);
}

CETEST(notif_device, fall_replays_current_interfaces)
{
    GUID g = notif_unique_guid();
    DWORD err;
    ADVERTISE_OK(&g, L"RPL1:", TRUE);
    ADVERTISE_OK(&g, L"RPL2:", TRUE);
    ADVERTISE_OK(&g, L"RPL3:", TRUE);
    ADVERTISE_OK(&g, L"RPL3:", FALSE); /* gone: not replayed */
    HANDLE q = NOTIF_QUEUE(NULL, 0, DETAIL_QUEUE_CB), later = NOTIF_QUEUE(NULL, 0, DETAIL_QUEUE_CB);
    HANDLE n = request(&g, q, TRUE, &err);
    REQUIRE(n != NULL);
    CHECK_EQ(err, ERROR_SUCCESS);
    /* Replayed before RequestDeviceNotifications returns. */
    CHECK_EQ(NOTIF_QUEUED(q), 2);
    notif_msg m1, m2;
    CHECK(notif_next_detail(q, &g, 0, &m1));
    CHECK(notif_next_detail(q, &g, 0, &m2));
    BOOL in_order = !wcscmp(m1.u.d.szName, L"RPL1:") && !wcscmp(m2.u.d.szName, L"RPL2:");
    BOOL swapped = !wcscmp(m1.u.d.szName, L"RPL2:") && !wcscmp(m2.u.d.szName, L"RPL1:");
    CHECK_MSG(in_order || swapped, "replayed %ls, %ls", m1.u.d.szName, m2.u.d.szName);
    CHECK(m1.u.d.fAttached && m2.u.d.fAttached);
    CHECK_EQ(m1.bytes, sizeof(DEVDETAIL) + 12);
    /* fAll = FALSE: only what changes from now on. */
    HANDLE n2 = request(&g, later, FALSE, &err);
    REQUIRE(n2 != NULL);
    CHECK_EQ(NOTIF_QUEUED(later), 0);
    ADVERTISE_OK(&g, L"RPL1:", FALSE);
    NOTIF_EXPECT_DETAIL(later, &g, L"RPL1:", FALSE, 0);
    NOTIF_EXPECT_DETAIL(q, &g, L"RPL1:", FALSE, 0);
    ADVERTISE_OK(&g, L"RPL2:", FALSE);
    CHECK(StopDeviceNotifications(n));
    CHECK(StopDeviceNotifications(n2));
    CloseMsgQueue(q);
    CloseMsgQueue(later);
}

CETEST(notif_device, stop_ends_delivery)
{
    GUID g = notif_unique_guid();
    DWORD err;
    /* ALLOW_BROKEN so that the queue outlives its write ends. */
    HANDLE q = NOTIF_QUEUE(NULL, MSGQUEUE_ALLOW_BROKEN, DETAIL_QUEUE_CB);
    HANDLE n = request(&g, q, FALSE, &err);
    REQUIRE(n != NULL);
    ADVERTISE_OK(&g, L"STP1:", TRUE);
    SetLastError(0xdeadbeef);
    CHECK(StopDeviceNotifications(n));
    CHECK_LASTERROR(ERROR_SUCCESS);
    ADVERTISE_OK(&g, L"STP1:", FALSE);
    ADVERTISE_OK(&g, L"STP2:", TRUE);
    NOTIF_EXPECT_DETAIL(q, &g, L"STP1:", TRUE, 0);
    CHECK_EQ(NOTIF_QUEUED(q), 0);
    ADVERTISE_OK(&g, L"STP2:", FALSE);
    CloseMsgQueue(q);
}

CETEST(notif_device, full_or_small_queue_drops_without_error)
{
    /* Delivery never blocks and never fails the advertiser: a full queue
     * or one too small for the message just misses it, as on CE. */
    GUID g = notif_unique_guid();
    DWORD err;
    MSGQUEUEOPTIONS o;
    memset(&o, 0, sizeof(o));
    o.dwSize = sizeof(o);
    o.dwMaxMessages = 1;
    o.cbMaxMessage = DETAIL_QUEUE_CB;
    o.bReadAccess = TRUE;
    HANDLE full = CreateMsgQueue(NULL, &o);
    o.dwMaxMessages = 0;
    o.cbMaxMessage = sizeof(DEVDETAIL);
    HANDLE small = CreateMsgQueue(NULL, &o);
    REQUIRE(full && small);
    HANDLE n1 = request(&g, full, FALSE, &err), n2 = request(&g, small, FALSE, &err);
    REQUIRE(n1 && n2);
    ADVERTISE_OK(&g, L"F1:", TRUE);
    ADVERTISE_OK(&g, L"F2:", TRUE);
    NOTIF_EXPECT_DETAIL(full, &g, L"F1:", TRUE, 0);
    CHECK_EQ(NOTIF_QUEUED(full), 0);
    CHECK_EQ(NOTIF_QUEUED(small), 0);
    ADVERTISE_OK(&g, L"F1:", FALSE);
    ADVERTISE_OK(&g, L"F2:", FALSE);
    CHECK(StopDeviceNotifications(n1));
    CHECK(StopDeviceNotifications(n2));
    CloseMsgQueue(full);
    CloseMsgQueue(small);
}

CETEST(notif_device, named_queue_and_close_without_stop)
{
    /* A queue destroyed while still registered is skipped, not an error. */
    GUID g = notif_unique_guid();
    WCHAR name[NOTIF_NAME_CHARS];
    DWORD err;
    cetest_unique_name(L"ntq", name, NOTIF_NAME_CHARS);
    HANDLE q = NOTIF_QUEUE(name, 0, DETAIL_QUEUE_CB);
    HANDLE n = request(&g, q, FALSE, &err);
    REQUIRE(n != NULL);
    ADVERTISE_OK(&g, L"NQ1:", TRUE);
    NOTIF_EXPECT_DETAIL(q, &g, L"NQ1:", TRUE, 0);
    CloseMsgQueue(q);
    ADVERTISE_OK(&g, L"NQ1:", FALSE);
    CHECK(StopDeviceNotifications(n));
}
