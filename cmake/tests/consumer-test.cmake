# Installs the ceshim build in BUILD_DIR into WORK_DIR/prefix, builds the
# consumer project against that prefix only, and runs it.
string(REPLACE "|" ";" EMULATOR "${EMULATOR}")
file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}\n${out}\n${err}")
  endif()
  set(last_output "${out}${err}" PARENT_SCOPE)
endfunction()

run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})
foreach(f bin/ceshim.dll include/ceshim/ceshim.h include/ceshim/msgqueue.h
          lib/cmake/CeShim/CeShimConfig.cmake lib/cmake/CeShim/CeShimTargets.cmake)
  if(NOT EXISTS ${prefix}/${f})
    message(FATAL_ERROR "installed package lacks ${f}")
  endif()
endforeach()

set(configure ${CMAKE_COMMAND} -S ${CONSUMER_SOURCE} -B ${WORK_DIR}/build -G ${GENERATOR}
    -DCMAKE_PREFIX_PATH=${prefix}
    -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
    -DCMAKE_BUILD_TYPE=Release)
if(TOOLCHAIN)
  list(APPEND configure -DCMAKE_TOOLCHAIN_FILE=${TOOLCHAIN})
else()
  list(APPEND configure -DCMAKE_C_COMPILER=${C_COMPILER})
endif()
run(${configure})
run(${CMAKE_COMMAND} --build ${WORK_DIR}/build)

# Where did CeShim come from? It must be the installed prefix.
file(STRINGS ${WORK_DIR}/build/CMakeCache.txt dir_line REGEX "^CeShim_DIR:")
if(NOT dir_line MATCHES "${prefix}")
  message(FATAL_ERROR "consumer found CeShim outside the installed prefix: ${dir_line}")
endif()

# Run it with the installed DLL beside it, as a user would deploy it.
file(GLOB exe ${WORK_DIR}/build/*.exe)
get_filename_component(exe_dir ${exe} DIRECTORY)
file(COPY ${prefix}/bin/ceshim.dll DESTINATION ${exe_dir})
run(${EMULATOR} ${exe})
message("${last_output}")
if(NOT last_output MATCHES "ce_consumer: OK")
  message(FATAL_ERROR "consumer did not report OK")
endif()
