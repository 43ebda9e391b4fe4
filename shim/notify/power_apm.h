/*
 * power_apm.h - desktop WM_POWERBROADCAST (PBT_APM*) to CE power events.
 * Pure: no window, no queue, so it is tested under Wine, which never
 * broadcasts power events.
 */
#ifndef CESHIM_NOTIFY_POWER_APM_H
#define CESHIM_NOTIFY_POWER_APM_H

#include <windows.h>

/* Desktop PBT_APM* values (winuser.h), named here so the CE names win. */
#define CESHIM_APM_SUSPEND 0x4
#define CESHIM_APM_RESUMECRITICAL 0x6
#define CESHIM_APM_RESUMESUSPEND 0x7
#define CESHIM_APM_POWERSTATUSCHANGE 0xA
#define CESHIM_APM_RESUMEAUTOMATIC 0x12

struct ceshim_power_event {
    DWORD message;      /* PBT_* (pm.h) */
    DWORD flags;        /* POWER_STATE_* for PBT_TRANSITION */
    const WCHAR *state; /* the state name, or NULL */
};

/* Translates one WM_POWERBROADCAST wParam. *suspended carries state from
 * one broadcast to the next. Fills out with 0..2 events and returns how
 * many; *check_status is set when AC/battery status must be re-read. */
int ceshim_power_from_apm(WPARAM apm, BOOL *suspended, struct ceshim_power_event out[2], BOOL *check_status);

#endif /* CESHIM_NOTIFY_POWER_APM_H */
