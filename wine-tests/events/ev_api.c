/*
 * ev_api.c - EventModify and event data within one process.
 */
#include "ev_test.h"

CETEST(events, exports_are_undecorated)
{
    static const char *const names[] = { "EventModify", "GetEventData", "SetEventData", "CeShimCreateEventW",
                                         "CeShimCreateEventA" };
    HMODULE dll = GetModuleHandleW(L"ceshim.dll");
    REQUIRE(dll != NULL);
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        CHECK_MSG(GetProcAddress(dll, names[i]) != NULL, "ceshim.dll does not export %s", names[i]);
}

CETEST(events, constants_are_ces)
{
    CHECK_EQ(EVENT_PULSE, 1);
    CHECK_EQ(EVENT_RESET, 2);
    CHECK_EQ(EVENT_SET, 3);
}

CETEST(events, eventmodify_sets_resets_and_pulses)
{
    HANDLE h = CreateEventW(NULL, TRUE, FALSE, NULL);
    REQUIRE(h != NULL);
    SetLastError(0xdeadbeef);
    CHECK(EventModify(h, EVENT_SET));
    CHECK_EQ(WaitForSingleObject(h, 0), WAIT_OBJECT_0);
    CHECK(EventModify(h, EVENT_RESET));
    CHECK_EQ(WaitForSingleObject(h, 0), WAIT_TIMEOUT);
    /* A pulse with nobody waiting leaves a manual-reset event reset. */
    CHECK(EventModify(h, EVENT_PULSE));
    CHECK_EQ(WaitForSingleObject(h, 0), WAIT_TIMEOUT);
    CHECK(CloseHandle(h));
}

CETEST(events, eventmodify_rejects_unknown_functions_and_handles)
{
    HANDLE h = CreateEventW(NULL, FALSE, FALSE, NULL);
    REQUIRE(h != NULL);
    DWORD funcs[] = { 0, 4, 0xffffffffu };
    for (size_t i = 0; i < 3; i++) {
        SetLastError(0xdeadbeef);
        CHECK(!EventModify(h, funcs[i]));
        CHECK_LASTERROR(ERROR_INVALID_PARAMETER);
    }
    CHECK_EQ(WaitForSingleObject(h, 0), WAIT_TIMEOUT);
    SetLastError(0xdeadbeef);
    CHECK(!EventModify(NULL, EVENT_SET));
    CHECK_LASTERROR(ERROR_INVALID_HANDLE);
    CHECK(CloseHandle(h));
}

CETEST(events, data_starts_at_zero_with_last_error_zero)
{
    HANDLE manual = CreateEventW(NULL, TRUE, FALSE, NULL), autor = CreateEventW(NULL, FALSE, TRUE, NULL);
    REQUIRE(manual && autor);
    EV_EXPECT_DATA(manual, 0);
    EV_EXPECT_DATA(autor, 0);
    CHECK(CloseHandle(manual));
    CHECK(CloseHandle(autor));
}

CETEST(events, set_replaces_previous_data)
{
    HANDLE h = CreateEventW(NULL, FALSE, FALSE, NULL);
    REQUIRE(h != NULL);
    EV_EXPECT_SET(h, 5);
    EV_EXPECT_DATA(h, 5);
    EV_EXPECT_SET(h, 0xffffffffu);
    EV_EXPECT_DATA(h, 0xffffffffu);
    EV_EXPECT_SET(h, 0);
    EV_EXPECT_DATA(h, 0);
    /* The data does not touch the event's state. */
    CHECK_EQ(WaitForSingleObject(h, 0), WAIT_TIMEOUT);
    CHECK(CloseHandle(h));
}

CETEST(events, data_belongs_to_the_object_not_the_handle)
{
    WCHAR name[EV_NAME_CHARS];
    cetest_unique_name(L"evdata", name, EV_NAME_CHARS);
    HANDLE a = CreateEventW(NULL, TRUE, FALSE, name);
    REQUIRE(a != NULL);
    HANDLE b = CreateEventW(NULL, TRUE, FALSE, name);
    REQUIRE(b != NULL);
    HANDLE c = OpenEventW(EVENT_ALL_ACCESS, FALSE, name);
    HANDLE u = CreateEventW(NULL, FALSE, FALSE, NULL), udup = NULL;
    REQUIRE(c && u);
    REQUIRE(DuplicateHandle(GetCurrentProcess(), u, GetCurrentProcess(), &udup, 0, FALSE, DUPLICATE_SAME_ACCESS));
    EV_EXPECT_SET(a, 41);
    EV_EXPECT_DATA(b, 41);
    EV_EXPECT_DATA(c, 41);
    EV_EXPECT_SET(c, 42);
    EV_EXPECT_DATA(a, 42);
    /* An unnamed event (created through ceshim.h) and its duplicate. */
    EV_EXPECT_DATA(u, 0);
    EV_EXPECT_SET(udup, 43);
    EV_EXPECT_DATA(u, 43);
    EV_EXPECT_DATA(a, 42);
    /* Data survives closing one of the handles. */
    CHECK(CloseHandle(udup));
    EV_EXPECT_DATA(u, 43);
    CHECK(CloseHandle(a));
    EV_EXPECT_DATA(b, 42);
    CHECK(CloseHandle(b));
    CHECK(CloseHandle(c));
    CHECK(CloseHandle(u));
}

CETEST(events, each_event_has_its_own_data)
{
    HANDLE e[4];
    for (int i = 0; i < 4; i++) {
        e[i] = CreateEventW(NULL, i & 1, FALSE, NULL);
        REQUIRE(e[i] != NULL);
    }
    for (int i = 0; i < 4; i++)
        EV_EXPECT_SET(e[i], 100 + (DWORD)i);
    for (int i = 0; i < 4; i++)
        EV_EXPECT_DATA(e[i], 100 + (DWORD)i);
    for (int i = 0; i < 4; i++)
        CHECK(CloseHandle(e[i]));
}

CETEST(events, a_new_event_of_an_old_name_starts_without_data)
{
    WCHAR name[EV_NAME_CHARS];
    cetest_unique_name(L"evreuse", name, EV_NAME_CHARS);
    HANDLE a = CreateEventW(NULL, TRUE, FALSE, name);
    REQUIRE(a != NULL);
    EV_EXPECT_SET(a, 9);
    CHECK(CloseHandle(a));
    SetLastError(0xdeadbeef);
    HANDLE b = CreateEventW(NULL, TRUE, FALSE, name);
    CHECK_LASTERROR(0);
    REQUIRE(b != NULL);
    EV_EXPECT_DATA(b, 0);
    CHECK(CloseHandle(b));
}

CETEST(events, routed_create_event_reports_like_win32)
{
    WCHAR name[EV_NAME_CHARS];
    cetest_unique_name(L"evcreate", name, EV_NAME_CHARS);
    SetLastError(0xdeadbeef);
    HANDLE u = CreateEventW(NULL, TRUE, TRUE, NULL);
    CHECK_LASTERROR(0);
    REQUIRE(u != NULL);
    CHECK_EQ(WaitForSingleObject(u, 0), WAIT_OBJECT_0);
    SetLastError(0xdeadbeef);
    HANDLE a = CreateEventW(NULL, FALSE, FALSE, name);
    CHECK_LASTERROR(0);
    SetLastError(0xdeadbeef);
    HANDLE b = CreateEventW(NULL, FALSE, FALSE, name);
    CHECK_LASTERROR(ERROR_ALREADY_EXISTS);
    SetLastError(0xdeadbeef);
    HANDLE ua = CreateEventA(NULL, FALSE, FALSE, NULL);
    CHECK_LASTERROR(0);
    REQUIRE(a && b && ua);
    EV_EXPECT_SET(ua, 3);
    EV_EXPECT_DATA(ua, 3);
    /* A name that is not an event's: Win32's error. */
    WCHAR mutex_name[EV_NAME_CHARS];
    cetest_unique_name(L"evmutex", mutex_name, EV_NAME_CHARS);
    HANDLE m = CreateMutexW(NULL, FALSE, mutex_name);
    SetLastError(0xdeadbeef);
    CHECK_PTR_EQ(CreateEventW(NULL, FALSE, FALSE, mutex_name), NULL);
    CHECK_LASTERROR(ERROR_INVALID_HANDLE);
    CHECK(CloseHandle(m));
    CHECK(CloseHandle(u));
    CHECK(CloseHandle(a));
    CHECK(CloseHandle(b));
    CHECK(CloseHandle(ua));
}

CETEST(events, data_rejects_handles_that_are_not_events)
{
    HANDLE mutex = CreateMutexW(NULL, FALSE, NULL);
    HANDLE closed = CreateEventW(NULL, FALSE, FALSE, NULL);
    REQUIRE(mutex && closed);
    CHECK(CloseHandle(closed));
    /* A process handle (CE7: SetEventData fails on a process event), a
     * mutex, NULL, a closed handle. */
    HANDLE bad[] = { NULL, GetCurrentProcess(), GetCurrentThread(), mutex, closed };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        DWORD err;
        CHECK_EQ(ev_get(bad[i], &err), 0);
        CHECK_MSG(err == ERROR_INVALID_HANDLE, "GetEventData(bad[%zu]): error %lu", i, err);
        CHECK(!ev_set(bad[i], 1, &err));
        CHECK_MSG(err == ERROR_INVALID_HANDLE, "SetEventData(bad[%zu]): error %lu", i, err);
    }
    CHECK(CloseHandle(mutex));
}

CETEST(events, queue_handles_carry_data)
{
    WCHAR name[EV_NAME_CHARS];
    cetest_unique_name(L"evq", name, EV_NAME_CHARS);
    MSGQUEUEOPTIONS o = { sizeof(o), 0, 4, 16, TRUE };
    HANDLE r = CreateMsgQueue(name, &o), r2 = CreateMsgQueue(name, &o);
    o.bReadAccess = FALSE;
    HANDLE w = CreateMsgQueue(name, &o);
    REQUIRE(r && r2 && w);
    EV_EXPECT_DATA(r, 0);
    EV_EXPECT_SET(r, 17);
    EV_EXPECT_DATA(r2, 17);
    /* The two ends are two objects (each its own event on CE). */
    EV_EXPECT_DATA(w, 0);
    EV_EXPECT_SET(w, 18);
    EV_EXPECT_DATA(r, 17);
    EV_EXPECT_DATA(w, 18);
    /* An unnamed queue: a handle from OpenMsgQueue is the same end. */
    o.bReadAccess = TRUE;
    HANDLE ur = CreateMsgQueue(NULL, &o);
    REQUIRE(ur != NULL);
    HANDLE ur2 = OpenMsgQueue(GetCurrentProcess(), ur, &o);
    REQUIRE(ur2 != NULL);
    EV_EXPECT_SET(ur, 19);
    EV_EXPECT_DATA(ur2, 19);
    CHECK(CloseMsgQueue(r));
    CHECK(CloseMsgQueue(r2));
    CHECK(CloseMsgQueue(w));
    CHECK(CloseMsgQueue(ur));
    CHECK(CloseMsgQueue(ur2));
}

CETEST(events, data_of_destroyed_events_does_not_fill_the_table)
{
    /* More events than the shared table has entries (1024), each given
     * data and destroyed: the entries of dead events are reclaimed. */
    for (DWORD i = 0; i < 1500; i++) {
        HANDLE h = CreateEventW(NULL, FALSE, FALSE, NULL);
        REQUIRE(h != NULL);
        DWORD err;
        BOOL ok = ev_set(h, i + 1, &err);
        CHECK_MSG(ok, "SetEventData on event %lu failed, error %lu", i, err);
        CHECK(CloseHandle(h));
        if (!ok)
            break;
    }
}
