/*
 * sofa-teamstats - the team statistics table, in long form.
 *
 * Reads event/ID/statistics.json for each match id and writes one row per
 * statistic, period and group: the published key (newer generation) or
 * the key the item's name maps to (older generation: no keys, matched by
 * name), the display strings "home"/"away" as published ("42%",
 * "12/20 (60%)"), their numbers (homeValue/awayValue; for the oldest items
 * that carry none, the display string when it is a plain number), the
 * denominators homeTotal/awayTotal, and the item's kind.  The columns are
 * share/sofa/schema/team_stats.tsv.
 */
#include <stdint.h>
#include <string.h>

#include "num.h"
#include "row.h"
#include "tbuild.h"

enum {
	C_EVENT, C_PERIOD, C_GROUP, C_NAME, C_KEY, C_STAT, C_HOME, C_AWAY,
	C_HOME_VALUE, C_AWAY_VALUE, C_HOME_TOTAL, C_AWAY_TOTAL, C_VALUE_TYPE,
	C_STAT_TYPE, C_COMPARE, C_RENDER, C_N
};

static const char *const cols[C_N] = {
	"event_id", "period", "group", "name", "key", "stat_key", "home",
	"away", "home_value", "away_value", "home_total", "away_total",
	"value_type", "statistics_type", "compare_code", "render_type"
};

/*
 * Names of the older generation (2023-24, no "key") that the newer one
 * (2025) publishes under the same name with a key.  Only names seen in
 * both are mapped; docs/consumption.md lists them.
 */
static const struct {
	const char *name, *key;
} bynames[] = {
	{ "Accurate passes", "accuratePasses" },
	{ "Ball possession", "ballPossession" },
	{ "Big chances", "bigChanceCreated" },
	{ "Big chances missed", "bigChanceMissed" },
	{ "Blocked shots", "blockedScoringAttempt" },
	{ "Clearances", "totalClearance" },
	{ "Corner kicks", "cornerKicks" },
	{ "Crosses", "accurateCross" },
	{ "Dribbles", "dribblesPercentage" },
	{ "Expected goals", "expectedGoals" },
	{ "Fouls", "fouls" },
	{ "Free kicks", "freeKicks" },
	{ "Goal kicks", "goalKicks" },
	{ "Goalkeeper saves", "goalkeeperSaves" },
	{ "Hit woodwork", "hitWoodwork" },
	{ "Interceptions", "interceptionWon" },
	{ "Long balls", "accurateLongBalls" },
	{ "Offsides", "offsides" },
	{ "Passes", "passes" },
	{ "Shots inside box", "totalShotsInsideBox" },
	{ "Shots off target", "shotsOffGoal" },
	{ "Shots on target", "shotsOnGoal" },
	{ "Shots outside box", "totalShotsOutsideBox" },
	{ "Tackles", "totalTackle" },
	{ "Throw-ins", "throwIns" },
	{ "Total saves", "goalkeeperSaves" },
	{ "Total shots", "totalShotsOnGoal" },
	{ "Yellow cards", "yellowCards" }
};

static const char *
key_of(const char *name)
{
	for (size_t i = 0; i < sizeof(bynames) / sizeof(bynames[0]); i++)
		if (strcmp(bynames[i].name, name) == 0)
			return bynames[i].key;
	return NULL;
}

/* The number of one side: its value, else its display string when that
 * is a plain number ("7"; not "42%"). */
static void
value(struct sofa_tab *t, struct sofa_jctx *c, const struct sofa_jv *item,
    const char *path, const char *vkey, const char *shown, size_t col)
{
	double d;
	int r;

	if ((r = sofa_jg_num(c, item, path, vkey, &d)) == 1)
		sofa_tab_real(t, col, d);
	else if (r == 0 && shown != NULL && sofa_strtod(shown, &d))
		sofa_tab_real(t, col, d);
}

/* The string key of obj (at path), required: NULL after a report. */
static const char *
need_str(struct sofa_jctx *c, const struct sofa_jv *obj, const char *path,
    const char *key)
{
	const char *s = NULL;

	if (!sofa_jv_is_obj(obj))
		sofa_jg_bad(c, path, NULL, "an object", obj);
	else if (sofa_jg_str(c, obj, path, key, &s) == 0)
		sofa_jg_bad(c, path, key, "a string", sofa_jv_get(obj, key));
	return s;
}

static void
item_row(struct sofa_tab *t, struct sofa_jctx *c, int64_t id,
    const char *period, const char *group, const struct sofa_jv *item,
    const char *path)
{
	const char *name, *key, *home, *away;

	if ((name = need_str(c, item, path, "name")) == NULL)
		return;
	key = sofa_jo_str(c, item, path, "key");
	home = sofa_jo_str(c, item, path, "home");
	away = sofa_jo_str(c, item, path, "away");
	sofa_tab_int(t, C_EVENT, id);
	sofa_tab_str(t, C_PERIOD, period);
	sofa_tab_str(t, C_GROUP, group);
	sofa_tab_str(t, C_NAME, name);
	sofa_tab_str(t, C_KEY, key);
	sofa_tab_str(t, C_STAT, key != NULL ? key : key_of(name));
	sofa_tab_str(t, C_HOME, home);
	sofa_tab_str(t, C_AWAY, away);
	value(t, c, item, path, "homeValue", home, C_HOME_VALUE);
	value(t, c, item, path, "awayValue", away, C_AWAY_VALUE);
	sofa_tab_oint(t, C_HOME_TOTAL, sofa_jo_int(c, item, path,
	    "homeTotal"));
	sofa_tab_oint(t, C_AWAY_TOTAL, sofa_jo_int(c, item, path,
	    "awayTotal"));
	sofa_tab_str(t, C_VALUE_TYPE, sofa_jo_str(c, item, path,
	    "valueType"));
	sofa_tab_str(t, C_STAT_TYPE, sofa_jo_str(c, item, path,
	    "statisticsType"));
	sofa_tab_oint(t, C_COMPARE, sofa_jo_int(c, item, path,
	    "compareCode"));
	sofa_tab_oint(t, C_RENDER, sofa_jo_int(c, item, path, "renderType"));
	sofa_tab_row(t);
}

/* The array key of obj (at path), required: NULL after a report. */
static struct sofa_jv *
need_arr(struct sofa_jctx *c, const struct sofa_jv *obj, const char *path,
    const char *key)
{
	struct sofa_jv *a = NULL;

	if (!sofa_jv_is_obj(obj)) {
		sofa_jg_bad(c, path, NULL, "an object", obj);
		return NULL;
	}
	if (sofa_jg_arr(c, obj, path, key, &a) == 0)
		sofa_jg_bad(c, path, key, "an array", sofa_jv_get(obj, key));
	return a;
}

static void
period_rows(struct sofa_tab *t, struct sofa_jctx *c, int64_t id,
    const struct sofa_jv *per, const char *path)
{
	char gp[SOFA_JPATH_LEN], ip[SOFA_JPATH_LEN], ap[SOFA_JPATH_LEN];
	struct sofa_jv *groups, *g, *items, *item;
	struct sofa_jit git, iit;
	const char *period, *group;
	size_t gi = 0, ii;

	if ((groups = need_arr(c, per, path, "groups")) == NULL)
		return;
	if ((period = need_str(c, per, path, "period")) == NULL)
		return;
	sofa_jit_arr(&git, groups);
	for (; (g = sofa_jit_next(&git)) != NULL; gi++) {
		sofa_jpath_key(ap, path, "groups");
		sofa_jpath_idx(gp, ap, gi);
		if ((items = need_arr(c, g, gp, "statisticsItems")) == NULL)
			continue;
		group = sofa_jo_str(c, g, gp, "groupName");
		sofa_jpath_key(ap, gp, "statisticsItems");
		sofa_jit_arr(&iit, items);
		for (ii = 0; (item = sofa_jit_next(&iit)) != NULL; ii++)
			item_row(t, c, id, period, group, item,
			    sofa_jpath_idx(ip, ap, ii));
	}
}

static void
match(struct sofa_tb *tb, int64_t id)
{
	char path[SOFA_JPATH_LEN];
	struct sofa_jv *stats, *per;
	struct sofa_jit it;
	struct sofa_tdoc d;
	size_t i = 0;

	if (!sofa_tb_load(tb, "statistics", false, &d))
		goto done;
	if ((stats = need_arr(&d.ctx, d.root, "", "statistics")) == NULL)
		goto done;
	sofa_jit_arr(&it, stats);
	for (; (per = sofa_jit_next(&it)) != NULL; i++)
		period_rows(tb->tab, &d.ctx, id, per,
		    sofa_jpath_idx(path, "statistics", i));
done:
	sofa_tb_done(tb, &d);
}

int
main(int argc, char *argv[])
{
	struct sofa_tb tb = {
		.name = "sofa-teamstats",
		.help = "Write the team_stats table: one row per statistic, "
		    "period and group, from\nevent/ID/statistics.json.",
		.cols = cols,
		.ncol = C_N,
		.match = match
	};

	return sofa_tb_main(argc, argv, &tb);
}
