/*
 * store.c - raw-store paths and reads (store.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "store.h"
#include "xalloc.h"

char *
sofa_api_path(char *buf, int64_t id, const char *endpoint)
{
	if (strcmp(endpoint, "event") == 0)
		snprintf(buf, SOFA_APIPATH_LEN, "event/%" PRId64, id);
	else
		snprintf(buf, SOFA_APIPATH_LEN, "event/%" PRId64 "/%s", id,
		    endpoint);
	return buf;
}

char *
sofa_store_file(const char *raw_base, const char *api_path, const char *ext)
{
	return xasprintf("%s/%s%s", raw_base, api_path, ext);
}

struct sofa_jdoc *
sofa_store_load(const char *raw_base, const char *api_path, size_t max,
    char **file, int *ioerr)
{
	struct sofa_jdoc *doc;
	struct sofa_jerr je;

	*file = sofa_store_file(raw_base, api_path, ".json");
	doc = sofa_jdoc_load(*file, max, ioerr, &je);
	if (doc != NULL || *ioerr != 0) {
		if (*ioerr != 0 && *ioerr != ENOENT)
			sofa_warnx("%s: %s", *file, *ioerr == EFBIG ?
			    "larger than max_body" : strerror(*ioerr));
		return doc;
	}
	sofa_warnx("%s:%zu: invalid JSON at column %zu: %s", *file,
	    je.line ? je.line : 1, je.col ? je.col : je.pos + 1, je.msg);
	return NULL;
}

bool
sofa_contract(const char *file, const char *key, const char *want,
    const struct sofa_jv *got)
{
	sofa_warnx("%s: %s: expected %s, got %s", file, key, want,
	    sofa_jv_type(got));
	return false;
}
