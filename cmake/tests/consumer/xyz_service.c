/*
 * xyz_service.c - a CE service DLL (prefix XYZ) as a CE project writes it,
 * built with the installed package's ceshim_add_service_dll() and hosted by
 * the package's ceservicesd.exe.
 *
 * IOCTL_XYZ_ECHO echoes; IOCTL_XYZ_BLOCK blocks until IOCTL_PSL_NOTIFY
 * (the client died), PreClose/Close or Deinit releases the handle;
 * IOCTL_XYZ_STATE tells what happened. Open contexts are slot numbers,
 * never pointers (CE passes them as DWORD, also on 64-bit).
 */
#include <windows.h>
#include <service.h>
#include <pkfuncs.h>
#include <string.h>

#include "xyz_ioctl.h"

#define XYZ_OPENS 32
#define XYZ_BLOCK_BOUND_MS 60000

enum { REASON_NONE, REASON_PSL, REASON_CLOSE };

typedef struct {
    BOOL inUse, closed;
    DWORD users;    /* calls in progress: the slot lives until they end */
    DWORD reason;   /* why the handle was released (first wins) */
    DWORD pslPid;
    HANDLE released; /* manual-reset */
} XyzOpen;

static CRITICAL_SECTION g_lock;
static XyzOpen g_opens[XYZ_OPENS];
static DWORD g_blocked, g_releasedByPsl, g_lastPslPid;

BOOL WINAPI DllMain(HINSTANCE hinst, DWORD reason, LPVOID reserved)
{
    if (reason == DLL_PROCESS_ATTACH) {
        DisableThreadLibraryCalls(hinst);
        InitializeCriticalSection(&g_lock);
    } else if (reason == DLL_PROCESS_DETACH && reserved == NULL) {
        DeleteCriticalSection(&g_lock);
    }
    return TRUE;
}

/* Caller holds g_lock. */
static XyzOpen *Lookup(DWORD dwOpen)
{
    if (dwOpen == 0 || dwOpen > XYZ_OPENS || !g_opens[dwOpen - 1].inUse || g_opens[dwOpen - 1].closed)
        return NULL;
    return &g_opens[dwOpen - 1];
}

/* Caller holds g_lock. */
static void Release(XyzOpen *o, DWORD reason, DWORD pid)
{
    if (o->reason == REASON_NONE) {
        o->reason = reason;
        o->pslPid = pid;
    }
    SetEvent(o->released);
}

/* Caller holds g_lock. */
static void FreeIfUnused(XyzOpen *o)
{
    if (o->closed && o->users == 0) {
        CloseHandle(o->released);
        memset(o, 0, sizeof(*o));
    }
}

DWORD XYZ_Init(DWORD dwContext)
{
    (void)dwContext;
    return 1; /* any nonzero service context */
}

BOOL XYZ_PreDeinit(DWORD dwContext)
{
    (void)dwContext;
    EnterCriticalSection(&g_lock);
    for (int i = 0; i < XYZ_OPENS; i++)
        if (g_opens[i].inUse && !g_opens[i].closed)
            Release(&g_opens[i], REASON_CLOSE, 0);
    LeaveCriticalSection(&g_lock);
    return TRUE;
}

BOOL XYZ_Deinit(DWORD dwContext)
{
    return XYZ_PreDeinit(dwContext);
}

DWORD XYZ_Open(DWORD dwContext, DWORD dwAccess, DWORD dwShare)
{
    (void)dwContext;
    (void)dwAccess;
    (void)dwShare;
    EnterCriticalSection(&g_lock);
    DWORD i = 0;
    while (i < XYZ_OPENS && g_opens[i].inUse)
        i++;
    HANDLE ev = i < XYZ_OPENS ? CreateEventW(NULL, TRUE, FALSE, NULL) : NULL;
    if (ev) {
        memset(&g_opens[i], 0, sizeof(g_opens[i]));
        g_opens[i].inUse = TRUE;
        g_opens[i].released = ev;
    }
    LeaveCriticalSection(&g_lock);
    if (!ev) {
        SetLastError(ERROR_TOO_MANY_OPEN_FILES);
        return 0;
    }
    return i + 1;
}

BOOL XYZ_PreClose(DWORD dwOpen)
{
    EnterCriticalSection(&g_lock);
    XyzOpen *o = Lookup(dwOpen);
    if (o)
        Release(o, REASON_CLOSE, 0);
    LeaveCriticalSection(&g_lock);
    return o != NULL;
}

BOOL XYZ_Close(DWORD dwOpen)
{
    EnterCriticalSection(&g_lock);
    XyzOpen *o = Lookup(dwOpen);
    if (o) {
        Release(o, REASON_CLOSE, 0);
        o->closed = TRUE;
        FreeIfUnused(o);
    }
    LeaveCriticalSection(&g_lock);
    if (!o)
        SetLastError(ERROR_INVALID_HANDLE);
    return o != NULL;
}

static BOOL Block(DWORD dwOpen)
{
    EnterCriticalSection(&g_lock);
    XyzOpen *o = Lookup(dwOpen);
    if (o) {
        o->users++;
        g_blocked++;
    }
    LeaveCriticalSection(&g_lock);
    if (!o) {
        SetLastError(ERROR_INVALID_HANDLE);
        return FALSE;
    }
    DWORD w = WaitForSingleObject(o->released, XYZ_BLOCK_BOUND_MS);
    EnterCriticalSection(&g_lock);
    g_blocked--;
    if (w == WAIT_OBJECT_0 && o->reason == REASON_PSL) {
        g_releasedByPsl++;
        g_lastPslPid = o->pslPid;
    }
    o->users--;
    FreeIfUnused(o);
    LeaveCriticalSection(&g_lock);
    SetLastError(w == WAIT_OBJECT_0 ? ERROR_OPERATION_ABORTED : ERROR_TIMEOUT);
    return FALSE;
}

/* Only the host sends it: the process owning this handle is exiting. */
static BOOL PslNotify(DWORD dwOpen, const BYTE *in, DWORD inLen)
{
    const DEVICE_PSL_NOTIFY *n = (const DEVICE_PSL_NOTIFY *)in;
    if (!n || inLen < sizeof(*n) || n->dwSize != sizeof(*n) || n->dwFlags != DLL_PROCESS_EXITING) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    EnterCriticalSection(&g_lock);
    XyzOpen *o = Lookup(dwOpen);
    if (o)
        Release(o, REASON_PSL, (DWORD)(ULONG_PTR)n->hProc);
    LeaveCriticalSection(&g_lock);
    return TRUE;
}

static BOOL FillEmbedded(const BYTE *in, DWORD inLen)
{
    XYZ_EMBEDDED e;
    if (!in || inLen != sizeof(e)) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    memcpy(&e, in, sizeof(e));
    BYTE *p = MapCallerPtr(e.data, e.size);
    if (!p)
        return FALSE;
    memset(p, 0x5A, e.size);
    return TRUE;
}

static BOOL Out(const void *src, DWORD len, BYTE *out, DWORD outLen, DWORD *actual)
{
    if (actual)
        *actual = len;
    if (outLen < len || (len && !out)) {
        SetLastError(ERROR_INSUFFICIENT_BUFFER);
        return FALSE;
    }
    if (len)
        memcpy(out, src, len);
    return TRUE;
}

BOOL XYZ_IOControl(DWORD dwOpen, DWORD dwCode, BYTE *in, DWORD inLen, BYTE *out, DWORD outLen, DWORD *actual)
{
    XYZ_STATE s;
    DWORD status = SERVICE_STATE_ON;

    switch (dwCode) {
    case IOCTL_SERVICE_STATUS:
        return Out(&status, sizeof(status), out, outLen, actual);
    case IOCTL_PSL_NOTIFY:
        return PslNotify(dwOpen, in, inLen);
    case IOCTL_XYZ_ECHO:
        return Out(in, in ? inLen : 0, out, outLen, actual);
    case IOCTL_XYZ_BLOCK:
        return Block(dwOpen);
    case IOCTL_XYZ_FILL_EMBEDDED:
        return FillEmbedded(in, inLen);
    case IOCTL_XYZ_STATE:
        EnterCriticalSection(&g_lock);
        s.blocked = g_blocked;
        s.releasedByPsl = g_releasedByPsl;
        s.lastPslPid = g_lastPslPid;
        LeaveCriticalSection(&g_lock);
        s.hostBits = (DWORD)(sizeof(void *) * 8);
        s.hostPid = GetCurrentProcessId();
        return Out(&s, sizeof(s), out, outLen, actual);
    default:
        SetLastError(ERROR_NOT_SUPPORTED);
        return FALSE;
    }
}
