/*
 * notif_deliver.c - this process's notification registrations (handle ->
 * registry record + the holder write end), and writing one notification
 * into a target queue.
 */
#include "notify/notif_local.h"

#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>

#include "msgqueue/mq_api.h"

struct notif_local {
    struct notif_local *next;
    HANDLE handle; /* what the caller holds: an unsignaled event, never waited on */
    uint32_t kind, slot, serial;
    HANDLE holder; /* a write end of the target queue, held while registered */
};

static SRWLOCK locals_lock = SRWLOCK_INIT;
static struct notif_local *locals;
static volatile LONG local_counts[3];

void notif_send(const WCHAR *base, const void *msg, DWORD len)
{
    DWORD saved = GetLastError();
    HANDLE w = mq_open_by_base(base, MQ_END_WRITE);
    if (w) {
        mq_write_untraced(w, msg, len, 0, 0);
        mq_close_untraced(w);
    }
    SetLastError(saved);
}

HANDLE notif_register(uint32_t kind, HANDLE hMsgQ, const uint8_t *guid, uint32_t flags,
                   struct notif_iface_copy *replay, size_t *replay_count, WCHAR *base_out)
{
    WCHAR own[CESHIM_BASE_MAX];
    WCHAR *base = base_out ? base_out : own;
    if (!mq_handle_base(hMsgQ, base)) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return NULL;
    }

    struct notif_local *l = calloc(1, sizeof(*l));
    if (!l) {
        SetLastError(ERROR_OUTOFMEMORY);
        return NULL;
    }
    DWORD error;
    /* As CE's OpenMsgQueue(caller, hMsgQ, write) would: a broken queue
     * cannot be registered (ERROR_INVALID_PARAMETER). */
    l->holder = mq_open_by_base(base, MQ_END_WRITE);
    if (!l->holder) {
        error = GetLastError();
        goto fail;
    }
    l->handle = CreateEventW(NULL, TRUE, FALSE, NULL);
    if (!l->handle) {
        error = GetLastError();
        goto fail;
    }
    notif_sweep(); /* make room held by the dead */
    error = notif_reg_add(kind, guid, flags, base, &l->slot, &l->serial, replay, replay_count);
    if (error)
        goto fail;
    l->kind = kind;
    AcquireSRWLockExclusive(&locals_lock);
    l->next = locals;
    locals = l;
    ReleaseSRWLockExclusive(&locals_lock);
    InterlockedIncrement(&local_counts[kind]);
    SetLastError(ERROR_SUCCESS);
    return l->handle;
fail:
    if (l->holder)
        mq_close_untraced(l->holder);
    if (l->handle)
        CloseHandle(l->handle);
    free(l);
    SetLastError(error);
    return NULL;
}

BOOL notif_unregister(HANDLE h, uint32_t kind)
{
    struct notif_local *found = NULL;
    if (h) {
        AcquireSRWLockExclusive(&locals_lock);
        for (struct notif_local **pp = &locals; *pp; pp = &(*pp)->next) {
            if ((*pp)->handle == h && (*pp)->kind == kind) {
                found = *pp;
                *pp = found->next;
                break;
            }
        }
        ReleaseSRWLockExclusive(&locals_lock);
    }
    if (!found) {
        SetLastError(ERROR_INVALID_HANDLE);
        return FALSE;
    }
    InterlockedDecrement(&local_counts[kind]);
    /* The record first, so no deliverer picks the queue up any more, then
     * the holder: after this the caller may destroy the queue. */
    notif_reg_remove(found->slot, found->serial);
    mq_close_untraced(found->holder);
    CloseHandle(found->handle);
    free(found);
    SetLastError(ERROR_SUCCESS);
    return TRUE;
}

LONG notif_local_count(uint32_t kind) { return kind < 3 ? InterlockedCompareExchange(&local_counts[kind], 0, 0) : 0; }

const char *notif_guid_text(const GUID *g, char *buf, size_t size)
{
    if (!g)
        snprintf(buf, size, "NULL");
    else
        snprintf(buf, size, "{%08lx-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x}", (unsigned long)g->Data1,
                 g->Data2, g->Data3, g->Data4[0], g->Data4[1], g->Data4[2], g->Data4[3], g->Data4[4],
                 g->Data4[5], g->Data4[6], g->Data4[7]);
    return buf;
}
