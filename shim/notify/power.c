/*
 * power.c - RequestPowerNotifications, StopPowerNotifications (spec 4.4),
 * the desktop's power events turned into CE's, and CeShimInjectPowerEvent.
 *
 * Each message is sizeof(POWER_BROADCAST) + Length bytes (the bytes past
 * the data are zero). A process with a power registration runs one watcher
 * thread: a hidden top-level window receives WM_POWERBROADCAST (suspend,
 * resume, AC/battery changes) and GetSystemPowerStatus is polled every 2 s
 * (changes the window does not report, e.g. under Wine). The desktop
 * delivers those events to every process, so each watcher delivers to its
 * own process's queues only; an injected event goes to every process's.
 */
#include <ceshim.h>
#include <pm.h>

#include <string.h>
#include <wchar.h>

#include "common/process.h"
#include "common/trace.h"
#include "notify/notif_local.h"
#include "notify/power_apm.h"

_Static_assert(sizeof(POWER_BROADCAST) == 16 && offsetof(POWER_BROADCAST, SystemPowerState) == 12,
               "POWER_BROADCAST as on CE");
_Static_assert(sizeof(POWER_BROADCAST_POWER_INFO) == 28, "POWER_BROADCAST_POWER_INFO as on CE");

#define POLL_MS 2000
#define MAX_DATA (MAX_PATH * sizeof(WCHAR))

/* The one delivery path of real and injected events. */
static BOOL deliver(DWORD message, DWORD flags, const void *data, DWORD length, uint32_t only_pid)
{
    union {
        POWER_BROADCAST pb;
        BYTE bytes[sizeof(POWER_BROADCAST) + MAX_DATA];
    } msg;
    static struct notif_target targets[NOTIF_MAX_REGS];
    static SRWLOCK targets_lock = SRWLOCK_INIT;
    memset(&msg, 0, sizeof(msg));
    msg.pb.Message = message;
    msg.pb.Flags = flags;
    msg.pb.Length = length;
    if (length)
        memcpy(msg.pb.SystemPowerState, data, length);

    BOOL order = notif_order_begin();
    if (!only_pid)
        notif_sweep();
    AcquireSRWLockExclusive(&targets_lock);
    size_t count = 0;
    DWORD error = notif_power_targets(message, only_pid, targets, &count);
    for (size_t i = 0; i < count; i++)
        notif_send(targets[i].base, &msg, (DWORD)(sizeof(POWER_BROADCAST) + length));
    ReleaseSRWLockExclusive(&targets_lock);
    notif_order_end(order);
    SetLastError(error);
    return error == ERROR_SUCCESS;
}

static void power_info(const SYSTEM_POWER_STATUS *s, POWER_BROADCAST_POWER_INFO *pi)
{
    memset(pi, 0, sizeof(*pi));
    pi->dwNumLevels = 0; /* the desktop does not say */
    pi->dwBatteryLifeTime = s->BatteryLifeTime;
    pi->dwBatteryFullLifeTime = s->BatteryFullLifeTime;
    pi->dwBackupBatteryLifeTime = 0xFFFFFFFF; /* BATTERY_LIFE_UNKNOWN: no backup battery */
    pi->dwBackupBatteryFullLifeTime = 0xFFFFFFFF;
    pi->bACLineStatus = s->ACLineStatus;     /* same values on CE and desktop */
    pi->bBatteryFlag = s->BatteryFlag;
    pi->bBatteryLifePercent = s->BatteryLifePercent;
    pi->bBackupBatteryFlag = 0xFF;           /* BATTERY_FLAG_UNKNOWN */
    pi->bBackupBatteryLifePercent = 0xFF;    /* BATTERY_PERCENTAGE_UNKNOWN */
}

/* ---- the watcher ------------------------------------------------------------------ */

static SYSTEM_POWER_STATUS last_status;
static BOOL have_status, suspended;

static void send_state(DWORD message, DWORD flags, const WCHAR *state)
{
    DWORD length = state ? (DWORD)((wcslen(state) + 1) * sizeof(WCHAR)) : 0;
    deliver(message, flags, state, length, ceshim_self_pid());
}

/* Turns a change of AC or battery status into PBT_POWERSTATUSCHANGE (AC
 * line switched) and PBT_POWERINFOCHANGE (anything changed). */
static void check_status(void)
{
    SYSTEM_POWER_STATUS s;
    if (!GetSystemPowerStatus(&s))
        return;
    BOOL had = have_status;
    SYSTEM_POWER_STATUS old = last_status;
    last_status = s;
    have_status = TRUE;
    if (!had || notif_local_count(NOTIF_KIND_POWER) == 0)
        return;
    if (old.ACLineStatus != s.ACLineStatus)
        deliver(PBT_POWERSTATUSCHANGE, 0, NULL, 0, ceshim_self_pid());
    if (old.ACLineStatus != s.ACLineStatus || old.BatteryFlag != s.BatteryFlag ||
        old.BatteryLifePercent != s.BatteryLifePercent || old.BatteryLifeTime != s.BatteryLifeTime ||
        old.BatteryFullLifeTime != s.BatteryFullLifeTime) {
        POWER_BROADCAST_POWER_INFO pi;
        power_info(&s, &pi);
        deliver(PBT_POWERINFOCHANGE, 0, &pi, sizeof(pi), ceshim_self_pid());
    }
}

static LRESULT(WINAPI *def_window_proc)(HWND, UINT, WPARAM, LPARAM);

static LRESULT CALLBACK window_proc(HWND hwnd, UINT msg, WPARAM wparam, LPARAM lparam)
{
    if (msg != WM_POWERBROADCAST)
        return def_window_proc(hwnd, msg, wparam, lparam);
    struct ceshim_power_event ev[2];
    BOOL status;
    int n = ceshim_power_from_apm(wparam, &suspended, ev, &status);
    for (int i = 0; i < n; i++)
        send_state(ev[i].message, ev[i].flags, ev[i].state);
    if (status)
        check_status();
    return TRUE;
}

static DWORD WINAPI watcher(LPVOID arg)
{
    (void)arg;
    /* Wine sends no power broadcasts, and a first window starts its desktop
     * process (explorer.exe), which keeps the caller's stdout open: ctest
     * would then wait for it. So under Wine: poll only. user32 is loaded
     * here, not imported: programs that never ask for power notifications
     * don't pay for it. */
    HMODULE user32 = ceshim_under_wine() ? NULL : LoadLibraryW(L"user32.dll");
    ATOM(WINAPI * register_class)(const WNDCLASSW *) = NULL;
    HWND(WINAPI * create_window)(DWORD, LPCWSTR, LPCWSTR, DWORD, int, int, int, int, HWND, HMENU, HINSTANCE,
                                 LPVOID) = NULL;
    DWORD(WINAPI * msg_wait)(DWORD, const HANDLE *, BOOL, DWORD, DWORD) = NULL;
    BOOL(WINAPI * peek)(LPMSG, HWND, UINT, UINT, UINT) = NULL;
    LRESULT(WINAPI * dispatch)(const MSG *) = NULL;
    if (user32) {
        register_class = (ATOM(WINAPI *)(const WNDCLASSW *))(void *)GetProcAddress(user32, "RegisterClassW");
        create_window = (HWND(WINAPI *)(DWORD, LPCWSTR, LPCWSTR, DWORD, int, int, int, int, HWND, HMENU,
                                        HINSTANCE, LPVOID))(void *)GetProcAddress(user32, "CreateWindowExW");
        msg_wait = (DWORD(WINAPI *)(DWORD, const HANDLE *, BOOL, DWORD, DWORD))(void *)GetProcAddress(
            user32, "MsgWaitForMultipleObjects");
        peek = (BOOL(WINAPI *)(LPMSG, HWND, UINT, UINT, UINT))(void *)GetProcAddress(user32, "PeekMessageW");
        dispatch = (LRESULT(WINAPI *)(const MSG *))(void *)GetProcAddress(user32, "DispatchMessageW");
        def_window_proc = (LRESULT(WINAPI *)(HWND, UINT, WPARAM, LPARAM))(void *)GetProcAddress(
            user32, "DefWindowProcW");
    }
    HWND hwnd = NULL;
    if (register_class && create_window && msg_wait && peek && dispatch && def_window_proc) {
        WNDCLASSW wc;
        memset(&wc, 0, sizeof(wc));
        wc.lpfnWndProc = window_proc;
        wc.hInstance = GetModuleHandleW(NULL);
        wc.lpszClassName = L"ceshim.1.power";
        /* Top-level but never shown: message-only windows get no broadcasts. */
        if (register_class(&wc))
            hwnd = create_window(0, wc.lpszClassName, L"", WS_POPUP, 0, 0, 0, 0, NULL, NULL, wc.hInstance, NULL);
    }
    check_status();
    for (;;) {
        if (hwnd) {
            msg_wait(0, NULL, FALSE, POLL_MS, QS_ALLINPUT);
            MSG m;
            while (peek(&m, NULL, 0, 0, PM_REMOVE))
                dispatch(&m);
        } else {
            Sleep(POLL_MS); /* Wine, or no window station: poll only */
        }
        check_status();
    }
    return 0;
}

static BOOL CALLBACK start_watcher(PINIT_ONCE once, PVOID param, PVOID *context)
{
    (void)once, (void)param, (void)context;
    /* The thread runs for the process's life: keep its code loaded. */
    HMODULE self;
    GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_PIN,
                       (LPCWSTR)(void *)watcher, &self);
    HANDLE t = CreateThread(NULL, 64 * 1024, watcher, NULL, STACK_SIZE_PARAM_IS_A_RESERVATION, NULL);
    if (t)
        CloseHandle(t);
    return TRUE;
}

/* ---- the API ------------------------------------------------------------------------- */

HANDLE RequestPowerNotifications(HANDLE hMsgQ, DWORD Flags)
{
    static INIT_ONCE watcher_once = INIT_ONCE_STATIC_INIT;
    HANDLE result = NULL;
    if (!hMsgQ || !Flags) {
        SetLastError(ERROR_INVALID_PARAMETER);
    } else {
        result = notif_register(NOTIF_KIND_POWER, hMsgQ, NULL, Flags, NULL, NULL, NULL);
        if (result) {
            DWORD saved = GetLastError();
            InitOnceExecuteOnce(&watcher_once, start_watcher, NULL, NULL);
            SetLastError(saved);
        }
    }
    CESHIM_TRACE("RequestPowerNotifications(%p, 0x%lx) = %p", hMsgQ, Flags, result);
    return result;
}

DWORD StopPowerNotifications(HANDLE h)
{
    DWORD result = notif_unregister(h, NOTIF_KIND_POWER) ? ERROR_SUCCESS : ERROR_INVALID_HANDLE;
    SetLastError(result);
    CESHIM_TRACE("StopPowerNotifications(%p) = %lu", h, result);
    return result;
}

BOOL WINAPI CeShimInjectPowerEvent(DWORD Message, DWORD Flags, LPCWSTR stateName)
{
    BOOL ok = FALSE;
    size_t chars = stateName ? wcslen(stateName) : 0;
    if (!Message || chars >= MAX_PATH) {
        SetLastError(ERROR_INVALID_PARAMETER);
    } else if (!stateName && Message == PBT_POWERINFOCHANGE) {
        SYSTEM_POWER_STATUS s;
        POWER_BROADCAST_POWER_INFO pi;
        if (!GetSystemPowerStatus(&s))
            memset(&s, 0xFF, sizeof(s)); /* all unknown */
        power_info(&s, &pi);
        ok = deliver(Message, Flags, &pi, sizeof(pi), 0);
    } else {
        ok = deliver(Message, Flags, stateName, stateName ? (DWORD)((chars + 1) * sizeof(WCHAR)) : 0, 0);
    }
    CESHIM_TRACE("CeShimInjectPowerEvent(0x%lx, 0x%lx, %s%ls%s) = %d", Message, Flags, stateName ? "L\"" : "",
                 stateName ? stateName : L"NULL", stateName ? "\"" : "", ok);
    return ok;
}
