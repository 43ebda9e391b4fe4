/*
 * testsvc.c - the CE service DLL the services tests drive, written as CE
 * code (CE entry points, <service.h>, <pkfuncs.h>). Built once per prefix:
 * -DTSVC_PREFIX=TSA gives tsa.dll exporting TSA_Init, TSA_IOControl, ...
 * (testsvc.def.in), eight times over (TSA ... TSH), so tests running in
 * parallel each have their own. Its IOCTLs and counters are described in
 * testsvc_ioctl.h.
 *
 * Open contexts are table slot numbers (1..TSVC_MAX_OPENS), never pointers:
 * CE's entry points carry contexts as DWORD, which cannot hold a 64-bit
 * pointer.
 *
 * Locking: one critical section guards all state; blocked calls sleep on
 * one condition variable and re-check their own release conditions.
 */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <service.h>
#include <pkfuncs.h>
#include <string.h>

#include "testsvc_ioctl.h"

#ifndef TSVC_PREFIX
#error "build with -DTSVC_PREFIX=<3-letter prefix>"
#endif
#define TSVC_CAT2(a, b) a##b
#define TSVC_CAT(a, b) TSVC_CAT2(a, b)
/* TSVC_ENTRY(_Init) -> TSA_Init */
#define TSVC_ENTRY(name) TSVC_CAT(TSVC_PREFIX, name)

/* Why an open's blocked calls must leave (first reason wins). */
enum { ABORT_NONE, ABORT_PSL, ABORT_CLOSE };

struct open_slot {
    BOOL used;
    BOOL closed;          /* xxx_Close done; freed once no call is blocked on it */
    DWORD abort_reason;   /* ABORT_*: set by PSL notify, PreClose, Close, Deinit */
    DWORD blocked;        /* TSVC_BLOCK calls on this open right now */
    DWORD opener_pid;
};

static CRITICAL_SECTION g_lock; /* guards everything below */
static CONDITION_VARIABLE g_wake; /* signalled whenever a blocked call may leave */
static struct open_slot g_opens[TSVC_MAX_OPENS];
static struct tsvc_stats g_stats;
static DWORD g_release_generation; /* bumped by TSVC_RELEASE_ALL */
static BOOL g_refuse_deinit;
static DWORD g_refuse_ports;
static DWORD g_state = SERVICE_STATE_ON;

BOOL WINAPI DllMain(HINSTANCE hinstDLL, DWORD dwReason, LPVOID lpvReserved)
{
    if (dwReason == DLL_PROCESS_ATTACH) {
        DisableThreadLibraryCalls(hinstDLL);
        InitializeCriticalSection(&g_lock);
        InitializeConditionVariable(&g_wake);
    } else if (dwReason == DLL_PROCESS_DETACH && lpvReserved == NULL) {
        /* FreeLibrary, not process exit (other threads may still hold it then) */
        DeleteCriticalSection(&g_lock);
    }
    return TRUE;
}

/* The slot of a live open context, or NULL (counted as a bad context);
 * caller holds g_lock. */
static struct open_slot *lookup_locked(DWORD dwOpen)
{
    if (dwOpen >= 1 && dwOpen <= TSVC_MAX_OPENS && g_opens[dwOpen - 1].used && !g_opens[dwOpen - 1].closed)
        return &g_opens[dwOpen - 1];
    g_stats.bad_contexts++;
    return NULL;
}

static BOOL valid_open(DWORD dwOpen)
{
    BOOL ok;

    EnterCriticalSection(&g_lock);
    ok = lookup_locked(dwOpen) != NULL;
    LeaveCriticalSection(&g_lock);
    if (!ok)
        SetLastError(ERROR_INVALID_HANDLE);
    return ok;
}

static void abort_locked(struct open_slot *s, DWORD reason)
{
    if (s->abort_reason == ABORT_NONE)
        s->abort_reason = reason;
    WakeAllConditionVariable(&g_wake);
}

static void abort_all_locked(void)
{
    DWORD i;

    for (i = 0; i < TSVC_MAX_OPENS; i++)
        if (g_opens[i].used)
            abort_locked(&g_opens[i], ABORT_CLOSE);
}

/* A closed slot is reused only once its last blocked call has left. */
static void free_if_done_locked(struct open_slot *s)
{
    if (s->closed && s->blocked == 0)
        memset(s, 0, sizeof(*s));
}

DWORD TSVC_ENTRY(_Init)(DWORD dwData)
{
    DWORD n;

    EnterCriticalSection(&g_lock);
    n = ++g_stats.inits;
    g_stats.last_init_context = dwData;
    g_stats.init_thread_id = GetCurrentThreadId();
    LeaveCriticalSection(&g_lock);
    if (dwData == TSVC_INIT_FAIL_CONTEXT)
        return 0;
    return TSVC_INIT_RESULT_BASE + n;
}

BOOL TSVC_ENTRY(_PreDeinit)(DWORD dwData)
{
    (void)dwData;
    EnterCriticalSection(&g_lock);
    g_stats.predeinits++;
    abort_all_locked();
    LeaveCriticalSection(&g_lock);
    return TRUE;
}

BOOL TSVC_ENTRY(_Deinit)(DWORD dwData)
{
    EnterCriticalSection(&g_lock);
    g_stats.deinits++;
    g_stats.last_deinit_context = dwData;
    g_stats.deinit_thread_id = GetCurrentThreadId();
    abort_all_locked();
    LeaveCriticalSection(&g_lock);
    return TRUE;
}

DWORD TSVC_ENTRY(_Open)(DWORD dwData, DWORD dwAccess, DWORD dwShareMode)
{
    DWORD i;

    EnterCriticalSection(&g_lock);
    g_stats.last_open_data = dwData;
    g_stats.last_open_access = dwAccess;
    g_stats.last_open_share = dwShareMode;
    if (dwAccess == TSVC_OPEN_FAIL_ACCESS) {
        g_stats.open_refused++;
        LeaveCriticalSection(&g_lock);
        SetLastError(ERROR_ACCESS_DENIED);
        return 0;
    }
    for (i = 0; i < TSVC_MAX_OPENS && g_opens[i].used; i++)
        ;
    if (i == TSVC_MAX_OPENS) {
        LeaveCriticalSection(&g_lock);
        SetLastError(ERROR_TOO_MANY_OPEN_FILES);
        return 0;
    }
    g_opens[i].used = TRUE;
    g_opens[i].opener_pid = (DWORD)(ULONG_PTR)GetCallerProcess();
    g_stats.opens++;
    g_stats.open_now++;
    LeaveCriticalSection(&g_lock);
    return i + 1;
}

BOOL TSVC_ENTRY(_PreClose)(DWORD dwOpen)
{
    struct open_slot *s;

    EnterCriticalSection(&g_lock);
    s = lookup_locked(dwOpen);
    if (s != NULL) {
        g_stats.preclose++;
        abort_locked(s, ABORT_CLOSE);
    }
    LeaveCriticalSection(&g_lock);
    if (s == NULL)
        SetLastError(ERROR_INVALID_HANDLE);
    return s != NULL;
}

BOOL TSVC_ENTRY(_Close)(DWORD dwOpen)
{
    struct open_slot *s;

    EnterCriticalSection(&g_lock);
    s = lookup_locked(dwOpen);
    if (s != NULL) {
        g_stats.closes++;
        g_stats.open_now--;
        abort_locked(s, ABORT_CLOSE);
        s->closed = TRUE;
        free_if_done_locked(s);
    }
    LeaveCriticalSection(&g_lock);
    if (s == NULL)
        SetLastError(ERROR_INVALID_HANDLE);
    return s != NULL;
}

DWORD TSVC_ENTRY(_Read)(DWORD dwOpen, LPVOID pBuf, DWORD dwLen)
{
    BYTE *p = (BYTE *)pBuf;
    DWORD i;

    if (!valid_open(dwOpen))
        return (DWORD)-1;
    if (p == NULL && dwLen != 0) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return (DWORD)-1;
    }
    for (i = 0; i < dwLen; i++)
        p[i] = TSVC_READ_BYTE(i);
    EnterCriticalSection(&g_lock);
    g_stats.bytes_read += dwLen;
    LeaveCriticalSection(&g_lock);
    return dwLen;
}

DWORD TSVC_ENTRY(_Write)(DWORD dwOpen, LPCVOID pBuf, DWORD dwLen)
{
    (void)pBuf;
    if (!valid_open(dwOpen))
        return (DWORD)-1;
    EnterCriticalSection(&g_lock);
    g_stats.bytes_written += dwLen;
    LeaveCriticalSection(&g_lock);
    return dwLen;
}

DWORD TSVC_ENTRY(_Seek)(DWORD dwOpen, long pos, DWORD type)
{
    if (!valid_open(dwOpen))
        return (DWORD)-1;
    if (type > 2) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return (DWORD)-1;
    }
    return (DWORD)(pos + TSVC_SEEK_OFFSET);
}

/* Out a small fixed-size result; too small -> ERROR_INSUFFICIENT_BUFFER
 * with *pdwActualOut = the size needed. */
static BOOL put_out(const void *src, DWORD len, PBYTE pBufOut, DWORD dwLenOut, PDWORD pdwActualOut)
{
    if (pdwActualOut != NULL)
        *pdwActualOut = len;
    if (dwLenOut < len || (len > 0 && pBufOut == NULL)) {
        SetLastError(ERROR_INSUFFICIENT_BUFFER);
        return FALSE;
    }
    if (len > 0)
        memcpy(pBufOut, src, len);
    return TRUE;
}

/* A DWORD input, or FALSE with ERROR_INVALID_PARAMETER. */
static BOOL get_dword(const BYTE *pBufIn, DWORD dwLenIn, DWORD *value)
{
    if (pBufIn == NULL || dwLenIn < sizeof(DWORD)) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    memcpy(value, pBufIn, sizeof(DWORD));
    return TRUE;
}

static BOOL do_block(DWORD dwOpen, const BYTE *pBufIn, DWORD dwLenIn)
{
    struct open_slot *s;
    DWORD timeout = TSVC_BLOCK_MAX_MS, generation, error = ERROR_TIMEOUT;
    ULONGLONG deadline, now;
    BOOL released_all = FALSE;

    if (pBufIn != NULL && dwLenIn >= sizeof(DWORD)) {
        memcpy(&timeout, pBufIn, sizeof(DWORD));
        if (timeout > TSVC_BLOCK_MAX_MS)
            timeout = TSVC_BLOCK_MAX_MS;
    }
    deadline = GetTickCount64() + timeout;
    EnterCriticalSection(&g_lock);
    s = lookup_locked(dwOpen);
    if (s == NULL) {
        LeaveCriticalSection(&g_lock);
        SetLastError(ERROR_INVALID_HANDLE);
        return FALSE;
    }
    generation = g_release_generation;
    s->blocked++;
    g_stats.blocked_now++;
    for (;;) {
        if (s->abort_reason != ABORT_NONE) {
            error = ERROR_OPERATION_ABORTED;
            if (s->abort_reason == ABORT_PSL)
                g_stats.released_by_psl++;
            else
                g_stats.released_by_close++;
            break;
        }
        if (g_release_generation != generation) {
            released_all = TRUE;
            g_stats.released_by_all++;
            break;
        }
        now = GetTickCount64();
        if (now >= deadline) {
            g_stats.block_timeouts++;
            break;
        }
        SleepConditionVariableCS(&g_wake, &g_lock, (DWORD)(deadline - now));
    }
    s->blocked--;
    g_stats.blocked_now--;
    free_if_done_locked(s);
    LeaveCriticalSection(&g_lock);
    if (released_all)
        return TRUE;
    SetLastError(error);
    return FALSE;
}

/* IOCTL_PSL_NOTIFY: the process owning this open is exiting. */
/* A super service's port: NULL is the host's "are you one?" probe. */
static BOOL register_sockaddr(const BYTE *pBufIn, DWORD dwLenIn)
{
    BOOL ok = TRUE;
    EnterCriticalSection(&g_lock);
    if (!pBufIn) {
        g_stats.sockaddr_probes++;
    } else if (g_refuse_ports) {
        ok = FALSE;
    } else {
        g_stats.sockaddr_registers++;
        /* The port is at offset 2 in both SOCKADDR_IN and SOCKADDR_IN6. */
        if (dwLenIn >= 4)
            g_stats.last_port = (DWORD)((pBufIn[2] << 8) | pBufIn[3]);
    }
    LeaveCriticalSection(&g_lock);
    if (!ok)
        SetLastError(ERROR_ACCESS_DENIED);
    return ok;
}

/* The service owns an accepted socket: greet and close it. */
static BOOL greet_connection(const BYTE *pBufIn, DWORD dwLenIn)
{
    SOCKET s;
    if (!pBufIn || dwLenIn != sizeof(s)) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    memcpy(&s, pBufIn, sizeof(s));
    send(s, TSVC_GREETING, (int)strlen(TSVC_GREETING), 0);
    shutdown(s, SD_SEND);
    closesocket(s);
    EnterCriticalSection(&g_lock);
    g_stats.connections++;
    LeaveCriticalSection(&g_lock);
    return TRUE;
}

static BOOL do_psl_notify(DWORD dwOpen, const BYTE *pBufIn, DWORD dwLenIn)
{
    DEVICE_PSL_NOTIFY n;
    struct open_slot *s;

    if (pBufIn == NULL || dwLenIn != sizeof(n)) {
        EnterCriticalSection(&g_lock);
        g_stats.psl_bad++;
        LeaveCriticalSection(&g_lock);
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    memcpy(&n, pBufIn, sizeof(n));
    EnterCriticalSection(&g_lock);
    if (n.dwSize != sizeof(n) || (n.dwFlags != DLL_PROCESS_EXITING && n.dwFlags != DLL_PROCESS_DETACH)) {
        g_stats.psl_bad++;
        LeaveCriticalSection(&g_lock);
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    s = lookup_locked(dwOpen);
    if (s != NULL) {
        g_stats.psl_notifies++;
        g_stats.last_psl_pid = (DWORD)(ULONG_PTR)n.hProc;
        g_stats.last_psl_tid = (DWORD)(ULONG_PTR)n.hThread;
        g_stats.last_psl_flags = n.dwFlags;
        g_stats.last_psl_context = dwOpen;
        abort_locked(s, ABORT_PSL);
    }
    LeaveCriticalSection(&g_lock);
    if (s == NULL)
        SetLastError(ERROR_INVALID_HANDLE);
    return s != NULL;
}

static BOOL do_echo(const BYTE *pBufIn, DWORD dwLenIn, PBYTE pBufOut, DWORD dwLenOut, PDWORD pdwActualOut)
{
    if (pBufIn == NULL && dwLenIn != 0) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    return put_out(pBufIn, dwLenIn, pBufOut, dwLenOut, pdwActualOut);
}

static BOOL do_fill(const BYTE *pBufIn, DWORD dwLenIn, PBYTE pBufOut, DWORD dwLenOut, PDWORD pdwActualOut)
{
    struct tsvc_fill f;
    DWORD n;

    if (pBufIn == NULL || dwLenIn < TSVC_FILL_MIN_IN || (pBufOut == NULL && dwLenOut != 0)) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    memset(&f, 0, sizeof(f));
    memcpy(&f, pBufIn, dwLenIn < sizeof(f) ? dwLenIn : sizeof(f));
    n = f.count < dwLenOut ? f.count : dwLenOut;
    if (n > 0)
        memset(pBufOut, f.value, n);
    if (pdwActualOut != NULL)
        *pdwActualOut = n;
    return TRUE;
}

static BOOL do_sum(const BYTE *pBufIn, DWORD dwLenIn, PBYTE pBufOut, DWORD dwLenOut, PDWORD pdwActualOut)
{
    DWORD sum = 0, i;

    if (pBufIn == NULL && dwLenIn != 0) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    for (i = 0; i < dwLenIn; i++)
        sum += pBufIn[i];
    return put_out(&sum, sizeof(sum), pBufOut, dwLenOut, pdwActualOut);
}

/* dwOpen is the open context for DeviceIoControl on a handle; the host may
 * send service-wide controls with the Init context, so only the calls that
 * concern one open (TSVC_BLOCK, IOCTL_PSL_NOTIFY, TSVC_WHOAMI) look at it. */
BOOL TSVC_ENTRY(_IOControl)(DWORD dwOpen, DWORD dwCode, PBYTE pBufIn, DWORD dwLenIn, PBYTE pBufOut, DWORD dwLenOut,
                            PDWORD pdwActualOut)
{
    static const WCHAR help[] = TSVC_HELP_TEXT;
    struct tsvc_caller caller;
    struct tsvc_whoami who;
    struct tsvc_stats stats;
    DWORD value, i;

    switch (dwCode) {
    case TSVC_ECHO:
        return do_echo(pBufIn, dwLenIn, pBufOut, dwLenOut, pdwActualOut);
    case TSVC_FILL:
        return do_fill(pBufIn, dwLenIn, pBufOut, dwLenOut, pdwActualOut);
    case TSVC_SUM:
        return do_sum(pBufIn, dwLenIn, pBufOut, dwLenOut, pdwActualOut);
    case TSVC_FAIL:
        if (get_dword(pBufIn, dwLenIn, &value))
            SetLastError(value);
        return FALSE;
    case TSVC_CALLER:
        caller.caller_pid = (DWORD)(ULONG_PTR)GetCallerProcess();
        caller.direct_caller_pid = GetDirectCallerProcessId();
        return put_out(&caller, sizeof(caller), pBufOut, dwLenOut, pdwActualOut);
    case TSVC_BLOCK:
        return do_block(dwOpen, pBufIn, dwLenIn);
    case TSVC_RELEASE_ALL:
        EnterCriticalSection(&g_lock);
        value = g_stats.blocked_now;
        g_release_generation++;
        WakeAllConditionVariable(&g_wake);
        LeaveCriticalSection(&g_lock);
        if (pBufOut != NULL && dwLenOut >= sizeof(DWORD))
            return put_out(&value, sizeof(value), pBufOut, dwLenOut, pdwActualOut);
        return TRUE;
    case TSVC_STATS:
        EnterCriticalSection(&g_lock);
        stats = g_stats;
        LeaveCriticalSection(&g_lock);
        return put_out(&stats, sizeof(stats), pBufOut, dwLenOut, pdwActualOut);
    case TSVC_SET_REFUSE_DEINIT:
        if (!get_dword(pBufIn, dwLenIn, &value))
            return FALSE;
        EnterCriticalSection(&g_lock);
        g_refuse_deinit = value != 0;
        LeaveCriticalSection(&g_lock);
        return TRUE;
    case TSVC_SLEEP:
        if (!get_dword(pBufIn, dwLenIn, &value))
            return FALSE;
        Sleep(value < TSVC_BLOCK_MAX_MS ? value : TSVC_BLOCK_MAX_MS);
        return TRUE;
    case TSVC_EXIT_HOST:
        if (!get_dword(pBufIn, dwLenIn, &value))
            return FALSE;
        TerminateProcess(GetCurrentProcess(), value);
        return FALSE;
    case TSVC_WHOAMI:
        who.open_context = dwOpen;
        who.opener_pid = 0;
        EnterCriticalSection(&g_lock);
        i = dwOpen - 1;
        if (dwOpen >= 1 && dwOpen <= TSVC_MAX_OPENS && g_opens[i].used)
            who.opener_pid = g_opens[i].opener_pid;
        LeaveCriticalSection(&g_lock);
        return put_out(&who, sizeof(who), pBufOut, dwLenOut, pdwActualOut);
    case TSVC_HOST: {
        struct tsvc_host host = { GetCurrentProcessId(), (DWORD)(sizeof(void *) * 8) };
        return put_out(&host, sizeof(host), pBufOut, dwLenOut, pdwActualOut);
    }
    case IOCTL_PSL_NOTIFY:
        return do_psl_notify(dwOpen, pBufIn, dwLenIn);
    case IOCTL_SERVICE_STATUS:
        EnterCriticalSection(&g_lock);
        value = g_state;
        LeaveCriticalSection(&g_lock);
        return put_out(&value, sizeof(value), pBufOut, dwLenOut, pdwActualOut);
    case IOCTL_SERVICE_START:
    case IOCTL_SERVICE_STOP:
        EnterCriticalSection(&g_lock);
        g_state = dwCode == IOCTL_SERVICE_START ? SERVICE_STATE_ON : SERVICE_STATE_OFF;
        LeaveCriticalSection(&g_lock);
        return TRUE;
    case IOCTL_SERVICE_REGISTER_SOCKADDR:
        return register_sockaddr(pBufIn, dwLenIn);
    case IOCTL_SERVICE_DEREGISTER_SOCKADDR:
        EnterCriticalSection(&g_lock);
        if (pBufIn)
            g_stats.sockaddr_deregisters++;
        else
            g_stats.deregister_all++;
        LeaveCriticalSection(&g_lock);
        return TRUE;
    case IOCTL_SERVICE_STARTED:
        EnterCriticalSection(&g_lock);
        g_stats.started++;
        LeaveCriticalSection(&g_lock);
        return TRUE;
    case IOCTL_SERVICE_CONNECTION:
        return greet_connection(pBufIn, dwLenIn);
    case TSVC_SET_REFUSE_PORTS:
        if (dwLenIn < sizeof(DWORD) || !pBufIn) {
            SetLastError(ERROR_INVALID_PARAMETER);
            return FALSE;
        }
        EnterCriticalSection(&g_lock);
        memcpy(&g_refuse_ports, pBufIn, sizeof(DWORD));
        LeaveCriticalSection(&g_lock);
        return TRUE;
    case IOCTL_SERVICE_REFRESH:
        return TRUE;
    case IOCTL_SERVICE_QUERY_CAN_DEINIT:
        EnterCriticalSection(&g_lock);
        g_stats.can_deinit_queries++;
        value = g_refuse_deinit;
        LeaveCriticalSection(&g_lock);
        if (value && pBufOut != NULL && dwLenOut >= sizeof(DWORD)) {
            value = 0; /* 0 in the out DWORD refuses the unload */
            memcpy(pBufOut, &value, sizeof(value));
            if (pdwActualOut != NULL)
                *pdwActualOut = sizeof(value);
        }
        return TRUE;
    case IOCTL_SERVICE_COMMAND_LINE_HELP:
        return put_out(help, sizeof(help), pBufOut, dwLenOut, pdwActualOut);
    default:
        SetLastError(ERROR_NOT_SUPPORTED);
        return FALSE;
    }
}
