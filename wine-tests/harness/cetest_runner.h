/*
 * cetest_runner.h - what the Google Test runner needs from the C harness.
 * Test code includes cetest.h only.
 */
#ifndef CETEST_RUNNER_H
#define CETEST_RUNNER_H

#include "cetest.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cetest_case {
    const char *suite;
    const char *name;
    cetest_fn fn;
    const char *file;
    int line;
    int selfcheck_failure;
} cetest_case;

typedef void (*cetest_reporter)(const char *file, int line, const char *message);

size_t cetest_case_count(void);
const cetest_case *cetest_case_at(size_t index);

/* Where failed checks go (the gtest runner sets ADD_FAILURE_AT). */
void cetest_set_reporter(cetest_reporter reporter);
/* Resets the failure count at the start of a test. */
void cetest_begin_test(void);

/* If argv names a child role (--cetest-child=ROLE), runs it and returns its
 * exit code through *exit_code; returns 0 when this is not a child. */
int cetest_run_child_if_requested(int argc, char **argv, int *exit_code);

#ifdef __cplusplus
}
#endif

#endif /* CETEST_RUNNER_H */
