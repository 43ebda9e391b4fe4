/*
 * power_apm.c - desktop power broadcasts as CE sees them (see power_apm.h).
 */
#include <windows.h>
#include <pm.h>

#include "notify/power_apm.h"

int ceshim_power_from_apm(WPARAM apm, BOOL *suspended, struct ceshim_power_event out[2], BOOL *check_status)
{
    *check_status = FALSE;
    switch (apm) {
    case CESHIM_APM_SUSPEND:
        *suspended = TRUE;
        out[0] = (struct ceshim_power_event){ PBT_TRANSITION, POWER_STATE_SUSPEND, L"suspend" };
        return 1;
    case CESHIM_APM_RESUMEAUTOMATIC:
    case CESHIM_APM_RESUMESUSPEND:
    case CESHIM_APM_RESUMECRITICAL:
        /* Windows reports one resume twice (automatic, then suspend when a
         * user is present): CE code gets it once. A critical resume had no
         * suspend broadcast before it. */
        if (!*suspended && apm != CESHIM_APM_RESUMECRITICAL)
            return 0;
        *suspended = FALSE;
        out[0] = (struct ceshim_power_event){ PBT_RESUME, 0, NULL };
        out[1] = (struct ceshim_power_event){ PBT_TRANSITION, POWER_STATE_ON, L"on" };
        return 2;
    case CESHIM_APM_POWERSTATUSCHANGE:
        *check_status = TRUE;
        return 0;
    default:
        return 0;
    }
}
