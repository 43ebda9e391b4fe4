/*
 * file_mapping.c - CreateFileForMapping, and the routed CreateFileMapping
 * and CloseHandle that give the mapping ownership of the file handle.
 *
 * As on CE: the share mode is forced from the access (GENERIC_READ alone:
 * FILE_SHARE_READ; anything else: no sharing); once the handle has been
 * passed to CreateFileMapping, CloseHandle on it is swallowed (TRUE) and
 * the file is closed when the last mapping made from it is closed; if
 * CreateFileMapping fails, the file is closed at once.
 */
#include <ceshim.h>

#include <stdlib.h>

#include "routing.h"
#include "common/trace.h"

/* One record per file handle from CreateFileForMapping, plus one per
 * mapping made from it (mapping != NULL). */
struct tracked {
    HANDLE file;
    HANDLE mapping;
};
static struct tracked *tracked;
static size_t tracked_count, tracked_cap;
static SRWLOCK tracked_lock = SRWLOCK_INIT;

/* Under the lock. */
static BOOL track(HANDLE file, HANDLE mapping)
{
    if (tracked_count == tracked_cap) {
        size_t cap = tracked_cap ? tracked_cap * 2 : 16;
        struct tracked *grown = realloc(tracked, cap * sizeof(*grown));
        if (!grown)
            return FALSE;
        tracked = grown;
        tracked_cap = cap;
    }
    tracked[tracked_count++] = (struct tracked){ file, mapping };
    return TRUE;
}

static void untrack_at(size_t i) { tracked[i] = tracked[--tracked_count]; }

/* Under the lock: index of the first record matching, or tracked_count. */
static size_t find(HANDLE file, HANDLE mapping, BOOL any_mapping)
{
    size_t i;
    for (i = 0; i < tracked_count; i++)
        if (tracked[i].file == file && (any_mapping ? tracked[i].mapping != NULL : tracked[i].mapping == mapping))
            break;
    return i;
}

static DWORD forced_share(DWORD access) { return access == GENERIC_READ ? FILE_SHARE_READ : 0; }

static HANDLE finish_create(HANDLE file)
{
    if (file == INVALID_HANDLE_VALUE)
        return file;
    AcquireSRWLockExclusive(&tracked_lock);
    BOOL ok = track(file, NULL);
    ReleaseSRWLockExclusive(&tracked_lock);
    if (!ok) {
        CloseHandle(file);
        SetLastError(ERROR_NOT_ENOUGH_MEMORY);
        return INVALID_HANDLE_VALUE;
    }
    return file;
}

HANDLE WINAPI CreateFileForMappingW(LPCWSTR lpFileName, DWORD dwDesiredAccess, DWORD dwShareMode,
                                    LPSECURITY_ATTRIBUTES lpSecurityAttributes, DWORD dwCreationDisposition,
                                    DWORD dwFlagsAndAttributes, HANDLE hTemplateFile)
{
    HANDLE h = finish_create(CreateFileW(lpFileName, dwDesiredAccess, forced_share(dwDesiredAccess),
                                         lpSecurityAttributes, dwCreationDisposition, dwFlagsAndAttributes,
                                         hTemplateFile));
    CESHIM_TRACE("CreateFileForMappingW(%s%ls%s, 0x%lx, 0x%lx (ignored), %p, %lu, 0x%lx, %p) = %p",
                 lpFileName ? "L\"" : "", lpFileName ? lpFileName : L"NULL", lpFileName ? "\"" : "",
                 dwDesiredAccess, dwShareMode, (void *)lpSecurityAttributes, dwCreationDisposition,
                 dwFlagsAndAttributes, hTemplateFile, h);
    return h;
}

HANDLE WINAPI CreateFileForMappingA(LPCSTR lpFileName, DWORD dwDesiredAccess, DWORD dwShareMode,
                                    LPSECURITY_ATTRIBUTES lpSecurityAttributes, DWORD dwCreationDisposition,
                                    DWORD dwFlagsAndAttributes, HANDLE hTemplateFile)
{
    HANDLE h = finish_create(CreateFileA(lpFileName, dwDesiredAccess, forced_share(dwDesiredAccess),
                                         lpSecurityAttributes, dwCreationDisposition, dwFlagsAndAttributes,
                                         hTemplateFile));
    CESHIM_TRACE("CreateFileForMappingA(%s%s%s, 0x%lx, 0x%lx (ignored), %p, %lu, 0x%lx, %p) = %p",
                 lpFileName ? "\"" : "", lpFileName ? lpFileName : "NULL", lpFileName ? "\"" : "",
                 dwDesiredAccess, dwShareMode, (void *)lpSecurityAttributes, dwCreationDisposition,
                 dwFlagsAndAttributes, hTemplateFile, h);
    return h;
}

/* After CreateFileMapping on a tracked file: the mapping owns it, or (on
 * failure) the file is closed now. Untracked files: nothing to do. */
static HANDLE adopt(HANDLE file, HANDLE mapping)
{
    if (!file || file == INVALID_HANDLE_VALUE)
        return mapping;
    DWORD err = GetLastError();
    BOOL close_file = FALSE;
    AcquireSRWLockExclusive(&tracked_lock);
    size_t pending = find(file, NULL, FALSE);
    BOOL known = pending < tracked_count || find(file, NULL, TRUE) < tracked_count;
    if (known) {
        if (mapping) {
            if (pending < tracked_count)
                tracked[pending].mapping = mapping;
            else if (!track(file, mapping)) {
                ReleaseSRWLockExclusive(&tracked_lock);
                CloseHandle(mapping);
                SetLastError(ERROR_NOT_ENOUGH_MEMORY);
                return NULL;
            }
        } else if (pending < tracked_count && find(file, NULL, TRUE) == tracked_count) {
            /* No mapping holds it: CE closes it right away. */
            untrack_at(pending);
            close_file = TRUE;
        }
    }
    ReleaseSRWLockExclusive(&tracked_lock);
    if (close_file)
        CloseHandle(file);
    SetLastError(err);
    return mapping;
}

HANDLE WINAPI CeShimCreateFileMappingW(HANDLE hFile, LPSECURITY_ATTRIBUTES lpAttributes, DWORD flProtect,
                                       DWORD dwMaximumSizeHigh, DWORD dwMaximumSizeLow, LPCWSTR lpName)
{
    HANDLE m = adopt(hFile, CreateFileMappingW(hFile, lpAttributes, flProtect, dwMaximumSizeHigh,
                                               dwMaximumSizeLow, lpName));
    CESHIM_TRACE("CreateFileMappingW(%p, %p, 0x%lx, %lu, %lu, %s%ls%s) = %p", hFile, (void *)lpAttributes,
                 flProtect, dwMaximumSizeHigh, dwMaximumSizeLow, lpName ? "L\"" : "", lpName ? lpName : L"NULL",
                 lpName ? "\"" : "", m);
    return m;
}

HANDLE WINAPI CeShimCreateFileMappingA(HANDLE hFile, LPSECURITY_ATTRIBUTES lpAttributes, DWORD flProtect,
                                       DWORD dwMaximumSizeHigh, DWORD dwMaximumSizeLow, LPCSTR lpName)
{
    HANDLE m = adopt(hFile, CreateFileMappingA(hFile, lpAttributes, flProtect, dwMaximumSizeHigh,
                                               dwMaximumSizeLow, lpName));
    CESHIM_TRACE("CreateFileMappingA(%p, %p, 0x%lx, %lu, %lu, %s%s%s) = %p", hFile, (void *)lpAttributes,
                 flProtect, dwMaximumSizeHigh, dwMaximumSizeLow, lpName ? "\"" : "", lpName ? lpName : "NULL",
                 lpName ? "\"" : "", m);
    return m;
}

BOOL ceshim_mapping_close_hook(HANDLE h, BOOL *result)
{
    HANDLE close_file = NULL;
    BOOL handled = FALSE, swallowed = FALSE;
    AcquireSRWLockExclusive(&tracked_lock);
    for (size_t i = 0; i < tracked_count && !handled; i++) {
        if (tracked[i].mapping == h) {
            /* A mapping made from a tracked file: the last one closes it. */
            HANDLE file = tracked[i].file;
            untrack_at(i);
            if (find(file, NULL, TRUE) == tracked_count) {
                size_t pending = find(file, NULL, FALSE);
                if (pending < tracked_count)
                    untrack_at(pending);
                close_file = file;
            }
            handled = TRUE;
        } else if (tracked[i].file == h) {
            if (find(h, NULL, TRUE) < tracked_count) {
                swallowed = TRUE; /* a mapping owns it now */
            } else {
                untrack_at(i); /* never mapped: a plain close */
            }
            handled = TRUE;
        }
    }
    ReleaseSRWLockExclusive(&tracked_lock);
    if (!handled)
        return FALSE;
    if (swallowed) {
        *result = TRUE;
        CESHIM_TRACE("CloseHandle(%p) on a file owned by its mapping = 1 (deferred)", h);
        return TRUE;
    }
    *result = CloseHandle(h);
    if (close_file) {
        DWORD err = GetLastError();
        CloseHandle(close_file);
        SetLastError(err);
    }
    CESHIM_TRACE("CloseHandle(%p) on a CreateFileForMapping handle or its mapping = %d%s", h, *result,
                 close_file ? " (file closed with it)" : "");
    return TRUE;
}
