/*
 * bulk_copy.h - how a queue copies large messages into and out of its ring.
 *
 * Into the ring a writer has two ways. Plain stores (memcpy) leave the data
 * in caches, which is best when the reader's core shares a cache with the
 * writer's. When the two cores sit far apart, every line the writer stores
 * must first be taken back from the reader's core, and non-temporal
 * ("streaming") stores, which send the data to memory without taking the
 * line, are much faster; where a cache is shared they are slower than
 * plain stores (figures: docs/performance.md). Which case holds
 * can change while a queue runs (a VM's virtual CPUs move), so the writer
 * times its own copies, keeps the cheaper way, and now and then tries the
 * other one: less often while the tries keep confirming its choice.
 *
 * A way's cost depends on what the other way left in the ring: plain
 * stores into lines that were streamed a lap ago cost several times what
 * they cost in a ring written plainly. So a try lasts one lap of the ring
 * and one copy more (the caller says how many copies a lap holds) and is
 * judged by its last copy, which writes lines the try itself wrote; after
 * a try that loses, the way in use is judged by its own last copy until it
 * has had a lap and one copy again. A new writer starts with two laps and
 * a copy of plain stores (the first lap also faults the ring's pages in)
 * and then tries streaming. A way in use that turns dear (over
 * twice its settled cost for a lap and a copy in a row: the cores moved
 * apart) is tried against the other at once, not at the next gap's end.
 *
 * Out of the ring, a message that was streamed is in memory, not in a
 * cache, so the reader asks for the lines a few pages ahead of its copy;
 * for a message in a cache that only costs time, so the record says which
 * way it was written (MQ_KIND_MSG_STREAMED).
 *
 * Messages below CESHIM_BULK_MIN bytes, CPUs without SSE2 and non-x86 builds
 * always take memcpy. Pure C, no Windows header: the queue layout code that
 * calls it is fuzzed natively.
 */
#ifndef CESHIM_COMMON_BULK_COPY_H
#define CESHIM_COMMON_BULK_COPY_H

#include <stddef.h>
#include <stdint.h>

#define CESHIM_BULK_MIN (64u * 1024u) /* two timer reads cost < 2% of a copy this size */
#define CESHIM_BULK_PLAIN 0u
#define CESHIM_BULK_STREAM 1u
/* Gaps between tries, in tries' lengths. Where a try loses by the most
 * (plain stores while the cores sit apart) it costs about eight times its
 * length, its copies and the reader's; so after a switch the next try
 * waits 64 lengths, and the gap doubles to 1024 while tries lose (< 1 %). */
#define CESHIM_BULK_PROBE_MIN 64u
#define CESHIM_BULK_PROBE_MAX 1024u
#define CESHIM_BULK_LAP_MAX 32u /* the longest lap a try covers, in copies */

/* One writer's choice (all zero: none yet, starts with plain stores). Not
 * shared: the caller serialises copies that use the same state. */
struct ceshim_bulk_writer {
    uint32_t way;         /* CESHIM_BULK_PLAIN or CESHIM_BULK_STREAM: the way in use */
    uint32_t probe_gap;   /* tries' lengths (laps and one) between tries */
    uint32_t until_probe; /* copies of the way in use left before the next try */
    uint32_t trying;      /* copies of the other way left in the try under way */
    uint32_t settling;    /* copies of the way in use that replace its cost, not average it */
    uint32_t dear;        /* copies in a row that cost over twice `settled` */
    uint64_t cost;        /* timer ticks per KiB of the way in use; 0 = not measured */
    uint64_t settled;     /* its cost when last chosen or confirmed */
};

/* Copies n bytes of a message into shared memory; returns the way it took.
 * lap: how many copies of this size one lap of the ring holds (clamped to
 * 1..CESHIM_BULK_LAP_MAX). Streamed data is visible to other cores (fenced) on
 * return. */
unsigned ceshim_bulk_write(struct ceshim_bulk_writer *w, void *dst, const void *src, size_t n, uint32_t lap);

/* Copies n bytes of a message out of shared memory; `streamed` says it was
 * written with CESHIM_BULK_STREAM. */
void ceshim_bulk_read(void *dst, const void *src, size_t n, int streamed);

/* The choice itself, apart from copying and timing (tested on its own):
 * the way the next large copy takes, and what a copy's cost in timer ticks
 * per KiB says about the ways; lap as for ceshim_bulk_write, already clamped. */
unsigned ceshim_bulk_next_way(struct ceshim_bulk_writer *w, uint32_t lap);
void ceshim_bulk_account(struct ceshim_bulk_writer *w, unsigned way, uint64_t cost, uint32_t lap);

/* Whether this CPU can stream (x86 with SSE2). */
int ceshim_bulk_can_stream(void);

#endif /* CESHIM_COMMON_BULK_COPY_H */
