/*
 * svc_host_main.c - ceservicesd.exe: one services host per session (per
 * instance): publishes itself, loads the registry's services in Order,
 * then gives each connecting client thread a worker until asked to exit.
 */
#include <windows.h>
#include <stdio.h>
#include <string.h>

#include <ceshim.h>

#include "common/process.h"
#include "common/trace.h"
#include "msgqueue/mq_api.h"
#include "services/client/svc_client.h" /* svc_host_ensure: the other bitness's host */
#include "services/common/svc_names.h"
#include "services/host/svc_host.h"

#define SHUTDOWN_UNLOAD_MS 5000 /* services get this long to unload at exit */
#define INSTANCE_IDLE_EXIT_MS 15000 /* an instance's host outlives its last client by this */
#define TAKEOVER_WAIT_MS (SHUTDOWN_UNLOAD_MS + 5000) /* for a host that is exiting */

static BOOL WINAPI on_console_ctrl(DWORD type)
{
    (void)type;
    svc_host_request_shutdown();
    return TRUE;
}

static DWORD WINAPI unload_thread(void *arg)
{
    (void)arg;
    svc_services_unload_all();
    return 0;
}

/* Reads every waiting connect message and starts its worker. */
static void accept_clients(HANDLE queue, uint64_t self_start, HANDLE stop_event)
{
    struct svc_connect_msg msg;
    DWORD got = 0, flags = 0;
    while (ReadMsgQueue(queue, &msg, sizeof(msg), &got, 0, &flags)) {
        if (got != sizeof(msg) || msg.magic != SVC_CONNECT_MAGIC || msg.host_start != self_start)
            continue; /* garbage, or meant for a host before this one */
        svc_worker_start(&msg, stop_event);
    }
}

static int usage(void)
{
    fprintf(stderr, "usage: ceservicesd [-v] [-l FILE]\n"
                    "  The ceshim services host (CE's services.exe). Clients start it on demand;\n"
                    "  run it yourself to watch it. `ceservices shutdown` stops it.\n"
                    "  -v       log to stderr\n"
                    "  -l FILE  append the log to FILE (on-demand hosts: CESHIM_SERVICES_LOG=FILE)\n"
                    "  CESHIM_TRACE=debug sends the log to the debugger (OutputDebugString).\n");
    return 2;
}

CESHIM_API int WINAPI CeShimServicesHostMain(int argc, WCHAR **argv)
{
    BOOL may_start_peer = TRUE, on_demand = FALSE;
    const WCHAR *log_path = NULL;
    for (int i = 1; i < argc; i++) {
        if (wcscmp(argv[i], L"-v") == 0)
            svc_host_log_verbose();
        else if (wcscmp(argv[i], L"-l") == 0 && i + 1 < argc)
            log_path = argv[++i];
        else if (wcscmp(argv[i], L"--no-peer") == 0)
            may_start_peer = FALSE; /* the other bitness's host starts us: it runs */
        else if (wcscmp(argv[i], L"--on-demand") == 0)
            on_demand = TRUE;
        else
            return usage();
    }
    WCHAR env_log[MAX_PATH];
    DWORD env_len = GetEnvironmentVariableW(L"CESHIM_SERVICES_LOG", env_log, MAX_PATH);
    if (!log_path && env_len && env_len < MAX_PATH)
        log_path = env_log;
    if (log_path && !svc_host_log_open(log_path))
        fprintf(stderr, "ceservicesd: cannot open the log %ls (error %lu)\n", log_path,
                (unsigned long)GetLastError());
    /* Started by a client: hold nothing of the client's output (Wine hands
     * us its Unix stderr; svc_quiet.c). A host run by hand keeps its
     * terminal. */
    if (on_demand)
        svc_host_release_unix_stderr();
    WCHAR name[SVC_OBJECT_NAME_MAX];
    SECURITY_ATTRIBUTES *sa = svc_user_only_sa();
    /* A bare Dll name is found beside ceservicesd.exe (CE: \Windows), never
     * in whatever directory the client that started us was in. */
    SetDllDirectoryW(L"");

    /* One host per session (instance): the mutex is abandoned if we die.
     * Clients start us only when no host says it is ready, so a holder is
     * most likely a host on its way out (shut down, unloading): wait for it
     * rather than leave the caller without a host. */
    svc_object_name(name, SVC_OWN_BITS, L"single");
    HANDLE single = CreateMutexW(sa, FALSE, name);
    DWORD w = single ? WaitForSingleObject(single, TAKEOVER_WAIT_MS) : WAIT_FAILED;
    if (w != WAIT_OBJECT_0 && w != WAIT_ABANDONED) {
        svc_host_log("another host serves this session");
        return 1;
    }
    HANDLE stop_event = svc_host_stop_event_create();
    SetConsoleCtrlHandler(on_console_ctrl, TRUE);

    WCHAR qname[SVC_OBJECT_NAME_MAX];
    svc_connect_queue_name(qname, SVC_OWN_BITS);
    MSGQUEUEOPTIONS opts = { sizeof(opts), MSGQUEUE_ALLOW_BROKEN, 0, sizeof(struct svc_connect_msg), TRUE };
    HANDLE queue = CreateMsgQueue(qname, &opts);

    svc_object_name(name, SVC_OWN_BITS, L"host");
    HANDLE map = CreateFileMappingW(INVALID_HANDLE_VALUE, sa, PAGE_READWRITE, 0, SVC_HOST_BLOCK_BYTES, name);
    struct svc_host_block *block = map ? MapViewOfFile(map, FILE_MAP_ALL_ACCESS, 0, 0, 0) : NULL;
    svc_object_name(name, SVC_OWN_BITS, L"ready");
    HANDLE ready = CreateEventW(sa, TRUE, FALSE, name);
    if (!stop_event || !queue || !block || !ready) {
        fprintf(stderr, "ceservicesd: cannot create the host's objects (error %lu)\n", (unsigned long)GetLastError());
        return 1;
    }
    uint64_t self_start = ceshim_self_create_time();
    block->ready = 0;
    block->magic = SVC_HOST_MAGIC;
    block->version = SVC_PROTO_VERSION;
    block->host_pid = GetCurrentProcessId();
    block->host_bits = SVC_OWN_BITS;
    block->host_start = self_start;

    /* Boot services of the other bitness belong to the other bitness's
     * host: start it (if we know where it is) before we say we serve, so a
     * client's first lookup finds them too. */
    DWORD foreign = svc_services_boot();
    if (foreign && may_start_peer) {
        DWORD err = 0;
        if (svc_host_ensure(SVC_PEER_BITS, &err))
            svc_host_log("%lu boot service(s) are %lu-bit: their host runs", (unsigned long)foreign,
                         (unsigned long)SVC_PEER_BITS);
        else
            svc_host_log("%lu boot service(s) are %lu-bit and their host cannot start (error %lu)",
                         (unsigned long)foreign, (unsigned long)SVC_PEER_BITS, (unsigned long)err);
    }

    MemoryBarrier();
    block->ready = 1;
    SetEvent(ready);
    svc_host_serving(block, ready);
    svc_host_log("serving (pid %lu)", (unsigned long)GetCurrentProcessId());

    /* A named instance (tests, CI jobs) ends with its last client, so a
     * test that stops early leaves no host holding the runner's stderr
     * (Wine hands a child its parent's). The session's host lives on. */
    WCHAR word[SVC_INSTANCE_MAX];
    BOOL idle_exit = svc_instance_word(word);
    ULONGLONG idle_since = GetTickCount64();
    HANDLE waits[2] = { queue, stop_event };
    for (;;) {
        /* The queue's wait, not Win32's: a plain wait sees the queue's
         * lazily kept event, which can stay set once the queue is drained;
         * the loop would then spin on index 0 and never see stop_event. */
        DWORD r, ms = idle_exit ? 1000 : INFINITE;
        if (!mq_wait_handles(2, waits, FALSE, ms, FALSE, &r))
            r = WaitForMultipleObjects(2, waits, FALSE, ms); /* not a queue handle: not reached */
        if (r == WAIT_TIMEOUT) {
            if (svc_opens_client_count())
                idle_since = GetTickCount64();
            else if (GetTickCount64() - idle_since >= INSTANCE_IDLE_EXIT_MS)
                break;
            continue;
        }
        if (r != WAIT_OBJECT_0)
            break;
        accept_clients(queue, self_start, stop_event);
    }

    svc_host_log("exiting");
    block->ready = 0;
    ResetEvent(ready);
    HANDLE t = CreateThread(NULL, 0, unload_thread, NULL, 0, NULL);
    if (t && WaitForSingleObject(t, SHUTDOWN_UNLOAD_MS) != WAIT_OBJECT_0)
        svc_host_log("services still busy after %u ms; exiting anyway", SHUTDOWN_UNLOAD_MS);
    /* ExitProcess, not return: worker threads may still sit in services. */
    ExitProcess(0);
}
