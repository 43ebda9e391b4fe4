/*
 * fault_util.c - see fault_util.h.
 */
#include "fault_util.h"

#include <stdio.h>
#include <string.h>

struct mq_header *fault_map_queue(const WCHAR *name, HANDLE *mapping, SIZE_T *size)
{
    WCHAR object[512];
    _snwprintf(object, 512, L"Local\\" CESHIM_LAYOUT_TAG L"qn.%ls.m", name);
    object[511] = 0;
    *mapping = OpenFileMappingW(FILE_MAP_ALL_ACCESS, FALSE, object);
    if (!*mapping)
        return NULL;
    struct mq_header *h = MapViewOfFile(*mapping, FILE_MAP_ALL_ACCESS, 0, 0, 0);
    if (!h) {
        CloseHandle(*mapping);
        return NULL;
    }
    /* The whole reservation (the ring may be committed only in part). */
    SIZE_T total = 0;
    MEMORY_BASIC_INFORMATION mbi;
    BYTE *p = (BYTE *)h;
    while (VirtualQuery(p, &mbi, sizeof(mbi)) && mbi.AllocationBase == (void *)h) {
        total += mbi.RegionSize;
        p += mbi.RegionSize;
    }
    VirtualAlloc(h, total, MEM_COMMIT, PAGE_READWRITE);
    *size = total;
    return h;
}

void fault_unmap_queue(struct mq_header *h, HANDLE mapping)
{
    UnmapViewOfFile(h);
    CloseHandle(mapping);
}

BOOL fault_queue_open(fault_queue *q, const WCHAR *prefix, DWORD flags, DWORD max, DWORD cbmax)
{
    memset(q, 0, sizeof(*q));
    cetest_unique_name(prefix, q->name, 128);
    MSGQUEUEOPTIONS o = fault_options(flags, max, cbmax, TRUE);
    q->r = CreateMsgQueue(q->name, &o);
    o.bReadAccess = FALSE;
    q->w = CreateMsgQueue(q->name, &o);
    if (!q->r || !q->w)
        return FALSE;
    q->h = fault_map_queue(q->name, &q->mapping, &q->size);
    return q->h != NULL;
}

void fault_queue_close(fault_queue *q)
{
    if (q->h)
        fault_unmap_queue(q->h, q->mapping);
    if (q->r)
        CloseMsgQueue(q->r);
    if (q->w)
        CloseMsgQueue(q->w);
}

uint64_t fault_create_time(HANDLE process)
{
    FILETIME c, e, k, u;
    if (!GetProcessTimes(process, &c, &e, &k, &u))
        return 0;
    return ((uint64_t)c.dwHighDateTime << 32) | c.dwLowDateTime;
}

uint64_t fault_owner_word(HANDLE process, DWORD pid) { return ceshim_owner_word(pid, fault_create_time(process)); }

MSGQUEUEOPTIONS fault_options(DWORD flags, DWORD max_messages, DWORD cb_max, BOOL read)
{
    MSGQUEUEOPTIONS o;
    o.dwSize = sizeof(o);
    o.dwFlags = flags;
    o.dwMaxMessages = max_messages;
    o.cbMaxMessage = cb_max;
    o.bReadAccess = read;
    return o;
}

static DWORD checksum(const BYTE *p, DWORD n)
{
    DWORD h = 2166136261u;
    for (DWORD i = 0; i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

void fault_fill(fault_msg *m, DWORD writer, DWORD seq, DWORD len)
{
    m->writer = writer;
    m->seq = seq;
    m->len = len;
    DWORD n = len - FAULT_MSG_HEADER;
    for (DWORD i = 0; i < n; i++)
        m->payload[i] = (BYTE)(seq * 31 + i * 7 + writer);
    m->checksum = checksum(m->payload, n);
}

BOOL fault_valid(const fault_msg *m, DWORD len)
{
    return len >= FAULT_MSG_HEADER && m->len == len &&
           m->checksum == checksum(m->payload, len - FAULT_MSG_HEADER);
}

DWORD fault_wait_counts(HANDLE h, WORD readers, WORD writers, DWORD ms)
{
    ULONGLONG start = cetest_now_ms();
    for (;;) {
        MSGQUEUEINFO info;
        memset(&info, 0, sizeof(info));
        info.dwSize = sizeof(info);
        if (GetMsgQueueInfo(h, &info) && info.wNumReaders == readers && info.wNumWriters == writers)
            return (DWORD)(cetest_now_ms() - start);
        if (cetest_now_ms() - start > ms)
            return ~0u;
        Sleep(10);
    }
}

BOOL fault_guarded_init(fault_guarded *g, SIZE_T max_bytes)
{
    SIZE_T body = (max_bytes + FAULT_CANARY + 4095) / 4096 * 4096;
    g->base = VirtualAlloc(NULL, body + 4096, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    if (!g->base)
        return FALSE;
    g->guard = g->base + body;
    DWORD old;
    return VirtualProtect(g->guard, 4096, PAGE_NOACCESS, &old);
}

void fault_guarded_free(fault_guarded *g)
{
    if (g->base)
        VirtualFree(g->base, 0, MEM_RELEASE);
    g->base = g->guard = NULL;
}

BYTE *fault_guarded_at(fault_guarded *g, SIZE_T n)
{
    BYTE *p = g->guard - n;
    memset(p - FAULT_CANARY, 0xA5, FAULT_CANARY);
    return p;
}

BOOL fault_canary_ok(const BYTE *p)
{
    for (const BYTE *c = p - FAULT_CANARY; c < p; c++)
        if (*c != 0xA5)
            return FALSE;
    return TRUE;
}

DWORD fault_count_handles(void)
{
    /* Handle values are multiples of 4, handed out lowest first. */
    DWORD n = 0, info;
    for (ULONG_PTR v = 4; v < 0x10000; v += 4)
        if (GetHandleInformation((HANDLE)v, &info))
            n++;
    return n;
}

DWORD fault_count_views(void)
{
    DWORD n = 0;
    MEMORY_BASIC_INFORMATION mbi;
    for (BYTE *p = NULL; VirtualQuery(p, &mbi, sizeof(mbi)); p = (BYTE *)mbi.BaseAddress + mbi.RegionSize) {
        if (mbi.Type == MEM_MAPPED && mbi.BaseAddress == mbi.AllocationBase)
            n++;
        if ((BYTE *)mbi.BaseAddress + mbi.RegionSize < p)
            break; /* wrapped */
    }
    return n;
}
