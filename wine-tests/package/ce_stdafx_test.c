/*
 * ce_stdafx_test.c - a CE project's precompiled-header file sets the
 * Windows version macros before its first include, as CE projects do. With
 * ceshim.h force-included ahead of it, that must still compile with
 * -Werror (no "WINVER redefined") and the project's values must hold for
 * what it includes afterwards. Built without the project's own
 * _WIN32_WINNT (see CMakeLists.txt), with ceshim's headers as plain -I
 * directories so their warnings are not hidden.
 */
#define WINVER 0x0500
#define _WIN32_WINNT 0x0500
#define _WIN32_IE 0x0400
#include <windows.h>
#include <commctrl.h>
#include <msgqueue.h>

#include "cetest.h"

CETEST(package, project_sets_version_macros_after_the_forced_include)
{
    CHECK_EQ(WINVER, 0x0500);
    CHECK_EQ(_WIN32_WINNT, 0x0500);
    CHECK_EQ(_WIN32_IE, 0x0400);
    /* And the CE API of the forced include is all there. */
    MSGQUEUEOPTIONS o = { sizeof(o), 0, 1, 4, TRUE };
    SetLastError(0xdeadbeef);
    HANDLE q = CreateMsgQueue(NULL, &o);
    CHECK(q != NULL);
    CHECK_LASTERROR(0);
    if (q)
        CHECK(CloseMsgQueue(q));
}
