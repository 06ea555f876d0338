/*
 * sofa-appearances - one row per player who took the field, with minutes.
 *
 * Reads match ids (operands, or stdin: plain ids or match-index lines),
 * and for each the stored event/ID.json, event/ID/lineups.json and
 * event/ID/incidents.json from the raw store.  Replays the incidents over
 * the lineup (common/minutes.c) and writes, for every starter and every
 * substitute who came on: the match, team and opponent, the minutes on
 * and off and played, Sofascore's own minutesPlayed beside them, goals,
 * penalty goals, own goals, assists, cards, rating, the score and the
 * result, as CSV with a header or NDJSON (-j).  Matches that are not
 * finished are skipped with a note.  The rules are in docs/consumption.md;
 * the columns in share/sofa/schema/appearances.tsv.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "evinfo.h"
#include "io.h"
#include "lineups.h"
#include "minutes.h"
#include "timeutil.h"
#include "xform.h"

static const char usage_line[] =
    "usage: sofa-appearances [-jHqu] [--config FILE] [--raw-base DIR] "
    "[ID ...]";

static void
usage(FILE *fp, int status)
{
	fprintf(fp, "%s\n", usage_line);
	if (fp == stdout)
		fputs("\n"
		    "One row per player who took the field in each match ID "
		    "(stdin when none).\n"
		    "\n"
		    SOFA_XF_HELP, fp);
	exit(fp == stdout ? sofa_finish(status) : status);
}

/* share/sofa/schema/appearances.tsv */
enum {
	C_EVENT, C_START, C_TOURNAMENT, C_SEASON, C_TEAM, C_OPPONENT, C_HOME,
	C_PLAYER, C_NAME, C_POS, C_STARTER, C_ON, C_OFF, C_MINUTES,
	C_REPORTED, C_GOALS, C_PEN_GOALS, C_OWN_GOALS, C_ASSISTS, C_YELLOW,
	C_SECOND_YELLOW, C_RED, C_RATING, C_TEAM_SCORE, C_OPP_SCORE, C_RESULT,
	NCOLS
};
static const char *const cols[] = {
	"event_id", "start_utc", "tournament_id", "season_id", "team_id",
	"opponent_id", "home", "player_id", "player_name", "position",
	"starter", "minute_on", "minute_off", "minutes", "minutes_reported",
	"goals", "penalty_goals", "own_goals", "assists", "yellow",
	"second_yellow", "red", "rating", "team_score", "opponent_score",
	"result"
};

_Static_assert(sizeof(cols) / sizeof(cols[0]) == NCOLS, "columns");

static void
put_id(struct sofa_tab *t, size_t col, int64_t v)
{
	if (v > 0)
		sofa_tab_int(t, col, v);
}

static void
rows(struct sofa_tab *t, int64_t id, const struct sofa_evinfo *ev,
    const struct sofa_lu *lu, const struct sofa_replay *r)
{
	int64_t team[2] = { sofa_lu_team(lu, ev, 0), sofa_lu_team(lu, ev, 1) };
	char start[SOFA_UTC_LEN];

	if (ev->has_start)
		sofa_fmt_utc((time_t)ev->start, start);
	for (size_t i = 0; i < lu->n; i++) {
		const struct sofa_lu_player *p = &lu->p[i];
		const struct sofa_app *a = &r->app[i];
		int s = p->side;

		if (!a->played)
			continue;
		sofa_tab_int(t, C_EVENT, id);
		if (ev->has_start)
			sofa_tab_str(t, C_START, start);
		put_id(t, C_TOURNAMENT, ev->tournament_id);
		put_id(t, C_SEASON, ev->season_id);
		put_id(t, C_TEAM, team[s]);
		put_id(t, C_OPPONENT, team[!s]);
		sofa_tab_bool(t, C_HOME, s == SOFA_HOME);
		sofa_tab_int(t, C_PLAYER, p->id);
		sofa_tab_str(t, C_NAME, p->name);
		sofa_tab_str(t, C_POS, p->position);
		sofa_tab_bool(t, C_STARTER, !p->substitute);
		if (a->timed) {
			sofa_tab_int(t, C_ON, a->on);
			sofa_tab_int(t, C_OFF, a->off);
			sofa_tab_int(t, C_MINUTES, a->off - a->on);
		}
		if (p->has_minutes)
			sofa_tab_int(t, C_REPORTED, p->minutes);
		sofa_tab_int(t, C_GOALS, a->goals);
		sofa_tab_int(t, C_PEN_GOALS, a->penalty_goals);
		sofa_tab_int(t, C_OWN_GOALS, a->own_goals);
		sofa_tab_int(t, C_ASSISTS, a->assists);
		sofa_tab_int(t, C_YELLOW, a->yellow);
		sofa_tab_int(t, C_SECOND_YELLOW, a->second_yellow);
		sofa_tab_int(t, C_RED, a->red);
		if (p->has_rating)
			sofa_tab_real(t, C_RATING, p->rating);
		if (ev->has_score[s])
			sofa_tab_int(t, C_TEAM_SCORE, ev->score[s]);
		if (ev->has_score[!s])
			sofa_tab_int(t, C_OPP_SCORE, ev->score[!s]);
		sofa_tab_str(t, C_RESULT, sofa_evinfo_result(ev, s));
		sofa_tab_row(t);
	}
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		SOFA_XF_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	struct sofa_xf_opts o = { 0 };
	const struct sofa_xdoc *e, *l, *in;
	struct sofa_replay r;
	struct sofa_evinfo ev;
	struct sofa_lu lu;
	struct sofa_xf *xf;
	struct sofa_tab *t;
	int64_t id;
	int c;

	sofa_init(argc, argv);
	while ((c = getopt_long(argc, argv, SOFA_XF_SHORTOPTS, longopts,
	    NULL)) != -1) {
		if (sofa_xf_option(&o, c, optarg))
			continue;
		switch (c) {
		case 'h':
			usage(stdout, SOFA_EXIT_OK);
			break;
		case SOFA_XF_OPT_VERSION:
			printf("sofa-appearances %s\n", SOFA_VERSION);
			return sofa_finish(SOFA_EXIT_OK);
		default:
			usage(stderr, SOFA_EXIT_USAGE);
		}
	}

	xf = sofa_xf_new(&o, argc - optind, argv + optind);
	t = sofa_xf_table(xf, cols, NCOLS);
	sofa_lu_init(&lu);
	sofa_replay_init(&r);
	while (sofa_xf_next(xf, &id)) {
		if ((e = sofa_xf_load(xf, "event", SOFA_XF_NEED)) == NULL ||
		    (l = sofa_xf_load(xf, "lineups", SOFA_XF_NEED)) == NULL ||
		    (in = sofa_xf_load(xf, "incidents", SOFA_XF_NEED)) == NULL)
			continue;
		if (!sofa_evinfo_parse(&ev, xf, e))
			continue;
		if (!sofa_evinfo_finished(&ev)) {
			sofa_xf_note(xf, "not finished (status %s); skipped",
			    ev.status_type != NULL ? ev.status_type :
			    "unknown");
			continue;
		}
		(void)sofa_lu_parse(&lu, xf, l);
		if (!sofa_replay_run(&r, &lu, &ev, xf, in))
			continue;
		rows(t, id, &ev, &lu, &r);
	}
	sofa_replay_free(&r);
	sofa_lu_free(&lu);
	return sofa_finish(sofa_xf_end(xf));
}
