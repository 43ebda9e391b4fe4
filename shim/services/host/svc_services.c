/*
 * svc_services.c - the host's service instances: loading a service DLL the
 * registry names, CE's export rules, xxx_Init/xxx_Deinit on a host thread,
 * unloading, enumeration and boot-time loading in Order.
 */
#include <windows.h>
#include <stdio.h>
#include <string.h>

#include <service.h>

#include "services/common/svc_names.h"
#include "services/host/svc_host.h"

#define SERVICES_MAX 256

/* How stream drivers load (devmgr's table): only a driver (svc->driver
 * set, which devmgr alone does) comes this way. */
static const struct svc_driver_model *drivers(void)
{
    return svc_host_driver_model();
}

static SRWLOCK table_lock = SRWLOCK_INIT;
static struct svc_service *table[SERVICES_MAX]; /* loaded or loading, by id - 1 */
/* Generations start at a per-host value: an activation handle value
 * (which carries 17 bits of one, dm_proto.h) kept from a host that died
 * then rarely names a driver of the next host. */
static uint32_t next_gen;

/* Why boot services did not load, by device name (under table_lock): a
 * CreateFile of one gets the load's error, not "no such device". */
#define BOOT_FAILURES_MAX 32
static struct boot_failure {
    WCHAR device[6];
    DWORD error;
} boot_failures[BOOT_FAILURES_MAX];

static struct boot_failure *boot_failure_locked(const WCHAR *device)
{
    for (int i = 0; i < BOOT_FAILURES_MAX; i++)
        if (boot_failures[i].error && _wcsicmp(boot_failures[i].device, device) == 0)
            return &boot_failures[i];
    return NULL;
}

/* ---- the table ------------------------------------------------------------------- */

static struct svc_service *find_device_locked(const WCHAR *device)
{
    for (int i = 0; i < SERVICES_MAX; i++)
        if (table[i] && device[0] && _wcsicmp(table[i]->device, device) == 0)
            return table[i];
    return NULL;
}

/* Reserves "ABC0:" for a new service (ERROR_DEVICE_IN_USE if loaded,
 * loading or dying). */
static DWORD reserve(struct svc_service *svc)
{
    DWORD err = ERROR_TOO_MANY_OPEN_FILES;
    AcquireSRWLockExclusive(&table_lock);
    if (find_device_locked(svc->device)) {
        err = ERROR_DEVICE_IN_USE;
    } else {
        if (!next_gen)
            next_gen = ((GetTickCount() * 2654435761u) ^ (GetCurrentProcessId() << 9)) | 1u;
        for (int i = 0; i < SERVICES_MAX; i++) {
            if (!table[i]) {
                svc->id = (uint32_t)i + 1;
                svc->gen = next_gen++;
                if (!next_gen)
                    next_gen = 1; /* 0 is never a generation */
                svc->refs = 1;
                svc->dying = 1; /* not usable until loaded */
                table[i] = svc;
                err = ERROR_SUCCESS;
                break;
            }
        }
    }
    ReleaseSRWLockExclusive(&table_lock);
    return err;
}

static void unreserve(struct svc_service *svc)
{
    AcquireSRWLockExclusive(&table_lock);
    if (svc->id && table[svc->id - 1] == svc)
        table[svc->id - 1] = NULL;
    ReleaseSRWLockExclusive(&table_lock);
    if (svc->driver)
        drivers()->active_delete(svc);
    if (svc->claim) {
        CloseHandle(svc->claim); /* the name is free for every host again */
        svc->claim = NULL;
    }
}

void svc_service_free(struct svc_service *svc)
{
    if (svc->driver)
        drivers()->driver_free(svc);
    HeapFree(GetProcessHeap(), 0, svc);
}

/* A device name is unique in the session, across the hosts of both
 * bitnesses: the host that loads "ABC0:" holds a named object for it
 * until the unload (or its death). Whoever creates it first has it. */
static DWORD claim_device_name(struct svc_service *svc)
{
    if (!svc->device[0])
        return ERROR_SUCCESS; /* a driver without Prefix has no name */
    WCHAR name[SVC_OBJECT_NAME_MAX];
    svc_device_claim_name(name, svc->device);
    HANDLE h = CreateEventW(svc_user_only_sa(), TRUE, FALSE, name);
    DWORD err = GetLastError();
    if (h && err == ERROR_ALREADY_EXISTS) {
        CloseHandle(h);
        return ERROR_DEVICE_IN_USE;
    }
    if (!h) /* access denied: another user's object squats the name */
        return err == ERROR_ACCESS_DENIED ? ERROR_DEVICE_IN_USE : err;
    svc->claim = h;
    return ERROR_SUCCESS;
}

static struct svc_service *pin_locked(struct svc_service *s)
{
    if (!s || s->dying)
        return NULL;
    InterlockedIncrement(&s->refs);
    return s;
}

struct svc_service *svc_service_get(uint32_t id, uint32_t gen)
{
    struct svc_service *s = NULL;
    AcquireSRWLockShared(&table_lock);
    if (id >= 1 && id <= SERVICES_MAX && table[id - 1] && table[id - 1]->gen == gen && !table[id - 1]->driver)
        s = pin_locked(table[id - 1]);
    ReleaseSRWLockShared(&table_lock);
    return s;
}

struct svc_service *svc_driver_get(uint32_t id, uint32_t gen_low)
{
    struct svc_service *s = NULL;
    AcquireSRWLockShared(&table_lock);
    if (id >= 1 && id <= SERVICES_MAX && table[id - 1] && table[id - 1]->driver &&
        (table[id - 1]->gen & DM_HANDLE_GEN_MASK) == gen_low)
        s = pin_locked(table[id - 1]);
    ReleaseSRWLockShared(&table_lock);
    return s;
}

struct svc_service *svc_service_by_device(const WCHAR *device)
{
    AcquireSRWLockShared(&table_lock);
    struct svc_service *s = pin_locked(find_device_locked(device));
    ReleaseSRWLockShared(&table_lock);
    return s;
}

/* ---- xxx_Init / xxx_Deinit on a host thread ------------------------------------ */

struct lifecycle {
    struct svc_service *svc;
    BOOL init; /* else Deinit */
    DWORD error;
};

static void *resolve(HMODULE m, const WCHAR *prefix, const char *entry)
{
    char name[32];
    _snprintf(name, sizeof(name), "%c%c%c_%s", (char)prefix[0], (char)prefix[1], (char)prefix[2], entry);
    name[sizeof(name) - 1] = 0;
    FARPROC p = GetProcAddress(m, name);
    void *v;
    memcpy(&v, &p, sizeof(v)); /* function to object pointer, without a cast warning */
    return v;
}

#define RESOLVE(field, type, entry) \
    do { void *p_ = resolve(svc->module, svc->device, entry); memcpy(&svc->field, &p_, sizeof(p_)); } while (0)

/* A stream driver's entry points (devmgr) and XXX_Init. */
static DWORD init_driver(struct svc_service *svc)
{
    if (!drivers()->resolve(svc)) {
        svc_host_log("%ls lacks the entry points CE requires of a stream driver", svc->dll);
        FreeLibrary(svc->module);
        svc->module = NULL;
        return ERROR_INVALID_FUNCTION;
    }
    SetLastError(0);
    svc->init_ctx = drivers()->call_init(svc);
    if (!svc->init_ctx) {
        svc_host_log("%ls: XXX_Init failed (error %lu)", svc->dll, (unsigned long)GetLastError());
        FreeLibrary(svc->module);
        svc->module = NULL;
        return ERROR_OPEN_FAILED;
    }
    return ERROR_SUCCESS;
}

/* Loads the DLL, checks CE6's export rules, calls xxx_Init. */
static DWORD load_and_init(struct svc_service *svc)
{
    svc->module = LoadLibraryW(svc->dll);
    if (!svc->module) {
        /* The loader's own reason, not CE5's blanket ERROR_FILE_NOT_FOUND:
         * a missing DLL or dependency (ERROR_MOD_NOT_FOUND), a DllMain
         * that failed (ERROR_DLL_INIT_FAILED) or crashed, the other
         * bitness (ERROR_BAD_EXE_FORMAT: the other host loads it). See
         * docs/decisions.md. */
        DWORD e = GetLastError();
        svc_host_log("cannot load %ls (error %lu)", svc->dll, (unsigned long)e);
        return e ? e : ERROR_MOD_NOT_FOUND;
    }
    if (svc->driver)
        return init_driver(svc);
    RESOLVE(init, svc_init_fn, "Init");
    RESOLVE(deinit, svc_ctx_fn, "Deinit");
    RESOLVE(open, svc_open_fn, "Open");
    RESOLVE(close, svc_ctx_fn, "Close");
    RESOLVE(preclose, svc_ctx_fn, "PreClose");
    RESOLVE(predeinit, svc_ctx_fn, "PreDeinit");
    RESOLVE(read, svc_read_fn, "Read");
    RESOLVE(write, svc_write_fn, "Write");
    RESOLVE(seek, svc_seek_fn, "Seek");
    RESOLVE(ioctl, svc_ioctl_fn, "IOControl");
    /* CE6: Init and Deinit; Open needs Close and something to call; PreClose needs PreDeinit. */
    BOOL valid = svc->init && svc->deinit &&
                 (!svc->open || (svc->close && (svc->read || svc->write || svc->seek || svc->ioctl))) &&
                 (!svc->preclose || svc->predeinit);
    if (!valid) {
        svc_host_log("%ls lacks the entry points CE requires of %.3ls", svc->dll, svc->device);
        FreeLibrary(svc->module);
        svc->module = NULL;
        return ERROR_INVALID_FUNCTION;
    }
    SetLastError(0);
    svc->init_ctx = svc->init(svc->context);
    if (!svc->init_ctx) {
        svc_host_log("%.3ls_Init failed (error %lu)", svc->device, (unsigned long)GetLastError());
        FreeLibrary(svc->module);
        svc->module = NULL;
        return ERROR_OPEN_FAILED;
    }
    return ERROR_SUCCESS;
}

static DWORD WINAPI lifecycle_thread(void *arg)
{
    struct lifecycle *lc = arg;
    if (lc->init) {
        lc->error = load_and_init(lc->svc);
    } else {
        lc->svc->deinit(lc->svc->init_ctx);
        FreeLibrary(lc->svc->module);
        lc->svc->module = NULL;
        lc->error = ERROR_SUCCESS;
    }
    return 0;
}

/* CE runs load, Init, Deinit and unload on a services-owned thread, never a
 * caller's (their TLS would leak into the service). */
static DWORD run_lifecycle(struct svc_service *svc, BOOL init)
{
    struct lifecycle lc = { svc, init, ERROR_OUTOFMEMORY };
    HANDLE t = CreateThread(NULL, 0, lifecycle_thread, &lc, 0, NULL);
    if (!t)
        return ERROR_OUTOFMEMORY;
    WaitForSingleObject(t, INFINITE);
    CloseHandle(t);
    return lc.error;
}

/* ---- loading and unloading ------------------------------------------------------ */

static DWORD load(struct svc_service *svc, DWORD keep, struct svc_service **out)
{
    DWORD err = reserve(svc);
    if (!err && (err = claim_device_name(svc)) != ERROR_SUCCESS) {
        svc_host_log("%ls is taken in this session (error %lu)", svc->device, (unsigned long)err);
        unreserve(svc);
    }
    if (!err && svc->driver && (err = drivers()->active_create(svc)) != ERROR_SUCCESS)
        unreserve(svc);
    if (err) {
        svc_service_free(svc);
        return err;
    }
    err = run_lifecycle(svc, TRUE);
    if (!err && (keep == 0 || (svc->flags & DEVFLAGS_UNLOAD))) {
        /* Run once: the DLL did its work in Init and goes (CE's DEVFLAGS_UNLOAD). */
        FreeLibrary(svc->module);
        err = ERROR_INTERNAL_ERROR;
    }
    if (err) {
        unreserve(svc);
        svc_service_free(svc);
        return err;
    }
    svc_ports_start(svc); /* a super service (SERVICE_INIT_STOPPED) gets its ports */
    if (svc->driver)
        drivers()->advertise(svc, TRUE);
    AcquireSRWLockExclusive(&table_lock);
    struct boot_failure *old = boot_failure_locked(svc->device);
    if (old)
        old->error = 0; /* it loads now */
    ReleaseSRWLockExclusive(&table_lock);
    InterlockedExchange(&svc->dying, 0);
    svc_host_log("loaded %ls as %ls", svc->dll, svc->device);
    *out = svc;
    return ERROR_SUCCESS;
}

static struct svc_service *service_new(const WCHAR *prefix, DWORD index, const WCHAR *dll)
{
    struct svc_service *svc = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*svc));
    if (!svc)
        return NULL;
    _snwprintf(svc->device, 6, L"%.3ls%lu:", prefix, (unsigned long)index);
    svc->device[5] = 0;
    wcsncpy(svc->dll, dll, MAX_PATH - 1);
    return svc;
}

DWORD svc_services_activate(const WCHAR *key, struct svc_service **out)
{
    svc_config cfg;
    DWORD err = svc_config_read(key, &cfg);
    if (err == ERROR_FILE_NOT_FOUND)
        return ERROR_FILE_NOT_FOUND;
    if (err)
        return ERROR_INVALID_PARAMETER;
    if (cfg.flags & DEVFLAGS_NOLOAD)
        return ERROR_SERVICE_NOT_ACTIVE;
    struct svc_service *svc = service_new(cfg.prefix, cfg.index, cfg.dll);
    if (!svc)
        return ERROR_OUTOFMEMORY;
    wcsncpy(svc->key, cfg.name, SVC_NAME_MAX - 1);
    svc->flags = cfg.flags;
    svc->context = cfg.context;
    return load(svc, cfg.keep, out);
}

DWORD svc_services_register(const WCHAR *prefix, DWORD index, const WCHAR *dll, DWORD info,
                            struct svc_service **out)
{
    /* Only DLLs the registry configuration names are ever loaded. */
    if (!svc_config_dll_is_configured(dll))
        return ERROR_ACCESS_DENIED;
    struct svc_service *svc = service_new(prefix, index, dll);
    if (!svc)
        return ERROR_OUTOFMEMORY;
    svc->context = info;
    return load(svc, 1, out);
}

DWORD svc_services_load_driver(struct svc_service *svc, struct svc_service **out)
{
    return load(svc, 1, out);
}

DWORD svc_services_unload(struct svc_service *svc)
{
    if (svc->flags & DEVFLAGS_NOUNLOAD)
        return ERROR_ACCESS_DENIED;
    if (svc->ioctl && !svc->driver) {
        DWORD can = 1, got = 0;
        if (svc->ioctl(svc->init_ctx, IOCTL_SERVICE_QUERY_CAN_DEINIT, NULL, 0, (PBYTE)&can, sizeof(can), &got) &&
            can == 0)
            return ERROR_SERVICE_CANNOT_ACCEPT_CTRL;
    }
    if (InterlockedExchange(&svc->dying, 1))
        return ERROR_INVALID_PARAMETER; /* someone else unloads it */
    if (svc->driver)
        drivers()->advertise(svc, FALSE); /* withdrawn before the driver goes */
    if (svc->predeinit)
        svc->predeinit(svc->init_ctx);
    svc_opens_close_service(svc);
    /* The caller holds one pin and the table one; wait out the calls. */
    while (InterlockedCompareExchange(&svc->refs, 0, 0) > 2)
        Sleep(1);
    /* No port call is in flight now (each holds a pin): unbind, then Deinit. */
    svc_ports_end(svc);
    run_lifecycle(svc, FALSE);
    svc_host_log("unloaded %ls", svc->device);
    unreserve(svc);
    return ERROR_SUCCESS;
}

/* Frees a service unloaded with svc_services_unload once unpinned. */
static void unload_and_free(struct svc_service *svc)
{
    InterlockedIncrement(&svc->refs);
    if (svc_services_unload(svc) == ERROR_SUCCESS)
        svc_service_free(svc);
}

DWORD svc_drivers_pin_all(struct svc_service **out, DWORD cap)
{
    DWORD n = 0;
    AcquireSRWLockShared(&table_lock);
    for (int i = 0; i < SERVICES_MAX && n < cap; i++)
        if (table[i] && table[i]->driver && (out[n] = pin_locked(table[i])) != NULL)
            n++;
    ReleaseSRWLockShared(&table_lock);
    return n;
}

DWORD svc_services_enum(struct svc_enum_entry *out, DWORD cap, DWORD client_pid)
{
    struct svc_service *pinned[SERVICES_MAX];
    DWORD n = 0;
    AcquireSRWLockShared(&table_lock);
    for (int i = 0; i < SERVICES_MAX; i++)
        if (table[i] && !table[i]->driver && (pinned[n] = pin_locked(table[i])) != NULL)
            n++;
    ReleaseSRWLockShared(&table_lock);
    for (DWORD i = 0; i < n; i++) {
        struct svc_service *s = pinned[i];
        if (i < cap) {
            DWORD state = SERVICE_STATE_UNKNOWN, got = 0;
            ceshim_caller_enter(client_pid);
            if (!s->ioctl ||
                !s->ioctl(s->init_ctx, IOCTL_SERVICE_STATUS, NULL, 0, (PBYTE)&state, sizeof(state), &got) ||
                got < sizeof(state))
                state = SERVICE_STATE_UNKNOWN;
            ceshim_caller_leave();
            memset(&out[i], 0, sizeof(out[i]));
            for (int c = 0; c < 5; c++)
                out[i].prefix[c] = (uint16_t)s->device[c];
            out[i].state = state;
            for (int c = 0; c < 259 && s->dll[c]; c++)
                out[i].dll[c] = (uint16_t)s->dll[c];
        }
        svc_service_put(s);
    }
    return n;
}

DWORD svc_services_boot_error(const WCHAR *device)
{
    AcquireSRWLockShared(&table_lock);
    struct boot_failure *f = boot_failure_locked(device);
    DWORD error = f ? f->error : 0;
    ReleaseSRWLockShared(&table_lock);
    return error;
}

/* Remembers a boot load's failure, except where the device is (or may be)
 * served after all: by the other bitness's host, or by whoever holds the
 * name; or where it ran and went as configured (DEVFLAGS_UNLOAD). */
static void boot_failure_note(const svc_config *cfg, DWORD error)
{
    if (error == ERROR_BAD_EXE_FORMAT || error == ERROR_DEVICE_IN_USE || error == ERROR_INTERNAL_ERROR)
        return;
    WCHAR device[6];
    _snwprintf(device, 6, L"%.3ls%lu:", cfg->prefix, (unsigned long)cfg->index);
    device[5] = 0;
    AcquireSRWLockExclusive(&table_lock);
    struct boot_failure *f = boot_failure_locked(device);
    for (int i = 0; !f && i < BOOT_FAILURES_MAX; i++)
        if (!boot_failures[i].error)
            f = &boot_failures[i];
    if (f) {
        wcscpy(f->device, device);
        f->error = error;
    }
    ReleaseSRWLockExclusive(&table_lock);
}

DWORD svc_services_boot(void)
{
    svc_config *list = NULL;
    DWORD count = 0, foreign = 0;
    if (svc_config_list(&list, &count) != ERROR_SUCCESS)
        return 0;
    for (DWORD i = 0; i < count; i++) {
        if (list[i].flags & DEVFLAGS_NOLOAD)
            continue;
        struct svc_service *svc;
        DWORD err = svc_services_activate(list[i].name, &svc);
        if (err == ERROR_BAD_EXE_FORMAT)
            foreign++; /* the other bitness's host loads it */
        if (err) {
            svc_host_log("boot: %ls not loaded (error %lu)", list[i].name, (unsigned long)err);
            boot_failure_note(&list[i], err);
        }
    }
    if (list)
        HeapFree(GetProcessHeap(), 0, list);
    return foreign;
}

void svc_services_unload_all(void)
{
    for (int i = SERVICES_MAX - 1; i >= 0; i--) {
        AcquireSRWLockShared(&table_lock);
        struct svc_service *s = table[i];
        ReleaseSRWLockShared(&table_lock);
        if (s && !s->dying)
            unload_and_free(s);
    }
}
