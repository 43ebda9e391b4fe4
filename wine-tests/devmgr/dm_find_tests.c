/*
 * dm_find_tests.c - finding drivers as CE applications do:
 * FindFirstDevice/FindNextDevice/FindClose by every DeviceSearchBy* kind
 * (ERROR_NO_MORE_FILES at the end), GetDeviceInformationByDeviceHandle and
 * ByFileHandle (DEVMGR_DEVICE_INFORMATION, whose szDeviceName CreateFile
 * opens), EnumDeviceInterfaces.
 */
#include "dm_test.h"

#include <msgqueue.h>
#include <pnp.h>

static const GUID test_guid = { 0x11111111, 0x2222, 0x3333, { 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb } };
static const GUID other_guid = { 0x11111111, 0x2222, 0x3333, { 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xcc } };
static const GUID stream_guid = { 0xf8a6ba98, 0x087a, 0x43ac, { 0xa9, 0xd8, 0xb7, 0xf1, 0x3c, 0x5b, 0xae, 0x31 } };

struct three {
    struct svc_test t;
    HANDLE a1, a12, n2;
};

static BOOL set_iclass(const struct svc_test *t, const WCHAR *path)
{
    static const WCHAR multi[] = L"{11111111-2222-3333-4455-66778899aabb}\0"
                                 L"{11111111-2222-3333-4455-66778899aacc}=TestIfc\0";
    WCHAR key[320];
    HKEY k;
    _snwprintf(key, 320, L"%ls\\%ls", t->instance_key, path);
    key[319] = 0;
    if (RegOpenKeyExW(HKEY_CURRENT_USER, key, 0, KEY_SET_VALUE, &k))
        return FALSE;
    BOOL ok = !RegSetValueExW(k, L"IClass", 0, REG_MULTI_SZ, (const BYTE *)multi, sizeof(multi));
    RegCloseKey(k);
    return ok;
}

/* TDA1: (two IClass GUIDs), \$device\TDA12 (no legacy name), TDN2: (naked). */
static BOOL three_begin(struct three *x)
{
    svc_test_instance(&x->t, L"dmf");
    if (!CHECK(dm_test_driver_key(&x->t, L"Drivers\\TFindA", L"tdrv_pfx.dll", L"TDA", 1, DM_NO_VALUE) &&
               set_iclass(&x->t, L"Drivers\\TFindA") &&
               dm_test_driver_key(&x->t, L"Drivers\\TFind12", L"tdrv_pfx.dll", L"TDA", 12, DM_NO_VALUE) &&
               dm_test_driver_key(&x->t, L"Drivers\\TFindN", L"tdrv_naked.dll", L"TDN", 2, DEVFLAGS_NAKEDENTRIES)))
        return FALSE;
    x->a1 = ActivateDevice(L"Drivers\\TFindA", 0);
    x->a12 = ActivateDevice(L"Drivers\\TFind12", 0);
    x->n2 = ActivateDevice(L"Drivers\\TFindN", 0);
    return CHECK_MSG(x->a1 && x->a12 && x->n2, "ActivateDevice: %p %p %p, error %lu", x->a1, x->a12, x->n2,
                     GetLastError());
}

static void three_end(struct three *x)
{
    CHECK(DeactivateDevice(x->a1));
    CHECK(DeactivateDevice(x->a12));
    CHECK(DeactivateDevice(x->n2));
    svc_test_end(&x->t);
}

/* Runs a search to its end; the found devices' names (szDeviceName without
 * "\$device\"), sorted, joined by spaces into out. Checks the end's error. */
static DWORD search(DeviceSearchType type, LPCVOID param, char *out, size_t cap)
{
    DEVMGR_DEVICE_INFORMATION di;
    char names[8][16];
    DWORD n = 0;
    out[0] = 0;
    memset(&di, 0, sizeof(di));
    di.dwSize = sizeof(di);
    SetLastError(0xdeadbeef);
    HANDLE h = FindFirstDevice(type, param, &di);
    if (h == INVALID_HANDLE_VALUE) {
        CHECK_LASTERROR(ERROR_NO_MORE_FILES);
        return 0;
    }
    do {
        if (n < 8)
            snprintf(names[n], 16, "%ls", di.szDeviceName + 9);
        n++;
        di.dwSize = sizeof(di);
        SetLastError(0xdeadbeef);
    } while (FindNextDevice(h, &di));
    CHECK_LASTERROR(ERROR_NO_MORE_FILES);
    CHECK(FindClose(h));
    for (DWORD i = 0; i < n && i < 8; i++) /* a few names: insertion sort */
        for (DWORD j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
            char tmp[16];
            strcpy(tmp, names[j]);
            strcpy(names[j], names[j - 1]);
            strcpy(names[j - 1], tmp);
        }
    for (DWORD i = 0; i < n && i < 8; i++) {
        strncat(out, names[i], cap - strlen(out) - 1);
        if (i + 1 < n)
            strncat(out, " ", cap - strlen(out) - 1);
    }
    return n;
}

CETEST(devmgr_find, every_search_kind)
{
    struct three x;
    char found[128];
    if (!three_begin(&x))
        return;
    CHECK_EQ(search(DeviceSearchByLegacyName, L"TDA*", found, sizeof(found)), 1);
    CHECK_STR_EQ(found, "TDA1");
    CHECK_EQ(search(DeviceSearchByLegacyName, L"tda1:", found, sizeof(found)), 1);
    CHECK_EQ(search(DeviceSearchByLegacyName, L"TD?2:", found, sizeof(found)), 1);
    CHECK_STR_EQ(found, "TDN2");
    CHECK_EQ(search(DeviceSearchByLegacyName, L"*", found, sizeof(found)), 2);
    CHECK_EQ(search(DeviceSearchByLegacyName, L"", found, sizeof(found)), 1); /* unnamed: no legacy name */
    CHECK_STR_EQ(found, "TDA12");
    CHECK_EQ(search(DeviceSearchByLegacyName, L"ZZZ*", found, sizeof(found)), 0);

    CHECK_EQ(search(DeviceSearchByDeviceName, L"TDA*", found, sizeof(found)), 2);
    CHECK_STR_EQ(found, "TDA1 TDA12");
    CHECK_EQ(search(DeviceSearchByDeviceName, L"$device\\TDA1?", found, sizeof(found)), 1);
    CHECK_STR_EQ(found, "TDA12");
    CHECK_EQ(search(DeviceSearchByDeviceName, L"\\$device\\tdn2", found, sizeof(found)), 1);
    CHECK_STR_EQ(found, "TDN2");

    CHECK_EQ(search(DeviceSearchByBusName, L"", found, sizeof(found)), 3);
    CHECK_STR_EQ(found, "TDA1 TDA12 TDN2");
    CHECK_EQ(search(DeviceSearchByBusName, L"PCI*", found, sizeof(found)), 0);

    CHECK_EQ(search(DeviceSearchByGuid, &test_guid, found, sizeof(found)), 1);
    CHECK_STR_EQ(found, "TDA1");
    CHECK_EQ(search(DeviceSearchByGuid, &other_guid, found, sizeof(found)), 1); /* "{GUID}=name" form */
    CHECK_EQ(search(DeviceSearchByGuid, &stream_guid, found, sizeof(found)), 3);

    CHECK_EQ(search(DeviceSearchByParent, x.a1, found, sizeof(found)), 0);

    DEVMGR_DEVICE_INFORMATION di;
    memset(&di, 0, sizeof(di));
    di.dwSize = sizeof(di) - 1;
    SetLastError(0xdeadbeef);
    CHECK(FindFirstDevice(DeviceSearchByLegacyName, L"*", &di) == INVALID_HANDLE_VALUE);
    CHECK_LASTERROR(ERROR_INVALID_PARAMETER);
    SetLastError(0xdeadbeef);
    di.dwSize = sizeof(di);
    CHECK(FindFirstDevice(DeviceSearchByLegacyName, NULL, &di) == INVALID_HANDLE_VALUE);
    CHECK_LASTERROR(ERROR_INVALID_PARAMETER);

    /* A Win32 find handle still closes with FindClose. */
    WIN32_FIND_DATAW fd;
    HANDLE ff = FindFirstFileW(L"C:\\windows\\*", &fd);
    CHECK(ff != INVALID_HANDLE_VALUE && FindClose(ff));
    three_end(&x);
}

CETEST(devmgr_find, device_information_by_handles)
{
    struct three x;
    if (!three_begin(&x))
        return;
    DEVMGR_DEVICE_INFORMATION di;
    memset(&di, 0xcc, sizeof(di));
    di.dwSize = sizeof(di);
    SetLastError(0xdeadbeef);
    CHECK_MSG(GetDeviceInformationByDeviceHandle(x.a1, &di), "error %lu", GetLastError());
    CHECK_PTR_EQ(di.hDevice, x.a1);
    CHECK_PTR_EQ(di.hParentDevice, NULL);
    CHECK_WSTR_EQ(di.szLegacyName, L"TDA1:");
    CHECK_WSTR_EQ(di.szDeviceKey, L"Drivers\\TFindA");
    CHECK_WSTR_EQ(di.szDeviceName, L"\\$device\\TDA1");
    CHECK_WSTR_EQ(di.szBusName, L"");
    /* As CEUSBKWrapper does: open szDeviceName. */
    HANDLE f = dm_test_open(di.szDeviceName);
    CHECK_MSG(f != INVALID_HANDLE_VALUE, "CreateFile(%ls) failed, error %lu", di.szDeviceName, GetLastError());
    memset(&di, 0, sizeof(di));
    di.dwSize = sizeof(di);
    CHECK(GetDeviceInformationByFileHandle(f, &di));
    CHECK_PTR_EQ(di.hDevice, x.a1);
    CHECK_WSTR_EQ(di.szLegacyName, L"TDA1:");

    /* Index >= 10: no legacy name. */
    CHECK(GetDeviceInformationByDeviceHandle(x.a12, &di));
    CHECK_WSTR_EQ(di.szLegacyName, L"");
    CHECK_WSTR_EQ(di.szDeviceName, L"\\$device\\TDA12");

    /* EnumDeviceInterfaces: the IClass GUIDs, then the stream class. */
    GUID g;
    WCHAR name[16];
    DWORD size = sizeof(name);
    CHECK(EnumDeviceInterfaces(x.a1, 0, &g, name, &size));
    CHECK(IsEqualGUID(&g, &test_guid));
    CHECK_WSTR_EQ(name, L"TDA1:");
    CHECK_EQ(size, 12);
    size = sizeof(name);
    CHECK(EnumDeviceInterfaces(f, 2, &g, name, &size));
    CHECK(IsEqualGUID(&g, &stream_guid));
    size = 4;
    SetLastError(0xdeadbeef);
    CHECK(!EnumDeviceInterfaces(x.a1, 1, &g, name, &size));
    CHECK_LASTERROR(ERROR_INSUFFICIENT_BUFFER);
    CHECK_EQ(size, 12);
    size = 0;
    CHECK(EnumDeviceInterfaces(x.a1, 1, &g, NULL, &size));
    CHECK_EQ(size, 12);
    size = sizeof(name);
    SetLastError(0xdeadbeef);
    CHECK(!EnumDeviceInterfaces(x.a1, 3, &g, name, &size));
    CHECK_LASTERROR(ERROR_NO_MORE_ITEMS);
    CloseHandle(f);

    SetLastError(0xdeadbeef);
    di.dwSize = 0;
    CHECK(!GetDeviceInformationByDeviceHandle(x.a1, &di));
    CHECK_LASTERROR(ERROR_INVALID_PARAMETER);
    di.dwSize = sizeof(di);
    SetLastError(0xdeadbeef);
    CHECK(!GetDeviceInformationByFileHandle(GetCurrentProcess(), &di));
    CHECK_LASTERROR(ERROR_INVALID_HANDLE);

    HANDLE gone = x.n2;
    CHECK(DeactivateDevice(gone));
    x.n2 = ActivateDevice(L"Drivers\\TFindN", 0);
    SetLastError(0xdeadbeef);
    CHECK(!GetDeviceInformationByDeviceHandle(gone, &di));
    CHECK_LASTERROR(ERROR_INVALID_HANDLE);
    three_end(&x);
}

/* ceshim's CeShimGetDeviceOpenCount (what `ceservices drivers` prints):
 * CreateFile handles on the driver, counted as they open and close. */
CETEST(devmgr_find, open_count_follows_opens_and_closes)
{
    struct three x;
    if (!three_begin(&x))
        return;
    DWORD n = 0xdeadbeef;
    SetLastError(0xdeadbeef);
    CHECK_MSG(CeShimGetDeviceOpenCount(x.a1, &n), "error %lu", GetLastError());
    CHECK_EQ(n, 0);
    HANDLE f1 = dm_test_open(L"TDA1:"), f2 = dm_test_open(L"\\$device\\TDA1");
    CHECK_MSG(f1 != INVALID_HANDLE_VALUE && f2 != INVALID_HANDLE_VALUE, "CreateFile failed, error %lu",
              GetLastError());
    CHECK(CeShimGetDeviceOpenCount(x.a1, &n));
    CHECK_EQ(n, 2);
    CHECK(CeShimGetDeviceOpenCount(x.a12, &n)); /* another driver's count is its own */
    CHECK_EQ(n, 0);
    CloseHandle(f1);
    CHECK(CeShimGetDeviceOpenCount(x.a1, &n));
    CHECK_EQ(n, 1);
    CloseHandle(f2);
    CHECK(CeShimGetDeviceOpenCount(x.a1, &n));
    CHECK_EQ(n, 0);

    SetLastError(0xdeadbeef);
    CHECK(!CeShimGetDeviceOpenCount(x.a1, NULL));
    CHECK_LASTERROR(ERROR_INVALID_PARAMETER);
    n = 7;
    SetLastError(0xdeadbeef);
    CHECK(!CeShimGetDeviceOpenCount(GetCurrentProcess(), &n));
    CHECK_LASTERROR(ERROR_INVALID_HANDLE);
    CHECK_EQ(n, 7); /* untouched on failure */
    three_end(&x);
}

/* The next DEVDETAIL from q within 5 s; FALSE if none. */
static BOOL next_detail(HANDLE q, GUID *g, BOOL *attached, WCHAR *name, size_t name_chars)
{
    union {
        DEVDETAIL d;
        BYTE bytes[sizeof(DEVDETAIL) + (MAX_DEVCLASS_NAMELEN + 1) * sizeof(WCHAR)];
    } msg;
    DWORD got = 0, flags = 0;
    memset(&msg, 0, sizeof(msg));
    if (!ReadMsgQueue(q, &msg, sizeof(msg), &got, 5000, &flags))
        return FALSE;
    *g = msg.d.guidDevClass;
    *attached = msg.d.fAttached;
    lstrcpynW(name, msg.d.szName, (int)name_chars);
    return TRUE;
}

CETEST(devmgr_find, interfaces_seen_by_a_listener)
{
    struct svc_test t;
    svc_test_instance(&t, L"dmi");
    REQUIRE(dm_test_driver_key(&t, L"Drivers\\TIfc", L"tdrv_pfx.dll", L"TDA", 1, DM_NO_VALUE) &&
            set_iclass(&t, L"Drivers\\TIfc"));
    MSGQUEUEOPTIONS o;
    memset(&o, 0, sizeof(o));
    o.dwSize = sizeof(o);
    o.dwMaxMessages = 16;
    o.cbMaxMessage = sizeof(DEVDETAIL) + (MAX_DEVCLASS_NAMELEN + 1) * sizeof(WCHAR);
    o.bReadAccess = TRUE;
    HANDLE q = CreateMsgQueue(NULL, &o);
    REQUIRE(q != NULL);
    HANDLE n = RequestDeviceNotifications(&test_guid, q, FALSE);
    REQUIRE(n != NULL);
    HANDLE h = ActivateDevice(L"Drivers\\TIfc", 0);
    REQUIRE(h != NULL);
    GUID g;
    BOOL attached = FALSE;
    WCHAR name[64] = L"";
    CHECK(next_detail(q, &g, &attached, name, 64));
    CHECK(IsEqualGUID(&g, &test_guid));
    CHECK(attached);
    CHECK_WSTR_EQ(name, L"TDA1:");
    CHECK(DeactivateDevice(h));
    CHECK(next_detail(q, &g, &attached, name, 64));
    CHECK(IsEqualGUID(&g, &test_guid));
    CHECK(!attached);
    CHECK_WSTR_EQ(name, L"TDA1:");
    CHECK(StopDeviceNotifications(n));

    /* Every named stream driver under DEVCLASS_STREAM_GUID; fAll replays. */
    h = ActivateDevice(L"Drivers\\TIfc", 0);
    REQUIRE(h != NULL);
    HANDLE q2 = CreateMsgQueue(NULL, &o);
    REQUIRE(q2 != NULL);
    SetLastError(0xdeadbeef);
    n = RequestDeviceNotifications(&stream_guid, q2, TRUE);
    CHECK_MSG(n != NULL, "RequestDeviceNotifications(fAll) failed, error %lu", GetLastError());
    BOOL seen = FALSE;
    while (!seen && next_detail(q2, &g, &attached, name, 64))
        seen = IsEqualGUID(&g, &stream_guid) && attached && wcscmp(name, L"TDA1:") == 0;
    CHECK(seen);
    CHECK(StopDeviceNotifications(n));
    CHECK(DeactivateDevice(h));
    CloseMsgQueue(q);
    CloseMsgQueue(q2);
    svc_test_end(&t);
}
