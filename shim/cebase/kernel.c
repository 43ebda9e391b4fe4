/*
 * kernel.c - CE kernel and winbase.h calls beside the IPC ones:
 * KernelIoControl (IOCTL_HAL_GET_UUID, IOCTL_HAL_GET_DEVICEID,
 * IOCTL_PROCESSOR_INFORMATION), GetSystemPowerStatusEx, GetCurrentFT,
 * Random, GetProcAddressW, and SystemParametersInfo's SPI_GETPLATFORMTYPE
 * and SPI_GETOEMINFO.
 *
 * The device's identity is the machine's: its UUID is the Windows machine
 * GUID (HKLM\SOFTWARE\Microsoft\Cryptography\MachineGuid), so every
 * process on one machine (and both bitnesses) sees the same ID.
 */
#include <ceshim.h>
#include <pkfuncs.h>

#include <stddef.h>
#include <string.h>
#include <wchar.h>

#include "common/trace.h"

#define PRESET_ID "ceshim"
#define PLATFORM_TYPE L"ceshim"
#define OEM_INFO L"ceshim on Win32"

/* ---- the machine's UUID ------------------------------------------------------------- */

static int hex_digit(WCHAR c)
{
    if (c >= L'0' && c <= L'9')
        return c - L'0';
    if (c >= L'a' && c <= L'f')
        return c - L'a' + 10;
    if (c >= L'A' && c <= L'F')
        return c - L'A' + 10;
    return -1;
}

/* The 16 bytes of the machine GUID in text order; FNV-1a of the computer
 * name if there is none (an unusual Wine prefix), so the ID stays stable. */
static void machine_uuid(BYTE uuid[16])
{
    WCHAR text[64];
    DWORD size = sizeof(text) - sizeof(WCHAR), type;
    HKEY key;
    int got = 0;
    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, L"SOFTWARE\\Microsoft\\Cryptography", 0,
                      KEY_QUERY_VALUE | KEY_WOW64_64KEY, &key) == ERROR_SUCCESS) {
        if (RegQueryValueExW(key, L"MachineGuid", NULL, &type, (BYTE *)text, &size) == ERROR_SUCCESS &&
            type == REG_SZ) {
            text[size / sizeof(WCHAR)] = 0;
            int nibbles = 0;
            memset(uuid, 0, 16);
            for (const WCHAR *p = text; *p && nibbles < 32; p++) {
                int d = hex_digit(*p);
                if (d >= 0) {
                    uuid[nibbles / 2] = (BYTE)(uuid[nibbles / 2] | (d << ((nibbles % 2) ? 0 : 4)));
                    nibbles++;
                }
            }
            got = nibbles == 32;
        }
        RegCloseKey(key);
    }
    if (!got) {
        WCHAR name[MAX_COMPUTERNAME_LENGTH + 1] = L"ceshim";
        DWORD n = MAX_COMPUTERNAME_LENGTH + 1;
        GetComputerNameW(name, &n);
        unsigned long long h = 1469598103934665603ULL;
        for (int i = 0; i < 16; i++) {
            for (const WCHAR *p = name; *p; p++)
                h = (h ^ (BYTE)*p ^ (unsigned)i) * 1099511628211ULL;
            uuid[i] = (BYTE)(h >> 24);
        }
    }
}

/* ---- KernelIoControl ------------------------------------------------------------------- */

static BOOL give(LPVOID out, DWORD out_size, const void *data, DWORD size, LPDWORD returned)
{
    if (returned)
        *returned = size;
    if (!out || out_size < size) {
        SetLastError(ERROR_INSUFFICIENT_BUFFER);
        return FALSE;
    }
    memcpy(out, data, size);
    return TRUE;
}

struct device_id_answer {
    DEVICE_ID head;
    char preset[sizeof(PRESET_ID) - 1];
    BYTE platform[16];
};

static BOOL get_device_id(LPVOID out, DWORD out_size, LPDWORD returned)
{
    struct device_id_answer id;
    memset(&id, 0, sizeof(id));
    id.head.dwSize = sizeof(id);
    id.head.dwPresetIDOffset = offsetof(struct device_id_answer, preset);
    id.head.dwPresetIDBytes = sizeof(id.preset);
    id.head.dwPlatformIDOffset = offsetof(struct device_id_answer, platform);
    id.head.dwPlatformIDBytes = sizeof(id.platform);
    memcpy(id.preset, PRESET_ID, sizeof(id.preset));
    machine_uuid(id.platform);
    /* Too small: CE reports the size needed in dwSize when dwSize fits. */
    if (out && out_size >= sizeof(DWORD) && out_size < sizeof(id))
        ((DEVICE_ID *)out)->dwSize = sizeof(id);
    return give(out, out_size, &id, sizeof(id), returned);
}

static void copy_name(WCHAR *to, size_t chars, const WCHAR *from)
{
    wcsncpy(to, from, chars - 1);
    to[chars - 1] = 0;
}

static BOOL get_processor_info(LPVOID out, DWORD out_size, LPDWORD returned)
{
    PROCESSOR_INFO info;
    SYSTEM_INFO si;
    memset(&info, 0, sizeof(info));
    GetNativeSystemInfo(&si);
    info.wVersion = 1;
    copy_name(info.szProcessCore, 40,
              si.wProcessorArchitecture == PROCESSOR_ARCHITECTURE_AMD64   ? L"x64"
              : si.wProcessorArchitecture == PROCESSOR_ARCHITECTURE_ARM64 ? L"ARM64"
              : si.wProcessorArchitecture == PROCESSOR_ARCHITECTURE_ARM   ? L"ARM"
                                                                          : L"x86");
    info.wCoreRevision = si.wProcessorLevel;
    info.wProcessorRevision = si.wProcessorRevision;
    info.dwInstructionSet = PROCESSOR_FLOATINGPOINT;
    HKEY key;
    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, L"HARDWARE\\DESCRIPTION\\System\\CentralProcessor\\0", 0,
                      KEY_QUERY_VALUE, &key) == ERROR_SUCCESS) {
        WCHAR text[100];
        DWORD size = sizeof(text) - sizeof(WCHAR), type, mhz;
        if (RegQueryValueExW(key, L"ProcessorNameString", NULL, &type, (BYTE *)text, &size) == ERROR_SUCCESS &&
            type == REG_SZ) {
            text[size / sizeof(WCHAR)] = 0;
            copy_name(info.szProcessorName, 40, text);
        }
        size = sizeof(text) - sizeof(WCHAR);
        if (RegQueryValueExW(key, L"VendorIdentifier", NULL, &type, (BYTE *)text, &size) == ERROR_SUCCESS &&
            type == REG_SZ) {
            text[size / sizeof(WCHAR)] = 0;
            copy_name(info.szVendor, 100, text);
        }
        size = sizeof(mhz);
        if (RegQueryValueExW(key, L"~MHz", NULL, &type, (BYTE *)&mhz, &size) == ERROR_SUCCESS &&
            type == REG_DWORD)
            info.dwClockSpeed = mhz;
        RegCloseKey(key);
    }
    return give(out, out_size, &info, sizeof(info), returned);
}

BOOL KernelIoControl(DWORD dwIoControlCode, LPVOID lpInBuf, DWORD nInBufSize, LPVOID lpOutBuf,
                     DWORD nOutBufSize, LPDWORD lpBytesReturned)
{
    (void)lpInBuf, (void)nInBufSize; /* none of these requests reads input */
    BOOL ok = FALSE;
    DWORD error = ERROR_SUCCESS;
    SetLastError(ERROR_SUCCESS);
    if (dwIoControlCode == IOCTL_HAL_GET_UUID) {
        BYTE uuid[16];
        machine_uuid(uuid);
        ok = give(lpOutBuf, nOutBufSize, uuid, sizeof(uuid), lpBytesReturned);
    } else if (dwIoControlCode == IOCTL_HAL_GET_DEVICEID) {
        ok = get_device_id(lpOutBuf, nOutBufSize, lpBytesReturned);
    } else if (dwIoControlCode == IOCTL_PROCESSOR_INFORMATION) {
        ok = get_processor_info(lpOutBuf, nOutBufSize, lpBytesReturned);
    } else {
        if (lpBytesReturned)
            *lpBytesReturned = 0;
        SetLastError(ERROR_NOT_SUPPORTED);
    }
    error = ok ? ERROR_SUCCESS : GetLastError();
    CESHIM_TRACE("KernelIoControl(0x%08lx, %p, %lu, %p, %lu) = %d", dwIoControlCode, lpInBuf, nInBufSize,
                 lpOutBuf, nOutBufSize, ok);
    SetLastError(error);
    return ok;
}

/* ---- winbase.h ----------------------------------------------------------------------------- */

BOOL WINAPI GetSystemPowerStatusEx(PSYSTEM_POWER_STATUS_EX pstatus, BOOL fUpdate)
{
    (void)fUpdate; /* the desktop's status is always current */
    SYSTEM_POWER_STATUS s;
    BOOL ok = FALSE;
    if (!pstatus) {
        SetLastError(ERROR_INVALID_PARAMETER);
    } else if (GetSystemPowerStatus(&s)) {
        memset(pstatus, 0, sizeof(*pstatus));
        pstatus->ACLineStatus = s.ACLineStatus;
        pstatus->BatteryFlag = s.BatteryFlag;
        pstatus->BatteryLifePercent = s.BatteryLifePercent;
        pstatus->BatteryLifeTime = s.BatteryLifeTime;
        pstatus->BatteryFullLifeTime = s.BatteryFullLifeTime;
        pstatus->BackupBatteryFlag = 0xFF;           /* BATTERY_FLAG_UNKNOWN */
        pstatus->BackupBatteryLifePercent = 0xFF;    /* BATTERY_PERCENTAGE_UNKNOWN */
        pstatus->BackupBatteryLifeTime = 0xFFFFFFFF; /* BATTERY_LIFE_UNKNOWN */
        pstatus->BackupBatteryFullLifeTime = 0xFFFFFFFF;
        ok = TRUE;
    }
    CESHIM_TRACE("GetSystemPowerStatusEx(%p, %d) = %d", (void *)pstatus, fUpdate, ok);
    return ok;
}

void WINAPI GetCurrentFT(LPFILETIME lpFileTime)
{
    if (lpFileTime)
        GetSystemTimeAsFileTime(lpFileTime);
}

/* xorshift64*, seeded once from the clock, the process and the thread;
 * shared by the process's threads without a lock (a lost update only
 * repeats a state, which a pseudo-random DWORD allows). */
DWORD WINAPI Random(void)
{
    static volatile LONG64 state;
    LONG64 s = state;
    if (s == 0) {
        LARGE_INTEGER now;
        QueryPerformanceCounter(&now);
        s = (LONG64)((unsigned long long)now.QuadPart ^ ((unsigned long long)GetCurrentProcessId() << 32) ^
                     GetCurrentThreadId() ^ 0x9E3779B97F4A7C15ULL);
        if (s == 0)
            s = 1;
    }
    unsigned long long x = (unsigned long long)s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    state = (LONG64)x;
    return (DWORD)((x * 0x2545F4914F6CDD1DULL) >> 32);
}

FARPROC WINAPI GetProcAddressW(HMODULE hModule, LPCWSTR lpProcName)
{
    if (IS_INTRESOURCE(lpProcName)) /* an ordinal */
        return GetProcAddress(hModule, (LPCSTR)lpProcName);
    char name[256];
    size_t i = 0;
    for (; lpProcName[i]; i++) {
        /* Export names are ASCII; anything else cannot name an export. */
        if (lpProcName[i] > 0x7F || i + 1 >= sizeof(name)) {
            SetLastError(ERROR_PROC_NOT_FOUND);
            return NULL;
        }
        name[i] = (char)lpProcName[i];
    }
    name[i] = 0;
    return GetProcAddress(hModule, name);
}

/* ---- SystemParametersInfo --------------------------------------------------------------------- */

/* uiParam: the buffer's size in bytes (CE sizes it with sizeof). */
static BOOL spi_string(const WCHAR *value, UINT uiParam, PVOID pvParam)
{
    DWORD bytes = (DWORD)((wcslen(value) + 1) * sizeof(WCHAR));
    if (!pvParam) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    if (uiParam < bytes) {
        SetLastError(ERROR_INSUFFICIENT_BUFFER);
        return FALSE;
    }
    memcpy(pvParam, value, bytes);
    return TRUE;
}

/* user32 is loaded here, not imported: ceshim.dll does not make every
 * program load it (a program calling SystemParametersInfo has it loaded). */
static FARPROC user32_proc(const char *name)
{
    HMODULE user32 = LoadLibraryW(L"user32.dll");
    return user32 ? GetProcAddress(user32, name) : NULL;
}

typedef BOOL(WINAPI *spi_fn)(UINT, UINT, PVOID, UINT);

static BOOL win32_spi(const char *name, UINT uiAction, UINT uiParam, PVOID pvParam, UINT fWinIni)
{
    spi_fn spi = (spi_fn)(void *)user32_proc(name);
    if (!spi) {
        SetLastError(ERROR_PROC_NOT_FOUND);
        return FALSE;
    }
    return spi(uiAction, uiParam, pvParam, fWinIni);
}

BOOL WINAPI CeShimSystemParametersInfoW(UINT uiAction, UINT uiParam, PVOID pvParam, UINT fWinIni)
{
    if (uiAction == SPI_GETPLATFORMTYPE)
        return spi_string(PLATFORM_TYPE, uiParam, pvParam);
    if (uiAction == SPI_GETOEMINFO)
        return spi_string(OEM_INFO, uiParam, pvParam);
    return win32_spi("SystemParametersInfoW", uiAction, uiParam, pvParam, fWinIni);
}

BOOL WINAPI CeShimSystemParametersInfoA(UINT uiAction, UINT uiParam, PVOID pvParam, UINT fWinIni)
{
    if (uiAction == SPI_GETPLATFORMTYPE || uiAction == SPI_GETOEMINFO) {
        const WCHAR *value = uiAction == SPI_GETPLATFORMTYPE ? PLATFORM_TYPE : OEM_INFO;
        char text[64];
        int bytes = WideCharToMultiByte(CP_ACP, 0, value, -1, text, sizeof(text), NULL, NULL);
        if (!pvParam) {
            SetLastError(ERROR_INVALID_PARAMETER);
            return FALSE;
        }
        if (bytes <= 0 || uiParam < (UINT)bytes) {
            SetLastError(ERROR_INSUFFICIENT_BUFFER);
            return FALSE;
        }
        memcpy(pvParam, text, (size_t)bytes);
        return TRUE;
    }
    return win32_spi("SystemParametersInfoA", uiAction, uiParam, pvParam, fWinIni);
}
