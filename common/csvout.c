/*
 * csvout.c - CSV writer (csvout.h) over libcsv's quoting.
 */
#include <string.h>

#include <csv.h>

#include "csvout.h"
#include "num.h"

void
sofa_csv_init(struct sofa_csv *c, FILE *fp)
{
	c->fp = fp;
	c->inrec = false;
}

static void
sep(struct sofa_csv *c)
{
	if (c->inrec)
		putc(',', c->fp);
	c->inrec = true;
}

static bool
needs_quotes(const char *s, size_t n)
{
	if (n == 0 || s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' ||
	    s[n - 1] == '\t')
		return true;
	for (size_t i = 0; i < n; i++)
		if (s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r')
			return true;
	return false;
}

void
sofa_csv_strn(struct sofa_csv *c, const char *s, size_t n)
{
	sep(c);
	if (needs_quotes(s, n))
		csv_fwrite(c->fp, s, n);
	else
		fwrite(s, 1, n, c->fp);
}

void
sofa_csv_str(struct sofa_csv *c, const char *s)
{
	if (s == NULL)
		sofa_csv_null(c);
	else
		sofa_csv_strn(c, s, strlen(s));
}

void
sofa_csv_null(struct sofa_csv *c)
{
	sep(c);
}

void
sofa_csv_int(struct sofa_csv *c, long long v)
{
	char buf[SOFA_INT_LEN];
	size_t n = sofa_fmt_int(buf, v);

	sep(c);
	fwrite(buf, 1, n, c->fp);
}

void
sofa_csv_real(struct sofa_csv *c, double v)
{
	char buf[SOFA_DBL_LEN];
	size_t n = sofa_fmt_double(buf, v);

	sep(c);
	if (!(buf[0] == 'n' || buf[0] == 'i' || buf[1] == 'i'))
		fwrite(buf, 1, n, c->fp);
}

void
sofa_csv_bool(struct sofa_csv *c, bool v)
{
	sep(c);
	fputs(v ? "true" : "false", c->fp);
}

void
sofa_csv_end(struct sofa_csv *c)
{
	putc('\n', c->fp);
	c->inrec = false;
}

void
sofa_csv_header(struct sofa_csv *c, const char *const cols[], size_t n)
{
	for (size_t i = 0; i < n; i++)
		sofa_csv_str(c, cols[i]);
	sofa_csv_end(c);
}
