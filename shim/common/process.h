/*
 * process.h - who this process is, and whether another one still runs.
 *
 * A process is named by its pid and its creation time together, wherever
 * shared memory records one (lock words, handle records, keepers,
 * registrations): pids are reused at once, so a pid that is alive may
 * belong to a later process than the one recorded.
 */
#ifndef CESHIM_COMMON_PROCESS_H
#define CESHIM_COMMON_PROCESS_H

#include <windows.h>
#include <stdint.h>

#include "common/owner.h"

DWORD ceshim_self_pid(void);
/* Creation time of this process (100 ns units), which with the pid tells
 * this process from a later one that reuses its pid. */
uint64_t ceshim_self_create_time(void);
/* This process's lock word (common/owner.h). */
uint64_t ceshim_self_owner(void);
/* Creation time of process pid, or 0 if it has exited or never existed. A
 * process we may not query counts as alive (returns UINT64_MAX). */
uint64_t ceshim_process_create_time(DWORD pid);
/* TRUE unless the process (pid, create_time) has certainly exited: its pid
 * is free, or belongs to another process (this one included). */
BOOL ceshim_process_alive(DWORD pid, uint64_t create_time);
/* The same for the process named by a lock word. */
BOOL ceshim_owner_alive(uint64_t owner);
/* A handle with `access` to the process (pid, create_time), or NULL if that
 * process is gone (its pid free or reused) or may not be opened. */
HANDLE ceshim_open_process_exact(DWORD pid, uint64_t create_time, DWORD access);
/* TRUE when this process runs under Wine (its ntdll exports wine_get_version). */
BOOL ceshim_under_wine(void);
/* "<pid>.<creation time>.<n>" in hex: unique in the session, for naming
 * unnamed objects (out holds 64 characters). */
void ceshim_unique_id(WCHAR *out, LONG n);

#endif /* CESHIM_COMMON_PROCESS_H */
