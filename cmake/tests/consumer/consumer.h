/*
 * consumer.h - the CE program that checks an installed ceshim package:
 * one executable, one command per capability, children spawned from
 * itself. Each command prints "<command>: OK ..." and returns 0, or prints
 * what went wrong and returns 1. Every wait is bounded.
 */
#ifndef CONSUMER_H
#define CONSUMER_H

#include "stdafx.h"
#include <stdio.h>

#define CHILD_BOUND_MS 30000 /* a child finishes within this */

/* Prints "<what>: <message>" and yields 1 (a command's failure). */
int fail(const char *what, const char *fmt, ...);

/* Starts this program again with `args` (e.g. "reader q.1 100"); NULL on
 * failure (printed). Close pi->hThread/hProcess when done. */
BOOL spawn_self(const char *what, const char *args, PROCESS_INFORMATION *pi);
/* Waits for the child (CHILD_BOUND_MS, then kills it); its exit code, or
 * ~0u if it had to be killed. Closes its handles. */
DWORD wait_child(PROCESS_INFORMATION *pi);

int cmd_queue(void);
int cmd_queue_reader(const char *name, unsigned count);
int cmd_service(unsigned want_bits);
int cmd_psl(unsigned want_bits);
int cmd_psl_blocker(void);
int cmd_notify(void);
int cmd_driver(unsigned want_bits);
int cmd_advertiser(const char *name);

#endif /* CONSUMER_H */
