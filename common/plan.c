/*
 * plan.c - resume and refresh decisions from the raw store (plan.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plan.h"
#include "store.h"
#include "timeutil.h"
#include "xalloc.h"

#define MATCH_SPAN (3 * 3600)	/* kick-off to a safe "it is over" */

void
sofa_match_info_init(struct sofa_match_info *mi)
{
	memset(mi, 0, sizeof(*mi));
}

static void
note(struct sofa_match_info *mi, const char *type, time_t start,
    time_t changed)
{
	bool over;

	if (start > 0 && mi->start == 0)
		mi->start = start;
	if (type == NULL)
		return;
	over = strcmp(type, "finished") == 0 || strcmp(type, "canceled") == 0;
	if (!mi->known || (over && !mi->over))
		snprintf(mi->status, sizeof(mi->status), "%s", type);
	mi->known = true;
	if (!over)
		return;
	mi->over = true;
	if (mi->start > 0 && mi->start + MATCH_SPAN > mi->end)
		mi->end = mi->start + MATCH_SPAN;
	if (changed > mi->end)
		mi->end = changed;
	if (mi->end == 0)
		mi->end = 1;	/* over, but when is unknown: long ago */
}

void
sofa_match_info_event(struct sofa_match_info *mi, const struct sofa_jv *ev)
{
	int64_t start = 0, changed = 0;

	if (!sofa_jv_int(sofa_jv_get(ev, "startTimestamp"), &start) ||
	    start < 0)
		start = 0;
	if (!sofa_jv_int(sofa_jv_get(sofa_jv_get(ev, "changes"),
	    "changeTimestamp"), &changed) || changed < 0)
		changed = 0;
	note(mi, sofa_jv_str(sofa_jv_get(sofa_jv_get(ev, "status"), "type")),
	    (time_t)start, (time_t)changed);
}

void
sofa_match_info_index(struct sofa_match_info *mi, const struct sofa_jv *line)
{
	time_t start = 0, changed = 0;
	const char *s;

	if ((s = sofa_jv_str(sofa_jv_get(line, "start_utc"))) == NULL ||
	    !sofa_parse_utc(s, &start))
		start = 0;
	if ((s = sofa_jv_str(sofa_jv_get(line, "changed_utc"))) == NULL ||
	    !sofa_parse_utc(s, &changed))
		changed = 0;
	note(mi, sofa_jv_str(sofa_jv_get(line, "status_type")), start,
	    changed);
}

enum sofa_plan_act
sofa_plan_resource(const struct sofa_plan *p, const struct sofa_match_info *mi,
    const char *path, const char **why, char buf[64])
{
	struct sofa_meta m;
	char *file;
	bool body, absent, before_end;
	time_t asked;
	enum sofa_plan_act act;

	if (p->force) {
		*why = "--force";
		return SOFA_PLAN_FETCH;
	}
	file = sofa_store_file(p->raw_base, path, ".json");
	body = access(file, F_OK) == 0;
	free(file);
	sofa_meta_load(p->raw_base, path, &m);
	absent = m.outcome != NULL && strcmp(m.outcome, "absent") == 0;
	if (body) {
		act = SOFA_PLAN_AGAIN;
		/* when the upstream last confirmed the body (a body without
		 * a matching meta counts as never) */
		asked = m.bytes >= 0 ? m.verified : 0;
		if (p->refresh)
			*why = "--refresh";
		else if (!mi->known)
			*why = "status unknown";
		else if (!mi->over)
			*why = "not finished";
		else if (asked < mi->end)
			*why = "fetched before the end";
		else if (p->now - mi->end < p->refresh_s)
			*why = "refresh window";
		else {
			*why = "complete";
			act = SOFA_PLAN_SKIP;
		}
	} else if (absent) {
		act = SOFA_PLAN_FETCH;
		before_end = mi->over && m.fetched < mi->end;
		if (p->refresh)
			*why = "absent, --refresh";
		else if (before_end)
			*why = "absent before the end";
		else if (mi->over && p->now - mi->end >= p->refresh_s) {
			*why = "absent";
			act = SOFA_PLAN_SKIP;
		} else if (p->now - m.fetched < p->absent_s) {
			*why = "absent, recheck later";
			act = SOFA_PLAN_SKIP;
		} else
			*why = "absent recheck";
	} else if (m.outcome != NULL) {
		snprintf(buf, 64, "%.40s before", m.outcome);
		*why = buf;
		act = SOFA_PLAN_FETCH;
	} else {
		*why = "missing";
		act = SOFA_PLAN_FETCH;
	}
	sofa_meta_free(&m);
	return act;
}
