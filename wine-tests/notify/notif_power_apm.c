/*
 * notif_power_apm.c - how desktop power broadcasts (WM_POWERBROADCAST) become
 * CE power events. Wine never broadcasts them, so the translation is
 * linked in and driven directly (shim/notify/power_apm.c); delivery of the
 * events it yields is the path CeShimInjectPowerEvent's tests cover.
 */
#include "cetest.h"

#include <pm.h>

#include "notify/power_apm.h"

CETEST(notify_power_apm, suspend_is_a_transition_to_suspend)
{
    BOOL suspended = FALSE, status = TRUE;
    struct ceshim_power_event ev[2];
    memset(ev, 0, sizeof(ev));
    CHECK_INT_EQ(ceshim_power_from_apm(CESHIM_APM_SUSPEND, &suspended, ev, &status), 1);
    CHECK(suspended);
    CHECK(!status);
    CHECK_EQ(ev[0].message, PBT_TRANSITION);
    CHECK_EQ(ev[0].flags, POWER_STATE_SUSPEND);
    CHECK_WSTR_EQ(ev[0].state, L"suspend");
}

CETEST(notify_power_apm, one_resume_reported_twice_reaches_ce_once)
{
    BOOL suspended = FALSE, status;
    struct ceshim_power_event ev[2];
    ceshim_power_from_apm(CESHIM_APM_SUSPEND, &suspended, ev, &status);
    /* Windows: PBT_APMRESUMEAUTOMATIC, then PBT_APMRESUMESUSPEND for the same resume. */
    CHECK_INT_EQ(ceshim_power_from_apm(CESHIM_APM_RESUMEAUTOMATIC, &suspended, ev, &status), 2);
    CHECK(!suspended);
    CHECK_EQ(ev[0].message, PBT_RESUME);
    CHECK_EQ(ev[0].flags, 0);
    CHECK_PTR_EQ(ev[0].state, NULL);
    CHECK_EQ(ev[1].message, PBT_TRANSITION);
    CHECK_EQ(ev[1].flags, POWER_STATE_ON);
    CHECK_WSTR_EQ(ev[1].state, L"on");
    CHECK_INT_EQ(ceshim_power_from_apm(CESHIM_APM_RESUMESUSPEND, &suspended, ev, &status), 0);
    /* A resume with no suspend before it is not reported ... */
    CHECK_INT_EQ(ceshim_power_from_apm(CESHIM_APM_RESUMESUSPEND, &suspended, ev, &status), 0);
    /* ... except a critical one, which Windows sends without a suspend. */
    CHECK_INT_EQ(ceshim_power_from_apm(CESHIM_APM_RESUMECRITICAL, &suspended, ev, &status), 2);
    CHECK_EQ(ev[0].message, PBT_RESUME);
}

CETEST(notify_power_apm, status_change_asks_for_a_status_read_only)
{
    BOOL suspended = FALSE, status = FALSE;
    struct ceshim_power_event ev[2];
    CHECK_INT_EQ(ceshim_power_from_apm(CESHIM_APM_POWERSTATUSCHANGE, &suspended, ev, &status), 0);
    CHECK(status);
    CHECK(!suspended);
    /* Anything else (PBT_POWERSETTINGCHANGE 0x8013, unknown values) is ignored. */
    CHECK_INT_EQ(ceshim_power_from_apm(0x8013, &suspended, ev, &status), 0);
    CHECK(!status);
    CHECK_INT_EQ(ceshim_power_from_apm(0x1, &suspended, ev, &status), 0);
}
