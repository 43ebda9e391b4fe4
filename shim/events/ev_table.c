/*
 * ev_table.c - the shared event-data table (layout in ev_table.h).
 */
#include "events/ev_table.h"

#include <windows.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "common/atomics.h"
#include "common/names.h"
#include "common/shared_map.h"
#include "common/shlock.h"

static struct ev_table_header *table;
static INIT_ONCE table_once = INIT_ONCE_STATIC_INIT;
static DWORD table_error;

static BOOL CALLBACK open_table(PINIT_ONCE once, PVOID param, PVOID *ctx)
{
    (void)once, (void)param, (void)ctx;
    /* Mapped for the life of the process: one view, no per-call cost. */
    table = ceshim_map_shared(L"Local\\" CESHIM_LAYOUT_TAG L"evdata", (DWORD)EV_TABLE_SIZE, &table_error);
    return TRUE;
}

void ev_table_open(void)
{
    DWORD saved = GetLastError();
    InitOnceExecuteOnce(&table_once, open_table, NULL, NULL);
    SetLastError(saved);
}

static struct ev_entry *entries(void) { return (struct ev_entry *)(table + 1); }

static uint64_t hash_name(const WCHAR *name, size_t chars)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < chars; i++) {
        h ^= name[i];
        h *= 1099511628211ull;
    }
    return h;
}

/* Takes the lock and checks (or makes) the header. FALSE with the error set. */
static BOOL lock_table(void)
{
    ev_table_open(); /* keeps the last error: a success must not change it */
    if (!table) {
        SetLastError(table_error ? table_error : ERROR_NOT_ENOUGH_MEMORY);
        return FALSE;
    }
    /* A dead owner left at most an entry whose state was never stored:
     * nothing to repair. */
    if (ceshim_shlock_acquire(&table->lock, CESHIM_SHLOCK_GIVE_UP_MS) == CESHIM_SHLOCK_FAILED) {
        SetLastError(ERROR_BUSY);
        return FALSE;
    }
    if (ceshim_load32(&table->magic) == 0) {
        table->version = EV_TABLE_VERSION;
        table->capacity = EV_TABLE_CAPACITY;
        table->entry_size = sizeof(struct ev_entry);
        ceshim_store32(&table->magic, EV_TABLE_MAGIC);
    }
    if (table->magic != EV_TABLE_MAGIC || table->version != EV_TABLE_VERSION ||
        table->capacity != EV_TABLE_CAPACITY || table->entry_size != sizeof(struct ev_entry)) {
        ceshim_shlock_release(&table->lock);
        SetLastError(ERROR_FILE_CORRUPT);
        return FALSE;
    }
    return TRUE;
}

static void unlock_table(void) { ceshim_shlock_release(&table->lock); }

static BOOL entry_matches(const struct ev_entry *e, uint64_t hash, const WCHAR *name, size_t chars)
{
    if (e->hash != hash || e->name_chars != chars)
        return FALSE;
    /* Beyond EV_NAME_MAX units the 64-bit hash stands for the tail. */
    size_t stored = chars < EV_NAME_MAX ? chars : EV_NAME_MAX;
    return memcmp(e->name, name, stored * sizeof(uint16_t)) == 0;
}

/* Under the lock: the entry for the name, or NULL; *slot gets the first
 * reusable slot on the probe path (NULL when the table is full). */
static struct ev_entry *find(uint64_t hash, const WCHAR *name, size_t chars, struct ev_entry **slot)
{
    struct ev_entry *e = entries();
    *slot = NULL;
    for (uint32_t probe = 0; probe < EV_TABLE_CAPACITY; probe++) {
        struct ev_entry *p = &e[(hash + probe) % EV_TABLE_CAPACITY];
        uint32_t state = p->state;
        if (state == EV_FREE) {
            if (!*slot)
                *slot = p;
            return NULL;
        }
        if (state == EV_USED) {
            if (entry_matches(p, hash, name, chars))
                return p;
        } else if (!*slot) {
            *slot = p;
        }
    }
    return NULL;
}

int ev_table_get(const WCHAR *name, size_t chars, uint32_t *data)
{
    uint64_t hash = hash_name(name, chars);
    if (!lock_table())
        return FALSE;
    struct ev_entry *slot, *e = find(hash, name, chars, &slot);
    *data = e ? e->data : 0;
    unlock_table();
    return TRUE;
}

/* "\Sessions\N\BaseNamedObjects\x" -> "Local\x", "\BaseNamedObjects\x" ->
 * "Global\x"; FALSE for names OpenEvent cannot reach. */
static BOOL win32_name(const WCHAR *kernel, WCHAR *out, size_t chars)
{
    static const WCHAR bno[] = L"\\BaseNamedObjects\\";
    const WCHAR *rest;
    if (wcsncmp(kernel, bno, wcslen(bno)) == 0)
        return _snwprintf(out, chars, L"Global\\%ls", kernel + wcslen(bno)) > 0;
    if (wcsncmp(kernel, L"\\Sessions\\", 10) == 0 && (rest = wcschr(kernel + 10, L'\\')) != NULL &&
        wcsncmp(rest, bno, wcslen(bno)) == 0)
        return _snwprintf(out, chars, L"Local\\%ls", rest + wcslen(bno)) > 0;
    return FALSE;
}

/* The table is full: drops entries whose event no longer exists. Probes
 * the kernel outside the lock, then deletes under it only entries that
 * still hold the name probed. Returns how many were dropped. */
static unsigned collect_garbage(void)
{
    unsigned dropped = 0;
    struct ev_entry *e = entries();
    for (uint32_t i = 0; i < EV_TABLE_CAPACITY; i++) {
        if (ceshim_load32(&e[i].state) != EV_USED)
            continue;
        WCHAR kernel[EV_NAME_MAX + 1], name[EV_NAME_MAX + 16];
        uint32_t chars = e[i].name_chars;
        uint64_t hash = e[i].hash;
        if (chars == 0 || chars > EV_NAME_MAX)
            continue; /* cannot rebuild the name: keep it */
        memcpy(kernel, (const void *)e[i].name, chars * sizeof(WCHAR));
        kernel[chars] = 0;
        if (hash != hash_name(kernel, chars) || !win32_name(kernel, name, EV_NAME_MAX + 16))
            continue;
        DWORD saved = GetLastError();
        HANDLE h = OpenEventW(SYNCHRONIZE, FALSE, name);
        DWORD err = GetLastError();
        SetLastError(saved);
        if (h) {
            CloseHandle(h);
            continue;
        }
        if (err != ERROR_FILE_NOT_FOUND && err != ERROR_INVALID_HANDLE)
            continue; /* exists but not ours to open: keep */
        if (!lock_table())
            return dropped;
        if (e[i].state == EV_USED && entry_matches(&e[i], hash, kernel, chars)) {
            ceshim_store32(&e[i].state, EV_DELETED);
            dropped++;
        }
        unlock_table();
    }
    return dropped;
}

int ev_table_set(const WCHAR *name, size_t chars, uint32_t data)
{
    uint64_t hash = hash_name(name, chars);
    for (int attempt = 0;; attempt++) {
        if (!lock_table())
            return FALSE;
        struct ev_entry *slot, *e = find(hash, name, chars, &slot);
        if (e) {
            if (data)
                ceshim_store32(&e->data, data);
            else
                ceshim_store32(&e->state, EV_DELETED);
            unlock_table();
            return TRUE;
        }
        if (!data) {
            unlock_table();
            return TRUE;
        }
        if (slot) {
            /* Fill, then publish with one store of state. */
            slot->hash = hash;
            slot->name_chars = (uint32_t)chars;
            slot->data = data;
            memcpy(slot->name, name, (chars < EV_NAME_MAX ? chars : EV_NAME_MAX) * sizeof(uint16_t));
            ceshim_store32(&slot->state, EV_USED);
            unlock_table();
            return TRUE;
        }
        unlock_table();
        if (attempt > 0 || collect_garbage() == 0) {
            SetLastError(ERROR_NOT_ENOUGH_MEMORY);
            return FALSE;
        }
    }
}
