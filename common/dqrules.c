/*
 * dqrules.c - the checks of sofa-dq over the published tables (dq.h).
 *
 * Reads processed_dir/TABLE.csv once each, streaming: teams and players
 * first (their id sets), then matches (a small map per match), then the
 * big tables (lineups, appearances, incidents ...), whose rows are checked
 * as they pass and forgotten; only ids, 64-bit hashes of keys and small
 * per-match and per-side counters stay in memory.  The schema rules are
 * driven by share_dir/schema/TABLE.tsv; every other rule names the
 * columns it needs (COL_* below) and a table that lacks one stops the run
 * with exit 1 before anything is reported.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csvin.h"
#include "dq.h"
#include "err.h"
#include "io.h"
#include "kset.h"
#include "num.h"
#include "tabschema.h"
#include "xalloc.h"

/* Every rule, in report order; the enum follows the same order. */
const char *const sofa_dq_ids[] = {
	"schema.header",
	"schema.rows",
	"schema.types",
	"schema.keys",
	"keys.matches_unique",
	"keys.lineups_unique",
	"keys.appearances_unique",
	"keys.primary_unique",
	"keys.event_in_matches",
	"keys.team_in_teams",
	"keys.player_in_players",
	"consistency.starters",
	"consistency.goals_vs_score",
	"consistency.goal_sequence",
	"consistency.score_parts",
	"consistency.minutes_range",
	"consistency.minutes_reported",
	"consistency.substitutions",
	"consistency.team_stats",
	"consistency.finished_scores",
	"consistency.status_known",
	"coverage.required",
	"coverage.fetch_failures",
	"coverage.blocked_not_absent",
	"freshness.matches",
	"freshness.last_run",
};
const size_t sofa_dq_nids = sizeof(sofa_dq_ids) / sizeof(sofa_dq_ids[0]);

enum {
	R_HEADER, R_ROWS, R_TYPES, R_KEYS,
	R_MATCHES_UNIQUE, R_LINEUPS_UNIQUE, R_APPEARANCES_UNIQUE, R_PK_UNIQUE,
	R_EVENT_IN_MATCHES, R_TEAM_IN_TEAMS, R_PLAYER_IN_PLAYERS,
	R_STARTERS, R_GOALS, R_GOAL_SEQ, R_SCORE_PARTS, R_MINUTES_RANGE, R_MINUTES_REPORTED, R_SUBS, R_TEAM_STATS,
	R_FINISHED_SCORES, R_STATUS_KNOWN,
	R_NTABLE		/* the rules of this file end here */
};

/* The columns the rules name (docs/consumption.md has the tables). */
#define COL_EVENT	"event_id"
#define COL_TEAM	"team_id"
#define COL_PLAYER	"player_id"
#define COL_HOME_TEAM	"home_team_id"
#define COL_AWAY_TEAM	"away_team_id"
#define COL_HOME_SCORE	"home_score"
#define COL_AWAY_SCORE	"away_score"
#define COL_STATUS_CODE	"status_code"
#define COL_STATUS_TYPE	"status_type"
#define COL_SIDE	"side"
#define COL_SUBSTITUTE	"substitute"
#define COL_CONFIRMED	"confirmed"
#define COL_OPPONENT	"opponent_id"
#define COL_MINUTES	"minutes"
#define COL_MINUTES_REP	"minutes_reported"
#define COL_INC_TYPE	"type"
#define COL_SEQ		"seq"
#define COL_MINUTE	"minute"
#define COL_AWARDED	"awarded"
#define COL_PERIOD	"period"
#define COL_GROUP	"group"
#define COL_NAME	"name"
#define COL_STAT_KEY	"stat_key"
#define COL_HOME_SHOWN	"home"
#define COL_HOME_VALUE	"home_value"
#define COL_AWAY_VALUE	"away_value"
#define COL_VALUE_TYPE	"value_type"

#define MINUTES_MAX	130	/* 120 and stoppage time */
#define STARTERS	11
#define BADWARN_MAX	10	/* broken records told, per table */

struct match {
	int64_t home, away;	/* team ids; 0: null */
	uint32_t line;
	int32_t hs, as;		/* displayed score; -1: null */
	int32_t hg, ag;		/* goals credited in the incidents */
	bool finished, has_inc;
};

/* The parts of a side's score in matches: COL "home_" or "away_" PART. */
enum { P_CUR, P_P1, P_P2, P_NT, P_OT, P_PEN, NPARTS };
static const char *const parts[NPARTS] = { "current", "period1", "period2",
    "normaltime", "overtime", "penalties" };

/* The running score of a match's incidents, goal after goal. */
struct run {
	int32_t h, a;
};

/* A team statistic of the match being read, by period (ALL, 1ST, 2ND). */
struct stat {
	double v[3][2];		/* [period][home, away] */
	uint32_t line;		/* of its ALL row */
	uint8_t have;		/* periods seen: bit 1 << period */
	bool notcount;		/* not an integer count in some period */
	char name[48];
};

/* A side of a match: starters of a confirmed lineup, or substitutions. */
struct side {
	int64_t event;
	uint32_t line;
	uint16_t n;
	bool home;
};

struct status {
	long long code;
	char *type;
};

struct tab {
	const char *name;
	char *path;
	const struct sofa_schema *schema;
	struct sofa_csvin *in;
	long *smap;		/* schema column -> field, -1 when absent */
	long event;		/* event_id column or -1 */
	struct sofa_u64set *pk;	/* keys.primary_unique */
	unsigned long nbad;
};

struct ctx {
	struct sofa_dq *dq;
	const struct sofa_dq_input *in;
	struct sofa_dq_rule *r[R_NTABLE];
	struct sofa_schema **schema;
	size_t nschema;
	struct sofa_u64map *matches;	/* event -> struct match */
	struct sofa_u64set *teams, *players;
	struct sofa_u64set *lineup_keys, *app_keys;
	struct sofa_u64map *starters, *subs;	/* (event, side) -> side */
	struct sofa_u64map *runs;	/* event -> struct run */
	struct sofa_u64map *stats;	/* the current match's: struct stat */
	int64_t stats_event;
	struct status *status;
	size_t nstatus;
	/* the columns of the table being read */
	long c_id, c_event, c_home, c_away, c_hs, c_as, c_code, c_type;
	long c_side, c_team, c_opp, c_player, c_sub, c_conf, c_min, c_minrep;
	long c_itype, c_seq, c_minute, c_awarded, c_part[2][NPARTS];
	long c_period, c_group, c_name, c_statkey, c_shown, c_hv, c_av, c_vtype;
};

static bool
on(const struct ctx *x, int rule)
{
	return sofa_dq_on(x->r[rule]);
}

/* "FILE:LINE" of the current record; static. */
static const char *
where(const struct tab *t)
{
	static char buf[4096 + 32];

	snprintf(buf, sizeof(buf), "%s:%lu", t->path,
	    sofa_csvin_line(t->in));
	return buf;
}

static const char *
val(const struct tab *t, long c)
{
	return c < 0 ? NULL : sofa_csvin_get(t->in, (size_t)c, NULL);
}

/* The integer in column c; false when null or not an integer (the
 * schema rules report that). */
static bool
ival(const struct tab *t, long c, int64_t *out)
{
	const char *v = val(t, c), *e;

	if (v == NULL)
		return false;
	*out = sofa_strtonum(v, LLONG_MIN, LLONG_MAX, &e);
	return e == NULL;
}

static bool
is(const struct tab *t, long c, const char *word)
{
	const char *v = val(t, c);

	return v != NULL && strcmp(v, word) == 0;
}

/* Column col of t, which rule needs: a table without it stops the run. */
static long
need(const struct tab *t, const char *col, const struct sofa_dq_rule *r)
{
	long c = sofa_csvin_col(t->in, col);

	if (c < 0)
		sofa_errx(SOFA_EXIT_FAIL, "table %s lacks column %s, which "
		    "rule %s needs (%s)", t->name, col, r->id, t->path);
	return c;
}

/* Bind col when any of the rules a, b, c (-1: none) is on; else -1. */
static long
bind3(const struct ctx *x, const struct tab *t, const char *col, int a,
    int b, int c)
{
	int rules[3] = { a, b, c };

	for (int i = 0; i < 3; i++)
		if (rules[i] >= 0 && on(x, rules[i]))
			return need(t, col, x->r[rules[i]]);
	return -1;
}

/* An id of the current row for examples: its primary key, else its
 * event id, else the table's name; static. */
static const char *
row_id(const struct tab *t)
{
	static char buf[256];
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; t->schema != NULL && i < t->schema->ncol; i++) {
		const char *v;

		if (t->schema->col[i].key != SOFA_KEY_PK)
			continue;
		v = val(t, t->smap[i]);
		n += (size_t)snprintf(buf + n, n < sizeof(buf) ?
		    sizeof(buf) - n : 0, "%s%.40s", n ? "/" : "",
		    v != NULL ? v : "");
		if (n >= sizeof(buf))
			break;
	}
	if (buf[0] != '\0')
		return buf;
	if (val(t, t->event) != NULL)
		return val(t, t->event);
	return t->name;
}

/* --- schema rules ------------------------------------------------------ */

static void
check_header(struct ctx *x, struct tab *t)
{
	const struct sofa_schema *s = t->schema;
	size_t nc = sofa_csvin_ncols(t->in);
	char detail[512] = "";
	size_t n = 0;
	bool order = nc == s->ncol;

#define ADD(...) (n += (size_t)snprintf(detail + n, n < sizeof(detail) ? \
	sizeof(detail) - n : 0, __VA_ARGS__))
	x->r[R_HEADER]->checked++;
	for (size_t i = 0; i < nc; i++) {
		const char *name = sofa_csvin_colname(t->in, i);

		if (sofa_schema_col(s, name) == NULL)
			ADD("%sextra column %s", n ? "; " : "", name);
		else if (sofa_csvin_col(t->in, name) != (long)i)
			ADD("%scolumn %s twice", n ? "; " : "", name);
		if (i < s->ncol && strcmp(name, s->col[i].name) != 0)
			order = false;
	}
	for (size_t i = 0; i < s->ncol; i++)
		if (t->smap[i] < 0)
			ADD("%smissing column %s", n ? "; " : "",
			    s->col[i].name);
	if (n == 0 && !order)
		ADD("columns out of order (want %s first)", s->col[0].name);
#undef ADD
	if (n > 0)
		sofa_dq_hit(x->r[R_HEADER], t->name, t->path, "%s", detail);
}

static void
check_row_schema(struct ctx *x, struct tab *t)
{
	const struct sofa_schema *s = t->schema;
	bool badtype = false, badkey = false;

	x->r[R_TYPES]->checked++;
	x->r[R_KEYS]->checked++;
	for (size_t i = 0; i < s->ncol; i++) {
		const struct sofa_scol *c = &s->col[i];
		const char *v, *why;
		size_t len;

		if (t->smap[i] < 0)
			continue;
		v = sofa_csvin_get(t->in, (size_t)t->smap[i], &len);
		if (c->key != SOFA_KEY_NONE && (v == NULL || len == 0) &&
		    !badkey && on(x, R_KEYS)) {
			badkey = true;
			sofa_dq_hit(x->r[R_KEYS], row_id(t), where(t),
			    "column %s is empty", c->name);
		}
		if (v != NULL && !badtype && on(x, R_TYPES) &&
		    !sofa_schema_valid(c, v, len, &why)) {
			badtype = true;
			sofa_dq_hit(x->r[R_TYPES], row_id(t), where(t),
			    "column %s: '%.40s' is %s (type %s)", c->name, v,
			    why, c->type);
		}
	}
}

/* keys.primary_unique: a 64-bit hash of the primary key's fields. */
static void
check_pk(struct ctx *x, struct tab *t)
{
	const struct sofa_schema *s = t->schema;
	uint64_t h = 0x5eed;

	for (size_t i = 0; i < s->ncol; i++) {
		const char *v;
		size_t len;

		if (s->col[i].key != SOFA_KEY_PK)
			continue;
		v = t->smap[i] < 0 ? NULL :
		    sofa_csvin_get(t->in, (size_t)t->smap[i], &len);
		if (v == NULL || len == 0)
			return;		/* schema.keys reports it */
		h = sofa_hash64(v, len, h + i);
	}
	x->r[R_PK_UNIQUE]->checked++;
	if (!sofa_u64set_add(t->pk, h))
		sofa_dq_hit(x->r[R_PK_UNIQUE], row_id(t), where(t),
		    "repeats the primary key of an earlier row of %s",
		    t->name);
}

/* --- shared id checks -------------------------------------------------- */

static void
in_matches(struct ctx *x, struct tab *t)
{
	int64_t e;

	if (!on(x, R_EVENT_IN_MATCHES) || t->event < 0 ||
	    strcmp(t->name, "matches") == 0 || !ival(t, t->event, &e))
		return;
	x->r[R_EVENT_IN_MATCHES]->checked++;
	if (sofa_u64map_get(x->matches, (uint64_t)e) == NULL)
		sofa_dq_hit(x->r[R_EVENT_IN_MATCHES], val(t, t->event),
		    where(t), "%s row of a match not in matches", t->name);
}

static void
in_set(struct ctx *x, struct tab *t, int rule, struct sofa_u64set *set,
    long c, const char *what)
{
	int64_t id;

	if (!on(x, rule) || !ival(t, c, &id))
		return;
	x->r[rule]->checked++;
	if (!sofa_u64set_has(set, (uint64_t)id))
		sofa_dq_hit(x->r[rule], val(t, c), where(t), "%s.%s not in %s",
		    t->name, sofa_csvin_colname(t->in, (size_t)c), what);
}

static void
unique_pair(struct ctx *x, struct tab *t, int rule, struct sofa_u64set *set)
{
	int64_t e, p;

	if (!on(x, rule) || !ival(t, x->c_event, &e) ||
	    !ival(t, x->c_player, &p))
		return;
	x->r[rule]->checked++;
	if (!sofa_u64set_add(set, sofa_pair64((uint64_t)e, (uint64_t)p))) {
		char id[64];

		snprintf(id, sizeof(id), "%lld/%lld", (long long)e,
		    (long long)p);
		sofa_dq_hit(x->r[rule], id, where(t), "player %lld listed "
		    "again in match %lld", (long long)p, (long long)e);
	}
}

/* Count a side of a match in map (starters or substitutions). */
static void
side_count(struct sofa_u64map *map, const struct tab *t, int64_t e,
    bool home, unsigned add)
{
	struct side *s;
	bool isnew;

	s = sofa_u64map_put(map, sofa_pair64((uint64_t)e, home), &isnew);
	if (isnew) {
		s->event = e;
		s->home = home;
		s->line = (uint32_t)sofa_csvin_line(t->in);
	}
	if (s->n < UINT16_MAX)
		s->n += add;
}

/* --- the tables -------------------------------------------------------- */

/* What is done with the rows of a table that rules read by name. */
struct hook {
	const char *table;
	void (*bind)(struct ctx *, struct tab *);	/* find the columns */
	void (*row)(struct ctx *, struct tab *);
	void (*done)(struct ctx *);	/* after the last row, or NULL */
	int rules[10];		/* rules that read it; -1 ends */
};

static const struct hook *hook_of(const char *table);

static void
teams_bind(struct ctx *x, struct tab *t)
{
	x->c_id = bind3(x, t, COL_TEAM, R_TEAM_IN_TEAMS, -1, -1);
}

static void
teams_row(struct ctx *x, struct tab *t)
{
	int64_t id;

	if (ival(t, x->c_id, &id))
		sofa_u64set_add(x->teams, (uint64_t)id);
}

static const char *row_at(const struct ctx *x, char *buf, size_t len,
    const char *table, unsigned long line);

/* The team ids of matches, read before teams, checked now. */
static void
teams_done(struct ctx *x)
{
	struct sofa_dq_rule *r = x->r[R_TEAM_IN_TEAMS];
	size_t n = sofa_u64map_len(x->matches);
	char at[4096 + 64], id[32];

	if (!on(x, R_TEAM_IN_TEAMS))
		return;
	for (size_t i = 0; i < n; i++) {
		const struct match *m = sofa_u64map_at(x->matches, i, NULL);
		int64_t team[2] = { m->home, m->away };

		for (int j = 0; j < 2; j++) {
			if (team[j] == 0)
				continue;
			r->checked++;
			if (sofa_u64set_has(x->teams, (uint64_t)team[j]))
				continue;
			snprintf(id, sizeof(id), "%lld", (long long)team[j]);
			sofa_dq_hit(r, id, row_at(x, at, sizeof(at), "matches",
			    m->line), "matches.%s_team_id not in teams",
			    j == 0 ? "home" : "away");
		}
	}
}

static void
players_bind(struct ctx *x, struct tab *t)
{
	x->c_id = bind3(x, t, COL_PLAYER, R_PLAYER_IN_PLAYERS, -1, -1);
}

static void
players_row(struct ctx *x, struct tab *t)
{
	int64_t id;

	if (ival(t, x->c_id, &id))
		sofa_u64set_add(x->players, (uint64_t)id);
}

static void
matches_bind(struct ctx *x, struct tab *t)
{
	const struct sofa_dq_rule *r = NULL;

	/* the match map serves every rule that reads matches */
	for (const int *p = hook_of("matches")->rules; *p >= 0 && !r; p++)
		if (on(x, *p))
			r = x->r[*p];
	if (r != NULL)
		x->c_event = need(t, COL_EVENT, r);
	x->c_home = bind3(x, t, COL_HOME_TEAM, R_TEAM_IN_TEAMS, -1, -1);
	x->c_away = bind3(x, t, COL_AWAY_TEAM, R_TEAM_IN_TEAMS, -1, -1);
	x->c_hs = bind3(x, t, COL_HOME_SCORE, R_GOALS, R_FINISHED_SCORES, -1);
	x->c_as = bind3(x, t, COL_AWAY_SCORE, R_GOALS, R_FINISHED_SCORES, -1);
	x->c_type = bind3(x, t, COL_STATUS_TYPE, R_GOALS, R_FINISHED_SCORES,
	    R_STATUS_KNOWN);
	x->c_code = bind3(x, t, COL_STATUS_CODE, R_STATUS_KNOWN,
	    R_SCORE_PARTS, -1);
	if (x->c_hs < 0 && on(x, R_SCORE_PARTS)) {
		x->c_hs = need(t, COL_HOME_SCORE, x->r[R_SCORE_PARTS]);
		x->c_as = need(t, COL_AWAY_SCORE, x->r[R_SCORE_PARTS]);
	}
	x->c_awarded = bind3(x, t, COL_AWARDED, R_SCORE_PARTS, -1, -1);
	for (int side = 0; side < 2; side++)
		for (int i = 0; i < NPARTS; i++) {
			char col[32];

			snprintf(col, sizeof(col), "%s_%s",
			    side ? "away" : "home", parts[i]);
			x->c_part[side][i] = bind3(x, t, col, R_SCORE_PARTS,
			    -1, -1);
		}
}

static void
check_status(struct ctx *x, struct tab *t, int64_t e)
{
	struct sofa_dq_rule *r = x->r[R_STATUS_KNOWN];
	const char *type = val(t, x->c_type);
	char id[32];
	int64_t code;

	r->checked++;
	snprintf(id, sizeof(id), "%lld", (long long)e);
	if (!ival(t, x->c_code, &code)) {
		sofa_dq_hit(r, id, where(t), "no status code");
		return;
	}
	for (size_t i = 0; i < x->nstatus; i++) {
		if (x->status[i].code != code)
			continue;
		if (type == NULL || strcmp(type, x->status[i].type) != 0)
			sofa_dq_hit(r, id, where(t), "status %lld has type "
			    "'%.20s', want '%s'", (long long)code,
			    type != NULL ? type : "", x->status[i].type);
		return;
	}
	sofa_dq_hit(r, id, where(t), "unknown status code %lld (type "
	    "'%.20s')", (long long)code, type != NULL ? type : "");
}

static int32_t score(const struct tab *t, long c);

/*
 * consistency.score_parts (API-NOTES.md 3.3 and 8): for each side,
 * period1 + period2 = normaltime; the score (display) = normaltime +
 * overtime (+ 0 without extra time, when the match ended at code 100);
 * current = the score + penalties.  Each check only where its parts are
 * published.
 */
static void
check_parts(struct ctx *x, struct tab *t, const struct match *m)
{
	struct sofa_dq_rule *r = x->r[R_SCORE_PARTS];
	char detail[160] = "";
	bool any = false;
	int64_t code;

	for (int side = 0; side < 2 && detail[0] == '\0'; side++) {
		const char *sn = side ? "away" : "home";
		int32_t d = side ? m->as : m->hs, v[NPARTS];

		for (int i = 0; i < NPARTS; i++)
			v[i] = score(t, x->c_part[side][i]);
		if (v[P_P1] >= 0 && v[P_P2] >= 0 && v[P_NT] >= 0) {
			any = true;
			if (v[P_P1] + v[P_P2] != v[P_NT])
				snprintf(detail, sizeof(detail), "%s: period1 "
				    "%d + period2 %d, normaltime %d", sn,
				    v[P_P1], v[P_P2], v[P_NT]);
		}
		if (detail[0] == '\0' && d >= 0 && v[P_NT] >= 0 &&
		    (v[P_OT] >= 0 || (ival(t, x->c_code, &code) &&
		    code == 100))) {
			int32_t ot = v[P_OT] >= 0 ? v[P_OT] : 0;

			any = true;
			if (v[P_NT] + ot != d)
				snprintf(detail, sizeof(detail), "%s: normaltime "
				    "%d + overtime %d, score %d", sn, v[P_NT],
				    ot, d);
		}
		if (detail[0] == '\0' && d >= 0 && v[P_CUR] >= 0) {
			int32_t pen = v[P_PEN] >= 0 ? v[P_PEN] : 0;

			any = true;
			if (d + pen != v[P_CUR])
				snprintf(detail, sizeof(detail), "%s: score %d + "
				    "penalties %d, current %d", sn, d, pen,
				    v[P_CUR]);
		}
	}
	r->checked += any;
	if (detail[0] != '\0')
		sofa_dq_hit(r, val(t, x->c_event), where(t), "%s", detail);
}

static int32_t
score(const struct tab *t, long c)
{
	int64_t v;

	return ival(t, c, &v) && v >= 0 && v < INT32_MAX ? (int32_t)v : -1;
}

static void
matches_row(struct ctx *x, struct tab *t)
{
	struct match *m;
	bool isnew;
	int64_t e;

	if (!ival(t, x->c_event, &e))
		return;
	m = sofa_u64map_put(x->matches, (uint64_t)e, &isnew);
	if (on(x, R_MATCHES_UNIQUE)) {
		x->r[R_MATCHES_UNIQUE]->checked++;
		if (!isnew)
			sofa_dq_hit(x->r[R_MATCHES_UNIQUE], val(t, x->c_event),
			    where(t), "match listed again (first at line "
			    "%lu)", (unsigned long)m->line);
	}
	if (!isnew)
		return;
	m->line = (uint32_t)sofa_csvin_line(t->in);
	m->hs = score(t, x->c_hs);
	m->as = score(t, x->c_as);
	m->finished = is(t, x->c_type, "finished");
	/* checked against teams once teams is read (teams_done) */
	if (!ival(t, x->c_home, &m->home))
		m->home = 0;
	if (!ival(t, x->c_away, &m->away))
		m->away = 0;
	if (on(x, R_FINISHED_SCORES) && m->finished) {
		x->r[R_FINISHED_SCORES]->checked++;
		if (m->hs < 0 || m->as < 0)
			sofa_dq_hit(x->r[R_FINISHED_SCORES],
			    val(t, x->c_event), where(t), "finished match "
			    "without %s", m->hs < 0 && m->as < 0 ? "a score" :
			    m->hs < 0 ? "its home score" : "its away score");
	}
	if (on(x, R_STATUS_KNOWN))
		check_status(x, t, e);
	if (on(x, R_SCORE_PARTS) && !is(t, x->c_awarded, "true"))
		check_parts(x, t, m);
}

static void
lineups_bind(struct ctx *x, struct tab *t)
{
	x->c_event = bind3(x, t, COL_EVENT, R_EVENT_IN_MATCHES,
	    R_LINEUPS_UNIQUE, R_STARTERS);
	x->c_player = bind3(x, t, COL_PLAYER, R_LINEUPS_UNIQUE,
	    R_PLAYER_IN_PLAYERS, -1);
	x->c_team = bind3(x, t, COL_TEAM, R_TEAM_IN_TEAMS, -1, -1);
	x->c_side = bind3(x, t, COL_SIDE, R_STARTERS, -1, -1);
	x->c_sub = bind3(x, t, COL_SUBSTITUTE, R_STARTERS, -1, -1);
	x->c_conf = bind3(x, t, COL_CONFIRMED, R_STARTERS, -1, -1);
}

static void
lineups_row(struct ctx *x, struct tab *t)
{
	int64_t e;

	unique_pair(x, t, R_LINEUPS_UNIQUE, x->lineup_keys);
	in_set(x, t, R_TEAM_IN_TEAMS, x->teams, x->c_team, "teams");
	in_set(x, t, R_PLAYER_IN_PLAYERS, x->players, x->c_player, "players");
	if (on(x, R_STARTERS) && is(t, x->c_conf, "true") &&
	    ival(t, x->c_event, &e) && (is(t, x->c_side, "home") ||
	    is(t, x->c_side, "away")))
		side_count(x->starters, t, e, is(t, x->c_side, "home"),
		    is(t, x->c_sub, "false"));
}

static void
appearances_bind(struct ctx *x, struct tab *t)
{
	x->c_event = bind3(x, t, COL_EVENT, R_EVENT_IN_MATCHES,
	    R_APPEARANCES_UNIQUE, -1);
	x->c_player = bind3(x, t, COL_PLAYER, R_APPEARANCES_UNIQUE,
	    R_PLAYER_IN_PLAYERS, -1);
	x->c_team = bind3(x, t, COL_TEAM, R_TEAM_IN_TEAMS, -1, -1);
	x->c_opp = bind3(x, t, COL_OPPONENT, R_TEAM_IN_TEAMS, -1, -1);
	x->c_min = bind3(x, t, COL_MINUTES, R_MINUTES_RANGE,
	    R_MINUTES_REPORTED, -1);
	x->c_minrep = bind3(x, t, COL_MINUTES_REP, R_MINUTES_RANGE,
	    R_MINUTES_REPORTED, -1);
}

/* consistency.minutes_range over column c, named what (NULL: its name)
 * in the example. */
static void
minutes_range(struct ctx *x, struct tab *t, long c, const char *what)
{
	int64_t m;

	if (!ival(t, c, &m))
		return;
	x->r[R_MINUTES_RANGE]->checked++;
	if (m < 0 || m > MINUTES_MAX)
		sofa_dq_hit(x->r[R_MINUTES_RANGE], row_id(t), where(t),
		    "%s %lld outside 0..%d", what != NULL ? what :
		    sofa_csvin_colname(t->in, (size_t)c), (long long)m,
		    MINUTES_MAX);
}

static void
appearances_row(struct ctx *x, struct tab *t)
{
	int64_t m, rep;

	unique_pair(x, t, R_APPEARANCES_UNIQUE, x->app_keys);
	in_set(x, t, R_TEAM_IN_TEAMS, x->teams, x->c_team, "teams");
	in_set(x, t, R_TEAM_IN_TEAMS, x->teams, x->c_opp, "teams");
	in_set(x, t, R_PLAYER_IN_PLAYERS, x->players, x->c_player, "players");
	if (on(x, R_MINUTES_RANGE)) {
		minutes_range(x, t, x->c_min, NULL);
		minutes_range(x, t, x->c_minrep, NULL);
	}
	if (on(x, R_MINUTES_REPORTED) && ival(t, x->c_min, &m) &&
	    ival(t, x->c_minrep, &rep)) {
		x->r[R_MINUTES_REPORTED]->checked++;
		if (llabs(m - rep) > x->in->minutes_tolerance)
			sofa_dq_hit(x->r[R_MINUTES_REPORTED], row_id(t),
			    where(t), "minutes %lld, reported %lld (more "
			    "than %lld apart)", (long long)m, (long long)rep,
			    x->in->minutes_tolerance);
	}
}

/*
 * consistency.goal_sequence (API-NOTES.md 8.3): in file order (oldest
 * first), each goal moves the running score by one for the side credited,
 * and the score the incident carries is that running score.  After a
 * mismatch the count goes on from the score the incident carries, so one
 * bad goal is one offence.
 */
static void
goal_sequence(struct ctx *x, struct tab *t, int64_t e, bool home, bool away)
{
	struct sofa_dq_rule *r = x->r[R_GOAL_SEQ];
	struct run *run = sofa_u64map_put(x->runs, (uint64_t)e, NULL);
	int32_t hs = score(t, x->c_hs), as = score(t, x->c_as);
	char id[64];

	run->h += home;
	run->a += away;
	if (hs < 0 || as < 0 || (!home && !away)) {
		if (hs >= 0 && as >= 0) {
			run->h = hs;
			run->a = as;
		}
		return;
	}
	r->checked++;
	if (hs != run->h || as != run->a) {
		snprintf(id, sizeof(id), "%lld/%s", (long long)e,
		    val(t, x->c_seq) ? val(t, x->c_seq) : "?");
		sofa_dq_hit(r, id, where(t), "goal for %s at minute %s: "
		    "score %d-%d, the goals before make it %d-%d",
		    home ? "home" : "away", val(t, x->c_minute) ?
		    val(t, x->c_minute) : "?", hs, as, run->h, run->a);
		run->h = hs;
		run->a = as;
	}
}

static void
incidents_bind(struct ctx *x, struct tab *t)
{
	x->c_event = bind3(x, t, COL_EVENT, R_GOALS, R_SUBS, R_GOAL_SEQ);
	x->c_itype = bind3(x, t, COL_INC_TYPE, R_GOALS, R_SUBS, R_GOAL_SEQ);
	if (x->c_itype < 0)
		x->c_itype = bind3(x, t, COL_INC_TYPE, R_MINUTES_RANGE, -1, -1);
	x->c_side = bind3(x, t, COL_SIDE, R_GOALS, R_SUBS, R_GOAL_SEQ);
	x->c_hs = bind3(x, t, COL_HOME_SCORE, R_GOAL_SEQ, -1, -1);
	x->c_as = bind3(x, t, COL_AWAY_SCORE, R_GOAL_SEQ, -1, -1);
	x->c_seq = bind3(x, t, COL_SEQ, R_GOAL_SEQ, -1, -1);
	x->c_minute = bind3(x, t, COL_MINUTE, R_GOAL_SEQ, R_MINUTES_RANGE,
	    -1);
}

static void
incidents_row(struct ctx *x, struct tab *t)
{
	bool home, away;
	struct match *m;
	int64_t e;

	/* a goal or a substitution happens in play (cards may come before
	 * the kick-off or from the bench, at negative minutes) */
	if (on(x, R_MINUTES_RANGE) && is(t, x->c_itype, "goal"))
		minutes_range(x, t, x->c_minute, "goal at minute");
	if (on(x, R_MINUTES_RANGE) && is(t, x->c_itype, "substitution"))
		minutes_range(x, t, x->c_minute, "substitution at minute");
	if ((!on(x, R_GOALS) && !on(x, R_SUBS) && !on(x, R_GOAL_SEQ)) ||
	    !ival(t, x->c_event, &e))
		return;
	/* the side credited: a goal's (own goals included), a substitute's;
	 * an incident without a side counts for neither */
	home = is(t, x->c_side, "home");
	away = is(t, x->c_side, "away");
	if (on(x, R_GOALS) &&
	    (m = sofa_u64map_get(x->matches, (uint64_t)e)) != NULL) {
		m->has_inc = true;
		if (is(t, x->c_itype, "goal")) {
			m->hg += home;
			m->ag += away;
		}
	}
	if (on(x, R_SUBS) && is(t, x->c_itype, "substitution") &&
	    (home || away))
		side_count(x->subs, t, e, home, 1);
	if (on(x, R_GOAL_SEQ) && is(t, x->c_itype, "goal"))
		goal_sequence(x, t, e, home, away);
}

/*
 * consistency.team_stats (API-NOTES.md 8.8): possession makes 100 in each
 * period, and an integer count (value_type event, not a percentage) over
 * the match is the sum of its halves.  The rows of a match are together in
 * the table (the builders write match by match), so one match's
 * statistics are kept at a time: memory stays flat; a match whose rows
 * are split is checked run by run.
 */
static void
stats_bind(struct ctx *x, struct tab *t)
{
	x->c_event = bind3(x, t, COL_EVENT, R_TEAM_STATS, -1, -1);
	x->c_period = bind3(x, t, COL_PERIOD, R_TEAM_STATS, -1, -1);
	x->c_group = bind3(x, t, COL_GROUP, R_TEAM_STATS, -1, -1);
	x->c_name = bind3(x, t, COL_NAME, R_TEAM_STATS, -1, -1);
	x->c_statkey = bind3(x, t, COL_STAT_KEY, R_TEAM_STATS, -1, -1);
	x->c_shown = bind3(x, t, COL_HOME_SHOWN, R_TEAM_STATS, -1, -1);
	x->c_hv = bind3(x, t, COL_HOME_VALUE, R_TEAM_STATS, -1, -1);
	x->c_av = bind3(x, t, COL_AWAY_VALUE, R_TEAM_STATS, -1, -1);
	x->c_vtype = bind3(x, t, COL_VALUE_TYPE, R_TEAM_STATS, -1, -1);
}

/* The counts of the match read so far: ALL = 1ST + 2ND. */
static void
stats_flush(struct ctx *x)
{
	struct sofa_dq_rule *r = x->r[R_TEAM_STATS];
	size_t n = sofa_u64map_len(x->stats);
	char at[4096 + 64], id[32];

	snprintf(id, sizeof(id), "%lld", (long long)x->stats_event);
	for (size_t i = 0; i < n; i++) {
		const struct stat *s = sofa_u64map_at(x->stats, i, NULL);

		if (s->have != 7 || s->notcount)
			continue;
		r->checked++;
		if (s->v[0][0] == s->v[1][0] + s->v[2][0] &&
		    s->v[0][1] == s->v[1][1] + s->v[2][1])
			continue;
		sofa_dq_hit(r, id, row_at(x, at, sizeof(at), "team_stats",
		    s->line), "%s: ALL %.0f-%.0f, 1ST %.0f-%.0f + 2ND "
		    "%.0f-%.0f", s->name, s->v[0][0], s->v[0][1], s->v[1][0],
		    s->v[1][1], s->v[2][0], s->v[2][1]);
	}
	sofa_u64map_clear(x->stats);
}

static bool
dval(const struct tab *t, long c, double *out)
{
	const char *v = val(t, c);

	return v != NULL && sofa_strtod(v, out);
}

static void
stats_row(struct ctx *x, struct tab *t)
{
	static const char *const periods[3] = { "ALL", "1ST", "2ND" };
	const char *group = val(t, x->c_group), *name = val(t, x->c_name);
	const char *shown = val(t, x->c_shown);
	struct stat *s;
	double h, a;
	uint64_t k;
	int64_t e;
	int p;

	if (!on(x, R_TEAM_STATS) || !ival(t, x->c_event, &e) ||
	    group == NULL || name == NULL)
		return;
	if (e != x->stats_event) {
		stats_flush(x);
		x->stats_event = e;
	}
	for (p = 0; p < 3 && !is(t, x->c_period, periods[p]); p++)
		;
	if (p == 3 || !dval(t, x->c_hv, &h) || !dval(t, x->c_av, &a))
		return;
	if (is(t, x->c_statkey, "ballPossession")) {
		x->r[R_TEAM_STATS]->checked++;
		if (h + a < 99.999 || h + a > 100.001)
			sofa_dq_hit(x->r[R_TEAM_STATS], val(t, x->c_event),
			    where(t), "%.40s, %s: %g + %g, not 100", name,
			    periods[p], h, a);
	}
	k = sofa_hash64(name, strlen(name), sofa_hash64(group, strlen(group),
	    0));
	s = sofa_u64map_put(x->stats, k, NULL);
	if (p == 0) {
		s->line = (uint32_t)sofa_csvin_line(t->in);
		snprintf(s->name, sizeof(s->name), "%s", name);
	}
	s->have |= (uint8_t)(1u << p);
	s->v[p][0] = h;
	s->v[p][1] = a;
	if (!is(t, x->c_vtype, "event") || h != (double)(int64_t)h ||
	    a != (double)(int64_t)a || (shown != NULL &&
	    strchr(shown, '%') != NULL))
		s->notcount = true;
}

static void
stats_done(struct ctx *x)
{
	if (on(x, R_TEAM_STATS))
		stats_flush(x);
}

/* In reading order: matches first, whose ids the others refer to; teams
 * and players before the tables that name their ids. */
static const struct hook hooks[] = {
	{ "matches", matches_bind, matches_row, NULL,
	  { R_MATCHES_UNIQUE, R_EVENT_IN_MATCHES, R_TEAM_IN_TEAMS, R_GOALS,
	    R_FINISHED_SCORES, R_STATUS_KNOWN, R_SCORE_PARTS, -1 } },
	{ "teams", teams_bind, teams_row, teams_done,
	  { R_TEAM_IN_TEAMS, -1 } },
	{ "players", players_bind, players_row, NULL,
	  { R_PLAYER_IN_PLAYERS, -1 } },
	{ "lineups", lineups_bind, lineups_row, NULL,
	  { R_LINEUPS_UNIQUE, R_EVENT_IN_MATCHES, R_TEAM_IN_TEAMS,
	    R_PLAYER_IN_PLAYERS, R_STARTERS, -1 } },
	{ "appearances", appearances_bind, appearances_row, NULL,
	  { R_APPEARANCES_UNIQUE, R_EVENT_IN_MATCHES, R_TEAM_IN_TEAMS,
	    R_PLAYER_IN_PLAYERS, R_MINUTES_RANGE, R_MINUTES_REPORTED, -1 } },
	{ "incidents", incidents_bind, incidents_row, NULL,
	  { R_GOALS, R_GOAL_SEQ, R_SUBS, R_MINUTES_RANGE, -1 } },
	{ "team_stats", stats_bind, stats_row, stats_done,
	  { R_TEAM_STATS, -1 } },
};
#define NHOOKS (sizeof(hooks) / sizeof(hooks[0]))

/* --- the walk ---------------------------------------------------------- */

static const struct sofa_schema *
schema_of(const struct ctx *x, const char *table)
{
	for (size_t i = 0; i < x->nschema; i++)
		if (strcmp(x->schema[i]->table, table) == 0)
			return x->schema[i];
	return NULL;
}

static const struct hook *
hook_of(const char *table)
{
	for (size_t i = 0; i < NHOOKS; i++)
		if (strcmp(hooks[i].table, table) == 0)
			return &hooks[i];
	return NULL;
}

static bool
has_pk(const struct sofa_schema *s)
{
	for (size_t i = 0; i < s->ncol; i++)
		if (s->col[i].key == SOFA_KEY_PK)
			return true;
	return false;
}

/* Tables whose key has a rule of its own (keys.*_unique). */
static bool
own_unique_rule(const char *table)
{
	return strcmp(table, "matches") == 0 ||
	    strcmp(table, "lineups") == 0 ||
	    strcmp(table, "appearances") == 0;
}

static bool
schema_on(const struct ctx *x)
{
	return on(x, R_HEADER) || on(x, R_ROWS) || on(x, R_TYPES) ||
	    on(x, R_KEYS);
}

/* The tables every run publishes (DESIGN.md); a missing one is an error.
 * Other tables with a schema are checked when they are there. */
static bool
core(const char *table)
{
	static const char *const names[] = { "matches", "teams", "players",
	    "lineups", "appearances", "incidents", "team_stats" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(names[i], table) == 0)
			return true;
	return false;
}

/* Is table read in this run? */
static bool
wanted(const struct ctx *x, const char *table)
{
	const struct sofa_schema *s = schema_of(x, table);
	const struct hook *h = hook_of(table);

	/* index.tsv describes the match index (NDJSON), not a table */
	if (strcmp(table, "index") == 0)
		return false;

	if (s != NULL && schema_on(x))
		return true;
	if (s != NULL && on(x, R_PK_UNIQUE) && has_pk(s) &&
	    !own_unique_rule(table))
		return true;
	if (s != NULL && on(x, R_EVENT_IN_MATCHES) &&
	    sofa_schema_col(s, COL_EVENT) != NULL)
		return true;
	for (size_t i = 0; h != NULL && h->rules[i] >= 0; i++)
		if (on(x, h->rules[i]))
			return true;
	return false;
}

static bool
exists(const struct ctx *x, const char *table)
{
	char *path = xasprintf("%s/%s.csv", x->in->tables_dir, table);
	bool ok = access(path, F_OK) == 0;

	free(path);
	return ok;
}

/* The tables to read, in order: those with hooks first (teams, players,
 * matches before the rows that refer to them), then the other schemas';
 * tables beyond the core ones that are not published are named in the
 * note of schema.header. */
static size_t
plan(const struct ctx *x, const char *order[], size_t max)
{
	char note[512] = "";
	size_t n = 0, nn = 0;

	for (size_t i = 0; i < NHOOKS && n < max; i++)
		if (wanted(x, hooks[i].table))
			order[n++] = hooks[i].table;
	for (size_t i = 0; i < x->nschema && n < max; i++) {
		const char *t = x->schema[i]->table;

		if (hook_of(t) != NULL || !wanted(x, t))
			continue;
		if (core(t) || exists(x, t))
			order[n++] = t;
		else
			nn += (size_t)snprintf(note + nn, nn < sizeof(note) ?
			    sizeof(note) - nn : 0, "%s%s", nn ? ", " : "", t);
	}
	if (nn > 0)
		sofa_dq_note(x->r[R_HEADER], "not published, not checked: %s",
		    note);
	return n;
}

static void
open_table(struct ctx *x, struct tab *t, const char *name)
{
	int rc;

	memset(t, 0, sizeof(*t));
	t->name = name;
	t->path = xasprintf("%s/%s.csv", x->in->tables_dir, name);
	t->schema = schema_of(x, name);
	if ((t->in = sofa_csvin_open(t->path, x->in->max_line)) == NULL)
		sofa_err(SOFA_EXIT_FAIL, "table %s: %s", name, t->path);
	rc = sofa_csvin_header(t->in);
	if (rc == SOFA_CSV_EOF)
		sofa_errx(SOFA_EXIT_FAIL, "table %s: %s: empty file, not even "
		    "a header", name, t->path);
	if (rc != SOFA_CSV_REC)
		sofa_errx(SOFA_EXIT_FAIL, "table %s: %s", name,
		    sofa_csvin_error(t->in));
	t->event = sofa_csvin_col(t->in, COL_EVENT);
	if (t->schema != NULL) {
		t->smap = xcalloc(t->schema->ncol, sizeof(*t->smap));
		for (size_t i = 0; i < t->schema->ncol; i++)
			t->smap[i] = sofa_csvin_col(t->in,
			    t->schema->col[i].name);
		t->pk = sofa_u64set_new();
	}
}

static void
close_table(struct tab *t)
{
	if (t->nbad > BADWARN_MAX)
		sofa_warnx("%s: %lu more broken records not shown", t->path,
		    t->nbad - BADWARN_MAX);
	sofa_csvin_free(t->in);
	sofa_u64set_free(t->pk);
	free(t->smap);
	free(t->path);
}

static void
read_table(struct ctx *x, const char *name)
{
	const struct hook *h = hook_of(name);
	bool pk = false;
	struct tab t;
	int rc;

	open_table(x, &t, name);
	x->c_id = x->c_event = x->c_home = x->c_away = x->c_hs = x->c_as = -1;
	x->c_code = x->c_type = x->c_side = x->c_team = x->c_opp = -1;
	x->c_player = x->c_sub = x->c_conf = x->c_min = x->c_minrep = -1;
	x->c_itype = x->c_seq = x->c_minute = x->c_awarded = -1;
	x->c_period = x->c_group = x->c_name = x->c_statkey = x->c_shown = -1;
	x->c_hv = x->c_av = x->c_vtype = -1;
	for (int side = 0; side < 2; side++)
		for (int i = 0; i < NPARTS; i++)
			x->c_part[side][i] = -1;
	if (h != NULL)
		h->bind(x, &t);
	if (t.schema != NULL && on(x, R_HEADER))
		check_header(x, &t);
	pk = t.schema != NULL && on(x, R_PK_UNIQUE) && has_pk(t.schema) &&
	    !own_unique_rule(name);
	while ((rc = sofa_csvin_next(t.in)) != SOFA_CSV_EOF) {
		if (rc == SOFA_CSV_IOERR)
			sofa_errx(SOFA_EXIT_FAIL, "table %s: %s", name,
			    sofa_csvin_error(t.in));
		x->r[R_ROWS]->checked++;
		if (rc == SOFA_CSV_BAD) {
			if (++t.nbad <= BADWARN_MAX)
				sofa_warnx("%s", sofa_csvin_error(t.in));
			if (on(x, R_ROWS))
				sofa_dq_hit(x->r[R_ROWS], name, where(&t),
				    "%s", sofa_csvin_why(t.in));
			continue;
		}
		if (t.schema != NULL)
			check_row_schema(x, &t);
		if (pk)
			check_pk(x, &t);
		in_matches(x, &t);
		if (h != NULL)
			h->row(x, &t);
		sofa_check_stdout();
	}
	if (h != NULL && h->done != NULL)
		h->done(x);
	close_table(&t);
}

/* --- after the tables -------------------------------------------------- */

/* "DIR/TABLE.csv:LINE" into buf. */
static const char *
row_at(const struct ctx *x, char *buf, size_t len, const char *table,
    unsigned long line)
{
	snprintf(buf, len, "%s/%s.csv:%lu", x->in->tables_dir, table, line);
	return buf;
}

static void
finish_sides(struct ctx *x, int rule, struct sofa_u64map *map)
{
	struct sofa_dq_rule *r = x->r[rule];
	size_t n = sofa_u64map_len(map);
	char at[4096 + 64];

	r->unit = "sides";
	for (size_t i = 0; i < n; i++) {
		const struct side *s = sofa_u64map_at(map, i, NULL);
		bool bad = rule == R_STARTERS ? s->n != STARTERS :
		    s->n > x->in->max_substitutions;
		char id[32];

		r->checked++;
		if (!bad)
			continue;
		snprintf(id, sizeof(id), "%lld", (long long)s->event);
		if (rule == R_STARTERS)
			sofa_dq_hit(r, id, row_at(x, at, sizeof(at), "lineups",
			    s->line), "%s: %u starters in a confirmed lineup, "
			    "want %d", s->home ? "home" : "away", s->n,
			    STARTERS);
		else
			sofa_dq_hit(r, id, row_at(x, at, sizeof(at),
			    "incidents", s->line), "%s: %u substitutions, more "
			    "than %lld", s->home ? "home" : "away", s->n,
			    x->in->max_substitutions);
	}
}

static void
finish_goals(struct ctx *x)
{
	struct sofa_dq_rule *r = x->r[R_GOALS];
	size_t n = sofa_u64map_len(x->matches);
	char at[4096 + 64];

	r->unit = "matches";
	for (size_t i = 0; i < n; i++) {
		uint64_t e;
		const struct match *m = sofa_u64map_at(x->matches, i, &e);
		char id[32];

		if (!m->finished || !m->has_inc || m->hs < 0 || m->as < 0)
			continue;
		r->checked++;
		if (m->hg == m->hs && m->ag == m->as)
			continue;
		snprintf(id, sizeof(id), "%llu", (unsigned long long)e);
		sofa_dq_hit(r, id, row_at(x, at, sizeof(at), "matches",
		    m->line), "score %d-%d, goals in the incidents %d-%d",
		    m->hs, m->as, m->hg, m->ag);
	}
}

struct status_load {
	struct ctx *x;
	const char *path;
	size_t cap;
};

/* A line of share_dir/dq/status_codes.tsv: code, type, description. */
static bool
status_line(void *arg, char *line, unsigned lineno)
{
	struct status_load *l = arg;
	struct ctx *x = l->x;
	const char *err;
	long long code;
	char *f[3];

	if (sofa_tsv_split(line, f, 3) != 3)
		sofa_errx(SOFA_EXIT_USAGE, "%s:%u: want code, type and "
		    "description, tab-separated", l->path, lineno);
	code = sofa_strtonum(f[0], 0, INT32_MAX, &err);
	if (err != NULL || *f[1] == '\0')
		sofa_errx(SOFA_EXIT_USAGE, "%s:%u: bad status code '%s' or "
		    "empty type", l->path, lineno, f[0]);
	xgrow((void **)&x->status, &l->cap, x->nstatus + 1,
	    sizeof(*x->status));
	x->status[x->nstatus].code = code;
	x->status[x->nstatus++].type = xstrdup(f[1]);
	return true;
}

static void
load_status(struct ctx *x, const char *path)
{
	struct status_load l = { x, path, 0 };
	int e;

	if ((e = sofa_tsv_each(path, status_line, &l)) != 0)
		sofa_errx(SOFA_EXIT_USAGE, "%s: %s (is share_dir right?)",
		    path, strerror(e));
}

int
sofa_dq_run_tables(struct sofa_dq *dq, const struct sofa_dq_input *in)
{
	struct ctx x;
	const char *order[256];
	char err[1024];
	size_t n, missing = 0;

	memset(&x, 0, sizeof(x));
	x.dq = dq;
	x.in = in;
	for (int i = 0; i < R_NTABLE; i++)
		if ((x.r[i] = sofa_dq_rule(dq, sofa_dq_ids[i])) == NULL)
			abort();
	x.schema = sofa_schema_load_dir(in->schema_dir, &x.nschema, err,
	    sizeof(err));
	if (x.schema == NULL)
		sofa_errx(SOFA_EXIT_USAGE, "%s", err);
	if (on(&x, R_STATUS_KNOWN))
		load_status(&x, in->status_file);
	x.r[R_HEADER]->unit = "tables";
	x.r[R_TEAM_IN_TEAMS]->unit = "team ids";
	x.r[R_MINUTES_RANGE]->unit = "values";
	x.matches = sofa_u64map_new(sizeof(struct match));
	x.teams = sofa_u64set_new();
	x.players = sofa_u64set_new();
	x.lineup_keys = sofa_u64set_new();
	x.app_keys = sofa_u64set_new();
	x.starters = sofa_u64map_new(sizeof(struct side));
	x.subs = sofa_u64map_new(sizeof(struct side));
	x.runs = sofa_u64map_new(sizeof(struct run));
	x.stats = sofa_u64map_new(sizeof(struct stat));
	x.r[R_TEAM_STATS]->unit = "statistics";
	x.r[R_GOAL_SEQ]->unit = "goals";
	x.r[R_SCORE_PARTS]->unit = "matches";

	n = plan(&x, order, sizeof(order) / sizeof(order[0]));
	for (size_t i = 0; i < n; i++) {
		char *path = xasprintf("%s/%s.csv", in->tables_dir, order[i]);

		/* every table first, so that all missing ones are named */
		if (access(path, R_OK) != 0) {
			sofa_warn("table %s: %s", order[i], path);
			missing++;
		}
		free(path);
	}
	if (missing > 0)
		sofa_errx(SOFA_EXIT_FAIL, "%zu table%s cannot be read: nothing "
		    "checked", missing, missing == 1 ? "" : "s");
	for (size_t i = 0; i < n; i++)
		read_table(&x, order[i]);
	if (on(&x, R_STARTERS))
		finish_sides(&x, R_STARTERS, x.starters);
	if (on(&x, R_SUBS))
		finish_sides(&x, R_SUBS, x.subs);
	if (on(&x, R_GOALS))
		finish_goals(&x);

	for (size_t i = 0; i < x.nschema; i++)
		sofa_schema_free(x.schema[i]);
	free(x.schema);
	for (size_t i = 0; i < x.nstatus; i++)
		free(x.status[i].type);
	free(x.status);
	sofa_u64map_free(x.matches);
	sofa_u64set_free(x.teams);
	sofa_u64set_free(x.players);
	sofa_u64set_free(x.lineup_keys);
	sofa_u64set_free(x.app_keys);
	sofa_u64map_free(x.starters);
	sofa_u64map_free(x.subs);
	sofa_u64map_free(x.runs);
	sofa_u64map_free(x.stats);
	return SOFA_EXIT_OK;
}
