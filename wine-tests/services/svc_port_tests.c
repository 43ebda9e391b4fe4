/*
 * svc_port_tests.c - super services (a service loaded with
 * SERVICE_INIT_STOPPED): the host probes the service, binds its Accept
 * keys, tells it IOCTL_SERVICE_STARTED and hands it each accepted
 * connection; ServiceAddPort / ServiceClosePort / ServiceUnbindPorts, an
 * application's IOCTL_SERVICE_STOP / START, and unloading change the ports.
 * The test service greets each connection with TSVC_GREETING and closes it.
 */
#include <winsock2.h>
#include <ws2tcpip.h>

#include "svc_test.h"

#include <string.h>

#define CONNECTION_BOUND_MS 2000

/* ---- helpers ------------------------------------------------------------------ */

static void winsock_up(void)
{
    WSADATA data;
    REQUIRE(WSAStartup(MAKEWORD(2, 2), &data) == 0);
}

/* 127.0.0.1:port. */
static SOCKADDR_IN loopback(USHORT port)
{
    SOCKADDR_IN a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

/* A loopback port nobody listens on now. */
static USHORT free_port(void)
{
    SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
    SOCKADDR_IN a = loopback(0);
    int len = sizeof(a);
    USHORT port = 0;
    if (s != INVALID_SOCKET && !bind(s, (struct sockaddr *)&a, sizeof(a)) &&
        !getsockname(s, (struct sockaddr *)&a, &len))
        port = ntohs(a.sin_port);
    closesocket(s);
    CHECK_MSG(port != 0, "no free loopback port (WSA error %d)", WSAGetLastError());
    return port;
}

/* Connects to the port and reads until the peer closes: TRUE with the
 * greeting; FALSE (and *error, the connect's WSA error) if nobody listens. */
static BOOL greeted(USHORT port, int *error)
{
    SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
    SOCKADDR_IN a = loopback(port);
    char buf[64];
    int got = 0, n;
    *error = 0;
    if (s == INVALID_SOCKET || connect(s, (struct sockaddr *)&a, sizeof(a))) {
        *error = WSAGetLastError();
        closesocket(s);
        return FALSE;
    }
    DWORD timeout = CONNECTION_BOUND_MS;
    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, (const char *)&timeout, sizeof(timeout));
    while (got < (int)sizeof(buf) - 1 && (n = recv(s, buf + got, (int)sizeof(buf) - 1 - got, 0)) > 0)
        got += n;
    closesocket(s);
    buf[got] = 0;
    CHECK_STR_EQ(buf, TSVC_GREETING);
    return TRUE;
}

#define CHECK_GREETED(port)                                                                \
    do {                                                                                   \
        int e_ = 0;                                                                        \
        CHECK_MSG(greeted((port), &e_), "port %u: connect failed, WSA error %d", (port), e_); \
    } while (0)
#define CHECK_REFUSED(port)                                                                 \
    do {                                                                                    \
        int e_ = 0;                                                                         \
        CHECK_MSG(!greeted((port), &e_), "port %u still accepts connections", (port));      \
        CHECK_EQ(e_, WSAECONNREFUSED);                                                      \
    } while (0)

/* Writes <root>\<name>\Accept\<sub>: SockAddr 127.0.0.1:port, Protocol 0. */
static BOOL accept_key(const struct svc_test *t, const WCHAR *name, const WCHAR *sub, USHORT port)
{
    WCHAR key[256];
    HKEY k;
    SOCKADDR_IN a = loopback(port);
    DWORD protocol = 0;
    _snwprintf(key, 256, L"%ls\\%ls\\Accept\\%ls", t->root_key, name, sub);
    key[255] = 0;
    if (RegCreateKeyExW(HKEY_CURRENT_USER, key, 0, NULL, 0, KEY_ALL_ACCESS, NULL, &k, NULL))
        return FALSE;
    BOOL ok = !RegSetValueExW(k, L"SockAddr", 0, REG_BINARY, (const BYTE *)&a, sizeof(a)) &&
              !RegSetValueExW(k, L"Protocol", 0, REG_DWORD, (const BYTE *)&protocol, sizeof(protocol));
    RegCloseKey(k);
    return ok;
}

/* Waits (bounded) until the service has counted `want` connections. */
static void wait_connections(HANDLE h, DWORD want)
{
    struct tsvc_stats s;
    ULONGLONG until = cetest_now_ms() + CONNECTION_BOUND_MS;
    while (svc_test_stats(h, &s) && s.connections < want && cetest_now_ms() < until)
        Sleep(5);
    CHECK_EQ(s.connections, want);
}

/* ---- tests ---------------------------------------------------------------------- */

CETEST(services_ports, super_service_gets_its_accept_ports_and_connections)
{
    struct svc_test t;
    svc_test_begin(&t);
    winsock_up();
    USHORT p1 = free_port(), p2 = free_port();
    HANDLE h = INVALID_HANDLE_VALUE;
    if (CHECK(svc_test_config(&t, L"SuperA", L"tsa.dll", L"TSA", 0, ~0u, ~0u, SERVICE_INIT_STOPPED)) &&
        CHECK(accept_key(&t, L"SuperA", L"tcp", p1)) && (h = svc_test_open(L"TSA0:")) != INVALID_HANDLE_VALUE) {
        /* Boot: the probe, the Accept key, then STARTED. */
        struct tsvc_stats s;
        CHECK(svc_test_stats(h, &s));
        CHECK_EQ(s.sockaddr_probes, 1);
        CHECK_EQ(s.sockaddr_registers, 1);
        CHECK_EQ(s.last_port, p1);
        CHECK_EQ(s.started, 1);
        CHECK_GREETED(p1);
        wait_connections(h, 1);

        /* ServiceAddPort on the file handle, then ServiceClosePort (exact match only). */
        SOCKADDR_IN a2 = loopback(p2);
        SetLastError(0xdeadbeef);
        CHECK(ServiceAddPort(h, (struct sockaddr *)&a2, sizeof(a2), 0, NULL));
        CHECK_GREETED(p2);
        wait_connections(h, 2);
        CHECK(svc_test_stats(h, &s));
        CHECK_EQ(s.sockaddr_registers, 2);
        CHECK_EQ(s.last_port, p2);
        SetLastError(0xdeadbeef);
        CHECK(!ServiceClosePort(h, (struct sockaddr *)&a2, sizeof(a2), IPPROTO_TCP, FALSE));
        CHECK_EQ(GetLastError(), ERROR_SERVICE_CANNOT_ACCEPT_CTRL);
        SetLastError(0xdeadbeef);
        CHECK(ServiceClosePort(h, (struct sockaddr *)&a2, sizeof(a2), 0, FALSE));
        CHECK(svc_test_stats(h, &s));
        CHECK_EQ(s.sockaddr_deregisters, 1);
        CHECK_REFUSED(p2);

        /* An application's STOP unbinds every port; START binds the Accept keys again. */
        DWORD got = 0;
        CHECK(DeviceIoControl(h, IOCTL_SERVICE_STOP, NULL, 0, NULL, 0, &got, NULL));
        CHECK(svc_test_stats(h, &s));
        CHECK_EQ(s.deregister_all, 1);
        CHECK_REFUSED(p1);
        CHECK(DeviceIoControl(h, IOCTL_SERVICE_START, NULL, 0, NULL, 0, &got, NULL));
        CHECK_GREETED(p1);
        wait_connections(h, 3);

        SetLastError(0xdeadbeef);
        CHECK(ServiceUnbindPorts(h));
        CHECK(svc_test_stats(h, &s));
        CHECK_EQ(s.deregister_all, 2);
        CHECK_REFUSED(p1);
        CHECK(CloseHandle(h));
    }
    svc_test_end(&t);
    WSACleanup();
}

CETEST(services_ports, port_calls_check_their_arguments)
{
    struct svc_test t;
    svc_test_begin(&t);
    winsock_up();
    HANDLE super = INVALID_HANDLE_VALUE, plain = INVALID_HANDLE_VALUE;
    if (CHECK(svc_test_config(&t, L"SuperB", L"tsb.dll", L"TSB", 0, ~0u, ~0u, SERVICE_INIT_STOPPED)) &&
        CHECK(svc_test_config(&t, L"PlainC", L"tsc.dll", L"TSC", 0, ~0u, ~0u, ~0u)) &&
        (super = svc_test_open(L"TSB0:")) != INVALID_HANDLE_VALUE &&
        (plain = svc_test_open(L"TSC0:")) != INVALID_HANDLE_VALUE) {
        USHORT port = free_port();
        SOCKADDR_IN a = loopback(port);
        /* CE6+: the CE5 registry arguments are refused. */
        SetLastError(0xdeadbeef);
        CHECK(!ServiceAddPort(super, (struct sockaddr *)&a, sizeof(a), 0, L"Accept\\x"));
        CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
        SetLastError(0xdeadbeef);
        CHECK(!ServiceClosePort(super, (struct sockaddr *)&a, sizeof(a), 0, TRUE));
        CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
        /* Only AF_INET and AF_INET6, each of its own size. */
        SetLastError(0xdeadbeef);
        CHECK(!ServiceAddPort(super, (struct sockaddr *)&a, sizeof(a) - 1, 0, NULL));
        CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
        SOCKADDR_IN other = a;
        other.sin_family = AF_UNSPEC;
        SetLastError(0xdeadbeef);
        CHECK(!ServiceAddPort(super, (struct sockaddr *)&other, sizeof(other), 0, NULL));
        CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
        SetLastError(0xdeadbeef);
        CHECK(!ServiceAddPort(super, NULL, sizeof(a), 0, NULL));
        CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
        /* Not a super service. */
        SetLastError(0xdeadbeef);
        CHECK(!ServiceAddPort(plain, (struct sockaddr *)&a, sizeof(a), 0, NULL));
        CHECK_EQ(GetLastError(), ERROR_SERVICE_CANNOT_ACCEPT_CTRL);
        SetLastError(0xdeadbeef);
        CHECK(!ServiceUnbindPorts(plain));
        CHECK_EQ(GetLastError(), ERROR_SERVICE_CANNOT_ACCEPT_CTRL);
        /* Not a service handle. */
        SetLastError(0xdeadbeef);
        CHECK(!ServiceUnbindPorts(GetCurrentProcess()));
        CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
        /* A port the service refuses is not bound. */
        DWORD refuse = 1, got = 0;
        CHECK(DeviceIoControl(super, TSVC_SET_REFUSE_PORTS, &refuse, sizeof(refuse), NULL, 0, &got, NULL));
        SetLastError(0xdeadbeef);
        CHECK(!ServiceAddPort(super, (struct sockaddr *)&a, sizeof(a), 0, NULL));
        CHECK_EQ(GetLastError(), ERROR_SERVICE_CANNOT_ACCEPT_CTRL);
        CHECK_REFUSED(port);
    }
    if (super != INVALID_HANDLE_VALUE)
        CHECK(CloseHandle(super));
    if (plain != INVALID_HANDLE_VALUE)
        CHECK(CloseHandle(plain));
    svc_test_end(&t);
    WSACleanup();
}

CETEST(services_ports, unloading_a_super_service_closes_its_ports)
{
    struct svc_test t;
    svc_test_begin(&t);
    winsock_up();
    USHORT port = free_port();
    HANDLE other = INVALID_HANDLE_VALUE;
    /* Configured after the host booted, and loaded with ActivateService. */
    if (CHECK(svc_test_config(&t, L"PlainE", L"tse.dll", L"TSE", 0, ~0u, ~0u, ~0u)) &&
        (other = svc_test_open(L"TSE0:")) != INVALID_HANDLE_VALUE &&
        CHECK(svc_test_config(&t, L"SuperD", L"tsd.dll", L"TSD", 0, ~0u, ~0u, SERVICE_INIT_STOPPED)) &&
        CHECK(accept_key(&t, L"SuperD", L"one", port))) {
        SetLastError(0xdeadbeef);
        HANDLE svc = ActivateService(L"SuperD", 0);
        CHECK_MSG(svc != NULL, "ActivateService(SuperD) failed, error %lu", GetLastError());
        if (svc) {
            CHECK_GREETED(port);
            SetLastError(0xdeadbeef);
            CHECK(DeregisterService(svc));
            CHECK_REFUSED(port);
        }
    }
    if (other != INVALID_HANDLE_VALUE)
        CHECK(CloseHandle(other));
    svc_test_end(&t);
    WSACleanup();
}
