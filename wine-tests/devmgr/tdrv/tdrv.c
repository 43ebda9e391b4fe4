/*
 * tdrv.c - a CE stream driver for the devmgr tests, built twice: with
 * prefixed exports (TDA_Init ...) and naked ones (Init ...), by the .def.
 * A pipe: Write appends to one buffer per instance, Read blocks until
 * there are bytes, the open is aborted (IOCTL_PSL_NOTIFY, PreClose) or
 * the instance goes (PreDeinit). XXX_Init reads its Active key as CE
 * drivers do, with RegOpenKeyEx(HKEY_LOCAL_MACHINE, activeKey).
 * Entry points are plain C functions (cdecl), as CE declares them.
 */
#include <windows.h>
#include <string.h>

#include <pkfuncs.h>

#include "tdrv_ioctl.h"

#define OPENS_MAX 64
#define INSTANCES_MAX 12
#define INIT_CTX_BASE 0x1230u /* Init contexts: base + instance number */

struct open_ctx {
    int used;
    LONG aborted;
    DWORD access;
    int deactivate_on_close;
};

/* One per activation: the DLL is loaded once for every instance. */
struct instance {
    int used;
    struct tdrv_info info;
    BYTE pipe_buf[4096];
    DWORD pipe_len;
    struct open_ctx opens[OPENS_MAX];
    LONG psl_count, blocked, dying;
};

static CRITICAL_SECTION lock;
static CONDITION_VARIABLE changed;
static struct instance instances[INSTANCES_MAX];

BOOL WINAPI DllMain(HINSTANCE dll, DWORD reason, LPVOID reserved);
static void deactivate_self(const WCHAR *active, DWORD result[2]);
static void store_self_result(const DWORD result[2]);
DWORD drv_Init(LPCWSTR active, LPCVOID param);
BOOL drv_PreDeinit(DWORD ctx);
BOOL drv_Deinit(DWORD ctx);
DWORD drv_Open(DWORD ctx, DWORD access, DWORD share);
BOOL drv_PreClose(DWORD id);
BOOL drv_Close(DWORD id);
DWORD drv_Read(DWORD id, LPVOID buf, DWORD count);
DWORD drv_Write(DWORD id, LPCVOID buf, DWORD count);
BOOL drv_IOControl(DWORD id, DWORD code, PBYTE in, DWORD in_len, PBYTE out, DWORD out_len, PDWORD actual);

BOOL WINAPI DllMain(HINSTANCE dll, DWORD reason, LPVOID reserved)
{
    (void)dll;
    (void)reserved;
    if (reason == DLL_PROCESS_ATTACH) {
        InitializeCriticalSection(&lock);
        InitializeConditionVariable(&changed);
    }
    return TRUE;
}

static struct instance *instance_of(DWORD ctx)
{
    DWORD i = ctx - INIT_CTX_BASE;
    return i < INSTANCES_MAX && instances[i].used ? &instances[i] : NULL;
}

/* Open contexts: instance * 100 + open number + 1. */
static struct open_ctx *ctx_of(DWORD id, struct instance **inst)
{
    DWORD i = id / 100, n = id % 100;
    if (i >= INSTANCES_MAX || !instances[i].used || n < 1 || n > OPENS_MAX || !instances[i].opens[n - 1].used)
        return NULL;
    *inst = &instances[i];
    return &instances[i].opens[n - 1];
}

static void read_value(HKEY k, const WCHAR *name, void *out, DWORD bytes)
{
    DWORD type;
    RegQueryValueExW(k, name, NULL, &type, out, &bytes);
}

DWORD drv_Init(LPCWSTR active, LPCVOID param)
{
    struct tdrv_info info;
    memset(&info, 0, sizeof(info));
    if ((ULONG_PTR)active < 0x10000) {
        /* CE5's RegisterDevice: the argument is dwInfo, not a key path. */
        info.client_info = (DWORD)(ULONG_PTR)active;
        lstrcpynW(info.active, L"(RegisterDevice)", 64);
        active = NULL;
    } else {
        lstrcpynW(info.active, active, 64);
    }
    info.param = (unsigned long long)(ULONG_PTR)param;
#ifdef TDRV_NAKED
    info.naked = 1;
#endif
    HKEY k;
    if (!active)
        goto registered;
    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, active, 0, KEY_READ, &k))
        return 0;
    read_value(k, L"Name", info.name, sizeof(info.name) - sizeof(WCHAR));
    read_value(k, L"FullName", info.full_name, sizeof(info.full_name) - sizeof(WCHAR));
    read_value(k, L"Key", info.key, sizeof(info.key) - sizeof(WCHAR));
    read_value(k, L"Hnd", &info.hnd, sizeof(info.hnd));
    read_value(k, L"ClientInfo", &info.client_info, sizeof(info.client_info));
    read_value(k, L"TestValue", &info.regini_value, sizeof(info.regini_value));
    RegCloseKey(k);
    /* The recommended way to the device key (CE's OpenDeviceKey page). */
    HKEY dev = OpenDeviceKey(active);
    if (dev) {
        read_value(dev, L"Prefix", info.key_prefix, sizeof(info.key_prefix) - sizeof(WCHAR));
        RegCloseKey(dev);
    }
registered:
    if (info.client_info == 0xBAD || info.regini_value == 0xBAD)
        return 0; /* the tests' "Init fails" */
    DWORD ctx = 0;
    EnterCriticalSection(&lock);
    for (DWORD i = 0; i < INSTANCES_MAX && !ctx; i++)
        if (!instances[i].used) {
            memset(&instances[i], 0, sizeof(instances[i]));
            instances[i].used = 1;
            instances[i].info = info;
            ctx = INIT_CTX_BASE + i;
        }
    LeaveCriticalSection(&lock);
    return ctx;
}

BOOL drv_PreDeinit(DWORD ctx)
{
    EnterCriticalSection(&lock);
    struct instance *inst = instance_of(ctx);
    if (inst)
        inst->dying = 1;
    WakeAllConditionVariable(&changed);
    LeaveCriticalSection(&lock);
    return inst != NULL;
}

BOOL drv_Deinit(DWORD ctx)
{
    EnterCriticalSection(&lock);
    struct instance *inst = instance_of(ctx);
    if (inst)
        inst->used = 0;
    LeaveCriticalSection(&lock);
    return inst != NULL;
}

DWORD drv_Open(DWORD ctx, DWORD access, DWORD share)
{
    (void)share;
    DWORD id = 0;
    EnterCriticalSection(&lock);
    struct instance *inst = instance_of(ctx);
    for (int i = 0; inst && i < OPENS_MAX && !id; i++)
        if (!inst->opens[i].used) {
            inst->opens[i].used = 1;
            inst->opens[i].aborted = 0;
            inst->opens[i].access = access;
            id = (ctx - INIT_CTX_BASE) * 100 + (DWORD)i + 1;
        }
    LeaveCriticalSection(&lock);
    return id;
}

BOOL drv_PreClose(DWORD id)
{
    struct instance *inst;
    EnterCriticalSection(&lock);
    struct open_ctx *o = ctx_of(id, &inst);
    if (o)
        o->aborted = 1;
    WakeAllConditionVariable(&changed);
    LeaveCriticalSection(&lock);
    return o != NULL;
}

BOOL drv_Close(DWORD id)
{
    struct instance *inst;
    WCHAR active[64];
    int deactivate = 0;
    EnterCriticalSection(&lock);
    struct open_ctx *o = ctx_of(id, &inst);
    if (o) {
        o->used = 0;
        deactivate = o->deactivate_on_close;
        memcpy(active, inst->info.active, sizeof(active));
    }
    LeaveCriticalSection(&lock);
    if (deactivate) {
        DWORD result[2];
        deactivate_self(active, result);
        store_self_result(result);
    }
    return o != NULL;
}

DWORD drv_Read(DWORD id, LPVOID buf, DWORD count)
{
    DWORD got = (DWORD)-1;
    struct instance *inst = NULL;
    EnterCriticalSection(&lock);
    struct open_ctx *o = ctx_of(id, &inst);
    if (o)
        inst->blocked++;
    while (o && !inst->pipe_len && !o->aborted && !inst->dying)
        SleepConditionVariableCS(&changed, &lock, INFINITE);
    if (o)
        inst->blocked--;
    if (o && inst->pipe_len) {
        got = count < inst->pipe_len ? count : inst->pipe_len;
        memcpy(buf, inst->pipe_buf, got);
        memmove(inst->pipe_buf, inst->pipe_buf + got, inst->pipe_len - got);
        inst->pipe_len -= got;
    } else {
        SetLastError(ERROR_OPERATION_ABORTED);
    }
    LeaveCriticalSection(&lock);
    return got;
}

DWORD drv_Write(DWORD id, LPCVOID buf, DWORD count)
{
    DWORD put = (DWORD)-1;
    struct instance *inst;
    EnterCriticalSection(&lock);
    if (ctx_of(id, &inst)) {
        put = count < sizeof(inst->pipe_buf) - inst->pipe_len ? count : (DWORD)sizeof(inst->pipe_buf) - inst->pipe_len;
        memcpy(inst->pipe_buf + inst->pipe_len, buf, put);
        inst->pipe_len += put;
        WakeAllConditionVariable(&changed);
    }
    LeaveCriticalSection(&lock);
    return put;
}

/* Reads Hnd from the Active key and deactivates it: result, error. */
static void deactivate_self(const WCHAR *active, DWORD result[2])
{
    DWORD hnd = 0;
    HKEY k;
    if (!RegOpenKeyExW(HKEY_LOCAL_MACHINE, active, 0, KEY_READ, &k)) {
        read_value(k, L"Hnd", &hnd, sizeof(hnd));
        RegCloseKey(k);
    }
    SetLastError(0);
    result[0] = (DWORD)DeactivateDevice((HANDLE)(ULONG_PTR)hnd);
    result[1] = GetLastError();
}

static void store_self_result(const DWORD result[2])
{
    HKEY k;
    if (!RegCreateKeyExW(HKEY_CURRENT_USER, TDRV_SELF_KEY, 0, NULL, 0, KEY_SET_VALUE, NULL, &k, NULL)) {
        RegSetValueExW(k, L"Result", 0, REG_BINARY, (const BYTE *)result, 2 * sizeof(DWORD));
        RegCloseKey(k);
    }
}

/* PipeDev's pattern: a thread of the driver deactivates the instance. */
static DWORD WINAPI self_deactivate(void *arg)
{
    WCHAR *active = arg;
    DWORD result[2] = { 0, 0 };
    deactivate_self(active, result);
    HeapFree(GetProcessHeap(), 0, active);
    store_self_result(result);
    return 0;
}

/* A counter as the out buffer's one DWORD. */
static BOOL answer_dword(DWORD v, PBYTE out, DWORD out_len, PDWORD actual)
{
    if (!out || out_len < sizeof(v))
        return FALSE;
    memcpy(out, &v, sizeof(v));
    if (actual)
        *actual = sizeof(v);
    return TRUE;
}

/* The struct tdrv_embedded that in holds (ERROR_INVALID_PARAMETER if not one). */
static BOOL take_embedded(const PBYTE in, DWORD in_len, struct tdrv_embedded *e)
{
    if (!in || in_len != sizeof(*e)) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    memcpy(e, in, sizeof(*e));
    return TRUE;
}

/* A driver following a pointer inside the caller's structure. */
static BOOL embedded(const PBYTE in, DWORD in_len, PBYTE out, DWORD out_len, PDWORD actual)
{
    struct tdrv_embedded e;
    if (!take_embedded(in, in_len, &e))
        return FALSE;
    void *client = (void *)(ULONG_PTR)e.ptr;
    BYTE *p = NULL;
    switch (e.mode) {
    case TDRV_EMB_MAP:
        p = MapCallerPtr(client, e.len);
        if (!p)
            return FALSE;
        if (MapCallerPtr(client, e.len) != p) {
            SetLastError(ERROR_INVALID_DATA);
            return FALSE;
        }
        for (DWORD i = 0; i < e.len; i++)
            p[i] = (BYTE)(0xA0 + i);
        return TRUE;
    case TDRV_EMB_OPEN: {
        void *m = NULL;
        HRESULT hr = CeOpenCallerBuffer(&m, client, e.len, ARG_IO_PTR, FALSE);
        if (hr != S_OK) {
            SetLastError(hr == E_ACCESSDENIED ? ERROR_ACCESS_DENIED : ERROR_INVALID_PARAMETER);
            return FALSE;
        }
        for (DWORD i = 0; i < e.len; i++)
            ((BYTE *)m)[i]++;
        return CeCloseCallerBuffer(m, client, e.len, ARG_IO_PTR) == S_OK;
    }
    case TDRV_EMB_PROCESS: {
        DWORD v = 0x600D;
        p = MapPtrToProcess(client, GetCallerProcess());
        if (!p)
            return FALSE;
        memcpy(p, &v, sizeof(v));
        UnMapPtr(p);
        return TRUE;
    }
    case TDRV_EMB_FIRST:
        p = MapCallerPtr(out, out_len);
        if (p != out) {
            SetLastError(ERROR_INVALID_DATA);
            return FALSE;
        }
        memset(p, 0x77, out_len);
        if (actual)
            *actual = out_len;
        return TRUE;
    }
    SetLastError(ERROR_INVALID_PARAMETER);
    return FALSE;
}

static volatile LONG big_calls;

/* A long copy in and out of the caller: every byte of a big embedded
 * buffer changes. */
static BOOL big_touch(const PBYTE in, DWORD in_len)
{
    struct tdrv_embedded e;
    if (!take_embedded(in, in_len, &e))
        return FALSE;
    InterlockedIncrement(&big_calls);
    void *client = (void *)(ULONG_PTR)e.ptr;
    BYTE *p = NULL;
    if (e.mode == TDRV_EMB_OPEN) {
        if (CeOpenCallerBuffer((void **)&p, client, e.len, ARG_IO_PTR, FALSE) != S_OK) {
            SetLastError(ERROR_ACCESS_DENIED);
            return FALSE;
        }
    } else if (!(p = MapCallerPtr(client, e.len))) {
        return FALSE;
    }
    for (DWORD i = 0; i < e.len; i++)
        p[i]++;
    if (e.mode == TDRV_EMB_OPEN && CeCloseCallerBuffer(p, client, e.len, ARG_IO_PTR) != S_OK) {
        SetLastError(ERROR_ACCESS_DENIED);
        return FALSE;
    }
    return TRUE;
}

static volatile LONG probe_active;

static BOOL probe_loop(const PBYTE in, DWORD in_len)
{
    struct tdrv_embedded e;
    if (!take_embedded(in, in_len, &e))
        return FALSE;
    InterlockedIncrement(&probe_active);
    void *client = (void *)(ULONG_PTR)e.ptr;
    BOOL ok = TRUE;
    for (DWORD round = 0; round < e.mode && ok; round++) {
        void *p = NULL;
        ok = CeOpenCallerBuffer(&p, client, e.len, ARG_I_PTR, FALSE) == S_OK &&
             CeCloseCallerBuffer(p, client, e.len, ARG_I_PTR) == S_OK;
    }
    InterlockedDecrement(&probe_active);
    if (!ok)
        SetLastError(ERROR_ACCESS_DENIED);
    return ok;
}

/* ---- the kept (asynchronous) buffer, as a driver with pending I/O keeps one ---- */

static struct {
    void *async, *sync; /* the CeAllocAsynchronousBuffer pair */
    DWORD len, kept;
    HRESULT last_fill;
} kept;

struct fill_job {
    struct tdrv_fill f;
    HRESULT hr;
};

static DWORD WINAPI fill_thread(void *arg)
{
    struct fill_job *job = arg;
    if (job->f.delay_ms)
        Sleep(job->f.delay_ms);
    EnterCriticalSection(&lock);
    if (!job->f.flush_only && kept.kept)
        memset(kept.async, (int)job->f.value, kept.len);
    job->hr = CeFlushAsynchronousBuffer(kept.async, kept.sync, NULL, kept.len, ARG_IO_PTR);
    if (job->f.delay_ms) {
        kept.last_fill = job->hr;
        HeapFree(GetProcessHeap(), 0, job);
    }
    LeaveCriticalSection(&lock);
    return 0;
}

/* Runs a fill on a thread of the driver; waits for it unless delayed. */
static BOOL run_fill(const struct tdrv_fill *f, HRESULT *hr)
{
    struct fill_job *job = HeapAlloc(GetProcessHeap(), 0, sizeof(*job));
    if (!job)
        return FALSE;
    job->f = *f;
    job->hr = E_FAIL;
    HANDLE t = CreateThread(NULL, 0, fill_thread, job, 0, NULL);
    if (!t) {
        HeapFree(GetProcessHeap(), 0, job);
        return FALSE;
    }
    if (!f->delay_ms) {
        WaitForSingleObject(t, INFINITE);
        *hr = job->hr;
        HeapFree(GetProcessHeap(), 0, job);
    }
    CloseHandle(t);
    return TRUE;
}

static BOOL async_keep(const PBYTE in, DWORD in_len, PBYTE out, DWORD out_len)
{
    struct tdrv_embedded e;
    if (!take_embedded(in, in_len, &e))
        return FALSE;
    void *sync = out, *async = NULL;
    DWORD len = out_len;
    void *client = (void *)(ULONG_PTR)e.ptr, *opened = NULL;
    if (e.mode == TDRV_KEEP_EMBEDDED) {
        if (CeOpenCallerBuffer(&opened, client, e.len, ARG_IO_PTR, FALSE) != S_OK) {
            SetLastError(ERROR_ACCESS_DENIED);
            return FALSE;
        }
        sync = opened;
        len = e.len;
    } else if (!out || !out_len) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    } else {
        out[0] = 0x5E; /* a synchronous write before keeping it */
    }
    HRESULT hr = CeAllocAsynchronousBuffer(&async, sync, len, ARG_IO_PTR);
    if (opened)
        CeCloseCallerBuffer(opened, client, e.len, ARG_IO_PTR);
    if (hr != S_OK) {
        SetLastError(ERROR_ACCESS_DENIED);
        return FALSE;
    }
    EnterCriticalSection(&lock);
    kept.async = async;
    kept.sync = sync;
    kept.len = len;
    kept.kept = 1;
    kept.last_fill = S_OK;
    LeaveCriticalSection(&lock);
    if (e.mode == TDRV_KEEP_OUT_NOW) {
        struct tdrv_fill f = { 0xC3, 0, 0 };
        if (!run_fill(&f, &hr) || hr != S_OK) {
            SetLastError(ERROR_WRITE_FAULT);
            return FALSE;
        }
    }
    return TRUE;
}

static BOOL async_ioctl(DWORD code, const PBYTE in, DWORD in_len, PBYTE out, DWORD out_len, PDWORD actual)
{
    if (code == (DWORD)TDRV_ASYNC_FILL) {
        struct tdrv_fill f;
        HRESULT hr = S_OK;
        if (!in || in_len != sizeof(f) || !out || out_len < sizeof(hr)) {
            SetLastError(ERROR_INVALID_PARAMETER);
            return FALSE;
        }
        memcpy(&f, in, sizeof(f));
        if (!run_fill(&f, &hr))
            return FALSE;
        memcpy(out, &hr, sizeof(hr));
        if (actual)
            *actual = sizeof(hr);
        return TRUE;
    }
    HRESULT r[2];
    if (!out || out_len < sizeof(r)) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    EnterCriticalSection(&lock);
    r[0] = kept.kept ? CeFreeAsynchronousBuffer(kept.async, kept.sync, kept.len, ARG_IO_PTR) : E_INVALIDARG;
    r[1] = kept.last_fill;
    kept.kept = 0; /* the pointers stay: a later flush shows what CE gives */
    LeaveCriticalSection(&lock);
    memcpy(out, r, sizeof(r));
    if (actual)
        *actual = sizeof(r);
    return TRUE;
}

BOOL drv_IOControl(DWORD id, DWORD code, PBYTE in, DWORD in_len, PBYTE out, DWORD out_len, PDWORD actual)
{
    struct instance *inst;
    EnterCriticalSection(&lock);
    struct open_ctx *o = ctx_of(id, &inst);
    struct tdrv_info info;
    if (o) {
        info = inst->info;
        info.open_access = o->access;
    }
    LeaveCriticalSection(&lock);
    if (!o) {
        SetLastError(ERROR_INVALID_HANDLE);
        return FALSE;
    }
    switch (code) {
    case IOCTL_PSL_NOTIFY: {
        DEVICE_PSL_NOTIFY n;
        if (!in || in_len != sizeof(n))
            return FALSE;
        memcpy(&n, in, sizeof(n));
        if (n.dwSize != sizeof(n) || n.dwFlags != DLL_PROCESS_EXITING)
            return FALSE;
        EnterCriticalSection(&lock);
        inst->psl_count++;
        o->aborted = 1;
        WakeAllConditionVariable(&changed);
        LeaveCriticalSection(&lock);
        return TRUE;
    }
    case TDRV_EMBEDDED:
        return embedded(in, in_len, out, out_len, actual);
    case TDRV_BIG_TOUCH:
        return big_touch(in, in_len);
    case TDRV_BIG_COUNT:
        return answer_dword((DWORD)big_calls, out, out_len, actual);
    case TDRV_PROBE_LOOP:
        return probe_loop(in, in_len);
    case TDRV_PROBE_ACTIVE:
        return answer_dword((DWORD)probe_active, out, out_len, actual);
    case TDRV_ASYNC_KEEP:
        return async_keep(in, in_len, out, out_len);
    case TDRV_ASYNC_FILL:
    case TDRV_ASYNC_FREE:
        return async_ioctl(code, in, in_len, out, out_len, actual);
    case TDRV_SELF_DEACTIVATE: {
        WCHAR *copy = HeapAlloc(GetProcessHeap(), 0, sizeof(info.active));
        if (!copy)
            return FALSE;
        memcpy(copy, info.active, sizeof(info.active));
        HANDLE t = CreateThread(NULL, 0, self_deactivate, copy, 0, NULL);
        if (t)
            CloseHandle(t);
        return t != NULL;
    }
    case TDRV_SELF_DEACTIVATE_ON_CLOSE:
        EnterCriticalSection(&lock);
        o->deactivate_on_close = 1;
        LeaveCriticalSection(&lock);
        return TRUE;
    case TDRV_SELF_DEACTIVATE_INLINE: {
        DWORD result[2];
        if (!out || out_len < sizeof(result))
            return FALSE;
        deactivate_self(info.active, result);
        memcpy(out, result, sizeof(result));
        if (actual)
            *actual = sizeof(result);
        return TRUE;
    }
    case TDRV_INFO:
        if (!out || out_len < sizeof(info)) {
            SetLastError(ERROR_INSUFFICIENT_BUFFER);
            return FALSE;
        }
        memcpy(out, &info, sizeof(info));
        if (actual)
            *actual = sizeof(info);
        return TRUE;
    case TDRV_PSL_COUNT:
    case TDRV_BLOCKED: {
        EnterCriticalSection(&lock);
        DWORD v = code == (DWORD)TDRV_BLOCKED ? (DWORD)inst->blocked : (DWORD)inst->psl_count;
        LeaveCriticalSection(&lock);
        return answer_dword(v, out, out_len, actual);
    }
    }
    SetLastError(ERROR_NOT_SUPPORTED);
    return FALSE;
}
