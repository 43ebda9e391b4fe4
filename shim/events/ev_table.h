/*
 * ev_table.h - event data shared by all processes of the session.
 *
 * One pagefile-backed mapping, Local\ceshim.2.evdata, holds a fixed
 * open-addressing hash table from an event object's kernel name to its
 * SetEventData value. Any process may write it, so every field is checked
 * before use; the crash-safe lock (common/shlock.h) guards changes, and an
 * entry becomes visible with one store of `state`, so a process killed at
 * any instruction leaves a whole entry or none (no repair needed).
 *
 * Layout (fixed width, no pointers: 32- and 64-bit processes share it):
 *
 *   offset  size  header
 *   0       4     magic    EV_TABLE_MAGIC once initialised (0 before)
 *   4       4     version  EV_TABLE_VERSION
 *   8       8     lock     shlock owner word (pid and creation-time digest,
 *                          common/owner.h), 0 = free; 8-aligned
 *   16      4     capacity EV_TABLE_CAPACITY
 *   20      4     entry_size sizeof(struct ev_entry)
 *   24      40    reserved
 *   64      ...   entries[capacity]
 *
 *   offset  size  entry
 *   0       8     hash        64-bit FNV-1a of the whole kernel name
 *   8       4     state       EV_FREE, EV_USED or EV_DELETED (anything else: deleted)
 *   12      4     name_chars  length of the whole kernel name
 *   16      4     data        the SetEventData value (never 0: 0 = no entry)
 *   20      4     reserved
 *   24      640   name        its first min(name_chars, EV_NAME_MAX) UTF-16 units
 */
#ifndef CESHIM_EV_TABLE_H
#define CESHIM_EV_TABLE_H

#include <stddef.h>
#include <stdint.h>
#include <windows.h>

#define EV_TABLE_MAGIC    0x41445645u /* "EVDA" */
#define EV_TABLE_VERSION  2u /* 2: 64-bit owner word as the lock */
#define EV_TABLE_CAPACITY 1024u
#define EV_NAME_MAX       320u

enum { EV_FREE = 0, EV_USED = 1, EV_DELETED = 2 };

struct ev_table_header {
    uint32_t magic;
    uint32_t version;
    volatile uint64_t lock;
    uint32_t capacity;
    uint32_t entry_size;
    uint32_t reserved[10];
};

struct ev_entry {
    uint64_t hash;
    volatile uint32_t state;
    uint32_t name_chars;
    volatile uint32_t data;
    uint32_t reserved;
    uint16_t name[EV_NAME_MAX];
};

#define EV_TABLE_SIZE (sizeof(struct ev_table_header) + EV_TABLE_CAPACITY * sizeof(struct ev_entry))

_Static_assert(sizeof(struct ev_table_header) == 64, "ev_table_header layout");
_Static_assert(offsetof(struct ev_table_header, lock) == 8, "ev_table_header.lock");
_Static_assert(offsetof(struct ev_table_header, lock) % 8 == 0, "lock 8-aligned (cmpxchg8b on i686)");
_Static_assert(offsetof(struct ev_table_header, capacity) == 16, "ev_table_header.capacity");
_Static_assert(offsetof(struct ev_table_header, entry_size) == 20, "ev_table_header.entry_size");
_Static_assert(offsetof(struct ev_entry, state) == 8, "ev_entry.state");
_Static_assert(offsetof(struct ev_entry, data) == 16, "ev_entry.data");
_Static_assert(offsetof(struct ev_entry, name) == 24, "ev_entry.name");
_Static_assert(sizeof(struct ev_entry) == 664, "ev_entry layout");

/* Maps the table for the rest of the process's life. The mapping exists
 * while some process has it mapped, so every process that creates events
 * through ceshim keeps it: data set by a process that has exited stays
 * readable while the event's creator runs. Keeps the last error. */
void ev_table_open(void);
/* The data of the event whose kernel name is name[0..chars): 0 if none.
 * FALSE with the last error set if the table cannot be used. */
int ev_table_get(const WCHAR *name, size_t chars, uint32_t *data);
/* Sets (data != 0) or removes (data == 0) the entry. FALSE with the last
 * error set (ERROR_NOT_ENOUGH_MEMORY when the table is full of live
 * events). */
int ev_table_set(const WCHAR *name, size_t chars, uint32_t data);

#endif /* CESHIM_EV_TABLE_H */
