/*
 * mirror.c - API paths into the raw store (mirror.h).
 *
 * A request's state (struct mctx) carries the path's .meta from the moment
 * it is queued to its callback: the meta is made to describe the body on
 * disk first (prepare), then the outcome is folded into it and it is
 * saved (complete).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic.h"
#include "err.h"
#include "io.h"
#include "mirror.h"
#include "store.h"
#include "timeutil.h"
#include "xalloc.h"

struct sofa_mirror {
	struct sofa_http *h;
	struct sofa_apic *contract;
	char *raw_base;
	char *qdir;
	size_t max_body;
};

struct mctx {
	struct sofa_mirror *m;
	char *path;
	char *file;		/* RAW_BASE/P.json */
	const char *endpoint;
	int flags;
	struct sofa_meta meta;
	bool cond;
	sofa_mirror_fn *done;
	void *arg;
	char *error;		/* our own error text, if any */
	char *quarantined;
};

struct sofa_mirror *
sofa_mirror_new(struct sofa_http *h, struct sofa_config *cfg)
{
	struct sofa_mirror *m = xcalloc(1, sizeof(*m));

	m->h = h;
	m->contract = sofa_apic_xload(cfg);
	m->raw_base = xstrdup(sofa_cfg_str(cfg, "raw_base"));
	m->qdir = xstrdup(sofa_cfg_str(cfg, "quarantine_dir"));
	m->max_body = (size_t)sofa_cfg_int(cfg, "max_body");
	sofa_af_set_fsync(sofa_cfg_bool(cfg, "fsync"));
	return m;
}

void
sofa_mirror_free(struct sofa_mirror *m)
{
	if (m == NULL)
		return;
	sofa_apic_free(m->contract);
	free(m->raw_base);
	free(m->qdir);
	free(m);
}

const struct sofa_apic *
sofa_mirror_contract(const struct sofa_mirror *m)
{
	return m->contract;
}

/* Make the meta describe the body on disk (or its absence). */
static void
reconcile(struct mctx *c)
{
	struct stat st;
	char *buf;
	size_t len;

	if (stat(c->file, &st) != 0) {
		if (c->meta.bytes >= 0) {
			c->meta.bytes = -1;
			c->meta.sha256[0] = '\0';
			sofa_meta_set(&c->meta.etag, NULL);
			sofa_meta_set(&c->meta.last_modified, NULL);
			c->meta.stored = c->meta.verified = 0;
		}
		return;
	}
	if (sofa_meta_matches(&c->meta, c->file))
		return;
	/* a body without a (matching) meta: describe it, validators
	 * unknown, so the next request is unconditional */
	sofa_meta_set(&c->meta.etag, NULL);
	sofa_meta_set(&c->meta.last_modified, NULL);
	c->meta.verified = 0;
	c->meta.stored = st.st_mtime;
	if (sofa_readfile(c->file, c->m->max_body, &buf, &len) == 0) {
		c->meta.bytes = (long long)len;
		sofa_sha256_hex(buf, len, c->meta.sha256);
		free(buf);
	} else {
		c->meta.bytes = -1;
		c->meta.sha256[0] = '\0';
	}
}

static struct mctx *
prepare(struct sofa_mirror *m, const char *path, int flags,
    struct sofa_http_req *req)
{
	struct mctx *c = xcalloc(1, sizeof(*c));
	const char *why;

	c->m = m;
	c->path = xstrdup(path);
	c->flags = flags;
	c->endpoint = sofa_apic_endpoint(m->contract, path);
	memset(req, 0, sizeof(*req));
	req->path = c->path;
	if (!sofa_http_path_ok(path, &why)) {
		/* the engine refuses it without a request; touch nothing */
		sofa_meta_init(&c->meta, path);
		return c;
	}
	c->file = sofa_store_file(m->raw_base, path, ".json");
	sofa_meta_load(m->raw_base, path, &c->meta);
	sofa_meta_set(&c->meta.path, path);
	reconcile(c);
	if (!(flags & SOFA_MIRROR_FORCE) && c->meta.bytes >= 0 &&
	    (c->meta.etag != NULL || c->meta.last_modified != NULL)) {
		req->etag = c->meta.etag;
		req->last_modified = c->meta.last_modified;
		c->cond = true;
	}
	return c;
}

static void
free_ctx(struct mctx *c)
{
	free(c->path);
	free(c->file);
	free(c->error);
	free(c->quarantined);
	sofa_meta_free(&c->meta);
	free(c);
}

static void
fail_write(struct mctx *c, const char *what)
{
	char *e = xasprintf("cannot write %s: %s", what, strerror(errno));

	free(c->error);
	c->error = e;
}

static void
quarantine(struct mctx *c, const struct sofa_http_res *r, const char *why)
{
	struct sofa_meta q;

	if (r->body == NULL)
		return;
	sofa_meta_init(&q, c->path);
	sofa_meta_set(&q.outcome, "invalid");
	q.http_status = r->status;
	q.fetched = sofa_now();
	q.attempts = r->attempts;
	sofa_meta_set(&q.error, why);
	sofa_meta_set(&q.etag, r->etag);
	sofa_meta_set(&q.last_modified, r->last_modified);
	c->quarantined = sofa_store_quarantine(c->m->qdir, c->path, r->body,
	    r->len, &q, q.fetched);
	if (c->quarantined == NULL)
		sofa_warn("%s: cannot quarantine the body", c->path);
	sofa_meta_free(&q);
}

/* A 200 with a JSON body: contract, then the body, then the meta. */
static enum sofa_http_outcome
store_ok(struct mctx *c, struct sofa_http_res *r, struct sofa_mirror_res *out,
    time_t now)
{
	char sha[SOFA_SHA256_HEX], *why;
	bool same;

	why = sofa_apic_why(c->m->contract, c->endpoint,
	    sofa_jdoc_root(r->doc));
	if (why != NULL) {
		c->error = xasprintf("API contract: %s", why);
		free(why);
		quarantine(c, r, c->error);
		return SOFA_HTTP_INVALID;
	}
	sofa_sha256_hex(r->body, r->len, sha);
	same = c->meta.bytes == (long long)r->len &&
	    strcmp(c->meta.sha256, sha) == 0;
	if (!same) {
		if (sofa_store_put(c->m->raw_base, c->path, r->body, r->len)
		    != 0) {
			fail_write(c, c->file);
			return SOFA_HTTP_FAILED;
		}
		out->written = true;
		c->meta.bytes = (long long)r->len;
		memcpy(c->meta.sha256, sha, sizeof(sha));
		c->meta.stored = now;
	}
	sofa_meta_set(&c->meta.etag, r->etag);
	sofa_meta_set(&c->meta.last_modified, r->last_modified);
	c->meta.verified = now;
	out->doc = r->doc;
	r->doc = NULL;
	return SOFA_HTTP_OK;
}

/*
 * Fold the engine's result into the store and fill out.  Returns false
 * when the request must be made again without validators (a 304 for a
 * body that vanished meanwhile).
 */
static bool
complete(struct mctx *c, struct sofa_http_res *r, struct sofa_mirror_res *out)
{
	enum sofa_http_outcome o = r->outcome;
	time_t now = sofa_now();

	memset(out, 0, sizeof(*out));
	if (o == SOFA_HTTP_NOT_MODIFIED && access(c->file, F_OK) != 0) {
		reconcile(c);
		c->cond = false;
		return false;
	}
	switch (o) {
	case SOFA_HTTP_OK:
		o = store_ok(c, r, out, now);
		break;
	case SOFA_HTTP_NOT_MODIFIED:
		if (r->etag != NULL)
			sofa_meta_set(&c->meta.etag, r->etag);
		if (r->last_modified != NULL)
			sofa_meta_set(&c->meta.last_modified,
			    r->last_modified);
		c->meta.verified = now;
		if (c->flags & SOFA_MIRROR_DOC) {
			struct sofa_jerr je;
			int e;

			out->doc = sofa_jdoc_load(c->file, c->m->max_body, &e,
			    &je);
		}
		break;
	case SOFA_HTTP_INVALID:
		quarantine(c, r, r->error);
		break;
	default:
		break;
	}
	if (o != SOFA_HTTP_CANCELLED && c->file != NULL) {
		sofa_meta_set(&c->meta.outcome, sofa_http_outcome_name(o));
		c->meta.http_status = r->status;
		c->meta.fetched = now;
		c->meta.attempts = r->attempts;
		sofa_meta_set(&c->meta.error, o == SOFA_HTTP_OK ||
		    o == SOFA_HTTP_NOT_MODIFIED ? NULL :
		    c->error != NULL ? c->error : r->error);
		if (sofa_meta_save(c->m->raw_base, &c->meta) != 0 &&
		    o != SOFA_HTTP_FAILED) {
			char *mf = sofa_store_file(c->m->raw_base, c->path,
			    ".meta");

			fail_write(c, mf);
			free(mf);
			o = SOFA_HTTP_FAILED;
		}
	}
	out->path = c->path;
	out->endpoint = c->endpoint;
	out->outcome = o;
	out->status = r->status;
	out->attempts = r->attempts;
	out->ms = r->ms;
	out->bytes = r->body != NULL ? r->len : 0;
	out->conditional = c->cond;
	out->error = o == SOFA_HTTP_OK || o == SOFA_HTTP_NOT_MODIFIED ? NULL :
	    c->error != NULL ? c->error : r->error;
	out->quarantined = c->quarantined;
	out->arg = c->arg;
	return true;
}

static void
on_http(struct sofa_http_res *r, void *arg)
{
	struct mctx *c = arg;
	struct sofa_mirror_res out;

	if (!complete(c, r, &out)) {
		struct sofa_http_req req = { c->path, NULL, NULL, on_http, c };

		sofa_http_add(c->m->h, &req);
		return;
	}
	c->done(&out, c->arg);
	sofa_jdoc_free(out.doc);
	free_ctx(c);
}

void
sofa_mirror_add(struct sofa_mirror *m, const char *path, int flags,
    sofa_mirror_fn *done, void *arg)
{
	struct sofa_http_req req;
	struct mctx *c = prepare(m, path, flags, &req);

	c->done = done;
	c->arg = arg;
	req.done = on_http;
	req.arg = c;
	sofa_http_add(m->h, &req);
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

struct sofa_mirror_res *
sofa_mirror_get(struct sofa_mirror *m, const char *path, int flags)
{
	struct sofa_http_req req;
	struct mctx *c = prepare(m, path, flags, &req);
	struct sofa_mirror_res out, *res;
	struct sofa_http_res *r;

	for (;;) {
		r = sofa_http_get(m->h, &req);
		if (complete(c, r, &out))
			break;
		sofa_http_res_free(r);
		req.etag = req.last_modified = NULL;
	}
	res = xmalloc(sizeof(*res));
	*res = out;
	res->path = xstrdup(out.path);
	res->endpoint = dup_or_null(out.endpoint);
	res->error = dup_or_null(out.error);
	res->quarantined = dup_or_null(out.quarantined);
	res->arg = NULL;
	sofa_http_res_free(r);
	free_ctx(c);
	return res;
}

void
sofa_mirror_res_free(struct sofa_mirror_res *res)
{
	if (res == NULL)
		return;
	free((char *)res->path);
	free((char *)res->endpoint);
	free((char *)res->error);
	free((char *)res->quarantined);
	sofa_jdoc_free(res->doc);
	free(res);
}
