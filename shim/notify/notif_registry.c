/*
 * notif_registry.c - the session-wide notification registry (layout in
 * notif_layout.h): mapping it, its crash-safe lock, records, and sweeping the
 * registrations of processes that died.
 */
#include "notify/notif_local.h"

#include <string.h>
#include <wchar.h>

#include "common/atomics.h"
#include "common/process.h"
#include "common/shared_map.h"
#include "common/shlock.h"

#define ORDER_WAIT_MS 10000

static INIT_ONCE registry_once = INIT_ONCE_STATIC_INIT;
static struct notif_registry *registry;
static HANDLE order_mutex;
static DWORD registry_error;

static BOOL CALLBACK open_registry(PINIT_ONCE once, PVOID param, PVOID *context)
{
    (void)once, (void)param, (void)context;
    WCHAR base[CESHIM_BASE_MAX], name[CESHIM_BASE_MAX + 8];
    ceshim_object_base(base, L"notify", L"registry");
    ceshim_object_name(name, base, L".m");
    void *view = ceshim_map_shared(name, sizeof(struct notif_registry), &registry_error);
    if (!view)
        return FALSE;
    ceshim_object_name(name, base, L".x");
    order_mutex = CreateMutexW(NULL, FALSE, name);
    /* Mapped for the process's life: the registry (and the interfaces it
     * lists) lives while any user of it runs. */
    registry = view;
    return TRUE;
}

/* The registry, locked; NULL with *error set. */
static struct notif_registry *lock_registry(DWORD *error)
{
    if (!InitOnceExecuteOnce(&registry_once, open_registry, NULL, NULL)) {
        *error = registry_error ? registry_error : ERROR_OUTOFMEMORY;
        return NULL;
    }
    struct notif_registry *r = registry;
    /* A dead owner leaves only whole records (see notif_layout.h): taking
     * the lock over needs no repair. */
    if (ceshim_shlock_acquire(&r->hdr.lock, CESHIM_SHLOCK_GIVE_UP_MS) == CESHIM_SHLOCK_FAILED) {
        *error = ERROR_BUSY;
        return NULL;
    }
    if (r->hdr.magic == 0) {
        r->hdr.version = NOTIF_LAYOUT_VERSION;
        r->hdr.size = sizeof(struct notif_registry);
        ceshim_store32(&r->hdr.magic, NOTIF_MAGIC);
    } else if (r->hdr.magic != NOTIF_MAGIC || r->hdr.version != NOTIF_LAYOUT_VERSION ||
               r->hdr.size != sizeof(struct notif_registry)) {
        ceshim_shlock_release(&r->hdr.lock);
        *error = ERROR_FILE_CORRUPT;
        return NULL;
    }
    return r;
}

static void unlock_registry(struct notif_registry *r) { ceshim_shlock_release(&r->hdr.lock); }

BOOL notif_order_begin(void)
{
    if (!InitOnceExecuteOnce(&registry_once, open_registry, NULL, NULL) || !order_mutex)
        return FALSE;
    DWORD w = WaitForSingleObject(order_mutex, ORDER_WAIT_MS);
    return w == WAIT_OBJECT_0 || w == WAIT_ABANDONED;
}

void notif_order_end(BOOL owned)
{
    if (owned)
        ReleaseMutex(order_mutex);
}

/* ---- validation ----------------------------------------------------------------- */

static BOOL iface_valid(const struct notif_iface *f)
{
    return f->used == 1 && f->name_chars >= 1 && f->name_chars <= NOTIF_NAME_MAX;
}

static BOOL reg_valid(const struct notif_reg *g)
{
    static const WCHAR prefix[] = L"Local\\" CESHIM_LAYOUT_TAG L"q";
    const size_t n = sizeof(prefix) / sizeof(WCHAR) - 1;
    if (!g->serial || (g->kind != NOTIF_KIND_DEVICE && g->kind != NOTIF_KIND_POWER) || g->base_chars <= n ||
        g->base_chars >= NOTIF_BASE_MAX)
        return FALSE;
    /* Only a ceshim queue's objects may ever be opened from a record. */
    for (size_t i = 0; i < n; i++)
        if (g->base[i] != (uint16_t)prefix[i])
            return FALSE;
    return TRUE;
}

static void copy_target(const struct notif_reg *g, struct notif_target *t)
{
    t->pid = g->pid;
    memcpy(t->base, (const void *)g->base, g->base_chars * sizeof(WCHAR));
    t->base[g->base_chars] = 0;
}

static BOOL class_matches(const struct notif_reg *g, const uint8_t *guid)
{
    return g->any_class || memcmp(g->guid, guid, 16) == 0;
}

/* ---- registrations --------------------------------------------------------------------- */

DWORD notif_reg_add(uint32_t kind, const uint8_t *guid, uint32_t flags, const WCHAR *base, uint32_t *slot,
                 uint32_t *serial, struct notif_iface_copy *replay, size_t *replay_count)
{
    size_t base_chars = wcslen(base);
    if (base_chars >= NOTIF_BASE_MAX)
        return ERROR_INVALID_PARAMETER;
    DWORD error;
    struct notif_registry *r = lock_registry(&error);
    if (!r)
        return error;
    uint32_t i;
    for (i = 0; i < NOTIF_MAX_REGS && reg_valid(&r->regs[i]); i++)
        ;
    if (i == NOTIF_MAX_REGS) {
        unlock_registry(r);
        return ERROR_OUTOFMEMORY;
    }
    struct notif_reg *g = &r->regs[i];
    ceshim_store32(&g->serial, 0);
    g->kind = kind;
    g->pid = ceshim_self_pid();
    g->flags = flags;
    g->create_time = ceshim_self_create_time();
    static const uint8_t zero[16];
    g->any_class = !guid || memcmp(guid, zero, 16) == 0;
    memcpy(g->guid, guid ? guid : zero, 16);
    g->base_chars = (uint32_t)base_chars;
    memcpy(g->base, base, base_chars * sizeof(WCHAR));
    uint32_t s = r->hdr.next_serial + 1;
    if (s == 0)
        s = 1;
    r->hdr.next_serial = s;
    ceshim_store32(&g->serial, s); /* publish */
    if (replay) {
        size_t n = 0;
        for (uint32_t k = 0; k < NOTIF_MAX_IFACES; k++) {
            const struct notif_iface *f = &r->ifaces[k];
            if (!iface_valid(f) || !class_matches(g, f->guid))
                continue;
            memcpy(replay[n].guid, f->guid, 16);
            replay[n].id = f->id;
            memcpy(replay[n].name, (const void *)f->name, f->name_chars * sizeof(WCHAR));
            replay[n].name[f->name_chars] = 0;
            n++;
        }
        *replay_count = n;
    }
    unlock_registry(r);
    *slot = i;
    *serial = s;
    return ERROR_SUCCESS;
}

BOOL notif_reg_remove(uint32_t slot, uint32_t serial)
{
    DWORD error;
    if (slot >= NOTIF_MAX_REGS)
        return FALSE;
    struct notif_registry *r = lock_registry(&error);
    if (!r)
        return FALSE;
    struct notif_reg *g = &r->regs[slot];
    BOOL found = g->serial == serial && g->pid == ceshim_self_pid() && g->create_time == ceshim_self_create_time();
    if (found)
        ceshim_store32(&g->serial, 0);
    unlock_registry(r);
    return found;
}

void notif_sweep(void)
{
    if (!InitOnceExecuteOnce(&registry_once, open_registry, NULL, NULL))
        return;
    /* Liveness takes kernel calls: checked on a snapshot outside the lock,
     * then the records found dead are cleared if they are still the same. */
    static struct notif_reg snapshot[NOTIF_MAX_REGS];
    static SRWLOCK snapshot_lock = SRWLOCK_INIT;
    BOOL dead[NOTIF_MAX_REGS] = { 0 };
    BOOL any = FALSE;
    AcquireSRWLockExclusive(&snapshot_lock);
    for (uint32_t i = 0; i < NOTIF_MAX_REGS; i++) {
        snapshot[i].serial = ceshim_load32(&registry->regs[i].serial);
        snapshot[i].pid = registry->regs[i].pid;
        snapshot[i].create_time = registry->regs[i].create_time;
    }
    for (uint32_t i = 0; i < NOTIF_MAX_REGS; i++) {
        const struct notif_reg *s = &snapshot[i];
        if (!s->serial || (s->pid == ceshim_self_pid() && s->create_time == ceshim_self_create_time()))
            continue; /* ours; our pid with another creation time is an earlier process's */
        /* One liveness check per process, whatever its number of records. */
        BOOL known = FALSE;
        for (uint32_t j = 0; j < i && !known; j++) {
            if (snapshot[j].serial && snapshot[j].pid == s->pid && snapshot[j].create_time == s->create_time) {
                dead[i] = dead[j];
                known = TRUE;
            }
        }
        if (!known)
            dead[i] = !ceshim_process_alive(s->pid, s->create_time);
        any |= dead[i];
    }
    DWORD error;
    struct notif_registry *r = any ? lock_registry(&error) : NULL;
    if (r) {
        for (uint32_t i = 0; i < NOTIF_MAX_REGS; i++) {
            struct notif_reg *g = &r->regs[i];
            if (dead[i] && g->serial == snapshot[i].serial && g->pid == snapshot[i].pid &&
                g->create_time == snapshot[i].create_time)
                ceshim_store32(&g->serial, 0);
        }
        unlock_registry(r);
    }
    ReleaseSRWLockExclusive(&snapshot_lock);
}

/* ---- interfaces and targets ------------------------------------------------------------- */

static BOOL iface_is(const struct notif_iface *f, const uint8_t *guid, const WCHAR *name, size_t chars)
{
    return iface_valid(f) && memcmp(f->guid, guid, 16) == 0 && f->name_chars == chars &&
           memcmp((const void *)f->name, name, chars * sizeof(WCHAR)) == 0;
}

DWORD notif_iface_update(const uint8_t *guid, const WCHAR *name, BOOL add, struct notif_target *targets,
                      size_t *count)
{
    size_t chars = wcslen(name);
    if (chars == 0 || chars > NOTIF_NAME_MAX)
        return ERROR_INVALID_PARAMETER;
    DWORD error;
    struct notif_registry *r = lock_registry(&error);
    if (!r)
        return error;
    uint32_t found = NOTIF_MAX_IFACES, free_slot = NOTIF_MAX_IFACES;
    for (uint32_t i = 0; i < NOTIF_MAX_IFACES; i++) {
        if (iface_is(&r->ifaces[i], guid, name, chars))
            found = i;
        else if (free_slot == NOTIF_MAX_IFACES && !iface_valid(&r->ifaces[i]))
            free_slot = i;
    }
    if (add && found != NOTIF_MAX_IFACES)
        error = ERROR_ALREADY_EXISTS;
    else if (!add && found == NOTIF_MAX_IFACES)
        error = ERROR_NOT_FOUND;
    else if (add && free_slot == NOTIF_MAX_IFACES)
        error = ERROR_OUTOFMEMORY;
    else
        error = ERROR_SUCCESS;
    if (error) {
        unlock_registry(r);
        return error;
    }
    if (add) {
        struct notif_iface *f = &r->ifaces[free_slot];
        ceshim_store32(&f->used, 0);
        f->id = 0;
        memcpy(f->guid, guid, 16);
        f->name_chars = (uint32_t)chars;
        memcpy(f->name, name, chars * sizeof(WCHAR));
        ceshim_store32(&f->used, 1); /* publish */
    } else {
        ceshim_store32(&r->ifaces[found].used, 0);
    }
    size_t n = 0;
    for (uint32_t i = 0; i < NOTIF_MAX_REGS; i++) {
        const struct notif_reg *g = &r->regs[i];
        if (reg_valid(g) && g->kind == NOTIF_KIND_DEVICE && class_matches(g, guid))
            copy_target(g, &targets[n++]);
    }
    unlock_registry(r);
    *count = n;
    return ERROR_SUCCESS;
}

DWORD notif_power_targets(uint32_t message, uint32_t only_pid, struct notif_target *targets, size_t *count)
{
    DWORD error;
    struct notif_registry *r = lock_registry(&error);
    if (!r)
        return error;
    size_t n = 0;
    for (uint32_t i = 0; i < NOTIF_MAX_REGS; i++) {
        const struct notif_reg *g = &r->regs[i];
        if (reg_valid(g) && g->kind == NOTIF_KIND_POWER && (g->flags & message) &&
            (!only_pid || g->pid == only_pid))
            copy_target(g, &targets[n++]);
    }
    unlock_registry(r);
    *count = n;
    return ERROR_SUCCESS;
}
