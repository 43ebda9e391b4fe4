/*
 * tdrv_ioctl.h - what the devmgr tests ask their stream driver (tdrv.c).
 */
#ifndef TDRV_IOCTL_H
#define TDRV_IOCTL_H

#include <windows.h>
#include <winioctl.h>
#include <devload.h>

#define TDRV_DEVICE 0x8123
/* out: struct tdrv_info (what XXX_Init saw). */
#define TDRV_INFO CTL_CODE(TDRV_DEVICE, 0x801, METHOD_BUFFERED, FILE_ANY_ACCESS)
/* out: DWORD, how many IOCTL_PSL_NOTIFY the driver got. */
#define TDRV_PSL_COUNT CTL_CODE(TDRV_DEVICE, 0x802, METHOD_BUFFERED, FILE_ANY_ACCESS)
/* out: DWORD, how many calls are blocked in Read now. */
#define TDRV_BLOCKED CTL_CODE(TDRV_DEVICE, 0x803, METHOD_BUFFERED, FILE_ANY_ACCESS)

/* The driver deactivates itself from a thread of its own, as PipeDev does:
 * reads Hnd from its Active key, DeactivateDevice(Hnd), and writes the
 * result and error (two DWORDs) to HKCU\TDRV_SELF_KEY, value "Result". */
#define TDRV_SELF_DEACTIVATE CTL_CODE(TDRV_DEVICE, 0x804, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define TDRV_SELF_KEY L"Software\\ceshim\\tdrv_self"
/* The same from inside IOControl itself: out = the result and error. */
#define TDRV_SELF_DEACTIVATE_INLINE CTL_CODE(TDRV_DEVICE, 0x80B, METHOD_BUFFERED, FILE_ANY_ACCESS)
/* From inside XXX_Close of this open, later: the result goes to
 * HKCU\TDRV_SELF_KEY as for TDRV_SELF_DEACTIVATE. */
#define TDRV_SELF_DEACTIVATE_ON_CLOSE CTL_CODE(TDRV_DEVICE, 0x80C, METHOD_BUFFERED, FILE_ANY_ACCESS)

/* Embedded pointers: in = struct tdrv_embedded naming the caller's own
 * buffer; the driver reaches it per `mode` (TDRV_EMB_*). */
#define TDRV_EMBEDDED CTL_CODE(TDRV_DEVICE, 0x805, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define TDRV_EMB_MAP 0u       /* MapCallerPtr twice (same shadow), byte i = 0xA0 + i */
#define TDRV_EMB_OPEN 1u      /* CeOpenCallerBuffer(ARG_IO_PTR), each byte + 1, CeCloseCallerBuffer */
#define TDRV_EMB_PROCESS 2u   /* MapPtrToProcess(GetCallerProcess()), first DWORD = 0x600D */
#define TDRV_EMB_FIRST 3u     /* MapCallerPtr(pBufOut) is pBufOut; the out buffer filled with 0x77 */
struct tdrv_embedded {
    unsigned long long ptr; /* the caller's address, fixed-width for either bitness */
    DWORD len;
    DWORD mode;
};

/* Asynchronous buffers (CE 6.0), one kept buffer per driver DLL.
 * TDRV_ASYNC_KEEP: in = struct tdrv_embedded; the driver keeps a buffer
 * with CeAllocAsynchronousBuffer and returns:
 *   TDRV_KEEP_EMBEDDED  ptr/len through CeOpenCallerBuffer(ARG_IO_PTR)
 *   TDRV_KEEP_OUT       pBufOut (out[0] = 0x5E written before keeping)
 *   TDRV_KEEP_OUT_NOW   as OUT, and a driver thread fills it with 0xC3 and
 *                       flushes before IOControl returns
 * TDRV_ASYNC_FILL: in = struct tdrv_fill; a driver thread fills the kept
 * buffer with `value` after `delay_ms` and flushes (flush_only: flushes
 * without writing); with delay 0 the call waits and out = DWORD HRESULT.
 * TDRV_ASYNC_FREE: CeFreeAsynchronousBuffer; out = DWORD HRESULT, then
 * DWORD HRESULT of the last delayed fill. The driver keeps the freed
 * pointers, so a later flush_only FILL flushes a buffer no longer kept. */
#define TDRV_ASYNC_KEEP CTL_CODE(TDRV_DEVICE, 0x806, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define TDRV_ASYNC_FILL CTL_CODE(TDRV_DEVICE, 0x807, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define TDRV_ASYNC_FREE CTL_CODE(TDRV_DEVICE, 0x808, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define TDRV_KEEP_EMBEDDED 0u
#define TDRV_KEEP_OUT 1u
#define TDRV_KEEP_OUT_NOW 2u
struct tdrv_fill {
    DWORD value;
    DWORD delay_ms;
    DWORD flush_only;
};

/* A big embedded buffer (in = struct tdrv_embedded; mode TDRV_EMB_MAP or
 * TDRV_EMB_OPEN): the driver maps all of it, adds 1 to every byte, and
 * the host writes it back - a long copy in and out of the caller.
 * TDRV_BIG_COUNT: out = DWORD, how many such calls have started. */
#define TDRV_BIG_TOUCH CTL_CODE(TDRV_DEVICE, 0x809, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define TDRV_BIG_COUNT CTL_CODE(TDRV_DEVICE, 0x80A, METHOD_BUFFERED, FILE_ANY_ACCESS)

/* Many short looks at the caller's memory (in = struct tdrv_embedded, mode
 * = how many rounds): each round CeOpenCallerBuffer(ARG_I_PTR) and
 * CeCloseCallerBuffer on ptr/len, until the rounds are done or the caller
 * is gone. Most of such a call is the host asking about the caller's
 * memory, so a kill lands in one of those questions.
 * TDRV_PROBE_ACTIVE: out = DWORD, how many such calls are running now. */
#define TDRV_PROBE_LOOP CTL_CODE(TDRV_DEVICE, 0x80D, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define TDRV_PROBE_ACTIVE CTL_CODE(TDRV_DEVICE, 0x80E, METHOD_BUFFERED, FILE_ANY_ACCESS)

/* Fixed-width: a 32-bit test may read a 64-bit driver's answer. */
struct tdrv_info {
    WCHAR active[64];     /* XXX_Init's first argument */
    WCHAR name[16];       /* the Active key's Name ("" if absent) */
    WCHAR full_name[16];  /* FullName */
    WCHAR key[128];       /* Key */
    DWORD hnd;            /* Hnd */
    DWORD client_info;    /* ClientInfo */
    DWORD regini_value;   /* the REGINI value "TestValue" (0 if absent) */
    DWORD naked;          /* 1 in the naked-entries build */
    unsigned long long param; /* XXX_Init's second argument */
    DWORD open_access;    /* this open's AccessCode */
    WCHAR key_prefix[8];  /* Prefix read through OpenDeviceKey(activeKey) */
    DWORD reserved;
};

#endif /* TDRV_IOCTL_H */
