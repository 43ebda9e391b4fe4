/*
 * names.c - escaping CE object names into desktop kernel object names.
 */
#include "common/names.h"
#include "common/ntobject.h"

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

BOOL ceshim_base_from_handle(HANDLE h, WCHAR *base, WCHAR *suffix, size_t suffix_chars)
{
    WCHAR name[CESHIM_BASE_MAX + 64];
    size_t chars;
    if (!ceshim_handle_kernel_name(h, name, sizeof(name) / sizeof(name[0]), &chars) || chars == 0)
        return FALSE;
    /* "\Sessions\N\BaseNamedObjects\ceshim.2.x.y.r" (or "\BaseNamedObjects\..."). */
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
