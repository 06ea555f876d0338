/*
 * evinfo.c - the facts of a match from its event document (evinfo.h).
 */
#include <string.h>

#include "evinfo.h"

static const char *const sidekey[2] = { "homeTeam", "awayTeam" };
static const char *const scorekey[2] = { "homeScore", "awayScore" };

bool
sofa_evinfo_parse(struct sofa_evinfo *ev, struct sofa_xf *xf,
    const struct sofa_xdoc *d)
{
	const struct sofa_jv *e, *t, *s;
	char at[32];

	memset(ev, 0, sizeof(*ev));
	ev->status_code = -1;
	e = sofa_jv_get(d->root, "event");
	if (!sofa_jv_is_obj(e))
		return sofa_xf_contract(xf, d, "an object", e, "event");
	for (int i = 0; i < 2; i++) {
		snprintf(at, sizeof(at), "event.%s", sidekey[i]);
		t = sofa_xf_getobj(xf, d, e, "event", sidekey[i]);
		if (sofa_xf_getint(xf, d, t, at, "id", &ev->team_id[i]) &&
		    ev->team_id[i] < 1) {
			sofa_xf_bad(xf, d, "%s.id: %lld is not a positive id",
			    at, (long long)ev->team_id[i]);
			ev->team_id[i] = 0;
		}
		snprintf(at, sizeof(at), "event.%s", scorekey[i]);
		s = sofa_xf_getobj(xf, d, e, "event", scorekey[i]);
		ev->has_score[i] = sofa_xf_getint(xf, d, s, at, "display",
		    &ev->score[i]);
		if (sofa_jv_get(s, "extra1") != NULL ||
		    sofa_jv_get(s, "extra2") != NULL ||
		    sofa_jv_get(s, "overtime") != NULL)
			ev->extra_time = true;
	}
	t = sofa_xf_getobj(xf, d, e, "event", "tournament");
	t = sofa_xf_getobj(xf, d, t, "event.tournament", "uniqueTournament");
	(void)sofa_xf_getint(xf, d, t, "event.tournament.uniqueTournament",
	    "id", &ev->tournament_id);
	t = sofa_xf_getobj(xf, d, e, "event", "season");
	(void)sofa_xf_getint(xf, d, t, "event.season", "id", &ev->season_id);
	ev->has_start = sofa_xf_getint(xf, d, e, "event", "startTimestamp",
	    &ev->start);
	t = sofa_xf_getobj(xf, d, e, "event", "status");
	(void)sofa_xf_getint(xf, d, t, "event.status", "code",
	    &ev->status_code);
	(void)sofa_xf_getstr(xf, d, t, "event.status", "type",
	    &ev->status_type);
	if (ev->status_code == 110)
		ev->extra_time = true;
	return true;
}

const char *
sofa_evinfo_result(const struct sofa_evinfo *ev, int side)
{
	int64_t us, them;

	if (!ev->has_score[0] || !ev->has_score[1])
		return NULL;
	us = ev->score[side];
	them = ev->score[!side];
	return us > them ? "W" : us < them ? "L" : "D";
}

bool
sofa_evinfo_finished(const struct sofa_evinfo *ev)
{
	return ev->status_type != NULL &&
	    strcmp(ev->status_type, "finished") == 0;
}
