/*
 * ce_entry.c - the entry point of CE programs built with mingw-w64 (the
 * ceshim_entry static library, linked through CeShim::ceshim).
 *
 * mingw's CRT calls main(); when the program has none, its libmingw32
 * main() calls WinMain(HINSTANCE, HINSTANCE, LPSTR, int). A CE program's
 * WinMain takes LPWSTR: ceshim.h renames it to wWinMain. This WinMain is
 * linked only when nothing else defines one (CMake adds -u WinMain, so it
 * is found before libmingw32 asks for it), and calls the program's
 * wWinMain, or its wmain, whichever it has (weak references: a program
 * has one of them). Programs with main() never reach it.
 */
#include <windows.h>
#include <wchar.h>

extern int WINAPI wWinMain(HINSTANCE hInstance, HINSTANCE hPrevInstance, LPWSTR lpCmdLine, int nShowCmd)
    __attribute__((weak));
extern int wmain(int argc, wchar_t **argv) __attribute__((weak));

/* The command line without the program name, as CE passes lpCmdLine (the
 * same rule as mingw's narrow WinMain: a quoted or unquoted first word). */
static LPWSTR arguments_of(LPWSTR line)
{
    BOOL quoted = FALSE;
    while (*line && (quoted || (*line != L' ' && *line != L'\t'))) {
        if (*line == L'"')
            quoted = !quoted;
        line++;
    }
    while (*line == L' ' || *line == L'\t')
        line++;
    return line;
}

typedef LPWSTR *(WINAPI *argv_fn)(LPCWSTR, int *);

static int run_wmain(void)
{
    int argc = 0;
    /* shell32 is loaded only for wmain programs. */
    HMODULE shell32 = LoadLibraryW(L"shell32.dll");
    argv_fn to_argv = shell32 ? (argv_fn)(void *)GetProcAddress(shell32, "CommandLineToArgvW") : NULL;
    LPWSTR *argv = to_argv ? to_argv(GetCommandLineW(), &argc) : NULL;
    if (!argv) {
        static wchar_t empty[] = L"";
        static wchar_t *none[] = {empty, NULL};
        return wmain(1, none);
    }
    return wmain(argc, argv); /* argv lives as long as the program */
}

int WINAPI WinMain(HINSTANCE hInstance, HINSTANCE hPrevInstance, LPSTR lpCmdLine, int nShowCmd)
{
    (void)lpCmdLine;
    if (wWinMain)
        return wWinMain(hInstance, hPrevInstance, arguments_of(GetCommandLineW()), nShowCmd);
    if (wmain)
        return run_wmain();
    /* Neither: the program defines no entry point at all. */
    static const char message[] = "ceshim: the program has no main, wmain, WinMain or wWinMain\n";
    DWORD written;
    WriteFile(GetStdHandle(STD_ERROR_HANDLE), message, sizeof(message) - 1, &written, NULL);
    return 255;
}
