/*
 * store.h - the raw store: a byte-exact mirror of the API on disk.
 *
 * The body of API path P (relative to api_base, "event/11352380/lineups")
 * lives at RAW_BASE/P.json, its last HTTP outcome at RAW_BASE/P.meta
 * (DESIGN.md, "The raw store").  This is the read side shared by every
 * transform; sofa-fetch adds the write side.
 */
#ifndef SOFA_STORE_H
#define SOFA_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "json.h"

/*
 * The API path of a match resource: "event/ID" for the endpoint "event",
 * "event/ID/ENDPOINT" otherwise.  Returns buf.  buf needs
 * SOFA_APIPATH_LEN bytes.
 */
#define SOFA_APIPATH_LEN 128
char *sofa_api_path(char *buf, int64_t id, const char *endpoint);

/* RAW_BASE/PATH.EXT as a new string (caller frees). */
char *sofa_store_file(const char *raw_base, const char *api_path,
    const char *ext);

/*
 * Load the stored body of api_path.  Returns a new document (caller frees)
 * and sets *file to the file's name (new, caller frees, also on failure).
 * On failure returns NULL: *ioerr is ENOENT when the body is not in the
 * store (absent: the caller notes it and skips), another errno value when
 * it cannot be read, or 0 when it is not JSON, in which case a message
 * naming FILE:LINE has been printed.
 */
struct sofa_jdoc *sofa_store_load(const char *raw_base, const char *api_path,
    size_t max, char **file, int *ioerr);

/*
 * Report that key (a dotted path such as "home.players[3].player.id") in
 * file is not what the contract wants: "FILE: KEY: expected WANT, got
 * TYPE".  Returns false, so callers can write
 *	return sofa_contract(file, "home", "an object", v);
 */
bool sofa_contract(const char *file, const char *key, const char *want,
    const struct sofa_jv *got);

#endif
