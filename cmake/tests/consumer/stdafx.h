/*
 * stdafx.h - as CE projects write it: the Windows version macros first,
 * then <windows.h>. With ceshim.h force-included ahead of this file, the
 * #defines below must not be redefinitions (the build uses -Werror).
 */
#ifndef STDAFX_H
#define STDAFX_H
#define WINVER 0x0500
#define _WIN32_WINNT 0x0500
#define _WIN32_IE 0x0400
#include <windows.h>
#endif
