/*
 * svc_config_tests.c - the registry configuration of CE services
 * (shim/services/common/svc_config.c, linked in directly): roots, reading,
 * listing, Flags updates and the DLL allow-list. No services host runs.
 *
 * Each test uses its own CESHIM_SERVICES_INSTANCE word, so its keys live
 * under HKCU\Software\ceshim\Instances\<word>\Services and are deleted at
 * the end.
 */
#include "cetest.h"
#include "svc_test.h"

#include <service.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "services/common/svc_config.h"

#define INSTANCE_VAR L"CESHIM_SERVICES_INSTANCE"

/* The test's instance: struct svc_test (svc_test.h), without a host. */
static void instance_begin(struct svc_test *in)
{
    svc_test_instance(in, L"cfg");
}

static void instance_end(struct svc_test *in)
{
    /* A test that wrote nothing has nothing to delete. */
    LONG rc = svc_test_forget(in);
    CHECK_MSG(rc == ERROR_SUCCESS || rc == ERROR_FILE_NOT_FOUND, "RegDeleteTreeW: %ld", (long)rc);
}

static HKEY open_service(HKEY root, const WCHAR *root_path, const WCHAR *name)
{
    WCHAR path[256];
    _snwprintf(path, 256, L"%ls\\%ls", root_path, name);
    path[255] = 0;
    HKEY key = NULL;
    LONG rc = RegCreateKeyExW(root, path, 0, NULL, 0, KEY_ALL_ACCESS, NULL, &key, NULL);
    CHECK_EQ(rc, ERROR_SUCCESS);
    return rc == ERROR_SUCCESS ? key : NULL;
}

static void set_sz(HKEY key, const WCHAR *value, const WCHAR *text)
{
    CHECK_EQ(RegSetValueExW(key, value, 0, REG_SZ, (const BYTE *)text, (DWORD)((wcslen(text) + 1) * sizeof(WCHAR))),
             ERROR_SUCCESS);
}

static void set_dword(HKEY key, const WCHAR *value, DWORD v)
{
    CHECK_EQ(RegSetValueExW(key, value, 0, REG_DWORD, (const BYTE *)&v, sizeof(v)), ERROR_SUCCESS);
}

/* A complete entry <name> under the instance root; returns its key (open). */
static HKEY add_service(const struct svc_test *in, const WCHAR *name, const WCHAR *dll, const WCHAR *prefix,
                        DWORD index)
{
    HKEY key = open_service(HKEY_CURRENT_USER, in->root_key, name);
    if (key) {
        set_sz(key, L"Dll", dll);
        set_sz(key, L"Prefix", prefix);
        set_dword(key, L"Index", index);
    }
    return key;
}

CETEST(services_config, instance_word_selects_one_root)
{
    struct svc_test in;
    instance_begin(&in);
    WCHAR word[SVC_INSTANCE_MAX];
    SetLastError(0xdeadbeef);
    CHECK(svc_instance_word(word));
    CHECK_WSTR_EQ(word, in.word);
    HKEY roots[2] = { 0 };
    const WCHAR *paths[2] = { 0 };
    CHECK_INT_EQ(svc_config_roots(roots, paths), 1);
    CHECK_PTR_EQ(roots[0], HKEY_CURRENT_USER);
    CHECK_WSTR_EQ(paths[0], in.root_key);
    CHECK_LASTERROR(0xdeadbeef);
    SetEnvironmentVariableW(INSTANCE_VAR, NULL);
}

CETEST(services_config, invalid_instance_words_are_ignored)
{
    static const WCHAR *const bad[] = { L"", L"has space", L"slash\\word", L"dot.word", L"colon:",
                                        L"123456789012345678901234567890123" /* 33 chars */ };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        SetEnvironmentVariableW(INSTANCE_VAR, bad[i]);
        WCHAR word[SVC_INSTANCE_MAX] = L"x";
        CHECK_MSG(!svc_instance_word(word), "word %u accepted", (unsigned)i);
        CHECK_EQ(word[0], 0);
        HKEY roots[2] = { 0 };
        const WCHAR *paths[2] = { 0 };
        CHECK_INT_EQ(svc_config_roots(roots, paths), 2);
        CHECK_PTR_EQ(roots[0], HKEY_CURRENT_USER);
        CHECK_PTR_EQ(roots[1], HKEY_LOCAL_MACHINE);
        CHECK_WSTR_EQ(paths[0], L"Services");
        CHECK_WSTR_EQ(paths[1], L"Services");
    }
    /* 32 chars of every allowed kind is the longest valid word. */
    SetEnvironmentVariableW(INSTANCE_VAR, L"Az09_-xxxxxxxxxxxxxxxxxxxxxxxxxx");
    WCHAR word[SVC_INSTANCE_MAX];
    CHECK(svc_instance_word(word));
    CHECK_WSTR_EQ(word, L"Az09_-xxxxxxxxxxxxxxxxxxxxxxxxxx");
    SetEnvironmentVariableW(INSTANCE_VAR, NULL);
}

CETEST(services_config, read_gives_values_and_defaults)
{
    struct svc_test in;
    instance_begin(&in);
    HKEY key = add_service(&in, L"Echo", L"echo_service.dll", L"ECH", 3);
    REQUIRE(key != NULL);
    RegCloseKey(key);

    svc_config c;
    memset(&c, 0xcc, sizeof(c));
    SetLastError(0xdeadbeef);
    CHECK_EQ(svc_config_read(L"Echo", &c), ERROR_SUCCESS);
    CHECK_LASTERROR(0xdeadbeef);
    CHECK_WSTR_EQ(c.name, L"Echo");
    CHECK_WSTR_EQ(c.dll, L"echo_service.dll");
    CHECK_WSTR_EQ(c.prefix, L"ECH");
    CHECK_EQ(c.index, 3);
    CHECK_EQ(c.order, 0xFFFFFFFFu);
    CHECK_EQ(c.keep, 1);
    CHECK_EQ(c.flags, 0);
    CHECK_EQ(c.context, 0);
    CHECK_WSTR_EQ(c.display_name, L"");
    CHECK_WSTR_EQ(c.description, L"");
    CHECK_PTR_EQ(c.root, HKEY_CURRENT_USER);
    CHECK_WSTR_EQ(c.root_path, in.root_key);
    /* Key names are case-insensitive, as in the registry. */
    CHECK_EQ(svc_config_read(L"ECHO", &c), ERROR_SUCCESS);
    instance_end(&in);
}

CETEST(services_config, read_takes_every_optional_value)
{
    struct svc_test in;
    instance_begin(&in);
    HKEY key = add_service(&in, L"Full", L"C:\\svc\\full.dll", L"FUL", 9);
    REQUIRE(key != NULL);
    set_dword(key, L"Order", 7);
    set_dword(key, L"Keep", 0);
    set_dword(key, L"Flags", DEVFLAGS_NOLOAD | DEVFLAGS_NOUNLOAD);
    set_dword(key, L"Context", 0x11);
    set_dword(key, L"ServiceContext", 0x22);
    set_sz(key, L"DisplayName", L"Full service");
    set_sz(key, L"Description", L"Every value set");
    RegCloseKey(key);

    svc_config c;
    CHECK_EQ(svc_config_read(L"Full", &c), ERROR_SUCCESS);
    CHECK_WSTR_EQ(c.dll, L"C:\\svc\\full.dll");
    CHECK_EQ(c.index, 9);
    CHECK_EQ(c.order, 7);
    CHECK_EQ(c.keep, 0);
    CHECK_EQ(c.flags, DEVFLAGS_NOLOAD | DEVFLAGS_NOUNLOAD);
    CHECK_EQ(c.context, 0x22); /* ServiceContext (CE6+) wins over Context (CE5) */
    CHECK_WSTR_EQ(c.display_name, L"Full service");
    CHECK_WSTR_EQ(c.description, L"Every value set");
    instance_end(&in);
}

CETEST(services_config, context_alone_is_used)
{
    struct svc_test in;
    instance_begin(&in);
    HKEY key = add_service(&in, L"Old", L"old.dll", L"OLD", 0);
    REQUIRE(key != NULL);
    set_dword(key, L"Context", SERVICE_INIT_STOPPED);
    RegCloseKey(key);
    svc_config c;
    CHECK_EQ(svc_config_read(L"Old", &c), ERROR_SUCCESS);
    CHECK_EQ(c.context, SERVICE_INIT_STOPPED);
    instance_end(&in);
}

CETEST(services_config, expand_sz_is_expanded)
{
    struct svc_test in;
    instance_begin(&in);
    HKEY key = add_service(&in, L"Exp", L"x", L"EXP", 1);
    REQUIRE(key != NULL);
    SetEnvironmentVariableW(L"CESHIM_CFG_TEST_DIR", L"C:\\expanded");
    static const WCHAR dll[] = L"%CESHIM_CFG_TEST_DIR%\\exp.dll";
    CHECK_EQ(RegSetValueExW(key, L"Dll", 0, REG_EXPAND_SZ, (const BYTE *)dll, sizeof(dll)), ERROR_SUCCESS);
    RegCloseKey(key);
    svc_config c;
    CHECK_EQ(svc_config_read(L"Exp", &c), ERROR_SUCCESS);
    CHECK_WSTR_EQ(c.dll, L"C:\\expanded\\exp.dll");
    SetEnvironmentVariableW(L"CESHIM_CFG_TEST_DIR", NULL);
    instance_end(&in);
}

CETEST(services_config, unterminated_strings_are_terminated)
{
    struct svc_test in;
    instance_begin(&in);
    HKEY key = add_service(&in, L"Raw", L"x", L"x", 1);
    REQUIRE(key != NULL);
    /* No NUL in the data, and an odd byte count for Dll. */
    CHECK_EQ(RegSetValueExW(key, L"Dll", 0, REG_SZ, (const BYTE *)L"raw.dllZ", 7 * sizeof(WCHAR) + 1),
             ERROR_SUCCESS);
    CHECK_EQ(RegSetValueExW(key, L"Prefix", 0, REG_SZ, (const BYTE *)L"RAWX", 3 * sizeof(WCHAR)), ERROR_SUCCESS);
    RegCloseKey(key);
    svc_config c;
    CHECK_EQ(svc_config_read(L"Raw", &c), ERROR_SUCCESS);
    CHECK_WSTR_EQ(c.dll, L"raw.dll");
    CHECK_WSTR_EQ(c.prefix, L"RAW");
    instance_end(&in);
}

CETEST(services_config, missing_or_bad_required_values_are_invalid)
{
    struct svc_test in;
    instance_begin(&in);
    HKEY k;
    /* One broken entry per case. */
    k = open_service(HKEY_CURRENT_USER, in.root_key, L"NoDll");
    set_sz(k, L"Prefix", L"NOD"), set_dword(k, L"Index", 0), RegCloseKey(k);
    k = open_service(HKEY_CURRENT_USER, in.root_key, L"NoPrefix");
    set_sz(k, L"Dll", L"a.dll"), set_dword(k, L"Index", 0), RegCloseKey(k);
    k = open_service(HKEY_CURRENT_USER, in.root_key, L"NoIndex");
    set_sz(k, L"Dll", L"a.dll"), set_sz(k, L"Prefix", L"NOI"), RegCloseKey(k);
    k = add_service(&in, L"IndexSz", L"a.dll", L"ISZ", 0);
    set_sz(k, L"Index", L"1"), RegCloseKey(k);
    k = add_service(&in, L"Index10", L"a.dll", L"ITN", 10);
    RegCloseKey(k);
    k = add_service(&in, L"ShortPrefix", L"a.dll", L"AB", 0);
    RegCloseKey(k);
    k = add_service(&in, L"LongPrefix", L"a.dll", L"ABCD", 0);
    RegCloseKey(k);
    k = add_service(&in, L"ColonPrefix", L"a.dll", L"AB:", 0);
    RegCloseKey(k);
    k = add_service(&in, L"EmptyDll", L"", L"EMP", 0);
    RegCloseKey(k);
    k = add_service(&in, L"DllDword", L"x", L"DLD", 0);
    set_dword(k, L"Dll", 5), RegCloseKey(k);
    k = add_service(&in, L"IndexShort", L"a.dll", L"ISH", 0);
    WORD two = 2;
    CHECK_EQ(RegSetValueExW(k, L"Index", 0, REG_DWORD, (const BYTE *)&two, sizeof(two)), ERROR_SUCCESS);
    RegCloseKey(k);

    static const WCHAR *const names[] = { L"NoDll",      L"NoPrefix",    L"NoIndex",  L"IndexSz",
                                          L"Index10",    L"ShortPrefix", L"LongPrefix", L"ColonPrefix",
                                          L"EmptyDll",   L"DllDword",    L"IndexShort" };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        svc_config c;
        DWORD rc = svc_config_read(names[i], &c);
        CHECK_MSG(rc == ERROR_INVALID_PARAMETER, "%ls: %lu", names[i], (unsigned long)rc);
    }
    /* None of them is listed. */
    svc_config *list = (svc_config *)1;
    DWORD n = 99;
    CHECK_EQ(svc_config_list(&list, &n), ERROR_SUCCESS);
    CHECK_EQ(n, 0);
    CHECK_PTR_EQ(list, NULL);
    instance_end(&in);
}

CETEST(services_config, bad_names_and_missing_keys)
{
    struct svc_test in;
    instance_begin(&in);
    svc_config c;
    SetLastError(0xdeadbeef);
    CHECK_EQ(svc_config_read(L"Nothing", &c), ERROR_FILE_NOT_FOUND);
    CHECK_EQ(svc_config_read(NULL, &c), ERROR_INVALID_PARAMETER);
    CHECK_EQ(svc_config_read(L"", &c), ERROR_INVALID_PARAMETER);
    CHECK_EQ(svc_config_read(L"a\\b", &c), ERROR_INVALID_PARAMETER);
    WCHAR longname[SVC_NAME_MAX + 1];
    for (int i = 0; i < SVC_NAME_MAX; i++)
        longname[i] = L'n';
    longname[SVC_NAME_MAX] = 0;
    CHECK_EQ(svc_config_read(longname, &c), ERROR_INVALID_PARAMETER);
    longname[SVC_NAME_MAX - 1] = 0; /* 63 chars: allowed, just absent */
    CHECK_EQ(svc_config_read(longname, &c), ERROR_FILE_NOT_FOUND);
    CHECK_EQ(svc_config_update_flags(L"Nothing", DEVFLAGS_NOLOAD, 0), ERROR_FILE_NOT_FOUND);
    CHECK_EQ(svc_config_update_flags(L"a\\b", DEVFLAGS_NOLOAD, 0), ERROR_INVALID_PARAMETER);
    CHECK_LASTERROR(0xdeadbeef);
    instance_end(&in);
}

CETEST(services_config, list_sorts_by_order_then_name)
{
    struct svc_test in;
    instance_begin(&in);
    HKEY k;
    k = add_service(&in, L"Zulu", L"z.dll", L"ZUL", 0), set_dword(k, L"Order", 5), RegCloseKey(k);
    k = add_service(&in, L"alpha", L"a.dll", L"ALP", 0), set_dword(k, L"Order", 5), RegCloseKey(k);
    k = add_service(&in, L"First", L"f.dll", L"FIR", 0), set_dword(k, L"Order", 1), RegCloseKey(k);
    k = add_service(&in, L"NoOrder", L"n.dll", L"NOO", 0), RegCloseKey(k);
    k = add_service(&in, L"Broken", L"b.dll", L"BR", 0), RegCloseKey(k); /* skipped */

    svc_config *list = NULL;
    DWORD n = 0;
    SetLastError(0xdeadbeef);
    CHECK_EQ(svc_config_list(&list, &n), ERROR_SUCCESS);
    CHECK_LASTERROR(0xdeadbeef);
    CHECK_EQ(n, 4);
    REQUIRE(list != NULL && n == 4);
    CHECK_WSTR_EQ(list[0].name, L"First");
    CHECK_WSTR_EQ(list[1].name, L"alpha");
    CHECK_WSTR_EQ(list[2].name, L"Zulu");
    CHECK_WSTR_EQ(list[3].name, L"NoOrder");
    CHECK_EQ(list[3].order, 0xFFFFFFFFu);
    CHECK_WSTR_EQ(list[0].dll, L"f.dll");
    CHECK_PTR_EQ(list[0].root, HKEY_CURRENT_USER);
    HeapFree(GetProcessHeap(), 0, list);
    instance_end(&in);
}

CETEST(services_config, list_of_a_missing_root_is_empty)
{
    struct svc_test in;
    instance_begin(&in); /* nothing written: the root does not exist */
    svc_config *list = (svc_config *)1;
    DWORD n = 99;
    CHECK_EQ(svc_config_list(&list, &n), ERROR_SUCCESS);
    CHECK_EQ(n, 0);
    CHECK_PTR_EQ(list, NULL);
    instance_end(&in);
}

CETEST(services_config, update_flags_sets_and_clears)
{
    struct svc_test in;
    instance_begin(&in);
    HKEY k = add_service(&in, L"Flagged", L"f.dll", L"FLG", 0);
    REQUIRE(k != NULL);
    RegCloseKey(k);
    svc_config c;
    /* Absent Flags is created. */
    SetLastError(0xdeadbeef);
    CHECK_EQ(svc_config_update_flags(L"Flagged", DEVFLAGS_NOLOAD, 0), ERROR_SUCCESS);
    CHECK_LASTERROR(0xdeadbeef);
    CHECK_EQ(svc_config_read(L"Flagged", &c), ERROR_SUCCESS);
    CHECK_EQ(c.flags, DEVFLAGS_NOLOAD);
    CHECK_EQ(svc_config_update_flags(L"Flagged", DEVFLAGS_TRUSTEDCALLERONLY, 0), ERROR_SUCCESS);
    CHECK_EQ(svc_config_read(L"Flagged", &c), ERROR_SUCCESS);
    CHECK_EQ(c.flags, DEVFLAGS_NOLOAD | DEVFLAGS_TRUSTEDCALLERONLY);
    CHECK_EQ(svc_config_update_flags(L"Flagged", 0, DEVFLAGS_NOLOAD), ERROR_SUCCESS);
    CHECK_EQ(svc_config_read(L"Flagged", &c), ERROR_SUCCESS);
    CHECK_EQ(c.flags, DEVFLAGS_TRUSTEDCALLERONLY);
    /* The value is a REG_DWORD. */
    DWORD type = 0, v = 0, bytes = sizeof(v);
    WCHAR path[256];
    _snwprintf(path, 256, L"%ls\\Flagged", in.root_key);
    path[255] = 0;
    CHECK_EQ(RegGetValueW(HKEY_CURRENT_USER, path, L"Flags", RRF_RT_ANY, &type, &v, &bytes), ERROR_SUCCESS);
    CHECK_EQ(type, REG_DWORD);
    CHECK_EQ(v, DEVFLAGS_TRUSTEDCALLERONLY);
    instance_end(&in);
}

CETEST(services_config, dll_is_configured_only_by_the_exact_value)
{
    struct svc_test in;
    instance_begin(&in);
    HKEY k;
    k = add_service(&in, L"Bare", L"bare_svc.dll", L"BAR", 0), RegCloseKey(k);
    k = add_service(&in, L"Full", L"C:\\svc\\full_svc.dll", L"FUL", 0), RegCloseKey(k);
    k = add_service(&in, L"Broken", L"broken_svc.dll", L"BR", 0), RegCloseKey(k);

    SetLastError(0xdeadbeef);
    CHECK(svc_config_dll_is_configured(L"bare_svc.dll"));
    CHECK_LASTERROR(0xdeadbeef);
    CHECK(svc_config_dll_is_configured(L"BARE_SVC.DLL"));
    CHECK(!svc_config_dll_is_configured(L"Z:\\bin\\bare_svc.dll")); /* same name, another file */
    CHECK(svc_config_dll_is_configured(L"C:\\svc\\full_svc.dll"));
    CHECK(!svc_config_dll_is_configured(L"full_svc.dll")); /* would be searched for elsewhere */
    CHECK(!svc_config_dll_is_configured(L"broken_svc.dll")); /* invalid entries do not count */
    CHECK(!svc_config_dll_is_configured(L"other.dll"));
    CHECK(!svc_config_dll_is_configured(L"bare_svc"));
    CHECK(!svc_config_dll_is_configured(L""));
    CHECK(!svc_config_dll_is_configured(NULL));
    instance_end(&in);
}

/* Default roots: HKCU\Services is searched before HKLM\Services, a listing
 * is their union, and the first root holding a name wins even when its
 * entry is invalid. Unique names keep the real roots untouched otherwise. */
CETEST(services_config, default_roots_hkcu_before_hklm)
{
    SetEnvironmentVariableW(INSTANCE_VAR, NULL);
    WCHAR both[SVC_NAME_MAX], lm_only[SVC_NAME_MAX], shadow[SVC_NAME_MAX];
    cetest_unique_name(L"cfgboth", both, SVC_NAME_MAX);
    cetest_unique_name(L"cfglm", lm_only, SVC_NAME_MAX);
    cetest_unique_name(L"cfgshadow", shadow, SVC_NAME_MAX);

    /* Roots this test creates are removed again at the end. */
    HKEY probe;
    BOOL cu_existed = RegOpenKeyExW(HKEY_CURRENT_USER, L"Services", 0, KEY_READ, &probe) == ERROR_SUCCESS;
    if (cu_existed)
        RegCloseKey(probe);
    BOOL lm_existed = RegOpenKeyExW(HKEY_LOCAL_MACHINE, L"Services", 0, KEY_READ, &probe) == ERROR_SUCCESS;
    if (lm_existed)
        RegCloseKey(probe);
    /* Wine lets anyone write HKLM; Windows only an administrator. */
    if (RegCreateKeyExW(HKEY_LOCAL_MACHINE, L"Services", 0, NULL, 0, KEY_ALL_ACCESS, NULL, &probe, NULL) !=
        ERROR_SUCCESS) {
        printf("note: HKLM\\Services is not writable here; default roots test not run\n");
        return;
    }
    RegCloseKey(probe);

    HKEY k;
    k = open_service(HKEY_LOCAL_MACHINE, L"Services", both);
    REQUIRE(k != NULL);
    set_sz(k, L"Dll", L"lm_both.dll"), set_sz(k, L"Prefix", L"LMB"), set_dword(k, L"Index", 1), RegCloseKey(k);
    k = open_service(HKEY_CURRENT_USER, L"Services", both);
    set_sz(k, L"Dll", L"cu_both.dll"), set_sz(k, L"Prefix", L"CUB"), set_dword(k, L"Index", 2), RegCloseKey(k);
    k = open_service(HKEY_LOCAL_MACHINE, L"Services", lm_only);
    set_sz(k, L"Dll", L"lm_only.dll"), set_sz(k, L"Prefix", L"LMO"), set_dword(k, L"Index", 3), RegCloseKey(k);
    k = open_service(HKEY_LOCAL_MACHINE, L"Services", shadow);
    set_sz(k, L"Dll", L"lm_shadow.dll"), set_sz(k, L"Prefix", L"LMS"), set_dword(k, L"Index", 4), RegCloseKey(k);
    k = open_service(HKEY_CURRENT_USER, L"Services", shadow); /* present but invalid: no Dll */
    set_sz(k, L"Prefix", L"CUS"), set_dword(k, L"Index", 4), RegCloseKey(k);

    svc_config c;
    CHECK_EQ(svc_config_read(both, &c), ERROR_SUCCESS);
    CHECK_WSTR_EQ(c.dll, L"cu_both.dll");
    CHECK_PTR_EQ(c.root, HKEY_CURRENT_USER);
    CHECK_WSTR_EQ(c.root_path, L"Services");
    CHECK_EQ(svc_config_read(lm_only, &c), ERROR_SUCCESS);
    CHECK_WSTR_EQ(c.dll, L"lm_only.dll");
    CHECK_PTR_EQ(c.root, HKEY_LOCAL_MACHINE);
    CHECK_EQ(svc_config_read(shadow, &c), ERROR_INVALID_PARAMETER);

    svc_config *list = NULL;
    DWORD n = 0;
    CHECK_EQ(svc_config_list(&list, &n), ERROR_SUCCESS);
    int seen_both = 0, seen_lm = 0, seen_shadow = 0;
    for (DWORD i = 0; i < n; i++) {
        if (_wcsicmp(list[i].name, both) == 0) {
            seen_both++;
            CHECK_WSTR_EQ(list[i].dll, L"cu_both.dll");
        } else if (_wcsicmp(list[i].name, lm_only) == 0) {
            seen_lm++;
        } else if (_wcsicmp(list[i].name, shadow) == 0) {
            seen_shadow++;
        }
    }
    CHECK_INT_EQ(seen_both, 1);
    CHECK_INT_EQ(seen_lm, 1);
    CHECK_INT_EQ(seen_shadow, 0);
    if (list)
        HeapFree(GetProcessHeap(), 0, list);

    /* Flags go to the entry in force (HKCU), not to HKLM's. */
    CHECK_EQ(svc_config_update_flags(both, DEVFLAGS_NOLOAD, 0), ERROR_SUCCESS);
    WCHAR path[128];
    DWORD v = 0, bytes = sizeof(v);
    _snwprintf(path, 128, L"Services\\%ls", both);
    path[127] = 0;
    CHECK_EQ(RegGetValueW(HKEY_CURRENT_USER, path, L"Flags", RRF_RT_REG_DWORD, NULL, &v, &bytes), ERROR_SUCCESS);
    CHECK_EQ(v, DEVFLAGS_NOLOAD);
    CHECK_EQ(RegGetValueW(HKEY_LOCAL_MACHINE, path, L"Flags", RRF_RT_REG_DWORD, NULL, &v, &bytes),
             ERROR_FILE_NOT_FOUND);

    const WCHAR *names[3] = { both, lm_only, shadow };
    for (int i = 0; i < 3; i++) {
        _snwprintf(path, 128, L"Services\\%ls", names[i]);
        path[127] = 0;
        RegDeleteTreeW(HKEY_CURRENT_USER, path);
        RegDeleteTreeW(HKEY_LOCAL_MACHINE, path);
    }
    CHECK_EQ(svc_config_read(both, &c), ERROR_FILE_NOT_FOUND);
    /* RegDeleteKeyW keeps a root that has gained other subkeys meanwhile. */
    if (!cu_existed)
        RegDeleteKeyW(HKEY_CURRENT_USER, L"Services");
    if (!lm_existed)
        RegDeleteKeyW(HKEY_LOCAL_MACHINE, L"Services");
}
