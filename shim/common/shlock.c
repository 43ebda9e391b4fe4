/*
 * shlock.c - the crash-safe shared-memory lock.
 */
#include "common/shlock.h"

#include <windows.h>

#include "common/atomics.h"
#include "common/process.h"

enum ceshim_shlock_result ceshim_shlock_acquire(volatile uint32_t *lock)
{
    uint32_t self = ceshim_self_pid();
    if (ce_cas32(lock, 0, self) == 0)
        return CESHIM_SHLOCK_ACQUIRED;

    ULONGLONG start = 0, last_check = 0;
    for (unsigned spins = 1;; spins++) {
        uint32_t owner = ce_load32(lock);
        if (owner == 0) {
            if (ce_cas32(lock, 0, self) == 0)
                return CESHIM_SHLOCK_ACQUIRED;
            continue;
        }
        if (spins < 200) {
            ce_pause();
            continue;
        }
        /* Long wait: yield the core, and now and then ask whether the
         * owner is alive. */
        SwitchToThread();
        ULONGLONG now = GetTickCount64();
        if (!start)
            start = last_check = now;
        if (now - last_check >= 5 && owner != self) {
            last_check = now;
            if (!ceshim_process_alive(owner, 0) && ce_cas32(lock, owner, self) == owner)
                return CESHIM_SHLOCK_TAKEN_OVER;
        }
        if (now - start > CESHIM_SHLOCK_GIVE_UP_MS)
            return CESHIM_SHLOCK_FAILED;
    }
}

void ceshim_shlock_release(volatile uint32_t *lock)
{
    ce_store32(lock, 0);
}
