/*
 * sofa-teams - the teams table, one row per team id per run.
 *
 * Reads event/ID.json for each match id and writes each team of
 * homeTeam/awayTeam once: name, slug, short name, code, gender, national
 * side or club, country.  When a match has no usable event document, the
 * team ids of its lineups (the "teamId" of newer lineups) are kept as
 * bare rows (id only), written at the end unless an event shows the team
 * by then, so every team id that any table holds has a row.  Which
 * observation wins: an event's team object over a lineups teamId; between
 * two of the same kind, the first in input order.  Memory follows the
 * number of distinct teams, never the number of matches.  The columns are
 * share/sofa/schema/teams.tsv.
 */
#include <stdint.h>
#include <stdlib.h>

#include "event.h"
#include "idmap.h"
#include "row.h"
#include "tbuild.h"
#include "xalloc.h"

enum {
	C_TEAM, C_NAME, C_SLUG, C_SHORT, C_CODE, C_GENDER, C_NATIONAL,
	C_TYPE, C_A2, C_A3, C_COUNTRY, C_EVENT, C_SOURCE, C_N
};

static const char *const cols[C_N] = {
	"team_id", "name", "slug", "short_name", "name_code", "gender",
	"national", "type", "country_alpha2", "country_alpha3",
	"country_name", "event_id", "source"
};

/* Map values: SEEN once written; HELD + i while held back in held[i]. */
enum { SEEN = 1, HELD = 2 };

struct held {
	int64_t team_id, event_id;
	bool live;
};

struct state {
	struct sofa_idmap *ids;
	struct held *held;
	size_t nheld, capheld;
};

static void
row(struct sofa_tab *t, const struct sofa_team *tm, int64_t event_id)
{
	sofa_tab_int(t, C_TEAM, tm->id);
	sofa_tab_str(t, C_NAME, tm->name);
	sofa_tab_str(t, C_SLUG, tm->slug);
	sofa_tab_str(t, C_SHORT, tm->short_name);
	sofa_tab_str(t, C_CODE, tm->name_code);
	sofa_tab_str(t, C_GENDER, tm->gender);
	sofa_tab_obool(t, C_NATIONAL, tm->national);
	sofa_tab_oint(t, C_TYPE, tm->type);
	sofa_tab_str(t, C_A2, tm->country.alpha2);
	sofa_tab_str(t, C_A3, tm->country.alpha3);
	sofa_tab_str(t, C_COUNTRY, tm->country.name);
	sofa_tab_int(t, C_EVENT, event_id);
	sofa_tab_str(t, C_SOURCE, "event");
	sofa_tab_row(t);
}

static void
from_event(struct sofa_tb *tb, const struct sofa_team *tm, int64_t event_id)
{
	struct state *st = tb->arg;
	uint32_t v;

	if (tm->id == SOFA_UNSET)
		return;
	if ((v = sofa_idmap_get(st->ids, tm->id)) == SEEN)
		return;
	if (v >= HELD)
		st->held[v - HELD].live = false;
	row(tb->tab, tm, event_id);
	sofa_idmap_put(st->ids, tm->id, SEEN);
}

static void
hold(struct state *st, int64_t team_id, int64_t event_id)
{
	if (sofa_idmap_get(st->ids, team_id) != 0)
		return;
	xgrow((void **)&st->held, &st->capheld, st->nheld + 1,
	    sizeof(*st->held));
	st->held[st->nheld] = (struct held){ team_id, event_id, true };
	sofa_idmap_put(st->ids, team_id, (uint32_t)(HELD + st->nheld));
	st->nheld++;
}

/* The teamId of every lineups entry (newer lineups only). */
static void
lineup_teams(struct sofa_tb *tb, int64_t id)
{
	static const char *const sides[] = { "home", "away" };
	char sp[SOFA_JPATH_LEN], ep[SOFA_JPATH_LEN];
	struct sofa_jv *players, *e;
	struct sofa_jit it;
	struct sofa_tdoc d;
	int64_t team;
	size_t i;

	if (sofa_tb_load(tb, "lineups", true, &d))
		for (int s = 0; s < 2; s++) {
			players = NULL;
			sofa_jpath_key(sp, sides[s], "players");
			sofa_jg_arr(&d.ctx, sofa_jv_get(d.root, sides[s]),
			    sides[s], "players", &players);
			sofa_jit_arr(&it, players);
			for (i = 0; (e = sofa_jit_next(&it)) != NULL; i++)
				if (sofa_jg_id(&d.ctx, e, sofa_jpath_idx(ep,
				    sp, i), "teamId", &team) == 1)
					hold(tb->arg, team, id);
		}
	sofa_tb_done(tb, &d);
}

static void
match(struct sofa_tb *tb, int64_t id)
{
	struct sofa_event ev;
	struct sofa_tdoc d;
	bool ok;

	ok = sofa_tb_load(tb, "event", false, &d) &&
	    sofa_event_doc(&d.ctx, d.root, id, &ev);
	if (ok) {
		from_event(tb, &ev.home, id);
		from_event(tb, &ev.away, id);
	}
	sofa_tb_done(tb, &d);
	if (!ok)
		lineup_teams(tb, id);
}

static void
end(struct sofa_tb *tb)
{
	struct state *st = tb->arg;

	for (size_t i = 0; i < st->nheld; i++)
		if (st->held[i].live) {
			sofa_tab_int(tb->tab, C_TEAM, st->held[i].team_id);
			sofa_tab_int(tb->tab, C_EVENT, st->held[i].event_id);
			sofa_tab_str(tb->tab, C_SOURCE, "lineups");
			sofa_tab_row(tb->tab);
		}
}

int
main(int argc, char *argv[])
{
	struct state st = { 0 };
	struct sofa_tb tb = {
		.name = "sofa-teams",
		.help = "Write the teams table: one row per team id, from "
		    "event/ID.json (the teamId\nof event/ID/lineups.json "
		    "when the event is not stored).",
		.cols = cols,
		.ncol = C_N,
		.match = match,
		.end = end,
		.arg = &st
	};
	int status;

	st.ids = sofa_idmap_new();
	status = sofa_tb_main(argc, argv, &tb);
	sofa_idmap_free(st.ids);
	free(st.held);
	return status;
}
