/*
 * minutes.h - who took the field, from when to when, and what they did:
 * the replay of a match's incidents (event/ID/incidents.json) over its
 * lineup.  docs/consumption.md ("Minutes") gives the rules with worked
 * examples; in short:
 *
 *   - a minute is the incident's time, except that stoppage time counts at
 *     the period's nominal end (45+2 is 45, 90+5 is 90), the first minute
 *     of a half is its start (a half-time substitution, shown as 46', is
 *     45; likewise 91' is 90 and 106' is 105), and nothing is after the
 *     end of play;
 *   - the end of play is 90, or 120 when extra time was played;
 *   - starters (substitute: false) are on from 0; a substitute is on from
 *     the substitution that brings him on (playerIn), or, if none does but
 *     his statistics report minutesPlayed > 0, he took the field at an
 *     unknown minute; anyone else did not play;
 *   - a player is off at his own substitution (playerOut) or sending-off
 *     (a red or a second yellow, "yellowRed", not rescinded), whichever
 *     comes first, otherwise at the end of play;
 *   - goals: regular and penalty goals count for the scorer (penalties
 *     also as penalty goals), own goals as own goals for the player who
 *     scored them (isHome names the side credited); assist1 is an assist;
 *     the incident class decides, or, in documents without it, "from"
 *     (owngoal, penalty); VAR decisions change nothing (an overturned goal
 *     has no goal incident); missed penalties, shoot-out kicks
 *     (penaltyShootout, or any incident after minute 120) count for
 *     nothing;
 *   - cards: yellow, yellowRed (second yellow) and red, unless rescinded;
 *     cards to managers and staff (a "manager" instead of a "player", a
 *     negative time) never touch the players;
 *   - incidents of an unknown type are passed over.
 */
#ifndef SOFA_MINUTES_H
#define SOFA_MINUTES_H

#include <stdbool.h>
#include <stdint.h>

#include "evinfo.h"
#include "lineups.h"
#include "xform.h"

/* One lineup entry's match. */
struct sofa_app {
	bool played;		/* took the field */
	bool timed;		/* minute_on and minute_off are known */
	int on, off;		/* minute_on, minute_off */
	int goals, penalty_goals, own_goals, assists;
	int yellow, second_yellow, red;
};

struct sofa_replay {
	struct sofa_app *app;	/* parallel to the lineup's entries */
	size_t cap;
	bool extra_time;	/* played: from the event or the incidents */
	int end;		/* end of play: 90 or 120 */
};

void sofa_replay_init(struct sofa_replay *r);
void sofa_replay_free(struct sofa_replay *r);

/*
 * Replay incidents document d over lineup lu of a match whose event facts
 * are ev: fills r->app[i] for every lu->p[i].  A mistyped incident is
 * reported through xf (file and key) and passed over.  Returns false when
 * "incidents" is not an array (then nobody is known to have played).
 */
bool sofa_replay_run(struct sofa_replay *r, const struct sofa_lu *lu,
    const struct sofa_evinfo *ev, struct sofa_xf *xf,
    const struct sofa_xdoc *d);

/*
 * The minute of an incident at time (plus added, stoppage time) in a match
 * whose play ends at end, by the rules above.
 */
int sofa_minute(int64_t time, int64_t added, int end);

#endif
