/*
 * contract.c - loading share/sofa/contract.tsv and checking bodies against
 * it (contract.h).
 *
 * Each key line is compiled once into segments (name, is-array); checking
 * walks the body along them, so a check costs one pass per key over the
 * values it names, without building anything.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "contract.h"
#include "err.h"
#include "io.h"
#include "xalloc.h"

#define MAX_SEGS 16

enum {
	T_OBJECT = 1, T_ARRAY = 2, T_STRING = 4, T_INTEGER = 8, T_REAL = 16,
	T_BOOLEAN = 32, T_NULL = 64
};

struct seg {
	char *name;		/* NULL for the root */
	bool each;		/* name[] : every element */
};

struct row {
	char *endpoint;
	char *key;		/* as written, for messages */
	char *want;		/* type as written */
	unsigned types;
	bool required;
	struct seg seg[MAX_SEGS];
	int nseg;
};

struct tmpl {
	char *endpoint;
	char *path;
};

struct sofa_apic {
	struct row *rows;
	size_t nrows, rowcap;
	struct tmpl *tmpls;
	size_t ntmpl, tmplcap;
};

static unsigned
parse_types(const char *s)
{
	static const struct {
		const char *name;
		unsigned bits;
	} names[] = {
		{ "object", T_OBJECT }, { "array", T_ARRAY },
		{ "string", T_STRING }, { "integer", T_INTEGER },
		{ "number", T_INTEGER | T_REAL }, { "boolean", T_BOOLEAN },
		{ "null", T_NULL }
	};
	unsigned bits = 0;

	while (*s != '\0') {
		size_t n = strcspn(s, "|"), i;

		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (strlen(names[i].name) == n &&
			    strncmp(names[i].name, s, n) == 0)
				break;
		if (i == sizeof(names) / sizeof(names[0]))
			return 0;
		bits |= names[i].bits;
		s += n;
		if (*s == '|' && *++s == '\0')
			return 0;
	}
	return bits;
}

/* Split key into r->seg; false when it is malformed. */
static bool
parse_key(struct row *r)
{
	char *k = r->key;

	r->nseg = 0;
	if (strcmp(k, ".") == 0)
		return true;
	while (*k != '\0') {
		size_t n = strcspn(k, ".");
		struct seg *s;

		if (n == 0 || r->nseg == MAX_SEGS)
			return false;
		s = &r->seg[r->nseg++];
		s->each = n > 2 && k[n - 2] == '[' && k[n - 1] == ']';
		s->name = xstrndup(k, s->each ? n - 2 : n);
		if (strpbrk(s->name, "[]") != NULL || *s->name == '\0')
			return false;
		k += n;
		if (*k == '.' && *++k == '\0')
			return false;
	}
	return true;
}

static bool
template_ok(const char *t)
{
	if (*t == '\0' || *t == '/' || t[strlen(t) - 1] == '/' ||
	    strstr(t, "//") != NULL)
		return false;
	for (const char *p = t; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && strchr("-_./{}", *p) == NULL)
			return false;
	return true;
}

static void
free_row(struct row *r)
{
	free(r->endpoint);
	free(r->key);
	free(r->want);
	for (int i = 0; i < r->nseg; i++)
		free(r->seg[i].name);
}

void
sofa_apic_free(struct sofa_apic *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->nrows; i++)
		free_row(&c->rows[i]);
	for (size_t i = 0; i < c->ntmpl; i++) {
		free(c->tmpls[i].endpoint);
		free(c->tmpls[i].path);
	}
	free(c->rows);
	free(c->tmpls);
	free(c);
}

const char *
sofa_apic_template(const struct sofa_apic *c, const char *endpoint)
{
	for (size_t i = 0; i < c->ntmpl; i++)
		if (strcmp(c->tmpls[i].endpoint, endpoint) == 0)
			return c->tmpls[i].path;
	return NULL;
}

/* Fields of one line, split at tabs in place; returns how many. */
static int
fields(char *line, char **f, int max)
{
	int n = 0;

	while (n < max) {
		f[n++] = line;
		line = strchr(line, '\t');
		if (line == NULL)
			break;
		*line++ = '\0';
	}
	return line == NULL ? n : max + 1;
}

static bool
add_line(struct sofa_apic *c, char **f, const char *file, unsigned long ln,
    char *err, size_t errlen)
{
	struct row r;
	const char *t;

	memset(&r, 0, sizeof(r));
	if (*f[0] == '\0' || strpbrk(f[0], " /") != NULL) {
		snprintf(err, errlen, "%s:%lu: bad endpoint name '%s'", file,
		    ln, f[0]);
		return false;
	}
	if (!template_ok(f[1])) {
		snprintf(err, errlen, "%s:%lu: bad path template '%s'", file,
		    ln, f[1]);
		return false;
	}
	if ((t = sofa_apic_template(c, f[0])) == NULL) {
		xgrow((void **)&c->tmpls, &c->tmplcap, c->ntmpl + 1,
		    sizeof(*c->tmpls));
		c->tmpls[c->ntmpl].endpoint = xstrdup(f[0]);
		c->tmpls[c->ntmpl++].path = xstrdup(f[1]);
	} else if (strcmp(t, f[1]) != 0) {
		snprintf(err, errlen, "%s:%lu: endpoint %s has path %s "
		    "above, %s here", file, ln, f[0], t, f[1]);
		return false;
	}
	r.endpoint = xstrdup(f[0]);
	r.key = xstrdup(f[2]);
	r.want = xstrdup(f[3]);
	if (!parse_key(&r)) {
		snprintf(err, errlen, "%s:%lu: bad key '%s'", file, ln, f[2]);
		goto fail;
	}
	if ((r.types = parse_types(f[3])) == 0) {
		snprintf(err, errlen, "%s:%lu: bad type '%s' (object, array, "
		    "string, integer, number, boolean, null, joined by |)",
		    file, ln, f[3]);
		goto fail;
	}
	if (strcmp(f[4], "required") == 0)
		r.required = true;
	else if (strcmp(f[4], "optional") != 0) {
		snprintf(err, errlen, "%s:%lu: presence '%s' is not required "
		    "or optional", file, ln, f[4]);
		goto fail;
	}
	if (r.nseg == 0 && (r.types != T_OBJECT || !r.required)) {
		snprintf(err, errlen, "%s:%lu: the body ('.') must be a "
		    "required object", file, ln);
		goto fail;
	}
	xgrow((void **)&c->rows, &c->rowcap, c->nrows + 1, sizeof(*c->rows));
	c->rows[c->nrows++] = r;
	return true;
fail:
	free_row(&r);
	return false;
}

struct sofa_apic *
sofa_apic_load(const char *file, char *err, size_t errlen)
{
	struct sofa_apic *c = xcalloc(1, sizeof(*c));
	struct sofa_lr *lr;
	FILE *fp;
	char *line, *f[7];
	size_t len;
	bool header = false, ok = true;
	int r;

	if ((fp = fopen(file, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", file, strerror(errno));
		free(c);
		return NULL;
	}
	lr = sofa_lr_new(fp, file, 4096);
	while (ok && (r = sofa_lr_next(lr, &line, &len)) != SOFA_LR_EOF) {
		unsigned long ln = sofa_lr_lineno(lr);

		if (r != SOFA_LR_LINE) {
			snprintf(err, errlen, "%s:%lu: %s", file, ln,
			    r == SOFA_LR_TOOLONG ? "line too long" :
			    "read error");
			ok = false;
		} else if (len == 0 || line[0] == '#') {
			continue;
		} else if (fields(line, f, 6) != 6) {
			snprintf(err, errlen, "%s:%lu: expected 6 "
			    "tab-separated fields", file, ln);
			ok = false;
		} else if (!header) {
			header = true;
			if (strcmp(f[0], "endpoint") || strcmp(f[2], "key")) {
				snprintf(err, errlen, "%s:%lu: expected the "
				    "header 'endpoint path key type presence "
				    "meaning'", file, ln);
				ok = false;
			}
		} else
			ok = add_line(c, f, file, ln, err, errlen);
	}
	sofa_lr_free(lr);
	fclose(fp);
	for (size_t i = 0; ok && i < c->ntmpl; i++) {
		bool root = false;

		for (size_t j = 0; j < c->nrows; j++)
			if (c->rows[j].nseg == 0 && strcmp(c->rows[j].endpoint,
			    c->tmpls[i].endpoint) == 0)
				root = true;
		if (!root) {
			snprintf(err, errlen, "%s: endpoint %s has no '.' line",
			    file, c->tmpls[i].endpoint);
			ok = false;
		}
	}
	if (ok && !header) {
		snprintf(err, errlen, "%s: no header line", file);
		ok = false;
	}
	if (!ok) {
		sofa_apic_free(c);
		return NULL;
	}
	return c;
}

struct sofa_apic *
sofa_apic_xload(struct sofa_config *cfg)
{
	char *file = xasprintf("%s/contract.tsv", sofa_cfg_str(cfg,
	    "share_dir"));
	char err[512];
	struct sofa_apic *c = sofa_apic_load(file, err, sizeof(err));

	if (c == NULL)
		sofa_errx(SOFA_EXIT_USAGE, "API contract: %s", err);
	free(file);
	return c;
}

/* Does one path segment match one template segment? */
static bool
seg_match(const char *p, size_t pn, const char *t, size_t tn)
{
	if (tn == 4 && strncmp(t, "{id}", 4) == 0) {
		if (pn == 0 || pn > 15 || p[0] == '0')
			return false;
		for (size_t i = 0; i < pn; i++)
			if (!isdigit((unsigned char)p[i]))
				return false;
		return true;
	}
	if (tn == 6 && strncmp(t, "{slug}", 6) == 0) {
		if (pn == 0)
			return false;
		for (size_t i = 0; i < pn; i++)
			if (!islower((unsigned char)p[i]) &&
			    !isdigit((unsigned char)p[i]) && p[i] != '-')
				return false;
		return true;
	}
	return pn == tn && strncmp(p, t, pn) == 0;
}

static bool
path_match(const char *path, const char *tmpl)
{
	for (;;) {
		size_t pn = strcspn(path, "/"), tn = strcspn(tmpl, "/");

		if (!seg_match(path, pn, tmpl, tn))
			return false;
		path += pn;
		tmpl += tn;
		if (*path == '\0' || *tmpl == '\0')
			return *path == *tmpl;
		path++;
		tmpl++;
	}
}

const char *
sofa_apic_endpoint(const struct sofa_apic *c, const char *path)
{
	for (size_t i = 0; i < c->ntmpl; i++)
		if (path_match(path, c->tmpls[i].path))
			return c->tmpls[i].endpoint;
	return NULL;
}

static unsigned
type_of(const struct sofa_jv *v)
{
	if (sofa_jv_is_obj(v))
		return T_OBJECT;
	if (sofa_jv_is_arr(v))
		return T_ARRAY;
	if (sofa_jv_is_str(v))
		return T_STRING;
	if (sofa_jv_is_int(v))
		return T_INTEGER;
	if (sofa_jv_is_num(v))
		return T_REAL;
	if (sofa_jv_is_bool(v))
		return T_BOOLEAN;
	return T_NULL;
}

/* Where the walk is: names and indexes, rendered only for a violation
 * (checking must cost no formatting). */
struct step {
	const char *name;	/* NULL: an index */
	size_t index;
};

struct walk {
	const struct row *r;
	sofa_apic_fn *fn;
	void *arg;
	size_t n;
	struct step at[MAX_SEGS * 2];
	int depth;
};

static void
violation(struct walk *w, const char *got)
{
	char place[1024];
	size_t len = 0;

	w->n++;
	if (w->fn == NULL)
		return;
	place[0] = '\0';
	for (int i = 0; i < w->depth && len < sizeof(place); i++) {
		const struct step *s = &w->at[i];
		int k = s->name != NULL ?
		    snprintf(place + len, sizeof(place) - len, "%s%s",
		    len > 0 ? "." : "", s->name) :
		    snprintf(place + len, sizeof(place) - len, "[%zu]",
		    s->index);

		len += k > 0 ? (size_t)k : 0;
	}
	if (w->depth == 0)
		strcpy(place, ".");
	w->fn(place, w->r->want, got, w->arg);
}

static void check_value(struct walk *w, const struct sofa_jv *v, int s);

/* v is the parent object of segment s. */
static void
check_member(struct walk *w, const struct sofa_jv *v, int s)
{
	const struct seg *g = &w->r->seg[s];
	const struct sofa_jv *m = sofa_jv_get(v, g->name);

	w->at[w->depth].name = g->name;
	w->depth++;
	if (m == NULL) {
		/* a parent only counts as missing on its own line */
		if (s == w->r->nseg - 1 && w->r->required)
			violation(w, "absent");
	} else if (g->each) {
		/* "x[]" lines check the elements; the array itself is
		 * checked by an "x" line */
		if (sofa_jv_is_arr(m)) {
			struct sofa_jit it;
			struct sofa_jv *e;
			size_t i = 0;

			sofa_jit_arr(&it, m);
			w->depth++;
			while ((e = sofa_jit_next(&it)) != NULL) {
				w->at[w->depth - 1].name = NULL;
				w->at[w->depth - 1].index = i++;
				check_value(w, e, s);
			}
			w->depth--;
		}
	} else
		check_value(w, m, s);
	w->depth--;
}

/* v is the value reached by segment s (an element, for "[]"). */
static void
check_value(struct walk *w, const struct sofa_jv *v, int s)
{
	if (s == w->r->nseg - 1) {
		if ((type_of(v) & w->r->types) == 0)
			violation(w, sofa_jv_type(v));
		return;
	}
	if (sofa_jv_is_obj(v))
		check_member(w, v, s + 1);
}

size_t
sofa_apic_check(const struct sofa_apic *c, const char *endpoint,
    const struct sofa_jv *root, sofa_apic_fn *fn, void *arg)
{
	struct walk w;

	memset(&w, 0, sizeof(w));
	w.fn = fn;
	w.arg = arg;
	if (!sofa_jv_is_obj(root)) {
		static char object[] = "object";
		static const struct row body = { NULL, NULL, object, T_OBJECT,
		    true, { { NULL, false } }, 0 };

		w.r = &body;
		violation(&w, sofa_jv_type(root));
		return w.n;
	}
	for (size_t i = 0; endpoint != NULL && i < c->nrows; i++) {
		w.r = &c->rows[i];
		if (w.r->nseg == 0 || strcmp(w.r->endpoint, endpoint) != 0)
			continue;
		w.depth = 0;
		check_member(&w, root, 0);
	}
	return w.n;
}

struct why {
	char buf[1024];
	size_t shown, total;
};

static void
collect(const char *key, const char *want, const char *got, void *arg)
{
	struct why *y = arg;
	size_t at = strlen(y->buf);

	y->total++;
	if (y->shown == 5)
		return;
	y->shown++;
	if (strcmp(got, "absent") == 0)
		snprintf(y->buf + at, sizeof(y->buf) - at, "%s%s: missing "
		    "(expected %s)", at ? "; " : "", key, want);
	else
		snprintf(y->buf + at, sizeof(y->buf) - at, "%s%s: expected "
		    "%s, got %s", at ? "; " : "", key, want, got);
}

char *
sofa_apic_why(const struct sofa_apic *c, const char *endpoint,
    const struct sofa_jv *root)
{
	struct why y;

	memset(&y, 0, sizeof(y));
	if (sofa_apic_check(c, endpoint, root, collect, &y) == 0)
		return NULL;
	if (y.total > y.shown)
		return xasprintf("%s (and %zu more)", y.buf,
		    y.total - y.shown);
	return xstrdup(y.buf);
}
