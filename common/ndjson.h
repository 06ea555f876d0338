/*
 * ndjson.h - NDJSON in and out: one compact JSON object per line.
 *
 * The writer streams straight to a FILE without building a tree; it keeps
 * track of commas, escapes strings (control characters, quotes, and any
 * invalid UTF-8 replaced by U+FFFD, so its output is always valid JSON) and
 * writes numbers without depending on the locale.
 */
#ifndef SOFA_NDJSON_H
#define SOFA_NDJSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "io.h"
#include "json.h"

#define SOFA_JW_MAXDEPTH 64

struct sofa_jw {
	FILE *fp;
	unsigned depth;
	bool comma[SOFA_JW_MAXDEPTH];	/* a member was written at depth */
	bool after_key;
};

void sofa_jw_init(struct sofa_jw *w, FILE *fp);
void sofa_jw_obj(struct sofa_jw *w);
void sofa_jw_obj_end(struct sofa_jw *w);
void sofa_jw_arr(struct sofa_jw *w);
void sofa_jw_arr_end(struct sofa_jw *w);
void sofa_jw_key(struct sofa_jw *w, const char *key);
void sofa_jw_str(struct sofa_jw *w, const char *s);	/* NULL: null */
void sofa_jw_strn(struct sofa_jw *w, const char *s, size_t n);
void sofa_jw_int(struct sofa_jw *w, long long v);
void sofa_jw_real(struct sofa_jw *w, double v);
void sofa_jw_bool(struct sofa_jw *w, bool v);
void sofa_jw_null(struct sofa_jw *w);
/* A value from a parsed document, re-serialized compactly. */
void sofa_jw_jv(struct sofa_jw *w, const struct sofa_jv *v);
/* End the record: "\n".  The object must be closed. */
void sofa_jw_nl(struct sofa_jw *w);

/* Key and value in one call; the k*_opt forms write null when absent. */
void sofa_jw_kstr(struct sofa_jw *w, const char *key, const char *s);
void sofa_jw_kint(struct sofa_jw *w, const char *key, long long v);
void sofa_jw_kreal(struct sofa_jw *w, const char *key, double v);
void sofa_jw_kbool(struct sofa_jw *w, const char *key, bool v);
void sofa_jw_knull(struct sofa_jw *w, const char *key);

/* Whether the n bytes at s are valid UTF-8 (no overlong forms, no
 * surrogates, nothing above U+10FFFF). */
bool sofa_utf8_valid(const char *s, size_t n);

/* Write s (n bytes) as a quoted JSON string to fp. */
void sofa_json_quote(FILE *fp, const char *s, size_t n);

/*
 * Next record of an NDJSON stream.  Blank lines are skipped.  Returns 1
 * with a new document *doc (caller frees; parsed in place, it borrows the
 * reader's line, so free it before the next call) whose root is an object; 0 at
 * the end; -1 for a bad line (too long, not JSON, not an object), after
 * a warning naming NAME:LINE, so that the caller can go on and exit 1 at
 * the end; -2 on a read error (warned).
 */
int sofa_nd_next(struct sofa_lr *lr, struct sofa_jdoc **doc);

#endif
