/* Each operation of shim/common/atomics.h in a function of its own, so the
 * MSVC branch's code can be read per operation (msvc-branches.cmake). */
#include "common/atomics.h"

uint64_t word64;
uint32_t word32;
void *word_ptr;

uint64_t use_load64(void) { return ceshim_load64(&word64); }
void use_store64(uint64_t v) { ceshim_store64(&word64, v); }
uint32_t use_load32(void) { return ceshim_load32(&word32); }
void use_store32(uint32_t v) { ceshim_store32(&word32, v); }
uint32_t use_cas32(uint32_t expected, uint32_t desired) { return ceshim_cas32(&word32, expected, desired); }
uint32_t use_add32(int32_t d) { return ceshim_add32(&word32, d); }
void use_fence(void) { ceshim_fence(); }
void *use_load_ptr(void) { return ceshim_load_ptr((void *const volatile *)&word_ptr); }
void use_pause(void) { ceshim_pause(); }
