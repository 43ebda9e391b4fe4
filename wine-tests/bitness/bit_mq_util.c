/*
 * bit_mq_util.c - see bit_mq_util.h.
 */
#include "bit_mq_util.h"

#include <stdio.h>
#include <string.h>

void bmq_setup(bmq_names *n, char **argv, HANDLE *ev, int count)
{
    if (argv) {
        cetest_from_utf8(argv[0], n->q, MQ_NAME_CHARS);
        cetest_from_utf8(argv[1], n->ev, MQ_NAME_CHARS);
    } else {
        char q8[MQ_NAME_CHARS * 3], ev8[MQ_NAME_CHARS * 3];
        cetest_to_utf8(cetest_unique_name(L"bitmq", n->q, MQ_NAME_CHARS), q8, sizeof(q8));
        cetest_to_utf8(cetest_unique_name(L"bitev", n->ev, MQ_NAME_CHARS), ev8, sizeof(ev8));
        snprintf(n->args, sizeof(n->args), "%s %s", q8, ev8);
    }
    for (int i = 0; i < count; i++) {
        WCHAR suffix[2] = { (WCHAR)(L'0' + i), 0 };
        ev[i] = cetest_make_event(n->ev, suffix);
    }
}

void bmq_close_events(HANDLE *ev, int count)
{
    for (int i = 0; i < count; i++)
        mq_close_event(ev[i]);
}

void bmq_check_peer_bits_at(cetest_proc *child, const char *file, int line)
{
    DWORD bits = bit_process_bits(child->process);
    cetest_check(bits == BIT_PEER_BITS, file, line, "bit_process_bits(child.process) == BIT_PEER_BITS",
                 "the peer runs %lu-bit, expected %lu-bit (we are %lu-bit)", bits, BIT_PEER_BITS, BIT_OWN_BITS);
}

void bmq_info_is_at(HANDLE q, const MSGQUEUEINFO *info, const char *who, const DWORD *want, const char *file,
                    int line)
{
    MSGQUEUEINFO mine;
    DWORD err;
    if (q) {
        BOOL ok = mq_info(q, &mine, &err);
        if (!cetest_check(ok, file, line, "GetMsgQueueInfo(q, &info)", "%s: last error %lu", who, err))
            return;
        info = &mine;
    }
    DWORD got[7] = { info->dwFlags, info->dwMaxMessages, info->cbMaxMessage, info->dwCurrentMessages,
                     info->dwMaxQueueMessages, info->wNumReaders, info->wNumWriters };
    cetest_check(memcmp(got, want, sizeof(got)) == 0, file, line, "GetMsgQueueInfo as expected",
                 "%s: flags %lu max %lu cbMax %lu current %lu high-water %lu readers %lu writers %lu; "
                 "expected %lu %lu %lu %lu %lu %lu %lu", who, got[0], got[1], got[2], got[3], got[4], got[5],
                 got[6], want[0], want[1], want[2], want[3], want[4], want[5], want[6]);
}

ULONGLONG bmq_read_text_at(HANDLE r, const char *text, DWORD flags, const char *file, int line)
{
    char buf[64];
    DWORD n = (DWORD)strlen(text);
    t_msg_result res = t_read_msg(r, buf, sizeof(buf), STEP_BOUND);
    cetest_check(res.ok && res.err == ERROR_SUCCESS && res.bytes == n && res.flags == flags && !memcmp(buf, text, n),
                 file, line, "ReadMsgQueue gives the message", "expected \"%s\" flags %lu: ok %d, last error %lu, "
                 "%lu bytes \"%.*s\", flags %lu, after %llu ms", text, flags, res.ok, res.err, res.bytes,
                 (int)(res.ok && res.bytes < sizeof(buf) ? res.bytes : 0), buf, res.flags, res.ms);
    return res.ms;
}

void bmq_fill(BYTE *m, DWORD writer, DWORD seq, DWORD len)
{
    DWORD head[3] = { writer, seq, len };
    memcpy(m, head, sizeof(head));
    mq_pattern(m + sizeof(head), len - (DWORD)sizeof(head), writer * 7919u + seq * 31u + len);
}

BOOL bmq_msg_ok_at(const BYTE *m, DWORD n, DWORD seq, const char *what, const char *file, int line)
{
    static BYTE want[BMQ_MSG_MAX];
    DWORD head[3] = { 0, 0, 0 };
    if (n >= sizeof(head))
        memcpy(head, m, sizeof(head));
    BOOL ok = n >= sizeof(head) && n <= BMQ_MSG_MAX && head[0] == BIT_PEER_BITS && head[1] == seq && head[2] == n;
    if (ok) {
        bmq_fill(want, BIT_PEER_BITS, seq, n);
        ok = memcmp(m, want, n) == 0;
    }
    return cetest_check(ok, file, line, "a whole message from the peer", "%s: message %lu, %lu bytes: header "
                        "says writer %lu (expected %lu) seq %lu len %lu, or the pattern differs", what, seq, n,
                        head[0], BIT_PEER_BITS, head[1], head[2]);
}

DWORD bmq_len(DWORD i) { return 12 + (DWORD)((i * 7919ull) % (BMQ_MSG_MAX - 11)); }
