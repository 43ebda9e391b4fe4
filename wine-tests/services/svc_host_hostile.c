/*
 * svc_host_hostile.c - a client that speaks the services protocol by hand
 * (svc_proto.h) and lies: impossible lengths, unknown operations,
 * unterminated strings, handle ids it does not own, slots whose header
 * lies, garbage connect messages. Every request gets a reply with ok == 0
 * and a sensible error, every lying slot is refused, and afterwards the
 * host still serves ordinary clients.
 */
#include "svc_host_util.h"

#include <pkfuncs.h>

#include "devmgr/dm_proto.h"

#define RAW_SERIAL_BASE 0x70000000u /* far from the ceshim client's own serials (1, 2, ...) */
#define RAW_SLOT_BYTES (64u * 1024u)
#define REPLY_BOUND_MS 5000
#define OPENS_MAX 4096 /* the host's open table (svc_opens.c) */

struct raw_slot {
    HANDLE mapping, req, rep;
    struct svc_slot *slot;
    uint8_t *data;
    uint32_t data_bytes; /* what the host sees: the view's size less the header */
    uint32_t serial, seq;
};

enum raw_flaw { RAW_GOOD, RAW_BAD_MAGIC, RAW_BAD_VERSION, RAW_OTHER_PID, RAW_OTHER_TID, RAW_TINY, RAW_NO_MAPPING,
                RAW_NO_REP_EVENT };

/* A call slot of this thread, as the client would make it, but with one
 * flaw. other_pid: a real process that is not us. */
static BOOL raw_slot_make(struct raw_slot *r, uint32_t serial, enum raw_flaw flaw, DWORD other_pid)
{
    DWORD pid = GetCurrentProcessId(), tid = GetCurrentThreadId();
    DWORD bytes = flaw == RAW_TINY ? 4096 : RAW_SLOT_BYTES;
    WCHAR name[SVC_OBJECT_NAME_MAX];
    memset(r, 0, sizeof(*r));
    r->serial = serial;
    if (flaw != RAW_NO_MAPPING) {
        svc_slot_name(name, SVC_OWN_BITS, pid, tid, serial, L"");
        r->mapping = CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, bytes, name);
        r->slot = r->mapping ? MapViewOfFile(r->mapping, FILE_MAP_ALL_ACCESS, 0, 0, 0) : NULL;
        if (!CHECK(r->slot != NULL))
            return FALSE;
        r->data = (uint8_t *)r->slot + SVC_SLOT_HEADER_BYTES;
        r->data_bytes = bytes - SVC_SLOT_HEADER_BYTES;
        r->slot->magic = flaw == RAW_BAD_MAGIC ? 0x12345678u : SVC_SLOT_MAGIC;
        r->slot->version = flaw == RAW_BAD_VERSION ? SVC_PROTO_VERSION + 98 : SVC_PROTO_VERSION;
        r->slot->client_pid = flaw == RAW_OTHER_PID ? other_pid : pid;
        r->slot->client_tid = flaw == RAW_OTHER_TID ? tid + 4 : tid;
        r->slot->data_bytes = flaw == RAW_TINY ? 1u << 30 : r->data_bytes; /* the tiny one lies here too */
    }
    svc_slot_name(name, SVC_OWN_BITS, pid, tid, serial, L".req");
    r->req = CreateEventW(NULL, FALSE, FALSE, name);
    if (flaw != RAW_NO_REP_EVENT) {
        svc_slot_name(name, SVC_OWN_BITS, pid, tid, serial, L".rep");
        r->rep = CreateEventW(NULL, FALSE, FALSE, name);
    }
    return CHECK(r->req != NULL && (flaw == RAW_NO_REP_EVENT || r->rep != NULL));
}

static void raw_slot_free(struct raw_slot *r)
{
    if (r->slot)
        UnmapViewOfFile(r->slot);
    if (r->mapping)
        CloseHandle(r->mapping);
    if (r->req)
        CloseHandle(r->req);
    if (r->rep)
        CloseHandle(r->rep);
    memset(r, 0, sizeof(*r));
}

static BOOL raw_attached(const struct raw_slot *r)
{
    return r->slot && ((volatile struct svc_slot *)r->slot)->attached != 0;
}

static BOOL raw_wait_attached(const struct raw_slot *r, DWORD ms)
{
    ULONGLONG start = cetest_now_ms();
    while (!raw_attached(r) && cetest_now_ms() - start < ms)
        Sleep(1);
    return raw_attached(r);
}

/* The write end of the host's connect queue. */
static HANDLE raw_queue(void)
{
    WCHAR name[SVC_OBJECT_NAME_MAX];
    svc_connect_queue_name(name, SVC_OWN_BITS);
    MSGQUEUEOPTIONS o = { sizeof(o), MSGQUEUE_ALLOW_BROKEN, 0, sizeof(struct svc_connect_msg), FALSE };
    HANDLE q = CreateMsgQueue(name, &o);
    CHECK_MSG(q != NULL, "CreateMsgQueue(%ls) failed, error %lu", name, GetLastError());
    return q;
}

static struct svc_connect_msg raw_msg(const struct raw_slot *r, uint64_t host_start)
{
    struct svc_connect_msg m = { SVC_CONNECT_MAGIC, GetCurrentProcessId(), GetCurrentThreadId(), r->serial,
                                 GetCurrentThreadId(), 0, host_start };
    return m;
}

static void raw_send(HANDLE q, const void *msg, DWORD bytes)
{
    CHECK_MSG(WriteMsgQueue(q, (LPVOID)msg, bytes, REPLY_BOUND_MS, 0), "WriteMsgQueue failed, error %lu",
              GetLastError());
}

/* A good slot, connected and served. */
static BOOL raw_connect(struct raw_slot *r, HANDLE q, uint32_t serial, uint64_t host_start)
{
    if (!raw_slot_make(r, serial, RAW_GOOD, 0))
        return FALSE;
    struct svc_connect_msg m = raw_msg(r, host_start);
    raw_send(q, &m, sizeof(m));
    return CHECK_MSG(raw_wait_attached(r, REPLY_BOUND_MS), "slot %lx not attached", serial);
}

/* Posts a request and waits (bounded) for its reply, as the client does. */
static struct svc_reply raw_call(struct raw_slot *r, const struct svc_request *rq)
{
    volatile struct svc_slot *s = r->slot;
    struct svc_reply rp;
    r->slot->req = *rq;
    uint32_t seq = ++r->seq;
    MemoryBarrier();
    s->req_seq = seq;
    MemoryBarrier();
    SetEvent(r->req); /* unconditionally: a spurious wake costs the worker one loop */
    ULONGLONG start = cetest_now_ms();
    while (s->done_seq != seq) {
        if (cetest_now_ms() - start > REPLY_BOUND_MS) {
            CHECK_MSG(FALSE, "no reply to op %u within %u ms", rq->op, REPLY_BOUND_MS);
            memset(&rp, 0xEE, sizeof(rp));
            return rp;
        }
        s->client_sleeping = 1;
        MemoryBarrier();
        if (s->done_seq != seq)
            WaitForSingleObject(r->rep, 20);
        s->client_sleeping = 0;
    }
    MemoryBarrier();
    memcpy(&rp, (const void *)&s->rep, sizeof(rp));
    return rp;
}

static struct svc_request rq_make(uint32_t op, uint32_t id, uint32_t gen, uint32_t code, uint32_t in_len,
                                  uint32_t out_len)
{
    struct svc_request rq;
    memset(&rq, 0, sizeof(rq));
    rq.op = op;
    rq.handle_id = id;
    rq.handle_gen = gen;
    rq.code = code;
    rq.in_len = in_len;
    rq.out_len = out_len;
    return rq;
}

#define EXPECT_REFUSED(r, rq, err) expect_refused((r), (rq), (err), #rq, __LINE__)
static void expect_refused(struct raw_slot *r, struct svc_request rq, DWORD error, const char *what, int line)
{
    struct svc_reply rp = raw_call(r, &rq);
    CHECK_MSG(rp.ok == 0 && rp.error == error, "line %d: %s (op %u id %u gen %u in %u out %u): ok %u error %u, "
              "expected ok 0 error %lu", line, what, rq.op, rq.handle_id, rq.handle_gen, rq.in_len, rq.out_len,
              rp.ok, rp.error, error);
}

/* Puts a wide string (with its NUL) at the start of the in area; its byte
 * length. */
static uint32_t put_wstr(struct raw_slot *r, uint32_t offset, const WCHAR *s)
{
    uint32_t bytes = (uint32_t)((wcslen(s) + 1) * sizeof(WCHAR));
    memcpy(r->data + offset, s, bytes);
    return bytes;
}

/* OPEN of L"TSA0:" through the raw slot: its id and generation. */
static BOOL raw_open(struct raw_slot *r, uint32_t *id, uint32_t *gen)
{
    struct svc_request rq = rq_make(SVC_OP_OPEN, 0, 0, 0, put_wstr(r, 0, L"TSA0:"), 0);
    rq.arg0 = GENERIC_READ | GENERIC_WRITE;
    struct svc_reply rp = raw_call(r, &rq);
    *id = rp.value;
    *gen = rp.value2;
    return CHECK_MSG(rp.ok == 1 && rp.value != 0 && rp.value2 != 0, "raw OPEN: ok %u error %u", rp.ok, rp.error);
}

/* Tells the worker to go (no reply comes). */
static void raw_goodbye(struct raw_slot *r)
{
    volatile struct svc_slot *s = r->slot;
    r->slot->req.op = SVC_OP_GOODBYE;
    MemoryBarrier();
    s->req_seq = ++r->seq;
    MemoryBarrier();
    SetEvent(r->req);
}

struct hostile {
    struct svc_test t;
    struct svc_host_block blk;
    HANDLE normal; /* an ordinary client's handle, from before the attack */
    HANDLE queue;
};

/* A host, an ordinary open of TSA0: and the connect queue. */
static BOOL hostile_begin(struct hostile *hs)
{
    svc_test_begin(&hs->t);
    CHECK(svc_test_config(&hs->t, L"TSA", L"tsa.dll", L"TSA", 0, ~0u, ~0u, ~0u));
    hs->normal = open_device(L"TSA0:");
    hs->queue = NULL;
    if (hs->normal == INVALID_HANDLE_VALUE || !CHECK(host_block_read(&hs->blk)))
        return FALSE;
    hs->queue = raw_queue();
    return hs->queue != NULL;
}

/* The same host still serves the old handle and a new one. */
static void hostile_end(struct hostile *hs)
{
    struct svc_host_block now;
    if (hs->normal != INVALID_HANDLE_VALUE) {
        CHECK(echo_works(hs->normal));
        HANDLE h = open_device(L"TSA0:");
        if (h != INVALID_HANDLE_VALUE) {
            CHECK(echo_works(h));
            CHECK(CloseHandle(h));
        }
        if (CHECK(host_block_read(&now)))
            CHECK_EQ(now.host_pid, hs->blk.host_pid);
        struct tsvc_stats s;
        if (CHECK(svc_test_stats(hs->normal, &s))) {
            CHECK_EQ(s.bad_contexts, 0); /* nothing bad reached the service */
            CHECK_EQ(s.psl_notifies, 0);
            CHECK_EQ(s.psl_bad, 0);
        }
        CloseHandle(hs->normal);
    }
    if (hs->queue)
        CloseMsgQueue(hs->queue);
    svc_test_end(&hs->t);
}

CETEST(services_host, hostile_requests_get_errors_and_the_host_survives)
{
    struct hostile hs;
    struct raw_slot r;
    uint32_t id = 0, gen = 0;
    if (hostile_begin(&hs) && raw_connect(&r, hs.queue, RAW_SERIAL_BASE + 1, hs.blk.host_start) &&
        raw_open(&r, &id, &gen)) {
        const uint32_t data = r.data_bytes;
        CHECK_EQ(data, RAW_SLOT_BYTES - SVC_SLOT_HEADER_BYTES);

        /* Lengths beyond the mapping, however they add up. */
        EXPECT_REFUSED(&r, rq_make(SVC_OP_IOCTL, id, gen, TSVC_ECHO, 0xFFFFFFFFu, 0), ERROR_INVALID_PARAMETER);
        EXPECT_REFUSED(&r, rq_make(SVC_OP_IOCTL, id, gen, TSVC_ECHO, 0, 0xFFFFFFFFu), ERROR_INVALID_PARAMETER);
        EXPECT_REFUSED(&r, rq_make(SVC_OP_IOCTL, id, gen, TSVC_ECHO, 0xFFFFFFFFu, 0xFFFFFFFFu),
                       ERROR_INVALID_PARAMETER);
        EXPECT_REFUSED(&r, rq_make(SVC_OP_IOCTL, id, gen, TSVC_ECHO, 0xFFFFFFF1u, 0x20), ERROR_INVALID_PARAMETER);
        EXPECT_REFUSED(&r, rq_make(SVC_OP_IOCTL, id, gen, TSVC_ECHO, data + 1, 0), ERROR_INVALID_PARAMETER);
        EXPECT_REFUSED(&r, rq_make(SVC_OP_IOCTL, id, gen, TSVC_ECHO, 1, data - 16 + 1), ERROR_INVALID_PARAMETER);
        EXPECT_REFUSED(&r, rq_make(SVC_OP_READ, id, gen, 0, 0, data + 1), ERROR_INVALID_PARAMETER);
        EXPECT_REFUSED(&r, rq_make(SVC_OP_WRITE, id, gen, 0, data + 1, 0), ERROR_INVALID_PARAMETER);
        /* ... while the exact fit works (the out area starts 16-aligned). */
        r.data[0] = 0x5A;
        struct svc_request fit = rq_make(SVC_OP_IOCTL, id, gen, TSVC_ECHO, 1, data - 16);
        struct svc_reply rp = raw_call(&r, &fit);
        CHECK(rp.ok == 1 && rp.value == 1 && r.data[16] == 0x5A);

        /* Unknown operations. */
        const uint32_t bad_ops[] = { 0, SVC_OP_MAX, 999, 0xFFFFFFFFu };
        for (size_t i = 0; i < ARRAYSIZE(bad_ops); i++)
            EXPECT_REFUSED(&r, rq_make(bad_ops[i], id, gen, TSVC_ECHO, 0, 0), ERROR_INVALID_PARAMETER);

        /* OPEN with bad device strings. */
        memcpy(r.data, L"TSA0:", 10); /* no NUL in the request */
        r.data[10] = r.data[11] = 0;  /* (one beyond it, outside in_len) */
        EXPECT_REFUSED(&r, rq_make(SVC_OP_OPEN, 0, 0, 0, 10, 0), ERROR_INVALID_PARAMETER);
        EXPECT_REFUSED(&r, rq_make(SVC_OP_OPEN, 0, 0, 0, 11, 0), ERROR_INVALID_PARAMETER);
        EXPECT_REFUSED(&r, rq_make(SVC_OP_OPEN, 0, 0, 0, 0, 0), ERROR_INVALID_PARAMETER);
        EXPECT_REFUSED(&r, rq_make(SVC_OP_OPEN, 0, 0, 0, 1, 0), ERROR_INVALID_PARAMETER);
        EXPECT_REFUSED(&r, rq_make(SVC_OP_OPEN, 0, 0, 0, put_wstr(&r, 0, L"TSA0"), 0), ERROR_INVALID_PARAMETER);
        EXPECT_REFUSED(&r, rq_make(SVC_OP_OPEN, 0, 0, 0, put_wstr(&r, 0, L"TSA0:X"), 0), ERROR_INVALID_PARAMETER);
        for (uint32_t i = 0; i < data / 2; i++)
            ((WCHAR *)r.data)[i] = L'A'; /* the whole area, never a NUL */
        EXPECT_REFUSED(&r, rq_make(SVC_OP_OPEN, 0, 0, 0, data, 0), ERROR_INVALID_PARAMETER);
        EXPECT_REFUSED(&r, rq_make(SVC_OP_ACTIVATE, 0, 0, 0, data, 0), ERROR_INVALID_PARAMETER);
        EXPECT_REFUSED(&r, rq_make(SVC_OP_OPEN, 0, 0, 0, put_wstr(&r, 0, L"TSZ9:"), 0), ERROR_DEV_NOT_EXIST);

        /* REGISTER with bad strings or index. */
        put_wstr(&r, 0, L"TSA");
        EXPECT_REFUSED(&r, rq_make(SVC_OP_REGISTER, 0, 0, 0, 7, 0), ERROR_INVALID_PARAMETER);
        for (uint32_t i = 4; i < 4 + 300; i++)
            ((WCHAR *)r.data)[i] = L'A'; /* a Dll string longer than MAX_PATH, never ended */
        EXPECT_REFUSED(&r, rq_make(SVC_OP_REGISTER, 0, 0, 0, 8 + 600, 0), ERROR_INVALID_PARAMETER);
        WCHAR tsa[MAX_PATH];
        svc_test_dll_path(L"tsa.dll", tsa);
        uint32_t reg_len = 8 + put_wstr(&r, 8, tsa);
        struct svc_request reg = rq_make(SVC_OP_REGISTER, 0, 0, 0, reg_len, 0);
        reg.arg0 = 10;
        EXPECT_REFUSED(&r, reg, ERROR_INVALID_PARAMETER);
        put_wstr(&r, 0, L"TS");
        reg.arg0 = 2;
        EXPECT_REFUSED(&r, reg, ERROR_INVALID_PARAMETER);

        /* Device manager: activation requests that lie about their sizes,
         * and handles that name no driver (a service is never one). */
        struct dm_activate_in head;
        memset(&head, 0, sizeof(head));
        head.key_chars = 0xFFFFFFFFu;
        memcpy(r.data, &head, sizeof(head));
        EXPECT_REFUSED(&r, rq_make(SVC_OP_DM_ACTIVATE, 0, 0, 0, sizeof(head), 0), ERROR_INVALID_PARAMETER);
        EXPECT_REFUSED(&r, rq_make(SVC_OP_DM_ACTIVATE, 0, 0, 0, sizeof(head) - 1, 0), ERROR_INVALID_PARAMETER);
        head.key_chars = 4; /* "Drv" and a NUL, but the NUL is not there */
        memcpy(r.data, &head, sizeof(head));
        memcpy(r.data + sizeof(head), L"DrvX", 8);
        EXPECT_REFUSED(&r, rq_make(SVC_OP_DM_ACTIVATE, 0, 0, 0, sizeof(head) + 8, 0), ERROR_INVALID_PARAMETER);
        EXPECT_REFUSED(&r, rq_make(SVC_OP_DM_ACTIVATE, 0, 0, 0, sizeof(head) + 6, 0), ERROR_INVALID_PARAMETER);
        memcpy(r.data + sizeof(head), L"Drv", 8);
        head.count = 1000; /* records that are not there */
        memcpy(r.data, &head, sizeof(head));
        EXPECT_REFUSED(&r, rq_make(SVC_OP_DM_ACTIVATE, 0, 0, 0, sizeof(head) + 8, 0), ERROR_INVALID_PARAMETER);
        struct dm_regini_rec rec = { 0xFFFFFFF0u, REG_DWORD, 4, 0 }; /* a name longer than the request */
        head.count = 1;
        memcpy(r.data, &head, sizeof(head));
        memcpy(r.data + sizeof(head) + 8, &rec, sizeof(rec));
        EXPECT_REFUSED(&r, rq_make(SVC_OP_DM_ACTIVATE, 0, 0, 0, sizeof(head) + 8 + sizeof(rec), 0),
                       ERROR_INVALID_PARAMETER);
        rec.name_chars = 2;
        rec.data_len = 0xFFFFFFF0u; /* data longer than the request */
        memcpy(r.data + sizeof(head) + 8, &rec, sizeof(rec));
        memcpy(r.data + sizeof(head) + 8 + sizeof(rec), L"V", 4);
        EXPECT_REFUSED(&r, rq_make(SVC_OP_DM_ACTIVATE, 0, 0, 0, sizeof(head) + 8 + sizeof(rec) + 4, 0),
                       ERROR_INVALID_PARAMETER);
        for (uint32_t i = 0; i < 4; i++) {
            const uint32_t dm_ids[] = { 0, 1, 300, 0xFFFFFFFFu };
            EXPECT_REFUSED(&r, rq_make(SVC_OP_DM_DEACTIVATE, dm_ids[i], 1, 0, 0, 0), ERROR_INVALID_HANDLE);
            EXPECT_REFUSED(&r, rq_make(SVC_OP_DM_DEACTIVATE, dm_ids[i], 0xFFFFFFFFu, 0, 0, 0), ERROR_INVALID_HANDLE);
        }
        struct svc_request list = rq_make(SVC_OP_DM_LIST, id, gen, 0, 0, sizeof(struct dm_device_rec));
        list.arg0 = DM_LIST_OPEN; /* our open is a service's, not a driver's */
        EXPECT_REFUSED(&r, list, ERROR_INVALID_HANDLE);
        list.arg0 = 77;
        EXPECT_REFUSED(&r, list, ERROR_INVALID_PARAMETER);

        /* Handles that are not ours, or do not exist. */
        const uint32_t on_open[] = { SVC_OP_IOCTL, SVC_OP_READ, SVC_OP_WRITE, SVC_OP_SEEK, SVC_OP_CLOSE,
                                     SVC_OP_DEREGISTER_OPEN };
        const uint32_t ids[] = { 0, OPENS_MAX + 1, 0xFFFFFFFFu, id, id, id };
        const uint32_t gens[] = { gen, gen, gen, 0, gen + 1, 0xFFFFFFFFu };
        for (size_t o = 0; o < ARRAYSIZE(on_open); o++)
            for (size_t i = 0; i < ARRAYSIZE(ids); i++)
                EXPECT_REFUSED(&r, rq_make(on_open[o], ids[i], gens[i], TSVC_ECHO, 0, 0), ERROR_INVALID_HANDLE);
        EXPECT_REFUSED(&r, rq_make(SVC_OP_SERVICE_IOCTL, 0, 0, TSVC_ECHO, 0, 0), ERROR_INVALID_PARAMETER);
        EXPECT_REFUSED(&r, rq_make(SVC_OP_SERVICE_IOCTL, 1, 0xFFFFFFFFu, TSVC_ECHO, 0, 0), ERROR_INVALID_PARAMETER);
        EXPECT_REFUSED(&r, rq_make(SVC_OP_SERVICE_IOCTL, 0xFFFFFFFFu, 1, TSVC_ECHO, 0, 0), ERROR_INVALID_PARAMETER);
        EXPECT_REFUSED(&r, rq_make(SVC_OP_DEREGISTER, 0, 0, 0, 0, 0), ERROR_INVALID_PARAMETER);
        EXPECT_REFUSED(&r, rq_make(SVC_OP_DEREGISTER, 0xFFFFFFFFu, 1, 0, 0, 0), ERROR_INVALID_PARAMETER);

        /* ENUM: a length that is not a whole number of entries. Too short
         * for one: ERROR_MORE_DATA with the count; otherwise whole entries
         * only, and nothing written past them. */
        const uint32_t entry = sizeof(struct svc_enum_entry);
        struct svc_request en = rq_make(SVC_OP_ENUM, 0, 0, 0, 0, entry - 1);
        rp = raw_call(&r, &en);
        CHECK(rp.ok == 0 && rp.error == ERROR_MORE_DATA && rp.value == 1 && rp.out_len == 0);
        memset(r.data, 0xCC, 2 * entry);
        en.out_len = 2 * entry - 1;
        rp = raw_call(&r, &en);
        CHECK(rp.ok == 1 && rp.value == 1 && rp.out_len == entry);
        BOOL untouched = TRUE;
        for (uint32_t i = entry; i < 2 * entry; i++)
            untouched = untouched && r.data[i] == 0xCC;
        CHECK_MSG(untouched, "ENUM wrote past its whole entries");

        /* IOCTL_PSL_NOTIFY is the host's alone, on an open or a service. */
        DEVICE_PSL_NOTIFY n = { sizeof(n), DLL_PROCESS_EXITING, (HANDLE)(ULONG_PTR)GetCurrentProcessId(),
                                (HANDLE)(ULONG_PTR)GetCurrentThreadId() };
        memcpy(r.data, &n, sizeof(n));
        EXPECT_REFUSED(&r, rq_make(SVC_OP_IOCTL, id, gen, IOCTL_PSL_NOTIFY, sizeof(n), 0), ERROR_ACCESS_DENIED);
        put_wstr(&r, 0, L"TSA");
        reg_len = 8 + put_wstr(&r, 8, tsa);
        reg.in_len = reg_len;
        reg.arg0 = 2;
        rp = raw_call(&r, &reg);
        if (CHECK_MSG(rp.ok == 1, "raw REGISTER TSA2: error %u", rp.error)) {
            uint32_t sid = rp.value, sgen = rp.value2;
            memcpy(r.data, &n, sizeof(n));
            EXPECT_REFUSED(&r, rq_make(SVC_OP_SERVICE_IOCTL, sid, sgen, IOCTL_PSL_NOTIFY, sizeof(n), 0),
                           ERROR_ACCESS_DENIED);
            struct svc_request dereg = rq_make(SVC_OP_DEREGISTER, sid, sgen, 0, 0, 0);
            rp = raw_call(&r, &dereg);
            CHECK(rp.ok == 1);
            EXPECT_REFUSED(&r, dereg, ERROR_INVALID_PARAMETER); /* twice */
        }

        /* Our own open still works; closing it twice does not. */
        struct svc_request close = rq_make(SVC_OP_CLOSE, id, gen, 0, 0, 0);
        rp = raw_call(&r, &close);
        CHECK(rp.ok == 1);
        EXPECT_REFUSED(&r, close, ERROR_INVALID_HANDLE);
        EXPECT_REFUSED(&r, rq_make(SVC_OP_IOCTL, id, gen, TSVC_ECHO, 0, 0), ERROR_INVALID_HANDLE);
        raw_goodbye(&r);
    }
    raw_slot_free(&r);
    hostile_end(&hs);
}

CETEST(services_host, slots_whose_header_lies_are_refused)
{
    struct hostile hs;
    struct raw_slot liars[7], good;
    const enum raw_flaw flaws[7] = { RAW_BAD_MAGIC, RAW_BAD_VERSION, RAW_OTHER_PID, RAW_OTHER_TID, RAW_TINY,
                                     RAW_NO_MAPPING, RAW_NO_REP_EVENT };
    const char *names[7] = { "wrong magic", "wrong version", "another process's pid", "another thread's tid",
                             "4 KiB mapping", "no mapping", "no reply event" };
    memset(liars, 0, sizeof(liars));
    memset(&good, 0, sizeof(good));
    if (hostile_begin(&hs)) {
        for (int i = 0; i < 7; i++) {
            if (raw_slot_make(&liars[i], RAW_SERIAL_BASE + 10 + i, flaws[i], hs.blk.host_pid)) {
                struct svc_connect_msg m = raw_msg(&liars[i], hs.blk.host_start);
                raw_send(hs.queue, &m, sizeof(m));
            }
        }
        /* The host reads its queue in order: once the good slot (sent
         * last) is served, every liar has been looked at. */
        if (raw_connect(&good, hs.queue, RAW_SERIAL_BASE + 20, hs.blk.host_start)) {
            for (int i = 0; i < 7; i++)
                CHECK_MSG(!raw_attached(&liars[i]), "slot with %s was served", names[i]);
            uint32_t id, gen;
            CHECK(raw_open(&good, &id, &gen));
            raw_goodbye(&good);
        }
    }
    for (int i = 0; i < 7; i++)
        raw_slot_free(&liars[i]);
    raw_slot_free(&good);
    hostile_end(&hs);
}

CETEST(services_host, garbage_connect_messages_are_ignored)
{
    struct hostile hs;
    struct raw_slot s[4], good;
    memset(s, 0, sizeof(s));
    memset(&good, 0, sizeof(good));
    if (hostile_begin(&hs)) {
        BOOL made = TRUE;
        for (int i = 0; i < 4; i++)
            made = made && raw_slot_make(&s[i], RAW_SERIAL_BASE + 30 + i, RAW_GOOD, 0);
        if (made) {
            struct svc_connect_msg m = raw_msg(&s[0], hs.blk.host_start);
            m.magic = ~SVC_CONNECT_MAGIC;
            raw_send(hs.queue, &m, sizeof(m));
            m = raw_msg(&s[1], hs.blk.host_start);
            raw_send(hs.queue, &m, 16); /* cut short */
            raw_send(hs.queue, &m, 1);
            m = raw_msg(&s[2], hs.blk.host_start + 1); /* for another host */
            raw_send(hs.queue, &m, sizeof(m));
            m = raw_msg(&s[3], hs.blk.host_start);
            m.client_pid = hs.blk.host_pid; /* names a slot that does not exist */
            raw_send(hs.queue, &m, sizeof(m));
            m.client_pid = 0;
            raw_send(hs.queue, &m, sizeof(m));
            memset(&m, 0xA5, sizeof(m));
            raw_send(hs.queue, &m, sizeof(m));
        }
        if (made && raw_connect(&good, hs.queue, RAW_SERIAL_BASE + 40, hs.blk.host_start)) {
            for (int i = 0; i < 4; i++)
                CHECK_MSG(!raw_attached(&s[i]), "slot %d served after a garbage message", i);
            /* The slots themselves were fine: a proper message serves one. */
            struct svc_connect_msg m = raw_msg(&s[0], hs.blk.host_start);
            raw_send(hs.queue, &m, sizeof(m));
            CHECK(raw_wait_attached(&s[0], REPLY_BOUND_MS));
            raw_goodbye(&s[0]);
            raw_goodbye(&good);
        }
    }
    for (int i = 0; i < 4; i++)
        raw_slot_free(&s[i]);
    raw_slot_free(&good);
    hostile_end(&hs);
}

/* argv: ready event, go event. Holds an open of TSA0: while the parent
 * attacks it through another process's slot; it must still work. */
CETEST_CHILD(host_handle_holder)
{
    REQUIRE(argc == 2);
    WCHAR ready[64], go[64];
    MultiByteToWideChar(CP_UTF8, 0, argv[0], -1, ready, 64);
    MultiByteToWideChar(CP_UTF8, 0, argv[1], -1, go, 64);
    HANDLE ready_event = OpenEventW(EVENT_MODIFY_STATE, FALSE, ready);
    HANDLE go_event = OpenEventW(SYNCHRONIZE, FALSE, go);
    REQUIRE(ready_event != NULL && go_event != NULL);
    HANDLE h = open_device(L"TSA0:");
    REQUIRE(h != INVALID_HANDLE_VALUE);
    CHECK(echo_works(h));
    SetEvent(ready_event);
    REQUIRE(WaitForSingleObject(go_event, 30000) == WAIT_OBJECT_0);
    CHECK(echo_works(h));
    CHECK(CloseHandle(h));
}

CETEST(services_host, another_process_handle_ids_are_refused)
{
    struct hostile hs;
    struct raw_slot r;
    memset(&r, 0, sizeof(r));
    uint32_t id1, gen1, id3, gen3;
    WCHAR ready[64], go[64];
    char ready8[128], go8[128];
    HANDLE ready_event = CreateEventW(NULL, TRUE, FALSE, cetest_unique_name(L"svc-ready", ready, 64));
    HANDLE go_event = CreateEventW(NULL, TRUE, FALSE, cetest_unique_name(L"svc-go", go, 64));
    WideCharToMultiByte(CP_UTF8, 0, ready, -1, ready8, 128, NULL, NULL);
    WideCharToMultiByte(CP_UTF8, 0, go, -1, go8, 128, NULL, NULL);
    cetest_proc child;
    if (hostile_begin(&hs) && raw_connect(&r, hs.queue, RAW_SERIAL_BASE + 50, hs.blk.host_start) &&
        raw_open(&r, &id1, &gen1) && cetest_spawn(&child, 0, "host_handle_holder", "%s %s", ready8, go8)) {
        CHECK_EQ(WaitForSingleObject(ready_event, 20000), WAIT_OBJECT_0);
        /* Generations count opens: the child's is the one between ours. */
        if (raw_open(&r, &id3, &gen3) && CHECK_EQ(gen3, gen1 + 2)) {
            const uint32_t ops[] = { SVC_OP_IOCTL, SVC_OP_READ, SVC_OP_WRITE, SVC_OP_SEEK, SVC_OP_CLOSE,
                                     SVC_OP_DEREGISTER_OPEN };
            for (uint32_t id = 1; id <= 64; id++)
                for (size_t o = 0; o < ARRAYSIZE(ops); o++)
                    EXPECT_REFUSED(&r, rq_make(ops[o], id, gen1 + 1, TSVC_ECHO, 0, 0), ERROR_INVALID_HANDLE);
        }
        struct tsvc_stats s;
        if (CHECK(svc_test_stats(hs.normal, &s))) {
            CHECK_EQ(s.opens, 4); /* ours, the raw two, the child's */
            CHECK_EQ(s.closes, 0);
        }
        SetEvent(go_event);
        cetest_wait(&child, 20000);
        raw_goodbye(&r);
    }
    raw_slot_free(&r);
    if (ready_event)
        CloseHandle(ready_event);
    if (go_event)
        CloseHandle(go_event);
    hostile_end(&hs);
}
