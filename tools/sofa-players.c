/*
 * sofa-players - the players table, one row per player id per run.
 *
 * Reads event/ID/lineups.json and event/ID/incidents.json for each match
 * id and writes each player once: name, slug, position, height, date of
 * birth and country where the documents carry them.  Which observation
 * wins: a lineups entry (players and missingPlayers: the richest player
 * objects) over an incident's player object; between two of the same
 * kind, the first in input order.  Lineups rows are written as soon as a
 * player is first seen; players seen only in incidents are held back and
 * written at the end unless a lineup shows them first.  Memory follows the
 * number of distinct players (an id map, plus the held-back rows), never
 * the number of matches.  The columns are share/sofa/schema/players.tsv.
 */
#include <stdint.h>
#include <stdlib.h>

#include "event.h"
#include "idmap.h"
#include "incident.h"
#include "row.h"
#include "tbuild.h"
#include "timeutil.h"
#include "xalloc.h"

enum {
	C_PLAYER, C_NAME, C_SLUG, C_SHORT, C_FIRST, C_LAST, C_POSITION,
	C_HEIGHT, C_BIRTH, C_A2, C_A3, C_COUNTRY, C_EVENT, C_SOURCE, C_N
};

static const char *const cols[C_N] = {
	"player_id", "name", "slug", "short_name", "first_name", "last_name",
	"position", "height", "date_of_birth", "country_alpha2",
	"country_alpha3", "country_name", "event_id", "source"
};

/* Map values: SEEN once written; HELD + i while held back in held[i]. */
enum { SEEN = 1, HELD = 2 };

struct held {
	struct sofa_player p;	/* strings owned */
	int64_t event_id;
	bool live;
};

struct state {
	struct sofa_idmap *ids;
	struct held *held;
	size_t nheld, capheld;
	struct sofa_jv **items;
	size_t capitems;
};

static void
row(struct sofa_tb *tb, struct sofa_jctx *c, const char *path,
    const struct sofa_player *p, int64_t event_id, const char *source)
{
	struct sofa_tab *t = tb->tab;
	char birth[SOFA_UTC_LEN];

	sofa_tab_int(t, C_PLAYER, p->id);
	sofa_tab_str(t, C_NAME, p->name);
	sofa_tab_str(t, C_SLUG, p->slug);
	sofa_tab_str(t, C_SHORT, p->short_name);
	sofa_tab_str(t, C_FIRST, p->first_name);
	sofa_tab_str(t, C_LAST, p->last_name);
	sofa_tab_str(t, C_POSITION, p->position);
	sofa_tab_oint(t, C_HEIGHT, p->height);
	if (!sofa_tab_outc(t, C_BIRTH, p->birth, true, birth) && c != NULL)
		sofa_jg_range(c, path, "dateOfBirthTimestamp", p->birth,
		    "not a time of years 1000 to 9999");
	sofa_tab_str(t, C_A2, p->country.alpha2);
	sofa_tab_str(t, C_A3, p->country.alpha3);
	sofa_tab_str(t, C_COUNTRY, p->country.name);
	sofa_tab_int(t, C_EVENT, event_id);
	sofa_tab_str(t, C_SOURCE, source);
	sofa_tab_row(t);
}

static char *
dup(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

static void
held_clear(struct held *h)
{
	free((char *)h->p.name);
	free((char *)h->p.slug);
	free((char *)h->p.short_name);
	free((char *)h->p.first_name);
	free((char *)h->p.last_name);
	free((char *)h->p.position);
	free((char *)h->p.country.alpha2);
	free((char *)h->p.country.alpha3);
	free((char *)h->p.country.name);
	h->live = false;
}

/* A player seen in a lineup: written now unless written before. */
static void
from_lineup(struct sofa_tb *tb, struct sofa_jctx *c, const char *path,
    const struct sofa_player *p, int64_t event_id)
{
	struct state *st = tb->arg;
	uint32_t v = sofa_idmap_get(st->ids, p->id);

	if (v == SEEN)
		return;
	if (v >= HELD)
		held_clear(&st->held[v - HELD]);
	row(tb, c, path, p, event_id, "lineups");
	sofa_idmap_put(st->ids, p->id, SEEN);
}

/* A player seen in an incident: held back unless known already. */
static void
from_incident(struct sofa_tb *tb, const struct sofa_player *p,
    int64_t event_id)
{
	struct state *st = tb->arg;
	struct held *h;

	if (p->id == SOFA_UNSET || sofa_idmap_get(st->ids, p->id) != 0)
		return;
	xgrow((void **)&st->held, &st->capheld, st->nheld + 1,
	    sizeof(*st->held));
	h = &st->held[st->nheld];
	h->p = *p;
	h->p.name = dup(p->name);
	h->p.slug = dup(p->slug);
	h->p.short_name = dup(p->short_name);
	h->p.first_name = dup(p->first_name);
	h->p.last_name = dup(p->last_name);
	h->p.position = dup(p->position);
	h->p.country.alpha2 = dup(p->country.alpha2);
	h->p.country.alpha3 = dup(p->country.alpha3);
	h->p.country.name = dup(p->country.name);
	h->event_id = event_id;
	h->live = true;
	sofa_idmap_put(st->ids, p->id, (uint32_t)(HELD + st->nheld));
	st->nheld++;
}

/* The entries of side.key (players or missingPlayers). */
static void
entries(struct sofa_tb *tb, struct sofa_jctx *c, int64_t id,
    const struct sofa_jv *side, const char *spath, const char *key)
{
	char ap[SOFA_JPATH_LEN], ep[SOFA_JPATH_LEN], pp[SOFA_JPATH_LEN];
	struct sofa_jv *arr = NULL, *e;
	struct sofa_player p;
	struct sofa_jit it;
	const char *pos;
	size_t i = 0;

	sofa_jg_arr(c, side, spath, key, &arr);
	sofa_jpath_key(ap, spath, key);
	sofa_jit_arr(&it, arr);
	for (; (e = sofa_jit_next(&it)) != NULL; i++) {
		sofa_jpath_idx(ep, ap, i);
		sofa_jpath_key(pp, ep, "player");
		if (!sofa_jv_is_obj(e)) {
			sofa_jg_bad(c, ep, NULL, "an object", e);
			continue;
		}
		if (sofa_player_read(c, sofa_jv_get(e, "player"), pp,
		    &p) != 1) {
			if (sofa_jv_get(e, "player") == NULL ||
			    sofa_jv_is_null(sofa_jv_get(e, "player")))
				sofa_jg_bad(c, pp, NULL, "an object",
				    sofa_jv_get(e, "player"));
			continue;
		}
		if (p.position == NULL &&
		    sofa_jg_str(c, e, ep, "position", &pos) == 1)
			p.position = pos;
		from_lineup(tb, c, pp, &p, id);
	}
}

static bool
lineups(struct sofa_tb *tb, int64_t id)
{
	static const char *const sides[] = { "home", "away" };
	struct sofa_jv *side;
	struct sofa_tdoc d;
	bool have;

	have = sofa_tb_load(tb, "lineups", true, &d);
	for (int s = 0; have && s < 2; s++) {
		side = sofa_jv_get(d.root, sides[s]);
		if (!sofa_jv_is_obj(side)) {
			sofa_jg_bad(&d.ctx, sides[s], NULL, "an object", side);
			continue;
		}
		if (sofa_jv_get(side, "players") == NULL ||
		    sofa_jv_is_null(sofa_jv_get(side, "players")))
			sofa_jg_bad(&d.ctx, sides[s], "players", "an array",
			    sofa_jv_get(side, "players"));
		entries(tb, &d.ctx, id, side, sides[s], "players");
		entries(tb, &d.ctx, id, side, sides[s], "missingPlayers");
	}
	sofa_tb_done(tb, &d);
	return have;
}

static bool
incidents(struct sofa_tb *tb, int64_t id)
{
	struct state *st = tb->arg;
	char path[SOFA_JPATH_LEN];
	struct sofa_incident in;
	struct sofa_tdoc d;
	long n = -1;
	bool have;

	have = sofa_tb_load(tb, "incidents", true, &d);
	if (have)
		n = sofa_incidents_list(&d.ctx, d.root, &st->items,
		    &st->capitems);
	for (long i = 0; i < n; i++) {
		sofa_jpath_idx(path, "incidents", (size_t)(n - 1 - i));
		if (!sofa_incident_read(&d.ctx, st->items[i], path, &in))
			continue;
		from_incident(tb, &in.player, id);
		from_incident(tb, &in.assist1, id);
		from_incident(tb, &in.assist2, id);
		from_incident(tb, &in.player_in, id);
		from_incident(tb, &in.player_out, id);
	}
	sofa_tb_done(tb, &d);
	return have;
}

/* Either document will do; a note only when both are absent. */
static void
match(struct sofa_tb *tb, int64_t id)
{
	bool have = lineups(tb, id);

	if (!incidents(tb, id) && !have)
		sofa_xf_note(tb->xf, "no lineups or incidents in the store, "
		    "skipped");
}

static void
end(struct sofa_tb *tb)
{
	struct state *st = tb->arg;

	for (size_t i = 0; i < st->nheld; i++)
		if (st->held[i].live) {
			row(tb, NULL, NULL, &st->held[i].p,
			    st->held[i].event_id, "incidents");
			held_clear(&st->held[i]);
		}
}

int
main(int argc, char *argv[])
{
	struct state st = { 0 };
	struct sofa_tb tb = {
		.name = "sofa-players",
		.help = "Write the players table: one row per player id, from "
		    "event/ID/lineups.json\n(first) and "
		    "event/ID/incidents.json.",
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
	free(st.items);
	return status;
}
