/*
 * kfuncs.h - the CE kernel calls of <kfuncs.h> that ceshim provides:
 * EventModify and the trust queries.
 *
 * CE's <windows.h> included this header, so ceshim.h (force-included)
 * includes it too. Written for ceshim from Microsoft's CE documentation;
 * macros are spelled as CE's, so code defining them again gets identical
 * redefinitions.
 */
#ifndef CESHIM_KFUNCS_H
#define CESHIM_KFUNCS_H

#include <windows.h>

#include <ceshim_api.h>

#ifdef __cplusplus
extern "C" {
#endif

/* EventModify func: what CE's inline SetEvent/ResetEvent/PulseEvent pass. */
#define EVENT_PULSE 1
#define EVENT_RESET 2
#define EVENT_SET   3

/* Trust levels (CE's windef.h; desktop's has none of them). */
#ifndef OEM_CERTIFY_FALSE
#define OEM_CERTIFY_FALSE 0
#endif
#ifndef OEM_CERTIFY_RUN
#define OEM_CERTIFY_RUN 1
#endif
#ifndef OEM_CERTIFY_TRUST
#define OEM_CERTIFY_TRUST 2
#endif

BOOL WINAPI EventModify(HANDLE hEvent, DWORD func);

/* No WINAPI: CE declares these two without it (i686: __cdecl). Both
 * return OEM_CERTIFY_TRUST, as CE6 and later do. */
DWORD CeGetCallerTrust(void);
DWORD CeGetCurrentTrust(void);

#ifdef __cplusplus
}
#endif

#endif /* CESHIM_KFUNCS_H */
