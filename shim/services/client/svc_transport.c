/*
 * svc_transport.c - reaching ceservicesd.exe: finding (or starting) the
 * session's host of each bitness, one call slot per client thread and
 * host, and the call itself.
 *
 * The protocol is in services/common/svc_proto.h.
 */
#include <windows.h>
#include <stdio.h>
#include <string.h>

#include <msgqueue.h>

#include "common/atomics.h"
#include "common/process.h"
#include "common/spin.h"
#include "common/trace.h"
#include "services/client/svc_client.h"
#include "services/common/svc_names.h"
#include "services/common/svc_wait.h"

/* A fast service answers within this; longer than the worker's, as the
 * client waits for its own call's answer (docs/performance.md, history). */
#define CLIENT_SPIN_US 450
#define HOST_START_TIMEOUT_MS 30000
#define HOST_POLL_MS 250         /* how often a sleeping caller checks the host */

/* ---- the session's hosts ------------------------------------------------------ */

struct host_conn {
    uint64_t start; /* 0: none known */
    DWORD pid;
    HANDLE process;
    HANDLE connect; /* write end of the connect queue */
};

static SRWLOCK host_lock = SRWLOCK_INIT;
static struct host_conn hosts[2]; /* [0] 32-bit, [1] 64-bit */

static int host_index(DWORD bits) { return bits == 64 ? 1 : 0; }

/* Set while a host, booting, starts the other bitness's host (which then
 * must not start it back: it is not ready yet). */
static BOOL starting_for_host_boot;

static void host_forget(struct host_conn *host)
{
    if (host->connect)
        CloseMsgQueue(host->connect);
    if (host->process)
        CloseHandle(host->process);
    memset(host, 0, sizeof(*host));
}

/* Reads the host block; TRUE with *host filled if a ready host runs. */
static BOOL host_discover(DWORD bits, struct host_conn *host)
{
    WCHAR name[SVC_OBJECT_NAME_MAX];
    svc_object_name(name, bits, L"host");
    HANDLE map = OpenFileMappingW(FILE_MAP_READ, FALSE, name);
    if (!map)
        return FALSE;
    const struct svc_host_block *b = MapViewOfFile(map, FILE_MAP_READ, 0, 0, sizeof(*b));
    CloseHandle(map);
    if (!b)
        return FALSE;
    struct svc_host_block blk = *b;
    UnmapViewOfFile(b);
    if (blk.magic != SVC_HOST_MAGIC || blk.version != SVC_PROTO_VERSION || !blk.ready || blk.host_bits != bits)
        return FALSE;
    HANDLE process = OpenProcess(SYNCHRONIZE | PROCESS_QUERY_LIMITED_INFORMATION, FALSE, blk.host_pid);
    if (!process)
        return FALSE;
    if (WaitForSingleObject(process, 0) != WAIT_TIMEOUT ||
        ceshim_process_create_time(blk.host_pid) != blk.host_start) {
        CloseHandle(process);
        return FALSE;
    }
    WCHAR qname[SVC_OBJECT_NAME_MAX];
    svc_connect_queue_name(qname, bits);
    /* ALLOW_BROKEN: clients come and go; the queue must outlive them. */
    MSGQUEUEOPTIONS opts = { sizeof(opts), MSGQUEUE_ALLOW_BROKEN, 0, sizeof(struct svc_connect_msg), FALSE };
    HANDLE q = CreateMsgQueue(qname, &opts);
    if (!q) {
        CloseHandle(process);
        return FALSE;
    }
    host->start = blk.host_start;
    host->pid = blk.host_pid;
    host->process = process;
    host->connect = q;
    return TRUE;
}

/* Where the host of `bits` is: ours is the ceservicesd.exe beside
 * ceshim.dll; the other bitness's is named by CESHIM_SERVICES_HOST32 or
 * CESHIM_SERVICES_HOST64 (its own ceshim.dll is beside it). FALSE if not
 * known. */
static BOOL host_path(DWORD bits, WCHAR *path)
{
    if (bits != SVC_OWN_BITS) {
        DWORD n = GetEnvironmentVariableW(bits == 32 ? L"CESHIM_SERVICES_HOST32" : L"CESHIM_SERVICES_HOST64", path,
                                          MAX_PATH);
        return n && n < MAX_PATH;
    }
    HMODULE self = NULL;
    GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                       (LPCWSTR)(void *)host_path, &self);
    DWORD n = GetModuleFileNameW(self, path, MAX_PATH);
    if (!n || n >= MAX_PATH)
        return FALSE;
    WCHAR *slash = wcsrchr(path, L'\\');
    wcscpy(slash ? slash + 1 : path, L"ceservicesd.exe");
    return TRUE;
}

/* Starts the host of `bits` and waits until it serves or dies. Its
 * standard handles are NUL and it has no console, so it never holds a
 * caller's pipes open (a test runner would wait for them; under Wine the
 * host also lets go of the Unix stderr it inherits, svc_quiet.c). A host starting the other bitness's
 * host passes --no-peer: that one must not start it back. */
static BOOL host_launch(DWORD bits, DWORD *error)
{
    WCHAR path[MAX_PATH + 32];
    if (!host_path(bits, path)) {
        /* No host of that bitness: its DLLs cannot load anywhere. */
        *error = bits == SVC_OWN_BITS ? ERROR_SERVICE_NOT_ACTIVE : ERROR_BAD_EXE_FORMAT;
        return FALSE;
    }

    WCHAR ready_name[SVC_OBJECT_NAME_MAX];
    svc_object_name(ready_name, bits, L"ready");
    HANDLE ready = CreateEventW(svc_user_only_sa(), TRUE, FALSE, ready_name);
    if (!ready) {
        *error = GetLastError();
        return FALSE;
    }
    ResetEvent(ready); /* a host that was killed left it set; none runs now */

    SECURITY_ATTRIBUTES inherit = { sizeof(inherit), NULL, TRUE };
    HANDLE nul = CreateFileW(L"NUL", GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, &inherit,
                             OPEN_EXISTING, 0, NULL);
    STARTUPINFOEXW si;
    memset(&si, 0, sizeof(si));
    si.StartupInfo.cb = sizeof(si);
    si.StartupInfo.dwFlags = STARTF_USESTDHANDLES;
    si.StartupInfo.hStdInput = si.StartupInfo.hStdOutput = si.StartupInfo.hStdError = nul;
    /* Inherit the NUL handle and nothing else. */
    SIZE_T attr_bytes = 0;
    InitializeProcThreadAttributeList(NULL, 1, 0, &attr_bytes);
    BYTE attr_buf[128];
    /* No console at all: under Wine, CREATE_NO_WINDOW starts a headless
     * conhost.exe for it, and that one, like every Wine child, inherits
     * our Unix stderr and keeps a `2>&1 | cat` pipeline open. */
    DWORD flags = DETACHED_PROCESS | CREATE_NEW_PROCESS_GROUP;
    if (nul != INVALID_HANDLE_VALUE && attr_bytes <= sizeof(attr_buf)) {
        si.lpAttributeList = (LPPROC_THREAD_ATTRIBUTE_LIST)attr_buf;
        if (InitializeProcThreadAttributeList(si.lpAttributeList, 1, 0, &attr_bytes) &&
            UpdateProcThreadAttribute(si.lpAttributeList, 0, PROC_THREAD_ATTRIBUTE_HANDLE_LIST, &nul, sizeof(nul),
                                      NULL, NULL))
            flags |= EXTENDED_STARTUPINFO_PRESENT;
        else
            si.lpAttributeList = NULL;
    }
    WCHAR cmd[MAX_PATH + 48];
    _snwprintf(cmd, ARRAYSIZE(cmd), L"\"%ls\" --on-demand%ls", path, starting_for_host_boot ? L" --no-peer" : L"");
    cmd[ARRAYSIZE(cmd) - 1] = 0;
    PROCESS_INFORMATION pi;
    WCHAR dir[MAX_PATH + 32];
    wcscpy(dir, path);
    WCHAR *dir_end = wcsrchr(dir, L'\\');
    if (dir_end)
        *dir_end = 0;
    /* Its own folder as current directory: it outlives this process and
     * must not pin (or load DLLs from) wherever the client ran. */
    /* Wine's CreateProcess now and then fails with ERROR_INTERNAL_ERROR while
     * other processes come and go; a second try succeeds. */
    BOOL started = FALSE;
    DWORD start_error = 0;
    for (int attempt = 0; attempt < 3 && !started; attempt++) {
        if (attempt)
            Sleep(50);
        started = CreateProcessW(path, cmd, NULL, NULL, nul != INVALID_HANDLE_VALUE, flags, NULL,
                                 dir_end ? dir : NULL, &si.StartupInfo, &pi);
        start_error = started ? 0 : GetLastError();
        if (!started && start_error != ERROR_INTERNAL_ERROR)
            break;
    }
    if (si.lpAttributeList)
        DeleteProcThreadAttributeList(si.lpAttributeList);
    if (nul != INVALID_HANDLE_VALUE)
        CloseHandle(nul);
    if (!started) {
        CESHIM_TRACE("services: cannot start %ls (error %lu)", path, (unsigned long)start_error);
        CloseHandle(ready);
        *error = ERROR_SERVICE_NOT_ACTIVE;
        return FALSE;
    }
    CloseHandle(pi.hThread);
    HANDLE both[2] = { ready, pi.hProcess };
    DWORD w = WaitForMultipleObjects(2, both, FALSE, HOST_START_TIMEOUT_MS);
    CloseHandle(ready);
    CloseHandle(pi.hProcess);
    if (w != WAIT_OBJECT_0) {
        CESHIM_TRACE("services: %ls did not become ready (wait %lu)", path, (unsigned long)w);
        *error = ERROR_SERVICE_NOT_ACTIVE;
        return FALSE;
    }
    return TRUE;
}

/* The host of `bits` to use, by value (its process handle duplicated for
 * the caller, who closes it). */
static BOOL host_get(DWORD bits, enum svc_host_need need, uint64_t want, struct host_conn *out, DWORD *error)
{
    AcquireSRWLockExclusive(&host_lock);
    struct host_conn *host = &hosts[host_index(bits)];
    if (host->start && WaitForSingleObject(host->process, 0) != WAIT_TIMEOUT)
        host_forget(host);
    if (!host->start && !host_discover(bits, host) && need == SVC_HOST_START && !want) {
        /* One launcher at a time in the session; the others find its host. */
        WCHAR mname[SVC_OBJECT_NAME_MAX];
        svc_object_name(mname, bits, L"start");
        HANDLE m = CreateMutexW(svc_user_only_sa(), FALSE, mname);
        DWORD w = m ? WaitForSingleObject(m, HOST_START_TIMEOUT_MS) : WAIT_FAILED;
        if (w == WAIT_OBJECT_0 || w == WAIT_ABANDONED) {
            if (!host_discover(bits, host)) {
                /* Another client's host may have won the race: look again either way. */
                host_launch(bits, error);
                if (host_discover(bits, host))
                    *error = 0;
            }
            ReleaseMutex(m);
        }
        if (m)
            CloseHandle(m);
    }
    BOOL ok = host->start != 0 && (!want || want == host->start);
    if (ok) {
        *out = *host;
        ok = DuplicateHandle(GetCurrentProcess(), host->process, GetCurrentProcess(), &out->process, 0, FALSE,
                             DUPLICATE_SAME_ACCESS);
    }
    if (!ok && *error == 0)
        *error = want ? ERROR_DEVICE_REMOVED : need == SVC_HOST_START ? ERROR_SERVICE_NOT_ACTIVE : ERROR_DEV_NOT_EXIST;
    ReleaseSRWLockExclusive(&host_lock);
    return ok;
}

/* Called by a booting host, before it serves (one thread). */
BOOL svc_host_ensure(DWORD bits, DWORD *error)
{
    struct host_conn h;
    *error = 0;
    starting_for_host_boot = TRUE;
    BOOL ok = host_get(bits, SVC_HOST_START, 0, &h, error);
    starting_for_host_boot = FALSE;
    if (ok)
        CloseHandle(h.process);
    return ok;
}

/* Forgets the host if it is the one that just failed us. */
static void host_failed(DWORD bits, uint64_t start)
{
    AcquireSRWLockExclusive(&host_lock);
    struct host_conn *host = &hosts[host_index(bits)];
    if (host->start == start)
        host_forget(host);
    ReleaseSRWLockExclusive(&host_lock);
}

/* ---- this thread's slot -------------------------------------------------------- */

struct thread_slot {
    DWORD bits; /* of its host */
    uint64_t host_start;
    HANDLE host_process;
    HANDLE mapping, req, rep;
    struct svc_slot *slot;
    uint64_t data_bytes;
    uint32_t seq;
    DWORD serial;
};

static DWORD slot_fls = FLS_OUT_OF_INDEXES;
static INIT_ONCE slot_fls_once = INIT_ONCE_STATIC_INIT;
static DWORD main_tid;
static volatile LONG next_serial;

static void slot_free(struct thread_slot *t, BOOL goodbye)
{
    if (t->slot && goodbye) {
        /* Tell the worker to go; no need to wait for it. */
        t->slot->req.op = SVC_OP_GOODBYE;
        ceshim_store32(&t->slot->req_seq, ++t->seq);
        ceshim_fence();
        if (ceshim_load32(&t->slot->host_sleeping))
            SetEvent(t->req);
    }
    if (t->slot)
        UnmapViewOfFile(t->slot);
    if (t->mapping)
        CloseHandle(t->mapping);
    if (t->req)
        CloseHandle(t->req);
    if (t->rep)
        CloseHandle(t->rep);
    if (t->host_process)
        CloseHandle(t->host_process);
    memset(t, 0, sizeof(*t));
}

/* A thread's slots: one per host bitness, made on first use. */
struct thread_slots {
    struct thread_slot by_host[2]; /* host_index() */
};

static void WINAPI slot_thread_exit(void *p)
{
    struct thread_slots *ts = p;
    if (!ts)
        return;
    slot_free(&ts->by_host[0], TRUE);
    slot_free(&ts->by_host[1], TRUE);
    HeapFree(GetProcessHeap(), 0, ts);
}

static BOOL CALLBACK slot_fls_init(PINIT_ONCE once, PVOID param, PVOID *ctx)
{
    (void)once;
    (void)param;
    (void)ctx;
    slot_fls = FlsAlloc(slot_thread_exit);
    return TRUE;
}

/* The main thread is the one that loaded ceshim.dll (what CE's
 * DEVICE_PSL_NOTIFY.hThread names); recorded at process attach (routing.c). */
void ceshim_services_process_attach(void)
{
    main_tid = GetCurrentThreadId();
}

static struct thread_slot *thread_slot_get(DWORD bits)
{
    InitOnceExecuteOnce(&slot_fls_once, slot_fls_init, NULL, NULL);
    if (slot_fls == FLS_OUT_OF_INDEXES)
        return NULL;
    struct thread_slots *ts = FlsGetValue(slot_fls);
    if (!ts) {
        ts = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*ts));
        if (ts && !FlsSetValue(slot_fls, ts)) {
            HeapFree(GetProcessHeap(), 0, ts);
            ts = NULL;
        }
    }
    return ts ? &ts->by_host[host_index(bits)] : NULL;
}

/* Makes t a slot of at least `need` data bytes attached to host h, of
 * `bits`. */
static BOOL slot_attach(struct thread_slot *t, DWORD bits, const struct host_conn *h, uint64_t need, DWORD *error)
{
    uint64_t data = SVC_SLOT_MIN_DATA;
    while (data < need)
        data = data * 2 + SVC_SLOT_HEADER_BYTES; /* keeps header + data a multiple of 64 KiB */
    uint64_t total = SVC_SLOT_HEADER_BYTES + data;
    DWORD serial = (DWORD)InterlockedIncrement(&next_serial);
    DWORD pid = GetCurrentProcessId(), tid = GetCurrentThreadId();
    WCHAR name[SVC_OBJECT_NAME_MAX];
    struct thread_slot n;
    memset(&n, 0, sizeof(n));
    n.bits = bits;
    n.serial = serial;
    n.data_bytes = data;
    svc_slot_name(name, bits, pid, tid, serial, L"");
    n.mapping = CreateFileMappingW(INVALID_HANDLE_VALUE, svc_user_only_sa(), PAGE_READWRITE | SEC_COMMIT,
                                   (DWORD)(total >> 32), (DWORD)total, name);
    if (n.mapping && GetLastError() == ERROR_ALREADY_EXISTS) {
        CloseHandle(n.mapping); /* someone squats on our name */
        n.mapping = NULL;
    }
    if (n.mapping)
        n.slot = MapViewOfFile(n.mapping, FILE_MAP_ALL_ACCESS, 0, 0, 0);
    svc_slot_name(name, bits, pid, tid, serial, L".req");
    n.req = CreateEventW(svc_user_only_sa(), FALSE, FALSE, name);
    svc_slot_name(name, bits, pid, tid, serial, L".rep");
    n.rep = CreateEventW(svc_user_only_sa(), FALSE, FALSE, name);
    n.host_process = h->process;
    n.host_start = h->start;
    if (!n.slot || !n.req || !n.rep) {
        *error = GetLastError() ? GetLastError() : ERROR_OUTOFMEMORY;
        n.host_process = NULL;
        slot_free(&n, FALSE);
        return FALSE;
    }
    n.slot->magic = SVC_SLOT_MAGIC;
    n.slot->version = SVC_PROTO_VERSION;
    n.slot->client_pid = pid;
    n.slot->client_tid = tid;
    n.slot->data_bytes = data;

    struct svc_connect_msg msg = { SVC_CONNECT_MAGIC, pid, tid, serial, main_tid ? main_tid : tid, 0, h->start };
    if (!WriteMsgQueue(h->connect, &msg, sizeof(msg), 5000, 0)) {
        *error = ERROR_DEVICE_REMOVED; /* no reader: the host is gone */
        n.host_process = NULL;
        slot_free(&n, FALSE);
        return FALSE;
    }
    *t = n;
    return TRUE;
}

/* Waits for the reply to request `seq`: spins, then sleeps on .rep while
 * watching the host process. FALSE if the host died first. */
static BOOL slot_wait(struct thread_slot *t, uint32_t seq)
{
    static struct ceshim_spin_budget spin = CESHIM_SPIN_BUDGET(CLIENT_SPIN_US);
    HANDLE both[2] = { t->rep, t->host_process };
    return svc_wait_seq(&t->slot->done_seq, seq, &t->slot->client_sleeping, ceshim_spin_pauses(&spin), both, 2,
                        HOST_POLL_MS);
}

/* One attempt; *retry set when a host died before it took the request. */
static BOOL transact_once(const struct svc_call *call, struct svc_result *res, DWORD bits, uint64_t *host_start,
                          enum svc_host_need need, DWORD *error, BOOL *retry)
{
    uint64_t need_bytes = svc_call_bytes(call->in_len, call->out_len);
    struct thread_slot *t = thread_slot_get(bits);
    if (!t) {
        *error = ERROR_OUTOFMEMORY;
        return FALSE;
    }
    /* A slot of the right host, big enough. (A dead host shows in the wait
     * below: the common path makes no kernel call.) */
    if (t->slot && ((*host_start && *host_start != t->host_start) || t->data_bytes < need_bytes))
        slot_free(t, TRUE);
    /* Calls not bound to a host are rare (open, activate, enumerate): they
     * check the host first, so a host that died idle is replaced at once. */
    if (t->slot && !*host_start && WaitForSingleObject(t->host_process, 0) != WAIT_TIMEOUT) {
        host_failed(bits, t->host_start);
        slot_free(t, FALSE);
    }
    if (!t->slot) {
        struct host_conn h;
        if (!host_get(bits, need, *host_start, &h, error))
            return FALSE;
        if (!slot_attach(t, bits, &h, need_bytes, error)) {
            CloseHandle(h.process);
            if (*error == ERROR_DEVICE_REMOVED) {
                host_failed(bits, h.start);
                *retry = !*host_start;
            }
            return FALSE;
        }
    }

    struct svc_slot *s = t->slot;
    uint8_t *data = (uint8_t *)s + SVC_SLOT_HEADER_BYTES;
    struct svc_request rq;
    memset(&rq, 0, sizeof(rq));
    rq.op = call->op;
    rq.handle_id = call->handle_id;
    rq.handle_gen = call->handle_gen;
    rq.code = call->code;
    rq.in_len = call->in_len;
    rq.out_len = call->out_len;
    rq.arg0 = call->arg0;
    rq.arg1 = call->arg1;
    rq.client_in = (uint64_t)(uintptr_t)call->in;
    rq.client_out = (uint64_t)(uintptr_t)call->out;
    s->req = rq;
    if (call->in_len)
        memcpy(data, call->in, call->in_len);
    /* xxx_IOControl works on the caller's out buffer on CE: it may read
     * what the caller put there, and the bytes it leaves alone must come
     * back unchanged (the whole out area is copied back). */
    if (call->out_len && call->out && (call->op == SVC_OP_IOCTL || call->op == SVC_OP_SERVICE_IOCTL))
        memcpy(data + svc_out_offset(call->in_len), call->out, call->out_len);
    uint32_t seq = ++t->seq;
    ceshim_store32(&s->req_seq, seq);
    ceshim_fence();
    if (ceshim_load32(&s->host_sleeping))
        SetEvent(t->req);

    if (!slot_wait(t, seq)) {
        uint64_t dead = t->host_start;
        slot_free(t, FALSE);
        host_failed(bits, dead);
        *error = ERROR_DEVICE_REMOVED;
        /* A call not bound to a host (open, activate, enumerate) left
         * nothing behind in a host that died: a new host may take it. (A
         * host shutting down exits soon after its reply, so this thread's
         * next such call often meets it dying.) */
        *retry = !*host_start;
        CESHIM_TRACE("services: the host died during a call");
        return FALSE;
    }
    struct svc_reply rp = s->rep;
    if (rp.stopping && !*host_start) {
        /* That host is on its way out: forget it, try a new one. */
        uint64_t old = t->host_start;
        slot_free(t, TRUE);
        host_failed(bits, old);
        *error = ERROR_SERVICE_NOT_ACTIVE;
        *retry = TRUE;
        return FALSE;
    }
    res->ok = rp.ok != 0;
    res->error = rp.error;
    res->value = rp.value;
    res->value2 = rp.value2;
    res->out_len = rp.out_len <= call->out_len ? rp.out_len : call->out_len;
    if (res->out_len && call->out)
        memcpy(call->out, data + svc_out_offset(call->in_len), res->out_len);
    *host_start = t->host_start;
    return TRUE;
}

BOOL svc_transact(const struct svc_call *call, struct svc_result *res, DWORD bits, uint64_t *host_start,
                  enum svc_host_need need, DWORD *error)
{
    *error = 0;
    if (svc_call_bytes(call->in_len, call->out_len) > SVC_SLOT_MAX_DATA) {
        *error = ERROR_NOT_ENOUGH_MEMORY;
        return FALSE;
    }
    /* The caller's last error survives a call that reaches the host (the
     * slot's FlsGetValue, event and mapping calls set it): only the
     * service's own error may replace it. */
    DWORD saved_error = GetLastError();
    /* A call not bound to a host (open, activate, enumerate) that finds
     * its host dead tries once more with a fresh one. */
    for (int attempt = 0; attempt < 2; attempt++) {
        BOOL retry = FALSE;
        uint64_t want = *host_start;
        if (transact_once(call, res, bits, &want, need, error, &retry)) {
            *host_start = want;
            SetLastError(saved_error);
            return TRUE;
        }
        if (!retry)
            break;
        *error = 0;
    }
    if (*error == ERROR_DEVICE_REMOVED && !*host_start)
        *error = ERROR_SERVICE_NOT_ACTIVE;
    return FALSE;
}
