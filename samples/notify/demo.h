/*
 * demo.h - what the notification listener and advertiser agree on.
 */
#ifndef NOTIFY_DEMO_H
#define NOTIFY_DEMO_H

/* The advertiser waits for this (named event) so the demo is not a race. */
#define DEMO_LISTENING_EVENT TEXT("NotifyDemoListening")
/* The stream interface the advertiser announces, then removes. */
#define DEMO_INTERFACE_NAME TEXT("DMO1:")

#endif
