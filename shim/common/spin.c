/*
 * spin.c - pause-count calibration (see spin.h).
 */
#include <windows.h>

#include "common/atomics.h"
#include "common/spin.h"
#include "common/trace.h"

#define CALIBRATION_PAUSES 2000
#define FALLBACK_NS_PER_PAUSE 20.0 /* if the clock cannot tell */

static double ns_per_pause;
static INIT_ONCE calibrated = INIT_ONCE_STATIC_INIT;
static volatile LONG calibration_done; /* set once ns_per_pause is final */

static BOOL CALLBACK calibrate(PINIT_ONCE once, PVOID param, PVOID *ctx)
{
    (void)once;
    (void)param;
    (void)ctx;
    LARGE_INTEGER freq, t0, t1;
    double best = 0;
    QueryPerformanceFrequency(&freq);
    /* The fastest of three: a preemption only ever makes a round slower. */
    for (int round = 0; round < 3; round++) {
        QueryPerformanceCounter(&t0);
        for (int i = 0; i < CALIBRATION_PAUSES; i++)
            ceshim_pause();
        QueryPerformanceCounter(&t1);
        double ns = (double)(t1.QuadPart - t0.QuadPart) * 1e9 / (double)freq.QuadPart / CALIBRATION_PAUSES;
        if (ns > 0 && (best == 0 || ns < best))
            best = ns;
    }
    ns_per_pause = best > 0.5 ? best : FALLBACK_NS_PER_PAUSE;
    InterlockedExchange(&calibration_done, 1);
    CESHIM_TRACE("spin: %.1f ns per pause", ns_per_pause);
    return TRUE;
}

static double pauses_for_ns(double ns)
{
    InitOnceExecuteOnce(&calibrated, calibrate, NULL, NULL);
    double n = ns / ns_per_pause;
    return n > 1e8 ? 1e8 : n;
}

int ceshim_pauses_for_us(int us)
{
    double n = pauses_for_ns((double)us * 1000.0);
    return n < 64 ? 64 : (int)n;
}

int ceshim_pauses_for_ns(int ns)
{
    double n = pauses_for_ns((double)ns);
    return n < 1 ? 1 : (int)n;
}

int ceshim_spin_pauses(struct ceshim_spin_budget *budget)
{
    long n = budget->pauses;
    if (!n) {
        n = ceshim_pauses_for_us(budget->us);
        InterlockedExchange(&budget->pauses, n);
    }
    return (int)n;
}

int ceshim_spin_pauses_nowait(struct ceshim_spin_budget *budget, int fallback)
{
    if (budget->pauses || calibration_done)
        return ceshim_spin_pauses(budget);
    return fallback;
}
