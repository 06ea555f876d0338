/*
 * evinfo.h - the facts of a match that the transforms need from its event
 * document (event/ID.json): teams, competition, start, status, displayed
 * score, and whether extra time was played.
 */
#ifndef SOFA_EVINFO_H
#define SOFA_EVINFO_H

#include <stdbool.h>
#include <stdint.h>

#include "xform.h"

/* Sides of a match, as in lineups ("home", "away") and isHome. */
enum { SOFA_HOME = 0, SOFA_AWAY = 1 };

struct sofa_evinfo {
	int64_t team_id[2];		/* homeTeam.id, awayTeam.id; 0 */
	int64_t tournament_id;		/* tournament.uniqueTournament.id; 0 */
	int64_t season_id;		/* season.id; 0 */
	bool has_start;
	int64_t start;			/* startTimestamp, Unix seconds */
	int64_t status_code;		/* status.code; -1: absent */
	const char *status_type;	/* status.type, borrowed; NULL */
	bool has_score[2];
	int64_t score[2];		/* home/awayScore.display */
	bool extra_time;		/* see sofa_evinfo_parse() */
};

/*
 * Read the facts of the event document d (root {"event": {...}}) into ev;
 * strings are borrowed from d.  The team ids, when present, must be
 * positive integers, and every key read must have its documented type: a
 * problem is reported through xf (file and key) and the key is treated as
 * absent.  Returns false when "event" is not an object (nothing is known).
 *
 * extra_time is true when the status is 110 (AET), or when either score
 * carries extra1, extra2 or overtime: a match decided on penalties (120)
 * went to extra time only if its score says so, for many competitions go
 * straight to the shoot-out after 90 minutes (EFL Cup 14424510,
 * Sudamericana 15254179).
 */
bool sofa_evinfo_parse(struct sofa_evinfo *ev, struct sofa_xf *xf,
    const struct sofa_xdoc *d);

/* "W", "D" or "L" for side, or NULL when a score is unknown. */
const char *sofa_evinfo_result(const struct sofa_evinfo *ev, int side);

/* Is the match over (status.type "finished")? */
bool sofa_evinfo_finished(const struct sofa_evinfo *ev);

#endif
