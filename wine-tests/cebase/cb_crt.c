/*
 * cb_crt.c - CE's CRT as the forced include gives it: swprintf without a
 * count, %s wide and %S narrow in every wide printf, <stdio.h> and
 * <stdlib.h> without an include; the counted C99 form still works.
 */
#include "cetest.h"

#include <ceshim.h>

#include <stdarg.h>
#include <string.h>

static int ce_vformat(WCHAR *buf, const WCHAR *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vswprintf(buf, fmt, ap);
    va_end(ap);
    return n;
}

CETEST(cb_crt, swprintf_without_count_and_wide_s)
{
    WCHAR buf[64];
    CHECK_INT_EQ(swprintf(buf, L"%s-%S-%d", L"wide", "narrow", 7), 13);
    CHECK_WSTR_EQ(buf, L"wide-narrow-7");
    const WCHAR *fmt = L"[%s]";
    CHECK_INT_EQ(swprintf(buf, fmt, L"c"), 3);
    CHECK_WSTR_EQ(buf, L"[c]");
    CHECK_INT_EQ(ce_vformat(buf, L"%s=%u", L"v", 5u), 3);
    CHECK_WSTR_EQ(buf, L"v=5");
}

CETEST(cb_crt, counted_swprintf_keeps_c99)
{
    WCHAR buf[8];
    CHECK_INT_EQ(swprintf(buf, 8, L"%ls", L"abc"), 3);
    CHECK_WSTR_EQ(buf, L"abc");
    /* Exactly mingw's own function (the name in parentheses is not the macro). */
    WCHAR mingw[8];
    CHECK_INT_EQ(swprintf(buf, 4, L"%ls", L"toolong"), (swprintf)(mingw, 4, L"%ls", L"toolong"));
    CHECK_MEM_EQ(buf, mingw, 4 * sizeof(WCHAR));
}

CETEST(cb_crt, wsprintf_and_stdlib)
{
    WCHAR buf[64];
    CHECK_INT_EQ(wsprintfW(buf, L"%s %d", L"x", 12), 4);
    CHECK_WSTR_EQ(buf, L"x 12");
    char *end;
    CHECK_EQ(strtoul("0x10", &end, 0), 16); /* <stdlib.h> came with the forced include */
}
