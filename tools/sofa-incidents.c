/*
 * sofa-incidents - the incidents table, one row per incident.
 *
 * Reads event/ID/incidents.json (and event/ID.json, when stored, for the
 * team ids) for each match id and writes one row per incident, oldest
 * first (the API lists them newest first): type and class, minute and
 * added time, side and team, the players involved (scorer, assists,
 * player in and out, carded player or manager), the running score, and
 * the reason, text or description the type carries.  Incident types it
 * does not know are kept as rows with their type, never an error.  The
 * columns are share/sofa/schema/incidents.tsv.
 */
#include <stdint.h>
#include <stdlib.h>

#include "event.h"
#include "incident.h"
#include "row.h"
#include "tbuild.h"

enum {
	C_EVENT, C_SEQ, C_ID, C_TYPE, C_CLASS, C_MINUTE, C_ADDED, C_BENCH,
	C_BENCH_ADDED, C_SIDE, C_TEAM, C_PLAYER_ID, C_PLAYER_NAME, C_AS1_ID,
	C_AS1_NAME, C_AS2_ID, C_AS2_NAME, C_IN_ID, C_IN_NAME, C_OUT_ID,
	C_OUT_NAME, C_MGR_ID, C_MGR_NAME, C_HOME_SCORE, C_AWAY_SCORE,
	C_SEQUENCE, C_TEXT, C_LENGTH, C_REASON, C_DESCRIPTION, C_RESCINDED,
	C_INJURY, C_CONFIRMED, C_N
};

static const char *const cols[C_N] = {
	"event_id", "seq", "incident_id", "type", "class", "minute",
	"added_time", "bench_minute", "bench_added_time", "side", "team_id",
	"player_id", "player_name", "assist1_id", "assist1_name",
	"assist2_id", "assist2_name", "player_in_id", "player_in_name",
	"player_out_id", "player_out_name", "manager_id", "manager_name",
	"home_score", "away_score", "sequence", "text", "length", "reason",
	"description", "rescinded", "injury", "confirmed"
};

/* The vector of incidents, kept across matches. */
struct state {
	struct sofa_jv **items;
	size_t cap;
};

static void
person(struct sofa_tab *t, size_t col, const struct sofa_player *p)
{
	sofa_tab_oint(t, col, p->id);
	sofa_tab_str(t, col + 1, p->name);
}

static void
row(struct sofa_tab *t, int64_t id, long seq, const struct sofa_incident *in,
    const int64_t team[2])
{
	sofa_tab_int(t, C_EVENT, id);
	sofa_tab_int(t, C_SEQ, seq);
	sofa_tab_oint(t, C_ID, in->id);
	sofa_tab_str(t, C_TYPE, in->type);
	sofa_tab_str(t, C_CLASS, in->klass);
	sofa_tab_oint(t, C_MINUTE, in->time);
	sofa_tab_oint(t, C_ADDED, in->added_time);
	sofa_tab_oint(t, C_BENCH, in->bench_time);
	sofa_tab_oint(t, C_BENCH_ADDED, in->bench_added_time);
	if (in->is_home >= 0) {
		sofa_tab_str(t, C_SIDE, in->is_home ? "home" : "away");
		sofa_tab_oint(t, C_TEAM, team[in->is_home ? 0 : 1]);
	}
	sofa_tab_oint(t, C_PLAYER_ID, in->player.id);
	sofa_tab_str(t, C_PLAYER_NAME, in->player_name);
	person(t, C_AS1_ID, &in->assist1);
	person(t, C_AS2_ID, &in->assist2);
	person(t, C_IN_ID, &in->player_in);
	person(t, C_OUT_ID, &in->player_out);
	sofa_tab_oint(t, C_MGR_ID, in->manager_id);
	sofa_tab_str(t, C_MGR_NAME, in->manager_name);
	sofa_tab_oint(t, C_HOME_SCORE, in->home_score);
	sofa_tab_oint(t, C_AWAY_SCORE, in->away_score);
	sofa_tab_oint(t, C_SEQUENCE, in->sequence);
	sofa_tab_str(t, C_TEXT, in->text);
	sofa_tab_oint(t, C_LENGTH, in->length);
	sofa_tab_str(t, C_REASON, in->reason);
	sofa_tab_str(t, C_DESCRIPTION, in->description);
	sofa_tab_obool(t, C_RESCINDED, in->rescinded);
	sofa_tab_obool(t, C_INJURY, in->injury);
	sofa_tab_obool(t, C_CONFIRMED, in->confirmed);
	sofa_tab_row(t);
}

/* The team ids of the two sides, when the event is stored. */
static void
teams(struct sofa_tb *tb, int64_t id, int64_t team[2])
{
	struct sofa_event ev;
	struct sofa_tdoc d;

	team[0] = team[1] = SOFA_UNSET;
	if (sofa_tb_load(tb, "event", true, &d) &&
	    sofa_event_doc(&d.ctx, d.root, id, &ev)) {
		team[0] = ev.home.id;
		team[1] = ev.away.id;
	}
	sofa_tb_done(tb, &d);
}

static void
match(struct sofa_tb *tb, int64_t id)
{
	struct state *st = tb->arg;
	struct sofa_incident in;
	struct sofa_tdoc d;
	char path[SOFA_JPATH_LEN];
	int64_t team[2];
	long n;

	if (!sofa_tb_load(tb, "incidents", false, &d))
		goto done;
	n = sofa_incidents_list(&d.ctx, d.root, &st->items, &st->cap);
	if (n < 0)
		goto done;
	teams(tb, id, team);
	for (long i = 0; i < n; i++) {
		/* The document's index: it lists newest first. */
		sofa_jpath_idx(path, "incidents", (size_t)(n - 1 - i));
		if (sofa_incident_read(&d.ctx, st->items[i], path, &in))
			row(tb->tab, id, i + 1, &in, team);
	}
done:
	sofa_tb_done(tb, &d);
}

int
main(int argc, char *argv[])
{
	struct state st = { NULL, 0 };
	struct sofa_tb tb = {
		.name = "sofa-incidents",
		.help = "Write the incidents table: one row per incident, "
		    "oldest first, from\nevent/ID/incidents.json (team ids "
		    "from event/ID.json when stored).",
		.cols = cols,
		.ncol = C_N,
		.match = match,
		.arg = &st
	};
	int status;

	status = sofa_tb_main(argc, argv, &tb);
	free(st.items);
	return status;
}
