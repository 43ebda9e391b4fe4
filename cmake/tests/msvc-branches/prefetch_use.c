/* shim/common/prefetch.h's MSVC branch (CPUID, _m_prefetchw). */
#include "common/prefetch.h"

void use_prefetch(const void *p) { ceshim_prefetch_for_write(p); }
