/*
 * svc_device_name_tests.c - a device name ("TSA0:") names one service in
 * the session: a second load of it fails with ERROR_DEVICE_IN_USE, whether
 * the name is taken in the same host or held by another host (the other
 * bitness's, simulated here by holding the claim object the hosts share;
 * wine-tests/bitness/bit_svc.c has the real two-host case).
 */
#include "svc_client_util.h"
#include "svc_host_util.h"

/* Two keys name TSA0:; boot loads the first in Order, the second finds
 * the name taken, and so does ActivateService of it. */
SVC_TEST(services_device_names, second_key_with_a_taken_name_is_device_in_use)
{
    REQUIRE(svc_test_config(t, L"NameFirst", L"tsa.dll", L"TSA", 0, 1, ~0u, ~0u));
    REQUIRE(svc_test_config(t, L"NameSecond", L"tsa.dll", L"TSA", 0, 2, ~0u, ~0u));
    WCHAR dll[MAX_PATH] = L"", want[MAX_PATH];
    CHECK_EQ(svc_test_count_listed(L"TSA0:", dll), 1);
    svc_test_dll_path(L"tsa.dll", want);
    CHECK_MSG(_wcsicmp(dll, want) == 0, "TSA0: is %ls, want %ls", dll, want);
    SetLastError(0xdeadbeef);
    HANDLE h = ActivateService(L"NameSecond", 0);
    CHECK_PTR_EQ(h, NULL);
    CHECK_LASTERROR(ERROR_DEVICE_IN_USE);
    CHECK_EQ(svc_test_count_listed(L"TSA0:", NULL), 1);
}

/* Another host holds TSA0: (its claim object exists): this host's load of
 * it fails with ERROR_DEVICE_IN_USE, at boot and on ActivateService, and
 * succeeds once the other lets go. */
SVC_TEST(services_device_names, a_name_held_by_another_host_is_device_in_use)
{
    WCHAR name[SVC_OBJECT_NAME_MAX];
    svc_device_claim_name(name, L"TSA0:");
    HANDLE other = CreateEventW(svc_user_only_sa(), TRUE, FALSE, name);
    REQUIRE(other != NULL && GetLastError() != ERROR_ALREADY_EXISTS);
    REQUIRE(svc_test_config(t, L"NameHeld", L"tsa.dll", L"TSA", 0, ~0u, ~0u, ~0u));
    /* Boot could not load it. */
    CHECK_EQ(svc_test_count_listed(L"TSA0:", NULL), 0);
    SetLastError(0xdeadbeef);
    HANDLE h = svc_open(L"TSA0:");
    CHECK(h == INVALID_HANDLE_VALUE);
    CHECK_LASTERROR(ERROR_DEV_NOT_EXIST);
    SetLastError(0xdeadbeef);
    HANDLE ha = ActivateService(L"NameHeld", 0);
    CHECK_PTR_EQ(ha, NULL);
    CHECK_LASTERROR(ERROR_DEVICE_IN_USE);

    CloseHandle(other);
    SetLastError(0xdeadbeef);
    ha = ActivateService(L"NameHeld", 0);
    CHECK_MSG(ha != NULL, "ActivateService(NameHeld) after the release: error %lu", GetLastError());
    CHECK_EQ(svc_test_count_listed(L"TSA0:", NULL), 1);
    /* Now this host holds it: the claim object exists until the unload. */
    HANDLE probe = CreateEventW(svc_user_only_sa(), TRUE, FALSE, name);
    CHECK_MSG(probe && GetLastError() == ERROR_ALREADY_EXISTS, "the loaded TSA0: holds no claim (%p, error %lu)",
              probe, GetLastError());
    if (probe)
        CloseHandle(probe);
    if (ha)
        CHECK(DeregisterService(ha));
    probe = CreateEventW(svc_user_only_sa(), TRUE, FALSE, name);
    CHECK_MSG(probe && GetLastError() != ERROR_ALREADY_EXISTS, "TSA0: still claimed after its unload (%p, error %lu)",
              probe, GetLastError());
    if (probe)
        CloseHandle(probe);
}
