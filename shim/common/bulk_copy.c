/*
 * bulk_copy.c - large message copies into and out of a queue's ring: plain
 * or streaming stores, chosen by timing the writer's own copies (see
 * bulk_copy.h for why).
 */
#include "common/bulk_copy.h"

#include <string.h>

#if defined(__i386__) || defined(__x86_64__) || defined(_M_IX86) || defined(_M_X64)
#define CESHIM_BULK_X86 1
#if defined(_MSC_VER) && !defined(__clang__)
#include <intrin.h>
#else
#include <cpuid.h>
#include <x86intrin.h>
#endif
#include <emmintrin.h>
/* The i686 build does not assume SSE2; these functions run only after
 * CPUID has said it is there. */
#if defined(__GNUC__) && !defined(__SSE2__)
#define CESHIM_BULK_SSE2 __attribute__((target("sse2")))
#else
#define CESHIM_BULK_SSE2
#endif
#endif

/* The reader asks for the lines READ_AHEAD bytes ahead of its copy, a
 * block at a time: the hardware prefetchers stop at page ends (how far
 * ahead: docs/performance.md). */
#define READ_BLOCK 4096u
#define READ_AHEAD 8192u

int ceshim_bulk_can_stream(void)
{
#ifdef CESHIM_BULK_X86
#if defined(__x86_64__) || defined(_M_X64)
    return 1;
#else
    /* 0 = not asked yet, 1 = has SSE2, 2 = lacks it; racing first callers
     * store the same answer. */
    static volatile int state;
    int s = state;
    if (s == 0) {
        unsigned int edx;
#if defined(_MSC_VER) && !defined(__clang__)
        int r[4];
        __cpuid(r, 1);
        edx = (unsigned int)r[3];
#else
        unsigned int eax, ebx, ecx;
        edx = 0;
        if (!__get_cpuid(1u, &eax, &ebx, &ecx, &edx))
            edx = 0;
#endif
        state = s = (edx >> 26) & 1 ? 1 : 2;
    }
    return s == 1;
#endif
#else
    return 0;
#endif
}

unsigned ceshim_bulk_next_way(struct ceshim_bulk_writer *w, uint32_t lap)
{
    if (w->trying)
        return w->way ^ 1u;
    if (w->cost == 0 || w->settling)
        return w->way;
    if (w->until_probe == 0) {
        w->trying = lap + 1;
        return w->way ^ 1u;
    }
    w->until_probe--;
    return w->way;
}

void ceshim_bulk_account(struct ceshim_bulk_writer *w, unsigned way, uint64_t cost, uint32_t lap)
{
    if (cost == 0)
        cost = 1; /* 0 means "not measured" */
    if (way == w->way) {
        if (w->cost == 0) {
            /* The first copy: the ring is cold, and its first lap also
             * faults its pages in; the last copy of a second lap is what
             * counts, and then the first try. */
            w->cost = cost;
            w->settling = 2 * lap;
            w->probe_gap = CESHIM_BULK_PROBE_MIN;
            w->until_probe = 0;
        } else if (w->settling) {
            w->cost = cost;
            if (--w->settling == 0)
                w->settled = cost;
        } else {
            /* Dear for a lap and a copy in a row: one preempted copy is
             * not enough to start a try early. */
            if (cost <= 2 * w->settled)
                w->dear = 0;
            else if (++w->dear > lap) {
                w->dear = 0;
                w->until_probe = 0;
            }
            /* Smoothed over about four copies: one copy that was preempted
             * does not turn the choice on its own. */
            w->cost = (3 * w->cost + cost) / 4;
        }
        return;
    }
    if (w->trying > 1) {
        w->trying--; /* the try's lines are not all its own yet */
        return;
    }
    w->trying = 0;
    w->dear = 0;
    if (cost < w->cost) {
        w->way = way;
        w->cost = w->settled = cost;
        w->settling = 0;
        w->probe_gap = CESHIM_BULK_PROBE_MIN;
    } else {
        w->settling = lap + 1; /* the try left its lines in the ring */
        w->probe_gap = w->probe_gap < CESHIM_BULK_PROBE_MIN ? CESHIM_BULK_PROBE_MIN
                       : w->probe_gap < CESHIM_BULK_PROBE_MAX ? 2 * w->probe_gap
                                                          : CESHIM_BULK_PROBE_MAX;
    }
    w->until_probe = w->probe_gap * (lap + 1);
}

#ifdef CESHIM_BULK_X86
/* memcpy with non-temporal stores; the fence makes them visible before
 * whatever the caller stores next (the record's publication). */
CESHIM_BULK_SSE2 static void stream_copy(uint8_t *dst, const uint8_t *src, size_t n)
{
    size_t head = (size_t)(0u - (uintptr_t)dst) & 15u;
    if (head > n)
        head = n;
    memcpy(dst, src, head);
    dst += head;
    src += head;
    n -= head;
    for (; n >= 64; n -= 64, dst += 64, src += 64) {
        __m128i a = _mm_loadu_si128((const __m128i *)src);
        __m128i b = _mm_loadu_si128((const __m128i *)(src + 16));
        __m128i c = _mm_loadu_si128((const __m128i *)(src + 32));
        __m128i d = _mm_loadu_si128((const __m128i *)(src + 48));
        _mm_stream_si128((__m128i *)dst, a);
        _mm_stream_si128((__m128i *)(dst + 16), b);
        _mm_stream_si128((__m128i *)(dst + 32), c);
        _mm_stream_si128((__m128i *)(dst + 48), d);
    }
    memcpy(dst, src, n);
    _mm_sfence();
}

CESHIM_BULK_SSE2 static void prefetching_copy(uint8_t *dst, const uint8_t *src, size_t n)
{
    for (size_t at = 0; at < n; at += READ_BLOCK) {
        size_t ahead = at + READ_AHEAD, stop = ahead + READ_BLOCK < n ? ahead + READ_BLOCK : n;
        for (size_t p = ahead; p < stop; p += 64)
            _mm_prefetch((const char *)src + p, _MM_HINT_T0);
        memcpy(dst + at, src + at, n - at < READ_BLOCK ? n - at : READ_BLOCK);
    }
}
#endif

unsigned ceshim_bulk_write(struct ceshim_bulk_writer *w, void *dst, const void *src, size_t n, uint32_t lap)
{
#ifdef CESHIM_BULK_X86
    if (n >= CESHIM_BULK_MIN && ceshim_bulk_can_stream()) {
        lap = lap < 1 ? 1 : lap > CESHIM_BULK_LAP_MAX ? CESHIM_BULK_LAP_MAX : lap;
        unsigned way = ceshim_bulk_next_way(w, lap);
        uint64_t t0 = __rdtsc();
        if (way == CESHIM_BULK_STREAM)
            stream_copy(dst, src, n);
        else
            memcpy(dst, src, n);
        uint64_t t1 = __rdtsc();
        if (t1 > t0) /* else the thread moved to a core whose counter is behind: no figure */
            ceshim_bulk_account(w, way, (t1 - t0) / (n >> 10), lap);
        return way;
    }
#else
    (void)w;
    (void)lap;
#endif
    memcpy(dst, src, n);
    return CESHIM_BULK_PLAIN;
}

void ceshim_bulk_read(void *dst, const void *src, size_t n, int streamed)
{
#ifdef CESHIM_BULK_X86
    if (streamed && n >= CESHIM_BULK_MIN && ceshim_bulk_can_stream()) {
        prefetching_copy(dst, src, n);
        return;
    }
#else
    (void)streamed;
#endif
    memcpy(dst, src, n);
}
