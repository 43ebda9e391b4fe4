/*
 * dm_callerbuf.h - caller buffers inside the host (internal): the worker
 * brackets each entry-point call with a scope naming the client and the
 * call's data area; MapCallerPtr and CeOpenCallerBuffer make shadows of
 * client memory within it, written back when the call (or the
 * CeCloseCallerBuffer) ends.
 */
#ifndef CESHIM_DM_CALLERBUF_H
#define CESHIM_DM_CALLERBUF_H

#include <windows.h>
#include <stdint.h>

/* Starts a call for client pid whose first-level buffers are in
 * [area, area + area_len) (host memory: passed through unchanged). */
void dm_callbuf_begin(DWORD pid, const uint8_t *area, uint64_t area_len);
/* Ends it: every MapCallerPtr shadow's changed bytes go back to the
 * client (if it still lives); shadows are freed. */
void dm_callbuf_end(void);
/* Names the call's first-level buffers: here, and the caller's own
 * addresses (0 if unknown); *reply_out_len is what the caller will copy
 * back, cut to 0 when an asynchronous buffer took part of the out area. */
void dm_callbuf_first_level(const uint8_t *in, uint32_t in_len, uint64_t client_in, const uint8_t *out,
                            uint32_t out_len, uint64_t client_out, uint32_t *reply_out_len);

/* What a pointer marshalled for the current call is in the caller. */
struct dm_client_ref {
    BOOL local;            /* no other process: the pointer is the caller's own */
    DWORD pid;
    HANDLE process;        /* a handle of ours on the caller (close it) */
    uintptr_t client;      /* the caller's address */
    BOOL first_level_out;  /* within the call's out area, at out_off */
    uint32_t out_off;
};
/* S_OK, or E_ACCESSDENIED: not a first-level buffer, MapCallerPtr or
 * CeOpenCallerBuffer result of the current call. */
HRESULT dm_callbuf_resolve(const void *p, DWORD len, struct dm_client_ref *ref);
/* Copies of this process's own memory (CeOpenCallerBuffer's ForceDuplicate,
 * CeAllocDuplicateBuffer), kept until taken back by (copy, src). */
struct dm_duplicate {
    struct dm_duplicate *next;
    void *src;
    DWORD len;
    uint8_t data[]; /* the copy handed out */
};
/* A zeroed copy of len bytes, filled from src if copy_in; NULL if out of
 * memory. */
void *dm_duplicate_make(void *src, DWORD len, BOOL copy_in);
/* The record of copy (made of src), taken out of the list; NULL if there is
 * none. The caller copies back what it must, then frees it (HeapFree). */
struct dm_duplicate *dm_duplicate_take(const void *copy, const void *src);
/* The out area's [off, off + len) belongs to an asynchronous buffer now. */
BOOL dm_callbuf_keep_out(uint32_t off, DWORD len);
/* TRUE inside a call from another process. */
BOOL dm_callbuf_in_call(void);
/* [addr, addr + len) of process is committed, not guarded, and readable
 * (writable too if write). */
BOOL dm_process_range_ok(HANDLE process, uintptr_t addr, DWORD len, BOOL write);
/* Writes after that check; FALSE if any of it could not be written. */
BOOL dm_process_write(HANDLE process, uintptr_t client, const void *data, DWORD len);
/* Writes the runs where data differs from orig, updating orig for each
 * run that landed; FALSE if any did not. */
BOOL dm_process_write_changes(HANDLE process, uintptr_t client, const uint8_t *data, uint8_t *orig, DWORD len);

#endif /* CESHIM_DM_CALLERBUF_H */
