/*
 * names.h - names of ceshim's desktop kernel objects.
 *
 * Every object lives under Local\ (per session) with a versioned prefix, so
 * CE names never collide with desktop objects or with another layout:
 *     Local\ceshim.2.<kind>.<name>.<suffix>
 * Characters desktop names forbid ('\') and the escape character itself
 * are escaped as %XX; a name too long to fit is replaced by a 64-bit hash
 * ("#" + 16 hex digits), and the full name is kept in the object's shared
 * memory so a collision can be told apart.
 */
#ifndef CESHIM_COMMON_NAMES_H
#define CESHIM_COMMON_NAMES_H

#include <windows.h>

/* The number changes when shared memory changes so that an older build
 * would misread it before its header version is checked (2: 64-bit owner
 * words as locks), so builds of different layouts never share an object. */
#define CESHIM_LAYOUT_TAG L"ceshim.2."
#define CESHIM_BASE_MAX 200 /* characters of a base name, suffixes excluded */

/* Writes L"Local\\ceshim.2.<kind>.<escaped>" into out (CESHIM_BASE_MAX
 * chars). Returns FALSE only if kind itself is too long. */
BOOL ceshim_object_base(WCHAR *out, const WCHAR *kind, const WCHAR *name);
/* out = base + suffix; out holds CESHIM_BASE_MAX + 8 chars. */
void ceshim_object_name(WCHAR *out, const WCHAR *base, const WCHAR *suffix);
/* The kernel name of an object handle (from NtQueryObject), reduced to
 * L"Local\\ceshim.2...." without the trailing ".<suffix>". FALSE if the
 * handle is not a named ceshim object. */
BOOL ceshim_base_from_handle(HANDLE h, WCHAR *base, WCHAR *suffix, size_t suffix_chars);

#endif /* CESHIM_COMMON_NAMES_H */
