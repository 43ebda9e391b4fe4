/*
 * shlock.h - a lock in shared memory that survives its owner's death.
 *
 * The lock word holds the owner's identity, its pid and a digest of its
 * creation time (common/owner.h; 0 = free), so that a later process that
 * got the dead owner's pid is not taken for it. A waiter that finds the
 * word naming an earlier process with its own pid takes the lock over at
 * once; one that has spun for a while checks whether the owner named by
 * the word still runs, and if not takes the lock over. The new owner must
 * repair what the old one may have left half done (the queue layout is
 * built so that repair is a recount).
 *
 * Critical sections are short, so a wait far longer than one means a
 * frozen, stopped or hostile owner: the waiter then gives up with an error
 * instead of hanging, after give_up_ms. A few sections make many kernel
 * calls (mapping every chunk of a queue, handles into other processes),
 * which under load can take hundreds of milliseconds: their holder marks
 * the word (CESHIM_OWNER_LONG), and while it is marked every waiter waits
 * the longest bound, CESHIM_SHLOCK_GIVE_UP_MS.
 */
#ifndef CESHIM_COMMON_SHLOCK_H
#define CESHIM_COMMON_SHLOCK_H

#include <stdint.h>

enum ceshim_shlock_result {
    CESHIM_SHLOCK_FAILED = 0,   /* held by a live process for too long */
    CESHIM_SHLOCK_ACQUIRED = 1,
    CESHIM_SHLOCK_TAKEN_OVER = 2 /* previous owner died holding it: repair */
};

#define CESHIM_SHLOCK_GIVE_UP_MS 5000 /* calls that may wait */
#define CESHIM_SHLOCK_BRIEF_MS 500    /* the least bound: calls that may not wait */

/* The lock word must be 8-aligned (i686 takes it with cmpxchg8b). */
enum ceshim_shlock_result ceshim_shlock_acquire(volatile uint64_t *lock, uint32_t give_up_ms);
void ceshim_shlock_release(volatile uint64_t *lock);
/* The holder is starting a long section (see above); release clears it. */
void ceshim_shlock_mark_long(volatile uint64_t *lock);
/* The give-up bound of a call with a timeout: the timeout itself, within
 * CESHIM_SHLOCK_BRIEF_MS..CESHIM_SHLOCK_GIVE_UP_MS. */
uint32_t ceshim_shlock_bound(uint32_t timeout_ms);

#endif /* CESHIM_COMMON_SHLOCK_H */
