// gtest_runner.cpp - registers every C test (CETEST) as a Google Test case.
//
// Child processes started by cetest_spawn() are this same executable with
// --cetest-child=ROLE; they run their role and exit without touching gtest.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "cetest_runner.h"

namespace {

void report_to_gtest(const char *file, int line, const char *message)
{
    ADD_FAILURE_AT(file, line) << message;
}

class CTest : public testing::Test {
public:
    explicit CTest(cetest_fn fn) : fn_(fn) {}
    void TestBody() override
    {
        cetest_begin_test();
        fn_();
    }

private:
    cetest_fn fn_;
};

bool take_flag(int *argc, char **argv, const char *flag)
{
    for (int i = 1; i < *argc; i++) {
        if (std::strcmp(argv[i], flag) == 0) {
            for (int j = i; j < *argc - 1; j++)
                argv[j] = argv[j + 1];
            --*argc;
            return true;
        }
    }
    return false;
}

// The test emulator (cmake/tests/run-until-started.sh) runs a program once
// more only when it failed before this file was made: proof that main() ran.
void mark_started()
{
    const char *marker = std::getenv("CESHIM_STARTED_MARKER");
    if (!marker || !*marker)
        return;
    FILE *f = std::fopen(marker, "w");
    if (f)
        std::fclose(f);
    else
        std::fprintf(stderr, "cetest: cannot create the start marker %s\n", marker);
}

} // namespace

int main(int argc, char **argv)
{
    int child_exit = 0;
    if (cetest_run_child_if_requested(argc, argv, &child_exit))
        return child_exit;
    mark_started();

    // Tests that must fail exist only to prove the harness reports failure;
    // they run only when asked for (see wine-tests/CMakeLists.txt).
    const bool selfcheck_failures = take_flag(&argc, argv, "--cetest-selfcheck-failures");

    testing::InitGoogleTest(&argc, argv);
    cetest_set_reporter(report_to_gtest);

    for (size_t i = 0; i < cetest_case_count(); i++) {
        const cetest_case *c = cetest_case_at(i);
        if (c->selfcheck_failure != (selfcheck_failures ? 1 : 0))
            continue;
        cetest_fn fn = c->fn;
        testing::RegisterTest(c->suite, c->name, nullptr, nullptr, c->file, c->line,
                              [fn]() -> testing::Test * { return new CTest(fn); });
    }
    return RUN_ALL_TESTS();
}
