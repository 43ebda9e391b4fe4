/* A CE program: it includes only <windows.h>, as CE code does, and gets the
 * CE API from the forced include of ceshim.h. */
#include <windows.h>
#include <stdio.h>

#ifndef UNICODE
#error "CeShim::ceshim must define UNICODE"
#endif
#ifndef CESHIM_H
#error "CeShim::ceshim must force-include ceshim.h"
#endif

int main(void)
{
    DWORD version = CeShimGetVersion();
    if (version != ((CESHIM_VERSION_MAJOR << 16) | (CESHIM_VERSION_MINOR << 8) | CESHIM_VERSION_PATCH)) {
        printf("ce_consumer: loaded ceshim.dll 0x%06lx, built against another version\n", version);
        return 1;
    }
    printf("ce_consumer: OK (ceshim %lu.%lu.%lu)\n", version >> 16, (version >> 8) & 0xff, version & 0xff);
    return 0;
}
