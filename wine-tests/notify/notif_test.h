/*
 * notif_test.h - helpers shared by the notification tests.
 *
 * Tests run in parallel and share the session's registry: each test uses
 * classes (GUIDs) of its own, and a reader skips what other tests'
 * notifications put in a queue that listens to every class.
 */
#ifndef NOTIF_TEST_H
#define NOTIF_TEST_H

#include "cetest.h"
#include <msgqueue.h>
#include <pnp.h>
#include <pm.h>

#define NOTIF_NAME_CHARS 128
#define CHILD_BOUND 30000 /* ms a parent waits for a child */
#define STEP_BOUND 10000  /* ms any one hand-shake step may take */

/* The queue sizes CE's documentation asks for. */
#define DETAIL_QUEUE_CB ((DWORD)(sizeof(DEVDETAIL) + MAX_DEVCLASS_NAMELEN * sizeof(TCHAR)))
#define POWER_QUEUE_CB ((DWORD)(sizeof(POWER_BROADCAST) + MAX_PATH * sizeof(TCHAR)))

/* A class no other test (or run) uses. */
GUID notif_unique_guid(void);
/* GUID <-> command-line argument (32 hex digits). */
void notif_guid_arg(const GUID *g, char *out, size_t size);
BOOL notif_guid_parse(const char *s, GUID *g);

/* A read end (dwMaxMessages 0: unbounded), checked. name may be NULL. */
HANDLE notif_queue_at(const WCHAR *name, DWORD flags, DWORD cb_max, const char *file, int line);
#define NOTIF_QUEUE(name, flags, cb) notif_queue_at((name), (flags), (cb), __FILE__, __LINE__)

typedef struct notif_msg {
    BOOL ok;
    DWORD err;
    DWORD bytes;
    DWORD flags;
    union {
        DEVDETAIL d;
        POWER_BROADCAST p;
        BYTE raw[2048];
    } u;
} notif_msg;

/* ReadMsgQueue with SetLastError(0xdeadbeef) before; no checks. */
notif_msg notif_read(HANDLE q, DWORD timeout);
/* Reads until a DEVDETAIL of class *g arrives (other classes skipped) or
 * timeout ms pass; TRUE if one did. */
BOOL notif_next_detail(HANDLE q, const GUID *g, DWORD timeout, notif_msg *m);
/* The next DEVDETAIL of class g must arrive within timeout and be exactly
 * (g, name, attached), sizeof(DEVDETAIL) + cbName bytes. */
void notif_expect_detail_at(HANDLE q, const GUID *g, const WCHAR *name, BOOL attached,
                            DWORD timeout, const char *file, int line);
#define NOTIF_EXPECT_DETAIL(q, g, name, attached, timeout) \
    notif_expect_detail_at((q), (g), (name), (attached), (timeout), __FILE__, __LINE__)
/* No DEVDETAIL of class g is queued now. */
void notif_expect_no_detail_at(HANDLE q, const GUID *g, const char *file, int line);
#define NOTIF_EXPECT_NO_DETAIL(q, g) notif_expect_no_detail_at((q), (g), __FILE__, __LINE__)

/* Reads until a POWER_BROADCAST with this Message (and, if state is not
 * NULL, this SystemPowerState) arrives, or timeout ms pass. */
BOOL notif_next_power(HANDLE q, DWORD message, const WCHAR *state, DWORD timeout, notif_msg *m);
/* Messages queued now (GetMsgQueueInfo), checked. */
DWORD notif_queued_at(HANDLE q, const char *file, int line);
#define NOTIF_QUEUED(q) notif_queued_at((q), __FILE__, __LINE__)

/* Hand-shakes between parent and child: cetest_make_event and the others
 * (cetest.h); WAIT_EVENT waits STEP_BOUND ms. */
#define WAIT_EVENT(ev, what) cetest_wait_event_at((ev), STEP_BOUND, (what), __FILE__, __LINE__)

#endif /* NOTIF_TEST_H */
