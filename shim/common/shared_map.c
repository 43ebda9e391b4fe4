/*
 * shared_map.c - see shared_map.h.
 */
#include "common/shared_map.h"

void *ceshim_map_shared(const WCHAR *name, DWORD size, DWORD *error)
{
    HANDLE mapping = CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, size, name);
    if (!mapping) {
        *error = GetLastError();
        return NULL;
    }
    void *view = MapViewOfFile(mapping, FILE_MAP_ALL_ACCESS, 0, 0, 0);
    MEMORY_BASIC_INFORMATION mbi;
    if (!view || !VirtualQuery(view, &mbi, sizeof(mbi)) || mbi.RegionSize < size) {
        *error = view ? ERROR_FILE_CORRUPT : GetLastError();
        if (view)
            UnmapViewOfFile(view);
        CloseHandle(mapping);
        return NULL;
    }
    return view; /* the mapping handle stays open with the view, for the process's life */
}
