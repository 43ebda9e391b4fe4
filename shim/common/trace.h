/*
 * trace.h - CESHIM_TRACE: every exported CE call logs its name, arguments,
 * result and last error.
 *
 *   CESHIM_TRACE=1 (or "stderr")  one line per call on the process's stderr
 *   CESHIM_TRACE=debug            the same through OutputDebugStringA
 *   unset, empty or 0             off: one load and one compare per call
 *
 * The setting is read once, when the DLL is loaded.
 */
#ifndef CESHIM_COMMON_TRACE_H
#define CESHIM_COMMON_TRACE_H

#include <windows.h>

enum ceshim_trace_sink { CESHIM_TRACE_OFF = 0, CESHIM_TRACE_STDERR = 1, CESHIM_TRACE_DEBUGGER = 2 };

extern int ceshim_trace_sink;

void ceshim_trace_init(void);
/* Writes one line "ceshim[pid:tid] <formatted>"; keeps the thread's last error. */
void ceshim_trace_write(const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* CESHIM_TRACE("Name(%p, %lu) = %d", ...): appends ", error N" itself. */
#define CESHIM_TRACE(...)                                                      \
    do {                                                                       \
        if (ceshim_trace_sink != CESHIM_TRACE_OFF)                             \
            ceshim_trace_write(__VA_ARGS__);                                   \
    } while (0)

#endif /* CESHIM_COMMON_TRACE_H */
