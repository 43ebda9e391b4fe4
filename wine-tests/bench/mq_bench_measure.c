/*
 * mq_bench_measure.c - mq_bench's measurements: each figure's series of
 * runs (two child processes per run, through the sessions of mq_bench.c),
 * the one-process memcpy and same-process baselines, and the CPU of a
 * blocked reader.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mq_bench.h"

struct series series_of(const char *label, const char *prefix, int pingpong, int in_mib, uint32_t max_count,
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
struct figure series_figure(const struct series *se)
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

/* One round: one more run of each series of a section, in turn. */
void series_run_round(struct series *list, int n)
{
    for (int i = 0; i < n; i++)
        series_run(&list[i]);
}

/* Runs the series of a section, RUNS rounds. */
void series_run_all(struct series *list, int n)
{
    for (int run = 0; run < RUNS; run++)
        series_run_round(list, n);
}

/* a's figure over b's, as the median of the rounds' ratios (a's run k over
 * b's run k), or -1 when either is missing. The runs of one round are
 * seconds apart, while this VM can change speed for minutes at a time
 * between rounds (docs/performance.md): a ratio of the two medians can set a
 * slow-period run of one against a fast-period run of the other. */
double paired_ratio(const struct series *a, const struct series *b)
{
    double r[RUNS];
    if (a->failed || b->failed || a->runs <= 0 || a->runs != b->runs)
        return -1;
    for (int k = 0; k < a->runs; k++) {
        if (b->value[k] <= 0)
            return -1;
        r[k] = a->value[k] / b->value[k];
    }
    return median_of(r, a->runs);
}

void series_print(const struct series *se)
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
    else if (se->in_mib && !total) /* memcpy, one process: no messages to count */
        say("  %-48s %10.0f MiB/s  [runs %s]%s\n", se->label, f.value, runs, busy_note(f.busy));
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
struct figure measure_memcpy(unsigned ring_slots)
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
struct blocked_figures measure_blocked(const char *label, const char *role)
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
struct figure measure_same_process(void)
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
