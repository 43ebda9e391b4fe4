/*
 * svc_opens.c - open service handles (one per client CreateFile), closing
 * them exactly once, and IOCTL_PSL_NOTIFY: when a client process exits,
 * however it exits, each of its opens gets xxx_IOControl(IOCTL_PSL_NOTIFY)
 * and then xxx_PreClose/xxx_Close.
 */
#include <windows.h>
#include <string.h>

#include <pkfuncs.h>

#include "services/host/svc_host.h"

#define OPENS_MAX 4096

struct svc_open {
    uint32_t gen;            /* 0: free */
    struct svc_service *svc; /* pinned while open */
    DWORD ctx;               /* xxx_Open's open context */
    DWORD pid;               /* the client process that owns it */
    volatile LONG inflight;  /* calls in progress */
    volatile LONG closing;   /* set once; no new calls after */
};

static SRWLOCK opens_lock = SRWLOCK_INIT;
static struct svc_open opens[OPENS_MAX];
static uint32_t opens_next_gen = 1;

/* ---- opens ------------------------------------------------------------------------- */

DWORD svc_open_create(struct svc_service *svc, DWORD pid, DWORD access, DWORD share, uint32_t *id, uint32_t *gen)
{
    if (!svc->open)
        return ERROR_NOT_SUPPORTED;
    ceshim_caller_enter(pid);
    SetLastError(0);
    DWORD ctx = svc->open(svc->init_ctx, access, share);
    DWORD err = GetLastError();
    ceshim_caller_leave();
    if (!ctx)
        return err ? err : ERROR_OPEN_FAILED;
    AcquireSRWLockExclusive(&opens_lock);
    for (uint32_t i = 0; i < OPENS_MAX; i++) {
        if (!opens[i].gen) {
            InterlockedIncrement(&svc->refs);
            if (!opens_next_gen)
                opens_next_gen = 1; /* 0 marks a free entry */
            opens[i].gen = opens_next_gen++;
            opens[i].svc = svc;
            opens[i].ctx = ctx;
            opens[i].pid = pid;
            opens[i].inflight = 0;
            opens[i].closing = 0;
            *id = i + 1;
            *gen = opens[i].gen;
            ReleaseSRWLockExclusive(&opens_lock);
            return ERROR_SUCCESS;
        }
    }
    ReleaseSRWLockExclusive(&opens_lock);
    /* No room: the service still gets its Close. */
    ceshim_caller_enter(pid);
    svc->close(ctx);
    ceshim_caller_leave();
    return ERROR_TOO_MANY_OPEN_FILES;
}

/* Pins open i for a call if it is in use by pid, not closing, and of
 * generation gen (0: any). */
static struct svc_open *pin(uint32_t i, uint32_t gen, DWORD pid)
{
    struct svc_open *o = NULL;
    AcquireSRWLockShared(&opens_lock);
    if (opens[i].gen && (!gen || opens[i].gen == gen) && opens[i].pid == pid && !opens[i].closing) {
        o = &opens[i];
        InterlockedIncrement(&o->inflight);
    }
    ReleaseSRWLockShared(&opens_lock);
    return o;
}

struct svc_open *svc_open_get(uint32_t id, uint32_t gen, DWORD pid)
{
    return id >= 1 && id <= OPENS_MAX && gen ? pin(id - 1, gen, pid) : NULL;
}

void svc_open_put(struct svc_open *o)
{
    InterlockedDecrement(&o->inflight);
}

struct svc_service *svc_open_service(struct svc_open *o) { return o->svc; }
DWORD svc_open_context(struct svc_open *o) { return o->ctx; }

/* Closes an open once: PreClose (which lets the service release blocked
 * calls), then waits for calls in progress, then Close. */
static void close_open(struct svc_open *o)
{
    struct svc_service *svc = o->svc;
    DWORD pid = o->pid;
    ceshim_caller_enter(pid);
    if (svc->preclose)
        svc->preclose(o->ctx);
    ceshim_caller_leave();
    while (InterlockedCompareExchange(&o->inflight, 0, 0) > 0)
        Sleep(1);
    ceshim_caller_enter(pid);
    svc->close(o->ctx);
    ceshim_caller_leave();
    AcquireSRWLockExclusive(&opens_lock);
    o->gen = 0;
    o->svc = NULL;
    ReleaseSRWLockExclusive(&opens_lock);
    svc_service_put(svc);
}

/* Claims the right to close open i if it matches (gen, pid or any pid). */
static struct svc_open *claim(uint32_t i, uint32_t gen, DWORD pid, const struct svc_service *svc)
{
    struct svc_open *o = NULL;
    AcquireSRWLockShared(&opens_lock);
    struct svc_open *c = &opens[i];
    if (c->gen && (!gen || c->gen == gen) && (!pid || c->pid == pid) && (!svc || c->svc == svc) &&
        !InterlockedExchange(&c->closing, 1))
        o = c;
    ReleaseSRWLockShared(&opens_lock);
    return o;
}

DWORD svc_open_close(uint32_t id, uint32_t gen, DWORD pid)
{
    if (id < 1 || id > OPENS_MAX || !gen)
        return ERROR_INVALID_HANDLE;
    struct svc_open *o = claim(id - 1, gen, pid, NULL);
    if (!o)
        return ERROR_INVALID_HANDLE;
    close_open(o);
    return ERROR_SUCCESS;
}

void svc_opens_close_service(struct svc_service *svc)
{
    for (uint32_t i = 0; i < OPENS_MAX; i++) {
        struct svc_open *o = claim(i, 0, 0, svc);
        if (o)
            close_open(o);
    }
}

DWORD svc_opens_count(const struct svc_service *svc)
{
    DWORD n = 0;
    AcquireSRWLockShared(&opens_lock);
    for (uint32_t i = 0; i < OPENS_MAX; i++)
        if (opens[i].gen && opens[i].svc == svc && !opens[i].closing)
            n++;
    ReleaseSRWLockShared(&opens_lock);
    return n;
}

/* ---- client processes and IOCTL_PSL_NOTIFY ----------------------------------------- */

struct watched {
    DWORD pid, main_tid;
    HANDLE process, wait;
    struct watched *next;
};

static CRITICAL_SECTION watch_lock;
static INIT_ONCE watch_once = INIT_ONCE_STATIC_INIT;
static struct watched *watch_list;

static BOOL CALLBACK watch_init(PINIT_ONCE once, PVOID p, PVOID *ctx)
{
    (void)once;
    (void)p;
    (void)ctx;
    InitializeCriticalSection(&watch_lock);
    return TRUE;
}

/* Open o, claimed (so notified and closed exactly once), of a client that
 * exited: IOCTL_PSL_NOTIFY, which lets the service release its blocked
 * calls. Calls in progress stay in flight; new ones are refused. */
static void psl_notify(struct svc_open *o, DWORD pid, DWORD main_tid)
{
    if (!o->svc->ioctl)
        return;
    DEVICE_PSL_NOTIFY n;
    memset(&n, 0, sizeof(n));
    n.dwSize = sizeof(n);
    n.dwFlags = DLL_PROCESS_EXITING;
    n.hProc = (HANDLE)(ULONG_PTR)pid;
    n.hThread = (HANDLE)(ULONG_PTR)main_tid;
    ceshim_caller_enter(pid);
    o->svc->ioctl(o->ctx, IOCTL_PSL_NOTIFY, (PBYTE)&n, sizeof(n), NULL, 0, NULL);
    ceshim_caller_leave();
}

static void psl_notify_and_close(DWORD pid, DWORD main_tid)
{
    /* First tell the services about every open, so they release the
     * process's blocked calls ... */
    unsigned char claimed[OPENS_MAX];
    for (uint32_t i = 0; i < OPENS_MAX; i++) {
        struct svc_open *o = claim(i, 0, pid, NULL);
        claimed[i] = o != NULL;
        if (o)
            psl_notify(o, pid, main_tid);
    }
    /* ... then close each of them. */
    for (uint32_t i = 0; i < OPENS_MAX; i++)
        if (claimed[i])
            close_open(&opens[i]);
}

void svc_open_close_exited(uint32_t id, uint32_t gen, DWORD pid, DWORD main_tid)
{
    struct svc_open *o = id >= 1 && id <= OPENS_MAX && gen ? claim(id - 1, gen, pid, NULL) : NULL;
    if (!o)
        return; /* the exit watch got there first */
    psl_notify(o, pid, main_tid);
    close_open(o);
}

static void CALLBACK process_exited(PVOID param, BOOLEAN timed_out)
{
    (void)timed_out;
    struct watched *w = param;
    svc_host_log("client %lu exited", (unsigned long)w->pid);
    psl_notify_and_close(w->pid, w->main_tid);
    EnterCriticalSection(&watch_lock);
    for (struct watched **p = &watch_list; *p; p = &(*p)->next) {
        if (*p == w) {
            *p = w->next;
            break;
        }
    }
    LeaveCriticalSection(&watch_lock);
    UnregisterWait(w->wait); /* from the callback: must not wait for itself */
    CloseHandle(w->process);
    HeapFree(GetProcessHeap(), 0, w);
}

void svc_opens_watch_process(DWORD pid, DWORD main_tid)
{
    InitOnceExecuteOnce(&watch_once, watch_init, NULL, NULL);
    EnterCriticalSection(&watch_lock);
    struct watched *w = watch_list;
    while (w && w->pid != pid)
        w = w->next;
    if (!w) {
        w = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*w));
        if (w) {
            w->pid = pid;
            w->main_tid = main_tid;
            w->process = OpenProcess(SYNCHRONIZE, FALSE, pid);
            if (!w->process ||
                !RegisterWaitForSingleObject(&w->wait, w->process, process_exited, w, INFINITE,
                                             WT_EXECUTEONLYONCE | WT_EXECUTELONGFUNCTION)) {
                svc_host_log("cannot watch client %lu (error %lu)", (unsigned long)pid,
                             (unsigned long)GetLastError());
                if (w->process)
                    CloseHandle(w->process);
                HeapFree(GetProcessHeap(), 0, w);
            } else {
                w->next = watch_list;
                watch_list = w;
            }
        }
    }
    LeaveCriticalSection(&watch_lock);
}

DWORD svc_opens_client_count(void)
{
    InitOnceExecuteOnce(&watch_once, watch_init, NULL, NULL);
    DWORD n = 0;
    EnterCriticalSection(&watch_lock);
    for (struct watched *w = watch_list; w; w = w->next)
        n++;
    LeaveCriticalSection(&watch_lock);
    return n;
}
