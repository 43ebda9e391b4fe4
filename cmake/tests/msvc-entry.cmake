# cmake -DCLANG=<clang> -DLLD_LINK=<lld-link> -DLLVM_LIB=<llvm-lib> -DARCH=x86_64|i686
#       -DKERNEL32=<mingw-w64 libkernel32.a of ARCH> -DSOURCE=<ceshim source> -DWORK=<dir>
#       -DEMULATOR=<wine-run.sh|prefix> -P msvc-entry.cmake
#
# The MSVC branch of shim/cebase/ce_entry.c (the ceshim_entry library that
# lets a console program whose only entry is CE's WinMain, renamed
# wWinMain by ceshim.h, start under MSVC's CRT), built and run here:
#   - compiled for ARCH-pc-windows-msvc by the host's clang (-fms-extensions
#     -fms-compatibility, -Wall -Wextra -Werror) against msvc-entry/stubs,
#     a few SDK declarations written here (no Windows SDK on this host, and
#     mingw-w64's headers do not build in clang's MSVC mode);
#   - archived with llvm-lib, and linked by lld-link, the MSVC-compatible
#     linker, as CMake links an MSVC program against CeShim::ceshim
#     (/subsystem:console, the /alternatename:main=ceshim_entry_main of
#     shim/CMakeLists.txt, i686 names decorated), beside a reduced CRT
#     (msvc-entry/crt_*.c: mainCRTStartup calls main, wmainCRTStartup wmain,
#     one object each in a library, as in MSVC's CRT);
#   - five programs run under Wine: CE's WinMain (gets the command line
#     without the program name, its instance and show command), wmain (the
#     linker picks wmainCRTStartup, the library is not used), main (its own
#     wins), main from a library (as gtest_main's: it wins too), and none
#     (the no-entry message, exit 255).
# Not proven: cl.exe's acceptance of the file and link.exe's entry choice
# and /alternatename handling (lld-link follows link.exe's documented
# rules; the Windows workflow builds and runs ce_sources/ with MSVC), the
# real CRT's startup (invoke_main passes argc, argv, envp to the cdecl
# ceshim_entry_main, which ignores them), and the real SDK headers.
string(REPLACE "|" ";" EMULATOR "${EMULATOR}")
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
set(dir ${SOURCE}/cmake/tests/msvc-entry)
if(ARCH STREQUAL "i686")
  set(machine /machine:x86 /safeseh:no)
  set(alternate /alternatename:_main=_ceshim_entry_main)
else()
  set(machine /machine:x64)
  set(alternate /alternatename:main=ceshim_entry_main)
endif()

set(failures "")
function(step what)
  execute_process(COMMAND ${ARGN} WORKING_DIRECTORY ${WORK} RESULT_VARIABLE rc OUTPUT_VARIABLE out
                  ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (${rc}):\n${out}")
  endif()
endfunction()

function(compile out source)
  step("compiling ${source}" ${CLANG} --target=${ARCH}-pc-windows-msvc -fms-extensions -fms-compatibility
       -std=c11 -O1 -Wall -Wextra -Werror -nostdinc -isystem ${dir}/stubs -I${dir} ${ARGN} -c ${source}
       -o ${WORK}/${out}.obj)
endfunction()

compile(ce_entry ${SOURCE}/shim/cebase/ce_entry.c)
step("llvm-lib ceshim_entry" ${LLVM_LIB} /nologo /out:${WORK}/ceshim_entry.lib ${WORK}/ce_entry.obj)
compile(crt_main ${dir}/crt_main.c)
compile(crt_wmain ${dir}/crt_wmain.c)
step("llvm-lib crt" ${LLVM_LIB} /nologo /out:${WORK}/crt.lib ${WORK}/crt_main.obj ${WORK}/crt_wmain.obj)

# program, exit code, expected output (regexes)
# mainlib: no entry in the program's objects, main in a library it links
# (as gtest_main gives it): the library's main must win over the alternate.
set(programs winmain wmain main none mainlib)
set(winmain_exit 3)
set(winmain_expect "WinMain: instance ok, cmdline \\[first \"two words\"\\]" "show [0-9]+")
set(wmain_exit 4)
set(wmain_expect "wmain: argc 1")
set(main_exit 5)
set(main_expect "main: own")
set(none_exit 255)
set(none_expect "ceshim: the program has no main, wmain, WinMain or wWinMain")
set(mainlib_exit 5)
set(mainlib_expect "main: own")

foreach(name IN LISTS programs)
  set(defines "")
  if(name STREQUAL "winmain")
    set(defines -include ${dir}/forced.h) # as ceshim.h is
  endif()
  if(name STREQUAL "mainlib")
    step("llvm-lib mainlib" ${LLVM_LIB} /nologo /out:${WORK}/mainlib.lib ${WORK}/prog_main.obj)
    set(objects ${WORK}/prog_none.obj ${WORK}/mainlib.lib)
  else()
    compile(prog_${name} ${dir}/prog_${name}.c ${defines})
    set(objects ${WORK}/prog_${name}.obj)
  endif()
  step("linking prog_${name}" ${LLD_LINK} /nologo /subsystem:console ${machine} /nodefaultlib
       /out:${WORK}/prog_${name}.exe ${objects} ${WORK}/crt.lib ${WORK}/ceshim_entry.lib ${KERNEL32}
       ${alternate})
  execute_process(COMMAND ${EMULATOR} ${WORK}/prog_${name}.exe first "two words" RESULT_VARIABLE rc
                  OUTPUT_VARIABLE out ERROR_VARIABLE out TIMEOUT 120)
  message("prog_${name}: exit ${rc}\n${out}")
  if(NOT rc STREQUAL "${${name}_exit}")
    string(APPEND failures "\nprog_${name}: exit ${rc}, expected ${${name}_exit}")
  endif()
  foreach(expect IN LISTS ${name}_expect)
    if(NOT out MATCHES "${expect}")
      string(APPEND failures "\nprog_${name}: output lacks /${expect}/")
    endif()
  endforeach()
endforeach()
if(failures)
  message(FATAL_ERROR "MSVC entry path (${ARCH}):${failures}")
endif()
message("MSVC entry path (${ARCH}): compiled, linked by lld-link, 5 programs ran as expected")
