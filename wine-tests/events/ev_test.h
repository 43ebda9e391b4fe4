/*
 * ev_test.h - helpers shared by the event tests.
 */
#ifndef EV_TEST_H
#define EV_TEST_H

#include "cetest.h"
#include <msgqueue.h>
#include <pkfuncs.h>

#define EV_NAME_CHARS 128
#define EV_CHILD_BOUND 30000 /* ms a parent waits for a child */

/* SetLastError(0xdeadbeef), then the call; *err gets the last error. */
static inline DWORD ev_get(HANDLE h, DWORD *err)
{
    SetLastError(0xdeadbeef);
    DWORD d = GetEventData(h);
    *err = GetLastError();
    return d;
}

static inline BOOL ev_set(HANDLE h, DWORD data, DWORD *err)
{
    SetLastError(0xdeadbeef);
    BOOL ok = SetEventData(h, data);
    *err = GetLastError();
    return ok;
}

/* The data must be `expected`; 0 comes with last error 0. */
#define EV_EXPECT_DATA(h, expected)                                             \
    do {                                                                        \
        DWORD ev_err_;                                                          \
        CHECK_EQ(ev_get((h), &ev_err_), (expected));                            \
        CHECK_EQ(ev_err_, (expected) ? 0xdeadbeefu : 0u);                       \
    } while (0)

/* SetEventData succeeds and leaves the last error alone. */
#define EV_EXPECT_SET(h, data)                                                  \
    do {                                                                        \
        DWORD ev_err_;                                                          \
        CHECK(ev_set((h), (data), &ev_err_));                                   \
        CHECK_EQ(ev_err_, 0xdeadbeefu);                                         \
    } while (0)

static inline void ev_to_utf8(const WCHAR *w, char *out, int n)
{
    if (!WideCharToMultiByte(CP_UTF8, 0, w, -1, out, n, NULL, NULL))
        out[0] = 0;
}

static inline void ev_from_utf8(const char *s, WCHAR *out, int n)
{
    if (!MultiByteToWideChar(CP_UTF8, 0, s, -1, out, n))
        out[0] = 0;
}

#endif /* EV_TEST_H */
