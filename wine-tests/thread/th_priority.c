/*
 * th_priority.c - CeSetThreadPriority / CeGetThreadPriority: the 0..255
 * scale read back unchanged, its desktop mapping, thread IDs in place of
 * handles, and errors.
 */
#include "cetest.h"

#include <stdint.h>

/* CE's values must not have replaced desktop's. */
_Static_assert(THREAD_PRIORITY_NORMAL == 0 && THREAD_PRIORITY_IDLE == -15 && THREAD_PRIORITY_TIME_CRITICAL == 15,
               "desktop THREAD_PRIORITY_* untouched");

static HANDLE stop_event;

static DWORD WINAPI idle_thread(void *arg)
{
    (void)arg;
    WaitForSingleObject(stop_event, 30000);
    return 0;
}

/* A thread that waits until stop_worker(). */
static HANDLE start_worker(DWORD *tid)
{
    stop_event = CreateEventW(NULL, TRUE, FALSE, NULL);
    return CreateThread(NULL, 0, idle_thread, NULL, 0, tid);
}

static void stop_worker(HANDLE t)
{
    SetEvent(stop_event);
    CHECK_EQ(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
    CHECK(CloseHandle(t));
    CHECK(CloseHandle(stop_event));
}

CETEST(thread, exports_are_undecorated)
{
    HMODULE dll = GetModuleHandleW(L"ceshim.dll");
    REQUIRE(dll != NULL);
    CHECK(GetProcAddress(dll, "CeSetThreadPriority") != NULL);
    CHECK(GetProcAddress(dll, "CeGetThreadPriority") != NULL);
}

CETEST(thread, ce_prio_256_names)
{
    CHECK_EQ(CE_THREAD_PRIO_256_TIME_CRITICAL, 248);
    CHECK_EQ(CE_THREAD_PRIO_256_HIGHEST, 249);
    CHECK_EQ(CE_THREAD_PRIO_256_ABOVE_NORMAL, 250);
    CHECK_EQ(CE_THREAD_PRIO_256_NORMAL, 251);
    CHECK_EQ(CE_THREAD_PRIO_256_BELOW_NORMAL, 252);
    CHECK_EQ(CE_THREAD_PRIO_256_LOWEST, 253);
    CHECK_EQ(CE_THREAD_PRIO_256_ABOVE_IDLE, 254);
    CHECK_EQ(CE_THREAD_PRIO_256_IDLE, 255);
}

CETEST(thread, every_value_reads_back_unchanged)
{
    DWORD tid;
    HANDLE t = start_worker(&tid);
    REQUIRE(t != NULL);
    for (int p = 0; p <= 255; p++) {
        SetLastError(0xdeadbeef);
        BOOL ok = CeSetThreadPriority(t, p);
        DWORD err = GetLastError();
        CHECK_MSG(ok, "CeSetThreadPriority(%d) failed, error %lu", p, err);
        SetLastError(0xdeadbeef);
        int got = CeGetThreadPriority(t);
        CHECK_MSG(got == p, "CeGetThreadPriority after setting %d: %d", p, got);
        CHECK_LASTERROR(0xdeadbeef);
    }
    stop_worker(t);
}

CETEST(thread, maps_onto_desktop_priorities)
{
    static const struct {
        int ce, desktop;
    } map[] = {
        { 0, THREAD_PRIORITY_TIME_CRITICAL },   { 130, THREAD_PRIORITY_TIME_CRITICAL },
        { 247, THREAD_PRIORITY_TIME_CRITICAL }, { 248, THREAD_PRIORITY_TIME_CRITICAL },
        { 249, THREAD_PRIORITY_HIGHEST },       { 250, THREAD_PRIORITY_ABOVE_NORMAL },
        { 251, THREAD_PRIORITY_NORMAL },        { 252, THREAD_PRIORITY_BELOW_NORMAL },
        { 253, THREAD_PRIORITY_LOWEST },        { 254, THREAD_PRIORITY_LOWEST },
        { 255, THREAD_PRIORITY_IDLE },
    };
    DWORD tid;
    HANDLE t = start_worker(&tid);
    REQUIRE(t != NULL);
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
        CHECK(CeSetThreadPriority(t, map[i].ce));
        CHECK_MSG(GetThreadPriority(t) == map[i].desktop, "CE %d: desktop %d, expected %d", map[i].ce,
                  GetThreadPriority(t), map[i].desktop);
    }
    stop_worker(t);
}

CETEST(thread, derived_from_desktop_when_changed_behind_ceshims_back)
{
    DWORD tid;
    HANDLE t = start_worker(&tid);
    REQUIRE(t != NULL);
    /* Never set through ceshim: derived. */
    CHECK_INT_EQ(CeGetThreadPriority(t), CE_THREAD_PRIO_256_NORMAL);
    CHECK(CeSetThreadPriority(t, 100));
    CHECK_INT_EQ(CeGetThreadPriority(t), 100);
    CHECK(SetThreadPriority(t, THREAD_PRIORITY_LOWEST));
    CHECK_INT_EQ(CeGetThreadPriority(t), CE_THREAD_PRIO_256_LOWEST);
    CHECK(SetThreadPriority(t, THREAD_PRIORITY_IDLE));
    CHECK_INT_EQ(CeGetThreadPriority(t), CE_THREAD_PRIO_256_IDLE);
    CHECK(SetThreadPriority(t, THREAD_PRIORITY_ABOVE_NORMAL));
    CHECK_INT_EQ(CeGetThreadPriority(t), CE_THREAD_PRIO_256_ABOVE_NORMAL);
    /* Back to what ceshim set (TIME_CRITICAL for 100): still derived, the
     * desktop value alone cannot tell 100 from 248. */
    CHECK(SetThreadPriority(t, THREAD_PRIORITY_TIME_CRITICAL));
    int p = CeGetThreadPriority(t);
    CHECK_MSG(p == 100 || p == CE_THREAD_PRIO_256_TIME_CRITICAL, "got %d", p);
    stop_worker(t);
}

CETEST(thread, current_thread_pseudo_handle)
{
    HANDLE self = GetCurrentThread();
    int before = CeGetThreadPriority(self);
    CHECK(before >= 0 && before <= 255);
    SetLastError(0xdeadbeef);
    CHECK(CeSetThreadPriority(self, CE_THREAD_PRIO_256_ABOVE_NORMAL));
    CHECK_LASTERROR(0xdeadbeef);
    CHECK_INT_EQ(CeGetThreadPriority(self), CE_THREAD_PRIO_256_ABOVE_NORMAL);
    CHECK_INT_EQ(GetThreadPriority(self), THREAD_PRIORITY_ABOVE_NORMAL);
    CHECK(CeSetThreadPriority(self, CE_THREAD_PRIO_256_NORMAL));
    CHECK_INT_EQ(GetThreadPriority(self), THREAD_PRIORITY_NORMAL);
}

CETEST(thread, thread_id_in_place_of_the_handle)
{
    DWORD tid;
    HANDLE t = start_worker(&tid);
    REQUIRE(t != NULL);
    HANDLE as_handle = (HANDLE)(uintptr_t)tid;
    /* Handle values and IDs overlap on desktop; only meaningful when the
     * ID is not also one of our thread handles. */
    if (GetThreadId(as_handle) == 0) {
        SetLastError(0xdeadbeef);
        CHECK(CeSetThreadPriority(as_handle, 250));
        CHECK_LASTERROR(0xdeadbeef);
        CHECK_INT_EQ(CeGetThreadPriority(t), 250);
        CHECK(CeSetThreadPriority(t, 77));
        SetLastError(0xdeadbeef);
        CHECK_INT_EQ(CeGetThreadPriority(as_handle), 77);
        CHECK_LASTERROR(0xdeadbeef);
        CHECK_INT_EQ(GetThreadPriority(t), THREAD_PRIORITY_TIME_CRITICAL);
    }
    stop_worker(t);
}

CETEST(thread, out_of_range_priorities_are_rejected)
{
    DWORD tid;
    HANDLE t = start_worker(&tid);
    REQUIRE(t != NULL);
    CHECK(CeSetThreadPriority(t, 200));
    int bad[] = { -1, 256, 1000, -2147483647 - 1, 2147483647 };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        SetLastError(0xdeadbeef);
        CHECK(!CeSetThreadPriority(t, bad[i]));
        CHECK_LASTERROR(ERROR_INVALID_PARAMETER);
    }
    CHECK_INT_EQ(CeGetThreadPriority(t), 200);
    stop_worker(t);
}

CETEST(thread, invalid_handles_fail)
{
    HANDLE ev = CreateEventW(NULL, FALSE, FALSE, NULL);
    HANDLE bad[] = { NULL, (HANDLE)(uintptr_t)0xFFFFFFF0u };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        SetLastError(0xdeadbeef);
        CHECK(!CeSetThreadPriority(bad[i], 251));
        CHECK_LASTERROR(ERROR_INVALID_HANDLE);
        SetLastError(0xdeadbeef);
        CHECK_INT_EQ(CeGetThreadPriority(bad[i]), THREAD_PRIORITY_ERROR_RETURN);
        CHECK_LASTERROR(ERROR_INVALID_HANDLE);
    }
    CHECK_INT_EQ(THREAD_PRIORITY_ERROR_RETURN, 0x7fffffff);
    CHECK(CloseHandle(ev));
}
