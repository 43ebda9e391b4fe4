# clang targeting mingw-w64 x86_64, with Debian's mingw-w64 headers, libraries
# and linker. Keeps the C code honest for compilers other than GCC.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_VERSION 6.1)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(CESHIM_MINGW_TRIPLE x86_64-w64-mingw32)

set(CMAKE_C_COMPILER clang)
set(CMAKE_C_COMPILER_TARGET ${CESHIM_MINGW_TRIPLE})
set(CMAKE_CXX_COMPILER clang++)
set(CMAKE_CXX_COMPILER_TARGET ${CESHIM_MINGW_TRIPLE})
set(CMAKE_RC_COMPILER ${CESHIM_MINGW_TRIPLE}-windres)
set(CMAKE_SYSROOT /usr/${CESHIM_MINGW_TRIPLE})
set(CMAKE_FIND_ROOT_PATH /usr/${CESHIM_MINGW_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)

# clang's mingw driver needs GCC's libgcc from the mingw-w64 GCC install;
# the posix thread model so the C++ runner can use std::mutex.
file(GLOB _ceshim_gcc_libdirs "/usr/lib/gcc/${CESHIM_MINGW_TRIPLE}/*-posix")
list(SORT _ceshim_gcc_libdirs)
list(GET _ceshim_gcc_libdirs -1 _ceshim_gcc_libdir)
set(_ceshim_link "-fuse-ld=/usr/bin/${CESHIM_MINGW_TRIPLE}-ld -L${_ceshim_gcc_libdir}")
# ... and its libstdc++ headers, which clang does not look for there.
set(CMAKE_CXX_FLAGS_INIT "-isystem ${_ceshim_gcc_libdir}/include/c++ -isystem ${_ceshim_gcc_libdir}/include/c++/${CESHIM_MINGW_TRIPLE} -isystem ${_ceshim_gcc_libdir}/include/c++/backward")
# -pthread: the posix libstdc++ needs winpthread, which only -pthread links.
set(CMAKE_EXE_LINKER_FLAGS_INIT "${_ceshim_link} -static -pthread")
set(CMAKE_SHARED_LINKER_FLAGS_INIT "${_ceshim_link} -static-libgcc")
set(CMAKE_MODULE_LINKER_FLAGS_INIT "${_ceshim_link} -static-libgcc")

include(${CMAKE_CURRENT_LIST_DIR}/wine-emulator.cmake)
