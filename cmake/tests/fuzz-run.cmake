# cmake -DSOURCE=... -DWORK=... -DSECONDS=... -P fuzz-run.cmake
# Builds wine-tests/fuzz natively with the host's clang (libFuzzer, ASan,
# UBSan) and fuzzes the queue layout for SECONDS seconds. Any crash, leak,
# out-of-bounds access or undefined behaviour fails the test.
find_program(CLANG clang REQUIRED)
execute_process(COMMAND ${CMAKE_COMMAND} -S ${SOURCE} -B ${WORK} -G Ninja -DCMAKE_C_COMPILER=${CLANG}
                        -DCMAKE_TOOLCHAIN_FILE= RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "configuring the native fuzz build failed:\n${out}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${WORK} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "building the fuzz target failed (needs clang and libclang-rt-14-dev):\n${out}")
endif()
file(MAKE_DIRECTORY ${WORK}/corpus)
execute_process(COMMAND ${WORK}/mq_layout_fuzz -max_total_time=${SECONDS} -max_len=70000 -seed=1
                        -print_final_stats=1 ${WORK}/corpus
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
string(REGEX MATCH "stat::number_of_executed_units: *[0-9]+" runs "${out}")
message("${runs}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the fuzzer found a defect:\n${out}")
endif()
