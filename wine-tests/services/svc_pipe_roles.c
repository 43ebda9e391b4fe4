/*
 * svc_pipe_roles.c - the programs behind the "pipeline ends" test
 * (cmake/tests/svc-pipe-close.cmake): a client whose stdout and stderr are
 * one pipe, as a CI runner or `tee` reads them, starts its session's host;
 * the pipe must reach its end when the client exits, while the host runs
 * on. The script runs these roles with --cetest-child=<role>; the instance
 * word comes from CESHIM_SERVICES_INSTANCE in the script's environment.
 */
#include "svc_host_util.h"

#define HOST_EXIT_WAIT_MS 20000

/* Starts the host (EnumServices starts it, as `ceservices list` does) and
 * writes to both streams, then exits: the script's pipe should close now. */
CETEST_CHILD(pipe_client)
{
    (void)argc;
    (void)argv;
    DWORD entries = 0, bytes = 0;
    SetLastError(0xdeadbeef);
    BOOL ok = EnumServices(NULL, &entries, &bytes);
    DWORD error = GetLastError();
    /* No service is configured: nothing to list, or only a size to ask for. */
    CHECK_MSG(ok || error == ERROR_INSUFFICIENT_BUFFER || error == ERROR_MORE_DATA,
              "EnumServices: %d, error %lu, %lu entries", ok, error, entries);
    struct svc_host_block block;
    CHECK_MSG(host_block_read(&block), "no host after EnumServices");
    printf("pipe_client: host pid %lu on stdout\n", (unsigned long)block.host_pid);
    fprintf(stderr, "pipe_client: and a line on stderr\n");
    fflush(stdout);
    fflush(stderr);
}

/* After the pipeline ended: the host must still run (it was not what
 * ended the pipe); then it is shut down and the instance removed. */
CETEST_CHILD(pipe_host_check)
{
    (void)argc;
    (void)argv;
    struct svc_host_block block;
    if (!CHECK_MSG(host_block_read(&block), "the host is gone: the pipeline ended only when it exited"))
        return;
    HANDLE host = OpenProcess(SYNCHRONIZE, FALSE, block.host_pid);
    CHECK_MSG(host != NULL && WaitForSingleObject(host, 0) == WAIT_TIMEOUT,
              "host %lu is not running: the pipeline ended only when it exited", (unsigned long)block.host_pid);
    CHECK(CeShimServicesShutdown());
    if (host) {
        DWORD w = WaitForSingleObject(host, HOST_EXIT_WAIT_MS);
        CHECK_MSG(w == WAIT_OBJECT_0, "host %lu still runs %u ms after shutdown (wait %lu)",
                  (unsigned long)block.host_pid, HOST_EXIT_WAIT_MS, w);
        CloseHandle(host);
    }
    WCHAR word[64], key[128];
    if (GetEnvironmentVariableW(L"CESHIM_SERVICES_INSTANCE", word, 64) - 1u < 63u) {
        _snwprintf(key, 128, L"Software\\ceshim\\Instances\\%ls", word);
        key[127] = 0;
        RegDeleteTreeW(HKEY_CURRENT_USER, key);
    }
}
