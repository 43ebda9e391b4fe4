/*
 * msgqueue.h - Windows CE point-to-point message queues, on desktop Win32.
 *
 * Written for ceshim from Microsoft's CE documentation; names, types, values
 * and layouts are CE's, so CE code compiles unchanged and code that defines
 * the same macros again gets identical redefinitions.
 */
#ifndef CESHIM_MSGQUEUE_H
#define CESHIM_MSGQUEUE_H

#include <windows.h>

#ifdef __cplusplus
extern "C" {
#endif

/* MSGQUEUEOPTIONS.dwFlags */
#define MSGQUEUE_NOPRECOMMIT  0x00000001
#define MSGQUEUE_ALLOW_BROKEN 0x00000002

/* WriteMsgQueue dwFlags / ReadMsgQueue *pdwFlags */
#define MSGQUEUE_MSGALERT     0x00000001

typedef struct MSGQUEUEOPTIONS_OS {
    DWORD dwSize;        /* sizeof(MSGQUEUEOPTIONS) */
    DWORD dwFlags;       /* MSGQUEUE_NOPRECOMMIT | MSGQUEUE_ALLOW_BROKEN */
    DWORD dwMaxMessages; /* 0: no limit */
    DWORD cbMaxMessage;  /* largest message, in bytes; > 0 */
    BOOL bReadAccess;    /* TRUE: read end; FALSE: write end */
} MSGQUEUEOPTIONS, FAR *LPMSGQUEUEOPTIONS, *PMSGQUEUEOPTIONS;

typedef struct MSGQUEUEINFO {
    DWORD dwSize;             /* in: sizeof(MSGQUEUEINFO) */
    DWORD dwFlags;
    DWORD dwMaxMessages;      /* 0 if unlimited */
    DWORD cbMaxMessage;
    DWORD dwCurrentMessages;  /* normal messages queued (the alert is not counted) */
    DWORD dwMaxQueueMessages; /* high-water mark */
    WORD wNumReaders;         /* open read handles, all processes */
    WORD wNumWriters;         /* open write handles, all processes */
} MSGQUEUEINFO, *PMSGQUEUEINFO, FAR *LPMSGQUEUEINFO;

#include <ceshim_api.h>

HANDLE WINAPI CreateMsgQueue(LPCWSTR lpName, LPMSGQUEUEOPTIONS lpOptions);
HANDLE WINAPI OpenMsgQueue(HANDLE hSrcProc, HANDLE hMsgQ, LPMSGQUEUEOPTIONS lpOptions);
BOOL WINAPI ReadMsgQueue(HANDLE hMsgQ, LPVOID lpBuffer, DWORD cbBufferSize,
                                    LPDWORD lpNumberOfBytesRead, DWORD dwTimeout, DWORD *pdwFlags);
BOOL WINAPI ReadMsgQueueEx(HANDLE hMsgQ, LPVOID lpBuffer, DWORD cbBufferSize,
                                      LPDWORD lpNumberOfBytesRead, DWORD dwTimeout, DWORD *pdwFlags,
                                      PHANDLE phTok);
BOOL WINAPI WriteMsgQueue(HANDLE hMsgQ, LPVOID lpBuffer, DWORD cbDataSize,
                                     DWORD dwTimeout, DWORD dwFlags);
BOOL WINAPI GetMsgQueueInfo(HANDLE hMsgQ, LPMSGQUEUEINFO lpInfo);
BOOL WINAPI CloseMsgQueue(HANDLE hMsgQ);

#ifdef __cplusplus
}
#endif

#endif /* CESHIM_MSGQUEUE_H */
