/* reading.h - what the sample producer sends its consumer. */
#ifndef READING_H
#define READING_H

#include <windows.h>

#define SENSOR_QUEUE_NAME L"SensorReadings"
#define READINGS 10
#define STOP_COMMAND "STOP"

/* Both ends ask for the same queue: whichever process starts first creates
 * it, and on CE the creator's options are the ones that hold. ALLOW_BROKEN
 * keeps what was sent when the producer leaves before the consumer reads. */
#define SENSOR_QUEUE_FLAGS MSGQUEUE_ALLOW_BROKEN
#define SENSOR_QUEUE_DEPTH 4

typedef struct {
    DWORD dwSequence;
    DWORD dwMilliCelsius;
    DWORD dwTick;
} READING;

#endif
