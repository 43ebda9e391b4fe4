/*
 * consumer.c - a CE monitor: waits on its message queue handle, reads every
 * reading, and stops on the producer's alert. Plain CE code.
 */
#include <windows.h>
#include <msgqueue.h>
#include <stdio.h>

#include "reading.h"

int main(void)
{
    MSGQUEUEOPTIONS opts;
    MSGQUEUEINFO info;
    HANDLE hQueue;
    BYTE buffer[sizeof(READING) + 16];
    DWORD cbRead, dwFlags, received = 0;
    BOOL running = TRUE;

    memset(&opts, 0, sizeof(opts));
    opts.dwSize = sizeof(opts);
    opts.dwFlags = SENSOR_QUEUE_FLAGS;
    opts.dwMaxMessages = SENSOR_QUEUE_DEPTH;
    opts.cbMaxMessage = sizeof(READING);
    opts.bReadAccess = TRUE;

    hQueue = CreateMsgQueue(SENSOR_QUEUE_NAME, &opts);
    if (hQueue == NULL) {
        printf("consumer: CreateMsgQueue failed, error %lu\n", GetLastError());
        return 1;
    }
    printf("consumer: waiting on queue \"%ls\"\n", SENSOR_QUEUE_NAME);
    fflush(stdout);

    while (running) {
        /* The queue handle is waitable, as on CE. */
        if (WaitForSingleObject(hQueue, 15000) != WAIT_OBJECT_0) {
            printf("consumer: nothing for 15 s, giving up\n");
            break;
        }
        while (ReadMsgQueue(hQueue, buffer, sizeof(buffer), &cbRead, 0, &dwFlags)) {
            if (dwFlags & MSGQUEUE_MSGALERT) {
                printf("consumer: alert \"%s\": stopping\n", (const char *)buffer);
                running = FALSE;
                break;
            } else if (cbRead == sizeof(READING)) {
                READING *r = (READING *)buffer;
                printf("consumer: reading %lu = %lu.%03lu C\n", r->dwSequence, r->dwMilliCelsius / 1000,
                       r->dwMilliCelsius % 1000);
                received++;
            }
        }
        if (GetLastError() == ERROR_PIPE_NOT_CONNECTED) {
            printf("consumer: the producer is gone\n");
            break;
        }
        fflush(stdout);
    }

    memset(&info, 0, sizeof(info));
    info.dwSize = sizeof(info);
    if (GetMsgQueueInfo(hQueue, &info))
        printf("consumer: %lu readings; queue held at most %lu of %lu; %u reader(s), %u writer(s) left\n",
               received, info.dwMaxQueueMessages, info.dwMaxMessages, info.wNumReaders, info.wNumWriters);
    CloseMsgQueue(hQueue);
    return received == READINGS ? 0 : 1;
}
