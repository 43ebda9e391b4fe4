/*
 * shared_owner.c - the session-wide tables (event data, notification
 * registry) use the same crash-safe lock as the queues: a lock word left by
 * an earlier process with this process's pid is taken over at once.
 */
#include "fault_util.h"

#include <pkfuncs.h>
#include <pm.h>
#include <stdio.h>
#include <string.h>

#include "events/ev_table.h"
#include "notify/notif_layout.h"

#define PROMPT_MS 1000

/* Maps the session-wide object `leaf` (Local\ceshim.N.<leaf>). */
static BYTE *map_shared(const WCHAR *leaf, HANDLE *mapping)
{
    WCHAR name[256];
    _snwprintf(name, 256, L"Local\\" CESHIM_LAYOUT_TAG L"%ls", leaf);
    name[255] = 0;
    *mapping = OpenFileMappingW(FILE_MAP_ALL_ACCESS, FALSE, name);
    return *mapping ? MapViewOfFile(*mapping, FILE_MAP_ALL_ACCESS, 0, 0, 0) : NULL;
}

/* Leaves the word as a dead earlier process with this pid would have, if
 * it is free (other tests use the table meanwhile: a live holder's word is
 * not touched). FALSE if it never was free. */
static BOOL forge_dead_self(volatile uint64_t *word)
{
    LONG64 dead = (LONG64)ceshim_owner_word(GetCurrentProcessId(), fault_create_time(GetCurrentProcess()) - 1);
    for (int i = 0; i < 1000; i++) {
        if (InterlockedCompareExchange64((volatile LONG64 *)word, dead, 0) == 0)
            return TRUE;
        Sleep(1);
    }
    return FALSE;
}

CETEST(shared_owner, event_data_lock_left_by_an_earlier_process_with_my_pid_is_taken_over_at_once)
{
    HANDLE ev = CreateEventW(NULL, FALSE, FALSE, NULL);
    REQUIRE(ev != NULL);
    CHECK(SetEventData(ev, 1)); /* the table exists from here on */
    HANDLE mapping;
    struct ev_table_header *t = (struct ev_table_header *)map_shared(L"evdata", &mapping);
    REQUIRE(t != NULL);
    REQUIRE(forge_dead_self(&t->lock));
    ULONGLONG start = cetest_now_ms();
    SetLastError(0xdeadbeef);
    BOOL ok = SetEventData(ev, 42);
    CHECK_MSG(ok, "SetEventData = %d, error %lu", ok, GetLastError());
    SetLastError(0xdeadbeef);
    DWORD data = GetEventData(ev);
    CHECK_MSG(data == 42, "GetEventData = %lu, error %lu", data, GetLastError());
    CHECK_MSG(cetest_now_ms() - start < PROMPT_MS, "took %llu ms", cetest_now_ms() - start);
    UnmapViewOfFile(t);
    CloseHandle(mapping);
    CloseHandle(ev);
}

CETEST(shared_owner, notification_registry_lock_left_by_an_earlier_process_with_my_pid_is_taken_over_at_once)
{
    MSGQUEUEOPTIONS o = fault_options(0, 0, sizeof(POWER_BROADCAST) + MAX_PATH * sizeof(WCHAR), TRUE);
    HANDLE q = CreateMsgQueue(NULL, &o);
    REQUIRE(q != NULL);
    HANDLE first = RequestPowerNotifications(q, PBT_POWERINFOCHANGE); /* the registry exists from here on */
    REQUIRE(first != NULL);
    HANDLE mapping;
    struct notif_registry *r = (struct notif_registry *)map_shared(L"notify.registry.m", &mapping);
    REQUIRE(r != NULL);
    REQUIRE(forge_dead_self(&r->hdr.lock));
    ULONGLONG start = cetest_now_ms();
    SetLastError(0xdeadbeef);
    HANDLE second = RequestPowerNotifications(q, PBT_POWERINFOCHANGE);
    CHECK_MSG(second != NULL, "RequestPowerNotifications = %p, error %lu", second, GetLastError());
    CHECK_MSG(cetest_now_ms() - start < PROMPT_MS, "took %llu ms", cetest_now_ms() - start);
    if (second)
        CHECK_EQ(StopPowerNotifications(second), ERROR_SUCCESS);
    CHECK_EQ(StopPowerNotifications(first), ERROR_SUCCESS);
    UnmapViewOfFile(r);
    CloseHandle(mapping);
    CloseMsgQueue(q);
}
