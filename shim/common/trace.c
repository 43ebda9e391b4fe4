/*
 * trace.c - the CESHIM_TRACE sink. Lines are written with one WriteFile so
 * that lines from several threads or processes sharing a stderr don't mix.
 */
#include "common/trace.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int ceshim_trace_sink = CESHIM_TRACE_OFF;

void ceshim_trace_init(void)
{
    char value[32];
    DWORD saved = GetLastError();
    DWORD n = GetEnvironmentVariableA("CESHIM_TRACE", value, sizeof(value));
    if (n == 0 || n >= sizeof(value) || strcmp(value, "0") == 0)
        ceshim_trace_sink = CESHIM_TRACE_OFF;
    else if (_stricmp(value, "debug") == 0)
        ceshim_trace_sink = CESHIM_TRACE_DEBUGGER;
    else
        ceshim_trace_sink = CESHIM_TRACE_STDERR;
    SetLastError(saved);
}

void ceshim_trace_write(const char *fmt, ...)
{
    DWORD error = GetLastError();
    char line[1024];
    int prefix = snprintf(line, sizeof(line), "ceshim[%lu:%lu] ", GetCurrentProcessId(),
                          GetCurrentThreadId());
    va_list ap;
    va_start(ap, fmt);
    int body = vsnprintf(line + prefix, sizeof(line) - (size_t)prefix, fmt, ap);
    va_end(ap);
    size_t used = (size_t)prefix + (body > 0 ? (size_t)body : 0);
    if (used > sizeof(line) - 32)
        used = sizeof(line) - 32; /* truncated argument text; keep the error */
    used += (size_t)snprintf(line + used, sizeof(line) - used, ", error %lu\n", error);

    if (ceshim_trace_sink == CESHIM_TRACE_DEBUGGER) {
        OutputDebugStringA(line);
    } else {
        HANDLE err = GetStdHandle(STD_ERROR_HANDLE);
        DWORD written;
        if (err && err != INVALID_HANDLE_VALUE)
            WriteFile(err, line, (DWORD)used, &written, NULL);
    }
    SetLastError(error);
}
