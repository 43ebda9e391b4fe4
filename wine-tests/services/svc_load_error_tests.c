/*
 * svc_load_error_tests.c - a service DLL that cannot load: ActivateService
 * and CreateFile on its device give the loader's reason (a DllMain that
 * says FALSE, a missing DLL, a missing dependency), never a blanket
 * ERROR_FILE_NOT_FOUND. See docs/decisions.md.
 */
#include "svc_client_util.h"

struct load_case {
    const WCHAR *key, *dll, *prefix, *device;
    DWORD error;
};

/* tsvc_partial.c builds the first two; the third DLL does not exist. */
static const struct load_case load_cases[] = {
    { L"DllMainFails", L"tsvc_dllfail.dll", L"TSV", L"TSV0:", ERROR_DLL_INIT_FAILED },
    { L"ImportMissing", L"tsvc_noimport.dll", L"TSU", L"TSU0:", ERROR_MOD_NOT_FOUND },
    { L"DllMissing", L"tsvc_no_such_file.dll", L"TST", L"TST0:", ERROR_MOD_NOT_FOUND },
};
#define LOAD_CASES (sizeof(load_cases) / sizeof(load_cases[0]))

SVC_TEST(services_load_errors, activate_gives_the_loaders_error)
{
    CHECK_EQ(svc_start_host(), 0);
    for (size_t i = 0; i < LOAD_CASES; i++)
        REQUIRE(svc_test_config(t, load_cases[i].key, load_cases[i].dll, load_cases[i].prefix, 0, ~0u, ~0u, ~0u));
    for (size_t i = 0; i < LOAD_CASES; i++) {
        SetLastError(0xdeadbeef);
        HANDLE h = ActivateService(load_cases[i].key, 0);
        DWORD error = GetLastError();
        CHECK_MSG(h == NULL && error == load_cases[i].error, "ActivateService(%ls): %p, error %lu, expected NULL, %lu",
                  load_cases[i].key, h, error, load_cases[i].error);
        /* Nothing stays half-loaded: the name is free, and the same error comes again. */
        SetLastError(0xdeadbeef);
        h = ActivateService(load_cases[i].key, 0);
        error = GetLastError();
        CHECK_MSG(h == NULL && error == load_cases[i].error, "again ActivateService(%ls): %p, error %lu, expected %lu",
                  load_cases[i].key, h, error, load_cases[i].error);
    }
}

/* Configured before the host starts: the first CreateFile starts it, its
 * boot load fails, and CreateFile says why. */
SVC_TEST(services_load_errors, createfile_of_a_boot_service_that_failed_gives_its_error)
{
    for (size_t i = 0; i < LOAD_CASES; i++)
        REQUIRE(svc_test_config(t, load_cases[i].key, load_cases[i].dll, load_cases[i].prefix, 0, ~0u, ~0u, ~0u));
    for (size_t i = 0; i < LOAD_CASES; i++) {
        SetLastError(0xdeadbeef);
        HANDLE h = svc_open(load_cases[i].device);
        DWORD error = GetLastError();
        CHECK_MSG(h == INVALID_HANDLE_VALUE && error == load_cases[i].error,
                  "CreateFileW(%ls): %p, error %lu, expected INVALID_HANDLE_VALUE, %lu", load_cases[i].device, h,
                  error, load_cases[i].error);
        if (h != INVALID_HANDLE_VALUE)
            CloseHandle(h);
    }
    /* A device nobody configured is still just not there. */
    SetLastError(0xdeadbeef);
    HANDLE h = svc_open(L"TSQ0:");
    CHECK(h == INVALID_HANDLE_VALUE);
    CHECK_LASTERROR(ERROR_DEV_NOT_EXIST);
}
