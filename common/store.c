/*
 * store.c - the raw store (store.h): paths and reads, the .meta sidecar
 * read and printed.  The writes, which hash bodies with libcrypto, are in
 * storew.c: a program that only reads the store (the transforms) does not
 * load libcrypto, which costs every run of it a few milliseconds.
 */
#include <ctype.h>
#include <fcntl.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic.h"
#include "err.h"
#include "io.h"
#include "ndjson.h"
#include "store.h"
#include "timeutil.h"
#include "xalloc.h"

char *
sofa_api_path(char *buf, int64_t id, const char *endpoint)
{
	if (strcmp(endpoint, "event") == 0)
		snprintf(buf, SOFA_APIPATH_LEN, "event/%" PRId64, id);
	else
		snprintf(buf, SOFA_APIPATH_LEN, "event/%" PRId64 "/%s", id,
		    endpoint);
	return buf;
}

char *
sofa_store_file(const char *raw_base, const char *api_path, const char *ext)
{
	return xasprintf("%s/%s%s", raw_base, api_path, ext);
}

struct sofa_jdoc *
sofa_store_load(const char *raw_base, const char *api_path, size_t max,
    char **file, int *ioerr)
{
	struct sofa_jdoc *doc;
	struct sofa_jerr je;

	*file = sofa_store_file(raw_base, api_path, ".json");
	doc = sofa_jdoc_load(*file, max, ioerr, &je);
	if (doc != NULL || *ioerr != 0) {
		if (*ioerr != 0 && *ioerr != ENOENT)
			sofa_warnx("%s: %s", *file, *ioerr == EFBIG ?
			    "larger than max_body" : strerror(*ioerr));
		return doc;
	}
	sofa_warnx("%s:%zu: invalid JSON at column %zu: %s", *file,
	    je.line ? je.line : 1, je.col ? je.col : je.pos + 1, je.msg);
	return NULL;
}

bool
sofa_contract(const char *file, const char *key, const char *want,
    const struct sofa_jv *got)
{
	sofa_warnx("%s: %s: expected %s, got %s", file, key, want,
	    sofa_jv_type(got));
	return false;
}

/* --- the write side -------------------------------------------------- */

void
sofa_meta_init(struct sofa_meta *m, const char *path)
{
	memset(m, 0, sizeof(*m));
	m->path = xstrdup(path);
	m->bytes = -1;
}

void
sofa_meta_free(struct sofa_meta *m)
{
	free(m->path);
	free(m->outcome);
	free(m->error);
	free(m->etag);
	free(m->last_modified);
	memset(m, 0, sizeof(*m));
	m->bytes = -1;
}

void
sofa_meta_set(char **slot, const char *s)
{
	char *d = s != NULL ? xstrdup(s) : NULL;

	free(*slot);
	*slot = d;
}

/* A string or null member; false when it is something else. */
static bool
opt_str(struct sofa_jv *o, const char *key, char **out)
{
	struct sofa_jv *v = sofa_jv_get(o, key);

	if (v == NULL || sofa_jv_is_null(v))
		return true;
	if (!sofa_jv_is_str(v))
		return false;
	sofa_meta_set(out, sofa_jv_str(v));
	return true;
}

static bool
opt_time(struct sofa_jv *o, const char *key, time_t *out)
{
	struct sofa_jv *v = sofa_jv_get(o, key);

	if (v == NULL || sofa_jv_is_null(v))
		return true;
	return sofa_jv_is_str(v) && sofa_parse_utc(sofa_jv_str(v), out);
}

static bool
opt_int(struct sofa_jv *o, const char *key, long long *out)
{
	struct sofa_jv *v = sofa_jv_get(o, key);
	int64_t i;

	if (v == NULL || sofa_jv_is_null(v))
		return true;
	if (!sofa_jv_int(v, &i))
		return false;
	*out = i;
	return true;
}

static bool
is_sha(const char *s)
{
	size_t n = 0;

	for (; s[n] != '\0'; n++)
		if (!isxdigit((unsigned char)s[n]) ||
		    isupper((unsigned char)s[n]))
			return false;
	return n == SOFA_SHA256_HEX - 1;
}

int
sofa_meta_load(const char *raw_base, const char *path, struct sofa_meta *m)
{
	struct sofa_jdoc *doc;
	struct sofa_jerr je;
	struct sofa_jv *root;
	char *file, *sha = NULL;
	long long status = 0, attempts = 0, bytes = -1;
	int e;
	bool ok;

	sofa_meta_init(m, path);
	file = sofa_store_file(raw_base, path, ".meta");
	doc = sofa_jdoc_load(file, 1 << 20, &e, &je);
	if (doc == NULL) {
		if (e == 0) {
			sofa_warnx("%s: not a meta file: %s", file, je.msg);
			e = EINVAL;
		} else if (e != ENOENT)
			sofa_warnx("%s: %s", file, strerror(e));
		free(file);
		return e;
	}
	root = sofa_jdoc_root(doc);
	ok = sofa_jv_is_obj(root) &&
	    opt_str(root, "outcome", &m->outcome) &&
	    opt_int(root, "http_status", &status) &&
	    opt_time(root, "fetched_utc", &m->fetched) &&
	    opt_int(root, "attempts", &attempts) &&
	    opt_str(root, "error", &m->error) &&
	    opt_str(root, "etag", &m->etag) &&
	    opt_str(root, "last_modified", &m->last_modified) &&
	    opt_int(root, "bytes", &bytes) &&
	    opt_str(root, "sha256", &sha) &&
	    opt_time(root, "stored_utc", &m->stored) &&
	    opt_time(root, "verified_utc", &m->verified) &&
	    status >= 0 && status <= 999 && attempts >= 0 &&
	    attempts <= 1000 && bytes >= -1 && (sha == NULL || is_sha(sha));
	sofa_jdoc_free(doc);
	if (!ok) {
		sofa_warnx("%s: not a meta file (a key has the wrong type)",
		    file);
		free(sha);
		free(file);
		sofa_meta_free(m);
		sofa_meta_init(m, path);
		return EINVAL;
	}
	m->http_status = (long)status;
	m->attempts = (int)attempts;
	m->bytes = bytes;
	if (sha != NULL)
		memcpy(m->sha256, sha, SOFA_SHA256_HEX);
	free(sha);
	free(file);
	return 0;
}

static void
kutc(struct sofa_jw *w, const char *key, time_t t)
{
	char buf[SOFA_UTC_LEN];

	if (t == 0)
		sofa_jw_knull(w, key);
	else
		sofa_jw_kstr(w, key, sofa_fmt_utc(t, buf));
}

void
sofa_meta_print(FILE *fp, const struct sofa_meta *m)
{
	struct sofa_jw w;
	bool body = m->bytes >= 0;

	sofa_jw_init(&w, fp);
	sofa_jw_obj(&w);
	sofa_jw_kstr(&w, "path", m->path);
	sofa_jw_kstr(&w, "outcome", m->outcome);
	if (m->http_status > 0)
		sofa_jw_kint(&w, "http_status", m->http_status);
	else
		sofa_jw_knull(&w, "http_status");
	kutc(&w, "fetched_utc", m->fetched);
	sofa_jw_kint(&w, "attempts", m->attempts);
	sofa_jw_kstr(&w, "error", m->error);
	sofa_jw_kstr(&w, "etag", m->etag);
	sofa_jw_kstr(&w, "last_modified", m->last_modified);
	if (body)
		sofa_jw_kint(&w, "bytes", m->bytes);
	else
		sofa_jw_knull(&w, "bytes");
	sofa_jw_kstr(&w, "sha256", body && m->sha256[0] ? m->sha256 : NULL);
	kutc(&w, "stored_utc", body ? m->stored : 0);
	kutc(&w, "verified_utc", body ? m->verified : 0);
	sofa_jw_obj_end(&w);
	sofa_jw_nl(&w);
}

