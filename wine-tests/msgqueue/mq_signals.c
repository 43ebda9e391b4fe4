/*
 * mq_signals.c - spec 1.12's table with waits routed by ceshim.h
 * (CeShimWaitForSingleObject): every row exact.
 */
#define MQ_ROWS_SUITE mq_signals
#include "mq_signal_rows.h"
