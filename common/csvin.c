/*
 * csvin.c - CSV reader (csvin.h): physical lines from the capped line
 * reader of io.h, fed one at a time to libcsv's strict parser, so that
 * every record knows the line it starts on and no record can grow past
 * the cap.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <csv.h>

#include "csvin.h"
#include "io.h"
#include "xalloc.h"

#define NULLOFF SIZE_MAX

struct sofa_csvin {
	FILE *fp;
	bool own;		/* fp opened here */
	struct sofa_lr *lr;
	struct csv_parser p;
	size_t max;
	/* the current record: field bytes, each NUL-terminated */
	char *buf;
	size_t blen, bcap;
	struct fld {
		size_t off;	/* NULLOFF: null */
		size_t len;
	} *f;
	size_t nf, fcap;
	bool done;		/* libcsv ended the record */
	unsigned long line;
	/* the header */
	char **cols;
	size_t ncols;
	bool hashdr;
	char *msg;		/* "FILE:LINE: why" */
	const char *why;
};

static const unsigned char opts = CSV_STRICT | CSV_STRICT_FINI |
    CSV_REPALL_NL | CSV_EMPTY_IS_NULL;

/* Blanks are data: nothing is trimmed. */
static int
no_space(unsigned char c)
{
	(void)c;
	return 0;
}

/* Only "\n" ends a record ("\r\n" lost its "\r" in the line reader). */
static int
is_lf(unsigned char c)
{
	return c == '\n';
}

static void
parser_reset(struct sofa_csvin *r, bool first)
{
	if (!first)
		csv_free(&r->p);
	if (csv_init(&r->p, opts) != 0)
		abort();	/* only fails on bad options */
	csv_set_space_func(&r->p, no_space);
	csv_set_term_func(&r->p, is_lf);
}

static void
on_field(void *s, size_t n, void *data)
{
	struct sofa_csvin *r = data;

	xgrow((void **)&r->f, &r->fcap, r->nf + 1, sizeof(*r->f));
	if (s == NULL) {
		r->f[r->nf].off = NULLOFF;
		r->f[r->nf++].len = 0;
		return;
	}
	xgrow((void **)&r->buf, &r->bcap, r->blen + n + 1, 1);
	memcpy(r->buf + r->blen, s, n);
	r->buf[r->blen + n] = '\0';
	r->f[r->nf].off = r->blen;
	r->f[r->nf++].len = n;
	r->blen += n + 1;
}

static void
on_record(int c, void *data)
{
	struct sofa_csvin *r = data;

	(void)c;
	r->done = true;
}

static struct sofa_csvin *
reader_new(FILE *fp, const char *name, size_t maxrec, bool own)
{
	struct sofa_csvin *r = xcalloc(1, sizeof(*r));

	r->fp = fp;
	r->own = own;
	r->max = maxrec ? maxrec : SOFA_MAX_LINE;
	r->lr = sofa_lr_new(fp, name, r->max);
	parser_reset(r, true);
	return r;
}

struct sofa_csvin *
sofa_csvin_new(FILE *fp, const char *name, size_t maxrec)
{
	return reader_new(fp, name, maxrec, false);
}

struct sofa_csvin *
sofa_csvin_open(const char *path, size_t maxrec)
{
	struct stat st;
	FILE *fp;

	if ((fp = fopen(path, "r")) == NULL)
		return NULL;
	if (fstat(fileno(fp), &st) != 0 || S_ISDIR(st.st_mode)) {
		int e = S_ISDIR(st.st_mode) ? EISDIR : errno;

		fclose(fp);
		errno = e;
		return NULL;
	}
	return reader_new(fp, path, maxrec, true);
}

void
sofa_csvin_free(struct sofa_csvin *r)
{
	if (r == NULL)
		return;
	csv_free(&r->p);
	sofa_lr_free(r->lr);
	if (r->own)
		fclose(r->fp);
	for (size_t i = 0; i < r->ncols; i++)
		free(r->cols[i]);
	free(r->cols);
	free(r->buf);
	free(r->f);
	free(r->msg);
	free(r);
}

/* Record the problem of the current record; returns SOFA_CSV_BAD. */
__attribute__((format(printf, 2, 3)))
static int
bad(struct sofa_csvin *r, const char *fmt, ...)
{
	char why[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	free(r->msg);
	r->msg = xasprintf("%s:%lu: %s", sofa_lr_name(r->lr), r->line, why);
	r->why = r->msg + strlen(r->msg) - strlen(why);
	parser_reset(r, false);
	return SOFA_CSV_BAD;
}

/* The record is complete: is it whole? */
static int
finish(struct sofa_csvin *r)
{
	if (sofa_lr_noeol(r->lr))
		return bad(r, "no newline at the end of the last line "
		    "(truncated file?)");
	if (r->nf == 0)
		return bad(r, "blank line");
	if (r->hashdr && r->nf != r->ncols)
		return bad(r, "%zu field%s, the header has %zu", r->nf,
		    r->nf == 1 ? "" : "s", r->ncols);
	return SOFA_CSV_REC;
}

int
sofa_csvin_next(struct sofa_csvin *r)
{
	size_t bytes = 0;
	bool started = false;

	r->nf = r->blen = 0;
	r->done = false;
	for (;;) {
		char *line;
		size_t len, used;
		int rc;

		rc = sofa_lr_next(r->lr, &line, &len);
		if (rc == SOFA_LR_EOF) {
			if (started)
				return bad(r, "end of file inside a quoted "
				    "field (truncated file?)");
			return SOFA_CSV_EOF;
		}
		if (!started) {
			r->line = sofa_lr_lineno(r->lr);
			started = true;
		}
		if (rc == SOFA_LR_ERROR) {
			int e = errno;

			free(r->msg);
			r->msg = xasprintf("%s: read error: %s",
			    sofa_lr_name(r->lr), strerror(e));
			r->why = strchr(r->msg, ':') + 2;
			return SOFA_CSV_IOERR;
		}
		if (rc == SOFA_LR_TOOLONG)
			return bad(r, "line %lu longer than %zu bytes",
			    sofa_lr_lineno(r->lr), r->max);
		bytes += len + 1;
		if (bytes > r->max)
			return bad(r, "record longer than %zu bytes (a quoted "
			    "field that does not close?)", r->max);
		if (memchr(line, '\0', len) != NULL)
			return bad(r, "NUL byte in line %lu",
			    sofa_lr_lineno(r->lr));
		line[len] = '\n';	/* the reader leaves room for it */
		used = csv_parse(&r->p, line, len + 1, on_field, on_record, r);
		if (csv_error(&r->p) != CSV_SUCCESS || used != len + 1) {
			if (csv_error(&r->p) == CSV_EPARSE)
				return bad(r, "bad quoting at line %lu byte "
				    "%zu (a quote inside an unquoted field "
				    "or after a closing quote)",
				    sofa_lr_lineno(r->lr), used + 1);
			return bad(r, "%s", csv_strerror(csv_error(&r->p)));
		}
		if (r->done)
			return finish(r);
	}
}

int
sofa_csvin_header(struct sofa_csvin *r)
{
	int rc = sofa_csvin_next(r);

	if (rc != SOFA_CSV_REC)
		return rc;
	for (size_t i = 0; i < r->nf; i++)
		if (r->f[i].off == NULLOFF || r->f[i].len == 0)
			return bad(r, "header: column %zu has no name", i + 1);
	r->cols = xcalloc(r->nf, sizeof(*r->cols));
	for (size_t i = 0; i < r->nf; i++)
		r->cols[i] = xstrdup(r->buf + r->f[i].off);
	r->ncols = r->nf;
	r->hashdr = true;
	return SOFA_CSV_REC;
}

size_t
sofa_csvin_ncols(const struct sofa_csvin *r)
{
	return r->ncols;
}

const char *
sofa_csvin_colname(const struct sofa_csvin *r, size_t i)
{
	return i < r->ncols ? r->cols[i] : NULL;
}

long
sofa_csvin_col(const struct sofa_csvin *r, const char *name)
{
	for (size_t i = 0; i < r->ncols; i++)
		if (strcmp(r->cols[i], name) == 0)
			return (long)i;
	return -1;
}

size_t
sofa_csvin_nf(const struct sofa_csvin *r)
{
	return r->nf;
}

const char *
sofa_csvin_get(const struct sofa_csvin *r, size_t i, size_t *len)
{
	if (i >= r->nf || r->f[i].off == NULLOFF) {
		if (len != NULL)
			*len = 0;
		return NULL;
	}
	if (len != NULL)
		*len = r->f[i].len;
	return r->buf + r->f[i].off;
}

unsigned long
sofa_csvin_line(const struct sofa_csvin *r)
{
	return r->line;
}

const char *
sofa_csvin_name(const struct sofa_csvin *r)
{
	return sofa_lr_name(r->lr);
}

const char *
sofa_csvin_error(const struct sofa_csvin *r)
{
	return r->msg != NULL ? r->msg : "";
}

const char *
sofa_csvin_why(const struct sofa_csvin *r)
{
	return r->why != NULL ? r->why : "";
}
