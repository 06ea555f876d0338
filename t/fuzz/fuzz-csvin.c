/*
 * fuzz-csvin.c - libFuzzer harness: the strict CSV reader of sofa-dq
 * (common/csvin.c) over arbitrary bytes.  Every record it accepts must
 * have the header's field count, NUL-free fields of the length it says,
 * lines that never go back; every field is type-checked as each schema
 * type; and each accepted record, written back by the CSV writer
 * (csvout.c) and read again, must give the same fields (but for a CR LF
 * inside a quoted field, which reads as LF).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvin.h"
#include "csvout.h"
#include "tabschema.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every type check over v; only that it returns matters. */
static void
check_types(const char *v, size_t len)
{
	static char home[] = "home", away[] = "away";
	static char *words[] = { home, away };
	struct sofa_scol c;
	const char *why;

	memset(&c, 0, sizeof(c));
	c.enums = words;
	c.nenum = 2;
	for (int t = SOFA_T_ID; t <= SOFA_T_ENUM; t++) {
		c.ctype = (enum sofa_ctype)t;
		if (!sofa_schema_valid(&c, v, len, &why) && why == NULL)
			abort();
	}
}

/* Whether y (b bytes) is x (a bytes) with every CR LF read as LF. */
static bool
same_but_crlf(const char *x, size_t a, const char *y, size_t b)
{
	size_t i = 0, j = 0;

	while (i < a && j < b) {
		if (x[i] == '\r' && i + 1 < a && x[i + 1] == '\n')
			i++;
		if (x[i++] != y[j++])
			return false;
	}
	return i == a && j == b;
}

/* Write the current record of r after a column "h", read it back. */
static void
round_trip(struct sofa_csvin *r)
{
	struct sofa_csvin *back;
	struct sofa_csv out;
	char *buf = NULL;
	size_t blen = 0, nf = sofa_csvin_nf(r);
	FILE *fp = open_memstream(&buf, &blen);

	sofa_csv_init(&out, fp);
	for (size_t i = 0; i <= nf; i++) {
		size_t len;
		const char *v = i == 0 ? "h" : sofa_csvin_get(r, i - 1, &len);

		if (i == 0 || v == NULL)
			sofa_csv_str(&out, v);
		else
			sofa_csv_strn(&out, v, len);
	}
	sofa_csv_end(&out);
	fclose(fp);
	if ((fp = fmemopen(buf, blen, "r")) == NULL)
		abort();
	back = sofa_csvin_new(fp, "back", 0);
	if (sofa_csvin_next(back) != SOFA_CSV_REC ||
	    sofa_csvin_nf(back) != nf + 1)
		abort();
	for (size_t i = 0; i < nf; i++) {
		size_t a, b;
		const char *x = sofa_csvin_get(r, i, &a);
		const char *y = sofa_csvin_get(back, i + 1, &b);

		if ((x == NULL) != (y == NULL) || (x != NULL &&
		    !same_but_crlf(x, a, y, b)))
			abort();
	}
	sofa_csvin_free(back);
	fclose(fp);
	free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sofa_csvin *r;
	unsigned long last = 0;
	FILE *in;
	int rc;

	if (size == 0 || (in = fmemopen((void *)data, size, "r")) == NULL)
		return 0;
	r = sofa_csvin_new(in, "fuzz", 1024);
	if (sofa_csvin_header(r) != SOFA_CSV_REC)
		goto done;
	while ((rc = sofa_csvin_next(r)) != SOFA_CSV_EOF &&
	    rc != SOFA_CSV_IOERR) {
		if (sofa_csvin_line(r) <= last)
			abort();
		last = sofa_csvin_line(r);
		if (rc == SOFA_CSV_BAD) {
			if (*sofa_csvin_error(r) == '\0')
				abort();
			continue;
		}
		if (sofa_csvin_nf(r) != sofa_csvin_ncols(r))
			abort();
		for (size_t i = 0; i < sofa_csvin_nf(r); i++) {
			size_t len;
			const char *v = sofa_csvin_get(r, i, &len);

			if (v == NULL)
				continue;
			if (strlen(v) != len)
				abort();
			check_types(v, len);
		}
		round_trip(r);
	}
done:
	sofa_csvin_free(r);
	fclose(in);
	return 0;
}
