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

#endif /* CESHIM_DM_CALLERBUF_H */
