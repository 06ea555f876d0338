/*
 * sofa-matches - the match summary table, one row per match.
 *
 * Reads event/ID.json of the raw store for each match id (operands or
 * stdin) and writes one row per match: competition, season and round,
 * teams, status (finished decided by the status type, the way it ended by
 * the code), every published score (display as the score, current kept
 * apart because it includes shoot-out goals, periods, extra time,
 * penalties, aggregate), venue, referee, start and change times.  The
 * columns are share/sofa/schema/matches.tsv; docs/consumption.md says
 * where each comes from.
 */
#include <stdint.h>

#include "event.h"
#include "row.h"
#include "tbuild.h"
#include "timeutil.h"

enum {
	C_EVENT, C_SLUG, C_CUSTOM, C_START, C_UT_ID, C_UT_NAME, C_T_ID,
	C_T_NAME, C_CAT_ID, C_CAT_NAME, C_SEASON_ID, C_SEASON_NAME,
	C_SEASON_YEAR, C_ROUND, C_ROUND_NAME, C_ROUND_SLUG, C_CUP_ROUND,
	C_HOME_ID, C_HOME_NAME, C_AWAY_ID, C_AWAY_NAME, C_STATUS_CODE,
	C_STATUS_TYPE, C_STATUS_DESC, C_FINISHED, C_ENDING, C_AWARDED,
	C_WINNER, C_AGG_WINNER,
	C_SCORES,	/* home_KEY, away_KEY for every score key */
	C_HOME_RED = C_SCORES + 2 * SOFA_SC_N, C_AWAY_RED, C_VENUE_ID,
	C_VENUE_NAME, C_VENUE_CITY, C_REF_ID, C_REF_NAME, C_ATTENDANCE,
	C_PREV_LEG, C_PLAYER_STATS, C_CHANGED, C_N
};

static const char *const cols[C_N] = {
	"event_id", "slug", "custom_id", "start_utc", "tournament_id",
	"tournament_name", "stage_id", "stage_name", "category_id",
	"category_name", "season_id", "season_name", "season_year", "round",
	"round_name", "round_slug", "cup_round_type", "home_team_id",
	"home_team_name", "away_team_id", "away_team_name", "status_code",
	"status_type", "status_description", "finished", "ending", "awarded",
	"winner_code", "aggregated_winner_code",
	/* in the order of sofa_score_keys[]: display is the score */
	"home_score", "away_score", "home_current", "away_current",
	"home_period1", "away_period1", "home_period2", "away_period2",
	"home_normaltime", "away_normaltime", "home_extra1", "away_extra1",
	"home_extra2", "away_extra2", "home_overtime", "away_overtime",
	"home_penalties", "away_penalties", "home_aggregated",
	"away_aggregated",
	"home_red_cards", "away_red_cards", "venue_id", "venue_name",
	"venue_city", "referee_id", "referee_name", "attendance",
	"previous_leg_event_id", "has_player_statistics", "changed_utc"
};

static void
put_time(struct sofa_tab *t, struct sofa_jctx *c, size_t col, int64_t v,
    const char *key, char *buf)
{
	if (!sofa_tab_outc(t, col, v, false, buf))
		sofa_jg_range(c, "event", key, v, "not a time of years "
		    "1000 to 9999");
}

static void
row(struct sofa_tab *t, struct sofa_jctx *c, const struct sofa_event *ev)
{
	char start[SOFA_UTC_LEN], changed[SOFA_UTC_LEN];

	sofa_tab_int(t, C_EVENT, ev->id);
	sofa_tab_str(t, C_SLUG, ev->slug);
	sofa_tab_str(t, C_CUSTOM, ev->custom_id);
	put_time(t, c, C_START, ev->start, "startTimestamp", start);
	sofa_tab_oint(t, C_UT_ID, ev->utournament_id);
	sofa_tab_str(t, C_UT_NAME, ev->utournament_name);
	sofa_tab_oint(t, C_T_ID, ev->tournament_id);
	sofa_tab_str(t, C_T_NAME, ev->tournament_name);
	sofa_tab_oint(t, C_CAT_ID, ev->category_id);
	sofa_tab_str(t, C_CAT_NAME, ev->category_name);
	sofa_tab_oint(t, C_SEASON_ID, ev->season_id);
	sofa_tab_str(t, C_SEASON_NAME, ev->season_name);
	sofa_tab_str(t, C_SEASON_YEAR, ev->season_year);
	sofa_tab_oint(t, C_ROUND, ev->round);
	sofa_tab_str(t, C_ROUND_NAME, ev->round_name);
	sofa_tab_str(t, C_ROUND_SLUG, ev->round_slug);
	sofa_tab_oint(t, C_CUP_ROUND, ev->cup_round_type);
	sofa_tab_oint(t, C_HOME_ID, ev->home.id);
	sofa_tab_str(t, C_HOME_NAME, ev->home.name);
	sofa_tab_oint(t, C_AWAY_ID, ev->away.id);
	sofa_tab_str(t, C_AWAY_NAME, ev->away.name);
	sofa_tab_oint(t, C_STATUS_CODE, ev->status_code);
	sofa_tab_str(t, C_STATUS_TYPE, ev->status_type);
	sofa_tab_str(t, C_STATUS_DESC, ev->status_desc);
	if (ev->status_type != NULL)
		sofa_tab_bool(t, C_FINISHED, sofa_status_finished(ev));
	if (sofa_status_finished(ev))
		sofa_tab_str(t, C_ENDING, sofa_status_ending(ev->status_code));
	sofa_tab_bool(t, C_AWARDED, ev->awarded == 1);
	sofa_tab_oint(t, C_WINNER, ev->winner_code);
	sofa_tab_oint(t, C_AGG_WINNER, ev->agg_winner_code);
	for (int k = 0; k < SOFA_SC_N; k++) {
		sofa_tab_oint(t, C_SCORES + 2 * k, ev->home_score.v[k]);
		sofa_tab_oint(t, C_SCORES + 2 * k + 1, ev->away_score.v[k]);
	}
	sofa_tab_oint(t, C_HOME_RED, ev->home_red);
	sofa_tab_oint(t, C_AWAY_RED, ev->away_red);
	sofa_tab_oint(t, C_VENUE_ID, ev->venue_id);
	sofa_tab_str(t, C_VENUE_NAME, ev->venue_name);
	sofa_tab_str(t, C_VENUE_CITY, ev->venue_city);
	sofa_tab_oint(t, C_REF_ID, ev->referee_id);
	sofa_tab_str(t, C_REF_NAME, ev->referee_name);
	sofa_tab_oint(t, C_ATTENDANCE, ev->attendance);
	sofa_tab_oint(t, C_PREV_LEG, ev->previous_leg);
	sofa_tab_obool(t, C_PLAYER_STATS, ev->player_stats);
	put_time(t, c, C_CHANGED, ev->changed, "changes.changeTimestamp",
	    changed);
	sofa_tab_row(t);
}

/* A match row needs its id and both team ids (the table's keys). */
static void
match(struct sofa_tb *tb, int64_t id)
{
	struct sofa_event ev;
	struct sofa_tdoc d;

	if (sofa_tb_load(tb, "event", false, &d) &&
	    sofa_event_doc(&d.ctx, d.root, id, &ev) &&
	    ev.home.id != SOFA_UNSET && ev.away.id != SOFA_UNSET)
		row(tb->tab, &d.ctx, &ev);
	sofa_tb_done(tb, &d);
}

int
main(int argc, char *argv[])
{
	struct sofa_tb tb = {
		.name = "sofa-matches",
		.help = "Write the matches table: one row per match, from "
		    "event/ID.json.",
		.cols = cols,
		.ncol = C_N,
		.match = match
	};

	return sofa_tb_main(argc, argv, &tb);
}
