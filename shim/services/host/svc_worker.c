/*
 * svc_worker.c - one host thread per client thread: it waits for requests
 * in that thread's slot, checks every length and offset against the
 * mapping it really has, calls the service as that client, and replies.
 * A call may block in the service for as long as it likes; it holds up no
 * one else. (CE runs the call on the caller's own thread; a dedicated
 * worker is the nearest desktop equivalent.)
 */
#include <windows.h>
#include <string.h>

#include <pkfuncs.h>
#include <service.h>

#include "common/atomics.h"
#include "common/spin.h"
#include "services/common/svc_names.h"
#include "services/common/svc_wait.h"
#include "services/host/svc_host.h"
#include "devmgr/dm_callerbuf.h"

/* A busy client's next request comes within this, else the worker sleeps:
 * every call costs the host this much spinning when calls come further
 * apart, so it is short (docs/performance.md, history). */
#define WORKER_SPIN_US 45

struct worker {
    DWORD pid, tid, main_tid;
    HANDLE mapping, req, rep, process, stop;
    struct svc_slot *slot;
    uint8_t *data;
    uint64_t data_bytes; /* from the view's real size, never from the slot */
};

static void reply(struct svc_reply *r, BOOL ok, DWORD error)
{
    r->ok = ok ? 1u : 0u;
    r->error = error;
}

/* A NUL-terminated string of at most max chars at the start of the in area. */
static BOOL in_string(const struct worker *w, const struct svc_request *rq, uint32_t off, WCHAR *out, size_t max)
{
    if (rq->in_len < off || (rq->in_len - off) / sizeof(WCHAR) == 0)
        return FALSE;
    size_t chars = (rq->in_len - off) / sizeof(WCHAR);
    const WCHAR *src = (const WCHAR *)(w->data + off);
    for (size_t i = 0; i < chars && i < max; i++) {
        out[i] = src[i];
        if (!out[i])
            return TRUE;
    }
    return FALSE;
}

/* "ABC0:" (three characters, a digit, a colon) or a driver's "ABC12"
 * (two or more digits, no colon): the names the host's table holds. */
static BOOL host_device_name(const WCHAR *d)
{
    size_t len = wcslen(d), digits = 0;
    while (3 + digits < len && iswdigit(d[3 + digits]))
        digits++;
    if (len < 5 || !iswalnum(d[0]) || !iswalnum(d[1]) || !iswalnum(d[2]) || !digits)
        return FALSE;
    return (digits == 1 && len == 5 && d[4] == L':') || (digits >= 2 && len == 3 + digits);
}

static void op_open(struct worker *w, const struct svc_request *rq, struct svc_reply *rp, uint8_t *out)
{
    WCHAR device[16]; /* L"ABC0:", or a driver's L"ABC12" */
    if (!in_string(w, rq, 0, device, 16) || !host_device_name(device)) {
        reply(rp, FALSE, ERROR_INVALID_PARAMETER);
        return;
    }
    struct svc_service *svc = svc_service_by_device(device);
    if (!svc) {
        /* A boot service that failed to load says why. */
        DWORD why = svc_services_boot_error(device);
        reply(rp, FALSE, why ? why : ERROR_DEV_NOT_EXIST);
        return;
    }
    uint32_t id = 0, gen = 0;
    DWORD err = svc_open_create(svc, w->pid, rq->arg0, rq->arg1, &id, &gen);
    if (!err) {
        svc_opens_watch_process(w->pid, w->main_tid);
        if (WaitForSingleObject(w->process, 0) == WAIT_OBJECT_0) {
            /* The client died meanwhile, perhaps before the exit watch
             * could see this open: it is notified and closed as any. */
            svc_open_close_exited(id, gen, w->pid, w->main_tid);
            err = ERROR_PROCESS_ABORTED;
        }
    }
    if (!err) {
        size_t need = (wcslen(svc->dll) + 1) * sizeof(WCHAR);
        if (rq->out_len >= need) {
            memcpy(out, svc->dll, need);
            rp->out_len = (uint32_t)need;
        }
        rp->value = id;
        rp->value2 = gen;
    }
    svc_service_put(svc);
    reply(rp, !err, err);
}

/* xxx_IOControl(ctx, ...) for the request, as the client (its caller
 * identity entered, last error cleared); FALSE with the error set. */
static BOOL call_ioctl(struct svc_service *svc, DWORD ctx, const struct svc_request *rq, uint8_t *in, uint8_t *out,
                       struct svc_reply *rp)
{
    if (rq->code == IOCTL_PSL_NOTIFY) {
        SetLastError(ERROR_ACCESS_DENIED); /* only the host sends it */
        return FALSE;
    }
    if (!svc->ioctl) {
        SetLastError(ERROR_NOT_SUPPORTED);
        return FALSE;
    }
    DWORD actual = 0;
    BOOL ok = svc->ioctl(ctx, rq->code, (rq->arg0 & SVC_ARG_IN_NULL) ? NULL : in, rq->in_len,
                         (rq->arg0 & SVC_ARG_OUT_NULL) ? NULL : out, rq->out_len, &actual);
    rp->value = actual;
    rp->out_len = rq->out_len; /* the service may have written any of it */
    if (ok && (rq->code == IOCTL_SERVICE_STOP || rq->code == IOCTL_SERVICE_START)) {
        DWORD error = GetLastError(); /* the service's, for the caller */
        svc_ports_after_control(svc, rq->code);
        SetLastError(error);
    }
    return ok;
}

/* Calls into an open: IOCTL, Read, Write, Seek. */
static void op_on_open(struct worker *w, const struct svc_request *rq, struct svc_reply *rp, uint8_t *in,
                       uint8_t *out)
{
    struct svc_open *o = svc_open_get(rq->handle_id, rq->handle_gen, w->pid);
    if (!o) {
        reply(rp, FALSE, ERROR_INVALID_HANDLE);
        return;
    }
    struct svc_service *svc = svc_open_service(o);
    DWORD ctx = svc_open_context(o);
    BOOL ok = FALSE;
    DWORD err = 0;
    ceshim_caller_enter(w->pid);
    dm_callbuf_begin(w->pid, w->data, w->data_bytes); /* MapCallerPtr & co. within this call */
    dm_callbuf_first_level(in, rq->in_len, rq->client_in, out, rq->out_len, rq->client_out, &rp->out_len);
    SetLastError(0);
    switch (rq->op) {
    case SVC_OP_IOCTL:
        ok = call_ioctl(svc, ctx, rq, in, out, rp);
        break;
    case SVC_OP_READ:
        rp->value = svc->read ? svc->read(ctx, out, rq->out_len) : (SetLastError(ERROR_NOT_SUPPORTED), 0xFFFFFFFFu);
        ok = rp->value != 0xFFFFFFFFu;
        rp->out_len = ok ? (rp->value < rq->out_len ? rp->value : rq->out_len) : 0;
        break;
    case SVC_OP_WRITE:
        rp->value = svc->write ? svc->write(ctx, in, rq->in_len) : (SetLastError(ERROR_NOT_SUPPORTED), 0xFFFFFFFFu);
        ok = rp->value != 0xFFFFFFFFu;
        break;
    case SVC_OP_SEEK:
        rp->value = svc->seek ? svc->seek(ctx, (long)(int32_t)rq->arg0, rq->arg1)
                              : (SetLastError(ERROR_NOT_SUPPORTED), 0xFFFFFFFFu);
        ok = TRUE;
        break;
    }
    dm_callbuf_end();
    err = GetLastError();
    ceshim_caller_leave();
    svc_open_put(o);
    reply(rp, ok, err);
}

static void op_service_ioctl(struct worker *w, const struct svc_request *rq, struct svc_reply *rp, uint8_t *in,
                             uint8_t *out)
{
    struct svc_service *svc = svc_service_get(rq->handle_id, rq->handle_gen);
    if (!svc) {
        reply(rp, FALSE, ERROR_INVALID_PARAMETER);
        return;
    }
    ceshim_caller_enter(w->pid);
    dm_callbuf_begin(w->pid, w->data, w->data_bytes);
    dm_callbuf_first_level(in, rq->in_len, rq->client_in, out, rq->out_len, rq->client_out, &rp->out_len);
    SetLastError(0);
    BOOL ok = call_ioctl(svc, svc->init_ctx, rq, in, out, rp);
    dm_callbuf_end();
    DWORD err = GetLastError();
    ceshim_caller_leave();
    svc_service_put(svc);
    reply(rp, ok, err);
}

static void op_create_service(struct worker *w, const struct svc_request *rq, struct svc_reply *rp)
{
    struct svc_service *svc = NULL;
    DWORD err;
    if (rq->op == SVC_OP_ACTIVATE) {
        WCHAR key[SVC_NAME_MAX];
        err = in_string(w, rq, 0, key, SVC_NAME_MAX) ? svc_services_activate(key, &svc) : ERROR_INVALID_PARAMETER;
    } else {
        WCHAR prefix[4], dll[MAX_PATH];
        err = in_string(w, rq, 0, prefix, 4) && wcslen(prefix) == 3 && in_string(w, rq, 8, dll, MAX_PATH) &&
                      rq->arg0 <= 9
                  ? svc_services_register(prefix, rq->arg0, dll, rq->arg1, &svc)
                  : ERROR_INVALID_PARAMETER;
    }
    if (!err) {
        rp->value = svc->id;
        rp->value2 = svc->gen;
    }
    reply(rp, !err, err);
}

/* The service behind a client's handle, pinned: an open (file) or an
 * activation handle. NULL if unknown. */
static struct svc_service *service_of_handle(struct worker *w, const struct svc_request *rq, BOOL file)
{
    if (!file)
        return svc_service_get(rq->handle_id, rq->handle_gen);
    struct svc_service *svc = NULL;
    struct svc_open *o = svc_open_get(rq->handle_id, rq->handle_gen, w->pid);
    if (o) {
        struct svc_service *s = svc_open_service(o);
        svc = svc_service_get(s->id, s->gen);
        svc_open_put(o);
    }
    return svc;
}

/* ServiceAddPort, ServiceClosePort, ServiceUnbindPorts. */
static void op_port(struct worker *w, const struct svc_request *rq, struct svc_reply *rp, const uint8_t *in)
{
    struct svc_service *svc = service_of_handle(w, rq, rq->code == SVC_PORT_HANDLE_OPEN);
    if (!svc) {
        reply(rp, FALSE, ERROR_INVALID_PARAMETER);
        return;
    }
    DWORD err;
    switch (rq->arg0) {
    case SVC_PORT_ADD:
        err = svc_ports_add(svc, in, (int)rq->in_len, (int)rq->arg1);
        break;
    case SVC_PORT_CLOSE:
        err = svc_ports_close(svc, in, (int)rq->in_len, (int)rq->arg1);
        break;
    case SVC_PORT_UNBIND:
        err = svc_ports_unbind(svc);
        break;
    default:
        err = ERROR_INVALID_PARAMETER;
    }
    svc_service_put(svc);
    reply(rp, !err, err);
}

/* Device manager ops, through devmgr's table (svc_host_state.h). */
static void driver_op(DWORD pid, const struct svc_request *rq, const uint8_t *in, uint8_t *out, struct svc_reply *rp)
{
    const struct svc_driver_model *dm = svc_host_driver_model();
    if (!dm)
        reply(rp, FALSE, ERROR_NOT_SUPPORTED);
    else if (rq->op == SVC_OP_DM_ACTIVATE)
        dm->op_activate(pid, rq, in, rp);
    else if (rq->op == SVC_OP_DM_DEACTIVATE)
        dm->op_deactivate(pid, rq, rp);
    else if (rq->op == SVC_OP_DM_REGISTER)
        dm->op_register(pid, rq, in, rp);
    else
        dm->op_list(pid, rq, out, rp);
}

static void op_deregister(struct worker *w, const struct svc_request *rq, struct svc_reply *rp)
{
    struct svc_service *svc = service_of_handle(w, rq, rq->op == SVC_OP_DEREGISTER_OPEN);
    if (!svc) {
        reply(rp, FALSE, rq->op == SVC_OP_DEREGISTER_OPEN ? ERROR_INVALID_HANDLE : ERROR_INVALID_PARAMETER);
        return;
    }
    ceshim_caller_enter(w->pid);
    DWORD err = svc_services_unload(svc);
    ceshim_caller_leave();
    svc_service_put(svc);
    if (!err)
        HeapFree(GetProcessHeap(), 0, svc);
    reply(rp, !err, err);
}

static void dispatch(struct worker *w, const struct svc_request *rq, struct svc_reply *rp)
{
    memset(rp, 0, sizeof(*rp));
    /* Every length is checked against the mapping this process really has. */
    if (rq->op == 0 || rq->op >= SVC_OP_MAX || svc_call_bytes(rq->in_len, rq->out_len) > w->data_bytes) {
        reply(rp, FALSE, ERROR_INVALID_PARAMETER);
        return;
    }
    uint8_t *in = w->data, *out = w->data + svc_out_offset(rq->in_len);
    /* Shutting down: what would create something here is left to the
     * next host (the client starts one). */
    if (svc_host_stopping() && (rq->op == SVC_OP_OPEN || rq->op == SVC_OP_ACTIVATE || rq->op == SVC_OP_REGISTER ||
                                rq->op == SVC_OP_ENUM || rq->op == SVC_OP_DM_ACTIVATE ||
                                rq->op == SVC_OP_DM_REGISTER)) {
        rp->stopping = 1;
        reply(rp, FALSE, ERROR_SERVICE_NOT_ACTIVE);
        return;
    }
    switch (rq->op) {
    case SVC_OP_OPEN:
        op_open(w, rq, rp, out);
        break;
    case SVC_OP_CLOSE: {
        DWORD err = svc_open_close(rq->handle_id, rq->handle_gen, w->pid);
        reply(rp, !err, err);
        break;
    }
    case SVC_OP_IOCTL:
    case SVC_OP_READ:
    case SVC_OP_WRITE:
    case SVC_OP_SEEK:
        op_on_open(w, rq, rp, in, out);
        break;
    case SVC_OP_ACTIVATE:
    case SVC_OP_REGISTER:
        op_create_service(w, rq, rp);
        break;
    case SVC_OP_DEREGISTER:
    case SVC_OP_DEREGISTER_OPEN:
        op_deregister(w, rq, rp);
        break;
    case SVC_OP_SERVICE_IOCTL:
        op_service_ioctl(w, rq, rp, in, out);
        break;
    case SVC_OP_PORT:
        op_port(w, rq, rp, in);
        break;
    case SVC_OP_ENUM: {
        DWORD cap = rq->out_len / (DWORD)sizeof(struct svc_enum_entry);
        DWORD n = svc_services_enum((struct svc_enum_entry *)out, cap, w->pid);
        rp->value = n;
        rp->out_len = (n <= cap ? n : cap) * (uint32_t)sizeof(struct svc_enum_entry);
        reply(rp, n <= cap, n <= cap ? 0 : ERROR_MORE_DATA);
        break;
    }
    case SVC_OP_DM_ACTIVATE:
    case SVC_OP_DM_DEACTIVATE:
    case SVC_OP_DM_REGISTER:
    case SVC_OP_DM_LIST:
        driver_op(w->pid, rq, in, out, rp);
        break;
    case SVC_OP_SHUTDOWN:
        svc_host_stop_serving();
        reply(rp, TRUE, 0);
        break;
    default:
        reply(rp, FALSE, ERROR_INVALID_PARAMETER);
    }
}

/* Waits for request seq; FALSE when the client or the host goes. */
static BOOL wait_request(struct worker *w, uint32_t seq)
{
    static struct ceshim_spin_budget spin = CESHIM_SPIN_BUDGET(WORKER_SPIN_US);
    HANDLE waits[3] = { w->req, w->process, w->stop };
    return svc_wait_seq(&w->slot->req_seq, seq, &w->slot->host_sleeping, ceshim_spin_pauses(&spin), waits, 3,
                        INFINITE);
}

static DWORD WINAPI worker_main(void *arg)
{
    struct worker *w = arg;
    struct svc_slot *s = w->slot;
    ceshim_store32(&s->attached, 1);
    for (uint32_t seq = 1;; seq++) {
        if (!wait_request(w, seq))
            break;
        struct svc_request rq = s->req; /* read once: the client may change it */
        if (rq.op == SVC_OP_GOODBYE)
            break;
        struct svc_reply rp;
        dispatch(w, &rq, &rp);
        s->rep = rp;
        ceshim_store32(&s->done_seq, seq);
        ceshim_fence();
        if (ceshim_load32(&s->client_sleeping))
            SetEvent(w->rep);
        if (rq.op == SVC_OP_SHUTDOWN)
            svc_host_request_shutdown();
    }
    UnmapViewOfFile(w->slot);
    CloseHandle(w->mapping);
    CloseHandle(w->req);
    CloseHandle(w->rep);
    CloseHandle(w->process);
    HeapFree(GetProcessHeap(), 0, w);
    return 0;
}

BOOL svc_worker_start(const struct svc_connect_msg *msg, HANDLE stop)
{
    struct worker *w = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*w));
    if (!w)
        return FALSE;
    WCHAR name[SVC_OBJECT_NAME_MAX];
    w->pid = msg->client_pid;
    w->tid = msg->client_tid;
    w->main_tid = msg->main_tid;
    w->stop = stop;
    svc_slot_name(name, SVC_OWN_BITS, w->pid, w->tid, msg->serial, L"");
    w->mapping = OpenFileMappingW(FILE_MAP_ALL_ACCESS, FALSE, name);
    if (w->mapping)
        w->slot = MapViewOfFile(w->mapping, FILE_MAP_ALL_ACCESS, 0, 0, 0);
    svc_slot_name(name, SVC_OWN_BITS, w->pid, w->tid, msg->serial, L".req");
    w->req = OpenEventW(SYNCHRONIZE | EVENT_MODIFY_STATE, FALSE, name);
    svc_slot_name(name, SVC_OWN_BITS, w->pid, w->tid, msg->serial, L".rep");
    w->rep = OpenEventW(SYNCHRONIZE | EVENT_MODIFY_STATE, FALSE, name);
    w->process = OpenProcess(SYNCHRONIZE, FALSE, w->pid);
    MEMORY_BASIC_INFORMATION mbi;
    BOOL ok = w->slot && w->req && w->rep && w->process && VirtualQuery(w->slot, &mbi, sizeof(mbi)) &&
              mbi.RegionSize >= SVC_SLOT_HEADER_BYTES + 4096;
    if (ok) {
        w->data = (uint8_t *)w->slot + SVC_SLOT_HEADER_BYTES;
        w->data_bytes = mbi.RegionSize - SVC_SLOT_HEADER_BYTES;
        ok = w->slot->magic == SVC_SLOT_MAGIC && w->slot->version == SVC_PROTO_VERSION &&
             w->slot->client_pid == w->pid && w->slot->client_tid == w->tid;
    }
    HANDLE t = ok ? CreateThread(NULL, 0, worker_main, w, 0, NULL) : NULL;
    if (!t) {
        svc_host_log("client %lu thread %lu: unusable slot %lu", (unsigned long)w->pid, (unsigned long)w->tid,
                     (unsigned long)msg->serial);
        if (w->slot)
            UnmapViewOfFile(w->slot);
        if (w->mapping)
            CloseHandle(w->mapping);
        if (w->req)
            CloseHandle(w->req);
        if (w->rep)
            CloseHandle(w->rep);
        if (w->process)
            CloseHandle(w->process);
        HeapFree(GetProcessHeap(), 0, w);
        return FALSE;
    }
    svc_opens_watch_process(w->pid, w->main_tid);
    CloseHandle(t);
    return TRUE;
}
