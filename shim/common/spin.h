/*
 * spin.h - how long to spin before sleeping, in time rather than pauses.
 *
 * A pause instruction costs from ~10 to ~140 cycles depending on the CPU,
 * so a fixed count spins anywhere from a few microseconds to a
 * millisecond.
 * The count for a given time is measured once per process. Spin-before-
 * sleep budgets are written in time and converted here (the queues'
 * SPIN_US, the shared lock's SPIN_US in shlock.c, the services'
 * CLIENT_SPIN_US and WORKER_SPIN_US); their history is in
 * docs/performance.md.
 */
#ifndef CESHIM_SPIN_H
#define CESHIM_SPIN_H

/* How many ceshim_pause() calls take about `us` microseconds on this CPU
 * (at least 64). The first call measures (~50 us, once). */
int ceshim_pauses_for_us(int us);
/* The same for a short wait of `ns` nanoseconds (at least 1). */
int ceshim_pauses_for_ns(int ns);

/* A spin budget in microseconds, converted to pauses on first use and kept
 * (one per waiting loop). Define as
 * `static struct ceshim_spin_budget b = CESHIM_SPIN_BUDGET(us);`. */
struct ceshim_spin_budget {
    int us;
    volatile long pauses; /* 0 until measured; racing threads store the same value */
};
#define CESHIM_SPIN_BUDGET(us) { (us), 0 }
/* The budget's pause count (ceshim_pauses_for_us of its microseconds). */
int ceshim_spin_pauses(struct ceshim_spin_budget *budget);
/* The same, but never measures: `fallback` pauses until some other caller
 * has measured. For spins that may run while a lock is held (the shared
 * lock, shlock.c): a measurement there would make other processes wait. */
int ceshim_spin_pauses_nowait(struct ceshim_spin_budget *budget, int fallback);

#endif /* CESHIM_SPIN_H */
