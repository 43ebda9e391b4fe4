/*
 * pmpolicy.h - Windows CE Power Manager policy notifications:
 * PowerPolicyNotify and its PPN_* messages (keyboard and button drivers,
 * and applications that ask for unattended mode, call it).
 *
 * Written for ceshim from Microsoft's CE documentation; names and values
 * are CE's. What each message does on the desktop: README.md ("CE base
 * layer") and docs/decisions.md.
 */
#ifndef CESHIM_PMPOLICY_H
#define CESHIM_PMPOLICY_H

#include <windows.h>

/* PowerPolicyNotify's dwMessage (dwData is reserved, 0, except where said). */
#ifndef PPN_REEVALUATESTATE
#define PPN_REEVALUATESTATE 0x0001 /* re-evaluate the system power state */
#endif
#ifndef PPN_POWERCHANGE
#define PPN_POWERCHANGE 0x0002 /* the power source or battery status changed */
#endif
#ifndef PPN_UNATTENDEDMODE
#define PPN_UNATTENDEDMODE 0x0003 /* dwData TRUE: enter unattended mode; FALSE: leave it */
#endif
#ifndef PPN_SUSPENDKEYPRESSED
#define PPN_SUSPENDKEYPRESSED 0x0004 /* the suspend (power) key was pressed */
#endif
#ifndef PPN_POWERBUTTONPRESSED
#define PPN_POWERBUTTONPRESSED 0x0004 /* the same message under its other name */
#endif
#ifndef PPN_SUSPENDKEYRELEASED
#define PPN_SUSPENDKEYRELEASED 0x0005
#endif
#ifndef PPN_APPBUTTONPRESSED
#define PPN_APPBUTTONPRESSED 0x0006 /* an application button was pressed (user activity) */
#endif
#ifndef PPN_OEMBASE
#define PPN_OEMBASE 0x10000 /* messages from here up belong to an OEM's own power policy */
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* As pm.h's calls: no WINAPI (i686: __cdecl, an undecorated export) and
 * no __declspec(dllimport), so code that declares it itself compiles.
 * TRUE for the PPN_* messages above (last error unchanged); FALSE with
 * ERROR_NOT_SUPPORTED for PPN_OEMBASE and above (there is no OEM policy),
 * with ERROR_INVALID_PARAMETER for any other value. */
BOOL PowerPolicyNotify(DWORD dwMessage, DWORD dwData);

#ifdef __cplusplus
}
#endif

#endif /* CESHIM_PMPOLICY_H */
