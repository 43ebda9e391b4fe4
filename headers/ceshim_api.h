/*
 * ceshim_api.h - how ceshim's headers declare functions.
 *
 * CE-named functions (CreateMsgQueue, EventModify, GetCallerProcess, ...)
 * are declared plainly, exactly as CE's SDK declares them: real CE code
 * re-declares some of them itself, and a re-declaration of a dllimport
 * function without it is an error under -Werror (gcc -Wattributes, clang
 * -Winconsistent-dllimport). Calls reach ceshim.dll through its import
 * library either way; ceshim.def does the exporting.
 *
 * ceshim's own functions (CeShim*) carry CESHIM_API, dllimport for callers.
 */
#ifndef CESHIM_API_H
#define CESHIM_API_H

#ifdef CESHIM_BUILDING_DLL
#define CESHIM_API
#else
#define CESHIM_API __declspec(dllimport)
#endif

#endif /* CESHIM_API_H */
