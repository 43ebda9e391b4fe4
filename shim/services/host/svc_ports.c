/*
 * svc_ports.c - super-services: ports the host listens on for a service
 * (CE's SERVICE_INIT_STOPPED mode). For each port the host binds and
 * listens, tells the service (IOCTL_SERVICE_REGISTER_SOCKADDR), accepts
 * connections and hands each accepted SOCKET to it
 * (IOCTL_SERVICE_CONNECTION); the service owns the socket from then on.
 *
 * Start (after xxx_Init): REGISTER_SOCKADDR with NULL (FALSE: not a super
 * service, no ports), then each Accept\<any> key (SockAddr, Protocol),
 * then IOCTL_SERVICE_STARTED. ServiceAddPort / ServiceClosePort /
 * ServiceUnbindPorts add and remove ports; an application's successful
 * IOCTL_SERVICE_STOP unbinds them all, IOCTL_SERVICE_START binds the
 * Accept keys again; unloading unbinds before xxx_Deinit, once no port
 * call is in flight (svc->ports lives from load until then).
 */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <string.h>

#include <service.h>

#include "services/common/svc_config.h"
#include "services/host/svc_host.h"

#define PORTS_MAX 16
#define SOCKADDR_MAX 28 /* sizeof(SOCKADDR_IN6) */

struct svc_port {
    struct svc_service *svc;
    SOCKET listener;
    WSAEVENT accept_event;
    HANDLE stop, thread;
    BYTE addr[SOCKADDR_MAX];
    int len, protocol;
};

struct svc_ports {
    SRWLOCK lock;
    struct svc_port *port[PORTS_MAX];
};

static INIT_ONCE wsa_once = INIT_ONCE_STATIC_INIT;

static BOOL CALLBACK wsa_start(PINIT_ONCE once, PVOID param, PVOID *ctx)
{
    (void)once;
    (void)param;
    (void)ctx;
    WSADATA data;
    return WSAStartup(MAKEWORD(2, 2), &data) == 0;
}

static BOOL tell(struct svc_service *svc, DWORD code, const void *in, DWORD in_len)
{
    DWORD got = 0;
    return svc->ioctl && svc->ioctl(svc->init_ctx, code, (PBYTE)in, in_len, NULL, 0, &got);
}

/* Accepts until stopped; each connection goes to the service, which owns it
 * from then on (closed here only if the service refuses it). */
static DWORD WINAPI accept_thread(void *arg)
{
    struct svc_port *p = arg;
    HANDLE waits[2] = { p->stop, p->accept_event };
    while (WaitForMultipleObjects(2, waits, FALSE, INFINITE) == WAIT_OBJECT_0 + 1) {
        WSAResetEvent(p->accept_event);
        for (;;) {
            SOCKET s = accept(p->listener, NULL, NULL);
            if (s == INVALID_SOCKET)
                break; /* WSAEWOULDBLOCK: all taken */
            /* An accepted socket inherits the listener's event selection and
             * non-blocking mode; the service gets a plain blocking socket. */
            u_long blocking = 0;
            WSAEventSelect(s, NULL, 0);
            ioctlsocket(s, FIONBIO, &blocking);
            SOCKET copy = s;
            if (!tell(p->svc, IOCTL_SERVICE_CONNECTION, &copy, sizeof(copy)))
                closesocket(s);
        }
    }
    return 0;
}

static void port_free(struct svc_port *p)
{
    if (p->thread) {
        SetEvent(p->stop);
        WaitForSingleObject(p->thread, INFINITE);
        CloseHandle(p->thread);
    }
    if (p->listener != INVALID_SOCKET)
        closesocket(p->listener);
    if (p->accept_event != WSA_INVALID_EVENT)
        WSACloseEvent(p->accept_event);
    if (p->stop)
        CloseHandle(p->stop);
    HeapFree(GetProcessHeap(), 0, p);
}

/* CE6+ takes AF_INET and AF_INET6 addresses of exactly their size. */
static BOOL address_ok(const BYTE *addr, int len)
{
    if (!addr || len < (int)sizeof(short))
        return FALSE;
    short family;
    memcpy(&family, addr, sizeof(family));
    return (family == AF_INET && len == (int)sizeof(SOCKADDR_IN)) ||
           (family == AF_INET6 && len == (int)sizeof(SOCKADDR_IN6));
}

DWORD svc_ports_add(struct svc_service *svc, const BYTE *addr, int len, int protocol)
{
    struct svc_ports *ps = svc->ports;
    if (!ps)
        return ERROR_SERVICE_CANNOT_ACCEPT_CTRL;
    if (!address_ok(addr, len))
        return ERROR_INVALID_PARAMETER;
    short family;
    memcpy(&family, addr, sizeof(family));
    struct svc_port *p = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*p));
    if (!p)
        return ERROR_OUTOFMEMORY;
    p->svc = svc;
    p->len = len;
    p->protocol = protocol;
    memcpy(p->addr, addr, len);
    p->accept_event = WSACreateEvent();
    p->stop = CreateEventW(NULL, TRUE, FALSE, NULL);
    p->listener = socket(family, SOCK_STREAM, protocol);
    DWORD err = ERROR_SUCCESS;
    if (p->listener == INVALID_SOCKET || p->accept_event == WSA_INVALID_EVENT || !p->stop ||
        bind(p->listener, (const struct sockaddr *)p->addr, len) || listen(p->listener, SOMAXCONN) ||
        WSAEventSelect(p->listener, p->accept_event, FD_ACCEPT))
        err = (DWORD)WSAGetLastError();
    else if (!tell(svc, IOCTL_SERVICE_REGISTER_SOCKADDR, p->addr, (DWORD)len))
        err = ERROR_SERVICE_CANNOT_ACCEPT_CTRL; /* the service refuses the address */
    else if (!(p->thread = CreateThread(NULL, 0, accept_thread, p, 0, NULL)))
        err = GetLastError();
    if (!err) {
        AcquireSRWLockExclusive(&ps->lock);
        int slot = 0;
        while (slot < PORTS_MAX && ps->port[slot])
            slot++;
        if (slot < PORTS_MAX)
            ps->port[slot] = p;
        ReleaseSRWLockExclusive(&ps->lock);
        if (slot < PORTS_MAX)
            return ERROR_SUCCESS;
        err = ERROR_TOO_MANY_OPEN_FILES;
    }
    if (err != ERROR_SERVICE_CANNOT_ACCEPT_CTRL && p->thread) /* it had been told */
        tell(svc, IOCTL_SERVICE_DEREGISTER_SOCKADDR, p->addr, (DWORD)len);
    svc_host_log("%.3ls: cannot listen on a port (error %lu)", svc->device, (unsigned long)err);
    port_free(p);
    return err;
}

/* Binds every Accept\<any> key of the service's configuration. */
static void bind_accept_keys(struct svc_service *svc)
{
    svc_accept_port ports[PORTS_MAX];
    DWORD n = svc->key[0] ? svc_config_accept_ports(svc->key, ports, PORTS_MAX) : 0;
    for (DWORD i = 0; i < n; i++)
        svc_ports_add(svc, ports[i].addr, (int)ports[i].len, (int)ports[i].protocol);
}

void svc_ports_start(struct svc_service *svc)
{
    if (!(svc->context & SERVICE_INIT_STOPPED) || !InitOnceExecuteOnce(&wsa_once, wsa_start, NULL, NULL))
        return;
    if (!tell(svc, IOCTL_SERVICE_REGISTER_SOCKADDR, NULL, 0))
        return; /* not a super service: no ports */
    struct svc_ports *ps = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*ps));
    if (!ps)
        return;
    InitializeSRWLock(&ps->lock);
    svc->ports = ps;
    bind_accept_keys(svc);
    tell(svc, IOCTL_SERVICE_STARTED, NULL, 0);
}

DWORD svc_ports_close(struct svc_service *svc, const BYTE *addr, int len, int protocol)
{
    struct svc_ports *ps = svc->ports;
    struct svc_port *found = NULL;
    if (!ps)
        return ERROR_SERVICE_CANNOT_ACCEPT_CTRL;
    AcquireSRWLockExclusive(&ps->lock);
    for (int i = 0; i < PORTS_MAX && !found; i++) {
        struct svc_port *p = ps->port[i];
        if (p && p->len == len && p->protocol == protocol && memcmp(p->addr, addr, len) == 0) {
            found = p;
            ps->port[i] = NULL;
        }
    }
    ReleaseSRWLockExclusive(&ps->lock);
    if (!found)
        return ERROR_SERVICE_CANNOT_ACCEPT_CTRL; /* CE wants an exact match */
    BYTE copy[SOCKADDR_MAX];
    memcpy(copy, found->addr, len);
    port_free(found);
    tell(svc, IOCTL_SERVICE_DEREGISTER_SOCKADDR, copy, (DWORD)len);
    return ERROR_SUCCESS;
}

DWORD svc_ports_unbind(struct svc_service *svc)
{
    struct svc_ports *ps = svc->ports;
    if (!ps)
        return ERROR_SERVICE_CANNOT_ACCEPT_CTRL;
    struct svc_port *taken[PORTS_MAX];
    AcquireSRWLockExclusive(&ps->lock);
    memcpy(taken, ps->port, sizeof(taken));
    memset(ps->port, 0, sizeof(ps->port));
    ReleaseSRWLockExclusive(&ps->lock);
    for (int i = 0; i < PORTS_MAX; i++)
        if (taken[i])
            port_free(taken[i]);
    tell(svc, IOCTL_SERVICE_DEREGISTER_SOCKADDR, NULL, 0);
    return ERROR_SUCCESS;
}

void svc_ports_after_control(struct svc_service *svc, DWORD code)
{
    if (!svc->ports)
        return;
    if (code == IOCTL_SERVICE_STOP)
        svc_ports_unbind(svc);
    else if (code == IOCTL_SERVICE_START)
        bind_accept_keys(svc);
}

void svc_ports_end(struct svc_service *svc)
{
    if (!svc->ports)
        return;
    svc_ports_unbind(svc);
    HeapFree(GetProcessHeap(), 0, svc->ports);
    svc->ports = NULL;
}
