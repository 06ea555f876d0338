/*
 * index.c - gather, settle and merge match-index lines (index.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic.h"
#include "err.h"
#include "ids.h"
#include "index.h"
#include "json.h"
#include "timeutil.h"
#include "xalloc.h"

void
sofa_ix_init(struct sofa_ix *ix)
{
	memset(ix, 0, sizeof(*ix));
}

void
sofa_ix_free(struct sofa_ix *ix)
{
	for (size_t i = 0; i < ix->n; i++)
		free(ix->v[i].line);
	free(ix->v);
	sofa_ix_init(ix);
}

void
sofa_ix_add(struct sofa_ix *ix, int64_t id, int64_t start, int64_t changed,
    char *line, size_t len)
{
	struct sofa_ixent *e;

	xgrow((void **)&ix->v, &ix->cap, ix->n + 1, sizeof(*ix->v));
	e = &ix->v[ix->n++];
	e->id = id;
	e->start = start;
	e->changed = changed;
	e->line = line;
	e->len = len;
	e->seq = ix->seq++;
}

/* A UTC time member: null or absent gives dflt; false when malformed. */
static bool
utc_member(const struct sofa_jv *root, const char *key, int64_t dflt,
    int64_t *out)
{
	struct sofa_jv *v = sofa_jv_get(root, key);
	time_t t;

	*out = dflt;
	if (v == NULL || sofa_jv_is_null(v))
		return true;
	if (!sofa_jv_is_str(v) || !sofa_parse_utc(sofa_jv_str(v), &t))
		return false;
	*out = t;
	return true;
}

/* Check one line; adds it, or says why not. */
static const char *
read_line(struct sofa_ix *ix, const char *line, size_t len)
{
	struct sofa_jdoc *doc;
	struct sofa_jv *root;
	struct sofa_jerr je;
	int64_t id, start, changed;
	const char *why = NULL;

	if (memchr(line, '\0', len) != NULL)
		return "NUL byte in the line";
	if ((doc = sofa_jdoc_parse((char *)line, len, false, &je)) == NULL)
		return "not JSON";
	root = sofa_jdoc_root(doc);
	if (!sofa_jv_is_obj(root))
		why = "not a JSON object";
	else if (!sofa_jv_int(sofa_jv_get(root, "event_id"), &id) ||
	    id <= 0 || id > SOFA_ID_MAX)
		why = "event_id is not a valid match id";
	else if (!utc_member(root, "start_utc", SOFA_IX_NOSTART, &start))
		why = "start_utc is not a UTC time";
	else if (!utc_member(root, "changed_utc", SOFA_IX_NOCHANGE, &changed))
		why = "changed_utc is not a UTC time";
	sofa_jdoc_free(doc);
	if (why == NULL)
		sofa_ix_add(ix, id, start, changed, xstrndup(line, len), len);
	return why;
}

long
sofa_ix_read(struct sofa_ix *ix, struct sofa_lr *lr)
{
	const char *why;
	long bad = 0;
	size_t len;
	char *line;
	int r;

	while ((r = sofa_lr_next(lr, &line, &len)) != SOFA_LR_EOF) {
		if (r == SOFA_LR_ERROR) {
			sofa_warn("%s", sofa_lr_name(lr));
			return -1;
		}
		if (r == SOFA_LR_TOOLONG)
			why = "line too long";
		else if (len == 0 || strspn(line, " \t") == len)
			continue;
		else
			why = read_line(ix, line, len);
		if (why != NULL) {
			sofa_warnx("%s:%lu: %s", sofa_lr_name(lr),
			    sofa_lr_lineno(lr), why);
			bad++;
		}
	}
	return bad;
}

/* Is a a newer observation of its event than b? */
static bool
newer(const struct sofa_ixent *a, const struct sofa_ixent *b)
{
	if (a->changed != SOFA_IX_NOCHANGE && b->changed != SOFA_IX_NOCHANGE &&
	    a->changed != b->changed)
		return a->changed > b->changed;
	return a->seq > b->seq;
}

/*
 * The context of a match, which lists of other endpoints (the daily
 * scheduled-events, a single event) often lack: a newer observation that
 * has null there does not erase what an older one knew.
 */
static const char *const sticky[] = {
	"tournament_id", "tournament", "season_id", "season", "round",
	"round_name", "round_slug", NULL
};

/* One top-level member of a line: key and value as bytes of the line. */
struct member {
	const char *key, *val;
	size_t klen, vlen;
};

#define MAXMEMBERS 64

/* End of the JSON string starting at p (the opening quote), or NULL. */
static const char *
str_end(const char *p, const char *end)
{
	for (p++; p < end; p++) {
		if (*p == '\\')
			p++;
		else if (*p == '"')
			return p + 1;
	}
	return NULL;
}

/* End of the value starting at p, or NULL. */
static const char *
val_end(const char *p, const char *end)
{
	int depth = 0;

	for (; p < end; p++) {
		if (*p == '"') {
			if ((p = str_end(p, end)) == NULL)
				return NULL;
			p--;
		} else if (*p == '{' || *p == '[')
			depth++;
		else if (*p == '}' || *p == ']') {
			if (depth-- == 0)
				return p;
		} else if (*p == ',' && depth == 0)
			return p;
	}
	return NULL;
}

/* The members of a compact one-object line; 0 when it is not one. */
static size_t
members(const char *line, size_t len, struct member *m)
{
	const char *p = line, *end = line + len, *q;
	size_t n = 0;

	if (len < 2 || *p++ != '{' || end[-1] != '}')
		return 0;
	while (p < end - 1 && n < MAXMEMBERS) {
		if (*p != '"' || (q = str_end(p, end)) == NULL || *q != ':')
			return 0;
		m[n].key = p + 1;
		m[n].klen = (size_t)(q - p) - 2;
		m[n].val = q + 1;
		if ((p = val_end(q + 1, end)) == NULL)
			return 0;
		m[n].vlen = (size_t)(p - m[n].val);
		n++;
		if (*p == ',')
			p++;
	}
	return p == end - 1 ? n : 0;
}

static bool
is_sticky(const struct member *m)
{
	for (size_t i = 0; sticky[i] != NULL; i++)
		if (strlen(sticky[i]) == m->klen &&
		    memcmp(sticky[i], m->key, m->klen) == 0)
			return true;
	return false;
}

/*
 * Give the winner w the sticky members that it has as null and the loser
 * l has: its line is rebuilt from the bytes of both, so values keep their
 * exact form.
 */
static void
absorb(struct sofa_ixent *w, const struct sofa_ixent *l)
{
	struct member mw[MAXMEMBERS], ml[MAXMEMBERS];
	size_t nw, nl, o = 0, cap;
	const struct member *take[MAXMEMBERS];
	bool any = false;
	char *out;

	if ((nw = members(w->line, w->len, mw)) == 0 ||
	    (nl = members(l->line, l->len, ml)) == 0)
		return;
	for (size_t i = 0; i < nw; i++) {
		take[i] = &mw[i];
		if (mw[i].vlen != 4 || memcmp(mw[i].val, "null", 4) != 0 ||
		    !is_sticky(&mw[i]))
			continue;
		for (size_t j = 0; j < nl; j++)
			if (ml[j].klen == mw[i].klen && memcmp(ml[j].key,
			    mw[i].key, mw[i].klen) == 0 && !(ml[j].vlen == 4 &&
			    memcmp(ml[j].val, "null", 4) == 0)) {
				take[i] = &ml[j];
				any = true;
			}
	}
	if (!any)
		return;
	cap = w->len + l->len + 2;
	out = xmalloc(cap);
	out[o++] = '{';
	for (size_t i = 0; i < nw; i++) {
		if (i > 0)
			out[o++] = ',';
		o += (size_t)snprintf(out + o, cap - o, "\"%.*s\":%.*s",
		    (int)mw[i].klen, mw[i].key, (int)take[i]->vlen,
		    take[i]->val);
	}
	out[o++] = '}';
	out[o] = '\0';	/* o <= w->len + l->len: the values taken from l
			 * replace a null each */
	free(w->line);
	w->line = out;
	w->len = o;
}

static int
by_id_seq(const void *pa, const void *pb)
{
	const struct sofa_ixent *a = pa, *b = pb;

	if (a->id != b->id)
		return a->id < b->id ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static int
by_start_id(const void *pa, const void *pb)
{
	const struct sofa_ixent *a = pa, *b = pb;

	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;
}

/* One entry per id, the newest, in id order. */
static void
dedupe(struct sofa_ix *ix)
{
	size_t i, o = 0;

	if (ix->n > 1)	/* qsort(NULL, 0, ...) is undefined */
		qsort(ix->v, ix->n, sizeof(*ix->v), by_id_seq);
	for (i = 0; i < ix->n; i++) {
		if (o > 0 && ix->v[o - 1].id == ix->v[i].id) {
			if (newer(&ix->v[i], &ix->v[o - 1])) {
				absorb(&ix->v[i], &ix->v[o - 1]);
				free(ix->v[o - 1].line);
				ix->v[o - 1] = ix->v[i];
			} else {
				absorb(&ix->v[o - 1], &ix->v[i]);
				free(ix->v[i].line);
			}
			continue;
		}
		ix->v[o++] = ix->v[i];
	}
	ix->n = o;
}

void
sofa_ix_settle(struct sofa_ix *ix)
{
	dedupe(ix);
	if (ix->n > 1)
		qsort(ix->v, ix->n, sizeof(*ix->v), by_start_id);
}

void
sofa_ix_write(const struct sofa_ix *ix, FILE *fp)
{
	for (size_t i = 0; i < ix->n; i++) {
		fwrite(ix->v[i].line, 1, ix->v[i].len, fp);
		putc('\n', fp);
	}
}

size_t
sofa_ix_facts(const char *line, size_t len)
{
	static const char key[] = ",\"discovered_utc\":";
	const size_t klen = sizeof(key) - 1;
	const char *p, *tail;

	for (p = line + len; p >= line + klen; p--)
		if (memcmp(p - klen, key, klen) == 0)
			break;
	if (p < line + klen)
		return len;
	tail = p;
	/* the member must be the last one: a time or null, then "}" */
	if ((size_t)(line + len - tail) == 23 && tail[0] == '"' &&
	    tail[21] == '"' && tail[22] == '}')
		return (size_t)(p - klen - line);
	if ((size_t)(line + len - tail) == 5 && memcmp(tail, "null}", 5) == 0)
		return (size_t)(p - klen - line);
	return len;
}

static bool
same_facts(const struct sofa_ixent *a, const struct sofa_ixent *b)
{
	size_t fa = sofa_ix_facts(a->line, a->len);

	return fa == sofa_ix_facts(b->line, b->len) &&
	    memcmp(a->line, b->line, fa) == 0;
}

/* Whether the file at path holds exactly the lines of ix. */
static bool
same_file(const char *path, const struct sofa_ix *ix)
{
	char buf[65536];
	bool same = true;
	FILE *fp;

	if ((fp = fopen(path, "r")) == NULL)
		return false;
	for (size_t i = 0; i < ix->n && same; i++) {
		const char *p = ix->v[i].line;
		size_t left = ix->v[i].len;

		while (left > 0 && same) {
			size_t n = left < sizeof(buf) ? left : sizeof(buf);

			same = fread(buf, 1, n, fp) == n &&
			    memcmp(buf, p, n) == 0;
			p += n;
			left -= n;
		}
		same = same && getc(fp) == '\n';
	}
	same = same && getc(fp) == EOF && !ferror(fp);
	fclose(fp);
	return same;
}

/* Lock the directory of path (created when missing); the fd, or -1. */
static int
lock_dir(const char *path)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	int fd;

	if (slash == dir)
		slash[1] = '\0';
	else if (slash != NULL)
		*slash = '\0';
	else
		strcpy(dir, ".");
	if (sofa_mkdirs(dir, 0777) != 0 ||
	    (fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		sofa_warn("%s", dir);
		free(dir);
		return -1;
	}
	while (flock(fd, LOCK_EX) != 0) {
		if (errno != EINTR) {
			sofa_warn("lock %s", dir);
			close(fd);
			free(dir);
			return -1;
		}
	}
	free(dir);
	return fd;
}

/* Read the old index into old; 0, or -1 when it cannot be used. */
static int
read_old(const char *path, struct sofa_ix *old, size_t maxline, mode_t *mode)
{
	struct sofa_lr *lr;
	struct stat st;
	FILE *fp;
	long bad;

	if ((fp = fopen(path, "r")) == NULL) {
		if (errno == ENOENT)
			return 0;
		sofa_warn("%s", path);
		return -1;
	}
	if (fstat(fileno(fp), &st) == 0)
		*mode = st.st_mode & 07777;
	lr = sofa_lr_new(fp, path, maxline);
	bad = sofa_ix_read(old, lr);
	sofa_lr_free(lr);
	fclose(fp);
	if (bad != 0) {
		if (bad > 0)
			sofa_warnx("%s: %ld bad line%s: the index is left as "
			    "it is; fix or remove %s", path, bad,
			    bad == 1 ? "" : "s", bad == 1 ? "it" : "them");
		return -1;
	}
	return 0;
}

/* Fold the settled new lines into old (both in id order). */
static void
fold(struct sofa_ix *old, struct sofa_ix *ix, struct sofa_ixstat *st)
{
	size_t i = 0, j = 0, nold = old->n;

	for (; j < ix->n; j++) {
		struct sofa_ixent *e = &ix->v[j];

		while (i < nold && old->v[i].id < e->id)
			i++;
		if (i == nold || old->v[i].id != e->id) {
			st->added++;
			sofa_ix_add(old, e->id, e->start, e->changed, e->line,
			    e->len);
			e->line = NULL;
			continue;
		}
		if (newer(e, &old->v[i]))
			absorb(e, &old->v[i]);
		if (same_facts(&old->v[i], e)) {
			st->unchanged++;
			free(e->line);
		} else if (!newer(e, &old->v[i])) {
			st->stale++;
			free(e->line);
		} else {
			st->changed++;
			free(old->v[i].line);
			old->v[i].line = e->line;
			old->v[i].len = e->len;
			old->v[i].start = e->start;
			old->v[i].changed = e->changed;
		}
		e->line = NULL;
	}
	ix->n = 0;
}

int
sofa_ix_merge(const char *path, struct sofa_ix *ix, size_t maxline,
    struct sofa_ixstat *st)
{
	struct sofa_ix old;
	struct sofa_af *af;
	mode_t mode = 0666;
	int lock, rc = -1;

	memset(st, 0, sizeof(*st));
	sofa_ix_init(&old);
	if ((lock = lock_dir(path)) < 0)
		return -1;
	if (read_old(path, &old, maxline, &mode) != 0)
		goto unlock;
	/* old observations come first: renumber the new after them */
	for (size_t i = 0; i < ix->n; i++)
		ix->v[i].seq += old.seq;
	dedupe(&old);
	dedupe(ix);
	fold(&old, ix, st);
	if (old.n > 1)
		qsort(old.v, old.n, sizeof(*old.v), by_start_id);
	st->lines = old.n;
	if (same_file(path, &old)) {
		rc = 0;
		goto unlock;
	}
	if ((af = sofa_af_open(path, mode)) == NULL) {
		sofa_warn("%s", path);
		goto unlock;
	}
	sofa_ix_write(&old, sofa_af_fp(af));
	if (sofa_af_commit(af) != 0) {
		sofa_warn("%s", path);
		goto unlock;
	}
	st->written = true;
	rc = 0;
unlock:
	sofa_ix_free(&old);
	close(lock);
	return rc;
}
