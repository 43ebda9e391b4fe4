# Shared part of the mingw-w64 toolchain files: include it after setting
# CESHIM_MINGW_TRIPLE (x86_64-w64-mingw32 or i686-w64-mingw32).
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_VERSION 6.1)

# The -posix variants: the C++ test runner needs them (the -win32 thread
# model has no std::mutex for gtest), and C must use the same one, or the C
# compiler's implicit link folders pull the -win32 libstdc++ into C++ links.
set(CMAKE_C_COMPILER ${CESHIM_MINGW_TRIPLE}-gcc-posix)
set(CMAKE_CXX_COMPILER ${CESHIM_MINGW_TRIPLE}-g++-posix)
set(CMAKE_RC_COMPILER ${CESHIM_MINGW_TRIPLE}-windres)

set(CMAKE_FIND_ROOT_PATH /usr/${CESHIM_MINGW_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)

# Static runtime: executables need no libgcc/libstdc++/libwinpthread DLLs
# beside them under Wine or on a bare Windows machine.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static")
set(CMAKE_SHARED_LINKER_FLAGS_INIT "-static-libgcc")
set(CMAKE_MODULE_LINKER_FLAGS_INIT "-static-libgcc")

include(${CMAKE_CURRENT_LIST_DIR}/wine-emulator.cmake)
