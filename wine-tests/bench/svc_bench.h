/*
 * svc_bench.h - what the services benchmark's files share:
 *   svc_bench.c        the measurements and the report;
 *   svc_bench_peers.c  the named pipe and event peers, each in a child
 *                      process of the benchmark;
 *   svc_bench_host.c   the benchmark's own services host: its test
 *                      service, DeviceIoControl on it, and its CPU time.
 */
#ifndef SVC_BENCH_H
#define SVC_BENCH_H

#include <windows.h>
#include <stdint.h>

#include "bench_common.h"

/* The peers are measured with Win32's own calls, their best case.
 * DeviceIoControl (what is measured), CreateFileW and CloseHandle stay
 * routed to ceshim, as in any CE code. */
#undef WaitForSingleObject
#undef WaitForMultipleObjects
#undef ReadFile
#undef WriteFile

#define BIG 65536u /* bytes each way: throughput */
#define SMALL 16u  /* bytes each way: round trip */
#define ERRLEN 200

#if defined(__GNUC__) || defined(__clang__)
#define BENCH_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define BENCH_PRINTF(f, a)
#endif

/* Shared with the children (named mapping BASE.ctl). */
struct bench_ctl {
    volatile LONG ready;   /* children with their endpoint open */
    volatile LONG stop;    /* the parent is done */
    char error[2][ERRLEN]; /* [0] pipe echo, [1] event ponger */
};

struct bench {
    /* the peers (svc_bench_peers.c) */
    char base[64]; /* names every object of this run */
    HANDLE map, child[2], pipe, ping, pong;
    struct bench_ctl *ctl;
    /* the services host (svc_bench_host.c) */
    HANDLE svc;        /* TSA0: */
    HANDLE drv;        /* TSA1:, the same DLL activated as a stream driver */
    HANDLE drv_dev;    /* its activation handle */
    HANDLE host;       /* the host process */
    DWORD host_linux_pid; /* under Wine, when found: 0 otherwise */
    WCHAR word[40];    /* the services instance */
    WCHAR instance_key[128];
    /* messages: BIG bytes each */
    uint8_t *in, *out;
    char why[2 * ERRLEN + 64]; /* the first thing that did not work */
};

extern double g_ticks_per_us;

void say(const char *fmt, ...) BENCH_PRINTF(1, 2);
/* Records the first failure; returns 0. */
int broke(struct bench *b, const char *fmt, ...) BENCH_PRINTF(2, 3);
void object_name(WCHAR *dst, int chars, const char *prefix, const char *base, const char *suffix);
/* Each message carries the round trip's number at both ends; echoed()
 * checks it came back whole. */
void stamp(struct bench *b, uint32_t bytes, uint32_t seq);
int echoed(struct bench *b, uint32_t bytes, uint32_t seq, DWORD got, const char *what);

/* ---- svc_bench_peers.c ---- */
int child_main(const char *role, const char *base, DWORD parent_pid);
int peers_start(struct bench *b);
void peers_stop(struct bench *b);
int pipe_rt(struct bench *b, uint32_t bytes, uint32_t seq);
int event_rt(struct bench *b, uint32_t bytes, uint32_t seq);

/* ---- svc_bench_host.c ---- */
/* Host CPU, % of one core: by GetProcessTimes and, under Wine, by Linux's
 * schedstat (-1 when not available). */
struct host_cpu {
    double busy_gpt, busy_linux;   /* this thread calling flat out */
    double paced_gpt, paced_linux; /* one call, then Sleep(1), repeated */
    double paced_rate;             /* ... calls per second */
    double idle_gpt, idle_linux;   /* a client thread made one call and sleeps */
};
int service_start(struct bench *b);
int ioctl_rt(struct bench *b, uint32_t bytes, uint32_t seq);
/* The same on TSA1:, the DLL loaded by ActivateDevice (CE's device manager). */
int driver_ioctl_rt(struct bench *b, uint32_t bytes, uint32_t seq);
int measure_host_cpu(struct bench *b, struct host_cpu *cpu);
/* Closes TSA1: and deactivates it, closes TSA0:, shuts the host down (it must exit) and removes the configuration. */
void service_stop(struct bench *b);

#endif /* SVC_BENCH_H */
