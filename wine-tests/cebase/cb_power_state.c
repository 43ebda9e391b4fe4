/*
 * cb_power_state.c - SetSystemPowerState / GetSystemPowerState: the state
 * is kept per session and every power notification queue hears the
 * transition. PowerPolicyNotify (pmpolicy.h): CE's messages are taken
 * and change nothing on the desktop; others fail with CE's errors.
 */
#include "cetest.h"

#include <ceshim.h>
#include <pm.h>
#include <pmpolicy.h>

#include <string.h>
#include <wchar.h>

static DWORD get_state(WCHAR *name, DWORD chars, DWORD *flags)
{
    SetLastError(0xdeadbeef);
    return GetSystemPowerState(name, chars, flags);
}

/* A queue of our own registered for the power notifications in flags;
 * *reg is NULL if either step failed. */
static void listen_power(DWORD flags, HANDLE *q, HANDLE *reg)
{
    MSGQUEUEOPTIONS opts = {sizeof(opts), MSGQUEUE_NOPRECOMMIT, 16, 512, TRUE};
    *q = CreateMsgQueue(NULL, &opts);
    *reg = *q ? RequestPowerNotifications(*q, flags) : NULL;
}

CETEST(cb_power_state, set_is_heard_and_kept)
{
    HANDLE q, reg;
    listen_power(PBT_TRANSITION, &q, &reg);
    REQUIRE(reg != NULL);

    SetLastError(0xdeadbeef);
    CHECK_EQ(SetSystemPowerState(L"UserIdle", 0, POWER_FORCE), ERROR_SUCCESS);
    CHECK_LASTERROR(ERROR_SUCCESS);
    WCHAR name[32];
    DWORD flags = 0;
    CHECK_EQ(get_state(name, 32, &flags), ERROR_SUCCESS);
    CHECK_WSTR_EQ(name, L"useridle");
    CHECK_EQ(flags, POWER_STATE_USERIDLE);

    /* The transition arrives as CE's Power Manager sends it; skip other
     * tests' transitions (the session's queues all hear them). */
    BOOL heard = FALSE;
    ULONGLONG end = cetest_now_ms() + 10000;
    while (!heard && cetest_now_ms() < end) {
        union {
            POWER_BROADCAST pb;
            BYTE bytes[512];
        } msg;
        DWORD read = 0, mflags = 0;
        if (!ReadMsgQueue(q, &msg, sizeof(msg), &read, 1000, &mflags))
            continue;
        heard = msg.pb.Message == PBT_TRANSITION && msg.pb.Flags == POWER_STATE_USERIDLE &&
                wcscmp(msg.pb.SystemPowerState, L"useridle") == 0;
    }
    CHECK(heard);

    CHECK_EQ(SetSystemPowerState(NULL, POWER_STATE_ON, 0), ERROR_SUCCESS);
    CHECK_EQ(get_state(name, 32, &flags), ERROR_SUCCESS);
    CHECK_WSTR_EQ(name, L"on");
    CHECK_EQ(flags, POWER_STATE_ON);
    StopPowerNotifications(reg);
    CloseMsgQueue(q);
}

CETEST(cb_power_state, bad_requests_fail_with_ce_errors)
{
    SetLastError(0xdeadbeef);
    CHECK_EQ(SetSystemPowerState(L"nosuchstate", 0, 0), ERROR_FILE_NOT_FOUND);
    CHECK_LASTERROR(ERROR_FILE_NOT_FOUND);
    SetLastError(0xdeadbeef);
    CHECK_EQ(SetSystemPowerState(NULL, 0, 0), ERROR_INVALID_PARAMETER);
    CHECK_LASTERROR(ERROR_INVALID_PARAMETER);
    WCHAR tiny[1];
    DWORD flags = 0xdeadbeef;
    CHECK_EQ(get_state(tiny, 1, &flags), ERROR_INSUFFICIENT_BUFFER);
    CHECK_LASTERROR(ERROR_INSUFFICIENT_BUFFER);
    CHECK_EQ(get_state(NULL, 0, &flags), ERROR_SUCCESS);
    CHECK(flags != 0xdeadbeef);
}

CETEST(cb_power_state, policy_messages_have_ce_values)
{
    CHECK_EQ(PPN_REEVALUATESTATE, 1);
    CHECK_EQ(PPN_POWERCHANGE, 2);
    CHECK_EQ(PPN_UNATTENDEDMODE, 3);
    CHECK_EQ(PPN_SUSPENDKEYPRESSED, 4);
    CHECK_EQ(PPN_POWERBUTTONPRESSED, PPN_SUSPENDKEYPRESSED);
    CHECK_EQ(PPN_SUSPENDKEYRELEASED, 5);
    CHECK_EQ(PPN_APPBUTTONPRESSED, 6);
    CHECK_EQ(PPN_OEMBASE, 0x10000);
}

/* A keyboard driver and an application asking for unattended mode, as
 * CE code calls it: each documented message succeeds, leaves the last
 * error alone, and neither changes the system power state nor sends a
 * notification (there is no policy behind it on the desktop). */
CETEST(cb_power_state, policy_messages_are_taken_and_change_nothing)
{
    HANDLE q, reg;
    listen_power(POWER_NOTIFY_ALL, &q, &reg);
    REQUIRE(reg != NULL);
    WCHAR before[32], after[32];
    DWORD flags_before = 0, flags_after = 0;
    CHECK_EQ(get_state(before, 32, &flags_before), ERROR_SUCCESS);

    static const struct {
        DWORD message, data;
    } accepted[] = {
        {PPN_REEVALUATESTATE, 0},   {PPN_POWERCHANGE, 0},        {PPN_UNATTENDEDMODE, TRUE},
        {PPN_UNATTENDEDMODE, FALSE}, {PPN_SUSPENDKEYPRESSED, 0},  {PPN_POWERBUTTONPRESSED, 0},
        {PPN_SUSPENDKEYRELEASED, 0}, {PPN_APPBUTTONPRESSED, 0},
    };
    for (size_t i = 0; i < sizeof(accepted) / sizeof(accepted[0]); i++) {
        SetLastError(0xdeadbeef);
        BOOL ok = PowerPolicyNotify(accepted[i].message, accepted[i].data);
        CHECK_MSG(ok, "PowerPolicyNotify(%lu, %lu) = %d, error %lu", accepted[i].message, accepted[i].data, ok,
                  GetLastError());
        CHECK_LASTERROR(0xdeadbeef);
    }

    CHECK_EQ(get_state(after, 32, &flags_after), ERROR_SUCCESS);
    CHECK_WSTR_EQ(after, before);
    CHECK_EQ(flags_after, flags_before);
    /* No broadcast of ours: only another test's SetSystemPowerState or a
     * desktop event could be queued, never a transition to "suspend". */
    union {
        POWER_BROADCAST pb;
        BYTE bytes[512];
    } msg;
    DWORD read = 0, mflags = 0;
    while (ReadMsgQueue(q, &msg, sizeof(msg), &read, 200, &mflags))
        CHECK_MSG(!(msg.pb.Message == PBT_TRANSITION && msg.pb.Flags == POWER_STATE_SUSPEND),
                  "a suspend transition was sent");
    StopPowerNotifications(reg);
    CloseMsgQueue(q);
}

CETEST(cb_power_state, policy_messages_outside_ce_fail)
{
    static const DWORD invalid[] = {0, 7, 0x100, 0xFFFF};
    for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
        SetLastError(0xdeadbeef);
        BOOL ok = PowerPolicyNotify(invalid[i], 0);
        CHECK_MSG(!ok, "PowerPolicyNotify(0x%lx) = %d", invalid[i], ok);
        CHECK_LASTERROR(ERROR_INVALID_PARAMETER);
    }
    /* An OEM's message: no OEM policy here to take it. */
    static const DWORD oem[] = {PPN_OEMBASE, PPN_OEMBASE + 1, 0xFFFFFFFF};
    for (size_t i = 0; i < sizeof(oem) / sizeof(oem[0]); i++) {
        SetLastError(0xdeadbeef);
        BOOL ok = PowerPolicyNotify(oem[i], 0);
        CHECK_MSG(!ok, "PowerPolicyNotify(0x%lx) = %d", oem[i], ok);
        CHECK_LASTERROR(ERROR_NOT_SUPPORTED);
    }
}
