/*
 * mq_signals_unrouted.c - spec 1.12's table with plain Win32 waits: this
 * file is compiled with CESHIM_NO_ROUTING (see CMakeLists.txt), as CE code
 * that opts out of ceshim.h's routing is.
 */
#ifndef CESHIM_NO_ROUTING
#error "compile mq_signals_unrouted.c with CESHIM_NO_ROUTING"
#endif
#define MQ_ROWS_SUITE mq_signals_unrouted
#include "mq_signal_rows.h"
