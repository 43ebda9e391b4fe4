/*
 * svc_config.h - where CE service configuration lives in the desktop
 * registry, and reading/writing it (shared by the host, the client and the
 * ceservices CLI; compiled into each).
 *
 * Roots, searched in order; the first root holding <Name> wins, a listing
 * is the union:
 *   default:  HKCU\Services (per-user mirror), then HKLM\Services
 *   CESHIM_SERVICES_INSTANCE=<word> set: HKCU\Software\ceshim\Instances\<word>\Services only
 */
#ifndef CESHIM_SVC_CONFIG_H
#define CESHIM_SVC_CONFIG_H

#include <windows.h>

#define SVC_NAME_MAX 64     /* registry key name of a service, chars incl. NUL */
#define SVC_INSTANCE_MAX 33 /* instance word, chars incl. NUL */

typedef struct svc_config {
    WCHAR name[SVC_NAME_MAX]; /* the key name under the root */
    WCHAR dll[MAX_PATH];      /* Dll */
    WCHAR prefix[4];          /* Prefix: exactly 3 characters */
    DWORD index;              /* Index, 0..9 */
    DWORD order;              /* Order; 0xFFFFFFFF when absent (loads last) */
    DWORD keep;               /* Keep; 1 when absent */
    DWORD flags;              /* Flags (DEVFLAGS_*); 0 when absent */
    DWORD context;            /* ServiceContext, else Context, else 0 */
    WCHAR display_name[128];  /* DisplayName, "" when absent */
    WCHAR description[256];   /* Description, "" when absent */
    HKEY root;                /* the predefined key of the root it came from */
    WCHAR root_path[128];     /* that root's subkey path, e.g. L"Services" */
} svc_config;

/* The instance word from CESHIM_SERVICES_INSTANCE into out (SVC_INSTANCE_MAX
 * chars): TRUE if set and valid ([A-Za-z0-9_-], 1..32 chars); FALSE and
 * out = L"" if unset or invalid. */
BOOL svc_instance_word(WCHAR *out);

/* The roots searched, in order. Returns how many (1 or 2). paths[i] points
 * to static or thread-local storage valid until the next call. */
int svc_config_roots(HKEY roots[2], const WCHAR *paths[2]);

/* Reads <root>\<name>. ERROR_SUCCESS; ERROR_FILE_NOT_FOUND when no root has
 * the key; ERROR_INVALID_PARAMETER when Dll, Prefix or Index is missing, of
 * the wrong type or out of range (Prefix not 3 chars, Index > 9), or name
 * is NULL, empty, contains '\\' or is too long. */
DWORD svc_config_read(const WCHAR *name, svc_config *out);

/* All configured services (union over the roots, first root wins by name),
 * sorted by Order, then by name. Entries with invalid values are skipped.
 * *out is HeapAlloc'd (GetProcessHeap) and freed by the caller; *count may
 * be 0 with *out NULL. Returns ERROR_SUCCESS or ERROR_OUTOFMEMORY. */
DWORD svc_config_list(svc_config **out, DWORD *count);

/* Flags = (Flags & ~clear) | set on the key svc_config_read would use
 * (creates the Flags value if absent). ERROR_FILE_NOT_FOUND if no root has
 * the key; otherwise the registry's error. */
DWORD svc_config_update_flags(const WCHAR *name, DWORD set, DWORD clear);

/* TRUE if dll is, case-insensitively, the Dll value of some configured
 * service. The host loads nothing else (RegisterService included); a mere
 * file-name match is not enough, as it could name a file elsewhere. */
BOOL svc_config_dll_is_configured(const WCHAR *dll);

/* One Accept\<any> subkey of a super service: SockAddr (REG_BINARY, at
 * most 28 bytes) and Protocol (REG_DWORD, 0 when absent). */
typedef struct svc_accept_port {
    BYTE addr[28];
    DWORD len;
    DWORD protocol;
} svc_accept_port;

/* The Accept subkeys of service <name> (in the root its entry comes from),
 * at most cap; returns how many were read. Subkeys without a usable
 * SockAddr are skipped. */
DWORD svc_config_accept_ports(const WCHAR *name, svc_accept_port *out, DWORD cap);

#endif /* CESHIM_SVC_CONFIG_H */
