/* hello: which ceshim this is and where it runs. */
#include <windows.h>
#include <stdio.h>

int main(void)
{
    DWORD version = CeShimGetVersion();
    HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
    const char *(CDECL *wine_get_version)(void) = NULL;
    if (ntdll)
        wine_get_version = (const char *(CDECL *)(void))(void *)GetProcAddress(ntdll, "wine_get_version");
    printf("ceshim %lu.%lu.%lu, %d-bit, running on %s%s\n", version >> 16, (version >> 8) & 0xff,
           version & 0xff, (int)(sizeof(void *) * 8), wine_get_version ? "Wine " : "Windows",
           wine_get_version ? wine_get_version() : "");
    return 0;
}
