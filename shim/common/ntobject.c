/*
 * ntobject.c - NtQueryObject for type and name of a handle.
 */
#include "common/ntobject.h"

#include <string.h>
#include <wchar.h>

typedef struct {
    USHORT Length;
    USHORT MaximumLength;
    PWSTR Buffer;
} nt_unicode_string;
typedef LONG(WINAPI *nt_query_object_fn)(HANDLE, int, PVOID, ULONG, PULONG);

enum { OBJECT_NAME_INFORMATION = 1, OBJECT_TYPE_INFORMATION = 2 };

static nt_query_object_fn query_fn(void)
{
    static nt_query_object_fn query;
    if (!query) {
        HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
        query = ntdll ? (nt_query_object_fn)(void *)GetProcAddress(ntdll, "NtQueryObject") : NULL;
    }
    return query;
}

/* Both information classes start with a UNICODE_STRING. */
static BOOL query_string(HANDLE h, int cls, WCHAR *out, size_t chars, size_t *len)
{
    nt_query_object_fn query = query_fn();
    if (!query || !h || h == INVALID_HANDLE_VALUE)
        return FALSE;
    union {
        nt_unicode_string us;
        WCHAR buf[1024];
    } info;
    ULONG got = 0;
    DWORD saved = GetLastError();
    LONG status = query(h, cls, &info, sizeof(info), &got);
    SetLastError(saved);
    if (status < 0)
        return FALSE;
    size_t n = info.us.Buffer ? info.us.Length / sizeof(WCHAR) : 0;
    if (n >= chars)
        return FALSE;
    if (n)
        memcpy(out, info.us.Buffer, n * sizeof(WCHAR));
    out[n] = 0;
    *len = n;
    return TRUE;
}

BOOL ceshim_handle_is_type(HANDLE h, const WCHAR *type)
{
    WCHAR name[64];
    size_t len;
    return query_string(h, OBJECT_TYPE_INFORMATION, name, 64, &len) && wcscmp(name, type) == 0;
}

BOOL ceshim_handle_kernel_name(HANDLE h, WCHAR *out, size_t chars, size_t *len)
{
    return query_string(h, OBJECT_NAME_INFORMATION, out, chars, len);
}
