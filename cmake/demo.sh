#!/bin/sh
# cmake/demo.sh BUILD_DIR - runs the samples under Wine (or natively on
# Windows shells), with a line of explanation before each.
set -eu
build=$1
bin=$build/bin
prefix=$build/wineprefix
run() { "$(dirname "$0")/wine-run.sh" "$prefix" "$@"; }

"$(dirname "$0")/wine-session.sh" start "$prefix" >/dev/null
trap '"$(dirname "$0")/wine-session.sh" stop "$prefix" >/dev/null' EXIT

printf '\n--- ceshim: which build, where it runs\n'
run "$bin/hello.exe"

printf '\n--- message queues: a CE producer and consumer, two processes\n'
run "$bin/mq_consumer.exe" &
consumer=$!
run "$bin/mq_producer.exe"
wait $consumer

printf '\n--- device notifications: a CE listener and an advertiser, two processes\n'
run "$bin/notify_listener.exe" &
listener=$!
run "$bin/notify_advertiser.exe"
wait $listener

printf '\n--- services: a CE echo service in ceservicesd.exe, reached with CreateFile + DeviceIoControl\n'
echo "(registering it as CE does: wine reg import echo_service.reg /reg:64 -> HKCU\\Services\\EchoService)"
reg_file="Z:$(cd "$bin" && pwd | tr / '\\')\\echo_service.reg"
run reg import "$reg_file" /reg:64
run "$bin/echo_client.exe"

printf '\n--- IOCTL_PSL_NOTIFY: a client killed while blocked in the service is released\n'
run "$bin/psl_demo.exe"

printf '\n--- stream drivers: a CE pipe driver loaded by ActivateDevice into ceservicesd.exe, joining two processes\n'
echo "(describing it as CE does: wine reg import pipe_driver.reg /reg:64 -> HKCU\\Drivers\\SamplePipe)"
reg_file="Z:$(cd "$bin" && pwd | tr / '\\')\\pipe_driver.reg"
run reg import "$reg_file" /reg:64
run "$bin/pipe_client.exe"

printf '\n--- ceservices list (CE'"'"'s services command line)\n'
run "$bin/ceservices.exe" list
run "$bin/ceservices.exe" shutdown

printf '\n--- the same calls traced (CESHIM_TRACE=1), producer side, first lines\n'
run "$bin/mq_consumer.exe" >/dev/null &
consumer=$!
trace=$build/demo-trace.log
CESHIM_TRACE=1 run "$bin/mq_producer.exe" 2>"$trace" >/dev/null
wait $consumer
head -n 3 "$trace"
echo "... ($(wc -l <"$trace") lines in all)"
