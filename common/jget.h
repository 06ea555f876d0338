/*
 * jget.h - checked reads of members of an API document.
 *
 * The API never promises a key: any may be missing, null, or (after a
 * proxy re-serialized the body) of another type.  These getters read one
 * member and tell the three cases apart: present with the wanted type,
 * absent or null (nothing to say: the column is null), or present with
 * another type, which breaks the contract and is reported as
 *
 *	prog: FILE: PATH.KEY: expected an integer, got string
 *
 * (sofa_contract() in store.h) and counted in the context, so the program
 * can go on and exit 1 at the end.  An id given as a string ("123") is a
 * contract break like any other: it is reported, never silently coerced.
 *
 * An empty array where an object is wanted counts as an empty object: PHP
 * json_encode turns {} into [] (API-NOTES.md 3.1, event 14566612).
 */
#ifndef SOFA_JGET_H
#define SOFA_JGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "json.h"

/* The document being read: its file name (borrowed) and the number of
 * contract breaks reported so far. */
struct sofa_jctx {
	const char *file;
	unsigned long nbad;
};

/* Longest key path a message shows; longer ones are cut. */
#define SOFA_JPATH_LEN 256

/*
 * Each getter reads member key of obj; path is where obj is in the
 * document ("event.homeScore", "incidents[3]"; "" or NULL at the top).
 * Returns 1 with *out set, 0 when the member is absent or null (or obj is
 * not an object), -1 when it has another type (reported, c->nbad
 * incremented; *out untouched).  Strings and values are borrowed from the
 * document.
 */
int sofa_jg_int(struct sofa_jctx *c, const struct sofa_jv *obj,
    const char *path, const char *key, int64_t *out);
int sofa_jg_num(struct sofa_jctx *c, const struct sofa_jv *obj,
    const char *path, const char *key, double *out);
int sofa_jg_str(struct sofa_jctx *c, const struct sofa_jv *obj,
    const char *path, const char *key, const char **out);
int sofa_jg_bool(struct sofa_jctx *c, const struct sofa_jv *obj,
    const char *path, const char *key, bool *out);
/* An object; an empty array counts as an empty object. */
int sofa_jg_obj(struct sofa_jctx *c, const struct sofa_jv *obj,
    const char *path, const char *key, struct sofa_jv **out);
int sofa_jg_arr(struct sofa_jctx *c, const struct sofa_jv *obj,
    const char *path, const char *key, struct sofa_jv **out);

/*
 * An id: an integer >= 1.  A string, a fraction, zero or a negative
 * number is reported ("expected an id (integer >= 1)").
 */
int sofa_jg_id(struct sofa_jctx *c, const struct sofa_jv *obj,
    const char *path, const char *key, int64_t *out);

/* An optional integer field that is not set. */
#define SOFA_UNSET INT64_MIN

/*
 * The same for optional fields, with the value as the result: the integer
 * or id (SOFA_UNSET when absent, null or broken), the string (NULL), the
 * boolean (-1 when absent, null or broken, else 0 or 1), the object (NULL;
 * an empty array or object gives NULL too, with nothing to report).
 */
int64_t sofa_jo_int(struct sofa_jctx *c, const struct sofa_jv *obj,
    const char *path, const char *key);
int64_t sofa_jo_id(struct sofa_jctx *c, const struct sofa_jv *obj,
    const char *path, const char *key);
const char *sofa_jo_str(struct sofa_jctx *c, const struct sofa_jv *obj,
    const char *path, const char *key);
int sofa_jo_bool(struct sofa_jctx *c, const struct sofa_jv *obj,
    const char *path, const char *key);

/* Report path.key in c's file as not what the contract wants, and count
 * it; for checks the getters above cannot express. */
void sofa_jg_bad(struct sofa_jctx *c, const char *path, const char *key,
    const char *want, const struct sofa_jv *got);

/* Report path.key = v as out of the range the contract allows, and count
 * it ("FILE: KEY: V out of range (WHAT)"). */
void sofa_jg_range(struct sofa_jctx *c, const char *path, const char *key,
    int64_t v, const char *what);

/* "PATH[I]" into buf (SOFA_JPATH_LEN bytes), for element paths; returns
 * buf. */
char *sofa_jpath_idx(char *buf, const char *path, size_t i);
/* "PATH.KEY" into buf (SOFA_JPATH_LEN bytes); returns buf. */
char *sofa_jpath_key(char *buf, const char *path, const char *key);

/* Whether v is an object, or an empty array standing for one. */
bool sofa_jv_is_objlike(const struct sofa_jv *v);

#endif
