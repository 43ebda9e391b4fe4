/*
 * svc_names.h - names and security of the services host's kernel objects
 * (see svc_proto.h for the list).
 */
#ifndef CESHIM_SVC_NAMES_H
#define CESHIM_SVC_NAMES_H

#include <windows.h>

#define SVC_OBJECT_NAME_MAX 160

/* out = L"Local\\ceshim.svc<ns>.<what>" (SVC_OBJECT_NAME_MAX chars). */
void svc_object_name(WCHAR *out, const WCHAR *what);
/* out = L"Local\\ceshim.svc<ns>.slot.<pid>.<tid>.<serial><suffix>". */
void svc_slot_name(WCHAR *out, DWORD pid, DWORD tid, DWORD serial, const WCHAR *suffix);
/* The connect queue's message-queue name, L"ceshim.svc<ns>.connect". */
void svc_connect_queue_name(WCHAR *out);
/* Security attributes whose DACL admits the current user only (built once;
 * NULL, meaning the default DACL, if the token cannot be read). */
SECURITY_ATTRIBUTES *svc_user_only_sa(void);

#endif /* CESHIM_SVC_NAMES_H */
