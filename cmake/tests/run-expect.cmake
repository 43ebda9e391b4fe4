# cmake -DEMULATOR=a|b -DPROGRAM=x.exe "-DARGS=a|b" -DEXIT=n "-DEXPECT=re1|re2" [-DENV=K=V|K=V] -P run-expect.cmake
# Runs PROGRAM (under the emulator) and requires its exit code to be EXIT and
# its stdout+stderr to match every regular expression in EXPECT.
string(REPLACE "|" ";" EMULATOR "${EMULATOR}")
string(REPLACE "|" ";" ARGS "${ARGS}")
string(REPLACE "|" ";" EXPECT "${EXPECT}")
string(REPLACE "|" ";" ENV "${ENV}")
foreach(pair IN LISTS ENV)
  string(REGEX MATCH "^([^=]+)=(.*)$" _ "${pair}")
  set(ENV{${CMAKE_MATCH_1}} "${CMAKE_MATCH_2}")
endforeach()
execute_process(COMMAND ${EMULATOR} ${PROGRAM} ${ARGS}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 120)
set(all "${out}${err}")
message("exit code ${rc}; output:\n${all}")
if(NOT rc STREQUAL "${EXIT}")
  message(FATAL_ERROR "exit code ${rc}, expected ${EXIT}")
endif()
foreach(expect IN LISTS EXPECT)
  if(NOT all MATCHES "${expect}")
    message(FATAL_ERROR "output lacks /${expect}/")
  endif()
endforeach()
message("OK")
