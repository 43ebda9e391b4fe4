# ceshim_strict(target): the project's own C is warning-clean on GCC, clang
# and MSVC. Not applied to third-party code (Google Test).
function(ceshim_strict target)
  if(MSVC)
    target_compile_options(${target} PRIVATE /W4 $<$<BOOL:${CESHIM_WARNINGS_AS_ERRORS}>:/WX>)
  else()
    target_compile_options(${target} PRIVATE -Wall -Wextra
                           $<$<BOOL:${CESHIM_WARNINGS_AS_ERRORS}>:-Werror>)
  endif()
  # Windows 7 API level: GetTickCount64, condition variables, SRW locks.
  target_compile_definitions(${target} PRIVATE _WIN32_WINNT=0x0601)
endfunction()
