/*
 * pipe_driver.c - a small CE stream driver (PIP1:) that joins a writer and
 * a reader, usually two different processes: WriteFile appends to the
 * pipe, ReadFile blocks until there are bytes. A reader is released when
 * its handle closes (PIP_PreClose), when its process dies (IOCTL_PSL_NOTIFY)
 * or when the driver is deactivated (PIP_PreDeinit).
 *
 * Plain CE driver code: entry points are plain C functions exported by the
 * .def, contexts are small numbers (never pointers cast to DWORD, which
 * 64-bit hosts would truncate). Loaded by ActivateDevice(L"Drivers\\SamplePipe").
 */
#include <windows.h>
#include <pkfuncs.h>
#include <string.h>

#define PIPE_BYTES 4096
#define OPENS_MAX 16
#define DEVICE_CONTEXT 0x5050u /* one instance: any non-zero value */

struct pipe_open {
    BOOL used, aborted;
};

static CRITICAL_SECTION lock;
static CONDITION_VARIABLE changed;
static BYTE pipe[PIPE_BYTES];
static DWORD pipe_len;
static BOOL loaded, dying;
static struct pipe_open opens[OPENS_MAX]; /* open context = index + 1 */

DWORD PIP_Init(LPCWSTR active_key, LPCVOID bus_context);
BOOL PIP_PreDeinit(DWORD dev);
BOOL PIP_Deinit(DWORD dev);
DWORD PIP_Open(DWORD dev, DWORD access, DWORD share);
BOOL PIP_PreClose(DWORD open);
BOOL PIP_Close(DWORD open);
DWORD PIP_Read(DWORD open, LPVOID buffer, DWORD count);
DWORD PIP_Write(DWORD open, LPCVOID buffer, DWORD count);
BOOL PIP_IOControl(DWORD open, DWORD code, PBYTE in, DWORD in_len, PBYTE out, DWORD out_len, PDWORD actual);

BOOL WINAPI DllMain(HINSTANCE dll, DWORD reason, LPVOID reserved)
{
    (void)dll;
    (void)reserved;
    if (reason == DLL_PROCESS_ATTACH) {
        InitializeCriticalSection(&lock);
        InitializeConditionVariable(&changed);
    }
    return TRUE;
}

static struct pipe_open *open_of(DWORD open)
{
    return open >= 1 && open <= OPENS_MAX && opens[open - 1].used ? &opens[open - 1] : NULL;
}

DWORD PIP_Init(LPCWSTR active_key, LPCVOID bus_context)
{
    (void)active_key; /* "Drivers\Active\NN": a driver may read its settings there */
    (void)bus_context;
    EnterCriticalSection(&lock);
    DWORD ctx = loaded ? 0 : DEVICE_CONTEXT; /* one instance only */
    if (ctx) {
        loaded = TRUE;
        dying = FALSE;
        pipe_len = 0;
        memset(opens, 0, sizeof(opens));
    }
    LeaveCriticalSection(&lock);
    return ctx;
}

BOOL PIP_PreDeinit(DWORD dev)
{
    EnterCriticalSection(&lock);
    dying = TRUE; /* every blocked reader returns */
    WakeAllConditionVariable(&changed);
    LeaveCriticalSection(&lock);
    return dev == DEVICE_CONTEXT;
}

BOOL PIP_Deinit(DWORD dev)
{
    EnterCriticalSection(&lock);
    loaded = FALSE;
    LeaveCriticalSection(&lock);
    return dev == DEVICE_CONTEXT;
}

DWORD PIP_Open(DWORD dev, DWORD access, DWORD share)
{
    (void)access;
    (void)share;
    DWORD ctx = 0;
    EnterCriticalSection(&lock);
    for (DWORD i = 0; dev == DEVICE_CONTEXT && !dying && i < OPENS_MAX && !ctx; i++)
        if (!opens[i].used) {
            opens[i].used = TRUE;
            opens[i].aborted = FALSE;
            ctx = i + 1;
        }
    LeaveCriticalSection(&lock);
    if (!ctx)
        SetLastError(ERROR_TOO_MANY_OPEN_FILES);
    return ctx;
}

BOOL PIP_PreClose(DWORD open)
{
    EnterCriticalSection(&lock);
    struct pipe_open *o = open_of(open);
    if (o)
        o->aborted = TRUE; /* a Read blocked on this handle returns */
    WakeAllConditionVariable(&changed);
    LeaveCriticalSection(&lock);
    return o != NULL;
}

BOOL PIP_Close(DWORD open)
{
    EnterCriticalSection(&lock);
    struct pipe_open *o = open_of(open);
    if (o)
        o->used = FALSE;
    LeaveCriticalSection(&lock);
    return o != NULL;
}

DWORD PIP_Read(DWORD open, LPVOID buffer, DWORD count)
{
    DWORD got = (DWORD)-1;
    EnterCriticalSection(&lock);
    struct pipe_open *o = open_of(open);
    while (o && !pipe_len && !o->aborted && !dying)
        SleepConditionVariableCS(&changed, &lock, INFINITE);
    if (o && pipe_len) {
        got = count < pipe_len ? count : pipe_len;
        memcpy(buffer, pipe, got);
        memmove(pipe, pipe + got, pipe_len - got);
        pipe_len -= got;
    } else {
        SetLastError(ERROR_OPERATION_ABORTED);
    }
    LeaveCriticalSection(&lock);
    return got;
}

DWORD PIP_Write(DWORD open, LPCVOID buffer, DWORD count)
{
    DWORD put = (DWORD)-1;
    EnterCriticalSection(&lock);
    if (open_of(open)) {
        put = count < PIPE_BYTES - pipe_len ? count : PIPE_BYTES - pipe_len;
        memcpy(pipe + pipe_len, buffer, put);
        pipe_len += put;
        WakeAllConditionVariable(&changed);
    }
    LeaveCriticalSection(&lock);
    return put;
}

BOOL PIP_IOControl(DWORD open, DWORD code, PBYTE in, DWORD in_len, PBYTE out, DWORD out_len, PDWORD actual)
{
    (void)out;
    (void)out_len;
    (void)actual;
    if (code == IOCTL_PSL_NOTIFY) {
        /* The process holding this handle is exiting: release its reads. */
        DEVICE_PSL_NOTIFY n;
        if (!in || in_len != sizeof(n))
            return FALSE;
        memcpy(&n, in, sizeof(n));
        if (n.dwSize != sizeof(n) || n.dwFlags != DLL_PROCESS_EXITING)
            return FALSE;
        return PIP_PreClose(open);
    }
    SetLastError(ERROR_NOT_SUPPORTED);
    return FALSE;
}
