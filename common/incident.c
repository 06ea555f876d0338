/*
 * incident.c - reading the incidents document (incident.h).
 */
#include <string.h>

#include "incident.h"
#include "xalloc.h"

long
sofa_incidents_list(struct sofa_jctx *c, const struct sofa_jv *root,
    struct sofa_jv ***items, size_t *cap)
{
	struct sofa_jv *arr = NULL, *x;
	struct sofa_jit it;
	size_t n;
	int r;

	if (!sofa_jv_is_obj(root)) {
		sofa_jg_bad(c, "(top level)", NULL, "an object", root);
		return -1;
	}
	if ((r = sofa_jg_arr(c, root, NULL, "incidents", &arr)) != 1) {
		if (r == 0)
			sofa_jg_bad(c, "incidents", NULL, "an array",
			    sofa_jv_get(root, "incidents"));
		return -1;
	}
	n = sofa_jv_len(arr);
	xgrow((void **)items, cap, n, sizeof(**items));
	sofa_jit_arr(&it, arr);
	for (size_t i = n; (x = sofa_jit_next(&it)) != NULL && i > 0; i--)
		(*items)[i - 1] = x;
	return (long)n;
}

static void
person(struct sofa_jctx *c, const struct sofa_jv *obj, const char *path,
    const char *key, struct sofa_player *p)
{
	char q[SOFA_JPATH_LEN];

	sofa_player_read(c, sofa_jv_get(obj, key), sofa_jpath_key(q, path, key),
	    p);
}

bool
sofa_incident_read(struct sofa_jctx *c, const struct sofa_jv *obj,
    const char *path, struct sofa_incident *inc)
{
	struct sofa_player mgr;

	memset(inc, 0, sizeof(*inc));
	if (!sofa_jv_is_obj(obj)) {
		sofa_jg_bad(c, path, NULL, "an object", obj);
		return false;
	}
	switch (sofa_jg_str(c, obj, path, "incidentType", &inc->type)) {
	case 1:
		break;
	case 0:
		sofa_jg_bad(c, path, "incidentType", "a string",
		    sofa_jv_get(obj, "incidentType"));
		/* FALLTHROUGH */
	default:
		return false;
	}
	inc->klass = sofa_jo_str(c, obj, path, "incidentClass");
	inc->id = sofa_jo_int(c, obj, path, "id");
	inc->time = sofa_jo_int(c, obj, path, "time");
	inc->added_time = sofa_jo_int(c, obj, path, "addedTime");
	if (inc->added_time == SOFA_ADDED_TIME_SENTINEL)
		inc->added_time = SOFA_UNSET;
	inc->bench_time = sofa_jo_int(c, obj, path, "benchTime");
	inc->bench_added_time = sofa_jo_int(c, obj, path, "benchAddedTime");
	inc->length = sofa_jo_int(c, obj, path, "length");
	inc->sequence = sofa_jo_int(c, obj, path, "sequence");
	inc->home_score = sofa_jo_int(c, obj, path, "homeScore");
	inc->away_score = sofa_jo_int(c, obj, path, "awayScore");
	inc->is_home = sofa_jo_bool(c, obj, path, "isHome");
	person(c, obj, path, "player", &inc->player);
	person(c, obj, path, "assist1", &inc->assist1);
	person(c, obj, path, "assist2", &inc->assist2);
	person(c, obj, path, "playerIn", &inc->player_in);
	person(c, obj, path, "playerOut", &inc->player_out);
	person(c, obj, path, "manager", &mgr);
	inc->manager_id = mgr.id;
	inc->manager_name = mgr.name;
	inc->player_name = inc->player.name;
	if (inc->player_name == NULL)
		inc->player_name = sofa_jo_str(c, obj, path, "playerName");
	inc->text = sofa_jo_str(c, obj, path, "text");
	inc->reason = sofa_jo_str(c, obj, path, "reason");
	inc->description = sofa_jo_str(c, obj, path, "description");
	inc->rescinded = sofa_jo_bool(c, obj, path, "rescinded");
	inc->injury = sofa_jo_bool(c, obj, path, "injury");
	inc->confirmed = sofa_jo_bool(c, obj, path, "confirmed");
	return true;
}
