/*
 * mq_test.h - helpers shared by the message-queue conformance tests.
 *
 * The API under test comes from the forced include of ceshim.h
 * (msgqueue.h); the harness from cetest.h.
 */
#ifndef MQ_TEST_H
#define MQ_TEST_H

#include "cetest.h"
#include <msgqueue.h>

#define MQ_NAME_CHARS 128

/* Values every test uses. */
#define MQ_OPTIONS_SIZE 20u /* sizeof(MSGQUEUEOPTIONS) on CE, 32- and 64-bit */
#define MQ_INFO_SIZE    28u /* sizeof(MSGQUEUEINFO) */

/* Fills *o. */
void mq_options(MSGQUEUEOPTIONS *o, DWORD flags, DWORD max_messages, DWORD cb_max, BOOL read);

/* The result of one call, with its last error and duration. */
typedef struct t_msg_result {
    BOOL ok;
    DWORD err;      /* GetLastError() right after the call */
    DWORD bytes;    /* ReadMsgQueue: *lpNumberOfBytesRead */
    DWORD flags;    /* ReadMsgQueue: *pdwFlags */
    ULONGLONG ms;   /* how long the call took */
} t_msg_result;

/* Calls with SetLastError(0xdeadbeef) before; no checks. */
HANDLE mq_create(const WCHAR *name, DWORD flags, DWORD max_messages, DWORD cb_max, BOOL read,
                 DWORD *err);
HANDLE mq_open(HANDLE proc, HANDLE queue, BOOL read, DWORD *err);
t_msg_result t_read_msg(HANDLE h, void *buf, DWORD size, DWORD timeout);
t_msg_result t_write_msg(HANDLE h, const void *buf, DWORD size, DWORD timeout, DWORD flags);
BOOL mq_info(HANDLE h, MSGQUEUEINFO *info, DWORD *err);

/* Checked helpers: failures are reported at the caller's file and line. */
BOOL mq_pair_at(const WCHAR *name, DWORD flags, DWORD max_messages, DWORD cb_max,
                HANDLE *read, HANDLE *write, const char *file, int line);
/* A connected pair: named (create read end, then write end by name, which
 * must report ERROR_ALREADY_EXISTS) or unnamed (name NULL: write end from
 * OpenMsgQueue(GetCurrentProcess(), read end)). */
#define MQ_PAIR(name, flags, max, cb, r, w) \
    mq_pair_at((name), (flags), (max), (cb), (r), (w), __FILE__, __LINE__)

void mq_expect_write_at(HANDLE h, const char *text, DWORD flags, const char *file, int line);
/* Writes strlen(text) bytes with timeout 0; must succeed. */
#define MQ_EXPECT_WRITE(h, text, flags) mq_expect_write_at((h), (text), (flags), __FILE__, __LINE__)

void mq_expect_read_at(HANDLE h, const char *text, DWORD flags, const char *file, int line);
/* Reads with timeout 0 into a 4 KiB buffer; must return exactly text
 * (strlen bytes), *pdwFlags == flags and last error 0. */
#define MQ_EXPECT_READ(h, text, flags) mq_expect_read_at((h), (text), (flags), __FILE__, __LINE__)

void mq_expect_empty_at(HANDLE h, const char *file, int line);
/* ReadMsgQueue(timeout 0) fails with ERROR_TIMEOUT. */
#define MQ_EXPECT_EMPTY(h) mq_expect_empty_at((h), __FILE__, __LINE__)

void mq_close_at(HANDLE h, const char *file, int line);
/* CloseMsgQueue(h) must return TRUE. */
#define MQ_CLOSE(h) mq_close_at((h), __FILE__, __LINE__)

/* ---- a call made by another thread ---------------------------------------- */

enum { MQ_OP_READ, MQ_OP_WRITE, MQ_OP_WAIT, MQ_OP_CLOSE };

typedef struct mq_call {
    int op;
    HANDLE h;
    DWORD timeout;
    DWORD delay_ms;  /* Sleep before the call */
    DWORD size;      /* bytes to write / read buffer size */
    DWORD wflags;    /* WriteMsgQueue dwFlags */
    BYTE data[256];  /* write: the message; read: the buffer */
    /* results */
    BOOL ok;
    DWORD err;
    DWORD bytes;
    DWORD flags;
    DWORD wait;      /* MQ_OP_WAIT: WaitForSingleObject's result */
    ULONGLONG ms;
    volatile LONG entered;
    HANDLE thread;
} mq_call;

/* Starts a thread making the call (heap-allocated; NULL and a recorded
 * failure if the thread cannot start). Returns once the thread is about to
 * sleep/call. `data` may be NULL for reads and waits. */
mq_call *mq_call_start(int op, HANDLE h, DWORD timeout, const void *data, DWORD size,
                       DWORD wflags, DWORD delay_ms);
/* TRUE when the thread is still inside its call after `ms` milliseconds. */
BOOL mq_call_still_blocked(mq_call *c, DWORD ms);
/* Waits at most ms for the thread; TRUE if it finished. */
BOOL mq_call_finish(mq_call *c, DWORD ms);
/* Frees a finished call; leaks (on purpose) one whose thread still runs,
 * because that thread still writes into it. */
void mq_call_free(mq_call *c);

/* ---- misc ---------------------------------------------------------------- */

/* Fills buf with a pattern derived from seed. */
void mq_pattern(BYTE *buf, DWORD size, DWORD seed);

/* ---- parent/child hand-shakes ------------------------------------------------ */

#define CHILD_BOUND 30000 /* ms a parent waits for a child */
#define STEP_BOUND  10000 /* ms any one hand-shake step may take */

/* Waits STEP_BOUND ms for ev; a failure names `what` (events: cetest_make_event). */
#define WAIT_EVENT(ev, what) cetest_wait_event_at((ev), STEP_BOUND, (what), __FILE__, __LINE__)
void mq_close_event(HANDLE h);

#endif /* MQ_TEST_H */
