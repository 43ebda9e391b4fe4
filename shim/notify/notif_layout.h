/*
 * notif_layout.h - the session-wide registry of device and power
 * notifications, in shared memory.
 *
 * One pagefile-backed mapping, Local\ceshim.2.notify.registry.m, created by
 * the first process that uses a notification call and alive while any such
 * process runs. It holds the advertised device interfaces (which outlive
 * the process that advertised them, as on CE) and every registration of
 * every process: enough to find the target queue from any process. Fields
 * are fixed-width, no pointers or handles, so 32- and 64-bit processes
 * share it.
 *
 *   offset  size    field
 *   0       4       magic           NOTIF_MAGIC ("CENT"); 0 until initialised
 *   4       4       version         NOTIF_LAYOUT_VERSION
 *   8       4       size            sizeof(struct notif_registry)
 *   12      4       next_serial     last registration serial handed out
 *   16      8       lock            owner word: pid and creation-time digest
 *                                   (common/shlock.h, common/owner.h), 8-aligned
 *   24      40      reserved
 *   64      40960   ifaces          NOTIF_MAX_IFACES x struct notif_iface (160)
 *   41024   114688  regs            NOTIF_MAX_REGS x struct notif_reg (448)
 *   155712          end
 *
 * A record is published by one store of its first word (iface.used,
 * reg.serial) after every other field is written, and retired by clearing
 * that word first, so a process killed inside the lock leaves whole records
 * only; taking the lock over needs no repair. Records are validated before
 * use (lengths bounded, a target name must be a ceshim queue's); an invalid
 * one is treated as a free slot.
 */
#ifndef CESHIM_NT_LAYOUT_H
#define CESHIM_NT_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#include "common/names.h"

#define NOTIF_MAGIC 0x544E4543u /* "CENT" */
#define NOTIF_LAYOUT_VERSION 2u /* 2: 64-bit owner word as the lock */
#define NOTIF_MAX_IFACES 256u
#define NOTIF_MAX_REGS 256u
#define NOTIF_NAME_MAX 64u  /* MAX_DEVCLASS_NAMELEN */
#define NOTIF_BASE_MAX 200u /* CESHIM_BASE_MAX */

#define NOTIF_KIND_DEVICE 1u
#define NOTIF_KIND_POWER 2u

/* An advertised interface. */
struct notif_iface {
    uint32_t used;       /* 1 = advertised; written last */
    uint32_t id;         /* DEVDETAIL.dwReserved */
    uint8_t guid[16];    /* class */
    uint32_t name_chars; /* 1..NOTIF_NAME_MAX */
    uint32_t reserved;
    uint16_t name[NOTIF_NAME_MAX]; /* UTF-16, no NUL */
};

/* A RequestDeviceNotifications / RequestPowerNotifications registration. */
struct notif_reg {
    uint32_t serial;      /* nonzero = in use; written last */
    uint32_t kind;        /* NOTIF_KIND_* */
    uint32_t pid;         /* the registering process ... */
    uint32_t flags;       /* power: the PBT_* mask */
    uint64_t create_time; /* ... and its creation time (a reused pid is not it) */
    uint8_t guid[16];     /* device: the class filter */
    uint32_t any_class;   /* device: 1 = NULL or all-zero filter, every class */
    uint32_t base_chars;  /* length of base */
    uint16_t base[NOTIF_BASE_MAX]; /* the target queue's object base name, no NUL */
};

struct notif_header {
    uint32_t magic;
    uint32_t version;
    uint32_t size;
    uint32_t next_serial;
    uint64_t lock;
    uint8_t reserved[40];
};

struct notif_registry {
    struct notif_header hdr;
    struct notif_iface ifaces[NOTIF_MAX_IFACES];
    struct notif_reg regs[NOTIF_MAX_REGS];
};

_Static_assert(NOTIF_BASE_MAX == CESHIM_BASE_MAX, "a registration holds a whole base name");
_Static_assert(sizeof(struct notif_header) == 64, "header is 64 bytes");
_Static_assert(offsetof(struct notif_header, next_serial) == 12, "next_serial at 12");
_Static_assert(offsetof(struct notif_header, lock) == 16, "lock at 16 (8-aligned: cmpxchg8b on i686)");
_Static_assert(sizeof(struct notif_iface) == 160, "notif_iface is 160 bytes");
_Static_assert(offsetof(struct notif_iface, name) == 32, "iface name at 32");
_Static_assert(sizeof(struct notif_reg) == 448, "notif_reg is 448 bytes");
_Static_assert(offsetof(struct notif_reg, create_time) == 16, "create_time at 16");
_Static_assert(offsetof(struct notif_reg, base) == 48, "base at 48");
_Static_assert(offsetof(struct notif_registry, ifaces) == 64, "ifaces at 64");
_Static_assert(offsetof(struct notif_registry, regs) == 41024, "regs at 41024");
_Static_assert(sizeof(struct notif_registry) == 155712, "registry size");

#endif /* CESHIM_NT_LAYOUT_H */
