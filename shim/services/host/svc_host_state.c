/*
 * svc_host_state.c - the services host's process-wide state: its log, its
 * stop flags, and the stream-driver table devmgr registers
 * (svc_host_state.h). Every other file of the host sits above this one.
 */
#include <windows.h>
#include <stdarg.h>
#include <stdio.h>

#include "common/trace.h"
#include "services/host/svc_host_state.h"

static BOOL verbose;
static HANDLE log_file; /* -l FILE or CESHIM_SERVICES_LOG: NULL if none */
static HANDLE stop_event;
static struct svc_host_block *host_block; /* published once it is filled in */
static HANDLE ready_event;
static volatile LONG stopping;
static const struct svc_driver_model *driver_model;

void svc_host_log(const char *fmt, ...)
{
    if (!verbose && !log_file && ceshim_trace_sink == CESHIM_TRACE_OFF)
        return;
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    _vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    line[sizeof(line) - 1] = 0;
    if (log_file) {
        char out[600];
        SYSTEMTIME t;
        GetSystemTime(&t);
        int n = _snprintf(out, sizeof(out), "%04u-%02u-%02uT%02u:%02u:%02u.%03uZ ceservicesd[%lu]: %s\r\n", t.wYear,
                          t.wMonth, t.wDay, t.wHour, t.wMinute, t.wSecond, t.wMilliseconds,
                          (unsigned long)GetCurrentProcessId(), line);
        if (n < 0 || n >= (int)sizeof(out))
            n = (int)sizeof(out) - 1;
        DWORD written;
        WriteFile(log_file, out, (DWORD)n, &written, NULL); /* one write a line: appends stay whole */
    }
    if (verbose)
        fprintf(stderr, "ceservicesd: %s\n", line);
    if (ceshim_trace_sink != CESHIM_TRACE_OFF)
        ceshim_trace_write("ceservicesd: %s", line);
}

void svc_host_log_verbose(void)
{
    verbose = TRUE;
}

/* Opens the log file for appending (shared: hosts of both bitnesses and
 * successive hosts may write the same file). */
BOOL svc_host_log_open(const WCHAR *path)
{
    log_file = CreateFileW(path, FILE_APPEND_DATA, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                           OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    if (log_file == INVALID_HANDLE_VALUE)
        log_file = NULL;
    return log_file != NULL;
}

HANDLE svc_host_stop_event_create(void)
{
    stop_event = CreateEventW(NULL, TRUE, FALSE, NULL);
    return stop_event;
}

void svc_host_request_shutdown(void)
{
    SetEvent(stop_event);
}

void svc_host_serving(struct svc_host_block *block, HANDLE ready)
{
    host_block = block;
    ready_event = ready;
}

BOOL svc_host_stopping(void)
{
    return InterlockedCompareExchange(&stopping, 0, 0) != 0;
}

void svc_host_stop_serving(void)
{
    InterlockedExchange(&stopping, 1);
    if (host_block)
        host_block->ready = 0;
    if (ready_event)
        ResetEvent(ready_event);
}

void svc_host_set_driver_model(const struct svc_driver_model *model)
{
    driver_model = model;
}

const struct svc_driver_model *svc_host_driver_model(void)
{
    return driver_model;
}
