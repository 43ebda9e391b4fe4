/*
 * thread_priority.c - CeSetThreadPriority / CeGetThreadPriority: CE's
 * 0..255 scale (0 highest) on desktop thread priorities.
 *
 * CE values 248..255 are CE's eight application levels and map one to one
 * onto desktop levels (CE's ABOVE_IDLE, which desktop lacks, onto LOWEST);
 * everything above them (0..247: drivers, real time) onto TIME_CRITICAL.
 * The exact CE value set is remembered per thread (ID + creation time, so
 * a reused ID is not mistaken for the old thread) and read back unchanged
 * as long as the desktop priority is still the one ceshim set; if it was
 * changed behind ceshim's back, the CE value is derived from it.
 */
#include <ceshim.h>

#include <stdint.h>
#include <stdlib.h>

#include "common/trace.h"

/* ---- the mapping ---------------------------------------------------------- */

static int desktop_from_ce(int ce)
{
    static const int app[8] = {
        THREAD_PRIORITY_TIME_CRITICAL, THREAD_PRIORITY_HIGHEST, THREAD_PRIORITY_ABOVE_NORMAL,
        THREAD_PRIORITY_NORMAL,        THREAD_PRIORITY_BELOW_NORMAL, THREAD_PRIORITY_LOWEST,
        THREAD_PRIORITY_LOWEST /* ABOVE_IDLE */, THREAD_PRIORITY_IDLE,
    };
    return ce < CE_THREAD_PRIO_256_TIME_CRITICAL ? THREAD_PRIORITY_TIME_CRITICAL
                                                 : app[ce - CE_THREAD_PRIO_256_TIME_CRITICAL];
}

static int ce_from_desktop(int p)
{
    if (p >= THREAD_PRIORITY_TIME_CRITICAL)
        return CE_THREAD_PRIO_256_TIME_CRITICAL;
    if (p >= THREAD_PRIORITY_HIGHEST)
        return CE_THREAD_PRIO_256_HIGHEST;
    if (p == THREAD_PRIORITY_ABOVE_NORMAL)
        return CE_THREAD_PRIO_256_ABOVE_NORMAL;
    if (p == THREAD_PRIORITY_NORMAL)
        return CE_THREAD_PRIO_256_NORMAL;
    if (p == THREAD_PRIORITY_BELOW_NORMAL)
        return CE_THREAD_PRIO_256_BELOW_NORMAL;
    if (p == THREAD_PRIORITY_LOWEST)
        return CE_THREAD_PRIO_256_LOWEST;
    if (p > THREAD_PRIORITY_IDLE)
        return CE_THREAD_PRIO_256_ABOVE_IDLE;
    return CE_THREAD_PRIO_256_IDLE;
}

/* ---- what was set, per thread ----------------------------------------------- */

struct prio_record {
    DWORD tid;
    uint64_t created;  /* tells a reused thread ID apart */
    int ce;
    int desktop;       /* what ceshim set; anything else: derive */
};

static struct prio_record *records;
static size_t record_count, record_cap;
static SRWLOCK record_lock = SRWLOCK_INIT;

static uint64_t thread_created(HANDLE h)
{
    FILETIME c, e, k, u;
    if (!GetThreadTimes(h, &c, &e, &k, &u))
        return 0;
    return ((uint64_t)c.dwHighDateTime << 32) | c.dwLowDateTime;
}

static void remember(DWORD tid, uint64_t created, int ce, int desktop)
{
    AcquireSRWLockExclusive(&record_lock);
    size_t i;
    for (i = 0; i < record_count; i++)
        if (records[i].tid == tid)
            break;
    if (i == record_count) {
        if (record_count == record_cap) {
            /* Drop records of threads that have exited before growing. */
            size_t kept = 0;
            for (size_t j = 0; j < record_count; j++) {
                HANDLE t = OpenThread(THREAD_QUERY_LIMITED_INFORMATION, FALSE, records[j].tid);
                BOOL live = t && thread_created(t) == records[j].created;
                if (t)
                    CloseHandle(t);
                if (live)
                    records[kept++] = records[j];
            }
            record_count = kept;
            i = record_count;
        }
        if (record_count == record_cap) {
            size_t cap = record_cap ? record_cap * 2 : 32;
            struct prio_record *grown = realloc(records, cap * sizeof(*grown));
            if (!grown) {
                ReleaseSRWLockExclusive(&record_lock);
                return; /* then read back through the mapping */
            }
            records = grown;
            record_cap = cap;
        }
        record_count++;
    }
    records[i] = (struct prio_record){ tid, created, ce, desktop };
    ReleaseSRWLockExclusive(&record_lock);
}

static int recall(DWORD tid, uint64_t created, int desktop)
{
    int ce = -1;
    AcquireSRWLockShared(&record_lock);
    for (size_t i = 0; i < record_count; i++)
        if (records[i].tid == tid && records[i].created == created && records[i].desktop == desktop)
            ce = records[i].ce;
    ReleaseSRWLockShared(&record_lock);
    return ce;
}

/* ---- the API ------------------------------------------------------------------ */

/* A thread handle, or (CE6+) a thread ID in the handle's place: *opened is
 * set when a handle had to be opened. NULL with ERROR_INVALID_HANDLE. */
static HANDLE thread_of(HANDLE h, DWORD access, DWORD *tid, BOOL *opened)
{
    *opened = FALSE;
    DWORD saved = GetLastError();
    *tid = h ? GetThreadId(h) : 0;
    if (*tid) {
        SetLastError(saved);
        return h;
    }
    uintptr_t v = (uintptr_t)h;
    HANDLE t = v && v <= 0xFFFFFFFFu ? OpenThread(access, FALSE, (DWORD)v) : NULL;
    if (!t) {
        SetLastError(ERROR_INVALID_HANDLE);
        return NULL;
    }
    SetLastError(saved);
    *tid = (DWORD)v;
    *opened = TRUE;
    return t;
}

BOOL WINAPI CeSetThreadPriority(HANDLE hThread, int nPriority)
{
    BOOL ok = FALSE, opened = FALSE;
    DWORD tid = 0;
    HANDLE t = NULL;
    if (nPriority < 0 || nPriority > 255) {
        SetLastError(ERROR_INVALID_PARAMETER);
        goto out;
    }
    t = thread_of(hThread, THREAD_SET_INFORMATION | THREAD_QUERY_LIMITED_INFORMATION, &tid, &opened);
    if (!t)
        goto out;
    int desktop = desktop_from_ce(nPriority);
    ok = SetThreadPriority(t, desktop);
    if (ok)
        remember(tid, thread_created(t), nPriority, desktop);
    else if (GetLastError() == ERROR_INVALID_PARAMETER)
        SetLastError(ERROR_INVALID_HANDLE); /* e.g. a handle without the right access */
out:
    if (opened)
        CloseHandle(t);
    CESHIM_TRACE("CeSetThreadPriority(%p, %d) = %d", hThread, nPriority, ok);
    return ok;
}

int WINAPI CeGetThreadPriority(HANDLE hThread)
{
    BOOL opened = FALSE;
    DWORD tid = 0;
    int result = THREAD_PRIORITY_ERROR_RETURN;
    HANDLE t = thread_of(hThread, THREAD_QUERY_LIMITED_INFORMATION, &tid, &opened);
    if (t) {
        int desktop = GetThreadPriority(t);
        if (desktop != THREAD_PRIORITY_ERROR_RETURN) {
            int ce = recall(tid, thread_created(t), desktop);
            result = ce >= 0 ? ce : ce_from_desktop(desktop);
        }
        if (opened)
            CloseHandle(t);
    }
    CESHIM_TRACE("CeGetThreadPriority(%p) = %d", hThread, result);
    return result;
}
