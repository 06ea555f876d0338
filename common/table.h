/*
 * table.h - rows of a published table, as CSV (header first) or NDJSON.
 *
 * A table has fixed columns (share/sofa/schema/TABLE.tsv documents them).
 * A row is filled column by column, in any order; columns not set are
 * null; sofa_tab_row() writes it and clears it.  Strings are borrowed until
 * the row is written, so values can point straight into a parsed document.
 */
#ifndef SOFA_TABLE_H
#define SOFA_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct sofa_tab;

/* A new table writer of n columns (names borrowed, static) to fp; CSV
 * writes the header now.  Caller frees. */
struct sofa_tab *sofa_tab_new(FILE *fp, bool json, const char *const cols[],
    size_t n);
void sofa_tab_free(struct sofa_tab *t);

/* As sofa_tab_new(), but the CSV header row is written only when header is
 * true: parts of a table that are concatenated later have none. */
struct sofa_tab *sofa_tab_new_hdr(FILE *fp, bool json, bool header,
    const char *const cols[], size_t n);

void sofa_tab_str(struct sofa_tab *t, size_t col, const char *s);
void sofa_tab_strn(struct sofa_tab *t, size_t col, const char *s, size_t n);
void sofa_tab_int(struct sofa_tab *t, size_t col, int64_t v);
void sofa_tab_real(struct sofa_tab *t, size_t col, double v);
void sofa_tab_bool(struct sofa_tab *t, size_t col, bool v);
void sofa_tab_null(struct sofa_tab *t, size_t col);

/* Write the row (CSV record or NDJSON object) and clear every column. */
void sofa_tab_row(struct sofa_tab *t);

/* Rows written so far. */
uint64_t sofa_tab_rows(const struct sofa_tab *t);

#endif
