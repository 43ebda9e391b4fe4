/*
 * cb_power_state.c - SetSystemPowerState / GetSystemPowerState: the state
 * is kept per session and every power notification queue hears the
 * transition.
 */
#include "cetest.h"

#include <ceshim.h>
#include <pm.h>

#include <string.h>
#include <wchar.h>

static DWORD get_state(WCHAR *name, DWORD chars, DWORD *flags)
{
    SetLastError(0xdeadbeef);
    return GetSystemPowerState(name, chars, flags);
}

CETEST(cb_power_state, set_is_heard_and_kept)
{
    MSGQUEUEOPTIONS opts = {sizeof(opts), MSGQUEUE_NOPRECOMMIT, 16, 512, TRUE};
    HANDLE q = CreateMsgQueue(NULL, &opts);
    REQUIRE(q != NULL);
    HANDLE reg = RequestPowerNotifications(q, PBT_TRANSITION);
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
