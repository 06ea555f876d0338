/*
 * xform.c - the transform driver (xform.h): ids in, raw-store documents
 * loaded one match at a time, rows out, problems named and counted.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "ids.h"
#include "io.h"
#include "store.h"
#include "timeutil.h"
#include "xalloc.h"
#include "xform.h"

/* Documents one match may load (event, lineups, incidents, statistics...). */
#define XF_MAXDOCS 8

struct xf_slot {
	struct sofa_xdoc d;
	struct sofa_jdoc *doc;	/* NULL: absent or bad */
	char *file;
};

struct sofa_xf {
	struct sofa_xf_opts o;
	struct sofa_config *cfg;
	const char *raw_base;
	size_t max_body;
	struct sofa_ids *ids;
	struct sofa_tab *tab;
	int64_t id;
	struct xf_slot slot[XF_MAXDOCS];
	size_t nslot;
	uint64_t nmatch, nabsent;
	bool failed;
	bool progress;
	double t0, tlast;
};

bool
sofa_xf_option(struct sofa_xf_opts *o, int c, const char *arg)
{
	switch (c) {
	case 'j':
		o->json = true;
		break;
	case 'H':
		o->no_header = true;
		break;
	case 'u':
		o->unbuffered = true;
		break;
	case 'q':
		o->quiet = true;
		break;
	case SOFA_XF_OPT_CONFIG:
		o->config = arg;
		break;
	case SOFA_XF_OPT_RAW_BASE:
		o->raw_base = arg;
		break;
	default:
		return false;
	}
	return true;
}

struct sofa_xf *
sofa_xf_new(const struct sofa_xf_opts *o, int argc, char *argv[])
{
	struct sofa_xf *xf = xcalloc(1, sizeof(*xf));

	xf->o = *o;
	xf->cfg = sofa_config_xload(o->config);
	if (o->raw_base != NULL)
		sofa_config_xset(xf->cfg, "raw_base", o->raw_base,
		    "--raw-base");
	xf->raw_base = sofa_cfg_str(xf->cfg, "raw_base");
	xf->max_body = (size_t)sofa_cfg_int(xf->cfg, "max_body");
	xf->ids = sofa_ids_new(argc, argv,
	    (size_t)sofa_cfg_int(xf->cfg, "max_line"),
	    SOFA_IDS_BLANK_OK | SOFA_IDS_UNIQUE);
	if (o->unbuffered)
		setvbuf(stdout, NULL, _IOLBF, 0);
	xf->progress = !o->quiet && isatty(STDERR_FILENO);
	xf->t0 = xf->tlast = sofa_mono();
	return xf;
}

struct sofa_config *
sofa_xf_config(struct sofa_xf *xf)
{
	return xf->cfg;
}

struct sofa_tab *
sofa_xf_table(struct sofa_xf *xf, const char *const cols[], size_t n)
{
	if (xf->tab == NULL)
		xf->tab = sofa_tab_new_hdr(stdout, xf->o.json,
		    !xf->o.no_header, cols, n);
	return xf->tab;
}

static void
drop_docs(struct sofa_xf *xf)
{
	for (size_t i = 0; i < xf->nslot; i++) {
		sofa_jdoc_free(xf->slot[i].doc);
		free(xf->slot[i].file);
		memset(&xf->slot[i], 0, sizeof(xf->slot[i]));
	}
	xf->nslot = 0;
}

/* Progress on a terminal: count and rate, at most twice a second. */
static void
progress(struct sofa_xf *xf, bool last)
{
	double now;

	if (!xf->progress)
		return;
	now = sofa_mono();
	if (!last && now - xf->tlast < 0.5)
		return;
	xf->tlast = now;
	if (last) {
		fputs("\r\033[K", stderr);
		return;
	}
	fprintf(stderr, "\r\033[K%s: %" PRIu64 " matches, %.0f/s", sofa_prog,
	    xf->nmatch, now > xf->t0 ? (double)xf->nmatch / (now - xf->t0) :
	    0.0);
}

int
sofa_xf_next(struct sofa_xf *xf, int64_t *id)
{
	drop_docs(xf);
	sofa_check_stdout();
	if (!sofa_ids_next(xf->ids, id)) {
		progress(xf, true);
		return 0;
	}
	xf->id = *id;
	xf->nmatch++;
	progress(xf, false);
	return 1;
}

int64_t
sofa_xf_id(const struct sofa_xf *xf)
{
	return xf->id;
}

/* An absent document: noted when the match needs it. */
static void
absent(struct sofa_xf *xf, struct xf_slot *s, enum sofa_xf_need need)
{
	if (need != SOFA_XF_NEED)
		return;
	xf->nabsent++;
	sofa_xf_note(xf, "%s not in the store (%s), skipped", s->d.endpoint,
	    s->file);
}

/* Forget the document of slot s (absent, or bad when failed). */
static const struct sofa_xdoc *
drop(struct sofa_xf *xf, struct xf_slot *s, bool failed)
{
	if (failed)
		xf->failed = true;
	sofa_jdoc_free(s->doc);
	s->doc = NULL;
	return NULL;
}

const struct sofa_xdoc *
sofa_xf_load(struct sofa_xf *xf, const char *endpoint, enum sofa_xf_need need)
{
	char path[SOFA_APIPATH_LEN];
	const struct sofa_jv *err;
	struct xf_slot *s;
	int64_t code;
	int ioerr;

	for (size_t i = 0; i < xf->nslot; i++)
		if (strcmp(xf->slot[i].d.endpoint, endpoint) == 0)
			return xf->slot[i].doc != NULL ? &xf->slot[i].d : NULL;
	if (xf->nslot == XF_MAXDOCS)
		sofa_errx(SOFA_EXIT_FAIL, "too many documents per match");
	s = &xf->slot[xf->nslot++];
	s->d.endpoint = endpoint;
	sofa_api_path(path, xf->id, endpoint);
	s->doc = sofa_store_load(xf->raw_base, path, xf->max_body, &s->file,
	    &ioerr);
	s->d.file = s->file;
	if (s->doc == NULL) {
		if (ioerr == ENOENT)
			absent(xf, s, need);
		else
			xf->failed = true;	/* sofa_store_load warned */
		return NULL;
	}
	s->d.root = sofa_jdoc_root(s->doc);
	if (!sofa_jv_is_obj(s->d.root)) {
		sofa_warnx("%s: expected an object at the top, got %s",
		    s->file, sofa_jv_type(s->d.root));
		return drop(xf, s, true);
	}
	err = sofa_jv_get(s->d.root, "error");
	if (sofa_jv_is_obj(err)) {
		/* A mirror that kept the API's error body: 404 is absence,
		 * anything else a document we cannot use. */
		if (sofa_jv_int(sofa_jv_get(err, "code"), &code) &&
		    code == 404) {
			absent(xf, s, need);
			return drop(xf, s, false);
		}
		if (sofa_jv_int(sofa_jv_get(err, "code"), &code))
			sofa_warnx("%s: an API error body, not a document "
			    "(code %lld)", s->file, (long long)code);
		else
			sofa_warnx("%s: an API error body, not a document",
			    s->file);
		return drop(xf, s, true);
	}
	return &s->d;
}

bool
sofa_xf_contract(struct sofa_xf *xf, const struct sofa_xdoc *d,
    const char *want, const struct sofa_jv *got, const char *keyfmt, ...)
{
	char key[256];
	va_list ap;

	va_start(ap, keyfmt);
	vsnprintf(key, sizeof(key), keyfmt, ap);
	va_end(ap);
	xf->failed = true;
	return sofa_contract(d->file, key, want, got);
}

void
sofa_xf_bad(struct sofa_xf *xf, const struct sofa_xdoc *d, const char *fmt,
    ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	xf->failed = true;
	sofa_warnx("%s: %s", d->file, msg);
}

void
sofa_xf_note(struct sofa_xf *xf, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (xf->o.quiet)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (xf->progress)
		fputs("\r\033[K", stderr);
	sofa_warnx("%" PRId64 ": %s", xf->id, msg);
}

void
sofa_xf_fail(struct sofa_xf *xf)
{
	xf->failed = true;
}

uint64_t
sofa_xf_nmatches(const struct sofa_xf *xf)
{
	return xf->nmatch;
}

uint64_t
sofa_xf_nabsent(const struct sofa_xf *xf)
{
	return xf->nabsent;
}

int
sofa_xf_end(struct sofa_xf *xf)
{
	int status;

	drop_docs(xf);
	status = xf->failed || sofa_ids_nbad(xf->ids) > 0 ? SOFA_EXIT_FAIL :
	    SOFA_EXIT_OK;
	sofa_ids_free(xf->ids);
	sofa_tab_free(xf->tab);
	sofa_config_free(xf->cfg);
	free(xf);
	return status;
}

/* The member key of obj: NULL when absent or null. */
static const struct sofa_jv *
member(const struct sofa_jv *obj, const char *key)
{
	const struct sofa_jv *v = sofa_jv_get(obj, key);

	return v == NULL || sofa_jv_is_null(v) ? NULL : v;
}

static bool
mistyped(struct sofa_xf *xf, const struct sofa_xdoc *d, const char *at,
    const char *key, const char *want, const struct sofa_jv *v)
{
	return sofa_xf_contract(xf, d, want, v, "%s%s%s", at,
	    *at != '\0' ? "." : "", key);
}

bool
sofa_xf_getint(struct sofa_xf *xf, const struct sofa_xdoc *d,
    const struct sofa_jv *obj, const char *at, const char *key, int64_t *out)
{
	const struct sofa_jv *v = member(obj, key);

	if (v == NULL)
		return false;
	if (!sofa_jv_int(v, out))
		return mistyped(xf, d, at, key, "an integer", v);
	return true;
}

bool
sofa_xf_getnum(struct sofa_xf *xf, const struct sofa_xdoc *d,
    const struct sofa_jv *obj, const char *at, const char *key, double *out)
{
	const struct sofa_jv *v = member(obj, key);

	if (v == NULL)
		return false;
	if (!sofa_jv_num(v, out))
		return mistyped(xf, d, at, key, "a number", v);
	return true;
}

bool
sofa_xf_getbool(struct sofa_xf *xf, const struct sofa_xdoc *d,
    const struct sofa_jv *obj, const char *at, const char *key, bool *out)
{
	const struct sofa_jv *v = member(obj, key);

	if (v == NULL)
		return false;
	if (!sofa_jv_bool(v, out))
		return mistyped(xf, d, at, key, "a boolean", v);
	return true;
}

bool
sofa_xf_getstr(struct sofa_xf *xf, const struct sofa_xdoc *d,
    const struct sofa_jv *obj, const char *at, const char *key,
    const char **out)
{
	const struct sofa_jv *v = member(obj, key);

	if (v == NULL)
		return false;
	if ((*out = sofa_jv_str(v)) == NULL)
		return mistyped(xf, d, at, key, "a string", v);
	return true;
}

const struct sofa_jv *
sofa_xf_getobj(struct sofa_xf *xf, const struct sofa_xdoc *d,
    const struct sofa_jv *obj, const char *at, const char *key)
{
	const struct sofa_jv *v = member(obj, key);

	if (v == NULL)
		return NULL;
	if (sofa_jv_is_obj(v) || (sofa_jv_is_arr(v) && sofa_jv_len(v) == 0))
		return v;
	mistyped(xf, d, at, key, "an object", v);
	return NULL;
}
