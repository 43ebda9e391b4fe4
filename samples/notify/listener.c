/*
 * listener.c - a CE device-notification listener: asks for stream
 * interface notifications on its message queue, prints each DEVDETAIL,
 * and stops once the demo interface is removed. Plain CE code.
 */
#include <windows.h>
#include <msgqueue.h>
#include <pnp.h>
#include <stdio.h>

#include "demo.h"

int main(void)
{
    static const GUID streamClass = DEVCLASS_STREAM_GUID;
    union {
        DEVDETAIL d;
        BYTE bytes[sizeof(DEVDETAIL) + MAX_DEVCLASS_NAMELEN * sizeof(TCHAR)];
    } msg;
    MSGQUEUEOPTIONS opts;
    HANDLE hQueue, hNotify, hListening;
    DWORD cbRead, dwFlags;
    BOOL running = TRUE;

    memset(&opts, 0, sizeof(opts));
    opts.dwSize = sizeof(opts);
    opts.dwFlags = MSGQUEUE_NOPRECOMMIT;
    opts.dwMaxMessages = 0;
    opts.cbMaxMessage = sizeof(msg);
    opts.bReadAccess = TRUE;
    hQueue = CreateMsgQueue(NULL, &opts);
    if (hQueue == NULL) {
        printf("listener: CreateMsgQueue failed, error %lu\n", GetLastError());
        return 1;
    }
    /* fAll = TRUE: interfaces that already exist are reported at once. */
    hNotify = RequestDeviceNotifications(&streamClass, hQueue, TRUE);
    if (hNotify == NULL) {
        printf("listener: RequestDeviceNotifications failed, error %lu\n", GetLastError());
        return 1;
    }
    printf("listener: waiting for stream interfaces %ls\n", DEVCLASS_STREAM_STRING);
    fflush(stdout);
    hListening = CreateEvent(NULL, TRUE, FALSE, DEMO_LISTENING_EVENT);
    SetEvent(hListening);

    while (running) {
        if (WaitForSingleObject(hQueue, 15000) != WAIT_OBJECT_0) {
            printf("listener: nothing for 15 s, giving up\n");
            break;
        }
        while (ReadMsgQueue(hQueue, &msg, sizeof(msg), &cbRead, 0, &dwFlags)) {
            printf("listener: %ls %s (%lu bytes, cbName %d)\n", msg.d.szName,
                   msg.d.fAttached ? "attached" : "removed", cbRead, msg.d.cbName);
            if (!msg.d.fAttached && wcscmp(msg.d.szName, DEMO_INTERFACE_NAME) == 0)
                running = FALSE;
        }
        fflush(stdout);
    }

    StopDeviceNotifications(hNotify);
    CloseMsgQueue(hQueue);
    CloseHandle(hListening);
    return running ? 1 : 0;
}
