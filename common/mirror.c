/*
 * mirror.c - API paths into the raw store (mirror.h).
 *
 * A request's state (struct mctx) carries the path's .meta from the moment
 * it is queued to its callback: the meta is made to describe the body on
 * disk first (prepare), then the engine's result becomes a job whose
 * outcome is folded into the meta and written (process), then the
 * callback runs (finish).  Jobs are processed at once, in the engine's
 * thread, or, after sofa_mirror_async(), bodies (200s) by writer threads
 * that commit them in groups: every body and meta of a group is staged,
 * made durable with one sync, renamed, and the renames made durable with
 * one more, so that fsync costs two syncs per group instead of four per
 * body, and reading the network goes on meanwhile.  The writers never use
 * sofa_af_* (its list of pending temp files belongs to the engine's
 * thread): they stage.
 */
#include <errno.h>
#include <pthread.h>
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

#define MAX_WRITERS 4

struct job;

struct sofa_mirror {
	struct sofa_http *h;
	struct sofa_apic *contract;
	char *raw_base;
	char *qdir;
	size_t max_body;
	bool fsync;
	/* the writer thread (sofa_mirror_async()) */
	bool async, quit;
	pthread_t writer[MAX_WRITERS];
	int nwriters;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct job *todo, **todo_tail;	/* for the writer */
	struct job *done;		/* for the poller, by seq */
	size_t outstanding;		/* handed over, not yet finished */
	unsigned long seq, next;	/* hand-over order, next to deliver */
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
};

/* The engine's result, owned, and what became of it. */
struct job {
	struct mctx *c;
	struct job *next;
	unsigned long seq;	/* callbacks run in hand-over order */
	enum sofa_http_outcome outcome;
	long status;
	int attempts;
	double ms;
	char *body;
	size_t len;
	struct sofa_jdoc *doc;
	char *etag, *last_modified, *error;
	/* results */
	bool written;
	bool local;		/* a write to the store failed */
	char *quarantined;
	struct sofa_stage *body_st, *meta_st;	/* staged, not yet renamed */
};

static void *writer_main(void *arg);

struct sofa_mirror *
sofa_mirror_new(struct sofa_http *h, struct sofa_config *cfg)
{
	struct sofa_mirror *m = xcalloc(1, sizeof(*m));

	m->h = h;
	m->contract = sofa_apic_xload(cfg);
	m->raw_base = xstrdup(sofa_cfg_str(cfg, "raw_base"));
	m->qdir = xstrdup(sofa_cfg_str(cfg, "quarantine_dir"));
	m->max_body = (size_t)sofa_cfg_int(cfg, "max_body");
	m->fsync = sofa_cfg_bool(cfg, "fsync");
	sofa_af_set_fsync(m->fsync);
	return m;
}

const struct sofa_apic *
sofa_mirror_contract(const struct sofa_mirror *m)
{
	return m->contract;
}

/* Make the meta describe the body on disk (or its absence). */
static void
reconcile(struct mctx *c, bool exists, const struct stat *st)
{
	char *buf;
	size_t len;

	if (!exists) {
		/* without a body the old meta has nothing to keep: the
		 * last-outcome fields are about to be replaced */
		sofa_meta_free(&c->meta);
		sofa_meta_init(&c->meta, c->path);
		return;
	}
	if (sofa_meta_matches(&c->meta, c->file))
		return;
	/* a body without a (matching) meta: describe it, validators
	 * unknown, so the next request is unconditional */
	sofa_meta_set(&c->meta.etag, NULL);
	sofa_meta_set(&c->meta.last_modified, NULL);
	c->meta.verified = 0;
	c->meta.stored = st->st_mtime;
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
	struct stat st;
	bool exists;

	c->m = m;
	c->path = xstrdup(path);
	c->flags = flags;
	c->endpoint = sofa_apic_endpoint(m->contract, path);
	memset(req, 0, sizeof(*req));
	req->path = c->path;
	sofa_meta_init(&c->meta, path);
	if (!sofa_http_path_ok(path, &why))
		return c;	/* refused by the engine; touch nothing */
	c->file = sofa_store_file(m->raw_base, path, ".json");
	exists = stat(c->file, &st) == 0;
	if (exists) {
		sofa_meta_free(&c->meta);
		sofa_meta_load(m->raw_base, path, &c->meta);
		sofa_meta_set(&c->meta.path, path);
	}
	reconcile(c, exists, &st);
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
	sofa_meta_free(&c->meta);
	free(c);
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

/* A job from the engine's result (body and doc taken). */
static struct job *
new_job(struct mctx *c, struct sofa_http_res *r)
{
	struct job *j = xcalloc(1, sizeof(*j));

	j->c = c;
	j->outcome = r->outcome;
	j->status = r->status;
	j->attempts = r->attempts;
	j->ms = r->ms;
	j->body = r->body;
	j->len = r->len;
	j->doc = r->doc;
	r->body = NULL;
	r->doc = NULL;
	j->etag = dup_or_null(r->etag);
	j->last_modified = dup_or_null(r->last_modified);
	j->error = dup_or_null(r->error);
	return j;
}

static void
free_job(struct job *j)
{
	free(j->body);
	sofa_jdoc_free(j->doc);
	free(j->etag);
	free(j->last_modified);
	free(j->error);
	free(j->quarantined);
	free(j);
}

static void
set_error(struct job *j, char *error)
{
	free(j->error);
	j->error = error;
}

static void
fail_write(struct job *j, const char *what)
{
	set_error(j, xasprintf("cannot write %s: %s", what, strerror(errno)));
	j->outcome = SOFA_HTTP_FAILED;
	j->local = true;
}

static void
quarantine(struct job *j)
{
	struct mctx *c = j->c;
	struct sofa_meta q;

	if (j->body == NULL)
		return;
	sofa_meta_init(&q, c->path);
	sofa_meta_set(&q.outcome, "invalid");
	q.http_status = j->status;
	q.fetched = sofa_now();
	q.attempts = j->attempts;
	sofa_meta_set(&q.error, j->error);
	sofa_meta_set(&q.etag, j->etag);
	sofa_meta_set(&q.last_modified, j->last_modified);
	j->quarantined = sofa_store_quarantine(c->m->qdir, c->path, j->body,
	    j->len, &q, q.fetched);
	if (j->quarantined == NULL)
		sofa_warn("%s: cannot quarantine the body", c->path);
	sofa_meta_free(&q);
}

/* A 200 with a JSON body: the contract, then the body (staged or
 * written; not at all when the stored one is the same). */
static void
store_ok(struct job *j, time_t now, bool staged)
{
	struct mctx *c = j->c;
	char sha[SOFA_SHA256_HEX], *why;

	why = sofa_apic_why(c->m->contract, c->endpoint,
	    sofa_jdoc_root(j->doc));
	if (why != NULL) {
		set_error(j, xasprintf("API contract: %s", why));
		free(why);
		j->outcome = SOFA_HTTP_INVALID;
		quarantine(j);
		return;
	}
	sofa_sha256_hex(j->body, j->len, sha);
	if (c->meta.bytes != (long long)j->len ||
	    strcmp(c->meta.sha256, sha) != 0) {
		if (staged)
			j->body_st = sofa_stage_new(c->file, j->body, j->len);
		if (staged ? j->body_st == NULL :
		    sofa_store_put(c->m->raw_base, c->path, j->body, j->len)
		    != 0) {
			fail_write(j, c->file);
			return;
		}
		j->written = true;
		c->meta.bytes = (long long)j->len;
		memcpy(c->meta.sha256, sha, sizeof(sha));
		c->meta.stored = now;
	}
	sofa_meta_set(&c->meta.etag, j->etag);
	sofa_meta_set(&c->meta.last_modified, j->last_modified);
	c->meta.verified = now;
}

/* Fold the outcome into the store (staged: leave renames to the caller). */
static void
process(struct job *j, bool staged)
{
	struct mctx *c = j->c;
	time_t now = sofa_now();

	switch (j->outcome) {
	case SOFA_HTTP_OK:
		store_ok(j, now, staged);
		break;
	case SOFA_HTTP_NOT_MODIFIED:
		if (j->etag != NULL)
			sofa_meta_set(&c->meta.etag, j->etag);
		if (j->last_modified != NULL)
			sofa_meta_set(&c->meta.last_modified,
			    j->last_modified);
		c->meta.verified = now;
		if (c->flags & SOFA_MIRROR_DOC) {
			struct sofa_jerr je;
			int e;

			j->doc = sofa_jdoc_load(c->file, c->m->max_body, &e,
			    &je);
		}
		break;
	case SOFA_HTTP_INVALID:
		quarantine(j);
		break;
	default:
		break;
	}
	if (j->outcome == SOFA_HTTP_CANCELLED || c->file == NULL)
		return;
	if (j->outcome != SOFA_HTTP_OK &&
	    j->outcome != SOFA_HTTP_NOT_MODIFIED) {
		sofa_jdoc_free(j->doc);	/* a 403's error body, ... */
		j->doc = NULL;
	}
	sofa_meta_set(&c->meta.outcome, sofa_http_outcome_name(j->outcome));
	c->meta.http_status = j->status;
	c->meta.fetched = now;
	c->meta.attempts = j->attempts;
	sofa_meta_set(&c->meta.error, j->outcome == SOFA_HTTP_OK ||
	    j->outcome == SOFA_HTTP_NOT_MODIFIED ? NULL : j->error);
	if (staged) {
		char *text, *mf;
		size_t len;
		FILE *fp = open_memstream(&text, &len);

		if (fp == NULL)
			sofa_errx(SOFA_EXIT_FAIL, "out of memory");
		sofa_meta_print(fp, &c->meta);
		fclose(fp);
		mf = sofa_store_file(c->m->raw_base, c->path, ".meta");
		j->meta_st = sofa_stage_new(mf, text, len);
		if (j->meta_st == NULL && j->outcome != SOFA_HTTP_FAILED)
			fail_write(j, mf);
		free(mf);
		free(text);
	} else if (sofa_meta_save(c->m->raw_base, &c->meta) != 0 &&
	    j->outcome != SOFA_HTTP_FAILED) {
		char *mf = sofa_store_file(c->m->raw_base, c->path, ".meta");

		fail_write(j, mf);
		free(mf);
	}
}

/* The result as the caller sees it; valid while j lives. */
static void
result(struct job *j, struct sofa_mirror_res *out)
{
	struct mctx *c = j->c;
	bool good = j->outcome == SOFA_HTTP_OK ||
	    j->outcome == SOFA_HTTP_NOT_MODIFIED;

	memset(out, 0, sizeof(*out));
	out->path = c->path;
	out->endpoint = c->endpoint;
	out->outcome = j->outcome;
	out->status = j->status;
	out->attempts = j->attempts;
	out->ms = j->ms;
	out->bytes = j->body != NULL ? j->len : 0;
	out->conditional = c->cond;
	out->written = j->written;
	out->local = j->local;
	out->error = good ? NULL : j->error != NULL ? j->error :
	    "unknown failure";
	out->quarantined = j->quarantined;
	out->doc = good ? j->doc : NULL;
	out->arg = c->arg;
}

static void
finish(struct job *j)
{
	struct mctx *c = j->c;
	struct sofa_mirror_res out;
	struct sofa_jdoc *given;

	result(j, &out);
	given = out.doc;
	c->done(&out, c->arg);
	/* the callback takes the doc by clearing out.doc; a doc it was
	 * never given (a failed write, a quarantined body) is freed here */
	if (given != NULL && out.doc == NULL)
		j->doc = NULL;
	free_job(j);
	free_ctx(c);
}

static void on_http(struct sofa_http_res *r, void *arg);

/* A 304 for a body that vanished since prepare(): ask again, plainly. */
static bool
vanished(struct mctx *c, const struct sofa_http_res *r)
{
	if (r->outcome != SOFA_HTTP_NOT_MODIFIED || access(c->file, F_OK) == 0)
		return false;
	reconcile(c, false, NULL);
	c->cond = false;
	return true;
}

static void
on_http(struct sofa_http_res *r, void *arg)
{
	struct mctx *c = arg;
	struct sofa_mirror *m = c->m;
	struct job *j;

	if (vanished(c, r)) {
		struct sofa_http_req req = { c->path, NULL, NULL, on_http, c };

		sofa_http_add(m->h, &req);
		return;
	}
	j = new_job(c, r);
	/* only bodies go to the writer; an outcome without one (304, 404,
	 * a failure) is a .meta, written here so that the caller learns of
	 * it at once (the circuit breaker must not wait for the disk) */
	if (!m->async || j->outcome != SOFA_HTTP_OK || c->file == NULL) {
		process(j, false);
		finish(j);
		return;
	}
	pthread_mutex_lock(&m->mu);
	j->seq = m->seq++;
	*m->todo_tail = j;
	m->todo_tail = &j->next;
	m->outstanding++;
	pthread_cond_signal(&m->cv);
	pthread_mutex_unlock(&m->mu);
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

/* --- the writer thread ---------------------------------------------- */

static void
commit_group(struct sofa_mirror *m, struct job *group)
{
	struct job *j;
	bool durable = m->fsync;

	for (j = group; j != NULL; j = j->next)
		process(j, true);
	if (durable && sofa_store_sync(m->raw_base) != 0)
		sofa_warn("%s: sync", m->raw_base);
	for (j = group; j != NULL; j = j->next) {
		/* the body first: a .meta never describes a body that is
		 * not there yet */
		if (j->body_st != NULL && sofa_stage_commit(j->body_st) != 0) {
			fail_write(j, j->c->file);
			sofa_stage_abort(j->meta_st);
			j->meta_st = NULL;
		}
		j->body_st = NULL;
		if (j->meta_st != NULL && sofa_stage_commit(j->meta_st) != 0)
			fail_write(j, "the .meta");
		j->meta_st = NULL;
	}
	if (durable && sofa_store_sync(m->raw_base) != 0)
		sofa_warn("%s: sync", m->raw_base);
}

static void *
writer_main(void *arg)
{
	struct sofa_mirror *m = arg;
	struct job *group;

	for (;;) {
		pthread_mutex_lock(&m->mu);
		while (m->todo == NULL && !m->quit)
			pthread_cond_wait(&m->cv, &m->mu);
		group = m->todo;
		m->todo = NULL;
		m->todo_tail = &m->todo;
		pthread_mutex_unlock(&m->mu);
		if (group == NULL)
			return NULL;	/* quit, nothing left */
		commit_group(m, group);
		/* groups of several writers finish in any order: keep the
		 * done list sorted, so that callbacks see the engine's order */
		pthread_mutex_lock(&m->mu);
		for (struct job *j = group, *next; j != NULL; j = next) {
			struct job **pp = &m->done;

			next = j->next;
			while (*pp != NULL && (*pp)->seq < j->seq)
				pp = &(*pp)->next;
			j->next = *pp;
			*pp = j;
		}
		pthread_mutex_unlock(&m->mu);
		sofa_http_wakeup(m->h);
	}
}

/* The engine's poller: callbacks of the committed jobs. */
static size_t
deliver(void *arg)
{
	struct sofa_mirror *m = arg;
	struct job *j, *next, *last;
	size_t left;

	/* the run of done jobs that comes next in hand-over order */
	pthread_mutex_lock(&m->mu);
	j = m->done;
	last = NULL;
	while (m->done != NULL && m->done->seq == m->next) {
		last = m->done;
		m->done = m->done->next;
		m->next++;
	}
	if (last != NULL)
		last->next = NULL;
	else
		j = NULL;
	pthread_mutex_unlock(&m->mu);
	for (; j != NULL; j = next) {
		next = j->next;
		finish(j);
		pthread_mutex_lock(&m->mu);
		m->outstanding--;
		pthread_mutex_unlock(&m->mu);
	}
	pthread_mutex_lock(&m->mu);
	left = m->outstanding;
	pthread_mutex_unlock(&m->mu);
	return left;
}

void
sofa_mirror_async(struct sofa_mirror *m)
{
	sigset_t all, old;
	long n;
	int e;

	if (m->async)
		return;
	pthread_mutex_init(&m->mu, NULL);
	pthread_cond_init(&m->cv, NULL);
	m->todo_tail = &m->todo;
	/* signals are the engine thread's business */
	/* one writer per processor (at most MAX_WRITERS): creating files
	 * is most of the work, and file systems create in parallel */
	n = sysconf(_SC_NPROCESSORS_ONLN);
	n = n < 1 ? 1 : n > MAX_WRITERS ? MAX_WRITERS : n;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	for (m->nwriters = 0; m->nwriters < n; m->nwriters++)
		if ((e = pthread_create(&m->writer[m->nwriters], NULL,
		    writer_main, m)) != 0)
			sofa_errx(SOFA_EXIT_FAIL, "cannot start a writer "
			    "thread: %s", strerror(e));
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	m->async = true;
	sofa_http_set_poller(m->h, deliver, m);
}

void
sofa_mirror_free(struct sofa_mirror *m)
{
	if (m == NULL)
		return;
	if (m->async) {
		pthread_mutex_lock(&m->mu);
		m->quit = true;
		pthread_cond_broadcast(&m->cv);
		pthread_mutex_unlock(&m->mu);
		for (int i = 0; i < m->nwriters; i++)
			pthread_join(m->writer[i], NULL);
		deliver(m);	/* whatever was still in flight */
		sofa_http_set_poller(m->h, NULL, NULL);
		pthread_mutex_destroy(&m->mu);
		pthread_cond_destroy(&m->cv);
	}
	sofa_apic_free(m->contract);
	free(m->raw_base);
	free(m->qdir);
	free(m);
}

/* --- the blocking form ---------------------------------------------- */

struct sofa_mirror_res *
sofa_mirror_get(struct sofa_mirror *m, const char *path, int flags)
{
	struct sofa_http_req req;
	struct mctx *c = prepare(m, path, flags, &req);
	struct sofa_mirror_res out, *res;
	struct sofa_http_res *r;
	struct job *j;

	while (vanished(c, r = sofa_http_get(m->h, &req))) {
		sofa_http_res_free(r);
		req.etag = req.last_modified = NULL;
	}
	j = new_job(c, r);
	sofa_http_res_free(r);
	process(j, false);
	result(j, &out);
	res = xmalloc(sizeof(*res));
	*res = out;
	res->path = xstrdup(out.path);
	res->endpoint = dup_or_null(out.endpoint);
	res->error = dup_or_null(out.error);
	res->quarantined = dup_or_null(out.quarantined);
	res->arg = NULL;
	if (out.doc != NULL)
		j->doc = NULL;	/* now the result's */
	free_job(j);
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
