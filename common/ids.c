/*
 * ids.c - reading and validating match ids (ids.h).
 */
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "ids.h"
#include "io.h"
#include "json.h"
#include "num.h"
#include "xalloc.h"

struct sofa_ids {
	int argc, argi;
	char *const *argv;
	size_t maxline;
	int flags;
	struct sofa_lr *lr;	/* stdin, while reading it */
	bool stdin_done;
	unsigned long nbad;
	const char *line;	/* the last id's NDJSON line, or NULL */
	int64_t *seen;		/* open-addressing set, 0 = empty */
	size_t seencap, nseen;
};

struct sofa_ids *
sofa_ids_new(int argc, char *const argv[], size_t maxline, int flags)
{
	struct sofa_ids *ids = xcalloc(1, sizeof(*ids));

	ids->argc = argc;
	ids->argv = argv;
	ids->maxline = maxline ? maxline : SOFA_MAX_LINE;
	ids->flags = flags;
	return ids;
}

void
sofa_ids_free(struct sofa_ids *ids)
{
	if (ids == NULL)
		return;
	sofa_lr_free(ids->lr);
	free(ids->seen);
	free(ids);
}

const char *
sofa_ids_line(const struct sofa_ids *ids)
{
	return ids->line;
}

unsigned long
sofa_ids_nbad(const struct sofa_ids *ids)
{
	return ids->nbad;
}

bool
sofa_id_parse(const char *s, size_t len, int64_t *id, const char **why)
{
	const char *e;
	long long v;

	if (len == 0) {
		*why = "empty";
		return false;
	}
	for (size_t i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9') {
			*why = "not a positive integer";
			return false;
		}
	v = sofa_strntonum(s, len, 1, SOFA_ID_MAX, &e);
	if (e != NULL) {
		*why = strcmp(e, "too small") == 0 ? "not a positive integer" :
		    "too large";
		return false;
	}
	*id = v;
	return true;
}

/* Insert id into the set; false if it was there already. */
static bool
remember(struct sofa_ids *ids, int64_t id)
{
	size_t i, mask;

	if (ids->nseen * 2 >= ids->seencap) {
		int64_t *old = ids->seen;
		size_t oldcap = ids->seencap;

		ids->seencap = oldcap ? oldcap * 2 : 1024;
		ids->seen = xcalloc(ids->seencap, sizeof(*ids->seen));
		ids->nseen = 0;
		for (i = 0; i < oldcap; i++)
			if (old[i] != 0)
				remember(ids, old[i]);
		free(old);
	}
	mask = ids->seencap - 1;
	for (i = (size_t)((uint64_t)id * 0x9E3779B97F4A7C15ULL >> 20) & mask;
	    ids->seen[i] != 0; i = (i + 1) & mask)
		if (ids->seen[i] == id)
			return false;
	ids->seen[i] = id;
	ids->nseen++;
	return true;
}

static void
bad(struct sofa_ids *ids, const char *where, unsigned long line,
    const char *what, const char *s, size_t len)
{
	char shown[48];
	size_t n = len < 40 ? len : 40;

	/* Quote a bounded, printable prefix of the offending text. */
	for (size_t i = 0; i < n; i++)
		shown[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	memcpy(shown + n, len > n ? "..." : "", len > n ? 4 : 1);
	if (line)
		sofa_warnx("%s:%lu: bad id '%s': %s", where, line, shown, what);
	else
		sofa_warnx("bad id '%s': %s", shown, what);
	ids->nbad++;
}

/* Parse one line: plain id or an index NDJSON line with "event_id". */
static bool
parse_line(struct sofa_ids *ids, char *s, size_t len, int64_t *id)
{
	const char *name = sofa_lr_name(ids->lr), *why;
	unsigned long ln = sofa_lr_lineno(ids->lr);
	struct sofa_jdoc *doc;
	struct sofa_jv *v;
	struct sofa_jerr je;
	bool ok;

	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	while (len > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	if (len > 0 && *s == '{') {
		doc = sofa_jdoc_parse(s, len, false, &je);
		if (doc == NULL) {
			bad(ids, name, ln, je.msg, s, len);
			return false;
		}
		v = sofa_jv_get(sofa_jdoc_root(doc), "event_id");
		ok = sofa_jv_int(v, id) && *id >= 1 && *id <= SOFA_ID_MAX;
		if (!ok)
			bad(ids, name, ln, v == NULL ? "no event_id" :
			    "event_id is not a positive integer", s, len);
		sofa_jdoc_free(doc);
		if (ok) {
			s[len] = '\0';
			ids->line = s;
		}
		return ok;
	}
	if (len == 0 && (ids->flags & SOFA_IDS_BLANK_OK))
		return false;
	if (memchr(s, '\0', len) != NULL) {
		bad(ids, name, ln, "NUL byte", s, len);
		return false;
	}
	if (!sofa_id_parse(s, len, id, &why)) {
		bad(ids, name, ln, why, s, len);
		return false;
	}
	return true;
}

int
sofa_ids_next(struct sofa_ids *ids, int64_t *id)
{
	const char *why;
	char *line;
	size_t len;
	int r;

	for (;;) {
		ids->line = NULL;
		if (ids->lr == NULL && ids->argi < ids->argc) {
			const char *a = ids->argv[ids->argi++];

			if (strcmp(a, "-") == 0) {
				ids->lr = sofa_lr_new(stdin, "-", ids->maxline);
				continue;
			}
			if (!sofa_id_parse(a, strlen(a), id, &why)) {
				bad(ids, NULL, 0, why, a, strlen(a));
				continue;
			}
		} else if (ids->lr == NULL) {
			if (ids->argc > 0 || ids->stdin_done)
				return 0;
			ids->lr = sofa_lr_new(stdin, "-", ids->maxline);
			continue;
		} else {
			r = sofa_lr_next(ids->lr, &line, &len);
			if (r == SOFA_LR_EOF || r == SOFA_LR_ERROR) {
				if (r == SOFA_LR_ERROR) {
					sofa_warn("%s: read error",
					    sofa_lr_name(ids->lr));
					ids->nbad++;
				}
				sofa_lr_free(ids->lr);
				ids->lr = NULL;
				ids->stdin_done = true;
				continue;
			}
			if (r == SOFA_LR_TOOLONG) {
				sofa_warnx("%s:%lu: line too long",
				    sofa_lr_name(ids->lr),
				    sofa_lr_lineno(ids->lr));
				ids->nbad++;
				continue;
			}
			if (!parse_line(ids, line, len, id))
				continue;
		}
		if ((ids->flags & SOFA_IDS_UNIQUE) && !remember(ids, *id))
			continue;
		return 1;
	}
}
