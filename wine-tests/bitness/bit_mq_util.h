/*
 * bit_mq_util.h - helpers of the queue tests across bitnesses (bit_mq.c,
 * bit_mq_faults.c): names and hand-shake events shared with the peer, the
 * peer's bitness, GetMsgQueueInfo checks, and messages that prove they are
 * whole. Checks report the caller's file and line.
 */
#ifndef BIT_MQ_UTIL_H
#define BIT_MQ_UTIL_H

#include "bit_util.h"
#include "mq_test.h"

#define BMQ_MSG_MAX (64u * 1024u) /* the largest self-checking message */

/* A queue name and hand-shake events "<ev>-0", "<ev>-1", ... The parent
 * makes the names (argv NULL) and passes args, both of them, as the peer's
 * first two arguments; the peer takes them from argv. Both sides create the
 * events (manual-reset; whoever comes first makes them). */
typedef struct bmq_names {
    WCHAR q[MQ_NAME_CHARS], ev[MQ_NAME_CHARS];
    char args[MQ_NAME_CHARS * 6 + 2];
} bmq_names;

void bmq_setup(bmq_names *n, char **argv, HANDLE *ev, int count);
void bmq_close_events(HANDLE *ev, int count);

/* The child must be the other bitness, or the test proves nothing. */
void bmq_check_peer_bits_at(cetest_proc *child, const char *file, int line);
#define CHECK_PEER_BITS(child) bmq_check_peer_bits_at((child), __FILE__, __LINE__)

/* GetMsgQueueInfo(q) (or *info when q is NULL) against want: flags, max,
 * cbMax, current, high-water, readers, writers. */
void bmq_info_is_at(HANDLE q, const MSGQUEUEINFO *info, const char *who, const DWORD *want, const char *file,
                    int line);
#define INFO_IS(info, who, ...) \
    bmq_info_is_at(NULL, (info), (who), (const DWORD[7]){ __VA_ARGS__ }, __FILE__, __LINE__)
#define QUEUE_INFO_IS(q, who, ...) \
    bmq_info_is_at((q), NULL, (who), (const DWORD[7]){ __VA_ARGS__ }, __FILE__, __LINE__)

/* Reads `text` with *pdwFlags `flags`, waiting up to STEP_BOUND; returns how
 * long the read took. */
ULONGLONG bmq_read_text_at(HANDLE r, const char *text, DWORD flags, const char *file, int line);
#define READ_TEXT(r, text, flags) bmq_read_text_at((r), (text), (flags), __FILE__, __LINE__)

/* Self-checking messages: writer, sequence number and length, then a
 * pattern seeded by them; len >= 12. The writer is the writing process's
 * bitness, so MSG_OK also proves the message came from the peer. */
void bmq_fill(BYTE *m, DWORD writer, DWORD seq, DWORD len);
BOOL bmq_msg_ok_at(const BYTE *m, DWORD n, DWORD seq, const char *what, const char *file, int line);
/* Message `seq` from the peer, of n bytes read. */
#define MSG_OK(m, n, seq, what) bmq_msg_ok_at((m), (n), (seq), (what), __FILE__, __LINE__)
/* Lengths in [12, BMQ_MSG_MAX] that vary with i. */
DWORD bmq_len(DWORD i);

#endif /* BIT_MQ_UTIL_H */
