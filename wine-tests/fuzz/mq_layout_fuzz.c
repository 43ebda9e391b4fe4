/*
 * mq_layout_fuzz.c - libFuzzer target for the queue layout (built natively
 * on Linux: shim/msgqueue/mq_layout.c has no Windows dependency).
 *
 * The input is a queue's shared memory as a hostile process left it: the
 * mapping is exactly as large as the input says, allocated on its own so
 * AddressSanitizer catches any access outside it. Every operation must
 * stay inside the mapping and the caller's buffers, and terminate.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "msgqueue/mq_layout.h"

static uint8_t source[MQ_MAX_NODE_SIZE]; /* what writers copy from */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 8)
        return 0;
    /* First 4 bytes: mapping size beyond the header (up to 1 MiB); next 4:
     * the reader's buffer size and write lengths; the rest: the mapping. */
    uint32_t extra, knobs;
    memcpy(&extra, data, 4);
    memcpy(&knobs, data + 4, 4);
    data += 8;
    size -= 8;
    uint64_t mapping_size = MQ_HEADER_SIZE + (extra % (1u << 20));
    uint8_t *mapping = malloc(mapping_size);
    if (!mapping)
        return 0;
    memset(mapping, 0, mapping_size);
    memcpy(mapping, data, size < mapping_size ? size : mapping_size);
    struct mq_header *h = (struct mq_header *)mapping;

    uint32_t buf_size = 1 + (knobs & 0xffff);
    uint8_t *buf = malloc(buf_size);
    uint32_t write_len = 1 + ((knobs >> 16) % 4096);

    (void)mq_header_valid(h, mapping_size);
    (void)mq_state_valid(h, mapping_size);
    (void)mq_has_message(h);
    (void)mq_total_readers(h);
    (void)mq_total_writers(h);
    /* The callers' caches of the other side's state: garbage too, half
     * the time (a stale or bogus cache must never lead outside the ring). */
    uint64_t writer_seen = 0, reader_seen = 0;
    if (knobs & 2)
        memcpy(&writer_seen, data + (size > 16 ? 8 : 0), size >= 16 ? 8 : 0);
    uint64_t *wpeer = (knobs & 4) ? &writer_seen : NULL, *rpeer = (knobs & 8) ? &reader_seen : NULL;
    for (int i = 0; i < 4 && buf; i++) {
        uint32_t len, flags, writer;
        enum mq_result r = mq_read(h, mapping_size, buf, buf_size, &len, &flags, &writer, wpeer);
        if ((r == MQ_OK || r == MQ_TRUNCATED) && len > buf_size)
            abort(); /* copied more than the buffer holds */
        if (r == MQ_CORRUPT || r == MQ_EMPTY)
            break;
    }
    uint64_t end;
    if (mq_write_plan(h, mapping_size, write_len, (int)(knobs & 1), &end, rpeer) == MQ_OK &&
        end > h->capacity)
        abort(); /* a write would need memory beyond the ring */
    (void)mq_write(h, mapping_size, source, write_len, 0, 42, (int)(knobs & 1), rpeer);
    (void)mq_repair(h, mapping_size);
    (void)mq_has_room(h);
    mq_proc_add(h, 1234, 5678, 1, 1);
    mq_proc_add(h, 1234, 5678, 1, -1);
    free(buf);
    free(mapping);
    return 0;
}
