/*
 * dqcover.c - the checks of sofa-dq over the match index, the raw store,
 * the fetch log and the run ledger (dq.h): coverage and freshness.
 *
 * Reads index_path (one NDJSON line per match), for each match the
 * RAW_BASE/<path>.json bodies and <path>.meta sidecars of its endpoints,
 * the fetch log of the last run (one outcome line per request), the
 * mtime of processed_dir/matches.csv and index_dir/
 * latest_successful_run.json.  Streams the index and the log; keeps
 * nothing per match.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "dq.h"
#include "err.h"
#include "io.h"
#include "json.h"
#include "ndjson.h"
#include "store.h"
#include "timeutil.h"
#include "xalloc.h"

#define LEDGER_MAX (64 * 1024)
#define ENDPOINTS_MAX 32

/* Outcomes of a request that mean the data did not arrive. */
static const char *const failures[] = {
	"blocked", "throttled", "failed", "invalid", NULL
};

struct cover {
	struct sofa_dq_rule *required, *failures, *blocked;
	struct sofa_dq_rule *fresh_matches, *fresh_run;
	const struct sofa_dq_input *in;
	char *ep[ENDPOINTS_MAX];	/* endpoints looked at */
	bool req[ENDPOINTS_MAX];	/* ... and which are required */
	size_t nep;
	uint64_t finished;
	int status;
};

/* The last outcome of an API path, from its .meta sidecar. */
struct meta {
	bool present;
	char outcome[32];
	long long http;		/* 0: not recorded */
	char fetched[SOFA_UTC_LEN];
};

static bool
is_failure(const char *outcome)
{
	for (size_t i = 0; failures[i] != NULL; i++)
		if (strcmp(outcome, failures[i]) == 0)
			return true;
	return false;
}

static void
copy_str(char *dst, size_t len, const struct sofa_jv *v)
{
	const char *s = sofa_jv_str(v);

	snprintf(dst, len, "%s", s != NULL ? s : "");
}

/* The HTTP status of a fetch log line; 0 when none came. */
static long long
http_of(const struct sofa_jv *o)
{
	int64_t n;

	return sofa_jv_int(sofa_jv_get(o, "http_status"), &n) ? (long long)n :
	    0;
}

/* The last outcome of api from its .meta (store.h reads and checks it,
 * and names a bad one). */
static void
read_meta(struct cover *c, const char *api, struct meta *m)
{
	struct sofa_meta sm;
	int e;

	memset(m, 0, sizeof(*m));
	e = sofa_meta_load(c->in->raw_base, api, &sm);
	if (e == 0) {
		m->present = true;
		snprintf(m->outcome, sizeof(m->outcome), "%s",
		    sm.outcome != NULL ? sm.outcome : "");
		m->http = sm.http_status;
		if (sm.fetched != 0)
			sofa_fmt_utc(sm.fetched, m->fetched);
	} else if (e != ENOENT)
		c->status = SOFA_EXIT_FAIL;
	sofa_meta_free(&sm);
}

static bool
has_body(struct cover *c, const char *api)
{
	char *file = sofa_store_file(c->in->raw_base, api, ".json");
	struct stat st;
	bool ok = stat(file, &st) == 0 && S_ISREG(st.st_mode);

	free(file);
	return ok;
}

/* A recorded outcome that calls a refusal "absent" (or anything else
 * than "blocked"); where names the .meta or the log line. */
static void
check_blocked(struct cover *c, const char *id, const char *where,
    const char *endpoint, const char *outcome, long long http)
{
	if (!sofa_dq_on(c->blocked))
		return;
	c->blocked->checked++;
	if (strcmp(outcome, "absent") == 0 && http != 0 && http != 404)
		sofa_dq_hit(c->blocked, id, where, "%s: HTTP %lld recorded "
		    "as absent", endpoint, http);
	else if (http == 403 && strcmp(outcome, "blocked") != 0)
		sofa_dq_hit(c->blocked, id, where, "%s: HTTP 403 recorded as "
		    "'%s', want blocked", endpoint, outcome);
}

/* One match of the index: its bodies and .meta files. */
static void
index_match(struct cover *c, int64_t id, bool finished)
{
	char api[SOFA_APIPATH_LEN], sid[32], detail[512] = "";
	char *first = NULL;
	size_t dn = 0, nmiss = 0;

	snprintf(sid, sizeof(sid), "%lld", (long long)id);
	for (size_t i = 0; i < c->nep; i++) {
		bool need = finished && c->req[i] && sofa_dq_on(c->required);
		struct meta m;
		char kind[64];

		if (!need && !sofa_dq_on(c->blocked))
			continue;
		sofa_api_path(api, id, c->ep[i]);
		if (need && has_body(c, api) && !sofa_dq_on(c->blocked))
			continue;
		read_meta(c, api, &m);
		if (m.present) {
			char *where = sofa_store_file(c->in->raw_base, api,
			    ".meta");

			check_blocked(c, sid, where, c->ep[i], m.outcome,
			    m.http);
			free(where);
		}
		if (!need || has_body(c, api))
			continue;
		nmiss++;
		if (first == NULL)
			first = sofa_store_file(c->in->raw_base, api, ".json");
		if (!m.present)
			snprintf(kind, sizeof(kind), "never fetched");
		else if (strcmp(m.outcome, "ok") == 0 ||
		    strcmp(m.outcome, "not_modified") == 0)
			snprintf(kind, sizeof(kind), "body missing");
		else
			snprintf(kind, sizeof(kind), "%s", m.outcome[0] ?
			    m.outcome : "no outcome");
		dn += (size_t)snprintf(detail + dn, dn < sizeof(detail) ?
		    sizeof(detail) - dn : 0, "%s%s %s", dn ? "; " : "",
		    c->ep[i], kind);
		if (m.present && dn < sizeof(detail))
			dn += (size_t)snprintf(detail + dn, sizeof(detail) - dn,
			    " (HTTP %lld%s%s)", m.http, m.fetched[0] ?
			    ", " : "", m.fetched);
		{
			char tally[96];

			snprintf(tally, sizeof(tally), "%s %s", c->ep[i], kind);
			sofa_dq_tally(c->required, tally, 1);
		}
	}
	if (finished && sofa_dq_on(c->required)) {
		c->required->checked++;
		if (nmiss > 0)
			sofa_dq_hit(c->required, sid, first, "%s", detail);
	}
	free(first);
}

static void
walk_index(struct cover *c)
{
	struct sofa_jdoc *doc;
	struct sofa_lr *lr;
	FILE *fp;
	int rc;

	if ((fp = fopen(c->in->index_path, "r")) == NULL)
		sofa_err(SOFA_EXIT_FAIL, "match index %s (run sofa-discover "
		    "first, or leave the coverage rules out)",
		    c->in->index_path);
	lr = sofa_lr_new(fp, c->in->index_path, c->in->max_line);
	while ((rc = sofa_nd_next(lr, &doc)) != 0) {
		struct sofa_jv *root, *v;
		int64_t id;

		if (rc == -2)
			sofa_errx(SOFA_EXIT_FAIL, "match index %s: read error",
			    c->in->index_path);
		if (rc < 0) {
			c->status = SOFA_EXIT_FAIL;
			continue;
		}
		root = sofa_jdoc_root(doc);
		v = sofa_jv_get(root, "event_id");
		if (!sofa_jv_int(v, &id) || id <= 0) {
			sofa_warnx("%s:%lu: event_id: expected a positive "
			    "integer, got %s", c->in->index_path,
			    sofa_lr_lineno(lr), sofa_jv_type(v));
			c->status = SOFA_EXIT_FAIL;
		} else {
			const char *type = sofa_jv_str(sofa_jv_get(root,
			    "status_type"));
			bool fin = type != NULL &&
			    strcmp(type, "finished") == 0;

			c->finished += fin;
			index_match(c, id, fin);
		}
		sofa_jdoc_free(doc);
		sofa_check_stdout();
	}
	sofa_lr_free(lr);
	fclose(fp);
}

/* coverage.required: FAIL above the fraction, WARN at or below it. */
static void
finish_required(struct cover *c)
{
	struct sofa_dq_rule *r = c->required;
	double frac = r->checked ? (double)r->count / (double)r->checked : 0;

	r->unit = "finished matches";
	if (r->count > 0 && frac <= c->in->coverage_fail_fraction)
		r->downgraded = true;
	if (r->count > 0)
		sofa_dq_note(r, "%.1f%% of finished matches miss a required "
		    "resource (%s); FAIL above %.1f%%", 100 * frac,
		    c->in->required, 100 * c->in->coverage_fail_fraction);
}

static void
walk_fetch_log(struct cover *c)
{
	struct sofa_dq_rule *r = c->failures;
	struct sofa_dq_rule all = { .id = "all" };
	struct sofa_jdoc *doc;
	struct sofa_lr *lr;
	char note[512];
	size_t n = 0;
	FILE *fp;
	int rc;

	if ((fp = fopen(c->in->fetch_log, "r")) == NULL) {
		if (errno != ENOENT)
			sofa_err(SOFA_EXIT_FAIL, "fetch log %s",
			    c->in->fetch_log);
		if (sofa_dq_on(r))
			sofa_dq_skip(r, "no fetch log %s: no fetch run "
			    "recorded yet", c->in->fetch_log);
		return;
	}
	r->unit = "requests";
	lr = sofa_lr_new(fp, c->in->fetch_log, c->in->max_line);
	while ((rc = sofa_nd_next(lr, &doc)) != 0) {
		struct sofa_jv *root;
		char outcome[32], endpoint[64], err[128], where[4096 + 32];
		const char *id;
		long long http;

		if (rc == -2)
			sofa_errx(SOFA_EXIT_FAIL, "fetch log %s: read error",
			    c->in->fetch_log);
		if (rc < 0) {
			c->status = SOFA_EXIT_FAIL;
			continue;
		}
		root = sofa_jdoc_root(doc);
		copy_str(outcome, sizeof(outcome), sofa_jv_get(root,
		    "outcome"));
		copy_str(endpoint, sizeof(endpoint), sofa_jv_get(root,
		    "endpoint"));
		copy_str(err, sizeof(err), sofa_jv_get(root, "error"));
		http = http_of(root);
		snprintf(where, sizeof(where), "%s:%lu", c->in->fetch_log,
		    sofa_lr_lineno(lr));
		{
			char *s = sofa_jv_write(sofa_jv_get(root, "event_id"),
			    NULL);
			const char *path = sofa_jv_str(sofa_jv_get(root,
			    "path"));
			char sid[64];

			snprintf(sid, sizeof(sid), "%s", s != NULL &&
			    strcmp(s, "null") != 0 ? s : path != NULL ? path :
			    "?");
			free(s);
			id = sid;
			check_blocked(c, id, where, endpoint[0] ? endpoint :
			    "request", outcome, http);
			sofa_dq_tally(&all, outcome[0] ? outcome :
			    "no outcome", 1);
			r->checked++;
			if (is_failure(outcome) && sofa_dq_on(r)) {
				sofa_dq_tally(r, outcome, 1);
				sofa_dq_hit(r, id, where, "%s: %s (HTTP %lld)"
				    "%s%s", endpoint[0] ? endpoint : "request",
				    outcome, http, err[0] ? ": " : "", err);
			}
		}
		sofa_jdoc_free(doc);
	}
	sofa_lr_free(lr);
	fclose(fp);
	note[0] = '\0';
	for (size_t i = 0; i < all.nbd; i++)
		n += (size_t)snprintf(note + n, n < sizeof(note) ?
		    sizeof(note) - n : 0, "%s%s %llu", i ? ", " : "",
		    all.bd[i].name, (unsigned long long)all.bd[i].n);
	for (size_t i = 0; i < all.nbd; i++)
		free(all.bd[i].name);
	free(all.bd);
	if (sofa_dq_on(r))
		sofa_dq_note(r, "last fetch run: %llu requests%s%s",
		    (unsigned long long)r->checked, n ? ": " : "", note);
}

/* age of t in hours as "73.2 h ago (2024-08-16T19:00:00Z)". */
static void
fmt_age(char *buf, size_t len, time_t t, time_t now)
{
	char utc[SOFA_UTC_LEN];

	snprintf(buf, len, "%.1f h ago (%s)", difftime(now, t) / 3600,
	    sofa_fmt_utc(t, utc));
}

static void
fresh(struct sofa_dq_rule *r, const char *id, const char *where, time_t t,
    const struct sofa_dq_input *in, const char *what)
{
	time_t now = sofa_now();
	char age[96];

	r->checked = 1;
	r->unit = "checks";
	fmt_age(age, sizeof(age), t, now);
	if (difftime(now, t) > (double)in->freshness_hours * 3600)
		sofa_dq_hit(r, id, where, "%s %s, stale after %lld h", what,
		    age, in->freshness_hours);
	else
		sofa_dq_note(r, "%s %s", what, age);
}

static void
fresh_matches(struct cover *c)
{
	char *path = xasprintf("%s/matches.csv", c->in->tables_dir);
	struct stat st;

	if (stat(path, &st) != 0)
		sofa_err(SOFA_EXIT_FAIL, "table matches: %s", path);
	fresh(c->fresh_matches, "matches", path, st.st_mtime, c->in,
	    "written");
	free(path);
}

static void
fresh_run(struct cover *c)
{
	const char *keys[] = { "ended_utc", "finished_utc", "started_utc" };
	const char *file = c->in->ledger;
	struct sofa_jdoc *doc;
	struct sofa_jerr je;
	struct sofa_jv *root;
	const char *s = NULL, *runid;
	char id[128];
	time_t t;
	int ioerr;

	doc = sofa_jdoc_load(file, LEDGER_MAX, &ioerr, &je);
	if (doc == NULL && ioerr == ENOENT) {
		sofa_dq_skip(c->fresh_run, "no successful run recorded yet "
		    "(%s)", file);
		return;
	}
	if (doc == NULL) {
		if (ioerr != 0)
			sofa_warnx("%s: %s", file, strerror(ioerr));
		else
			sofa_warnx("%s:%zu: invalid JSON: %s", file,
			    je.line ? je.line : 1, je.msg);
		sofa_dq_skip(c->fresh_run, "%s cannot be read", file);
		c->status = SOFA_EXIT_FAIL;
		return;
	}
	root = sofa_jdoc_root(doc);
	for (size_t i = 0; s == NULL && i < 3; i++)
		s = sofa_jv_str(sofa_jv_get(root, keys[i]));
	if (s == NULL || !sofa_parse_utc(s, &t)) {
		sofa_warnx("%s: ended_utc: expected a UTC time, got %s", file,
		    s != NULL ? "a bad string" :
		    sofa_jv_type(sofa_jv_get(root, "ended_utc")));
		sofa_dq_skip(c->fresh_run, "%s cannot be read", file);
		c->status = SOFA_EXIT_FAIL;
		sofa_jdoc_free(doc);
		return;
	}
	runid = sofa_jv_str(sofa_jv_get(root, "run_id"));
	snprintf(id, sizeof(id), "%s", runid != NULL ? runid : "last run");
	fresh(c->fresh_run, id, file, t, c->in, "ended");
	sofa_jdoc_free(doc);
}

/* The endpoints to look at: required (when that rule runs) and, for
 * coverage.blocked_not_absent, every endpoint fetched. */
static void
add_endpoints(struct cover *c, const char *list, bool required)
{
	const char *p = list;

	while (*p != '\0') {
		size_t n;
		char *w;

		p += strspn(p, " \t,");
		if ((n = strcspn(p, " \t,")) == 0)
			break;
		w = xstrndup(p, n);
		p += n;
		/* per-player resources have no single body per match */
		if (strcmp(w, "player-statistics") == 0) {
			free(w);
			continue;
		}
		for (size_t i = 0; i < c->nep; i++)
			if (strcmp(c->ep[i], w) == 0) {
				c->req[i] |= required;
				free(w);
				w = NULL;
				break;
			}
		if (w == NULL)
			continue;
		if (c->nep == ENDPOINTS_MAX)
			sofa_errx(SOFA_EXIT_USAGE, "too many endpoints");
		c->req[c->nep] = required;
		c->ep[c->nep++] = w;
	}
}

int
sofa_dq_run_coverage(struct sofa_dq *dq, const struct sofa_dq_input *in)
{
	struct cover c;

	memset(&c, 0, sizeof(c));
	c.in = in;
	c.required = sofa_dq_rule(dq, "coverage.required");
	c.failures = sofa_dq_rule(dq, "coverage.fetch_failures");
	c.blocked = sofa_dq_rule(dq, "coverage.blocked_not_absent");
	c.fresh_matches = sofa_dq_rule(dq, "freshness.matches");
	c.fresh_run = sofa_dq_rule(dq, "freshness.last_run");
	add_endpoints(&c, in->required, true);
	if (sofa_dq_on(c.blocked))
		add_endpoints(&c, in->endpoints, false);
	c.blocked->unit = "outcomes";

	if (sofa_dq_on(c.required) || sofa_dq_on(c.blocked))
		walk_index(&c);
	if (sofa_dq_on(c.required))
		finish_required(&c);
	if (sofa_dq_on(c.failures) || sofa_dq_on(c.blocked))
		walk_fetch_log(&c);
	if (sofa_dq_on(c.fresh_matches))
		fresh_matches(&c);
	if (sofa_dq_on(c.fresh_run))
		fresh_run(&c);
	for (size_t i = 0; i < c.nep; i++)
		free(c.ep[i]);
	return c.status;
}
