/* One line on stdout from narrow and wide (ASCII) pieces, for the programs
 * of cmake/tests/msvc-entry.cmake (no CRT is linked: WriteFile only). */
#include <windows.h>

static void put(const char *narrow, const wchar_t *wide, const char *tail, long number)
{
    char line[512];
    DWORD n = 0;
    for (const char *p = narrow; p && *p && n < 200; p++)
        line[n++] = *p;
    for (const wchar_t *p = wide; p && *p && n < 400; p++)
        line[n++] = (char)(*p < 0x80 ? *p : '?');
    for (const char *p = tail; p && *p && n < 480; p++)
        line[n++] = *p;
    if (number >= 0 && n < 480) {
        char digits[16];
        int d = 0;
        do
            digits[d++] = (char)('0' + number % 10);
        while ((number /= 10) > 0 && d < 15);
        line[n++] = ' ';
        while (d > 0)
            line[n++] = digits[--d];
    }
    line[n++] = '\n';
    DWORD written;
    WriteFile(GetStdHandle(STD_OUTPUT_HANDLE), line, n, &written, NULL);
}
