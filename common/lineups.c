/*
 * lineups.c - read a lineups document into player entries (lineups.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lineups.h"
#include "num.h"
#include "xalloc.h"

static const char *const sides[2] = { "home", "away" };

const char *
sofa_side_name(int side)
{
	return sides[side != SOFA_HOME];
}

void
sofa_lu_init(struct sofa_lu *lu)
{
	memset(lu, 0, sizeof(*lu));
}

void
sofa_lu_free(struct sofa_lu *lu)
{
	free(lu->p);
	sofa_lu_init(lu);
}

const struct sofa_lu_player *
sofa_lu_find(const struct sofa_lu *lu, int64_t id)
{
	for (size_t i = 0; i < lu->n; i++)
		if (lu->p[i].id == id)
			return &lu->p[i];
	return NULL;
}

int64_t
sofa_lu_team(const struct sofa_lu *lu, const struct sofa_evinfo *ev, int s)
{
	if (ev != NULL && ev->team_id[s] > 0)
		return ev->team_id[s];
	for (size_t i = 0; i < lu->n; i++)
		if (lu->p[i].side == s && !lu->p[i].substitute &&
		    lu->p[i].has_team && lu->p[i].team_id > 0)
			return lu->p[i].team_id;
	return 0;
}

/* A shirt number written as text ("7"); false for anything else. */
static bool
shirt_text(const char *s, int64_t *out)
{
	const char *e;
	long long v;

	if (s == NULL)
		return false;
	v = sofa_strtonum(s, 0, 999, &e);
	if (e != NULL)
		return false;
	*out = v;
	return true;
}

/* Read one entry into p; false (reported) when it cannot be used. */
static bool
entry(struct sofa_lu_player *p, struct sofa_xf *xf, const struct sofa_xdoc *d,
    const struct sofa_jv *x, const char *at)
{
	const struct sofa_jv *pl, *st;
	char pat[96];
	const char *s;

	memset(p, 0, sizeof(*p));
	p->entry = x;
	if (!sofa_jv_is_obj(x))
		return sofa_xf_contract(xf, d, "an object", x, "%s", at);
	pl = sofa_jv_get(x, "player");
	if (!sofa_jv_is_obj(pl))
		return sofa_xf_contract(xf, d, "an object", pl, "%s.player",
		    at);
	snprintf(pat, sizeof(pat), "%s.player", at);
	if (!sofa_xf_getint(xf, d, pl, pat, "id", &p->id)) {
		if (sofa_jv_get(pl, "id") == NULL ||
		    sofa_jv_is_null(sofa_jv_get(pl, "id")))
			sofa_xf_contract(xf, d, "an integer",
			    sofa_jv_get(pl, "id"), "%s.id", pat);
		return false;
	}
	if (p->id < 1) {
		sofa_xf_bad(xf, d, "%s.id: %lld is not a positive id", pat,
		    (long long)p->id);
		return false;
	}
	if (!sofa_xf_getbool(xf, d, x, at, "substitute", &p->substitute)) {
		if (sofa_jv_get(x, "substitute") == NULL)
			sofa_xf_contract(xf, d, "a boolean", NULL,
			    "%s.substitute", at);
		return false;
	}
	(void)sofa_xf_getstr(xf, d, pl, pat, "name", &p->name);
	(void)sofa_xf_getstr(xf, d, pl, pat, "slug", &p->slug);
	if (!sofa_xf_getstr(xf, d, x, at, "position", &p->position))
		(void)sofa_xf_getstr(xf, d, pl, pat, "position", &p->position);
	if (p->position != NULL && *p->position == '\0')
		p->position = NULL;
	(void)sofa_xf_getbool(xf, d, x, at, "captain", &p->captain);
	p->has_shirt = sofa_xf_getint(xf, d, x, at, "shirtNumber", &p->shirt);
	if (!p->has_shirt && sofa_xf_getstr(xf, d, x, at, "jerseyNumber", &s))
		p->has_shirt = shirt_text(s, &p->shirt);
	if (!p->has_shirt && sofa_xf_getstr(xf, d, pl, pat, "jerseyNumber",
	    &s))
		p->has_shirt = shirt_text(s, &p->shirt);
	p->has_team = sofa_xf_getint(xf, d, x, at, "teamId", &p->team_id);
	st = sofa_xf_getobj(xf, d, x, at, "statistics");
	if (st != NULL && sofa_jv_is_obj(st)) {
		char sat[112];

		p->stats = st;
		snprintf(sat, sizeof(sat), "%s.statistics", at);
		p->has_minutes = sofa_xf_getint(xf, d, st, sat,
		    "minutesPlayed", &p->minutes);
		p->has_rating = sofa_xf_getnum(xf, d, st, sat, "rating",
		    &p->rating);
	}
	return true;
}

bool
sofa_lu_parse(struct sofa_lu *lu, struct sofa_xf *xf,
    const struct sofa_xdoc *d)
{
	const struct sofa_jv *side, *players, *x;
	struct sofa_jit it;
	char at[64];
	bool ok = true;

	lu->n = 0;
	memset(lu->side, 0, sizeof(lu->side));
	lu->has_confirmed = false;
	if (sofa_jv_get(d->root, "confirmed") != NULL)
		lu->has_confirmed = sofa_xf_getbool(xf, d, d->root, "",
		    "confirmed", &lu->confirmed);
	for (int s = 0; s < 2; s++) {
		side = sofa_jv_get(d->root, sides[s]);
		if (!sofa_jv_is_obj(side)) {
			ok = sofa_xf_contract(xf, d, "an object", side, "%s",
			    sides[s]);
			continue;
		}
		players = sofa_jv_get(side, "players");
		if (!sofa_jv_is_arr(players)) {
			ok = sofa_xf_contract(xf, d, "an array", players,
			    "%s.players", sides[s]);
			continue;
		}
		lu->side[s].present = true;
		(void)sofa_xf_getstr(xf, d, side, sides[s], "formation",
		    &lu->side[s].formation);
		x = sofa_jv_get(side, "missingPlayers");
		if (x != NULL && !sofa_jv_is_null(x)) {
			if (sofa_jv_is_arr(x))
				lu->side[s].missing = x;
			else
				ok = sofa_xf_contract(xf, d, "an array", x,
				    "%s.missingPlayers", sides[s]);
		}
		sofa_jit_arr(&it, players);
		for (size_t i = 0; (x = sofa_jit_next(&it)) != NULL; i++) {
			struct sofa_lu_player *p;
			const struct sofa_lu_player *dup;

			xgrow((void **)&lu->p, &lu->cap, lu->n + 1,
			    sizeof(*lu->p));
			p = &lu->p[lu->n];
			snprintf(at, sizeof(at), "%s.players[%zu]", sides[s],
			    i);
			if (!entry(p, xf, d, x, at)) {
				ok = false;
				continue;
			}
			p->side = s;
			p->index = i;
			if ((dup = sofa_lu_find(lu, p->id)) != NULL) {
				sofa_xf_bad(xf, d, "%s.player.id: player %lld "
				    "is listed twice (also %s.players[%zu])",
				    at, (long long)p->id,
				    sofa_side_name(dup->side), dup->index);
				ok = false;
				continue;
			}
			lu->n++;
		}
	}
	return ok;
}
