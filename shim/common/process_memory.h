/*
 * process_memory.h - asking about another process's memory in a way that
 * ends when that process does.
 *
 * Under Wine 8, VirtualQueryEx on another process is answered by one of
 * that process's own threads (a system APC). A process killed in the
 * middle of an answer never gives it, and a plain VirtualQueryEx then
 * waits for ever: a services host serving a driver call would hold that
 * call, and DeactivateDevice after it, for good. Windows answers in the
 * kernel, where this cannot happen.
 */
#ifndef CESHIM_COMMON_PROCESS_MEMORY_H
#define CESHIM_COMMON_PROCESS_MEMORY_H

#include <windows.h>

/* VirtualQueryEx(process, addr) that ends when process does: TRUE with
 * *mbi filled, or FALSE with the last error set (the query's own, or
 * ERROR_PROCESS_ABORTED: the process exited before it answered). process
 * needs SYNCHRONIZE besides PROCESS_QUERY_INFORMATION. */
BOOL ceshim_query_process_memory(HANDLE process, const void *addr, MEMORY_BASIC_INFORMATION *mbi);

#endif /* CESHIM_COMMON_PROCESS_MEMORY_H */
