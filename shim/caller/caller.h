/*
 * caller.h - the client a service call runs for (internal, not exported).
 *
 * The services host brackets each call into a service DLL's entry point
 * with ceshim_caller_enter(client pid) / ceshim_caller_leave(), so that
 * GetCallerProcess() and friends answer for the client inside the call.
 * Per thread, and nested: a service that calls another service sees its
 * own client again when the inner call returns.
 */
#ifndef CESHIM_CALLER_H
#define CESHIM_CALLER_H

#include <windows.h>

#define CESHIM_CALLER_MAX_DEPTH 16

/* Enters a service call on behalf of process client_pid. FALSE (and no
 * change) if the thread's state cannot be allocated. */
BOOL ceshim_caller_enter(DWORD client_pid);
/* Leaves the innermost call entered on this thread. */
void ceshim_caller_leave(void);
/* The client of the innermost service call on this thread, 0 outside one. */
DWORD ceshim_caller_pid(void);
/* How many service calls this thread is inside. */
unsigned ceshim_caller_depth(void);

#endif /* CESHIM_CALLER_H */
