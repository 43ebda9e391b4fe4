/*
 * svc_devio_tests.c - CE's file calls on services, as ceshim.h routes them:
 * CreateFileW/CreateFileA(L"ABC0:"), DeviceIoControl, ReadFile, WriteFile,
 * SetFilePointer and CloseHandle; other names and handles stay Win32's.
 * Many client threads blocked in one service at once are here too.
 */
#include "svc_client_util.h"

#include <pkfuncs.h>

/* A test whose TSA0: the host loads at boot (context 0x1234). */
#define CONFIG_TSA(t) REQUIRE(svc_test_config((t), L"TsaSvc", L"tsa.dll", L"TSA", 0, ~0u, ~0u, 0x1234))

/* ---- CreateFile ------------------------------------------------------------------------- */

SVC_TEST(services_client_createfile, open_passes_access_and_share_to_xxx_open)
{
    CONFIG_TSA(t);
    SetLastError(0xdeadbeef);
    HANDLE h = CreateFileW(L"TSA0:", GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
    CHECK_MSG(h != INVALID_HANDLE_VALUE && h != NULL, "CreateFileW: %p, error %lu", h, (unsigned long)GetLastError());
    if (h == INVALID_HANDLE_VALUE)
        return;
    struct tsvc_stats s = svc_stats(h);
    CHECK_EQ(s.opens, 1);
    CHECK_EQ(s.open_now, 1);
    CHECK_EQ(s.last_open_access, GENERIC_READ);
    CHECK_EQ(s.last_open_share, FILE_SHARE_READ | FILE_SHARE_WRITE);
    CHECK_EQ(s.last_open_data, TSVC_INIT_RESULT_BASE + 1);
    CHECK_EQ(s.last_init_context, 0x1234);
    /* Device names are case-insensitive. */
    HANDLE h2 = CreateFileW(L"tsa0:", 0, 0, NULL, OPEN_EXISTING, 0, NULL);
    CHECK(h2 != INVALID_HANDLE_VALUE);
    if (h2 != INVALID_HANDLE_VALUE) {
        s = svc_stats(h);
        CHECK_EQ(s.opens, 2);
        CHECK_EQ(s.last_open_access, 0);
        CHECK_EQ(s.last_open_share, 0);
        CHECK(CloseHandle(h2));
    }
    CHECK(CloseHandle(h));
}

SVC_TEST(services_client_createfile, services_volume_path_opens_too)
{
    CONFIG_TSA(t);
    SetLastError(0xdeadbeef);
    HANDLE h = CreateFileW(L"\\$services\\TSA0:", GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    CHECK_MSG(h != INVALID_HANDLE_VALUE, "error %lu", (unsigned long)GetLastError());
    if (h != INVALID_HANDLE_VALUE) {
        struct tsvc_stats s = svc_stats(h);
        CHECK_EQ(s.opens, 1);
        CHECK_EQ(s.last_open_access, GENERIC_WRITE);
        CHECK(CloseHandle(h));
    }
}

SVC_TEST(services_client_createfile, unknown_device_is_dev_not_exist)
{
    CONFIG_TSA(t);
    const WCHAR *const names[] = { L"QQQ0:", L"TSA5:", L"\\$services\\QQQ0:", L"\\$services\\TSB0:" };
    for (int i = 0; i < 4; i++) {
        SetLastError(0xdeadbeef);
        HANDLE h = svc_open(names[i]);
        CHECK_MSG(h == INVALID_HANDLE_VALUE, "%ls opened", names[i]);
        CHECK_LASTERROR(ERROR_DEV_NOT_EXIST);
    }
}

SVC_TEST(services_client_createfile, open_failure_gives_the_service_error)
{
    CONFIG_TSA(t);
    SetLastError(0xdeadbeef);
    HANDLE bad = CreateFileW(L"TSA0:", TSVC_OPEN_FAIL_ACCESS, 0, NULL, OPEN_EXISTING, 0, NULL);
    CHECK_PTR_EQ(bad, INVALID_HANDLE_VALUE);
    CHECK_LASTERROR(ERROR_ACCESS_DENIED);
    HANDLE h = svc_open(L"TSA0:");
    REQUIRE(h != INVALID_HANDLE_VALUE);
    struct tsvc_stats s = svc_stats(h);
    CHECK_EQ(s.open_refused, 1);
    CHECK_EQ(s.opens, 1);
    CHECK_EQ(s.open_now, 1);
    CHECK(CloseHandle(h));
}

SVC_TEST(services_client_createfile, service_without_xxx_open_is_not_supported)
{
    REQUIRE(svc_test_config(t, L"SvcW", L"tsvc_minimal.dll", L"TSW", 0, ~0u, ~0u, ~0u));
    SetLastError(0xdeadbeef);
    CHECK(svc_open(L"TSW0:") == INVALID_HANDLE_VALUE);
    CHECK_LASTERROR(ERROR_NOT_SUPPORTED);
}

SVC_TEST(services_client_createfile, create_file_a_opens_services)
{
    CONFIG_TSA(t);
    static const char *const names[] = { "TSA0:", "\\$services\\TSA0:" };
    for (int i = 0; i < 2; i++) {
        SetLastError(0xdeadbeef);
        HANDLE h = CreateFileA(names[i], GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
        CHECK_MSG(h != INVALID_HANDLE_VALUE, "CreateFileA(%s): error %lu", names[i], (unsigned long)GetLastError());
        if (h == INVALID_HANDLE_VALUE)
            continue;
        struct tsvc_stats s = svc_stats(h);
        CHECK_EQ(s.opens, (DWORD)i + 1);
        CHECK_EQ(s.last_open_access, GENERIC_READ);
        CHECK_EQ(s.last_open_share, FILE_SHARE_READ);
        CHECK(CloseHandle(h));
    }
    SetLastError(0xdeadbeef);
    CHECK(CreateFileA("QQQ0:", GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL) == INVALID_HANDLE_VALUE);
    CHECK_LASTERROR(ERROR_DEV_NOT_EXIST);
}

SVC_TEST(services_client_createfile, regular_files_stay_win32)
{
    CONFIG_TSA(t);
    HANDLE svc = svc_open(L"TSA0:"); /* a service handle exists meanwhile */
    CHECK(svc != INVALID_HANDLE_VALUE);
    WCHAR dir[MAX_PATH], path[MAX_PATH];
    REQUIRE(GetTempPathW(MAX_PATH, dir) > 0);
    REQUIRE(GetTempFileNameW(dir, L"svc", 0, path) != 0);
    HANDLE f = CreateFileW(path, GENERIC_READ | GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    CHECK(f != INVALID_HANDLE_VALUE);
    if (f != INVALID_HANDLE_VALUE) {
        static const char text[] = "plain file data";
        char back[32] = { 0 };
        DWORD n = 0;
        CHECK(WriteFile(f, text, sizeof(text), &n, NULL));
        CHECK_EQ(n, sizeof(text));
        CHECK_EQ(GetFileSize(f, NULL), sizeof(text)); /* a real file handle */
        CHECK_EQ(SetFilePointer(f, 6, NULL, FILE_BEGIN), 6);
        n = 0;
        CHECK(ReadFile(f, back, sizeof(back), &n, NULL));
        CHECK_EQ(n, sizeof(text) - 6);
        CHECK_STR_EQ(back, "file data");
        CHECK(CloseHandle(f));
    }
    if (svc != INVALID_HANDLE_VALUE) {
        CHECK_EQ(svc_stats(svc).bytes_written, 0); /* none of that reached the service */
        CHECK(CloseHandle(svc));
    }
    CHECK(DeleteFileW(path));
}

/* ---- DeviceIoControl -------------------------------------------------------------------- */

SVC_TEST(services_client_devioctl, echo_returns_exact_bytes_and_length)
{
    CONFIG_TSA(t);
    HANDLE h = svc_open(L"TSA0:");
    REQUIRE(h != INVALID_HANDLE_VALUE);
    static const DWORD sizes[] = { 0, 1, 16, 4095, 65536, 1u << 20, 16u << 20 };
    BYTE *in = VirtualAlloc(NULL, 16u << 20, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
    BYTE *out = VirtualAlloc(NULL, 16u << 20, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
    if (CHECK(in && out)) {
        for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
            DWORD n = sizes[k];
            for (DWORD i = 0; i < n; i++)
                in[i] = (BYTE)(i * 31 + k);
            memset(out, 0xcc, n);
            DWORD got = 0xdeadbeef;
            SetLastError(0xdeadbeef);
            BOOL ok = DeviceIoControl(h, TSVC_ECHO, in, n, out, n, &got, NULL);
            CHECK_MSG(ok, "size %lu: error %lu", (unsigned long)n, (unsigned long)GetLastError());
            CHECK_EQ(got, n);
            CHECK_MSG(memcmp(out, in, n) == 0, "size %lu: bytes differ", (unsigned long)n);
        }
    }
    if (in)
        VirtualFree(in, 0, MEM_RELEASE);
    if (out)
        VirtualFree(out, 0, MEM_RELEASE);
    CHECK(CloseHandle(h));
}

SVC_TEST(services_client_devioctl, small_out_buffer_is_insufficient_buffer_with_the_size_needed)
{
    CONFIG_TSA(t);
    HANDLE h = svc_open(L"TSA0:");
    REQUIRE(h != INVALID_HANDLE_VALUE);
    BYTE in[100], out[64];
    memset(in, 0x5a, sizeof(in));
    memset(out, 0xcc, sizeof(out));
    DWORD got = 0;
    SetLastError(0xdeadbeef);
    CHECK(!DeviceIoControl(h, TSVC_ECHO, in, 100, out, 50, &got, NULL));
    CHECK_LASTERROR(ERROR_INSUFFICIENT_BUFFER);
    CHECK_EQ(got, 100);
    for (int i = 0; i < 64; i++) /* nothing copied */
        CHECK_MSG(out[i] == 0xcc, "out[%d] = 0x%02x", i, out[i]);
    CHECK(CloseHandle(h));
}

SVC_TEST(services_client_devioctl, out_bytes_the_service_leaves_alone_keep_the_callers_values)
{
    CONFIG_TSA(t);
    HANDLE h = svc_open(L"TSA0:");
    REQUIRE(h != INVALID_HANDLE_VALUE);
    /* Other data passes through first (it must not show up below). */
    BYTE big[256], got_big[256];
    memset(big, 0x11, sizeof(big));
    CHECK(DeviceIoControl(h, TSVC_ECHO, big, sizeof(big), got_big, sizeof(got_big), NULL, NULL));
    /* FILL writes 4 bytes of a 16-byte out buffer; CE's service works on
     * the caller's buffer, so the other 12 keep the caller's bytes. */
    struct tsvc_fill f = { 4, 0x77, { 0, 0, 0 } };
    BYTE out[16];
    memset(out, 0xcc, sizeof(out));
    DWORD got = 0;
    CHECK(DeviceIoControl(h, TSVC_FILL, &f, sizeof(f), out, sizeof(out), &got, NULL));
    CHECK_EQ(got, 4);
    for (int i = 0; i < 16; i++)
        CHECK_MSG(out[i] == (i < 4 ? 0x77 : 0xcc), "out[%d] = 0x%02x", i, out[i]);
    CHECK(CloseHandle(h));
}

SVC_TEST(services_client_devioctl, service_error_codes_reach_get_last_error)
{
    CONFIG_TSA(t);
    HANDLE h = svc_open(L"TSA0:");
    REQUIRE(h != INVALID_HANDLE_VALUE);
    static const DWORD codes[] = { 0x2A, ERROR_NO_MORE_ITEMS, ERROR_ACCESS_DENIED, 0xE0001234u };
    for (int i = 0; i < 4; i++) {
        DWORD code = codes[i], got = 0xdeadbeef;
        SetLastError(0xdeadbeef);
        CHECK(!DeviceIoControl(h, TSVC_FAIL, &code, sizeof(code), NULL, 0, &got, NULL));
        CHECK_LASTERROR(codes[i]);
        CHECK_EQ(got, 0); /* the service set no *pdwActualOut */
    }
    SetLastError(0xdeadbeef); /* a code the service does not know */
    CHECK(!DeviceIoControl(h, TSVC_CODE(0x7f), NULL, 0, NULL, 0, NULL, NULL));
    CHECK_LASTERROR(ERROR_NOT_SUPPORTED);
    CHECK(CloseHandle(h));
}

struct first_call {
    HANDLE h;
    BOOL ok;
    DWORD error, got;
};

static DWORD WINAPI first_call_thread(void *arg)
{
    struct first_call *c = arg;
    BYTE in[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, out[8];
    SetLastError(0xdeadbeef);
    c->ok = DeviceIoControl(c->h, TSVC_ECHO, in, 8, out, 8, &c->got, NULL);
    c->error = GetLastError();
    return 0;
}

SVC_TEST(services_client_devioctl, success_leaves_the_last_error_alone)
{
    CONFIG_TSA(t);
    HANDLE h = svc_open(L"TSA0:");
    REQUIRE(h != INVALID_HANDLE_VALUE);
    BYTE in[8] = { 0 }, out[8];
    DWORD got = 0;
    SetLastError(0xdeadbeef);
    CHECK(DeviceIoControl(h, TSVC_ECHO, in, 8, out, 8, &got, NULL));
    CHECK_LASTERROR(0xdeadbeef);
    SetLastError(0x1234);
    CHECK(DeviceIoControl(h, TSVC_ECHO, in, 8, out, 8, &got, NULL));
    CHECK_LASTERROR(0x1234);
    /* Also a thread's very first call (it sets up its link to the host). */
    static struct first_call c; /* static: the thread may outlive a failed wait */
    c.h = h;
    HANDLE th = CreateThread(NULL, 0, first_call_thread, &c, 0, NULL);
    REQUIRE(th != NULL);
    CHECK_EQ(WaitForSingleObject(th, SVC_WAIT_MS), WAIT_OBJECT_0);
    CloseHandle(th);
    CHECK(c.ok);
    CHECK_EQ(c.got, 8);
    CHECK_EQ(c.error, 0xdeadbeef);
    CHECK(CloseHandle(h));
}

SVC_TEST(services_client_devioctl, null_bytes_returned_works_and_null_buffers_need_zero_size)
{
    CONFIG_TSA(t);
    HANDLE h = svc_open(L"TSA0:");
    REQUIRE(h != INVALID_HANDLE_VALUE);
    BYTE in[8] = { 9, 8, 7, 6, 5, 4, 3, 2 }, out[8] = { 0 };
    SetLastError(0xdeadbeef);
    CHECK(DeviceIoControl(h, TSVC_ECHO, in, 8, out, 8, NULL, NULL));
    CHECK_MEM_EQ(out, in, 8);
    DWORD got = 0xdeadbeef;
    SetLastError(0xdeadbeef);
    CHECK(!DeviceIoControl(h, TSVC_ECHO, NULL, 8, out, 8, &got, NULL));
    CHECK_LASTERROR(ERROR_INVALID_PARAMETER);
    SetLastError(0xdeadbeef);
    CHECK(!DeviceIoControl(h, TSVC_ECHO, in, 8, NULL, 8, &got, NULL));
    CHECK_LASTERROR(ERROR_INVALID_PARAMETER);
    got = 0xdeadbeef; /* NULL with size 0 is fine: an empty echo */
    CHECK(DeviceIoControl(h, TSVC_ECHO, NULL, 0, NULL, 0, &got, NULL));
    CHECK_EQ(got, 0);
    CHECK(CloseHandle(h));
}

SVC_TEST(services_client_devioctl, psl_notify_from_a_client_is_access_denied)
{
    CONFIG_TSA(t);
    HANDLE h = svc_open(L"TSA0:");
    REQUIRE(h != INVALID_HANDLE_VALUE);
    DEVICE_PSL_NOTIFY n = { sizeof(n), DLL_PROCESS_EXITING, (HANDLE)(ULONG_PTR)GetCurrentProcessId(),
                            (HANDLE)(ULONG_PTR)GetCurrentThreadId() };
    SetLastError(0xdeadbeef);
    CHECK(!DeviceIoControl(h, IOCTL_PSL_NOTIFY, &n, sizeof(n), NULL, 0, NULL, NULL));
    CHECK_LASTERROR(ERROR_ACCESS_DENIED);
    struct tsvc_stats s = svc_stats(h);
    CHECK_EQ(s.psl_notifies, 0);
    CHECK_EQ(s.psl_bad, 0);
    /* The open is not released either: a block still times out. */
    DWORD timeout = 50;
    SetLastError(0xdeadbeef);
    CHECK(!DeviceIoControl(h, TSVC_BLOCK, &timeout, sizeof(timeout), NULL, 0, NULL, NULL));
    CHECK_LASTERROR(ERROR_TIMEOUT);
    CHECK(CloseHandle(h));
}

SVC_TEST(services_client_devioctl, caller_inside_the_call_is_this_process)
{
    CONFIG_TSA(t);
    HANDLE h = svc_open(L"TSA0:");
    REQUIRE(h != INVALID_HANDLE_VALUE);
    struct tsvc_caller c = { 0, 0 };
    DWORD got = 0;
    CHECK(DeviceIoControl(h, TSVC_CALLER, NULL, 0, &c, sizeof(c), &got, NULL));
    CHECK_EQ(got, sizeof(c));
    CHECK_EQ(c.caller_pid, GetCurrentProcessId());
    CHECK_EQ(c.direct_caller_pid, GetCurrentProcessId());
    CHECK(CloseHandle(h));
}

SVC_TEST(services_client_devioctl, sum_of_64_mib)
{
    CONFIG_TSA(t);
    HANDLE h = svc_open(L"TSA0:");
    REQUIRE(h != INVALID_HANDLE_VALUE);
    const DWORD n = 64u << 20;
    BYTE *in = VirtualAlloc(NULL, n, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
    if (CHECK(in != NULL)) {
        DWORD sum = 0, got = 0, out = 0;
        for (DWORD i = 0; i < n; i++) {
            in[i] = (BYTE)((i * 2654435761u) >> 24);
            sum += in[i];
        }
        SetLastError(0xdeadbeef);
        CHECK_MSG(DeviceIoControl(h, TSVC_SUM, in, n, &out, sizeof(out), &got, NULL), "error %lu",
                  (unsigned long)GetLastError());
        CHECK_EQ(got, sizeof(out));
        CHECK_EQ(out, sum);
        VirtualFree(in, 0, MEM_RELEASE);
    }
    CHECK(CloseHandle(h));
}

SVC_TEST(services_client_devioctl, more_than_1_gib_in_one_call_is_not_enough_memory)
{
    CONFIG_TSA(t);
    HANDLE h = svc_open(L"TSA0:");
    REQUIRE(h != INVALID_HANDLE_VALUE);
    /* Reserved, never committed: the call must refuse before touching it. */
    const DWORD half = 600u << 20;
    BYTE *in = VirtualAlloc(NULL, half, MEM_RESERVE, PAGE_NOACCESS);
    BYTE *out = VirtualAlloc(NULL, half, MEM_RESERVE, PAGE_NOACCESS);
#ifdef _WIN64
    CHECK(in && out); /* a 32-bit process may lack the address space */
#endif
    if (in && out) {
        SetLastError(0xdeadbeef);
        CHECK(!DeviceIoControl(h, TSVC_ECHO, in, half, out, half, NULL, NULL));
        CHECK_LASTERROR(ERROR_NOT_ENOUGH_MEMORY);
    }
    if (in)
        VirtualFree(in, 0, MEM_RELEASE);
    if (out)
        VirtualFree(out, 0, MEM_RELEASE);
    CHECK(CloseHandle(h));
}

/* ---- ReadFile, WriteFile, SetFilePointer ------------------------------------------------ */

SVC_TEST(services_client_rw, read_gives_the_service_bytes)
{
    CONFIG_TSA(t);
    HANDLE h = svc_open(L"TSA0:");
    REQUIRE(h != INVALID_HANDLE_VALUE);
    BYTE buf[400];
    memset(buf, 0xcc, sizeof(buf));
    DWORD n = 0xdeadbeef;
    SetLastError(0xdeadbeef);
    CHECK(ReadFile(h, buf, 300, &n, NULL));
    CHECK_LASTERROR(0xdeadbeef);
    CHECK_EQ(n, 300);
    for (DWORD i = 0; i < 300; i++)
        if (!CHECK_MSG(buf[i] == TSVC_READ_BYTE(i), "byte %lu = 0x%02x", (unsigned long)i, buf[i]))
            break;
    CHECK_EQ(buf[300], 0xcc);
    n = 0xdeadbeef;
    CHECK(ReadFile(h, buf, 0, &n, NULL));
    CHECK_EQ(n, 0);
    CHECK_EQ(svc_stats(h).bytes_read, 300);
    CHECK(CloseHandle(h));
}

SVC_TEST(services_client_rw, write_reaches_xxx_write)
{
    CONFIG_TSA(t);
    HANDLE h = svc_open(L"TSA0:");
    REQUIRE(h != INVALID_HANDLE_VALUE);
    BYTE buf[1000];
    memset(buf, 0x42, sizeof(buf));
    DWORD n = 0xdeadbeef;
    SetLastError(0xdeadbeef);
    CHECK(WriteFile(h, buf, 37, &n, NULL));
    CHECK_LASTERROR(0xdeadbeef);
    CHECK_EQ(n, 37);
    n = 0xdeadbeef;
    CHECK(WriteFile(h, buf, 1000, &n, NULL));
    CHECK_EQ(n, 1000);
    n = 0xdeadbeef;
    CHECK(WriteFile(h, buf, 0, &n, NULL));
    CHECK_EQ(n, 0);
    CHECK_EQ(svc_stats(h).bytes_written, 1037);
    CHECK(CloseHandle(h));
}

SVC_TEST(services_client_rw, set_file_pointer_returns_xxx_seek)
{
    CONFIG_TSA(t);
    HANDLE h = svc_open(L"TSA0:");
    REQUIRE(h != INVALID_HANDLE_VALUE);
    SetLastError(0xdeadbeef);
    CHECK_EQ(SetFilePointer(h, 5, NULL, FILE_BEGIN), 5 + TSVC_SEEK_OFFSET);
    CHECK_LASTERROR(0xdeadbeef);
    LONG high = 77;
    CHECK_EQ(SetFilePointer(h, -3, &high, FILE_CURRENT), TSVC_SEEK_OFFSET - 3);
    CHECK_EQ(high, 0); /* xxx_Seek is 32-bit */
    CHECK_EQ(SetFilePointer(h, 0, NULL, FILE_END), TSVC_SEEK_OFFSET);
    SetLastError(0xdeadbeef);
    CHECK_EQ(SetFilePointer(h, 5, NULL, 3), INVALID_SET_FILE_POINTER);
    CHECK_LASTERROR(ERROR_INVALID_PARAMETER);
    CHECK(CloseHandle(h));
}

/* ---- CloseHandle ------------------------------------------------------------------------ */

SVC_TEST(services_client_close, close_calls_preclose_and_close_once)
{
    CONFIG_TSA(t);
    HANDLE h1 = svc_open(L"TSA0:"), h2 = svc_open(L"TSA0:");
    REQUIRE(h1 != INVALID_HANDLE_VALUE && h2 != INVALID_HANDLE_VALUE);
    CHECK_EQ(svc_stats(h2).open_now, 2);
    SetLastError(0xdeadbeef);
    CHECK(CloseHandle(h1));
    /* No longer a service handle: Win32 sees a closed handle. */
    SetLastError(0xdeadbeef);
    CHECK(!CloseHandle(h1));
    CHECK_LASTERROR(ERROR_INVALID_HANDLE);
    struct tsvc_stats s;
    SetLastError(0xdeadbeef);
    CHECK(!DeviceIoControl(h1, TSVC_STATS, NULL, 0, &s, sizeof(s), NULL, NULL));
    CHECK_LASTERROR(ERROR_INVALID_HANDLE);
    s = svc_stats(h2);
    CHECK_EQ(s.preclose, 1);
    CHECK_EQ(s.closes, 1);
    CHECK_EQ(s.open_now, 1);
    CHECK_EQ(s.bad_contexts, 0);
    CHECK(CloseHandle(h2));
}

SVC_TEST(services_client_close, closing_an_activation_handle_keeps_the_service)
{
    CHECK_EQ(svc_start_host(), 0);
    CONFIG_TSA(t);
    HANDLE ha = ActivateService(L"TsaSvc", 0);
    REQUIRE(ha != NULL);
    SetLastError(0xdeadbeef);
    CHECK(CloseHandle(ha));
    SetLastError(0xdeadbeef);
    CHECK(!DeregisterService(ha));
    CHECK_LASTERROR(ERROR_INVALID_PARAMETER);
    HANDLE h = svc_open(L"TSA0:");
    REQUIRE(h != INVALID_HANDLE_VALUE);
    struct tsvc_stats s = svc_stats(h);
    CHECK_EQ(s.deinits, 0);
    CHECK_EQ(s.predeinits, 0);
    CHECK(CloseHandle(h));
}

/* ---- many client threads ---------------------------------------------------------------- */

#define OWN_HANDLE_THREADS 32
#define SHARED_HANDLE_THREADS 8

SVC_TEST(services_client_threads, many_blocked_calls_do_not_hold_up_others)
{
    static struct svc_blocker b[OWN_HANDLE_THREADS + SHARED_HANDLE_THREADS]; /* static: see svc_blocker */
    const DWORD total = OWN_HANDLE_THREADS + SHARED_HANDLE_THREADS;
    CONFIG_TSA(t);
    HANDLE main_h = svc_open(L"TSA0:"), shared = svc_open(L"TSA0:");
    REQUIRE(main_h != INVALID_HANDLE_VALUE && shared != INVALID_HANDLE_VALUE);
    DWORD started = 0;
    for (DWORD i = 0; i < total; i++)
        started += svc_blocker_start(&b[i], i < OWN_HANDLE_THREADS ? L"TSA0:" : NULL, shared) ? 1 : 0;
    CHECK_EQ(started, total);
    BOOL all_blocked = svc_wait_blocked(main_h, started);

    /* Meanwhile this thread gets quick answers. */
    BYTE in[64], out[64];
    memset(in, 0x3c, sizeof(in));
    for (int round = 0; all_blocked && round < 5; round++) {
        ULONGLONG t0 = cetest_now_ms();
        DWORD got = 0;
        CHECK(DeviceIoControl(main_h, TSVC_ECHO, in, sizeof(in), out, sizeof(out), &got, NULL));
        ULONGLONG took = cetest_now_ms() - t0;
        CHECK_MSG(took < 2000, "an echo took %llu ms while %lu calls were blocked", took, (unsigned long)started);
        CHECK_MEM_EQ(out, in, sizeof(in));
    }
    DWORD was_blocked = 0;
    SetLastError(0xdeadbeef);
    CHECK(DeviceIoControl(main_h, TSVC_RELEASE_ALL, NULL, 0, &was_blocked, sizeof(was_blocked), NULL, NULL));
    if (all_blocked)
        CHECK_EQ(was_blocked, started);
    for (DWORD i = 0; i < total; i++) {
        if (!b[i].thread)
            continue;
        if (!svc_blocker_join(&b[i], SVC_WAIT_MS))
            continue;
        CHECK_MSG(b[i].device == NULL || b[i].opened, "thread %lu: open error %lu", (unsigned long)i,
                  (unsigned long)b[i].open_error);
        CHECK_MSG(b[i].ok, "thread %lu: TSVC_BLOCK failed, error %lu", (unsigned long)i, (unsigned long)b[i].error);
    }
    struct tsvc_stats s = svc_stats(main_h);
    CHECK_EQ(s.released_by_all, started);
    CHECK_EQ(s.block_timeouts, 0);
    CHECK_EQ(s.blocked_now, 0);
    CHECK_EQ(s.open_now, 2); /* the threads closed their own handles */
    CHECK(CloseHandle(shared));
    CHECK(CloseHandle(main_h));
}
