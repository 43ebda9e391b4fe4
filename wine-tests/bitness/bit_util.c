/*
 * bit_util.c - the peer build and process bitness (see bit_util.h).
 */
#include "bit_util.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void bit_peer_path(const char *file, char *out, size_t out_size)
{
    snprintf(out, out_size, "%s\\%s", CESHIM_PEER_BIN, file);
    for (char *c = out; *c; c++)
        if (*c == '/')
            *c = '\\';
}

void bit_peer_pathw(const WCHAR *file, WCHAR *out, size_t out_chars)
{
    char narrow[MAX_PATH];
    bit_peer_path("", narrow, sizeof(narrow));
    int n = MultiByteToWideChar(CP_UTF8, 0, narrow, -1, out, (int)out_chars);
    if (n <= 0 || (size_t)n + wcslen(file) > out_chars) {
        out[0] = 0;
        return;
    }
    wcscat(out, file);
}

BOOL bit_spawn_peer(cetest_proc *child, const char *role, const char *fmt, ...)
{
    char exe[MAX_PATH], args[2048] = "";
    bit_peer_path("bitness_tests.exe", exe, sizeof(exe));
    if (GetFileAttributesA(exe) == INVALID_FILE_ATTRIBUTES) {
        CHECK_MSG(FALSE, "the other bitness's build of this program is missing: %s (build the peer tree first)",
                  exe);
        return FALSE;
    }
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(args, sizeof(args), fmt, ap);
        va_end(ap);
    }
    return cetest_spawn_exe(child, exe, 0, role, "%s", args);
}

DWORD bit_process_bits(HANDLE process)
{
    BOOL wow = FALSE;
    if (!IsWow64Process(process, &wow))
        return 0;
    /* Only a 64-bit system runs a process under WOW64; a 32-bit process
     * asking about itself is told FALSE on a 32-bit system. */
    if (wow)
        return 32;
    BOOL self_wow = FALSE;
    IsWow64Process(GetCurrentProcess(), &self_wow);
    return (sizeof(void *) == 8 || self_wow) ? 64 : 32;
}
