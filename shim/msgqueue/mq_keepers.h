/*
 * mq_keepers.h - layer 3a of the queue code (the list is in mq_types.h):
 * the keeper handles that keep a chunk alive, and this process's own list
 * of the ones it holds. Internal to layer 3: only mq_chunks.c (3b) calls
 * it; the layers above reach it through mq_chunks.h. Takes no shared
 * lock: its callers hold the ones each function names.
 */
#ifndef CESHIM_MQ_KEEPERS_H
#define CESHIM_MQ_KEEPERS_H

#include <stdio.h>
#include <wchar.h>

#include "common/process.h"
#include "msgqueue/mq_types.h"

#define CHUNK_NAME_MAX (CESHIM_BASE_MAX + 32)

/* The kernel object name of chunk uid of q. */
static inline void chunk_name(WCHAR *out, const struct mq_queue *q, uint64_t uid)
{
    _snwprintf(out, CHUNK_NAME_MAX, L"%ls.c%llx", q->base, (unsigned long long)uid);
    out[CHUNK_NAME_MAX - 1] = 0;
}

/* A handle as a keeper record holds it (32 bits in every bitness). */
static inline uint32_t value_of(HANDLE h) { return (uint32_t)(uintptr_t)h; }

static inline BOOL keeper_is_self(const struct mq_keeper *k)
{
    return k->pid == ceshim_self_pid() && k->create_time == ceshim_self_create_time();
}

/* Whether h is, in this process, a handle of chunk uid of q. */
BOOL mq_is_chunk_handle(const struct mq_queue *q, HANDLE h, uint64_t uid);
/* This process's own list of its keepers: records keeper h of chunk uid;
 * drops what is no longer a keeper of ours (under keepers_lock). */
void mq_own_add(struct mq_queue *q, uint64_t uid, HANDLE h);
void mq_own_prune(struct mq_queue *q);
/* A chunk just mapped: tracks the keeper another process gave this one. */
void mq_own_adopt_given(struct mq_queue *q, const struct mq_chunk_header *c, uint64_t uid);
/* Closes keeper k if it is a handle of chunk uid (q may be NULL for
 * another process's keeper). */
void mq_keeper_close(struct mq_queue *q, struct mq_keeper k, uint64_t uid);
/* Under write_lock: closes our keeper of chunk c at once and queues the
 * others' for mq_chunks_flush_closes. */
void mq_close_keepers(struct mq_queue *q, struct mq_chunk_header *c, uint64_t uid);
/* Gives every other process with the queue open a keeper of the new chunk
 * c (own: this process's index). FALSE if a living process could not get
 * one. */
BOOL mq_give_keepers(struct mq_queue *q, struct mq_chunk_header *c, HANDLE mapping, int own);

#endif /* CESHIM_MQ_KEEPERS_H */
