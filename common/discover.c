/*
 * discover.c - event objects to index lines, and the walk over a season's
 * rounds or pages (discover.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "discover.h"
#include "err.h"
#include "ids.h"
#include "ndjson.h"
#include "store.h"
#include "timeutil.h"
#include "xalloc.h"

const char sofa_discover_advice[] =
    "it is blocking this client, which does not mean there is no data; "
    "try a lower rate (rate), a browser User-Agent or headers (user_agent, "
    "headers), or another network or proxy (https_proxy)";

const char *const sofa_index_keys[] = {
	"event_id", "tournament_id", "tournament", "season_id", "season",
	"round", "round_name", "round_slug", "start_utc", "status_code",
	"status_type", "status_description", "home_team_id", "home_team",
	"away_team_id", "away_team", "home_score", "away_score",
	"home_penalties", "away_penalties", "winner_code", "slug",
	"custom_id", "changed_utc", "discovered_utc", NULL
};

/* Longest slug or prefix taken into an API path. */
#define SEG_MAX 100
#define PATH_MAX_ 512
#define BASE_MAX 96	/* unique-tournament/ID/season/ID */

static bool
get_int(const struct sofa_jv *v, int64_t *out)
{
	return sofa_jv_int(v, out);
}

/* key: the integer at v, or null. */
static void
kint(struct sofa_jw *w, const char *key, const struct sofa_jv *v)
{
	int64_t i;

	if (get_int(v, &i))
		sofa_jw_kint(w, key, i);
	else
		sofa_jw_knull(w, key);
}

/* key: the integer at v, else dflt when not 0, else null. */
static void
kint_or(struct sofa_jw *w, const char *key, const struct sofa_jv *v,
    int64_t dflt)
{
	int64_t i;

	if (get_int(v, &i))
		sofa_jw_kint(w, key, i);
	else if (dflt != 0)
		sofa_jw_kint(w, key, dflt);
	else
		sofa_jw_knull(w, key);
}

/* key: the string at v (or dflt), or null. */
static void
kstr(struct sofa_jw *w, const char *key, const struct sofa_jv *v,
    const char *dflt)
{
	const char *s = sofa_jv_str(v);

	sofa_jw_kstr(w, key, s != NULL ? s : dflt);
}

static void
kutc(struct sofa_jw *w, const char *key, int64_t t)
{
	char buf[SOFA_UTC_LEN];

	if (t == SOFA_IX_NOSTART || t == SOFA_IX_NOCHANGE)
		sofa_jw_knull(w, key);
	else
		sofa_jw_kstr(w, key, sofa_fmt_utc((time_t)t, buf));
}

#define J(v, k) sofa_jv_get((v), (k))

static void
write_line(struct sofa_jw *w, const struct sofa_jv *ev, int64_t id,
    int64_t start, int64_t changed, const struct sofa_evctx *ctx)
{
	const struct sofa_jv *ut = J(J(ev, "tournament"), "uniqueTournament");
	const struct sofa_jv *season = J(ev, "season"), *ri = J(ev, "roundInfo");
	const struct sofa_jv *st = J(ev, "status");
	const struct sofa_jv *hs = J(ev, "homeScore"), *as = J(ev, "awayScore");
	const struct sofa_jv *ht = J(ev, "homeTeam"), *at = J(ev, "awayTeam");
	const char *tname = sofa_jv_str(J(ut, "name"));
	int64_t sid = 0;
	int64_t pen;

	if (tname == NULL)
		tname = sofa_jv_str(J(J(ev, "tournament"), "name"));
	sofa_jw_obj(w);
	sofa_jw_kint(w, "event_id", id);
	kint_or(w, "tournament_id", J(ut, "id"), ctx->tournament_id);
	sofa_jw_kstr(w, "tournament", tname);
	if (!get_int(J(season, "id"), &sid))
		sid = ctx->season_id;
	if (sid != 0)
		sofa_jw_kint(w, "season_id", sid);
	else
		sofa_jw_knull(w, "season_id");
	kstr(w, "season", J(season, "year"), sid == ctx->season_id ?
	    ctx->season : NULL);
	kint(w, "round", J(ri, "round"));
	kstr(w, "round_name", J(ri, "name"), NULL);
	kstr(w, "round_slug", J(ri, "slug"), NULL);
	kutc(w, "start_utc", start);
	kint(w, "status_code", J(st, "code"));
	kstr(w, "status_type", J(st, "type"), NULL);
	kstr(w, "status_description", J(st, "description"), NULL);
	kint(w, "home_team_id", J(ht, "id"));
	kstr(w, "home_team", J(ht, "name"), NULL);
	kint(w, "away_team_id", J(at, "id"));
	kstr(w, "away_team", J(at, "name"), NULL);
	/* display leaves the shoot-out out; current would count it */
	kint(w, "home_score", J(hs, "display"));
	kint(w, "away_score", J(as, "display"));
	if (get_int(J(hs, "penalties"), &pen) ||
	    get_int(J(as, "penalties"), &pen)) {
		kint(w, "home_penalties", J(hs, "penalties"));
		kint(w, "away_penalties", J(as, "penalties"));
	} else {
		sofa_jw_knull(w, "home_penalties");
		sofa_jw_knull(w, "away_penalties");
	}
	kint(w, "winner_code", J(ev, "winnerCode"));
	kstr(w, "slug", J(ev, "slug"), NULL);
	kstr(w, "custom_id", J(ev, "customId"), NULL);
	kutc(w, "changed_utc", changed);
	kutc(w, "discovered_utc", ctx->now);
	sofa_jw_obj_end(w);
}

bool
sofa_event_line(struct sofa_ix *ix, const struct sofa_jv *ev,
    const struct sofa_evctx *ctx, const char *where, const char *key)
{
	int64_t id, start, changed, code;
	struct sofa_jw w;
	char k[96], *line = NULL;
	size_t len = 0;
	FILE *fp;

	if (!sofa_jv_is_obj(ev))
		return sofa_contract(where, key, "an event object", ev);
	snprintf(k, sizeof(k), "%s.id", key);
	if (!get_int(J(ev, "id"), &id) || id <= 0 || id > SOFA_ID_MAX)
		return sofa_contract(where, k, "a positive integer",
		    J(ev, "id"));
	snprintf(k, sizeof(k), "%s.startTimestamp", key);
	if (!get_int(J(ev, "startTimestamp"), &start) || start < 0 ||
	    start > 253402300799LL)
		return sofa_contract(where, k, "a Unix time",
		    J(ev, "startTimestamp"));
	snprintf(k, sizeof(k), "%s.status.code", key);
	if (!get_int(J(J(ev, "status"), "code"), &code))
		return sofa_contract(where, k, "an integer",
		    J(J(ev, "status"), "code"));
	if (!get_int(J(J(ev, "changes"), "changeTimestamp"), &changed) ||
	    changed < 0 || changed > 253402300799LL)
		changed = SOFA_IX_NOCHANGE;
	if ((fp = open_memstream(&line, &len)) == NULL)
		sofa_err(SOFA_EXIT_FAIL, "open_memstream");
	sofa_jw_init(&w, fp);
	write_line(&w, ev, id, start, changed, ctx);
	if (fclose(fp) != 0)
		sofa_err(SOFA_EXIT_FAIL, "open_memstream");
	sofa_ix_add(ix, id, start, changed, line, len);
	return true;
}

long
sofa_events_body(struct sofa_ix *ix, const struct sofa_jv *root,
    const struct sofa_evctx *ctx, const char *where, size_t *n)
{
	struct sofa_jv *arr = J(root, "events"), *ev;
	struct sofa_jit it;
	char key[48];
	long bad = 0;
	size_t i = 0;

	*n = 0;
	if (arr == NULL && sofa_jv_is_obj(J(root, "event"))) {
		if (!sofa_event_line(ix, J(root, "event"), ctx, where, "event"))
			return 1;
		*n = 1;
		return 0;
	}
	if (!sofa_jv_is_arr(arr)) {
		sofa_contract(where, "events", "an array", arr);
		return -1;
	}
	sofa_jit_arr(&it, arr);
	for (; (ev = sofa_jit_next(&it)) != NULL; i++) {
		snprintf(key, sizeof(key), "events[%zu]", i);
		if (sofa_event_line(ix, ev, ctx, where, key))
			(*n)++;
		else
			bad++;
	}
	return bad;
}

/*
 * Ask the getter for path.  An error object in a 200 body (a proxy that
 * hides the status) counts as that status: 404 absent, 403 refused.
 */
static struct sofa_jdoc *
get(struct sofa_walk *w, const char *path, enum sofa_got *got)
{
	struct sofa_jdoc *doc = NULL;
	struct sofa_jv *err;
	int64_t code = 0;

	w->requests++;
	*got = w->g.get(w->g.arg, path, &doc);
	if (*got == SOFA_GOT_BODY &&
	    sofa_jv_is_obj(err = J(sofa_jdoc_root(doc), "error"))) {
		get_int(J(err, "code"), &code);
		sofa_jdoc_free(doc);
		doc = NULL;
		if (code == 404)
			*got = SOFA_GOT_ABSENT;
		else if (code == 403) {
			sofa_warnx("%s: the upstream refused the request "
			    "(an error 403 in the body): %s", path,
			    sofa_discover_advice);
			*got = SOFA_GOT_REFUSED;
		} else {
			sofa_warnx("%s: the body is an error object (code "
			    "%" PRId64 ")", path, code);
			*got = SOFA_GOT_FAILED;
		}
	}
	if (*got == SOFA_GOT_FAILED)
		w->errors++;
	else if (*got == SOFA_GOT_REFUSED) {
		w->errors++;
		w->refused = true;
	}
	return doc;
}

enum sofa_got
sofa_walk_seasons(struct sofa_walk *w, int64_t ut, struct sofa_seasons *ss)
{
	char path[PATH_MAX_];
	struct sofa_jdoc *doc;
	enum sofa_got got;

	ss->v = NULL;
	ss->n = 0;
	snprintf(path, sizeof(path), "unique-tournament/%" PRId64 "/seasons",
	    ut);
	doc = get(w, path, &got);
	if (got == SOFA_GOT_ABSENT) {
		sofa_warnx("unknown competition %" PRId64 ": %s is absent "
		    "(404)", ut, path);
		w->errors++;
	}
	if (got != SOFA_GOT_BODY)
		return got;
	if (!sofa_seasons_parse(sofa_jdoc_root(doc), path, ss)) {
		w->errors++;
		if (ss->n == 0) {
			sofa_seasons_free(ss);
			got = SOFA_GOT_FAILED;
		}
	}
	sofa_jdoc_free(doc);
	return got;
}

/* The events of one list path into ix: -1 refused or failed, else the
 * count; *more is the body's hasNextPage (true when it has none). */
static long
walk_list(struct sofa_walk *w, const char *path,
    const struct sofa_evctx *ctx, struct sofa_ix *ix, bool *more,
    bool *absent)
{
	struct sofa_jdoc *doc;
	enum sofa_got got;
	size_t n = 0;
	bool hnp = true;
	long bad;

	*more = false;
	doc = get(w, path, &got);
	*absent = got == SOFA_GOT_ABSENT;
	if (got != SOFA_GOT_BODY)
		return got == SOFA_GOT_ABSENT ? 0 : -1;
	bad = sofa_events_body(ix, sofa_jdoc_root(doc), ctx, path, &n);
	if (bad != 0)
		w->errors++;
	if (bad >= 0 && !sofa_jv_bool(J(sofa_jdoc_root(doc), "hasNextPage"),
	    &hnp))
		hnp = n > 0;
	*more = bad >= 0 && hnp;
	sofa_jdoc_free(doc);
	return bad < 0 ? -1 : (long)n;
}

static size_t
walk_pages(struct sofa_walk *w, const char *base, const char *dir,
    const struct sofa_evctx *ctx, struct sofa_ix *ix)
{
	char path[PATH_MAX_];
	bool more, absent;
	size_t total = 0;
	long n;

	for (unsigned p = 0; !w->refused; p++) {
		if (p >= w->max_pages) {
			sofa_warnx("%s/events/%s: still more after %u pages: "
			    "stopped (raise --max-pages)", base, dir, p);
			w->errors++;
			break;
		}
		snprintf(path, sizeof(path), "%s/events/%s/%u", base, dir, p);
		/* (a 404 ends the pages: no page, or none left) */
		if ((n = walk_list(w, path, ctx, ix, &more, &absent)) < 0)
			break;
		total += (size_t)n;
		if (!more)
			break;
	}
	return total;
}

/* Append "/NAME/SEG" to path; false when SEG cannot be a path segment:
 * the http module and the store take only URL-unreserved characters. */
static bool
add_seg(char *path, size_t size, const char *name, const char *seg)
{
	size_t o = strlen(path), len = strlen(seg);

	if (len == 0 || len > SEG_MAX || strcmp(seg, ".") == 0 ||
	    strcmp(seg, "..") == 0 || o + strlen(name) + len + 3 > size ||
	    strspn(seg, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789-._~") != len)
		return false;
	snprintf(path + o, size - o, "/%s/%s", name, seg);
	return true;
}

/* The string member key of r into *s (NULL when absent or null); false
 * when it is something else. */
static bool
opt_str(const struct sofa_jv *r, const char *key, const char **s)
{
	struct sofa_jv *v = J(r, key);

	*s = sofa_jv_str(v);
	return *s != NULL || v == NULL || sofa_jv_is_null(v);
}

/* The API path of round r (element i of rpath's rounds) into path;
 * false, after a contract message, when it cannot be built. */
static bool
round_path(char *path, size_t size, const char *base, const char *rpath,
    const struct sofa_jv *r, size_t i)
{
	const char *slug, *prefix, *bad = NULL;
	char key[48];
	int64_t n;

	if (!get_int(J(r, "round"), &n))
		bad = "round";
	else if (!opt_str(r, "slug", &slug))
		bad = "slug";
	else if (!opt_str(r, "prefix", &prefix))
		bad = "prefix";
	if (bad != NULL) {
		snprintf(key, sizeof(key), "rounds[%zu].%s", i, bad);
		return sofa_contract(rpath, key, bad[0] == 'r' ?
		    "an integer" : "a string", J(r, bad));
	}
	snprintf(path, size, "%s/events/round/%" PRId64, base, n);
	if (slug != NULL && !add_seg(path, size, "slug", slug))
		bad = "slug";
	else if (prefix != NULL && !add_seg(path, size, "prefix", prefix))
		bad = "prefix";
	if (bad != NULL) {
		snprintf(key, sizeof(key), "rounds[%zu].%s", i, bad);
		sofa_warnx("%s: %s: '%s' cannot be a path segment (1 to %d "
		    "letters, digits, '-', '.', '_' or '~'; not '.' or '..')",
		    rpath, key, bad[0] == 's' ? slug : prefix, SEG_MAX);
		return false;
	}
	return true;
}

static size_t
walk_rounds(struct sofa_walk *w, const char *base, const char *rpath,
    const struct sofa_jv *rounds, const struct sofa_evctx *ctx,
    struct sofa_ix *ix)
{
	char (*seen)[PATH_MAX_], *path;
	struct sofa_jit it;
	struct sofa_jv *r;
	size_t i = 0, nseen = 0, total = 0;
	bool more, absent;
	long n;

	seen = xcalloc(sofa_jv_len(rounds) + 1, sizeof(*seen));
	sofa_jit_arr(&it, rounds);
	for (; (r = sofa_jit_next(&it)) != NULL && !w->refused; i++) {
		bool dup = false;

		path = seen[nseen];
		if (!round_path(path, PATH_MAX_, base, rpath, r, i)) {
			w->errors++;
			continue;
		}
		/* a round listed twice (or two names, one path) once */
		for (size_t j = 0; j < nseen && !dup; j++)
			dup = strcmp(seen[j], path) == 0;
		if (dup)
			continue;
		nseen++;
		if ((n = walk_list(w, path, ctx, ix, &more, &absent)) > 0)
			total += (size_t)n;
		/* not an error (a cup's next round before its draw), but
		 * matches may be missing: said, not only under -v */
		if (absent)
			sofa_warnx("%s: listed in %s but absent (404): no "
			    "matches listed from it", path, rpath);
	}
	free(seen);
	return total;
}

size_t
sofa_walk_season(struct sofa_walk *w, int64_t ut,
    const struct sofa_season *s, struct sofa_ix *ix)
{
	struct sofa_evctx ctx = { ut, s->id, s->year, w->now };
	struct sofa_jdoc *doc = NULL;
	struct sofa_jv *rounds;
	char base[BASE_MAX], path[PATH_MAX_];
	enum sofa_got got = SOFA_GOT_ABSENT;
	size_t total = 0;

	snprintf(base, sizeof(base), "unique-tournament/%" PRId64
	    "/season/%" PRId64, ut, s->id);
	if (!w->pages) {
		snprintf(path, sizeof(path), "%s/rounds", base);
		doc = get(w, path, &got);
		if (got == SOFA_GOT_FAILED || got == SOFA_GOT_REFUSED)
			return 0;
	}
	if (got == SOFA_GOT_BODY) {
		rounds = J(sofa_jdoc_root(doc), "rounds");
		if (!sofa_jv_is_arr(rounds)) {
			sofa_contract(path, "rounds", "an array", rounds);
			w->errors++;
			sofa_jdoc_free(doc);
			return 0;
		}
		if (sofa_jv_len(rounds) > 0) {
			total = walk_rounds(w, base, path, rounds, &ctx, ix);
			sofa_jdoc_free(doc);
			return total;
		}
		sofa_jdoc_free(doc);
	}
	/* no rounds: the paginated lists, finished matches then the rest */
	total = walk_pages(w, base, "last", &ctx, ix);
	if (!w->refused)
		total += walk_pages(w, base, "next", &ctx, ix);
	return total;
}
