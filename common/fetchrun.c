/*
 * fetchrun.c - a fetch run over many matches (fetchrun.h): what sofa-fetch
 * does between reading its options and exiting.
 *
 * Matches are planned lazily, one at a time, by the engine's feeder: for
 * each configured endpoint the plan (plan.h) decides from the store whether
 * to ask, and the mirror (mirror.h) asks and stores; every outcome becomes
 * one NDJSON line on stdout and in fetch_log.  A match settles when its
 * last request is done; player-statistics are added when its lineups are
 * known; the circuit breaker counts failed matches.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomic.h"
#include "err.h"
#include "fetchrun.h"
#include "http.h"
#include "ids.h"
#include "io.h"
#include "mirror.h"
#include "ndjson.h"
#include "plan.h"
#include "store.h"
#include "timeutil.h"
#include "xalloc.h"

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

struct sofa_fetchrun;

struct res {
	struct sofa_fetchrun *r;
	struct match *m;
	char *endpoint;
	char reason[64];
	bool required;
};

struct sofa_fetchrun {
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
	int breaker;
	size_t *fails, nfails, failcap;	/* failed since last_ok */
	size_t last_ok;		/* 1 + input position of the last ok */
	bool tripped;
	bool stuck;		/* the store could not be written: stop */
	char stuck_error[512];
	enum sofa_http_outcome trip_outcome;
	char trip_error[512];
	double t0, last_progress;
	const volatile sig_atomic_t *intr;
};


/* --- output ---------------------------------------------------------- */

static const char *
outcome_word(int o)
{
	return o == SKIPPED ? "skipped" : sofa_http_outcome_name(o);
}

static void
line(struct sofa_fetchrun *r, struct sofa_jw *w, int64_t id,
    const char *endpoint, const char *path, int o, const char *reason,
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
emit(struct sofa_fetchrun *r, int64_t id, const char *endpoint,
    const char *path, int o, const char *reason,
    const struct sofa_mirror_res *mr)
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
progress(struct sofa_fetchrun *r, bool last)
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

static void request(struct sofa_fetchrun *r, struct match *m,
    const char *endpoint, const char *path, bool required);

/* Queue player-statistics for every player of a lineups document. */
static void
add_players(struct sofa_fetchrun *r, struct match *m,
    const struct sofa_jdoc *doc)
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
stored_players(struct sofa_fetchrun *r, struct match *m)
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
complete(struct sofa_fetchrun *r, const struct match *m)
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

/*
 * The circuit breaker counts failed matches in input order since the
 * last match that succeeded: a success learned late (its bodies were
 * still being written) must not hide failures of later matches.
 */
static void
breaker(struct sofa_fetchrun *r, struct match *m, bool ok)
{
	size_t pos = (size_t)(m - r->matches), n = 0;

	if (ok) {
		if (r->last_ok == 0 || pos + 1 > r->last_ok)
			r->last_ok = pos + 1;
		for (size_t i = 0; i < r->nfails; i++)
			if (r->fails[i] + 1 > r->last_ok)
				r->fails[n++] = r->fails[i];
		r->nfails = n;
		return;
	}
	if (pos + 1 <= r->last_ok)
		return;
	xgrow((void **)&r->fails, &r->failcap, r->nfails + 1,
	    sizeof(*r->fails));
	r->fails[r->nfails++] = pos;
	if (r->nfails >= (size_t)r->breaker && !r->tripped) {
		r->tripped = true;
		sofa_http_stop(r->h);
	}
}

static void
match_settled(struct sofa_fetchrun *r, struct match *m)
{
	r->done++;
	if (complete(r, m))
		r->ncomplete++;
	if (m->asked && !m->failed)
		breaker(r, m, true);
	progress(r, false);
}

static void
on_done(struct sofa_mirror_res *mr, void *arg)
{
	struct res *rs = arg;
	struct sofa_fetchrun *r = rs->r;
	struct match *m = rs->m;

	if (mr->outcome != SOFA_HTTP_CANCELLED) {
		emit(r, m->id, rs->endpoint, mr->path, (int)mr->outcome,
		    rs->reason, mr);
		/* a match counts as failed at its first failed required
		 * resource, not when the rest of it is done: a blocked
		 * client must stop at once */
		/* a store that cannot be written (disk full) is no fault
		 * of the upstream's: stop at once, exit 1, not the breaker */
		if (mr->local && !r->stuck) {
			r->stuck = true;
			snprintf(r->stuck_error, sizeof(r->stuck_error), "%s",
			    mr->error);
			sofa_http_stop(r->h);
		}
		if (rs->required && failure(mr->outcome) && !m->failed &&
		    !mr->local) {
			m->failed = true;
			r->trip_outcome = mr->outcome;
			snprintf(r->trip_error, sizeof(r->trip_error), "%s: %s",
			    mr->path, mr->error);
			breaker(r, m, false);
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
request(struct sofa_fetchrun *r, struct match *m, const char *endpoint,
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
read_event(struct sofa_fetchrun *r, struct match *m)
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
plan_match(struct sofa_fetchrun *r, struct match *m)
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
	struct sofa_fetchrun *r = arg;

	while (r->next < r->nmatch && !r->tripped && !r->stuck) {
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
read_ids(struct sofa_fetchrun *r, int argc, char *argv[])
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
endpoints(struct sofa_fetchrun *r)
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
			sofa_errx(SOFA_EXIT_USAGE, "endpoints: unknown "
			    "endpoint '%s' (event lineups incidents "
			    "statistics shotmap graph average-positions "
			    "player-statistics best-players highlights)", w);
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
open_log(struct sofa_fetchrun *r)
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
summary(struct sofa_fetchrun *r)
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
	fprintf(stderr, "%s\n", r->intr != NULL && *r->intr ? "; interrupted" :
	    r->tripped ? "; stopped by the circuit breaker" :
	    r->stuck ? "; stopped: the store cannot be written" : "");
}

const char sofa_fetch_advice[] =
    "the upstream refused the requests (HTTP 403): it is blocking this "
    "client, which does not mean there is no data; try a lower rate "
    "(--rate 0.5), a browser User-Agent (user_agent), or another network "
    "or proxy (https_proxy)";

static int
finish(struct sofa_fetchrun *r)
{
	int status = SOFA_EXIT_OK;

	progress(r, true);
	if (r->log != NULL && sofa_af_commit(r->log) != 0)
		sofa_warn("%s", sofa_cfg_str(r->cfg, "fetch_log"));
	summary(r);
	if (r->stuck) {
		sofa_warnx("stopped: %s.  Work done so far is kept; the next "
		    "run resumes", r->stuck_error);
		status = SOFA_EXIT_FAIL;
	} else if (r->tripped) {
		sofa_warnx("stopped after %d consecutive failed matches "
		    "(circuit breaker): %s; last: %s.  Work done so far is "
		    "kept; the next run resumes", r->breaker,
		    r->trip_outcome == SOFA_HTTP_BLOCKED ? sofa_fetch_advice :
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
		    r->count[SOFA_HTTP_BLOCKED] == 1 ? "" : "s",
		    sofa_fetch_advice);
		status = SOFA_EXIT_UPSTREAM;
	} else if (r->count[SOFA_HTTP_FAILED] + r->count[SOFA_HTTP_INVALID] +
	    r->count[SOFA_HTTP_THROTTLED] + r->nbad > 0)
		status = SOFA_EXIT_FAIL;
	return status;
}

/* --- the interface ------------------------------------------------- */

struct sofa_fetchrun *
sofa_fetchrun_new(struct sofa_config *cfg, const struct sofa_fetchrun_opts *o)
{
	struct sofa_fetchrun *r = xcalloc(1, sizeof(*r));

	r->cfg = cfg;
	r->dry = o->dry;
	r->plan.refresh = o->refresh;
	r->plan.force = o->force;
	endpoints(r);
	r->plan.raw_base = sofa_cfg_str(cfg, "raw_base");
	r->plan.now = sofa_now();
	r->plan.refresh_s = sofa_cfg_int(cfg, "refresh_hours") * 3600;
	r->plan.absent_s = sofa_cfg_int(cfg, "absent_recheck_hours") * 3600;
	r->breaker = (int)sofa_cfg_int(cfg, "breaker");
	r->unbuffered = o->unbuffered || isatty(STDOUT_FILENO);
	r->progress = o->progress && !r->dry && isatty(STDERR_FILENO);
	sofa_jw_init(&r->out, stdout);
	return r;
}

void
sofa_fetchrun_read(struct sofa_fetchrun *r, int argc, char *argv[])
{
	read_ids(r, argc, argv);
}

int
sofa_fetchrun_go(struct sofa_fetchrun *r, const volatile sig_atomic_t *intr)
{
	int status;

	if (r->dry) {
		while (r->next < r->nmatch)
			plan_match(r, &r->matches[r->next++]);
		return r->nbad > 0 ? SOFA_EXIT_FAIL : SOFA_EXIT_OK;
	}
	r->intr = intr;
	r->h = sofa_http_new(r->cfg);
	r->mir = sofa_mirror_new(r->h, r->cfg);
	sofa_mirror_async(r->mir);
	if (intr != NULL)
		sofa_http_set_interrupt(r->h, intr);
	open_log(r);
	r->t0 = sofa_mono();
	sofa_http_set_feeder(r->h, feed, r);
	sofa_http_run(r->h);
	status = finish(r);
	sofa_mirror_free(r->mir);
	sofa_http_free(r->h);
	r->mir = NULL;
	r->h = NULL;
	return status;
}

void
sofa_fetchrun_free(struct sofa_fetchrun *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->nendpoints; i++)
		free(r->endpoints[i]);
	free(r->endpoints);
	free(r->matches);
	free(r->fails);
	free(r);
}
