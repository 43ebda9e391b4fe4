/*
 * atomics.h - the few atomic operations shared memory needs, for GCC/clang
 * and MSVC, without any Windows header (the queue layout code is fuzzed
 * natively).
 */
#ifndef CESHIM_COMMON_ATOMICS_H
#define CESHIM_COMMON_ATOMICS_H

#include <stdint.h>

#if defined(_MSC_VER) && !defined(__clang__)
/* MSVC, the same operations as the GCC branch and as cheap: x86 and x64
 * loads are acquire and stores release by themselves, so plain accesses
 * with a compiler barrier; interlocked operations only to modify. */
#if !defined(_M_IX86) && !defined(_M_X64)
#error "ceshim's MSVC atomics are for x86 and x64 (plain accesses are not acquire/release elsewhere)"
#endif
#include <intrin.h>
#include <emmintrin.h> /* _mm_pause */
_Static_assert(sizeof(long) == sizeof(uint32_t), "the _Interlocked* 32-bit operations take long");
_Static_assert(sizeof(__int64) == sizeof(uint64_t), "64-bit words as __int64");
static __inline uint32_t ceshim_load32(const volatile uint32_t *p) { uint32_t v = *p; _ReadWriteBarrier(); return v; }
static __inline void ceshim_store32(volatile uint32_t *p, uint32_t v) { _ReadWriteBarrier(); *p = v; }
/* One 8-byte access on x86 too (movq or fild/fistp), where a plain 64-bit
 * access would be two; never a locked write, so a reader polling the
 * writer's word never takes its cache line. */
static __inline uint64_t ceshim_load64(const volatile uint64_t *p)
{
    uint64_t v = (uint64_t)__iso_volatile_load64((const volatile __int64 *)p);
    _ReadWriteBarrier();
    return v;
}
static __inline void ceshim_store64(volatile uint64_t *p, uint64_t v)
{
    _ReadWriteBarrier();
    __iso_volatile_store64((volatile __int64 *)p, (__int64)v);
}
static __inline uint32_t ceshim_cas32(volatile uint32_t *p, uint32_t expected, uint32_t desired)
{
    return (uint32_t)_InterlockedCompareExchange((volatile long *)p, (long)desired, (long)expected);
}
static __inline uint64_t ceshim_cas64(volatile uint64_t *p, uint64_t expected, uint64_t desired)
{
    return (uint64_t)_InterlockedCompareExchange64((volatile __int64 *)p, (__int64)desired, (__int64)expected);
}
static __inline uint32_t ceshim_add32(volatile uint32_t *p, int32_t d)
{
    return (uint32_t)_InterlockedExchangeAdd((volatile long *)p, d) + (uint32_t)d;
}
/* A locked or to the stack, as the GCC branch (cheaper than mfence):
 * __faststorefence on x64; on x86 a locked or to a local. */
#if defined(_M_X64)
static __inline void ceshim_fence(void) { _ReadWriteBarrier(); __faststorefence(); _ReadWriteBarrier(); }
#else
static __inline void ceshim_fence(void)
{
    volatile long local = 0;
    _ReadWriteBarrier();
    (void)_InterlockedOr(&local, 0);
    _ReadWriteBarrier();
}
#endif
static __inline void *ceshim_load_ptr(void *const volatile *p) { void *v = *p; _ReadWriteBarrier(); return v; }
static __inline void ceshim_pause(void) { _mm_pause(); }
#else
static inline uint32_t ceshim_load32(const volatile uint32_t *p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
static inline void ceshim_store32(volatile uint32_t *p, uint32_t v) { __atomic_store_n(p, v, __ATOMIC_RELEASE); }
static inline uint64_t ceshim_load64(const volatile uint64_t *p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
static inline void ceshim_store64(volatile uint64_t *p, uint64_t v) { __atomic_store_n(p, v, __ATOMIC_RELEASE); }
/* Returns the value found; the swap happened if it equals expected. */
static inline uint32_t ceshim_cas32(volatile uint32_t *p, uint32_t expected, uint32_t desired)
{
    __atomic_compare_exchange_n(p, &expected, desired, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
    return expected;
}
/* The same on 8 bytes (cmpxchg8b on i686: the word must be 8-aligned). */
static inline uint64_t ceshim_cas64(volatile uint64_t *p, uint64_t expected, uint64_t desired)
{
    __atomic_compare_exchange_n(p, &expected, desired, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
    return expected;
}
/* Adds d and returns the new value. */
static inline uint32_t ceshim_add32(volatile uint32_t *p, int32_t d)
{
    return __atomic_add_fetch(p, (uint32_t)d, __ATOMIC_SEQ_CST);
}
#if defined(__x86_64__)
/* A locked or to the stack is a full barrier for ordinary (write-back)
 * memory, as mfence is, and much cheaper on AMD cores (Linux's smp_mb does
 * the same). It runs after every queue write and read. */
static inline void ceshim_fence(void) { __asm__ __volatile__("lock; orl $0, (%%rsp)" ::: "memory", "cc"); }
#elif defined(__i386__)
static inline void ceshim_fence(void) { __asm__ __volatile__("lock; orl $0, (%%esp)" ::: "memory", "cc"); }
#else
static inline void ceshim_fence(void) { __atomic_thread_fence(__ATOMIC_SEQ_CST); }
#endif
static inline void *ceshim_load_ptr(void *const volatile *p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
#if defined(__i386__) || defined(__x86_64__)
static inline void ceshim_pause(void) { __builtin_ia32_pause(); }
#else
static inline void ceshim_pause(void) { }
#endif
#endif

#endif /* CESHIM_COMMON_ATOMICS_H */
