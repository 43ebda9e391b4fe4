/*
 * mq_local.h - what one process keeps about the queues it has open.
 *
 * A queue handle is a real handle to the end's manual-reset event (so it is
 * waitable); the handle table maps its value to the queue's mapping view.
 */
#ifndef CESHIM_MQ_LOCAL_H
#define CESHIM_MQ_LOCAL_H

#include <windows.h>
#include <stdint.h>

#include "common/names.h"
#include "msgqueue/mq_layout.h"

#define MQ_END_WRITE 0
#define MQ_END_READ 1

/* What one side (the readers' or the writers' of this process) has mapped
 * of the ring: the slots' memory, and a few chunk views kept for reuse.
 * Used under that side's shared lock (both locks for chunk retirement). */
#define MQ_VIEW_CACHE 3
struct mq_side {
    struct mq_ring_mem mem;
    struct {
        uint64_t uid;
        uint8_t *view; /* the chunk's mapping, header first; NULL = free */
        uint64_t used; /* for least-recently-used eviction */
    } views[MQ_VIEW_CACHE];
    uint64_t tick;
    uint32_t seen_epoch; /* free_epoch when dead views were last dropped */
};

/* A keeper of another process to close, queued under write_lock and closed
 * once the locks are released (mq_chunks_flush_closes). */
#define MQ_PENDING_CLOSES 256
struct mq_pending_close {
    struct mq_keeper keeper;
    uint64_t uid;
};

struct mq_queue {
    struct mq_queue *next;
    LONG refs;                /* handles of this process + operations in flight */
    WCHAR base[CESHIM_BASE_MAX];
    BOOL named;
    HANDLE mapping;
    struct mq_header *h;
    uint64_t view_size;
    BOOL attached;            /* side[].mem describes the header's geometry */
    HANDLE ev[2];             /* this process's own handles to the end events */
    struct mq_side side[2];   /* indexed by MQ_END_READ / MQ_END_WRITE */
    struct mq_peer reader_state_seen; /* writers' cache of rstate (under write_lock) */
    struct mq_peer writer_state_seen; /* readers' cache of wstate (under read_lock) */
    volatile LONG sleepers[2];  /* this process's threads in mq_sleep_begin..end, per end */
    /* The keeper handles of chunks this process holds, in its own memory
     * (mq_chunks.c): closed when the queue goes, whatever the shared
     * records say. May name handles others closed since (checked first). */
    SRWLOCK keepers_lock;
    struct mq_own_keeper {
        uint64_t uid;
        HANDLE handle;
    } *keepers;
    uint32_t nkeepers, keepers_cap;
    SRWLOCK closes_lock;      /* guards the two below */
    uint32_t nclose;
    struct mq_pending_close closes[MQ_PENDING_CLOSES];
};

struct mq_handle {
    struct mq_handle *volatile next; /* hash chain, or the pool */
    HANDLE volatile handle;   /* the value CE code holds */
    struct mq_queue *q;
    int end;                  /* MQ_END_READ or MQ_END_WRITE */
    volatile LONG closed;     /* set by CloseMsgQueue; wakes its waiters */
    volatile LONG refs;       /* the table's + lookups in flight; 0 = pooled */
    volatile LONG in_table;
    volatile LONG streamed;   /* read end: its last read found a message without waiting */
};

/* The handle table (mq_handles.c). Records come from mq_handle_alloc and
 * are never freed, only pooled, so that a lock-free lookup racing with a
 * close always reads valid memory. */
struct mq_handle *mq_handle_alloc(void);       /* new, or pooled with its state reset; NULL if out of memory */
void mq_handle_discard(struct mq_handle *hnd); /* one never inserted */
struct mq_handle *mq_handle_get(HANDLE h); /* adds a reference; NULL if not a queue handle */
void mq_handle_put(struct mq_handle *hnd);
void mq_handle_insert(struct mq_handle *hnd);
struct mq_handle *mq_handle_remove(HANDLE h); /* takes it out; the table's reference goes to the caller */
/* Calls fn for every open queue of this process (process exit). */
void mq_for_each_queue(void (*fn)(struct mq_queue *q, int readers, int writers));

/* Queue state shared by the API and the waits (msgqueue.c). Readers take
 * MQ_LOCK_READ, writers MQ_LOCK_WRITE, anything that changes both sides or
 * the handle records MQ_LOCK_BOTH (read, then write: one order, no deadlock). */
#define MQ_LOCK_READ 1
#define MQ_LOCK_WRITE 2
#define MQ_LOCK_BOTH 3
/* FALSE with the last error set (ERROR_BUSY: a live process held the lock
 * for give_up_ms; common/shlock.h). mq_lock waits the longest bound. */
int mq_lock_within(struct mq_queue *q, int which, uint32_t give_up_ms);
int mq_lock(struct mq_queue *q, int which);
void mq_unlock(struct mq_queue *q, int which);
/* The locks held (which) are in a section of many kernel calls: waiters
 * wait the longest bound (common/shlock.h). Until mq_unlock. */
void mq_lock_long(struct mq_queue *q, int which);
void mq_queue_put(struct mq_queue *q);
/* Maps the queue named base in this process (mq_queue.c), creating its
 * objects when create_size is nonzero. */
struct mq_queue *mq_queue_get(const WCHAR *base, BOOL named, uint64_t create_size);
/* Sets an end's event and its mirror: wakes every waiter. */
void mq_wake_end(struct mq_queue *q, int end);
/* Whether the end is signaled (spec 1.12; mq_layout.h, "Signals"):
 * messages (read end) or room (write end), its sticky word, a broken
 * queue, or the handle being closed. */
BOOL mq_end_ready(struct mq_handle *hnd);
/* What a waiter notes when it begins: when the mark changes, the end was
 * signaled meanwhile (a message written or read by the other side, or an
 * end fully closed), even if it has been reset since. */
uint64_t mq_end_mark(struct mq_handle *hnd);
/* Under that end's lock (MQ_LOCK_READ for the read end): a read or write
 * that found the queue empty/full, or succeeded, clears the end's sticky
 * signal. */
void mq_end_reset(struct mq_queue *q, int end);
/* Before sleeping on an end's event: registers as a sleeper and resets the
 * event; returns TRUE if the wait may sleep (condition still false). Every
 * call must be paired with mq_sleep_end. */
BOOL mq_sleep_begin(struct mq_handle *hnd);
void mq_sleep_end(struct mq_handle *hnd);
/* Sweeps the records of dead processes when due (or always with force).
 * FALSE with ERROR_BUSY if the locks stayed busy for give_up_ms. */
BOOL mq_sweep(struct mq_queue *q, BOOL force, uint32_t give_up_ms);
/* After a read or write found its end not ready (mq_block.c): FALSE with
 * ERROR_TIMEOUT when the time is up, else spins, then sleeps a slice, and
 * returns TRUE to try again. */
BOOL mq_wait_for_end(struct mq_handle *hnd, DWORD timeout, ULONGLONG start, DWORD *error);
/* The routed waits' loop over handles, some of them queue ends (queues[i]
 * not NULL). */
DWORD mq_wait_queues(DWORD count, const HANDLE *handles, struct mq_handle **queues, BOOL wait_all,
                     DWORD timeout, BOOL alertable);
/* DLL_PROCESS_DETACH at process exit: release this process's records. */
void mq_process_exit(void);
/* After making an end ready: wakes its sleepers (or fixes a reset event). */
void mq_signal_end(struct mq_queue *q, int end);
/* Under the lock: this process's handle count of one end changes by delta. */
BOOL mq_count_handles(struct mq_queue *q, int end, int delta);
uint64_t mq_view_size(void *view);

/* Chunks of on-demand rings (mq_chunks.c). */
/* Sets up both sides' mappings for the header's geometry, read once and
 * validated against this process's view (under both locks). FALSE if the
 * header is not valid. */
BOOL mq_chunks_attach(struct mq_queue *q);
/* Before an operation of one side, under its lock: drops views of chunks
 * destroyed since. */
void mq_chunks_begin(struct mq_queue *q, int end);
/* After MQ_NEED_SLOT, under that side's lock: maps slot s (readers), or
 * maps or installs a chunk for it (writers). MQ_OK, MQ_NO_SPACE or
 * MQ_CORRUPT. */
enum mq_result mq_chunk_for_read(struct mq_queue *q, uint32_t s);
enum mq_result mq_chunk_for_write(struct mq_queue *q, uint32_t s);
/* After a read of a chunked queue, under read_lock: if the head left slot
 * old_slot, retires what nothing is in. */
void mq_chunks_after_read(struct mq_queue *q, uint32_t old_slot, uint32_t give_up_ms);
/* Under both locks: keeps or destroys the chunks of slots nothing is in. */
void mq_chunks_retire(struct mq_queue *q);
/* Under both locks: this process's record of the queue was just created
 * (take keepers of the existing chunks) or removed (close ours). */
void mq_chunks_adopt(struct mq_queue *q);
void mq_chunks_release(struct mq_queue *q);
/* The last reference of this process is gone: unmaps every view and
 * closes every keeper handle this process still holds. */
void mq_chunks_unmap(struct mq_queue *q);
/* With no shared lock held: closes the other processes' keepers queued by
 * chunk destruction, each on a pool thread, waiting for them at most 1 s. */
void mq_chunks_flush_closes(struct mq_queue *q);
/* After a lock was taken over: finishes a chunk its dead creator left. */
void mq_chunks_repair(struct mq_queue *q);

struct mq_open_request {
    const WCHAR *base;
    BOOL named;
    const uint16_t *name; /* the CE name, kept in the header */
    uint32_t name_chars;
    int end;
    BOOL create;          /* FALSE: OpenMsgQueue, the queue must exist */
    uint32_t flags, max_messages, cb_max_message;
};
/* Opens one end: the new handle with the last error 0 or
 * ERROR_ALREADY_EXISTS, or NULL with the error set. */
HANDLE mq_open_end(const struct mq_open_request *rq);

/* For ceshim's own writers (device and power notifications, shim/notify):
 * opens an end of the existing queue whose objects are named base (as
 * OpenMsgQueue does), and the bodies of WriteMsgQueue and CloseMsgQueue
 * without their trace lines (the user made no such call). */
HANDLE mq_open_by_base(const WCHAR *base, int end);
BOOL mq_write_untraced(HANDLE h, const void *data, DWORD len, DWORD timeout, DWORD flags);
BOOL mq_close_untraced(HANDLE h);

#endif /* CESHIM_MQ_LOCAL_H */
