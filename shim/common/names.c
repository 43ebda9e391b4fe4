/*
 * names.c - escaping CE object names into desktop kernel object names.
 */
#include "common/names.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

static uint64_t fnv1a(const WCHAR *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++) {
        h ^= (uint16_t)*s;
        h *= 1099511628211ull;
    }
    return h;
}

BOOL ceshim_object_base(WCHAR *out, const WCHAR *kind, const WCHAR *name)
{
    int n = _snwprintf(out, CESHIM_BASE_MAX, L"Local\\" CESHIM_LAYOUT_TAG L"%ls.", kind);
    if (n < 0 || n >= CESHIM_BASE_MAX - 20)
        return FALSE;
    size_t pos = (size_t)n;
    for (const WCHAR *c = name; *c; c++) {
        if (pos + 4 >= CESHIM_BASE_MAX) {
            /* Too long: the hash stands for the whole name. */
            _snwprintf(out + n, CESHIM_BASE_MAX - (size_t)n, L"#%016llx", (unsigned long long)fnv1a(name));
            out[CESHIM_BASE_MAX - 1] = 0;
            return TRUE;
        }
        if (*c == L'\\' || *c == L'%' || *c < 0x20) {
            _snwprintf(out + pos, 4, L"%%%02X", (unsigned)*c);
            pos += 3;
        } else {
            out[pos++] = *c;
        }
    }
    out[pos] = 0;
    return TRUE;
}

void ceshim_object_name(WCHAR *out, const WCHAR *base, const WCHAR *suffix)
{
    _snwprintf(out, CESHIM_BASE_MAX + 8, L"%ls%ls", base, suffix);
    out[CESHIM_BASE_MAX + 7] = 0;
}

typedef struct {
    USHORT Length;
    USHORT MaximumLength;
    PWSTR Buffer;
} ceshim_unicode_string;
typedef LONG(WINAPI *nt_query_object_fn)(HANDLE, int, PVOID, ULONG, PULONG);

BOOL ceshim_base_from_handle(HANDLE h, WCHAR *base, WCHAR *suffix, size_t suffix_chars)
{
    static nt_query_object_fn query;
    if (!query) {
        HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
        query = ntdll ? (nt_query_object_fn)(void *)GetProcAddress(ntdll, "NtQueryObject") : NULL;
        if (!query)
            return FALSE;
    }
    union {
        ceshim_unicode_string us;
        WCHAR buf[1024];
    } info;
    ULONG len = 0;
    if (query(h, 1 /* ObjectNameInformation */, &info, sizeof(info), &len) < 0 || !info.us.Buffer)
        return FALSE;
    size_t chars = info.us.Length / sizeof(WCHAR);
    WCHAR name[CESHIM_BASE_MAX + 64];
    if (chars >= sizeof(name) / sizeof(name[0]) - 1)
        return FALSE;
    memcpy(name, info.us.Buffer, chars * sizeof(WCHAR));
    name[chars] = 0;
    /* "\Sessions\N\BaseNamedObjects\ceshim.1.x.y.r" (or "\BaseNamedObjects\..."). */
    const WCHAR *leaf = wcsrchr(name, L'\\');
    leaf = leaf ? leaf + 1 : name;
    if (wcsncmp(leaf, CESHIM_LAYOUT_TAG, wcslen(CESHIM_LAYOUT_TAG)) != 0)
        return FALSE;
    WCHAR *dot = wcsrchr(name, L'.');
    if (!dot || dot < leaf + wcslen(CESHIM_LAYOUT_TAG))
        return FALSE;
    _snwprintf(suffix, suffix_chars, L"%ls", dot);
    suffix[suffix_chars - 1] = 0;
    *dot = 0;
    if (_snwprintf(base, CESHIM_BASE_MAX, L"Local\\%ls", leaf) < 0)
        return FALSE;
    base[CESHIM_BASE_MAX - 1] = 0;
    return TRUE;
}
