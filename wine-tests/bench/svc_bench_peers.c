/*
 * svc_bench_peers.c - the services benchmark's peers: a message-mode named
 * pipe and a pair of auto-reset events, each between the benchmark and a
 * child process (the benchmark re-launched as
 * `svc_bench --role pipe-echo|event-ponger BASE PARENT_PID`).
 */
#include <stdio.h>
#include <string.h>

#include "svc_bench.h"

#define PEER_WAIT_MS 5000    /* one wait for the other side */
#define READY_WAIT_MS 20000  /* a child opening its endpoint */
#define CHILD_MAX_MS 600000  /* a child never lives longer */

/* ---- the children ------------------------------------------------------------ */

/* Ends the child when the parent goes (or after CHILD_MAX_MS). */
static DWORD WINAPI child_watchdog(LPVOID parent)
{
    WaitForSingleObject(parent, CHILD_MAX_MS);
    ExitProcess(3);
}

static int child_fail(char *err, const char *what)
{
    snprintf(err, ERRLEN, "%s: error %lu", what, GetLastError());
    return 1;
}

/* Echoes every message back until the parent closes its end. */
static int pipe_echo(struct bench_ctl *ctl, const char *base)
{
    WCHAR name[160];
    object_name(name, 160, "\\\\.\\pipe\\", base, "");
    HANDLE p = CreateNamedPipeW(name, PIPE_ACCESS_DUPLEX, PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE | PIPE_WAIT, 1,
                                2 * BIG, 2 * BIG, 0, NULL);
    if (p == INVALID_HANDLE_VALUE)
        return child_fail(ctl->error[0], "CreateNamedPipe");
    InterlockedIncrement(&ctl->ready);
    if (!ConnectNamedPipe(p, NULL) && GetLastError() != ERROR_PIPE_CONNECTED)
        return child_fail(ctl->error[0], "ConnectNamedPipe");
    static uint8_t buf[BIG];
    for (;;) {
        DWORD got = 0, put = 0;
        if (!ReadFile(p, buf, BIG, &got, NULL))
            return ctl->stop ? 0 : child_fail(ctl->error[0], "ReadFile(pipe)");
        if (!WriteFile(p, buf, got, &put, NULL) || put != got)
            return ctl->stop ? 0 : child_fail(ctl->error[0], "WriteFile(pipe)");
    }
}

/* Answers every ping with a pong until the parent says stop. */
static int event_ponger(struct bench_ctl *ctl, const char *base)
{
    WCHAR name[160];
    object_name(name, 160, "Local\\", base, ".ping");
    HANDLE ping = OpenEventW(SYNCHRONIZE | EVENT_MODIFY_STATE, FALSE, name);
    object_name(name, 160, "Local\\", base, ".pong");
    HANDLE pong = OpenEventW(SYNCHRONIZE | EVENT_MODIFY_STATE, FALSE, name);
    if (!ping || !pong)
        return child_fail(ctl->error[1], "OpenEvent");
    InterlockedIncrement(&ctl->ready);
    for (;;) {
        DWORD w = WaitForSingleObject(ping, INFINITE);
        if (ctl->stop)
            return 0;
        if (w != WAIT_OBJECT_0)
            return child_fail(ctl->error[1], "WaitForSingleObject(ping)");
        if (!SetEvent(pong))
            return child_fail(ctl->error[1], "SetEvent(pong)");
    }
}

int child_main(const char *role, const char *base, DWORD parent_pid)
{
    WCHAR name[160];
    object_name(name, 160, "Local\\", base, ".ctl");
    HANDLE map = OpenFileMappingW(FILE_MAP_ALL_ACCESS, FALSE, name);
    struct bench_ctl *ctl = map ? MapViewOfFile(map, FILE_MAP_ALL_ACCESS, 0, 0, sizeof(*ctl)) : NULL;
    HANDLE parent = OpenProcess(SYNCHRONIZE, FALSE, parent_pid);
    if (!ctl || !parent || !CreateThread(NULL, 0, child_watchdog, parent, 0, NULL)) {
        fprintf(stderr, "svc_bench: role %s of %s: cannot start (error %lu)\n", role, base, GetLastError());
        return 2;
    }
    if (!strcmp(role, "pipe-echo"))
        return pipe_echo(ctl, base);
    if (!strcmp(role, "event-ponger"))
        return event_ponger(ctl, base);
    fprintf(stderr, "svc_bench: unknown role %s\n", role);
    return 2;
}

/* ---- the parent's side ------------------------------------------------------------ */

int pipe_rt(struct bench *b, uint32_t bytes, uint32_t seq)
{
    DWORD put = 0, got = 0;
    stamp(b, bytes, seq);
    if (!WriteFile(b->pipe, b->in, bytes, &put, NULL) || put != bytes)
        return broke(b, "WriteFile(pipe, %lu B): error %lu", (unsigned long)bytes, GetLastError());
    if (!ReadFile(b->pipe, b->out, bytes, &got, NULL))
        return broke(b, "ReadFile(pipe, %lu B): error %lu", (unsigned long)bytes, GetLastError());
    return echoed(b, bytes, seq, got, "pipe");
}

int event_rt(struct bench *b, uint32_t bytes, uint32_t seq)
{
    (void)bytes;
    (void)seq;
    if (!SetEvent(b->ping))
        return broke(b, "SetEvent(ping): error %lu", GetLastError());
    DWORD w = WaitForSingleObject(b->pong, PEER_WAIT_MS);
    if (w != WAIT_OBJECT_0)
        return broke(b, "WaitForSingleObject(pong) = %lu, error %lu", w, GetLastError());
    return 1;
}

/* Starts ROLE (error slot `slot`) and waits until `ready_after` children are ready. */
static int spawn(struct bench *b, int slot, const char *role, LONG ready_after)
{
    WCHAR exe[MAX_PATH], cmd[MAX_PATH + 200], wrole[32], wbase[64];
    if (!GetModuleFileNameW(NULL, exe, MAX_PATH))
        return broke(b, "GetModuleFileName: error %lu", GetLastError());
    object_name(wrole, 32, "", role, "");
    object_name(wbase, 64, "", b->base, "");
    _snwprintf(cmd, MAX_PATH + 200, L"\"%ls\" --role %ls %ls %lu", exe, wrole, wbase, GetCurrentProcessId());
    cmd[MAX_PATH + 199] = 0;
    HANDLE process = bench_spawn_self(exe, cmd);
    if (!process)
        return broke(b, "CreateProcess(%s): error %lu", role, GetLastError());
    b->child[slot] = process;
    ULONGLONG end = GetTickCount64() + READY_WAIT_MS;
    while (b->ctl->ready < ready_after)
        if (WaitForSingleObject(process, 2) == WAIT_OBJECT_0 || GetTickCount64() > end)
            return broke(b, "%s did not get ready: %s", role, b->ctl->error[slot][0] ? b->ctl->error[slot] : "no report");
    return 1;
}

int peers_start(struct bench *b)
{
    WCHAR name[160];
    snprintf(b->base, sizeof(b->base), "ceshim-svcbench.%lu.%lx", GetCurrentProcessId(),
             (unsigned long)(GetTickCount64() & 0xffffffu));
    object_name(name, 160, "Local\\", b->base, ".ctl");
    b->map = CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, sizeof(struct bench_ctl), name);
    b->ctl = b->map ? MapViewOfFile(b->map, FILE_MAP_ALL_ACCESS, 0, 0, sizeof(struct bench_ctl)) : NULL;
    object_name(name, 160, "Local\\", b->base, ".ping");
    b->ping = CreateEventW(NULL, FALSE, FALSE, name);
    object_name(name, 160, "Local\\", b->base, ".pong");
    b->pong = CreateEventW(NULL, FALSE, FALSE, name);
    if (!b->ctl || !b->ping || !b->pong)
        return broke(b, "control block or events: error %lu", GetLastError());
    if (!spawn(b, 1, "event-ponger", 1) || !spawn(b, 0, "pipe-echo", 2))
        return 0;
    object_name(name, 160, "\\\\.\\pipe\\", b->base, "");
    b->pipe = CreateFileW(name, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    DWORD mode = PIPE_READMODE_MESSAGE;
    if (b->pipe == INVALID_HANDLE_VALUE || !SetNamedPipeHandleState(b->pipe, &mode, NULL, NULL))
        return broke(b, "pipe client: error %lu", GetLastError());
    return 1;
}

void peers_stop(struct bench *b)
{
    if (b->ctl)
        InterlockedExchange(&b->ctl->stop, 1);
    if (b->ping)
        SetEvent(b->ping);
    if (b->pipe && b->pipe != INVALID_HANDLE_VALUE)
        CloseHandle(b->pipe); /* the echo's ReadFile fails: it exits */
    for (int i = 0; i < 2; i++) {
        if (!b->child[i])
            continue;
        if (WaitForSingleObject(b->child[i], 5000) != WAIT_OBJECT_0) {
            TerminateProcess(b->child[i], 99);
            broke(b, "a child did not exit when told");
        }
        CloseHandle(b->child[i]);
    }
    if (b->ctl && (b->ctl->error[0][0] || b->ctl->error[1][0]))
        broke(b, "children: pipe echo: %s; event ponger: %s", b->ctl->error[0][0] ? b->ctl->error[0] : "ok",
              b->ctl->error[1][0] ? b->ctl->error[1] : "ok");
    if (b->ping)
        CloseHandle(b->ping);
    if (b->pong)
        CloseHandle(b->pong);
    if (b->ctl)
        UnmapViewOfFile(b->ctl);
    if (b->map)
        CloseHandle(b->map);
}
