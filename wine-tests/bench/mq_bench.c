/*
 * mq_bench.c - how fast ceshim's message queues are, next to their peers.
 *
 * One run measures, each between two processes (this executable re-launched
 * as `mq_bench --role ROLE BASE PARENT_PID`; BASE names every object of one
 * measurement):
 *   1. one-way throughput of 16-byte messages, writer -> reader: ceshim
 *      (1024 x 16 B, WriteMsgQueue/ReadMsgQueue INFINITE), a message-mode
 *      named pipe, Boost.Interprocess message_queue (bench_boost.cpp), and a
 *      raw shared-memory ring that spins briefly, then sleeps on one event;
 *      and ceshim again with an unbounded queue (its ring in chunks);
 *   2. ping-pong round-trip latency (median, p99) of 16 bytes: ceshim with
 *      ReadMsgQueue(INFINITE) on both sides (two queues), a pair of
 *      auto-reset events, and two spinning shared counters (the floor);
 *   3. 1 MiB messages through ceshim (8 x 1 MiB), against memcpy of 1 MiB
 *      in one process;
 *   4. the CPU a reader uses while blocked in ReadMsgQueue(INFINITE) on an
 *      empty queue for ~3 s (and, for comparison, in WaitForSingleObject on
 *      the queue handle);
 *   5. write+read pairs per second within one process (sanity figure);
 * then prints a summary against the targets. It reports; it never
 * fails on timing. The exit code is 1 only when something failed to run (a
 * child that errs, hangs or dies); a peer that cannot be set up here (Boost
 * not built, Boost failing under this Wine) is "not available", and no
 * number is made up for it.
 *
 * The parent process only orchestrates: it starts the two processes of a
 * measurement one after the other, lets them go together once both have
 * their endpoints open, and waits for both within a bound, terminating them
 * if they overrun. The measuring side (reader, pinger) times the run and
 * writes its figures into a small named mapping; a child's outcome is read
 * from there, never from its exit code (Wine reports a killed process as
 * exit 0). Runs are bounded by time as well as by count: the measuring side
 * raises a stop flag after ~0.5 s, the writer then sends an end marker, and
 * the rate is what was delivered in the time taken, so fast and slow peers
 * each run about as long. Every message carries a sequence number that the
 * reader checks (nothing lost, reordered or cut).
 *
 * Two-process figures vary from run to run on a shared virtual machine, and
 * depend on both processes getting a core. So each is measured in 3 runs,
 * the peers of a section taking turns, and the median run is the figure;
 * before each run the parent waits (briefly) for other work to quieten
 * (GetSystemTimes), and figures taken while it stayed busy are marked.
 *
 * Times are taken with the TSC where there is one (calibrated against
 * QueryPerformanceCounter at start), else with QueryPerformanceCounter.
 *
 * Options: --scale F multiplies every time limit; --only 1,3 runs only
 * those sections.
 */
#include <windows.h>
#include <intrin.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_common.h"

#ifdef MQ_BENCH_HAVE_BOOST
#include "bench_boost.h"
#endif

/* The peers are measured with Win32's own waits; the benchmark never waits
 * on a queue handle, so ceshim.h's routing of waits is not wanted here. */
#undef WaitForSingleObject
#undef WaitForMultipleObjects

#if defined(_MSC_VER) && !defined(__clang__)
#define COMPILER_BARRIER() _ReadWriteBarrier()
#else
#define COMPILER_BARRIER() __asm__ __volatile__("" ::: "memory")
#endif

#define ERRLEN 240
#define READY_WAIT_MS 20000  /* a child opening its endpoint */
#define GO_WAIT_MS 30000     /* a child waiting for the start */
#define GRACE_MS 20000       /* a measurement may overrun its time limit by this */
#define CHILD_MAX_MS 120000  /* a child never lives longer */
#define PEER_WAIT_MS 5000    /* event ping-pong: one wait */
#define RING_SLOTS 1024      /* the raw ring, like the 1024-message queue */
#define SPIN_PAUSES 2000     /* the raw ring's reader spins as ceshim does ... */
#define SPIN_YIELDS 20       /* ... before it sleeps */
#define PP_END 0xFFFFFFFFu
#define MIB (1024u * 1024u)

enum { KIND_DATA = 1, KIND_END = 2 };
enum { STATUS_RUNNING = 0, STATUS_OK = 1, STATUS_FAILED = 2 };

/* The head of every message (the rest of a large message is filler). */
struct bench_msg {
    uint32_t seq;
    uint32_t kind;
    uint32_t spare[2];
};

/* What one child reports. */
struct bench_result {
    volatile LONG status;
    volatile LONG opened; /* its endpoint was open: later errors are failures, earlier ones "not available" */
    uint64_t count;       /* messages or round trips measured */
    uint64_t span;        /* ticks the measurement took */
    uint64_t lat_min, lat_median, lat_p99; /* ticks per round trip */
    uint64_t cpu_100ns;   /* blocked reader: its thread's user + kernel time (GetThreadTimes) */
    uint64_t cpu_process_100ns; /* ... its whole process's (GetProcessTimes on itself) */
    uint64_t cpu_ns;      /* ... and on-CPU time from Linux's schedstat under Wine, else 0 */
    LONG cpu_ns_valid;
    char error[ERRLEN];
};

/* One measurement's shared control block (named mapping BASE.ctl). */
struct bench_ctl {
    volatile LONG ready; /* children with their endpoint open */
    volatile LONG stop;  /* the measuring side's time is up */
    uint32_t max_count;  /* messages / round trips at most */
    uint32_t msg_size;
    uint32_t max_msgs;   /* ceshim and Boost queue depth */
    uint32_t limit_ms;   /* time after which the measuring side stops */
    uint64_t ticks_per_ms;
    struct bench_result r[2]; /* [0] reader / pinger, [1] writer / ponger */
};

/* ---- small helpers ------------------------------------------------------------ */

static void say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    fflush(stdout);
}

/* Object name BASE + suffix, wide, optionally in the Local\ namespace. */
static void object_name(WCHAR *dst, int chars, const char *prefix, const char *base, const char *suffix)
{
    char tmp[256];
    snprintf(tmp, sizeof(tmp), "%s%s%s", prefix, base, suffix);
    if (!MultiByteToWideChar(CP_UTF8, 0, tmp, -1, dst, chars))
        dst[0] = 0;
}

/* Under Wine only: the calling thread's on-CPU time in ns, from Linux's
 * /proc/thread-self/schedstat (through Wine's Z: drive). Wine's
 * GetThreadTimes counts 10 ms ticks, too coarse for a thread that sleeps. */
static int linux_thread_cpu_ns(uint64_t *ns)
{
    char buf[128];
    DWORD n = 0;
    if (!bench_is_wine())
        return 0;
    HANDLE f = CreateFileW(L"Z:\\proc\\thread-self\\schedstat", GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING,
                           0, NULL);
    if (f == INVALID_HANDLE_VALUE)
        return 0;
    BOOL ok = ReadFile(f, buf, sizeof(buf) - 1, &n, NULL);
    CloseHandle(f);
    if (!ok || !n || buf[0] < '0' || buf[0] > '9')
        return 0;
    buf[n] = 0;
    *ns = strtoull(buf, NULL, 10);
    return 1;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* 1234567.8 -> "1,234,568" */
static const char *grouped(double v, char *buf, size_t n)
{
    char digits[64];
    snprintf(digits, sizeof(digits), "%.0f", v < 0 ? 0 : v);
    size_t len = strlen(digits), o = 0;
    for (size_t i = 0; i < len && o + 2 < n; i++) {
        buf[o++] = digits[i];
        size_t left = len - i - 1;
        if (left && left % 3 == 0)
            buf[o++] = ',';
    }
    buf[o] = 0;
    return buf;
}

/* ---- the child side ------------------------------------------------------------- */

struct child {
    const char *base;
    struct bench_ctl *ctl;
    struct bench_result *res;  /* this child's slot */
    struct bench_result *other; /* the other side's slot */
    HANDLE go;
    int slot;
};

static int fail(struct child *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->res->error, ERRLEN, fmt, ap);
    va_end(ap);
    c->res->error[ERRLEN - 1] = 0;
    InterlockedExchange(&c->res->status, STATUS_FAILED);
    return 0;
}

/* Marks the endpoint open and counts this side as ready. */
static void announce_ready(struct child *c)
{
    InterlockedExchange(&c->res->opened, 1);
    InterlockedIncrement(&c->ctl->ready);
}

static int wait_go(struct child *c)
{
    if (WaitForSingleObject(c->go, GO_WAIT_MS) != WAIT_OBJECT_0)
        return fail(c, "no start signal within %lu s", (unsigned long)(GO_WAIT_MS / 1000));
    return 1;
}

/* The side that sent the end marker keeps its endpoint open until the other
 * side has seen it: closing the last write end of a ceshim queue breaks the
 * queue and discards what is still queued (as on CE). */
static void wait_other_done(struct child *c)
{
    for (int i = 0; i < GRACE_MS && c->other->status == STATUS_RUNNING; i++)
        Sleep(1);
}

/* A transport's endpoint in one child. */
struct peer {
    struct child *c;
    int reader; /* one-way: the reading side; ping-pong: the pinger */
    HANDLE h, h2;
    HANDLE map;
    void *view;
    void *boost;
    char bname[128];
    LONG last; /* spin ping-pong: the last ping seen */
};

struct oneway_ops {
    int (*open)(struct peer *p);
    int (*connect)(struct peer *p); /* after announcing ready; may be NULL */
    int (*send)(struct peer *p, void *buf, uint32_t size);
    int (*recv)(struct peer *p, void *buf, uint32_t cap, uint32_t *got);
    void (*close)(struct peer *p);
};

struct pp_ops {
    int (*open)(struct peer *p);
    int (*ping)(struct peer *p, uint32_t seq); /* seq PP_END: the end */
    int (*wait_pong)(struct peer *p, uint32_t seq);
    int (*wait_ping)(struct peer *p, uint32_t *seq);
    int (*pong)(struct peer *p, uint32_t seq);
    void (*close)(struct peer *p);
};

/* ---- ceshim queue ---- */

static HANDLE open_queue(struct peer *p, const char *suffix, BOOL read_end)
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

static const struct oneway_ops mq_oneway = { mq_open, NULL, mq_send, mq_recv, mq_close };

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

static const struct pp_ops mq_pp = { mq_pp_open, mq_ping, mq_wait_pong, mq_wait_ping, mq_pong, mq_close };

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

static const struct oneway_ops pipe_oneway = { pipe_open, pipe_connect, pipe_send, pipe_recv, pipe_close };

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

static const struct oneway_ops boost_oneway = { boost_open, NULL, boost_send, boost_recv, boost_close };

/* Deletes a queue's file from Boost's folder. message_queue::remove fails
 * under Wine (it renames the file to a name built from the boot time, which
 * Boost cannot read there), so the benchmark deletes the file itself, once
 * nothing has it open. */
static void boost_delete(const char *name)
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

static const struct oneway_ops ring_oneway = { ring_open, NULL, ring_send, ring_recv, ring_close };

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

static const struct pp_ops ev_pp = { ev_open, ev_ping, ev_wait_pong, ev_wait_ping, ev_pong, ev_close };

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

static const struct pp_ops spin_pp = { spin_open, spin_ping, spin_wait_pong, spin_wait_ping, spin_pong, spin_close };

/* ---- the roles ---- */

/* One-way, reading side (slot 0): times from the start to the end marker. */
static int oneway_reader(struct child *c, const struct oneway_ops *ops)
{
    struct bench_ctl *ctl = c->ctl;
    struct peer p;
    memset(&p, 0, sizeof(p));
    p.c = c;
    p.reader = 1;
    uint32_t size = ctl->msg_size;
    unsigned char *buf = malloc(size);
    if (!buf)
        return fail(c, "out of memory");
    if (!ops->open(&p))
        return 0;
    announce_ready(c);
    if ((ops->connect && !ops->connect(&p)) || !wait_go(c))
        return 0;
    uint64_t limit = (uint64_t)ctl->limit_ms * ctl->ticks_per_ms;
    uint64_t t0 = ticks();
    uint32_t expected = 0;
    for (;;) {
        struct bench_msg m;
        uint32_t got = 0;
        if (!ops->recv(&p, buf, size, &got))
            return 0;
        if (got < sizeof(m))
            return fail(c, "message %lu: %lu bytes", (unsigned long)expected, (unsigned long)got);
        memcpy(&m, buf, sizeof(m));
        if (m.kind == KIND_END)
            break;
        if (m.kind != KIND_DATA || m.seq != expected || got != size)
            return fail(c, "message %lu: got seq %lu kind %lu, %lu bytes (lost, reordered or cut)",
                        (unsigned long)expected, (unsigned long)m.seq, (unsigned long)m.kind, (unsigned long)got);
        expected++;
        if (!(expected & 255) && !ctl->stop && ticks() - t0 > limit)
            InterlockedExchange(&ctl->stop, 1);
    }
    c->res->span = ticks() - t0;
    c->res->count = expected;
    InterlockedExchange(&c->res->status, STATUS_OK);
    ops->close(&p);
    free(buf);
    return 1;
}

/* One-way, writing side (slot 1). */
static int oneway_writer(struct child *c, const struct oneway_ops *ops)
{
    struct bench_ctl *ctl = c->ctl;
    struct peer p;
    memset(&p, 0, sizeof(p));
    p.c = c;
    uint32_t size = ctl->msg_size;
    unsigned char *buf = malloc(size);
    if (!buf)
        return fail(c, "out of memory");
    memset(buf, 0x5a, size);
    if (!ops->open(&p))
        return 0;
    announce_ready(c);
    if ((ops->connect && !ops->connect(&p)) || !wait_go(c))
        return 0;
    struct bench_msg m = { 0, KIND_DATA, { 0, 0 } };
    uint32_t i;
    for (i = 0; i < ctl->max_count && !ctl->stop; i++) {
        m.seq = i;
        memcpy(buf, &m, sizeof(m));
        if (!ops->send(&p, buf, size))
            return 0;
    }
    m.seq = i;
    m.kind = KIND_END;
    memcpy(buf, &m, sizeof(m));
    if (!ops->send(&p, buf, size))
        return 0;
    c->res->count = i;
    InterlockedExchange(&c->res->status, STATUS_OK);
    wait_other_done(c);
    ops->close(&p);
    free(buf);
    return 1;
}

/* Ping-pong, measuring side (slot 0): one timed round trip at a time. */
static int pp_pinger(struct child *c, const struct pp_ops *ops)
{
    struct bench_ctl *ctl = c->ctl;
    struct peer p;
    memset(&p, 0, sizeof(p));
    p.c = c;
    p.reader = 1;
    uint32_t max = ctl->max_count, warm = max / 20 < 1000 ? max / 20 : 1000;
    uint64_t *lat = malloc(sizeof(uint64_t) * (max ? max : 1));
    if (!lat)
        return fail(c, "out of memory");
    if (!ops->open(&p))
        return 0;
    announce_ready(c);
    if (!wait_go(c))
        return 0;
    uint64_t limit = (uint64_t)ctl->limit_ms * ctl->ticks_per_ms, start = ticks(), sum = 0;
    uint32_t n = 0;
    for (uint32_t i = 0; n < max; i++) {
        uint64_t t0 = ticks();
        if (!ops->ping(&p, i) || !ops->wait_pong(&p, i))
            return 0;
        uint64_t t1 = ticks();
        if (i >= warm) {
            lat[n++] = t1 - t0;
            sum += t1 - t0;
        }
        if (n && t1 - start > limit)
            break;
    }
    if (!ops->ping(&p, PP_END))
        return 0;
    qsort(lat, n, sizeof(uint64_t), cmp_u64);
    c->res->count = n;
    c->res->span = sum;
    c->res->lat_min = n ? lat[0] : 0;
    c->res->lat_median = n ? lat[n / 2] : 0;
    c->res->lat_p99 = n ? lat[(uint64_t)n * 99 / 100] : 0;
    InterlockedExchange(&c->res->status, STATUS_OK);
    wait_other_done(c);
    ops->close(&p);
    free(lat);
    return 1;
}

/* Ping-pong, echoing side (slot 1). */
static int pp_ponger(struct child *c, const struct pp_ops *ops)
{
    struct peer p;
    memset(&p, 0, sizeof(p));
    p.c = c;
    if (!ops->open(&p))
        return 0;
    announce_ready(c);
    if (!wait_go(c))
        return 0;
    uint64_t count = 0;
    for (;;) {
        uint32_t seq = 0;
        if (!ops->wait_ping(&p, &seq))
            return 0;
        if (seq == PP_END)
            break;
        if (!ops->pong(&p, seq))
            return 0;
        count++;
    }
    c->res->count = count;
    InterlockedExchange(&c->res->status, STATUS_OK);
    ops->close(&p);
    return 1;
}

/* Blocked reader (slot 0): one ReadMsgQueue(INFINITE) on a queue that stays
 * empty until the parent writes, or (wait_first) the CE monitor's idiom:
 * WaitForSingleObject(queue handle, INFINITE) through ceshim.h's routing,
 * then ReadMsgQueue(0). Reports its own thread's CPU time. */
static int blocked_reader(struct child *c, int wait_first)
{
    struct peer p;
    memset(&p, 0, sizeof(p));
    p.c = c;
    HANDLE q = open_queue(&p, ".q0", TRUE);
    if (!q)
        return 0;
    announce_ready(c);
    FILETIME cr, ex, k0, u0, k1, u1, pk0, pu0, pk1, pu1;
    if (!GetThreadTimes(GetCurrentThread(), &cr, &ex, &k0, &u0) ||
        !GetProcessTimes(GetCurrentProcess(), &cr, &ex, &pk0, &pu0))
        return fail(c, "GetThreadTimes/GetProcessTimes: error %lu", GetLastError());
    uint64_t ns0 = 0, ns1 = 0;
    int precise = linux_thread_cpu_ns(&ns0);
    uint64_t t0 = ticks();
    struct bench_msg m;
    DWORD n = 0, flags = 0;
    if (wait_first) {
        DWORD w = CeShimWaitForSingleObject(q, INFINITE);
        if (w != WAIT_OBJECT_0)
            return fail(c, "WaitForSingleObject(queue) = 0x%lx, error %lu", w, GetLastError());
    }
    if (!ReadMsgQueue(q, &m, sizeof(m), &n, wait_first ? 0 : INFINITE, &flags))
        return fail(c, "ReadMsgQueue: error %lu", GetLastError());
    uint64_t t1 = ticks();
    precise = precise && linux_thread_cpu_ns(&ns1);
    if (!GetThreadTimes(GetCurrentThread(), &cr, &ex, &k1, &u1) ||
        !GetProcessTimes(GetCurrentProcess(), &cr, &ex, &pk1, &pu1))
        return fail(c, "GetThreadTimes/GetProcessTimes: error %lu", GetLastError());
    c->res->cpu_ns = precise ? ns1 - ns0 : 0;
    c->res->cpu_ns_valid = precise;
    if (n != sizeof(m) || m.kind != KIND_END)
        return fail(c, "ReadMsgQueue returned an unexpected message");
    c->res->count = 1;
    c->res->span = t1 - t0;
    c->res->cpu_100ns = filetime64(k1) - filetime64(k0) + filetime64(u1) - filetime64(u0);
    c->res->cpu_process_100ns = filetime64(pk1) - filetime64(pk0) + filetime64(pu1) - filetime64(pu0);
    InterlockedExchange(&c->res->status, STATUS_OK);
    CloseMsgQueue(q);
    return 1;
}

/* Ends the child if the parent goes away or the child outlives its bound. */
static DWORD WINAPI child_watchdog(LPVOID arg)
{
    HANDLE parent = arg;
    WaitForSingleObject(parent, CHILD_MAX_MS);
    ExitProcess(3);
}

struct role {
    const char *name;
    int slot;
    const struct oneway_ops *oneway;
    const struct pp_ops *pp;
};

static const struct role roles[] = {
    { "ceshim-reader", 0, &mq_oneway, NULL },
    { "ceshim-writer", 1, &mq_oneway, NULL },
    { "pipe-reader", 0, &pipe_oneway, NULL },
    { "pipe-writer", 1, &pipe_oneway, NULL },
#ifdef MQ_BENCH_HAVE_BOOST
    { "boost-reader", 0, &boost_oneway, NULL },
    { "boost-writer", 1, &boost_oneway, NULL },
#endif
    { "ring-reader", 0, &ring_oneway, NULL },
    { "ring-writer", 1, &ring_oneway, NULL },
    { "ceshim-pinger", 0, NULL, &mq_pp },
    { "ceshim-ponger", 1, NULL, &mq_pp },
    { "event-pinger", 0, NULL, &ev_pp },
    { "event-ponger", 1, NULL, &ev_pp },
    { "spin-pinger", 0, NULL, &spin_pp },
    { "spin-ponger", 1, NULL, &spin_pp },
    { "blocked-reader", 0, NULL, NULL },
    { "blocked-waiter", 0, NULL, NULL },
};

static int child_main(const char *role_name, const char *base, DWORD parent_pid)
{
    const struct role *role = NULL;
    for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
        if (!strcmp(roles[i].name, role_name))
            role = &roles[i];
    WCHAR name[160];
    object_name(name, 160, "Local\\", base, ".ctl");
    HANDLE map = OpenFileMappingW(FILE_MAP_ALL_ACCESS, FALSE, name);
    struct bench_ctl *ctl = map ? MapViewOfFile(map, FILE_MAP_ALL_ACCESS, 0, 0, sizeof(struct bench_ctl)) : NULL;
    if (!ctl || !role) {
        fprintf(stderr, "mq_bench: role %s of %s: %s\n", role_name, base,
                !role ? "unknown role" : "no control block");
        return 2;
    }
    struct child c;
    memset(&c, 0, sizeof(c));
    c.base = base;
    c.ctl = ctl;
    c.slot = role->slot;
    c.res = &ctl->r[role->slot];
    c.other = &ctl->r[!role->slot];

    HANDLE parent = OpenProcess(SYNCHRONIZE, FALSE, parent_pid);
    HANDLE watchdog = parent ? CreateThread(NULL, 0, child_watchdog, parent, 0, NULL) : NULL;
    object_name(name, 160, "Local\\", base, ".go");
    c.go = OpenEventW(SYNCHRONIZE, FALSE, name);
    int ok;
    if (!parent)
        ok = fail(&c, "OpenProcess(parent %lu): error %lu", parent_pid, GetLastError());
    else if (!watchdog)
        ok = fail(&c, "CreateThread: error %lu", GetLastError());
    else if (!c.go)
        ok = fail(&c, "OpenEvent(go): error %lu", GetLastError());
    else if (role->oneway)
        ok = role->slot == 0 ? oneway_reader(&c, role->oneway) : oneway_writer(&c, role->oneway);
    else if (role->pp)
        ok = role->slot == 0 ? pp_pinger(&c, role->pp) : pp_ponger(&c, role->pp);
    else
        ok = blocked_reader(&c, !strcmp(role->name, "blocked-waiter"));
    return ok ? 0 : 1;
}

/* ---- the parent side -------------------------------------------------------------- */

static DWORD g_pid;
static unsigned g_seq;
static unsigned long g_run_id; /* Wine reuses process IDs: names also carry the start time */
static double g_ticks_per_us;
static uint64_t g_ticks_per_ms;
static int g_failures;
static double g_scale = 1.0;

/* One measurement: its control block, start event and children. */
struct session {
    char base[64];
    HANDLE map, go;
    struct bench_ctl *ctl;
    HANDLE proc[2];
    int nproc;
    char why[2 * ERRLEN + 64]; /* what went wrong, if anything */
    int unavailable;           /* the peer could not be set up (not a failure to run) */
};

static int session_begin(struct session *s, uint32_t max_count, uint32_t msg_size, uint32_t max_msgs,
                         uint32_t limit_ms)
{
    WCHAR name[160];
    memset(s, 0, sizeof(*s));
    snprintf(s->base, sizeof(s->base), "ceshim-bench.%lu.%lx.%u", (unsigned long)g_pid, g_run_id, ++g_seq);
    object_name(name, 160, "Local\\", s->base, ".ctl");
    s->map = CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, sizeof(struct bench_ctl), name);
    s->ctl = s->map ? MapViewOfFile(s->map, FILE_MAP_ALL_ACCESS, 0, 0, sizeof(struct bench_ctl)) : NULL;
    object_name(name, 160, "Local\\", s->base, ".go");
    s->go = CreateEventW(NULL, TRUE, FALSE, name);
    if (!s->ctl || !s->go) {
        snprintf(s->why, sizeof(s->why), "control block or start event: error %lu", GetLastError());
        return 0;
    }
    memset(s->ctl, 0, sizeof(*s->ctl));
    s->ctl->max_count = max_count;
    s->ctl->msg_size = msg_size;
    s->ctl->max_msgs = max_msgs;
    s->ctl->limit_ms = (uint32_t)(limit_ms * g_scale);
    s->ctl->ticks_per_ms = g_ticks_per_ms;
    return 1;
}

static void session_end(struct session *s)
{
    for (int i = 0; i < s->nproc; i++) {
        if (WaitForSingleObject(s->proc[i], 0) != WAIT_OBJECT_0) {
            TerminateProcess(s->proc[i], 99);
            WaitForSingleObject(s->proc[i], 5000);
        }
        CloseHandle(s->proc[i]);
    }
    s->nproc = 0;
    if (s->ctl)
        UnmapViewOfFile(s->ctl);
    if (s->map)
        CloseHandle(s->map);
    if (s->go)
        CloseHandle(s->go);
}

/* What a child said, for a failure message. */
static void describe_child(struct session *s, int slot, const char *role)
{
    struct bench_result *r = &s->ctl->r[slot];
    size_t len = strlen(s->why);
    if (r->status == STATUS_FAILED)
        snprintf(s->why + len, sizeof(s->why) - len, "%s%s: %s", len ? "; " : "", role, r->error);
}

/* Starts ROLE and waits until it has its endpoint open. */
static int session_spawn(struct session *s, const char *role, LONG ready_after)
{
    WCHAR exe[MAX_PATH], cmd[MAX_PATH + 200], wrole[64], wbase[64];
    if (!GetModuleFileNameW(NULL, exe, MAX_PATH)) {
        snprintf(s->why, sizeof(s->why), "GetModuleFileName: error %lu", GetLastError());
        return 0;
    }
    object_name(wrole, 64, "", role, "");
    object_name(wbase, 64, "", s->base, "");
    _snwprintf(cmd, MAX_PATH + 200, L"\"%ls\" --role %ls %ls %lu", exe, wrole, wbase, (unsigned long)g_pid);
    cmd[MAX_PATH + 199] = 0;
    STARTUPINFOW si;
    PROCESS_INFORMATION pi;
    memset(&si, 0, sizeof(si));
    si.cb = sizeof(si);
    if (!CreateProcessW(exe, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi)) {
        snprintf(s->why, sizeof(s->why), "CreateProcess(%s): error %lu", role, GetLastError());
        return 0;
    }
    CloseHandle(pi.hThread);
    s->proc[s->nproc++] = pi.hProcess;
    ULONGLONG end = GetTickCount64() + READY_WAIT_MS;
    while (s->ctl->ready < ready_after) {
        if (WaitForSingleObject(pi.hProcess, 2) == WAIT_OBJECT_0 && s->ctl->ready < ready_after) {
            int slot = (int)ready_after - 1;
            if (s->ctl->r[slot].status == STATUS_FAILED && !s->ctl->r[slot].opened)
                s->unavailable = 1;
            describe_child(s, slot, role);
            if (!s->why[0])
                snprintf(s->why, sizeof(s->why), "%s exited before it was ready, without a report", role);
            return 0;
        }
        if (GetTickCount64() > end) {
            snprintf(s->why, sizeof(s->why), "%s not ready within %lu s", role,
                     (unsigned long)(READY_WAIT_MS / 1000));
            return 0;
        }
    }
    return 1;
}

/* Runs role0 (slot 0) and role1 (slot 1) together; 1 when both reported. */
static int run_pair(struct session *s, const char *role0, const char *role1)
{
    if (!session_spawn(s, role0, 1) || !session_spawn(s, role1, 2))
        return 0;
    SetEvent(s->go);
    /* Both must end within the bound; once one has failed, the other gets
     * 2 s (it may be blocked on its dead partner). */
    DWORD bound = s->ctl->limit_ms + GRACE_MS;
    ULONGLONG deadline = GetTickCount64() + bound;
    HANDLE running[2] = { s->proc[0], s->proc[1] };
    LONG failed_deadline_set = 0;
    for (DWORD n = 2; n > 0;) {
        ULONGLONG now = GetTickCount64();
        if (now >= deadline) {
            snprintf(s->why, sizeof(s->why), "did not finish within %lu s%s", (unsigned long)(bound / 1000),
                     failed_deadline_set ? " (one side failed)" : "");
            break;
        }
        DWORD w = WaitForMultipleObjects(n, running, FALSE, (DWORD)(deadline - now));
        if (w >= WAIT_OBJECT_0 + n)
            continue; /* timeout: the check above reports it */
        running[w - WAIT_OBJECT_0] = running[--n];
        if (!failed_deadline_set && (s->ctl->r[0].status == STATUS_FAILED || s->ctl->r[1].status == STATUS_FAILED)) {
            failed_deadline_set = 1;
            if (deadline > GetTickCount64() + 2000)
                deadline = GetTickCount64() + 2000;
        }
    }
    for (int slot = 0; slot < 2; slot++) {
        const char *role = slot ? role1 : role0;
        size_t len = strlen(s->why);
        if (s->ctl->r[slot].status == STATUS_FAILED)
            describe_child(s, slot, role);
        else if (s->ctl->r[slot].status != STATUS_OK)
            snprintf(s->why + len, sizeof(s->why) - len, "%s%s: no report (%s)", len ? "; " : "", role,
                     WaitForSingleObject(s->proc[slot], 0) == WAIT_OBJECT_0 ? "it died" : "still running");
    }
    return s->why[0] == 0;
}

/* Busy cores, all processes, over an interval (GetSystemTimes). */
struct load_sample {
    uint64_t idle, all, t;
    int ok;
};

static struct load_sample load_now(void)
{
    struct load_sample l;
    FILETIME idle, kernel, user;
    memset(&l, 0, sizeof(l));
    l.ok = GetSystemTimes(&idle, &kernel, &user);
    l.idle = filetime64(idle);
    l.all = filetime64(kernel) + filetime64(user); /* kernel time includes idle time */
    l.t = ticks();
    return l;
}

static double busy_cores(struct load_sample a, struct load_sample b)
{
    double wall_100ns = (double)(b.t - a.t) / g_ticks_per_us * 10.0;
    if (!a.ok || !b.ok || wall_100ns <= 0)
        return -1;
    return ((double)(b.all - a.all) - (double)(b.idle - a.idle)) / wall_100ns;
}

/* What other processes keep busy while this one sleeps, in cores. */
static double background_load(DWORD ms)
{
    struct load_sample a = load_now();
    Sleep(ms);
    return busy_cores(a, load_now());
}

static double g_load_max = -1;

/* Two-process figures need both processes on a core of their own. Before a
 * measurement, waits (a few seconds at most) for other work to leave the
 * machine quiet; returns how many cores it kept busy in the last 250 ms. */
#define QUIET_CORES 0.3

static double wait_quiet(void)
{
    ULONGLONG end = GetTickCount64() + (ULONGLONG)(1500 * g_scale);
    double cores;
    do
        cores = background_load(250);
    while (cores > QUIET_CORES && GetTickCount64() < end);
    if (cores > g_load_max)
        g_load_max = cores;
    return cores;
}

/* Appended to a figure taken while other work was busy. */
static const char *busy_note(double cores)
{
    static char note[64];
    if (cores <= QUIET_CORES)
        return "";
    snprintf(note, sizeof(note), "  [machine busy: %.1f cores]", cores);
    return note;
}

/* A peer that could not be set up here is "not available"; anything else,
 * and any ceshim problem, failed to run. */
static void report_problem(const char *label, struct session *s, int is_peer)
{
    if (s->unavailable && is_peer) {
        say("  peer %s: not available (%s)\n", label, s->why);
    } else {
        say("  %s: FAILED TO RUN (%s)\n", label, s->why);
        g_failures++;
    }
}

/* ---- the measurements ---- */

/* One-way throughput in msg/s, or a negative value when not measured. */
/* A figure, and how busy other work kept the machine just before it. */
struct figure {
    double value; /* < 0: not measured */
    double busy;
};

/* Two-process figures vary a lot from run to run on a shared virtual
 * machine (which cores the two processes get, and when). Each is therefore
 * measured in RUNS runs, the peers of a section taking turns, and the
 * median run is the figure. */
#define RUNS 3

struct series {
    const char *label, *prefix;
    int pingpong, in_mib;
    uint32_t max_count, msg_size, max_msgs, limit_ms;
    int runs, failed;
    double value[RUNS]; /* one-way: msg/s (MiB/s if in_mib); ping-pong: median round trip, us */
    double p99[RUNS];   /* ping-pong: p99 round trip, us */
    double busy[RUNS];
    uint64_t count[RUNS];
};

static struct series series_of(const char *label, const char *prefix, int pingpong, int in_mib, uint32_t max_count,
                               uint32_t msg_size, uint32_t max_msgs, uint32_t limit_ms)
{
    struct series se;
    memset(&se, 0, sizeof(se));
    se.label = label;
    se.prefix = prefix;
    se.pingpong = pingpong;
    se.in_mib = in_mib;
    se.max_count = max_count;
    se.msg_size = msg_size;
    se.max_msgs = max_msgs;
    se.limit_ms = limit_ms;
    return se;
}

static double median_of(const double *v, int n)
{
    double t[RUNS];
    if (n <= 0)
        return -1;
    memcpy(t, v, sizeof(double) * (size_t)n);
    for (int i = 1; i < n; i++)
        for (int k = i; k > 0 && t[k - 1] > t[k]; k--) {
            double x = t[k];
            t[k] = t[k - 1];
            t[k - 1] = x;
        }
    return n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
}

static double max_of(const double *v, int n)
{
    double m = -1;
    for (int i = 0; i < n; i++)
        if (v[i] > m)
            m = v[i];
    return m;
}

/* The series' figure: its median run, with the worst "busy" of its runs. */
static struct figure series_figure(const struct series *se)
{
    struct figure f = { -1, 0 };
    if (!se->failed && se->runs > 0) {
        f.value = median_of(se->value, se->runs);
        f.busy = max_of(se->busy, se->runs);
    }
    return f;
}

/* 3272000 -> "3.27M", 18220 -> "18.2k" */
static const char *compact(double v, char *buf, size_t n)
{
    if (v >= 1e6)
        snprintf(buf, n, "%.2fM", v / 1e6);
    else if (v >= 1e4)
        snprintf(buf, n, "%.1fk", v / 1e3);
    else if (v >= 100)
        snprintf(buf, n, "%.0f", v);
    else
        snprintf(buf, n, "%.3g", v);
    return buf;
}

/* One more run of a series. */
static void series_run(struct series *se)
{
    if (se->failed || se->runs >= RUNS)
        return;
    struct session s;
    char r0[64], r1[64];
    double busy = wait_quiet();
    snprintf(r0, sizeof(r0), "%s-%s", se->prefix, se->pingpong ? "pinger" : "reader");
    snprintf(r1, sizeof(r1), "%s-%s", se->prefix, se->pingpong ? "ponger" : "writer");
    if (session_begin(&s, se->max_count, se->msg_size, se->max_msgs, se->limit_ms) && run_pair(&s, r0, r1)) {
        struct bench_result *r = &s.ctl->r[0];
        int k = se->runs++;
        se->busy[k] = busy;
        se->count[k] = r->count;
        if (se->pingpong) {
            se->value[k] = (double)r->lat_median / g_ticks_per_us;
            se->p99[k] = (double)r->lat_p99 / g_ticks_per_us;
        } else {
            double secs = (double)r->span / (g_ticks_per_us * 1e6);
            double rate = secs > 0 ? (double)r->count / secs : 0;
            se->value[k] = se->in_mib ? rate * se->msg_size / (double)MIB : rate;
        }
    } else {
        report_problem(se->label, &s, strcmp(se->prefix, "ceshim") != 0);
        se->failed = 1;
    }
    session_end(&s);
#ifdef MQ_BENCH_HAVE_BOOST
    if (!strcmp(se->prefix, "boost")) {
        char name[128];
        snprintf(name, sizeof(name), "%s.boost", s.base);
        boost_delete(name);
    }
#endif
}

/* Runs the series of a section, taking turns. */
static void series_run_all(struct series *list, int n)
{
    for (int run = 0; run < RUNS; run++)
        for (int i = 0; i < n; i++)
            series_run(&list[i]);
}

static void series_print(const struct series *se)
{
    char runs[RUNS * 16] = "", one[16], a[32], b[32];
    if (se->failed || !se->runs)
        return; /* said when it failed */
    struct figure f = series_figure(se);
    for (int k = 0; k < se->runs; k++) {
        size_t len = strlen(runs);
        snprintf(runs + len, sizeof(runs) - len, "%s%s", k ? " " : "", compact(se->value[k], one, sizeof(one)));
    }
    uint64_t total = 0;
    for (int k = 0; k < se->runs; k++)
        total += se->count[k];
    if (se->pingpong)
        say("  %-48s median %8.3f us  p99 %8.3f us  [run medians %s us; %s round trips]%s\n", se->label, f.value,
            median_of(se->p99, se->runs), runs, grouped((double)total, a, sizeof(a)), busy_note(f.busy));
    else if (se->in_mib)
        say("  %-48s %10.0f MiB/s  [runs %s; %s msgs]%s\n", se->label, f.value, runs,
            grouped((double)total, a, sizeof(a)), busy_note(f.busy));
    else
        say("  %-48s %10s msg/s  [runs %s; %s msgs]%s\n", se->label, grouped(f.value, b, sizeof(b)), runs,
            grouped((double)total, a, sizeof(a)), busy_note(f.busy));
}

/* memcpy of 1 MiB in one process, in MiB of messages per second: with
 * ring_slots 0, one buffer to another (both stay in cache: the issue's
 * baseline); else each message is copied into the next of ring_slots
 * buffers and out again, the two copies a queue makes, in one thread. */
static struct figure measure_memcpy(unsigned ring_slots)
{
    struct figure f = { -1, wait_quiet() };
    unsigned char *src = malloc(MIB), *dst = malloc(MIB), *ring = ring_slots ? malloc((size_t)ring_slots * MIB) : NULL;
    if (src && dst && (ring || !ring_slots)) {
        memset(src, 0x5a, MIB);
        memset(dst, 0, MIB);
        if (ring)
            memset(ring, 0, (size_t)ring_slots * MIB);
        volatile unsigned sink = 0;
        uint64_t limit = (uint64_t)(500 * g_scale) * g_ticks_per_ms, t0 = ticks(), t;
        unsigned long n = 0;
        do {
            src[n % MIB] = (unsigned char)n;
            if (ring) {
                unsigned char *slot = ring + (size_t)(n % ring_slots) * MIB;
                memcpy(slot, src, MIB);
                memcpy(dst, slot, MIB);
            } else {
                memcpy(dst, src, MIB);
            }
            sink += dst[(n * 4099) % MIB];
            n++;
        } while ((t = ticks()) - t0 < limit);
        (void)sink;
        f.value = (double)n / ((double)(t - t0) / (g_ticks_per_us * 1e6));
    }
    free(src);
    free(dst);
    free(ring);
    return f;
}

/* CPU of a reader blocked on an empty queue, % of one core, over the whole
 * blocked call (its initial spin included). Three views, all taken by the
 * reader itself: its thread's on-CPU time from Linux's schedstat (under
 * Wine; ns resolution), its thread's GetThreadTimes and its process's
 * GetProcessTimes (portable; clock ticks, 10 ms under Wine). The first
 * available is the figure. (GetProcessTimes of another process does not
 * follow its CPU time under Wine 8, so the parent does not measure.) Time
 * wineserver spends on the reader's behalf is in none of them. */
struct blocked_figures {
    double pct;         /* the figure, or < 0 */
    const char *source; /* which view it is */
    double machine;     /* busy cores during the window (all processes) */
};

static struct blocked_figures measure_blocked(const char *label, const char *role)
{
    const DWORD window_ms = (DWORD)(3000 * g_scale);
    struct blocked_figures f = { -1, "", -1 };
    struct session s;
    HANDLE writer = NULL;
    int ok = 0;
    if (session_begin(&s, 1, sizeof(struct bench_msg), 16, window_ms)) {
        /* The parent holds the write end (a queue without writers would
         * answer the read at once with ERROR_PIPE_NOT_CONNECTED). */
        MSGQUEUEOPTIONS o;
        WCHAR name[160];
        memset(&o, 0, sizeof(o));
        o.dwSize = sizeof(o);
        o.dwMaxMessages = 16;
        o.cbMaxMessage = sizeof(struct bench_msg);
        o.bReadAccess = FALSE;
        object_name(name, 160, "", s.base, ".q0");
        writer = CreateMsgQueue(name, &o);
        if (!writer)
            snprintf(s.why, sizeof(s.why), "CreateMsgQueue(write end): error %lu", GetLastError());
    }
    if (writer && session_spawn(&s, role, 1)) {
        struct load_sample l0 = load_now();
        DWORD w = WaitForSingleObject(s.proc[0], window_ms);
        struct load_sample l1 = load_now();
        struct bench_msg m = { 0, KIND_END, { 0, 0 } };
        if (w != WAIT_TIMEOUT) {
            describe_child(&s, 0, role);
            if (!s.why[0])
                snprintf(s.why, sizeof(s.why), "the reader returned before it was sent anything");
        } else if (!WriteMsgQueue(writer, &m, sizeof(m), 2000, 0)) {
            snprintf(s.why, sizeof(s.why), "WriteMsgQueue: error %lu", GetLastError());
        } else if (WaitForSingleObject(s.proc[0], 10000) != WAIT_OBJECT_0) {
            snprintf(s.why, sizeof(s.why), "the reader did not return within 10 s of the write");
        } else if (s.ctl->r[0].status != STATUS_OK) {
            describe_child(&s, 0, role);
            if (!s.why[0])
                snprintf(s.why, sizeof(s.why), "the reader ended without reporting");
        } else {
            struct bench_result *r = &s.ctl->r[0];
            double span_100ns = (double)r->span / g_ticks_per_us * 10.0;
            double thread_pct = -1, process_pct = -1, precise_pct = -1;
            if (span_100ns > 0) {
                thread_pct = 100.0 * (double)r->cpu_100ns / span_100ns;
                process_pct = 100.0 * (double)r->cpu_process_100ns / span_100ns;
                if (r->cpu_ns_valid)
                    precise_pct = 100.0 * (double)r->cpu_ns / (span_100ns * 100.0);
            }
            f.machine = busy_cores(l0, l1);
            say("  %s, %.2f s:\n", label, span_100ns / 1e7);
            if (precise_pct >= 0)
                say("    reader thread, Linux schedstat (ns):  %8.4f %% of one core (%.3f ms CPU)\n", precise_pct,
                    (double)r->cpu_ns / 1e6);
            else
                say("    reader thread, Linux schedstat:       not available (not under Wine)\n");
            say("    reader thread, GetThreadTimes:        %8.4f %% of one core (%.0f ms CPU, counted in clock ticks)\n",
                thread_pct, (double)r->cpu_100ns / 1e4);
            say("    reader process, GetProcessTimes:      %8.4f %% of one core (%.0f ms CPU, counted in clock ticks)\n",
                process_pct, (double)r->cpu_process_100ns / 1e4);
            if (f.machine >= 0)
                say("    (machine: %.2f cores busy meanwhile, all processes)\n", f.machine);
            if (precise_pct >= 0) {
                f.pct = precise_pct;
                f.source = "reader thread, schedstat";
            } else {
                f.pct = process_pct;
                f.source = "reader process, GetProcessTimes";
            }
            ok = 1;
        }
    }
    if (!ok)
        report_problem(label, &s, 0);
    if (writer)
        CloseMsgQueue(writer);
    session_end(&s);
    return f;
}

/* Write + read pairs per second within one process. */
static struct figure measure_same_process(void)
{
    struct figure f = { -1, wait_quiet() };
    MSGQUEUEOPTIONS o;
    memset(&o, 0, sizeof(o));
    o.dwSize = sizeof(o);
    o.dwMaxMessages = 1024;
    o.cbMaxMessage = sizeof(struct bench_msg);
    o.bReadAccess = TRUE;
    HANDLE r = CreateMsgQueue(NULL, &o);
    o.bReadAccess = FALSE;
    HANDLE w = r ? OpenMsgQueue(GetCurrentProcess(), r, &o) : NULL;
    if (!r || !w) {
        say("  same-process pairs: FAILED TO RUN (CreateMsgQueue/OpenMsgQueue: error %lu)\n", GetLastError());
        g_failures++;
        if (r)
            CloseMsgQueue(r);
        return f;
    }
    struct bench_msg m = { 0, KIND_DATA, { 0, 0 } }, in;
    uint64_t limit = (uint64_t)(1000 * g_scale) * g_ticks_per_ms, t0 = ticks(), t = t0;
    uint32_t n = 0;
    for (;;) {
        DWORD got = 0, flags = 0;
        m.seq = n;
        if (!WriteMsgQueue(w, &m, sizeof(m), 0, 0) || !ReadMsgQueue(r, &in, sizeof(in), &got, 0, &flags) ||
            got != sizeof(in) || in.seq != n) {
            say("  same-process pairs: FAILED TO RUN (pair %lu: error %lu)\n", (unsigned long)n, GetLastError());
            g_failures++;
            break;
        }
        n++;
        if (!(n & 1023) && (t = ticks()) - t0 > limit) {
            double secs = (double)(t - t0) / (g_ticks_per_us * 1e6);
            char a[32], b[32];
            f.value = n / secs;
            say("  WriteMsgQueue + ReadMsgQueue (16 B, timeout 0)  %s pairs in %.2f s  %s pairs/s%s\n",
                grouped(n, a, sizeof(a)), secs, grouped(f.value, b, sizeof(b)), busy_note(f.busy));
            break;
        }
    }
    CloseMsgQueue(w);
    CloseMsgQueue(r);
    return f;
}

static void calibrate(void)
{
    g_ticks_per_us = bench_ticks_per_us();
    g_ticks_per_ms = (uint64_t)(g_ticks_per_us * 1000.0);
}

static void print_environment(void)
{
    char line[200];
    bench_describe(line, sizeof(line), "message-queue");
    say("%s\n", line);
    say("clock: %s at %.1f MHz (calibrated against QueryPerformanceCounter)\n", BENCH_TICK_SOURCE, g_ticks_per_us);
}

static const char *verdict(int met) { return met ? "met" : "NOT MET"; }

/* For a summary line whose inputs were measured while other work was busy. */
static const char *busy_caveat(double busy1, double busy2)
{
    return busy1 > QUIET_CORES || busy2 > QUIET_CORES ? " (measured while other work was busy: not conclusive)" : "";
}

static const char *usage_text =
    "usage: mq_bench [--scale F] [--only LIST]\n"
    "  Measures ceshim's message queues against a named pipe, Boost.Interprocess,\n"
    "  events and raw shared memory, each between two processes (see the top of\n"
    "  mq_bench.c), then prints a summary against the issue's targets.\n"
    "  --scale F    multiply every time limit by F (default 1)\n"
    "  --only LIST  run only these sections, e.g. --only 1,3 (1 one-way, 2 ping-pong,\n"
    "               3 1 MiB messages, 4 blocked CPU, 5 same-process pairs)\n"
    "  Exit code: 1 if something failed to run, else 0 (timing never fails it).\n";

static unsigned g_sections = 0x3e; /* bits 1..5 */

static int selected(int section) { return (g_sections >> section) & 1; }

/* Why a summary figure is missing. */
static const char *missing(int section) { return selected(section) ? "a run failed" : "not selected"; }

int main(int argc, char **argv)
{
    if (argc >= 5 && !strcmp(argv[1], "--role"))
        return child_main(argv[2], argv[3], (DWORD)strtoul(argv[4], NULL, 10));
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--scale") && i + 1 < argc) {
            g_scale = atof(argv[++i]);
            if (g_scale < 0.05 || g_scale > 20) {
                fprintf(stderr, "mq_bench: --scale takes a factor from 0.05 to 20\n");
                return 2;
            }
        } else if (!strcmp(argv[i], "--only") && i + 1 < argc) {
            g_sections = 0;
            for (const char *c = argv[++i]; *c; c++)
                if (*c >= '1' && *c <= '5')
                    g_sections |= 1u << (*c - '0');
        } else {
            fputs(usage_text, !strcmp(argv[i], "--help") ? stdout : stderr);
            return !strcmp(argv[i], "--help") ? 0 : 2;
        }
    }
    g_pid = GetCurrentProcessId();
    g_run_id = (unsigned long)(GetTickCount64() & 0xffffffu);
    ULONGLONG run_start = GetTickCount64();
    calibrate();
    print_environment();
    const uint32_t msg16 = sizeof(struct bench_msg);

    /* 5 first: a quick sanity figure, and proof that the queue works at all. */
    struct figure pairs = { -1, 0 };
    if (selected(5)) {
        say("\n[5] same-process pairs per second\n");
        pairs = measure_same_process();
    }

    /* label, prefix, pingpong, in_mib, max_count, msg_size, max_msgs, limit_ms (per run) */
    struct series oneway[] = {
        series_of("ceshim queue (1024 x 16 B, INFINITE)", "ceshim", 0, 0, 20000000, msg16, 1024, 500),
        series_of("named pipe, message mode", "pipe", 0, 0, 100000, msg16, 0, 500),
        series_of("Boost.Interprocess message_queue (1024 x 16 B)", "boost", 0, 0, 20000000, msg16, 1024, 500),
        series_of("raw shared-memory ring + one event", "ring", 0, 0, 50000000, msg16, 0, 500),
        series_of("ceshim unbounded queue (16 B, in 256 KiB chunks)", "ceshim", 0, 0, 20000000, msg16, 0, 500),
    };
    struct series *s_mq = &oneway[0], *s_pipe = &oneway[1], *s_boost = &oneway[2], *s_ring = &oneway[3];
    char boost_why[ERRLEN] = "not selected";
    if (selected(1)) {
        say("\n[1] one-way throughput, 16-byte messages, writer process -> reader process (median of %d runs)\n",
            RUNS);
        s_boost->failed = 1; /* unless it can run here */
#ifdef MQ_BENCH_HAVE_BOOST
        if (!CreateDirectoryA(MQ_BENCH_BOOST_SHARED_DIR, NULL) && GetLastError() != ERROR_ALREADY_EXISTS) {
            snprintf(boost_why, sizeof(boost_why), "peer not available: cannot create its folder %s, error %lu",
                     MQ_BENCH_BOOST_SHARED_DIR, GetLastError());
            say("  peer %s: not available (cannot create its folder %s)\n", s_boost->label, MQ_BENCH_BOOST_SHARED_DIR);
        } else {
            /* Queues an interrupted earlier run left behind. */
            WIN32_FIND_DATAA fd;
            HANDLE find = FindFirstFileA(MQ_BENCH_BOOST_SHARED_DIR "\\ceshim-bench.*.boost", &fd);
            if (find != INVALID_HANDLE_VALUE) {
                do
                    boost_delete(fd.cFileName);
                while (FindNextFileA(find, &fd));
                FindClose(find);
            }
            s_boost->failed = 0;
            snprintf(boost_why, sizeof(boost_why), "the Boost peer did not run, see above");
        }
#else
        snprintf(boost_why, sizeof(boost_why), "peer not available: %s", MQ_BENCH_NO_BOOST_REASON);
        say("  peer %s: not available (%s)\n", s_boost->label, MQ_BENCH_NO_BOOST_REASON);
#endif
        series_run_all(oneway, 5);
#ifdef MQ_BENCH_HAVE_BOOST
        RemoveDirectoryA(MQ_BENCH_BOOST_SHARED_DIR); /* only if empty */
#endif
        for (int i = 0; i < 5; i++)
            series_print(&oneway[i]);
        double mq = series_figure(s_mq).value, boost = series_figure(s_boost).value;
        double pipe = series_figure(s_pipe).value, ring = series_figure(s_ring).value;
        if (mq > 0) {
            say("  ratios: ");
            if (boost > 0)
                say("ceshim/boost = %.2fx  ", mq / boost);
            if (pipe > 0)
                say("ceshim/pipe = %.0fx  ", mq / pipe);
            if (ring > 0)
                say("ceshim/raw ring = %.2fx", mq / ring);
            if (series_figure(&oneway[4]).value > 0)
                say("  unbounded/bounded ceshim = %.2fx (no target)", series_figure(&oneway[4]).value / mq);
            say("\n");
        }
    }
    struct figure oneway_mq = series_figure(s_mq), oneway_pipe = series_figure(s_pipe);
    struct figure oneway_boost = series_figure(s_boost);

    struct series pingpong[] = {
        series_of("ceshim, ReadMsgQueue(INFINITE) both sides", "ceshim", 1, 0, 100000, msg16, 64, 700),
        series_of("events, SetEvent + WaitForSingleObject", "event", 1, 0, 20000, msg16, 0, 500),
        series_of("raw shared-memory spin (the floor)", "spin", 1, 0, 100000, msg16, 0, 500),
    };
    if (selected(2)) {
        say("\n[2] ping-pong round trip, 16 bytes, process <-> process (median of %d runs)\n", RUNS);
        series_run_all(pingpong, 3);
        for (int i = 0; i < 3; i++)
            series_print(&pingpong[i]);
        double mq = series_figure(&pingpong[0]).value, spin = series_figure(&pingpong[2]).value;
        if (mq > 0 && spin > 0)
            say("  ratio: ceshim median / spin floor median = %.1fx\n", mq / spin);
        say("  (each round trip is timed on its own: two clock reads are part of every figure)\n");
    }
    struct figure pp_mq = series_figure(&pingpong[0]), pp_spin = series_figure(&pingpong[2]);

    struct series big = series_of("ceshim queue (8 x 1 MiB, INFINITE)", "ceshim", 0, 1, 100000, MIB, 8, 500);
    struct figure copy = { -1, 0 };
    if (selected(3)) {
        say("\n[3] 1 MiB messages, writer process -> reader process (median of %d runs)\n", RUNS);
        series_run_all(&big, 1);
        series_print(&big);
        copy = measure_memcpy(0);
        struct figure two_copies = measure_memcpy(8);
        double mq = series_figure(&big).value;
        if (copy.value > 0)
            say("  %-48s %10.0f MiB/s%s\n", "memcpy of 1 MiB buffers, one process", copy.value, busy_note(copy.busy));
        if (two_copies.value > 0)
            say("  %-48s %10.0f MiB/s%s\n", "(1 MiB in + out of an 8 x 1 MiB ring, one thread)", two_copies.value,
                busy_note(two_copies.busy));
        if (mq > 0 && copy.value > 0)
            say("  ratio: ceshim / memcpy = %.0f%%\n", 100.0 * mq / copy.value);
        if (mq > 0 && two_copies.value > 0)
            say("  (ceshim / the same two copies in one thread = %.0f%%)\n", 100.0 * mq / two_copies.value);
    }
    struct figure big_mq = series_figure(&big);

    struct blocked_figures blocked = { -1, "", -1 }, waiting = { -1, "", -1 };
    if (selected(4)) {
        say("\n[4] CPU used while blocked on an empty queue (a writer holds the queue open)\n");
        blocked = measure_blocked("reader blocked in ReadMsgQueue(INFINITE)", "blocked-reader");
        waiting = measure_blocked("reader blocked in WaitForSingleObject(queue handle, INFINITE), then ReadMsgQueue(0)",
                                  "blocked-waiter");
    }

    /* ---- summary ---- */
    char a[32], b[32];
    say("\nsummary (targets from the issue; timing never fails the run)\n");
    if (oneway_mq.value > 0 && oneway_boost.value > 0)
        say("  one-way ceshim/boost = %.2fx, %s vs %s msg/s (target >= 1.5x): %s%s\n",
            oneway_mq.value / oneway_boost.value, grouped(oneway_mq.value, a, sizeof(a)),
            grouped(oneway_boost.value, b, sizeof(b)), verdict(oneway_mq.value >= 1.5 * oneway_boost.value),
            busy_caveat(oneway_mq.busy, oneway_boost.busy));
    else
        say("  one-way ceshim/boost: not measured (%s)\n", oneway_mq.value <= 0 ? missing(1) : boost_why);
    if (oneway_mq.value > 0 && oneway_pipe.value > 0)
        say("  one-way ceshim/pipe = %.0fx, %s vs %s msg/s (target >= 300x): %s%s\n",
            oneway_mq.value / oneway_pipe.value, grouped(oneway_mq.value, a, sizeof(a)),
            grouped(oneway_pipe.value, b, sizeof(b)), verdict(oneway_mq.value >= 300 * oneway_pipe.value),
            busy_caveat(oneway_mq.busy, oneway_pipe.busy));
    else
        say("  one-way ceshim/pipe: not measured (%s)\n", missing(1));
    if (pp_mq.value > 0 && pp_spin.value > 0)
        say("  ping-pong median ceshim/spin floor = %.1fx, %.3f vs %.3f us (target <= 10x): %s%s\n",
            pp_mq.value / pp_spin.value, pp_mq.value, pp_spin.value, verdict(pp_mq.value <= 10 * pp_spin.value),
            busy_caveat(pp_mq.busy, pp_spin.busy));
    else
        say("  ping-pong median ceshim/spin floor: not measured (%s)\n", missing(2));
    if (big_mq.value > 0 && copy.value > 0)
        say("  1 MiB ceshim/memcpy = %.0f%%, %.0f vs %.0f MiB/s (target >= 50%%): %s%s\n",
            100.0 * big_mq.value / copy.value, big_mq.value, copy.value, verdict(big_mq.value >= 0.5 * copy.value),
            busy_caveat(big_mq.busy, copy.busy));
    else
        say("  1 MiB ceshim/memcpy: not measured (%s)\n", missing(3));
    if (blocked.pct >= 0)
        say("  blocked reader CPU = %.3f%% of one core, %s (target < 1%%): %s\n", blocked.pct, blocked.source,
            verdict(blocked.pct < 1.0));
    else
        say("  blocked reader CPU: not measured (%s)\n", missing(4));
    if (waiting.pct >= 0)
        say("  blocked in WaitForSingleObject(queue) CPU = %.3f%% of one core (no target)\n", waiting.pct);
    if (pairs.value > 0)
        say("  same-process write+read pairs = %s/s (sanity figure, no target)\n", grouped(pairs.value, a, sizeof(a)));
    else
        say("  same-process write+read pairs: not measured (%s)\n", missing(5));
    if (g_load_max >= 0) {
        SYSTEM_INFO si;
        GetSystemInfo(&si);
        say("  machine: other work kept up to %.2f of %lu cores busy just before a measurement%s\n", g_load_max,
            (unsigned long)si.dwNumberOfProcessors,
            g_load_max > QUIET_CORES ? " (figures marked busy are not conclusive)" : "");
    }
    say("  %s in %.1f s\n", g_failures ? "SOME MEASUREMENTS FAILED TO RUN" : "all measurements ran",
        (double)(GetTickCount64() - run_start) / 1000.0);
    return g_failures ? 1 : 0;
}
