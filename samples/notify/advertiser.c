/*
 * advertiser.c - what a CE stream driver's loader does: announces a device
 * interface, then removes it. Plain CE code.
 */
#include <windows.h>
#include <pnp.h>
#include <stdio.h>

#include "demo.h"

int main(void)
{
    static const GUID streamClass = DEVCLASS_STREAM_GUID;
    HANDLE hListening = CreateEvent(NULL, TRUE, FALSE, DEMO_LISTENING_EVENT);

    /* Give the listener time to register (the demo runs it first). */
    WaitForSingleObject(hListening, 10000);
    CloseHandle(hListening);

    if (!AdvertiseInterface(&streamClass, DEMO_INTERFACE_NAME, TRUE)) {
        printf("advertiser: AdvertiseInterface failed, error %lu\n", GetLastError());
        return 1;
    }
    printf("advertiser: %ls advertised\n", DEMO_INTERFACE_NAME);
    fflush(stdout);
    Sleep(300);
    if (!AdvertiseInterface(&streamClass, DEMO_INTERFACE_NAME, FALSE)) {
        printf("advertiser: removing failed, error %lu\n", GetLastError());
        return 1;
    }
    printf("advertiser: %ls removed\n", DEMO_INTERFACE_NAME);
    return 0;
}
