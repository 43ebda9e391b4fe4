/*
 * svc_host_util.h - what the services host tests (svc_host_tests.c,
 * svc_host_hostile.c) share: reading the host block, opening a test
 * service, a quick proof that a handle works.
 */
#ifndef SVC_HOST_UTIL_H
#define SVC_HOST_UTIL_H

#include "svc_test.h"

#include <string.h>

#include "services/common/svc_names.h"
#include "services/common/svc_proto.h"

/* A copy of this instance's host block; FALSE if there is none (no host
 * ever started, or the one that did is gone) or it is not filled in. */
static inline BOOL host_block_read(struct svc_host_block *out)
{
    WCHAR name[SVC_OBJECT_NAME_MAX];
    memset(out, 0, sizeof(*out));
    svc_object_name(name, SVC_OWN_BITS, L"host");
    HANDLE m = OpenFileMappingW(FILE_MAP_READ, FALSE, name);
    if (!m)
        return FALSE;
    const struct svc_host_block *b = MapViewOfFile(m, FILE_MAP_READ, 0, 0, sizeof(*b));
    CloseHandle(m);
    if (!b)
        return FALSE;
    *out = *b;
    UnmapViewOfFile(b);
    return out->magic == SVC_HOST_MAGIC && out->host_pid != 0;
}

static inline HANDLE open_device(const WCHAR *device)
{
    HANDLE h = CreateFileW(device, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    CHECK_MSG(h != INVALID_HANDLE_VALUE, "CreateFileW(%ls) failed, error %lu", device, GetLastError());
    return h;
}

static inline BOOL echo_works(HANDLE h)
{
    char out[8] = { 0 };
    DWORD got = 0;
    return DeviceIoControl(h, TSVC_ECHO, "ping", 4, out, sizeof(out), &got, NULL) && got == 4 &&
           memcmp(out, "ping", 4) == 0;
}

#endif /* SVC_HOST_UTIL_H */
