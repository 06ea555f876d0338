/*
 * event.c - readers of the API's match objects (event.h).
 */
#include <inttypes.h>
#include <string.h>

#include "err.h"
#include "event.h"

const char *const sofa_score_keys[SOFA_SC_N] = {
	"display", "current", "period1", "period2", "normaltime", "extra1",
	"extra2", "overtime", "penalties", "aggregated"
};

static struct sofa_jv *
oobj(struct sofa_jctx *c, const struct sofa_jv *o, const char *path,
    const char *key, char *buf)
{
	struct sofa_jv *v;

	sofa_jpath_key(buf, path, key);
	return sofa_jg_obj(c, o, path, key, &v) == 1 ? v : NULL;
}

static void
country_read(struct sofa_jctx *c, const struct sofa_jv *o, const char *path,
    struct sofa_country *cc)
{
	char p[SOFA_JPATH_LEN];
	struct sofa_jv *v = oobj(c, o, path, "country", p);

	cc->alpha2 = sofa_jo_str(c, v, p, "alpha2");
	cc->alpha3 = sofa_jo_str(c, v, p, "alpha3");
	cc->name = sofa_jo_str(c, v, p, "name");
}

void
sofa_score_read(struct sofa_jctx *c, const struct sofa_jv *obj,
    const char *path, struct sofa_score *s)
{
	for (int k = 0; k < SOFA_SC_N; k++)
		s->v[k] = sofa_jo_int(c, obj, path, sofa_score_keys[k]);
}

/* Check that obj at path is an object with an id; 1, 0 or -1 as the
 * readers return. */
static int
keyed(struct sofa_jctx *c, const struct sofa_jv *obj, const char *path,
    int64_t *id)
{
	int r;

	*id = SOFA_UNSET;
	if (obj == NULL || sofa_jv_is_null(obj))
		return 0;
	if (!sofa_jv_is_obj(obj)) {
		sofa_jg_bad(c, path, NULL, "an object", obj);
		return -1;
	}
	if ((r = sofa_jg_id(c, obj, path, "id", id)) == 0) {
		sofa_jg_bad(c, path, "id", "an id (integer >= 1)", NULL);
		return -1;
	}
	return r;
}

int
sofa_team_read(struct sofa_jctx *c, const struct sofa_jv *obj,
    const char *path, struct sofa_team *t)
{
	int r;

	memset(t, 0, sizeof(*t));
	t->national = -1;
	t->type = SOFA_UNSET;
	if ((r = keyed(c, obj, path, &t->id)) != 1)
		return r;
	t->name = sofa_jo_str(c, obj, path, "name");
	t->slug = sofa_jo_str(c, obj, path, "slug");
	t->short_name = sofa_jo_str(c, obj, path, "shortName");
	t->name_code = sofa_jo_str(c, obj, path, "nameCode");
	t->gender = sofa_jo_str(c, obj, path, "gender");
	t->national = sofa_jo_bool(c, obj, path, "national");
	t->type = sofa_jo_int(c, obj, path, "type");
	country_read(c, obj, path, &t->country);
	return 1;
}

int
sofa_player_read(struct sofa_jctx *c, const struct sofa_jv *obj,
    const char *path, struct sofa_player *p)
{
	int r;

	memset(p, 0, sizeof(*p));
	p->height = p->birth = SOFA_UNSET;
	if ((r = keyed(c, obj, path, &p->id)) != 1)
		return r;
	p->name = sofa_jo_str(c, obj, path, "name");
	p->slug = sofa_jo_str(c, obj, path, "slug");
	p->short_name = sofa_jo_str(c, obj, path, "shortName");
	p->first_name = sofa_jo_str(c, obj, path, "firstName");
	p->last_name = sofa_jo_str(c, obj, path, "lastName");
	p->position = sofa_jo_str(c, obj, path, "position");
	p->height = sofa_jo_int(c, obj, path, "height");
	p->birth = sofa_jo_int(c, obj, path, "dateOfBirthTimestamp");
	country_read(c, obj, path, &p->country);
	return 1;
}

static void
status_read(struct sofa_jctx *c, const struct sofa_jv *obj, const char *path,
    struct sofa_event *ev)
{
	char p[SOFA_JPATH_LEN];
	struct sofa_jv *s = oobj(c, obj, path, "status", p);

	ev->status_code = sofa_jo_int(c, s, p, "code");
	ev->status_type = sofa_jo_str(c, s, p, "type");
	ev->status_desc = sofa_jo_str(c, s, p, "description");
}

static void
competition_read(struct sofa_jctx *c, const struct sofa_jv *obj,
    const char *path, struct sofa_event *ev)
{
	char p[SOFA_JPATH_LEN], q[SOFA_JPATH_LEN];
	struct sofa_jv *t, *u, *s, *cat;

	t = oobj(c, obj, path, "tournament", p);
	ev->tournament_id = sofa_jo_id(c, t, p, "id");
	ev->tournament_name = sofa_jo_str(c, t, p, "name");
	u = oobj(c, t, p, "uniqueTournament", q);
	ev->utournament_id = sofa_jo_id(c, u, q, "id");
	ev->utournament_name = sofa_jo_str(c, u, q, "name");
	cat = oobj(c, t, p, "category", q);
	ev->category_id = sofa_jo_id(c, cat, q, "id");
	ev->category_name = sofa_jo_str(c, cat, q, "name");
	s = oobj(c, obj, path, "season", p);
	ev->season_id = sofa_jo_id(c, s, p, "id");
	ev->season_name = sofa_jo_str(c, s, p, "name");
	ev->season_year = sofa_jo_str(c, s, p, "year");
	s = oobj(c, obj, path, "roundInfo", p);
	ev->round = sofa_jo_int(c, s, p, "round");
	ev->round_name = sofa_jo_str(c, s, p, "name");
	ev->round_slug = sofa_jo_str(c, s, p, "slug");
	ev->cup_round_type = sofa_jo_int(c, s, p, "cupRoundType");
}

/* Venue and referee are only in the event detail.  The venue's city is an
 * object ({name}) in the recorded bodies; a plain string is taken too. */
static void
officials_read(struct sofa_jctx *c, const struct sofa_jv *obj,
    const char *path, struct sofa_event *ev)
{
	char p[SOFA_JPATH_LEN], q[SOFA_JPATH_LEN];
	struct sofa_jv *v, *city, *stadium;

	v = oobj(c, obj, path, "venue", p);
	ev->venue_id = sofa_jo_id(c, v, p, "id");
	ev->venue_name = sofa_jo_str(c, v, p, "name");
	if (ev->venue_name == NULL) {
		stadium = oobj(c, v, p, "stadium", q);
		ev->venue_name = sofa_jo_str(c, stadium, q, "name");
	}
	city = sofa_jv_get(v, "city");
	if (sofa_jv_is_str(city))
		ev->venue_city = sofa_jv_str(city);
	else {
		city = oobj(c, v, p, "city", q);
		ev->venue_city = sofa_jo_str(c, city, q, "name");
	}
	v = oobj(c, obj, path, "referee", p);
	ev->referee_id = sofa_jo_id(c, v, p, "id");
	ev->referee_name = sofa_jo_str(c, v, p, "name");
}

/* homeTeam / awayTeam: every event object has both (API-NOTES.md 3.1). */
static void
side_read(struct sofa_jctx *c, const struct sofa_jv *obj, const char *path,
    const char *key, struct sofa_team *t)
{
	char p[SOFA_JPATH_LEN];
	struct sofa_jv *v = sofa_jv_get(obj, key);

	sofa_jpath_key(p, path, key);
	if (sofa_team_read(c, v, p, t) == 0)
		sofa_jg_bad(c, p, NULL, "an object", v);
}

bool
sofa_event_read(struct sofa_jctx *c, const struct sofa_jv *obj,
    const char *path, struct sofa_event *ev)
{
	char p[SOFA_JPATH_LEN];
	struct sofa_jv *v;

	memset(ev, 0, sizeof(*ev));
	if (keyed(c, obj, path, &ev->id) != 1) {
		if (obj == NULL || sofa_jv_is_null(obj))
			sofa_jg_bad(c, path, NULL, "an object", obj);
		return false;
	}
	ev->slug = sofa_jo_str(c, obj, path, "slug");
	ev->custom_id = sofa_jo_str(c, obj, path, "customId");
	ev->start = sofa_jo_int(c, obj, path, "startTimestamp");
	status_read(c, obj, path, ev);
	side_read(c, obj, path, "homeTeam", &ev->home);
	side_read(c, obj, path, "awayTeam", &ev->away);
	sofa_score_read(c, oobj(c, obj, path, "homeScore", p), p,
	    &ev->home_score);
	sofa_score_read(c, oobj(c, obj, path, "awayScore", p), p,
	    &ev->away_score);
	ev->winner_code = sofa_jo_int(c, obj, path, "winnerCode");
	ev->agg_winner_code = sofa_jo_int(c, obj, path, "aggregatedWinnerCode");
	competition_read(c, obj, path, ev);
	officials_read(c, obj, path, ev);
	ev->attendance = sofa_jo_int(c, obj, path, "attendance");
	ev->previous_leg = sofa_jo_id(c, obj, path, "previousLegEventId");
	ev->home_red = sofa_jo_int(c, obj, path, "homeRedCards");
	ev->away_red = sofa_jo_int(c, obj, path, "awayRedCards");
	ev->awarded = sofa_jo_bool(c, obj, path, "isAwarded");
	ev->player_stats = sofa_jo_bool(c, obj, path,
	    "hasEventPlayerStatistics");
	ev->last_period = sofa_jo_str(c, obj, path, "lastPeriod");
	v = oobj(c, obj, path, "changes", p);
	ev->changed = sofa_jo_int(c, v, p, "changeTimestamp");
	return true;
}

bool
sofa_event_doc(struct sofa_jctx *c, const struct sofa_jv *root, int64_t want,
    struct sofa_event *ev)
{
	if (!sofa_jv_is_obj(root)) {
		sofa_jg_bad(c, "(top level)", NULL, "an object", root);
		return false;
	}
	if (!sofa_event_read(c, sofa_jv_get(root, "event"), "event", ev))
		return false;
	if (want != 0 && ev->id != want) {
		sofa_warnx("%s: event.id: %" PRId64 " is not the match asked "
		    "for (%" PRId64 ")", c->file, ev->id, want);
		c->nbad++;
		return false;
	}
	return true;
}

bool
sofa_status_finished(const struct sofa_event *ev)
{
	return ev->status_type != NULL &&
	    strcmp(ev->status_type, "finished") == 0;
}

const char *
sofa_status_ending(int64_t code)
{
	switch (code) {
	case 100:
		return "regular";
	case 110:
		return "extra_time";
	case 120:
		return "penalties";
	default:
		return NULL;
	}
}
