/*
 * dbgapi.h - CE's debug messages and debug zones: DBGPARAM, dpCurSettings,
 * DEBUGZONE, DEBUGMSG, RETAILMSG, ERRORMSG, DEBUGCHK, DEBUGREGISTER,
 * RETAILREGISTERZONES, RegisterDbgZones, NKDbgPrintfW.
 *
 * Written for ceshim from Microsoft's CE documentation. CE's <windows.h>
 * brought these to every source, so ceshim.h includes this header. As on CE,
 * DEBUGMSG, DEBUGCHK and DEBUGREGISTER act only in debug builds (DEBUG
 * defined); RETAILMSG, ERRORMSG and RETAILREGISTERZONES always act.
 *
 * On desktop: NKDbgPrintfW writes to the debugger (OutputDebugStringW) and,
 * when CESHIM_DEBUGMSG is set (to anything but 0), to stderr as well.
 * RegisterDbgZones sets the module's zone mask from the environment
 * (CESHIM_ZONES_<module name>=<mask>, e.g. 0x3) or else the registry
 * (HKLM\DebugZones, DWORD value named after the module), as CE's debug
 * zone overrides do; with neither, dpCurSettings' own mask stays.
 *
 * A file that has its own DEBUGMSG (desktop code ported to CE often does)
 * keeps it when it #undefs ours first or defines its own only #ifndef,
 * as it had to on CE, where <windows.h> defined them too.
 */
#ifndef CESHIM_DBGAPI_H
#define CESHIM_DBGAPI_H

#include <windows.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Debug output: a printf-style wide format (%s is a wide string, as in
 * Microsoft's CRT). No WINAPI: WINAPIV (__cdecl) as on CE. */
void NKDbgPrintfW(LPCWSTR lpszFmt, ...);

/* A module's debug zones: its name, the names of its 16 zones and the
 * mask of the zones that are on. */
typedef struct _DBGPARAM {
    WCHAR lpszName[32];
    WCHAR rglpszZones[16][32];
    ULONG ulZoneMask;
} DBGPARAM, *LPDBGPARAM;

/* Applies the zone overrides for lpdbgparam->lpszName (see above). hMod is
 * the module (NULL: the program); TRUE unless lpdbgparam is NULL. */
BOOL RegisterDbgZones(HMODULE hMod, LPDBGPARAM lpdbgparam);

/* Each module defines its own (usually #ifdef DEBUG). */
extern DBGPARAM dpCurSettings;

#ifdef __cplusplus
}
#endif

#ifndef DEBUGZONE
#define DEBUGZONE(n) (dpCurSettings.ulZoneMask & (0x00000001 << (n)))
#endif

#ifndef RETAILMSG
#define RETAILMSG(cond, printf_exp) ((void)((cond) ? (NKDbgPrintfW printf_exp), 1 : 0))
#endif

#ifndef ERRORMSG
#define ERRORMSG(cond, printf_exp)                                                                   \
    ((void)((cond) ? (NKDbgPrintfW(L"ERROR: %S line %d: ", __FILE__, __LINE__), NKDbgPrintfW printf_exp), \
            1 : 0))
#endif

#ifndef RETAILREGISTERZONES
#define RETAILREGISTERZONES(hMod) RegisterDbgZones((HMODULE)(hMod), &dpCurSettings)
#endif

#ifdef DEBUG
#ifndef DEBUGMSG
#define DEBUGMSG(cond, printf_exp) ((void)((cond) ? (NKDbgPrintfW printf_exp), 1 : 0))
#endif
#ifndef DEBUGCHK
#define DEBUGCHK(exp)                                                                               \
    ((void)((exp) ? 1                                                                               \
                  : (NKDbgPrintfW(L"DEBUGCHK failed in file %S at line %d\r\n", __FILE__, __LINE__), \
                     DebugBreak(), 0)))
#endif
#ifndef DEBUGREGISTER
#define DEBUGREGISTER(hMod) RegisterDbgZones((HMODULE)(hMod), &dpCurSettings)
#endif
#else /* retail build: no code, as on CE */
#ifndef DEBUGMSG
#define DEBUGMSG(cond, printf_exp) ((void)0)
#endif
#ifndef DEBUGCHK
#define DEBUGCHK(exp) ((void)0)
#endif
#ifndef DEBUGREGISTER
#define DEBUGREGISTER(hMod) ((void)0)
#endif
#endif

#endif /* CESHIM_DBGAPI_H */
