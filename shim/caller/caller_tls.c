/*
 * caller_tls.c - the per-thread stack of service-call clients. Kept apart
 * from the exported queries (caller.c) so tests can link it directly.
 */
#include "caller/caller.h"

#include <stdlib.h>

struct caller_stack {
    unsigned depth;                          /* may exceed the stored part */
    DWORD pids[CESHIM_CALLER_MAX_DEPTH];
};

static DWORD slot = FLS_OUT_OF_INDEXES;
static INIT_ONCE slot_once = INIT_ONCE_STATIC_INIT;

static void WINAPI free_stack(void *s) { free(s); }

static BOOL CALLBACK alloc_slot(PINIT_ONCE once, PVOID param, PVOID *ctx)
{
    (void)once, (void)param, (void)ctx;
    slot = FlsAlloc(free_stack);
    return TRUE;
}

/* Keeps the last error: these run inside other calls. */
static struct caller_stack *stack_of_thread(void)
{
    InitOnceExecuteOnce(&slot_once, alloc_slot, NULL, NULL);
    if (slot == FLS_OUT_OF_INDEXES)
        return NULL;
    DWORD saved = GetLastError();
    struct caller_stack *s = FlsGetValue(slot);
    SetLastError(saved);
    return s;
}

BOOL ceshim_caller_enter(DWORD client_pid)
{
    struct caller_stack *s = stack_of_thread();
    if (!s) {
        /* Allocated on a thread's first call and kept until the thread
         * exits (free_stack), so threads that never serve a call cost
         * nothing and a call costs no allocation (one per call was a
         * noticeable part of a services round trip; docs/performance.md). */
        if (slot == FLS_OUT_OF_INDEXES || (s = calloc(1, sizeof(*s))) == NULL)
            return FALSE;
        DWORD saved = GetLastError();
        if (!FlsSetValue(slot, s)) {
            free(s);
            SetLastError(saved);
            return FALSE;
        }
        SetLastError(saved);
    }
    if (s->depth < CESHIM_CALLER_MAX_DEPTH)
        s->pids[s->depth] = client_pid;
    s->depth++;
    return TRUE;
}

void ceshim_caller_leave(void)
{
    struct caller_stack *s = stack_of_thread();
    if (!s || s->depth == 0)
        return;
    s->depth--;
}

DWORD ceshim_caller_pid(void)
{
    struct caller_stack *s = stack_of_thread();
    if (!s || s->depth == 0)
        return 0;
    /* Deeper than stored: the deepest stored client stands in. */
    unsigned top = s->depth < CESHIM_CALLER_MAX_DEPTH ? s->depth : CESHIM_CALLER_MAX_DEPTH;
    return s->pids[top - 1];
}

unsigned ceshim_caller_depth(void)
{
    struct caller_stack *s = stack_of_thread();
    return s ? s->depth : 0;
}
