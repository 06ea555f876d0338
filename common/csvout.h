/*
 * csvout.h - CSV records out, RFC 4180, through libcsv.
 *
 * Fields are separated by "," and records end with "\n".  A field is
 * quoted (by libcsv's csv_fwrite, quotes doubled) only when it must be:
 * when it holds a comma, a quote, CR or LF, starts or ends with a blank,
 * or is the empty string.  An empty unquoted field is null (DESIGN.md), so
 * "" (an empty string) and null stay distinct for readers such as DuckDB.
 * Numbers never depend on the locale; booleans are true and false.
 */
#ifndef SOFA_CSVOUT_H
#define SOFA_CSVOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct sofa_csv {
	FILE *fp;
	bool inrec;	/* a field was written in the current record */
};

void sofa_csv_init(struct sofa_csv *c, FILE *fp);
/* The header record: n column names. */
void sofa_csv_header(struct sofa_csv *c, const char *const cols[], size_t n);
void sofa_csv_str(struct sofa_csv *c, const char *s);	/* NULL: null */
void sofa_csv_strn(struct sofa_csv *c, const char *s, size_t n);
void sofa_csv_null(struct sofa_csv *c);
void sofa_csv_int(struct sofa_csv *c, long long v);
void sofa_csv_real(struct sofa_csv *c, double v);
void sofa_csv_bool(struct sofa_csv *c, bool v);
/* End the record. */
void sofa_csv_end(struct sofa_csv *c);

#endif
