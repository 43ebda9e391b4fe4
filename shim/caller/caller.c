/*
 * caller.c - GetCallerProcess and friends, and the trust queries.
 *
 * CE hands out process IDs as process handles, so the HANDLE results are
 * IDs cast to HANDLE (OpenMsgQueue accepts them). Inside a service call
 * (caller.h) the caller is the client; outside one, CE6+'s answer: the
 * current process (see docs/decisions.md).
 */
#include <ceshim.h>
#include <pkfuncs.h>

#include <stdint.h>

#include "caller/caller.h"
#include "common/process.h"
#include "common/trace.h"

static DWORD client_or_self(void)
{
    DWORD pid = ceshim_caller_pid();
    return pid ? pid : ceshim_self_pid();
}

HANDLE GetCallerProcess(void)
{
    HANDLE h = (HANDLE)(uintptr_t)client_or_self();
    CESHIM_TRACE("GetCallerProcess() = %p", h);
    return h;
}

HANDLE GetOwnerProcess(void)
{
    /* The process that owns the current thread: always this one. */
    HANDLE h = (HANDLE)(uintptr_t)ceshim_self_pid();
    CESHIM_TRACE("GetOwnerProcess() = %p", h);
    return h;
}

DWORD GetDirectCallerProcessId(void)
{
    DWORD pid = client_or_self();
    CESHIM_TRACE("GetDirectCallerProcessId() = %lu", pid);
    return pid;
}

DWORD GetCallerVMProcessId(void)
{
    DWORD pid = client_or_self();
    CESHIM_TRACE("GetCallerVMProcessId() = %lu", pid);
    return pid;
}

DWORD CeGetCallerTrust(void)
{
    CESHIM_TRACE("CeGetCallerTrust() = %d", OEM_CERTIFY_TRUST);
    return OEM_CERTIFY_TRUST;
}

DWORD CeGetCurrentTrust(void)
{
    CESHIM_TRACE("CeGetCurrentTrust() = %d", OEM_CERTIFY_TRUST);
    return OEM_CERTIFY_TRUST;
}
