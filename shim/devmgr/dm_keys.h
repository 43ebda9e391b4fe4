/*
 * dm_keys.h - where a driver's device key is (shared by the host and the
 * client's OpenDeviceKey).
 */
#ifndef CESHIM_DM_KEYS_H
#define CESHIM_DM_KEYS_H

#include <windows.h>

/* Opens the driver key `path` (HKLM-relative, as ActivateDevice takes it):
 * with CESHIM_SERVICES_INSTANCE only HKCU\Software\ceshim\Instances\<word>\<path>;
 * else HKCU\<path> (the per-user mirror), then HKLM\<path> - the services'
 * roots (svc_config.h). Returns the registry's error. */
LONG dm_open_device_key(const WCHAR *path, REGSAM access, HKEY *out);

/* DEVCLASS_STREAM_GUID {f8a6ba98-087a-43ac-a9d8-b7f13c5bae31}: the
 * interface every stream driver with a name advertises. */
extern const GUID dm_stream_guid;

#endif /* CESHIM_DM_KEYS_H */
