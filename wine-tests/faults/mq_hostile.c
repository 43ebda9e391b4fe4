/*
 * mq_hostile.c - another process scribbles over a queue's shared memory.
 * Every call must fail with an error (ERROR_FILE_CORRUPT for a damaged
 * queue, ERROR_BUSY for a lock held by a live process for too long): never
 * touch memory outside its buffers or the mapping, never hang.
 */
#include "fault_util.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

typedef fault_queue hostile_queue;

static BOOL hostile_open(hostile_queue *q, DWORD flags, DWORD max, DWORD cbmax)
{
    if (!fault_queue_open(q, L"hostile", flags, max, cbmax))
        return FALSE;
    for (int i = 0; i < 3; i++)
        WriteMsgQueue(q->w, "message", 7, 0, 0);
    return TRUE;
}

static void hostile_close(hostile_queue *q) { fault_queue_close(q); }

static BYTE *ring_of(struct mq_header *h, DWORD cbmax)
{
    return (BYTE *)h + MQ_HEADER_SIZE + ((cbmax + 4095) / 4096) * 4096;
}

/* Every call fails with the expected error, promptly. */
static void expect_all_fail(hostile_queue *q, DWORD error, const char *what)
{
    char buf[256];
    DWORD n = 0, flags = 0;
    ULONGLONG start = cetest_now_ms();
    SetLastError(0xdeadbeef);
    BOOL ok = ReadMsgQueue(q->r, buf, sizeof(buf), &n, 0, &flags);
    CHECK_MSG(!ok && GetLastError() == error, "%s: read = %d, error %lu, %lu bytes", what, ok, GetLastError(), n);
    SetLastError(0xdeadbeef);
    ok = WriteMsgQueue(q->w, "hello", 5, 0, 0);
    CHECK_MSG(!ok && GetLastError() == error, "%s: write = %d, error %lu", what, ok, GetLastError());
    MSGQUEUEINFO info;
    memset(&info, 0, sizeof(info));
    info.dwSize = sizeof(info);
    SetLastError(0xdeadbeef);
    ok = GetMsgQueueInfo(q->r, &info);
    CHECK_MSG(!ok && GetLastError() == error, "%s: info = %d, error %lu", what, ok, GetLastError());
    /* A blocking read must not block forever either. */
    SetLastError(0xdeadbeef);
    ok = ReadMsgQueue(q->r, buf, sizeof(buf), &n, 3000, &flags);
    CHECK_MSG(!ok && GetLastError() == error, "%s: blocking read = %d, error %lu", what, ok, GetLastError());
    ULONGLONG took = cetest_now_ms() - start;
    CHECK_MSG(took < 2500, "%s: took %llu ms", what, took);
}

/* One kind of damage to a queue with three 7-byte messages queued. */
typedef void (*damage_fn)(struct mq_header *h, SIZE_T size);

static void damage_capacity(struct mq_header *h, SIZE_T size) { h->capacity = (uint64_t)size * 4; }
static void damage_cbmax(struct mq_header *h, SIZE_T size) { (void)size; h->cb_max_message = 0x7fffffff; }
/* rstate/wstate: (messages << 32) | ring offset. */
static uint32_t head_of(const struct mq_header *h) { return (uint32_t)h->rstate; }
static void damage_read_ahead_of_written(struct mq_header *h, SIZE_T size)
{
    (void)size;
    h->rstate += (uint64_t)5 << 32; /* more read than written */
}
static void damage_tail_far(struct mq_header *h, SIZE_T size)
{
    (void)size;
    h->wstate = (h->wstate & ~0xffffffffull) | (uint32_t)(h->capacity + 16);
}
static void damage_unaligned(struct mq_header *h, SIZE_T size) { (void)size; h->rstate += 3; }
static void damage_magic(struct mq_header *h, SIZE_T size) { (void)size; h->magic ^= 0x10; }
static void damage_version(struct mq_header *h, SIZE_T size) { (void)size; h->version = 99; }
static void damage_record_len(struct mq_header *h, SIZE_T size)
{
    (void)size;
    struct mq_record *rec = (struct mq_record *)(ring_of(h, h->cb_max_message) + head_of(h));
    rec->len = 0xfffffff0u;
}
static void damage_record_kind(struct mq_header *h, SIZE_T size)
{
    (void)size;
    struct mq_record *rec = (struct mq_record *)(ring_of(h, h->cb_max_message) + head_of(h));
    rec->kind = 0x12345678u;
}
static void damage_wrap(struct mq_header *h, SIZE_T size)
{
    (void)size;
    struct mq_record *rec = (struct mq_record *)(ring_of(h, h->cb_max_message) + head_of(h));
    rec->kind = MQ_KIND_WRAP;
    rec->len = 16;
}
static void damage_alert(struct mq_header *h, SIZE_T size)
{
    (void)size;
    h->alert_len = 0x7ffffff0u;
    h->alert_full = 1;
}

CETEST(mq_hostile, damaged_fields_give_errors_not_overflows)
{
    static const struct {
        const char *what;
        damage_fn fn;
    } cases[] = {
        { "capacity beyond the mapping", damage_capacity },
        { "cbMaxMessage beyond CE's limit", damage_cbmax },
        { "more messages read than written", damage_read_ahead_of_written },
        { "tail beyond capacity", damage_tail_far },
        { "unaligned head", damage_unaligned },
        { "bad magic", damage_magic },
        { "unknown layout version", damage_version },
        { "record longer than cbMaxMessage", damage_record_len },
        { "unknown record kind", damage_record_kind },
        { "misplaced wrap marker", damage_wrap },
        { "alert longer than cbMaxMessage", damage_alert },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        hostile_queue q;
        if (!CHECK_MSG(hostile_open(&q, 0, 8, 64), "%s: setup failed, error %lu", cases[i].what, GetLastError())) {
            hostile_close(&q);
            continue;
        }
        cases[i].fn(q.h, q.size);
        expect_all_fail(&q, ERROR_FILE_CORRUPT, cases[i].what);
        hostile_close(&q);
    }
}

static ULONG rng_state = 12345;
static ULONG rng(void)
{
    rng_state = rng_state * 1103515245u + 12345u;
    return rng_state >> 8;
}

CETEST(mq_hostile, random_garbage_never_crashes_or_hangs)
{
    /* Garbage over the whole header (the lock word kept free) or over the
     * ring: calls fail or return what fits their buffer, and return fast. */
    for (int trial = 0; trial < 60; trial++) {
        hostile_queue q;
        DWORD flags = trial % 3 == 0 ? MSGQUEUE_NOPRECOMMIT : 0;
        if (!CHECK(hostile_open(&q, flags, trial % 2 ? 0 : 8, 64 + (DWORD)trial * 50))) {
            hostile_close(&q);
            continue;
        }
        BYTE *p = (BYTE *)q.h;
        SIZE_T from = trial % 2 ? 0 : MQ_HEADER_SIZE, to = trial % 2 ? MQ_HEADER_SIZE : q.size;
        for (SIZE_T k = from; k < to; k++)
            if (rng() % 4 == 0)
                p[k] = (BYTE)rng();
        q.h->read_lock = 0;
        q.h->write_lock = 0;
        char buf[128];
        DWORD n, f;
        ULONGLONG start = cetest_now_ms();
        for (int k = 0; k < 8; k++) {
            n = 0xdeadbeef;
            if (ReadMsgQueue(q.r, buf, sizeof(buf), &n, 0, &f))
                CHECK_MSG(n <= sizeof(buf), "trial %d: read returned %lu bytes into a %u-byte buffer", trial, n,
                          (unsigned)sizeof(buf));
            WriteMsgQueue(q.w, "x", 1, 0, 0);
        }
        MSGQUEUEINFO info;
        memset(&info, 0, sizeof(info));
        info.dwSize = sizeof(info);
        GetMsgQueueInfo(q.r, &info);
        CHECK_MSG(cetest_now_ms() - start < 3000, "trial %d took %llu ms", trial, cetest_now_ms() - start);
        hostile_close(&q);
    }
}

CETEST(mq_hostile, garbage_process_records_are_swept)
{
    hostile_queue q;
    REQUIRE(hostile_open(&q, 0, 8, 64));
    /* Records of processes that do not exist, with absurd counts. */
    for (DWORD i = 10; i < 40; i++) {
        q.h->procs[i].pid = 0x7ff00000u + i * 4;
        q.h->procs[i].readers = 0xffff;
        q.h->procs[i].writers = 0xffff;
        q.h->procs[i].create_time = i;
    }
    q.h->proc_slots = 40; /* in the scanned range */
    MSGQUEUEINFO info;
    memset(&info, 0, sizeof(info));
    info.dwSize = sizeof(info);
    SetLastError(0xdeadbeef);
    CHECK(GetMsgQueueInfo(q.r, &info));
    CHECK_EQ(info.wNumReaders, 1);
    CHECK_EQ(info.wNumWriters, 1);
    hostile_close(&q);
}

CETEST(mq_hostile, lock_held_by_a_live_process_gives_up_with_an_error)
{
    hostile_queue q;
    REQUIRE(hostile_open(&q, 0, 8, 64));
    /* A live owner that never lets go (here: this process itself, pid and
     * creation time, as another of its threads would hold it). */
    q.h->read_lock = fault_owner_word(GetCurrentProcess(), GetCurrentProcessId());
    char buf[64];
    DWORD n, f;
    ULONGLONG start = cetest_now_ms();
    SetLastError(0xdeadbeef);
    CHECK_EQ(ReadMsgQueue(q.r, buf, sizeof(buf), &n, 0, &f), FALSE);
    CHECK_LASTERROR(ERROR_BUSY);
    ULONGLONG took = cetest_now_ms() - start;
    CHECK_MSG(took < 10000, "gave up after %llu ms", took);
    q.h->read_lock = 0;
    CHECK(ReadMsgQueue(q.r, buf, sizeof(buf), &n, 0, &f));
    hostile_close(&q);
}

/* ---- damaged chunk bookkeeping leaks nothing ----------------------------------- */

enum leak_damage { LEAK_NONE, LEAK_SLOT_TABLE, LEAK_KEEPERS, LEAK_OWN_RECORD, LEAK_CORRUPT, LEAK_KINDS };
static const char *const leak_damage_names[] = { "none", "slot table wiped", "chunk keepers wiped",
                                                 "own process record wiped", "marked corrupt, slots wiped" };

/* Wipes the keeper records of every chunk the slot table names; how many. */
static int wipe_keepers(const WCHAR *queue, struct mq_header *h)
{
    int wiped = 0;
    for (uint32_t s = 0; s < h->nslots && s < MQ_MAX_SLOTS; s++) {
        if (!h->slot_uid[s])
            continue;
        WCHAR name[200];
        _snwprintf(name, 200, L"Local\\" CESHIM_LAYOUT_TAG L"qn.%ls.c%llx", queue, (unsigned long long)h->slot_uid[s]);
        name[199] = 0;
        HANDLE m = OpenFileMappingW(FILE_MAP_ALL_ACCESS, FALSE, name);
        struct mq_chunk_header *c = m ? MapViewOfFile(m, FILE_MAP_ALL_ACCESS, 0, 0, MQ_CHUNK_HEADER) : NULL;
        if (c) {
            memset(c->keepers, 0, sizeof(c->keepers));
            UnmapViewOfFile(c);
            wiped++;
        }
        if (m)
            CloseHandle(m);
    }
    return wiped;
}

/* An unbounded queue with a few chunks in use (and one spare), damaged,
 * then closed. */
static void chunked_queue_damaged(enum leak_damage damage)
{
    static BYTE msg[16384], got[16384];
    WCHAR name[128];
    cetest_unique_name(L"leak", name, 128);
    MSGQUEUEOPTIONS o = fault_options(0, 0, sizeof(msg), TRUE);
    HANDLE r = CreateMsgQueue(name, &o);
    o.bReadAccess = FALSE;
    HANDLE w = CreateMsgQueue(name, &o);
    if (!CHECK_MSG(r && w, "%s: create failed, error %lu", leak_damage_names[damage], GetLastError()))
        return;
    DWORD n, flags;
    for (int i = 0; i < 64; i++)
        CHECK(WriteMsgQueue(w, msg, sizeof(msg), 0, 0));
    for (int i = 0; i < 20; i++)
        CHECK(ReadMsgQueue(r, got, sizeof(got), &n, 0, &flags));
    HANDLE mapping;
    SIZE_T size;
    struct mq_header *h = damage ? fault_map_queue(name, &mapping, &size) : NULL;
    if (h) {
        if (damage == LEAK_KEEPERS) {
            int wiped = wipe_keepers(name, h);
            CHECK_MSG(wiped > 0, "no chunk's keepers found to wipe (%d)", wiped);
        }
        if (damage == LEAK_OWN_RECORD)
            for (uint32_t i = 0; i < MQ_MAX_PROCS; i++)
                if (h->procs[i].pid == GetCurrentProcessId())
                    h->procs[i].pid = 0;
        if (damage == LEAK_CORRUPT)
            h->state |= MQ_STATE_CORRUPT;
        if (damage == LEAK_SLOT_TABLE || damage == LEAK_CORRUPT) {
            memset(h->slot_uid, 0, sizeof(h->slot_uid));
            h->spare_uid = 0;
        }
        fault_unmap_queue(h, mapping);
    }
    CHECK(CloseMsgQueue(r));
    CHECK(CloseMsgQueue(w));
}

CETEST(mq_hostile, damaged_chunk_bookkeeping_leaks_no_handles_or_views)
{
    /* The baseline after undamaged queues (what a first use keeps for
     * good is counted in). */
    for (int i = 0; i < 3; i++)
        chunked_queue_damaged(LEAK_NONE);
    DWORD handles = fault_count_handles(), views = fault_count_views();
    for (int kind = LEAK_NONE; kind < LEAK_KINDS; kind++) {
        for (int i = 0; i < 10; i++)
            chunked_queue_damaged((enum leak_damage)kind);
        DWORD now_handles = fault_count_handles(), now_views = fault_count_views();
        CHECK_MSG(now_handles == handles && now_views == views,
                  "after 10 queues with %s: %lu handles, %lu views; %lu and %lu before", leak_damage_names[kind],
                  now_handles, now_views, handles, views);
        handles = now_handles;
        views = now_views;
    }
}
