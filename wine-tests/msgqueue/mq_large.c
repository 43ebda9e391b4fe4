/*
 * mq_large.c - large messages between processes, every byte checked.
 *
 * Messages of 64 KiB and more are copied in with plain or streaming stores,
 * whichever the writer's timings favour, and the record says which (see
 * shim/common/bulk_copy.h); a writer's first large copy is plain and its
 * second streams, so every run here carries both kinds. The sizes straddle
 * the 64 KiB threshold and the 16- and 64-byte boundaries the streaming
 * copy splits at; the reader's buffers are misaligned on purpose.
 */
#include "mq_test.h"

#include <stdlib.h>
#include <string.h>

#define LARGE_COUNT 24
#define LARGE_MAX 0x100000u

static DWORD large_size(DWORD i)
{
    static const DWORD sizes[] = { 65535, 65536, 65537, 65551, 65599, 100003, 262149, 0x100000,
                                   0xFFFFF, 0xFFFF0 + 1, 0x80000 - 13, 0x100000 - 64 };
    return sizes[i % (sizeof(sizes) / sizeof(sizes[0]))];
}

/* Message i: its index in the first 4 bytes, then a pattern. */
static void large_message(BYTE *buf, DWORD i)
{
    mq_pattern(buf, large_size(i), i + 1000);
    memcpy(buf, &i, 4);
}

CETEST_CHILD(large_writer)
{
    WCHAR name[MQ_NAME_CHARS];
    DWORD err;
    REQUIRE(argc == 2);
    cetest_from_utf8(argv[0], name, MQ_NAME_CHARS);
    HANDLE w = mq_create(name, 0, 0, LARGE_MAX, FALSE, &err);
    REQUIRE(w != NULL);
    CHECK_EQ(err, ERROR_ALREADY_EXISTS);
    BYTE *msg = malloc(LARGE_MAX);
    REQUIRE(msg != NULL);
    for (DWORD i = 0; i < LARGE_COUNT; i++) {
        large_message(msg, i);
        t_msg_result res = t_write_msg(w, msg, large_size(i), 10000, 0);
        if (!CHECK_MSG(res.ok, "write %lu (%lu bytes): last error %lu after %llu ms", i, large_size(i), res.err,
                       res.ms))
            break;
    }
    free(msg);
    MQ_CLOSE(w);
}

/* The child writes LARGE_COUNT messages into a queue of max_messages (0:
 * unbounded, in chunks) while this process reads them, waiting. */
static void large_messages_cross_process(DWORD max_messages)
{
    WCHAR name[MQ_NAME_CHARS];
    char name8[MQ_NAME_CHARS * 3];
    DWORD err;
    cetest_unique_name(L"mqlarge", name, MQ_NAME_CHARS);
    cetest_to_utf8(name, name8, sizeof(name8));
    /* ALLOW_BROKEN: what the child wrote stays readable after it exits. */
    HANDLE r = mq_create(name, MSGQUEUE_ALLOW_BROKEN, max_messages, LARGE_MAX, TRUE, &err);
    REQUIRE(r != NULL);
    CHECK_EQ(err, ERROR_SUCCESS);
    cetest_proc child;
    REQUIRE(cetest_spawn(&child, 0, "large_writer", "%s x", name8));
    BYTE *want = malloc(LARGE_MAX), *space = malloc(LARGE_MAX + 64);
    REQUIRE(want && space);
    DWORD bad = 0;
    for (DWORD i = 0; i < LARGE_COUNT; i++) {
        DWORD size = large_size(i);
        BYTE *got = space + 1 + i % 17; /* never 16-byte aligned */
        /* Every fifth read is short by 1000 bytes: it truncates. */
        DWORD room = i % 5 == 4 ? size - 1000 : size + 16;
        memset(space, 0xEE, LARGE_MAX + 64);
        t_msg_result res = t_read_msg(r, got, room, 10000);
        if (!CHECK_MSG(res.ok, "read %lu: last error %lu after %llu ms", i, res.err, res.ms))
            break;
        large_message(want, i);
        DWORD expect = room < size ? room : size;
        CHECK_EQ(res.err, room < size ? ERROR_INSUFFICIENT_BUFFER : 0);
        int same = res.bytes == expect && memcmp(got, want, expect) == 0;
        /* Nothing written around the bytes read. */
        for (BYTE *p = space; same && p < got; p++)
            same = *p == 0xEE;
        for (BYTE *p = got + expect; same && p < space + LARGE_MAX + 64; p++)
            same = *p == 0xEE;
        if (!same && bad++ < 5) {
            DWORD index = 0xffffffff, at = 0;
            memcpy(&index, got, 4);
            while (at < expect && got[at] == want[at])
                at++;
            CHECK_MSG(0, "message %lu: %lu bytes (expected %lu of %lu), index field %lu, first difference at %lu",
                      i, res.bytes, expect, size, index, at);
        }
    }
    CHECK_MSG(bad == 0, "%lu of %d messages wrong", bad, LARGE_COUNT);
    CHECK_EQ(cetest_wait(&child, 30000), CETEST_CHILD_PASSED);
    MQ_EXPECT_EMPTY(r);
    free(want);
    free(space);
    MQ_CLOSE(r);
}

CETEST(mq_large, child_writes_large_messages_bounded_queue)
{
    large_messages_cross_process(3);
}

CETEST(mq_large, child_writes_large_messages_unbounded_queue)
{
    large_messages_cross_process(0);
}
