/*
 * xload.c - loading one match document of the raw store (xload.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "store.h"
#include "xload.h"

static void
absent(struct sofa_xsrc *src, int64_t id, const char *endpoint,
    const char *file, const char *why, bool optional)
{
	src->nabsent++;
	if (!src->quiet && !optional)
		sofa_warnx("%" PRId64 ": %s %s (%s), skipped", id, endpoint,
		    why, file);
}

int
sofa_xdoc_load(struct sofa_xsrc *src, int64_t id, const char *endpoint,
    bool optional, struct sofa_xdoc *d)
{
	char api[SOFA_APIPATH_LEN];
	struct sofa_jv *err;
	int64_t code;
	int ioerr;

	memset(d, 0, sizeof(*d));
	d->doc = sofa_store_load(src->raw_base, sofa_api_path(api, id,
	    endpoint), src->max_body, &d->file, &ioerr);
	d->ctx.file = d->file;
	if (d->doc == NULL) {
		if (ioerr == ENOENT) {
			absent(src, id, endpoint, d->file,
			    "not in the store", optional);
			return SOFA_XD_ABSENT;
		}
		src->nbad++;	/* sofa_store_load() said why */
		return SOFA_XD_BAD;
	}
	d->root = sofa_jdoc_root(d->doc);
	if (!sofa_jv_is_obj(d->root)) {
		sofa_jg_bad(&d->ctx, "(top level)", NULL, "an object",
		    d->root);
		return SOFA_XD_BAD;
	}
	err = sofa_jv_get(d->root, "error");
	if (err != NULL) {
		if (sofa_jv_int(sofa_jv_get(err, "code"), &code) &&
		    code == 404) {
			absent(src, id, endpoint, d->file,
			    "is a stored 404 error body", optional);
			return SOFA_XD_ABSENT;
		}
		sofa_warnx("%s: error: the store holds an API error body, "
		    "not data", d->file);
		d->ctx.nbad++;
		return SOFA_XD_BAD;
	}
	return SOFA_XD_LOADED;
}

void
sofa_xdoc_free(struct sofa_xsrc *src, struct sofa_xdoc *d)
{
	src->nbad += d->ctx.nbad;
	sofa_jdoc_free(d->doc);
	free(d->file);
	memset(d, 0, sizeof(*d));
}
