# ceshim_strict(target): the project's own C is warning-clean on GCC, clang
# and MSVC. Not applied to third-party code (Google Test).
function(ceshim_strict target)
  if(MSVC)
    # /W4 less the warnings GCC's -Wall -Wextra have no counterpart of, so
    # that code clean on GCC (built and tested here) is clean on MSVC by
    # construction (docs/decisions.md, "MSVC warnings"):
    #   4996       deprecated/"unsafe" CRT and POSIX names (wcscpy,
    #              _snwprintf: CE code's functions) and _ReadWriteBarrier
    #   4244 4267  implicit narrowing (GCC: -Wconversion, not on)
    #   4245       signed/unsigned in initialisation and conversion
    #   4706       assignment in a condition (GCC takes it in double parens)
    #   4127       constant conditional expression
    #   4201 4214  anonymous struct/union, bit fields of other than int (C11)
    target_compile_options(${target} PRIVATE /W4 /wd4996 /wd4244 /wd4267 /wd4245 /wd4706 /wd4127
                           /wd4201 /wd4214 $<$<BOOL:${CESHIM_WARNINGS_AS_ERRORS}>:/WX>)
  else()
    target_compile_options(${target} PRIVATE -Wall -Wextra
                           $<$<BOOL:${CESHIM_WARNINGS_AS_ERRORS}>:-Werror>)
  endif()
  # Windows 7 API level: GetTickCount64, condition variables, SRW locks.
  target_compile_definitions(${target} PRIVATE _WIN32_WINNT=0x0601)
endfunction()
