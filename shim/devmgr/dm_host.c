/*
 * dm_host.c - CE's device manager inside the services host: stream
 * drivers named by a registry key (HKLM\Drivers\... with the services'
 * per-user and instance roots), their Active key HKLM\Drivers\Active\NN,
 * prefixed or naked (DEVFLAGS_NAKEDENTRIES) entry points called __cdecl,
 * ActivateDeviceEx and DeactivateDevice. The instance table, the name
 * claims, the opens, the calls and IOCTL_PSL_NOTIFY are the services'
 * (svc_services.c, svc_opens.c, svc_worker.c): a driver is a service
 * entry with a `driver` part. See docs/decisions.md, "Stream drivers".
 */
#include <windows.h>
#include <stdio.h>
#include <string.h>

#include <ceshim.h>
#include <devload.h>

#include "devmgr/dm_keys.h"
#include "services/common/svc_names.h"
#include "devmgr/dm_host.h"

#define ACTIVE_MAX 10000 /* Drivers\Active\00 .. 9999 */

struct dm_driver {
    WCHAR key[DEVKEY_LEN];   /* the device key, HKLM-relative, as activated */
    WCHAR active[32];        /* L"Drivers\\Active\\NN" */
    HKEY active_root;        /* where that key is (NULL: not created) */
    char entry_prefix[8];    /* "ABC_", or "" for naked entries / no Prefix */
    uint64_t param;          /* lpvParam, a client address passed on unchanged */
    DWORD client_info;
    dm_init_fn init;
    uint8_t *regini;         /* a heap copy of the request's REGINI records */
    DWORD regini_len, regini_count;
    GUID guids[DM_GUIDS_MAX];/* IClass, as read at activation */
    DWORD guid_count;
    BOOL registered;         /* RegisterDevice: XXX_Init(dwInfo), no Active key */
    DWORD info;
};

/* ---- the device key: the services' roots, for a path --------------------------------- */

static BOOL read_sz(HKEY k, const WCHAR *name, WCHAR *out, DWORD cch)
{
    DWORD type = 0, bytes = (cch - 1) * sizeof(WCHAR);
    memset(out, 0, cch * sizeof(WCHAR));
    return RegQueryValueExW(k, name, NULL, &type, (BYTE *)out, &bytes) == ERROR_SUCCESS &&
           (type == REG_SZ || type == REG_EXPAND_SZ) && out[0];
}

static BOOL read_dword(HKEY k, const WCHAR *name, DWORD *out)
{
    DWORD type = 0, bytes = sizeof(*out);
    return RegQueryValueExW(k, name, NULL, &type, (BYTE *)out, &bytes) == ERROR_SUCCESS && type == REG_DWORD &&
           bytes == sizeof(*out);
}

struct driver_config {
    WCHAR dll[MAX_PATH];
    WCHAR prefix[4]; /* "" when absent */
    DWORD index;     /* ~0u when absent */
    DWORD flags;
    GUID guids[DM_GUIDS_MAX];
    DWORD guid_count;
};

static int hex_digit(WCHAR c)
{
    return c >= L'0' && c <= L'9' ? c - L'0' : c >= L'a' && c <= L'f' ? c - L'a' + 10
         : c >= L'A' && c <= L'F' ? c - L'A' + 10 : -1;
}

/* "{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}" (anything may follow, such as
 * "=name") into *g. */
static BOOL parse_guid(const WCHAR *s, GUID *g)
{
    static const int groups[5] = { 8, 4, 4, 4, 12 };
    BYTE bytes[16];
    int nbytes = 0;
    if (*s++ != L'{')
        return FALSE;
    for (int grp = 0; grp < 5; grp++) {
        for (int i = 0; i < groups[grp]; i += 2) {
            int hi = hex_digit(s[0]), lo = hi < 0 ? -1 : hex_digit(s[1]);
            if (lo < 0)
                return FALSE;
            bytes[nbytes++] = (BYTE)(hi * 16 + lo);
            s += 2;
        }
        if (*s++ != (grp == 4 ? L'}' : L'-'))
            return FALSE;
    }
    g->Data1 = (DWORD)bytes[0] << 24 | (DWORD)bytes[1] << 16 | (DWORD)bytes[2] << 8 | bytes[3];
    g->Data2 = (WORD)(bytes[4] << 8 | bytes[5]);
    g->Data3 = (WORD)(bytes[6] << 8 | bytes[7]);
    memcpy(g->Data4, bytes + 8, 8);
    return TRUE;
}

/* IClass: REG_SZ or REG_MULTI_SZ of "{GUID}" (or "{GUID}=name") strings;
 * unparsable entries are skipped. */
static void read_iclass(HKEY k, struct driver_config *cfg)
{
    WCHAR buf[512];
    DWORD type = 0, bytes = sizeof(buf) - 2 * sizeof(WCHAR);
    cfg->guid_count = 0;
    memset(buf, 0, sizeof(buf));
    if (RegQueryValueExW(k, DEVLOAD_ICLASS_VALNAME, NULL, &type, (BYTE *)buf, &bytes) ||
        (type != REG_SZ && type != REG_MULTI_SZ))
        return;
    for (const WCHAR *p = buf; *p && cfg->guid_count < DM_GUIDS_MAX; p += wcslen(p) + 1)
        if (parse_guid(p, &cfg->guids[cfg->guid_count]))
            cfg->guid_count++;
}

static DWORD read_config(const WCHAR *path, struct driver_config *cfg)
{
    HKEY k;
    LONG rc = dm_open_device_key(path, KEY_READ, &k);
    if (rc)
        return rc == ERROR_FILE_NOT_FOUND || rc == ERROR_PATH_NOT_FOUND ? ERROR_FILE_NOT_FOUND : (DWORD)rc;
    DWORD err = ERROR_SUCCESS;
    WCHAR prefix[DEVPREFIX_LEN];
    if (!read_sz(k, DEVLOAD_DLLNAME_VALNAME, cfg->dll, MAX_PATH))
        err = ERROR_INVALID_PARAMETER;
    cfg->prefix[0] = 0;
    if (!err && read_sz(k, DEVLOAD_PREFIX_VALNAME, prefix, DEVPREFIX_LEN)) {
        /* Three characters, as CE's names are built (PipeLib's "PD0" too). */
        if (wcslen(prefix) != 3 || !iswalnum(prefix[0]) || !iswalnum(prefix[1]) || !iswalnum(prefix[2]))
            err = ERROR_INVALID_PARAMETER;
        else
            wcscpy(cfg->prefix, prefix);
    }
    if (!read_dword(k, DEVLOAD_INDEX_VALNAME, &cfg->index))
        cfg->index = ~0u;
    if (!read_dword(k, DEVLOAD_FLAGS_VALNAME, &cfg->flags))
        cfg->flags = 0;
    read_iclass(k, cfg);
    RegCloseKey(k);
    return err;
}

/* ---- the Active key ------------------------------------------------------------------- */

static LONG set_sz(HKEY k, const WCHAR *name, const WCHAR *text)
{
    return RegSetValueExW(k, name, 0, REG_SZ, (const BYTE *)text, (DWORD)((wcslen(text) + 1) * sizeof(WCHAR)));
}

static LONG set_dword(HKEY k, const WCHAR *name, DWORD v)
{
    return RegSetValueExW(k, name, 0, REG_DWORD, (const BYTE *)&v, sizeof(v));
}

/* The lowest free Drivers\Active\NN under root, created volatile (it goes
 * with the session if the host dies). Creation tells "free" atomically
 * across hosts. */
static LONG create_active(HKEY root, struct dm_driver *d, HKEY *out)
{
    HKEY parent;
    /* The parent stays non-volatile: driver keys may live under Drivers. */
    LONG rc = RegCreateKeyExW(root, DEVLOAD_ACTIVE_KEY, 0, NULL, 0, KEY_ALL_ACCESS, NULL, &parent, NULL);
    if (rc)
        return rc;
    for (int n = 0; n < ACTIVE_MAX; n++) {
        WCHAR sub[8];
        DWORD disposition = 0;
        HKEY k;
        _snwprintf(sub, ARRAYSIZE(sub), L"%02d", n);
        rc = RegCreateKeyExW(parent, sub, 0, NULL, REG_OPTION_VOLATILE, KEY_ALL_ACCESS, NULL, &k, &disposition);
        if (rc)
            break;
        if (disposition == REG_CREATED_NEW_KEY) {
            _snwprintf(d->active, ARRAYSIZE(d->active), L"%ls\\%ls", DEVLOAD_ACTIVE_KEY, sub);
            d->active[ARRAYSIZE(d->active) - 1] = 0;
            *out = k;
            RegCloseKey(parent);
            return ERROR_SUCCESS;
        }
        RegCloseKey(k);
    }
    RegCloseKey(parent);
    return rc ? rc : ERROR_TOO_MANY_OPEN_FILES;
}

/* Writes the ActivateDeviceEx REGINI records into k. */
static LONG write_regini(HKEY k, const struct dm_driver *d)
{
    uint64_t off = 0;
    for (DWORD i = 0; i < d->regini_count; i++) {
        struct dm_regini_rec rec;
        memcpy(&rec, d->regini + off, sizeof(rec)); /* validated by dm_op_activate */
        const WCHAR *name = (const WCHAR *)(d->regini + off + sizeof(rec));
        const BYTE *data = d->regini + off + sizeof(rec) + (uint64_t)rec.name_chars * sizeof(WCHAR);
        LONG rc = RegSetValueExW(k, name, 0, rec.type, data, rec.data_len);
        if (rc)
            return rc;
        off = DM_ALIGN4(off + sizeof(rec) + (uint64_t)rec.name_chars * sizeof(WCHAR) + rec.data_len);
    }
    return ERROR_SUCCESS;
}

DWORD dm_active_create(struct svc_service *svc)
{
    struct dm_driver *d = svc->driver;
    if (d->registered)
        return ERROR_SUCCESS; /* CE5's RegisterDevice: Init gets dwInfo, not an Active key */
    HKEY k, root = HKEY_LOCAL_MACHINE;
    LONG rc = create_active(root, d, &k);
    if (rc == ERROR_ACCESS_DENIED) { /* Windows without admin rights: see docs/decisions.md */
        root = HKEY_CURRENT_USER;
        rc = create_active(root, d, &k);
    }
    if (rc)
        return (DWORD)rc;
    d->active_root = root;
    WCHAR full[16];
    rc = set_dword(k, DEVLOAD_HANDLE_VALNAME, dm_handle_encode(SVC_OWN_BITS, svc->id, svc->gen));
    if (!rc)
        rc = set_sz(k, DEVLOAD_DEVKEY_VALNAME, d->key);
    if (!rc)
        rc = set_dword(k, DEVLOAD_CLIENTINFO_VALNAME, d->client_info);
    if (!rc && svc->device[0]) {
        /* Name "ABC1:" for a one-digit Index; FullName "ABC1" / "ABC12" always. */
        wcscpy(full, svc->device);
        WCHAR *colon = wcschr(full, L':');
        if (colon) {
            *colon = 0;
            rc = set_sz(k, DEVLOAD_DEVNAME_VALNAME, svc->device);
        }
        if (!rc)
            rc = set_sz(k, DEVLOAD_DEVFULLNAME_VALNAME, full);
    }
    if (!rc)
        rc = write_regini(k, d);
    RegCloseKey(k);
    if (rc)
        dm_active_delete(svc);
    return (DWORD)rc;
}

void dm_active_delete(struct svc_service *svc)
{
    struct dm_driver *d = svc->driver;
    if (d && d->active_root) {
        RegDeleteTreeW(d->active_root, d->active);
        RegDeleteKeyW(d->active_root, d->active);
        d->active_root = NULL;
    }
}

void dm_driver_free(struct svc_service *svc)
{
    if (svc->driver) {
        HeapFree(GetProcessHeap(), 0, svc->driver->regini);
        HeapFree(GetProcessHeap(), 0, svc->driver);
        svc->driver = NULL;
    }
}

/* ---- entry points ----------------------------------------------------------------------- */

static void *entry(struct svc_service *svc, const char *name)
{
    char full[32];
    _snprintf(full, sizeof(full), "%s%s", svc->driver->entry_prefix, name);
    full[sizeof(full) - 1] = 0;
    FARPROC p = GetProcAddress(svc->module, full);
    void *v;
    memcpy(&v, &p, sizeof(v)); /* function to object pointer, without a cast warning */
    return v;
}

#define ENTRY(field, name) \
    do { void *p_ = entry(svc, name); memcpy(&(field), &p_, sizeof(p_)); } while (0)

BOOL dm_resolve(struct svc_service *svc)
{
    struct dm_driver *d = svc->driver;
    ENTRY(d->init, "Init");
    ENTRY(svc->deinit, "Deinit");
    ENTRY(svc->open, "Open");
    ENTRY(svc->close, "Close");
    ENTRY(svc->preclose, "PreClose");
    ENTRY(svc->predeinit, "PreDeinit");
    ENTRY(svc->read, "Read");
    ENTRY(svc->write, "Write");
    ENTRY(svc->seek, "Seek");
    ENTRY(svc->ioctl, "IOControl");
    /* CE's load-time rule: Init and Deinit; a named device also Open, Close
     * and something to call; PreClose needs PreDeinit. */
    BOOL named = svc->device[0] != 0;
    return d->init && svc->deinit &&
           (!named || (svc->open && svc->close && (svc->read || svc->write || svc->seek || svc->ioctl))) &&
           (!svc->preclose || svc->predeinit);
}

DWORD dm_call_init(struct svc_service *svc)
{
    struct dm_driver *d = svc->driver;
    if (d->registered) /* XXX_Init(DWORD dwInfo): the same first argument slot, __cdecl */
        return d->init((LPCWSTR)(uintptr_t)d->info, NULL);
    return d->init(d->active, (LPCVOID)(uintptr_t)d->param);
}

/* ---- ActivateDeviceEx / DeactivateDevice -------------------------------------------------- */

/* One attempt at `index` (~0u: the driver has no name). */
static DWORD activate_at(const struct driver_config *cfg, DWORD index, struct dm_driver *tmpl,
                         struct svc_service **out)
{
    struct svc_service *svc = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*svc));
    struct dm_driver *d = HeapAlloc(GetProcessHeap(), 0, sizeof(*d));
    uint8_t *regini = tmpl->regini_len ? HeapAlloc(GetProcessHeap(), 0, tmpl->regini_len) : NULL;
    if (!svc || !d || (tmpl->regini_len && !regini)) {
        HeapFree(GetProcessHeap(), 0, svc);
        HeapFree(GetProcessHeap(), 0, d);
        HeapFree(GetProcessHeap(), 0, regini);
        return ERROR_OUTOFMEMORY;
    }
    *d = *tmpl;
    d->regini = regini;
    if (regini)
        memcpy(regini, tmpl->regini, tmpl->regini_len);
    svc->driver = d;
    memcpy(d->guids, cfg->guids, sizeof(d->guids));
    d->guid_count = cfg->guid_count;
    wcsncpy(svc->dll, cfg->dll, MAX_PATH - 1);
    svc->flags = cfg->flags;
    if (cfg->prefix[0] && index != ~0u)
        _snwprintf(svc->device, ARRAYSIZE(svc->device), index < 10 ? L"%ls%lu:" : L"%ls%lu", cfg->prefix,
                   (unsigned long)index);
    if (cfg->prefix[0] && !(cfg->flags & DEVFLAGS_NAKEDENTRIES))
        _snprintf(d->entry_prefix, sizeof(d->entry_prefix), "%c%c%c_", (char)cfg->prefix[0], (char)cfg->prefix[1],
                  (char)cfg->prefix[2]);
    else
        d->entry_prefix[0] = 0; /* naked, or no Prefix: undecorated (docs/decisions.md) */
    return svc_services_load_driver(svc, out);
}

static DWORD activate(struct dm_driver *tmpl, struct svc_service **out)
{
    struct driver_config cfg;
    DWORD err = read_config(tmpl->key, &cfg);
    if (err)
        return err;
    if (cfg.flags & DEVFLAGS_NOLOAD)
        return ERROR_SERVICE_DISABLED;
    if (!cfg.prefix[0] || cfg.index != ~0u)
        return activate_at(&cfg, cfg.prefix[0] ? cfg.index : ~0u, tmpl, out);
    /* No Index: the lowest free of 1..9, then 0 (CE's legacy order). */
    for (DWORD i = 1; i <= 10; i++) {
        err = activate_at(&cfg, i % 10, tmpl, out);
        if (err != ERROR_DEVICE_IN_USE)
            break;
    }
    return err;
}

/* Checks the REGINI records of the request (read once from the copy). */
static BOOL regini_valid(const uint8_t *p, DWORD len, DWORD count)
{
    uint64_t off = 0;
    for (DWORD i = 0; i < count; i++) {
        struct dm_regini_rec rec;
        if (off + sizeof(rec) > len)
            return FALSE;
        memcpy(&rec, p + off, sizeof(rec));
        uint64_t name_bytes = (uint64_t)rec.name_chars * sizeof(WCHAR);
        uint64_t end = off + sizeof(rec) + name_bytes + rec.data_len;
        if (rec.name_chars < 2 || rec.name_chars > 256 || end > len)
            return FALSE;
        const WCHAR *name = (const WCHAR *)(p + off + sizeof(rec));
        if (name[rec.name_chars - 1] != 0 || wcslen(name) != rec.name_chars - 1)
            return FALSE;
        off = DM_ALIGN4(end);
    }
    return TRUE;
}

void dm_op_activate(DWORD pid, const struct svc_request *rq, const uint8_t *in, struct svc_reply *rp)
{
    struct dm_activate_in head;
    struct dm_driver tmpl;
    DWORD err = ERROR_INVALID_PARAMETER;
    memset(&tmpl, 0, sizeof(tmpl));
    uint32_t in_len = rq->in_len;
    if (in_len < sizeof(head))
        goto done;
    memcpy(&head, in, sizeof(head));
    uint64_t key_end = sizeof(head) + (uint64_t)head.key_chars * sizeof(WCHAR);
    if (head.key_chars < 2 || head.key_chars > DEVKEY_LEN || key_end > in_len)
        goto done;
    memcpy(tmpl.key, in + sizeof(head), head.key_chars * sizeof(WCHAR));
    if (tmpl.key[head.key_chars - 1] != 0 || wcslen(tmpl.key) != head.key_chars - 1)
        goto done;
    uint64_t regini_off = DM_ALIGN4(key_end);
    if (regini_off > in_len)
        goto done;
    tmpl.regini_len = (DWORD)(in_len - regini_off);
    tmpl.regini_count = head.count;
    tmpl.client_info = head.client_info;
    tmpl.param = head.param;
    /* One private copy: the client's area may change under us. */
    if (tmpl.regini_len) {
        tmpl.regini = HeapAlloc(GetProcessHeap(), 0, tmpl.regini_len);
        if (!tmpl.regini) {
            err = ERROR_OUTOFMEMORY;
            goto done;
        }
        memcpy(tmpl.regini, in + regini_off, tmpl.regini_len);
    }
    if (!regini_valid(tmpl.regini, tmpl.regini_len, tmpl.regini_count))
        goto done;
    struct svc_service *svc = NULL;
    ceshim_caller_enter(pid); /* XXX_Init's GetCallerProcess is the activating process */
    err = activate(&tmpl, &svc);
    ceshim_caller_leave();
    if (!err)
        rp->value = dm_handle_encode(SVC_OWN_BITS, svc->id, svc->gen);
done:
    HeapFree(GetProcessHeap(), 0, tmpl.regini);
    rp->ok = !err;
    rp->error = err;
}

void dm_op_register(DWORD pid, const struct svc_request *rq, const uint8_t *in, struct svc_reply *rp)
{
    /* in: the prefix (3 characters and a NUL) at 0, the DLL path at 8. */
    WCHAR prefix[4];
    struct driver_config cfg;
    struct dm_driver tmpl;
    DWORD err = ERROR_INVALID_PARAMETER;
    memset(&cfg, 0, sizeof(cfg));
    memset(&tmpl, 0, sizeof(tmpl));
    size_t dll_chars = rq->in_len > 8 ? (rq->in_len - 8) / sizeof(WCHAR) : 0;
    if (rq->in_len >= 8 && dll_chars >= 2 && dll_chars <= MAX_PATH && rq->arg0 <= 9) {
        memcpy(prefix, in, sizeof(prefix));
        memcpy(cfg.dll, in + 8, dll_chars * sizeof(WCHAR));
        if (prefix[3] == 0 && wcslen(prefix) == 3 && iswalnum(prefix[0]) && iswalnum(prefix[1]) &&
            iswalnum(prefix[2]) && cfg.dll[dll_chars - 1] == 0 && wcslen(cfg.dll) == dll_chars - 1) {
            wcscpy(cfg.prefix, prefix);
            tmpl.registered = TRUE;
            tmpl.info = rq->arg1;
            struct svc_service *svc = NULL;
            ceshim_caller_enter(pid);
            err = activate_at(&cfg, rq->arg0, &tmpl, &svc);
            ceshim_caller_leave();
            if (!err)
                rp->value = dm_handle_encode(SVC_OWN_BITS, svc->id, svc->gen);
        }
    }
    rp->ok = !err;
    rp->error = err;
}

void dm_op_deactivate(DWORD pid, const struct svc_request *rq, struct svc_reply *rp)
{
    struct svc_service *svc = svc_driver_get(rq->handle_id, rq->handle_gen);
    DWORD err = ERROR_INVALID_HANDLE;
    if (svc && pid == GetCurrentProcessId()) {
        /* A driver deactivating itself from its own thread (PipeDev does)
         * returns into its DLL: the DLL stays loaded for the host's life,
         * so no thread ever runs in an unloaded DLL. */
        HMODULE pin;
        GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_PIN | GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS,
                           (LPCWSTR)(void *)svc->module, &pin);
    }
    if (svc) {
        ceshim_caller_enter(pid);
        err = svc_services_unload(svc);
        ceshim_caller_leave();
        svc_service_put(svc);
        if (!err)
            svc_service_free(svc);
        else if (err == ERROR_INVALID_PARAMETER)
            err = ERROR_INVALID_HANDLE; /* another caller is unloading it */
    }
    rp->ok = !err;
    rp->error = err;
}

/* ---- interfaces ------------------------------------------------------------------------ */

void dm_advertise(struct svc_service *svc, BOOL add)
{
    const struct dm_driver *d = svc->driver;
    WCHAR name[32];
    if (wcschr(svc->device, L':'))
        wcscpy(name, svc->device); /* the legacy name, "ABC1:" */
    else
        _snwprintf(name, ARRAYSIZE(name), L"\\$device\\%ls", svc->device);
    name[ARRAYSIZE(name) - 1] = 0;
    DWORD saved = GetLastError();
    for (DWORD i = 0; i < d->guid_count; i++)
        AdvertiseInterface(&d->guids[i], name, add);
    if (svc->device[0])
        AdvertiseInterface(&dm_stream_guid, name, add);
    SetLastError(saved);
}

/* ---- the drivers' records (FindFirstDevice, GetDeviceInformationBy*) ---------------------- */

static void fill_record(const struct svc_service *svc, struct dm_device_rec *r)
{
    const struct dm_driver *d = svc->driver;
    memset(r, 0, sizeof(*r));
    r->handle = dm_handle_encode(SVC_OWN_BITS, svc->id, svc->gen);
    r->guid_count = d->guid_count;
    memcpy(r->guids, d->guids, d->guid_count * sizeof(GUID));
    size_t len = wcslen(svc->device);
    if (len && svc->device[len - 1] == L':') {
        memcpy(r->legacy, svc->device, (len + 1) * sizeof(WCHAR));
        len--;
    }
    memcpy(r->full, svc->device, len * sizeof(WCHAR));
    memcpy(r->key, d->key, wcslen(d->key) * sizeof(WCHAR));
    r->opens = svc_opens_count(svc);
}

void dm_op_list(DWORD pid, const struct svc_request *rq, uint8_t *out, struct svc_reply *rp)
{
    DWORD cap = rq->out_len / (DWORD)sizeof(struct dm_device_rec), n = 0;
    struct dm_device_rec rec;
    DWORD err = ERROR_SUCCESS;
    if (rq->arg0 == DM_LIST_ALL) {
        static struct svc_service *pinned[DM_LIST_MAX]; /* under list_lock */
        static SRWLOCK list_lock = SRWLOCK_INIT;
        AcquireSRWLockExclusive(&list_lock);
        n = svc_drivers_pin_all(pinned, DM_LIST_MAX);
        for (DWORD i = 0; i < n; i++) {
            if (i < cap) {
                fill_record(pinned[i], &rec);
                memcpy(out + i * sizeof(rec), &rec, sizeof(rec));
            }
            svc_service_put(pinned[i]);
        }
        ReleaseSRWLockExclusive(&list_lock);
        if (n > cap)
            err = ERROR_MORE_DATA;
    } else if (rq->arg0 == DM_LIST_OPEN || rq->arg0 == DM_LIST_HANDLE) {
        /* One driver, pinned through the caller's open or by its handle. */
        struct svc_open *o = NULL;
        struct svc_service *svc;
        if (rq->arg0 == DM_LIST_OPEN) {
            o = svc_open_get(rq->handle_id, rq->handle_gen, pid);
            svc = o ? svc_open_service(o) : NULL;
        } else {
            svc = svc_driver_get(rq->handle_id, rq->handle_gen);
        }
        if (!svc || !svc->driver)
            err = ERROR_INVALID_HANDLE;
        else if (!cap)
            err = ERROR_INSUFFICIENT_BUFFER;
        else {
            fill_record(svc, &rec);
            memcpy(out, &rec, sizeof(rec));
            n = 1;
        }
        if (o)
            svc_open_put(o);
        else if (svc)
            svc_service_put(svc);
    } else {
        err = ERROR_INVALID_PARAMETER;
    }
    rp->value = n;
    rp->out_len = (n <= cap ? n : cap) * (uint32_t)sizeof(rec);
    rp->ok = !err;
    rp->error = err;
}
