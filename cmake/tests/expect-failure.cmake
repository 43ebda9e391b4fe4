# cmake -DEMULATOR=... -DPROGRAM=... -P expect-failure.cmake
string(REPLACE "|" ";" EMULATOR "${EMULATOR}")

# Runs the harness's must-fail test and checks that the run failed and said
# where and why (file:line, the expression, actual and expected values).
execute_process(
  COMMAND ${EMULATOR} ${PROGRAM} --cetest-selfcheck-failures
          --gtest_filter=harness.failing_check_fails_the_run
  RESULT_VARIABLE rc
  OUTPUT_VARIABLE out
  ERROR_VARIABLE err
  TIMEOUT 50)
set(all "${out}${err}")
message("${all}")
if(rc EQUAL 0)
  message(FATAL_ERROR "a failing check did not fail the run (exit code 0)")
endif()
foreach(expect
    "harness_selftest\\.c[:(][0-9]+"
    "check failed: 1 \\+ 1 == 3"
    "actual: +2 \\(0x2\\)"
    "expected: +3 \\(0x3\\)"
    "FAILED.*harness\\.failing_check_fails_the_run")
  if(NOT all MATCHES "${expect}")
    message(FATAL_ERROR "output of the failing run lacks /${expect}/")
  endif()
endforeach()
message("OK: the failing check failed the run (exit code ${rc}) and reported itself")
