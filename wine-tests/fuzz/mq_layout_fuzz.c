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

/* Chunked mode: a real queue that commits on demand, driven by the input
 * (write and read lengths), with header fields overwritten by input bytes
 * between operations, and slots given memory from a small pool as asked. */
#define POOL 4
static uint8_t pool[POOL][MQ_SLOT_MIN_UNBOUNDED];

static void fuzz_chunked(const uint8_t *data, size_t size, uint32_t knobs)
{
    uint32_t cb = 1 + (knobs >> 20) % 3000, max = (knobs & 0x20) ? 0 : 1 + (knobs >> 6) % 64;
    uint64_t cap, mapping_size;
    uint32_t ss, n;
    if (!mq_geometry(MQ_FLAG_NOPRECOMMIT, max, cb, &cap, &mapping_size, &ss, &n) || ss > sizeof(pool[0]))
        return;
    uint8_t *mapping = calloc(1, mapping_size);
    struct mq_header *h = (struct mq_header *)mapping;
    mq_init(h, MQ_FLAG_NOPRECOMMIT, max, cb, cap, ss, n, 1, NULL, 0);
    struct mq_ring_mem mem;
    memset(&mem, 0, sizeof(mem));
    if (!mq_mem_attach(&mem, h, mapping_size) || !mem.chunked || mem.nslots != n || mem.slot_size != ss)
        abort(); /* a fresh queue must attach with its own geometry */
    uint32_t next = 0;
    uint8_t buf[3000];
    for (size_t i = 0; i + 2 < size; i += 3) {
        uint32_t op = data[i], arg = data[i + 1] | (uint32_t)data[i + 2] << 8, need = 0, len, flags, writer;
        enum mq_result r;
        if (op < 0x70) {
            r = mq_write(h, &mem, source, 1 + arg % cb, 0, 7, op < 4, NULL, &need);
        } else if (op < 0xe0) {
            r = mq_read(h, &mem, buf, 1 + arg % sizeof(buf), &len, &flags, &writer, NULL, &need);
            if ((r == MQ_OK || r == MQ_TRUNCATED) && len > sizeof(buf))
                abort();
        } else {
            /* Overwrite 2 bytes of the header's hot fields or slot table. */
            uint32_t at = (op & 1) ? 24 + arg % 232 : 3072 + arg % 1024;
            if (i + 4 < size)
                memcpy(mapping + at, data + i + 3, 2);
            r = mq_repair(h, &mem);
        }
        if (r == MQ_NEED_SLOT) {
            if (need >= n)
                abort(); /* asked for a slot the queue cannot have */
            mem.slot[need] = pool[next++ % POOL]; /* may alias: only the content is wrong */
            mem.uid[need] = h->slot_uid[need];
        }
        for (uint32_t s = 0; s < n; s++)
            (void)mq_slot_unused(h, &mem, s);
    }
    free(mapping);
}

/* Chunk buffers handed to slots as the operations ask (two per input). */
static uint8_t chunk[2][MQ_SLOT_MIN_UNBOUNDED];

/* After MQ_NEED_SLOT: the slot must be one the queue can have; gives it
 * the next chunk buffer, or returns 0 when none is left. */
static int give_slot(struct mq_ring_mem *mem, const struct mq_header *h, uint32_t need, int *given)
{
    if (need >= mem->nslots || !mem->chunked)
        abort(); /* asked for a slot the queue cannot have */
    if (*given == 2 || mem->slot_size > sizeof(chunk[0]))
        return 0;
    mem->slot[need] = chunk[(*given)++];
    mem->uid[need] = h->slot_uid[need];
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 8)
        return 0;
    uint32_t mode;
    memcpy(&mode, data + 4, 4);
    if (mode & 0x10) {
        fuzz_chunked(data + 8, size - 8, mode);
        return 0;
    }
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

    /* Bits 0x40 and 0x80 make reads and writes large enough for the
     * large-message copies (common/bulk_copy.h). */
    uint32_t buf_size = 1 + (knobs & 0xffff) + ((knobs & 0x40) ? CESHIM_BULK_MIN : 0);
    uint8_t *buf = malloc(buf_size);
    uint32_t write_len = 1 + ((knobs >> 16) % 4096) + ((knobs & 0x80) ? CESHIM_BULK_MIN : 0);

    (void)mq_header_valid(h, mapping_size);
    (void)mq_has_message(h);
    (void)mq_total_readers(h);
    (void)mq_total_writers(h);
    /* The callers' caches of the other side's state: garbage too, half
     * the time (a stale or bogus cache must never lead outside the ring). */
    struct mq_peer writer_seen = { 0, 0 }, reader_seen = { 0, 0 };
    if (knobs & 2)
        memcpy(&writer_seen, data + (size >= 24 ? 8 : 0), size >= 16 ? 16 : 0);
    struct mq_peer *wpeer = (knobs & 4) ? &writer_seen : NULL, *rpeer = (knobs & 8) ? &reader_seen : NULL;

    /* The caller's memory: a pre-committed ring inside the mapping, or (if
     * the header says chunked) up to two chunk buffers handed out as the
     * operations ask for slots, holding input bytes too. The geometry is
     * taken from the header only when it validates, as the shim does; else
     * the operations get an unattached one and must refuse. */
    static struct mq_ring_mem mem;
    memset(&mem, 0, sizeof(mem));
    int chunks_given = 0;
    if (mq_mem_attach(&mem, h, mapping_size)) {
        if (!mem.chunked)
            mem.slot[0] = mapping + MQ_HEADER_SIZE + mq_alert_area(mem.cb_max_message);
        /* Now and then the header changes after the attach (a hostile
         * peer): the operations must go by what was attached. */
        if (knobs & 0x100)
            memcpy(mapping + 12 + (knobs >> 9) % 40, data + (size > 4 ? 4 : 0), size >= 8 ? 4 : 0);
    } else {
        mem.nslots = 1;
        mem.slot_size = 4096;
    }
    (void)mq_state_valid(h, &mem);
    for (int c = 0; c < 2; c++)
        for (size_t i = 0; i < sizeof(chunk[c]); i++)
            chunk[c][i] = size ? data[(i * 7 + (size_t)c) % size] : 0;

    for (int i = 0; i < 6 && buf; i++) {
        uint32_t len, flags, writer, need = 0;
        enum mq_result r = mq_read(h, &mem, buf, buf_size, &len, &flags, &writer, wpeer, &need);
        if ((r == MQ_OK || r == MQ_TRUNCATED) && len > buf_size)
            abort(); /* copied more than the buffer holds */
        if (r == MQ_NEED_SLOT) {
            if (!give_slot(&mem, h, need, &chunks_given))
                break;
            continue;
        }
        if (r == MQ_CORRUPT || r == MQ_EMPTY)
            break;
    }
    (void)mq_write_plan(h, &mem, write_len, (int)(knobs & 1), rpeer);
    for (int i = 0; i < 3; i++) {
        uint32_t need = 0;
        enum mq_result r = mq_write(h, &mem, source, write_len, 0, 42, (int)(knobs & 1), rpeer, &need);
        if (r != MQ_NEED_SLOT || !give_slot(&mem, h, need, &chunks_given))
            break;
    }
    for (uint32_t s = 0; s < MQ_MAX_SLOTS + 2; s++)
        (void)mq_slot_unused(h, &mem, s);
    (void)mq_chunk_valid((const struct mq_chunk_header *)chunk[0], sizeof(chunk[0]), knobs, 4096);
    (void)mq_repair(h, &mem);
    (void)mq_has_room(h, &mem);
    mq_proc_add(h, 1234, 5678, 1, 1);
    mq_proc_add(h, 1234, 5678, 1, -1);
    free(buf);
    free(mapping);
    return 0;
}
