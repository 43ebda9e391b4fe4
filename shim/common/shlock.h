/*
 * shlock.h - a lock in shared memory that survives its owner's death.
 *
 * The lock word holds the owner's pid (0 = free). A waiter that has spun
 * for a while checks whether the owner still runs; if it does not, the
 * waiter takes the lock over and must repair what the owner may have left
 * half done (the queue layout is built so that repair is a recount).
 * Holders never block or call the kernel while holding it, so a wait far
 * longer than any critical section means a hostile or stuck owner: the
 * waiter then gives up with an error instead of hanging.
 */
#ifndef CESHIM_COMMON_SHLOCK_H
#define CESHIM_COMMON_SHLOCK_H

#include <stdint.h>

enum ceshim_shlock_result {
    CESHIM_SHLOCK_FAILED = 0,   /* held by a live process for too long */
    CESHIM_SHLOCK_ACQUIRED = 1,
    CESHIM_SHLOCK_TAKEN_OVER = 2 /* previous owner died holding it: repair */
};

#define CESHIM_SHLOCK_GIVE_UP_MS 5000

enum ceshim_shlock_result ceshim_shlock_acquire(volatile uint32_t *lock);
void ceshim_shlock_release(volatile uint32_t *lock);

#endif /* CESHIM_COMMON_SHLOCK_H */
