/*
 * echo_service.c - a Windows CE service DLL (prefix ECH), plain CE code,
 * built unchanged against ceshim and hosted by ceservicesd.exe.
 *
 * What it shows:
 *   - the CE service entry points ECH_Init ... ECH_IOControl, __cdecl and
 *     exported undecorated through echo_service.def, as services.exe
 *     (and ceservicesd.exe) look them up by name;
 *   - the standard controls: IOCTL_SERVICE_STATUS, _START, _STOP,
 *     _REFRESH, _COMMAND_LINE_HELP, _QUERY_CAN_DEINIT;
 *   - a stream per open handle: WriteFile stores bytes, ReadFile and
 *     SetFilePointer read them back (ECH_Write / ECH_Read / ECH_Seek);
 *   - IOCTL_ECHO_ECHO: input copied to output;
 *   - a blocking call, IOCTL_ECHO_WAIT, released by IOCTL_PSL_NOTIFY when
 *     the client process dies (psl_demo.c shows it), or by ECH_PreClose /
 *     ECH_Close when another thread closes the handle;
 *   - GetCallerProcess(): which client made a call (logged with
 *     OutputDebugStringW, so it is quiet unless a debugger listens; under
 *     Wine, WINEDEBUG=+debugstr shows it).
 *
 * Registered by echo_service.reg (HKCU\Services\EchoService), opened as
 * ECH0: by echo_client.c and psl_demo.c.
 *
 * Porting point, 64-bit: CE passes the Init and Open contexts as DWORD.
 * 32-bit CE code often returns a pointer to its state cast to DWORD;
 * on 64-bit Windows a pointer does not fit in a DWORD, so that cast
 * truncates it. This service keeps its per-open state in a table and hands
 * out "slot index + 1" as the open context: small, nonzero, and the same
 * on 32 and 64 bits.
 */
#include <windows.h>
#include <service.h>
#include <pkfuncs.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "echo_ioctl.h"

#define ECHO_MAX_OPENS 64  /* open handles served at once */
#define ECHO_MAX_DATA  256 /* bytes a WriteFile keeps per handle */
#define ECHO_INIT_CONTEXT 0xEC40u /* what ECH_Init returns; any nonzero value */

/* Why an open's waiters were released (first reason wins). */
enum { RELEASE_NONE, RELEASE_PSL, RELEASE_CLOSE, RELEASE_DEINIT };

typedef struct {
    BOOL inUse;        /* slot holds an open context */
    BOOL closed;       /* ECH_Close done; the slot is freed when no call uses it */
    DWORD users;       /* calls in progress on this open; they keep the slot alive */
    DWORD releaseReason;
    DWORD pslPid;      /* DEVICE_PSL_NOTIFY.hProc of the releasing notify */
    HANDLE hReleased;  /* manual-reset event, set once the open is released */
    DWORD clientPid;   /* who opened it */
    DWORD dataLen, pos;
    BYTE data[ECHO_MAX_DATA];
} EchoOpen;

static CRITICAL_SECTION g_lock; /* guards everything below */
static EchoOpen g_opens[ECHO_MAX_OPENS];
static DWORD g_state = SERVICE_STATE_UNINITIALIZED;
static DWORD g_releasedByPsl; /* IOCTL_ECHO_WAIT calls ended by IOCTL_PSL_NOTIFY */
static DWORD g_lastPslPid;

static const WCHAR g_help[] =
    L"EchoService (ECH0:): IOCTL_ECHO_ECHO echoes its input; IOCTL_ECHO_WAIT blocks "
    L"until the handle is closed or its process exits; WriteFile/ReadFile keep "
    L"the last 256 bytes written.";

static void EchoLog(const WCHAR *fmt, ...)
{
    WCHAR line[256];
    va_list ap;

    va_start(ap, fmt);
    vswprintf(line, sizeof(line) / sizeof(line[0]), fmt, ap);
    va_end(ap);
    OutputDebugStringW(line);
}

/* The client process of the current call (CE returns its ID as a HANDLE). */
static DWORD CallerPid(void)
{
    return (DWORD)(ULONG_PTR)GetCallerProcess();
}

/* Slot of an open context, or NULL; caller holds g_lock. */
static EchoOpen *LookupOpen(DWORD dwOpen)
{
    if (dwOpen == 0 || dwOpen > ECHO_MAX_OPENS)
        return NULL;
    if (!g_opens[dwOpen - 1].inUse || g_opens[dwOpen - 1].closed)
        return NULL;
    return &g_opens[dwOpen - 1];
}

/* A call starts using an open: the slot stays valid until ReleaseOpen,
 * even if another thread closes the handle meanwhile. */
static EchoOpen *AcquireOpen(DWORD dwOpen)
{
    EchoOpen *o;

    EnterCriticalSection(&g_lock);
    o = LookupOpen(dwOpen);
    if (o != NULL)
        o->users++;
    LeaveCriticalSection(&g_lock);
    if (o == NULL)
        SetLastError(ERROR_INVALID_HANDLE);
    return o;
}

static void FreeOpenLocked(EchoOpen *o)
{
    CloseHandle(o->hReleased);
    memset(o, 0, sizeof(*o));
}

static void ReleaseOpen(EchoOpen *o)
{
    EnterCriticalSection(&g_lock);
    if (--o->users == 0 && o->closed)
        FreeOpenLocked(o);
    LeaveCriticalSection(&g_lock);
}

/* Wake every IOCTL_ECHO_WAIT on this open; caller holds g_lock. */
static void ReleaseWaitersLocked(EchoOpen *o, DWORD reason, DWORD pslPid)
{
    if (o->releaseReason == RELEASE_NONE) {
        o->releaseReason = reason;
        o->pslPid = pslPid;
    }
    SetEvent(o->hReleased);
}

BOOL WINAPI DllMain(HINSTANCE hinstDLL, DWORD dwReason, LPVOID lpvReserved)
{
    if (dwReason == DLL_PROCESS_ATTACH) {
        DisableThreadLibraryCalls(hinstDLL);
        InitializeCriticalSection(&g_lock);
    } else if (dwReason == DLL_PROCESS_DETACH && lpvReserved == NULL) {
        /* FreeLibrary, not process exit (other threads may still hold it then) */
        DeleteCriticalSection(&g_lock);
    }
    return TRUE;
}

/* dwData: the registry's ServiceContext (0 here). The return value is the
 * service context the host passes back to Open and Deinit; 0 = failure. */
DWORD ECH_Init(DWORD dwData)
{
    EnterCriticalSection(&g_lock);
    g_state = SERVICE_STATE_ON;
    LeaveCriticalSection(&g_lock);
    EchoLog(L"ECH_Init(0x%lx) on thread %lu\n", dwData, GetCurrentThreadId());
    return ECHO_INIT_CONTEXT;
}

/* Called before Deinit: wake every blocked call so Deinit finds none. */
BOOL ECH_PreDeinit(DWORD dwData)
{
    int i;

    (void)dwData;
    EnterCriticalSection(&g_lock);
    g_state = SERVICE_STATE_UNLOADING;
    for (i = 0; i < ECHO_MAX_OPENS; i++)
        if (g_opens[i].inUse)
            ReleaseWaitersLocked(&g_opens[i], RELEASE_DEINIT, 0);
    LeaveCriticalSection(&g_lock);
    return TRUE;
}

BOOL ECH_Deinit(DWORD dwData)
{
    EchoLog(L"ECH_Deinit(0x%lx)\n", dwData);
    ECH_PreDeinit(dwData);
    EnterCriticalSection(&g_lock);
    g_state = SERVICE_STATE_UNINITIALIZED;
    LeaveCriticalSection(&g_lock);
    return TRUE;
}

/* CreateFile(L"ECH0:") lands here. The return value is the open context
 * of the new handle (0 = failure): a table slot number, never a pointer. */
DWORD ECH_Open(DWORD dwData, DWORD dwAccess, DWORD dwShareMode)
{
    DWORD i;

    (void)dwData;
    EnterCriticalSection(&g_lock);
    for (i = 0; i < ECHO_MAX_OPENS; i++)
        if (!g_opens[i].inUse)
            break;
    if (i == ECHO_MAX_OPENS) {
        LeaveCriticalSection(&g_lock);
        SetLastError(ERROR_TOO_MANY_OPEN_FILES);
        return 0;
    }
    memset(&g_opens[i], 0, sizeof(g_opens[i]));
    g_opens[i].hReleased = CreateEvent(NULL, TRUE, FALSE, NULL);
    if (g_opens[i].hReleased == NULL) {
        LeaveCriticalSection(&g_lock);
        return 0; /* CreateEvent set the error */
    }
    g_opens[i].inUse = TRUE;
    g_opens[i].clientPid = CallerPid();
    LeaveCriticalSection(&g_lock);
    EchoLog(L"ECH_Open: process %lu, access 0x%lx, share 0x%lx -> open %lu\n", CallerPid(), dwAccess,
            dwShareMode, i + 1);
    return i + 1;
}

/* Sent before Close (and on process exit): wake this handle's blocked calls. */
BOOL ECH_PreClose(DWORD dwOpen)
{
    EchoOpen *o;

    EnterCriticalSection(&g_lock);
    o = LookupOpen(dwOpen);
    if (o != NULL)
        ReleaseWaitersLocked(o, RELEASE_CLOSE, 0);
    LeaveCriticalSection(&g_lock);
    return o != NULL;
}

BOOL ECH_Close(DWORD dwOpen)
{
    EchoOpen *o;

    EnterCriticalSection(&g_lock);
    o = LookupOpen(dwOpen);
    if (o != NULL) {
        ReleaseWaitersLocked(o, RELEASE_CLOSE, 0);
        o->closed = TRUE;
        if (o->users == 0)
            FreeOpenLocked(o);
    }
    LeaveCriticalSection(&g_lock);
    if (o == NULL) {
        SetLastError(ERROR_INVALID_HANDLE);
        return FALSE;
    }
    EchoLog(L"ECH_Close: open %lu, process %lu\n", dwOpen, CallerPid());
    return TRUE;
}

/* WriteFile: keep (up to ECHO_MAX_DATA of) the bytes, rewind. */
DWORD ECH_Write(DWORD dwOpen, LPCVOID pBuf, DWORD dwLen)
{
    EchoOpen *o = AcquireOpen(dwOpen);
    DWORD n;

    if (o == NULL)
        return (DWORD)-1;
    if (pBuf == NULL && dwLen != 0) {
        ReleaseOpen(o);
        SetLastError(ERROR_INVALID_PARAMETER);
        return (DWORD)-1;
    }
    n = dwLen < ECHO_MAX_DATA ? dwLen : ECHO_MAX_DATA;
    EnterCriticalSection(&g_lock);
    memcpy(o->data, pBuf, n);
    o->dataLen = n;
    o->pos = 0;
    LeaveCriticalSection(&g_lock);
    ReleaseOpen(o);
    return n;
}

/* ReadFile: the stored bytes from the current position on. */
DWORD ECH_Read(DWORD dwOpen, LPVOID pBuf, DWORD dwLen)
{
    EchoOpen *o = AcquireOpen(dwOpen);
    DWORD n;

    if (o == NULL)
        return (DWORD)-1;
    EnterCriticalSection(&g_lock);
    n = o->dataLen - o->pos;
    if (n > dwLen)
        n = dwLen;
    memcpy(pBuf, o->data + o->pos, n);
    o->pos += n;
    LeaveCriticalSection(&g_lock);
    ReleaseOpen(o);
    return n;
}

/* SetFilePointer: move within the stored bytes; returns the new position. */
DWORD ECH_Seek(DWORD dwOpen, long pos, DWORD type)
{
    EchoOpen *o = AcquireOpen(dwOpen);
    LONGLONG to;
    DWORD result = (DWORD)-1;

    if (o == NULL)
        return (DWORD)-1;
    EnterCriticalSection(&g_lock);
    if (type > FILE_END) {
        SetLastError(ERROR_INVALID_PARAMETER);
    } else {
        to = pos;
        if (type == FILE_CURRENT)
            to += o->pos;
        else if (type == FILE_END)
            to += o->dataLen;
        if (to < 0) {
            SetLastError(ERROR_NEGATIVE_SEEK);
        } else if (to > (LONGLONG)o->dataLen) {
            SetLastError(ERROR_INVALID_PARAMETER);
        } else {
            o->pos = (DWORD)to;
            result = o->pos;
        }
    }
    LeaveCriticalSection(&g_lock);
    ReleaseOpen(o);
    return result;
}

/* IOCTL_ECHO_WAIT: block until this handle's open context is released. */
static BOOL EchoWait(DWORD dwOpen)
{
    EchoOpen *o = AcquireOpen(dwOpen);
    DWORD pid = CallerPid();

    if (o == NULL)
        return FALSE;
    EchoLog(L"IOCTL_ECHO_WAIT: process %lu blocks on open %lu\n", pid, dwOpen);
    WaitForSingleObject(o->hReleased, INFINITE);
    EnterCriticalSection(&g_lock);
    if (o->releaseReason == RELEASE_PSL) {
        g_releasedByPsl++;
        g_lastPslPid = o->pslPid;
    }
    LeaveCriticalSection(&g_lock);
    EchoLog(L"IOCTL_ECHO_WAIT: process %lu released (reason %lu)\n", pid, o->releaseReason);
    ReleaseOpen(o);
    SetLastError(ERROR_OPERATION_ABORTED);
    return FALSE;
}

/* IOCTL_PSL_NOTIFY: the process owning this handle is exiting. Only the
 * host sends it (a client's own attempt is refused before reaching us). */
static BOOL EchoPslNotify(DWORD dwOpen, const BYTE *pBufIn, DWORD dwLenIn)
{
    const DEVICE_PSL_NOTIFY *n = (const DEVICE_PSL_NOTIFY *)pBufIn;
    EchoOpen *o;

    if (n == NULL || dwLenIn < sizeof(*n) || n->dwSize != sizeof(*n) ||
        (n->dwFlags != DLL_PROCESS_EXITING && n->dwFlags != DLL_PROCESS_DETACH)) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    EnterCriticalSection(&g_lock);
    o = LookupOpen(dwOpen);
    if (o != NULL)
        ReleaseWaitersLocked(o, RELEASE_PSL, (DWORD)(ULONG_PTR)n->hProc);
    LeaveCriticalSection(&g_lock);
    EchoLog(L"IOCTL_PSL_NOTIFY: process %lu exiting, open %lu\n", (DWORD)(ULONG_PTR)n->hProc, dwOpen);
    if (o == NULL)
        SetLastError(ERROR_INVALID_HANDLE);
    return o != NULL;
}

/* Copy a small result to the caller's out buffer. */
static BOOL PutOut(const void *src, DWORD len, PBYTE pBufOut, DWORD dwLenOut, PDWORD pdwActualOut)
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

/* dwOpen: the open context for DeviceIoControl on a handle; the host may
 * send the IOCTL_SERVICE_* controls with the Init context instead, so
 * those do not look at it. */
BOOL ECH_IOControl(DWORD dwOpen, DWORD dwCode, PBYTE pBufIn, DWORD dwLenIn, PBYTE pBufOut, DWORD dwLenOut,
                   PDWORD pdwActualOut)
{
    DWORD value[2];
    BOOL on;

    switch (dwCode) {
    case IOCTL_SERVICE_STATUS:
        EnterCriticalSection(&g_lock);
        value[0] = g_state;
        LeaveCriticalSection(&g_lock);
        return PutOut(value, sizeof(DWORD), pBufOut, dwLenOut, pdwActualOut);
    case IOCTL_SERVICE_START:
    case IOCTL_SERVICE_STOP:
        EnterCriticalSection(&g_lock);
        g_state = dwCode == IOCTL_SERVICE_START ? SERVICE_STATE_ON : SERVICE_STATE_OFF;
        LeaveCriticalSection(&g_lock);
        EchoLog(L"ECH: %ls by process %lu\n", dwCode == IOCTL_SERVICE_START ? L"started" : L"stopped",
                CallerPid());
        return TRUE;
    case IOCTL_SERVICE_REFRESH:
        return TRUE; /* no configuration to re-read */
    case IOCTL_SERVICE_COMMAND_LINE_HELP:
        return PutOut(g_help, sizeof(g_help), pBufOut, dwLenOut, pdwActualOut);
    case IOCTL_SERVICE_QUERY_CAN_DEINIT:
        if (pBufOut != NULL && dwLenOut >= sizeof(DWORD)) {
            value[0] = 1; /* 0 would refuse DeregisterService */
            memcpy(pBufOut, value, sizeof(DWORD));
        }
        return TRUE;
    case IOCTL_PSL_NOTIFY:
        return EchoPslNotify(dwOpen, pBufIn, dwLenIn);
    case IOCTL_ECHO_ECHO:
        EnterCriticalSection(&g_lock);
        on = g_state == SERVICE_STATE_ON;
        LeaveCriticalSection(&g_lock);
        if (!on) {
            SetLastError(ERROR_SERVICE_NOT_ACTIVE);
            return FALSE;
        }
        if (pBufIn == NULL && dwLenIn != 0) {
            SetLastError(ERROR_INVALID_PARAMETER);
            return FALSE;
        }
        EchoLog(L"IOCTL_ECHO_ECHO: %lu bytes from process %lu\n", dwLenIn, CallerPid());
        return PutOut(pBufIn, dwLenIn, pBufOut, dwLenOut, pdwActualOut);
    case IOCTL_ECHO_WAIT:
        return EchoWait(dwOpen);
    case IOCTL_ECHO_RELEASED_COUNT:
        EnterCriticalSection(&g_lock);
        value[0] = g_releasedByPsl;
        value[1] = g_lastPslPid;
        LeaveCriticalSection(&g_lock);
        return PutOut(value, dwLenOut >= sizeof(value) ? sizeof(value) : sizeof(DWORD), pBufOut, dwLenOut,
                      pdwActualOut);
    default:
        SetLastError(ERROR_NOT_SUPPORTED);
        return FALSE;
    }
}
