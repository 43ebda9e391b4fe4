/*
 * mq_bench_peers.c - the transports mq_bench measures, as seen from one
 * child process: ceshim's queue, a message-mode named pipe, Boost's
 * message_queue, a raw shared-memory ring, an event ping-pong and a raw
 * spin ping-pong, each behind the ops tables the roles call.
 */
#include <intrin.h>
#include <stdio.h>
#include <string.h>

#include "mq_bench.h"

#ifdef MQ_BENCH_HAVE_BOOST
#include "bench_boost.h"
#endif

#if defined(_MSC_VER) && !defined(__clang__)
#define COMPILER_BARRIER() _ReadWriteBarrier()
#else
#define COMPILER_BARRIER() __asm__ __volatile__("" ::: "memory")
#endif

#define PEER_WAIT_MS 5000    /* event ping-pong: one wait */
#define RING_SLOTS 1024      /* the raw ring, like the 1024-message queue */
#define SPIN_PAUSES 2000     /* the raw ring's reader spins as ceshim does ... */
#define SPIN_YIELDS 20       /* ... before it sleeps */

/* ---- ceshim queue ---- */

HANDLE open_queue(struct peer *p, const char *suffix, BOOL read_end)
{
    struct bench_ctl *ctl = p->c->ctl;
    MSGQUEUEOPTIONS o;
    WCHAR name[160];
    memset(&o, 0, sizeof(o));
    o.dwSize = sizeof(o);
    o.dwMaxMessages = ctl->max_msgs;
    o.cbMaxMessage = ctl->msg_size;
    o.bReadAccess = read_end;
    object_name(name, 160, "", p->c->base, suffix);
    HANDLE h = CreateMsgQueue(name, &o);
    if (!h)
        fail(p->c, "CreateMsgQueue(%s end of %s%s): error %lu", read_end ? "read" : "write", p->c->base, suffix,
             GetLastError());
    return h;
}

static int mq_open(struct peer *p)
{
    p->h = open_queue(p, ".q0", p->reader);
    return p->h != NULL;
}

static int mq_send(struct peer *p, void *buf, uint32_t size)
{
    /* An unbounded queue says at once when its 32 MiB are queued. */
    while (!WriteMsgQueue(p->h, buf, size, INFINITE, 0)) {
        if (p->c->ctl->max_msgs != 0 || GetLastError() != ERROR_OUTOFMEMORY)
            return fail(p->c, "WriteMsgQueue: error %lu", GetLastError());
        SwitchToThread();
    }
    return 1;
}

static int mq_recv(struct peer *p, void *buf, uint32_t cap, uint32_t *got)
{
    DWORD n = 0, flags = 0;
    if (!ReadMsgQueue(p->h, buf, cap, &n, INFINITE, &flags))
        return fail(p->c, "ReadMsgQueue: error %lu", GetLastError());
    *got = n;
    return 1;
}

static void mq_close(struct peer *p)
{
    if (p->h)
        CloseMsgQueue(p->h);
    if (p->h2)
        CloseMsgQueue(p->h2);
}

const struct oneway_ops mq_oneway = { mq_open, NULL, mq_send, mq_recv, mq_close };

static int mq_pp_open(struct peer *p)
{
    /* q0 carries pings (pinger writes), q1 pongs (ponger writes). */
    p->h = open_queue(p, ".q0", !p->reader);
    p->h2 = p->h ? open_queue(p, ".q1", p->reader) : NULL;
    return p->h2 != NULL;
}

static int mq_pp_send(struct peer *p, HANDLE q, uint32_t seq)
{
    struct bench_msg m = { seq, seq == PP_END ? KIND_END : KIND_DATA, { 0, 0 } };
    if (!WriteMsgQueue(q, &m, sizeof(m), INFINITE, 0))
        return fail(p->c, "WriteMsgQueue: error %lu", GetLastError());
    return 1;
}

static int mq_pp_read(struct peer *p, HANDLE q, uint32_t *seq)
{
    struct bench_msg m;
    DWORD n = 0, flags = 0;
    if (!ReadMsgQueue(q, &m, sizeof(m), &n, INFINITE, &flags))
        return fail(p->c, "ReadMsgQueue: error %lu", GetLastError());
    if (n != sizeof(m))
        return fail(p->c, "ReadMsgQueue gave %lu bytes, not %lu", n, (unsigned long)sizeof(m));
    *seq = m.kind == KIND_END ? PP_END : m.seq;
    return 1;
}

static int mq_ping(struct peer *p, uint32_t seq) { return mq_pp_send(p, p->h, seq); }
static int mq_pong(struct peer *p, uint32_t seq) { return mq_pp_send(p, p->h2, seq); }
static int mq_wait_ping(struct peer *p, uint32_t *seq) { return mq_pp_read(p, p->h, seq); }

static int mq_wait_pong(struct peer *p, uint32_t seq)
{
    uint32_t got = 0;
    if (!mq_pp_read(p, p->h2, &got))
        return 0;
    if (got != seq)
        return fail(p->c, "pong %lu for ping %lu", (unsigned long)got, (unsigned long)seq);
    return 1;
}

const struct pp_ops mq_pp = { mq_pp_open, mq_ping, mq_wait_pong, mq_wait_ping, mq_pong, mq_close };

/* ---- message-mode named pipe ---- */

static int pipe_open(struct peer *p)
{
    WCHAR name[160];
    object_name(name, 160, "\\\\.\\pipe\\", p->c->base, "");
    if (p->reader) {
        p->h = CreateNamedPipeW(name, PIPE_ACCESS_INBOUND, PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE | PIPE_WAIT,
                                1, 64 * 1024, 64 * 1024, 0, NULL);
        if (p->h == INVALID_HANDLE_VALUE)
            return fail(p->c, "CreateNamedPipe: error %lu", GetLastError());
        return 1;
    }
    for (int tries = 0; tries < 1000; tries++) {
        p->h = CreateFileW(name, GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
        if (p->h != INVALID_HANDLE_VALUE)
            return 1;
        DWORD e = GetLastError();
        if (e == ERROR_PIPE_BUSY)
            WaitNamedPipeW(name, 1000);
        else if (e == ERROR_FILE_NOT_FOUND)
            Sleep(10);
        else
            return fail(p->c, "CreateFile(pipe): error %lu", e);
    }
    return fail(p->c, "CreateFile(pipe): no pipe to connect to");
}

static int pipe_connect(struct peer *p)
{
    if (p->reader && !ConnectNamedPipe(p->h, NULL) && GetLastError() != ERROR_PIPE_CONNECTED)
        return fail(p->c, "ConnectNamedPipe: error %lu", GetLastError());
    return 1;
}

static int pipe_send(struct peer *p, void *buf, uint32_t size)
{
    DWORD n = 0;
    if (!WriteFile(p->h, buf, size, &n, NULL) || n != size)
        return fail(p->c, "WriteFile(pipe): error %lu", GetLastError());
    return 1;
}

static int pipe_recv(struct peer *p, void *buf, uint32_t cap, uint32_t *got)
{
    DWORD n = 0;
    if (!ReadFile(p->h, buf, cap, &n, NULL))
        return fail(p->c, "ReadFile(pipe): error %lu", GetLastError());
    *got = n;
    return 1;
}

static void pipe_close(struct peer *p)
{
    if (p->h && p->h != INVALID_HANDLE_VALUE)
        CloseHandle(p->h);
}

const struct oneway_ops pipe_oneway = { pipe_open, pipe_connect, pipe_send, pipe_recv, pipe_close };

/* ---- Boost.Interprocess message_queue ---- */

#ifdef MQ_BENCH_HAVE_BOOST
static int boost_open(struct peer *p)
{
    char err[ERRLEN] = "";
    struct bench_ctl *ctl = p->c->ctl;
    CreateDirectoryA(MQ_BENCH_BOOST_SHARED_DIR, NULL);
    snprintf(p->bname, sizeof(p->bname), "%s.boost", p->c->base);
    p->boost = bench_boost_open(p->bname, p->reader, ctl->max_msgs, ctl->msg_size, err, sizeof(err));
    if (!p->boost)
        return fail(p->c, "%s", err);
    return 1;
}

static int boost_send(struct peer *p, void *buf, uint32_t size)
{
    char err[ERRLEN] = "";
    if (!bench_boost_send(p->boost, buf, size, err, sizeof(err)))
        return fail(p->c, "%s", err);
    return 1;
}

static int boost_recv(struct peer *p, void *buf, uint32_t cap, uint32_t *got)
{
    char err[ERRLEN] = "";
    unsigned n = 0;
    if (!bench_boost_receive(p->boost, buf, cap, &n, err, sizeof(err)))
        return fail(p->c, "%s", err);
    *got = n;
    return 1;
}

static void boost_close(struct peer *p)
{
    /* The parent deletes the queue once both sides are gone. */
    if (p->boost)
        bench_boost_close(p->boost);
}

const struct oneway_ops boost_oneway = { boost_open, NULL, boost_send, boost_recv, boost_close };

/* Deletes a queue's file from Boost's folder. message_queue::remove fails
 * under Wine (it renames the file to a name built from the boot time, which
 * Boost cannot read there), so the benchmark deletes the file itself, once
 * nothing has it open. */
void boost_delete(const char *name)
{
    char path[MAX_PATH];
    snprintf(path, sizeof(path), "%s\\%s", MQ_BENCH_BOOST_SHARED_DIR, name);
    if (!DeleteFileA(path))
        bench_boost_remove(name);
}
#endif

/* ---- raw shared-memory ring with one event ----
 * Single producer, single consumer. The reader spins briefly on an empty
 * ring, then raises `reader_sleeping` and waits on an auto-reset event that
 * the writer sets when it finds the flag raised. A full ring makes the
 * writer spin and yield. */

struct ring {
    volatile LONG64 head; /* written by the writer */
    char pad0[64 - sizeof(LONG64)];
    volatile LONG64 tail; /* written by the reader */
    char pad1[64 - sizeof(LONG64)];
    volatile LONG reader_sleeping;
    char pad2[64 - sizeof(LONG)];
    unsigned char slots[RING_SLOTS][sizeof(struct bench_msg)];
};

static int ring_open(struct peer *p)
{
    WCHAR name[160];
    if (p->c->ctl->msg_size != sizeof(struct bench_msg))
        return fail(p->c, "the raw ring carries %lu-byte messages only", (unsigned long)sizeof(struct bench_msg));
    object_name(name, 160, "Local\\", p->c->base, ".ring");
    p->map = CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, sizeof(struct ring), name);
    if (!p->map)
        return fail(p->c, "CreateFileMapping(ring): error %lu", GetLastError());
    p->view = MapViewOfFile(p->map, FILE_MAP_ALL_ACCESS, 0, 0, 0);
    if (!p->view)
        return fail(p->c, "MapViewOfFile(ring): error %lu", GetLastError());
    object_name(name, 160, "Local\\", p->c->base, ".ringev");
    p->h = CreateEventW(NULL, FALSE, FALSE, name);
    if (!p->h)
        return fail(p->c, "CreateEvent(ring): error %lu", GetLastError());
    return 1;
}

static int ring_send(struct peer *p, void *buf, uint32_t size)
{
    struct ring *r = p->view;
    LONG64 head = r->head;
    for (int spins = 0; head - r->tail >= RING_SLOTS; spins++) {
        if (spins < SPIN_PAUSES)
            YieldProcessor();
        else
            SwitchToThread();
    }
    COMPILER_BARRIER();
    memcpy(r->slots[head % RING_SLOTS], buf, size);
    InterlockedExchange64(&r->head, head + 1); /* publishes, and orders the flag's load below */
    if (r->reader_sleeping && InterlockedExchange(&r->reader_sleeping, 0))
        SetEvent(p->h);
    return 1;
}

static int ring_recv(struct peer *p, void *buf, uint32_t cap, uint32_t *got)
{
    struct ring *r = p->view;
    LONG64 tail = r->tail;
    int spins = 0;
    while (r->head == tail) {
        if (spins < SPIN_PAUSES) {
            YieldProcessor();
        } else if (spins < SPIN_PAUSES + SPIN_YIELDS) {
            SwitchToThread();
        } else {
            InterlockedExchange(&r->reader_sleeping, 1);
            if (r->head == tail) /* re-checked after the flag is visible */
                WaitForSingleObject(p->h, 100); /* a slice: a lost wake only delays */
            InterlockedExchange(&r->reader_sleeping, 0);
            spins = 0;
            continue;
        }
        spins++;
    }
    COMPILER_BARRIER();
    uint32_t n = cap < sizeof(struct bench_msg) ? cap : (uint32_t)sizeof(struct bench_msg);
    memcpy(buf, r->slots[tail % RING_SLOTS], n);
    COMPILER_BARRIER();
    r->tail = tail + 1;
    *got = n;
    return 1;
}

static void ring_close(struct peer *p)
{
    if (p->view)
        UnmapViewOfFile(p->view);
    if (p->map)
        CloseHandle(p->map);
    if (p->h)
        CloseHandle(p->h);
}

const struct oneway_ops ring_oneway = { ring_open, NULL, ring_send, ring_recv, ring_close };

/* ---- event ping-pong: two auto-reset events ---- */

static int ev_open(struct peer *p)
{
    WCHAR name[160];
    object_name(name, 160, "Local\\", p->c->base, ".ping");
    p->h = CreateEventW(NULL, FALSE, FALSE, name);
    object_name(name, 160, "Local\\", p->c->base, ".pong");
    p->h2 = CreateEventW(NULL, FALSE, FALSE, name);
    if (!p->h || !p->h2)
        return fail(p->c, "CreateEvent: error %lu", GetLastError());
    return 1;
}

static int ev_ping(struct peer *p, uint32_t seq)
{
    if (seq == PP_END)
        InterlockedExchange(&p->c->ctl->stop, 1);
    if (!SetEvent(p->h))
        return fail(p->c, "SetEvent: error %lu", GetLastError());
    return 1;
}

static int ev_wait(struct peer *p, HANDLE ev)
{
    DWORD w = WaitForSingleObject(ev, PEER_WAIT_MS);
    if (w != WAIT_OBJECT_0)
        return fail(p->c, "WaitForSingleObject(event) = %lu, error %lu", w, GetLastError());
    return 1;
}

static int ev_wait_pong(struct peer *p, uint32_t seq)
{
    (void)seq;
    return ev_wait(p, p->h2);
}

static int ev_wait_ping(struct peer *p, uint32_t *seq)
{
    if (!ev_wait(p, p->h))
        return 0;
    *seq = p->c->ctl->stop ? PP_END : 0;
    return 1;
}

static int ev_pong(struct peer *p, uint32_t seq)
{
    (void)seq;
    if (!SetEvent(p->h2))
        return fail(p->c, "SetEvent: error %lu", GetLastError());
    return 1;
}

static void ev_close(struct peer *p)
{
    if (p->h)
        CloseHandle(p->h);
    if (p->h2)
        CloseHandle(p->h2);
}

const struct pp_ops ev_pp = { ev_open, ev_ping, ev_wait_pong, ev_wait_ping, ev_pong, ev_close };

/* ---- raw spin ping-pong: two shared counters, no pause, no kernel ----
 * A side that has spun ~100 us without an answer yields once: with both
 * cores free that never happens (a round trip is ~0.1 us); on a machine
 * where other work takes a core, it keeps a round trip from costing a
 * whole scheduler time slice. */

#define SPIN_YIELD_MASK 0x1ffffu

struct spin_pair {
    volatile LONG ping; /* seq + 1; PP_END ends */
    char pad0[64 - sizeof(LONG)];
    volatile LONG pong; /* seq + 1 */
    char pad1[64 - sizeof(LONG)];
};

static int spin_open(struct peer *p)
{
    WCHAR name[160];
    object_name(name, 160, "Local\\", p->c->base, ".spin");
    p->map = CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, sizeof(struct spin_pair), name);
    if (!p->map)
        return fail(p->c, "CreateFileMapping(spin): error %lu", GetLastError());
    p->view = MapViewOfFile(p->map, FILE_MAP_ALL_ACCESS, 0, 0, 0);
    if (!p->view)
        return fail(p->c, "MapViewOfFile(spin): error %lu", GetLastError());
    return 1;
}

static int spin_ping(struct peer *p, uint32_t seq)
{
    ((struct spin_pair *)p->view)->ping = (LONG)(seq == PP_END ? PP_END : seq + 1);
    return 1;
}

static int spin_wait_pong(struct peer *p, uint32_t seq)
{
    struct spin_pair *s = p->view;
    for (uint32_t spins = 1; s->pong != (LONG)(seq + 1); spins++)
        if (!(spins & SPIN_YIELD_MASK))
            SwitchToThread(); /* only when the peer has no core of its own */
    return 1;
}

static int spin_wait_ping(struct peer *p, uint32_t *seq)
{
    struct spin_pair *s = p->view;
    LONG v;
    for (uint32_t spins = 1; (v = s->ping) == p->last; spins++)
        if (!(spins & SPIN_YIELD_MASK))
            SwitchToThread();
    p->last = v;
    *seq = (uint32_t)v == PP_END ? PP_END : (uint32_t)v - 1;
    return 1;
}

static int spin_pong(struct peer *p, uint32_t seq)
{
    ((struct spin_pair *)p->view)->pong = (LONG)(seq + 1);
    return 1;
}

static void spin_close(struct peer *p)
{
    if (p->view)
        UnmapViewOfFile(p->view);
    if (p->map)
        CloseHandle(p->map);
}

const struct pp_ops spin_pp = { spin_open, spin_ping, spin_wait_pong, spin_wait_ping, spin_pong, spin_close };
