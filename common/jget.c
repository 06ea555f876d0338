/*
 * jget.c - checked reads of document members (jget.h).
 */
#include <inttypes.h>
#include <stdio.h>

#include "err.h"

#include "jget.h"
#include "store.h"

char *
sofa_jpath_key(char *buf, const char *path, const char *key)
{
	if (path == NULL || *path == '\0')
		snprintf(buf, SOFA_JPATH_LEN, "%s", key);
	else
		snprintf(buf, SOFA_JPATH_LEN, "%s.%s", path, key);
	return buf;
}

char *
sofa_jpath_idx(char *buf, const char *path, size_t i)
{
	snprintf(buf, SOFA_JPATH_LEN, "%s[%zu]", path ? path : "", i);
	return buf;
}

void
sofa_jg_bad(struct sofa_jctx *c, const char *path, const char *key,
    const char *want, const struct sofa_jv *got)
{
	char p[SOFA_JPATH_LEN];

	sofa_contract(c->file, key ? sofa_jpath_key(p, path, key) : path,
	    want, got);
	c->nbad++;
}

void
sofa_jg_range(struct sofa_jctx *c, const char *path, const char *key,
    int64_t v, const char *what)
{
	char p[SOFA_JPATH_LEN];

	sofa_warnx("%s: %s: %" PRId64 " out of range (%s)", c->file,
	    key ? sofa_jpath_key(p, path, key) : path, v, what);
	c->nbad++;
}

bool
sofa_jv_is_objlike(const struct sofa_jv *v)
{
	return sofa_jv_is_obj(v) || (sofa_jv_is_arr(v) && sofa_jv_len(v) == 0);
}

/* The member, or NULL when absent or null. */
static struct sofa_jv *
member(const struct sofa_jv *obj, const char *key)
{
	struct sofa_jv *v = sofa_jv_get(obj, key);

	return sofa_jv_is_null(v) ? NULL : v;
}

int
sofa_jg_int(struct sofa_jctx *c, const struct sofa_jv *obj, const char *path,
    const char *key, int64_t *out)
{
	struct sofa_jv *v = member(obj, key);

	if (v == NULL)
		return 0;
	if (!sofa_jv_int(v, out)) {
		sofa_jg_bad(c, path, key, "an integer", v);
		return -1;
	}
	return 1;
}

int
sofa_jg_id(struct sofa_jctx *c, const struct sofa_jv *obj, const char *path,
    const char *key, int64_t *out)
{
	struct sofa_jv *v = member(obj, key);
	int64_t id;

	if (v == NULL)
		return 0;
	if (!sofa_jv_int(v, &id) || id < 1) {
		sofa_jg_bad(c, path, key, "an id (integer >= 1)", v);
		return -1;
	}
	*out = id;
	return 1;
}

int
sofa_jg_num(struct sofa_jctx *c, const struct sofa_jv *obj, const char *path,
    const char *key, double *out)
{
	struct sofa_jv *v = member(obj, key);

	if (v == NULL)
		return 0;
	if (!sofa_jv_num(v, out)) {
		sofa_jg_bad(c, path, key, "a number", v);
		return -1;
	}
	return 1;
}

int
sofa_jg_str(struct sofa_jctx *c, const struct sofa_jv *obj, const char *path,
    const char *key, const char **out)
{
	struct sofa_jv *v = member(obj, key);

	if (v == NULL)
		return 0;
	if (!sofa_jv_is_str(v)) {
		sofa_jg_bad(c, path, key, "a string", v);
		return -1;
	}
	*out = sofa_jv_str(v);
	return 1;
}

int
sofa_jg_bool(struct sofa_jctx *c, const struct sofa_jv *obj, const char *path,
    const char *key, bool *out)
{
	struct sofa_jv *v = member(obj, key);

	if (v == NULL)
		return 0;
	if (!sofa_jv_bool(v, out)) {
		sofa_jg_bad(c, path, key, "a boolean", v);
		return -1;
	}
	return 1;
}

int
sofa_jg_obj(struct sofa_jctx *c, const struct sofa_jv *obj, const char *path,
    const char *key, struct sofa_jv **out)
{
	struct sofa_jv *v = member(obj, key);

	if (v == NULL)
		return 0;
	if (!sofa_jv_is_objlike(v)) {
		sofa_jg_bad(c, path, key, "an object", v);
		return -1;
	}
	*out = v;
	return 1;
}

int
sofa_jg_arr(struct sofa_jctx *c, const struct sofa_jv *obj, const char *path,
    const char *key, struct sofa_jv **out)
{
	struct sofa_jv *v = member(obj, key);

	if (v == NULL)
		return 0;
	if (!sofa_jv_is_arr(v)) {
		sofa_jg_bad(c, path, key, "an array", v);
		return -1;
	}
	*out = v;
	return 1;
}

int64_t
sofa_jo_int(struct sofa_jctx *c, const struct sofa_jv *obj, const char *path,
    const char *key)
{
	int64_t v;

	return sofa_jg_int(c, obj, path, key, &v) == 1 ? v : SOFA_UNSET;
}

int64_t
sofa_jo_id(struct sofa_jctx *c, const struct sofa_jv *obj, const char *path,
    const char *key)
{
	int64_t v;

	return sofa_jg_id(c, obj, path, key, &v) == 1 ? v : SOFA_UNSET;
}

const char *
sofa_jo_str(struct sofa_jctx *c, const struct sofa_jv *obj, const char *path,
    const char *key)
{
	const char *s;

	return sofa_jg_str(c, obj, path, key, &s) == 1 ? s : NULL;
}

int
sofa_jo_bool(struct sofa_jctx *c, const struct sofa_jv *obj, const char *path,
    const char *key)
{
	bool b;

	return sofa_jg_bool(c, obj, path, key, &b) == 1 ? b : -1;
}
