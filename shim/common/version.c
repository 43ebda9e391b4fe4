/*
 * version.c - CeShimGetVersion.
 */
#include <ceshim.h>

#include "common/trace.h"

DWORD WINAPI CeShimGetVersion(void)
{
    DWORD version = (CESHIM_VERSION_MAJOR << 16) | (CESHIM_VERSION_MINOR << 8) | CESHIM_VERSION_PATCH;
    CESHIM_TRACE("CeShimGetVersion() = 0x%06lx", version);
    return version;
}
