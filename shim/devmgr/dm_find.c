/*
 * dm_find.c - finding drivers: FindFirstDevice/FindNextDevice/FindClose,
 * GetDeviceInformationByDeviceHandle/ByFileHandle, EnumDeviceInterfaces,
 * CeShimGetDeviceOpenCount.
 * The drivers' records come from the hosts of both bitnesses that run
 * (SVC_OP_DM_LIST); a search is a snapshot taken by FindFirstDevice.
 */
#include <windows.h>
#include <stdint.h>
#include <string.h>

#include <ceshim.h>
#include <devload.h>

#include "common/trace.h"
#include "devmgr/dm_keys.h"
#include "devmgr/dm_proto.h"
#include "services/client/svc_client.h"


struct search {
    struct search *next;
    HANDLE key;  /* an unnamed event: the handle value the caller holds */
    DWORD count, pos;
    struct dm_device_rec recs[];
};

static SRWLOCK searches_lock = SRWLOCK_INIT;
static struct search *searches;

/* ---- records ------------------------------------------------------------------------ */

/* Asks the host of `bits` (only if it runs); returns the records added. */
static DWORD list_host(DWORD bits, uint32_t which, uint32_t id, uint32_t gen, uint64_t host,
                       struct dm_device_rec *out, DWORD cap, DWORD *error)
{
    struct svc_call call = { .op = SVC_OP_DM_LIST, .handle_id = id, .handle_gen = gen, .arg0 = which, .out = out,
                             .out_len = cap * (DWORD)sizeof(struct dm_device_rec) };
    struct svc_result res;
    if (!svc_transact(&call, &res, bits, &host, SVC_HOST_RUNNING, error))
        return 0;
    if (!res.ok && res.error != ERROR_MORE_DATA) {
        *error = res.error;
        return 0;
    }
    *error = 0;
    return res.out_len / (DWORD)sizeof(struct dm_device_rec);
}

/* The record of the driver behind an activation handle or a file handle. */
static BOOL record_of(HANDLE h, BOOL file, struct dm_device_rec *rec)
{
    DWORD error = ERROR_INVALID_HANDLE, n = 0;
    if (file) {
        struct svc_handle_info info;
        if (svc_handle_find(h, &info) && info.kind == SVC_HANDLE_FILE)
            n = list_host(info.host_bits, DM_LIST_OPEN, info.id, info.gen, info.host_start, rec, 1, &error);
    } else {
        uint32_t bits, id, gen_low;
        if (dm_handle_decode((uint64_t)(ULONG_PTR)h, &bits, &id, &gen_low))
            n = list_host(bits, DM_LIST_HANDLE, id, gen_low, 0, rec, 1, &error);
    }
    if (n == 1)
        return TRUE;
    /* No host, or not a driver's: not a device handle. */
    SetLastError(error == ERROR_DEV_NOT_EXIST || !error ? ERROR_INVALID_HANDLE : error);
    return FALSE;
}

static BOOL info_size_ok(const DEVMGR_DEVICE_INFORMATION *pdi)
{
    if (pdi && pdi->dwSize == sizeof(*pdi))
        return TRUE;
    SetLastError(ERROR_INVALID_PARAMETER);
    return FALSE;
}

static void wcopy(WCHAR *dst, const uint16_t *src, size_t cap)
{
    size_t i = 0;
    for (; i + 1 < cap && src[i]; i++)
        dst[i] = (WCHAR)src[i];
    dst[i] = 0;
}

static void fill_info(const struct dm_device_rec *r, DEVMGR_DEVICE_INFORMATION *pdi)
{
    DWORD size = pdi->dwSize;
    memset(pdi, 0, sizeof(*pdi));
    pdi->dwSize = size;
    pdi->hDevice = (HANDLE)(ULONG_PTR)r->handle;
    wcopy(pdi->szLegacyName, r->legacy, ARRAYSIZE(pdi->szLegacyName));
    wcopy(pdi->szDeviceKey, r->key, MAX_PATH);
    if (r->full[0]) {
        wcscpy(pdi->szDeviceName, L"\\$device\\");
        wcopy(pdi->szDeviceName + 9, r->full, MAX_PATH - 9);
    }
}

/* ---- matching ------------------------------------------------------------------------- */

static BOOL match(const WCHAR *pat, const WCHAR *text)
{
    if (!*pat)
        return !*text;
    if (*pat == L'*')
        return match(pat + 1, text) || (*text && match(pat, text + 1));
    if (!*text)
        return FALSE;
    if (*pat != L'?' && towupper(*pat) != towupper(*text))
        return FALSE;
    return match(pat + 1, text + 1);
}

/* CE: "Unnamed devices can be found using a zero-length search string";
 * a pattern (even "*") finds named devices only. */
static BOOL match_name(const WCHAR *pat, const WCHAR *text)
{
    return *pat ? *text && match(pat, text) : !*text;
}

static BOOL has_guid(const struct dm_device_rec *r, const GUID *g)
{
    for (DWORD i = 0; i < r->guid_count && i < DM_GUIDS_MAX; i++)
        if (memcmp(r->guids[i], g, sizeof(*g)) == 0)
            return TRUE;
    return r->full[0] && IsEqualGUID(g, &dm_stream_guid);
}

static BOOL matches(const struct dm_device_rec *r, DeviceSearchType type, LPCVOID param)
{
    WCHAR text[32];
    const WCHAR *pat = param;
    switch (type) {
    case DeviceSearchByLegacyName:
        wcopy(text, r->legacy, ARRAYSIZE(text));
        return match_name(pat, text);
    case DeviceSearchByDeviceName:
        if (_wcsnicmp(pat, L"\\$device\\", 9) == 0)
            pat += 9;
        else if (_wcsnicmp(pat, L"$device\\", 8) == 0)
            pat += 8;
        wcopy(text, r->full, ARRAYSIZE(text));
        return match_name(pat, text);
    case DeviceSearchByBusName:
        return match_name(pat, L""); /* no bus drivers: every bus name is empty */
    case DeviceSearchByGuid:
        return has_guid(r, param);
    case DeviceSearchByParent:
        return param == NULL; /* no driver has a parent */
    }
    return FALSE;
}

/* ---- the calls ------------------------------------------------------------------------- */

HANDLE FindFirstDevice(DeviceSearchType searchType, LPCVOID pvSearchParam, PDEVMGR_DEVICE_INFORMATION pdi)
{
    HANDLE result = INVALID_HANDLE_VALUE;
    struct search *s = NULL;
    if (!info_size_ok(pdi))
        goto done;
    if ((unsigned)searchType > DeviceSearchByParent || (searchType != DeviceSearchByParent && !pvSearchParam)) {
        SetLastError(ERROR_INVALID_PARAMETER);
        goto done;
    }
    s = HeapAlloc(GetProcessHeap(), 0, sizeof(*s) + 2 * DM_LIST_MAX * sizeof(struct dm_device_rec));
    if (!s) {
        SetLastError(ERROR_OUTOFMEMORY);
        goto done;
    }
    DWORD error, n = list_host(SVC_OWN_BITS, DM_LIST_ALL, 0, 0, 0, s->recs, DM_LIST_MAX, &error);
    n += list_host(SVC_PEER_BITS, DM_LIST_ALL, 0, 0, 0, s->recs + n, DM_LIST_MAX, &error);
    s->count = 0;
    for (DWORD i = 0; i < n; i++)
        if (matches(&s->recs[i], searchType, pvSearchParam))
            s->recs[s->count++] = s->recs[i];
    if (!s->count) {
        SetLastError(ERROR_NO_MORE_FILES);
        goto done;
    }
    s->key = CreateEventW(NULL, TRUE, FALSE, NULL);
    if (!s->key) {
        SetLastError(ERROR_OUTOFMEMORY);
        goto done;
    }
    fill_info(&s->recs[0], pdi);
    s->pos = 1;
    AcquireSRWLockExclusive(&searches_lock);
    s->next = searches;
    searches = s;
    ReleaseSRWLockExclusive(&searches_lock);
    result = s->key;
    s = NULL;
done:
    HeapFree(GetProcessHeap(), 0, s);
    CESHIM_TRACE("FindFirstDevice(%d) = %p", (int)searchType, result);
    return result;
}

BOOL FindNextDevice(HANDLE h, PDEVMGR_DEVICE_INFORMATION pdi)
{
    BOOL ok = FALSE, found = FALSE;
    if (info_size_ok(pdi)) {
        AcquireSRWLockExclusive(&searches_lock);
        for (struct search *s = searches; s; s = s->next) {
            if (s->key == h) {
                found = TRUE;
                if (s->pos < s->count) {
                    fill_info(&s->recs[s->pos++], pdi);
                    ok = TRUE;
                }
                break;
            }
        }
        ReleaseSRWLockExclusive(&searches_lock);
        if (!ok)
            SetLastError(found ? ERROR_NO_MORE_FILES : ERROR_INVALID_HANDLE);
    }
    CESHIM_TRACE("FindNextDevice(%p) = %d", h, ok);
    return ok;
}

BOOL WINAPI CeShimFindClose(HANDLE hFindFile)
{
    struct search *found = NULL;
    AcquireSRWLockExclusive(&searches_lock);
    for (struct search **p = &searches; *p; p = &(*p)->next) {
        if ((*p)->key == hFindFile) {
            found = *p;
            *p = found->next;
            break;
        }
    }
    ReleaseSRWLockExclusive(&searches_lock);
    if (!found)
        return FindClose(hFindFile);
    CloseHandle(found->key);
    HeapFree(GetProcessHeap(), 0, found);
    return TRUE;
}

static BOOL info_by(HANDLE h, BOOL file, PDEVMGR_DEVICE_INFORMATION pdi)
{
    struct dm_device_rec rec;
    if (!info_size_ok(pdi) || !record_of(h, file, &rec))
        return FALSE;
    fill_info(&rec, pdi);
    return TRUE;
}

BOOL GetDeviceInformationByDeviceHandle(HANDLE hDevice, PDEVMGR_DEVICE_INFORMATION pdi)
{
    BOOL ok = info_by(hDevice, FALSE, pdi);
    CESHIM_TRACE("GetDeviceInformationByDeviceHandle(%p) = %d", hDevice, ok);
    return ok;
}

BOOL GetDeviceInformationByFileHandle(HANDLE hFile, PDEVMGR_DEVICE_INFORMATION pdi)
{
    BOOL ok = info_by(hFile, TRUE, pdi);
    CESHIM_TRACE("GetDeviceInformationByFileHandle(%p) = %d", hFile, ok);
    return ok;
}

BOOL WINAPI CeShimGetDeviceOpenCount(HANDLE hDevice, LPDWORD lpdwOpens)
{
    struct dm_device_rec rec;
    BOOL ok = FALSE;
    if (!lpdwOpens)
        SetLastError(ERROR_INVALID_PARAMETER);
    else if ((ok = record_of(hDevice, FALSE, &rec)))
        *lpdwOpens = rec.opens;
    CESHIM_TRACE("CeShimGetDeviceOpenCount(%p) = %d (%lu)", hDevice, ok, ok ? *lpdwOpens : 0ul);
    return ok;
}

static BOOL enum_interfaces(HANDLE h, DWORD dwIndex, GUID *pClass, LPWSTR pszNameBuf, LPDWORD lpdwNameBufSize);

BOOL EnumDeviceInterfaces(HANDLE h, DWORD dwIndex, GUID *pClass, LPWSTR pszNameBuf, LPDWORD lpdwNameBufSize)
{
    BOOL ok = enum_interfaces(h, dwIndex, pClass, pszNameBuf, lpdwNameBufSize);
    CESHIM_TRACE("EnumDeviceInterfaces(%p, %lu) = %d", h, (unsigned long)dwIndex, ok);
    return ok;
}

static BOOL enum_interfaces(HANDLE h, DWORD dwIndex, GUID *pClass, LPWSTR pszNameBuf, LPDWORD lpdwNameBufSize)
{
    struct dm_device_rec rec;
    struct svc_handle_info info;
    BOOL file = svc_handle_find(h, &info);
    if (!record_of(h, file, &rec))
        return FALSE;
    /* The IClass GUIDs, then the stream class for a named driver; each
     * under the driver's legacy name, else its $device name. */
    DWORD count = rec.guid_count + (rec.full[0] ? 1u : 0u);
    if (dwIndex >= count) {
        SetLastError(ERROR_NO_MORE_ITEMS);
        return FALSE;
    }
    WCHAR name[32] = L"";
    if (rec.legacy[0]) {
        wcopy(name, rec.legacy, ARRAYSIZE(name));
    } else if (rec.full[0]) {
        wcscpy(name, L"\\$device\\");
        wcopy(name + 9, rec.full, ARRAYSIZE(name) - 9);
    }
    DWORD need = (DWORD)((wcslen(name) + 1) * sizeof(WCHAR));
    if (pszNameBuf && (!lpdwNameBufSize || *lpdwNameBufSize < need)) {
        if (lpdwNameBufSize)
            *lpdwNameBufSize = need;
        SetLastError(lpdwNameBufSize ? ERROR_INSUFFICIENT_BUFFER : ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    if (pClass) {
        if (dwIndex < rec.guid_count)
            memcpy(pClass, rec.guids[dwIndex], sizeof(*pClass));
        else
            *pClass = dm_stream_guid;
    }
    if (pszNameBuf)
        memcpy(pszNameBuf, name, need);
    if (lpdwNameBufSize)
        *lpdwNameBufSize = need;
    return TRUE;
}
