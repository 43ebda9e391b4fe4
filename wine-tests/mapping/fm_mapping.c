/*
 * fm_mapping.c - CreateFileForMapping: the share mode forced from the
 * access, and the file handle closed with the mapping made from it.
 *
 * "Is the file still open?" is asked by opening it again with no sharing:
 * that fails with ERROR_SHARING_VIOLATION while any handle is open.
 */
#include "cetest.h"

#include <stdio.h>
#include <string.h>

static void temp_file(WCHAR *path, const char *content)
{
    WCHAR dir[MAX_PATH], name[64];
    GetTempPathW(MAX_PATH, dir);
    cetest_unique_name(L"ceshim-fm", name, 64);
    _snwprintf(path, MAX_PATH, L"%ls%ls.bin", dir, name);
    path[MAX_PATH - 1] = 0;
    HANDLE h = CreateFileW(path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    CHECK(h != INVALID_HANDLE_VALUE);
    DWORD n = 0;
    if (content && *content)
        CHECK(WriteFile(h, content, (DWORD)strlen(content), &n, NULL));
    CHECK(CloseHandle(h));
}

/* Opens path with the given access and sharing: the last error, 0 on success. */
static DWORD try_open(const WCHAR *path, DWORD access, DWORD share)
{
    SetLastError(0xdeadbeef);
    HANDLE h = CreateFileW(path, access, share, NULL, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
    if (h == INVALID_HANDLE_VALUE)
        return GetLastError();
    CloseHandle(h);
    return 0;
}

#define FILE_IS_OPEN(path) CHECK_EQ(try_open((path), GENERIC_READ, 0), ERROR_SHARING_VIOLATION)
#define FILE_IS_CLOSED(path) CHECK_EQ(try_open((path), GENERIC_READ | GENERIC_WRITE, 0), 0)

CETEST(mapping, exports_are_undecorated)
{
    static const char *const names[] = { "CreateFileForMappingW", "CreateFileForMappingA",
                                         "CeShimCreateFileMappingW", "CeShimCreateFileMappingA" };
    HMODULE dll = GetModuleHandleW(L"ceshim.dll");
    REQUIRE(dll != NULL);
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        CHECK_MSG(GetProcAddress(dll, names[i]) != NULL, "ceshim.dll does not export %s", names[i]);
}

CETEST(mapping, read_access_forces_read_sharing)
{
    WCHAR path[MAX_PATH];
    temp_file(path, "data");
    SetLastError(0xdeadbeef);
    /* The share mode asked for is ignored, as on CE. */
    HANDLE f = CreateFileForMapping(path, GENERIC_READ, 0, NULL, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
    REQUIRE(f != INVALID_HANDLE_VALUE);
    CHECK_LASTERROR(0);
    CHECK_EQ(try_open(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE), 0);
    CHECK_EQ(try_open(path, GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE), ERROR_SHARING_VIOLATION);
    CHECK(CloseHandle(f));
    FILE_IS_CLOSED(path);
    DeleteFileW(path);
}

CETEST(mapping, write_access_forces_no_sharing)
{
    WCHAR path[MAX_PATH];
    temp_file(path, "data");
    HANDLE f = CreateFileForMappingW(path, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
                                     OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
    REQUIRE(f != INVALID_HANDLE_VALUE);
    CHECK_EQ(try_open(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE), ERROR_SHARING_VIOLATION);
    CHECK(CloseHandle(f));
    FILE_IS_CLOSED(path);
    DeleteFileW(path);
}

CETEST(mapping, file_is_closed_with_its_mapping)
{
    WCHAR path[MAX_PATH];
    temp_file(path, NULL);
    HANDLE f = CreateFileForMappingW(path, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING,
                                     FILE_ATTRIBUTE_NORMAL, NULL);
    REQUIRE(f != INVALID_HANDLE_VALUE);
    SetLastError(0xdeadbeef);
    HANDLE m = CreateFileMapping(f, NULL, PAGE_READWRITE, 0, 4096, NULL);
    REQUIRE(m != NULL);
    CHECK_LASTERROR(0);
    /* Closing the file now is swallowed: the mapping owns it. */
    SetLastError(0xdeadbeef);
    CHECK(CloseHandle(f));
    CHECK_LASTERROR(0xdeadbeef);
    CHECK(CloseHandle(f));
    FILE_IS_OPEN(path);
    DWORD high = 0;
    CHECK_EQ(GetFileSize(f, &high), 4096);
    char *view = MapViewOfFile(m, FILE_MAP_WRITE, 0, 0, 0);
    REQUIRE(view != NULL);
    memcpy(view, "mapped", 6);
    CHECK(UnmapViewOfFile(view));
    SetLastError(0xdeadbeef);
    CHECK(CloseHandle(m));
    FILE_IS_CLOSED(path);
    /* What was written through the view reached the file. */
    HANDLE r = CreateFileW(path, GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);
    char buf[8] = { 0 };
    DWORD n = 0;
    CHECK(ReadFile(r, buf, 6, &n, NULL));
    CHECK_MEM_EQ(buf, "mapped", 6);
    CHECK(CloseHandle(r));
    DeleteFileW(path);
}

CETEST(mapping, file_is_closed_when_the_mapping_fails)
{
    WCHAR path[MAX_PATH];
    temp_file(path, NULL); /* empty: a mapping of size 0 cannot be made */
    HANDLE f = CreateFileForMappingW(path, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING,
                                     FILE_ATTRIBUTE_NORMAL, NULL);
    REQUIRE(f != INVALID_HANDLE_VALUE);
    SetLastError(0xdeadbeef);
    CHECK_PTR_EQ(CreateFileMappingW(f, NULL, PAGE_READWRITE, 0, 0, NULL), NULL);
    DWORD err = GetLastError();
    CHECK_MSG(err == ERROR_FILE_INVALID || err == ERROR_MAPPED_ALIGNMENT, "error %lu", err);
    FILE_IS_CLOSED(path);
    DeleteFileW(path);
}

CETEST(mapping, file_never_mapped_closes_normally)
{
    WCHAR path[MAX_PATH];
    temp_file(path, "x");
    HANDLE f = CreateFileForMappingW(path, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING,
                                     FILE_ATTRIBUTE_NORMAL, NULL);
    REQUIRE(f != INVALID_HANDLE_VALUE);
    FILE_IS_OPEN(path);
    SetLastError(0xdeadbeef);
    CHECK(CloseHandle(f));
    FILE_IS_CLOSED(path);
    DeleteFileW(path);
}

CETEST(mapping, file_stays_open_until_its_last_mapping_closes)
{
    WCHAR path[MAX_PATH];
    temp_file(path, "0123456789");
    HANDLE f = CreateFileForMappingW(path, GENERIC_READ, 0, NULL, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
    REQUIRE(f != INVALID_HANDLE_VALUE);
    HANDLE m1 = CreateFileMappingW(f, NULL, PAGE_READONLY, 0, 0, NULL);
    HANDLE m2 = CreateFileMappingA(f, NULL, PAGE_READONLY, 0, 0, NULL);
    REQUIRE(m1 && m2);
    CHECK(CloseHandle(f));
    CHECK(CloseHandle(m1));
    FILE_IS_OPEN(path);
    CHECK(CloseHandle(m2));
    FILE_IS_CLOSED(path);
    DeleteFileW(path);
}

CETEST(mapping, ansi_form_and_errors)
{
    WCHAR path[MAX_PATH];
    char path8[MAX_PATH * 3];
    temp_file(path, "abc");
    WideCharToMultiByte(CP_ACP, 0, path, -1, path8, sizeof(path8), NULL, NULL);
    HANDLE f = CreateFileForMappingA(path8, GENERIC_READ, FILE_SHARE_WRITE, NULL, OPEN_EXISTING,
                                     FILE_ATTRIBUTE_NORMAL, NULL);
    REQUIRE(f != INVALID_HANDLE_VALUE);
    CHECK_EQ(try_open(path, GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE), ERROR_SHARING_VIOLATION);
    HANDLE m = CreateFileMappingA(f, NULL, PAGE_READONLY, 0, 0, NULL);
    REQUIRE(m != NULL);
    CHECK(CloseHandle(m));
    FILE_IS_CLOSED(path);
    DeleteFileW(path);

    SetLastError(0xdeadbeef);
    HANDLE none = CreateFileForMappingW(path, GENERIC_READ, 0, NULL, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
    CHECK_PTR_EQ(none, INVALID_HANDLE_VALUE);
    CHECK_LASTERROR(ERROR_FILE_NOT_FOUND);
}

CETEST(mapping, plain_files_and_mappings_pass_through)
{
    WCHAR path[MAX_PATH];
    temp_file(path, "plain");
    HANDLE f = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    REQUIRE(f != INVALID_HANDLE_VALUE);
    HANDLE m = CreateFileMappingW(f, NULL, PAGE_READONLY, 0, 0, NULL);
    REQUIRE(m != NULL);
    /* Desktop semantics: the file handle really closes. */
    CHECK(CloseHandle(f));
    SetLastError(0xdeadbeef);
    CHECK(!CloseHandle(f));
    CHECK_LASTERROR(ERROR_INVALID_HANDLE);
    CHECK(CloseHandle(m));
    /* Pagefile-backed mappings too. */
    HANDLE pf = CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 4096, NULL);
    CHECK(pf != NULL);
    CHECK(CloseHandle(pf));
    DeleteFileW(path);
}
