/*
 * ev_unrouted.c - unnamed events created by plain Win32 (code built
 * without ceshim.h's routing): data is kept for this process only.
 */
#include "ev_test.h"

/* The real Win32 call, as code built without the forced include makes it. */
#undef CreateEventW

CETEST(events_unrouted, anonymous_event_data_in_this_process)
{
    HANDLE h = CreateEventW(NULL, TRUE, FALSE, NULL);
    REQUIRE(h != NULL);
    EV_EXPECT_DATA(h, 0);
    EV_EXPECT_SET(h, 21);
    EV_EXPECT_DATA(h, 21);
    EV_EXPECT_SET(h, 22);
    EV_EXPECT_DATA(h, 22);
    HANDLE other = CreateEventW(NULL, TRUE, FALSE, NULL);
    REQUIRE(other != NULL);
    EV_EXPECT_DATA(other, 0);
    /* Closing (through ceshim.h's CloseHandle) forgets it: a new event that
     * reuses the handle value starts without data. */
    CHECK(CloseHandle(h));
    HANDLE again = CreateEventW(NULL, TRUE, FALSE, NULL);
    REQUIRE(again != NULL);
    EV_EXPECT_DATA(again, 0);
    CHECK(CloseHandle(again));
    CHECK(CloseHandle(other));
}

CETEST(events_unrouted, duplicate_in_this_process_when_the_system_compares_handles)
{
    HMODULE k = GetModuleHandleW(L"kernelbase.dll");
    if (!k || !GetProcAddress(k, "CompareObjectHandles")) {
        k = GetModuleHandleW(L"kernel32.dll");
        if (!GetProcAddress(k, "CompareObjectHandles"))
            return; /* no CompareObjectHandles (Windows before 10): per handle */
    }
    HANDLE h = CreateEventW(NULL, TRUE, FALSE, NULL), dup = NULL;
    REQUIRE(h != NULL);
    REQUIRE(DuplicateHandle(GetCurrentProcess(), h, GetCurrentProcess(), &dup, 0, FALSE, DUPLICATE_SAME_ACCESS));
    EV_EXPECT_SET(h, 31);
    EV_EXPECT_DATA(dup, 31);
    CHECK(CloseHandle(dup));
    CHECK(CloseHandle(h));
}
