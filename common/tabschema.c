/*
 * tabschema.c - table schemas from share/sofa/schema/TABLE.tsv
 * (tabschema.h) and the type check of one value.
 */
#include <ctype.h>
#include <limits.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "io.h"
#include "ndjson.h"
#include "num.h"
#include "tabschema.h"
#include "timeutil.h"
#include "xalloc.h"

#define SCHEMA_MAX (1024 * 1024)

__attribute__((format(printf, 3, 4)))
static void
seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

void
sofa_schema_free(struct sofa_schema *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->ncol; i++) {
		struct sofa_scol *c = &s->col[i];

		free(c->name);
		free(c->type);
		for (size_t j = 0; j < c->nenum; j++)
			free(c->enums[j]);
		free(c->enums);
		free(c->meaning);
		free(c->source);
	}
	free(s->col);
	free(s->table);
	free(s->file);
	free(s);
}

static bool
parse_type(struct sofa_scol *c)
{
	static const struct {
		const char *name;
		enum sofa_ctype t;
	} types[] = {
		{ "id", SOFA_T_ID }, { "int", SOFA_T_INT },
		{ "real", SOFA_T_REAL }, { "str", SOFA_T_STR },
		{ "bool", SOFA_T_BOOL }, { "utc", SOFA_T_UTC },
	};
	size_t cap = 0;
	char *p, *w;

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(c->type, types[i].name) == 0) {
			c->ctype = types[i].t;
			return true;
		}
	if (strncmp(c->type, "enum:", 5) != 0 || c->type[5] == '\0')
		return false;
	c->ctype = SOFA_T_ENUM;
	p = c->type + 5;
	for (;;) {
		size_t n = strcspn(p, "|");

		if (n == 0)
			return false;
		w = xstrndup(p, n);
		xgrow((void **)&c->enums, &cap, c->nenum + 1,
		    sizeof(*c->enums));
		c->enums[c->nenum++] = w;
		if (p[n] == '\0')
			return true;
		p += n + 1;
	}
}

static bool
parse_key(struct sofa_scol *c, const char *k)
{
	if (strcmp(k, "pk") == 0)
		c->key = SOFA_KEY_PK;
	else if (strcmp(k, "nn") == 0)
		c->key = SOFA_KEY_NN;
	else if (strcmp(k, "-") == 0)
		c->key = SOFA_KEY_NONE;
	else
		return false;
	return true;
}

size_t
sofa_tsv_split(char *line, char *f[], size_t max)
{
	size_t n = 0;

	for (;;) {
		char *t = strchr(line, '\t');

		if (n == max)
			return max + 1;
		f[n++] = line;
		if (t == NULL)
			return n;
		*t = '\0';
		line = t + 1;
	}
}

int
sofa_tsv_each(const char *path, bool (*line)(void *, char *, unsigned),
    void *arg)
{
	char *buf, *p, *next;
	unsigned lineno = 0;
	size_t len;
	int e;

	if ((e = sofa_readfile(path, SCHEMA_MAX, &buf, &len)) != 0)
		return e;
	for (p = buf; p < buf + len; p = next) {
		char *nl = memchr(p, '\n', (size_t)(buf + len - p));

		next = nl != NULL ? nl + 1 : buf + len;
		if (nl != NULL)
			*nl = '\0';
		if (nl != NULL && nl > p && nl[-1] == '\r')
			nl[-1] = '\0';
		lineno++;
		if (*p != '#' && *p != '\0' && !line(arg, p, lineno))
			break;
	}
	free(buf);
	return 0;
}

/* Parse one column line (NUL-terminated, writable) into c. */
static bool
parse_line(struct sofa_scol *c, char *line, char *why, size_t whylen)
{
	char *f[5];
	size_t n = sofa_tsv_split(line, f, 5);

	if (n != 5) {
		seterr(why, whylen, "%zu tab-separated fields, want 5 (column, "
		    "type, key, meaning, source)", n > 5 ? (size_t)6 : n);
		return false;
	}
	if (*f[0] == '\0') {
		seterr(why, whylen, "empty column name");
		return false;
	}
	c->name = xstrdup(f[0]);
	c->type = xstrdup(f[1]);
	c->meaning = xstrdup(f[3]);
	c->source = xstrdup(f[4]);
	if (!parse_type(c)) {
		seterr(why, whylen, "column %s: unknown type '%s' (id, int, "
		    "real, str, bool, utc, enum:A|B)", f[0], f[1]);
		return false;
	}
	if (!parse_key(c, f[2])) {
		seterr(why, whylen, "column %s: key '%s' is not pk, nn or -",
		    f[0], f[2]);
		return false;
	}
	return true;
}

struct loading {
	struct sofa_schema *s;
	size_t cap;
	char why[256];
	unsigned bad;		/* line of the first error */
};

static bool
schema_line(void *arg, char *line, unsigned lineno)
{
	struct loading *l = arg;
	struct sofa_schema *s = l->s;

	xgrow((void **)&s->col, &l->cap, s->ncol + 1, sizeof(*s->col));
	memset(&s->col[s->ncol], 0, sizeof(s->col[0]));
	s->ncol++;
	if (!parse_line(&s->col[s->ncol - 1], line, l->why, sizeof(l->why))) {
		l->bad = lineno;
		return false;
	}
	for (size_t i = 0; i + 1 < s->ncol; i++)
		if (strcmp(s->col[i].name, s->col[s->ncol - 1].name) == 0) {
			seterr(l->why, sizeof(l->why), "column %s listed twice",
			    s->col[i].name);
			l->bad = lineno;
			return false;
		}
	return true;
}

struct sofa_schema *
sofa_schema_load(const char *path, char *err, size_t errlen)
{
	struct loading l;
	const char *base, *dot;
	int e;

	memset(&l, 0, sizeof(l));
	l.s = xcalloc(1, sizeof(*l.s));
	l.s->file = xstrdup(path);
	base = strrchr(path, '/');
	base = base != NULL ? base + 1 : path;
	dot = strrchr(base, '.');
	l.s->table = xstrndup(base, dot != NULL ? (size_t)(dot - base) :
	    strlen(base));
	if ((e = sofa_tsv_each(path, schema_line, &l)) != 0)
		seterr(err, errlen, "%s: %s", path, strerror(e));
	else if (l.bad != 0)
		seterr(err, errlen, "%s:%u: %s", path, l.bad, l.why);
	else if (l.s->ncol == 0)
		seterr(err, errlen, "%s: no columns", path);
	else
		return l.s;
	sofa_schema_free(l.s);
	return NULL;
}

static int
cmp_schema(const void *a, const void *b)
{
	const struct sofa_schema *const *x = a, *const *y = b;

	return strcmp((*x)->table, (*y)->table);
}

struct sofa_schema **
sofa_schema_load_dir(const char *dir, size_t *np, char *err, size_t errlen)
{
	struct sofa_schema **v = NULL;
	struct dirent *de;
	size_t n = 0, cap = 0;
	DIR *d;

	if ((d = opendir(dir)) == NULL) {
		seterr(err, errlen, "%s: %s", dir, strerror(errno));
		return NULL;
	}
	while ((de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name);
		struct sofa_schema *s;
		char *path;

		if (l <= 4 || strcmp(de->d_name + l - 4, ".tsv") != 0 ||
		    de->d_name[0] == '.')
			continue;
		path = xasprintf("%s/%s", dir, de->d_name);
		s = sofa_schema_load(path, err, errlen);
		free(path);
		if (s == NULL)
			goto fail;
		xgrow((void **)&v, &cap, n + 1, sizeof(*v));
		v[n++] = s;
	}
	closedir(d);
	d = NULL;
	if (n == 0) {
		seterr(err, errlen, "%s: no table schema (*.tsv)", dir);
		goto fail;
	}
	qsort(v, n, sizeof(*v), cmp_schema);
	*np = n;
	return v;
fail:
	if (d != NULL)
		closedir(d);
	for (size_t i = 0; i < n; i++)
		sofa_schema_free(v[i]);
	free(v);
	return NULL;
}

const struct sofa_scol *
sofa_schema_col(const struct sofa_schema *s, const char *name)
{
	for (size_t i = 0; i < s->ncol; i++)
		if (strcmp(s->col[i].name, name) == 0)
			return &s->col[i];
	return NULL;
}

/* -?D+ without leading zeros, where D+ is len bytes of digits. */
static bool
canonical_int(const char *v, size_t len)
{
	size_t i = v[0] == '-' ? 1 : 0;

	if (i == len || (v[i] == '0' && (len - i > 1 || i == 1)))
		return false;
	for (; i < len; i++)
		if (!isdigit((unsigned char)v[i]))
			return false;
	return true;
}

/* -?D+(.D+)?([eE][+-]?D+)? */
static bool
decimal(const char *v, size_t len)
{
	size_t i = v[0] == '-' ? 1 : 0, d;

	for (d = i; i < len && isdigit((unsigned char)v[i]); i++)
		;
	if (i == d)
		return false;
	if (i < len && v[i] == '.') {
		for (d = ++i; i < len && isdigit((unsigned char)v[i]); i++)
			;
		if (i == d)
			return false;
	}
	if (i < len && (v[i] == 'e' || v[i] == 'E')) {
		if (++i < len && (v[i] == '+' || v[i] == '-'))
			i++;
		for (d = i; i < len && isdigit((unsigned char)v[i]); i++)
			;
		if (i == d)
			return false;
	}
	return i == len;
}

bool
sofa_schema_valid(const struct sofa_scol *c, const char *v, size_t len,
    const char **why)
{
	const char *e;
	long long n;
	double d;
	time_t t;

	if (memchr(v, '\0', len) != NULL) {
		*why = "holds a NUL byte";
		return false;
	}
	switch (c->ctype) {
	case SOFA_T_ID:
	case SOFA_T_INT:
		if (len == 0 || !canonical_int(v, len)) {
			*why = "not an integer";
			return false;
		}
		n = sofa_strtonum(v, c->ctype == SOFA_T_ID ? 1 : LLONG_MIN,
		    LLONG_MAX, &e);
		if (e != NULL) {
			*why = c->ctype == SOFA_T_ID && strcmp(e, "too small")
			    == 0 ? "not an id (an integer >= 1)" :
			    "integer out of range";
			return false;
		}
		(void)n;
		return true;
	case SOFA_T_REAL:
		if (len == 0 || !decimal(v, len) || !sofa_strtod(v, &d)) {
			*why = "not a number";
			return false;
		}
		return true;
	case SOFA_T_STR:
		if (!sofa_utf8_valid(v, len)) {
			*why = "not valid UTF-8";
			return false;
		}
		return true;
	case SOFA_T_BOOL:
		if (strcmp(v, "true") != 0 && strcmp(v, "false") != 0) {
			*why = "not true or false";
			return false;
		}
		return true;
	case SOFA_T_UTC:
		if (len != 20 || v[19] != 'Z' || !sofa_parse_utc(v, &t)) {
			*why = "not a UTC time YYYY-MM-DDTHH:MM:SSZ";
			return false;
		}
		return true;
	case SOFA_T_ENUM:
		for (size_t i = 0; i < c->nenum; i++)
			if (strcmp(v, c->enums[i]) == 0)
				return true;
		*why = "not one of the listed values";
		return false;
	}
	*why = "unknown type";
	return false;
}
