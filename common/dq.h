/*
 * dq.h - the data-quality rule engine of sofa-dq: rules, their texts and
 * severities, their outcomes (counts, examples, breakdowns) and the three
 * report formats.
 *
 * A rule has a stable id ("keys.team_in_teams"), a severity (FAIL or WARN;
 * overridable, or off) and two texts, a one-line description and a
 * remediation sentence, read from share_dir/dq/rules.tsv (tab-separated:
 * id, severity, description, remediation; "#" lines are comments).  The
 * checks themselves live in dqrules.c and dqcover.c; this module knows
 * nothing of tables.
 *
 * A check counts its offences with sofa_dq_hit(), which keeps the first
 * dq_examples of them as examples (an id, where it was seen, a detail).
 * A rule passes when it counted nothing; otherwise it FAILs or WARNs by
 * its severity (a check may downgrade one outcome to WARN, as the coverage
 * rule does below its threshold), or it is skipped with a reason when its
 * input legitimately does not exist yet.
 */
#ifndef SOFA_DQ_H
#define SOFA_DQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum sofa_dq_sev {
	SOFA_DQ_OFF,
	SOFA_DQ_WARN,
	SOFA_DQ_FAIL
};

enum sofa_dq_status {
	SOFA_DQ_PASS,
	SOFA_DQ_WARNED,
	SOFA_DQ_FAILED,
	SOFA_DQ_SKIPPED
};

enum sofa_dq_format {
	SOFA_DQ_TEXT,		/* readable report */
	SOFA_DQ_NDJSON,		/* one object per rule */
	SOFA_DQ_TAP		/* TAP version 13, one test per rule */
};

/* The documentation every remediation points into (#<id>). */
#define SOFA_DQ_DOC "docs/fixing_validation_failures.md"

struct sofa_dq_example {
	char *id;		/* the offending thing: an event id, a table */
	char *where;		/* FILE:LINE or NULL */
	char *detail;		/* what is wrong, or NULL */
};

struct sofa_dq_count {
	char *name;
	uint64_t n;
};

struct sofa_dq_rule {
	const char *id;
	enum sofa_dq_sev sev;	/* after overrides; OFF: not run */
	char *description, *remediation;
	bool selected;		/* runs in this run */
	/* the outcome */
	uint64_t count;		/* offences */
	uint64_t checked;	/* things looked at */
	const char *unit;	/* what they are: "rows", "matches" (static) */
	bool skipped, downgraded;
	char *note;		/* why skipped, or a one-line summary */
	struct sofa_dq_example *ex;
	size_t nex, maxex;
	struct sofa_dq_count *bd;	/* breakdown of count, in order */
	size_t nbd;
};

struct sofa_dq {
	struct sofa_dq_rule *rule;
	size_t nrule;
	char *textfile;
	bool narrowed;		/* sofa_dq_select() was called */
};

/*
 * The rules of ids[0..n-1] (static strings, in report order) with their
 * texts from textfile, each keeping up to maxex examples.  Every id must
 * have a text and every text an id.  All rules start selected unless
 * their default severity is off.  Returns a new engine (caller frees), or
 * NULL with "FILE:LINE: what" in err when the file cannot be read, has a
 * bad line, or does not match ids (a configuration error).
 */
struct sofa_dq *sofa_dq_new(const char *textfile, const char *const ids[],
    size_t n, size_t maxex, char *err, size_t errlen);
void sofa_dq_free(struct sofa_dq *dq);

/* The rule id, or NULL. */
struct sofa_dq_rule *sofa_dq_rule(struct sofa_dq *dq, const char *id);

/*
 * Apply severity overrides "ID=WARN ID=FAIL ID=off" (blank-separated words,
 * the level in any case).  false with a message in err ("unknown rule
 * 'x'", "'x=y': the level is WARN, FAIL or off") on the first bad word.
 */
bool sofa_dq_override(struct sofa_dq *dq, const char *spec, char *err,
    size_t errlen);

/*
 * Restrict the run to the rules named by pattern: an id, a family
 * ("keys" or "keys.*" for every keys.* rule) or "all".  The first call
 * deselects everything else; a named rule runs even when the configuration
 * turned it off (at its default severity).  false when nothing matches.
 */
bool sofa_dq_select(struct sofa_dq *dq, const char *pattern);

/* Whether the rule exists and runs; NULL-safe. */
bool sofa_dq_on(const struct sofa_dq_rule *r);

/* Whether one more offence would be kept as an example (callers can skip
 * formatting otherwise). */
bool sofa_dq_want(const struct sofa_dq_rule *r);

/*
 * Count one offence of r; keep it as an example while fewer than maxex
 * are kept: id (copied), where (copied, may be NULL) and a detail from
 * fmt (may be NULL).
 */
void sofa_dq_hit(struct sofa_dq_rule *r, const char *id, const char *where,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Add n to the breakdown entry name of r (created in first-seen order). */
void sofa_dq_tally(struct sofa_dq_rule *r, const char *name, uint64_t n);

/* Mark r skipped, with the reason from fmt. */
void sofa_dq_skip(struct sofa_dq_rule *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Set the one-line summary of r from fmt (replaces an earlier one). */
void sofa_dq_note(struct sofa_dq_rule *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

enum sofa_dq_status sofa_dq_status(const struct sofa_dq_rule *r);
const char *sofa_dq_status_name(enum sofa_dq_status s);
const char *sofa_dq_sev_name(enum sofa_dq_sev s);

/* Write the report of the selected rules to fp in format f. */
void sofa_dq_report(const struct sofa_dq *dq, FILE *fp,
    enum sofa_dq_format f);

/* Print every rule: id, default severity, description (for --list). */
void sofa_dq_list(const struct sofa_dq *dq, FILE *fp);

/* SOFA_EXIT_DQ when a selected rule FAILed, else SOFA_EXIT_OK. */
int sofa_dq_exit(const struct sofa_dq *dq);

/*
 * The checks (dqrules.c: the tables; dqcover.c: coverage and freshness).
 */

/* The ids of every rule, in report order; static. */
extern const char *const sofa_dq_ids[];
extern const size_t sofa_dq_nids;

/* What the checks read; every string borrowed. */
struct sofa_dq_input {
	const char *tables_dir;		/* processed_dir: TABLE.csv */
	const char *schema_dir;		/* share_dir/schema: TABLE.tsv */
	const char *status_file;	/* share_dir/dq/status_codes.tsv */
	const char *index_path;		/* the match index (NDJSON) */
	const char *raw_base;		/* the raw store */
	const char *fetch_log;		/* the last fetch run's log */
	const char *ledger;		/* latest_successful_run.json */
	const char *required;		/* what a finished match needs */
	const char *endpoints;		/* endpoints fetched per match */
	long long freshness_hours;
	long long minutes_tolerance;
	long long max_substitutions;
	double coverage_fail_fraction;
	size_t max_line;		/* longest CSV record / NDJSON line */
};

/*
 * Run the selected rules of dq over in, filling their outcomes.  A table,
 * the index or a rule's own data file that cannot be read is reported on
 * stderr: when that happens before any check ran (a table or column is
 * missing) the program exits 1 at once; bad lines of the index or the
 * fetch log are warned about and make this return SOFA_EXIT_FAIL after
 * the checks.  Returns SOFA_EXIT_OK otherwise.
 */
int sofa_dq_run_tables(struct sofa_dq *dq, const struct sofa_dq_input *in);
int sofa_dq_run_coverage(struct sofa_dq *dq, const struct sofa_dq_input *in);

#endif
