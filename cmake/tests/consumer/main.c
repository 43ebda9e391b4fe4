/* A CE program: it includes only <windows.h>, as CE code does, and gets the
 * CE API from the forced include of ceshim.h. */
#include <windows.h>
#include <stdio.h>
#include <string.h>

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
    MSGQUEUEOPTIONS opts = { sizeof(opts), 0, 2, 32, TRUE };
    HANDLE r = CreateMsgQueue(NULL, &opts);
    opts.bReadAccess = FALSE;
    HANDLE w = r ? OpenMsgQueue(GetCurrentProcess(), r, &opts) : NULL;
    char buf[32];
    DWORD n = 0, flags = 0;
    if (!w || !WriteMsgQueue(w, "ping", 5, 0, 0) || WaitForSingleObject(r, 1000) != WAIT_OBJECT_0 ||
        !ReadMsgQueue(r, buf, sizeof(buf), &n, 0, &flags) || n != 5 || strcmp(buf, "ping") != 0) {
        printf("ce_consumer: message queue round trip failed, error %lu\n", GetLastError());
        return 1;
    }
    CloseHandle(w);
    CloseHandle(r);
    printf("ce_consumer: OK (ceshim %lu.%lu.%lu, a message queue round trip)\n", version >> 16,
           (version >> 8) & 0xff, version & 0xff);
    return 0;
}
