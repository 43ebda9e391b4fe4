/*
 * dm_async_tests.c - CE 6.0's asynchronous caller buffers: a driver keeps
 * a caller's buffer after IOControl returned (CeAllocAsynchronousBuffer),
 * writes into it later from a thread of its own and flushes; the caller's
 * memory changes while the caller lives. Once the caller has exited, or
 * freed that memory, the flush fails with E_ACCESSDENIED and nothing is
 * written. Also the in-process forms and CeAllocDuplicateBuffer.
 */
#include "dm_test.h"

#include <string.h>

#define FILL_BOUND_MS 10000

static BOOL async_driver(struct svc_test *t, HANDLE *activation, HANDLE *open)
{
    svc_test_instance(t, L"dma");
    return dm_test_load_pfx(t, L"Drivers\\TAsync", 1, activation, open);
}

static BOOL keep(HANDLE f, void *ptr, DWORD len, DWORD mode, void *out, DWORD out_len)
{
    struct tdrv_embedded e = { (unsigned long long)(ULONG_PTR)ptr, len, mode };
    DWORD got = 0;
    SetLastError(0xdeadbeef);
    BOOL ok = DeviceIoControl(f, TDRV_ASYNC_KEEP, &e, sizeof(e), out, out_len, &got, NULL);
    return CHECK_MSG(ok, "TDRV_ASYNC_KEEP mode %lu failed, error %lu", (unsigned long)mode, GetLastError());
}

/* The flush's HRESULT (delay 0), or S_OK once a delayed fill is started. */
static HRESULT fill(HANDLE f, DWORD value, DWORD delay_ms, DWORD flush_only)
{
    struct tdrv_fill in = { value, delay_ms, flush_only };
    HRESULT hr = E_FAIL;
    DWORD got = 0;
    if (!CHECK(DeviceIoControl(f, TDRV_ASYNC_FILL, &in, sizeof(in), &hr, sizeof(hr), &got, NULL)))
        return E_FAIL;
    return hr;
}

/* CeFreeAsynchronousBuffer's HRESULT; *last_fill that of the last delayed fill. */
static HRESULT free_kept(HANDLE f, HRESULT *last_fill)
{
    HRESULT r[2] = { E_FAIL, E_FAIL };
    DWORD got = 0;
    CHECK(DeviceIoControl(f, TDRV_ASYNC_FREE, NULL, 0, r, sizeof(r), &got, NULL));
    if (last_fill)
        *last_fill = r[1];
    return r[0];
}

static BOOL all_bytes(const volatile BYTE *p, DWORD len, BYTE v)
{
    for (DWORD i = 0; i < len; i++)
        if (p[i] != v)
            return FALSE;
    return TRUE;
}

CETEST(devmgr_async, embedded_buffer_written_after_the_call)
{
    struct svc_test t;
    HANDLE h, f;
    REQUIRE(async_driver(&t, &h, &f));
    static volatile BYTE buf[64];
    memset((void *)buf, 0, sizeof(buf));
    REQUIRE(keep(f, (void *)buf, 60, TDRV_KEEP_EMBEDDED, NULL, 0));
    CHECK_EQ(buf[0], 0); /* nothing yet */
    /* A driver thread writes and flushes while we wait elsewhere. */
    CHECK_EQ(fill(f, 0xAB, 0, 0), S_OK);
    CHECK_MSG(all_bytes(buf, 60, 0xAB), "buf[0] 0x%02x buf[59] 0x%02x", buf[0], buf[59]);
    CHECK_EQ(buf[60], 0); /* past the kept length: untouched */
    /* Later, with this thread doing nothing with the driver. */
    CHECK_EQ(fill(f, 0xCD, 50, 0), S_OK);
    ULONGLONG start = cetest_now_ms();
    while (!all_bytes(buf, 60, 0xCD) && cetest_now_ms() - start < FILL_BOUND_MS)
        Sleep(5);
    CHECK_MSG(all_bytes(buf, 60, 0xCD), "after %lu ms buf[0] 0x%02x", (unsigned long)(cetest_now_ms() - start),
              buf[0]);
    /* Bytes we change ourselves meanwhile stay ours: only the driver's
     * changes go back. */
    buf[1] = 0x11;
    CHECK_EQ(fill(f, 0xCD, 0, 1), S_OK);
    CHECK_EQ(buf[1], 0x11);
    HRESULT last = E_FAIL;
    CHECK_EQ(free_kept(f, &last), S_OK);
    CHECK_EQ(last, S_OK);
    /* The driver flushes a buffer it already freed: CE's E_INVALIDARG. */
    CHECK_EQ(fill(f, 0, 0, 1), E_INVALIDARG);
    CHECK(CloseHandle(f));
    CHECK(DeactivateDevice(h));
    svc_test_end(&t);
}

CETEST(devmgr_async, first_level_out_buffer_kept)
{
    struct svc_test t;
    HANDLE h, f;
    REQUIRE(async_driver(&t, &h, &f));
    static volatile BYTE out[32];
    memset((void *)out, 0x01, sizeof(out));
    REQUIRE(keep(f, NULL, 0, TDRV_KEEP_OUT, (void *)out, sizeof(out)));
    CHECK_EQ(out[0], 0x5E); /* written before the driver kept it */
    CHECK_EQ(out[1], 0x01); /* the rest as we left it */
    CHECK_EQ(fill(f, 0x42, 0, 0), S_OK);
    CHECK_MSG(all_bytes(out, sizeof(out), 0x42), "out[0] 0x%02x out[31] 0x%02x", out[0], out[31]);
    CHECK_EQ(free_kept(f, NULL), S_OK);

    /* Flushed by a driver thread before IOControl returned: the call's own
     * copy-back must not undo it. */
    memset((void *)out, 0x01, sizeof(out));
    REQUIRE(keep(f, NULL, 0, TDRV_KEEP_OUT_NOW, (void *)out, sizeof(out)));
    CHECK_MSG(all_bytes(out, sizeof(out), 0xC3), "out[0] 0x%02x out[31] 0x%02x", out[0], out[31]);
    CHECK_EQ(free_kept(f, NULL), S_OK);
    CHECK(CloseHandle(f));
    CHECK(DeactivateDevice(h));
    svc_test_end(&t);
}

/* A client that hands the driver a buffer to keep, then waits to die. */
CETEST_CHILD(dm_async_keeper)
{
    (void)argc;
    (void)argv;
    HANDLE f = dm_test_open(L"TDA1:");
    REQUIRE(f != INVALID_HANDLE_VALUE);
    BYTE *buf = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, 4096);
    REQUIRE(buf != NULL);
    REQUIRE(keep(f, buf, 4096, TDRV_KEEP_EMBEDDED, NULL, 0));
    printf("kept\n");
    fflush(stdout);
    Sleep(60000); /* killed before this ends */
}

CETEST(devmgr_async, caller_gone_or_memory_freed_refused)
{
    struct svc_test t;
    HANDLE h, f;
    REQUIRE(async_driver(&t, &h, &f));

    /* The caller dies with its buffer kept. */
    cetest_proc child;
    REQUIRE(cetest_spawn(&child, 0, "dm_async_keeper", NULL));
    HRESULT hr = E_FAIL;
    ULONGLONG start = cetest_now_ms();
    /* Kept once a flush of it succeeds. */
    while ((hr = fill(f, 0, 0, 1)) != S_OK && cetest_now_ms() - start < FILL_BOUND_MS)
        Sleep(10);
    CHECK_MSG(hr == S_OK, "the child's buffer was not kept: 0x%08lx", (unsigned long)hr);
    TerminateProcess(child.process, 1);
    WaitForSingleObject(child.process, 10000);
    CHECK_EQ(fill(f, 0x99, 0, 0), E_ACCESSDENIED);
    CHECK_EQ(free_kept(f, NULL), E_ACCESSDENIED); /* the write-back failed; freed anyway */
    CHECK_EQ(fill(f, 0, 0, 1), E_INVALIDARG);
    cetest_collect(&child, 10000, NULL, 0);

    /* The caller frees the memory the driver kept. */
    BYTE *page = VirtualAlloc(NULL, 4096, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
    REQUIRE(page != NULL);
    REQUIRE(keep(f, page, 4096, TDRV_KEEP_EMBEDDED, NULL, 0));
    CHECK_EQ(fill(f, 0x31, 0, 0), S_OK);
    CHECK_EQ(page[4095], 0x31);
    CHECK(VirtualFree(page, 0, MEM_RELEASE));
    CHECK_EQ(fill(f, 0x32, 0, 0), E_ACCESSDENIED);
    /* ...and the same for memory made read-only. */
    CHECK_EQ(free_kept(f, NULL), E_ACCESSDENIED);
    page = VirtualAlloc(NULL, 4096, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
    REQUIRE(page != NULL);
    REQUIRE(keep(f, page, 16, TDRV_KEEP_EMBEDDED, NULL, 0));
    DWORD old;
    CHECK(VirtualProtect(page, 4096, PAGE_READONLY, &old));
    CHECK_EQ(fill(f, 0x33, 0, 0), E_ACCESSDENIED);
    CHECK_EQ(page[0], 0);
    CHECK_EQ(free_kept(f, NULL), E_ACCESSDENIED);
    VirtualFree(page, 0, MEM_RELEASE);

    CHECK(CloseHandle(f));
    CHECK(DeactivateDevice(h));
    svc_test_end(&t);
}

/* In the caller's own process the buffers alias; duplicates are copies. */
CETEST(devmgr_async, in_process_alias_and_duplicates)
{
    BYTE buf[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
    void *a = NULL, *d = NULL;
    CHECK_EQ(CeAllocAsynchronousBuffer(&a, buf, sizeof(buf), ARG_IO_PTR), S_OK);
    CHECK_PTR_EQ(a, buf);
    CHECK_EQ(CeFlushAsynchronousBuffer(a, buf, NULL, sizeof(buf), ARG_IO_PTR), S_OK);
    SetLastError(0xdeadbeef);
    CHECK_EQ(CeFlushAsynchronousBuffer(a, buf, NULL, sizeof(buf), ARG_I_PTR), HRESULT_FROM_WIN32(ERROR_NOT_SUPPORTED));
    CHECK_EQ(GetLastError(), ERROR_NOT_SUPPORTED);
    CHECK_EQ(CeFreeAsynchronousBuffer(a, buf, sizeof(buf), ARG_IO_PTR), S_OK);
    CHECK_EQ(CeAllocAsynchronousBuffer(&a, buf, sizeof(buf), ARG_DW), E_INVALIDARG);
    CHECK_EQ(CeAllocAsynchronousBuffer(&a, NULL, sizeof(buf), ARG_O_PTR), E_INVALIDARG);
    CHECK_EQ(CeFreeAsynchronousBuffer((void *)(ULONG_PTR)0x1234, buf, 4, ARG_IO_PTR), E_INVALIDARG);

    CHECK_EQ(CeAllocDuplicateBuffer(&d, buf, sizeof(buf), ARG_IO_PTR), S_OK);
    REQUIRE(d != NULL && d != buf);
    CHECK_EQ(((BYTE *)d)[7], 8);
    ((BYTE *)d)[0] = 9;
    CHECK_EQ(buf[0], 1);
    CHECK_EQ(CeFreeDuplicateBuffer(d, buf, sizeof(buf), ARG_IO_PTR), S_OK);
    CHECK_EQ(buf[0], 9);
    CHECK_EQ(CeAllocDuplicateBuffer(&d, buf, sizeof(buf), ARG_O_PTR), S_OK);
    CHECK_EQ(((BYTE *)d)[7], 0); /* out only: not copied in */
    CHECK_EQ(CeFreeDuplicateBuffer(d, buf, sizeof(buf), ARG_I_PTR), S_OK);
    CHECK_EQ(buf[7], 8); /* in only: not copied back */
    CHECK_EQ(CeAllocDuplicateBuffer(&d, buf, 0, ARG_I_PTR), E_INVALIDARG);
    CHECK_EQ(CeAllocDuplicateBuffer(&d, L"abc", 0, ARG_I_WSTR), S_OK);
    CHECK(d && !wcscmp(d, L"abc"));
    CHECK_EQ(CeFreeDuplicateBuffer(d, L"abc", 0, ARG_I_WSTR), S_OK);
    BYTE *gone = VirtualAlloc(NULL, 4096, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
    REQUIRE(gone != NULL);
    VirtualFree(gone, 0, MEM_RELEASE);
    CHECK_EQ(CeAllocDuplicateBuffer(&d, gone, 16, ARG_I_PTR), E_ACCESSDENIED);
    CHECK_EQ(CeFreeDuplicateBuffer((void *)(ULONG_PTR)0x1234, buf, 4, ARG_IO_PTR), E_INVALIDARG);
}
