/*
 * bit_util.h - tests across bitnesses: this program's peer is the same
 * program built for the other bitness (CESHIM_PEER_BIN, its bin folder).
 */
#ifndef BIT_UTIL_H
#define BIT_UTIL_H

#include "cetest.h"

#define BIT_OWN_BITS ((DWORD)(sizeof(void *) * 8))
#define BIT_PEER_BITS (96u - BIT_OWN_BITS)

/* Windows path of `file` in the peer build's bin folder. */
void bit_peer_path(const char *file, char *out, size_t out_size);
void bit_peer_pathw(const WCHAR *file, WCHAR *out, size_t out_chars);

/* Starts the peer build of this program in `role`; fails the test (and
 * says which file) if the peer build is missing. */
BOOL bit_spawn_peer(cetest_proc *child, const char *role, const char *fmt, ...);

/* The bitness of a running process (32 or 64; 0 if it cannot be told). */
DWORD bit_process_bits(HANDLE process);

#endif /* BIT_UTIL_H */
