/*
 * mq_keepers.c - the keeper handles that keep a chunk of a queue that
 * commits on demand (layout in mq_layout.h) alive for as long as any
 * process has the queue open, whoever created it.
 *
 * A chunk is a pagefile-backed mapping: it dies with the last
 * handle or view. Its creator gives every other process with the queue
 * open a duplicate handle (recorded in the chunk's header), so a writer
 * killed after queueing messages in a chunk loses none of them; whoever
 * destroys a chunk closes every keeper, in other processes too, so memory
 * goes back even while those processes are idle. A recorded handle value
 * is only closed after checking that, in that process, it still is a
 * handle of this very chunk: a damaged header cannot close anything else.
 *
 * Which keepers this process holds is also kept in its own memory (the
 * ones it made, and the ones it was given, as it maps their chunks), so
 * that they are all closed when the queue goes away in this process, even
 * when damaged bookkeeping (slot table, chunk headers, process records)
 * hides them.
 *
 * Layer 3a of the queue code (mq_keepers.h; the list is in mq_types.h):
 * below mq_chunks.c, which calls it; it never calls mq_chunks.c.
 */
#include "msgqueue/mq_keepers.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "common/ntobject.h"
#include "common/process.h"
#include "msgqueue/mq_chunks.h" /* the declarations of mq_chunks_close_own and _flush_closes */

#define CLOSE_WAIT_MS 1000 /* the longest a call waits for the keepers it closes */

static HANDLE handle_of(uint32_t value) { return (HANDLE)(uintptr_t)value; }

/* ---- this process's keepers, in its own memory ------------------------------------ */

#define OWN_PRUNE_AT (2u * (MQ_MAX_SLOTS + 2u)) /* stale entries (closed by others) go then */

/* Whether h is, in this process, a handle of chunk uid of q: the kernel's
 * name of the object, which no shared byte can change. A kernel call. */
BOOL mq_is_chunk_handle(const struct mq_queue *q, HANDLE h, uint64_t uid)
{
    WCHAR want[CHUNK_NAME_MAX], have[CHUNK_NAME_MAX + 64];
    size_t len;
    chunk_name(want, q, uid);
    const WCHAR *leaf = wcschr(want, L'\\'); /* after "Local\" */
    leaf = leaf ? leaf + 1 : want;
    size_t n = wcslen(leaf);
    if (!ceshim_handle_kernel_name(h, have, sizeof(have) / sizeof(have[0]), &len))
        return FALSE;
    return len > n && have[len - n - 1] == L'\\' && wcscmp(have + len - n, leaf) == 0;
}

static void own_remove_at(struct mq_queue *q, uint32_t i) { q->keepers[i] = q->keepers[--q->nkeepers]; }

/* Drops what is no longer a keeper of ours (closed by the process that
 * destroyed its chunk). Under keepers_lock. */
void mq_own_prune(struct mq_queue *q)
{
    for (uint32_t i = q->nkeepers; i-- > 0;)
        if (!mq_is_chunk_handle(q, q->keepers[i].handle, q->keepers[i].uid))
            own_remove_at(q, i);
}

void mq_own_add(struct mq_queue *q, uint64_t uid, HANDLE h)
{
    AcquireSRWLockExclusive(&q->keepers_lock);
    /* A value seen again was closed and reused: the old entry is stale. */
    for (uint32_t i = 0; i < q->nkeepers; i++)
        if (q->keepers[i].handle == h)
            own_remove_at(q, i--);
    if (q->nkeepers >= OWN_PRUNE_AT)
        mq_own_prune(q);
    if (q->nkeepers == q->keepers_cap) {
        uint32_t cap = q->keepers_cap ? 2 * q->keepers_cap : 8;
        struct mq_own_keeper *k = realloc(q->keepers, cap * sizeof(*k));
        if (k) {
            q->keepers = k;
            q->keepers_cap = cap;
        }
    }
    if (q->nkeepers < q->keepers_cap)
        q->keepers[q->nkeepers++] = (struct mq_own_keeper){ uid, h };
    ReleaseSRWLockExclusive(&q->keepers_lock);
}

static BOOL own_has(struct mq_queue *q, uint64_t uid, HANDLE h)
{
    BOOL found = FALSE;
    AcquireSRWLockShared(&q->keepers_lock);
    for (uint32_t i = 0; i < q->nkeepers && !found; i++)
        found = q->keepers[i].handle == h && q->keepers[i].uid == uid;
    ReleaseSRWLockShared(&q->keepers_lock);
    return found;
}

static void own_forget(struct mq_queue *q, HANDLE h)
{
    AcquireSRWLockExclusive(&q->keepers_lock);
    for (uint32_t i = 0; i < q->nkeepers; i++)
        if (q->keepers[i].handle == h)
            own_remove_at(q, i--);
    ReleaseSRWLockExclusive(&q->keepers_lock);
}

/* Closes every keeper this process still holds (its last reference to the
 * queue is gone; see mq_chunks.h for the locks). */
void mq_chunks_close_own(struct mq_queue *q)
{
    for (uint32_t i = 0; i < q->nkeepers; i++)
        if (mq_is_chunk_handle(q, q->keepers[i].handle, q->keepers[i].uid))
            CloseHandle(q->keepers[i].handle);
    free(q->keepers);
    q->keepers = NULL;
    q->nkeepers = q->keepers_cap = 0;
}

/* A chunk just mapped: the keeper another process gave this one (recorded
 * in the chunk's header at this process's index), if it is one, is
 * tracked from now on. */
void mq_own_adopt_given(struct mq_queue *q, const struct mq_chunk_header *c, uint64_t uid)
{
    int i = mq_proc_find(q->h, ceshim_self_pid(), ceshim_self_create_time());
    if (i < 0)
        return;
    struct mq_keeper k = c->keepers[i];
    if (keeper_is_self(&k) && k.handle && !own_has(q, uid, handle_of(k.handle)) &&
        mq_is_chunk_handle(q, handle_of(k.handle), uid))
        mq_own_add(q, uid, handle_of(k.handle));
}

/* ---- keepers --------------------------------------------------------------------- */

/* Closes the keeper's handle if it is a handle of chunk uid. In another
 * process that takes a system APC under Wine, which never completes if the
 * process is killed meanwhile: so those closes are only queued here (see
 * mq_chunks_flush_closes). q, for our own keepers' private list, may be NULL
 * for another process's keeper (a pool thread may outlive the queue). */
void mq_keeper_close(struct mq_queue *q, struct mq_keeper k, uint64_t uid)
{
    BOOL self = keeper_is_self(&k);
    HANDLE process = self ? GetCurrentProcess() : ceshim_open_process_exact(k.pid, k.create_time, PROCESS_DUP_HANDLE);
    if (!process)
        return; /* exited (its pid free or another process's now): its handles are gone */
    uint32_t value = k.handle;
    HANDLE dup = NULL;
    if (DuplicateHandle(process, handle_of(value), GetCurrentProcess(), &dup, 0, FALSE, DUPLICATE_SAME_ACCESS)) {
        BOOL ours = FALSE;
        const struct mq_chunk_header *c = MapViewOfFile(dup, FILE_MAP_READ, 0, 0, MQ_CHUNK_HEADER);
        if (c) {
            ours = c->magic == MQ_CHUNK_MAGIC && c->uid == uid;
            UnmapViewOfFile(c);
        }
        CloseHandle(dup);
        if (ours && self) {
            if (q)
                own_forget(q, handle_of(value));
            CloseHandle(handle_of(value));
        }
        else if (ours && DuplicateHandle(process, handle_of(value), GetCurrentProcess(), &dup, 0, FALSE,
                                         DUPLICATE_CLOSE_SOURCE | DUPLICATE_SAME_ACCESS))
            CloseHandle(dup);
    }
    if (!self)
        CloseHandle(process);
}

/* Closes our keeper at once and queues the others' (under write_lock). */
void mq_close_keepers(struct mq_queue *q, struct mq_chunk_header *c, uint64_t uid)
{
    for (uint32_t i = 0; i < MQ_MAX_PROCS; i++) {
        struct mq_keeper k = c->keepers[i];
        c->keepers[i].pid = 0;
        if (!k.pid)
            continue;
        BOOL queued = FALSE;
        if (!keeper_is_self(&k)) {
            AcquireSRWLockExclusive(&q->closes_lock);
            if (q->nclose < MQ_PENDING_CLOSES) {
                q->closes[q->nclose].keeper = k;
                q->closes[q->nclose].uid = uid;
                q->nclose++;
                queued = TRUE;
            }
            ReleaseSRWLockExclusive(&q->closes_lock);
        }
        if (!queued)
            mq_keeper_close(q, k, uid);
    }
}

struct close_work {
    struct mq_pending_close what;
    HANDLE done;
    volatile LONG refs; /* the worker's and the waiter's */
};

static void close_work_put(struct close_work *w)
{
    if (InterlockedDecrement(&w->refs) == 0) {
        CloseHandle(w->done);
        free(w);
    }
}

static DWORD WINAPI close_work_run(void *arg)
{
    struct close_work *w = arg;
    mq_keeper_close(NULL, w->what.keeper, w->what.uid);
    SetEvent(w->done);
    close_work_put(w);
    return 0;
}

void mq_chunks_flush_closes(struct mq_queue *q)
{
    if (!q->nclose) /* a racy look: the common case costs nothing */
        return;
    struct mq_pending_close batch[MQ_PENDING_CLOSES];
    AcquireSRWLockExclusive(&q->closes_lock);
    uint32_t n = q->nclose;
    memcpy(batch, q->closes, n * sizeof(batch[0]));
    q->nclose = 0;
    ReleaseSRWLockExclusive(&q->closes_lock);
    /* Each on a pool thread: one stuck on a dying process (see
     * keeper_close) holds up only itself, and this call for at most
     * CLOSE_WAIT_MS. */
    ULONGLONG deadline = GetTickCount64() + CLOSE_WAIT_MS;
    for (uint32_t i = 0; i < n; i++) {
        struct close_work *w = malloc(sizeof(*w));
        HANDLE done = w ? CreateEventW(NULL, TRUE, FALSE, NULL) : NULL;
        if (!done) {
            free(w);
            mq_keeper_close(NULL, batch[i].keeper, batch[i].uid);
            continue;
        }
        w->what = batch[i];
        w->done = done;
        w->refs = 2;
        if (!QueueUserWorkItem(close_work_run, w, WT_EXECUTEDEFAULT)) {
            w->refs = 1;
            close_work_run(w);
            continue;
        }
        ULONGLONG now = GetTickCount64();
        WaitForSingleObject(done, now < deadline ? (DWORD)(deadline - now) : 0);
        close_work_put(w);
    }
}

/* Gives every other process with the queue open a keeper of the new
 * chunk. FALSE if a living process could not get one. */
BOOL mq_give_keepers(struct mq_queue *q, struct mq_chunk_header *c, HANDLE mapping, int own)
{
    struct mq_header *h = q->h;
    for (uint32_t i = 0; i < MQ_MAX_PROCS && i < h->proc_slots; i++) {
        struct mq_proc p = h->procs[i];
        if (!p.pid || (int)i == own)
            continue;
        HANDLE process = ceshim_open_process_exact(p.pid, p.create_time, PROCESS_DUP_HANDLE), dup = NULL;
        if (!process) {
            if (ceshim_process_alive(p.pid, p.create_time))
                return FALSE; /* alive, but not ours to give handles to */
            continue;         /* dead (its pid maybe reused): swept soon */
        }
        BOOL ok = DuplicateHandle(GetCurrentProcess(), mapping, process, &dup, 0, FALSE, DUPLICATE_SAME_ACCESS);
        CloseHandle(process);
        if (!ok)
            return FALSE;
        c->keepers[i].handle = value_of(dup);
        c->keepers[i].create_time = p.create_time;
        c->keepers[i].pid = p.pid;
    }
    return TRUE;
}
