/*
 * dm_callerbuf_tests.c - a driver that follows a pointer found inside the
 * caller's structure really changes the caller's memory (MapCallerPtr,
 * MapPtrToProcess, CeOpenCallerBuffer/CeCloseCallerBuffer), the host
 * running the driver in another process; a pointer the caller does not own
 * is refused and nothing is written anywhere.
 */
#include "dm_test.h"

static BOOL embedded_call(HANDLE f, const void *ptr, DWORD len, DWORD mode, DWORD *error)
{
    struct tdrv_embedded e = { (unsigned long long)(ULONG_PTR)ptr, len, mode };
    DWORD got = 0;
    SetLastError(0xdeadbeef);
    BOOL ok = DeviceIoControl(f, TDRV_EMBEDDED, &e, sizeof(e), NULL, 0, &got, NULL);
    *error = GetLastError();
    return ok;
}

CETEST(devmgr_callerbuf, embedded_pointers_written_back)
{
    struct svc_test t;
    svc_test_instance(&t, L"dmc");
    HANDLE h, f;
    REQUIRE(dm_test_load_pfx(&t, L"Drivers\\TBuf", 1, &h, &f));
    BYTE buf[64], guard[16];
    DWORD error = 0;
    memset(buf, 0, sizeof(buf));
    memset(guard, 0x5A, sizeof(guard));
    CHECK_MSG(embedded_call(f, buf, 60, TDRV_EMB_MAP, &error), "MapCallerPtr mode failed, error %lu", error);
    BOOL same = TRUE;
    for (int i = 0; i < 60; i++)
        same = same && buf[i] == (BYTE)(0xA0 + i);
    CHECK_MSG(same, "buf[0] 0x%02x, buf[59] 0x%02x", buf[0], buf[59]);
    CHECK_EQ(buf[60], 0); /* past the length: untouched */

    CHECK_MSG(embedded_call(f, buf, 60, TDRV_EMB_OPEN, &error), "CeOpenCallerBuffer mode failed, error %lu", error);
    CHECK_EQ(buf[0], 0xA1);
    CHECK_EQ(buf[59], (BYTE)(0xA0 + 59 + 1));

    DWORD v = 0;
    CHECK_MSG(embedded_call(f, &v, sizeof(v), TDRV_EMB_PROCESS, &error), "MapPtrToProcess mode failed, error %lu",
              error);
    CHECK_EQ(v, 0x600D);

    /* First-level buffers are the host's own: MapCallerPtr passes them through. */
    struct tdrv_embedded e = { 0, 0, TDRV_EMB_FIRST };
    BYTE out[16] = { 0 };
    DWORD got = 0;
    CHECK(DeviceIoControl(f, TDRV_EMBEDDED, &e, sizeof(e), out, sizeof(out), &got, NULL));
    CHECK_EQ(got, sizeof(out));
    CHECK_EQ(out[15], 0x77);

    /* Pointers the caller does not own: refused, and no write lands anywhere. */
    CHECK(!embedded_call(f, (void *)(ULONG_PTR)0x10, 8, TDRV_EMB_MAP, &error));
    CHECK_EQ(error, ERROR_INVALID_PARAMETER);
    BYTE *gone = VirtualAlloc(NULL, 4096, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
    REQUIRE(gone != NULL);
    VirtualFree(gone, 0, MEM_RELEASE);
    CHECK(!embedded_call(f, gone, 16, TDRV_EMB_MAP, &error));
    CHECK_EQ(error, ERROR_INVALID_PARAMETER);
    CHECK(!embedded_call(f, gone, 16, TDRV_EMB_OPEN, &error));
    CHECK_EQ(error, ERROR_ACCESS_DENIED);
    CHECK(!embedded_call(f, (void *)(ULONG_PTR)0x10, 4, TDRV_EMB_PROCESS, &error));
    /* A read-only page of ours: read in, but the write-back fails quietly. */
    BYTE *ro = VirtualAlloc(NULL, 4096, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
    REQUIRE(ro != NULL);
    DWORD old;
    CHECK(VirtualProtect(ro, 4096, PAGE_READONLY, &old));
    embedded_call(f, ro, 16, TDRV_EMB_OPEN, &error);
    CHECK_EQ(ro[0], 0); /* still ours, still unchanged */
    VirtualFree(ro, 0, MEM_RELEASE);
    CHECK_EQ(guard[0], 0x5A);

    CloseHandle(f);
    CHECK(DeactivateDevice(h));
    svc_test_end(&t);
}

/* In the caller's own process (no host between), the calls hand pointers
 * back unchanged, and CeOpenCallerBuffer's duplicates work. */
CETEST(devmgr_callerbuf, in_process_identity)
{
    BYTE buf[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
    CHECK_PTR_EQ(MapCallerPtr(buf, sizeof(buf)), buf);
    CHECK_PTR_EQ(MapPtrToProcess(buf, GetCurrentProcess()), buf);
    CHECK_PTR_EQ(UnMapPtr(buf), buf);
    void *m = NULL;
    CHECK_EQ(CeOpenCallerBuffer(&m, buf, sizeof(buf), ARG_IO_PTR, FALSE), S_OK);
    CHECK_PTR_EQ(m, buf);
    CHECK_EQ(CeCloseCallerBuffer(m, buf, sizeof(buf), ARG_IO_PTR), S_OK);
    CHECK_EQ(CeOpenCallerBuffer(&m, buf, sizeof(buf), ARG_IO_PTR, TRUE), S_OK);
    CHECK(m != buf && m != NULL);
    if (m) {
        ((BYTE *)m)[0] = 9;
        CHECK_EQ(buf[0], 1);
        CHECK_EQ(CeCloseCallerBuffer(m, buf, sizeof(buf), ARG_IO_PTR), S_OK);
        CHECK_EQ(buf[0], 9);
    }
    CHECK_EQ(CeOpenCallerBuffer(&m, buf, 4, ARG_DW, FALSE), E_INVALIDARG);
    CHECK_EQ(CeOpenCallerBuffer(&m, NULL, 4, ARG_I_PTR, FALSE), E_INVALIDARG);
    CHECK_EQ(CeCloseCallerBuffer((void *)(ULONG_PTR)0x1234, buf, 4, ARG_IO_PTR), E_INVALIDARG);
}
