/*
 * bench_boost.h - the Boost.Interprocess message_queue peer of mq_bench,
 * behind a C interface (bench_boost.cpp is the only C++ in the benchmark;
 * it sees Boost and nothing of ceshim or <windows.h>).
 *
 * Every call catches Boost's exceptions: failures come back as a NULL or 0
 * return with the reason written to err.
 */
#ifndef CESHIM_BENCH_BOOST_H
#define CESHIM_BENCH_BOOST_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Creates (create != 0, removing any stale queue of that name first) or
 * opens a message_queue; NULL on failure. */
void *bench_boost_open(const char *name, int create, unsigned max_msgs, unsigned msg_size,
                       char *err, size_t errlen);
/* Blocking send / receive (message_queue::send, ::receive, priority 0).
 * Return 1 on success, 0 on failure. */
int bench_boost_send(void *q, const void *buf, unsigned size, char *err, size_t errlen);
int bench_boost_receive(void *q, void *buf, unsigned size, unsigned *received, char *err, size_t errlen);
void bench_boost_close(void *q);
void bench_boost_remove(const char *name);

#ifdef __cplusplus
}
#endif

#endif /* CESHIM_BENCH_BOOST_H */
