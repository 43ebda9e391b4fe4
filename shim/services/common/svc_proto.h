/*
 * svc_proto.h - how clients talk to ceservicesd.exe: the host block, the
 * connect message and the per-thread call slot (all in shared memory).
 *
 * Bitness-neutral: fixed-width fields only, no pointers or HANDLEs, so a
 * 32-bit client can use a 64-bit host and the other way round.
 *
 * Objects (<ns> = "" or "." + the CESHIM_SERVICES_INSTANCE word; <arch> =
 * "x64" or "x86": each bitness has its own host, because a service DLL
 * loads only into a process of its bitness), all under Local\ (this
 * session) with a DACL for the current user only:
 *   Local\ceshim.svc<ns>.<arch>.host     mapping: struct svc_host_block
 *   Local\ceshim.svc<ns>.<arch>.single   mutex the running host owns
 *   Local\ceshim.svc<ns>.<arch>.start    mutex clients hold while starting one
 *   Local\ceshim.svc<ns>.<arch>.ready    manual event: the host serves
 *   ceshim.svc<ns>.<arch>.connect        message queue (ceshim's own) of
 *                                       struct svc_connect_msg
 *   Local\ceshim.svc<ns>.<arch>.slot.<pid>.<tid>.<serial>[.req|.rep]
 *                                       a client thread's call slot and its
 *                                       two auto-reset events
 *
 * A call: the client fills the request and the data area, bumps req_seq
 * and sets .req only if the host worker said it sleeps; the worker runs the
 * call, writes the reply, sets done_seq = req_seq and sets .rep only if the
 * client said it sleeps. Both spin briefly before they sleep, so a busy
 * round trip makes no kernel call.
 */
#ifndef CESHIM_SVC_PROTO_H
#define CESHIM_SVC_PROTO_H

#include <stddef.h>
#include <stdint.h>

#define SVC_PROTO_VERSION 1u
#define SVC_HOST_MAGIC 0x48565343u /* "CSVH" */
#define SVC_SLOT_MAGIC 0x53565343u /* "CSVS" */
#define SVC_CONNECT_MAGIC 0x43565343u /* "CSVC" */

/* ---- the host block: Local\ceshim.svc<ns>.host, 4096 bytes ---------------- */
struct svc_host_block {
    uint32_t magic;      /*  0 SVC_HOST_MAGIC */
    uint32_t version;    /*  4 SVC_PROTO_VERSION */
    uint32_t host_pid;   /*  8 */
    uint32_t host_bits;  /* 12 32 or 64 */
    uint64_t host_start; /* 16 the host's creation time: tells hosts apart */
    uint32_t ready;      /* 24 1 once it serves */
    uint32_t reserved;   /* 28 */
};
#define SVC_HOST_BLOCK_BYTES 4096u

/* ---- the connect message: "a thread of mine has a slot for you" ------------ */
struct svc_connect_msg {
    uint32_t magic;      /*  0 SVC_CONNECT_MAGIC */
    uint32_t client_pid; /*  4 */
    uint32_t client_tid; /*  8 */
    uint32_t serial;     /* 12 which of the thread's slots */
    uint32_t main_tid;   /* 16 the client's main thread (for DEVICE_PSL_NOTIFY) */
    uint32_t reserved;   /* 20 */
    uint64_t host_start; /* 24 the host meant: a later host ignores it */
};

/* ---- the call slot ------------------------------------------------------------ */
enum svc_op {
    SVC_OP_OPEN = 1,       /* in: L"ABC0:"; arg0 access, arg1 share; out: Dll name (optional)
                              -> value handle id, value2 handle generation */
    SVC_OP_CLOSE = 2,      /* handle */
    SVC_OP_IOCTL = 3,      /* handle, code, in, out */
    SVC_OP_READ = 4,       /* handle, out -> value bytes */
    SVC_OP_WRITE = 5,      /* handle, in -> value bytes */
    SVC_OP_SEEK = 6,       /* handle, arg0 distance (int32), arg1 method -> value */
    SVC_OP_ACTIVATE = 7,   /* in: registry key name -> value service id, value2 generation */
    SVC_OP_REGISTER = 8,   /* in: L"Prefix\0Dll\0"; arg0 index, arg1 info -> service id */
    SVC_OP_DEREGISTER = 9, /* service id (handle fields) */
    SVC_OP_DEREGISTER_OPEN = 10, /* the service behind an open handle */
    SVC_OP_SERVICE_IOCTL = 11,   /* service id, code, in, out: xxx_IOControl(Init context) */
    SVC_OP_ENUM = 12,      /* out: struct svc_enum_entry[] -> value entries */
    SVC_OP_SHUTDOWN = 13,  /* the host exits after replying */
    SVC_OP_GOODBYE = 14,   /* the client thread leaves; the worker exits */
    SVC_OP_PORT = 15,      /* handle (code: SVC_PORT_HANDLE_*), arg0 SVC_PORT_*, arg1 protocol,
                              in: the SOCKADDR bytes (ServiceAddPort/ClosePort/UnbindPorts) */
    SVC_OP_DM_ACTIVATE = 16,   /* in: struct dm_activate_in ... (devmgr/dm_proto.h) -> value handle */
    SVC_OP_DM_DEACTIVATE = 17, /* handle_id slot id, handle_gen generation's low bits */
    SVC_OP_DM_LIST = 18,       /* arg0 DM_LIST_*; out: struct dm_device_rec[] -> value count */
    SVC_OP_DM_REGISTER = 19,   /* in: L"Prefix\0Dll\0"; arg0 index, arg1 dwInfo -> value handle */
    SVC_OP_MAX = 20
};

/* svc_request.arg0 of SVC_OP_PORT. */
#define SVC_PORT_ADD 1u
#define SVC_PORT_CLOSE 2u
#define SVC_PORT_UNBIND 3u
/* svc_request.code of SVC_OP_PORT: what handle_id names. */
#define SVC_PORT_HANDLE_OPEN 1u    /* an open (CreateFile) */
#define SVC_PORT_HANDLE_SERVICE 2u /* an activation handle */

/* svc_request.arg0 of SVC_OP_IOCTL / SVC_OP_SERVICE_IOCTL: the caller
 * passed NULL buffers (the service gets NULL too, not the slot's area). */
#define SVC_ARG_IN_NULL 0x1u
#define SVC_ARG_OUT_NULL 0x2u

struct svc_request {      /* at slot offset 64 */
    uint32_t op;          /*  64 enum svc_op */
    uint32_t handle_id;   /*  68 open handle or service id */
    uint32_t handle_gen;  /*  72 its generation */
    uint32_t code;        /*  76 IOCTL code */
    uint32_t in_len;      /*  80 bytes at data + 0 */
    uint32_t out_len;     /*  84 bytes at data + svc_out_offset(in_len) */
    uint32_t arg0;        /*  88 */
    uint32_t arg1;        /*  92 */
    uint64_t client_in;   /*  96 the caller's own in buffer (0: none), for */
    uint64_t client_out;  /* 104 its out buffer      CeAllocAsynchronousBuffer */
    uint32_t reserved[4]; /* 112 */
};

struct svc_reply {        /* at slot offset 128 */
    uint32_t ok;          /* 128 the call's BOOL */
    uint32_t error;       /* 132 its last error (0 when ok and none set) */
    uint32_t out_len;     /* 136 bytes written to the out area */
    uint32_t value;       /* 140 DWORD result (Read/Write/Seek, ids) */
    uint32_t value2;      /* 144 second result (generations) */
    uint32_t stopping;    /* 148 1: the host is shutting down and did not run
                                 the call; a call not bound to it (open,
                                 activate, enumerate) goes to a new host */
    uint32_t reserved[10];/* 152 */
};

struct svc_slot {
    uint32_t magic;          /*   0 SVC_SLOT_MAGIC */
    uint32_t version;        /*   4 SVC_PROTO_VERSION */
    uint32_t client_pid;     /*   8 */
    uint32_t client_tid;     /*  12 */
    uint64_t data_bytes;     /*  16 the client's idea of the data area (the host uses the mapping's) */
    volatile uint32_t req_seq;        /* 24 client: bumped per request */
    volatile uint32_t done_seq;       /* 28 host: = req_seq when the reply is written */
    volatile uint32_t host_sleeping;  /* 32 host: 1 while (about to be) waiting on .req */
    volatile uint32_t client_sleeping;/* 36 client: 1 while (about to be) waiting on .rep */
    volatile uint32_t attached;       /* 40 host: 1 once a worker serves the slot */
    uint32_t reserved[5];    /*  44 */
    struct svc_request req;  /*  64 */
    struct svc_reply rep;    /* 128 */
    uint8_t pad[64];         /* 192 */
    /* 256: the data area */
};
#define SVC_SLOT_HEADER_BYTES 256u
#define SVC_SLOT_MIN_DATA (64u * 1024u - SVC_SLOT_HEADER_BYTES)
#define SVC_SLOT_MAX_DATA (1024u * 1024u * 1024u) /* one call moves at most 1 GiB */

/* The out area follows the in area, 16-byte aligned. */
static inline uint64_t svc_out_offset(uint32_t in_len) { return ((uint64_t)in_len + 15u) & ~(uint64_t)15u; }
static inline uint64_t svc_call_bytes(uint32_t in_len, uint32_t out_len)
{
    return svc_out_offset(in_len) + out_len;
}

/* One EnumServices record in SVC_OP_ENUM's out area. */
struct svc_enum_entry {
    uint16_t prefix[6];   /*   0 L"ABC0:" */
    uint32_t state;       /*  12 SERVICE_STATE_* */
    uint16_t dll[260];    /*  16 */
};

#if defined(__cplusplus)
#define SVC_STATIC_ASSERT static_assert
#else
#define SVC_STATIC_ASSERT _Static_assert
#endif
SVC_STATIC_ASSERT(sizeof(struct svc_host_block) == 32, "host block layout");
SVC_STATIC_ASSERT(sizeof(struct svc_connect_msg) == 32, "connect message layout");
SVC_STATIC_ASSERT(sizeof(struct svc_request) == 64, "request layout");
SVC_STATIC_ASSERT(sizeof(struct svc_reply) == 64, "reply layout");
SVC_STATIC_ASSERT(offsetof(struct svc_slot, req_seq) == 24, "slot layout");
SVC_STATIC_ASSERT(offsetof(struct svc_slot, attached) == 40, "slot layout");
SVC_STATIC_ASSERT(offsetof(struct svc_slot, req) == 64, "slot layout");
SVC_STATIC_ASSERT(offsetof(struct svc_slot, rep) == 128, "slot layout");
SVC_STATIC_ASSERT(sizeof(struct svc_slot) == SVC_SLOT_HEADER_BYTES, "slot layout");
SVC_STATIC_ASSERT(sizeof(struct svc_enum_entry) == 536, "enum entry layout");

#endif /* CESHIM_SVC_PROTO_H */
