/*
 * svc_names.c - names and security of the services host's objects.
 */
#include <windows.h>
#include <sddl.h>
#include <wctype.h>
#include <stdio.h>

#include "services/common/svc_config.h"
#include "services/common/svc_names.h"

static void namespace_part(WCHAR *out, size_t chars)
{
    WCHAR word[SVC_INSTANCE_MAX];
    if (svc_instance_word(word))
        _snwprintf(out, chars, L".%ls", word);
    else
        out[0] = 0;
    out[chars - 1] = 0;
}

static const WCHAR *arch_part(DWORD bits)
{
    return bits == 32 ? L"x86" : L"x64";
}

void svc_object_name(WCHAR *out, DWORD bits, const WCHAR *what)
{
    WCHAR ns[SVC_INSTANCE_MAX + 1];
    namespace_part(ns, ARRAYSIZE(ns));
    _snwprintf(out, SVC_OBJECT_NAME_MAX, L"Local\\ceshim.svc%ls.%ls.%ls", ns, arch_part(bits), what);
    out[SVC_OBJECT_NAME_MAX - 1] = 0;
}

void svc_slot_name(WCHAR *out, DWORD bits, DWORD pid, DWORD tid, DWORD serial, const WCHAR *suffix)
{
    WCHAR what[64];
    _snwprintf(what, ARRAYSIZE(what), L"slot.%lu.%lu.%lu%ls", (unsigned long)pid, (unsigned long)tid,
               (unsigned long)serial, suffix);
    what[ARRAYSIZE(what) - 1] = 0;
    svc_object_name(out, bits, what);
}

void svc_connect_queue_name(WCHAR *out, DWORD bits)
{
    WCHAR ns[SVC_INSTANCE_MAX + 1];
    namespace_part(ns, ARRAYSIZE(ns));
    _snwprintf(out, SVC_OBJECT_NAME_MAX, L"ceshim.svc%ls.%ls.connect", ns, arch_part(bits));
    out[SVC_OBJECT_NAME_MAX - 1] = 0;
}

void svc_device_claim_name(WCHAR *out, const WCHAR *device)
{
    /* "ABC0:" -> ABC0; a driver's "ABC12" (Index >= 10) -> ABC12. */
    WCHAR ns[SVC_INSTANCE_MAX + 1], dev[16];
    namespace_part(ns, ARRAYSIZE(ns));
    int n = 0;
    for (; n < 15 && device[n] && device[n] != L':'; n++)
        dev[n] = towupper(device[n]);
    for (; n < 4; n++)
        dev[n] = L'_';
    dev[n] = 0;
    _snwprintf(out, SVC_OBJECT_NAME_MAX, L"Local\\ceshim.svc%ls.device.%ls", ns, dev);
    out[SVC_OBJECT_NAME_MAX - 1] = 0;
}

static SECURITY_ATTRIBUTES user_only;
static INIT_ONCE user_only_once = INIT_ONCE_STATIC_INIT;

static BOOL CALLBACK build_user_only(PINIT_ONCE once, PVOID param, PVOID *ctx)
{
    (void)once;
    (void)param;
    HANDLE token;
    BYTE buf[256];
    DWORD len = 0;
    LPWSTR sid = NULL;
    PSECURITY_DESCRIPTOR sd = NULL;
    *ctx = NULL;
    if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token))
        return TRUE;
    if (GetTokenInformation(token, TokenUser, buf, sizeof(buf), &len) &&
        ConvertSidToStringSidW(((TOKEN_USER *)buf)->User.Sid, &sid)) {
        WCHAR sddl[200];
        /* Protected DACL: full access for this user, nobody else. */
        _snwprintf(sddl, ARRAYSIZE(sddl), L"D:P(A;;GA;;;%ls)", sid);
        sddl[ARRAYSIZE(sddl) - 1] = 0;
        if (ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl, SDDL_REVISION_1, &sd, NULL)) {
            user_only.nLength = sizeof(user_only);
            user_only.lpSecurityDescriptor = sd; /* kept for the process's life */
            user_only.bInheritHandle = FALSE;
            *ctx = &user_only;
        }
        LocalFree(sid);
    }
    CloseHandle(token);
    return TRUE;
}

SECURITY_ATTRIBUTES *svc_user_only_sa(void)
{
    void *ctx = NULL;
    InitOnceExecuteOnce(&user_only_once, build_user_only, NULL, &ctx);
    return ctx;
}
