/*
 * mq_bench.h - what the message-queue benchmark's files share:
 *   mq_bench.c          the parent: options, sessions (a measurement's two
 *                       child processes), the machine's load, the summary;
 *   mq_bench_measure.c  the measurements and how their figures are printed;
 *   mq_bench_child.c    a child process: its role in one measurement;
 *   mq_bench_peers.c    the transports the roles measure.
 */
#ifndef MQ_BENCH_H
#define MQ_BENCH_H

#include <windows.h>
#include <stdint.h>

#include "bench_common.h"

/* The peers are measured with Win32's own waits; the benchmark never waits
 * on a queue handle, so ceshim.h's routing of waits is not wanted here. */
#undef WaitForSingleObject
#undef WaitForMultipleObjects

#define ERRLEN 240
#define GRACE_MS 20000       /* a measurement may overrun its time limit by this */
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

/* ---- mq_bench.c ---- */

extern double g_ticks_per_us;
extern uint64_t g_ticks_per_ms;
extern int g_failures;
extern double g_scale;

void say(const char *fmt, ...);
void object_name(WCHAR *dst, int chars, const char *prefix, const char *base, const char *suffix);
const char *grouped(double v, char *buf, size_t n);

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

int session_begin(struct session *s, uint32_t max_count, uint32_t msg_size, uint32_t max_msgs, uint32_t limit_ms);
void session_end(struct session *s);
void describe_child(struct session *s, int slot, const char *role);
int session_spawn(struct session *s, const char *role, LONG ready_after);
int run_pair(struct session *s, const char *role0, const char *role1);
void report_problem(const char *label, struct session *s, int is_peer);

/* Busy cores, all processes, over an interval (GetSystemTimes). */
struct load_sample {
    uint64_t idle, all, t;
    int ok;
};

struct load_sample load_now(void);
double busy_cores(struct load_sample a, struct load_sample b);
double wait_quiet(void);
const char *busy_note(double cores);

/* ---- mq_bench_child.c ---- */

struct child {
    const char *base;
    struct bench_ctl *ctl;
    struct bench_result *res;  /* this child's slot */
    struct bench_result *other; /* the other side's slot */
    HANDLE go;
    int slot;
};

int fail(struct child *c, const char *fmt, ...);
int child_main(const char *role_name, const char *base, DWORD parent_pid);

/* ---- mq_bench_peers.c ---- */

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

HANDLE open_queue(struct peer *p, const char *suffix, BOOL read_end);
extern const struct oneway_ops mq_oneway, pipe_oneway, ring_oneway;
extern const struct pp_ops mq_pp, ev_pp, spin_pp;
#ifdef MQ_BENCH_HAVE_BOOST
extern const struct oneway_ops boost_oneway;
void boost_delete(const char *name);
#endif

/* ---- mq_bench_measure.c ---- */

/* A figure, and how busy other work kept the machine just before it. */
struct figure {
    double value; /* < 0: not measured */
    double busy;
};

/* Two-process figures vary a lot from run to run on a shared virtual
 * machine (which cores the two processes get, and when). Each is therefore
 * measured in RUNS runs, the peers of a section taking turns (a round is
 * one run of each), and the median run is the figure. A ratio between
 * peers is the median of the rounds' ratios (paired_ratio). */
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

struct series series_of(const char *label, const char *prefix, int pingpong, int in_mib, uint32_t max_count,
                        uint32_t msg_size, uint32_t max_msgs, uint32_t limit_ms);
void series_run_round(struct series *list, int n);
void series_run_all(struct series *list, int n);
double paired_ratio(const struct series *a, const struct series *b);
void series_print(const struct series *se);
struct figure series_figure(const struct series *se);
struct figure measure_memcpy(unsigned ring_slots);
struct figure measure_same_process(void);

/* A blocked reader's CPU (measure_blocked). */
struct blocked_figures {
    double pct;         /* the figure, or < 0 */
    const char *source; /* which view it is */
    double machine;     /* busy cores during the window (all processes) */
};

struct blocked_figures measure_blocked(const char *label, const char *role);

#endif /* MQ_BENCH_H */
