/*
 * svc_handles.c - this process's service handles: each is a real unnamed
 * kernel event (so it never collides with another handle, and plain Win32
 * calls on it fail harmlessly) mapped to the host object it stands for.
 */
#include <windows.h>
#include <string.h>

#include "common/atomics.h"
#include "services/client/svc_client.h"

struct svc_handle_entry {
    HANDLE key;
    struct svc_handle_info info;
};

static SRWLOCK table_lock = SRWLOCK_INIT;
static struct svc_handle_entry *table;
static size_t table_used, table_cap;
static volatile uint32_t table_count; /* read unlocked: most handles are not ours */

HANDLE svc_handle_add(const struct svc_handle_info *info)
{
    HANDLE key = CreateEventW(NULL, TRUE, FALSE, NULL);
    if (!key)
        return NULL;
    AcquireSRWLockExclusive(&table_lock);
    if (table_used == table_cap) {
        size_t cap = table_cap ? table_cap * 2 : 64;
        void *grown = table ? HeapReAlloc(GetProcessHeap(), 0, table, cap * sizeof(*table))
                            : HeapAlloc(GetProcessHeap(), 0, cap * sizeof(*table));
        if (!grown) {
            ReleaseSRWLockExclusive(&table_lock);
            CloseHandle(key);
            SetLastError(ERROR_OUTOFMEMORY);
            return NULL;
        }
        table = grown;
        table_cap = cap;
    }
    table[table_used].key = key;
    table[table_used].info = *info;
    table_used++;
    ceshim_store32(&table_count, (uint32_t)table_used);
    ReleaseSRWLockExclusive(&table_lock);
    return key;
}

static struct svc_handle_entry *find_locked(HANDLE h)
{
    for (size_t i = 0; i < table_used; i++)
        if (table[i].key == h)
            return &table[i];
    return NULL;
}

BOOL svc_handle_find(HANDLE h, struct svc_handle_info *info)
{
    if (!ceshim_load32(&table_count) || !h || h == INVALID_HANDLE_VALUE)
        return FALSE;
    AcquireSRWLockShared(&table_lock);
    struct svc_handle_entry *e = find_locked(h);
    if (e)
        *info = e->info;
    ReleaseSRWLockShared(&table_lock);
    return e != NULL;
}

BOOL svc_handle_remove(HANDLE h, struct svc_handle_info *info)
{
    if (!ceshim_load32(&table_count) || !h || h == INVALID_HANDLE_VALUE)
        return FALSE;
    AcquireSRWLockExclusive(&table_lock);
    struct svc_handle_entry *e = find_locked(h);
    if (e) {
        *info = e->info;
        *e = table[--table_used];
        ceshim_store32(&table_count, (uint32_t)table_used);
    }
    ReleaseSRWLockExclusive(&table_lock);
    if (e)
        CloseHandle(h);
    return e != NULL;
}
