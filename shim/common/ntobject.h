/*
 * ntobject.h - what the kernel says about a handle (NtQueryObject): its
 * object type and its full kernel name. Used to tell an event from other
 * handles and to identify one event object from any process.
 */
#ifndef CESHIM_COMMON_NTOBJECT_H
#define CESHIM_COMMON_NTOBJECT_H

#include <windows.h>

/* TRUE if h is a valid handle to an object of type `type` (L"Event",
 * L"Thread", ...). Keeps the last error. */
BOOL ceshim_handle_is_type(HANDLE h, const WCHAR *type);
/* The kernel name of h (e.g. L"\\Sessions\\1\\BaseNamedObjects\\x") into
 * out (chars including the NUL); *len gets its length, 0 for an unnamed
 * object. FALSE if the handle cannot be queried or the name does not fit.
 * Keeps the last error. */
BOOL ceshim_handle_kernel_name(HANDLE h, WCHAR *out, size_t chars, size_t *len);

#endif /* CESHIM_COMMON_NTOBJECT_H */
