/*
 * sofa-fetch - download matches into the raw store, politely, resumably,
 * without losing anything.
 *
 * Reads match ids (operands, or stdin: plain ids or match index lines) and
 * fetches each match's configured endpoints into the raw store through the
 * shared HTTP engine and mirror (common/http.h, common/mirror.h): what to
 * ask is decided from what is on disk (common/plan.h), every body is
 * checked against the API contract and written atomically, and one NDJSON
 * outcome line per resource goes to stdout (and to fetch_log).  A run of
 * failed matches opens the circuit breaker (exit 4).  `get PATH` fetches
 * one path for ad-hoc use; --check-contract checks a live match against
 * the contract.
 */
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomic.h"
#include "config.h"
#include "contract.h"
#include "err.h"
#include "http.h"
#include "ids.h"
#include "io.h"
#include "mirror.h"
#include "ndjson.h"
#include "plan.h"
#include "store.h"
#include "timeutil.h"
#include "xalloc.h"

static const char usage_lines[] =
    "usage: sofa-fetch [-nqu] [--config FILE] [--refresh | --force]\n"
    "           [--endpoints LIST] [--required LIST] [--concurrency N]\n"
    "           [--rate N] [ID ...]\n"
    "       sofa-fetch get [--store] [--config FILE] PATH\n"
    "       sofa-fetch --check-contract [--config FILE] [ID]\n";

#define NOUT (SOFA_HTTP_CANCELLED + 2)	/* outcomes, and "skipped" */
#define SKIPPED (SOFA_HTTP_CANCELLED + 1)

struct match {
	int64_t id;
	struct sofa_match_info mi;
	int pending;		/* requests not yet completed */
	bool asked;		/* at least one request was made */
	bool failed;		/* a required resource failed */
	bool lineups_done;
};

struct run;

struct res {
	struct run *r;
	struct match *m;
	char *endpoint;
	char reason[64];
	bool required;
};

struct run {
	struct sofa_config *cfg;
	struct sofa_http *h;
	struct sofa_mirror *mir;
	struct sofa_plan plan;
	struct match *matches;
	size_t nmatch, next, done, ncomplete;
	char **endpoints;
	size_t nendpoints;
	bool players;		/* player-statistics configured */
	bool dry, progress, unbuffered;
	struct sofa_af *log;
	struct sofa_jw out, logw;
	unsigned long count[NOUT];
	unsigned long nbad;	/* refused ids */
	int streak, breaker;
	bool tripped;
	enum sofa_http_outcome trip_outcome;
	char trip_error[512];
	double t0, last_progress;
};

static volatile sig_atomic_t interrupted;

static void
usage(FILE *fp, int status)
{
	fputs(usage_lines, fp);
	if (fp == stdout)
		fputs("\n"
		    "Fetch the configured endpoints of each match into the raw "
		    "store; one\nNDJSON outcome line per resource on stdout.\n"
		    "\n"
		    "  -n, --dry-run        say what would be asked and why\n"
		    "  -q, --quiet          no progress display\n"
		    "  -u                   flush stdout after every line\n"
		    "      --refresh        ask again for everything stored\n"
		    "      --force          download everything again\n"
		    "      --endpoints LIST resources per match (endpoints)\n"
		    "      --required LIST  resources a match needs (required)\n"
		    "      --concurrency N  requests in flight (concurrency)\n"
		    "      --rate N         requests per second (rate)\n"
		    "      --store          get: keep the body in the store\n"
		    "      --check-contract check a live match against the "
		    "contract\n"
		    "      --config FILE    read FILE instead of the usual "
		    "one\n"
		    "  -h, --help           this help\n"
		    "      --version        print the version\n", fp);
	exit(fp == stdout ? sofa_finish(status) : status);
}

static void
on_signal(int sig)
{
	interrupted = sig;
}

/* --- output ---------------------------------------------------------- */

static const char *
outcome_word(int o)
{
	return o == SKIPPED ? "skipped" : sofa_http_outcome_name(o);
}

static void
line(struct run *r, struct sofa_jw *w, int64_t id, const char *endpoint,
    const char *path, int o, const char *reason,
    const struct sofa_mirror_res *mr)
{
	sofa_jw_obj(w);
	sofa_jw_kint(w, "event_id", id);
	sofa_jw_kstr(w, "endpoint", endpoint);
	sofa_jw_kstr(w, "path", path);
	if (r->dry) {
		sofa_jw_kstr(w, "action", o == SOFA_PLAN_SKIP ? "skip" :
		    o == SOFA_PLAN_AGAIN ? "revalidate" : "fetch");
		sofa_jw_kstr(w, "reason", reason);
	} else {
		sofa_jw_kstr(w, "outcome", outcome_word(o));
		sofa_jw_kstr(w, "reason", reason);
		if (mr != NULL && mr->status > 0)
			sofa_jw_kint(w, "http_status", mr->status);
		else
			sofa_jw_knull(w, "http_status");
		sofa_jw_kint(w, "bytes", mr ? (long long)mr->bytes : 0);
		sofa_jw_kint(w, "attempts", mr ? mr->attempts : 0);
		sofa_jw_kint(w, "ms", mr ? (long long)(mr->ms + 0.5) : 0);
		sofa_jw_kstr(w, "error", mr ? mr->error : NULL);
	}
	sofa_jw_obj_end(w);
	sofa_jw_nl(w);
}

static void
emit(struct run *r, int64_t id, const char *endpoint, const char *path,
    int o, const char *reason, const struct sofa_mirror_res *mr)
{
	line(r, &r->out, id, endpoint, path, o, reason, mr);
	if (r->unbuffered)
		fflush(stdout);
	sofa_check_stdout();
	if (r->log != NULL)
		line(r, &r->logw, id, endpoint, path, o, reason, mr);
	if (!r->dry)
		r->count[o]++;
}

static void
progress(struct run *r, bool last)
{
	struct sofa_http_stats st;
	double now = sofa_mono(), rate, eta;

	if (!r->progress || (!last && now - r->last_progress < 0.25))
		return;
	r->last_progress = now;
	sofa_http_stats(r->h, &st);
	rate = now > r->t0 ? st.requests / (now - r->t0) : 0;
	eta = r->done > 0 ? (now - r->t0) / r->done * (r->nmatch - r->done) :
	    0;
	fprintf(stderr, "\r%s: %zu/%zu matches, %.1f req/s, ETA %dm%02ds\033[K",
	    sofa_prog, r->done, r->nmatch, rate, (int)eta / 60, (int)eta % 60);
	if (last)
		fputs("\r\033[K", stderr);
}

/* --- planning and completion ----------------------------------------- */

static bool
failure(enum sofa_http_outcome o)
{
	return o == SOFA_HTTP_BLOCKED || o == SOFA_HTTP_THROTTLED ||
	    o == SOFA_HTTP_FAILED || o == SOFA_HTTP_INVALID;
}

static void request(struct run *r, struct match *m, const char *endpoint,
    const char *path, bool required);

/* Queue player-statistics for every player of a lineups document. */
static void
add_players(struct run *r, struct match *m, const struct sofa_jdoc *doc)
{
	static const char *const sides[] = { "home", "away" };
	bool req = sofa_cfg_has(r->cfg, "required", "player-statistics");

	for (int i = 0; i < 2; i++) {
		struct sofa_jv *p, *ps = sofa_jv_get(sofa_jv_get(
		    sofa_jdoc_root(doc), sides[i]), "players");
		struct sofa_jit it;

		sofa_jit_arr(&it, ps);
		while ((p = sofa_jit_next(&it)) != NULL) {
			char path[SOFA_APIPATH_LEN];
			int64_t pid;

			if (!sofa_jv_int(sofa_jv_get(sofa_jv_get(p, "player"),
			    "id"), &pid) || pid < 1)
				continue;
			snprintf(path, sizeof(path), "event/%" PRId64
			    "/player/%" PRId64 "/statistics", m->id, pid);
			request(r, m, "player-statistics", path, req);
		}
	}
}

/* The players of the stored lineups, when the lineups were not asked. */
static void
stored_players(struct run *r, struct match *m)
{
	char path[SOFA_APIPATH_LEN], *file;
	struct sofa_jdoc *doc;
	int e;

	sofa_api_path(path, m->id, "lineups");
	doc = sofa_store_load(r->plan.raw_base, path, 1 << 26, &file, &e);
	if (doc != NULL)
		add_players(r, m, doc);
	else if (r->dry)
		emit(r, m->id, "player-statistics", NULL, SOFA_PLAN_FETCH,
		    "after lineups", NULL);
	sofa_jdoc_free(doc);
	free(file);
}

static bool
complete(struct run *r, const struct match *m)
{
	char path[SOFA_APIPATH_LEN], *file;
	bool ok = true;

	for (size_t i = 0; ok && i < r->nendpoints; i++) {
		if (!sofa_cfg_has(r->cfg, "required", r->endpoints[i]) ||
		    strcmp(r->endpoints[i], "player-statistics") == 0)
			continue;
		sofa_api_path(path, m->id, r->endpoints[i]);
		file = sofa_store_file(r->plan.raw_base, path, ".json");
		ok = access(file, F_OK) == 0;
		free(file);
	}
	return ok;
}

static void
match_settled(struct run *r, struct match *m)
{
	r->done++;
	if (complete(r, m))
		r->ncomplete++;
	if (m->asked && !m->failed)
		r->streak = 0;
	else if (m->asked && ++r->streak >= r->breaker && !r->tripped) {
		r->tripped = true;
		sofa_http_stop(r->h);
	}
	progress(r, false);
}

static void
on_done(struct sofa_mirror_res *mr, void *arg)
{
	struct res *rs = arg;
	struct run *r = rs->r;
	struct match *m = rs->m;

	if (mr->outcome != SOFA_HTTP_CANCELLED) {
		emit(r, m->id, rs->endpoint, mr->path, (int)mr->outcome,
		    rs->reason, mr);
		if (rs->required && failure(mr->outcome)) {
			m->failed = true;
			r->trip_outcome = mr->outcome;
			snprintf(r->trip_error, sizeof(r->trip_error), "%s: %s",
			    mr->path, mr->error);
		}
		if (mr->doc != NULL && strcmp(rs->endpoint, "lineups") == 0 &&
		    r->players)
			add_players(r, m, mr->doc);
	}
	if (--m->pending == 0 && mr->outcome != SOFA_HTTP_CANCELLED)
		match_settled(r, m);
	free(rs->endpoint);
	free(rs);
}

static void
request(struct run *r, struct match *m, const char *endpoint,
    const char *path, bool required)
{
	enum sofa_plan_act act;
	const char *why;
	char buf[64];
	struct res *rs;
	bool lineups = strcmp(endpoint, "lineups") == 0;

	act = sofa_plan_resource(&r->plan, &m->mi, path, &why, buf);
	if (r->dry || act == SOFA_PLAN_SKIP) {
		emit(r, m->id, endpoint, path, r->dry ? (int)act : SKIPPED, why,
		    NULL);
		if (lineups && r->players && (act == SOFA_PLAN_SKIP || r->dry))
			stored_players(r, m);
		return;
	}
	rs = xcalloc(1, sizeof(*rs));
	rs->r = r;
	rs->m = m;
	rs->endpoint = xstrdup(endpoint);
	snprintf(rs->reason, sizeof(rs->reason), "%s", why);
	rs->required = required;
	m->pending++;
	m->asked = true;
	sofa_mirror_add(r->mir, path, (r->plan.force ? SOFA_MIRROR_FORCE : 0) |
	    (lineups && r->players ? SOFA_MIRROR_DOC : 0), on_done, rs);
}

static void
read_event(struct run *r, struct match *m)
{
	char path[SOFA_APIPATH_LEN], *file;
	struct sofa_jdoc *doc;
	int e;

	sofa_api_path(path, m->id, "event");
	doc = sofa_store_load(r->plan.raw_base, path, 1 << 26, &file, &e);
	if (doc != NULL)
		sofa_match_info_event(&m->mi, sofa_jv_get(sofa_jdoc_root(doc),
		    "event"));
	sofa_jdoc_free(doc);
	free(file);
}

static void
plan_match(struct run *r, struct match *m)
{
	char path[SOFA_APIPATH_LEN];

	read_event(r, m);
	for (size_t i = 0; i < r->nendpoints; i++) {
		const char *e = r->endpoints[i];

		if (strcmp(e, "player-statistics") == 0)
			continue;
		request(r, m, e, sofa_api_path(path, m->id, e),
		    sofa_cfg_has(r->cfg, "required", e));
	}
}

static bool
feed(void *arg)
{
	struct run *r = arg;

	while (r->next < r->nmatch && !r->tripped) {
		struct match *m = &r->matches[r->next++];

		plan_match(r, m);
		if (m->pending > 0)
			return true;
		match_settled(r, m);
	}
	return false;
}

/* --- set-up ---------------------------------------------------------- */

static void
read_ids(struct run *r, int argc, char *argv[])
{
	struct sofa_ids *ids;
	size_t cap = 0;
	int64_t id;

	ids = sofa_ids_new(argc, argv, (size_t)sofa_cfg_int(r->cfg,
	    "max_line"), SOFA_IDS_UNIQUE);
	while (sofa_ids_next(ids, &id) == 1) {
		struct match *m;
		const char *text = sofa_ids_line(ids);

		xgrow((void **)&r->matches, &cap, r->nmatch + 1,
		    sizeof(*r->matches));
		m = &r->matches[r->nmatch++];
		memset(m, 0, sizeof(*m));
		m->id = id;
		sofa_match_info_init(&m->mi);
		if (text != NULL) {
			struct sofa_jdoc *doc = sofa_jdoc_parse((char *)text,
			    strlen(text), false, NULL);

			sofa_match_info_index(&m->mi, sofa_jdoc_root(doc));
			sofa_jdoc_free(doc);
		}
	}
	r->nbad = sofa_ids_nbad(ids);
	sofa_ids_free(ids);
}

/* The endpoints key as words; each must be known (exit 2). */
static void
endpoints(struct run *r)
{
	static const char *const known[] = { "event", "lineups", "incidents",
	    "statistics", "shotmap", "graph", "average-positions",
	    "player-statistics", "best-players", "highlights" };
	const char *p = sofa_cfg_str(r->cfg, "endpoints");
	size_t cap = 0;

	while (*p != '\0') {
		size_t n = strcspn(p, " ,\t"), i;
		char *w;

		if (n == 0) {
			p++;
			continue;
		}
		w = xstrndup(p, n);
		for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
			if (strcmp(w, known[i]) == 0)
				break;
		if (i == sizeof(known) / sizeof(known[0]))
			sofa_errx(SOFA_EXIT_USAGE, "endpoints: unknown endpoint "
			    "'%s' (event lineups incidents statistics shotmap "
			    "graph average-positions player-statistics "
			    "best-players highlights)", w);
		xgrow((void **)&r->endpoints, &cap, r->nendpoints + 1,
		    sizeof(*r->endpoints));
		r->endpoints[r->nendpoints++] = w;
		if (strcmp(w, "player-statistics") == 0)
			r->players = true;
		p += n;
	}
	p = sofa_cfg_str(r->cfg, "required");
	while (*p != '\0') {
		size_t n = strcspn(p, " ,\t");
		char *w = xstrndup(p, n);

		/* the default list shrinks to the endpoints chosen; a
		 * list the user wrote must make sense */
		if (n > 0 && !sofa_cfg_has(r->cfg, "endpoints", w) &&
		    strcmp(sofa_cfg_origin(r->cfg, "required"), "default"))
			sofa_errx(SOFA_EXIT_USAGE, "required: '%s' is not one "
			    "of the endpoints", w);
		free(w);
		p += n + (p[n] != '\0');
	}
}

static void
open_log(struct run *r)
{
	const char *file = sofa_cfg_str(r->cfg, "fetch_log");
	char *dir = xstrdup(file), *slash = strrchr(dir, '/');

	if (slash != NULL && slash != dir)
		*slash = '\0';
	if (sofa_mkdirs(dir, 0755) != 0 ||
	    (r->log = sofa_af_open(file, 0644)) == NULL)
		sofa_err(SOFA_EXIT_FAIL, "%s", file);
	sofa_jw_init(&r->logw, sofa_af_fp(r->log));
	free(dir);
}

/* --- the end --------------------------------------------------------- */

static void
summary(struct run *r)
{
	struct sofa_http_stats st;
	double secs = sofa_mono() - r->t0;

	sofa_http_stats(r->h, &st);
	fprintf(stderr, "%s: %zu matches: %zu complete, %zu incomplete; "
	    "%" PRIu64 " requests in %.1f s (%.1f/s), %.1f MB; ", sofa_prog,
	    r->nmatch, r->ncomplete, r->nmatch - r->ncomplete, st.requests,
	    secs, secs > 0 ? st.requests / secs : 0, st.bytes / 1e6);
	for (int o = 0; o < NOUT; o++)
		if (o != SOFA_HTTP_CANCELLED)
			fprintf(stderr, "%s%s %lu", o ? ", " : "",
			    outcome_word(o), r->count[o]);
	fprintf(stderr, "%s\n", interrupted ? "; interrupted" :
	    r->tripped ? "; stopped by the circuit breaker" : "");
}

static const char advice[] =
    "the upstream refused the requests (HTTP 403): it is blocking this "
    "client, which does not mean there is no data; try a lower rate "
    "(--rate 0.5), a browser User-Agent (user_agent), or another network "
    "or proxy (https_proxy)";

static int
finish(struct run *r)
{
	int status = SOFA_EXIT_OK;

	progress(r, true);
	if (r->log != NULL && sofa_af_commit(r->log) != 0)
		sofa_warn("%s", sofa_cfg_str(r->cfg, "fetch_log"));
	summary(r);
	if (r->tripped) {
		sofa_warnx("stopped after %d consecutive failed matches "
		    "(circuit breaker): %s; last: %s.  Work done so far is "
		    "kept; the next run resumes", r->breaker,
		    r->trip_outcome == SOFA_HTTP_BLOCKED ? advice :
		    r->trip_outcome == SOFA_HTTP_THROTTLED ? "the upstream "
		    "is throttling (HTTP 429): lower the rate (--rate) or "
		    "wait" : r->trip_outcome == SOFA_HTTP_INVALID ? "the "
		    "bodies are not what the API contract wants (see "
		    "quarantine_dir)" : "the upstream is unavailable",
		    r->trip_error);
		status = SOFA_EXIT_UPSTREAM;
	} else if (r->count[SOFA_HTTP_BLOCKED] > 0) {
		sofa_warnx("%lu request%s refused: %s",
		    r->count[SOFA_HTTP_BLOCKED],
		    r->count[SOFA_HTTP_BLOCKED] == 1 ? "" : "s", advice);
		status = SOFA_EXIT_UPSTREAM;
	} else if (r->count[SOFA_HTTP_FAILED] + r->count[SOFA_HTTP_INVALID] +
	    r->count[SOFA_HTTP_THROTTLED] + r->nbad > 0)
		status = SOFA_EXIT_FAIL;
	if (interrupted) {
		sofa_finish(status);
		signal(interrupted, SIG_DFL);
		raise(interrupted);
	}
	return status;
}

/* --- get and --check-contract ---------------------------------------- */

/* Exit status for an outcome that is not ok, after saying why. */
static int
failed_path(const char *path, enum sofa_http_outcome o, const char *error)
{
	if (o == SOFA_HTTP_BLOCKED) {
		sofa_warnx("%s: %s: %s", path, error, advice);
		return SOFA_EXIT_UPSTREAM;
	}
	sofa_warnx("%s: %s", path, error);
	return SOFA_EXIT_FAIL;
}

static int
get(struct sofa_config *cfg, const char *path, bool store)
{
	struct sofa_http *h = sofa_http_new(cfg);
	struct sofa_mirror *mir = sofa_mirror_new(h, cfg);
	int status = SOFA_EXIT_OK;
	const char *why;

	while (*path == '/')
		path++;
	if (!sofa_http_path_ok(path, &why))
		sofa_errx(SOFA_EXIT_USAGE, "get: bad API path '%s': %s", path,
		    why);
	if (store) {
		struct sofa_mirror_res *mr = sofa_mirror_get(mir, path, 0);
		char *file = sofa_store_file(sofa_cfg_str(cfg, "raw_base"),
		    path, ".json"), *buf;
		size_t len;

		if (mr->outcome == SOFA_HTTP_OK ||
		    mr->outcome == SOFA_HTTP_NOT_MODIFIED) {
			if (sofa_readfile(file, SIZE_MAX / 2, &buf, &len) != 0)
				sofa_err(SOFA_EXIT_FAIL, "%s", file);
			fwrite(buf, 1, len, stdout);
			free(buf);
		} else
			status = failed_path(path, mr->outcome, mr->error);
		free(file);
		sofa_mirror_res_free(mr);
	} else {
		struct sofa_http_req q = { path, NULL, NULL, NULL, NULL };
		struct sofa_http_res *res = sofa_http_get(h, &q);
		char *bad;

		if (res->outcome == SOFA_HTTP_OK) {
			fwrite(res->body, 1, res->len, stdout);
			bad = sofa_apic_why(sofa_mirror_contract(mir),
			    sofa_apic_endpoint(sofa_mirror_contract(mir), path),
			    sofa_jdoc_root(res->doc));
			if (bad != NULL) {
				sofa_warnx("%s: API contract: %s", path, bad);
				status = SOFA_EXIT_FAIL;
				free(bad);
			}
		} else
			status = failed_path(path, res->outcome, res->error);
		sofa_http_res_free(res);
	}
	sofa_mirror_free(mir);
	sofa_http_free(h);
	return status;
}

static void
print_violation(const char *key, const char *want, const char *got,
    void *arg)
{
	if (strcmp(got, "absent") == 0)
		printf("%s: %s: missing (expected %s)\n", (const char *)arg,
		    key, want);
	else
		printf("%s: %s: expected %s, got %s\n", (const char *)arg,
		    key, want, got);
}

/* A finished match of yesterday's list (UTC), for --check-contract. */
static int64_t
recent_match(struct sofa_http *h, const struct sofa_apic *c, int *status)
{
	char utc[SOFA_UTC_LEN], path[64];
	struct sofa_http_req q = { path, NULL, NULL, NULL, NULL };
	struct sofa_http_res *res;
	struct sofa_jv *e;
	struct sofa_jit it;
	int64_t id = 0;

	sofa_fmt_utc(sofa_now() - 86400, utc);
	snprintf(path, sizeof(path), "sport/football/scheduled-events/%.10s",
	    utc);
	res = sofa_http_get(h, &q);
	if (res->outcome != SOFA_HTTP_OK) {
		*status = failed_path(path, res->outcome, res->error);
		sofa_http_res_free(res);
		return 0;
	}
	if (sofa_apic_check(c, sofa_apic_endpoint(c, path),
	    sofa_jdoc_root(res->doc), print_violation, path) > 0)
		*status = SOFA_EXIT_FAIL;
	sofa_jit_arr(&it, sofa_jv_get(sofa_jdoc_root(res->doc), "events"));
	while (id == 0 && (e = sofa_jit_next(&it)) != NULL) {
		const char *t = sofa_jv_str(sofa_jv_get(sofa_jv_get(e,
		    "status"), "type"));

		if (t != NULL && strcmp(t, "finished") == 0 &&
		    (!sofa_jv_int(sofa_jv_get(e, "id"), &id) || id < 1))
			id = 0;
	}
	if (id == 0) {
		sofa_warnx("%s: no finished match to check", path);
		*status = SOFA_EXIT_FAIL;
	}
	sofa_http_res_free(res);
	return id;
}

static int
check_contract(struct sofa_config *cfg, int argc, char *argv[])
{
	static const char *const eps[] = { "event", "lineups", "incidents",
	    "statistics" };
	struct sofa_http *h = sofa_http_new(cfg);
	struct sofa_apic *c = sofa_apic_xload(cfg);
	int status = SOFA_EXIT_OK;
	int64_t id = 0;
	const char *why;

	if (argc > 1)
		usage(stderr, SOFA_EXIT_USAGE);
	if (argc == 1 && !sofa_id_parse(argv[0], strlen(argv[0]), &id, &why))
		sofa_errx(SOFA_EXIT_USAGE, "bad id '%s': %s", argv[0], why);
	if (argc == 0)
		id = recent_match(h, c, &status);
	for (size_t i = 0; id > 0 && i < sizeof(eps) / sizeof(eps[0]); i++) {
		char path[SOFA_APIPATH_LEN];
		struct sofa_http_req q = { path, NULL, NULL, NULL, NULL };
		struct sofa_http_res *res;

		res = sofa_http_get(h, (sofa_api_path(path, id, eps[i]), &q));
		if (res->outcome == SOFA_HTTP_ABSENT)
			printf("%s: absent (404), not checked\n", path);
		else if (res->outcome != SOFA_HTTP_OK) {
			int s = failed_path(path, res->outcome, res->error);

			status = s > status ? s : status;
		} else if (sofa_apic_check(c, eps[i], sofa_jdoc_root(res->doc),
		    print_violation, path) > 0) {
			if (status == SOFA_EXIT_OK)
				status = SOFA_EXIT_FAIL;
		} else
			printf("%s: ok\n", path);
		sofa_http_res_free(res);
	}
	sofa_apic_free(c);
	sofa_http_free(h);
	return status;
}

/* --- main ------------------------------------------------------------ */

int
main(int argc, char *argv[])
{
	enum { O_REFRESH = 256, O_FORCE, O_ENDPOINTS, O_REQUIRED, O_CONC,
	    O_RATE, O_STORE, O_CHECK, O_CONFIG, O_VERSION };
	static const struct option longopts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "refresh", no_argument, NULL, O_REFRESH },
		{ "force", no_argument, NULL, O_FORCE },
		{ "endpoints", required_argument, NULL, O_ENDPOINTS },
		{ "required", required_argument, NULL, O_REQUIRED },
		{ "concurrency", required_argument, NULL, O_CONC },
		{ "rate", required_argument, NULL, O_RATE },
		{ "store", no_argument, NULL, O_STORE },
		{ "check-contract", no_argument, NULL, O_CHECK },
		{ "config", required_argument, NULL, O_CONFIG },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, O_VERSION },
		{ NULL, 0, NULL, 0 }
	};
	static const char *const keyopt[][2] = {
		[O_ENDPOINTS - O_REFRESH] = { "endpoints", "--endpoints" },
		[O_REQUIRED - O_REFRESH] = { "required", "--required" },
		[O_CONC - O_REFRESH] = { "concurrency", "--concurrency" },
		[O_RATE - O_REFRESH] = { "rate", "--rate" },
	};
	const char *file = NULL, *sets[O_VERSION - O_REFRESH] = { NULL };
	struct sofa_config *cfg;
	struct run r;
	bool quiet = false, store = false, check = false;
	int c, status;

	sofa_init(argc, argv);
	memset(&r, 0, sizeof(r));
	while ((c = getopt_long(argc, argv, "nquh", longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			r.dry = true;
			break;
		case 'q':
			quiet = true;
			break;
		case 'u':
			r.unbuffered = true;
			break;
		case O_REFRESH:
			r.plan.refresh = true;
			break;
		case O_FORCE:
			r.plan.force = true;
			break;
		case O_ENDPOINTS:
		case O_REQUIRED:
		case O_CONC:
		case O_RATE:
			sets[c - O_REFRESH] = optarg;
			break;
		case O_STORE:
			store = true;
			break;
		case O_CHECK:
			check = true;
			break;
		case O_CONFIG:
			file = optarg;
			break;
		case 'h':
			usage(stdout, SOFA_EXIT_OK);
			break;
		case O_VERSION:
			printf("sofa-fetch %s\n", SOFA_VERSION);
			return sofa_finish(SOFA_EXIT_OK);
		default:
			usage(stderr, SOFA_EXIT_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (r.plan.refresh && r.plan.force)
		usage(stderr, SOFA_EXIT_USAGE);
	cfg = sofa_config_xload(file);
	for (int i = 0; i < O_VERSION - O_REFRESH; i++)
		if (sets[i] != NULL)
			sofa_config_xset(cfg, keyopt[i][0], sets[i],
			    keyopt[i][1]);
	if (argc > 0 && strcmp(argv[0], "get") == 0 && !check) {
		if (argc != 2)
			usage(stderr, SOFA_EXIT_USAGE);
		status = get(cfg, argv[1], store);
		sofa_config_free(cfg);
		return sofa_finish(status);
	}
	if (store)
		usage(stderr, SOFA_EXIT_USAGE);
	if (check) {
		status = check_contract(cfg, argc, argv);
		sofa_config_free(cfg);
		return sofa_finish(status);
	}

	r.cfg = cfg;
	endpoints(&r);
	r.plan.raw_base = sofa_cfg_str(cfg, "raw_base");
	r.plan.now = sofa_now();
	r.plan.refresh_s = sofa_cfg_int(cfg, "refresh_hours") * 3600;
	r.plan.absent_s = sofa_cfg_int(cfg, "absent_recheck_hours") * 3600;
	r.breaker = (int)sofa_cfg_int(cfg, "breaker");
	r.unbuffered = r.unbuffered || isatty(STDOUT_FILENO);
	r.progress = !quiet && !r.dry && isatty(STDERR_FILENO);
	sofa_jw_init(&r.out, stdout);
	read_ids(&r, argc, argv);
	if (r.dry) {
		while (r.next < r.nmatch)
			plan_match(&r, &r.matches[r.next++]);
		status = r.nbad > 0 ? SOFA_EXIT_FAIL : SOFA_EXIT_OK;
	} else {
		struct sigaction sa, old;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_signal;
		sigemptyset(&sa.sa_mask);
		for (int sig = SIGINT; sig != 0; sig = sig == SIGINT ?
		    SIGTERM : 0)
			if (sigaction(sig, NULL, &old) == 0 &&
			    old.sa_handler != SIG_IGN)
				sigaction(sig, &sa, NULL);
		r.h = sofa_http_new(cfg);
		r.mir = sofa_mirror_new(r.h, cfg);
		sofa_http_set_interrupt(r.h, &interrupted);
		open_log(&r);
		r.t0 = sofa_mono();
		sofa_http_set_feeder(r.h, feed, &r);
		sofa_http_run(r.h);
		status = finish(&r);
		sofa_mirror_free(r.mir);
		sofa_http_free(r.h);
	}
	for (size_t i = 0; i < r.nendpoints; i++)
		free(r.endpoints[i]);
	free(r.endpoints);
	free(r.matches);
	sofa_config_free(cfg);
	return sofa_finish(status);
}
