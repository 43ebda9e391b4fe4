/*
 * notif_power.c - RequestPowerNotifications, StopPowerNotifications and
 * CeShimInjectPowerEvent: layout, Flags filtering, delivery to other
 * processes. Each test uses Message bits or state names of its own, since
 * injected events reach every registered queue of the session.
 */
#include "notif_test.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

static HANDLE request(HANDLE q, DWORD flags, DWORD *err)
{
    SetLastError(0xdeadbeef);
    HANDLE h = RequestPowerNotifications(q, flags);
    *err = GetLastError();
    return h;
}

static BOOL inject(DWORD message, DWORD flags, const WCHAR *state, DWORD *err)
{
    SetLastError(0xdeadbeef);
    BOOL ok = CeShimInjectPowerEvent(message, flags, state);
    *err = GetLastError();
    return ok;
}

CETEST(notif_power, layout_and_values_are_ce)
{
    CHECK_EQ(sizeof(POWER_BROADCAST), 16);
    CHECK_EQ(offsetof(POWER_BROADCAST, Length), 8);
    CHECK_EQ(offsetof(POWER_BROADCAST, SystemPowerState), 12);
    CHECK_EQ(sizeof(POWER_BROADCAST_POWER_INFO), 28);
    CHECK_EQ(offsetof(POWER_BROADCAST_POWER_INFO, bACLineStatus), 20);
    CHECK_EQ(offsetof(POWER_BROADCAST_POWER_INFO, bBackupBatteryLifePercent), 24);
    CHECK_EQ(PBT_TRANSITION, 0x1);
    CHECK_EQ(PBT_RESUME, 0x2);
    CHECK_EQ(PBT_POWERSTATUSCHANGE, 0x4);
    CHECK_EQ(PBT_POWERINFOCHANGE, 0x8);
    CHECK_EQ(PBT_SUSPENDKEYPRESSED, 0x100);
    CHECK_EQ(PBT_OEMBASE, 0x10000);
    CHECK_EQ(POWER_NOTIFY_ALL, 0xFFFFFFFF);
    CHECK_EQ(POWER_STATE_ON, 0x00010000);
    CHECK_EQ(POWER_STATE_SUSPEND, 0x00200000);
    CHECK_EQ(POWER_STATE_PASSWORD, 0x10000000);
}

CETEST(notif_power, request_rejects_bad_arguments)
{
    DWORD err;
    CHECK_PTR_EQ(request(NULL, POWER_NOTIFY_ALL, &err), NULL);
    CHECK_EQ(err, ERROR_INVALID_PARAMETER);
    HANDLE ev = CreateEventW(NULL, TRUE, FALSE, NULL);
    CHECK_PTR_EQ(request(ev, POWER_NOTIFY_ALL, &err), NULL);
    CHECK_EQ(err, ERROR_INVALID_PARAMETER);
    CloseHandle(ev);
    HANDLE q = NOTIF_QUEUE(NULL, 0, POWER_QUEUE_CB);
    CHECK_PTR_EQ(request(q, 0, &err), NULL);
    CHECK_EQ(err, ERROR_INVALID_PARAMETER);
    CloseMsgQueue(q);
    CHECK(!inject(0, 0, NULL, &err));
    CHECK_EQ(err, ERROR_INVALID_PARAMETER);
}

CETEST(notif_power, stop_returns_error_codes)
{
    DWORD err;
    SetLastError(0xdeadbeef);
    CHECK_EQ(StopPowerNotifications(NULL), ERROR_INVALID_HANDLE);
    SetLastError(0xdeadbeef);
    CHECK_EQ(StopPowerNotifications((HANDLE)(ULONG_PTR)0x1234), ERROR_INVALID_HANDLE);
    HANDLE q = NOTIF_QUEUE(NULL, 0, POWER_QUEUE_CB);
    HANDLE n = request(q, PBT_OEMBASE << 10, &err);
    REQUIRE(n != NULL);
    CHECK_EQ(err, ERROR_SUCCESS);
    /* Not a device notification handle, and the other way round. */
    SetLastError(0xdeadbeef);
    CHECK(!StopDeviceNotifications(n));
    CHECK_LASTERROR(ERROR_INVALID_HANDLE);
    GUID g = notif_unique_guid();
    HANDLE d = RequestDeviceNotifications(&g, q, FALSE);
    REQUIRE(d != NULL);
    CHECK_EQ(StopPowerNotifications(d), ERROR_INVALID_HANDLE);
    CHECK(StopDeviceNotifications(d));
    CHECK_EQ(StopPowerNotifications(n), ERROR_SUCCESS);
    CHECK_EQ(StopPowerNotifications(n), ERROR_INVALID_HANDLE);
    CloseMsgQueue(q);
}

CETEST(notif_power, injected_transition_has_ce_layout)
{
    DWORD err;
    WCHAR state[64];
    _snwprintf(state, 64, L"oemstate-%lu", GetCurrentProcessId());
    state[63] = 0;
    HANDLE q = NOTIF_QUEUE(NULL, 0, POWER_QUEUE_CB);
    HANDLE n = request(q, PBT_TRANSITION, &err);
    REQUIRE(n != NULL);
    CHECK_EQ(err, ERROR_SUCCESS);
    CHECK(inject(PBT_TRANSITION, POWER_STATE_SUSPEND | POWER_STATE_PASSWORD, state, &err));
    CHECK_EQ(err, ERROR_SUCCESS);
    notif_msg m;
    /* Written before the injection returns. */
    if (CHECK(notif_next_power(q, PBT_TRANSITION, state, 0, &m))) {
        DWORD length = (DWORD)((wcslen(state) + 1) * sizeof(WCHAR));
        CHECK_EQ(m.u.p.Flags, POWER_STATE_SUSPEND | POWER_STATE_PASSWORD);
        CHECK_EQ(m.u.p.Length, length);
        CHECK_EQ(m.bytes, sizeof(POWER_BROADCAST) + length);
        CHECK_EQ(m.flags, 0);
        CHECK_WSTR_EQ(m.u.p.SystemPowerState, state);
    }
    /* No state: Length 0, a bare POWER_BROADCAST. */
    HANDLE q2 = NOTIF_QUEUE(NULL, 0, POWER_QUEUE_CB);
    HANDLE n2 = request(q2, PBT_OEMBASE << 11, &err);
    REQUIRE(n2 != NULL);
    CHECK(inject(PBT_OEMBASE << 11, 0, NULL, &err));
    if (CHECK(notif_next_power(q2, PBT_OEMBASE << 11, NULL, 0, &m))) {
        CHECK_EQ(m.u.p.Length, 0);
        CHECK_EQ(m.bytes, sizeof(POWER_BROADCAST));
    }
    CHECK_EQ(StopPowerNotifications(n), ERROR_SUCCESS);
    CHECK_EQ(StopPowerNotifications(n2), ERROR_SUCCESS);
    CloseMsgQueue(q);
    CloseMsgQueue(q2);
}

CETEST(notif_power, injected_powerinfo_carries_system_status)
{
    DWORD err;
    HANDLE q = NOTIF_QUEUE(NULL, 0, POWER_QUEUE_CB);
    HANDLE n = request(q, PBT_POWERINFOCHANGE, &err);
    REQUIRE(n != NULL);
    SYSTEM_POWER_STATUS s;
    REQUIRE(GetSystemPowerStatus(&s));
    CHECK(inject(PBT_POWERINFOCHANGE, 0, NULL, &err));
    CHECK_EQ(err, ERROR_SUCCESS);
    notif_msg m;
    if (CHECK(notif_next_power(q, PBT_POWERINFOCHANGE, NULL, 0, &m))) {
        POWER_BROADCAST_POWER_INFO pi;
        CHECK_EQ(m.u.p.Length, sizeof(pi));
        CHECK_EQ(m.bytes, sizeof(POWER_BROADCAST) + sizeof(pi));
        memcpy(&pi, m.u.p.SystemPowerState, sizeof(pi));
        CHECK_EQ(pi.bACLineStatus, s.ACLineStatus);
        CHECK_EQ(pi.bBatteryFlag, s.BatteryFlag);
        CHECK_EQ(pi.bBatteryLifePercent, s.BatteryLifePercent);
        CHECK_EQ(pi.dwBatteryLifeTime, s.BatteryLifeTime);
        CHECK_EQ(pi.bBackupBatteryFlag, 0xFF);
    }
    CHECK_EQ(StopPowerNotifications(n), ERROR_SUCCESS);
    CloseMsgQueue(q);
}

CETEST(notif_power, flags_filter_messages)
{
    const DWORD mine = PBT_OEMBASE << 12, other = PBT_OEMBASE << 13;
    DWORD err;
    HANDLE q = NOTIF_QUEUE(NULL, 0, POWER_QUEUE_CB), all = NOTIF_QUEUE(NULL, 0, POWER_QUEUE_CB);
    HANDLE n = request(q, mine, &err), na = request(all, POWER_NOTIFY_ALL, &err);
    REQUIRE(n && na);
    CHECK(inject(other, 0, L"other", &err));
    CHECK_EQ(NOTIF_QUEUED(q), 0);
    CHECK(inject(mine, 0, L"mine", &err));
    notif_msg m;
    CHECK(notif_next_power(q, mine, L"mine", 0, &m));
    CHECK_EQ(NOTIF_QUEUED(q), 0);
    /* POWER_NOTIFY_ALL gets both (among whatever parallel tests inject). */
    CHECK(notif_next_power(all, other, L"other", 0, &m));
    CHECK(notif_next_power(all, mine, L"mine", 0, &m));
    CHECK_EQ(StopPowerNotifications(n), ERROR_SUCCESS);
    CHECK_EQ(StopPowerNotifications(na), ERROR_SUCCESS);
    CloseMsgQueue(q);
    CloseMsgQueue(all);
}

CETEST(notif_power, stop_ends_delivery)
{
    const DWORD mine = PBT_OEMBASE << 14;
    DWORD err;
    HANDLE q = NOTIF_QUEUE(NULL, MSGQUEUE_ALLOW_BROKEN, POWER_QUEUE_CB);
    HANDLE n = request(q, mine, &err);
    REQUIRE(n != NULL);
    CHECK(inject(mine, 0, L"before", &err));
    SetLastError(0xdeadbeef);
    CHECK_EQ(StopPowerNotifications(n), ERROR_SUCCESS);
    CHECK(inject(mine, 0, L"after", &err));
    CHECK_EQ(err, ERROR_SUCCESS);
    notif_msg m;
    CHECK(notif_next_power(q, mine, L"before", 0, &m));
    CHECK_EQ(NOTIF_QUEUED(q), 0);
    CloseMsgQueue(q);
}

/* ---- another process injects, this one receives ------------------------------ */

CETEST_CHILD(power_injector)
{
    REQUIRE(argc == 1);
    WCHAR state[NOTIF_NAME_CHARS];
    cetest_from_utf8(argv[0], state, NOTIF_NAME_CHARS);
    SetLastError(0xdeadbeef);
    CHECK(CeShimInjectPowerEvent(PBT_TRANSITION, POWER_STATE_ON, state));
    CHECK_LASTERROR(ERROR_SUCCESS);
    CHECK(CeShimInjectPowerEvent(PBT_RESUME, 0, NULL));
}

CETEST(notif_power, injection_reaches_other_processes)
{
    DWORD err;
    WCHAR state[NOTIF_NAME_CHARS];
    char state8[NOTIF_NAME_CHARS * 3];
    cetest_unique_name(L"on", state, NOTIF_NAME_CHARS);
    cetest_to_utf8(state, state8, sizeof(state8));
    HANDLE q = NOTIF_QUEUE(NULL, 0, POWER_QUEUE_CB);
    HANDLE n = request(q, PBT_TRANSITION | PBT_RESUME, &err);
    REQUIRE(n != NULL);
    cetest_proc child;
    REQUIRE(cetest_spawn(&child, 0, "power_injector", "%s", state8));
    notif_msg m;
    if (CHECK(notif_next_power(q, PBT_TRANSITION, state, STEP_BOUND, &m))) {
        CHECK_EQ(m.u.p.Flags, POWER_STATE_ON);
        CHECK_EQ(m.bytes, sizeof(POWER_BROADCAST) + (wcslen(state) + 1) * sizeof(WCHAR));
    }
    CHECK(notif_next_power(q, PBT_RESUME, NULL, STEP_BOUND, &m));
    cetest_wait(&child, CHILD_BOUND);
    CHECK_EQ(StopPowerNotifications(n), ERROR_SUCCESS);
    CloseMsgQueue(q);
}
