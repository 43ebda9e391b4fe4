/*
 * mq_bulk_copy.c - shim/common/bulk_copy.c on its own (compiled into this
 * test, as it is not exported): the choice between plain and streaming
 * stores as documented in bulk_copy.h (tries that last a lap and a copy),
 * and exact copies both ways at every size and alignment the streaming
 * copy splits at.
 */
#include "cetest.h"

#include <stdlib.h>
#include <string.h>

#include "common/bulk_copy.h"

#define LAP 3u /* copies per lap of the ring in these tests */

/* n copies, each asking for a way and accounting `cost` for it; all must
 * take `way`. */
static void expect_copies(struct ceshim_bulk_writer *w, unsigned n, unsigned way, uint64_t cost, const char *what)
{
    unsigned i, got = way;
    for (i = 0; i < n && (got = ceshim_bulk_next_way(w, LAP)) == way; i++)
        ceshim_bulk_account(w, way, cost, LAP);
    CHECK_MSG(i == n, "%s: copy %u of %u took way %u, expected %u", what, i + 1, n, got, way);
}

/* A fresh writer after its first copy (cost 400) and two laps of plain
 * copies, the last at last_cost. */
static void warmed_up(struct ceshim_bulk_writer *w, uint64_t last_cost)
{
    memset(w, 0, sizeof(*w));
    expect_copies(w, 1, CESHIM_BULK_PLAIN, 400, "first copy");
    expect_copies(w, 2 * LAP - 1, CESHIM_BULK_PLAIN, 300, "the first two laps");
    expect_copies(w, 1, CESHIM_BULK_PLAIN, last_cost, "the second lap's last copy");
}

/* warmed_up, then a try of streaming that loses (cost 150 against 100) and
 * the lap and copy of plain that settle it (back at 100). */
static void after_a_losing_try(struct ceshim_bulk_writer *w)
{
    warmed_up(w, 100);
    expect_copies(w, LAP + 1, CESHIM_BULK_STREAM, 150, "a losing try");
    expect_copies(w, LAP + 1, CESHIM_BULK_PLAIN, 100, "settling");
}

CETEST(mq_bulk_copy, plain_first_for_two_laps_and_one_copy_judged_by_the_last)
{
    struct ceshim_bulk_writer w;
    memset(&w, 0, sizeof(w));
    CHECK_EQ(ceshim_bulk_next_way(&w, LAP), CESHIM_BULK_PLAIN);
    ceshim_bulk_account(&w, CESHIM_BULK_PLAIN, 400, LAP);
    CHECK_EQ(w.cost, 400);
    expect_copies(&w, 2 * LAP - 1, CESHIM_BULK_PLAIN, 300, "the first two laps (pages faulted in)");
    CHECK_EQ(w.settling, 1);
    expect_copies(&w, 1, CESHIM_BULK_PLAIN, 100, "the second lap's last copy");
    CHECK_EQ(w.cost, 100); /* the cold copies do not count */
    CHECK_EQ(w.settled, 100);
    CHECK_EQ(w.settling, 0);
    CHECK_EQ(ceshim_bulk_next_way(&w, LAP), CESHIM_BULK_STREAM); /* the first try starts at once */
}

CETEST(mq_bulk_copy, a_try_lasts_a_lap_and_one_copy_and_its_last_copy_decides)
{
    struct ceshim_bulk_writer w;
    warmed_up(&w, 100);
    /* The try's first copies write lines the other way left: dear. */
    expect_copies(&w, LAP, CESHIM_BULK_STREAM, 500, "the try's first lap");
    CHECK_EQ(w.way, CESHIM_BULK_PLAIN);
    expect_copies(&w, 1, CESHIM_BULK_STREAM, 90, "the try's last copy");
    CHECK_EQ(w.way, CESHIM_BULK_STREAM);
    CHECK_EQ(w.cost, 90);
    CHECK_EQ(w.probe_gap, CESHIM_BULK_PROBE_MIN);
    CHECK_EQ(w.until_probe, CESHIM_BULK_PROBE_MIN * (LAP + 1));
    CHECK_EQ(w.settling, 0); /* the new way's lines are its own already */
    expect_copies(&w, CESHIM_BULK_PROBE_MIN * (LAP + 1), CESHIM_BULK_STREAM, 90, "streaming in use");
    CHECK_EQ(ceshim_bulk_next_way(&w, LAP), CESHIM_BULK_PLAIN); /* the next try */
}

CETEST(mq_bulk_copy, a_losing_try_doubles_the_gap_up_to_the_maximum_and_the_way_in_use_settles)
{
    struct ceshim_bulk_writer w;
    warmed_up(&w, 100);
    unsigned gap = 2 * CESHIM_BULK_PROBE_MIN; /* the first copy set it to the minimum */
    for (int round = 0; round < 7; round++) {
        expect_copies(&w, LAP + 1, CESHIM_BULK_STREAM, 150, "a try");
        CHECK_EQ(w.way, CESHIM_BULK_PLAIN);
        CHECK_EQ(w.probe_gap, gap);
        /* Plain copies into the streamed lines are dear for a lap; they
         * replace the cost, and the lap's last copy leaves it right. */
        CHECK_EQ(w.settling, LAP + 1);
        expect_copies(&w, LAP, CESHIM_BULK_PLAIN, 300, "settling");
        expect_copies(&w, 1, CESHIM_BULK_PLAIN, 100, "settled");
        CHECK_EQ(w.cost, 100);
        expect_copies(&w, gap * (LAP + 1), CESHIM_BULK_PLAIN, 100, "between tries");
        gap = gap * 2 > CESHIM_BULK_PROBE_MAX ? CESHIM_BULK_PROBE_MAX : gap * 2;
    }
    CHECK_EQ(w.probe_gap, CESHIM_BULK_PROBE_MAX);
}

CETEST(mq_bulk_copy, a_try_that_lost_once_can_win_later)
{
    struct ceshim_bulk_writer w;
    after_a_losing_try(&w);
    CHECK_EQ(w.probe_gap, 2 * CESHIM_BULK_PROBE_MIN);
    /* The cores move apart: plain turns dear, which starts a try. */
    expect_copies(&w, LAP + 1, CESHIM_BULK_PLAIN, 600, "the cores moved apart");
    CHECK_MSG(w.cost > 300, "cost %llu", (unsigned long long)w.cost);
    expect_copies(&w, LAP + 1, CESHIM_BULK_STREAM, 150, "a winning try");
    CHECK_EQ(w.way, CESHIM_BULK_STREAM);
    CHECK_EQ(w.cost, 150);
    CHECK_EQ(w.settled, 150);
    CHECK_EQ(w.probe_gap, CESHIM_BULK_PROBE_MIN);
}

CETEST(mq_bulk_copy, a_way_in_use_dear_for_a_lap_and_a_copy_is_tried_at_once)
{
    struct ceshim_bulk_writer w;
    after_a_losing_try(&w);
    CHECK_EQ(w.settled, 100);
    CHECK_MSG(w.until_probe > 100, "until_probe %u", w.until_probe);
    expect_copies(&w, LAP, CESHIM_BULK_PLAIN, 250, "dear, one short of a lap and a copy");
    expect_copies(&w, 1, CESHIM_BULK_PLAIN, 250, "dear for a lap and a copy");
    CHECK_EQ(ceshim_bulk_next_way(&w, LAP), CESHIM_BULK_STREAM);
}

CETEST(mq_bulk_copy, dear_copies_that_are_not_in_a_row_do_not_start_a_try)
{
    struct ceshim_bulk_writer w;
    after_a_losing_try(&w);
    unsigned gap = w.until_probe;
    for (unsigned i = 0; i < gap / (LAP + 1); i++) {
        expect_copies(&w, LAP, CESHIM_BULK_PLAIN, 1000, "preempted copies");
        expect_copies(&w, 1, CESHIM_BULK_PLAIN, 100, "a cheap copy");
    }
    CHECK_EQ(w.way, CESHIM_BULK_PLAIN);
    CHECK_EQ(w.until_probe, gap % (LAP + 1));
}

CETEST(mq_bulk_copy, the_cost_in_use_is_smoothed_over_about_four_copies)
{
    struct ceshim_bulk_writer w;
    warmed_up(&w, 100);
    ceshim_bulk_account(&w, CESHIM_BULK_PLAIN, 500, LAP);
    CHECK_EQ(w.cost, 200);
    ceshim_bulk_account(&w, CESHIM_BULK_PLAIN, 200, LAP);
    CHECK_EQ(w.cost, 200);
    ceshim_bulk_account(&w, CESHIM_BULK_PLAIN, 0, LAP); /* a zero reading counts as one tick: 0 means unmeasured */
    CHECK_EQ(w.cost, 150);
    CHECK_EQ(w.way, CESHIM_BULK_PLAIN);
}

CETEST(mq_bulk_copy, streaming_is_offered_exactly_where_windows_reports_sse2)
{
    CHECK_EQ(ceshim_bulk_can_stream(), IsProcessorFeaturePresent(PF_XMMI64_INSTRUCTIONS_AVAILABLE) ? 1 : 0);
}

#define GUARD 80u
#define BIGGEST 0x100000u

/* Sizes around the threshold and the 16- and 64-byte splits. */
static const size_t copy_sizes[] = { CESHIM_BULK_MIN - 1, CESHIM_BULK_MIN, CESHIM_BULK_MIN + 1, CESHIM_BULK_MIN + 15,
                                     CESHIM_BULK_MIN + 63, CESHIM_BULK_MIN + 64, 100003, BIGGEST - 17, BIGGEST };
static const size_t dst_offsets[] = { 0, 1, 8, 15, 16, 48 };

static void fill(unsigned char *p, size_t n, unsigned seed)
{
    unsigned x = seed * 2654435761u + 1u;
    for (size_t i = 0; i < n; i++) {
        x = x * 1103515245u + 12345u;
        p[i] = (unsigned char)(x >> 16);
    }
}

/* The first byte where dst differs from the expected picture: guards of
 * 0xEE around n bytes of src at offset off. -1 if none. */
static long first_difference(const unsigned char *dst, size_t off, const unsigned char *src, size_t n)
{
    for (size_t i = 0; i < off + n + GUARD; i++) {
        unsigned char want = i >= off && i < off + n ? src[i - off] : 0xEE;
        if (dst[i] != want)
            return (long)i;
    }
    return -1;
}

static void copies_exactly(unsigned forced_way)
{
    unsigned char *src = malloc(BIGGEST + 64), *dst = malloc(BIGGEST + 2 * GUARD + 64);
    REQUIRE(src && dst);
    int can = ceshim_bulk_can_stream();
    for (size_t s = 0; s < sizeof(copy_sizes) / sizeof(copy_sizes[0]); s++) {
        for (size_t d = 0; d < sizeof(dst_offsets) / sizeof(dst_offsets[0]); d++) {
            size_t n = copy_sizes[s], off = GUARD - 16 + dst_offsets[d]; /* dst is 16-aligned from malloc */
            const unsigned char *from = src + (d & 3); /* source alignment varies too */
            fill(src, BIGGEST + 64, (unsigned)(s * 31 + d));
            memset(dst, 0xEE, BIGGEST + 2 * GUARD + 64);
            /* The way is forced: in use, measured, no try due. */
            struct ceshim_bulk_writer w = { forced_way, CESHIM_BULK_PROBE_MAX, CESHIM_BULK_PROBE_MAX, 0, 0, 0, 1, 1 };
            unsigned way = ceshim_bulk_write(&w, dst + off, from, n, LAP);
            unsigned want = n >= CESHIM_BULK_MIN && can ? forced_way : CESHIM_BULK_PLAIN;
            CHECK_MSG(way == want, "write of %lu bytes at offset %lu: way %u, expected %u", (unsigned long)n,
                      (unsigned long)dst_offsets[d], way, want);
            long at = first_difference(dst, off, from, n);
            CHECK_MSG(at < 0, "write of %lu bytes at offset %lu (way %u): byte %ld differs",
                      (unsigned long)n, (unsigned long)dst_offsets[d], way, at);
            if (n < CESHIM_BULK_MIN)
                CHECK_MSG(w.until_probe == CESHIM_BULK_PROBE_MAX && w.cost == 1, "a small copy changed the choice");
            /* And back out, as a reader of a record of that kind. */
            memset(dst, 0xEE, BIGGEST + 2 * GUARD + 64);
            ceshim_bulk_read(dst + off, from, n, forced_way == CESHIM_BULK_STREAM);
            at = first_difference(dst, off, from, n);
            CHECK_MSG(at < 0, "read of %lu bytes at offset %lu (streamed %d): byte %ld differs",
                      (unsigned long)n, (unsigned long)dst_offsets[d], forced_way == CESHIM_BULK_STREAM, at);
        }
    }
    free(src);
    free(dst);
}

CETEST(mq_bulk_copy, plain_copies_are_exact_at_every_size_and_alignment)
{
    copies_exactly(CESHIM_BULK_PLAIN);
}

CETEST(mq_bulk_copy, streamed_copies_are_exact_at_every_size_and_alignment)
{
    copies_exactly(CESHIM_BULK_STREAM);
}
