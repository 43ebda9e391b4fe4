/*
 * shared_map.h - a fixed-size, session-wide named mapping that a process
 * keeps for its whole life (ceshim's registries: event data, notifications).
 */
#ifndef CESHIM_COMMON_SHARED_MAP_H
#define CESHIM_COMMON_SHARED_MAP_H

#include <windows.h>

/* Creates or opens the pagefile-backed mapping `name` of `size` bytes and
 * maps it whole; the mapping handle stays open with the view. NULL with
 * *error set on failure, ERROR_FILE_CORRUPT when an object of that name is
 * smaller than `size` (someone else made it). */
void *ceshim_map_shared(const WCHAR *name, DWORD size, DWORD *error);

#endif /* CESHIM_COMMON_SHARED_MAP_H */
