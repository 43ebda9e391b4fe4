/*
 * power_state.c - SetSystemPowerState / GetSystemPowerState (CE pm.h) and
 * PowerPolicyNotify (CE pmpolicy.h).
 *
 * The state is ceshim's, not the desktop's: one per session, in a small
 * shared section (Local\ceshim.1.powerstate), initially "on". Setting it
 * records the new state and sends PBT_TRANSITION with its flags and name to
 * every process's power notification queues, as CE's Power Manager does;
 * the desktop is never suspended, reset or turned off. The section lives
 * while a process holding it lives (each keeps its handle).
 */
#include <ceshim.h>
#include <pm.h>
#include <pmpolicy.h>

#include <string.h>
#include <wchar.h>

#include "common/names.h"
#include "common/trace.h"

#define NAME_CHARS 32

struct power_state {
    volatile LONG initialised; /* 0 until the first writer set "on" */
    DWORD flags;
    WCHAR name[NAME_CHARS];
};

static const struct {
    const WCHAR *name;
    DWORD flag;
} known_states[] = {
    {L"on", POWER_STATE_ON},           {L"useridle", POWER_STATE_USERIDLE},
    {L"systemidle", POWER_STATE_IDLE}, {L"suspend", POWER_STATE_SUSPEND},
    {L"off", POWER_STATE_OFF},         {L"reset", POWER_STATE_RESET},
    {L"unattended", POWER_STATE_UNATTENDED}, {L"critical", POWER_STATE_CRITICAL},
    {L"boot", POWER_STATE_BOOT},
};
#define KNOWN_COUNT (sizeof(known_states) / sizeof(known_states[0]))

static struct power_state *shared;
static HANDLE lock;

static BOOL CALLBACK open_state(PINIT_ONCE once, PVOID param, PVOID *context)
{
    (void)once, (void)param, (void)context;
    HANDLE map = CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, sizeof(struct power_state),
                                    L"Local\\" CESHIM_LAYOUT_TAG L"powerstate");
    if (!map)
        return TRUE;
    shared = MapViewOfFile(map, FILE_MAP_ALL_ACCESS, 0, 0, sizeof(struct power_state));
    lock = CreateMutexW(NULL, FALSE, L"Local\\" CESHIM_LAYOUT_TAG L"powerstate.lock");
    if (!shared || !lock) {
        if (shared)
            UnmapViewOfFile(shared);
        if (lock)
            CloseHandle(lock);
        CloseHandle(map);
        shared = NULL;
        lock = NULL;
    }
    /* map stays open: the state lives as long as this process. */
    return TRUE;
}

/* Locks the shared state; NULL (error set) if it cannot be had. */
static struct power_state *state_lock(void)
{
    static INIT_ONCE once = INIT_ONCE_STATIC_INIT;
    InitOnceExecuteOnce(&once, open_state, NULL, NULL);
    if (!shared) {
        SetLastError(ERROR_NOT_ENOUGH_MEMORY);
        return NULL;
    }
    DWORD w = WaitForSingleObject(lock, 10000);
    if (w != WAIT_OBJECT_0 && w != WAIT_ABANDONED) {
        SetLastError(ERROR_TIMEOUT);
        return NULL;
    }
    if (!shared->initialised) {
        shared->flags = POWER_STATE_ON;
        wcscpy(shared->name, L"on");
        shared->initialised = 1;
    }
    shared->name[NAME_CHARS - 1] = 0; /* shared memory: always terminated */
    return shared;
}

static void state_unlock(void)
{
    ReleaseMutex(lock);
}

DWORD SetSystemPowerState(LPCWSTR psState, DWORD StateFlags, DWORD Options)
{
    (void)Options; /* POWER_FORCE or not: nothing on the desktop can refuse */
    const WCHAR *name = NULL;
    DWORD flags = StateFlags, result = ERROR_SUCCESS;
    if (psState) {
        for (size_t i = 0; i < KNOWN_COUNT && !name; i++)
            if (_wcsicmp(psState, known_states[i].name) == 0) {
                name = known_states[i].name;
                if (!flags)
                    flags = known_states[i].flag;
            }
        if (!name)
            result = ERROR_FILE_NOT_FOUND; /* not a state this system has */
    } else {
        for (size_t i = 0; i < KNOWN_COUNT && !name; i++)
            if (StateFlags & known_states[i].flag)
                name = known_states[i].name;
        if (!name)
            result = ERROR_INVALID_PARAMETER;
    }
    if (result == ERROR_SUCCESS) {
        struct power_state *s = state_lock();
        if (!s) {
            result = GetLastError();
        } else {
            s->flags = flags;
            wcsncpy(s->name, name, NAME_CHARS - 1);
            state_unlock();
            CeShimInjectPowerEvent(PBT_TRANSITION, flags, name);
        }
    }
    SetLastError(result);
    CESHIM_TRACE("SetSystemPowerState(%ls, 0x%lx, 0x%lx) = %lu", psState ? psState : L"NULL", StateFlags,
                 Options, result);
    return result;
}

DWORD GetSystemPowerState(LPWSTR pBuffer, DWORD dwBufChars, PDWORD pdwFlags)
{
    DWORD result = ERROR_SUCCESS;
    struct power_state *s = state_lock();
    if (!s) {
        result = GetLastError();
    } else {
        WCHAR name[NAME_CHARS];
        DWORD flags = s->flags;
        wcscpy(name, s->name);
        state_unlock();
        if (pBuffer) {
            if (wcslen(name) + 1 > dwBufChars)
                result = ERROR_INSUFFICIENT_BUFFER;
            else
                wcscpy(pBuffer, name);
        }
        if (result == ERROR_SUCCESS && pdwFlags)
            *pdwFlags = flags;
    }
    SetLastError(result);
    CESHIM_TRACE("GetSystemPowerState(%p, %lu, %p) = %lu", (void *)pBuffer, dwBufChars, (void *)pdwFlags, result);
    return result;
}

/* CE's Power Manager turns these messages into state changes through its
 * policy (activity timers, the suspend key, unattended-mode requests).
 * ceshim has no such policy: the state changes only through
 * SetSystemPowerState, and the desktop's own power events come through
 * its broadcasts (notify/power.c). So each documented message is accepted
 * and has no effect (docs/decisions.md says why for each); an OEM's
 * message has no policy to go to, and anything else is not a message. */
BOOL PowerPolicyNotify(DWORD dwMessage, DWORD dwData)
{
    BOOL ok = FALSE;
    switch (dwMessage) {
    case PPN_REEVALUATESTATE:    /* nothing to re-evaluate: no timers, no policy */
    case PPN_POWERCHANGE:        /* the desktop reports its power changes itself */
    case PPN_UNATTENDEDMODE:     /* the desktop never suspends on CE's behalf */
    case PPN_SUSPENDKEYPRESSED:  /* a CE key never suspends the desktop */
    case PPN_SUSPENDKEYRELEASED: /* user activity: no idle timers to reset */
    case PPN_APPBUTTONPRESSED:
        ok = TRUE;
        break;
    default:
        SetLastError(dwMessage >= PPN_OEMBASE ? ERROR_NOT_SUPPORTED : ERROR_INVALID_PARAMETER);
        break;
    }
    CESHIM_TRACE("PowerPolicyNotify(0x%lx, 0x%lx) = %d", dwMessage, dwData, ok);
    return ok;
}
