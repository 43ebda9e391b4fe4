/*
 * shlock.c - the crash-safe shared-memory lock.
 */
#include "common/shlock.h"

#include <windows.h>

#include "common/atomics.h"
#include "common/process.h"
#include "common/spin.h"

/* A lock is held for a few hundred nanoseconds; a waiter spins this long
 * before it yields. */
#define SPIN_US 2
#define SPIN_PAUSES_UNMEASURED 200 /* until common/spin.c has measured (never here: see spin.h) */
#define CHECK_EVERY_MS 5 /* a liveness check costs a few kernel calls */

enum ceshim_shlock_result ceshim_shlock_acquire(volatile uint64_t *lock, uint32_t give_up_ms)
{
    uint64_t self = ceshim_self_owner();
    if (ceshim_cas64(lock, 0, self) == 0)
        return CESHIM_SHLOCK_ACQUIRED;

    static struct ceshim_spin_budget spin = CESHIM_SPIN_BUDGET(SPIN_US);
    unsigned spin_pauses = (unsigned)ceshim_spin_pauses_nowait(&spin, SPIN_PAUSES_UNMEASURED);
    ULONGLONG start = 0, last_check = 0;
    for (unsigned spins = 1;; spins++) {
        uint64_t word = ceshim_load64(lock), owner = ceshim_owner_id(word);
        if (word == 0) {
            if (ceshim_cas64(lock, 0, self) == 0)
                return CESHIM_SHLOCK_ACQUIRED;
            continue;
        }
        if (owner != self && ceshim_owner_pid(owner) == ceshim_self_pid()) {
            /* Our pid, not us: an earlier process with this pid died
             * holding it. Nothing to wait for or to ask the kernel. */
            if (ceshim_cas64(lock, word, self) == word)
                return CESHIM_SHLOCK_TAKEN_OVER;
            continue;
        }
        if (spins < spin_pauses) {
            ceshim_pause();
            continue;
        }
        /* Long wait: yield the core, and now and then (first at once) ask
         * whether the owner is alive. A thread of this process (owner ==
         * self) is alive by definition. */
        SwitchToThread();
        ULONGLONG now = GetTickCount64();
        if (!start) {
            start = now;
            last_check = now - CHECK_EVERY_MS;
        }
        if (owner != self && now - last_check >= CHECK_EVERY_MS) {
            last_check = now;
            if (!ceshim_owner_alive(owner) && ceshim_cas64(lock, word, self) == word)
                return CESHIM_SHLOCK_TAKEN_OVER;
        }
        uint32_t bound = (word & CESHIM_OWNER_LONG) && give_up_ms < CESHIM_SHLOCK_GIVE_UP_MS ? CESHIM_SHLOCK_GIVE_UP_MS
                                                                                               : give_up_ms;
        if (now - start > bound)
            return CESHIM_SHLOCK_FAILED;
    }
}

void ceshim_shlock_release(volatile uint64_t *lock)
{
    ceshim_store64(lock, 0);
}

void ceshim_shlock_mark_long(volatile uint64_t *lock)
{
    ceshim_store64(lock, ceshim_self_owner() | CESHIM_OWNER_LONG);
}

uint32_t ceshim_shlock_bound(uint32_t timeout_ms)
{
    if (timeout_ms < CESHIM_SHLOCK_BRIEF_MS)
        return CESHIM_SHLOCK_BRIEF_MS;
    return timeout_ms > CESHIM_SHLOCK_GIVE_UP_MS ? CESHIM_SHLOCK_GIVE_UP_MS : timeout_ms;
}
