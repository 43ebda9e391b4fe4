/*
 * ceservicesd.c - the services host executable: CE's services.exe for
 * desktop Windows and Wine. Its code lives in ceshim.dll, so services it
 * loads and the host share one ceshim (caller identity, queues).
 */
#include <windows.h>

#include <ceshim.h>

CESHIM_API int WINAPI CeShimServicesHostMain(int argc, WCHAR **argv);

int wmain(int argc, WCHAR **argv)
{
    return CeShimServicesHostMain(argc, argv);
}
