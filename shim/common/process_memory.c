/*
 * process_memory.c - VirtualQueryEx on another process, bounded by that
 * process's life (process_memory.h says why).
 *
 * Under Wine the question is put to a prober: a thread of ours that calls
 * VirtualQueryEx while the asker waits for its answer or for the process's
 * end, whichever comes first. A prober that answered goes back to a list
 * of idle ones (a question costs two event hand-offs, not a thread); one
 * whose process ended first is abandoned: it frees itself and exits if
 * Wine ever wakes it, and is never used again.
 */
#include "common/process_memory.h"

#include "common/process.h"
#include "common/trace.h"

enum prober_state {
    PROBER_IDLE,      /* in the idle list, or being handed a question */
    PROBER_ASKED,     /* working on a question, its asker waiting */
    PROBER_ANSWERED,  /* the answer is in */
    PROBER_ABANDONED, /* the asker left: the prober frees itself when done */
};

struct prober {
    struct prober *next_idle;
    HANDLE asked, answered; /* auto-reset */
    volatile LONG state;
    /* The question and its answer. */
    HANDLE process; /* the asker's, valid while the asker waits */
    const void *addr;
    MEMORY_BASIC_INFORMATION mbi;
    BOOL ok;
    DWORD error;
};

static SRWLOCK idle_lock = SRWLOCK_INIT;
static struct prober *idle_probers;

static void prober_free(struct prober *p)
{
    CloseHandle(p->asked);
    CloseHandle(p->answered);
    HeapFree(GetProcessHeap(), 0, p);
}

static DWORD WINAPI prober_run(void *arg)
{
    struct prober *p = arg;
    for (;;) {
        WaitForSingleObject(p->asked, INFINITE);
        p->ok = VirtualQueryEx(p->process, p->addr, &p->mbi, sizeof(p->mbi)) != 0;
        p->error = p->ok ? ERROR_SUCCESS : GetLastError();
        if (InterlockedCompareExchange(&p->state, PROBER_ANSWERED, PROBER_ASKED) == PROBER_ABANDONED) {
            prober_free(p);
            return 0;
        }
        SetEvent(p->answered);
    }
}

static struct prober *prober_take(void)
{
    AcquireSRWLockExclusive(&idle_lock);
    struct prober *p = idle_probers;
    if (p)
        idle_probers = p->next_idle;
    ReleaseSRWLockExclusive(&idle_lock);
    if (p)
        return p;
    p = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*p));
    if (!p)
        return NULL;
    p->asked = CreateEventW(NULL, FALSE, FALSE, NULL);
    p->answered = CreateEventW(NULL, FALSE, FALSE, NULL);
    HANDLE thread = p->asked && p->answered ? CreateThread(NULL, 64 * 1024, prober_run, p,
                                                           STACK_SIZE_PARAM_IS_A_RESERVATION, NULL)
                                            : NULL;
    if (!thread) {
        if (p->asked)
            CloseHandle(p->asked);
        if (p->answered)
            CloseHandle(p->answered);
        HeapFree(GetProcessHeap(), 0, p);
        return NULL;
    }
    CloseHandle(thread);
    return p;
}

static void prober_put(struct prober *p)
{
    AcquireSRWLockExclusive(&idle_lock);
    p->next_idle = idle_probers;
    idle_probers = p;
    ReleaseSRWLockExclusive(&idle_lock);
}

BOOL ceshim_query_process_memory(HANDLE process, const void *addr, MEMORY_BASIC_INFORMATION *mbi)
{
    /* Windows answers in the kernel, and a process answers about itself.
     * (A real handle to this process takes the prober's path, which works
     * too; asking its pid would cost every look a server call.) */
    if (!ceshim_under_wine() || process == GetCurrentProcess())
        return VirtualQueryEx(process, addr, mbi, sizeof(*mbi)) != 0;
    struct prober *p = prober_take();
    if (!p) {
        SetLastError(ERROR_NOT_ENOUGH_MEMORY);
        return FALSE;
    }
    /* The asker's handle itself, not a copy: what an abandoned prober
     * answers is thrown away, whatever the handle names by then. */
    p->process = process;
    p->addr = addr;
    p->state = PROBER_ASKED;
    SetEvent(p->asked);

    HANDLE waits[2] = { p->answered, process };
    DWORD w = WaitForMultipleObjects(2, waits, FALSE, INFINITE);
    if (w == WAIT_FAILED) /* a handle without SYNCHRONIZE: the answer alone */
        w = WaitForSingleObject(p->answered, INFINITE);
    if (w != WAIT_OBJECT_0) {
        /* The process ended first: leave the prober to itself, unless its
         * answer came in meanwhile (then it sets `answered` at once). */
        if (InterlockedCompareExchange(&p->state, PROBER_ABANDONED, PROBER_ASKED) == PROBER_ASKED) {
            CESHIM_TRACE("VirtualQueryEx(process %lu, %p): the process ended before it answered",
                         (unsigned long)GetProcessId(process), addr);
            SetLastError(ERROR_PROCESS_ABORTED);
            return FALSE;
        }
        WaitForSingleObject(p->answered, INFINITE);
    }
    BOOL ok = p->ok;
    DWORD error = p->error;
    if (ok)
        *mbi = p->mbi;
    p->state = PROBER_IDLE;
    prober_put(p);
    if (!ok)
        SetLastError(error);
    return ok;
}
