/*
 * mq_block.c - waiting on a queue end (layer 6, mq_block.h): the lazy event
 * protocol that keeps the common path free of kernel calls, the spin, the
 * sleep a slice at a time, and the routed waits' loop.
 *
 * The lazy event protocol (described here only; other files point here).
 * The read-end event should be set while messages are queued, the
 * write-end event while there is room; setting and resetting them on every
 * transition would cost two wineserver round trips per message. Instead
 * each end has a mirror flag (read_event_set / write_event_set: "the event
 * is believed set") and a sleeper count:
 *  - a side that makes the other end ready (a write for the read end, a
 *    read for the write end) sets the event only when someone sleeps on it
 *    or the mirror says it was reset;
 *  - a side about to sleep registers as a sleeper, resets the event, clears
 *    the mirror, re-checks the queue, and only then sleeps.
 * The mirror can be stale only in the "set" direction (an event still set
 * over an empty queue), which costs an early wake, never a lost one. A
 * poll that finds the end not ready (settle_event) and the routed waits
 * (mq_wait_ends) correct that before they sleep. Closing an end wakes
 * everyone (mq_wake_end: event and mirror set together).
 *
 * The words: mq_end_mirror(), mq_end_sleepers() (mq_types.h); per process,
 * q->sleepers[end] counts this process's sleepers, so that closing a
 * handle wakes them (mq_close_end).
 */
#include "msgqueue/mq_block.h"

#include "common/atomics.h"
#include "common/shlock.h"
#include "common/spin.h"
#include "msgqueue/mq_open.h"
#include "msgqueue/mq_table.h"

#define SLICE_MS 250       /* a sleeper re-checks (and sweeps) this often */
#define SPIN_US 19         /* busy-wait before sleeping: a busy peer ... */
#define SPIN_YIELDS 20     /* ... usually answers within these */
#define BATCH_WAIT_NS 2000 /* a reader fed back to back waits this before it looks, see spin_until_ready */

BOOL mq_end_ready(struct mq_handle *hnd)
{
    struct mq_header *h = hnd->q->h;
    if (hnd->closed || (h->state & (MQ_STATE_BROKEN | MQ_STATE_CORRUPT)))
        return TRUE;
    /* No writer (reader) attached is no signal: a read end that never had a
     * writer is created unsignaled, and a CE program waits on it before it
     * reads, as reading would fail with ERROR_PIPE_NOT_CONNECTED. */
    if (hnd->end == MQ_END_READ)
        return ceshim_load32(mq_end_sticky(h, MQ_END_READ)) || mq_has_message(h);
    return ceshim_load32(mq_end_sticky(h, MQ_END_WRITE)) || mq_has_room(h, &hnd->q->side[MQ_END_WRITE].mem);
}

/* What a waiter notes when it begins: when the mark changes, the end was
 * signaled meanwhile (a message written or read by the other side, or an
 * end fully closed), even if it has been reset since. */
static uint64_t end_mark(struct mq_handle *hnd)
{
    struct mq_header *h = hnd->q->h;
    /* The other side's message count: writes signal the read end, reads
     * the write end. */
    uint64_t peer = ceshim_load64(hnd->end == MQ_END_READ ? &h->wstate : &h->rstate);
    return ((uint64_t)ceshim_load32(&h->ends_closed) << 32) | (peer >> 32);
}

void mq_end_reset(struct mq_queue *q, int end)
{
    volatile uint32_t *sticky = mq_end_sticky(q->h, end);
    if (ceshim_load32(sticky)) /* stored only when set: the line stays this side's */
        ceshim_store32(sticky, 0);
}

/* Before sleeping on an end's event: registers as a sleeper and resets the
 * event; returns TRUE if the wait may sleep (condition still false). Every
 * call must be paired with sleep_end. */
static BOOL sleep_begin(struct mq_handle *hnd)
{
    struct mq_queue *q = hnd->q;
    volatile uint32_t *mirror = mq_end_mirror(q->h, hnd->end);
    ceshim_add32(mq_end_sleepers(q->h, hnd->end), 1);
    InterlockedIncrement(&q->sleepers[hnd->end]);
    ResetEvent(q->ev[hnd->end]);
    ceshim_store32(mirror, 0);
    ceshim_fence();
    if (mq_end_ready(hnd)) {
        /* Became ready meanwhile: put the event back for other waiters. */
        mq_wake_end(q, hnd->end);
        return FALSE;
    }
    return TRUE;
}

static void sleep_end(struct mq_handle *hnd)
{
    InterlockedDecrement(&hnd->q->sleepers[hnd->end]);
    ceshim_add32(mq_end_sleepers(hnd->q->h, hnd->end), -1);
}

void mq_signal_end(struct mq_queue *q, int end)
{
    ceshim_fence();
    if (ceshim_load32(mq_end_sleepers(q->h, end)) || !ceshim_load32(mq_end_mirror(q->h, end)))
        mq_wake_end(q, end);
}

/* Spins briefly for the end to become ready: a busy peer in another process
 * usually answers within microseconds, far sooner than a kernel wait.
 *
 * A reader whose last read found a message at once is being fed back to
 * back. Having caught up, it lets BATCH_WAIT_NS pass before it looks: the
 * writer fills a batch meanwhile, undisturbed. Looking at once would pull
 * the writer's state line and record lines to this core after every
 * message, a lockstep that runs at one cross-core transfer per message
 * (docs/performance.md, queue history). A reader that had to wait last
 * time (request and response) looks at once. */
static BOOL spin_until_ready(struct mq_handle *hnd)
{
    /* Measured once; racing threads store the same values. */
    static struct ceshim_spin_budget spin = CESHIM_SPIN_BUDGET(SPIN_US);
    static volatile LONG batch_wait_pauses;
    LONG batch_wait = batch_wait_pauses;
    if (!batch_wait) {
        batch_wait = ceshim_pauses_for_ns(BATCH_WAIT_NS);
        InterlockedExchange(&batch_wait_pauses, batch_wait);
    }
    int spin_pauses = ceshim_spin_pauses(&spin);
    if (hnd->last_read_ready) { /* only read ends are ever marked */
        for (int i = 0; i < batch_wait; i++)
            ceshim_pause();
    }
    for (int i = 0; i < spin_pauses; i++) {
        if (mq_end_ready(hnd))
            return TRUE;
        ceshim_pause();
    }
    for (int i = 0; i < SPIN_YIELDS; i++) {
        SwitchToThread();
        if (mq_end_ready(hnd))
            return TRUE;
    }
    return FALSE;
}

/* Blocks until the end may be ready or `remaining` ms pass. */
static void sleep_on_end(struct mq_handle *hnd, DWORD remaining)
{
    if (sleep_begin(hnd)) {
        DWORD slice = remaining < SLICE_MS ? remaining : SLICE_MS;
        if (WaitForSingleObject(hnd->q->ev[hnd->end], slice) == WAIT_TIMEOUT)
            mq_sweep(hnd->q, FALSE, CESHIM_SHLOCK_BRIEF_MS); /* a silent peer may be dead */
    }
    sleep_end(hnd);
}

/* When a poll finds the end not ready, an event left set by the lazy
 * protocol is reset, so plain waits on the handle don't keep waking. */
static void settle_event(struct mq_handle *hnd)
{
    if (ceshim_load32(mq_end_mirror(hnd->q->h, hnd->end))) {
        sleep_begin(hnd);
        sleep_end(hnd);
    }
}

enum mq_result mq_wait_end(struct mq_handle *hnd, DWORD timeout, ULONGLONG start)
{
    ULONGLONG elapsed = GetTickCount64() - start;
    if (timeout != INFINITE && elapsed >= timeout) {
        settle_event(hnd);
        return MQ_TIMEOUT;
    }
    if (!spin_until_ready(hnd))
        sleep_on_end(hnd, timeout == INFINITE ? INFINITE : (DWORD)(timeout - elapsed));
    return MQ_OK;
}

/* ---- the routed waits ------------------------------------------------------------ */

static BOOL all_ready(DWORD count, struct mq_handle **queues)
{
    for (DWORD k = 0; k < count; k++)
        if (queues[k] && !mq_end_ready(queues[k]))
            return FALSE;
    return TRUE;
}

static DWORD wait_ends(DWORD count, const HANDLE *handles, struct mq_handle **queues, BOOL wait_all,
                       DWORD timeout, BOOL alertable, enum mq_result *r)
{
    ULONGLONG start = GetTickCount64();
    /* An end signaled while this waits satisfies a wait-any even if it was
     * reset before this thread looked (a manual-reset event's waiters are
     * all released). Wait-all needs every end signaled at once. */
    uint64_t marks[MAXIMUM_WAIT_OBJECTS];
    for (DWORD i = 0; i < count; i++)
        marks[i] = queues[i] ? end_mark(queues[i]) : 0;
    for (;;) {
        /* Wait-any: the lowest ready index wins, as in Win32, so a queue
         * that is ready answers at once, unless a plain handle before it
         * is signaled too. */
        DWORD first_ready = count;
        for (DWORD i = 0; i < count && first_ready == count; i++) {
            if (!queues[i])
                continue;
            if (queues[i]->closed) {
                *r = MQ_BAD_HANDLE;
                return WAIT_FAILED;
            }
            if (mq_end_ready(queues[i]) || (!wait_all && end_mark(queues[i]) != marks[i]))
                first_ready = i;
        }
        if (!wait_all && first_ready < count) {
            if (first_ready > 0) {
                DWORD w = WaitForMultipleObjects(first_ready, handles, FALSE, 0);
                if (w < WAIT_OBJECT_0 + first_ready && !queues[w - WAIT_OBJECT_0])
                    return w;
            }
            return WAIT_OBJECT_0 + first_ready;
        }

        /* One kernel wait of at most a slice (zero when the time is up, so
         * plain handles are still looked at): queues that are not ready
         * register as sleepers and reset their events; ready ones (wait-all)
         * get their events set so the kernel sees them. */
        ULONGLONG elapsed = GetTickCount64() - start;
        DWORD remaining = timeout == INFINITE ? INFINITE : elapsed >= timeout ? 0 : (DWORD)(timeout - elapsed);
        BOOL became_ready = FALSE;
        for (DWORD i = 0; i < count; i++)
            if (queues[i] && !sleep_begin(queues[i]))
                became_ready = TRUE;
        DWORD w = WAIT_TIMEOUT;
        if (!became_ready || wait_all)
            w = WaitForMultipleObjectsEx(count, handles, wait_all, remaining < SLICE_MS ? remaining : SLICE_MS,
                                         alertable);
        for (DWORD i = 0; i < count; i++)
            if (queues[i])
                sleep_end(queues[i]);

        if (w == WAIT_FAILED || w == WAIT_IO_COMPLETION || (w >= WAIT_ABANDONED_0 && w < WAIT_ABANDONED_0 + count))
            return w;
        if (w < WAIT_OBJECT_0 + count) {
            if (wait_all ? all_ready(count, queues) : !queues[w - WAIT_OBJECT_0])
                return w;
            continue; /* a queue's event: the queue itself decides */
        }
        if (became_ready && !wait_all)
            continue;
        if (timeout != INFINITE && GetTickCount64() - start >= timeout)
            return WAIT_TIMEOUT;
        /* A silent peer may have died: its handles closing is an end
         * closing (spec 1.11), which only a sweep notices. */
        for (DWORD i = 0; i < count; i++)
            if (queues[i])
                mq_sweep(queues[i]->q, FALSE, CESHIM_SHLOCK_BRIEF_MS);
    }
}

enum mq_result mq_wait_ends(DWORD count, const HANDLE *handles, struct mq_handle **ends, BOOL wait_all,
                            DWORD timeout, BOOL alertable, DWORD *result)
{
    enum mq_result r = MQ_OK;
    *result = wait_ends(count, handles, ends, wait_all, timeout, alertable, &r);
    return r;
}
