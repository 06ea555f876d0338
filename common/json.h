/*
 * json.h - the JSON seam of libsofa.
 *
 * Tools see only these sofa_j* names; yyjson (Debian's libyyjson-dev) is
 * behind them, chosen on measurement (README, docs/setup.md).  The wrappers
 * are static inline, so the seam costs nothing at run time, and another
 * parser would mean rewriting this file and json.c, not the tools.
 *
 * Parsing is strict RFC 8259: valid UTF-8, no comments, no trailing
 * commas, no NaN, nothing after the value; 64-bit integers are exact.
 *
 * Values (struct sofa_jv) are borrowed from their document and valid until
 * sofa_jdoc_free().  Every getter accepts NULL and answers "absent".
 */
#ifndef SOFA_JSON_H
#define SOFA_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <yyjson.h>

struct sofa_jdoc;
struct sofa_jv;

/* Where and why a parse failed. */
struct sofa_jerr {
	size_t pos;		/* byte offset */
	size_t line, col;	/* 1-based, 0 when unknown */
	char msg[96];
};

/*
 * Parse len bytes at buf.  With insitu, buf must be writable, stay alive
 * as long as the document and be followed by SOFA_PAD bytes (as the
 * buffers of sofa_readfile() and the line reader are); without, it is
 * copied.  Returns a new document (caller frees), or NULL and fills *err.
 */
struct sofa_jdoc *sofa_jdoc_parse(char *buf, size_t len, bool insitu,
    struct sofa_jerr *err);

/*
 * Read and parse the file path, at most max bytes.  Returns a new document
 * (caller frees) that owns the buffer, or NULL with *ioerr set to an errno
 * value (ENOENT: absent, EFBIG: too large) or, when the file was read but
 * is not JSON, *ioerr = 0 and *err filled.
 */
struct sofa_jdoc *sofa_jdoc_load(const char *path, size_t max, int *ioerr,
    struct sofa_jerr *err);

void sofa_jdoc_free(struct sofa_jdoc *doc);

/* The root value; borrowed. */
struct sofa_jv *sofa_jdoc_root(const struct sofa_jdoc *doc);

/* Serialize v compactly; new string (caller frees), *len set if not NULL. */
char *sofa_jv_write(const struct sofa_jv *v, size_t *len);

/* "object", "array", "string", "integer", "number", "boolean", "null" or
 * "absent", for messages. */
const char *sofa_jv_type(const struct sofa_jv *v);

static inline yyjson_val *
sofa_jv_y_(const struct sofa_jv *v)
{
	return (yyjson_val *)(uintptr_t)v;
}

static inline bool
sofa_jv_is_obj(const struct sofa_jv *v)
{
	return yyjson_is_obj(sofa_jv_y_(v));
}

static inline bool
sofa_jv_is_arr(const struct sofa_jv *v)
{
	return yyjson_is_arr(sofa_jv_y_(v));
}

static inline bool
sofa_jv_is_str(const struct sofa_jv *v)
{
	return yyjson_is_str(sofa_jv_y_(v));
}

static inline bool
sofa_jv_is_num(const struct sofa_jv *v)
{
	return yyjson_is_num(sofa_jv_y_(v));
}

static inline bool
sofa_jv_is_int(const struct sofa_jv *v)
{
	return yyjson_is_int(sofa_jv_y_(v));
}

static inline bool
sofa_jv_is_bool(const struct sofa_jv *v)
{
	return yyjson_is_bool(sofa_jv_y_(v));
}

static inline bool
sofa_jv_is_null(const struct sofa_jv *v)
{
	return yyjson_is_null(sofa_jv_y_(v));
}

/* Member key of object v; NULL when v is not an object or has no key. */
static inline struct sofa_jv *
sofa_jv_get(const struct sofa_jv *v, const char *key)
{
	return (struct sofa_jv *)yyjson_obj_get(sofa_jv_y_(v), key);
}

/* The string of v (NUL-terminated, borrowed), or NULL if not a string. */
static inline const char *
sofa_jv_str(const struct sofa_jv *v)
{
	return yyjson_get_str(sofa_jv_y_(v));
}

/* Length of a string value, elements of an array, members of an object. */
static inline size_t
sofa_jv_len(const struct sofa_jv *v)
{
	return yyjson_get_len(sofa_jv_y_(v));
}

/* An integer that fits int64 (a float with no fraction counts, 3.0). */
static inline bool
sofa_jv_int(const struct sofa_jv *v, int64_t *out)
{
	yyjson_val *y = sofa_jv_y_(v);

	if (yyjson_is_sint(y)) {
		*out = yyjson_get_sint(y);
		return true;
	}
	if (yyjson_is_uint(y)) {
		uint64_t u = yyjson_get_uint(y);

		if (u > (uint64_t)INT64_MAX)
			return false;
		*out = (int64_t)u;
		return true;
	}
	if (yyjson_is_real(y)) {
		double d = yyjson_get_real(y);

		if (d >= -9007199254740992.0 && d <= 9007199254740992.0 &&
		    d == (double)(int64_t)d) {
			*out = (int64_t)d;
			return true;
		}
	}
	return false;
}

/* Any number, as a double. */
static inline bool
sofa_jv_num(const struct sofa_jv *v, double *out)
{
	yyjson_val *y = sofa_jv_y_(v);

	if (!yyjson_is_num(y))
		return false;
	*out = yyjson_get_num(y);
	return true;
}

static inline bool
sofa_jv_bool(const struct sofa_jv *v, bool *out)
{
	yyjson_val *y = sofa_jv_y_(v);

	if (!yyjson_is_bool(y))
		return false;
	*out = yyjson_get_bool(y);
	return true;
}

/* Iteration over an array or an object, in document order:
 *
 *	struct sofa_jit it;
 *	struct sofa_jv *x, *k;
 *	sofa_jit_arr(&it, arr);  while ((x = sofa_jit_next(&it)) != NULL) ...
 *	sofa_jit_obj(&it, obj);  while ((k = sofa_jit_key(&it, &x)) != NULL) ...
 *
 * A value of the wrong type iterates over nothing.
 */
struct sofa_jit {
	yyjson_arr_iter a;
	yyjson_obj_iter o;
};

static inline void
sofa_jit_arr(struct sofa_jit *it, const struct sofa_jv *v)
{
	if (!yyjson_arr_iter_init(sofa_jv_y_(v), &it->a))
		it->a.idx = it->a.max = 0;
}

static inline struct sofa_jv *
sofa_jit_next(struct sofa_jit *it)
{
	return (struct sofa_jv *)yyjson_arr_iter_next(&it->a);
}

static inline void
sofa_jit_obj(struct sofa_jit *it, const struct sofa_jv *v)
{
	if (!yyjson_obj_iter_init(sofa_jv_y_(v), &it->o))
		it->o.idx = it->o.max = 0;
}

/* Next member: returns its key (a string value) and sets *val. */
static inline struct sofa_jv *
sofa_jit_key(struct sofa_jit *it, struct sofa_jv **val)
{
	yyjson_val *k = yyjson_obj_iter_next(&it->o);

	if (k == NULL)
		return NULL;
	*val = (struct sofa_jv *)yyjson_obj_iter_get_val(k);
	return (struct sofa_jv *)k;
}

/* Element i of an array, NULL when out of range or not an array; O(i)
 * when the array holds objects or arrays: iterate instead. */
static inline struct sofa_jv *
sofa_jv_at(const struct sofa_jv *v, size_t i)
{
	return (struct sofa_jv *)yyjson_arr_get(sofa_jv_y_(v), i);
}

#endif
