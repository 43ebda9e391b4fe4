/*
 * mq_flicker.c - a hostile process keeps flipping a queue's header fields,
 * slot table, process records, ring records and chunk headers between
 * their true values and hostile ones *while* another process reads and
 * writes (and now and then leaves a damage in place). The victim's buffers
 * end at no-access pages with canaries before them: it must see only
 * success or clean errors, never crash, hang or write outside its buffers,
 * and after all its queues are closed hold exactly the handles and views
 * it held before.
 *
 * `make test` runs it for a few seconds; `make torture` (cmake/torture.sh)
 * for CESHIM_FLICKER_CHANGES hostile stores (10^6) and reports the rate.
 */
#include "fault_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VICTIM_CB_MAX 3000u
#define VICTIM_BIG (64u * 1024u) /* buffers larger than any queue's messages */
#define OPS_PER_QUEUE 4000
#define CALL_BOUND_MS 5000 /* a read or write that takes longer hangs */

/* Shared by the test, the victim and the hostile process. */
struct flicker_ctl {
    volatile LONG gen;     /* bumped when `name` is a new queue */
    volatile LONG stop;    /* the hostile process stops */
    volatile LONG changes; /* damages made: a hostile value put in place (then maybe oscillated) */
    volatile LONG stores;  /* hostile stores, oscillations included */
    volatile LONG chunk_changes; /* of them, in a chunk's mapping (it was found by name) */
    volatile LONG queues, ops, oks, errors;  /* summed over victims */
    volatile LONG handles_before, handles_after, views_before, views_after; /* the last victim's */
    WCHAR name[128];
};

static struct flicker_ctl *ctl_map(const WCHAR *name, BOOL create, HANDLE *mapping)
{
    *mapping = create ? CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 4096, name)
                      : OpenFileMappingW(FILE_MAP_ALL_ACCESS, FALSE, name);
    return *mapping ? MapViewOfFile(*mapping, FILE_MAP_ALL_ACCESS, 0, 0, 0) : NULL;
}

static ULONG rng(ULONG *s)
{
    *s = *s * 1103515245u + 12345u;
    return *s >> 8;
}

/* ---- the hostile process ----------------------------------------------------- */

struct hostile {
    ULONG seed;
    LONG pending, pending_stores; /* not yet added to ctl->changes, ctl->stores */
    volatile LONG *chunk_changes; /* ctl->chunk_changes */
    BOOL revive; /* oscillations also clear the corrupt mark the victim sets */
    WCHAR name[128];
    HANDLE mapping;
    struct mq_header *h;
    SIZE_T size;
    uint32_t cbmax, slot_size, nslots, chunked; /* as they were when mapped */
    uint64_t capacity;
    HANDLE chunk_mapping; /* the last chunk looked at */
    uint64_t chunk_uid;
    BYTE *chunk;
};

/* Holds a hostile value for a moment: the victim may be between its check
 * and its use. Sometimes long (a whole time slice, by yielding). */
static void hold(struct hostile *x)
{
    ULONG n = rng(&x->seed) % 100;
    for (volatile ULONG i = 0; i < n; i++)
        YieldProcessor();
    if (n < 8)
        SwitchToThread();
}

static void spin(struct hostile *x)
{
    for (volatile ULONG i = rng(&x->seed) % 16; i; i--)
        YieldProcessor();
}

static uint32_t hostile32(struct hostile *x, uint32_t old)
{
    static const uint32_t fixed[] = { 0, 1, 0xffffffffu, 0x7fffffffu, 0x80000000u, 0x100000u, 0x1000u,
                                      MQ_KIND_WRAP, MQ_KIND_MSG, MQ_KIND_MSG_STREAMED };
    ULONG r = rng(&x->seed);
    switch (r % 4) {
    case 0: return old * 2 + 16;
    case 1: return old + 4096;
    case 2: return old ^ (1u << (r / 4 % 32));
    default: return fixed[r / 4 % (sizeof(fixed) / sizeof(fixed[0]))];
    }
}

static uint64_t hostile64(struct hostile *x, uint64_t old)
{
    ULONG r = rng(&x->seed);
    switch (r % 6) {
    case 0: return ~0ull;
    case 1: return old * 16 + 16;
    case 2: return old + 0x10000;
    case 3: return old ^ (1ull << (r / 8 % 64));
    case 4: return (old & ~0xffffffffull) | (rng(&x->seed) << 4); /* a wild ring offset */
    default: return old + (5ull << 32);                          /* a wild count */
    }
}

/* Stores `to` in the 4- or 8-byte field at `at` if it holds `from`. */
static BOOL swap_if(void *at, BOOL wide, uint64_t to, uint64_t from)
{
    if (wide)
        return InterlockedCompareExchange64(at, (LONGLONG)to, (LONGLONG)from) == (LONGLONG)from;
    return InterlockedCompareExchange(at, (LONG)(uint32_t)to, (LONG)(uint32_t)from) == (LONG)(uint32_t)from;
}

/* Flips a field to a hostile value and back, unless the victim stored a
 * value of its own meanwhile; one time in 64 the damage stays. */
static void flip(struct hostile *x, void *at, BOOL wide)
{
    uint64_t old = wide ? (uint64_t)*(volatile LONGLONG *)at : (uint32_t)*(volatile LONG *)at;
    uint64_t bad = wide ? hostile64(x, old) : hostile32(x, (uint32_t)old);
    if (!swap_if(at, wide, bad, old))
        return;
    x->pending++;
    x->pending_stores++;
    if (rng(&x->seed) % 64 == 0)
        return;
    hold(x);
    /* Then, often, a fast oscillation: the victim's check and its use of
     * a field are nanoseconds apart. */
    for (ULONG n = rng(&x->seed) % 2 ? rng(&x->seed) % 256 : 0; n; n--) {
        if (!swap_if(at, wide, old, bad))
            return;
        spin(x);
        if (!swap_if(at, wide, bad, old))
            return;
        if (x->revive)
            InterlockedExchange((volatile LONG *)&x->h->state, 0);
        spin(x);
        x->pending_stores += 2;
    }
    swap_if(at, wide, old, bad);
}

static void flip32(struct hostile *x, void *at) { flip(x, at, FALSE); }
static void flip64(struct hostile *x, void *at) { flip(x, at, TRUE); }

static void drop_chunk(struct hostile *x)
{
    if (x->chunk)
        UnmapViewOfFile(x->chunk);
    if (x->chunk_mapping)
        CloseHandle(x->chunk_mapping);
    x->chunk = NULL;
    x->chunk_mapping = NULL;
    x->chunk_uid = 0;
}

static void drop_queue(struct hostile *x)
{
    drop_chunk(x);
    if (x->h)
        fault_unmap_queue(x->h, x->mapping);
    x->h = NULL;
}

/* The chunk of slot s (its header, then slot_size bytes), or NULL. */
static BYTE *chunk_of(struct hostile *x, uint32_t s)
{
    uint64_t uid = x->h->slot_uid[s % x->nslots];
    if (!uid || uid == x->chunk_uid)
        return uid ? x->chunk : NULL;
    drop_chunk(x);
    WCHAR name[200];
    _snwprintf(name, 200, L"Local\\" CESHIM_LAYOUT_TAG L"qn.%ls.c%llx", x->name, (unsigned long long)uid);
    name[199] = 0;
    x->chunk_mapping = OpenFileMappingW(FILE_MAP_ALL_ACCESS, FALSE, name);
    x->chunk = x->chunk_mapping ? MapViewOfFile(x->chunk_mapping, FILE_MAP_ALL_ACCESS, 0, 0, 0) : NULL;
    if (x->chunk) {
        MEMORY_BASIC_INFORMATION mbi;
        if (!VirtualQuery(x->chunk, &mbi, sizeof(mbi)) || mbi.RegionSize < MQ_CHUNK_HEADER + (SIZE_T)x->slot_size)
            drop_chunk(x);
    }
    x->chunk_uid = x->chunk ? uid : 0;
    return x->chunk;
}

/* A record the victim is about to read or has just written: at the head,
 * at the tail, or anywhere (16-aligned). */
static BYTE *some_record(struct hostile *x)
{
    uint64_t off;
    ULONG r = rng(&x->seed);
    if (r % 3 == 0)
        off = (uint32_t)x->h->rstate;
    else if (r % 3 == 1)
        off = (uint32_t)x->h->wstate;
    else
        off = (rng(&x->seed) * 16ull) % x->capacity;
    off = off % x->capacity / 16 * 16;
    if (!x->chunked)
        return (BYTE *)x->h + MQ_HEADER_SIZE + (x->cbmax + 4095u) / 4096u * 4096u + off;
    BYTE *c = chunk_of(x, (uint32_t)(off / x->slot_size));
    return c ? c + MQ_CHUNK_HEADER + off % x->slot_size : NULL;
}

static void flicker_once(struct hostile *x)
{
    static const uint16_t fields32[] = {
        offsetof(struct mq_header, magic),        offsetof(struct mq_header, version),
        offsetof(struct mq_header, header_size),  offsetof(struct mq_header, flags),
        offsetof(struct mq_header, max_messages), offsetof(struct mq_header, cb_max_message),
        offsetof(struct mq_header, state),        offsetof(struct mq_header, proc_slots),
        offsetof(struct mq_header, alert_full),   offsetof(struct mq_header, alert_len),
        offsetof(struct mq_header, slot_size),    offsetof(struct mq_header, nslots),
        offsetof(struct mq_header, name_chars),   offsetof(struct mq_header, free_epoch),
    };
    static const uint16_t fields64[] = {
        offsetof(struct mq_header, capacity),  offsetof(struct mq_header, rstate),
        offsetof(struct mq_header, wstate),    offsetof(struct mq_header, spare_uid),
        offsetof(struct mq_header, next_uid),  offsetof(struct mq_header, creating_uid),
    };
    static const uint16_t geometry[] = {
        offsetof(struct mq_header, cb_max_message), offsetof(struct mq_header, slot_size),
        offsetof(struct mq_header, nslots),         offsetof(struct mq_header, alert_len),
    };
    BYTE *base = (BYTE *)x->h;
    ULONG r = rng(&x->seed) % 20;
    if (r >= 16) {
        /* What bounds copies and offsets, flickered, the queue revived all
         * along: the victim keeps trying while the value changes. */
        x->revive = TRUE;
        if (r == 16)
            flip64(x, &x->h->capacity);
        else if (r == 17)
            flip64(x, rng(&x->seed) % 2 ? &x->h->rstate : &x->h->wstate);
        else
            flip32(x, base + geometry[rng(&x->seed) % (sizeof(geometry) / sizeof(geometry[0]))]);
        x->revive = FALSE;
        InterlockedExchange((volatile LONG *)&x->h->state, 0);
    } else if (r < 5) {
        flip32(x, base + fields32[rng(&x->seed) % (sizeof(fields32) / sizeof(fields32[0]))]);
    } else if (r < 9) {
        flip64(x, base + fields64[rng(&x->seed) % (sizeof(fields64) / sizeof(fields64[0]))]);
    } else if (r < 10) {
        if (rng(&x->seed) % 2)
            flip64(x, &x->h->slot_uid[rng(&x->seed) % x->nslots]);
        else
            flip32(x, &x->h->procs[rng(&x->seed) % 4].pid); /* the victim's own record, often */
    } else if (r < 11) {
        /* Brings a queue marked corrupt back to life (hostile too): the
         * victim goes on working through damage. */
        InterlockedExchange((volatile LONG *)&x->h->state, 0);
    } else if (r < 15) {
        BYTE *rec = some_record(x);
        if (rec)
            flip32(x, rec + 4 * (rng(&x->seed) % 4));
    } else if (x->chunked) {
        BYTE *c = chunk_of(x, rng(&x->seed));
        static const uint16_t chunk_fields[] = { 0, 4, 8, 16, 64, 72, 80, 88 }; /* magic..keepers */
        if (c) {
            flip32(x, c + chunk_fields[rng(&x->seed) % 8]);
            InterlockedIncrement(x->chunk_changes);
        }
    }
}

/* argv: the control mapping's name. Flickers whatever queue the control
 * names until told to stop. */
CETEST_CHILD(flicker_hostile)
{
    REQUIRE(argc == 1);
    WCHAR ctl_name[128];
    MultiByteToWideChar(CP_UTF8, 0, argv[0], -1, ctl_name, 128);
    HANDLE ctl_mapping;
    struct flicker_ctl *ctl = ctl_map(ctl_name, FALSE, &ctl_mapping);
    REQUIRE(ctl != NULL);
    struct hostile x;
    memset(&x, 0, sizeof(x));
    x.seed = GetCurrentProcessId();
    x.chunk_changes = &ctl->chunk_changes;
    LONG seen = 0;
    ULONGLONG start = cetest_now_ms();
    while (!ctl->stop && cetest_now_ms() - start < 30u * 60u * 1000u) {
        LONG gen = ctl->gen;
        if (gen != seen) {
            drop_queue(&x);
            memcpy(x.name, (const void *)ctl->name, sizeof(x.name));
            x.h = fault_map_queue(x.name, &x.mapping, &x.size);
            seen = gen;
            if (x.h) {
                /* The geometry the queue was created with (the victim has
                 * not published the name before its queue was whole). */
                x.cbmax = x.h->cb_max_message;
                x.capacity = x.h->capacity;
                x.slot_size = x.h->slot_size;
                x.nslots = x.h->nslots;
                x.chunked = (x.h->flags & MQ_FLAG_NOPRECOMMIT) != 0;
                if (!x.capacity || !x.nslots || x.nslots > MQ_MAX_SLOTS || !x.slot_size)
                    drop_queue(&x);
            }
        }
        if (!x.h) {
            Sleep(1);
            continue;
        }
        flicker_once(&x);
        if (x.pending >= 64) {
            InterlockedExchangeAdd(&ctl->changes, x.pending);
            InterlockedExchangeAdd(&ctl->stores, x.pending_stores);
            x.pending = x.pending_stores = 0;
        }
    }
    InterlockedExchangeAdd(&ctl->changes, x.pending);
    InterlockedExchangeAdd(&ctl->stores, x.pending_stores);
    drop_queue(&x);
}

/* ---- the victim -------------------------------------------------------------- */

static const struct {
    DWORD flags, max, cbmax;
} shapes[] = {
    { 0, 8, 64 },
    { 0, 24, VICTIM_CB_MAX },
    { MSGQUEUE_NOPRECOMMIT, 40, VICTIM_CB_MAX },
    { 0, 0, 2000 }, /* unbounded: chunks */
    { MSGQUEUE_ALLOW_BROKEN, 3, 100 },
    { 0, 1, 2000 }, /* a small ring: most writes are near its end */
};
#define SHAPES (sizeof(shapes) / sizeof(shapes[0]))

static BOOL clean_error(DWORD e)
{
    return e == ERROR_FILE_CORRUPT || e == ERROR_TIMEOUT || e == ERROR_INSUFFICIENT_BUFFER ||
           e == ERROR_PIPE_NOT_CONNECTED || e == ERROR_BUSY || e == ERROR_OUTOFMEMORY;
}

struct victim {
    ULONG seed;
    fault_guarded in, out; /* what writes copy from, what reads copy to */
    LONG ops, oks, errors;
};

/* One read or write, bounded, into or out of a guarded buffer. Returns
 * FALSE when the call failed (cleanly). */
static BOOL victim_call(struct victim *v, HANDLE r, HANDLE w, DWORD cbmax, const char *what)
{
    ULONG k = rng(&v->seed);
    DWORD timeout = k % 8 == 0 ? 2 : 0, n = 0xdeadbeef, flags = 0;
    ULONGLONG start = cetest_now_ms();
    BOOL ok;
    DWORD size;
    BYTE *buf;
    v->ops++;
    SetLastError(0xdeadbeef);
    if (k % 2) {
        /* Now and then more than cbMaxMessage (ERROR_INSUFFICIENT_BUFFER). */
        size = 1 + rng(&v->seed) % (k % 32 == 3 ? VICTIM_BIG : cbmax);
        buf = fault_guarded_at(&v->in, size);
        memset(buf, 'w', size);
        ok = WriteMsgQueue(w, buf, size, timeout, k % 16 == 1 ? MSGQUEUE_MSGALERT : 0);
    } else {
        size = 1 + rng(&v->seed) % (k % 16 == 4 ? VICTIM_BIG : cbmax + 16);
        buf = fault_guarded_at(&v->out, size);
        ok = ReadMsgQueue(r, buf, size, &n, timeout, &flags);
        if (ok)
            CHECK_MSG(n <= size, "%s: read gave %lu bytes for a %lu-byte buffer", what, n, size);
    }
    DWORD error = GetLastError();
    ULONGLONG took = cetest_now_ms() - start;
    CHECK_MSG(took < CALL_BOUND_MS, "%s: a %s took %llu ms", what, k % 2 ? "write" : "read", took);
    CHECK_MSG(fault_canary_ok(buf), "%s: bytes before the %s buffer were overwritten", what, k % 2 ? "write" : "read");
    if (ok) {
        v->oks++;
        return TRUE;
    }
    v->errors++;
    CHECK_MSG(clean_error(error), "%s: a %s failed with error %lu", what, k % 2 ? "write" : "read", error);
    return FALSE;
}

/* One queue's life: created, (published to the hostile process), used,
 * closed. */
static void victim_queue(struct victim *v, struct flicker_ctl *ctl, size_t shape, BOOL publish)
{
    WCHAR name[128];
    char what[64];
    cetest_unique_name(L"flicker", name, 128);
    snprintf(what, sizeof(what), "queue %ld shape %u", publish ? ctl->queues : -1L, (unsigned)shape);
    MSGQUEUEOPTIONS o = fault_options(shapes[shape].flags, shapes[shape].max, shapes[shape].cbmax, TRUE);
    HANDLE r = CreateMsgQueue(name, &o);
    o.bReadAccess = FALSE;
    HANDLE w = CreateMsgQueue(name, &o);
    if (!CHECK_MSG(r && w, "%s: create failed, error %lu", what, GetLastError()))
        return;
    if (publish) {
        memcpy((void *)ctl->name, name, sizeof(name));
        InterlockedIncrement(&ctl->gen);
    }
    int failing = 0;
    for (int i = 0; i < OPS_PER_QUEUE && failing < 400 && cetest_failures() < 20; i++)
        failing = victim_call(v, r, w, shapes[shape].cbmax, what) ? 0 : failing + 1;
    CHECK_MSG(CloseMsgQueue(r), "%s: close read end, error %lu", what, GetLastError());
    CHECK_MSG(CloseMsgQueue(w), "%s: close write end, error %lu", what, GetLastError());
}

/* argv: control mapping name, hostile stores to outlast, milliseconds. */
CETEST_CHILD(flicker_victim)
{
    REQUIRE(argc == 3);
    WCHAR ctl_name[128];
    MultiByteToWideChar(CP_UTF8, 0, argv[0], -1, ctl_name, 128);
    LONG target = atol(argv[1]);
    ULONGLONG ms = (ULONGLONG)atol(argv[2]);
    HANDLE ctl_mapping;
    struct flicker_ctl *ctl = ctl_map(ctl_name, FALSE, &ctl_mapping);
    REQUIRE(ctl != NULL);
    struct victim v;
    memset(&v, 0, sizeof(v));
    v.seed = 42;
    REQUIRE(fault_guarded_init(&v.in, VICTIM_BIG) && fault_guarded_init(&v.out, VICTIM_BIG));
    /* The undamaged baseline: every shape once, unseen by the hostile
     * process (whatever a first use allocates for good is then counted). */
    for (size_t s = 0; s < SHAPES; s++)
        victim_queue(&v, ctl, s, FALSE);
    ctl->handles_before = (LONG)fault_count_handles();
    ctl->views_before = (LONG)fault_count_views();
    ULONGLONG start = cetest_now_ms();
    for (size_t s = 0; (ctl->changes < target || s < SHAPES) && cetest_now_ms() - start < ms && cetest_failures() < 20;
         s++) {
        victim_queue(&v, ctl, s % SHAPES, TRUE);
        InterlockedIncrement(&ctl->queues);
        InterlockedExchangeAdd(&ctl->ops, v.ops);
        InterlockedExchangeAdd(&ctl->oks, v.oks);
        InterlockedExchangeAdd(&ctl->errors, v.errors);
        v.ops = v.oks = v.errors = 0;
    }
    ctl->handles_after = (LONG)fault_count_handles();
    ctl->views_after = (LONG)fault_count_views();
    CHECK_MSG(ctl->handles_after == ctl->handles_before, "handles: %ld before the damaged queues, %ld after",
              ctl->handles_before, ctl->handles_after);
    CHECK_MSG(ctl->views_after == ctl->views_before, "mapped views: %ld before the damaged queues, %ld after",
              ctl->views_before, ctl->views_after);
    fault_guarded_free(&v.in);
    fault_guarded_free(&v.out);
}

CETEST(mq_flicker, fields_changing_under_reads_and_writes_give_clean_errors)
{
    /* A few seconds here. `make torture` sets CESHIM_FLICKER_CHANGES
     * (10^6): victims are then started one after another, each crash, hang
     * or leak counted, until the hostile process has made that many
     * changes. */
    char env[32];
    LONG target = 0x7fffffff;
    DWORD ms = 2500;
    BOOL torture = GetEnvironmentVariableA("CESHIM_FLICKER_CHANGES", env, sizeof(env)) && atol(env) > 0;
    if (torture) {
        target = atol(env);
        ms = 60u * 60u * 1000u;
    }
    WCHAR ctl_name[128];
    char ctl8[256];
    cetest_unique_name(L"flicker-ctl", ctl_name, 128);
    WideCharToMultiByte(CP_UTF8, 0, ctl_name, -1, ctl8, 256, NULL, NULL);
    HANDLE ctl_mapping;
    struct flicker_ctl *ctl = ctl_map(ctl_name, TRUE, &ctl_mapping);
    REQUIRE(ctl != NULL);
    cetest_proc hostile;
    REQUIRE(cetest_spawn(&hostile, 0, "flicker_hostile", "%s", ctl8));
    ULONGLONG start = cetest_now_ms();
    LONG victims = 0, crashes = 0, hangs = 0, leaks = 0, failed = 0;
    do {
        cetest_proc victim;
        DWORD left = (DWORD)(ms - (cetest_now_ms() - start));
        if (!cetest_spawn(&victim, 0, "flicker_victim", "%s %ld %lu", ctl8, target, left))
            break;
        victims++;
        char messages[4096];
        DWORD code = cetest_collect(&victim, left + 120000, messages, sizeof(messages));
        if (code == CETEST_CHILD_PASSED)
            continue;
        if (code == WAIT_TIMEOUT)
            hangs++;
        else if (code == CETEST_CHILD_FAILED && strstr(messages, "before the damaged queues"))
            leaks++;
        else if (code == CETEST_CHILD_FAILED)
            failed++;
        else
            crashes++;
        CHECK_MSG(FALSE, "victim %ld %s (exit code 0x%lx); its failures:\n%s", victims,
                  code == WAIT_TIMEOUT ? "hung" : code == CETEST_CHILD_FAILED ? "failed" : "crashed", code,
                  messages[0] ? messages : "  (none logged)\n");
    } while (torture && ctl->changes < target && cetest_now_ms() - start < ms && victims - 1 < crashes + hangs + 200);
    ctl->stop = 1;
    cetest_wait(&hostile, 30000);
    double secs = (double)(cetest_now_ms() - start) / 1000.0;
    printf("flicker: %ld hostile changes (%ld stores) in %.1f s (%.0f changes/s) over %ld queues; %ld victims: %ld crashed, %ld hung, "
           "%ld leaked, %ld failed otherwise; %ld calls, %ld ok, %ld clean errors; last victim's handles %ld -> %ld, "
           "views %ld -> %ld\n",
           ctl->changes, ctl->stores, secs, secs > 0 ? ctl->changes / secs : 0.0, ctl->queues, victims, crashes, hangs, leaks,
           failed, ctl->ops, ctl->oks, ctl->errors, ctl->handles_before, ctl->handles_after, ctl->views_before,
           ctl->views_after);
    CHECK_MSG(ctl->queues > 0, "the victims used no damaged queue");
    CHECK_MSG(ctl->chunk_changes > 0, "no change reached a chunk's mapping (%ld)", ctl->chunk_changes);
    UnmapViewOfFile(ctl);
    CloseHandle(ctl_mapping);
}
