/*
 * config.c - defaults < INI file (inih) < environment < options.
 *
 * Values are kept raw with their origin and checked when they are set, so
 * a bad value is refused where it was written (file:line, variable,
 * option).  Path keys are resolved when read, because a later layer may
 * move the root.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ini.h>

#include "config.h"
#include "err.h"
#include "num.h"
#include "xalloc.h"

#ifndef SOFA_VERSION
#define SOFA_VERSION "0"
#endif
#ifndef SOFA_SHAREDIR
#define SOFA_SHAREDIR "/usr/local/share/sofa"
#endif
#ifndef SOFA_SYSCONFDIR
#define SOFA_SYSCONFDIR "/usr/local/etc"
#endif

/* inih (Debian) reads lines into a buffer of INI_MAX_LINE = 200 bytes;
 * longer lines are refused rather than split. */
#define INI_LINE 200

static const struct sofa_key keys[] = {
	/* [sofa] */
	{ "root", "sofa", SOFA_K_PATH, ".", 0, 0,
	  "Directory that relative paths resolve against: relative to the "
	  "config file's directory when set there, else to the current "
	  "directory" },
	{ "env", "sofa", SOFA_K_STR, "dev", 0, 0,
	  "Name of this deployment (dev, ci, prod), recorded in the run "
	  "ledger; ENV also sets it" },
	{ "api_base", "sofa", SOFA_K_URL, "https://api.sofascore.com/api/v1",
	  0, 0, "Base URL of the API (a sofa-replay URL for offline work)" },
	{ "share_dir", "sofa", SOFA_K_PATH, SOFA_SHAREDIR, 0, 0,
	  "sofa's own data files: pipeline.mk, jq programs, API contract" },
	{ "max_line", "sofa", SOFA_K_INT, "1048576", 256, 1073741824,
	  "Longest input line accepted (NDJSON, ids, CSV), bytes" },
	{ "fsync", "sofa", SOFA_K_BOOL, "true", 0, 0,
	  "fsync every atomically replaced file and its directory" },
	/* [paths] */
	{ "raw_base", "paths", SOFA_K_PATH, "data/raw", 0, 0,
	  "Raw store: API path P is kept as P.json and P.meta" },
	{ "index_dir", "paths", SOFA_K_PATH, "data/index", 0, 0,
	  "Match index, run ledger, fetch log, failure log, heartbeat" },
	{ "index_path", "paths", SOFA_K_PATH, "${index_dir}/matches.ndjson",
	  0, 0, "The match index (one NDJSON line per match)" },
	{ "derived_dir", "paths", SOFA_K_PATH, "data/derived", 0, 0,
	  "Per-match intermediate files (make targets)" },
	{ "processed_dir", "paths", SOFA_K_PATH, "data/processed", 0, 0,
	  "Published tables (CSV)" },
	{ "log_dir", "paths", SOFA_K_PATH, "data/logs", 0, 0,
	  "One log file per pipeline run" },
	{ "snapshot_dir", "paths", SOFA_K_PATH, "data/snapshots", 0, 0,
	  "Point-in-time copies of the published tables (hard links)" },
	{ "quarantine_dir", "paths", SOFA_K_PATH, "data/quarantine", 0, 0,
	  "Bodies that failed the API contract, kept for diagnosis" },
	/* [http] */
	{ "concurrency", "http", SOFA_K_INT, "4", 1, 64,
	  "Requests in flight at once" },
	{ "rate", "http", SOFA_K_REAL, "2", 0, 1000,
	  "Requests started per second at most (0: no limit)" },
	{ "rate_jitter", "http", SOFA_K_REAL, "0.25", 0, 1,
	  "Random spread of the gap between requests, as a fraction" },
	{ "connect_timeout", "http", SOFA_K_INT, "10", 1, 600,
	  "Seconds to establish a connection" },
	{ "timeout", "http", SOFA_K_INT, "30", 1, 3600,
	  "Seconds for a whole request" },
	{ "stall_timeout", "http", SOFA_K_INT, "15", 1, 3600,
	  "Seconds a transfer may go without receiving a byte" },
	{ "max_body", "http", SOFA_K_INT, "16777216", 1024, 2147483647,
	  "Largest response body accepted, bytes" },
	{ "retries", "http", SOFA_K_INT, "4", 0, 20,
	  "Retries of a transient failure (timeouts, 408, 429, 5xx, bad body)" },
	{ "backoff_base", "http", SOFA_K_REAL, "1", 0, 600,
	  "First retry delay, seconds; doubles each retry, with jitter" },
	{ "backoff_max", "http", SOFA_K_REAL, "60", 0, 3600,
	  "Longest retry delay, seconds" },
	{ "retry_after_max", "http", SOFA_K_INT, "300", 0, 86400,
	  "Longest Retry-After honoured, seconds (longer: give up the request)" },
	{ "user_agent", "http", SOFA_K_STR, "sofa/" SOFA_VERSION, 0, 0,
	  "User-Agent header" },
	{ "headers", "http", SOFA_K_STR, "", 0, 0,
	  "Extra request headers, 'Name: value' items separated by ' | '" },
	/* [fetch] */
	{ "endpoints", "fetch", SOFA_K_LIST,
	  "event lineups incidents statistics", 0, 0,
	  "Resources fetched per match: event lineups incidents statistics "
	  "shotmap graph average-positions player-statistics" },
	{ "required", "fetch", SOFA_K_LIST, "event lineups", 0, 0,
	  "Resources a match needs to count as fetched" },
	{ "refresh_hours", "fetch", SOFA_K_INT, "72", 0, 876000,
	  "Matches finished less than this long ago are re-validated" },
	{ "absent_recheck_hours", "fetch", SOFA_K_INT, "6", 0, 876000,
	  "An absent (404) resource is asked again after this long" },
	{ "breaker", "fetch", SOFA_K_INT, "6", 1, 100000,
	  "Consecutive failed matches that stop the run (exit 4)" },
	{ "fetch_log", "fetch", SOFA_K_PATH, "${index_dir}/fetch_log.ndjson",
	  0, 0, "Outcome lines of the last fetch run" },
	/* [dq] */
	{ "freshness_hours", "dq", SOFA_K_INT, "48", 1, 876000,
	  "Age after which the tables and the last run are stale (WARN)" },
	{ "minutes_tolerance", "dq", SOFA_K_INT, "3", 0, 130,
	  "Allowed gap between computed and reported minutes (WARN)" },
	{ "max_substitutions", "dq", SOFA_K_INT, "5", 0, 20,
	  "Substitutions per team before a WARN" },
	{ "coverage_fail_fraction", "dq", SOFA_K_REAL, "0.05", 0, 1,
	  "Share of finished matches missing required resources that FAILs" },
	{ "dq_examples", "dq", SOFA_K_INT, "5", 0, 1000,
	  "Example ids shown per rule" },
	{ "dq_rules", "dq", SOFA_K_STR, "", 0, 0,
	  "Severity overrides: 'rule=WARN rule=FAIL rule=off', blank-separated" },
	/* [pipeline] */
	{ "snapshots_keep", "pipeline", SOFA_K_INT, "7", 0, 100000,
	  "Snapshots of the published tables kept" },
	{ "logs_keep", "pipeline", SOFA_K_INT, "30", 1, 100000,
	  "Run logs kept in log_dir" },
	{ "pipeline_timeout", "pipeline", SOFA_K_INT, "14400", 1, 604800,
	  "Seconds a cron run may take before it is stopped" },
	{ "webhook_url", "pipeline", SOFA_K_STR, "", 0, 0,
	  "URL that receives a JSON alert when a cron run fails (empty: none)" },
	{ "lock_path", "pipeline", SOFA_K_PATH, "${index_dir}/sofa.lock", 0, 0,
	  "Lock file that keeps two runs apart" },
};

#define NKEYS (sizeof(keys) / sizeof(keys[0]))

enum origin { O_DEFAULT, O_FILE, O_ENV, O_OPTION };

struct sofa_config {
	char *raw[NKEYS];
	enum origin kind[NKEYS];
	char *origin[NKEYS];
	char *resolved[NKEYS];
	bool busy[NKEYS];	/* being resolved: a reference back is "" */
	char *file;		/* as given or found */
	char *filedir;		/* absolute directory of file */
	char *cwd;
	struct sofa_comp *comps;
	size_t ncomp, compcap;
	/* parsing state */
	unsigned line;
	char rawline[INI_LINE + 2];
	bool toolong;
	unsigned lastline;
	char *err;
	size_t errlen;
	bool failed;
};

const struct sofa_key *
sofa_config_keys(size_t *n)
{
	*n = NKEYS;
	return keys;
}

static int
keyidx(const char *name)
{
	for (size_t i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].name, name) == 0)
			return (int)i;
	return -1;
}

bool
sofa_cfg_known(const char *key)
{
	return keyidx(key) >= 0;
}

void
sofa_cfg_envname(const char *key, char *buf, size_t len)
{
	size_t n = (size_t)snprintf(buf, len, "SOFASCORE_%s", key);

	for (size_t i = 10; i < n && i < len; i++)
		buf[i] = (char)toupper((unsigned char)buf[i]);
}

static void
seterr(struct sofa_config *cfg, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
seterr(struct sofa_config *cfg, const char *fmt, ...)
{
	va_list ap;

	if (cfg->failed)
		return;
	cfg->failed = true;
	va_start(ap, fmt);
	vsnprintf(cfg->err, cfg->errlen, fmt, ap);
	va_end(ap);
}

/* Check value for key k; NULL if good, else why not (static). */
static const char *
check(const struct sofa_key *k, const char *value)
{
	const char *e;
	double d;
	bool b;

	switch (k->type) {
	case SOFA_K_INT:
		sofa_strtonum(value, (long long)k->min, (long long)k->max, &e);
		if (e != NULL)
			return strcmp(e, "invalid") == 0 ?
			    "is not an integer" : "is out of range";
		return NULL;
	case SOFA_K_REAL:
		if (!sofa_strtod(value, &d))
			return "is not a number";
		if (d < k->min || d > k->max)
			return "is out of range";
		return NULL;
	case SOFA_K_BOOL:
		return sofa_strtobool(value, &b) ? NULL :
		    "is not a boolean (true/false, yes/no, on/off, 1/0)";
	case SOFA_K_URL:
		if (strncmp(value, "http://", 7) != 0 &&
		    strncmp(value, "https://", 8) != 0)
			return "is not an http:// or https:// URL";
		return NULL;
	case SOFA_K_PATH:
		if (*value == '\0')
			return "is empty";
		return NULL;
	default:
		for (const char *p = value; *p; p++)
			if ((unsigned char)*p < 0x20 && *p != '\t')
				return "holds a control character";
		return NULL;
	}
}

static void
put(struct sofa_config *cfg, int i, const char *value, enum origin kind,
    char *origin)
{
	cfg->kind[i] = kind;
	free(cfg->raw[i]);
	free(cfg->origin[i]);
	cfg->raw[i] = xstrdup(value);
	cfg->origin[i] = origin;
	for (size_t j = 0; j < NKEYS; j++) {
		free(cfg->resolved[j]);
		cfg->resolved[j] = NULL;
	}
}

static char *
range_text(const struct sofa_key *k)
{
	char a[SOFA_DBL_LEN], b[SOFA_DBL_LEN];

	if (k->type != SOFA_K_INT && k->type != SOFA_K_REAL)
		return xstrdup("");
	sofa_fmt_double(a, k->min);
	sofa_fmt_double(b, k->max);
	return xasprintf(" (%s..%s)", a, b);
}

/* inih's reader: fgets that counts lines and refuses over-long ones. */
static char *
reader(char *str, int num, void *stream)
{
	struct sofa_config *cfg = ((void **)stream)[1];
	FILE *fp = ((void **)stream)[0];
	size_t n;

	if (fgets(cfg->rawline, sizeof(cfg->rawline), fp) == NULL)
		return NULL;
	cfg->line++;
	n = strlen(cfg->rawline);
	if (n > 0 && cfg->rawline[n - 1] != '\n' && !feof(fp)) {
		int c;

		seterr(cfg, "%s:%u: line too long (at most %d bytes)",
		    cfg->file, cfg->line, INI_LINE - 1);
		while ((c = getc(fp)) != EOF && c != '\n')
			;
		cfg->rawline[0] = '\0';
	} else if (memchr(cfg->rawline, '\0', n) != NULL) {
		seterr(cfg, "%s:%u: NUL byte", cfg->file, cfg->line);
	}
	if ((int)n >= num)
		n = (size_t)num - 1;
	memcpy(str, cfg->rawline, n);
	str[n] = '\0';
	return str;
}

/* The competition called name, created at the current line if new. */
static struct sofa_comp *
comp(struct sofa_config *cfg, const char *name)
{
	struct sofa_comp *c;

	for (size_t i = 0; i < cfg->ncomp; i++)
		if (strcmp(cfg->comps[i].name, name) == 0)
			return &cfg->comps[i];
	xgrow((void **)&cfg->comps, &cfg->compcap, cfg->ncomp + 1,
	    sizeof(*cfg->comps));
	c = &cfg->comps[cfg->ncomp++];
	memset(c, 0, sizeof(*c));
	c->name = xstrdup(name);
	c->file = cfg->file;
	c->line = cfg->line;
	return c;
}

static void
add_comp(struct sofa_config *cfg, const char *name, const char *key,
    const char *value)
{
	struct sofa_comp *c = comp(cfg, name);
	const char *e;

	if (strcmp(key, "tournament") == 0) {
		c->tournament = sofa_strtonum(value, 1, INT_MAX, &e);
		if (e != NULL)
			seterr(cfg, "%s:%u: [competition %s] tournament: '%s' "
			    "is not a tournament id", cfg->file, cfg->line,
			    name, value);
	} else if (strcmp(key, "seasons") == 0) {
		free((char *)c->seasons);
		c->seasons = xstrdup(value);
	} else
		seterr(cfg, "%s:%u: [competition %s]: unknown key '%s' "
		    "(tournament, seasons)", cfg->file, cfg->line, name, key);
}

static int
handler(void *user, const char *section, const char *name, const char *value)
{
	struct sofa_config *cfg = ((void **)user)[1];
	const struct sofa_key *k;
	const char *why;
	int i;

	if (cfg->failed)
		return 1;
	if (cfg->rawline[0] == ' ' || cfg->rawline[0] == '\t') {
		seterr(cfg, "%s:%u: indented line (continuation lines are "
		    "not supported)", cfg->file, cfg->line);
		return 1;
	}
	if (strncmp(section, "competition ", 12) == 0) {
		const char *cname = section + 12;

		while (*cname == ' ')
			cname++;
		if (*cname == '\0')
			seterr(cfg, "%s:%u: [competition] needs a name",
			    cfg->file, cfg->line);
		else
			add_comp(cfg, cname, name, value);
		return 1;
	}
	if ((i = keyidx(name)) < 0) {
		seterr(cfg, "%s:%u: unknown key '%s'", cfg->file, cfg->line,
		    name);
		return 1;
	}
	k = &keys[i];
	if (*section != '\0' && strcmp(section, k->section) != 0) {
		seterr(cfg, "%s:%u: key '%s' belongs in [%s], not [%s]",
		    cfg->file, cfg->line, name, k->section, section);
		return 1;
	}
	if (cfg->kind[i] != O_DEFAULT) {
		seterr(cfg, "%s:%u: key '%s' set twice (first at %s)",
		    cfg->file, cfg->line, name, cfg->origin[i]);
		return 1;
	}
	if ((why = check(k, value)) != NULL) {
		char *r = range_text(k);

		seterr(cfg, "%s:%u: %s: '%s' %s%s", cfg->file, cfg->line,
		    name, value, why, r);
		free(r);
		return 1;
	}
	put(cfg, i, value, O_FILE, xasprintf("%s:%u", cfg->file, cfg->line));
	return 1;
}

static bool
check_sections(struct sofa_config *cfg, FILE *fp)
{
	char line[INI_LINE + 2];
	unsigned n = 0;

	/* inih does not report unknown empty sections: do it here. */
	while (fgets(line, sizeof(line), fp) != NULL) {
		char *p = line, *end;

		n++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p != '[')
			continue;
		end = strchr(p, ']');
		if (end == NULL)
			continue;	/* inih reports it */
		*end = '\0';
		p++;
		if (strncmp(p, "competition ", 12) == 0) {
			/* register it here, so that the header's line is
			 * known and an empty section is not lost */
			const char *name = p + 12;

			while (*name == ' ')
				name++;
			if (*name == '\0') {
				seterr(cfg, "%s:%u: [competition] needs a name",
				    cfg->file, n);
				return false;
			}
			cfg->line = n;
			comp(cfg, name);
			continue;
		}
		if (strcmp(p, "sofa") && strcmp(p, "paths") &&
		    strcmp(p, "http") && strcmp(p, "fetch") &&
		    strcmp(p, "dq") && strcmp(p, "pipeline")) {
			seterr(cfg, "%s:%u: unknown section [%s] (sofa, paths, "
			    "http, fetch, dq, pipeline, competition NAME)",
			    cfg->file, n, p);
			return false;
		}
	}
	return true;
}

static bool
read_file(struct sofa_config *cfg)
{
	void *st[2];
	FILE *fp;
	int r;

	fp = fopen(cfg->file, "r");
	if (fp == NULL) {
		seterr(cfg, "%s: %s", cfg->file, strerror(errno));
		return false;
	}
	if (!check_sections(cfg, fp)) {
		fclose(fp);
		return false;
	}
	rewind(fp);
	cfg->line = 0;
	st[0] = fp;
	st[1] = cfg;
	r = ini_parse_stream(reader, st, handler, st);
	if (ferror(fp))
		seterr(cfg, "%s: read error", cfg->file);
	fclose(fp);
	if (r > 0)
		seterr(cfg, "%s:%d: syntax error (expected '[section]' or "
		    "'key = value')", cfg->file, r);
	for (size_t i = 0; !cfg->failed && i < cfg->ncomp; i++) {
		struct sofa_comp *c = &cfg->comps[i];

		if (c->tournament == 0)
			seterr(cfg, "%s:%u: [competition %s] has no tournament",
			    c->file, c->line, c->name);
		if (c->seasons == NULL)
			c->seasons = xstrdup("current");
	}
	return !cfg->failed;
}

static char *
find_file(const char *path)
{
	const char *env = getenv("SOFASCORE_CONFIG");
	char *sys;

	if (path != NULL)
		return xstrdup(path);
	if (env != NULL && *env != '\0')
		return xstrdup(env);
	if (access("etc/sofa.ini", F_OK) == 0)
		return xstrdup("etc/sofa.ini");
	sys = xasprintf("%s/sofa/sofa.ini", SOFA_SYSCONFDIR);
	if (access(sys, F_OK) == 0)
		return sys;
	free(sys);
	return NULL;
}

static bool
read_env(struct sofa_config *cfg)
{
	extern char **environ;
	char name[96];
	const char *v, *why;

	for (size_t i = 0; i < NKEYS; i++) {
		sofa_cfg_envname(keys[i].name, name, sizeof(name));
		v = getenv(name);
		if (v == NULL && strcmp(keys[i].name, "env") == 0 &&
		    (v = getenv("ENV")) != NULL)
			strcpy(name, "ENV");
		if (v == NULL)
			continue;
		if ((why = check(&keys[i], v)) != NULL) {
			char *r = range_text(&keys[i]);

			seterr(cfg, "environment %s: '%s' %s%s", name, v, why,
			    r);
			free(r);
			return false;
		}
		put(cfg, (int)i, v, O_ENV, xasprintf("environment %s", name));
	}
	for (char **e = environ; *e != NULL; e++) {
		const char *eq = strchr(*e, '=');
		size_t n = eq ? (size_t)(eq - *e) : strlen(*e);
		bool known = false;

		if (strncmp(*e, "SOFASCORE_", 10) != 0)
			continue;
		if (n == 16 && strncmp(*e, "SOFASCORE_CONFIG", 16) == 0)
			continue;
		for (size_t i = 0; i < NKEYS && !known; i++) {
			sofa_cfg_envname(keys[i].name, name, sizeof(name));
			known = strlen(name) == n && strncmp(*e, name, n) == 0;
		}
		if (!known)
			sofa_warnx("ignoring unknown variable %.*s", (int)n, *e);
	}
	return true;
}

static bool check_refs(struct sofa_config *);

struct sofa_config *
sofa_config_load(const char *path, char *err, size_t errlen)
{
	struct sofa_config *cfg = xcalloc(1, sizeof(*cfg));
	char buf[PATH_MAX];

	cfg->err = err;
	cfg->errlen = errlen;
	if (errlen > 0)
		err[0] = '\0';
	cfg->cwd = xstrdup(getcwd(buf, sizeof(buf)) ? buf : "/");
	for (size_t i = 0; i < NKEYS; i++) {
		cfg->raw[i] = xstrdup(keys[i].def);
		cfg->origin[i] = xstrdup("default");
	}
	cfg->file = find_file(path);
	if (cfg->file != NULL) {
		char *slash;

		cfg->filedir = cfg->file[0] == '/' ? xstrdup(cfg->file) :
		    xasprintf("%s/%s", cfg->cwd, cfg->file);
		slash = strrchr(cfg->filedir, '/');
		*(slash == cfg->filedir ? slash + 1 : slash) = '\0';
		if (!read_file(cfg))
			goto fail;
	}
	if (!read_env(cfg) || !check_refs(cfg))
		goto fail;
	cfg->err = NULL;
	return cfg;
fail:
	sofa_config_free(cfg);
	return NULL;
}

struct sofa_config *
sofa_config_xload(const char *path)
{
	char err[512];
	struct sofa_config *cfg = sofa_config_load(path, err, sizeof(err));

	if (cfg == NULL)
		sofa_errx(SOFA_EXIT_USAGE, "%s", err);
	return cfg;
}

void
sofa_config_free(struct sofa_config *cfg)
{
	if (cfg == NULL)
		return;
	for (size_t i = 0; i < NKEYS; i++) {
		free(cfg->raw[i]);
		free(cfg->origin[i]);
		free(cfg->resolved[i]);
	}
	for (size_t i = 0; i < cfg->ncomp; i++) {
		free((char *)cfg->comps[i].name);
		free((char *)cfg->comps[i].seasons);
	}
	free(cfg->comps);
	free(cfg->file);
	free(cfg->filedir);
	free(cfg->cwd);
	free(cfg);
}

void
sofa_config_xset(struct sofa_config *cfg, const char *key, const char *value,
    const char *opt)
{
	const char *why;
	int i = keyidx(key);

	if (i < 0)
		sofa_errx(SOFA_EXIT_USAGE, "%s: unknown key '%s'", opt, key);
	if ((why = check(&keys[i], value)) != NULL) {
		char *r = range_text(&keys[i]);

		sofa_errx(SOFA_EXIT_USAGE, "%s: '%s' %s%s", opt, value, why, r);
	}
	put(cfg, i, value, O_OPTION, xasprintf("option %s", opt));
}

/* Lexically clean an absolute path: no "//", "/./" or "x/../". */
static char *
clean(char *p)
{
	char *out = p, *s = p;

	while (*s != '\0') {
		if (s[0] == '/' && s[1] == '/') {
			s++;
			continue;
		}
		if (s[0] == '/' && s[1] == '.' && (s[2] == '/' || s[2] == '\0')) {
			s += 2;
			continue;
		}
		if (s[0] == '/' && s[1] == '.' && s[2] == '.' &&
		    (s[3] == '/' || s[3] == '\0')) {
			while (out > p && *--out != '/')
				;
			s += 3;
			continue;
		}
		*out++ = *s++;
	}
	if (out == p)
		*out++ = '/';
	*out = '\0';
	return p;
}

static const char *resolve(struct sofa_config *cfg, int i, int depth);

/* Replace ${key} with the value of key; at most VALUE_MAX bytes (a
 * longer value is refused by check_refs() before anyone reads it). */
#define VALUE_MAX 4096

/* The next ${key} reference at *p: *open is where it starts and *p moves
 * past it.  Returns the key's index, -1 for a name that is no key, -2 when
 * there is none left. */
static int
next_ref(const char **p, const char **open)
{
	const char *close;
	char name[64];
	size_t n;

	if ((*open = strstr(*p, "${")) == NULL ||
	    (close = strchr(*open, '}')) == NULL)
		return -2;
	*p = close + 1;
	n = (size_t)(close - *open - 2);
	if (n >= sizeof(name))
		return -1;
	memcpy(name, *open + 2, n);
	name[n] = '\0';
	return keyidx(name);
}

static char *
expand(struct sofa_config *cfg, const char *v, int depth)
{
	char *out = xstrdup(""), *tmp;
	const char *p = v, *from, *open;
	int j;

	for (from = p; (j = next_ref(&p, &open)) != -2; from = p) {
		const char *val = "";

		if (strlen(out) > VALUE_MAX)
			return out;
		if (j >= 0 && depth < 8)
			val = resolve(cfg, j, depth + 1);
		tmp = xasprintf("%s%.*s%.*s", out, (int)(open - from), from,
		    VALUE_MAX + 1, val);
		free(out);
		out = tmp;
	}
	tmp = xasprintf("%s%.*s", out, VALUE_MAX + 1, from);
	free(out);
	return tmp;
}

static const char *
resolve(struct sofa_config *cfg, int i, int depth)
{
	char *v, *abs;
	const char *base;

	if (cfg->resolved[i] != NULL)
		return cfg->resolved[i];
	/* a cycle (check_refs() refuses those a file or the environment
	 * makes; root is a path key's implicit base) ends in "" */
	if (cfg->busy[i])
		return "";
	cfg->busy[i] = true;
	v = expand(cfg, cfg->raw[i], depth);
	if (keys[i].type == SOFA_K_URL) {
		size_t n = strlen(v);

		while (n > 8 && v[n - 1] == '/')
			v[--n] = '\0';
	}
	if (keys[i].type == SOFA_K_PATH && v[0] != '/') {
		if (strcmp(keys[i].name, "root") == 0)
			base = cfg->kind[i] == O_FILE ? cfg->filedir :
			    cfg->cwd;
		else
			base = resolve(cfg, keyidx("root"), depth + 1);
		abs = xasprintf("%s/%s", base, v);
		free(v);
		v = clean(abs);
	} else if (keys[i].type == SOFA_K_PATH)
		clean(v);
	cfg->resolved[i] = v;
	cfg->busy[i] = false;
	return v;
}

/* Whether key i's value reaches key `to` through its ${key} references
 * (seen: the keys already followed). */
static bool
reaches(const struct sofa_config *cfg, size_t i, size_t to, bool *seen)
{
	const char *p = cfg->raw[i], *open;
	int j;

	while ((j = next_ref(&p, &open)) != -2) {
		if (j < 0)
			continue;
		if ((size_t)j == to)
			return true;
		if (!seen[j]) {
			seen[j] = true;
			if (reaches(cfg, (size_t)j, to, seen))
				return true;
		}
	}
	return false;
}

/* Refuse a key whose value refers back to itself, and a value longer
 * than VALUE_MAX once its references are replaced. */
static bool
check_refs(struct sofa_config *cfg)
{
	for (size_t i = 0; i < NKEYS; i++) {
		bool seen[NKEYS] = { false };

		if (reaches(cfg, i, i, seen)) {
			seterr(cfg, "%s: %s: '%s' refers back to %s itself",
			    cfg->origin[i], keys[i].name, cfg->raw[i],
			    keys[i].name);
			return false;
		}
	}
	for (size_t i = 0; i < NKEYS; i++)
		if (strlen(resolve(cfg, (int)i, 0)) > VALUE_MAX) {
			seterr(cfg, "%s: %s: longer than %d bytes once its "
			    "${key} references are replaced", cfg->origin[i],
			    keys[i].name, VALUE_MAX);
			return false;
		}
	return true;
}

static int
need(const char *key)
{
	int i = keyidx(key);

	if (i < 0) {
		sofa_warnx("internal error: unknown config key '%s'", key);
		abort();
	}
	return i;
}

const char *
sofa_cfg_str(struct sofa_config *cfg, const char *key)
{
	return resolve(cfg, need(key), 0);
}

long long
sofa_cfg_int(struct sofa_config *cfg, const char *key)
{
	const char *e;
	int i = need(key);

	return sofa_strtonum(cfg->raw[i], LLONG_MIN, LLONG_MAX, &e);
}

double
sofa_cfg_real(struct sofa_config *cfg, const char *key)
{
	double d = 0;

	sofa_strtod(cfg->raw[need(key)], &d);
	return d;
}

bool
sofa_cfg_bool(struct sofa_config *cfg, const char *key)
{
	bool b = false;

	sofa_strtobool(cfg->raw[need(key)], &b);
	return b;
}

bool
sofa_cfg_has(struct sofa_config *cfg, const char *key, const char *word)
{
	const char *p = cfg->raw[need(key)];
	size_t n = strlen(word);

	while (*p != '\0') {
		size_t len;

		while (*p == ' ' || *p == ',' || *p == '\t')
			p++;
		len = strcspn(p, " ,\t");
		if (len == n && len > 0 && strncmp(p, word, n) == 0)
			return true;
		p += len;
	}
	return false;
}

const char *
sofa_cfg_origin(struct sofa_config *cfg, const char *key)
{
	return cfg->origin[need(key)];
}

const char *
sofa_cfg_file(const struct sofa_config *cfg)
{
	return cfg->file;
}

size_t
sofa_cfg_ncomp(const struct sofa_config *cfg)
{
	return cfg->ncomp;
}

const struct sofa_comp *
sofa_cfg_comp(const struct sofa_config *cfg, size_t i)
{
	return i < cfg->ncomp ? &cfg->comps[i] : NULL;
}
