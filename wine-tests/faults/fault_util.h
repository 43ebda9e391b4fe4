/*
 * fault_util.h - helpers for fault and hostile-input tests: they reach a
 * queue's shared memory by its internal object name (see
 * shim/common/names.h and shim/msgqueue/mq_layout.h).
 */
#ifndef FAULT_UTIL_H
#define FAULT_UTIL_H

#include "cetest.h"
#include <msgqueue.h>

#include "common/names.h"
#include "common/owner.h"
#include "msgqueue/mq_layout.h"

/* Maps the section of the named queue `name` (plain characters only); NULL
 * if it does not exist. *size gets the view's size. */
struct mq_header *fault_map_queue(const WCHAR *name, HANDLE *mapping, SIZE_T *size);
void fault_unmap_queue(struct mq_header *h, HANDLE mapping);

/* A process's creation time (FILETIME units), 0 if it cannot be read; and
 * the lock word that process leaves when it holds a lock. */
uint64_t fault_create_time(HANDLE process);
uint64_t fault_owner_word(HANDLE process, DWORD pid);

/* A named queue with a read and a write handle of this process, and its
 * shared memory mapped. */
typedef struct fault_queue {
    WCHAR name[128];
    HANDLE r, w;
    HANDLE mapping;
    SIZE_T size;
    struct mq_header *h;
} fault_queue;
BOOL fault_queue_open(fault_queue *q, const WCHAR *prefix, DWORD flags, DWORD max, DWORD cbmax);
void fault_queue_close(fault_queue *q); /* what was opened of it */

/* Options for a queue. */
MSGQUEUEOPTIONS fault_options(DWORD flags, DWORD max_messages, DWORD cb_max, BOOL read);

/* A message that proves its own integrity: writer id, sequence number,
 * length and a checksum over everything. */
typedef struct fault_msg {
    DWORD writer;
    DWORD seq;
    DWORD len;      /* total bytes, header included */
    DWORD checksum; /* over the payload bytes */
    BYTE payload[1];
} fault_msg;

#define FAULT_MSG_HEADER 16u
void fault_fill(fault_msg *m, DWORD writer, DWORD seq, DWORD len);
/* TRUE if m (of `len` bytes read) is whole and consistent. */
BOOL fault_valid(const fault_msg *m, DWORD len);

/* Waits up to ms for GetMsgQueueInfo(h) to show the expected writers and
 * readers; returns the milliseconds it took, or ~0u. */
DWORD fault_wait_counts(HANDLE h, WORD readers, WORD writers, DWORD ms);

/* A buffer that ends at a PAGE_NOACCESS page, so that a write (or read)
 * past its end faults, with canary bytes just before it for underruns. */
typedef struct fault_guarded {
    BYTE *base;  /* the allocation */
    BYTE *guard; /* the no-access page */
} fault_guarded;
#define FAULT_CANARY 64u
BOOL fault_guarded_init(fault_guarded *g, SIZE_T max_bytes);
void fault_guarded_free(fault_guarded *g);
/* The n bytes before the guard page, its canary bytes freshly set. */
BYTE *fault_guarded_at(fault_guarded *g, SIZE_T n);
/* TRUE if the canary before p (from fault_guarded_at) is intact. */
BOOL fault_canary_ok(const BYTE *p);

/* What this process holds, counted by probing (Wine's
 * GetProcessHandleCount says 0): valid handle values, and mapped views. */
DWORD fault_count_handles(void);
DWORD fault_count_views(void);

#endif /* FAULT_UTIL_H */
