/*
 * xform.h - the driver shared by every transform (sofa-lineups,
 * sofa-appearances, the table builders): ids in, documents from the raw
 * store, rows out.
 *
 * The input convention, the same in every transform:
 *   - match ids as operands, or one per line on stdin (also for the operand
 *     "-"), plain or as NDJSON lines of the match index (ids.h), each id
 *     once (repeats are skipped quietly); a bad id is warned about with
 *     its line number and skipped;
 *   - each id is resolved against raw_base: the document of endpoint E is
 *     RAW_BASE/event/ID.json for "event", RAW_BASE/event/ID/E.json
 *     otherwise;
 *   - rows go to stdout as CSV with a header (-H: without it), or NDJSON
 *     with -j;
 *   - a match whose input document is absent is skipped with a note on
 *     stderr ("ID: lineups not in the store (FILE), skipped"), which is
 *     not an error; -q silences the notes; a stored API error body with
 *     code 404 counts as absent, any other as a bad document;
 *   - a document that cannot be read, is not JSON or breaks the contract
 *     is named with the key ("FILE: home.players[3].player.id: expected an
 *     integer, got string"), the program goes on with what it can, and
 *     exits 1 at the end;
 *   - streaming: one match at a time, its documents freed before the next,
 *     so memory stays flat whatever the number of matches (but for the set
 *     of ids seen, 16 to 32 bytes per distinct id).
 *
 * A transform's main reads like this:
 *
 *	struct sofa_xf_opts o = { 0 };
 *	while ((c = getopt_long(argc, argv, SOFA_XF_SHORTOPTS "x", lo, NULL))
 *	    != -1)
 *		if (!sofa_xf_option(&o, c, optarg)) switch (c) { ... }
 *	xf = sofa_xf_new(&o, argc - optind, argv + optind);
 *	tab = sofa_xf_table(xf, cols, ncols);
 *	while (sofa_xf_next(xf, &id)) {
 *		if ((d = sofa_xf_load(xf, "lineups", SOFA_XF_NEED)) == NULL)
 *			continue;
 *		... sofa_tab_*(tab, ...); sofa_tab_row(tab); ...
 *	}
 *	return sofa_finish(sofa_xf_end(xf));
 */
#ifndef SOFA_XFORM_H
#define SOFA_XFORM_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "json.h"
#include "table.h"

/* The options every transform takes. */
struct sofa_xf_opts {
	const char *config;	/* --config FILE, or NULL */
	const char *raw_base;	/* --raw-base DIR, or NULL */
	bool json;		/* -j: NDJSON rows instead of CSV */
	bool no_header;		/* -H: CSV without the header row */
	bool unbuffered;	/* -u: flush every line */
	bool quiet;		/* -q: no notes, no progress */
};

enum {
	SOFA_XF_OPT_CONFIG = 0x1000,
	SOFA_XF_OPT_RAW_BASE,
	SOFA_XF_OPT_VERSION
};

/* getopt_long material: append a program's own letters to
 * SOFA_XF_SHORTOPTS and its own entries after SOFA_XF_LONGOPTS. */
#define SOFA_XF_SHORTOPTS "jHuqh"
#define SOFA_XF_LONGOPTS \
	{ "json", no_argument, NULL, 'j' }, \
	{ "no-header", no_argument, NULL, 'H' }, \
	{ "unbuffered", no_argument, NULL, 'u' }, \
	{ "quiet", no_argument, NULL, 'q' }, \
	{ "config", required_argument, NULL, SOFA_XF_OPT_CONFIG }, \
	{ "raw-base", required_argument, NULL, SOFA_XF_OPT_RAW_BASE }, \
	{ "help", no_argument, NULL, 'h' }, \
	{ "version", no_argument, NULL, SOFA_XF_OPT_VERSION }

/* The usage words of those options, and their --help lines. */
#define SOFA_XF_USAGE "[-jHqu] [--config FILE] [--raw-base DIR] [ID ...]"
#define SOFA_XF_HELP \
	"  -j, --json        NDJSON rows instead of CSV\n" \
	"  -H, --no-header   CSV without its header row\n" \
	"  -q, --quiet       no notes about absent documents, no progress\n" \
	"  -u, --unbuffered  flush every line\n" \
	"      --raw-base DIR  read the raw store in DIR (key raw_base)\n" \
	"      --config FILE read FILE instead of the usual configuration\n" \
	"  -h, --help        this help\n" \
	"      --version     print the version\n"

/*
 * Apply option c (with its argument) if it is one of the common options
 * above other than -h and --version, which the program handles; returns
 * false when c is not one of them.
 */
bool sofa_xf_option(struct sofa_xf_opts *o, int c, const char *arg);

struct sofa_xf;

/* A document of the current match. */
struct sofa_xdoc {
	const char *endpoint;	/* "event", "lineups", ... */
	const char *file;	/* RAW_BASE/event/ID/lineups.json */
	struct sofa_jv *root;	/* its root, always an object */
};

/*
 * Start a transform: load the configuration (a bad one exits 2), apply the
 * options (o is copied), and read ids from the argc operands in argv
 * (borrowed) or, when argc is 0, stdin.  New; sofa_xf_end() frees it.
 */
struct sofa_xf *sofa_xf_new(const struct sofa_xf_opts *o, int argc,
    char *argv[]);

/* The effective configuration; borrowed until sofa_xf_end(). */
struct sofa_config *sofa_xf_config(struct sofa_xf *xf);

/*
 * The table writer of the run on stdout, in the options' format (the CSV
 * header is written now unless -H); cols is borrowed and static.  One per
 * run; borrowed, freed by sofa_xf_end().
 */
struct sofa_tab *sofa_xf_table(struct sofa_xf *xf, const char *const cols[],
    size_t n);

/*
 * The next match: 1 with *id set, 0 at the end of the ids.  Frees the
 * documents of the previous match first, and stops the program ("write
 * error", exit 1) when stdout has failed.
 */
int sofa_xf_next(struct sofa_xf *xf, int64_t *id);

/* The current match id. */
int64_t sofa_xf_id(const struct sofa_xf *xf);

/* How sofa_xf_load() treats an absent document. */
enum sofa_xf_need {
	SOFA_XF_NEED,	/* the match cannot be done without it: note it */
	SOFA_XF_WANT	/* optional: absent is silent */
};

/*
 * Load the document of endpoint for the current match.  Returns it
 * (borrowed, valid until the next sofa_xf_next()), or NULL when it is
 * absent (noted on stderr for SOFA_XF_NEED, unless -q; a stored 404 error
 * body counts as absent), unreadable, not JSON, its root is not an object
 * or is another error body (each warned about with the file name, and the
 * run will exit 1).  A second call for the same endpoint
 * returns the same document.
 */
const struct sofa_xdoc *sofa_xf_load(struct sofa_xf *xf, const char *endpoint,
    enum sofa_xf_need need);

/*
 * Report that the value at key (printf format and arguments, e.g.
 * "home.players[%zu].player.id") of document d is not what the contract
 * wants: "FILE: KEY: expected WANT, got TYPE", and mark the run failed.
 * Returns false.
 */
bool sofa_xf_contract(struct sofa_xf *xf, const struct sofa_xdoc *d,
    const char *want, const struct sofa_jv *got, const char *keyfmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Any other problem of a document: "FILE: message", run failed. */
void sofa_xf_bad(struct sofa_xf *xf, const struct sofa_xdoc *d,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* A note that is not an error: "ID: message" on stderr, unless -q. */
void sofa_xf_note(struct sofa_xf *xf, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Mark the run failed (the caller has said why). */
void sofa_xf_fail(struct sofa_xf *xf);

/* Matches read so far, and matches skipped for an absent document. */
uint64_t sofa_xf_nmatches(const struct sofa_xf *xf);
uint64_t sofa_xf_nabsent(const struct sofa_xf *xf);

/*
 * Helpers for reading typed members with contract messages: the member key
 * of obj (whose own path in d is at, e.g. "event.homeTeam"), into *out.
 * Absent or null: false, silently.  Present with another type: a contract
 * problem through xf, false.
 */
bool sofa_xf_getint(struct sofa_xf *xf, const struct sofa_xdoc *d,
    const struct sofa_jv *obj, const char *at, const char *key,
    int64_t *out);
bool sofa_xf_getnum(struct sofa_xf *xf, const struct sofa_xdoc *d,
    const struct sofa_jv *obj, const char *at, const char *key, double *out);
bool sofa_xf_getbool(struct sofa_xf *xf, const struct sofa_xdoc *d,
    const struct sofa_jv *obj, const char *at, const char *key, bool *out);
/* Strings are borrowed from the document. */
bool sofa_xf_getstr(struct sofa_xf *xf, const struct sofa_xdoc *d,
    const struct sofa_jv *obj, const char *at, const char *key,
    const char **out);
/* An object member (an empty array "[]" counts as an empty object: some
 * re-serializers turn {} into []); NULL when absent, null or mistyped. */
const struct sofa_jv *sofa_xf_getobj(struct sofa_xf *xf,
    const struct sofa_xdoc *d, const struct sofa_jv *obj, const char *at,
    const char *key);

/*
 * End the run: free everything and return the exit status, SOFA_EXIT_FAIL
 * if a bad id, an unreadable or malformed document or a contract problem
 * was seen, else SOFA_EXIT_OK.  Pass it to sofa_finish().
 */
int sofa_xf_end(struct sofa_xf *xf);

#endif
