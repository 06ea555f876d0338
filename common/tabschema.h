/*
 * tabschema.h - the machine-readable schemas of the published tables,
 * share/sofa/schema/TABLE.tsv (format in share/sofa/schema/README.md):
 * one line per column in table order, tab-separated fields column, type,
 * key, meaning, source; "#" lines and blank lines are comments.
 *
 * Used by sofa-dq's schema rules, and by anything that wants to check a
 * value against a column's documented type.
 */
#ifndef SOFA_TABSCHEMA_H
#define SOFA_TABSCHEMA_H

#include <stdbool.h>
#include <stddef.h>

enum sofa_ctype {
	SOFA_T_ID,	/* integer >= 1 */
	SOFA_T_INT,
	SOFA_T_REAL,
	SOFA_T_STR,	/* valid UTF-8 */
	SOFA_T_BOOL,	/* true or false */
	SOFA_T_UTC,	/* YYYY-MM-DDTHH:MM:SSZ */
	SOFA_T_ENUM	/* one of the listed words */
};

enum sofa_ckey {
	SOFA_KEY_NONE,	/* "-": may be null */
	SOFA_KEY_PK,	/* part of the primary key: never empty */
	SOFA_KEY_NN	/* never empty */
};

struct sofa_scol {
	char *name;
	char *type;		/* as written: "int", "enum:home|away" */
	enum sofa_ctype ctype;
	char **enums;		/* SOFA_T_ENUM: the words */
	size_t nenum;
	enum sofa_ckey key;
	char *meaning, *source;
};

struct sofa_schema {
	char *table;		/* the file's name without ".tsv" */
	char *file;
	struct sofa_scol *col;
	size_t ncol;
};

/*
 * The tab-separated data files of share/sofa (schemas, DQ rule texts,
 * status codes): call line(arg, text, lineno) for each line of path (at
 * most 1 MiB) that is neither blank nor a "#" comment; text is
 * NUL-terminated and writable, its "\r\n" end removed.  line returns
 * false to stop.  Returns 0, or an errno value when path cannot be read.
 */
int sofa_tsv_each(const char *path, bool (*line)(void *, char *, unsigned),
    void *arg);

/* Split line at its tabs into f[], at most max fields: returns how many,
 * or max + 1 when there are more. */
size_t sofa_tsv_split(char *line, char *f[], size_t max);

/*
 * Load the schema file path (at most 1 MiB).  Returns a new schema
 * (sofa_schema_free), or NULL with "FILE:LINE: what" (or "FILE: why") in
 * err.
 */
struct sofa_schema *sofa_schema_load(const char *path, char *err,
    size_t errlen);
void sofa_schema_free(struct sofa_schema *s);

/*
 * Every file DIR/NAME.tsv, sorted by table name, into a new array of *n schemas
 * (free each, then the array).  NULL with err filled when the directory
 * cannot be read, holds no schema, or one of them is bad.
 */
struct sofa_schema **sofa_schema_load_dir(const char *dir, size_t *n,
    char *err, size_t errlen);

/* Column named name, or NULL. */
const struct sofa_scol *sofa_schema_col(const struct sofa_schema *s,
    const char *name);

/*
 * Does the value v (len bytes, not null) parse as the column's type?  On
 * false, *why (static) says what is wrong: "not an integer", "below 1",
 * "not valid UTF-8" ...
 */
bool sofa_schema_valid(const struct sofa_scol *c, const char *v, size_t len,
    const char **why);

#endif
