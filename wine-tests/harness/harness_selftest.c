/*
 * harness_selftest.c - the harness's own tests: checks pass and fail as they
 * should, and a child's result reaches its parent.
 */
#include "cetest.h"

#include <string.h>

CETEST(harness, passing_checks_record_no_failure)
{
    WCHAR name[64];
    CHECK(1 + 1 == 2);
    CHECK_EQ(2u + 2u, 4u);
    CHECK_INT_EQ(-3 * 2, -6);
    CHECK_PTR_EQ(NULL, NULL);
    CHECK_STR_EQ("ce", "ce");
    CHECK_WSTR_EQ(cetest_unique_name(L"x", name, 64), name);
    CHECK_MEM_EQ("abc", "abc", 3);
    SetLastError(ERROR_TIMEOUT);
    CHECK_LASTERROR(ERROR_TIMEOUT);
    CHECK_EQ(cetest_failures(), 0);
}

CETEST(harness, unique_names_differ)
{
    WCHAR a[64], b[64];
    cetest_unique_name(L"q", a, 64);
    cetest_unique_name(L"q", b, 64);
    CHECK_MSG(wcscmp(a, b) != 0, "both names are %ls", a);
}

/* Run only with --cetest-selfcheck-failures: a ctest entry expects this run
 * to exit non-zero and to print the expression and both values. */
CETEST_MUST_FAIL(harness, failing_check_fails_the_run)
{
    CHECK_EQ(1 + 1, 3);
}

CETEST_CHILD(passing_child)
{
    CHECK_EQ(argc, 2);
    if (argc == 2) {
        CHECK_STR_EQ(argv[0], "hello");
        CHECK_STR_EQ(argv[1], "world");
    }
}

CETEST_CHILD(failing_child)
{
    (void)argc;
    (void)argv;
    CHECK_EQ(GetCurrentProcessId(), 0);
    CHECK_STR_EQ("child says", "something else");
}

CETEST_CHILD(sleeping_child)
{
    (void)argc;
    (void)argv;
    Sleep(60000);
}

CETEST(harness, child_process_passes)
{
    cetest_proc child;
    REQUIRE(cetest_spawn(&child, 0, "passing_child", "hello world"));
    CHECK_EQ(cetest_wait(&child, 30000), CETEST_CHILD_PASSED);
}

CETEST(harness, child_failures_reach_the_parent)
{
    cetest_proc child;
    char messages[4096];
    REQUIRE(cetest_spawn(&child, 0, "failing_child", NULL));
    DWORD code = cetest_collect(&child, 30000, messages, sizeof(messages));
    CHECK_EQ(code, CETEST_CHILD_FAILED);
    CHECK_MSG(strstr(messages, "GetCurrentProcessId() == 0") != NULL, "child log: %s", messages);
    CHECK_MSG(strstr(messages, "\"child says\"") != NULL, "child log: %s", messages);
    CHECK_MSG(strstr(messages, "harness_selftest.c:") != NULL, "child log: %s", messages);
}

CETEST(harness, unknown_child_role_is_reported)
{
    cetest_proc child;
    REQUIRE(cetest_spawn(&child, 0, "no_such_role", NULL));
    CHECK_EQ(cetest_collect(&child, 30000, NULL, 0), CETEST_CHILD_NO_ROLE);
}

CETEST(harness, hung_child_is_killed_within_its_bound)
{
    cetest_proc child;
    REQUIRE(cetest_spawn(&child, 0, "sleeping_child", NULL));
    ULONGLONG start = cetest_now_ms();
    DWORD code = cetest_collect(&child, 300, NULL, 0);
    ULONGLONG took = cetest_now_ms() - start;
    CHECK_EQ(code, WAIT_TIMEOUT);
    CHECK_MSG(took < 10000, "collect took %llu ms", took);
    CHECK_PTR_EQ(child.process, NULL);
}
