/*
 * table.c - CSV or NDJSON rows with a fixed set of columns (table.h).
 */
#include <stdlib.h>
#include <string.h>

#include "csvout.h"
#include "ndjson.h"
#include "table.h"
#include "xalloc.h"

enum vtype { V_NULL, V_STR, V_INT, V_REAL, V_BOOL };

struct cell {
	enum vtype type;
	const char *s;
	size_t n;
	int64_t i;
	double d;
};

struct sofa_tab {
	bool json;
	const char *const *cols;
	size_t ncol;
	struct cell *cells;
	struct sofa_csv csv;
	struct sofa_jw jw;
	uint64_t rows;
};

struct sofa_tab *
sofa_tab_new(FILE *fp, bool json, const char *const cols[], size_t n)
{
	return sofa_tab_new_hdr(fp, json, true, cols, n);
}

struct sofa_tab *
sofa_tab_new_hdr(FILE *fp, bool json, bool header, const char *const cols[],
    size_t n)
{
	struct sofa_tab *t = xcalloc(1, sizeof(*t));

	t->json = json;
	t->cols = cols;
	t->ncol = n;
	t->cells = xcalloc(n, sizeof(*t->cells));
	sofa_csv_init(&t->csv, fp);
	sofa_jw_init(&t->jw, fp);
	if (!json && header)
		sofa_csv_header(&t->csv, cols, n);
	return t;
}

void
sofa_tab_free(struct sofa_tab *t)
{
	if (t == NULL)
		return;
	free(t->cells);
	free(t);
}

void
sofa_tab_strn(struct sofa_tab *t, size_t col, const char *s, size_t n)
{
	struct cell *c = &t->cells[col];

	if (s == NULL) {
		c->type = V_NULL;
		return;
	}
	c->type = V_STR;
	c->s = s;
	c->n = n;
}

void
sofa_tab_str(struct sofa_tab *t, size_t col, const char *s)
{
	sofa_tab_strn(t, col, s, s ? strlen(s) : 0);
}

void
sofa_tab_int(struct sofa_tab *t, size_t col, int64_t v)
{
	t->cells[col].type = V_INT;
	t->cells[col].i = v;
}

void
sofa_tab_real(struct sofa_tab *t, size_t col, double v)
{
	t->cells[col].type = V_REAL;
	t->cells[col].d = v;
}

void
sofa_tab_bool(struct sofa_tab *t, size_t col, bool v)
{
	t->cells[col].type = V_BOOL;
	t->cells[col].i = v;
}

void
sofa_tab_null(struct sofa_tab *t, size_t col)
{
	t->cells[col].type = V_NULL;
}

static void
csv_cell(struct sofa_csv *csv, const struct cell *c)
{
	switch (c->type) {
	case V_STR:
		sofa_csv_strn(csv, c->s, c->n);
		break;
	case V_INT:
		sofa_csv_int(csv, c->i);
		break;
	case V_REAL:
		sofa_csv_real(csv, c->d);
		break;
	case V_BOOL:
		sofa_csv_bool(csv, c->i != 0);
		break;
	default:
		sofa_csv_null(csv);
	}
}

static void
json_cell(struct sofa_jw *jw, const struct cell *c)
{
	switch (c->type) {
	case V_STR:
		sofa_jw_strn(jw, c->s, c->n);
		break;
	case V_INT:
		sofa_jw_int(jw, c->i);
		break;
	case V_REAL:
		sofa_jw_real(jw, c->d);
		break;
	case V_BOOL:
		sofa_jw_bool(jw, c->i != 0);
		break;
	default:
		sofa_jw_null(jw);
	}
}

void
sofa_tab_row(struct sofa_tab *t)
{
	if (t->json) {
		sofa_jw_obj(&t->jw);
		for (size_t i = 0; i < t->ncol; i++) {
			sofa_jw_key(&t->jw, t->cols[i]);
			json_cell(&t->jw, &t->cells[i]);
		}
		sofa_jw_obj_end(&t->jw);
		sofa_jw_nl(&t->jw);
	} else {
		for (size_t i = 0; i < t->ncol; i++)
			csv_cell(&t->csv, &t->cells[i]);
		sofa_csv_end(&t->csv);
	}
	for (size_t i = 0; i < t->ncol; i++)
		t->cells[i].type = V_NULL;
	t->rows++;
}

uint64_t
sofa_tab_rows(const struct sofa_tab *t)
{
	return t->rows;
}
