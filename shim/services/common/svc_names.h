/*
 * svc_names.h - names and security of the services host's kernel objects
 * (see svc_proto.h for the list).
 */
#ifndef CESHIM_SVC_NAMES_H
#define CESHIM_SVC_NAMES_H

#include <windows.h>

#define SVC_OBJECT_NAME_MAX 160

/* Each bitness has its own host (a DLL loads only into a process of its
 * bitness); <arch> is "x64" or "x86" for bits 64 or 32. */
#define SVC_OWN_BITS ((DWORD)(sizeof(void *) * 8))
#define SVC_PEER_BITS (96u - SVC_OWN_BITS)

/* out = L"Local\\ceshim.svc<ns>.<arch>.<what>" (SVC_OBJECT_NAME_MAX chars). */
void svc_object_name(WCHAR *out, DWORD bits, const WCHAR *what);
/* out = L"Local\\ceshim.svc<ns>.<arch>.slot.<pid>.<tid>.<serial><suffix>". */
void svc_slot_name(WCHAR *out, DWORD bits, DWORD pid, DWORD tid, DWORD serial, const WCHAR *suffix);
/* The connect queue's message-queue name, L"ceshim.svc<ns>.<arch>.connect". */
void svc_connect_queue_name(WCHAR *out, DWORD bits);
/* out = L"Local\\ceshim.svc<ns>.device.<ABC0>": the session-wide claim of
 * device name "ABC0:", the same for both bitnesses (upper case: CE's
 * device names ignore case). */
void svc_device_claim_name(WCHAR *out, const WCHAR *device);
/* Security attributes whose DACL admits the current user only (built once;
 * NULL, meaning the default DACL, if the token cannot be read). */
SECURITY_ATTRIBUTES *svc_user_only_sa(void);

#endif /* CESHIM_SVC_NAMES_H */
