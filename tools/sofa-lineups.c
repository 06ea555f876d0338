/*
 * sofa-lineups - the lineups of matches as table rows.
 *
 * Reads match ids (operands, or stdin: plain ids or match-index lines),
 * and for each the stored event/ID/lineups.json (and event/ID.json, for
 * the team ids older lineups lack) from the raw store.  Writes one row per
 * player listed in a lineup (starters and substitutes, played or not):
 * who, for which side and team, shirt, position, captaincy, the formation,
 * Sofascore's minutesPlayed and rating and the other player statistics, as
 * CSV with a header or NDJSON (-j).  --stats writes every numeric
 * statistic the document holds in long form instead (event, player, stat,
 * value), so that a renamed or new key is never lost; --missing writes the
 * injured, suspended and doubtful players.  The columns are documented in
 * share/sofa/schema/lineups.tsv, lineups_stats.tsv and
 * missing_players.tsv.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "evinfo.h"
#include "io.h"
#include "lineups.h"
#include "xform.h"

static const char usage_line[] =
    "usage: sofa-lineups [-jHqu] [--stats | --missing] [--config FILE] "
    "[--raw-base DIR] [ID ...]";

static void
usage(FILE *fp, int status)
{
	fprintf(fp, "%s\n", usage_line);
	if (fp == stdout)
		fputs("\n"
		    "One row per player in the lineups of each match ID "
		    "(stdin when none).\n"
		    "\n"
		    "      --stats       every numeric statistic in long form\n"
		    "      --missing     the missing (injured, suspended) "
		    "players\n"
		    SOFA_XF_HELP, fp);
	exit(fp == stdout ? sofa_finish(status) : status);
}

/* The statistics with a column of their own, by API key. */
struct statcol {
	const char *key;
	bool real;
};

static const struct statcol stats[] = {
	{ "touches", false }, { "totalPass", false },
	{ "accuratePass", false }, { "possessionLostCtrl", false },
	{ "duelWon", false }, { "duelLost", false },
	{ "expectedGoals", true }, { "totalLongBalls", false },
	{ "expectedAssists", true }, { "accurateLongBalls", false },
	{ "totalTackle", false }, { "fouls", false },
	{ "totalContest", false }, { "totalClearance", false },
	{ "totalCross", false }, { "wasFouled", false },
	{ "aerialLost", false }, { "aerialWon", false },
	{ "keyPass", false }, { "challengeLost", false },
	{ "dispossessed", false }, { "interceptionWon", false },
	{ "wonContest", false }, { "shotOffTarget", false },
	{ "onTargetScoringAttempt", false }, { "accurateCross", false },
	{ "blockedScoringAttempt", false }, { "outfielderBlock", false },
	{ "totalOffside", false }, { "goalAssist", false },
	{ "bigChanceCreated", false }, { "goals", false },
	{ "bigChanceMissed", false }, { "saves", false },
	{ "goalsPrevented", true }, { "savedShotsFromInsideTheBox", false },
	{ "hitWoodwork", false }, { "goodHighClaim", false },
	{ "punches", false }, { "totalKeeperSweeper", false },
	{ "accurateKeeperSweeper", false }, { "errorLeadToAShot", false },
	{ "penaltyConceded", false }, { "clearanceOffLine", false },
	{ "lastManTackle", false }, { "penaltyWon", false },
	{ "ownGoals", false }, { "penaltyMiss", false },
	{ "penaltySave", false }, { "errorLeadToAGoal", false }
};
#define NSTATS (sizeof(stats) / sizeof(stats[0]))

enum {
	C_EVENT, C_SIDE, C_TEAM, C_PLAYER, C_NAME, C_SLUG, C_SHIRT, C_POS,
	C_SUB, C_CAPTAIN, C_FORMATION, C_CONFIRMED, C_MINUTES, C_RATING,
	C_RATING_ORIG, C_RATING_ALT, C_STATS
};

/* share/sofa/schema/lineups.tsv: the columns above, then one per stats[]
 * entry, its key in snake_case. */
static const char *const cols[] = {
	"event_id", "side", "team_id", "player_id", "player_name",
	"player_slug", "shirt_number", "position", "substitute", "captain",
	"formation", "confirmed", "minutes_reported", "rating",
	"rating_original", "rating_alternative",
	"touches", "total_pass", "accurate_pass", "possession_lost_ctrl",
	"duel_won", "duel_lost", "expected_goals", "total_long_balls",
	"expected_assists", "accurate_long_balls", "total_tackle", "fouls",
	"total_contest", "total_clearance", "total_cross", "was_fouled",
	"aerial_lost", "aerial_won", "key_pass", "challenge_lost",
	"dispossessed", "interception_won", "won_contest", "shot_off_target",
	"on_target_scoring_attempt", "accurate_cross",
	"blocked_scoring_attempt", "outfielder_block", "total_offside",
	"goal_assist", "big_chance_created", "goals", "big_chance_missed",
	"saves", "goals_prevented", "saved_shots_from_inside_the_box",
	"hit_woodwork", "good_high_claim", "punches", "total_keeper_sweeper",
	"accurate_keeper_sweeper", "error_lead_to_a_shot", "penalty_conceded",
	"clearance_off_line", "last_man_tackle", "penalty_won", "own_goals",
	"penalty_miss", "penalty_save", "error_lead_to_a_goal"
};

_Static_assert(sizeof(cols) / sizeof(cols[0]) == C_STATS + NSTATS,
    "a column per statistic");

/* share/sofa/schema/lineups_stats.tsv */
static const char *const stat_cols[] = {
	"event_id", "player_id", "stat", "value"
};

/* share/sofa/schema/missing_players.tsv */
enum {
	M_EVENT, M_SIDE, M_TEAM, M_PLAYER, M_NAME, M_SLUG, M_POS, M_TYPE,
	M_CODE, M_REASON, M_DESCRIPTION
};
static const char *const missing_cols[] = {
	"event_id", "side", "team_id", "player_id", "player_name",
	"player_slug", "position", "type", "reason_code", "reason",
	"description"
};

enum mode { WIDE, LONG, MISSING };

/* stats[] sorted by key, for lookups while walking a statistics object. */
static const struct statcol *bykey[NSTATS];

static int
cmpkey(const void *a, const void *b)
{
	return strcmp((*(const struct statcol *const *)a)->key,
	    (*(const struct statcol *const *)b)->key);
}

static int
cmpfind(const void *k, const void *b)
{
	return strcmp(k, (*(const struct statcol *const *)b)->key);
}

static void
sort_stats(void)
{
	for (size_t i = 0; i < NSTATS; i++)
		bykey[i] = &stats[i];
	qsort(bykey, NSTATS, sizeof(bykey[0]), cmpkey);
}

static void
put_num(struct sofa_tab *t, size_t col, const struct sofa_jv *v)
{
	int64_t i;
	double d;

	if (sofa_jv_int(v, &i))
		sofa_tab_int(t, col, i);
	else if (sofa_jv_num(v, &d))
		sofa_tab_real(t, col, d);
}

/* The statistics columns of player p: a statistic the document leaves out
 * is 0 when the player has minutesPlayed (Sofascore writes only non-zero
 * values), null otherwise. */
static void
put_stats(struct sofa_tab *t, struct sofa_xf *xf, const struct sofa_xdoc *d,
    const struct sofa_lu_player *p)
{
	const struct statcol *const *sc;
	const struct sofa_jv *k, *v, *rv;
	struct sofa_jit it;
	size_t col;

	if (p->has_minutes)
		for (size_t i = 0; i < NSTATS; i++)
			sofa_tab_int(t, C_STATS + i, 0);
	sofa_jit_obj(&it, p->stats);
	while ((k = sofa_jit_key(&it, (struct sofa_jv **)&v)) != NULL) {
		sc = bsearch(sofa_jv_str(k), bykey, NSTATS, sizeof(bykey[0]),
		    cmpfind);
		if (sc == NULL)
			continue;
		col = C_STATS + (size_t)(*sc - stats);
		if (!sofa_jv_is_num(v)) {
			sofa_tab_null(t, col);
			if (!sofa_jv_is_null(v))
				sofa_xf_contract(xf, d, "a number", v,
				    "%s.players[%zu].statistics.%s",
				    sofa_side_name(p->side), p->index,
				    (*sc)->key);
			continue;
		}
		put_num(t, col, v);
	}
	rv = sofa_jv_get(p->stats, "ratingVersions");
	if (sofa_jv_is_num(sofa_jv_get(rv, "original")))
		put_num(t, C_RATING_ORIG, sofa_jv_get(rv, "original"));
	if (sofa_jv_is_num(sofa_jv_get(rv, "alternative")))
		put_num(t, C_RATING_ALT, sofa_jv_get(rv, "alternative"));
}

static void
wide(struct sofa_tab *t, struct sofa_xf *xf, const struct sofa_xdoc *d,
    const struct sofa_lu *lu, const struct sofa_evinfo *ev, int64_t id)
{
	int64_t team[2] = { sofa_lu_team(lu, ev, 0), sofa_lu_team(lu, ev, 1) };

	for (size_t i = 0; i < lu->n; i++) {
		const struct sofa_lu_player *p = &lu->p[i];
		int64_t tid = team[p->side];

		sofa_tab_int(t, C_EVENT, id);
		sofa_tab_str(t, C_SIDE, sofa_side_name(p->side));
		if (tid > 0)
			sofa_tab_int(t, C_TEAM, tid);
		sofa_tab_int(t, C_PLAYER, p->id);
		sofa_tab_str(t, C_NAME, p->name);
		sofa_tab_str(t, C_SLUG, p->slug);
		if (p->has_shirt)
			sofa_tab_int(t, C_SHIRT, p->shirt);
		sofa_tab_str(t, C_POS, p->position);
		sofa_tab_bool(t, C_SUB, p->substitute);
		sofa_tab_bool(t, C_CAPTAIN, p->captain);
		sofa_tab_str(t, C_FORMATION, lu->side[p->side].formation);
		if (lu->has_confirmed)
			sofa_tab_bool(t, C_CONFIRMED, lu->confirmed);
		put_stats(t, xf, d, p);
		if (p->has_minutes)
			sofa_tab_int(t, C_MINUTES, p->minutes);
		if (p->has_rating)
			sofa_tab_real(t, C_RATING, p->rating);
		sofa_tab_row(t);
	}
}

/* Every number under obj, nested objects as "outer.inner". */
static void
long_obj(struct sofa_tab *t, const struct sofa_jv *obj, int64_t id,
    int64_t player, const char *prefix)
{
	const struct sofa_jv *k, *v;
	struct sofa_jit it;
	char name[256];

	sofa_jit_obj(&it, obj);
	while ((k = sofa_jit_key(&it, (struct sofa_jv **)&v)) != NULL) {
		if (*prefix != '\0')
			snprintf(name, sizeof(name), "%s.%s", prefix,
			    sofa_jv_str(k));
		else
			snprintf(name, sizeof(name), "%s", sofa_jv_str(k));
		if (sofa_jv_is_obj(v)) {
			if (*prefix == '\0')
				long_obj(t, v, id, player, name);
			continue;
		}
		if (!sofa_jv_is_num(v))
			continue;
		sofa_tab_int(t, 0, id);
		sofa_tab_int(t, 1, player);
		sofa_tab_str(t, 2, name);
		put_num(t, 3, v);
		sofa_tab_row(t);
	}
}

static void
long_form(struct sofa_tab *t, const struct sofa_lu *lu, int64_t id)
{
	for (size_t i = 0; i < lu->n; i++)
		long_obj(t, lu->p[i].stats, id, lu->p[i].id, "");
}

static const char *
reason_name(int64_t code)
{
	switch (code) {
	case 1:
		return "injured";
	case 3:
		return "suspended";
	default:
		return NULL;
	}
}

static void
missing(struct sofa_tab *t, struct sofa_xf *xf, const struct sofa_xdoc *d,
    const struct sofa_lu *lu, const struct sofa_evinfo *ev, int64_t id)
{
	const struct sofa_jv *x, *pl;
	struct sofa_jit it;
	const char *s;
	char at[64], pat[80];
	int64_t pid, code, team;

	for (int side = 0; side < 2; side++) {
		team = sofa_lu_team(lu, ev, side);
		sofa_jit_arr(&it, lu->side[side].missing);
		for (size_t i = 0; (x = sofa_jit_next(&it)) != NULL; i++) {
			snprintf(at, sizeof(at), "%s.missingPlayers[%zu]",
			    sofa_side_name(side), i);
			snprintf(pat, sizeof(pat), "%s.player", at);
			pl = sofa_jv_get(x, "player");
			if (!sofa_jv_is_obj(pl)) {
				sofa_xf_contract(xf, d, "an object", pl, "%s",
				    pat);
				continue;
			}
			if (!sofa_xf_getint(xf, d, pl, pat, "id", &pid) ||
			    pid < 1) {
				if (sofa_jv_get(pl, "id") == NULL || pid < 1)
					sofa_xf_contract(xf, d, "a positive "
					    "integer", sofa_jv_get(pl, "id"),
					    "%s.id", pat);
				continue;
			}
			sofa_tab_int(t, M_EVENT, id);
			sofa_tab_str(t, M_SIDE, sofa_side_name(side));
			if (team > 0)
				sofa_tab_int(t, M_TEAM, team);
			sofa_tab_int(t, M_PLAYER, pid);
			if (sofa_xf_getstr(xf, d, pl, pat, "name", &s))
				sofa_tab_str(t, M_NAME, s);
			if (sofa_xf_getstr(xf, d, pl, pat, "slug", &s))
				sofa_tab_str(t, M_SLUG, s);
			if (sofa_xf_getstr(xf, d, pl, pat, "position", &s) &&
			    *s != '\0')
				sofa_tab_str(t, M_POS, s);
			if (sofa_xf_getstr(xf, d, x, at, "type", &s))
				sofa_tab_str(t, M_TYPE, s);
			if (sofa_xf_getint(xf, d, x, at, "reason", &code)) {
				sofa_tab_int(t, M_CODE, code);
				sofa_tab_str(t, M_REASON, reason_name(code));
			}
			if (sofa_xf_getstr(xf, d, x, at, "description", &s))
				sofa_tab_str(t, M_DESCRIPTION, s);
			sofa_tab_row(t);
		}
	}
}

int
main(int argc, char *argv[])
{
	enum { OPT_STATS = 0x2000, OPT_MISSING };
	static const struct option longopts[] = {
		SOFA_XF_LONGOPTS,
		{ "stats", no_argument, NULL, OPT_STATS },
		{ "missing", no_argument, NULL, OPT_MISSING },
		{ NULL, 0, NULL, 0 }
	};
	struct sofa_xf_opts o = { 0 };
	const struct sofa_xdoc *d, *e;
	struct sofa_evinfo ev;
	struct sofa_lu lu;
	struct sofa_xf *xf;
	struct sofa_tab *t;
	enum mode mode = WIDE;
	int64_t id;
	int c;

	sofa_init(argc, argv);
	while ((c = getopt_long(argc, argv, SOFA_XF_SHORTOPTS, longopts,
	    NULL)) != -1) {
		if (sofa_xf_option(&o, c, optarg))
			continue;
		switch (c) {
		case OPT_STATS:
		case OPT_MISSING:
			if (mode != WIDE)
				usage(stderr, SOFA_EXIT_USAGE);
			mode = c == OPT_STATS ? LONG : MISSING;
			break;
		case 'h':
			usage(stdout, SOFA_EXIT_OK);
			break;
		case SOFA_XF_OPT_VERSION:
			printf("sofa-lineups %s\n", SOFA_VERSION);
			return sofa_finish(SOFA_EXIT_OK);
		default:
			usage(stderr, SOFA_EXIT_USAGE);
		}
	}

	xf = sofa_xf_new(&o, argc - optind, argv + optind);
	if (mode == WIDE)
		t = sofa_xf_table(xf, cols, sizeof(cols) / sizeof(cols[0]));
	else if (mode == LONG)
		t = sofa_xf_table(xf, stat_cols, 4);
	else
		t = sofa_xf_table(xf, missing_cols,
		    sizeof(missing_cols) / sizeof(missing_cols[0]));
	sort_stats();
	sofa_lu_init(&lu);
	while (sofa_xf_next(xf, &id)) {
		if ((d = sofa_xf_load(xf, "lineups", SOFA_XF_NEED)) == NULL)
			continue;
		memset(&ev, 0, sizeof(ev));
		if (mode != LONG && (e = sofa_xf_load(xf, "event",
		    SOFA_XF_WANT)) != NULL)
			(void)sofa_evinfo_parse(&ev, xf, e);
		(void)sofa_lu_parse(&lu, xf, d);
		if (mode == WIDE)
			wide(t, xf, d, &lu, &ev, id);
		else if (mode == LONG)
			long_form(t, &lu, id);
		else
			missing(t, xf, d, &lu, &ev, id);
	}
	sofa_lu_free(&lu);
	return sofa_finish(sofa_xf_end(xf));
}
