/*
 * atomics.h - the few atomic operations shared memory needs, for GCC/clang
 * and MSVC, without any Windows header (the queue layout code is fuzzed
 * natively).
 */
#ifndef CESHIM_COMMON_ATOMICS_H
#define CESHIM_COMMON_ATOMICS_H

#include <stdint.h>

#if defined(_MSC_VER) && !defined(__clang__)
#include <intrin.h>
static __inline uint32_t ce_load32(const volatile uint32_t *p) { uint32_t v = *p; _ReadWriteBarrier(); return v; }
static __inline void ce_store32(volatile uint32_t *p, uint32_t v) { _ReadWriteBarrier(); *p = v; }
static __inline uint64_t ce_load64(const volatile uint64_t *p)
{
    return (uint64_t)_InterlockedCompareExchange64((volatile __int64 *)p, 0, 0);
}
static __inline void ce_store64(volatile uint64_t *p, uint64_t v) { _InterlockedExchange64((volatile __int64 *)p, (__int64)v); }
static __inline uint32_t ce_cas32(volatile uint32_t *p, uint32_t expected, uint32_t desired)
{
    return (uint32_t)_InterlockedCompareExchange((volatile long *)p, (long)desired, (long)expected);
}
static __inline uint64_t ce_cas64(volatile uint64_t *p, uint64_t expected, uint64_t desired)
{
    return (uint64_t)_InterlockedCompareExchange64((volatile __int64 *)p, (__int64)desired, (__int64)expected);
}
static __inline uint32_t ce_add32(volatile uint32_t *p, int32_t d)
{
    return (uint32_t)_InterlockedExchangeAdd((volatile long *)p, d) + (uint32_t)d;
}
static __inline void ce_fence(void) { _ReadWriteBarrier(); _mm_mfence(); }
/* MSVC's volatile reads are acquire loads (/volatile:ms, the x86 default). */
static __inline void *ce_load_ptr(void *const volatile *p) { void *v = *p; _ReadWriteBarrier(); return v; }
static __inline void ce_pause(void) { _mm_pause(); }
#else
static inline uint32_t ce_load32(const volatile uint32_t *p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
static inline void ce_store32(volatile uint32_t *p, uint32_t v) { __atomic_store_n(p, v, __ATOMIC_RELEASE); }
static inline uint64_t ce_load64(const volatile uint64_t *p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
static inline void ce_store64(volatile uint64_t *p, uint64_t v) { __atomic_store_n(p, v, __ATOMIC_RELEASE); }
/* Returns the value found; the swap happened if it equals expected. */
static inline uint32_t ce_cas32(volatile uint32_t *p, uint32_t expected, uint32_t desired)
{
    __atomic_compare_exchange_n(p, &expected, desired, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
    return expected;
}
/* The same on 8 bytes (cmpxchg8b on i686: the word must be 8-aligned). */
static inline uint64_t ce_cas64(volatile uint64_t *p, uint64_t expected, uint64_t desired)
{
    __atomic_compare_exchange_n(p, &expected, desired, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
    return expected;
}
/* Adds d and returns the new value. */
static inline uint32_t ce_add32(volatile uint32_t *p, int32_t d)
{
    return __atomic_add_fetch(p, (uint32_t)d, __ATOMIC_SEQ_CST);
}
#if defined(__x86_64__)
/* A locked or to the stack is a full barrier for ordinary (write-back)
 * memory, as mfence is, and much cheaper on AMD cores (Linux's smp_mb does
 * the same). It runs after every queue write and read. */
static inline void ce_fence(void) { __asm__ __volatile__("lock; orl $0, (%%rsp)" ::: "memory", "cc"); }
#elif defined(__i386__)
static inline void ce_fence(void) { __asm__ __volatile__("lock; orl $0, (%%esp)" ::: "memory", "cc"); }
#else
static inline void ce_fence(void) { __atomic_thread_fence(__ATOMIC_SEQ_CST); }
#endif
static inline void *ce_load_ptr(void *const volatile *p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
#if defined(__i386__) || defined(__x86_64__)
static inline void ce_pause(void) { __builtin_ia32_pause(); }
#else
static inline void ce_pause(void) { }
#endif
#endif

#endif /* CESHIM_COMMON_ATOMICS_H */
