/*
 * mq_bench_child.c - a child process of mq_bench (`mq_bench --role ROLE
 * BASE PARENT_PID`): it opens its endpoint of one measurement, waits for
 * the start, plays its role and writes what it measured into the
 * measurement's control block.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mq_bench.h"

#define GO_WAIT_MS 30000     /* a child waiting for the start */
#define CHILD_MAX_MS 120000  /* a child never lives longer */

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

int fail(struct child *c, const char *fmt, ...)
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

/* ---- the roles ---- */

/* A role's endpoint, not yet open: the reading or writing side. */
static struct peer peer_of(struct child *c, int reader)
{
    struct peer p;
    memset(&p, 0, sizeof(p));
    p.c = c;
    p.reader = reader;
    return p;
}

/* One-way, reading side (slot 0): times from the start to the end marker. */
static int oneway_reader(struct child *c, const struct oneway_ops *ops)
{
    struct bench_ctl *ctl = c->ctl;
    struct peer p = peer_of(c, 1);
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
    struct peer p = peer_of(c, 0);
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
    struct peer p = peer_of(c, 1);
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
    struct peer p = peer_of(c, 0);
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
    struct peer p = peer_of(c, 0);
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

int child_main(const char *role_name, const char *base, DWORD parent_pid)
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
