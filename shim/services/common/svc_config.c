/*
 * svc_config.c - CE service configuration in the desktop registry (see
 * svc_config.h). Plain Win32 and the C runtime only: it is compiled into
 * ceshim.dll, ceservices.exe and the tests alike.
 *
 * Every public function keeps the thread's last error: the client calls it
 * from inside CE API implementations that set their own.
 */
#include "svc_config.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define ROOT_PATH_MAX 128         /* chars, NUL included (svc_config.root_path) */
#define VALUE_BYTES_MAX 65536u    /* larger string values are refused unread */
#define KEY_PATH_MAX (ROOT_PATH_MAX + SVC_NAME_MAX)

static const WCHAR default_path[] = L"Services";
static const WCHAR instance_path_head[] = L"Software\\ceshim\\Instances\\";
static const WCHAR instance_path_tail[] = L"\\Services";

/* The roots in search order, with their paths in the caller's storage. */
struct roots {
    int count;
    HKEY keys[2];
    WCHAR paths[2][ROOT_PATH_MAX];
};

static BOOL is_word_char(WCHAR c)
{
    return (c >= L'A' && c <= L'Z') || (c >= L'a' && c <= L'z') || (c >= L'0' && c <= L'9') || c == L'_' ||
           c == L'-';
}

BOOL svc_instance_word(WCHAR *out)
{
    DWORD saved = GetLastError();
    /* One char of room beyond the limit tells "33 chars" from "fits". */
    WCHAR buf[SVC_INSTANCE_MAX + 1];
    DWORD n = GetEnvironmentVariableW(L"CESHIM_SERVICES_INSTANCE", buf, SVC_INSTANCE_MAX + 1);
    BOOL ok = n > 0 && n < SVC_INSTANCE_MAX;
    for (DWORD i = 0; ok && i < n; i++)
        ok = is_word_char(buf[i]);
    if (ok)
        memcpy(out, buf, (n + 1) * sizeof(WCHAR));
    else
        out[0] = 0;
    SetLastError(saved);
    return ok;
}

static void get_roots(struct roots *r)
{
    WCHAR word[SVC_INSTANCE_MAX];
    if (svc_instance_word(word)) {
        /* Fits: 25 + 32 + 9 chars < ROOT_PATH_MAX. */
        r->count = 1;
        r->keys[0] = HKEY_CURRENT_USER;
        wcscpy(r->paths[0], instance_path_head);
        wcscat(r->paths[0], word);
        wcscat(r->paths[0], instance_path_tail);
        return;
    }
    r->count = 2;
    r->keys[0] = HKEY_CURRENT_USER;
    r->keys[1] = HKEY_LOCAL_MACHINE;
    wcscpy(r->paths[0], default_path);
    wcscpy(r->paths[1], default_path);
}

/* Instance paths handed out by svc_config_roots, each kept for the life of
 * the process (one per instance word ever seen: a handful), so a pointer
 * stays valid even while another thread asks with another word. */
struct interned {
    struct interned *next;
    WCHAR text[ROOT_PATH_MAX];
};
static SRWLOCK interned_lock = SRWLOCK_INIT;
static struct interned *interned_head;
static WCHAR interned_fallback[ROOT_PATH_MAX]; /* only when out of memory */

static const WCHAR *intern(const WCHAR *text)
{
    AcquireSRWLockExclusive(&interned_lock);
    struct interned *it = interned_head;
    while (it && wcscmp(it->text, text) != 0)
        it = it->next;
    if (!it && (it = HeapAlloc(GetProcessHeap(), 0, sizeof(*it))) != NULL) {
        wcscpy(it->text, text);
        it->next = interned_head;
        interned_head = it;
    }
    const WCHAR *result = it ? it->text : wcscpy(interned_fallback, text);
    ReleaseSRWLockExclusive(&interned_lock);
    return result;
}

int svc_config_roots(HKEY roots[2], const WCHAR *paths[2])
{
    struct roots r;
    get_roots(&r);
    for (int i = 0; i < r.count; i++) {
        roots[i] = r.keys[i];
        paths[i] = wcscmp(r.paths[i], default_path) == 0 ? default_path : intern(r.paths[i]);
    }
    return r.count;
}

static BOOL valid_name(const WCHAR *name)
{
    if (!name || !name[0])
        return FALSE;
    size_t len = wcsnlen(name, SVC_NAME_MAX);
    return len < SVC_NAME_MAX && wcschr(name, L'\\') == NULL;
}

/* "<root path>\<name>" into out (KEY_PATH_MAX chars). */
static void key_path(WCHAR *out, const WCHAR *root_path, const WCHAR *name)
{
    wcscpy(out, root_path);
    wcscat(out, L"\\");
    wcscat(out, name);
}

/* A REG_SZ or REG_EXPAND_SZ value (expanded) into out, cch chars with the
 * NUL. ERROR_SUCCESS; ERROR_FILE_NOT_FOUND when absent;
 * ERROR_INVALID_DATATYPE for another type; ERROR_MORE_DATA when it does
 * not fit (with truncate, out then holds the first cch - 1 chars and the
 * result is ERROR_SUCCESS); ERROR_OUTOFMEMORY. Registry data need not end
 * in NUL: it is terminated here. */
static DWORD read_string(HKEY key, const WCHAR *value, WCHAR *out, DWORD cch, BOOL truncate)
{
    out[0] = 0;
    HANDLE heap = GetProcessHeap();
    /* The value may grow between sizing and reading: try again then. */
    for (int attempt = 0; attempt < 4; attempt++) {
        DWORD type = 0, bytes = 0;
        LONG rc = RegQueryValueExW(key, value, NULL, &type, NULL, &bytes);
        if (rc != ERROR_SUCCESS)
            return (DWORD)rc;
        if (type != REG_SZ && type != REG_EXPAND_SZ)
            return ERROR_INVALID_DATATYPE;
        if (bytes > VALUE_BYTES_MAX)
            return ERROR_MORE_DATA;
        DWORD raw_chars = bytes / sizeof(WCHAR) + 1;
        WCHAR *raw = HeapAlloc(heap, 0, raw_chars * sizeof(WCHAR));
        if (!raw)
            return ERROR_OUTOFMEMORY;
        DWORD got = bytes;
        rc = RegQueryValueExW(key, value, NULL, &type, (BYTE *)raw, &got);
        if (rc == ERROR_MORE_DATA) {
            HeapFree(heap, 0, raw);
            continue;
        }
        if (rc != ERROR_SUCCESS || (type != REG_SZ && type != REG_EXPAND_SZ)) {
            HeapFree(heap, 0, raw);
            return rc != ERROR_SUCCESS ? (DWORD)rc : ERROR_INVALID_DATATYPE;
        }
        raw[got / sizeof(WCHAR)] = 0;

        const WCHAR *text = raw;
        WCHAR *expanded = NULL;
        if (type == REG_EXPAND_SZ) {
            DWORD need = ExpandEnvironmentStringsW(raw, NULL, 0);
            if (need == 0 || (expanded = HeapAlloc(heap, 0, (need + 1) * sizeof(WCHAR))) == NULL) {
                HeapFree(heap, 0, raw);
                return ERROR_OUTOFMEMORY;
            }
            DWORD done = ExpandEnvironmentStringsW(raw, expanded, need + 1);
            expanded[done && done <= need + 1 ? done - 1 : 0] = 0;
            text = expanded;
        }
        size_t len = wcslen(text);
        DWORD result = ERROR_SUCCESS;
        if (len >= cch) {
            result = truncate ? ERROR_SUCCESS : ERROR_MORE_DATA;
            len = truncate ? cch - 1 : 0;
        }
        memcpy(out, text, len * sizeof(WCHAR));
        out[len] = 0;
        HeapFree(heap, 0, expanded);
        HeapFree(heap, 0, raw);
        return result;
    }
    return ERROR_MORE_DATA;
}

/* A REG_DWORD value of exactly 4 bytes. ERROR_SUCCESS, ERROR_FILE_NOT_FOUND
 * when absent, ERROR_INVALID_DATATYPE for any other type or size. */
static DWORD read_dword(HKEY key, const WCHAR *value, DWORD *out)
{
    BYTE data[8];
    DWORD type = 0, bytes = sizeof(data);
    LONG rc = RegQueryValueExW(key, value, NULL, &type, data, &bytes);
    if (rc == ERROR_FILE_NOT_FOUND)
        return ERROR_FILE_NOT_FOUND;
    if (rc != ERROR_SUCCESS || type != REG_DWORD || bytes != sizeof(DWORD))
        return ERROR_INVALID_DATATYPE;
    memcpy(out, data, sizeof(DWORD));
    return ERROR_SUCCESS;
}

static DWORD dword_or(HKEY key, const WCHAR *value, DWORD fallback)
{
    DWORD v;
    return read_dword(key, value, &v) == ERROR_SUCCESS ? v : fallback;
}

/* A prefix is what goes before the index in "XXXn:": three characters, none
 * of which would make that name ambiguous or a path. */
static BOOL valid_prefix(const WCHAR *p)
{
    if (wcslen(p) != 3)
        return FALSE;
    for (int i = 0; i < 3; i++)
        if (p[i] <= L' ' || p[i] == L':' || p[i] == L'\\' || p[i] == L'/')
            return FALSE;
    return TRUE;
}

/* <root>\<root_path>\<name> into out. ERROR_FILE_NOT_FOUND when that key
 * does not exist; ERROR_INVALID_PARAMETER for a bad required value;
 * ERROR_OUTOFMEMORY; another registry error opening the key. */
static DWORD read_from(HKEY root, const WCHAR *root_path, const WCHAR *name, svc_config *out)
{
    WCHAR path[KEY_PATH_MAX];
    key_path(path, root_path, name);
    HKEY key;
    LONG rc = RegOpenKeyExW(root, path, 0, KEY_QUERY_VALUE, &key);
    if (rc != ERROR_SUCCESS)
        return rc == ERROR_PATH_NOT_FOUND ? ERROR_FILE_NOT_FOUND : (DWORD)rc;

    memset(out, 0, sizeof(*out));
    wcscpy(out->name, name);
    out->root = root;
    wcscpy(out->root_path, root_path);

    DWORD result = ERROR_SUCCESS;
    DWORD dll = read_string(key, L"Dll", out->dll, MAX_PATH, FALSE);
    DWORD prefix = read_string(key, L"Prefix", out->prefix, 4, FALSE);
    if (dll == ERROR_OUTOFMEMORY || prefix == ERROR_OUTOFMEMORY)
        result = ERROR_OUTOFMEMORY;
    else if (dll != ERROR_SUCCESS || !out->dll[0] || prefix != ERROR_SUCCESS || !valid_prefix(out->prefix) ||
             read_dword(key, L"Index", &out->index) != ERROR_SUCCESS || out->index > 9)
        result = ERROR_INVALID_PARAMETER;

    if (result == ERROR_SUCCESS) {
        out->order = dword_or(key, L"Order", 0xFFFFFFFFu);
        out->keep = dword_or(key, L"Keep", 1);
        out->flags = dword_or(key, L"Flags", 0);
        /* CE6+ reads ServiceContext; CE5 read Context. */
        out->context = dword_or(key, L"ServiceContext", dword_or(key, L"Context", 0));
        /* Display strings are optional: absent or mistyped reads as "",
         * too long is cut. */
        if (read_string(key, L"DisplayName", out->display_name, 128, TRUE) != ERROR_SUCCESS)
            out->display_name[0] = 0;
        if (read_string(key, L"Description", out->description, 256, TRUE) != ERROR_SUCCESS)
            out->description[0] = 0;
    }
    RegCloseKey(key);
    return result;
}

DWORD svc_config_read(const WCHAR *name, svc_config *out)
{
    if (!out || !valid_name(name))
        return ERROR_INVALID_PARAMETER;
    DWORD saved = GetLastError();
    struct roots r;
    get_roots(&r);
    DWORD result = ERROR_FILE_NOT_FOUND;
    for (int i = 0; i < r.count && result == ERROR_FILE_NOT_FOUND; i++)
        result = read_from(r.keys[i], r.paths[i], name, out);
    SetLastError(saved);
    return result;
}

/* Does a root before root `upto` have the key <name>? Then that root's
 * entry (valid or not) is the one in force. */
static BOOL shadowed(const struct roots *r, int upto, const WCHAR *name)
{
    for (int i = 0; i < upto; i++) {
        WCHAR path[KEY_PATH_MAX];
        key_path(path, r->paths[i], name);
        HKEY key;
        LONG rc = RegOpenKeyExW(r->keys[i], path, 0, KEY_QUERY_VALUE, &key);
        if (rc == ERROR_SUCCESS)
            RegCloseKey(key);
        if (rc != ERROR_FILE_NOT_FOUND && rc != ERROR_PATH_NOT_FOUND)
            return TRUE;
    }
    return FALSE;
}

static int by_order_then_name(const void *a, const void *b)
{
    const svc_config *x = a, *y = b;
    if (x->order != y->order)
        return x->order < y->order ? -1 : 1;
    return CompareStringOrdinal(x->name, -1, y->name, -1, TRUE) - CSTR_EQUAL;
}

DWORD svc_config_list(svc_config **out, DWORD *count)
{
    if (!out || !count)
        return ERROR_INVALID_PARAMETER;
    *out = NULL;
    *count = 0;
    DWORD saved = GetLastError();
    HANDLE heap = GetProcessHeap();
    struct roots r;
    get_roots(&r);
    svc_config *list = NULL;
    DWORD n = 0, cap = 0, result = ERROR_SUCCESS;

    for (int i = 0; i < r.count && result == ERROR_SUCCESS; i++) {
        HKEY root;
        if (RegOpenKeyExW(r.keys[i], r.paths[i], 0, KEY_ENUMERATE_SUB_KEYS, &root) != ERROR_SUCCESS)
            continue;
        for (DWORD idx = 0; result == ERROR_SUCCESS; idx++) {
            WCHAR name[SVC_NAME_MAX];
            DWORD len = SVC_NAME_MAX;
            LONG rc = RegEnumKeyExW(root, idx, name, &len, NULL, NULL, NULL, NULL);
            if (rc == ERROR_MORE_DATA)
                continue; /* too long to be a service name */
            if (rc != ERROR_SUCCESS)
                break; /* ERROR_NO_MORE_ITEMS, or the key went away */
            name[SVC_NAME_MAX - 1] = 0;
            if (shadowed(&r, i, name))
                continue;
            if (n == cap) {
                DWORD grown = cap ? cap * 2 : 16;
                svc_config *bigger = list ? HeapReAlloc(heap, 0, list, grown * sizeof(*list))
                                          : HeapAlloc(heap, 0, grown * sizeof(*list));
                if (!bigger) {
                    result = ERROR_OUTOFMEMORY;
                    break;
                }
                list = bigger;
                cap = grown;
            }
            DWORD rc_read = read_from(r.keys[i], r.paths[i], name, &list[n]);
            if (rc_read == ERROR_SUCCESS)
                n++;
            else if (rc_read == ERROR_OUTOFMEMORY)
                result = ERROR_OUTOFMEMORY;
        }
        RegCloseKey(root);
    }

    if (result != ERROR_SUCCESS || n == 0) {
        if (list)
            HeapFree(heap, 0, list);
    } else {
        qsort(list, n, sizeof(*list), by_order_then_name);
        *out = list;
        *count = n;
    }
    SetLastError(saved);
    return result;
}

DWORD svc_config_update_flags(const WCHAR *name, DWORD set, DWORD clear)
{
    if (!valid_name(name))
        return ERROR_INVALID_PARAMETER;
    DWORD saved = GetLastError();
    struct roots r;
    get_roots(&r);
    DWORD result = ERROR_FILE_NOT_FOUND;
    for (int i = 0; i < r.count; i++) {
        WCHAR path[KEY_PATH_MAX];
        key_path(path, r.paths[i], name);
        HKEY key;
        LONG rc = RegOpenKeyExW(r.keys[i], path, 0, KEY_QUERY_VALUE | KEY_SET_VALUE, &key);
        if (rc == ERROR_FILE_NOT_FOUND || rc == ERROR_PATH_NOT_FOUND)
            continue;
        if (rc == ERROR_SUCCESS) {
            /* A mistyped Flags is replaced by a proper REG_DWORD. */
            DWORD flags = (dword_or(key, L"Flags", 0) & ~clear) | set;
            rc = RegSetValueExW(key, L"Flags", 0, REG_DWORD, (const BYTE *)&flags, sizeof(flags));
            RegCloseKey(key);
        }
        result = (DWORD)rc;
        break;
    }
    SetLastError(saved);
    return result;
}


static BOOL same_text(const WCHAR *a, const WCHAR *b)
{
    return CompareStringOrdinal(a, -1, b, -1, TRUE) == CSTR_EQUAL;
}

BOOL svc_config_dll_is_configured(const WCHAR *dll)
{
    if (!dll || !dll[0])
        return FALSE;
    DWORD saved = GetLastError();
    svc_config *list;
    DWORD n;
    BOOL found = FALSE;
    if (svc_config_list(&list, &n) == ERROR_SUCCESS) {
        /* The exact string only: a file name alone could name another file
         * of that name anywhere, which the host would then load. */
        for (DWORD i = 0; i < n && !found; i++)
            found = same_text(list[i].dll, dll);
        if (list)
            HeapFree(GetProcessHeap(), 0, list);
    }
    SetLastError(saved);
    return found;
}

DWORD svc_config_accept_ports(const WCHAR *name, svc_accept_port *out, DWORD cap)
{
    svc_config cfg;
    if (svc_config_read(name, &cfg) != ERROR_SUCCESS)
        return 0;
    WCHAR path[KEY_PATH_MAX + 8];
    key_path(path, cfg.root_path, name);
    wcscat(path, L"\\Accept");
    HKEY accept;
    if (RegOpenKeyExW(cfg.root, path, 0, KEY_ENUMERATE_SUB_KEYS | KEY_QUERY_VALUE, &accept) != ERROR_SUCCESS)
        return 0;
    DWORD n = 0;
    WCHAR sub[256];
    for (DWORD i = 0; n < cap; i++) {
        DWORD chars = ARRAYSIZE(sub);
        if (RegEnumKeyExW(accept, i, sub, &chars, NULL, NULL, NULL, NULL) != ERROR_SUCCESS)
            break;
        HKEY k;
        if (RegOpenKeyExW(accept, sub, 0, KEY_QUERY_VALUE, &k) != ERROR_SUCCESS)
            continue;
        DWORD type = 0, bytes = sizeof(out[n].addr), protocol = 0, pbytes = sizeof(protocol), ptype = 0;
        if (RegQueryValueExW(k, L"SockAddr", NULL, &type, out[n].addr, &bytes) == ERROR_SUCCESS &&
            type == REG_BINARY && bytes >= 2) {
            if (RegQueryValueExW(k, L"Protocol", NULL, &ptype, (BYTE *)&protocol, &pbytes) != ERROR_SUCCESS ||
                ptype != REG_DWORD)
                protocol = 0;
            out[n].len = bytes;
            out[n].protocol = protocol;
            n++;
        }
        RegCloseKey(k);
    }
    RegCloseKey(accept);
    return n;
}
