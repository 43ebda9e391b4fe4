/*
 * svc_wait.h - how each side of a call slot waits for the other: the
 * client for a reply, the host worker for a request (svc_proto.h).
 */
#ifndef CESHIM_SVC_WAIT_H
#define CESHIM_SVC_WAIT_H

#include <windows.h>
#include <stdint.h>

#include "common/atomics.h"

/* Waits until *seq_word == seq. Spins `spins` pauses first (a spin
 * budget's count, common/spin.h: a busy peer answers sooner than any
 * kernel wait), then says so in *sleeping and
 * sleeps on waits[0], this side's event, which the peer sets only when it
 * sees *sleeping. waits[1..n-1] are reasons to give up (a dead peer, a
 * stop): FALSE when one is signaled first. slice_ms bounds each sleep. */
static inline BOOL svc_wait_seq(const volatile uint32_t *seq_word, uint32_t seq, volatile uint32_t *sleeping,
                                int spins, const HANDLE *waits, DWORD n, DWORD slice_ms)
{
    for (int i = 0; i < spins; i++) {
        if (ceshim_load32(seq_word) == seq)
            return TRUE;
        ceshim_pause();
    }
    for (;;) {
        ceshim_store32(sleeping, 1);
        ceshim_fence(); /* the peer reads *sleeping after publishing seq */
        if (ceshim_load32(seq_word) == seq) {
            ceshim_store32(sleeping, 0);
            return TRUE;
        }
        DWORD r = WaitForMultipleObjects(n, waits, FALSE, slice_ms);
        ceshim_store32(sleeping, 0);
        if (ceshim_load32(seq_word) == seq)
            return TRUE;
        if (r != WAIT_OBJECT_0 && r != WAIT_TIMEOUT)
            return FALSE;
    }
}

#endif /* CESHIM_SVC_WAIT_H */
