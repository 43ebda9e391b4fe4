/*
 * echo_ioctl.h - what the echo service (ECH0:) and its clients agree on:
 * the service's own IOCTL codes. Plain CE code; shared by echo_service.c,
 * echo_client.c and psl_demo.c.
 */
#ifndef ECHO_IOCTL_H
#define ECHO_IOCTL_H

#include <windows.h>
#include <winioctl.h>

/* The instance name clients open: Prefix "ECH", Index 0 (echo_service.reg). */
#define ECHO_DEVICE_NAME L"ECH0:"

/* Function codes 0x800 and up are free for a service's own IOCTLs. */

/* in: any bytes; out: the same bytes. Out smaller than in ->
 * FALSE, ERROR_INSUFFICIENT_BUFFER. Stopped service -> ERROR_SERVICE_NOT_ACTIVE. */
#define IOCTL_ECHO_ECHO CTL_CODE(FILE_DEVICE_UNKNOWN, 0x800, METHOD_BUFFERED, FILE_ANY_ACCESS)

/* No buffers. Blocks until the handle's open context is released: by
 * IOCTL_PSL_NOTIFY (the client process died) or by ECH_PreClose/ECH_Close
 * (another thread closed the handle). Always returns FALSE with
 * ERROR_OPERATION_ABORTED. */
#define IOCTL_ECHO_WAIT CTL_CODE(FILE_DEVICE_UNKNOWN, 0x801, METHOD_BUFFERED, FILE_ANY_ACCESS)

/* out: DWORD count of IOCTL_ECHO_WAIT calls released by IOCTL_PSL_NOTIFY
 * so far; with an 8-byte buffer also the DWORD process ID of the last
 * client whose death released one (0 if none). */
#define IOCTL_ECHO_RELEASED_COUNT CTL_CODE(FILE_DEVICE_UNKNOWN, 0x802, METHOD_BUFFERED, FILE_ANY_ACCESS)

#endif /* ECHO_IOCTL_H */
