# cmake -DEMULATOR=... -DPROGRAM=... -DWORD=... -DLOG=<file> -P svc-pipe-close.cmake
#
# A client run the way CI runners and `tee` run it: its stdout and stderr
# are one pipe, read to its end. The client starts its session's services
# host (CESHIM_SERVICES_INSTANCE gives it a fresh one); the pipe must end
# when the client exits, while the host runs on. Under Wine the host
# inherits the client's Unix stderr unless it lets go of it, and then the
# read below lasts as long as the host (an instance host exits 15 s after
# its last client; the session's host never).
cmake_minimum_required(VERSION 3.16)
string(REPLACE "|" ";" EMULATOR "${EMULATOR}")
# A fresh host each run: the word gets a random tail.
string(RANDOM LENGTH 8 tail)
set(ENV{CESHIM_SERVICES_INSTANCE} "${WORD}-${tail}")
set(bound 60)
# The host's log goes to a file when asked (Wine: the Unix root is Z:).
file(REMOVE "${LOG}")
set(ENV{CESHIM_SERVICES_LOG} "Z:${LOG}")

string(TIMESTAMP t0 "%s")
# OUTPUT_VARIABLE and ERROR_VARIABLE the same: one pipe for both streams,
# read until every writer has closed it (or the bound).
execute_process(
  COMMAND ${EMULATOR} ${PROGRAM} --cetest-child=pipe_client
  RESULT_VARIABLE rc
  OUTPUT_VARIABLE out
  ERROR_VARIABLE out
  TIMEOUT ${bound})
string(TIMESTAMP t1 "%s")
math(EXPR took "${t1} - ${t0}")
message("client's output (${took} s, exit ${rc}):\n${out}")

# Whatever happened, the host is checked and shut down. Its own output is
# left to files: it must not hang on anything either.
execute_process(
  COMMAND ${EMULATOR} ${PROGRAM} --cetest-child=pipe_host_check
  RESULT_VARIABLE check_rc
  OUTPUT_VARIABLE check_out
  ERROR_VARIABLE check_out
  TIMEOUT ${bound})
message("host check (exit ${check_rc}):\n${check_out}")

# CETEST_CHILD_PASSED is 0x600D; a Unix exit status keeps its low byte.
set(passed 24589 13)
if(NOT rc IN_LIST passed)
  message(FATAL_ERROR "the client's pipe did not end within ${bound} s, or the client failed (${rc})")
endif()
if(NOT out MATCHES "pipe_client: host pid [0-9]+ on stdout" OR NOT out MATCHES "pipe_client: and a line on stderr")
  message(FATAL_ERROR "the pipe lacks the client's stdout or stderr line")
endif()
if(NOT check_rc IN_LIST passed)
  message(FATAL_ERROR "the pipe ended ${took} s after the start, but the host was not running then: it held the pipe until it exited")
endif()
set(log "")
if(EXISTS "${LOG}")
  file(READ "${LOG}" log)
endif()
message("host log:\n${log}")
if(NOT log MATCHES "ceservicesd\\[[0-9]+\\]: serving")
  message(FATAL_ERROR "the host's log (CESHIM_SERVICES_LOG=Z:${LOG}) lacks its 'serving' line")
endif()
message("OK: the client's stdout+stderr pipe ended after ${took} s; the host ran on and was shut down")
