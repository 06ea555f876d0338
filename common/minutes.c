/*
 * minutes.c - the incident replay (minutes.h).
 *
 * Incidents come newest first; the replay does not depend on their order:
 * a substitute's first minute is the earliest substitution that brings him
 * on, a player's last the earliest way off after it.
 */
#include <sys/types.h>

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "minutes.h"
#include "xalloc.h"

enum itype { I_OTHER, I_SUB, I_GOAL, I_CARD, I_PERIOD, I_INJURY, I_SHOOTOUT };

/* One incident, as much as the replay needs of it. */
struct inc {
	enum itype type;
	const struct sofa_jv *x;
	size_t i;		/* index in incidents[] */
	bool has_time;
	int64_t time, added;
};

void
sofa_replay_init(struct sofa_replay *r)
{
	memset(r, 0, sizeof(*r));
}

void
sofa_replay_free(struct sofa_replay *r)
{
	free(r->app);
	sofa_replay_init(r);
}

int
sofa_minute(int64_t time, int64_t added, int end)
{
	int64_t m = time;

	if (added <= 0 && (time == 46 || time == 91 || time == 106))
		m = time - 1;
	if (m < 0)
		m = 0;
	if (m > end)
		m = end;
	return (int)m;
}

static enum itype
itype(const char *t)
{
	static const struct {
		const char *name;
		enum itype type;
	} types[] = {
		{ "substitution", I_SUB }, { "goal", I_GOAL },
		{ "card", I_CARD }, { "period", I_PERIOD },
		{ "injuryTime", I_INJURY }, { "penaltyShootout", I_SHOOTOUT }
	};

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(t, types[i].name) == 0)
			return types[i].type;
	return I_OTHER;
}

/* Read incident i; false (reported when the contract is broken) when the
 * replay cannot use it. */
static bool
read_inc(struct inc *in, struct sofa_xf *xf, const struct sofa_xdoc *d,
    const struct sofa_jv *x, size_t i)
{
	char at[32];
	const char *t;

	memset(in, 0, sizeof(*in));
	in->x = x;
	in->i = i;
	snprintf(at, sizeof(at), "incidents[%zu]", i);
	if (!sofa_jv_is_obj(x))
		return sofa_xf_contract(xf, d, "an object", x, "%s", at);
	if (!sofa_xf_getstr(xf, d, x, at, "incidentType", &t)) {
		if (sofa_jv_get(x, "incidentType") == NULL)
			sofa_xf_contract(xf, d, "a string", NULL,
			    "%s.incidentType", at);
		return false;
	}
	in->type = itype(t);
	if (in->type == I_OTHER || in->type == I_SHOOTOUT)
		return true;	/* kept by others, nothing to replay */
	in->has_time = sofa_xf_getint(xf, d, x, at, "time", &in->time);
	if (!in->has_time && in->type != I_PERIOD && in->type != I_INJURY) {
		if (sofa_jv_get(x, "time") == NULL)
			sofa_xf_contract(xf, d, "an integer", NULL,
			    "%s.time", at);
		return false;
	}
	if (!sofa_xf_getint(xf, d, x, at, "addedTime", &in->added) ||
	    in->added == 999)
		in->added = 0;
	return true;
}

/* The player id of member key (playerIn, playerOut, player, assist1) of
 * incident in: 0 when absent; -1 when mistyped (reported). */
static int64_t
pid(struct sofa_xf *xf, const struct sofa_xdoc *d, const struct inc *in,
    const char *key)
{
	const struct sofa_jv *p;
	char at[48];
	int64_t id;

	snprintf(at, sizeof(at), "incidents[%zu]", in->i);
	p = sofa_xf_getobj(xf, d, in->x, at, key);
	if (p == NULL)
		return sofa_jv_get(in->x, key) == NULL ||
		    sofa_jv_is_null(sofa_jv_get(in->x, key)) ? 0 : -1;
	snprintf(at, sizeof(at), "incidents[%zu].%s", in->i, key);
	if (!sofa_xf_getint(xf, d, p, at, "id", &id))
		return sofa_jv_get(p, "id") == NULL ? 0 : -1;
	return id >= 1 ? id : -1;
}

/* As pid(), for the players of a substitution, which must be there. */
static int64_t
subpid(struct sofa_xf *xf, const struct sofa_xdoc *d, const struct inc *in,
    const char *key)
{
	int64_t id = pid(xf, d, in, key);

	if (id == 0)
		sofa_xf_contract(xf, d, "a player with an id",
		    sofa_jv_get(in->x, key), "incidents[%zu].%s", in->i, key);
	return id;
}

/* The replay's index of player id in lu, or -1. */
static ssize_t
who(const struct sofa_lu *lu, int64_t id)
{
	const struct sofa_lu_player *p;

	if (id < 1 || (p = sofa_lu_find(lu, id)) == NULL)
		return -1;
	return p - lu->p;
}

/* Evidence in the incidents that extra time was played: an "ET" period
 * marker, announced stoppage time at 105 or 120, or a substitution, goal
 * or card in minutes 91 to 120. */
static bool
et_evidence(const struct inc *in)
{
	const char *text;

	switch (in->type) {
	case I_PERIOD:
		text = sofa_jv_str(sofa_jv_get(in->x, "text"));
		return text != NULL && strcmp(text, "ET") == 0;
	case I_INJURY:
		return in->has_time && (in->time == 105 || in->time == 120);
	case I_SUB:
	case I_GOAL:
	case I_CARD:
		return in->time > 90 && in->time <= 120;
	default:
		return false;
	}
}

/* Is incident in a shoot-out kick rather than a goal of the match? */
static bool
shootout(const struct inc *in)
{
	return in->time > 120;
}

static void
goal(struct sofa_app *app, const struct sofa_lu *lu, struct sofa_xf *xf,
    const struct sofa_xdoc *d, const struct inc *in)
{
	const char *cls = NULL, *from = NULL;
	char at[32];
	ssize_t k;
	bool own, pen;

	if (shootout(in))
		return;
	snprintf(at, sizeof(at), "incidents[%zu]", in->i);
	(void)sofa_xf_getstr(xf, d, in->x, at, "incidentClass", &cls);
	(void)sofa_xf_getstr(xf, d, in->x, at, "from", &from);
	if (cls != NULL) {
		own = strcmp(cls, "ownGoal") == 0;
		pen = strcmp(cls, "penalty") == 0;
	} else {
		own = from != NULL && strcmp(from, "owngoal") == 0;
		pen = from != NULL && strcmp(from, "penalty") == 0;
	}
	if ((k = who(lu, pid(xf, d, in, "player"))) >= 0) {
		if (own)
			app[k].own_goals++;
		else {
			app[k].goals++;
			app[k].penalty_goals += pen;
		}
	}
	if (!own && (k = who(lu, pid(xf, d, in, "assist1"))) >= 0)
		app[k].assists++;
}

/* Cards: counted; a sending-off also ends the appearance. */
static void
card(struct sofa_app *app, const struct sofa_lu *lu, struct sofa_xf *xf,
    const struct sofa_xdoc *d, const struct inc *in, int end)
{
	const char *cls = NULL;
	bool rescinded = false;
	char at[32];
	ssize_t k;
	int m;

	snprintf(at, sizeof(at), "incidents[%zu]", in->i);
	(void)sofa_xf_getbool(xf, d, in->x, at, "rescinded", &rescinded);
	(void)sofa_xf_getstr(xf, d, in->x, at, "incidentClass", &cls);
	if (rescinded || cls == NULL || in->time < 0 ||
	    sofa_jv_get(in->x, "manager") != NULL)
		return;
	if ((k = who(lu, pid(xf, d, in, "player"))) < 0)
		return;
	if (strcmp(cls, "yellow") == 0) {
		app[k].yellow++;
		return;
	}
	if (strcmp(cls, "yellowRed") == 0)
		app[k].second_yellow++;
	else if (strcmp(cls, "red") == 0)
		app[k].red++;
	else
		return;
	m = sofa_minute(in->time, in->added, end);
	if (app[k].timed && m >= app[k].on && m < app[k].off)
		app[k].off = m;
}

bool
sofa_replay_run(struct sofa_replay *r, const struct sofa_lu *lu,
    const struct sofa_evinfo *ev, struct sofa_xf *xf,
    const struct sofa_xdoc *d)
{
	const struct sofa_jv *arr, *x;
	struct sofa_jit it;
	struct inc *inc = NULL;
	size_t n = 0, cap = 0;
	ssize_t k;
	int m;

	xgrow((void **)&r->app, &r->cap, lu->n + 1, sizeof(*r->app));
	memset(r->app, 0, (lu->n + 1) * sizeof(*r->app));
	arr = sofa_jv_get(d->root, "incidents");
	if (!sofa_jv_is_arr(arr))
		return sofa_xf_contract(xf, d, "an array", arr, "incidents");

	/* Read once; find out whether extra time was played. */
	r->extra_time = ev->extra_time;
	inc = xreallocarray(NULL, sofa_jv_len(arr) + 1, sizeof(*inc));
	cap = sofa_jv_len(arr) + 1;
	sofa_jit_arr(&it, arr);
	for (size_t i = 0; (x = sofa_jit_next(&it)) != NULL && n < cap; i++) {
		if (!read_inc(&inc[n], xf, d, x, i))
			continue;
		if (et_evidence(&inc[n]))
			r->extra_time = true;
		n++;
	}
	r->end = r->extra_time ? 120 : 90;

	/* Who is on, and from when. */
	for (size_t i = 0; i < lu->n; i++) {
		r->app[i].off = INT_MAX;
		if (!lu->p[i].substitute) {
			r->app[i].played = r->app[i].timed = true;
			r->app[i].on = 0;
		} else
			r->app[i].on = INT_MAX;
	}
	for (size_t i = 0; i < n; i++) {
		if (inc[i].type != I_SUB)
			continue;
		k = who(lu, subpid(xf, d, &inc[i], "playerIn"));
		if (k < 0 || !lu->p[k].substitute)
			continue;
		m = sofa_minute(inc[i].time, inc[i].added, r->end);
		r->app[k].played = r->app[k].timed = true;
		if (m < r->app[k].on)
			r->app[k].on = m;
	}

	/* Off, goals, cards. */
	for (size_t i = 0; i < n; i++) {
		switch (inc[i].type) {
		case I_SUB:
			k = who(lu, subpid(xf, d, &inc[i], "playerOut"));
			m = sofa_minute(inc[i].time, inc[i].added, r->end);
			if (k >= 0 && r->app[k].timed && m >= r->app[k].on &&
			    m < r->app[k].off)
				r->app[k].off = m;
			break;
		case I_GOAL:
			goal(r->app, lu, xf, d, &inc[i]);
			break;
		case I_CARD:
			card(r->app, lu, xf, d, &inc[i], r->end);
			break;
		default:
			break;
		}
	}
	for (size_t i = 0; i < lu->n; i++) {
		struct sofa_app *a = &r->app[i];

		if (!a->played && lu->p[i].has_minutes && lu->p[i].minutes > 0)
			a->played = true;	/* at an unknown minute */
		if (!a->timed) {
			a->on = a->off = -1;
			continue;
		}
		if (a->off == INT_MAX)
			a->off = r->end;
	}
	free(inc);
	return true;
}
