/*
 * incident.h - the incidents of a match (/event/ID/incidents).
 *
 * The document is {"incidents": [...], "home"?: {...}, "away"?: {...}},
 * its list newest first (API-NOTES.md 3.7).  sofa_incidents_list() hands
 * the elements back oldest first; sofa_incident_read() reads one element
 * of any type into a flat struct, leaving what the type does not carry
 * unset.  Unknown types are read like the others: a caller keeps them.
 * Strings are borrowed from the document.
 */
#ifndef SOFA_INCIDENT_H
#define SOFA_INCIDENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"

struct sofa_incident {
	const char *type;		/* incidentType */
	const char *klass;		/* incidentClass */
	int64_t id;
	int64_t time, added_time;	/* added_time: the 999 of period
					 * markers is left unset */
	int64_t bench_time, bench_added_time;
	int64_t length;			/* injuryTime: announced minutes */
	int64_t sequence;		/* penaltyShootout */
	int64_t home_score, away_score;	/* after the incident */
	int is_home;			/* -1 unknown */
	struct sofa_player player, assist1, assist2, player_in, player_out;
	const char *player_name;	/* player.name, or playerName */
	int64_t manager_id;
	const char *manager_name;
	const char *text, *reason, *description;
	int rescinded, injury, confirmed;	/* -1 unknown */
};

/* The added time of period markers: not a length, a placeholder. */
#define SOFA_ADDED_TIME_SENTINEL 999

/*
 * The elements of root's "incidents" array, oldest first, into *items (a
 * vector of *cap elements, grown as needed and kept by the caller across
 * documents; free it at the end).  Returns the count, or -1 (reported)
 * when root is not an object or "incidents" is absent or not an array.
 */
long sofa_incidents_list(struct sofa_jctx *c, const struct sofa_jv *root,
    struct sofa_jv ***items, size_t *cap);

/*
 * Read the incident obj found at path.  Returns true when it is an object
 * with a string incidentType; false (reported) otherwise.  Broken members
 * are reported and left unset.
 */
bool sofa_incident_read(struct sofa_jctx *c, const struct sofa_jv *obj,
    const char *path, struct sofa_incident *inc);

#endif
