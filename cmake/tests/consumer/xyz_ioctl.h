/*
 * xyz_ioctl.h - what the XYZ service (XYZ0:) and its clients agree on.
 * Plain CE code, shared by xyz_service.c and the consumer program.
 */
#ifndef XYZ_IOCTL_H
#define XYZ_IOCTL_H

#include <windows.h>
#include <winioctl.h>

#define XYZ_DEVICE L"XYZ0:"

/* in: any bytes; out: the same bytes. */
#define IOCTL_XYZ_ECHO CTL_CODE(FILE_DEVICE_UNKNOWN, 0x900, METHOD_BUFFERED, FILE_ANY_ACCESS)
/* No buffers. Blocks until the handle is released (IOCTL_PSL_NOTIFY,
 * PreClose/Close, Deinit) or 60 s pass; FALSE, ERROR_OPERATION_ABORTED
 * (ERROR_TIMEOUT after 60 s). */
#define IOCTL_XYZ_BLOCK CTL_CODE(FILE_DEVICE_UNKNOWN, 0x901, METHOD_BUFFERED, FILE_ANY_ACCESS)
/* in: XYZ_EMBEDDED naming a buffer of the caller's; the driver fills it
 * with 0x5A through MapCallerPtr, as CE code reaches a pointer inside the
 * caller's structure. */
#define IOCTL_XYZ_FILL_EMBEDDED CTL_CODE(FILE_DEVICE_UNKNOWN, 0x903, METHOD_BUFFERED, FILE_ANY_ACCESS)

typedef struct {
    BYTE *data;
    DWORD size;
} XYZ_EMBEDDED;

/* out: XYZ_STATE. */
#define IOCTL_XYZ_STATE CTL_CODE(FILE_DEVICE_UNKNOWN, 0x902, METHOD_BUFFERED, FILE_ANY_ACCESS)

typedef struct {
    DWORD blocked;       /* IOCTL_XYZ_BLOCK calls in progress */
    DWORD releasedByPsl; /* IOCTL_XYZ_BLOCK calls ended by IOCTL_PSL_NOTIFY */
    DWORD lastPslPid;    /* DEVICE_PSL_NOTIFY.hProc of the last one (a process ID) */
    DWORD hostBits;      /* 32 or 64: the services host the DLL runs in */
    DWORD hostPid;
} XYZ_STATE;

#endif /* XYZ_IOCTL_H */
