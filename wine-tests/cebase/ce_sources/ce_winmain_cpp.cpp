// ce_winmain_cpp.cpp - a CE program's WinMain in C++ (desktop declares
// LPSTR: a "conflicting declaration of C function" without ceshim).
#include <windows.h>

class Greeter {
public:
    explicit Greeter(LPCWSTR who) : who_(who) {}
    void Say(LPCWSTR cmd) const { NKDbgPrintfW(L"WinMain(C++): %s, cmdline [%s]\r\n", who_, cmd); }

private:
    LPCWSTR who_;
};

int WINAPI WinMain(HINSTANCE hInstance, HINSTANCE hPrevInstance, LPWSTR lpCmdLine, int nCmdShow)
{
    (void)hInstance, (void)hPrevInstance, (void)nCmdShow;
    Greeter(L"hello").Say(lpCmdLine);
    return 4;
}
