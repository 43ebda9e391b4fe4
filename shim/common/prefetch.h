/*
 * prefetch.h - ceshim_prefetch_for_write(p): asks for the cache line holding p
 * in a state this core may write (x86 PREFETCHW), so that a store to it
 * soon after does not wait for another core to give the line up.
 *
 * Why: a queue writer stores into ring lines the reader has read, so each
 * line must first be taken back from the reader's core. Without the hint
 * the stores wait in order for that transfer, and the locked instructions
 * of every write wait for them; when the cores sit far apart that
 * transfer alone bounds one-way streams (figures: docs/performance.md).
 *
 * A hint only: it never faults. The CPU is asked once per translation unit
 * (CPUID 8000_0001h ECX bit 8, PRFCHW); where the instruction is missing,
 * or off x86, it does nothing. No Windows header: the queue layout code is
 * fuzzed natively.
 */
#ifndef CESHIM_COMMON_PREFETCH_H
#define CESHIM_COMMON_PREFETCH_H

#if defined(__i386__) || defined(__x86_64__) || defined(_M_IX86) || defined(_M_X64)
#define CESHIM_PREFETCH_X86 1
#if defined(_MSC_VER) && !defined(__clang__)
#include <intrin.h>
#else
#include <cpuid.h>
#endif

static inline int ceshim_cpu_has_prefetchw(void)
{
    unsigned int regs[4] = { 0, 0, 0, 0 };
#if defined(_MSC_VER) && !defined(__clang__)
    int r[4];
    __cpuid(r, (int)0x80000000);
    if ((unsigned int)r[0] < 0x80000001u)
        return 0;
    __cpuid(r, (int)0x80000001);
    regs[2] = (unsigned int)r[2];
#else
    if (!__get_cpuid(0x80000001u, &regs[0], &regs[1], &regs[2], &regs[3]))
        return 0;
#endif
    return (regs[2] >> 8) & 1;
}
#endif

static inline void ceshim_prefetch_for_write(const void *p)
{
#ifdef CESHIM_PREFETCH_X86
    /* 0 = not asked yet, 1 = has it, 2 = lacks it; racing first callers
     * store the same answer. */
    static volatile int state;
    int s = state;
    if (s == 0)
        state = s = ceshim_cpu_has_prefetchw() ? 1 : 2;
    if (s != 1)
        return;
#if defined(_MSC_VER) && !defined(__clang__)
    _m_prefetchw(p);
#else
    __asm__("prefetchw %0" : : "m"(*(const char *)p));
#endif
#else
    (void)p;
#endif
}

#endif /* CESHIM_COMMON_PREFETCH_H */
