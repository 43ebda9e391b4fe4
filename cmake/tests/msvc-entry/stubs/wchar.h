/* MSVC's C wchar_t (for cmake/tests/msvc-entry.cmake; see windows.h here). */
#ifndef MSVC_ENTRY_STUB_WCHAR_H
#define MSVC_ENTRY_STUB_WCHAR_H
typedef unsigned short wchar_t;
#endif
