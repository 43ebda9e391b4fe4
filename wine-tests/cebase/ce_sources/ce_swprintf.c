/*
 * ce_swprintf.c - CE's CRT: swprintf without a count, %s meaning a wide
 * string in every wide printf, %S a narrow one; wsprintf alongside.
 */
#include <windows.h>

static void log_line(const WCHAR *fmt, ...)
{
    WCHAR line[128];
    va_list ap;
    va_start(ap, fmt);
    vswprintf(line, fmt, ap);
    va_end(ap);
    fwprintf(stdout, L"%s\n", line);
}

int main(void)
{
    WCHAR buf[128];
    int n = swprintf(buf, L"Dll=%s;Prefix=%S", L"C:\\Windows\\ce.dll", "NAR");
    wprintf(L"swprintf: %s (%d)\n", buf, n);
    n = swprintf(buf, 16, L"%ls", L"counted form");
    wprintf(L"counted: %s (%d)\n", buf, n);
    wsprintf(buf, TEXT("wsprintf %s %d"), TEXT("wide"), 42);
    wprintf(L"%s\n", buf);
    log_line(L"vswprintf %s", L"ok");
    return 0;
}
