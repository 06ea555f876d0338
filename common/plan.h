/*
 * plan.h - what a fetch should ask for, decided from what is on disk.
 *
 * State lives in the raw store (DESIGN.md): a resource is fetched, asked
 * again conditionally, or skipped according to its .json and .meta and to
 * what is known of its match (the stored event body, or the match's index
 * line).  The rules, in order (docs/sofa-fetch.1, "RESUME AND REFRESH"):
 *
 *   --force                                   fetch   "--force"
 *   a body is stored, and
 *     --refresh                               again   "--refresh"
 *     the match's state is unknown            again   "status unknown"
 *     the match is not over                   again   "not finished"
 *     the body was confirmed before the end   again   "fetched before the end"
 *     the end is less than refresh_hours ago  again   "refresh window"
 *     otherwise                               skip    "complete"
 *   no body, the last outcome was absent (404), and
 *     --refresh                               fetch   "absent, --refresh"
 *     it was asked before the match ended     fetch   "absent before the end"
 *     the match ended refresh_hours ago       skip    "absent"
 *     asked less than absent_recheck_hours ago skip   "absent, recheck later"
 *     otherwise                               fetch   "absent recheck"
 *   no body, another outcome                  fetch   "OUTCOME before"
 *   nothing at all                            fetch   "missing"
 *
 * "Over" is a status type of finished or canceled; its end is the later of
 * the event's last change (changes.changeTimestamp) and kick-off + 3 h.
 */
#ifndef SOFA_PLAN_H
#define SOFA_PLAN_H

#include <stdbool.h>
#include <time.h>

#include "json.h"

struct sofa_plan {
	const char *raw_base;
	time_t now;
	long long refresh_s;	/* refresh_hours in seconds */
	long long absent_s;	/* absent_recheck_hours in seconds */
	bool refresh, force;
};

/* What is known of a match. */
struct sofa_match_info {
	bool known;		/* a status was seen */
	bool over;		/* finished or canceled */
	time_t start;		/* kick-off, 0 unknown */
	time_t end;		/* estimated end when over, else 0 */
	char status[24];	/* status type ("" unknown), for messages */
};

/* Empty: nothing known. */
void sofa_match_info_init(struct sofa_match_info *mi);

/*
 * Add what an event object says ({"id", "status": {"type"},
 * "startTimestamp", "changes": {"changeTimestamp"}}: the "event" member of
 * an event body, or an element of a list).  A match is over when either
 * source says so; the end is the latest estimate.
 */
void sofa_match_info_event(struct sofa_match_info *mi,
    const struct sofa_jv *event);

/* Add what a match index line says (status_type, start_utc, changed_utc,
 * as sofa-discover writes them). */
void sofa_match_info_index(struct sofa_match_info *mi,
    const struct sofa_jv *line);

enum sofa_plan_act {
	SOFA_PLAN_SKIP,		/* nothing to ask */
	SOFA_PLAN_FETCH,	/* not stored: ask */
	SOFA_PLAN_AGAIN		/* stored: ask again (conditionally) */
};

/*
 * Decide for the resource at API path (its .json and .meta under
 * p->raw_base) of a match described by mi.  *why gets the reason (static
 * or in buf, which needs 64 bytes).
 */
enum sofa_plan_act sofa_plan_resource(const struct sofa_plan *p,
    const struct sofa_match_info *mi, const char *path, const char **why,
    char buf[64]);

#endif
