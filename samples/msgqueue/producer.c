/*
 * producer.c - a CE sensor task: publishes temperature readings on a named
 * point-to-point message queue, then an alert telling the consumer to stop.
 * Plain CE code: nothing in it knows about ceshim.
 */
#include <windows.h>
#include <msgqueue.h>
#include <stdio.h>

#include "reading.h"

int main(void)
{
    MSGQUEUEOPTIONS opts;
    HANDLE hQueue;
    READING reading;
    DWORD i, start;

    memset(&opts, 0, sizeof(opts));
    opts.dwSize = sizeof(opts);
    opts.dwFlags = SENSOR_QUEUE_FLAGS;
    opts.dwMaxMessages = SENSOR_QUEUE_DEPTH;
    opts.cbMaxMessage = sizeof(READING);
    opts.bReadAccess = FALSE;

    hQueue = CreateMsgQueue(SENSOR_QUEUE_NAME, &opts);
    if (hQueue == NULL) {
        printf("producer: CreateMsgQueue failed, error %lu\n", GetLastError());
        return 1;
    }

    /* No reader yet: CE says ERROR_PIPE_NOT_CONNECTED. Wait for one. */
    start = GetTickCount();
    for (i = 0; i < READINGS; i++) {
        reading.dwSequence = i;
        reading.dwMilliCelsius = 21000 + (i * 137) % 900;
        reading.dwTick = GetTickCount();
        if (!WriteMsgQueue(hQueue, &reading, sizeof(reading), 5000, 0)) {
            if (GetLastError() == ERROR_PIPE_NOT_CONNECTED && GetTickCount() - start < 10000) {
                Sleep(50);
                i--;
                continue;
            }
            printf("producer: WriteMsgQueue failed, error %lu\n", GetLastError());
            CloseMsgQueue(hQueue);
            return 1;
        }
        printf("producer: sent reading %lu (%lu.%03lu C)\n", reading.dwSequence,
               reading.dwMilliCelsius / 1000, reading.dwMilliCelsius % 1000);
        fflush(stdout);
        Sleep(30);
    }

    /* An alert overtakes anything still queued. */
    if (!WriteMsgQueue(hQueue, (LPVOID)STOP_COMMAND, sizeof(STOP_COMMAND), 5000, MSGQUEUE_MSGALERT))
        printf("producer: alert failed, error %lu\n", GetLastError());
    else
        printf("producer: sent alert \"%s\"\n", STOP_COMMAND);
    fflush(stdout);
    CloseMsgQueue(hQueue);
    return 0;
}
