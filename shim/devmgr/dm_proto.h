/*
 * dm_proto.h - the device manager's part of the services host protocol
 * (svc_proto.h): the activation request and the activation handle value.
 *
 * An activation handle (ActivateDevice's result, the Active key's Hnd) is
 * a value, not a kernel handle: any process of the session may pass it to
 * DeactivateDevice (the driver itself in the host, another application
 * that found it with FindFirstDevice), so it names the host's bitness, the
 * driver's slot and its generation. It is odd (kernel handles are
 * multiples of 4) and below 2^32 (CE drivers keep it in a DWORD).
 *   bit 0 = 1, bit 1 = 64-bit host, bits 2..10 slot id (1..256),
 *   bits 11..27 low bits of the generation, bit 28 = 1.
 */
#ifndef CESHIM_DM_PROTO_H
#define CESHIM_DM_PROTO_H

#include <stdint.h>

#define DM_HANDLE_TAG 0x10000001u
#define DM_HANDLE_TAG_MASK 0xF0000001u
#define DM_HANDLE_GEN_BITS 17u
#define DM_HANDLE_GEN_MASK ((1u << DM_HANDLE_GEN_BITS) - 1u)

static inline uint32_t dm_handle_encode(uint32_t bits, uint32_t id, uint32_t gen)
{
    return DM_HANDLE_TAG | ((gen & DM_HANDLE_GEN_MASK) << 11) | ((id & 0x1FFu) << 2) | (bits == 64 ? 2u : 0u);
}

/* FALSE if v is not an activation handle value. */
static inline int dm_handle_decode(uint64_t v, uint32_t *bits, uint32_t *id, uint32_t *gen_low)
{
    if (v > 0xFFFFFFFFu || ((uint32_t)v & DM_HANDLE_TAG_MASK) != DM_HANDLE_TAG)
        return 0;
    *bits = (v & 2u) ? 64u : 32u;
    *id = ((uint32_t)v >> 2) & 0x1FFu;
    *gen_low = ((uint32_t)v >> 11) & DM_HANDLE_GEN_MASK;
    return 1;
}

/* SVC_OP_DM_ACTIVATE's in area: this header, the key (key_chars WCHARs,
 * NUL included), then `count` REGINI records, each 4-byte aligned:
 * struct dm_regini_rec, the value name (name_chars WCHARs with NUL), the
 * data (data_len bytes). -> reply value: the activation handle value. */
struct dm_activate_in {
    uint32_t key_chars;   /*  0 */
    uint32_t count;       /*  4 REGINI records */
    uint32_t client_info; /*  8 ActivateDevice's dwClientInfo */
    uint32_t reserved;    /* 12 */
    uint64_t param;       /* 16 ActivateDeviceEx's lpvParam, a client address */
};

struct dm_regini_rec {
    uint32_t name_chars;
    uint32_t type;
    uint32_t data_len;
    uint32_t reserved;
};

/* SVC_OP_DM_LIST's arg0: which drivers. */
#define DM_LIST_ALL 0u    /* every driver of the host */
#define DM_LIST_OPEN 1u   /* the driver behind open (handle_id, handle_gen) of the caller */
#define DM_LIST_HANDLE 2u /* the driver of activation handle (handle_id, handle_gen low bits) */
#define DM_LIST_MAX 256u
#define DM_GUIDS_MAX 4u

/* One driver in SVC_OP_DM_LIST's out area. */
struct dm_device_rec {
    uint32_t handle;        /*   0 activation handle value */
    uint32_t guid_count;    /*   4 IClass GUIDs in guids */
    uint16_t legacy[6];     /*   8 L"ABC1:" or L"" */
    uint16_t full[16];      /*  20 L"ABC1" / L"ABC12" or L"" (FullName) */
    uint16_t key[256];      /*  52 the device key as activated */
    uint8_t guids[DM_GUIDS_MAX][16]; /* 564 */
    uint32_t opens;         /* 628 open handles now */
};

#define DM_ALIGN4(n) (((n) + 3u) & ~(uint64_t)3u)

#if defined(__cplusplus)
static_assert(sizeof(struct dm_activate_in) == 24, "activate layout");
static_assert(sizeof(struct dm_regini_rec) == 16, "regini record layout");
static_assert(sizeof(struct dm_device_rec) == 632, "device record layout");
#else
_Static_assert(sizeof(struct dm_activate_in) == 24, "activate layout");
_Static_assert(sizeof(struct dm_regini_rec) == 16, "regini record layout");
_Static_assert(sizeof(struct dm_device_rec) == 632, "device record layout");
#endif

#endif /* CESHIM_DM_PROTO_H */
