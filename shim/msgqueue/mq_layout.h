/*
 * mq_layout.h - the shared-memory layout of a message queue, and the pure-C
 * operations on it (no Windows calls), so that the validation can be fuzzed
 * natively. Layer 1, the bottom, of the queue code: the layers are listed
 * in mq_types.h and docs/msgqueue-layers.md; nothing here calls above.
 *
 * One pagefile-backed mapping per queue. All fields are fixed-width and
 * little-endian; no pointers or handles, so 32- and 64-bit processes share
 * a queue.
 *
 * Readers and writers never share a lock or a written cache line: readers
 * serialise on read_lock and own `rstate`, writers on write_lock and own
 * `wstate`. Each state packs a message count and a ring offset into one
 * 64-bit word ((count << 32) | offset), published with one store, so the
 * number of queued messages (written - read) and where they lie change
 * together and a process killed at any instruction leaves them consistent.
 * Work on both (closing an end, sweeping, (re)initialising, retiring
 * chunks) takes read_lock, then write_lock.
 *
 * The ring is divided into nslots slots of slot_size bytes; a record never
 * crosses a slot's end. A pre-committed queue has one slot, the ring that
 * follows the alert slot in this mapping. A queue that commits on demand
 * (unbounded or MSGQUEUE_NOPRECOMMIT) keeps each slot's memory in a chunk,
 * a mapping of its own (struct mq_chunk_header, then slot_size bytes of
 * data) named after the queue and the chunk's uid; slot_uid[] says which
 * chunk backs which slot (0: none). Writers install a chunk when the tail
 * enters an empty slot, taking the spare chunk or creating one; readers,
 * once a slot holds no queued byte and neither end is in it, make its chunk
 * the spare or, when there is a spare already, destroy it: so memory is
 * committed as messages are queued and given back as they drain. Chunk
 * moves are done under write_lock (installs) or both locks (retirement).
 *
 *   offset  size  field
 *   0       4     magic            MQ_MAGIC ("CEMQ")
 *   4       4     version          MQ_LAYOUT_VERSION
 *   8       4     header_size      MQ_HEADER_SIZE (the alert slot follows it)
 *   12      4     flags            user-visible MSGQUEUE_* flags
 *   16      4     max_messages     0 = unbounded
 *   20      4     cb_max_message
 *   24      4     state            MQ_STATE_* bits
 *   28      4     proc_slots       records in use are below this index
 *   32      8     capacity         bytes in the ring (nslots * slot_size)
 *   40      8     creating_uid     chunk being created (crash repair), or 0
 *   48      8     last_sweep_ms    when dead processes were last swept
 *   56      4     name_chars       length of name, 0 for unnamed queues
 *   60      4     reserved
 *   64      4     read_sticky      (readers' line) 1: read end signaled by a close
 *   68      4     reserved
 *   72      8     rstate           (messages read << 32) | head offset
 *   128     4     write_sticky     (writers' line) 1: write end signaled by a close
 *   132     4     high_water       largest count seen
 *   136     8     wstate           (messages written << 32) | tail offset
 *   192     4     alert_full       1 while the alert slot holds a message
 *   196     4     alert_len
 *   200     4     alert_flags
 *   204     4     alert_writer     pid of the alert's writer
 *   208     4     read_sleepers    threads blocked on the read end
 *   212     4     write_sleepers   threads blocked on the write end
 *   216     4     read_event_set   1 if the read-end event is believed set
 *   220     4     write_event_set  1 if the write-end event is believed set
 *   224     4     slot_size        bytes per slot (a power of two when chunked)
 *   228     4     nslots           1 when pre-committed, else 2..MQ_MAX_SLOTS
 *   232     8     next_uid         uid of the next chunk created
 *   240     8     spare_uid        a drained chunk kept for reuse, or 0
 *   248     4     free_epoch       bumped when a chunk is destroyed
 *   252     4     ends_closed      bumped when an end loses its last handle
 *   256     520   name             UTF-16, MQ_NAME_MAX chars
 *   896     8     read_lock        owner word, 0 = free         (a line of its own)
 *   960     8     write_lock       owner word, 0 = free         (a line of its own)
 *   1024    2048  procs            MQ_MAX_PROCS records of struct mq_proc
 *   3072    1024  slot_uid         MQ_MAX_SLOTS chunk uids (chunked queues)
 *   4096          alert slot (cb_max_message bytes, rounded up to 4096),
 *                 then, pre-committed only, the data ring (capacity bytes)
 *
 * Handle record (struct mq_proc), one per process with the queue open:
 *   0       4     pid              0 = free record
 *   4       2     readers          read handles of that process
 *   6       2     writers          write handles
 *   8       8     create_time      the process's creation time (FILETIME)
 *
 * Chunk mapping (struct mq_chunk_header, one page, then the slot's data):
 *   0       4     magic            MQ_CHUNK_MAGIC ("CEMK")
 *   4       4     version          MQ_LAYOUT_VERSION
 *   8       8     uid
 *   16      4     slot_size
 *   64      2048  keepers          {pid, handle value, creation time} per procs[] index
 *   2112    1984  reserved
 * Keeper (struct mq_keeper): 0 pid (4), 4 handle value (4), 8 creation time (8).
 * A chunk lives while any process holds a handle or view of it, and must
 * outlive the process that created it: its creator gives every process
 * with the queue open a handle of its own (a "keeper", recorded here), a
 * process opening the queue later takes keepers of the chunks that exist,
 * and whoever destroys the chunk closes them all.
 *
 * Owners. A lock word is the owner's pid and a 32-bit digest of its
 * creation time in one 64-bit word (common/owner.h: pid at +0, digest at
 * +4), taken with one 8-byte compare-and-swap (cmpxchg8b on i686: both
 * words are 8-aligned, as the mapping is page-aligned). A handle record
 * (struct mq_proc) and a keeper name their process by pid and full
 * creation time. A pid that is alive but with another creation time is a
 * dead process's: its lock is taken over, its record swept, its keeper
 * skipped (its handles died with it).
 *
 * Ring record: 16-byte header {len, flags, writer pid, kind} then the
 * payload padded to 16. The kind of a message says how its payload was
 * written: MQ_KIND_MSG_STREAMED (non-temporal stores, common/bulk_copy.h)
 * tells the reader it is in memory, not in a cache. A record that does not
 * fit before the end of its slot is preceded by a MQ_KIND_WRAP record
 * filling the rest, and starts at the next slot (offset 0 after the last).
 * A writer fills a record completely before publishing wstate; a reader
 * copies it out before publishing rstate: a half message is never visible,
 * and the reader's copy-out overlaps the writer's copy-in.
 *
 * Signals (spec 1.12). A queue handle is signaled as CE's manual-reset end
 * events are: the read end while a message is queued, the write end while
 * there is room, both once the queue is broken, and besides, an end whose
 * `sticky` word is 1. An end losing its last handle sets both sticky words
 * and bumps ends_closed; a read (or a write) that finds the queue empty
 * (full) or that succeeds clears its end's word: while messages (room)
 * remain that changes nothing visible, and the read that empties the queue
 * (the write that fills it) is one that resets CE's event. A read end
 * created anew starts with its word cleared. A waiter that noted
 * ends_closed and the peer's message count when it began is satisfied when
 * they change, even if another thread has reset the end since.
 *
 * Hostile peers. Any process that can open the mapping may change any
 * byte of it at any moment, between a check and a use too; the rule is
 * "snapshot, validate, use": a value from shared memory that bounds a
 * copy, an offset or a loop is loaded once into a local, checked, and only
 * the local is used. How each field is guarded:
 *  - geometry (flags, max_messages, cb_max_message, capacity, slot_size,
 *    nslots; magic, version, header_size): read once when a process
 *    attaches, validated against the size of its own view, and kept in its
 *    private struct mq_ring_mem. Every operation compares the header's
 *    copy with it (a few compares, no kernel call) and fails with
 *    MQ_CORRUPT on a difference, but bounds everything with the private
 *    copy: a change after the compare cannot widen a copy or move a write.
 *  - rstate, wstate: loaded once per operation; the offsets are checked
 *    against the private capacity and alignment, the count against the
 *    private max_messages. Records are then addressed through the
 *    process's own slot pointers (offset < capacity, inside its own view).
 *  - a ring record's header: copied into a local before it is checked (len
 *    against the private cb_max_message and the slot's end; kind).
 *  - alert_len / alert_full: loaded once; the length is checked against the
 *    private cb_max_message (the alert area holds that many bytes).
 *  - slot_uid[], spare_uid, creating_uid, next_uid: loaded once per use;
 *    slot indices are bounded by the private nslots. A chunk is used only
 *    through a view whose size was checked against the private slot_size.
 *  - chunk headers (keepers): each entry is copied once; a handle value is
 *    closed only after the kernel says it is a handle of that very chunk.
 *    Which keeper handles this process holds is also kept in its private
 *    memory, so they are closed at the end whatever the shared copy says.
 *  - proc_slots: loaded once and clamped to MQ_MAX_PROCS; procs[] records
 *    are counts only (a damaged one is swept or ignored).
 *  - state, high_water, the sleeper counts and event mirrors, the sticky
 *    words, ends_closed, free_epoch, last_sweep_ms: decisions only (a wrong value costs a wake-up, an error
 *    or a sweep, never memory).
 */
#ifndef CESHIM_MQ_LAYOUT_H
#define CESHIM_MQ_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#include "common/bulk_copy.h"
#include "common/owner.h"

#define MQ_MAGIC 0x514D4543u /* "CEMQ" */
/* 7: owner words (pid + creation time) in the locks, keepers with creation
 * times; 6: read_sticky, write_sticky, ends_closed; 5: MQ_KIND_MSG_STREAMED
 * records; 4: chunks that are given back */
#define MQ_LAYOUT_VERSION 7u
#define MQ_HEADER_SIZE 4096u
#define MQ_NAME_MAX 260u
#define MQ_MAX_PROCS 128u
#define MQ_REC_HEADER 16u
#define MQ_REC_ALIGN 16u
#define MQ_CACHE_LINE 64u /* ring memory starts page-aligned */

#define MQ_STATE_BROKEN 0x1u  /* an end lost its last handle; not ALLOW_BROKEN */
#define MQ_STATE_CORRUPT 0x2u /* validation failed; every call fails */

#define MQ_KIND_MSG 0x4D534731u  /* "1GSM" */
#define MQ_KIND_MSG_STREAMED 0x4D534732u /* "2GSM": payload written with streaming stores */
#define MQ_KIND_WRAP 0x50415257u /* "WRAP" */

/* CE's limits (spec 1.3). */
#define MQ_MAX_NODE_SIZE 0x100000u
#define MQ_MAX_NUM_NODES 0x100000u
#define MQ_MAX_PREALLOC 0x1000000u
/* ceshim's: the most a queue that commits on demand can hold in its ring,
 * in at most MQ_MAX_SLOTS chunks of at least these sizes. */
#define MQ_ONDEMAND_CAPACITY (32u * 1024u * 1024u)
#define MQ_MAX_SLOTS 128u
#define MQ_SLOT_MIN_BOUNDED (64u * 1024u)
#define MQ_SLOT_MIN_UNBOUNDED (256u * 1024u)
#define MQ_SLOT_MAX (4u * 1024u * 1024u)
#define MQ_CHUNK_MAGIC 0x4B4D4543u /* "CEMK" */
#define MQ_CHUNK_HEADER 4096u

#define MQ_FLAG_NOPRECOMMIT 0x1u
#define MQ_FLAG_ALLOW_BROKEN 0x2u

struct mq_proc {
    uint32_t pid;
    uint16_t readers;
    uint16_t writers;
    uint64_t create_time; /* tells a reused pid from the process recorded */
};

struct mq_header {
    uint32_t magic;
    uint32_t version;
    uint32_t header_size;
    uint32_t flags;
    uint32_t max_messages;
    uint32_t cb_max_message;
    uint32_t state;
    uint32_t proc_slots; /* bounds the record scans; clamped to MQ_MAX_PROCS */
    uint64_t capacity;
    uint64_t creating_uid;
    uint64_t last_sweep_ms;
    uint32_t name_chars;
    uint32_t reserved0;
    /* readers' cache line */
    uint32_t read_sticky; /* see "Signals" above; written under read_lock */
    uint32_t reserved1;
    uint64_t rstate;
    uint8_t pad_r[48];
    /* writers' cache line */
    uint32_t write_sticky; /* written under write_lock */
    uint32_t high_water;
    uint64_t wstate;
    uint8_t pad_w[48];
    /* read by both on every call, written rarely */
    uint32_t alert_full;
    uint32_t alert_len;
    uint32_t alert_flags;
    uint32_t alert_writer;
    uint32_t read_sleepers;
    uint32_t write_sleepers;
    uint32_t read_event_set;
    uint32_t write_event_set;
    uint32_t slot_size;
    uint32_t nslots;
    uint64_t next_uid;
    uint64_t spare_uid;
    uint32_t free_epoch;
    uint32_t ends_closed; /* under both locks */
    uint16_t name[MQ_NAME_MAX];
    uint8_t pad_n[120];
    /* The locks have lines of their own: the other side polls the state
     * words, and a locked operation on a line it is reading waits for a
     * cross-core transfer that a plain store would not. */
    uint64_t read_lock;
    uint8_t pad_rl[56];
    uint64_t write_lock;
    uint8_t pad_wl[56];
    struct mq_proc procs[MQ_MAX_PROCS];
    uint64_t slot_uid[MQ_MAX_SLOTS];
};

struct mq_keeper {
    uint32_t pid;
    uint32_t handle;      /* a handle value in that process (32 bits in every bitness) */
    uint64_t create_time; /* of that process: a later one with its pid is not it */
};

struct mq_chunk_header {
    uint32_t magic;
    uint32_t version;
    uint64_t uid;
    uint32_t slot_size;
    uint8_t reserved0[44];
    struct mq_keeper keepers[MQ_MAX_PROCS];
    uint8_t reserved1[MQ_CHUNK_HEADER - 64 - 16 * MQ_MAX_PROCS];
};

/* What one process has mapped of the ring (its own memory, trusted): the
 * geometry it validated when it attached (mq_mem_attach), and each slot's
 * data; for a process's writers, how they copy large messages in. Every
 * bound on a copy, an offset or a loop comes from here, never from the
 * header: the header's copy of the geometry is only compared with it. */
struct mq_ring_mem {
    uint32_t chunked;
    uint32_t nslots;
    uint32_t slot_size;
    uint32_t cb_max_message;
    uint32_t max_messages;
    uint32_t flags;    /* MQ_FLAG_* as created */
    uint64_t capacity; /* nslots * slot_size; 0: not attached */
    uint64_t uid[MQ_MAX_SLOTS];  /* the chunk slot[i] belongs to (0 if not chunked) */
    uint8_t *slot[MQ_MAX_SLOTS]; /* slot_size bytes each, or NULL: not mapped */
    struct ceshim_bulk_writer copy;  /* writers only, under write_lock */
};

/* One side's cache of the other side's state word (see mq_write). */
struct mq_peer {
    uint64_t state; /* the other side's word, as last read */
    uint64_t own;   /* this side's word it holds against */
};

struct mq_record {
    uint32_t len;
    uint32_t flags;
    uint32_t writer;
    uint32_t kind;
};

#define MQ_STATIC_ASSERT(c, m) _Static_assert(c, m)
MQ_STATIC_ASSERT(sizeof(struct mq_proc) == 16, "mq_proc is 16 bytes");
MQ_STATIC_ASSERT(offsetof(struct mq_header, proc_slots) == 28, "proc_slots at 28");
MQ_STATIC_ASSERT(offsetof(struct mq_header, capacity) == 32, "capacity at 32");
MQ_STATIC_ASSERT(offsetof(struct mq_header, creating_uid) == 40, "creating_uid at 40");
MQ_STATIC_ASSERT(offsetof(struct mq_header, name_chars) == 56, "name_chars at 56");
MQ_STATIC_ASSERT(offsetof(struct mq_header, read_lock) == 896, "read_lock at 896");
MQ_STATIC_ASSERT(offsetof(struct mq_header, read_sticky) == 64, "read_sticky at 64");
MQ_STATIC_ASSERT(offsetof(struct mq_header, rstate) == 72, "rstate at 72");
MQ_STATIC_ASSERT(offsetof(struct mq_header, write_sticky) == 128, "write_sticky at 128");
MQ_STATIC_ASSERT(offsetof(struct mq_header, write_lock) == 960, "write_lock at 960");
MQ_STATIC_ASSERT(sizeof(((struct mq_header *)0)->read_lock) == 8, "lock words are 8 bytes");
MQ_STATIC_ASSERT(offsetof(struct mq_header, read_lock) % 8 == 0 && offsetof(struct mq_header, write_lock) % 8 == 0,
                 "lock words are 8-aligned (cmpxchg8b)");
MQ_STATIC_ASSERT(offsetof(struct mq_header, high_water) == 132, "high_water at 132");
MQ_STATIC_ASSERT(offsetof(struct mq_header, wstate) == 136, "wstate at 136");
MQ_STATIC_ASSERT(offsetof(struct mq_header, alert_full) == 192, "alert_full at 192");
MQ_STATIC_ASSERT(offsetof(struct mq_header, read_sleepers) == 208, "read_sleepers at 208");
MQ_STATIC_ASSERT(offsetof(struct mq_header, slot_size) == 224, "slot_size at 224");
MQ_STATIC_ASSERT(offsetof(struct mq_header, nslots) == 228, "nslots at 228");
MQ_STATIC_ASSERT(offsetof(struct mq_header, next_uid) == 232, "next_uid at 232");
MQ_STATIC_ASSERT(offsetof(struct mq_header, spare_uid) == 240, "spare_uid at 240");
MQ_STATIC_ASSERT(offsetof(struct mq_header, free_epoch) == 248, "free_epoch at 248");
MQ_STATIC_ASSERT(offsetof(struct mq_header, ends_closed) == 252, "ends_closed at 252");
MQ_STATIC_ASSERT(offsetof(struct mq_header, name) == 256, "name at 256");
MQ_STATIC_ASSERT(offsetof(struct mq_header, procs) == 1024, "procs at 1024");
MQ_STATIC_ASSERT(offsetof(struct mq_header, slot_uid) == 3072, "slot_uid at 3072");
MQ_STATIC_ASSERT(offsetof(struct mq_chunk_header, uid) == 8, "chunk uid at 8");
MQ_STATIC_ASSERT(offsetof(struct mq_chunk_header, slot_size) == 16, "chunk slot_size at 16");
MQ_STATIC_ASSERT(offsetof(struct mq_chunk_header, keepers) == 64, "keepers at 64");
MQ_STATIC_ASSERT(sizeof(struct mq_keeper) == 16, "mq_keeper is 16 bytes");
MQ_STATIC_ASSERT(offsetof(struct mq_keeper, create_time) == 8, "keeper create_time at 8");
MQ_STATIC_ASSERT(offsetof(struct mq_proc, create_time) == 8, "proc create_time at 8");
MQ_STATIC_ASSERT(sizeof(struct mq_chunk_header) == MQ_CHUNK_HEADER, "chunk header is one page");
MQ_STATIC_ASSERT(sizeof(struct mq_header) == MQ_HEADER_SIZE, "header is one page");
MQ_STATIC_ASSERT(sizeof(struct mq_record) == MQ_REC_HEADER, "record header is 16 bytes");

/* Result codes of the pure operations (mapped to Win32 errors by the caller). */
enum mq_result {
    MQ_OK = 0,
    MQ_EMPTY,     /* nothing to read */
    MQ_FULL,      /* write: dwMaxMessages messages are queued */
    MQ_TRUNCATED, /* read: message longer than the buffer, consumed */
    MQ_TOO_BIG,   /* write: longer than cb_max_message */
    MQ_NO_SPACE,  /* write: a capped on-demand ring has no bytes left */
    MQ_CORRUPT,   /* the shared memory failed validation */
    MQ_NEED_SLOT, /* the caller must map (or, writing, install) slot *need_slot and retry */
    /* The queue code above the layout (never returned here). Their Win32
     * errors: win32_error() in msgqueue.c, the one place. */
    MQ_TIMEOUT,     /* the time ran out while empty (read) or full (write) */
    MQ_BROKEN,      /* no handle of the other end is left */
    MQ_BAD_HANDLE,  /* not a queue handle (of that end), or closed meanwhile */
    MQ_BAD_PARAM,   /* bad arguments */
    MQ_BUSY,        /* a live process held the shared lock past the bound */
    MQ_NO_MEMORY,   /* out of memory, mappings or process records */
    MQ_NOT_FOUND,   /* opening: the queue is gone or broken */
    MQ_BAD_NAME,    /* creating: a broken queue of that name, or another name with its hash */
    MQ_EXISTS,      /* opening: success, the queue existed */
    MQ_SYSTEM       /* a kernel call failed: its error is the thread's last error */
};

/* Geometry of a queue, from its creation options: the ring's capacity, the
 * size of its main mapping, and its slots. Returns 0 when the options are
 * beyond what can be held (the caller reports out of memory). */
int mq_geometry(uint32_t flags, uint32_t max_messages, uint32_t cb_max_message, uint64_t *capacity,
                uint64_t *mapping_size, uint32_t *slot_size, uint32_t *nslots);
uint64_t mq_alert_area(uint32_t cb_max_message);
uint64_t mq_record_size(uint32_t len);

/* Writes a fresh header. name may be NULL; first_uid numbers the chunks. */
void mq_init(struct mq_header *h, uint32_t flags, uint32_t max_messages, uint32_t cb_max_message,
             uint64_t capacity, uint32_t slot_size, uint32_t nslots, uint64_t first_uid,
             const uint16_t *name, uint32_t name_chars);

/* Checks what every operation relies on against the mapping's size (each
 * field read once). */
int mq_header_valid(const struct mq_header *h, uint64_t mapping_size);
/* Reads the header's geometry once, validates it against the size of the
 * caller's view, and keeps it in m (the slots are left to the caller).
 * 0 if invalid (m unchanged). */
int mq_mem_attach(struct mq_ring_mem *m, const struct mq_header *h, uint64_t mapping_size);
/* Whether the header still says what m holds (and is not marked corrupt):
 * the per-operation check, a few compares. */
int mq_header_matches(const struct mq_header *h, const struct mq_ring_mem *m);

/* mq_header_matches plus the positions and the alert; marks a damaged
 * queue corrupt. */
int mq_state_valid(struct mq_header *h, const struct mq_ring_mem *m);

/* `peer`, when not NULL, is the caller's cache of the other side's state
 * word (the reader's for writers, the writer's for readers), kept under the
 * caller's lock: it is read from shared memory only when the cached value
 * says the queue is full (writers) or empty (readers). NULL: always fresh.
 * The cache holds only while its own side's word is the one it was taken
 * with (or this caller stored since): a writer in another process moves
 * the tail on, round the ring past a cached head, and the free bytes
 * counted from that head would then run over unread messages. (A zeroed
 * cache holds against a side that never moved, whose peer cannot have.)
 *
 * `mem` is what the caller has mapped; an operation that needs a slot that
 * is not mapped, or whose chunk changed, returns MQ_NEED_SLOT before it
 * changes anything shared. */

/* Whether a write of len bytes fits now: MQ_OK, MQ_FULL, MQ_TOO_BIG,
 * MQ_NO_SPACE or MQ_CORRUPT; does not change the queue. */
enum mq_result mq_write_plan(const struct mq_header *h, const struct mq_ring_mem *mem, uint32_t len, int alert,
                             struct mq_peer *peer);
/* Enqueues (the caller holds write_lock). */
enum mq_result mq_write(struct mq_header *h, struct mq_ring_mem *mem,
                        const void *data, uint32_t len, uint32_t flags, uint32_t writer_pid, int alert,
                        struct mq_peer *peer, uint32_t *need_slot);
/* Dequeues into buf (the caller holds read_lock); *len gets the bytes
 * copied. The alert comes first. */
enum mq_result mq_read(struct mq_header *h, const struct mq_ring_mem *mem, void *buf,
                       uint32_t buf_size, uint32_t *len, uint32_t *flags, uint32_t *writer_pid,
                       struct mq_peer *peer, uint32_t *need_slot);
/* Drops every queued message and the alert (the caller holds both locks). */
void mq_discard(struct mq_header *h);
/* After taking over a lock from a dead owner: every update is one store,
 * so there is nothing to redo but a spare chunk also left in a slot; checks
 * the state and marks a damaged queue. */
enum mq_result mq_repair(struct mq_header *h, const struct mq_ring_mem *mem);
/* Messages queued (the alert excluded). */
uint32_t mq_count(const struct mq_header *h);
int mq_has_message(const struct mq_header *h);
int mq_has_room(const struct mq_header *h, const struct mq_ring_mem *mem);
/* Whether slot s holds no queued byte and neither position is in it, so
 * its chunk may go (the caller holds both locks). */
int mq_slot_unused(const struct mq_header *h, const struct mq_ring_mem *mem, uint32_t s);

/* Chunks: a fresh chunk header, and whether a chunk's view of view_size
 * bytes is chunk `uid` of a queue whose slots are slot_size bytes. */
void mq_chunk_init(struct mq_chunk_header *c, uint64_t uid, uint32_t slot_size);
int mq_chunk_valid(const struct mq_chunk_header *c, uint64_t view_size, uint64_t uid, uint32_t slot_size);

/* Reader/writer counts across processes. */
uint32_t mq_total_readers(const struct mq_header *h);
uint32_t mq_total_writers(const struct mq_header *h);
/* Adds delta handles of one end for (pid, create_time); 0 if the table is
 * full. */
int mq_proc_add(struct mq_header *h, uint32_t pid, uint64_t create_time, int read_end, int delta);
/* The index of the record of (pid, create_time), or -1. */
int mq_proc_find(const struct mq_header *h, uint32_t pid, uint64_t create_time);

#endif /* CESHIM_MQ_LAYOUT_H */
