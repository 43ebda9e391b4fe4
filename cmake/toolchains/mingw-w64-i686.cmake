# 32-bit Windows with mingw-w64 (Debian package mingw-w64). CE code often keeps
# pointers in DWORDs, so i686 is what "compiles unchanged" means for much of it.
set(CMAKE_SYSTEM_PROCESSOR x86)
set(CESHIM_MINGW_TRIPLE i686-w64-mingw32)
include(${CMAKE_CURRENT_LIST_DIR}/mingw-w64-common.cmake)
