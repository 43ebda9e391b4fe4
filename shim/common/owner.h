/*
 * owner.h - a process's identity in one 64-bit word, for lock words in
 * shared memory (no Windows header: the queue layout is fuzzed natively).
 *
 * A pid alone does not name a process: Wine and Windows hand a dead
 * process's pid to the next one at once. The word adds a 32-bit digest of
 * the process's creation time, which a later process with the same pid
 * matches only by a 1-in-2^31 accident:
 *
 *   bits 0..31   pid (at the word's first 4 bytes, little-endian)
 *   bits 32..62  ceshim_owner_tag(creation time), never 0
 *   bit 63       CESHIM_OWNER_LONG: a lock's holder is in a long section
 *                (common/shlock.h); not part of the identity
 *
 * One word so that taking a lock stays one compare-and-swap, which i686
 * can do on 8 bytes (cmpxchg8b) but not on the 12 of a whole pid and time.
 */
#ifndef CESHIM_COMMON_OWNER_H
#define CESHIM_COMMON_OWNER_H

#include <stdint.h>

#define CESHIM_OWNER_LONG (1ull << 63)

/* The creation time (FILETIME, 100 ns units) mixed down to 31 bits, so that
 * times a clock tick apart differ anywhere in the digest; never 0. */
static inline uint32_t ceshim_owner_tag(uint64_t create_time)
{
    uint64_t x = create_time;
    x ^= x >> 33;
    x *= 0xFF51AFD7ED558CCDull;
    x ^= x >> 33;
    x *= 0xC4CEB9FE1A85EC53ull;
    x ^= x >> 33;
    uint32_t tag = (uint32_t)(x >> 33);
    return tag ? tag : 1u;
}

static inline uint64_t ceshim_owner_word(uint32_t pid, uint64_t create_time)
{
    return ((uint64_t)ceshim_owner_tag(create_time) << 32) | pid;
}

static inline uint32_t ceshim_owner_pid(uint64_t word) { return (uint32_t)word; }
static inline uint32_t ceshim_owner_word_tag(uint64_t word) { return (uint32_t)(word >> 32) & 0x7FFFFFFFu; }
/* The identity alone, without CESHIM_OWNER_LONG. */
static inline uint64_t ceshim_owner_id(uint64_t word) { return word & ~CESHIM_OWNER_LONG; }

#endif /* CESHIM_COMMON_OWNER_H */
