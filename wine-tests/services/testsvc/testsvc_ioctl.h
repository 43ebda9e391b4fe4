/*
 * testsvc_ioctl.h - the test services' contract with the tests that drive
 * them: IOCTL codes, their buffers, the hooks and the counters.
 *
 * One source (testsvc.c) is built as eight DLLs, tsa.dll ... tsh.dll, with
 * prefixes TSA ... TSH and identical behaviour, so tests running in
 * parallel never share a service. The counters (TSVC_STATS) are statics of
 * the DLL, so they count what the services host did, whichever handle
 * reads them; they start from zero each time the host loads the DLL.
 */
#ifndef TESTSVC_IOCTL_H
#define TESTSVC_IOCTL_H

#include <windows.h>
#include <winioctl.h>

#define TSVC_CODE(n) CTL_CODE(FILE_DEVICE_UNKNOWN, 0x900 + (n), METHOD_BUFFERED, FILE_ANY_ACCESS)

/* in: bytes; out: the same bytes, *pdwActualOut = in length, TRUE.
 * Out smaller than in: FALSE, ERROR_INSUFFICIENT_BUFFER, nothing copied,
 * *pdwActualOut = in length (the size needed). */
#define TSVC_ECHO TSVC_CODE(0)

/* in: struct tsvc_fill; out: min(count, dwLenOut) bytes of value,
 * *pdwActualOut = that many (count 0xFFFFFFFF: the whole out buffer). */
#define TSVC_FILL TSVC_CODE(1)
struct tsvc_fill {
    DWORD count;
    BYTE value;
    BYTE reserved[3];
};
#define TSVC_FILL_MIN_IN 5 /* count and value; the padding may be left off */

/* in: bytes; out: DWORD sum of the bytes mod 2^32, *pdwActualOut = 4. */
#define TSVC_SUM TSVC_CODE(2)

/* in: DWORD error code; SetLastError(code), FALSE. */
#define TSVC_FAIL TSVC_CODE(3)

/* out: struct tsvc_caller (8 bytes): who the service sees calling. */
#define TSVC_CALLER TSVC_CODE(4)
struct tsvc_caller {
    DWORD caller_pid;        /* (DWORD)GetCallerProcess() */
    DWORD direct_caller_pid; /* GetDirectCallerProcessId() */
};

/* in: optional DWORD timeout in ms (default and maximum 60000). Blocks
 * until released; needs a real open context (a handle from CreateFile):
 *   TSVC_RELEASE_ALL                      -> TRUE
 *   IOCTL_PSL_NOTIFY for this open        -> FALSE, ERROR_OPERATION_ABORTED (counted in released_by_psl)
 *   xxx_PreClose / xxx_Close of this open -> FALSE, ERROR_OPERATION_ABORTED (released_by_close)
 *   xxx_PreDeinit / xxx_Deinit            -> FALSE, ERROR_OPERATION_ABORTED
 *   the timeout                           -> FALSE, ERROR_TIMEOUT (block_timeouts)
 * An open already released by PSL notify or PreClose returns at once. */
#define TSVC_BLOCK TSVC_CODE(5)

/* Wake every TSVC_BLOCK blocked now (any open). out: optional DWORD, how
 * many were blocked. */
#define TSVC_RELEASE_ALL TSVC_CODE(6)

/* out: struct tsvc_stats; smaller out -> FALSE, ERROR_INSUFFICIENT_BUFFER. */
#define TSVC_STATS TSVC_CODE(7)

/* in: DWORD; nonzero: IOCTL_SERVICE_QUERY_CAN_DEINIT refuses (out DWORD 0). */
#define TSVC_SET_REFUSE_DEINIT TSVC_CODE(8)

/* Beyond the brief, for timing and host-death tests: */
/* in: DWORD ms (at most 60000); sleeps, TRUE. */
#define TSVC_SLEEP TSVC_CODE(9)
/* in: DWORD exit code; terminates the process the DLL lives in (the host). */
#define TSVC_EXIT_HOST TSVC_CODE(10)
/* out: struct tsvc_whoami: the open context the host passed for this handle. */
#define TSVC_WHOAMI TSVC_CODE(11)
struct tsvc_whoami {
    DWORD open_context; /* dwOpen as received (1..TSVC_MAX_OPENS for a handle) */
    DWORD opener_pid;   /* caller of the xxx_Open that made it (0: not an open context) */
};

/* out: struct tsvc_host: the process the DLL runs in. */
#define TSVC_HOST TSVC_CODE(12)
struct tsvc_host {
    DWORD host_pid;     /* GetCurrentProcessId() inside the host */
    DWORD pointer_bits; /* 32 or 64: the DLL's (and so the host's) bitness */
};

struct tsvc_stats {
    DWORD inits;             /* xxx_Init calls (failed ones too) */
    DWORD deinits;           /* xxx_Deinit calls */
    DWORD opens;             /* xxx_Open calls that succeeded */
    DWORD closes;            /* xxx_Close calls on a valid open context */
    DWORD preclose;          /* xxx_PreClose calls on a valid open context */
    DWORD psl_notifies;      /* well-formed IOCTL_PSL_NOTIFY on a valid open context */
    DWORD psl_bad;           /* IOCTL_PSL_NOTIFY with a wrong length, dwSize or dwFlags */
    DWORD blocked_now;       /* TSVC_BLOCK calls blocked at this moment */
    DWORD released_by_psl;   /* TSVC_BLOCK calls ended by IOCTL_PSL_NOTIFY */
    DWORD last_psl_pid;      /* DEVICE_PSL_NOTIFY.hProc of the last good notify */
    DWORD last_open_access;  /* dwAccess of the last xxx_Open */
    DWORD last_open_share;   /* dwShareMode of the last xxx_Open */
    DWORD last_init_context; /* dwData of the last xxx_Init */
    DWORD init_thread_id;    /* thread of the last xxx_Init */
    DWORD deinit_thread_id;  /* thread of the last xxx_Deinit */
    /* beyond the brief */
    DWORD predeinits;          /* xxx_PreDeinit calls */
    DWORD open_now;            /* open contexts not yet closed */
    DWORD open_refused;        /* xxx_Open calls failed on purpose (TSVC_OPEN_FAIL_ACCESS) */
    DWORD bad_contexts;        /* calls with an unknown or already closed open context */
    DWORD bytes_written;       /* sum of xxx_Write lengths */
    DWORD bytes_read;          /* sum of xxx_Read lengths */
    DWORD last_deinit_context; /* dwData of the last xxx_Deinit */
    DWORD last_open_data;      /* dwData of the last xxx_Open (an xxx_Init result) */
    DWORD last_psl_context;    /* open context of the last good IOCTL_PSL_NOTIFY */
    DWORD last_psl_flags;      /* its DEVICE_PSL_NOTIFY.dwFlags */
    DWORD last_psl_tid;        /* its DEVICE_PSL_NOTIFY.hThread */
    DWORD released_by_close;   /* TSVC_BLOCK calls ended by PreClose/Close/PreDeinit/Deinit */
    DWORD released_by_all;     /* TSVC_BLOCK calls ended by TSVC_RELEASE_ALL */
    DWORD block_timeouts;      /* TSVC_BLOCK calls ended by their timeout */
    DWORD can_deinit_queries;  /* IOCTL_SERVICE_QUERY_CAN_DEINIT calls */
    /* super-service ports (loaded with SERVICE_INIT_STOPPED) */
    DWORD sockaddr_probes;      /* IOCTL_SERVICE_REGISTER_SOCKADDR with no address */
    DWORD sockaddr_registers;   /* ... with an address */
    DWORD last_port;            /* its port (host order; AF_INET and AF_INET6) */
    DWORD sockaddr_deregisters; /* IOCTL_SERVICE_DEREGISTER_SOCKADDR with an address */
    DWORD deregister_all;       /* ... with none (all ports) */
    DWORD started;              /* IOCTL_SERVICE_STARTED */
    DWORD connections;          /* IOCTL_SERVICE_CONNECTION: each gets TSVC_GREETING, then closed */
};

/* What a connection to a test service's port receives before it is closed. */
#define TSVC_GREETING "testsvc hello"

/* in: DWORD; nonzero: IOCTL_SERVICE_REGISTER_SOCKADDR with an address
 * returns FALSE (the service refuses the port). */
#define TSVC_SET_REFUSE_PORTS TSVC_CODE(13)

/* Test hooks and constants. */
#define TSVC_INIT_FAIL_CONTEXT 0xDEADu     /* xxx_Init(this) returns 0 */
#define TSVC_INIT_RESULT_BASE 0x75C00000u  /* xxx_Init returns BASE + its call number (1, 2, ...) */
#define TSVC_OPEN_FAIL_ACCESS 0x12345678u  /* xxx_Open with this dwAccess: 0, ERROR_ACCESS_DENIED */
#define TSVC_SEEK_OFFSET 1000              /* xxx_Seek returns pos + this (type > 2: ERROR_INVALID_PARAMETER) */
#define TSVC_MAX_OPENS 1024                /* open contexts at once; more: ERROR_TOO_MANY_OPEN_FILES */
#define TSVC_BLOCK_MAX_MS 60000            /* TSVC_BLOCK's safety timeout */
#define TSVC_HELP_TEXT L"tsvc help"        /* IOCTL_SERVICE_COMMAND_LINE_HELP output (with its NUL) */

/* xxx_Read fills byte i with TSVC_READ_BYTE(i). */
#define TSVC_READ_BYTE(i) ((BYTE)((i) & 0xff))

#endif /* TESTSVC_IOCTL_H */
