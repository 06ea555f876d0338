/*
 * dq.c - the rule engine of sofa-dq (dq.h): rule texts and severities,
 * overrides and selection, outcomes, and the readable, NDJSON and TAP
 * reports.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dq.h"
#include "err.h"
#include "io.h"
#include "ndjson.h"
#include "tabschema.h"
#include "xalloc.h"

const char *
sofa_dq_sev_name(enum sofa_dq_sev s)
{
	return s == SOFA_DQ_FAIL ? "FAIL" : s == SOFA_DQ_WARN ? "WARN" : "off";
}

const char *
sofa_dq_status_name(enum sofa_dq_status s)
{
	static const char *const names[] = { "PASS", "WARN", "FAIL", "SKIP" };

	return names[s];
}

static bool
parse_sev(const char *s, enum sofa_dq_sev *out)
{
	if (strcasecmp(s, "FAIL") == 0)
		*out = SOFA_DQ_FAIL;
	else if (strcasecmp(s, "WARN") == 0)
		*out = SOFA_DQ_WARN;
	else if (strcasecmp(s, "off") == 0)
		*out = SOFA_DQ_OFF;
	else
		return false;
	return true;
}

struct sofa_dq_rule *
sofa_dq_rule(struct sofa_dq *dq, const char *id)
{
	for (size_t i = 0; i < dq->nrule; i++)
		if (strcmp(dq->rule[i].id, id) == 0)
			return &dq->rule[i];
	return NULL;
}

/* Where the loading of the texts stands. */
struct texts {
	struct sofa_dq *dq;
	char *err;
	size_t errlen;
};

/* One line of the text file: "id\tSEV\tdescription\tremediation". */
static bool
text_line(void *arg, char *line, unsigned lineno)
{
	struct texts *t = arg;
	struct sofa_dq_rule *r;
	char *f[4], where[4096 + 16];

	snprintf(where, sizeof(where), "%s:%u", t->dq->textfile, lineno);
	if (sofa_tsv_split(line, f, 4) != 4)
		snprintf(t->err, t->errlen, "%s: want 4 tab-separated fields "
		    "(id, severity, description, remediation)", where);
	else if ((r = sofa_dq_rule(t->dq, f[0])) == NULL)
		snprintf(t->err, t->errlen, "%s: no rule '%s' in this program",
		    where, f[0]);
	else if (r->description != NULL)
		snprintf(t->err, t->errlen, "%s: rule '%s' given twice", where,
		    f[0]);
	else if (!parse_sev(f[1], &r->sev))
		snprintf(t->err, t->errlen, "%s: severity '%s' is not FAIL, "
		    "WARN or off", where, f[1]);
	else if (*f[2] == '\0' || *f[3] == '\0')
		snprintf(t->err, t->errlen, "%s: rule '%s' needs a description "
		    "and a remediation", where, f[0]);
	else {
		r->description = xstrdup(f[2]);
		r->remediation = xstrdup(f[3]);
		return true;
	}
	return false;
}

struct sofa_dq *
sofa_dq_new(const char *textfile, const char *const ids[], size_t n,
    size_t maxex, char *err, size_t errlen)
{
	struct sofa_dq *dq = xcalloc(1, sizeof(*dq));
	struct texts t = { dq, err, errlen };
	int e;

	err[0] = '\0';
	dq->textfile = xstrdup(textfile);
	dq->nrule = n;
	dq->rule = xcalloc(n, sizeof(*dq->rule));
	for (size_t i = 0; i < n; i++) {
		dq->rule[i].id = ids[i];
		dq->rule[i].maxex = maxex;
		dq->rule[i].unit = "rows";
	}
	if ((e = sofa_tsv_each(textfile, text_line, &t)) != 0)
		snprintf(err, errlen, "%s: %s (is share_dir right?)", textfile,
		    strerror(e));
	for (size_t i = 0; i < n && err[0] == '\0'; i++) {
		if (dq->rule[i].description == NULL)
			snprintf(err, errlen, "%s: no text for rule '%s'",
			    textfile, ids[i]);
		dq->rule[i].selected = dq->rule[i].sev != SOFA_DQ_OFF;
	}
	if (err[0] == '\0')
		return dq;
	sofa_dq_free(dq);
	return NULL;
}

static void
rule_clear(struct sofa_dq_rule *r)
{
	for (size_t i = 0; i < r->nex; i++) {
		free(r->ex[i].id);
		free(r->ex[i].where);
		free(r->ex[i].detail);
	}
	free(r->ex);
	for (size_t i = 0; i < r->nbd; i++)
		free(r->bd[i].name);
	free(r->bd);
	free(r->note);
	free(r->description);
	free(r->remediation);
}

void
sofa_dq_free(struct sofa_dq *dq)
{
	if (dq == NULL)
		return;
	for (size_t i = 0; i < dq->nrule; i++)
		rule_clear(&dq->rule[i]);
	free(dq->rule);
	free(dq->textfile);
	free(dq);
}

bool
sofa_dq_override(struct sofa_dq *dq, const char *spec, char *err,
    size_t errlen)
{
	const char *p = spec;

	for (;;) {
		struct sofa_dq_rule *r;
		enum sofa_dq_sev sev;
		char word[256], *eq;
		size_t n;

		p += strspn(p, " \t");
		if (*p == '\0')
			return true;
		n = strcspn(p, " \t");
		if (n >= sizeof(word)) {
			snprintf(err, errlen, "'%.40s...': too long", p);
			return false;
		}
		memcpy(word, p, n);
		word[n] = '\0';
		p += n;
		if ((eq = strchr(word, '=')) == NULL) {
			snprintf(err, errlen, "'%s': want RULE=WARN, RULE=FAIL "
			    "or RULE=off", word);
			return false;
		}
		*eq = '\0';
		if ((r = sofa_dq_rule(dq, word)) == NULL) {
			snprintf(err, errlen, "unknown rule '%s' (sofa-dq "
			    "--list shows them)", word);
			return false;
		}
		if (!parse_sev(eq + 1, &sev)) {
			snprintf(err, errlen, "'%s=%s': the level is WARN, "
			    "FAIL or off", word, eq + 1);
			return false;
		}
		r->sev = sev;
		r->selected = sev != SOFA_DQ_OFF;
	}
}

/* Does id belong to pattern: "all", the id itself, "family" or
 * "family.*"? */
static bool
matches(const char *id, const char *pat)
{
	size_t n = strlen(pat);

	if (strcmp(pat, "all") == 0 || strcmp(id, pat) == 0)
		return true;
	if (n >= 2 && strcmp(pat + n - 2, ".*") == 0)
		n -= 2;
	if (n == 0 || memchr(pat, '.', n) != NULL)
		return false;
	return strncmp(id, pat, n) == 0 && id[n] == '.';
}

bool
sofa_dq_select(struct sofa_dq *dq, const char *pattern)
{
	bool any = false;

	if (!dq->narrowed) {
		for (size_t i = 0; i < dq->nrule; i++)
			dq->rule[i].selected = false;
		dq->narrowed = true;
	}
	for (size_t i = 0; i < dq->nrule; i++) {
		struct sofa_dq_rule *r = &dq->rule[i];

		if (!matches(r->id, pattern))
			continue;
		any = true;
		r->selected = true;
		if (r->sev == SOFA_DQ_OFF)
			r->sev = SOFA_DQ_FAIL;
	}
	return any;
}

bool
sofa_dq_on(const struct sofa_dq_rule *r)
{
	return r != NULL && r->selected && r->sev != SOFA_DQ_OFF;
}

bool
sofa_dq_want(const struct sofa_dq_rule *r)
{
	return r->nex < r->maxex;
}

void
sofa_dq_hit(struct sofa_dq_rule *r, const char *id, const char *where,
    const char *fmt, ...)
{
	struct sofa_dq_example *e;
	va_list ap;

	r->count++;
	if (r->nex >= r->maxex)
		return;
	r->ex = xreallocarray(r->ex, r->nex + 1, sizeof(*r->ex));
	e = &r->ex[r->nex++];
	e->id = xstrdup(id != NULL ? id : "");
	e->where = where != NULL ? xstrdup(where) : NULL;
	e->detail = NULL;
	if (fmt != NULL) {
		char buf[512];

		va_start(ap, fmt);
		vsnprintf(buf, sizeof(buf), fmt, ap);
		va_end(ap);
		e->detail = xstrdup(buf);
	}
}

void
sofa_dq_tally(struct sofa_dq_rule *r, const char *name, uint64_t n)
{
	for (size_t i = 0; i < r->nbd; i++)
		if (strcmp(r->bd[i].name, name) == 0) {
			r->bd[i].n += n;
			return;
		}
	r->bd = xreallocarray(r->bd, r->nbd + 1, sizeof(*r->bd));
	r->bd[r->nbd].name = xstrdup(name);
	r->bd[r->nbd++].n = n;
}

static void
vnote(struct sofa_dq_rule *r, const char *fmt, va_list ap)
{
	char buf[512];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	free(r->note);
	r->note = xstrdup(buf);
}

void
sofa_dq_skip(struct sofa_dq_rule *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vnote(r, fmt, ap);
	va_end(ap);
	r->skipped = true;
}

void
sofa_dq_note(struct sofa_dq_rule *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vnote(r, fmt, ap);
	va_end(ap);
}

enum sofa_dq_status
sofa_dq_status(const struct sofa_dq_rule *r)
{
	if (r->skipped)
		return SOFA_DQ_SKIPPED;
	if (r->count == 0)
		return SOFA_DQ_PASS;
	if (r->sev == SOFA_DQ_FAIL && !r->downgraded)
		return SOFA_DQ_FAILED;
	return SOFA_DQ_WARNED;
}

int
sofa_dq_exit(const struct sofa_dq *dq)
{
	for (size_t i = 0; i < dq->nrule; i++)
		if (dq->rule[i].selected &&
		    sofa_dq_status(&dq->rule[i]) == SOFA_DQ_FAILED)
			return SOFA_EXIT_DQ;
	return SOFA_EXIT_OK;
}

/* --- reports -------------------------------------------------------------- */

/* s with control characters shown as '?', and '#' escaped for TAP. */
static void
put_clean(FILE *fp, const char *s, bool tap)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == 0x7f)
			putc('?', fp);
		else if (tap && c == '#')
			fputs("\\#", fp);
		else
			putc(c, fp);
	}
}

/* "2 of 120 rows" */
static void
put_count(FILE *fp, const struct sofa_dq_rule *r)
{
	fprintf(fp, "%llu of %llu %s", (unsigned long long)r->count,
	    (unsigned long long)r->checked, r->unit);
}

/* The examples, the breakdown, the note and the remediation, each line
 * started by lead (in TAP, diagnostics: no '#' needs escaping there). */
static void
put_details(FILE *fp, const struct sofa_dq_rule *r, const char *lead)
{

	for (size_t i = 0; i < r->nex; i++) {
		const struct sofa_dq_example *e = &r->ex[i];

		fputs(lead, fp);
		put_clean(fp, e->id, false);
		if (e->where != NULL) {
			fputs("  ", fp);
			put_clean(fp, e->where, false);
		}
		if (e->detail != NULL) {
			fputs("  ", fp);
			put_clean(fp, e->detail, false);
		}
		putc('\n', fp);
	}
	if (r->count > r->nex)
		fprintf(fp, "%s... and %llu more\n", lead,
		    (unsigned long long)(r->count - r->nex));
	if (r->nbd > 0) {
		fprintf(fp, "%sby kind:", lead);
		for (size_t i = 0; i < r->nbd; i++) {
			fputs(i ? ", " : " ", fp);
			put_clean(fp, r->bd[i].name, false);
			fprintf(fp, " %llu", (unsigned long long)r->bd[i].n);
		}
		putc('\n', fp);
	}
	if (r->note != NULL) {
		fputs(lead, fp);
		put_clean(fp, r->note, false);
		putc('\n', fp);
	}
	fprintf(fp, "%sfix: ", lead);
	put_clean(fp, r->remediation, false);
	fprintf(fp, " (%s#%s)\n", SOFA_DQ_DOC, r->id);
}

static void
report_text(const struct sofa_dq *dq, FILE *fp)
{
	unsigned long n[4] = { 0 };
	size_t total = 0;

	for (size_t i = 0; i < dq->nrule; i++) {
		const struct sofa_dq_rule *r = &dq->rule[i];
		enum sofa_dq_status s;

		if (!r->selected)
			continue;
		s = sofa_dq_status(r);
		n[s]++;
		total++;
		fprintf(fp, "%-4s  %-28s ", sofa_dq_status_name(s), r->id);
		if (s == SOFA_DQ_SKIPPED)
			fprintf(fp, "%8s", "-");
		else
			fprintf(fp, "%8llu", (unsigned long long)r->count);
		fputs("  ", fp);
		put_clean(fp, r->description, false);
		putc('\n', fp);
	}
	for (size_t i = 0; i < dq->nrule; i++) {
		const struct sofa_dq_rule *r = &dq->rule[i];
		enum sofa_dq_status s;

		if (!r->selected || (s = sofa_dq_status(r)) == SOFA_DQ_PASS)
			continue;
		fprintf(fp, "\n%s %s: ", sofa_dq_status_name(s), r->id);
		if (s == SOFA_DQ_SKIPPED) {
			put_clean(fp, r->note, false);
			putc('\n', fp);
			continue;
		}
		put_count(fp, r);
		putc('\n', fp);
		put_details(fp, r, "  ");
	}
	fprintf(fp, "\n%zu rule%s: %lu passed, %lu warned, %lu failed, "
	    "%lu skipped\n", total, total == 1 ? "" : "s", n[SOFA_DQ_PASS],
	    n[SOFA_DQ_WARNED], n[SOFA_DQ_FAILED], n[SOFA_DQ_SKIPPED]);
}

static void
report_ndjson(const struct sofa_dq *dq, FILE *fp)
{
	struct sofa_jw w;
	char doc[256];

	sofa_jw_init(&w, fp);
	for (size_t i = 0; i < dq->nrule; i++) {
		const struct sofa_dq_rule *r = &dq->rule[i];

		if (!r->selected)
			continue;
		sofa_jw_obj(&w);
		sofa_jw_kstr(&w, "rule", r->id);
		sofa_jw_kstr(&w, "status",
		    sofa_dq_status_name(sofa_dq_status(r)));
		sofa_jw_kstr(&w, "severity", sofa_dq_sev_name(r->sev));
		sofa_jw_kint(&w, "count", (long long)r->count);
		sofa_jw_kint(&w, "checked", (long long)r->checked);
		sofa_jw_kstr(&w, "unit", r->unit);
		sofa_jw_kstr(&w, "description", r->description);
		sofa_jw_kstr(&w, "note", r->note);
		sofa_jw_key(&w, "examples");
		sofa_jw_arr(&w);
		for (size_t j = 0; j < r->nex; j++) {
			sofa_jw_obj(&w);
			sofa_jw_kstr(&w, "id", r->ex[j].id);
			sofa_jw_kstr(&w, "where", r->ex[j].where);
			sofa_jw_kstr(&w, "detail", r->ex[j].detail);
			sofa_jw_obj_end(&w);
		}
		sofa_jw_arr_end(&w);
		sofa_jw_key(&w, "breakdown");
		sofa_jw_obj(&w);
		for (size_t j = 0; j < r->nbd; j++)
			sofa_jw_kint(&w, r->bd[j].name, (long long)r->bd[j].n);
		sofa_jw_obj_end(&w);
		sofa_jw_kstr(&w, "remediation", r->remediation);
		snprintf(doc, sizeof(doc), "%s#%s", SOFA_DQ_DOC, r->id);
		sofa_jw_kstr(&w, "doc", doc);
		sofa_jw_obj_end(&w);
		sofa_jw_nl(&w);
	}
}

static void
report_tap(const struct sofa_dq *dq, FILE *fp)
{
	size_t total = 0, k = 0;

	for (size_t i = 0; i < dq->nrule; i++)
		total += dq->rule[i].selected;
	fprintf(fp, "TAP version 13\n1..%zu\n", total);
	for (size_t i = 0; i < dq->nrule; i++) {
		const struct sofa_dq_rule *r = &dq->rule[i];
		enum sofa_dq_status s;

		if (!r->selected)
			continue;
		s = sofa_dq_status(r);
		fprintf(fp, "%s %zu - %s", s == SOFA_DQ_PASS ||
		    s == SOFA_DQ_SKIPPED ? "ok" : "not ok", ++k, r->id);
		switch (s) {
		case SOFA_DQ_PASS:
			fputs(": ", fp);
			put_clean(fp, r->description, true);
			putc('\n', fp);
			continue;
		case SOFA_DQ_SKIPPED:
			fputs(" # SKIP ", fp);
			put_clean(fp, r->note, true);
			putc('\n', fp);
			continue;
		case SOFA_DQ_WARNED:
			fputs(": ", fp);
			put_count(fp, r);
			fputs(" # TODO WARN, does not block publishing\n", fp);
			break;
		case SOFA_DQ_FAILED:
			fputs(": ", fp);
			put_count(fp, r);
			putc('\n', fp);
			break;
		}
		/* diagnostics: a '#' there needs no escape */
		fputs("# ", fp);
		put_clean(fp, r->description, false);
		putc('\n', fp);
		put_details(fp, r, "#   ");
	}
}

void
sofa_dq_report(const struct sofa_dq *dq, FILE *fp, enum sofa_dq_format f)
{
	switch (f) {
	case SOFA_DQ_TEXT:
		report_text(dq, fp);
		break;
	case SOFA_DQ_NDJSON:
		report_ndjson(dq, fp);
		break;
	case SOFA_DQ_TAP:
		report_tap(dq, fp);
		break;
	}
}

void
sofa_dq_list(const struct sofa_dq *dq, FILE *fp)
{
	for (size_t i = 0; i < dq->nrule; i++) {
		const struct sofa_dq_rule *r = &dq->rule[i];

		fprintf(fp, "%-28s %-4s  ", r->id, sofa_dq_sev_name(r->sev));
		put_clean(fp, r->description, false);
		putc('\n', fp);
	}
}
