/*
 * cetest.h - the C test harness of ceshim.
 *
 * Tests are plain C:
 *
 *     #include "cetest.h"
 *
 *     CETEST(msgqueue, create_rejects_zero_cbMaxMessage)
 *     {
 *         SetLastError(0xdeadbeef);
 *         HANDLE h = CreateMsgQueue(NULL, &opts);
 *         CHECK_PTR_EQ(h, NULL);
 *         CHECK_LASTERROR(ERROR_INVALID_PARAMETER);
 *     }
 *
 * Every CETEST registers itself before main() runs; the Google Test runner
 * (gtest_runner.cpp) turns each into a gtest case, so --gtest_filter, XML
 * output and one ctest entry per test work as usual.
 *
 * Checks never stop the test (like gtest's EXPECT_*); REQUIRE stops it by
 * returning from the test body, so use it only in the CETEST body itself.
 *
 * Multi-process tests: declare a role with CETEST_CHILD(role) and start it
 * with cetest_spawn(); the child is this same executable, re-launched with
 * --cetest-child=<role>. Its failed checks are written to a log file that
 * the parent reads back into its own failure when it waits for the child,
 * so a child's failure fails the parent's test with the child's messages.
 */
#ifndef CETEST_H
#define CETEST_H

#include <windows.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef void (*cetest_fn)(void);
typedef void (*cetest_child_fn)(int argc, char **argv);

/* ---- registration (used by the macros below) ---------------------------- */

void cetest_register(const char *suite, const char *name, cetest_fn fn,
                     const char *file, int line, int selfcheck_failure);
void cetest_register_child(const char *role, cetest_child_fn fn);

/* Runs a function before main(): GCC/clang constructor, or MSVC's CRT table. */
#if defined(_MSC_VER) && !defined(__clang__)
#pragma section(".CRT$XCU", read)
#ifdef _WIN64
#define CETEST_SYM_PREFIX_ ""
#else
#define CETEST_SYM_PREFIX_ "_"
#endif
#define CETEST_INITIALIZER_(f)                                                 \
    static void f(void);                                                       \
    __declspec(allocate(".CRT$XCU")) void (*f##_ptr_)(void) = f;               \
    __pragma(comment(linker, "/include:" CETEST_SYM_PREFIX_ #f "_ptr_"))       \
    static void f(void)
#else
#define CETEST_INITIALIZER_(f)                                                 \
    static void f(void) __attribute__((constructor));                          \
    static void f(void)
#endif

#define CETEST_DEFINE_(suite, name, selfcheck)                                 \
    static void cetest_body_##suite##_##name(void);                            \
    CETEST_INITIALIZER_(cetest_reg_##suite##_##name)                           \
    {                                                                          \
        cetest_register(#suite, #name, cetest_body_##suite##_##name,           \
                        __FILE__, __LINE__, selfcheck);                        \
    }                                                                          \
    static void cetest_body_##suite##_##name(void)

/* A test case. */
#define CETEST(suite, name) CETEST_DEFINE_(suite, name, 0)

/* A test that must fail: registered only when the runner gets
 * --cetest-selfcheck-failures (the harness's own proof that a failing check
 * fails the run; see wine-tests/CMakeLists.txt). */
#define CETEST_MUST_FAIL(suite, name) CETEST_DEFINE_(suite, name, 1)

/* A role a test can start as a child process. */
#define CETEST_CHILD(role)                                                     \
    static void cetest_child_##role(int argc, char **argv);                    \
    CETEST_INITIALIZER_(cetest_regchild_##role)                                \
    {                                                                          \
        cetest_register_child(#role, cetest_child_##role);                     \
    }                                                                          \
    static void cetest_child_##role(int argc, char **argv)

/* ---- checks ------------------------------------------------------------- */

/* Each returns nonzero when the check passed. */
int cetest_check(int passed, const char *file, int line, const char *expr,
                 const char *fmt, ...);
int cetest_check_eq_u(unsigned long long actual, unsigned long long expected,
                      const char *ea, const char *eb, const char *file, int line);
int cetest_check_eq_i(long long actual, long long expected,
                      const char *ea, const char *eb, const char *file, int line);
int cetest_check_eq_p(const void *actual, const void *expected,
                      const char *ea, const char *eb, const char *file, int line);
int cetest_check_ne_p(const void *actual, const void *unexpected,
                      const char *ea, const char *eb, const char *file, int line);
int cetest_check_str(const char *actual, const char *expected,
                     const char *ea, const char *eb, const char *file, int line);
int cetest_check_wstr(const WCHAR *actual, const WCHAR *expected,
                      const char *ea, const char *eb, const char *file, int line);
int cetest_check_mem(const void *actual, const void *expected, size_t n,
                     const char *ea, const char *eb, const char *file, int line);

/* CHECK(cond): cond must be true. */
#define CHECK(cond) cetest_check(!!(cond), __FILE__, __LINE__, #cond, NULL)
/* CHECK_MSG(cond, fmt, ...): as CHECK, printing fmt (actual values) on failure. */
#define CHECK_MSG(cond, ...) cetest_check(!!(cond), __FILE__, __LINE__, #cond, __VA_ARGS__)
/* Unsigned integers (DWORD, BOOL results, sizes): printed in decimal and hex. */
#define CHECK_EQ(actual, expected)                                             \
    cetest_check_eq_u((unsigned long long)(actual), (unsigned long long)(expected), \
                      #actual, #expected, __FILE__, __LINE__)
/* Signed integers. */
#define CHECK_INT_EQ(actual, expected)                                         \
    cetest_check_eq_i((long long)(actual), (long long)(expected),              \
                      #actual, #expected, __FILE__, __LINE__)
#define CHECK_PTR_EQ(actual, expected)                                         \
    cetest_check_eq_p((const void *)(actual), (const void *)(expected),        \
                      #actual, #expected, __FILE__, __LINE__)
#define CHECK_PTR_NE(actual, unexpected)                                       \
    cetest_check_ne_p((const void *)(actual), (const void *)(unexpected),      \
                      #actual, #unexpected, __FILE__, __LINE__)
#define CHECK_STR_EQ(actual, expected)                                         \
    cetest_check_str((actual), (expected), #actual, #expected, __FILE__, __LINE__)
#define CHECK_WSTR_EQ(actual, expected)                                        \
    cetest_check_wstr((actual), (expected), #actual, #expected, __FILE__, __LINE__)
#define CHECK_MEM_EQ(actual, expected, n)                                      \
    cetest_check_mem((actual), (expected), (n), #actual, #expected, __FILE__, __LINE__)
/* The thread's last error, read once, against an expected code. */
#define CHECK_LASTERROR(expected) CHECK_EQ(GetLastError(), (expected))

/* REQUIRE(cond): as CHECK, and return from the test body when it fails. */
#define REQUIRE(cond)                                                          \
    do { if (!CHECK(cond)) return; } while (0)

/* Number of failed checks so far in this test (or child). */
long cetest_failures(void);

/* ---- processes ---------------------------------------------------------- */

typedef struct cetest_proc {
    HANDLE process;
    HANDLE thread;
    DWORD pid;
    char role[64];
    char log_path[MAX_PATH];
} cetest_proc;

#define CETEST_SPAWN_INHERIT_HANDLES 0x1u  /* let the child inherit inheritable handles */
#define CETEST_SPAWN_SUSPENDED       0x2u  /* start suspended; cetest_resume() to run */

/* Exit codes of a child role (0 would be ambiguous: Wine may exit a killed
 * process with 0). */
#define CETEST_CHILD_PASSED  0x600Du
#define CETEST_CHILD_FAILED  0xFA11u
#define CETEST_CHILD_NO_ROLE 0xFA12u

/* Starts this executable as a child in role `role`, with the extra
 * command-line arguments formatted by fmt (may be NULL). Returns FALSE and
 * records a failure if it cannot. */
BOOL cetest_spawn(cetest_proc *child, unsigned flags, const char *role,
                  const char *fmt, ...);
/* As cetest_spawn, but runs `exe` (a build of this same test program, such
 * as the other bitness's) instead of this executable. */
BOOL cetest_spawn_exe(cetest_proc *child, const char *exe, unsigned flags, const char *role,
                      const char *fmt, ...);
void cetest_resume(cetest_proc *child);
/* Waits at most timeout_ms for the child. A child still running is killed
 * and the test fails; a child that did not exit with CETEST_CHILD_PASSED
 * fails the test with its logged messages. Returns the exit code (or
 * WAIT_TIMEOUT). Closes the child's handles. */
DWORD cetest_wait(cetest_proc *child, DWORD timeout_ms);
/* As cetest_wait, but only collects: returns the exit code and fills
 * `messages` (may be NULL) with the child's logged failures; no check is
 * recorded. Used by tests of the harness itself and by fault tests. */
DWORD cetest_collect(cetest_proc *child, DWORD timeout_ms, char *messages,
                     size_t messages_size);

/* ---- helpers ------------------------------------------------------------ */

/* A name unique to this process and call ("<prefix>-<pid>-<n>-<start>",
 * <start> from the process's start time, as Wine reuses pids at once), so
 * that tests never share a named object by accident. */
const WCHAR *cetest_unique_name(const WCHAR *prefix, WCHAR *buf, size_t buf_chars);
/* Milliseconds from a monotonic clock. */
ULONGLONG cetest_now_ms(void);

/* ---- hand-shakes between a parent and its children ---------------------- */

/* Names pass on a child's command line as UTF-8 (an empty string if the
 * conversion fails). */
void cetest_to_utf8(const WCHAR *w, char *out, int n);
void cetest_from_utf8(const char *s, WCHAR *out, int n);
/* Manual-reset event "<base>-<suffix>": the parent creates, the child
 * opens; a failure is a failed check. */
HANDLE cetest_make_event(const WCHAR *base, const WCHAR *suffix);
HANDLE cetest_open_event(const WCHAR *base, const WCHAR *suffix);
/* A failed check naming `what` unless ev is signaled within ms. */
BOOL cetest_wait_event_at(HANDLE ev, DWORD ms, const char *what, const char *file, int line);

#ifdef __cplusplus
}
#endif

#endif /* CETEST_H */
