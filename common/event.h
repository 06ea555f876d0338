/*
 * event.h - the API's match objects: event, status, scores, teams, players.
 *
 * Readers of the objects every match document shares (API-NOTES.md 3.1 to
 * 3.6): the event of /event/ID (and of every events[] list), its status,
 * its two score objects, the team objects inside it, and the player
 * objects of lineups and incidents.  They fill plain structs whose strings
 * are borrowed from the document (valid until it is freed), check every
 * type through jget.h (a wrong type is reported with file and key, and the
 * value is left unset), and never assume a key: absent or null leaves the
 * field unset (SOFA_UNSET, NULL, or a bit clear).
 */
#ifndef SOFA_EVENT_H
#define SOFA_EVENT_H

#include <stdbool.h>
#include <stdint.h>

#include "jget.h"

/* Keys of homeScore / awayScore, in the order of sofa_score_keys[]. */
enum sofa_score_key {
	SOFA_SC_DISPLAY,	/* the match score (with extra time) */
	SOFA_SC_CURRENT,	/* display + shoot-out goals: not a score */
	SOFA_SC_PERIOD1,
	SOFA_SC_PERIOD2,
	SOFA_SC_NORMALTIME,
	SOFA_SC_EXTRA1,
	SOFA_SC_EXTRA2,
	SOFA_SC_OVERTIME,	/* extra1 + extra2 */
	SOFA_SC_PENALTIES,	/* the shoot-out */
	SOFA_SC_AGGREGATED,	/* two legs */
	SOFA_SC_N
};
extern const char *const sofa_score_keys[SOFA_SC_N];

/* One side's score object; v[k] is SOFA_UNSET when key k is absent. */
struct sofa_score {
	int64_t v[SOFA_SC_N];
};

struct sofa_country {
	const char *alpha2, *alpha3, *name;
};

struct sofa_team {
	int64_t id;			/* SOFA_UNSET: absent or broken */
	const char *name, *slug, *short_name, *name_code, *gender;
	int national;			/* -1 unknown, 0, 1 */
	int64_t type;
	struct sofa_country country;
};

struct sofa_player {
	int64_t id;			/* SOFA_UNSET: absent or broken */
	const char *name, *slug, *short_name, *first_name, *last_name;
	const char *position;		/* G, D, M, F */
	int64_t height;			/* cm */
	int64_t birth;			/* dateOfBirthTimestamp, Unix s */
	struct sofa_country country;
};

struct sofa_event {
	int64_t id;
	const char *slug, *custom_id;
	int64_t start;			/* startTimestamp */
	int64_t status_code;
	const char *status_type, *status_desc;
	struct sofa_team home, away;
	struct sofa_score home_score, away_score;
	int64_t winner_code, agg_winner_code;
	int64_t round, cup_round_type;
	const char *round_name, *round_slug;
	int64_t utournament_id, tournament_id, category_id;
	const char *utournament_name, *tournament_name, *category_name;
	int64_t season_id;
	const char *season_name, *season_year;
	int64_t venue_id;
	const char *venue_name, *venue_city;
	int64_t referee_id;
	const char *referee_name;
	int64_t attendance, changed, previous_leg;
	int64_t home_red, away_red;
	int awarded;			/* -1 absent, 0, 1 */
	int player_stats;		/* hasEventPlayerStatistics: -1, 0, 1 */
	const char *last_period;
};

/*
 * Read the event object obj found at path.  Returns true when it has an
 * id (a row can be keyed), false when obj is not an object or its id is
 * absent or broken (reported).  Other broken members are reported, left
 * unset, and counted in c->nbad.
 */
bool sofa_event_read(struct sofa_jctx *c, const struct sofa_jv *obj,
    const char *path, struct sofa_event *ev);

/*
 * Read the document of /event/ID ({"event": {...}}) and check that its id
 * is want (0: any).  Returns true when ev can be used; false after a
 * report (no event object, no id, or another match's id).
 */
bool sofa_event_doc(struct sofa_jctx *c, const struct sofa_jv *root,
    int64_t want, struct sofa_event *ev);

/* Read a score object (absent: every key unset). */
void sofa_score_read(struct sofa_jctx *c, const struct sofa_jv *obj,
    const char *path, struct sofa_score *s);

/*
 * A team object / a player object at path.  Returns 1 when it has an id,
 * 0 when obj is absent or null, -1 when it is not an object or its id is
 * absent or broken (reported).
 */
int sofa_team_read(struct sofa_jctx *c, const struct sofa_jv *obj,
    const char *path, struct sofa_team *t);
int sofa_player_read(struct sofa_jctx *c, const struct sofa_jv *obj,
    const char *path, struct sofa_player *p);

/* Status: "finished" is decided by the type, never by the code. */
bool sofa_status_finished(const struct sofa_event *ev);

/*
 * How a finished match ended, from the status code: "regular" (100),
 * "extra_time" (110, AET), "penalties" (120, AP); NULL for anything else
 * (not finished, 93 Removed, unknown codes).  Static string.
 */
const char *sofa_status_ending(int64_t code);

#endif
