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
 * the peers of a section taking turns, and the median run is the figure; a
 * ratio between peers is the median of the 3 rounds' ratios (this VM's
 * speed can change between rounds, see paired_ratio);
 * before each run the parent waits (briefly) for other work to quieten
 * (GetSystemTimes), and figures taken while it stayed busy are marked.
 *
 * Times are taken with the TSC where there is one (calibrated against
 * QueryPerformanceCounter at start), else with QueryPerformanceCounter.
 *
 * This file is the parent: sessions, load sampling, the sections and the
 * summary. The measurements are in mq_bench_measure.c, a child's roles in
 * mq_bench_child.c, the transports in mq_bench_peers.c (mq_bench.h).
 *
 * Options: --scale F multiplies every time limit; --only 1,3 runs only
 * those sections.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mq_bench.h"

#define READY_WAIT_MS 20000  /* a child opening its endpoint */

/* ---- small helpers ------------------------------------------------------------ */

void say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    fflush(stdout);
}

/* Object name BASE + suffix, wide, optionally in the Local\ namespace. */
void object_name(WCHAR *dst, int chars, const char *prefix, const char *base, const char *suffix)
{
    char tmp[256];
    snprintf(tmp, sizeof(tmp), "%s%s%s", prefix, base, suffix);
    if (!MultiByteToWideChar(CP_UTF8, 0, tmp, -1, dst, chars))
        dst[0] = 0;
}

/* 1234567.8 -> "1,234,568" */
const char *grouped(double v, char *buf, size_t n)
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

/* ---- the parent side -------------------------------------------------------------- */

static DWORD g_pid;
static unsigned g_seq;
static unsigned long g_run_id; /* Wine reuses process IDs: names also carry the start time */
double g_ticks_per_us;
uint64_t g_ticks_per_ms;
int g_failures;
double g_scale = 1.0;

int session_begin(struct session *s, uint32_t max_count, uint32_t msg_size, uint32_t max_msgs, uint32_t limit_ms)
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

void session_end(struct session *s)
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
void describe_child(struct session *s, int slot, const char *role)
{
    struct bench_result *r = &s->ctl->r[slot];
    size_t len = strlen(s->why);
    if (r->status == STATUS_FAILED)
        snprintf(s->why + len, sizeof(s->why) - len, "%s%s: %s", len ? "; " : "", role, r->error);
}

/* Starts ROLE and waits until it has its endpoint open. */
int session_spawn(struct session *s, const char *role, LONG ready_after)
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
    HANDLE process = bench_spawn_self(exe, cmd);
    if (!process) {
        snprintf(s->why, sizeof(s->why), "CreateProcess(%s): error %lu", role, GetLastError());
        return 0;
    }
    s->proc[s->nproc++] = process;
    ULONGLONG end = GetTickCount64() + READY_WAIT_MS;
    while (s->ctl->ready < ready_after) {
        if (WaitForSingleObject(process, 2) == WAIT_OBJECT_0 && s->ctl->ready < ready_after) {
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
int run_pair(struct session *s, const char *role0, const char *role1)
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
struct load_sample load_now(void)
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

double busy_cores(struct load_sample a, struct load_sample b)
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

double wait_quiet(void)
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
const char *busy_note(double cores)
{
    static char note[64];
    if (cores <= QUIET_CORES)
        return "";
    snprintf(note, sizeof(note), "  [machine busy: %.1f cores]", cores);
    return note;
}

/* A peer that could not be set up here is "not available"; anything else,
 * and any ceshim problem, failed to run. */
void report_problem(const char *label, struct session *s, int is_peer)
{
    if (s->unavailable && is_peer) {
        say("  peer %s: not available (%s)\n", label, s->why);
    } else {
        say("  %s: FAILED TO RUN (%s)\n", label, s->why);
        g_failures++;
    }
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
        series_of("Boost.Interprocess message_queue (1024 x 16 B)", "boost", 0, 0, 20000000, msg16, 1024, 500),
        series_of("named pipe, message mode", "pipe", 0, 0, 100000, msg16, 0, 500),
        series_of("raw shared-memory ring + one event", "ring", 0, 0, 50000000, msg16, 0, 500),
        series_of("ceshim unbounded queue (16 B, in 256 KiB chunks)", "ceshim", 0, 0, 20000000, msg16, 0, 500),
    };
    struct series *s_mq = &oneway[0], *s_boost = &oneway[1], *s_pipe = &oneway[2], *s_ring = &oneway[3];
    char boost_why[ERRLEN] = "not selected";
    double oneway_vs_boost = -1, oneway_vs_pipe = -1;
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
        oneway_vs_boost = paired_ratio(s_mq, s_boost);
        oneway_vs_pipe = paired_ratio(s_mq, s_pipe);
        double ring = paired_ratio(s_mq, s_ring), unbounded = paired_ratio(&oneway[4], s_mq);
        if (series_figure(s_mq).value > 0) {
            say("  ratios (median of the rounds' ratios): ");
            if (oneway_vs_boost > 0)
                say("ceshim/boost = %.2fx  ", oneway_vs_boost);
            if (oneway_vs_pipe > 0)
                say("ceshim/pipe = %.0fx  ", oneway_vs_pipe);
            if (ring > 0)
                say("ceshim/raw ring = %.2fx", ring);
            if (unbounded > 0)
                say("  unbounded/bounded ceshim = %.2fx (no target)", unbounded);
            say("\n");
        }
    }
    struct figure oneway_mq = series_figure(s_mq), oneway_pipe = series_figure(s_pipe);
    struct figure oneway_boost = series_figure(s_boost);

    struct series pingpong[] = {
        /* The floor right after ceshim: a round's two runs close together. */
        series_of("ceshim, ReadMsgQueue(INFINITE) both sides", "ceshim", 1, 0, 100000, msg16, 64, 700),
        series_of("raw shared-memory spin (the floor)", "spin", 1, 0, 100000, msg16, 0, 500),
        series_of("events, SetEvent + WaitForSingleObject", "event", 1, 0, 20000, msg16, 0, 500),
    };
    struct series *s_pp = &pingpong[0], *s_floor = &pingpong[1];
    double pp_vs_floor = -1;
    if (selected(2)) {
        say("\n[2] ping-pong round trip, 16 bytes, process <-> process (median of %d runs)\n", RUNS);
        series_run_all(pingpong, 3);
        for (int i = 0; i < 3; i++)
            series_print(&pingpong[i]);
        double mq = series_figure(s_pp).value, spin = series_figure(s_floor).value;
        pp_vs_floor = paired_ratio(s_pp, s_floor);
        if (pp_vs_floor > 0)
            say("  ratio: ceshim / spin floor = %.1fx (median of the rounds' ratios; of the medians %.1fx)\n",
                pp_vs_floor, mq / spin);
        say("  (each round trip is timed on its own: two clock reads are part of every figure)\n");
    }
    struct figure pp_mq = series_figure(s_pp), pp_spin = series_figure(s_floor);

    struct series big = series_of("ceshim queue (8 x 1 MiB, INFINITE)", "ceshim", 0, 1, 100000, MIB, 8, 500);
    /* memcpy is measured after each run of the queue, for paired ratios; a
     * series of its own, which counts no messages. */
    struct series copies = series_of("memcpy of 1 MiB buffers, one process", "memcpy", 0, 1, 0, MIB, 0, 500);
    struct figure copy = { -1, 0 };
    double big_vs_copy = -1;
    if (selected(3)) {
        say("\n[3] 1 MiB messages, writer process -> reader process (median of %d runs)\n", RUNS);
        for (int run = 0; run < RUNS && !big.failed; run++) {
            series_run_round(&big, 1);
            struct figure c = measure_memcpy(0);
            if (c.value <= 0) {
                copies.failed = 1;
                break;
            }
            copies.busy[copies.runs] = c.busy;
            copies.value[copies.runs++] = c.value;
        }
        series_print(&big);
        series_print(&copies);
        copy = series_figure(&copies);
        big_vs_copy = paired_ratio(&big, &copies);
        struct figure two_copies = measure_memcpy(8);
        double mq = series_figure(&big).value;
        if (two_copies.value > 0)
            say("  %-48s %10.0f MiB/s%s\n", "(1 MiB in + out of an 8 x 1 MiB ring, one thread)", two_copies.value,
                busy_note(two_copies.busy));
        if (big_vs_copy > 0)
            say("  ratio: ceshim / memcpy = %.0f%% (median of the rounds' ratios; of the medians %.0f%%)\n",
                100.0 * big_vs_copy, 100.0 * mq / copy.value);
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
    say("  (a ratio is the median of the %d rounds' ratios; the rates beside it are medians)\n", RUNS);
    if (oneway_vs_boost > 0)
        say("  one-way ceshim/boost = %.2fx, %s vs %s msg/s (target >= 1.5x): %s%s\n", oneway_vs_boost,
            grouped(oneway_mq.value, a, sizeof(a)), grouped(oneway_boost.value, b, sizeof(b)),
            verdict(oneway_vs_boost >= 1.5),
            busy_caveat(oneway_mq.busy, oneway_boost.busy));
    else
        say("  one-way ceshim/boost: not measured (%s)\n", oneway_mq.value <= 0 ? missing(1) : boost_why);
    if (oneway_vs_pipe > 0)
        say("  one-way ceshim/pipe = %.0fx, %s vs %s msg/s (target >= 300x): %s%s\n", oneway_vs_pipe,
            grouped(oneway_mq.value, a, sizeof(a)), grouped(oneway_pipe.value, b, sizeof(b)),
            verdict(oneway_vs_pipe >= 300),
            busy_caveat(oneway_mq.busy, oneway_pipe.busy));
    else
        say("  one-way ceshim/pipe: not measured (%s)\n", missing(1));
    if (pp_vs_floor > 0)
        say("  ping-pong median ceshim/spin floor = %.1fx, %.3f vs %.3f us (target <= 10x): %s%s\n", pp_vs_floor,
            pp_mq.value, pp_spin.value, verdict(pp_vs_floor <= 10),
            busy_caveat(pp_mq.busy, pp_spin.busy));
    else
        say("  ping-pong median ceshim/spin floor: not measured (%s)\n", missing(2));
    if (big_vs_copy > 0)
        say("  1 MiB ceshim/memcpy = %.0f%%, %.0f vs %.0f MiB/s (target >= 50%%): %s%s\n", 100.0 * big_vs_copy,
            big_mq.value, copy.value, verdict(big_vs_copy >= 0.5),
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
