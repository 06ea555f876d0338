/*
 * sofa-gen - write a synthetic raw store, and the truth it was made from.
 *
 *	sofa-gen -s SEED -n N -o STORE [-t TRUTH.csv] [-i INDEX.ndjson]
 *	    [--first-id ID]
 *
 * Writes, for N matches, the documents the Sofascore API would give, laid
 * out as a raw store (STORE/event/ID.json, event/ID/lineups.json,
 * event/ID/incidents.json, event/ID/statistics.json) with the same keys,
 * types and nesting as the recorded responses in ../shared/fixtures, plus
 * the discovery bodies (unique-tournament/UT/seasons.json,
 * .../season/S/rounds.json, .../events/round/N.json, and the
 * .../events/round/N/slug/SLUG.json form for named cup rounds), so that the
 * whole pipeline can run against a replay of it.
 *
 * Each match is simulated before it is written: who starts, who comes on
 * and when (half-time, injuries, stoppage time, extra time), goals (penalty
 * and own goals, in extra time too) that add up to the score, yellow,
 * second yellow and red cards that end appearances, rescinded cards,
 * managers' cards, missed penalties, VAR decisions, shoot-outs, unused
 * substitutes, lineups without player statistics, older formats (no
 * teamId, substitutions without incidentClass, goals with only "from"),
 * entries without a position, incidents of a type nobody knows yet, and
 * matches whose lineups or incidents are absent or that were postponed.
 * -t writes what it intended: the appearances table (the columns of
 * share/sofa/schema/appearances.tsv) that sofa-appearances must produce;
 * -i writes the match-index lines (sofa-discover's format).
 *
 * The same seed gives the same bytes; match i depends only on the seed
 * and i, so a store of 100 matches is the first 100 of a store of 10,000.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "err.h"
#include "io.h"
#include "ndjson.h"
#include "num.h"
#include "table.h"
#include "timeutil.h"
#include "xalloc.h"

static const char usage_line[] =
    "usage: sofa-gen -s SEED -n N -o STORE [-t TRUTH] [-i INDEX] "
    "[--first-id ID]";

#define NTEAMS 20
#define SQUAD 26
#define MAXLU 23		/* 11 starters and up to 12 substitutes */
#define MAXINC 160
#define LEAGUE_PER_SEASON 380
#define CUP_PER_SEASON 31
#define PER_SEASON (LEAGUE_PER_SEASON + CUP_PER_SEASON)
#define FIRST_YEAR 2000

enum { HOME, AWAY };

/* --- randomness ------------------------------------------------------- */

static uint64_t rs;

static uint64_t
rnd(void)
{
	uint64_t z = (rs += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

/* Uniform in [lo, hi]. */
static int
rint_(int lo, int hi)
{
	return lo + (int)(rnd() % (uint64_t)(hi - lo + 1));
}

static bool
chance(double p)
{
	return (double)(rnd() >> 11) / 9007199254740992.0 < p;
}

static double
unif(void)
{
	return (double)(rnd() >> 11) / 9007199254740992.0;
}

/* Poisson-distributed count with mean m (Knuth; m is small). */
static int
poisson(double m)
{
	double l = exp(-m), p = 1.0;
	int k = 0;

	do {
		k++;
		p *= unif();
	} while (p > l && k < 20);
	return k - 1;
}

/* --- the world: teams and players ------------------------------------- */

struct gplayer {
	int64_t id;
	char name[64];
	char slug[64];
	char shortname[48];
	char pos;		/* G D M F */
	int shirt;
	int64_t dob;
	const char *cc, *country;
	int64_t value;
};

struct gteam {
	int64_t id;
	char name[48], slug[48], shortname[32], code[4];
	struct gplayer squad[SQUAD];
	int64_t manager_id;
	char manager[48], manager_slug[48];
	int64_t venue_id;
	char city[32], stadium[48];
	int capacity;
};

static struct gteam teams[NTEAMS];

static const char *const given[] = {
	"Adam", "Bruno", "Carlos", "Dani", "Emil", "Felipe", "Gonzalo",
	"Hugo", "Ivan", "Jonas", "Kai", "Luca", "Mateo", "Nico", "Oscar",
	"Pablo", "Rafael", "Sami", "Tomás", "Uroš", "Viktor", "Wout",
	"Xavi", "Yannick", "Zé", "Ánder", "Łukasz", "Søren", "Çağlar",
	"Đorđe"
};
static const char *const family[] = {
	"Almeida", "Berg", "Costa", "Dimitrov", "Eriksen", "Fernández",
	"García", "Hansen", "Ibáñez", "Jensen", "Kovač", "Lindqvist",
	"Müller", "Novak", "O'Neil", "Pereira", "Quintero", "Rossi",
	"Silva", "Tanaka", "Urban", "Varga", "Weiß", "Yilmaz", "Zieliński",
	"Nørgaard", "Núñez", "Çelik", "Šimić", "Dubois"
};
static const struct {
	const char *cc, *name;
} countries[] = {
	{ "ES", "Spain" }, { "BR", "Brazil" }, { "DE", "Germany" },
	{ "FR", "France" }, { "DK", "Denmark" }, { "HR", "Croatia" },
	{ "PL", "Poland" }, { "TR", "Türkiye" }, { "AR", "Argentina" },
	{ "EN", "England" }
};
static const char *const places[NTEAMS] = {
	"Northport", "Eastvale", "Westbury", "Southholm", "Riverton",
	"Lakeside", "Hillcrest", "Stonebridge", "Kingsford", "Ashford",
	"Brookfield", "Clearwater", "Dunmore", "Elmstead", "Fairhaven",
	"Glenrock", "Harbourne", "Ironwood", "Juniper", "Kestrel"
};

/* Lower-case ASCII slug of s (UTF-8 letters outside ASCII are dropped). */
static void
slugify(char *dst, size_t n, const char *s)
{
	size_t j = 0;
	bool dash = false;

	for (; *s != '\0' && j + 1 < n; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			dst[j++] = (char)c;
			dash = false;
		} else if (c >= 'A' && c <= 'Z') {
			dst[j++] = (char)(c - 'A' + 'a');
			dash = false;
		} else if (c < 0x80 && j > 0 && !dash) {
			dst[j++] = '-';
			dash = true;
		}
	}
	while (j > 0 && dst[j - 1] == '-')
		j--;
	dst[j] = '\0';
}

static void
make_world(uint64_t seed)
{
	/* squad shape: 3 G, 9 D, 8 M, 6 F */
	static const char shape[SQUAD + 1] = "GGGDDDDDDDDDMMMMMMMMFFFFFF";

	rs = seed * 0x2545F4914F6CDD1DULL + 1;
	for (int t = 0; t < NTEAMS; t++) {
		struct gteam *tm = &teams[t];
		bool used[100] = { false };

		tm->id = 990001 + t;
		snprintf(tm->name, sizeof(tm->name), "%s %s", places[t],
		    t % 3 == 0 ? "United" : t % 3 == 1 ? "FC" : "Athletic");
		slugify(tm->slug, sizeof(tm->slug), tm->name);
		snprintf(tm->shortname, sizeof(tm->shortname), "%s",
		    places[t]);
		memcpy(tm->code, places[t], 3);
		tm->code[0] = (char)(tm->code[0] & ~0x20);
		tm->code[1] = (char)(tm->code[1] & ~0x20);
		tm->code[2] = (char)(tm->code[2] & ~0x20);
		tm->manager_id = 880001 + t;
		snprintf(tm->manager, sizeof(tm->manager), "%s %s",
		    given[rint_(0, 29)], family[rint_(0, 29)]);
		slugify(tm->manager_slug, sizeof(tm->manager_slug),
		    tm->manager);
		tm->venue_id = 77001 + t;
		snprintf(tm->city, sizeof(tm->city), "%s", places[t]);
		snprintf(tm->stadium, sizeof(tm->stadium), "%s Park",
		    places[t]);
		tm->capacity = rint_(8, 80) * 1000;
		for (int k = 0; k < SQUAD; k++) {
			struct gplayer *p = &tm->squad[k];
			const char *g = given[rint_(0, 29)];
			const char *f = family[rint_(0, 29)];
			int c = rint_(0, 9);

			p->id = 7000000 + (int64_t)t * 100 + k;
			if (t == 1 && k == 25)	/* CSV and JSON quoting */
				snprintf(p->name, sizeof(p->name),
				    "Zé \"Tito\" Costa, Jr.");
			else
				snprintf(p->name, sizeof(p->name), "%s %s", g,
				    f);
			slugify(p->slug, sizeof(p->slug), p->name);
			snprintf(p->shortname, sizeof(p->shortname), "%.1s. %s",
			    g, f);
			p->pos = shape[k];
			do
				p->shirt = k == 0 ? 1 : rint_(2, 99);
			while (used[p->shirt]);
			used[p->shirt] = true;
			p->dob = 631152000 + (int64_t)rint_(0, 6000) * 86400;
			p->cc = countries[c].cc;
			p->country = countries[c].name;
			p->value = (int64_t)rint_(1, 400) * 100000;
		}
	}
}

/* --- one match -------------------------------------------------------- */

enum itype {
	I_SUB, I_GOAL, I_CARD, I_PERIOD, I_INJURY, I_PEN_MISS, I_VAR,
	I_SHOOTOUT, I_UNKNOWN, I_MGR_CARD
};

struct ginc {
	enum itype type;
	int period;		/* 1, 2 (3, 4 extra time), 5 shoot-out */
	int time, added;	/* as displayed: 90 and 3 for 90+3 */
	int truth;		/* the minute it counts at */
	int seq;
	int side;
	int a, b;		/* lineup indices: in/out, scorer/assist */
	const char *cls;	/* incidentClass */
	bool from_only;		/* goal with "from" and no incidentClass */
	bool rescinded, injury, confirmed;
	int hs, as;		/* score after a goal, or at a period end */
	int length;		/* injuryTime */
	const char *text;	/* period */
	int shoot_seq;
};

struct gentry {
	struct gplayer *pl;
	int side;
	bool sub, captain, nopos;
	bool on_field, played;
	int on, off;
	bool sent_off;
	int goals, pen, own, assists, yellow, second_yellow, red;
	bool booked;		/* has a (counted) yellow */
	int reported;
	bool has_reported;
	bool has_rating;
	double rating;
	int unused_kind;	/* 0 {}, 1 no key, 2 {expectedGoals:0} */
};

struct gmatch {
	int64_t id;
	int64_t index;
	bool cup;
	int season;		/* 0-based */
	int round;		/* league 1..38; cup code 6, 5, 27, 28, 29 */
	const char *round_name, *round_slug;
	int cup_round_type;
	int team[2];
	int64_t start;
	int status;		/* 100, 110, 120, 60 */
	bool postponed;
	bool no_lineups, no_incidents;
	bool stats;		/* player statistics published */
	bool newfmt;		/* 2025 lineups format */
	bool oldinc;		/* substitutions without incidentClass */
	bool et;		/* extra time played */
	bool shootout;
	int inj[4];		/* announced stoppage time */
	int score[2][4];	/* goals per side per period */
	int pens[2];
	int winner;		/* winnerCode */
	const char *formation[2];
	struct gentry e[2 * MAXLU];
	int ne;
	int nstart[2];
	struct ginc inc[MAXINC];
	int ni;
	struct {
		struct gplayer *pl;
		const char *type;
		int reason;
	} missing[2][3];
	int nmissing[2];
	int64_t changed;
};

static const char *const formations[] = {
	"4-4-2", "4-3-3", "4-2-3-1", "3-5-2", "5-3-2", "3-4-3", "4-1-4-1"
};

/* The entries of side s currently on the field, into idx; returns count. */
static int
on_field(struct gmatch *m, int s, int *idx, bool outfield)
{
	int n = 0;

	for (int i = 0; i < m->ne; i++)
		if (m->e[i].side == s && m->e[i].on_field &&
		    (!outfield || m->e[i].pl->pos != 'G'))
			idx[n++] = i;
	return n;
}

static int
pick_on(struct gmatch *m, int s, bool outfield)
{
	int idx[2 * MAXLU], n = on_field(m, s, idx, outfield);

	if (n == 0 && outfield)
		n = on_field(m, s, idx, false);
	return n == 0 ? -1 : idx[rint_(0, n - 1)];
}

static void
pick_lineup(struct gmatch *m, int s)
{
	struct gteam *tm = &teams[m->team[s]];
	const char *f = formations[rint_(0, 6)];
	int need[4] = { 1, f[0] - '0', 0, 0 };	/* G D M F */
	int take[SQUAD], order[SQUAD], nsub, k = 0, nt = 0;
	bool in[SQUAD] = { false };
	const char *cls = "GDMF";

	/* "4-2-3-1": D 4, M 2+3, F 1 */
	{
		int parts[4], np = 0;

		for (const char *c = f; *c != '\0'; c++)
			if (*c >= '0' && *c <= '9')
				parts[np++] = *c - '0';
		need[1] = parts[0];
		need[3] = parts[np - 1];
		need[2] = 10 - need[1] - need[3];
	}
	m->formation[s] = f;
	for (int i = 0; i < SQUAD; i++)
		order[i] = i;
	for (int i = SQUAD - 1; i > 0; i--) {
		int j = rint_(0, i), x = order[i];

		order[i] = order[j];
		order[j] = x;
	}
	/* starters in formation order, goalkeeper first */
	for (int c = 0; c < 4; c++)
		for (int i = 0; i < SQUAD && need[c] > 0; i++)
			if (!in[order[i]] &&
			    tm->squad[order[i]].pos == cls[c]) {
				take[nt++] = order[i];
				in[order[i]] = true;
				need[c]--;
			}
	m->nstart[s] = nt;
	nsub = rint_(7, 12);
	/* one goalkeeper on the bench, then anyone */
	for (int i = 0; i < SQUAD && k < 1; i++)
		if (!in[order[i]] && tm->squad[order[i]].pos == 'G') {
			take[nt++] = order[i];
			in[order[i]] = true;
			k++;
		}
	for (int i = 0; i < SQUAD && k < nsub; i++)
		if (!in[order[i]]) {
			take[nt++] = order[i];
			in[order[i]] = true;
			k++;
		}
	if (m->team[1] == 1 && s == AWAY && !in[25] && nt < MAXLU) {
		take[nt++] = 25;	/* the player with the awkward name */
		in[25] = true;
	}
	for (int i = 0; i < nt; i++) {
		struct gentry *e = &m->e[m->ne++];

		memset(e, 0, sizeof(*e));
		e->pl = &tm->squad[take[i]];
		e->side = s;
		e->sub = i >= m->nstart[s];
		e->on_field = !e->sub;
		e->played = !e->sub;
		e->on = 0;
		e->nopos = chance(0.01);
		e->unused_kind = chance(0.1) ? 1 : chance(0.03) ? 2 : 0;
	}
	m->e[m->ne - nt + rint_(1, 10)].captain = true;
	m->nmissing[s] = 0;
	for (int i = 0; i < SQUAD && m->nmissing[s] < 3; i++) {
		static const int reasons[] = { 1, 1, 1, 1, 3, 13, 0, 11 };

		if (in[order[i]] || !chance(0.4))
			continue;
		m->missing[s][m->nmissing[s]].pl = &tm->squad[order[i]];
		m->missing[s][m->nmissing[s]].reason = reasons[rint_(0, 7)];
		m->missing[s][m->nmissing[s]].type =
		    m->missing[s][m->nmissing[s]].reason == 0 ? "doubtful" :
		    chance(0.1) ? "doubtful" : "missing";
		m->nmissing[s]++;
	}
}

static struct ginc *
add_inc(struct gmatch *m, enum itype t, int period, int time, int added,
    int truth)
{
	struct ginc *in;

	if (m->ni == MAXINC)
		return NULL;
	in = &m->inc[m->ni];
	memset(in, 0, sizeof(*in));
	in->type = t;
	in->period = period;
	in->time = time;
	in->added = added;
	in->truth = truth;
	in->seq = m->ni++;
	in->a = in->b = -1;
	return in;
}

/* Period bounds: nominal start and end minute. */
static const int pstart[5] = { 0, 0, 45, 90, 105 };
static const int pend[5] = { 0, 45, 90, 105, 120 };

/* A time within period p: displayed (time, added) and the minute it counts
 * at.  Stoppage time counts at the period's end; minute pstart+1 is kept
 * for the substitutions made at the break (sub_at_break). */
static void
when(struct gmatch *m, int p, int *time, int *added, int *truth)
{
	if (chance(0.08) && m->inj[p - 1] > 0) {
		*time = pend[p];
		*added = rint_(1, m->inj[p - 1] + 1);
		*truth = pend[p];
		return;
	}
	*time = rint_(pstart[p] + (p == 1 ? 1 : 2), pend[p]);
	*added = 0;
	*truth = *time;
}

/* A slot of the timeline, before players are chosen. */
struct slot {
	enum itype type;
	int period, time, added, truth;
	int side;
	int kind;		/* goal: 0 regular 1 penalty 2 own;
				 * card: 0 yellow 1 second yellow 2 red
				 * 3 rescinded; sub: 1 at the break */
	uint64_t key;
};

static int
cmpslot(const void *a, const void *b)
{
	const struct slot *x = a, *y = b;

	return x->key < y->key ? -1 : x->key > y->key;
}

static uint64_t
slotkey(int period, int time, int added, int tie)
{
	return (uint64_t)period << 40 | (uint64_t)time << 28 |
	    (uint64_t)(added > 0 ? 50 + added : 0) << 16 | (uint64_t)tie;
}

#define MAXSLOT 96

static void
add_slot(struct slot *sl, int *n, enum itype t, int p, int side, int kind,
    struct gmatch *m)
{
	struct slot *s;

	if (*n == MAXSLOT)
		return;
	s = &sl[(*n)++];
	s->type = t;
	s->period = p;
	s->side = side;
	s->kind = kind;
	if (t == I_SUB && kind == 1) {
		s->time = pstart[p] + 1;
		s->added = 0;
		s->truth = pstart[p];
	} else
		when(m, p, &s->time, &s->added, &s->truth);
	s->key = slotkey(p, s->time, s->added, (int)(rnd() & 0xffff));
}

/* Plan the slots of periods [p0, p1]. */
static void
plan(struct gmatch *m, struct slot *sl, int *n, int p0, int p1, double gm[2])
{
	for (int s = 0; s < 2; s++) {
		int subs = p0 == 1 ? rint_(0, 5) : rint_(0, 1);
		int goals = poisson(gm[s] * (p0 == 1 ? 1.0 : 1.0 / 3));

		for (int i = 0; i < subs; i++) {
			int p = p0 == 1 ? (chance(0.08) ? 1 : 2) : rint_(p0,
			    p1);
			bool brk = p > 1 && chance(p == 2 ? 0.3 : 0.2);

			add_slot(sl, n, I_SUB, p, s, brk, m);
		}
		for (int i = 0; i < goals; i++) {
			double u = unif();

			add_slot(sl, n, I_GOAL, rint_(p0, p1), s,
			    u < 0.08 ? 1 : u < 0.12 ? 2 : 0, m);
		}
		for (int i = rint_(0, 3); i > 0; i--)
			add_slot(sl, n, I_CARD, rint_(p0, p1), s,
			    chance(0.01) ? 3 : 0, m);
		if (chance(0.05))
			add_slot(sl, n, I_CARD, rint_(p0, p1), s, 1, m);
		if (chance(0.04))
			add_slot(sl, n, I_CARD, rint_(p0, p1), s, 2, m);
		if (chance(0.03))
			add_slot(sl, n, I_PEN_MISS, rint_(p0, p1), s, 0, m);
		if (chance(0.03))
			add_slot(sl, n, I_VAR, rint_(p0, p1), s, 0, m);
	}
}

static void
goal_incident(struct gmatch *m, const struct slot *s, int scorer, int assist)
{
	struct ginc *in = add_inc(m, I_GOAL, s->period, s->time, s->added,
	    s->truth);
	int credited = s->side;

	if (in == NULL)
		return;
	m->score[credited][s->period - 1]++;
	in->side = credited;
	in->a = scorer;
	in->b = assist;
	in->cls = s->kind == 1 ? "penalty" : s->kind == 2 ? "ownGoal" :
	    "regular";
	in->from_only = chance(0.02);
	{
		int h = 0, a = 0;

		for (int p = 0; p < 4; p++) {
			h += m->score[HOME][p];
			a += m->score[AWAY][p];
		}
		in->hs = h;
		in->as = a;
	}
	if (chance(0.02)) {	/* VAR checks it and lets it stand */
		struct ginc *v = add_inc(m, I_VAR, s->period, s->time,
		    s->added, s->truth);

		if (v != NULL) {
			v->side = credited;
			v->a = scorer;
			v->cls = "goalAwarded";
			v->confirmed = true;
		}
	}
}

/* Walk the slots in order, choosing players from who is on the field. */
static void
play(struct gmatch *m, struct slot *sl, int n)
{
	qsort(sl, (size_t)n, sizeof(*sl), cmpslot);
	for (int i = 0; i < n; i++) {
		struct slot *s = &sl[i];
		struct ginc *in;
		int a, b, k;

		switch (s->type) {
		case I_SUB:
			a = -1;
			for (k = 0; k < 20 && a < 0; k++) {
				int j = rint_(0, m->ne - 1);

				if (m->e[j].side == s->side && m->e[j].sub &&
				    !m->e[j].played &&
				    (m->e[j].pl->pos != 'G' || chance(0.1)))
					a = j;
			}
			b = pick_on(m, s->side, true);
			if (a < 0 || b < 0)
				break;
			if ((in = add_inc(m, I_SUB, s->period, s->time,
			    s->added, s->truth)) == NULL)
				break;
			in->side = s->side;
			in->a = a;
			in->b = b;
			in->injury = s->kind == 0 && s->period == 1;
			in->cls = in->injury ? "injury" : "regular";
			m->e[a].on_field = m->e[a].played = true;
			m->e[a].on = s->truth;
			m->e[b].on_field = false;
			m->e[b].off = s->truth;
			break;
		case I_GOAL:
			a = pick_on(m, s->kind == 2 ? !s->side : s->side,
			    true);
			if (a < 0)
				break;
			b = s->kind == 0 && chance(0.7) ?
			    pick_on(m, s->side, true) : -1;
			if (b == a)
				b = -1;
			if (s->kind == 2)
				m->e[a].own++;
			else {
				m->e[a].goals++;
				m->e[a].pen += s->kind == 1;
			}
			if (b >= 0)
				m->e[b].assists++;
			goal_incident(m, s, a, b);
			break;
		case I_CARD:
			a = pick_on(m, s->side, false);
			if (a < 0)
				break;
			if (s->kind == 1 && !m->e[a].booked)
				s->kind = 0;	/* not booked yet */
			if ((in = add_inc(m, I_CARD, s->period, s->time,
			    s->added, s->truth)) == NULL)
				break;
			in->side = s->side;
			in->a = a;
			if (s->kind == 3) {
				in->cls = chance(0.5) ? "red" : "yellow";
				in->rescinded = true;
				break;
			}
			if (s->kind == 0 && m->e[a].booked) {
				s->kind = 1;	/* booked twice: sent off */
			}
			in->cls = s->kind == 0 ? "yellow" : s->kind == 1 ?
			    "yellowRed" : "red";
			if (s->kind == 0) {
				m->e[a].yellow++;
				m->e[a].booked = true;
				break;
			}
			if (s->kind == 1)
				m->e[a].second_yellow++;
			else
				m->e[a].red++;
			m->e[a].on_field = false;
			m->e[a].sent_off = true;
			m->e[a].off = s->truth;
			break;
		case I_PEN_MISS:
		case I_VAR:
			a = pick_on(m, s->side, true);
			if (a < 0 || (in = add_inc(m, s->type, s->period,
			    s->time, s->added, s->truth)) == NULL)
				break;
			in->side = s->side;
			in->a = a;
			in->cls = s->type == I_PEN_MISS ? "missed" :
			    chance(0.5) ? "goalNotAwarded" :
			    "penaltyNotAwarded";
			in->confirmed = true;
			break;
		default:
			break;
		}
	}
}

static int
total(const struct gmatch *m, int s)
{
	return m->score[s][0] + m->score[s][1] + m->score[s][2] +
	    m->score[s][3];
}

static void
shootout(struct gmatch *m)
{
	int kick[2] = { 0, 0 }, seq = 0, who[2][2 * MAXLU], nw[2];
	struct ginc *in;

	for (int s = 0; s < 2; s++)
		nw[s] = on_field(m, s, who[s], false);
	m->pens[0] = m->pens[1] = 0;
	for (int r = 0; r < 40; r++) {
		for (int s = 0; s < 2; s++) {
			bool scored = chance(0.75);

			if (nw[s] == 0)
				continue;
			m->pens[s] += scored;
			in = add_inc(m, I_SHOOTOUT, 5, 121, 0, 120);
			if (in == NULL)
				continue;
			in->side = s;
			in->a = who[s][kick[s]++ % nw[s]];
			in->cls = scored ? "scored" : "missed";
			in->shoot_seq = ++seq;
			in->hs = m->pens[0];
			in->as = m->pens[1];
		}
		if (r >= 4 && m->pens[0] != m->pens[1])
			return;
	}
	m->pens[0]++;		/* decided, whatever happened */
}

/* Sofascore's own minutes: the minutes played, but a player who comes on
 * in stoppage time gets one, taken from the player he replaced (10408437
 * Iván Martín 89, Ricard Artero 1). */
static void
reported(struct gmatch *m)
{
	for (int i = 0; i < m->ne; i++) {
		struct gentry *e = &m->e[i];

		e->has_reported = m->stats && e->played;
		e->reported = e->off - e->on;
	}
	for (int i = 0; i < m->ni; i++) {
		struct ginc *in = &m->inc[i];

		if (in->type != I_SUB || in->added == 0 || !m->stats)
			continue;
		if (m->e[in->a].off == m->e[in->a].on) {
			m->e[in->a].reported = 1;
			if (m->e[in->b].reported > 0)
				m->e[in->b].reported--;
		}
	}
	for (int i = 0; i < m->ne; i++) {
		struct gentry *e = &m->e[i];

		e->has_rating = e->has_reported && (!e->sub ||
		    e->reported >= 10);
		e->rating = (double)rint_(55, 92) / 10.0;
	}
}

static void
simulate(struct gmatch *m)
{
	struct slot sl[MAXSLOT];
	double gm[2] = { 1.45, 1.15 };
	int n = 0;

	m->ne = m->ni = 0;
	memset(m->score, 0, sizeof(m->score));
	m->pens[0] = m->pens[1] = 0;
	m->et = m->shootout = false;
	m->inj[0] = rint_(0, 4);
	m->inj[1] = rint_(1, 9);
	m->inj[2] = rint_(0, 2);
	m->inj[3] = rint_(0, 3);
	pick_lineup(m, HOME);
	pick_lineup(m, AWAY);
	plan(m, sl, &n, 1, 2, gm);
	play(m, sl, n);
	m->status = 100;
	if (m->cup && total(m, HOME) == total(m, AWAY)) {
		if (chance(0.5)) {
			m->et = true;
			n = 0;
			plan(m, sl, &n, 3, 4, gm);
			play(m, sl, n);
			m->status = 110;
		}
		if (total(m, HOME) == total(m, AWAY)) {
			m->shootout = true;
			shootout(m);
			m->status = 120;
		}
	}
	for (int i = 0; i < m->ne; i++)
		if (m->e[i].played && !m->e[i].sent_off && m->e[i].on_field)
			m->e[i].off = m->et ? 120 : 90;
	if (chance(0.01)) {	/* a card for the bench */
		struct ginc *in = add_inc(m, I_MGR_CARD, 2, -rint_(1, 5), 0,
		    60);

		if (in != NULL) {
			in->side = rint_(0, 1);
			in->cls = "yellow";
		}
	}
	if (chance(0.01))
		add_inc(m, I_UNKNOWN, 2, rint_(47, 89), 0, 60);
	m->winner = m->shootout ? (m->pens[0] > m->pens[1] ? 1 : 2) :
	    total(m, HOME) > total(m, AWAY) ? 1 :
	    total(m, HOME) < total(m, AWAY) ? 2 : 3;
	reported(m);
}

/* --- the calendar ----------------------------------------------------- */

#define LEAGUE_UT 9917
#define CUP_UT 9918

static int64_t first_id = 20000000;

static int64_t
season_id(bool cup, int s)
{
	return (cup ? 902000 : 901000) + s;
}

static void
season_year(char *buf, size_t n, int s)
{
	snprintf(buf, n, "%02d/%02d", (FIRST_YEAR + s) % 100,
	    (FIRST_YEAR + s + 1) % 100);
}

/* 1 August of the season's first year, 00:00 UTC. */
static int64_t
season_start(int s)
{
	struct tm tm = { 0 };

	tm.tm_year = FIRST_YEAR + s - 1900;
	tm.tm_mon = 7;
	tm.tm_mday = 1;
	return (int64_t)timegm(&tm);
}

static const struct {
	int code, first, count, type;
	const char *name, *slug;
} cuprounds[] = {
	{ 6, 0, 16, 16, "Round of 32", "round-of-32" },
	{ 5, 16, 8, 8, "Round of 16", "round-of-16" },
	{ 27, 24, 4, 4, "Quarterfinals", "quarterfinals" },
	{ 28, 28, 2, 2, "Semifinals", "semifinals" },
	{ 29, 30, 1, 1, "Final", "final" }
};

/* Berger round-robin: the pairing of match k (0..9) of round r (1..38). */
static void
pairing(int r, int k, int *home, int *away)
{
	int rr = (r - 1) % 19, a, b;

	if (k == 0) {
		a = NTEAMS - 1;
		b = rr;
	} else {
		a = (rr + k) % (NTEAMS - 1);
		b = (rr - k + NTEAMS - 1) % (NTEAMS - 1);
	}
	if ((r - 1) / 19 == 1 || (k == 0 && rr % 2 == 1)) {
		*home = b;
		*away = a;
	} else {
		*home = a;
		*away = b;
	}
}

static void
calendar(struct gmatch *m, int64_t i)
{
	int64_t j = i % PER_SEASON;

	m->index = i;
	m->id = first_id + i;
	m->season = (int)(i / PER_SEASON);
	m->cup = j >= LEAGUE_PER_SEASON;
	if (!m->cup) {
		m->round = (int)(j / 10) + 1;
		m->round_name = m->round_slug = NULL;
		m->cup_round_type = 0;
		pairing(m->round, (int)(j % 10), &m->team[HOME],
		    &m->team[AWAY]);
		m->start = season_start(m->season) + 9 * 86400 +
		    (int64_t)(m->round - 1) * 7 * 86400 + 14 * 3600 +
		    (j % 10) * 1800;
	} else {
		int c = (int)(j - LEAGUE_PER_SEASON), r = 0;

		while (c >= cuprounds[r].first + cuprounds[r].count)
			r++;
		m->round = cuprounds[r].code;
		m->round_name = cuprounds[r].name;
		m->round_slug = cuprounds[r].slug;
		m->cup_round_type = cuprounds[r].type;
		m->team[HOME] = rint_(0, NTEAMS - 1);
		do
			m->team[AWAY] = rint_(0, NTEAMS - 1);
		while (m->team[AWAY] == m->team[HOME]);
		m->start = season_start(m->season) + 30 * 86400 +
		    (int64_t)r * 42 * 86400 + 2 * 86400 + 19 * 3600 +
		    (c - cuprounds[r].first) * 900;
	}
	m->changed = m->start + 2 * 3600 + rint_(0, 600);
}

/* --- writing ---------------------------------------------------------- */

static const char *store;

static FILE *
open_doc(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static FILE *
open_doc(const char *fmt, ...)
{
	char rel[512], *path, *slash;
	va_list ap;
	FILE *fp;

	va_start(ap, fmt);
	vsnprintf(rel, sizeof(rel), fmt, ap);
	va_end(ap);
	path = xasprintf("%s/%s", store, rel);
	slash = strrchr(path, '/');
	*slash = '\0';
	if (sofa_mkdirs(path, 0755) != 0)
		sofa_err(SOFA_EXIT_FAIL, "%s", path);
	*slash = '/';
	if ((fp = fopen(path, "w")) == NULL)
		sofa_err(SOFA_EXIT_FAIL, "%s", path);
	free(path);
	return fp;
}

static void
close_doc(FILE *fp)
{
	putc('\n', fp);
	if (fclose(fp) != 0)
		sofa_err(SOFA_EXIT_FAIL, "write");
}

static void
w_sport(struct sofa_jw *w)
{
	sofa_jw_key(w, "sport");
	sofa_jw_obj(w);
	sofa_jw_kstr(w, "name", "Football");
	sofa_jw_kstr(w, "slug", "football");
	sofa_jw_kint(w, "id", 1);
	sofa_jw_obj_end(w);
}

static void
w_country(struct sofa_jw *w, const char *cc, const char *name)
{
	char slug[64];

	slugify(slug, sizeof(slug), name);
	sofa_jw_key(w, "country");
	sofa_jw_obj(w);
	sofa_jw_kstr(w, "alpha2", cc);
	sofa_jw_kstr(w, "name", name);
	sofa_jw_kstr(w, "slug", slug);
	sofa_jw_obj_end(w);
}

static void
w_category(struct sofa_jw *w)
{
	sofa_jw_key(w, "category");
	sofa_jw_obj(w);
	sofa_jw_kstr(w, "name", "Synthland");
	sofa_jw_kstr(w, "slug", "synthland");
	w_sport(w);
	sofa_jw_kint(w, "id", 9901);
	sofa_jw_kstr(w, "flag", "synthland");
	sofa_jw_kstr(w, "alpha2", "SY");
	sofa_jw_obj_end(w);
}

static void
w_tournament(struct sofa_jw *w, bool cup)
{
	const char *name = cup ? "Synthetic Cup" : "Synthetic League";
	const char *slug = cup ? "synthetic-cup" : "synthetic-league";

	sofa_jw_key(w, "tournament");
	sofa_jw_obj(w);
	sofa_jw_kstr(w, "name", name);
	sofa_jw_kstr(w, "slug", slug);
	w_category(w);
	sofa_jw_key(w, "uniqueTournament");
	sofa_jw_obj(w);
	sofa_jw_kstr(w, "name", name);
	sofa_jw_kstr(w, "slug", slug);
	sofa_jw_kstr(w, "primaryColorHex", "#113d43");
	sofa_jw_kstr(w, "secondaryColorHex", "#268795");
	w_category(w);
	sofa_jw_kint(w, "userCount", 5984);
	sofa_jw_kint(w, "id", cup ? CUP_UT : LEAGUE_UT);
	sofa_jw_key(w, "country");
	sofa_jw_obj(w);
	sofa_jw_obj_end(w);
	sofa_jw_kbool(w, "hasEventPlayerStatistics", true);
	sofa_jw_kbool(w, "hasRounds", true);
	sofa_jw_kbool(w, "displayInverseHomeAwayTeams", false);
	sofa_jw_obj_end(w);
	sofa_jw_kint(w, "priority", 100);
	sofa_jw_kbool(w, "isGroup", false);
	sofa_jw_kint(w, "id", (cup ? CUP_UT : LEAGUE_UT) * 10);
	sofa_jw_obj_end(w);
}

static void
w_team(struct sofa_jw *w, const char *key, const struct gteam *t,
    bool detail)
{
	sofa_jw_key(w, key);
	sofa_jw_obj(w);
	sofa_jw_kstr(w, "name", t->name);
	sofa_jw_kstr(w, "slug", t->slug);
	sofa_jw_kstr(w, "shortName", t->shortname);
	sofa_jw_kstr(w, "gender", "M");
	w_sport(w);
	sofa_jw_kint(w, "userCount", 1000 + t->id % 977);
	if (detail) {
		sofa_jw_key(w, "manager");
		sofa_jw_obj(w);
		sofa_jw_kstr(w, "name", t->manager);
		sofa_jw_kstr(w, "slug", t->manager_slug);
		sofa_jw_kstr(w, "shortName", t->manager);
		sofa_jw_kint(w, "id", t->manager_id);
		w_country(w, "SY", "Synthland");
		sofa_jw_obj_end(w);
		sofa_jw_key(w, "venue");
		sofa_jw_obj(w);
		sofa_jw_key(w, "city");
		sofa_jw_obj(w);
		sofa_jw_kstr(w, "name", t->city);
		sofa_jw_obj_end(w);
		sofa_jw_key(w, "stadium");
		sofa_jw_obj(w);
		sofa_jw_kstr(w, "name", t->stadium);
		sofa_jw_kint(w, "capacity", t->capacity);
		sofa_jw_obj_end(w);
		sofa_jw_kint(w, "id", t->venue_id);
		w_country(w, "SY", "Synthland");
		sofa_jw_obj_end(w);
	}
	sofa_jw_kstr(w, "nameCode", t->code);
	sofa_jw_kbool(w, "disabled", false);
	sofa_jw_kbool(w, "national", false);
	sofa_jw_kint(w, "type", 0);
	sofa_jw_kint(w, "id", t->id);
	w_country(w, "SY", "Synthland");
	sofa_jw_key(w, "subTeams");
	sofa_jw_arr(w);
	sofa_jw_arr_end(w);
	sofa_jw_key(w, "teamColors");
	sofa_jw_obj(w);
	sofa_jw_kstr(w, "primary", "#026ce2");
	sofa_jw_kstr(w, "secondary", "#ffffff");
	sofa_jw_kstr(w, "text", "#ffffff");
	sofa_jw_obj_end(w);
	sofa_jw_obj_end(w);
}

static void
w_score(struct sofa_jw *w, const char *key, const struct gmatch *m, int s)
{
	int nt = m->score[s][0] + m->score[s][1];
	int ot = m->score[s][2] + m->score[s][3];

	sofa_jw_key(w, key);
	sofa_jw_obj(w);
	if (!m->postponed) {
		sofa_jw_kint(w, "current", nt + ot + m->pens[s]);
		sofa_jw_kint(w, "display", nt + ot);
		sofa_jw_kint(w, "period1", m->score[s][0]);
		sofa_jw_kint(w, "period2", m->score[s][1]);
		sofa_jw_kint(w, "normaltime", nt);
		if (m->et) {
			sofa_jw_kint(w, "extra1", m->score[s][2]);
			sofa_jw_kint(w, "extra2", m->score[s][3]);
			sofa_jw_kint(w, "overtime", ot);
		}
		if (m->shootout)
			sofa_jw_kint(w, "penalties", m->pens[s]);
	}
	sofa_jw_obj_end(w);
}

static const char *
status_desc(int code)
{
	switch (code) {
	case 60:
		return "Postponed";
	case 110:
		return "AET";
	case 120:
		return "AP";
	default:
		return "Ended";
	}
}

static void
w_status(struct sofa_jw *w, int code)
{
	sofa_jw_key(w, "status");
	sofa_jw_obj(w);
	sofa_jw_kint(w, "code", code);
	sofa_jw_kstr(w, "description", status_desc(code));
	sofa_jw_kstr(w, "type", code == 60 ? "postponed" : "finished");
	sofa_jw_obj_end(w);
}

static void
w_season(struct sofa_jw *w, bool cup, int s)
{
	char name[64], year[8];

	season_year(year, sizeof(year), s);
	snprintf(name, sizeof(name), "%s %s", cup ? "Synthetic Cup" :
	    "Synthetic League", year);
	sofa_jw_key(w, "season");
	sofa_jw_obj(w);
	sofa_jw_kstr(w, "name", name);
	sofa_jw_kstr(w, "year", year);
	sofa_jw_kbool(w, "editor", false);
	sofa_jw_kint(w, "id", season_id(cup, s));
	sofa_jw_obj_end(w);
}

static void
w_roundinfo(struct sofa_jw *w, const struct gmatch *m)
{
	sofa_jw_key(w, "roundInfo");
	sofa_jw_obj(w);
	sofa_jw_kint(w, "round", m->round);
	if (m->round_name != NULL) {
		sofa_jw_kstr(w, "name", m->round_name);
		sofa_jw_kstr(w, "slug", m->round_slug);
		sofa_jw_kint(w, "cupRoundType", m->cup_round_type);
	}
	sofa_jw_obj_end(w);
}

static void
custom_id(char *buf, int64_t id)
{
	static const char abc[] =
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

	for (int i = 0; i < 6; i++) {
		buf[i] = abc[id % 52];
		id /= 52;
	}
	buf[6] = '\0';
}

/* The event object: the round lists' form, or the detail's. */
static void
w_event(struct sofa_jw *w, const struct gmatch *m, bool detail)
{
	const struct gteam *h = &teams[m->team[HOME]];
	const struct gteam *a = &teams[m->team[AWAY]];
	char cid[8], slug[112];

	custom_id(cid, m->id);
	snprintf(slug, sizeof(slug), "%s-%s", h->slug, a->slug);
	sofa_jw_obj(w);
	w_tournament(w, m->cup);
	w_season(w, m->cup, m->season);
	w_roundinfo(w, m);
	sofa_jw_kstr(w, "customId", cid);
	w_status(w, m->status);
	if (!m->postponed)
		sofa_jw_kint(w, "winnerCode", m->winner);
	w_team(w, "homeTeam", h, detail);
	w_team(w, "awayTeam", a, detail);
	w_score(w, "homeScore", m, HOME);
	w_score(w, "awayScore", m, AWAY);
	sofa_jw_key(w, "time");
	sofa_jw_obj(w);
	if (!m->postponed) {
		sofa_jw_kint(w, "injuryTime1", m->inj[0]);
		sofa_jw_kint(w, "injuryTime2", m->inj[1]);
		if (m->et) {
			sofa_jw_kint(w, "injuryTime3", m->inj[2]);
			sofa_jw_kint(w, "injuryTime4", m->inj[3]);
		}
		sofa_jw_kint(w, "currentPeriodStartTimestamp",
		    m->start + 3600);
	}
	sofa_jw_obj_end(w);
	sofa_jw_key(w, "changes");
	sofa_jw_obj(w);
	sofa_jw_key(w, "changes");
	sofa_jw_arr(w);
	sofa_jw_str(w, "status.code");
	sofa_jw_str(w, "status.description");
	sofa_jw_str(w, "status.type");
	sofa_jw_arr_end(w);
	sofa_jw_kint(w, "changeTimestamp", m->changed);
	sofa_jw_obj_end(w);
	sofa_jw_kbool(w, "hasGlobalHighlights", false);
	sofa_jw_kbool(w, "hasEventPlayerStatistics", m->stats);
	sofa_jw_kbool(w, "crowdsourcingDataDisplayEnabled", false);
	sofa_jw_kint(w, "id", m->id);
	if (detail) {
		sofa_jw_key(w, "venue");
		sofa_jw_obj(w);
		sofa_jw_key(w, "city");
		sofa_jw_obj(w);
		sofa_jw_kstr(w, "name", h->city);
		sofa_jw_obj_end(w);
		sofa_jw_kstr(w, "name", h->stadium);
		sofa_jw_kint(w, "capacity", h->capacity);
		sofa_jw_key(w, "stadium");
		sofa_jw_obj(w);
		sofa_jw_kstr(w, "name", h->stadium);
		sofa_jw_kint(w, "capacity", h->capacity);
		sofa_jw_obj_end(w);
		sofa_jw_kint(w, "id", h->venue_id);
		w_country(w, "SY", "Synthland");
		sofa_jw_obj_end(w);
		sofa_jw_key(w, "referee");
		sofa_jw_obj(w);
		sofa_jw_kstr(w, "name", "Pat Whistler");
		sofa_jw_kstr(w, "slug", "pat-whistler");
		sofa_jw_kint(w, "yellowCards", 1795);
		sofa_jw_kint(w, "redCards", 46);
		sofa_jw_kint(w, "yellowRedCards", 30);
		sofa_jw_kint(w, "games", 380);
		w_sport(w);
		sofa_jw_kint(w, "id", 660001 + m->index % 7);
		w_country(w, "SY", "Synthland");
		sofa_jw_obj_end(w);
		if (!m->postponed)
			sofa_jw_kint(w, "attendance",
			    h->capacity / 2 + (int)(m->id % 1000));
		sofa_jw_kint(w, "defaultPeriodCount", 2);
		sofa_jw_kint(w, "defaultPeriodLength", 45);
		sofa_jw_kint(w, "defaultOvertimeLength", 15);
		sofa_jw_kint(w, "currentPeriodStartTimestamp",
		    m->start + 3600);
	}
	sofa_jw_kint(w, "startTimestamp", m->start);
	sofa_jw_kstr(w, "slug", slug);
	sofa_jw_kbool(w, "finalResultOnly", false);
	if (detail) {
		sofa_jw_kbool(w, "fanRatingEvent", false);
		sofa_jw_kbool(w, "showTotoPromo", false);
	}
	sofa_jw_obj_end(w);
}

static void
write_event(const struct gmatch *m)
{
	FILE *fp = open_doc("event/%" PRId64 ".json", m->id);
	struct sofa_jw w;

	sofa_jw_init(&w, fp);
	sofa_jw_obj(&w);
	sofa_jw_key(&w, "event");
	w_event(&w, m, true);
	sofa_jw_obj_end(&w);
	close_doc(fp);
}

static void
w_player(struct sofa_jw *w, const char *key, const struct gplayer *p,
    bool full, bool newfmt)
{
	char num[8];

	sofa_jw_key(w, key);
	sofa_jw_obj(w);
	sofa_jw_kstr(w, "name", p->name);
	sofa_jw_kstr(w, "slug", p->slug);
	sofa_jw_kstr(w, "shortName", p->shortname);
	snprintf(num, sizeof(num), "%c", p->pos);
	sofa_jw_kstr(w, "position", num);
	if (newfmt) {
		snprintf(num, sizeof(num), "%d", p->shirt);
		sofa_jw_kstr(w, "jerseyNumber", num);
	}
	sofa_jw_kint(w, "userCount", p->id % 3000);
	sofa_jw_kint(w, "id", p->id);
	if (full) {
		w_country(w, p->cc, p->country);
		sofa_jw_kstr(w, "marketValueCurrency", "EUR");
		sofa_jw_kint(w, "dateOfBirthTimestamp", p->dob);
		if (newfmt) {
			sofa_jw_key(w, "proposedMarketValueRaw");
			sofa_jw_obj(w);
			sofa_jw_kint(w, "value", p->value);
			sofa_jw_kstr(w, "currency", "EUR");
			sofa_jw_obj_end(w);
		}
	}
	sofa_jw_obj_end(w);
}

static void
w_colors(struct sofa_jw *w, const char *key, const char *primary)
{
	sofa_jw_key(w, key);
	sofa_jw_obj(w);
	sofa_jw_kstr(w, "primary", primary);
	sofa_jw_kstr(w, "number", "222226");
	sofa_jw_kstr(w, "outline", primary);
	sofa_jw_kstr(w, "fancyNumber", "222226");
	sofa_jw_obj_end(w);
}

/* The player statistics of entry e (Sofascore writes non-zero values). */
static void
w_stats(struct sofa_jw *w, const struct gmatch *m, const struct gentry *e)
{
	int mins = e->reported, touches, passes, acc;

	if (!m->stats)
		return;
	if (!e->played) {
		if (e->unused_kind == 1)
			return;
		sofa_jw_key(w, "statistics");
		sofa_jw_obj(w);
		if (e->unused_kind == 2)
			sofa_jw_kint(w, "expectedGoals", 0);
		sofa_jw_obj_end(w);
		return;
	}
	touches = mins * rint_(30, 90) / 90 + 1;
	passes = touches * rint_(50, 80) / 100;
	acc = passes * rint_(60, 95) / 100;
	sofa_jw_key(w, "statistics");
	sofa_jw_obj(w);
	if (passes > 0)
		sofa_jw_kint(w, "totalPass", passes);
	if (acc > 0)
		sofa_jw_kint(w, "accuratePass", acc);
	if (e->goals > 0)
		sofa_jw_kint(w, "goals", e->goals);
	if (e->assists > 0)
		sofa_jw_kint(w, "goalAssist", e->assists);
	if (e->own > 0)
		sofa_jw_kint(w, "ownGoals", e->own);
	if (e->pl->pos == 'G' && chance(0.7))
		sofa_jw_kint(w, "saves", rint_(1, 7));
	if (chance(0.3))
		sofa_jw_kint(w, "fouls", rint_(1, 3));
	sofa_jw_kint(w, "minutesPlayed", mins);
	sofa_jw_kint(w, "touches", touches);
	if (e->has_rating) {
		sofa_jw_kreal(w, "rating", e->rating);
		sofa_jw_key(w, "ratingVersions");
		sofa_jw_obj(w);
		sofa_jw_kreal(w, "original", e->rating);
		sofa_jw_kreal(w, "alternative", e->rating + 0.3);
		sofa_jw_obj_end(w);
	}
	sofa_jw_kreal(w, "expectedGoals", (double)rint_(0, 900) / 1000.0);
	if (chance(0.05))	/* a statistic nobody has a column for yet */
		sofa_jw_kint(w, "progressiveBallCarriesCount", rint_(1, 9));
	sofa_jw_obj_end(w);
}

static void
write_lineups(const struct gmatch *m)
{
	FILE *fp = open_doc("event/%" PRId64 "/lineups.json", m->id);
	static const char *const sk[2] = { "home", "away" };
	struct sofa_jw w;
	char num[8];

	sofa_jw_init(&w, fp);
	sofa_jw_obj(&w);
	sofa_jw_kbool(&w, "confirmed", true);
	for (int s = 0; s < 2; s++) {
		sofa_jw_key(&w, sk[s]);
		sofa_jw_obj(&w);
		sofa_jw_key(&w, "players");
		sofa_jw_arr(&w);
		for (int i = 0; i < m->ne; i++) {
			const struct gentry *e = &m->e[i];

			if (e->side != s)
				continue;
			sofa_jw_obj(&w);
			w_player(&w, "player", e->pl, true, m->newfmt);
			if (m->newfmt)
				sofa_jw_kint(&w, "teamId",
				    teams[m->team[s]].id);
			sofa_jw_kint(&w, "shirtNumber", e->pl->shirt);
			snprintf(num, sizeof(num), "%d", e->pl->shirt);
			sofa_jw_kstr(&w, "jerseyNumber", num);
			if (!e->nopos) {
				snprintf(num, sizeof(num), "%c", e->pl->pos);
				sofa_jw_kstr(&w, "position", num);
			}
			sofa_jw_kbool(&w, "substitute", e->sub);
			if (e->captain)
				sofa_jw_kbool(&w, "captain", true);
			w_stats(&w, m, e);
			sofa_jw_obj_end(&w);
		}
		sofa_jw_arr_end(&w);
		if (m->newfmt) {
			sofa_jw_key(&w, "supportStaff");
			sofa_jw_arr(&w);
			sofa_jw_arr_end(&w);
		}
		sofa_jw_kstr(&w, "formation", m->formation[s]);
		w_colors(&w, "playerColor", s == HOME ? "ffffff" : "026ce2");
		w_colors(&w, "goalkeeperColor", "000000");
		if (m->nmissing[s] > 0) {
			sofa_jw_key(&w, "missingPlayers");
			sofa_jw_arr(&w);
			for (int k = 0; k < m->nmissing[s]; k++) {
				sofa_jw_obj(&w);
				w_player(&w, "player", m->missing[s][k].pl,
				    true, m->newfmt);
				sofa_jw_kstr(&w, "type",
				    m->missing[s][k].type);
				sofa_jw_kint(&w, "reason",
				    m->missing[s][k].reason);
				sofa_jw_obj_end(&w);
			}
			sofa_jw_arr_end(&w);
		}
		sofa_jw_obj_end(&w);
	}
	sofa_jw_obj_end(&w);
	close_doc(fp);
}

static int
cmpinc(const void *a, const void *b)
{
	const struct ginc *x = a, *y = b;
	uint64_t kx = slotkey(x->period, x->time < 0 ? 0 : x->time, x->added,
	    x->seq), ky = slotkey(y->period, y->time < 0 ? 0 : y->time,
	    y->added, y->seq);

	/* newest first */
	return kx < ky ? 1 : kx > ky ? -1 : 0;
}

static void
w_period(struct sofa_jw *w, const char *text, int h, int a, int time)
{
	sofa_jw_obj(w);
	sofa_jw_kstr(w, "text", text);
	sofa_jw_kint(w, "homeScore", h);
	sofa_jw_kint(w, "awayScore", a);
	sofa_jw_kbool(w, "isLive", false);
	sofa_jw_kint(w, "time", time);
	sofa_jw_kint(w, "addedTime", 999);
	sofa_jw_kstr(w, "incidentType", "period");
	sofa_jw_obj_end(w);
}

static void
w_injury(struct sofa_jw *w, int length, int time)
{
	sofa_jw_obj(w);
	sofa_jw_kint(w, "length", length);
	sofa_jw_kint(w, "time", time);
	sofa_jw_kint(w, "addedTime", 0);
	sofa_jw_kstr(w, "incidentType", "injuryTime");
	sofa_jw_obj_end(w);
}

static void
w_times(struct sofa_jw *w, const struct ginc *in)
{
	sofa_jw_kint(w, "time", in->time);
	if (in->added > 0)
		sofa_jw_kint(w, "addedTime", in->added);
}

static void
w_incident(struct sofa_jw *w, const struct gmatch *m, const struct ginc *in,
    int64_t iid)
{
	const struct gentry *e = &m->e[in->a >= 0 ? in->a : 0];

	sofa_jw_obj(w);
	switch (in->type) {
	case I_SUB:
		w_player(w, "playerIn", m->e[in->a].pl, false, false);
		w_player(w, "playerOut", m->e[in->b].pl, false, false);
		if (in->injury && !m->oldinc)
			sofa_jw_kbool(w, "injury", true);
		sofa_jw_kint(w, "id", iid);
		w_times(w, in);
		sofa_jw_kbool(w, "isHome", in->side == HOME);
		if (!m->oldinc)
			sofa_jw_kstr(w, "incidentClass", in->cls);
		sofa_jw_kstr(w, "incidentType", "substitution");
		break;
	case I_GOAL:
		sofa_jw_kint(w, "homeScore", in->hs);
		sofa_jw_kint(w, "awayScore", in->as);
		w_player(w, "player", e->pl, false, false);
		if (in->b >= 0)
			w_player(w, "assist1", m->e[in->b].pl, false, false);
		sofa_jw_kint(w, "id", iid);
		w_times(w, in);
		sofa_jw_kbool(w, "isHome", in->side == HOME);
		if (in->from_only)
			sofa_jw_kstr(w, "from",
			    strcmp(in->cls, "ownGoal") == 0 ? "owngoal" :
			    strcmp(in->cls, "penalty") == 0 ? "penalty" :
			    "regular");
		else
			sofa_jw_kstr(w, "incidentClass", in->cls);
		sofa_jw_kstr(w, "incidentType", "goal");
		break;
	case I_CARD:
		w_player(w, "player", e->pl, false, false);
		sofa_jw_kstr(w, "playerName", e->pl->name);
		sofa_jw_kstr(w, "reason", chance(0.7) ? "Foul" : "Argument");
		sofa_jw_kbool(w, "rescinded", in->rescinded);
		sofa_jw_kint(w, "id", iid);
		w_times(w, in);
		sofa_jw_kbool(w, "isHome", in->side == HOME);
		sofa_jw_kstr(w, "incidentClass", in->cls);
		sofa_jw_kstr(w, "incidentType", "card");
		break;
	case I_MGR_CARD:	/* as the recorded ones: no player */
		sofa_jw_kstr(w, "playerName", teams[m->team[in->side]].manager);
		sofa_jw_kstr(w, "reason", "Argument");
		sofa_jw_key(w, "manager");
		sofa_jw_obj(w);
		sofa_jw_kstr(w, "name", teams[m->team[in->side]].manager);
		sofa_jw_kstr(w, "slug", teams[m->team[in->side]].manager_slug);
		sofa_jw_kstr(w, "shortName", teams[m->team[in->side]].manager);
		sofa_jw_kint(w, "id", teams[m->team[in->side]].manager_id);
		sofa_jw_obj_end(w);
		sofa_jw_kbool(w, "rescinded", false);
		sofa_jw_kint(w, "id", iid);
		sofa_jw_kint(w, "time", in->time);
		sofa_jw_kbool(w, "isHome", in->side == HOME);
		sofa_jw_kstr(w, "incidentClass", in->cls);
		sofa_jw_kstr(w, "incidentType", "card");
		break;
	case I_PEN_MISS:
		w_player(w, "player", e->pl, false, false);
		sofa_jw_kstr(w, "description", "Goalkeeper save");
		sofa_jw_kstr(w, "reason", "goalkeeperSave");
		sofa_jw_kint(w, "id", iid);
		w_times(w, in);
		sofa_jw_kbool(w, "isHome", in->side == HOME);
		sofa_jw_kstr(w, "incidentClass", "missed");
		sofa_jw_kstr(w, "incidentType", "inGamePenalty");
		break;
	case I_VAR:
		sofa_jw_kbool(w, "confirmed", in->confirmed);
		w_player(w, "player", e->pl, false, false);
		sofa_jw_kint(w, "id", iid);
		w_times(w, in);
		sofa_jw_kbool(w, "isHome", in->side == HOME);
		sofa_jw_kstr(w, "incidentClass", in->cls);
		sofa_jw_kstr(w, "incidentType", "varDecision");
		break;
	case I_SHOOTOUT:
		w_player(w, "player", e->pl, false, false);
		sofa_jw_kint(w, "sequence", in->shoot_seq);
		sofa_jw_kint(w, "homeScore", in->hs);
		sofa_jw_kint(w, "awayScore", in->as);
		sofa_jw_kstr(w, "description", strcmp(in->cls, "scored") == 0 ?
		    "Scored" : "Goalkeeper save");
		sofa_jw_kint(w, "id", iid);
		sofa_jw_kbool(w, "isHome", in->side == HOME);
		sofa_jw_kstr(w, "incidentClass", in->cls);
		sofa_jw_kstr(w, "incidentType", "penaltyShootout");
		break;
	case I_UNKNOWN:
		sofa_jw_kstr(w, "text", "something new");
		sofa_jw_kint(w, "id", iid);
		sofa_jw_kint(w, "time", in->time);
		sofa_jw_kbool(w, "isHome", true);
		sofa_jw_kstr(w, "incidentType", "someFutureType");
		break;
	default:
		break;
	}
	sofa_jw_obj_end(w);
}

/* Goals of both sides up to the end of period p. */
static void
score_at(const struct gmatch *m, int p, int *h, int *a)
{
	*h = *a = 0;
	for (int i = 0; i < p; i++) {
		*h += m->score[HOME][i];
		*a += m->score[AWAY][i];
	}
}

static void
write_incidents(struct gmatch *m)
{
	FILE *fp = open_doc("event/%" PRId64 "/incidents.json", m->id);
	struct ginc sorted[MAXINC];
	struct sofa_jw w;
	int h, a, last = m->et ? 4 : 2, k = 0;

	memcpy(sorted, m->inc, sizeof(m->inc[0]) * (size_t)m->ni);
	qsort(sorted, (size_t)m->ni, sizeof(sorted[0]), cmpinc);
	sofa_jw_init(&w, fp);
	sofa_jw_obj(&w);
	sofa_jw_key(&w, "incidents");
	sofa_jw_arr(&w);
	if (m->shootout) {
		w_period(&w, "PEN", m->pens[0], m->pens[1], 999);
		for (; k < m->ni && sorted[k].period == 5; k++)
			w_incident(&w, m, &sorted[k], 130000000 + m->id * 50 +
			    sorted[k].seq);
	}
	for (int p = last; p >= 1; p--) {
		score_at(m, p, &h, &a);
		if (p != 3)
			w_period(&w, p == 4 ? "ET" : p == 2 ? "FT" : "HT", h,
			    a, pend[p]);
		for (; k < m->ni && sorted[k].period == p && sorted[k].added >
		    0; k++)
			w_incident(&w, m, &sorted[k], 130000000 + m->id * 50 +
			    sorted[k].seq);
		if (m->inj[p - 1] > 0)
			w_injury(&w, m->inj[p - 1], pend[p]);
		for (; k < m->ni && sorted[k].period == p; k++)
			w_incident(&w, m, &sorted[k], 130000000 + m->id * 50 +
			    sorted[k].seq);
	}
	sofa_jw_arr_end(&w);
	sofa_jw_obj_end(&w);
	close_doc(fp);
}

/* Team statistics, new format: ALL, 1ST, 2ND; counts add up, possession
 * to 100. */
static void
write_statistics(const struct gmatch *m)
{
	static const struct {
		const char *group, *name, *key;
		int lo, hi;
	} items[] = {
		{ "Match overview", "Ball possession", "ballPossession", 0, 0 },
		{ "Match overview", "Corner kicks", "cornerKicks", 0, 6 },
		{ "Match overview", "Fouls", "fouls", 2, 10 },
		{ "Shots", "Total shots", "totalShotsOnGoal", 2, 12 },
		{ "Shots", "Shots on target", "shotsOnGoal", 0, 5 },
		{ "Passes", "Passes", "passes", 150, 350 },
		{ "Goalkeeping", "Total saves", "goalkeeperSaves", 0, 5 }
	};
	static const char *const periods[] = { "ALL", "1ST", "2ND" };
	FILE *fp = open_doc("event/%" PRId64 "/statistics.json", m->id);
	int v[7][2][2];		/* item, half, side */
	struct sofa_jw w;

	for (int i = 0; i < 7; i++)
		for (int hf = 0; hf < 2; hf++)
			for (int s = 0; s < 2; s++)
				v[i][hf][s] = rint_(items[i].lo, items[i].hi);
	for (int hf = 0; hf < 2; hf++) {
		v[0][hf][0] = rint_(35, 65);
		v[0][hf][1] = 100 - v[0][hf][0];
	}
	sofa_jw_init(&w, fp);
	sofa_jw_obj(&w);
	sofa_jw_key(&w, "statistics");
	sofa_jw_arr(&w);
	for (int p = 0; p < 3; p++) {
		const char *group = NULL;

		sofa_jw_obj(&w);
		sofa_jw_kstr(&w, "period", periods[p]);
		sofa_jw_key(&w, "groups");
		sofa_jw_arr(&w);
		for (int i = 0; i < 7; i++) {
			int x[2];
			char hs[16], as[16];

			if (group == NULL || strcmp(group, items[i].group)) {
				if (group != NULL) {
					sofa_jw_arr_end(&w);
					sofa_jw_obj_end(&w);
				}
				group = items[i].group;
				sofa_jw_obj(&w);
				sofa_jw_kstr(&w, "groupName", group);
				sofa_jw_key(&w, "statisticsItems");
				sofa_jw_arr(&w);
			}
			for (int s = 0; s < 2; s++)
				x[s] = p == 0 ? (i == 0 ? (v[i][0][s] +
				    v[i][1][s]) / 2 : v[i][0][s] + v[i][1][s]) :
				    v[i][p - 1][s];
			if (i == 0 && p == 0)
				x[1] = 100 - x[0];
			snprintf(hs, sizeof(hs), i == 0 ? "%d%%" : "%d", x[0]);
			snprintf(as, sizeof(as), i == 0 ? "%d%%" : "%d", x[1]);
			sofa_jw_obj(&w);
			sofa_jw_kstr(&w, "name", items[i].name);
			sofa_jw_kstr(&w, "home", hs);
			sofa_jw_kstr(&w, "away", as);
			sofa_jw_kint(&w, "compareCode", x[0] > x[1] ? 1 :
			    x[0] < x[1] ? 2 : 3);
			sofa_jw_kstr(&w, "statisticsType", "positive");
			sofa_jw_kstr(&w, "valueType", "event");
			sofa_jw_kint(&w, "homeValue", x[0]);
			sofa_jw_kint(&w, "awayValue", x[1]);
			sofa_jw_kint(&w, "renderType", i == 0 ? 2 : 1);
			sofa_jw_kstr(&w, "key", items[i].key);
			sofa_jw_obj_end(&w);
		}
		sofa_jw_arr_end(&w);
		sofa_jw_obj_end(&w);
		sofa_jw_arr_end(&w);
		sofa_jw_obj_end(&w);
	}
	sofa_jw_arr_end(&w);
	sofa_jw_obj_end(&w);
	close_doc(fp);
}

/* --- truth and index -------------------------------------------------- */

static const char *const app_cols[] = {
	"event_id", "start_utc", "tournament_id", "season_id", "team_id",
	"opponent_id", "home", "player_id", "player_name", "position",
	"starter", "minute_on", "minute_off", "minutes", "minutes_reported",
	"goals", "penalty_goals", "own_goals", "assists", "yellow",
	"second_yellow", "red", "rating", "team_score", "opponent_score",
	"result"
};

static void
truth_rows(struct sofa_tab *t, const struct gmatch *m)
{
	char start[SOFA_UTC_LEN], pos[2] = { 0, 0 };
	int sc[2] = { total(m, HOME), total(m, AWAY) };

	sofa_fmt_utc((time_t)m->start, start);
	for (int s = 0; s < 2; s++)
		for (int i = 0; i < m->ne; i++) {
			const struct gentry *e = &m->e[i];

			if (e->side != s || !e->played)
				continue;
			sofa_tab_int(t, 0, m->id);
			sofa_tab_str(t, 1, start);
			sofa_tab_int(t, 2, m->cup ? CUP_UT : LEAGUE_UT);
			sofa_tab_int(t, 3, season_id(m->cup, m->season));
			sofa_tab_int(t, 4, teams[m->team[s]].id);
			sofa_tab_int(t, 5, teams[m->team[!s]].id);
			sofa_tab_bool(t, 6, s == HOME);
			sofa_tab_int(t, 7, e->pl->id);
			sofa_tab_str(t, 8, e->pl->name);
			pos[0] = e->pl->pos;
			sofa_tab_str(t, 9, pos);
			sofa_tab_bool(t, 10, !e->sub);
			sofa_tab_int(t, 11, e->on);
			sofa_tab_int(t, 12, e->off);
			sofa_tab_int(t, 13, e->off - e->on);
			if (e->has_reported)
				sofa_tab_int(t, 14, e->reported);
			sofa_tab_int(t, 15, e->goals);
			sofa_tab_int(t, 16, e->pen);
			sofa_tab_int(t, 17, e->own);
			sofa_tab_int(t, 18, e->assists);
			sofa_tab_int(t, 19, e->yellow);
			sofa_tab_int(t, 20, e->second_yellow);
			sofa_tab_int(t, 21, e->red);
			if (e->has_rating)
				sofa_tab_real(t, 22, e->rating);
			sofa_tab_int(t, 23, sc[s]);
			sofa_tab_int(t, 24, sc[!s]);
			sofa_tab_str(t, 25, sc[s] > sc[!s] ? "W" :
			    sc[s] < sc[!s] ? "L" : "D");
			sofa_tab_row(t);
		}
}

static void
index_line(FILE *fp, const struct gmatch *m)
{
	char buf[SOFA_UTC_LEN], name[64], year[8], cid[8], slug[112];
	struct sofa_jw w;

	season_year(year, sizeof(year), m->season);
	custom_id(cid, m->id);
	sofa_jw_init(&w, fp);
	sofa_jw_obj(&w);
	sofa_jw_kint(&w, "event_id", m->id);
	sofa_jw_kint(&w, "tournament_id", m->cup ? CUP_UT : LEAGUE_UT);
	sofa_jw_kstr(&w, "tournament", m->cup ? "Synthetic Cup" :
	    "Synthetic League");
	sofa_jw_kint(&w, "season_id", season_id(m->cup, m->season));
	snprintf(name, sizeof(name), "%s %s", m->cup ? "Synthetic Cup" :
	    "Synthetic League", year);
	sofa_jw_kstr(&w, "season", name);
	sofa_jw_kint(&w, "round", m->round);
	if (m->round_name != NULL)
		sofa_jw_kstr(&w, "round_name", m->round_name);
	sofa_jw_kstr(&w, "start_utc", sofa_fmt_utc((time_t)m->start, buf));
	sofa_jw_kint(&w, "status_code", m->status);
	sofa_jw_kstr(&w, "status_type", m->postponed ? "postponed" :
	    "finished");
	sofa_jw_kint(&w, "home_team_id", teams[m->team[HOME]].id);
	sofa_jw_kstr(&w, "home_team", teams[m->team[HOME]].name);
	sofa_jw_kint(&w, "away_team_id", teams[m->team[AWAY]].id);
	sofa_jw_kstr(&w, "away_team", teams[m->team[AWAY]].name);
	if (m->postponed) {
		sofa_jw_knull(&w, "home_score");
		sofa_jw_knull(&w, "away_score");
	} else {
		sofa_jw_kint(&w, "home_score", total(m, HOME));
		sofa_jw_kint(&w, "away_score", total(m, AWAY));
	}
	if (m->shootout) {
		sofa_jw_kint(&w, "home_penalties", m->pens[HOME]);
		sofa_jw_kint(&w, "away_penalties", m->pens[AWAY]);
	}
	if (m->postponed)
		sofa_jw_knull(&w, "winner_code");
	else
		sofa_jw_kint(&w, "winner_code", m->winner);
	snprintf(slug, sizeof(slug), "%s-%s", teams[m->team[HOME]].slug,
	    teams[m->team[AWAY]].slug);
	sofa_jw_kstr(&w, "slug", slug);
	sofa_jw_kstr(&w, "custom_id", cid);
	sofa_jw_kstr(&w, "changed_utc", sofa_fmt_utc((time_t)m->changed,
	    buf));
	sofa_jw_kstr(&w, "discovered_utc", sofa_fmt_utc((time_t)(m->changed +
	    86400), buf));
	sofa_jw_obj_end(&w);
	sofa_jw_nl(&w);
}

/* --- discovery bodies --------------------------------------------------- */

/* The round list bodies of one competition season, from the matches of
 * [first, last) that belong to it. */
struct roundbuf {
	FILE *fp;
	struct sofa_jw w;
	int round;
	bool open;
};

static void
round_close(struct roundbuf *rb)
{
	if (!rb->open)
		return;
	sofa_jw_arr_end(&rb->w);
	sofa_jw_kbool(&rb->w, "hasNextPage", false);
	sofa_jw_obj_end(&rb->w);
	close_doc(rb->fp);
	rb->open = false;
}

static void
round_add(struct roundbuf *rb, const struct gmatch *m)
{
	int ut = m->cup ? CUP_UT : LEAGUE_UT;
	int64_t sid = season_id(m->cup, m->season);

	if (rb->open && rb->round != m->round)
		round_close(rb);
	if (!rb->open) {
		if (m->round_slug != NULL)
			rb->fp = open_doc("unique-tournament/%d/season/%"
			    PRId64 "/events/round/%d/slug/%s.json", ut, sid,
			    m->round, m->round_slug);
		else
			rb->fp = open_doc("unique-tournament/%d/season/%"
			    PRId64 "/events/round/%d.json", ut, sid,
			    m->round);
		sofa_jw_init(&rb->w, rb->fp);
		sofa_jw_obj(&rb->w);
		sofa_jw_key(&rb->w, "events");
		sofa_jw_arr(&rb->w);
		rb->round = m->round;
		rb->open = true;
	}
	w_event(&rb->w, m, false);
}

static void
write_rounds(bool cup, int s, int nrounds)
{
	FILE *fp = open_doc("unique-tournament/%d/season/%" PRId64
	    "/rounds.json", cup ? CUP_UT : LEAGUE_UT, season_id(cup, s));
	struct sofa_jw w;

	sofa_jw_init(&w, fp);
	sofa_jw_obj(&w);
	sofa_jw_key(&w, "currentRound");
	sofa_jw_obj(&w);
	if (cup) {
		sofa_jw_kint(&w, "round", cuprounds[nrounds - 1].code);
		sofa_jw_kstr(&w, "name", cuprounds[nrounds - 1].name);
		sofa_jw_kstr(&w, "slug", cuprounds[nrounds - 1].slug);
	} else
		sofa_jw_kint(&w, "round", nrounds);
	sofa_jw_obj_end(&w);
	sofa_jw_key(&w, "rounds");
	sofa_jw_arr(&w);
	for (int r = 0; r < nrounds; r++) {
		sofa_jw_obj(&w);
		if (cup) {
			sofa_jw_kint(&w, "round", cuprounds[r].code);
			sofa_jw_kstr(&w, "name", cuprounds[r].name);
			sofa_jw_kstr(&w, "slug", cuprounds[r].slug);
		} else
			sofa_jw_kint(&w, "round", r + 1);
		sofa_jw_obj_end(&w);
	}
	sofa_jw_arr_end(&w);
	sofa_jw_obj_end(&w);
	close_doc(fp);
}

static void
write_seasons(bool cup, int nseasons)
{
	FILE *fp = open_doc("unique-tournament/%d/seasons.json",
	    cup ? CUP_UT : LEAGUE_UT);
	struct sofa_jw w;
	char name[64], year[8];

	sofa_jw_init(&w, fp);
	sofa_jw_obj(&w);
	sofa_jw_key(&w, "seasons");
	sofa_jw_arr(&w);
	for (int s = nseasons - 1; s >= 0; s--) {
		season_year(year, sizeof(year), s);
		snprintf(name, sizeof(name), "%s %s", cup ? "Synthetic Cup" :
		    "Synthetic League", year);
		sofa_jw_obj(&w);
		sofa_jw_kstr(&w, "name", name);
		sofa_jw_kstr(&w, "year", year);
		sofa_jw_kbool(&w, "editor", false);
		sofa_jw_kint(&w, "id", season_id(cup, s));
		sofa_jw_obj_end(&w);
	}
	sofa_jw_arr_end(&w);
	sofa_jw_obj_end(&w);
	close_doc(fp);
}

/* --- main ------------------------------------------------------------- */

static void
usage(FILE *fp, int status)
{
	fprintf(fp, "%s\n", usage_line);
	exit(fp == stdout ? sofa_finish(status) : status);
}

static long long
num(const char *s, long long max, const char *what)
{
	const char *e;
	long long v = sofa_strtonum(s, 0, max, &e);

	if (e != NULL)
		sofa_errx(SOFA_EXIT_USAGE, "%s '%s': %s", what, s, e);
	return v;
}

int
main(int argc, char *argv[])
{
	enum { OPT_FIRST = 256 };
	static const struct option longopts[] = {
		{ "first-id", required_argument, NULL, OPT_FIRST },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	static struct gmatch m;
	const char *truth = NULL, *index = NULL;
	struct roundbuf rb[2] = { { 0 }, { 0 } };
	struct sofa_tab *tt = NULL;
	FILE *tf = NULL, *xf = NULL;
	uint64_t seed = 0;
	int64_t n = -1;
	int c, lastseason = -1, rounds[2] = { 0, 0 };

	sofa_init(argc, argv);
	while ((c = getopt_long(argc, argv, "s:n:o:t:i:h", longopts, NULL)) !=
	    -1) {
		switch (c) {
		case 's':
			seed = (uint64_t)num(optarg, INT64_MAX, "seed");
			break;
		case 'n':
			n = num(optarg, 10000000, "count");
			break;
		case 'o':
			store = optarg;
			break;
		case 't':
			truth = optarg;
			break;
		case 'i':
			index = optarg;
			break;
		case OPT_FIRST:
			first_id = num(optarg, 999000000000LL, "id");
			if (first_id < 1)
				sofa_errx(SOFA_EXIT_USAGE, "id must be >= 1");
			break;
		case 'h':
			usage(stdout, SOFA_EXIT_OK);
			break;
		default:
			usage(stderr, SOFA_EXIT_USAGE);
		}
	}
	if (n < 0 || store == NULL || optind != argc)
		usage(stderr, SOFA_EXIT_USAGE);
	if (sofa_mkdirs(store, 0755) != 0)
		sofa_err(SOFA_EXIT_FAIL, "%s", store);
	if (truth != NULL) {
		if ((tf = fopen(truth, "w")) == NULL)
			sofa_err(SOFA_EXIT_FAIL, "%s", truth);
		tt = sofa_tab_new(tf, false, app_cols,
		    sizeof(app_cols) / sizeof(app_cols[0]));
	}
	if (index != NULL && (xf = fopen(index, "w")) == NULL)
		sofa_err(SOFA_EXIT_FAIL, "%s", index);
	make_world(seed);

	for (int64_t i = 0; i < n; i++) {
		if (i / PER_SEASON != lastseason) {
			if (lastseason >= 0) {
				round_close(&rb[0]);
				round_close(&rb[1]);
				write_rounds(false, lastseason, rounds[0]);
				if (rounds[1] > 0)
					write_rounds(true, lastseason,
					    rounds[1]);
			}
			lastseason = (int)(i / PER_SEASON);
			rounds[0] = rounds[1] = 0;
		}
		/* match i depends on the seed and i only */
		rs = seed ^ ((uint64_t)i + 1) * 0xD1B54A32D192ED03ULL;
		calendar(&m, i);
		m.postponed = chance(0.005);
		m.stats = !chance(0.1);
		m.newfmt = chance(0.3);
		m.oldinc = chance(0.2);
		m.no_lineups = chance(0.01);
		m.no_incidents = !m.no_lineups && chance(0.005);
		simulate(&m);
		if (m.postponed) {
			m.status = 60;
			m.no_lineups = m.no_incidents = true;
			m.shootout = m.et = false;
			m.pens[0] = m.pens[1] = 0;
		}
		write_event(&m);
		if (!m.no_lineups)
			write_lineups(&m);
		if (!m.no_lineups && !m.no_incidents) {
			write_incidents(&m);
			write_statistics(&m);
			if (tt != NULL)
				truth_rows(tt, &m);
		}
		if (xf != NULL)
			index_line(xf, &m);
		if (m.cup) {
			for (int r = 0; r < 5; r++)
				if (cuprounds[r].code == m.round &&
				    rounds[1] < r + 1)
					rounds[1] = r + 1;
		} else if (m.round > rounds[0])
			rounds[0] = m.round;
		round_add(&rb[m.cup], &m);
	}
	round_close(&rb[0]);
	round_close(&rb[1]);
	if (lastseason >= 0) {
		write_rounds(false, lastseason, rounds[0]);
		if (rounds[1] > 0)
			write_rounds(true, lastseason, rounds[1]);
		write_seasons(false, lastseason + 1);
		if (lastseason > 0 || rounds[1] > 0)
			write_seasons(true, lastseason + (rounds[1] > 0));
	}
	sofa_tab_free(tt);
	if (tf != NULL && fclose(tf) != 0)
		sofa_err(SOFA_EXIT_FAIL, "%s", truth);
	if (xf != NULL && fclose(xf) != 0)
		sofa_err(SOFA_EXIT_FAIL, "%s", index);
	return sofa_finish(SOFA_EXIT_OK);
}
