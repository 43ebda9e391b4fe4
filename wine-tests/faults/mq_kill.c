/*
 * mq_kill.c - readers and writers of one queue killed with TerminateProcess
 * at random moments, one after another, each replaced at once (Wine hands
 * the killed process's pid to the next one almost every time): every
 * message is accounted for, and no call of anyone ever wedges.
 *
 * What may be lost, exactly:
 *  - a killed writer's call in flight: the message it was writing (seq =
 *    its count of completed writes) is delivered whole or not at all;
 *  - a killed reader's last message: one it had taken off the queue but not
 *    yet reported. The queue's own count of messages read (rstate, read once
 *    the reader is dead) says whether there is one: it must be 0 or 1, and
 *    the reported stream may skip that many messages right there.
 * Everything else every writer completed is read exactly once, in order,
 * whole (length and checksum). A call is wedged if it fails with ERROR_BUSY
 * or returns over WEDGE_MS after its timeout; there must be none, and after
 * each kill GetMsgQueueInfo must give the right counts within 1 s.
 *
 * The number of kills per queue is CESHIM_KILLS from the environment
 * (default KILLS_DEFAULT); a long run: CESHIM_KILLS=1000.
 */
#include "fault_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KILLS_DEFAULT 80
#define MAX_MSG (64u * 1024u)
#define MAX_WRITERS 4096u /* writer incarnations, so kills per run are below this */
#define LOG_SIZE 65536u   /* reader -> parent report ring, entries */
#define WEDGE_MS 2000u
#define READY_MS 20000u

/* Shared by the parent and its children, in a mapping the parent creates. */
typedef struct kill_ledger {
    volatile LONG attempted[MAX_WRITERS]; /* writes begun by writer id (its seq + 1) */
    volatile LONG completed[MAX_WRITERS]; /* writes that returned TRUE */
    volatile LONG log_head;               /* reports published (by the one reader alive) */
    volatile LONG log_tail;               /* reports taken by the parent */
    struct { DWORD writer, seq; } log[LOG_SIZE];
    volatile LONG ready_pid[2];           /* a child has its end open: [0] writer, [1] reader */
    volatile LONG calls, wedged, corrupt, other_errors;
    volatile LONG max_late_ms;
    char note[256];                       /* the first problem a child saw */
} kill_ledger;

static kill_ledger *ledger_map(const WCHAR *name, BOOL create, HANDLE *mapping)
{
    *mapping = create ? CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, sizeof(kill_ledger), name)
                      : OpenFileMappingW(FILE_MAP_ALL_ACCESS, FALSE, name);
    return *mapping ? MapViewOfFile(*mapping, FILE_MAP_ALL_ACCESS, 0, 0, sizeof(kill_ledger)) : NULL;
}

static void note_once(kill_ledger *l, volatile LONG *counter, const char *fmt, DWORD a, DWORD b)
{
    if (InterlockedIncrement(counter) == 1 && !l->note[0])
        _snprintf(l->note, sizeof(l->note) - 1, fmt, a, b);
}

/* After each call: ERROR_BUSY or a return long after the timeout is a
 * wedged call. */
static void account_call(kill_ledger *l, BOOL ok, DWORD error, DWORD timeout, ULONGLONG start)
{
    DWORD took = (DWORD)(cetest_now_ms() - start), late = took > timeout ? took - timeout : 0;
    InterlockedIncrement(&l->calls);
    if ((LONG)late > l->max_late_ms)
        InterlockedExchange(&l->max_late_ms, (LONG)late);
    if ((!ok && error == ERROR_BUSY) || late > WEDGE_MS)
        note_once(l, &l->wedged, "wedged call: error %lu, %lu ms late", ok ? 0 : error, late);
    else if (!ok && error != ERROR_TIMEOUT && error != ERROR_OUTOFMEMORY)
        note_once(l, &l->other_errors, "call failed: error %lu (timeout %lu)", error, timeout);
}

/* ---- children: argv = queue name, ledger name, writer id or "r", max --------- */

static HANDLE child_open(char **argv, BOOL read, kill_ledger **l, HANDLE *ledger_mapping)
{
    WCHAR name[128], lname[128];
    MultiByteToWideChar(CP_UTF8, 0, argv[0], -1, name, 128);
    MultiByteToWideChar(CP_UTF8, 0, argv[1], -1, lname, 128);
    *l = ledger_map(lname, FALSE, ledger_mapping);
    MSGQUEUEOPTIONS o = fault_options(MSGQUEUE_ALLOW_BROKEN, (DWORD)atoi(argv[3]), MAX_MSG, read);
    SetLastError(0xdeadbeef);
    ULONGLONG start = cetest_now_ms();
    HANDLE q = *l ? CreateMsgQueue(name, &o) : NULL;
    if (*l)
        account_call(*l, q != NULL, GetLastError(), 0, start);
    return q;
}

CETEST_CHILD(kill_writer)
{
    REQUIRE(argc == 4);
    kill_ledger *l;
    HANDLE lm, w = child_open(argv, FALSE, &l, &lm);
    REQUIRE(l != NULL && w != NULL);
    DWORD id = (DWORD)atoi(argv[2]);
    fault_msg *m = malloc(MAX_MSG);
    REQUIRE(m != NULL);
    InterlockedExchange(&l->ready_pid[0], (LONG)GetCurrentProcessId());
    srand(GetCurrentProcessId() ^ (id * 2654435761u));
    for (DWORD seq = 0;; seq++) {
        DWORD len = FAULT_MSG_HEADER + (DWORD)(((unsigned)rand() * 7919u) % (MAX_MSG - FAULT_MSG_HEADER));
        fault_fill(m, id, seq, len);
        InterlockedExchange(&l->attempted[id], (LONG)seq + 1);
        /* At once if there is room; else wait a while, and again. An
         * unbounded queue that holds its 32 MiB says so at once. */
        for (DWORD timeout = 0;; timeout = 500) {
            ULONGLONG start = cetest_now_ms();
            SetLastError(0xdeadbeef);
            BOOL ok = WriteMsgQueue(w, m, len, timeout, 0);
            DWORD error = GetLastError();
            account_call(l, ok, error, timeout, start);
            if (ok)
                break;
            if (error == ERROR_OUTOFMEMORY)
                Sleep(1);
            else if (error != ERROR_TIMEOUT)
                Sleep(10); /* already counted; keep going until killed */
        }
        InterlockedExchange(&l->completed[id], (LONG)seq + 1);
    }
}

CETEST_CHILD(kill_reader)
{
    REQUIRE(argc == 4);
    kill_ledger *l;
    HANDLE lm, r = child_open(argv, TRUE, &l, &lm);
    REQUIRE(l != NULL && r != NULL);
    fault_msg *m = malloc(MAX_MSG);
    REQUIRE(m != NULL);
    InterlockedExchange(&l->ready_pid[1], (LONG)GetCurrentProcessId());
    DWORD timeout = 0;
    for (;;) {
        DWORD n = 0, flags = 0;
        ULONGLONG start = cetest_now_ms();
        SetLastError(0xdeadbeef);
        BOOL ok = ReadMsgQueue(r, m, MAX_MSG, &n, timeout, &flags);
        account_call(l, ok, GetLastError(), timeout, start);
        /* Polls while messages flow, waits a little when none came. */
        timeout = ok ? 0 : 200;
        if (!ok)
            continue;
        if (!fault_valid(m, n))
            note_once(l, &l->corrupt, "a damaged message: %lu bytes, header says %lu", n, n >= 12 ? m->len : 0);
        while (l->log_head - l->log_tail >= (LONG)LOG_SIZE)
            Sleep(1); /* the parent is behind */
        LONG at = l->log_head;
        l->log[(DWORD)at % LOG_SIZE].writer = m->writer;
        l->log[(DWORD)at % LOG_SIZE].seq = m->seq;
        InterlockedExchange(&l->log_head, at + 1); /* reported */
    }
}

/* ---- the parent's check of the stream ------------------------------------------- */

typedef struct stream_check {
    kill_ledger *l;
    DWORD writer, next_seq; /* the last message's writer, and the seq expected of it */
    DWORD may_skip;         /* messages a killed reader took unreported, just before this point */
    DWORD checked, reported, eaten;
    BOOL failed;
} stream_check;

/* Messages of the true stream between the expected one and (w, s), fewest
 * possible: writers before w are dead, so their counts are final. */
static BOOL check_message(stream_check *c, DWORD w, DWORD s)
{
    kill_ledger *l = c->l;
    if (c->failed)
        return FALSE;
    DWORD skipped = 0;
    BOOL ok = w < MAX_WRITERS && w >= c->writer && s < (DWORD)l->attempted[w];
    if (ok && w == c->writer) {
        ok = s >= c->next_seq;
        skipped = s - c->next_seq;
    } else if (ok) {
        DWORD done = (DWORD)l->completed[c->writer];
        skipped = (done > c->next_seq ? done - c->next_seq : 0) + s;
        for (DWORD v = c->writer + 1; v < w; v++)
            skipped += (DWORD)l->completed[v];
    }
    if (!CHECK_MSG(ok && skipped <= c->may_skip,
                   "message %lu: writer %lu seq %lu after writer %lu seq %lu (%lu may be missing here; "
                   "writer %lu began %ld, completed %ld)",
                   c->checked, w, s, c->writer, c->next_seq, c->may_skip, w, w < MAX_WRITERS ? l->attempted[w] : -1,
                   w < MAX_WRITERS ? l->completed[w] : -1)) {
        c->failed = TRUE;
        return FALSE;
    }
    c->may_skip = 0;
    c->writer = w;
    c->next_seq = s + 1;
    c->checked++;
    return TRUE;
}

static void drain_reports(stream_check *c)
{
    kill_ledger *l = c->l;
    while (l->log_tail != l->log_head) {
        LONG at = l->log_tail;
        check_message(c, l->log[(DWORD)at % LOG_SIZE].writer, l->log[(DWORD)at % LOG_SIZE].seq);
        InterlockedExchange(&l->log_tail, at + 1);
        c->reported++;
    }
}

/* Once the reader is dead: how many it took unreported (0 or 1). */
static void account_dead_reader(stream_check *c, const struct mq_header *h, DWORD parent_reads)
{
    drain_reports(c);
    DWORD read = (DWORD)(*(volatile uint64_t *)&h->rstate >> 32);
    DWORD known = c->reported + c->eaten + parent_reads;
    CHECK_MSG(read >= known && read - known <= 1, "the queue counts %lu messages read, %lu accounted for", read,
              known);
    DWORD eaten = read >= known ? read - known : 0;
    c->eaten += eaten;
    c->may_skip += eaten;
}

/* ---- the parent ------------------------------------------------------------------ */

typedef struct kill_run {
    WCHAR name[128], lname[128];
    char name8[256], lname8[256];
    DWORD max_messages;
    cetest_proc child[2]; /* [0] writer, [1] reader */
    BOOL running[2];
    DWORD next_writer;
    DWORD killed_pids[2 * MAX_WRITERS];
    DWORD nkilled;
    DWORD pid_reuses; /* children that got the pid of a child killed before */
} kill_run;

static BOOL start_child(kill_run *k, kill_ledger *l, int role)
{
    InterlockedExchange(&l->ready_pid[role], 0);
    char id[16];
    _snprintf(id, sizeof(id), role == 0 ? "%lu" : "r", k->next_writer);
    id[sizeof(id) - 1] = 0;
    if (!cetest_spawn(&k->child[role], 0, role == 0 ? "kill_writer" : "kill_reader", "%s %s %s %lu", k->name8,
                      k->lname8, id, k->max_messages))
        return FALSE;
    if (role == 0)
        k->next_writer++;
    k->running[role] = TRUE;
    for (DWORD i = 0; i < k->nkilled; i++) {
        if (k->killed_pids[i] == k->child[role].pid) {
            k->pid_reuses++;
            break;
        }
    }
    return TRUE;
}

static BOOL wait_ready(kill_run *k, kill_ledger *l, int role)
{
    ULONGLONG start = cetest_now_ms();
    while ((DWORD)l->ready_pid[role] != k->child[role].pid) {
        if (WaitForSingleObject(k->child[role].process, 1) == WAIT_OBJECT_0 || cetest_now_ms() - start > READY_MS)
            return CHECK_MSG(FALSE, "the %s child did not open its end (%s)", role ? "reader" : "writer", l->note);
    }
    return TRUE;
}

static void kill_role(kill_run *k, int role)
{
    if (k->nkilled < 2 * MAX_WRITERS)
        k->killed_pids[k->nkilled++] = k->child[role].pid;
    TerminateProcess(k->child[role].process, 1);
    WaitForSingleObject(k->child[role].process, 10000);
    cetest_collect(&k->child[role], 0, NULL, 0);
    k->running[role] = FALSE;
}

/* GetMsgQueueInfo shows the expected ends within 1 s, and never fails. */
static void check_counts(HANDLE q, WORD readers, WORD writers, DWORD kill)
{
    ULONGLONG start = cetest_now_ms();
    MSGQUEUEINFO info;
    BOOL ok;
    DWORD error;
    do {
        memset(&info, 0, sizeof(info));
        info.dwSize = sizeof(info);
        SetLastError(0xdeadbeef);
        ok = GetMsgQueueInfo(q, &info);
        error = GetLastError();
        if (ok && info.wNumReaders == readers && info.wNumWriters == writers)
            return;
        Sleep(5);
    } while (cetest_now_ms() - start < 1000 && (ok || error != ERROR_BUSY));
    CHECK_MSG(FALSE, "kill %lu: info = %d, error %lu, readers %u (expected %u), writers %u (expected %u)", kill, ok,
              ok ? 0 : error, info.wNumReaders, readers, info.wNumWriters, writers);
}

static DWORD kills_wanted(void)
{
    char value[32];
    DWORD n = GetEnvironmentVariableA("CESHIM_KILLS", value, sizeof(value));
    DWORD kills = n && n < sizeof(value) ? (DWORD)atoi(value) : KILLS_DEFAULT;
    return kills == 0 ? KILLS_DEFAULT : kills >= MAX_WRITERS - 2 ? MAX_WRITERS - 2 : kills;
}

static void kill_readers_and_writers(DWORD max_messages)
{
    kill_run k;
    memset(&k, 0, sizeof(k));
    k.max_messages = max_messages;
    cetest_unique_name(L"kill", k.name, 128);
    cetest_unique_name(L"kill-ledger", k.lname, 128);
    WideCharToMultiByte(CP_UTF8, 0, k.name, -1, k.name8, 256, NULL, NULL);
    WideCharToMultiByte(CP_UTF8, 0, k.lname, -1, k.lname8, 256, NULL, NULL);
    HANDLE lm;
    kill_ledger *l = ledger_map(k.lname, TRUE, &lm);
    REQUIRE(l != NULL);
    /* The parent holds both ends (so the queue lives throughout) and reads
     * only at the end. */
    MSGQUEUEOPTIONS o = fault_options(MSGQUEUE_ALLOW_BROKEN, max_messages, MAX_MSG, TRUE);
    HANDLE r = CreateMsgQueue(k.name, &o);
    o.bReadAccess = FALSE;
    HANDLE w = CreateMsgQueue(k.name, &o);
    HANDLE hm;
    SIZE_T hsize;
    struct mq_header *h = fault_map_queue(k.name, &hm, &hsize);
    REQUIRE(r && w && h);
    stream_check c = { l, 0, 0, 0, 0, 0, 0, FALSE };
    DWORD kills = kills_wanted(), kill, killed[2] = { 0, 0 };
    srand(4321 + max_messages);
    REQUIRE(start_child(&k, l, 0) && start_child(&k, l, 1));
    for (kill = 0; kill < kills && !cetest_failures(); kill++) {
        if (!wait_ready(&k, l, 0) || !wait_ready(&k, l, 1))
            break;
        drain_reports(&c);
        Sleep((DWORD)(rand() % 4)); /* mid-copy, in the lock, making a chunk, blocked... */
        int role = rand() % 2;
        kill_role(&k, role);
        killed[role]++;
        if (role == 1)
            account_dead_reader(&c, h, 0);
        check_counts(r, (WORD)(role == 1 ? 1 : 2), (WORD)(role == 0 ? 1 : 2), kill);
        if (!start_child(&k, l, role))
            break;
    }
    CHECK_MSG(kill == kills, "only %lu of %lu kills done", kill, kills);
    /* The end: both children killed; the parent reads what is left. */
    for (int role = 0; role < 2; role++)
        if (k.running[role])
            kill_role(&k, role);
    account_dead_reader(&c, h, 0);
    fault_msg *m = malloc(MAX_MSG);
    REQUIRE(m != NULL);
    DWORD parent_reads = 0, n, flags;
    while (ReadMsgQueue(r, m, MAX_MSG, &n, 0, &flags)) {
        parent_reads++;
        CHECK_MSG(fault_valid(m, n), "left in the queue: a damaged message of %lu bytes", n);
        check_message(&c, m->writer, m->seq);
    }
    CHECK_LASTERROR(ERROR_TIMEOUT);
    /* Nothing completed is missing at the end either. */
    DWORD missing = (DWORD)l->completed[c.writer] > c.next_seq ? (DWORD)l->completed[c.writer] - c.next_seq : 0;
    for (DWORD v = c.writer + 1; v < k.next_writer; v++)
        missing += (DWORD)l->completed[v];
    CHECK_MSG(missing <= c.may_skip, "%lu completed messages never read (%lu may be missing)", missing, c.may_skip);
    DWORD read = (DWORD)(h->rstate >> 32);
    CHECK_MSG(read == c.reported + c.eaten + parent_reads, "the queue counts %lu read, %lu accounted for", read,
              c.reported + c.eaten + parent_reads);
    CHECK_MSG(l->wedged == 0 && l->corrupt == 0 && l->other_errors == 0,
              "children: %ld wedged calls, %ld damaged messages, %ld other errors; first: %s", l->wedged, l->corrupt,
              l->other_errors, l->note);
    printf("%s queue: %lu kills (%lu writers, %lu readers; %lu children got a killed child's pid); %lu messages checked, %lu taken "
           "by killed readers unreported; %ld calls, %ld wedged, latest return %ld ms after its timeout\n",
           max_messages ? "bounded" : "unbounded", killed[0] + killed[1], killed[0], killed[1], k.pid_reuses,
           c.checked, c.eaten, l->calls, l->wedged, l->max_late_ms);
    free(m);
    fault_unmap_queue(h, hm);
    CloseMsgQueue(w);
    CloseMsgQueue(r);
    UnmapViewOfFile(l);
    CloseHandle(lm);
}

CETEST(mq_kill, bounded_queue_readers_and_writers_killed_at_random_lose_nothing_and_never_wedge)
{
    kill_readers_and_writers(16);
}

/* Writers also die while making, installing or reusing a chunk, readers
 * while retiring one. */
CETEST(mq_kill, unbounded_queue_readers_and_writers_killed_at_random_lose_nothing_and_never_wedge)
{
    kill_readers_and_writers(0);
}
