/*
 * dbgzones.c - dbgapi.h on desktop: NKDbgPrintfW and RegisterDbgZones.
 *
 * NKDbgPrintfW formats with Microsoft's semantics (%s wide, %S narrow, as
 * on CE) and writes the text to the debugger; with CESHIM_DEBUGMSG set to
 * anything but 0 also to stderr (one WriteFile, UTF-8 or the console).
 */
#include <ceshim.h>

#include <stdarg.h>
#include <string.h>
#include <wchar.h>

#include "common/trace.h"

#define LINE_CHARS 1024

/* Read at each call: debug output is not a hot path, and a program may
 * turn it on for a part of its run. */
static BOOL want_stderr(void)
{
    char value[16];
    DWORD n = GetEnvironmentVariableA("CESHIM_DEBUGMSG", value, sizeof(value));
    return n > 0 && n < sizeof(value) && strcmp(value, "0") != 0;
}

static void write_stderr(const WCHAR *text, int chars)
{
    HANDLE err = GetStdHandle(STD_ERROR_HANDLE);
    DWORD mode, written;
    if (!err || err == INVALID_HANDLE_VALUE)
        return;
    if (GetConsoleMode(err, &mode)) {
        WriteConsoleW(err, text, (DWORD)chars, &written, NULL);
        return;
    }
    char bytes[LINE_CHARS * 3];
    int n = WideCharToMultiByte(CP_UTF8, 0, text, chars, bytes, sizeof(bytes), NULL, NULL);
    if (n > 0)
        WriteFile(err, bytes, (DWORD)n, &written, NULL);
}

void NKDbgPrintfW(LPCWSTR lpszFmt, ...)
{
    DWORD error = GetLastError();
    WCHAR line[LINE_CHARS];
    if (!lpszFmt)
        return;
    va_list ap;
    va_start(ap, lpszFmt);
    int chars = _vsnwprintf(line, LINE_CHARS - 1, lpszFmt, ap);
    va_end(ap);
    if (chars < 0 || chars >= LINE_CHARS - 1)
        chars = LINE_CHARS - 1; /* truncated: keep what fits */
    line[chars] = 0;
    OutputDebugStringW(line);
    if (want_stderr())
        write_stderr(line, chars);
    SetLastError(error);
}

/* CESHIM_ZONES_<name>, then HKLM\DebugZones\<name>: the module's mask. */
static BOOL zone_override(const WCHAR *name, DWORD *mask)
{
    WCHAR var[64] = L"CESHIM_ZONES_", value[32];
    size_t prefix = wcslen(var), len = wcsnlen(name, 31);
    if (len == 0)
        return FALSE;
    memcpy(var + prefix, name, len * sizeof(WCHAR));
    var[prefix + len] = 0;
    DWORD n = GetEnvironmentVariableW(var, value, 32);
    if (n > 0 && n < 32) {
        WCHAR *end;
        unsigned long v = wcstoul(value, &end, 0);
        if (end != value && *end == 0) {
            *mask = (DWORD)v;
            return TRUE;
        }
    }
    WCHAR value_name[32];
    memcpy(value_name, name, len * sizeof(WCHAR));
    value_name[len] = 0;
    DWORD data, size = sizeof(data), type;
    HKEY key;
    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, L"DebugZones", 0, KEY_QUERY_VALUE, &key) != ERROR_SUCCESS)
        return FALSE;
    LONG rc = RegQueryValueExW(key, value_name, NULL, &type, (BYTE *)&data, &size);
    RegCloseKey(key);
    if (rc != ERROR_SUCCESS || type != REG_DWORD || size != sizeof(data))
        return FALSE;
    *mask = data;
    return TRUE;
}

BOOL RegisterDbgZones(HMODULE hMod, LPDBGPARAM lpdbgparam)
{
    (void)hMod;
    BOOL ok = FALSE;
    if (!lpdbgparam) {
        SetLastError(ERROR_INVALID_PARAMETER);
    } else {
        DWORD error = GetLastError(), mask;
        if (zone_override(lpdbgparam->lpszName, &mask))
            lpdbgparam->ulZoneMask = mask;
        SetLastError(error);
        ok = TRUE;
    }
    CESHIM_TRACE("RegisterDbgZones(%p, %p) = %d", (void *)hMod, (void *)lpdbgparam, ok);
    return ok;
}
