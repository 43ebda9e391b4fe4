/*
 * mq_unbounded.c - dwMaxMessages == 0: many and large messages, all kept in
 * order; plus producer/consumer runs through bounded and unbounded queues.
 */
#include "mq_test.h"

#include <stdlib.h>
#include <string.h>

/* Message i: its index in the first 4 bytes, then a pattern. */
static void make_message(BYTE *buf, DWORD size, DWORD i)
{
    mq_pattern(buf, size, i);
    if (size >= 4)
        memcpy(buf, &i, 4);
}

/* Writes n messages of `size` bytes with timeout 0, then reads them back. */
static void fill_and_drain(DWORD n, DWORD size, DWORD cb_max)
{
    HANDLE r, w;
    REQUIRE(MQ_PAIR(NULL, 0, 0, cb_max, &r, &w));
    BYTE *msg = malloc(size), *got = malloc(size + 16);
    REQUIRE(msg && got);
    DWORD i;
    for (i = 0; i < n; i++) {
        make_message(msg, size, i);
        t_msg_result res = t_write_msg(w, msg, size, 0, 0);
        if (!CHECK_MSG(res.ok, "write %lu of %lu (%lu bytes): last error %lu", i, n, size, res.err))
            break;
    }
    DWORD written = i;
    MSGQUEUEINFO info;
    DWORD err;
    if (CHECK(mq_info(r, &info, &err))) {
        CHECK_EQ(info.dwCurrentMessages, written);
        CHECK_EQ(info.dwMaxQueueMessages, written);
        CHECK_EQ(info.dwMaxMessages, 0);
        CHECK_EQ(info.dwFlags, MSGQUEUE_NOPRECOMMIT);
    }
    CHECK_EQ(WaitForSingleObject(w, 0), WAIT_OBJECT_0);
    DWORD bad = 0;
    for (i = 0; i < written; i++) {
        t_msg_result res = t_read_msg(r, got, size + 16, 0);
        if (!CHECK_MSG(res.ok, "read %lu of %lu: last error %lu", i, written, res.err))
            break;
        make_message(msg, size, i);
        if (res.bytes != size || res.flags != 0 || memcmp(got, msg, size) != 0) {
            if (bad++ < 5) {
                DWORD index = 0xffffffff;
                if (res.bytes >= 4)
                    memcpy(&index, got, 4);
                CHECK_MSG(0, "message %lu: %lu bytes (expected %lu), flags %lu, index field %lu",
                          i, res.bytes, size, res.flags, index);
            }
        }
    }
    CHECK_MSG(bad == 0, "%lu of %lu messages wrong", bad, written);
    MQ_EXPECT_EMPTY(r);
    CHECK_EQ(WaitForSingleObject(r, 0), WAIT_TIMEOUT);
    if (CHECK(mq_info(r, &info, &err))) {
        CHECK_EQ(info.dwCurrentMessages, 0);
        CHECK_EQ(info.dwMaxQueueMessages, written);
    }
    free(msg);
    free(got);
    MQ_CLOSE(w);
    MQ_CLOSE(r);
}

CETEST(mq_unbounded, ten_thousand_messages_of_100_bytes)
{
    fill_and_drain(10000, 100, 100);
}

CETEST(mq_unbounded, hundred_thousand_messages_of_16_bytes)
{
    fill_and_drain(100000, 16, 16);
}

CETEST(mq_unbounded, ten_messages_of_1MiB)
{
    fill_and_drain(10, 0x100000, 0x100000);
}

CETEST(mq_unbounded, mixed_sizes_keep_their_lengths)
{
    HANDLE r, w;
    WCHAR name[MQ_NAME_CHARS];
    REQUIRE(MQ_PAIR(cetest_unique_name(L"mq", name, MQ_NAME_CHARS), MSGQUEUE_NOPRECOMMIT, 0, 4096, &r, &w));
    static BYTE msg[4096], got[4096];
    enum { N = 500 };
    for (DWORD i = 0; i < N; i++) {
        DWORD size = 1 + (i * 37) % 4096;
        make_message(msg, size, i);
        t_msg_result res = t_write_msg(w, msg, size, 0, (i % 50 == 7) ? MSGQUEUE_MSGALERT : 0);
        if (!CHECK_MSG(res.ok, "write %lu: last error %lu", i, res.err))
            break;
    }
    /* i = 7 is the one alert (the slot was free); later "alerts" are normal
     * messages in FIFO order that keep their flag. */
    t_msg_result res = t_read_msg(r, got, sizeof(got), 0);
    CHECK(res.ok);
    CHECK_EQ(res.flags, MSGQUEUE_MSGALERT);
    CHECK_EQ(res.bytes, 1 + (7 * 37) % 4096);
    DWORD bad = 0;
    for (DWORD i = 0; i < N; i++) {
        if (i == 7)
            continue;
        DWORD size = 1 + (i * 37) % 4096;
        make_message(msg, size, i);
        res = t_read_msg(r, got, sizeof(got), 0);
        if (!CHECK_MSG(res.ok, "read of message %lu: last error %lu", i, res.err))
            break;
        DWORD want_flags = (i % 50 == 7) ? MSGQUEUE_MSGALERT : 0;
        if ((res.bytes != size || res.flags != want_flags || memcmp(got, msg, size) != 0) && bad++ < 5)
            CHECK_MSG(0, "message %lu: %lu bytes (expected %lu), flags %lu (expected %lu)", i, res.bytes,
                      size, res.flags, want_flags);
    }
    CHECK_EQ(bad, 0);
    MQ_EXPECT_EMPTY(r);
    MQ_CLOSE(w);
    MQ_CLOSE(r);
}

/* ---- producer / consumer ------------------------------------------------------ */

typedef struct producer {
    HANDLE w;
    DWORD count;
    DWORD size;
    DWORD sent;
    DWORD error;
} producer;

static DWORD WINAPI produce(void *arg)
{
    producer *p = arg;
    BYTE msg[256];
    for (p->sent = 0; p->sent < p->count; p->sent++) {
        make_message(msg, p->size, p->sent);
        SetLastError(0xdeadbeef);
        if (!WriteMsgQueue(p->w, msg, p->size, 5000, 0)) {
            p->error = GetLastError();
            break;
        }
    }
    return 0;
}

static void producer_consumer(DWORD max, DWORD count)
{
    HANDLE r, w;
    REQUIRE(MQ_PAIR(NULL, 0, max, 64, &r, &w));
    producer p = { w, count, 48, 0, 0 };
    HANDLE t = CreateThread(NULL, 0, produce, &p, 0, NULL);
    REQUIRE(t != NULL);
    BYTE got[64], want[64];
    DWORD i, bad = 0;
    for (i = 0; i < count; i++) {
        t_msg_result res = t_read_msg(r, got, sizeof(got), 5000);
        if (!CHECK_MSG(res.ok, "read %lu: last error %lu after %llu ms", i, res.err, res.ms))
            break;
        make_message(want, 48, i);
        if ((res.bytes != 48 || memcmp(got, want, 48) != 0) && bad++ < 5) {
            DWORD index;
            memcpy(&index, got, 4);
            CHECK_MSG(0, "message %lu has index %lu (%lu bytes)", i, index, res.bytes);
        }
    }
    CHECK_EQ(bad, 0);
    CHECK_EQ(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
    CHECK_EQ(p.sent, count);
    CHECK_EQ(p.error, 0);
    MQ_EXPECT_EMPTY(r);
    MSGQUEUEINFO info;
    DWORD err;
    if (max && CHECK(mq_info(r, &info, &err)))
        CHECK_MSG(info.dwMaxQueueMessages <= max, "high-water %lu > max %lu", info.dwMaxQueueMessages, max);
    CloseHandle(t);
    MQ_CLOSE(w);
    MQ_CLOSE(r);
}

CETEST(mq_unbounded, producer_consumer_unbounded)
{
    producer_consumer(0, 20000);
}

CETEST(mq_unbounded, producer_consumer_bounded_by_4)
{
    producer_consumer(4, 5000);
}

CETEST(mq_unbounded, producer_consumer_bounded_by_1)
{
    producer_consumer(1, 2000);
}

/* ---- two writer processes on one unbounded queue ------------------------------ */

#define LAP_MSG 60000u
#define LAP_CHILD_FLAG 0x80000000u

/* Writes LAP_MSG-byte messages with timeout 0 until one fails: a full ring
 * says ERROR_OUTOFMEMORY. */
static DWORD write_until_full(HANDLE w, BYTE *msg, DWORD first, DWORD *err)
{
    DWORD n = 0;
    for (;; n++) {
        make_message(msg, LAP_MSG, first + n);
        t_msg_result res = t_write_msg(w, msg, LAP_MSG, 0, 0);
        if (!res.ok) {
            *err = res.err;
            return n;
        }
    }
}

CETEST_CHILD(lapping_writer)
{
    WCHAR name[MQ_NAME_CHARS];
    DWORD err;
    REQUIRE(argc == 1);
    cetest_from_utf8(argv[0], name, MQ_NAME_CHARS);
    HANDLE w = mq_create(name, MSGQUEUE_NOPRECOMMIT, 0, LAP_MSG, FALSE, &err);
    REQUIRE(w != NULL);
    CHECK_EQ(err, ERROR_ALREADY_EXISTS);
    BYTE *msg = malloc(LAP_MSG);
    REQUIRE(msg != NULL);
    DWORD n = write_until_full(w, msg, LAP_CHILD_FLAG, &err);
    CHECK_MSG(err == ERROR_OUTOFMEMORY, "the writer's %lu-th write failed with %lu", n + 1, err);
    free(msg);
    MQ_CLOSE(w);
}

/* The ring is full with its oldest message half way round (the tail right
 * behind it); a writer in another process, whose first write this is, finds
 * no room either, and overwrites nothing. */
CETEST(mq_unbounded, a_second_writer_process_never_writes_over_unread_messages)
{
    WCHAR name[MQ_NAME_CHARS];
    char name8[MQ_NAME_CHARS * 3];
    cetest_unique_name(L"mq-lap", name, MQ_NAME_CHARS);
    cetest_to_utf8(name, name8, sizeof(name8));
    HANDLE r, w;
    REQUIRE(MQ_PAIR(name, 0, 0, LAP_MSG, &r, &w));
    BYTE *msg = malloc(LAP_MSG), *got = malloc(LAP_MSG + 16);
    REQUIRE(msg && got);
    DWORD err = 0, next_read = 0;
    DWORD written = write_until_full(w, msg, 0, &err);
    CHECK_EQ(err, ERROR_OUTOFMEMORY);
    REQUIRE(written >= 8);
    for (; next_read < written / 2; next_read++) {
        t_msg_result res = t_read_msg(r, got, LAP_MSG + 16, 0);
        REQUIRE(res.ok && res.bytes == LAP_MSG);
    }
    written += write_until_full(w, msg, written, &err);
    CHECK_EQ(err, ERROR_OUTOFMEMORY);

    cetest_proc child;
    REQUIRE(cetest_spawn(&child, 0, "lapping_writer", "%s", name8));
    cetest_wait(&child, CHILD_BOUND);

    /* Every message the parent wrote, intact and in order, then whatever
     * the child could write. */
    DWORD bad = 0, child_next = LAP_CHILD_FLAG;
    for (;;) {
        t_msg_result res = t_read_msg(r, got, LAP_MSG + 16, 0);
        if (!res.ok) {
            CHECK_MSG(res.err == ERROR_TIMEOUT, "read after %lu messages: error %lu", next_read, res.err);
            break;
        }
        DWORD expect = next_read < written ? next_read : child_next;
        make_message(msg, LAP_MSG, expect);
        if (res.bytes != LAP_MSG || memcmp(got, msg, LAP_MSG) != 0) {
            DWORD index = 0xffffffff;
            memcpy(&index, got, res.bytes >= 4 ? 4 : 0);
            if (bad++ < 5)
                CHECK_MSG(0, "message %lu: %lu bytes, index 0x%lx (expected 0x%lx)", next_read, res.bytes, index,
                          expect);
        }
        if (next_read < written)
            next_read++;
        else
            child_next++;
    }
    CHECK_MSG(next_read == written, "%lu of the parent's %lu messages read", next_read, written);
    CHECK_EQ(bad, 0);
    free(msg);
    free(got);
    MQ_CLOSE(w);
    MQ_CLOSE(r);
}
