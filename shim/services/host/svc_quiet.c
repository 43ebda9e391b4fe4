/*
 * svc_quiet.c - the services host lets go of its starter's Unix stderr.
 *
 * ceshim starts the host with NUL standard handles, which is all Windows
 * needs. Wine's process creation, though, sets the child's Unix fd 0 and 1
 * from those handles but never fd 2 (Wine keeps it for its own debug
 * output): every Wine child inherits its parent's Unix stderr. A client
 * run as `wine client.exe 2>&1 | cat` would leave the long-lived host
 * holding the pipe, and the pipeline would never end. So, on Wine on
 * Linux, the host points fd 2 at /dev/null itself, with raw system calls
 * (no Win32 call reaches a Unix descriptor).
 */
#include <windows.h>
#include <string.h>

#include "common/process.h"
#include "services/host/svc_host.h"

#if (defined(__GNUC__) || defined(__clang__)) && (defined(__x86_64__) || defined(__i386__))
#define HAVE_LINUX_SYSCALLS 1

/* Linux system call numbers and flags, by architecture. */
#ifdef __x86_64__
enum { NR_OPEN = 2, NR_CLOSE = 3, NR_DUP2 = 33 };
#else
enum { NR_OPEN = 5, NR_CLOSE = 6, NR_DUP2 = 63 };
#endif
#define LINUX_O_WRONLY 01
#define LINUX_O_CLOEXEC 02000000

static long linux_syscall3(long nr, long a, long b, long c)
{
    long ret;
#ifdef __x86_64__
    __asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
#else
    __asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
#endif
    return ret;
}
#endif

/* TRUE under Wine running on Linux (ntdll's wine_get_host_version says
 * which kernel is underneath; other kernels number their calls
 * differently). */
static BOOL wine_on_linux(void)
{
    if (!ceshim_under_wine())
        return FALSE;
    HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
    void(CDECL * host_version)(const char **sysname, const char **release) = NULL;
    FARPROC p = GetProcAddress(ntdll, "wine_get_host_version");
    memcpy(&host_version, &p, sizeof(p)); /* function pointer cast without a warning */
    const char *sysname = NULL, *release = NULL;
    if (host_version)
        host_version(&sysname, &release);
    return sysname && strcmp(sysname, "Linux") == 0;
}

void svc_host_release_unix_stderr(void)
{
    if (!wine_on_linux())
        return; /* Windows: the NUL handles are all we hold */
#ifdef HAVE_LINUX_SYSCALLS
    static const char dev_null[] = "/dev/null";
    long fd = linux_syscall3(NR_OPEN, (long)(INT_PTR)dev_null, LINUX_O_WRONLY | LINUX_O_CLOEXEC, 0);
    /* A negative errno, or anything that is no descriptor, and we leave
     * fd 2 as it is. */
    if (fd < 0 || fd > 65535) {
        svc_host_log("cannot open /dev/null for stderr (%ld); the starter's stderr stays open", fd);
        return;
    }
    long r = linux_syscall3(NR_DUP2, fd, 2, 0);
    linux_syscall3(NR_CLOSE, fd, 0, 0);
    if (r != 2)
        svc_host_log("cannot detach stderr (%ld); the starter's stderr stays open", r);
#else
    svc_host_log("this build cannot detach Wine's Unix stderr");
#endif
}
