/*
 * owner.h - a process's identity in one 64-bit word, for lock words in
 * shared memory (no Windows header: the queue layout is fuzzed natively).
 *
 * A pid alone does not name a process: Wine and Windows hand a dead
 * process's pid to the next one at once. The word adds a 32-bit digest of
 * the process's creation time, which a later process with the same pid
 * matches only by a 1-in-2^32 accident:
 *
 *   bits 0..31   pid (at the word's first 4 bytes, little-endian)
 *   bits 32..63  ceshim_owner_tag(creation time), never 0
 *
 * One word so that taking a lock stays one compare-and-swap, which i686
 * can do on 8 bytes (cmpxchg8b) but not on the 12 of a whole pid and time.
 */
#ifndef CESHIM_COMMON_OWNER_H
#define CESHIM_COMMON_OWNER_H

#include <stdint.h>

/* The creation time (FILETIME, 100 ns units) mixed down to 32 bits, so that
 * times a clock tick apart differ anywhere in the digest; never 0. */
static inline uint32_t ceshim_owner_tag(uint64_t create_time)
{
    uint64_t x = create_time;
    x ^= x >> 33;
    x *= 0xFF51AFD7ED558CCDull;
    x ^= x >> 33;
    x *= 0xC4CEB9FE1A85EC53ull;
    x ^= x >> 33;
    uint32_t tag = (uint32_t)(x >> 32);
    return tag ? tag : 1u;
}

static inline uint64_t ceshim_owner_word(uint32_t pid, uint64_t create_time)
{
    return ((uint64_t)ceshim_owner_tag(create_time) << 32) | pid;
}

static inline uint32_t ceshim_owner_pid(uint64_t word) { return (uint32_t)word; }
static inline uint32_t ceshim_owner_word_tag(uint64_t word) { return (uint32_t)(word >> 32); }

#endif /* CESHIM_COMMON_OWNER_H */
