/*
 * cl_caller.c - the caller queries outside a service call, and the
 * per-thread hook a services host brackets service calls with.
 */
#include "cetest.h"

#include <pkfuncs.h>
#include <stdint.h>

#include "caller/caller.h"

CETEST(caller, exports_are_undecorated)
{
    static const char *const names[] = { "GetCallerProcess", "GetOwnerProcess", "GetDirectCallerProcessId",
                                         "GetCallerVMProcessId", "CeGetCallerTrust", "CeGetCurrentTrust" };
    HMODULE dll = GetModuleHandleW(L"ceshim.dll");
    REQUIRE(dll != NULL);
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        CHECK_MSG(GetProcAddress(dll, names[i]) != NULL, "ceshim.dll does not export %s", names[i]);
    /* The hook stays internal. */
    CHECK_PTR_EQ(GetProcAddress(dll, "ceshim_caller_enter"), NULL);
}

CETEST(caller, outside_a_service_call_every_answer_is_this_process)
{
    DWORD pid = GetCurrentProcessId();
    SetLastError(0xdeadbeef);
    CHECK_PTR_EQ(GetCallerProcess(), (HANDLE)(uintptr_t)pid);
    CHECK_PTR_EQ(GetOwnerProcess(), (HANDLE)(uintptr_t)pid);
    CHECK_EQ(GetDirectCallerProcessId(), pid);
    CHECK_EQ(GetCallerVMProcessId(), pid);
    CHECK_LASTERROR(0xdeadbeef);
}

CETEST(caller, trust_is_full_as_on_ce6)
{
    CHECK_EQ(OEM_CERTIFY_FALSE, 0);
    CHECK_EQ(OEM_CERTIFY_RUN, 1);
    CHECK_EQ(OEM_CERTIFY_TRUST, 2);
    SetLastError(0xdeadbeef);
    CHECK_EQ(CeGetCallerTrust(), OEM_CERTIFY_TRUST);
    CHECK_EQ(CeGetCurrentTrust(), OEM_CERTIFY_TRUST);
    CHECK_LASTERROR(0xdeadbeef);
}

CETEST(caller, caller_process_opens_a_queue_as_on_ce)
{
    /* CE code passes GetCallerProcess() to OpenMsgQueue: a process ID. */
    MSGQUEUEOPTIONS o = { sizeof(o), 0, 2, 8, TRUE };
    HANDLE r = CreateMsgQueue(NULL, &o);
    REQUIRE(r != NULL);
    o.bReadAccess = FALSE;
    SetLastError(0xdeadbeef);
    HANDLE w = OpenMsgQueue(GetCallerProcess(), r, &o);
    CHECK(w != NULL);
    CHECK_LASTERROR(0);
    if (w)
        CHECK(CloseMsgQueue(w));
    CHECK(CloseMsgQueue(r));
}

CETEST(caller_hook, enter_and_leave_nest_per_thread)
{
    CHECK_EQ(ceshim_caller_pid(), 0);
    CHECK_EQ(ceshim_caller_depth(), 0);
    SetLastError(0xdeadbeef);
    CHECK(ceshim_caller_enter(1234));
    CHECK_LASTERROR(0xdeadbeef);
    CHECK_EQ(ceshim_caller_pid(), 1234);
    CHECK(ceshim_caller_enter(5678));
    CHECK_EQ(ceshim_caller_pid(), 5678);
    CHECK_EQ(ceshim_caller_depth(), 2);
    ceshim_caller_leave();
    CHECK_EQ(ceshim_caller_pid(), 1234);
    ceshim_caller_leave();
    CHECK_LASTERROR(0xdeadbeef);
    CHECK_EQ(ceshim_caller_pid(), 0);
    CHECK_EQ(ceshim_caller_depth(), 0);
    /* An unbalanced leave is harmless. */
    ceshim_caller_leave();
    CHECK_EQ(ceshim_caller_depth(), 0);
}

static DWORD WINAPI other_thread(void *arg)
{
    DWORD *seen = arg;
    seen[0] = ceshim_caller_pid();
    ceshim_caller_enter(99);
    seen[1] = ceshim_caller_pid();
    ceshim_caller_leave();
    return 0;
}

CETEST(caller_hook, another_thread_is_not_inside_the_call)
{
    CHECK(ceshim_caller_enter(4321));
    DWORD seen[2] = { 0xdeadbeef, 0xdeadbeef };
    HANDLE t = CreateThread(NULL, 0, other_thread, seen, 0, NULL);
    REQUIRE(t != NULL);
    CHECK_EQ(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
    CHECK(CloseHandle(t));
    CHECK_EQ(seen[0], 0);
    CHECK_EQ(seen[1], 99);
    CHECK_EQ(ceshim_caller_pid(), 4321);
    ceshim_caller_leave();
    CHECK_EQ(ceshim_caller_pid(), 0);
}

CETEST(caller_hook, deeper_than_stored_keeps_the_deepest_client)
{
    for (DWORD i = 1; i <= CESHIM_CALLER_MAX_DEPTH + 4; i++)
        CHECK(ceshim_caller_enter(i));
    CHECK_EQ(ceshim_caller_depth(), CESHIM_CALLER_MAX_DEPTH + 4);
    CHECK_EQ(ceshim_caller_pid(), CESHIM_CALLER_MAX_DEPTH);
    for (DWORD i = 0; i < 4; i++)
        ceshim_caller_leave();
    CHECK_EQ(ceshim_caller_pid(), CESHIM_CALLER_MAX_DEPTH);
    ceshim_caller_leave();
    CHECK_EQ(ceshim_caller_pid(), CESHIM_CALLER_MAX_DEPTH - 1);
    while (ceshim_caller_depth())
        ceshim_caller_leave();
    CHECK_EQ(ceshim_caller_pid(), 0);
}
