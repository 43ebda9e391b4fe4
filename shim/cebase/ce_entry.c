/*
 * ce_entry.c - the entry point of CE programs whose WinMain (LPWSTR, which
 * ceshim.h renames to wWinMain) or wmain the desktop CRT would not call:
 * the ceshim_entry static library, linked through CeShim::ceshim.
 *
 * mingw-w64: the CRT calls main(); when the program has none, libmingw32's
 * main() calls WinMain(HINSTANCE, HINSTANCE, LPSTR, int). This WinMain is
 * linked only when nothing else defines one (CMake adds -u WinMain, so it
 * is found before libmingw32 asks for it), and calls the program's
 * wWinMain, or its wmain, whichever it has (weak references: a program
 * has one of them). Programs with main() never reach it.
 *
 * MSVC: the linker picks the CRT entry from the subsystem and the entry
 * functions defined; a console program (CMake's default) whose only entry
 * is wWinMain gets mainCRTStartup, which calls main(). CMake passes
 * /alternatename:main=ceshim_entry_main, so when the program defines no
 * main, the CRT calls ceshim_entry_main, which calls wWinMain; the
 * alternate names below stand in for a missing wWinMain (then wmain is
 * called) and a missing wmain (then the no-entry message). A program with
 * main, wmain, or a GUI-subsystem wWinMain never reaches this file.
 */
#include <windows.h>
#include <wchar.h>

#ifndef _MSC_VER
extern int WINAPI wWinMain(HINSTANCE hInstance, HINSTANCE hPrevInstance, LPWSTR lpCmdLine, int nShowCmd)
    __attribute__((weak));
extern int wmain(int argc, wchar_t **argv) __attribute__((weak));
#else
int __cdecl wmain(int argc, wchar_t **argv);
#endif

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

static int no_entry_point(void)
{
    static const char message[] = "ceshim: the program has no main, wmain, WinMain or wWinMain\n";
    DWORD written;
    WriteFile(GetStdHandle(STD_ERROR_HANDLE), message, sizeof(message) - 1, &written, NULL);
    return 255;
}

#ifndef _MSC_VER

int WINAPI WinMain(HINSTANCE hInstance, HINSTANCE hPrevInstance, LPSTR lpCmdLine, int nShowCmd)
{
    (void)lpCmdLine;
    if (wWinMain)
        return wWinMain(hInstance, hPrevInstance, arguments_of(GetCommandLineW()), nShowCmd);
    if (wmain)
        return run_wmain();
    return no_entry_point();
}

#else /* MSVC */

/* Stand-ins, through /alternatename: used only where the program does
 * not define the function (no weak symbols in MSVC's object format). */
int WINAPI ceshim_entry_no_wWinMain(HINSTANCE hInstance, HINSTANCE hPrevInstance, LPWSTR lpCmdLine, int nShowCmd)
{
    (void)hInstance, (void)hPrevInstance, (void)lpCmdLine, (void)nShowCmd;
    return run_wmain();
}

int __cdecl ceshim_entry_no_wmain(int argc, wchar_t **argv)
{
    (void)argc, (void)argv;
    return no_entry_point();
}

#if defined(_M_IX86) /* C names carry '_', stdcall ones '@<argument bytes>' */
#pragma comment(linker, "/alternatename:_wWinMain@16=_ceshim_entry_no_wWinMain@16")
#pragma comment(linker, "/alternatename:_wmain=_ceshim_entry_no_wmain")
#else
#pragma comment(linker, "/alternatename:wWinMain=ceshim_entry_no_wWinMain")
#pragma comment(linker, "/alternatename:wmain=ceshim_entry_no_wmain")
#endif

/* The show command as the CRT's own wWinMainCRTStartup computes it. */
static int show_command(void)
{
    STARTUPINFOW startup;
    GetStartupInfoW(&startup);
    return (startup.dwFlags & STARTF_USESHOWWINDOW) ? startup.wShowWindow : SW_SHOWDEFAULT;
}

/* main() for a program that has none (the CRT passes argc, argv, envp). */
int __cdecl ceshim_entry_main(int argc, char **argv)
{
    (void)argc, (void)argv;
    return wWinMain(GetModuleHandleW(NULL), NULL, arguments_of(GetCommandLineW()), show_command());
}

#endif
