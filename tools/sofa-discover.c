/*
 * sofa-discover - every match of a competition and season, into the match
 * index.
 *
 * Reads the API through the mirror layer that sofa-fetch uses (mirror.h:
 * the http engine and its policy, conditional requests, the API contract,
 * every body kept in the raw store or quarantined) or, with --offline, the
 * raw store alone: the
 * seasons of a competition, then each selected season's rounds and round
 * events, or its paginated last/next event lists when it has no rounds.
 * Writes one NDJSON index line per match (docs/sofa.7, "THE MATCH INDEX")
 * to stdout, or merges them into the index (index_path) atomically with
 * --merge.  It also turns any stored event list into index lines (events)
 * and merges index lines from elsewhere (merge).  It is the first step of
 * the pipeline: sofa-fetch reads the index's event ids.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "discover.h"
#include "err.h"
#include "http.h"
#include "ids.h"
#include "index.h"
#include "io.h"
#include "mirror.h"
#include "ndjson.h"
#include "num.h"
#include "season.h"
#include "store.h"
#include "timeutil.h"
#include "xalloc.h"

static const char usage_text[] =
    "usage: sofa-discover [-mqv] [--config FILE] [--index FILE] [--offline]\n"
    "           [--pages] [--max-pages N] matches [TOURNAMENT [SEASON ...]]\n"
    "       sofa-discover [-qv] [--config FILE] [--offline] seasons\n"
    "           [TOURNAMENT [SEASON ...]]\n"
    "       sofa-discover [-mv] [--config FILE] [--index FILE] events "
    "[FILE ...]\n"
    "       sofa-discover [-v] [--config FILE] [--index FILE] merge "
    "[FILE ...]\n";

struct disc {
	struct sofa_config *cfg;
	struct sofa_walk walk;
	const char *raw_base;
	size_t max_body, max_line;
	long long breaker;	/* failed requests in a row that stop us */
	long long fails;	/* ... so far */
	struct sofa_http *http;	/* the network, opened at the first request */
	struct sofa_mirror *mirror;
	struct sofa_ix *ix;	/* being gathered, for the progress line */
	bool offline, merge, quiet, verbose, tty;
};

/* One competition to walk: a tournament id and its season words. */
struct comp {
	int64_t ut;
	char **words;
	size_t nwords;
};

static void
usage(FILE *fp, int status)
{
	fputs(usage_text, fp);
	if (fp == stdout)
		fputs("\n"
		    "Commands:\n"
		    "  matches   index lines of every match of the seasons "
		    "(default: the\n"
		    "            config's [competition] sections; SEASON "
		    "default: current)\n"
		    "  seasons   the seasons of a competition as NDJSON\n"
		    "  events    index lines of the events of stored list "
		    "bodies (stdin: -)\n"
		    "  merge     fold index lines (files or stdin) into the "
		    "index\n"
		    "SEASON: current, all, an id, or a year: 2023/24, 24/25, "
		    "2024\n"
		    "\n"
		    "  -m, --merge       merge into the index instead of "
		    "printing\n"
		    "      --index FILE  the index (index_path)\n"
		    "      --offline     read the raw store, not the network\n"
		    "      --pages       list by events/last and events/next "
		    "pages\n"
		    "      --max-pages N most pages per direction (200)\n"
		    "  -q, --quiet       no progress on a terminal\n"
		    "  -v, --verbose     every request and a summary on "
		    "stderr\n"
		    "      --config FILE read FILE instead of the usual one\n"
		    "  -h, --help        this help\n"
		    "      --version     print the version\n", fp);
	exit(fp == stdout ? sofa_finish(status) : status);
}

/* The raw store as the API: a missing body is a 404. */
static enum sofa_got
store_get(struct disc *d, const char *path, struct sofa_jdoc **doc,
    char *note, size_t len)
{
	char *file;
	int ioerr;

	*doc = sofa_store_load(d->raw_base, path, d->max_body, &file, &ioerr);
	free(file);
	snprintf(note, len, "%s", *doc != NULL ? "ok" : ioerr == ENOENT ?
	    "absent" : "failed");
	if (*doc != NULL)
		return SOFA_GOT_BODY;
	return ioerr == ENOENT ? SOFA_GOT_ABSENT : SOFA_GOT_FAILED;
}

/* The http engine's reason for a 403 ("upstream refused (HTTP 403
 * challenge)") without the words the message says already. */
static const char *
why_refused(const char *error)
{
	static char buf[96];
	const char *pre = "upstream refused (";
	size_t n;

	if (error == NULL)
		return "HTTP 403";
	n = strlen(pre);
	if (strncmp(error, pre, n) != 0 || error[strlen(error) - 1] != ')')
		return error;
	snprintf(buf, sizeof(buf), "%.*s", (int)(strlen(error) - n - 1),
	    error + n);
	return buf;
}

/* The API through the mirror (the http engine and the raw store's write
 * side that sofa-fetch uses): every body is kept in the store, asked
 * conditionally when it is there already. */
static enum sofa_got
net_get(struct disc *d, const char *path, struct sofa_jdoc **doc,
    char *note, size_t len)
{
	struct sofa_mirror_res *r;
	enum sofa_got g = SOFA_GOT_FAILED;

	if (d->mirror == NULL) {
		d->http = sofa_http_new(d->cfg);
		d->mirror = sofa_mirror_new(d->http, d->cfg);
	}
	r = sofa_mirror_get(d->mirror, path, SOFA_MIRROR_DOC);
	snprintf(note, len, "%s %ld, %d attempt%s",
	    sofa_http_outcome_name(r->outcome), r->status, r->attempts,
	    r->attempts == 1 ? "" : "s");
	switch (r->outcome) {
	case SOFA_HTTP_OK:
	case SOFA_HTTP_NOT_MODIFIED:
		if ((*doc = r->doc) != NULL) {
			r->doc = NULL;
			g = SOFA_GOT_BODY;
		} else
			sofa_warnx("%s: %s, but no body is stored", path,
			    sofa_http_outcome_name(r->outcome));
		break;
	case SOFA_HTTP_ABSENT:
		g = SOFA_GOT_ABSENT;
		break;
	case SOFA_HTTP_BLOCKED:
		sofa_warnx("%s: the upstream refused the request (%s): %s",
		    path, why_refused(r->error), sofa_discover_advice);
		g = SOFA_GOT_REFUSED;
		break;
	case SOFA_HTTP_THROTTLED:
		sofa_warnx("%s: the upstream throttled the requests (%s): try "
		    "a lower rate", path, r->error != NULL ? r->error :
		    "HTTP 429");
		break;
	default:
		sofa_warnx("%s: %s", path, r->error != NULL ? r->error :
		    sofa_http_outcome_name(r->outcome));
		break;
	}
	sofa_mirror_res_free(r);
	return g;
}

/* The progress line, on a terminal only. */
static void
progress(struct disc *d, bool last)
{
	if (!d->tty || d->quiet || d->verbose)
		return;
	fprintf(stderr, "\r%s: %lu requests, %zu matches listed\033[K%s",
	    sofa_prog, d->walk.requests, d->ix ? d->ix->n : 0,
	    last ? "\n" : "");
}

/* The getter of the walk: the store or the network, with progress, the
 * request log of -v and the breaker over a run of failures. */
static enum sofa_got
get(void *arg, const char *path, struct sofa_jdoc **doc)
{
	struct disc *d = arg;
	enum sofa_got g;
	char note[96];

	g = d->offline ? store_get(d, path, doc, note, sizeof(note)) :
	    net_get(d, path, doc, note, sizeof(note));
	if (d->verbose)
		fprintf(stderr, "%s: %s: %s\n", sofa_prog, path, note);
	progress(d, false);
	d->fails = g == SOFA_GOT_FAILED ? d->fails + 1 : 0;
	if (!d->offline && d->fails >= d->breaker) {
		sofa_warnx("%lld requests failed in a row: the upstream is "
		    "not answering; stopping (breaker)", d->fails);
		return SOFA_GOT_REFUSED;
	}
	return g;
}

/* A tournament operand: an id, or the name of a [competition] section
 * (whose seasons are the default). */
static void
comp_arg(struct disc *d, struct comp *c, int argc, char *argv[])
{
	const char *e;
	const char *dflt = "current";

	c->ut = sofa_strtonum(argv[0], 1, SOFA_ID_MAX, &e);
	if (e != NULL) {
		size_t i, n = sofa_cfg_ncomp(d->cfg);

		for (i = 0; i < n; i++)
			if (strcmp(sofa_cfg_comp(d->cfg, i)->name, argv[0]) ==
			    0)
				break;
		if (i == n)
			sofa_errx(SOFA_EXIT_USAGE, "%s: not a tournament id "
			    "nor a [competition] of the configuration",
			    argv[0]);
		c->ut = sofa_cfg_comp(d->cfg, i)->tournament;
		dflt = sofa_cfg_comp(d->cfg, i)->seasons;
	}
	c->nwords = 0;
	c->words = NULL;
	for (int i = 1; i < argc; i++) {
		char **w;
		size_t n = sofa_words(argv[i], &w);

		c->words = xreallocarray(c->words, c->nwords + n + 1,
		    sizeof(*c->words));
		if (n > 0)
			memcpy(c->words + c->nwords, w, n * sizeof(*w));
		c->nwords += n;
		free(w);
	}
	if (c->nwords == 0)
		c->nwords = sofa_words(dflt, &c->words);
}

/* The competitions named by the operands, or the config's; bad season
 * words are a usage error before any request. */
static size_t
comps(struct disc *d, int argc, char *argv[], struct comp **out)
{
	struct comp *v;
	size_t n = 0;
	const char *why;

	if (argc > 0) {
		v = xcalloc(1, sizeof(*v));
		comp_arg(d, &v[0], argc, argv);
		n = 1;
	} else {
		n = sofa_cfg_ncomp(d->cfg);
		if (n == 0)
			sofa_errx(SOFA_EXIT_USAGE, "no TOURNAMENT, and the "
			    "configuration has no [competition] section");
		v = xcalloc(n, sizeof(*v));
		for (size_t i = 0; i < n; i++) {
			const struct sofa_comp *c = sofa_cfg_comp(d->cfg, i);

			v[i].ut = c->tournament;
			v[i].nwords = sofa_words(c->seasons, &v[i].words);
		}
	}
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < v[i].nwords; j++)
			if (!sofa_season_word_ok(v[i].words[j], &why))
				sofa_errx(SOFA_EXIT_USAGE, "season '%s': %s",
				    v[i].words[j], why);
	*out = v;
	return n;
}

static void
comps_free(struct comp *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sofa_words_free(v[i].words, v[i].nwords);
	free(v);
}

/* The seasons of c its words select into sel (ss->n booleans); false
 * when the competition could not be listed. */
static bool
select_seasons(struct disc *d, const struct comp *c, struct sofa_seasons *ss,
    bool **sel)
{
	char err[256];

	if (sofa_walk_seasons(&d->walk, c->ut, ss) != SOFA_GOT_BODY)
		return false;
	*sel = xcalloc(ss->n + 1, sizeof(**sel));
	for (size_t j = 0; j < c->nwords; j++) {
		if (sofa_season_select(ss, c->words[j], *sel, err,
		    sizeof(err)) == 0) {
			sofa_warnx("competition %" PRId64 ": %s", c->ut, err);
			d->walk.errors++;
		}
	}
	return true;
}

static void
print_season(struct sofa_jw *w, int64_t ut, const struct sofa_season *s)
{
	sofa_jw_obj(w);
	sofa_jw_kint(w, "tournament_id", ut);
	sofa_jw_kint(w, "season_id", s->id);
	sofa_jw_kstr(w, "name", s->name);
	sofa_jw_kstr(w, "year", s->year);
	if (s->start != 0) {
		sofa_jw_kint(w, "start_year", s->start);
		sofa_jw_kint(w, "end_year", s->end);
	} else {
		sofa_jw_knull(w, "start_year");
		sofa_jw_knull(w, "end_year");
	}
	sofa_jw_obj_end(w);
	sofa_jw_nl(w);
}

static void
cmd_seasons(struct disc *d, int argc, char *argv[])
{
	struct sofa_seasons ss;
	struct sofa_jw w;
	struct comp *v;
	bool *sel;
	size_t n;

	n = comps(d, argc, argv, &v);
	if (argc == 1) {	/* a tournament alone lists all its seasons */
		sofa_words_free(v[0].words, v[0].nwords);
		v[0].nwords = sofa_words("all", &v[0].words);
	}
	sofa_jw_init(&w, stdout);
	for (size_t i = 0; i < n && !d->walk.refused; i++) {
		if (!select_seasons(d, &v[i], &ss, &sel))
			continue;
		for (size_t j = 0; j < ss.n; j++)
			if (sel[j])
				print_season(&w, v[i].ut, &ss.v[j]);
		free(sel);
		sofa_seasons_free(&ss);
	}
	comps_free(v, n);
}

/* Print ix, or merge it into the index. */
static void
output(struct disc *d, struct sofa_ix *ix)
{
	const char *path = sofa_cfg_str(d->cfg, "index_path");
	struct sofa_ixstat st;

	if (!d->merge) {
		sofa_ix_settle(ix);
		sofa_ix_write(ix, stdout);
		return;
	}
	/* a failed run with nothing to add leaves the index alone */
	if (ix->n == 0 && (d->walk.errors > 0 || d->walk.refused)) {
		sofa_warnx("%s: not changed: nothing was discovered", path);
		return;
	}
	if (sofa_ix_merge(path, ix, d->max_line, &st) != 0) {
		d->walk.errors++;
		return;
	}
	if (d->verbose || (d->tty && !d->quiet))
		fprintf(stderr, "%s: %s: %zu matches: %zu new, %zu changed, "
		    "%zu unchanged, %zu older than the index's%s\n",
		    sofa_prog, path, st.lines, st.added, st.changed,
		    st.unchanged, st.stale, st.written ? "" :
		    " (file untouched)");
}

static void
cmd_matches(struct disc *d, int argc, char *argv[])
{
	struct sofa_seasons ss;
	struct sofa_ix ix;
	struct comp *v;
	bool *sel;
	size_t n;

	n = comps(d, argc, argv, &v);
	sofa_ix_init(&ix);
	d->ix = &ix;
	for (size_t i = 0; i < n && !d->walk.refused; i++) {
		if (!select_seasons(d, &v[i], &ss, &sel))
			continue;
		for (size_t j = 0; j < ss.n && !d->walk.refused; j++)
			if (sel[j])
				sofa_walk_season(&d->walk, v[i].ut, &ss.v[j],
				    &ix);
		free(sel);
		sofa_seasons_free(&ss);
	}
	progress(d, true);
	comps_free(v, n);
	output(d, &ix);
	sofa_ix_free(&ix);
}

static void
cmd_events(struct disc *d, int argc, char *argv[])
{
	struct sofa_evctx ctx = { 0, 0, NULL, sofa_now() };
	char *stdin_arg[] = { (char *)"-" };
	struct sofa_jdoc *doc;
	struct sofa_jv *root;
	struct sofa_jerr je;
	struct sofa_ix ix;
	size_t n;
	int ioerr;

	if (argc == 0) {
		argc = 1;
		argv = stdin_arg;
	}
	sofa_ix_init(&ix);
	for (int i = 0; i < argc; i++) {
		const char *name = strcmp(argv[i], "-") == 0 ? "<stdin>" :
		    argv[i];

		doc = sofa_jdoc_load(strcmp(argv[i], "-") == 0 ?
		    "/dev/stdin" : argv[i], d->max_body, &ioerr, &je);
		if (doc == NULL) {
			if (ioerr != 0)
				sofa_warnx("%s: %s", name, ioerr == EFBIG ?
				    "larger than max_body" : strerror(ioerr));
			else
				sofa_warnx("%s:%zu: invalid JSON at column "
				    "%zu: %s", name, je.line ? je.line : 1,
				    je.col ? je.col : je.pos + 1, je.msg);
			d->walk.errors++;
			continue;
		}
		root = sofa_jdoc_root(doc);
		/* a proxy's {"success": ..., "data": BODY} (API-NOTES 5) */
		if (sofa_jv_get(root, "events") == NULL &&
		    sofa_jv_get(root, "event") == NULL &&
		    sofa_jv_is_obj(sofa_jv_get(root, "data")))
			root = sofa_jv_get(root, "data");
		if (sofa_events_body(&ix, root, &ctx, name, &n) != 0)
			d->walk.errors++;
		sofa_jdoc_free(doc);
	}
	output(d, &ix);
	sofa_ix_free(&ix);
}

static void
cmd_merge(struct disc *d, int argc, char *argv[])
{
	struct sofa_lr *lr;
	struct sofa_ix ix;
	FILE *fp;

	sofa_ix_init(&ix);
	for (int i = 0; i < (argc ? argc : 1); i++) {
		const char *f = argc ? argv[i] : "-";

		if (strcmp(f, "-") == 0)
			fp = stdin;
		else if ((fp = fopen(f, "r")) == NULL) {
			sofa_warn("%s", f);
			d->walk.errors++;
			continue;
		}
		lr = sofa_lr_new(fp, f, d->max_line);
		if (sofa_ix_read(&ix, lr) != 0)
			d->walk.errors++;
		sofa_lr_free(lr);
		if (fp != stdin)
			fclose(fp);
	}
	d->merge = true;
	output(d, &ix);
	sofa_ix_free(&ix);
}

int
main(int argc, char *argv[])
{
	enum { OPT_CONFIG = 256, OPT_INDEX, OPT_OFFLINE, OPT_PAGES,
	    OPT_MAXPAGES, OPT_VERSION };
	static const struct option longopts[] = {
		{ "merge", no_argument, NULL, 'm' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "config", required_argument, NULL, OPT_CONFIG },
		{ "index", required_argument, NULL, OPT_INDEX },
		{ "offline", no_argument, NULL, OPT_OFFLINE },
		{ "pages", no_argument, NULL, OPT_PAGES },
		{ "max-pages", required_argument, NULL, OPT_MAXPAGES },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 }
	};
	struct disc d;
	const char *file = NULL, *index = NULL, *cmd, *e;
	int c;

	sofa_init(argc, argv);
	memset(&d, 0, sizeof(d));
	d.walk.max_pages = 200;
	while ((c = getopt_long(argc, argv, "mqvh", longopts, NULL)) != -1) {
		switch (c) {
		case 'm':
			d.merge = true;
			break;
		case 'q':
			d.quiet = true;
			break;
		case 'v':
			d.verbose = true;
			break;
		case OPT_CONFIG:
			file = optarg;
			break;
		case OPT_INDEX:
			index = optarg;
			break;
		case OPT_OFFLINE:
			d.offline = true;
			break;
		case OPT_PAGES:
			d.walk.pages = true;
			break;
		case OPT_MAXPAGES:
			d.walk.max_pages = (unsigned)sofa_strtonum(optarg, 1,
			    1000000, &e);
			if (e != NULL)
				sofa_errx(SOFA_EXIT_USAGE, "--max-pages %s: %s",
				    optarg, e);
			break;
		case 'h':
			usage(stdout, SOFA_EXIT_OK);
			break;
		case OPT_VERSION:
			printf("sofa-discover %s\n", SOFA_VERSION);
			return sofa_finish(SOFA_EXIT_OK);
		default:
			usage(stderr, SOFA_EXIT_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage(stderr, SOFA_EXIT_USAGE);
	cmd = *argv++;
	argc--;

	d.cfg = sofa_config_xload(file);
	if (index != NULL)
		sofa_config_xset(d.cfg, "index_path", index, "--index");
	d.raw_base = sofa_cfg_str(d.cfg, "raw_base");
	d.max_body = (size_t)sofa_cfg_int(d.cfg, "max_body");
	d.max_line = (size_t)sofa_cfg_int(d.cfg, "max_line");
	d.breaker = sofa_cfg_int(d.cfg, "breaker");
	d.tty = isatty(STDERR_FILENO);
	d.walk.g.get = get;
	d.walk.g.arg = &d;
	d.walk.now = sofa_now();

	if (strcmp(cmd, "matches") == 0)
		cmd_matches(&d, argc, argv);
	else if (strcmp(cmd, "seasons") == 0 && !d.merge)
		cmd_seasons(&d, argc, argv);
	else if (strcmp(cmd, "events") == 0)
		cmd_events(&d, argc, argv);
	else if (strcmp(cmd, "merge") == 0)
		cmd_merge(&d, argc, argv);
	else
		usage(stderr, SOFA_EXIT_USAGE);
	if (d.mirror != NULL) {
		sofa_mirror_free(d.mirror);
		sofa_http_free(d.http);
	}
	sofa_config_free(d.cfg);
	return sofa_finish(d.walk.refused ? SOFA_EXIT_UPSTREAM :
	    d.walk.errors > 0 ? SOFA_EXIT_FAIL : SOFA_EXIT_OK);
}
