# cmake -DCLANG=<clang> -DSOURCE=<ceshim source> -DWORK=<dir> -P msvc-branches.cmake
#
# The code under `#if defined(_MSC_VER) && !defined(__clang__)` that no
# build here compiles, compiled for x86_64- and i686-pc-windows-msvc by the
# host's clang with -fms-extensions -fms-compatibility and __clang__
# undefined (so those branches are the ones taken), -Wall -Wextra -Werror:
#   shim/common/atomics.h    every operation (msvc-branches/atomics_use.c)
#   shim/common/prefetch.h   (msvc-branches/prefetch_use.c)
#   shim/common/bulk_copy.c  the whole file
#   shim/msgqueue/mq_layout.c the queue layout, its static asserts under
#                            MSVC's struct layout on both bitnesses
# These files include no Windows header; with no MSVC SDK here, the few CRT
# headers clang's intrin.h wants are one-line stubs made below. Then the
# x86_64 code is read: loads and stores of shared words must not be locked
# operations (a poll must never write the writer's cache line), and the i686
# fence must be a locked or, not mfence.
# Not covered: whether MSVC itself accepts them (clang is not MSVC), and
# what MSVC generates (clang lowers __faststorefence to mfence and splits
# __iso_volatile_load64 on i686, llvm/llvm-project#126516; MSVC emits
# `lock or [rsp],0` and one 8-byte access). The Windows workflow builds them
# with MSVC.
set(stubs ${WORK}/stubs)
file(REMOVE_RECURSE ${WORK})
file(WRITE ${stubs}/stdlib.h "#include <stddef.h>\nvoid *malloc(size_t);\nvoid free(void *);\n")
file(WRITE ${stubs}/malloc.h "#include <stdlib.h>\nvoid *_aligned_malloc(size_t, size_t);\nvoid _aligned_free(void *);\n")
file(WRITE ${stubs}/setjmp.h "typedef int jmp_buf[16];\n")
file(WRITE ${stubs}/string.h "#include <stddef.h>\nvoid *memcpy(void *, const void *, size_t);\nvoid *memset(void *, int, size_t);\n")

set(failures "")
set(units ${SOURCE}/cmake/tests/msvc-branches/atomics_use.c ${SOURCE}/cmake/tests/msvc-branches/prefetch_use.c
          ${SOURCE}/shim/common/bulk_copy.c ${SOURCE}/shim/msgqueue/mq_layout.c)
foreach(arch x86_64 i686)
  foreach(unit ${units})
    get_filename_component(name ${unit} NAME_WE)
    set(asm ${WORK}/${name}-${arch}.s)
    # As MSVC: x86 code may use SSE2 (/arch:SSE2, its default since VS
    # 2012), and intrin.h declares _m_prefetchw (clang 14 only with -mprfchw).
    set(features "")
    if(arch STREQUAL "i686")
      list(APPEND features -msse2)
    endif()
    if(name MATCHES "^(prefetch_use|mq_layout)$")
      list(APPEND features -mprfchw)
    endif()
    execute_process(COMMAND ${CLANG} --target=${arch}-pc-windows-msvc ${features} -fms-extensions -fms-compatibility
                            -U__clang__ -Wno-builtin-macro-redefined -std=c11 -O2 -Wall -Wextra -Werror
                            -isystem ${stubs} -I${SOURCE}/shim -S -o ${asm} ${unit}
                    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
    if(NOT rc EQUAL 0)
      string(APPEND failures "\n${arch} ${name}.c does not compile:\n${out}")
    else()
      message("compiled for ${arch}-pc-windows-msvc (MSVC branches): ${unit}")
    endif()
  endforeach()
endforeach()

# The code of function fn in an assembly file (its label to clang's
# "-- End function").
function(asm_body out file fn)
  file(READ ${file} text)
  set(${out} "" PARENT_SCOPE)
  string(REGEX MATCH "\n_?${fn}:" label "${text}")
  if(label)
    string(FIND "${text}" "${label}" at)
    string(SUBSTRING "${text}" ${at} -1 text)
    string(FIND "${text}" "-- End function" end)
    string(SUBSTRING "${text}" 0 ${end} body)
    set(${out} "${body}" PARENT_SCOPE)
  endif()
endfunction()

if(NOT failures)
  foreach(fn use_load64 use_store64 use_load32 use_store32 use_load_ptr)
    asm_body(body ${WORK}/atomics_use-x86_64.s ${fn})
    if(body STREQUAL "" OR body MATCHES "lock|xchg")
      string(APPEND failures "\nx86_64 ${fn} is not a plain access:\n${body}")
    endif()
  endforeach()
  asm_body(body ${WORK}/atomics_use-i686.s use_fence)
  if(NOT body MATCHES "lock[ \t]+or" OR body MATCHES "mfence")
    string(APPEND failures "\ni686 ceshim_fence is not a locked or:\n${body}")
  endif()
endif()
if(failures)
  message(FATAL_ERROR "MSVC branches:${failures}")
endif()
message("MSVC branches: compiled for both targets; x86_64 loads/stores plain, i686 fence a locked or")
