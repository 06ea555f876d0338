/*
 * csvin.h - CSV records in, RFC 4180, through libcsv's parser.
 *
 * The reading half of csvout.h, strict enough to check a published table:
 * fields are separated by "," and records end with "\n" ("\r\n" is
 * accepted, and reads as "\n" inside a quoted field too; a UTF-8
 * byte-order mark at the start is dropped); blanks are
 * data, never trimmed; a quote inside an unquoted field or after a closing
 * quote is an error.  An empty unquoted field is null (NULL), "" is the
 * empty string, as csvout.h writes them.
 *
 * Every error names FILE:LINE, LINE being where the record starts (a
 * quoted field may span lines).  A broken record is reported and skipped
 * and reading goes on with the next line, so that a caller can count them
 * and exit 1 (or fail a check) at the end.  What counts as broken:
 *   - bad quoting (libcsv's strict mode);
 *   - a record longer than the cap (over-long line, or a quoted field that
 *     never closes);
 *   - a NUL byte;
 *   - a blank line;
 *   - after sofa_csvin_header(): a field count other than the header's;
 *   - the last record without its final newline, or ending inside a quoted
 *     field: a truncated file (sofa's writers always end records with
 *     "\n" and replace files atomically).
 */
#ifndef SOFA_CSVIN_H
#define SOFA_CSVIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct sofa_csvin;

enum {
	SOFA_CSV_EOF = 0,	/* no more records */
	SOFA_CSV_REC = 1,	/* a record */
	SOFA_CSV_BAD = -1,	/* a broken record, skipped (see above) */
	SOFA_CSV_IOERR = -2	/* read error: stop */
};

/*
 * A reader of the file path (new, caller frees with sofa_csvin_free(),
 * which closes the file), records of at most maxrec bytes (0: the default
 * line cap of io.h).  NULL with errno set when it cannot be opened or is a
 * directory.
 */
struct sofa_csvin *sofa_csvin_open(const char *path, size_t maxrec);

/* A reader over fp, named name in messages ("-": "<stdin>"); fp is not
 * closed.  New, caller frees. */
struct sofa_csvin *sofa_csvin_new(FILE *fp, const char *name, size_t maxrec);

void sofa_csvin_free(struct sofa_csvin *r);

/*
 * Read the first record as the header: SOFA_CSV_REC, or SOFA_CSV_EOF for
 * an empty file, SOFA_CSV_BAD when the header itself is broken or has an
 * empty or null name, SOFA_CSV_IOERR.  From then on every record must have
 * as many fields as the header.
 */
int sofa_csvin_header(struct sofa_csvin *r);

/* Columns of the header, and the name of column i (borrowed). */
size_t sofa_csvin_ncols(const struct sofa_csvin *r);
const char *sofa_csvin_colname(const struct sofa_csvin *r, size_t i);

/* Index of the first column named name, or -1. */
long sofa_csvin_col(const struct sofa_csvin *r, const char *name);

/* The next record: SOFA_CSV_REC, SOFA_CSV_EOF, SOFA_CSV_BAD or
 * SOFA_CSV_IOERR. */
int sofa_csvin_next(struct sofa_csvin *r);

/* Fields of the current record. */
size_t sofa_csvin_nf(const struct sofa_csvin *r);

/*
 * Field i of the current record: NUL-terminated (borrowed until the next
 * record), its length in *len when len is not NULL; NULL for a null field
 * (and for i out of range).
 */
const char *sofa_csvin_get(const struct sofa_csvin *r, size_t i, size_t *len);

/* Line where the current (or the last broken) record starts, 1-based. */
unsigned long sofa_csvin_line(const struct sofa_csvin *r);

/* The reader's name, as messages give it; borrowed. */
const char *sofa_csvin_name(const struct sofa_csvin *r);

/*
 * After SOFA_CSV_BAD or SOFA_CSV_IOERR: "FILE:LINE: what is wrong"
 * (borrowed until the next call), and the same without "FILE:LINE: ".
 */
const char *sofa_csvin_error(const struct sofa_csvin *r);
const char *sofa_csvin_why(const struct sofa_csvin *r);

#endif
