/*
 * ev_crossproc.c - event data seen from another process: a named event, an
 * unnamed event duplicated into the child, and a message-queue handle. The
 * child reads what the parent set, sets new data, and exits; the parent
 * then reads what the child set.
 */
#include "ev_test.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* argv: <kind> <name or parent pid> [<handle value>] */
CETEST_CHILD(ev_peer)
{
    REQUIRE(argc >= 2);
    HANDLE h = NULL;
    WCHAR name[EV_NAME_CHARS];
    if (strcmp(argv[0], "named") == 0) {
        ev_from_utf8(argv[1], name, EV_NAME_CHARS);
        h = OpenEventW(EVENT_ALL_ACCESS, FALSE, name);
    } else if (strcmp(argv[0], "dup") == 0) {
        REQUIRE(argc == 3);
        DWORD parent_pid = (DWORD)strtoul(argv[1], NULL, 10);
        HANDLE parent_value = (HANDLE)(uintptr_t)strtoull(argv[2], NULL, 16);
        HANDLE parent = OpenProcess(PROCESS_DUP_HANDLE, FALSE, parent_pid);
        REQUIRE(parent != NULL);
        CHECK(DuplicateHandle(parent, parent_value, GetCurrentProcess(), &h, 0, FALSE, DUPLICATE_SAME_ACCESS));
        CHECK(CloseHandle(parent));
    } else if (strcmp(argv[0], "queue") == 0) {
        ev_from_utf8(argv[1], name, EV_NAME_CHARS);
        MSGQUEUEOPTIONS o = { sizeof(o), 0, 4, 16, TRUE };
        h = CreateMsgQueue(name, &o);
    }
    REQUIRE(h != NULL);
    EV_EXPECT_DATA(h, 0x1234u);
    EV_EXPECT_SET(h, 0x5678u);
    EV_EXPECT_DATA(h, 0x5678u);
    if (strcmp(argv[0], "queue") == 0)
        CHECK(CloseMsgQueue(h));
    else
        CHECK(CloseHandle(h));
}

static void run_peer(HANDLE h, const char *args)
{
    EV_EXPECT_SET(h, 0x1234u);
    cetest_proc child;
    if (!cetest_spawn(&child, 0, "ev_peer", "%s", args))
        return;
    CHECK_EQ(cetest_wait(&child, EV_CHILD_BOUND), CETEST_CHILD_PASSED);
    EV_EXPECT_DATA(h, 0x5678u);
}

CETEST(events_crossproc, named_event_data_is_shared)
{
    WCHAR name[EV_NAME_CHARS];
    char args[EV_NAME_CHARS * 3 + 16], name8[EV_NAME_CHARS * 3];
    cetest_unique_name(L"evx", name, EV_NAME_CHARS);
    ev_to_utf8(name, name8, sizeof(name8));
    HANDLE h = CreateEventW(NULL, TRUE, FALSE, name);
    REQUIRE(h != NULL);
    snprintf(args, sizeof(args), "named %s", name8);
    run_peer(h, args);
    CHECK(CloseHandle(h));
}

CETEST(events_crossproc, unnamed_event_duplicated_into_a_child_shares_data)
{
    HANDLE h = CreateEventW(NULL, FALSE, FALSE, NULL);
    REQUIRE(h != NULL);
    char args[64];
    snprintf(args, sizeof(args), "dup %lu %llx", GetCurrentProcessId(), (unsigned long long)(uintptr_t)h);
    run_peer(h, args);
    CHECK(CloseHandle(h));
}

CETEST(events_crossproc, queue_handle_data_is_shared)
{
    WCHAR name[EV_NAME_CHARS];
    char args[EV_NAME_CHARS * 3 + 16], name8[EV_NAME_CHARS * 3];
    cetest_unique_name(L"evxq", name, EV_NAME_CHARS);
    ev_to_utf8(name, name8, sizeof(name8));
    MSGQUEUEOPTIONS o = { sizeof(o), 0, 4, 16, TRUE };
    HANDLE r = CreateMsgQueue(name, &o);
    REQUIRE(r != NULL);
    snprintf(args, sizeof(args), "queue %s", name8);
    run_peer(r, args);
    CHECK(CloseMsgQueue(r));
}

/* argv: <name>: opens the event, sets data, exits. */
CETEST_CHILD(ev_setter)
{
    REQUIRE(argc == 1);
    WCHAR name[EV_NAME_CHARS];
    ev_from_utf8(argv[0], name, EV_NAME_CHARS);
    HANDLE h = OpenEventW(EVENT_ALL_ACCESS, FALSE, name);
    REQUIRE(h != NULL);
    EV_EXPECT_SET(h, 0x77u);
    CHECK(CloseHandle(h));
}

CETEST(events_crossproc, data_outlives_the_process_that_set_it)
{
    /* This process never touched event data before the child sets it. */
    WCHAR name[EV_NAME_CHARS];
    char name8[EV_NAME_CHARS * 3];
    cetest_unique_name(L"evlive", name, EV_NAME_CHARS);
    ev_to_utf8(name, name8, sizeof(name8));
    HANDLE h = CreateEventW(NULL, FALSE, FALSE, name);
    REQUIRE(h != NULL);
    cetest_proc child;
    if (cetest_spawn(&child, 0, "ev_setter", "%s", name8))
        CHECK_EQ(cetest_wait(&child, EV_CHILD_BOUND), CETEST_CHILD_PASSED);
    EV_EXPECT_DATA(h, 0x77u);
    CHECK(CloseHandle(h));
}
