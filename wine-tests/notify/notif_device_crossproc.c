/*
 * notif_device_crossproc.c - device notifications between processes: an
 * interface advertised in one process reaches queues registered in
 * another, both ways; a registration of a killed process is dropped.
 */
#include "notif_test.h"

#include <string.h>

/* ---- the child advertises, the parent receives ------------------------------- */

CETEST_CHILD(advertiser)
{
    GUID g;
    REQUIRE(argc == 1 && notif_guid_parse(argv[0], &g));
    SetLastError(0xdeadbeef);
    CHECK(AdvertiseInterface(&g, L"XPA1:", TRUE));
    CHECK_LASTERROR(ERROR_SUCCESS);
    SetLastError(0xdeadbeef);
    CHECK(AdvertiseInterface(&g, L"XPA1:", FALSE));
    CHECK_LASTERROR(ERROR_SUCCESS);
    /* Left advertised: it outlives this process (the parent removes it). */
    CHECK(AdvertiseInterface(&g, L"XPA2:", TRUE));
}

CETEST(notif_device_crossproc, child_advertises_parent_receives)
{
    GUID g = notif_unique_guid();
    char arg[40];
    notif_guid_arg(&g, arg, sizeof(arg));
    HANDLE q = NOTIF_QUEUE(NULL, 0, DETAIL_QUEUE_CB);
    SetLastError(0xdeadbeef);
    HANDLE n = RequestDeviceNotifications(&g, q, TRUE);
    REQUIRE(n != NULL);
    CHECK_LASTERROR(ERROR_SUCCESS);
    cetest_proc child;
    REQUIRE(cetest_spawn(&child, 0, "advertiser", "%s", arg));
    /* The read wakes when the child advertises. */
    NOTIF_EXPECT_DETAIL(q, &g, L"XPA1:", TRUE, STEP_BOUND);
    NOTIF_EXPECT_DETAIL(q, &g, L"XPA1:", FALSE, STEP_BOUND);
    NOTIF_EXPECT_DETAIL(q, &g, L"XPA2:", TRUE, STEP_BOUND);
    cetest_wait(&child, CHILD_BOUND);
    /* The child is gone; its interface is still advertised. */
    HANDLE q2 = NOTIF_QUEUE(NULL, 0, DETAIL_QUEUE_CB);
    HANDLE n2 = RequestDeviceNotifications(&g, q2, TRUE);
    REQUIRE(n2 != NULL);
    NOTIF_EXPECT_DETAIL(q2, &g, L"XPA2:", TRUE, 0);
    SetLastError(0xdeadbeef);
    CHECK(AdvertiseInterface(&g, L"XPA2:", FALSE));
    CHECK_LASTERROR(ERROR_SUCCESS);
    NOTIF_EXPECT_DETAIL(q, &g, L"XPA2:", FALSE, 0);
    NOTIF_EXPECT_DETAIL(q2, &g, L"XPA2:", FALSE, 0);
    CHECK(StopDeviceNotifications(n));
    CHECK(StopDeviceNotifications(n2));
    CloseMsgQueue(q);
    CloseMsgQueue(q2);
}

/* ---- the parent advertises, the child receives -------------------------------- */

CETEST_CHILD(listener)
{
    GUID g;
    WCHAR base[NOTIF_NAME_CHARS];
    REQUIRE(argc == 2 && notif_guid_parse(argv[0], &g));
    cetest_from_utf8(argv[1], base, NOTIF_NAME_CHARS);
    HANDLE ready = cetest_open_event(base, L"ready"), done = cetest_open_event(base, L"done");
    HANDLE q = NOTIF_QUEUE(NULL, 0, DETAIL_QUEUE_CB);
    /* fAll: the interface the parent advertised first is replayed. */
    SetLastError(0xdeadbeef);
    HANDLE n = RequestDeviceNotifications(&g, q, TRUE);
    REQUIRE(n != NULL);
    CHECK_LASTERROR(ERROR_SUCCESS);
    NOTIF_EXPECT_DETAIL(q, &g, L"XPB0:", TRUE, 0);
    SetEvent(ready);
    /* Wait on the queue handle as CE listeners do. */
    CHECK_EQ(WaitForSingleObject(q, STEP_BOUND), WAIT_OBJECT_0);
    NOTIF_EXPECT_DETAIL(q, &g, L"XPB1:", TRUE, STEP_BOUND);
    NOTIF_EXPECT_DETAIL(q, &g, L"XPB1:", FALSE, STEP_BOUND);
    WAIT_EVENT(done, "parent done");
    CHECK_EQ(NOTIF_QUEUED(q), 0);
    CHECK(StopDeviceNotifications(n));
    CloseMsgQueue(q);
    CloseHandle(ready);
    CloseHandle(done);
}

CETEST(notif_device_crossproc, parent_advertises_child_receives)
{
    GUID g = notif_unique_guid();
    WCHAR base[NOTIF_NAME_CHARS];
    char arg[40], base8[NOTIF_NAME_CHARS * 3];
    notif_guid_arg(&g, arg, sizeof(arg));
    cetest_unique_name(L"ntev", base, NOTIF_NAME_CHARS);
    cetest_to_utf8(base, base8, sizeof(base8));
    HANDLE ready = cetest_make_event(base, L"ready"), done = cetest_make_event(base, L"done");
    SetLastError(0xdeadbeef);
    CHECK(AdvertiseInterface(&g, L"XPB0:", TRUE));
    CHECK_LASTERROR(ERROR_SUCCESS);
    cetest_proc child;
    REQUIRE(cetest_spawn(&child, 0, "listener", "%s %s", arg, base8));
    if (WAIT_EVENT(ready, "child registered")) {
        Sleep(100); /* the child is blocked in its wait */
        SetLastError(0xdeadbeef);
        CHECK(AdvertiseInterface(&g, L"XPB1:", TRUE));
        CHECK_LASTERROR(ERROR_SUCCESS);
        CHECK(AdvertiseInterface(&g, L"XPB1:", FALSE));
    }
    SetEvent(done);
    cetest_wait(&child, CHILD_BOUND);
    CHECK(AdvertiseInterface(&g, L"XPB0:", FALSE));
    CloseHandle(ready);
    CloseHandle(done);
}

/* ---- a registration of a killed process is dropped ------------------------------ */

CETEST_CHILD(killed_listener)
{
    GUID g;
    WCHAR base[NOTIF_NAME_CHARS], qname[NOTIF_NAME_CHARS];
    REQUIRE(argc == 3 && notif_guid_parse(argv[0], &g));
    cetest_from_utf8(argv[1], base, NOTIF_NAME_CHARS);
    cetest_from_utf8(argv[2], qname, NOTIF_NAME_CHARS);
    HANDLE ready = cetest_open_event(base, L"ready");
    HANDLE q = NOTIF_QUEUE(qname, MSGQUEUE_ALLOW_BROKEN, DETAIL_QUEUE_CB);
    REQUIRE(RequestDeviceNotifications(&g, q, FALSE) != NULL);
    SetEvent(ready);
    Sleep(CHILD_BOUND); /* killed here */
}

CETEST(notif_device_crossproc, killed_process_registration_is_dropped)
{
    GUID g = notif_unique_guid();
    WCHAR base[NOTIF_NAME_CHARS], qname[NOTIF_NAME_CHARS];
    char arg[40], base8[NOTIF_NAME_CHARS * 3], qname8[NOTIF_NAME_CHARS * 3];
    notif_guid_arg(&g, arg, sizeof(arg));
    cetest_unique_name(L"ntev", base, NOTIF_NAME_CHARS);
    cetest_unique_name(L"ntkq", qname, NOTIF_NAME_CHARS);
    cetest_to_utf8(base, base8, sizeof(base8));
    cetest_to_utf8(qname, qname8, sizeof(qname8));
    HANDLE ready = cetest_make_event(base, L"ready");
    cetest_proc child;
    REQUIRE(cetest_spawn(&child, 0, "killed_listener", "%s %s %s", arg, base8, qname8));
    HANDLE q = NULL;
    if (WAIT_EVENT(ready, "child registered")) {
        /* Keep the child's (ALLOW_BROKEN) queue alive past its death: a
         * registration that survived would still deliver into it. */
        q = NOTIF_QUEUE(qname, MSGQUEUE_ALLOW_BROKEN, DETAIL_QUEUE_CB);
        SetLastError(0xdeadbeef);
        CHECK(AdvertiseInterface(&g, L"KIL0:", TRUE));
        CHECK_LASTERROR(ERROR_SUCCESS);
        CHECK_EQ(NOTIF_QUEUED(q), 1); /* delivered while the child lives */
        NOTIF_EXPECT_DETAIL(q, &g, L"KIL0:", TRUE, 0);
    }
    TerminateProcess(child.process, 1);
    CHECK_EQ(WaitForSingleObject(child.process, STEP_BOUND), WAIT_OBJECT_0);
    cetest_collect(&child, 0, NULL, 0);
    if (q) {
        SetLastError(0xdeadbeef);
        CHECK(AdvertiseInterface(&g, L"KIL1:", TRUE));
        CHECK_LASTERROR(ERROR_SUCCESS);
        CHECK_EQ(NOTIF_QUEUED(q), 0);
        CHECK(AdvertiseInterface(&g, L"KIL1:", FALSE));
        CHECK(AdvertiseInterface(&g, L"KIL0:", FALSE));
        CHECK_EQ(NOTIF_QUEUED(q), 0);
        CloseMsgQueue(q);
    }
    CloseHandle(ready);
}
