/*
 * lineups.h - a lineups document (event/ID/lineups.json) read into one
 * flat list of player entries, checked against the contract.
 *
 * The document is {confirmed, home: {players: [entry...], formation,
 * missingPlayers?, ...}, away: {...}} (API-NOTES 3.6).  Per entry the
 * reader settles the format drift once, for every program that uses it:
 *   - position: the entry's, else player.position (5 of 1,610 entries lack
 *     it, a starter of 11733377 among them);
 *   - captain: the key is present only when true;
 *   - shirt number: shirtNumber (int), else jerseyNumber (the same number
 *     as a string), else player.jerseyNumber;
 *   - team: teamId exists only in the newest format (2025), and a
 *     substitute's can name another team of the club (13472737: Yago Noal,
 *     212171, a reserve side): the side's team is the event's
 *     homeTeam/awayTeam, else the teamId of its starters
 *     (sofa_lu_team());
 *   - statistics: absent, {} (unused substitutes), or an object; "[]" is
 *     read as {} (re-serialized documents); minutesPlayed and rating are
 *     picked out, the rest stays in the document for the caller.
 */
#ifndef SOFA_LINEUPS_H
#define SOFA_LINEUPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "evinfo.h"
#include "json.h"
#include "xform.h"

struct sofa_lu_player {
	int side;			/* SOFA_HOME or SOFA_AWAY */
	size_t index;			/* in SIDE.players[] */
	const struct sofa_jv *entry;	/* the entry, borrowed */
	int64_t id;			/* player.id, >= 1 */
	const char *name;		/* player.name; NULL */
	const char *slug;		/* player.slug; NULL */
	const char *position;		/* see above; NULL */
	bool substitute;
	bool captain;
	bool has_shirt;
	int64_t shirt;
	bool has_team;
	int64_t team_id;		/* teamId (see sofa_lu_team()) */
	const struct sofa_jv *stats;	/* statistics, NULL when absent */
	bool has_minutes;
	int64_t minutes;		/* statistics.minutesPlayed */
	bool has_rating;
	double rating;			/* statistics.rating */
};

struct sofa_lu_side {
	bool present;			/* the side's object was readable */
	const char *formation;		/* NULL */
	const struct sofa_jv *missing;	/* missingPlayers, NULL */
};

struct sofa_lu {
	bool has_confirmed;
	bool confirmed;
	struct sofa_lu_side side[2];
	struct sofa_lu_player *p;	/* home entries first, document order */
	size_t n, cap;
};

/* An empty reader; sofa_lu_parse() reuses its memory from match to match. */
void sofa_lu_init(struct sofa_lu *lu);
void sofa_lu_free(struct sofa_lu *lu);

/*
 * Read lineups document d into lu (strings borrowed from d).  Each
 * contract problem is reported through xf naming the file and the key
 * ("home: expected an object, got absent", "away.players[3].player.id:
 * expected an integer, got string") and what it breaks is left out: the
 * entry, or the whole side.  A player listed twice is reported and kept
 * once.  Returns false when an entry or a side was left out (a mistyped
 * optional key is reported too, and read as absent).
 */
bool sofa_lu_parse(struct sofa_lu *lu, struct sofa_xf *xf,
    const struct sofa_xdoc *d);

/* The entry of player id, or NULL. */
const struct sofa_lu_player *sofa_lu_find(const struct sofa_lu *lu,
    int64_t id);

/*
 * The team of side s: ev's team id when it has one (ev may be NULL), else
 * the teamId of the side's first starter that has one, else 0.
 */
int64_t sofa_lu_team(const struct sofa_lu *lu, const struct sofa_evinfo *ev,
    int s);

/* "home" or "away". */
const char *sofa_side_name(int side);

#endif
