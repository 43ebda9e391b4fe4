/*
 * process.h - who this process is, and whether another one still runs.
 */
#ifndef CESHIM_COMMON_PROCESS_H
#define CESHIM_COMMON_PROCESS_H

#include <windows.h>
#include <stdint.h>

DWORD ceshim_self_pid(void);
/* Creation time of this process (100 ns units), which with the pid tells
 * this process from a later one that reuses its pid. */
uint64_t ceshim_self_create_time(void);
/* Creation time of process pid, or 0 if it has exited or never existed. A
 * process we may not query counts as alive (returns UINT64_MAX). */
uint64_t ceshim_process_create_time(DWORD pid);
/* TRUE unless pid has certainly exited (or is a later process than the
 * one created at create_time; 0 = don't compare). */
BOOL ceshim_process_alive(DWORD pid, uint64_t create_time);

#endif /* CESHIM_COMMON_PROCESS_H */
