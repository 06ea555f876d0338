/*
 * tbuild.h - the table builders' layer over the transform driver.
 *
 * sofa-matches, sofa-teams, sofa-players, sofa-incidents and
 * sofa-teamstats differ only in what they do with one match; the rest is
 * xform.h (the input convention of every transform: options, ids, the
 * raw store, absent documents noted, rows as CSV or NDJSON, exit 1 after
 * any bad id, document or key).  This layer adds what the builders share
 * on top of it: a run loop with a per-match callback and an end callback
 * (for rows held back), and documents read through jget.h, whose contract
 * breaks (counted in the document's context) mark the run failed.
 *
 * Until every xform on main skips repeated ids and stored error bodies
 * itself, this layer does both (a repeated id is read once; a stored
 * {"error":{"code":404}} body is absent, another error body is bad); both
 * are no-ops behind an xform that does them first.
 */
#ifndef SOFA_TBUILD_H
#define SOFA_TBUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jget.h"
#include "table.h"
#include "xform.h"

struct sofa_tb {
	/* Set by the builder. */
	const char *name;		/* program name, "sofa-matches" */
	const char *help;		/* what it writes, for --help */
	const char *const *cols;	/* the table's columns */
	size_t ncol;
	void (*match)(struct sofa_tb *tb, int64_t id);	/* one match */
	void (*end)(struct sofa_tb *tb);	/* after the last, or NULL */
	void *arg;			/* the builder's own state */

	/* Set by the driver for the callbacks. */
	struct sofa_xf *xf;
	struct sofa_tab *tab;
};

/* A document of the current match, borrowed until the next match. */
struct sofa_tdoc {
	struct sofa_jv *root;		/* an object */
	struct sofa_jctx ctx;		/* its file; contract breaks */
};

/* Run the builder: parse argv, loop over the ids, finish stdout.  Returns
 * the exit status for main. */
int sofa_tb_main(int argc, char *argv[], struct sofa_tb *tb);

/*
 * Load endpoint ("event", "incidents", ...) of the current match into *d.
 * True when loaded; false when absent (noted unless optional or -q) or
 * bad (reported, the run fails).  Call sofa_tb_done() after reading.
 */
bool sofa_tb_load(struct sofa_tb *tb, const char *endpoint, bool optional,
    struct sofa_tdoc *d);

/* Done with d: its contract breaks, if any, make the run fail. */
void sofa_tb_done(struct sofa_tb *tb, struct sofa_tdoc *d);

#endif
