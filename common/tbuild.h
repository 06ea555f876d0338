/*
 * tbuild.h - the driver shared by the table builders.
 *
 * sofa-matches, sofa-teams, sofa-players, sofa-incidents and
 * sofa-teamstats differ only in what they do with one match.  This is the
 * rest: options (-j, -q, --config, --raw-base, -h, --version), the
 * configuration, the match ids (operands or stdin, plain or index NDJSON,
 * each id once: ids.h), the table writer (CSV with a header, NDJSON with
 * -j: table.h), the documents (xload.h) and the exit status: 0, or 1 when
 * any id, document or key was bad (each named on stderr), 2 for usage.
 * One match is read, written and freed before the next, so memory does
 * not grow with the number of matches (only the ids seen, 16 bytes each,
 * and whatever a builder keeps itself).
 */
#ifndef SOFA_TBUILD_H
#define SOFA_TBUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "table.h"
#include "xload.h"

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
	struct sofa_tab *tab;
	struct sofa_xsrc src;
};

/* Run the builder: parse argv, loop over the ids, finish stdout.  Returns
 * the exit status for main. */
int sofa_tb_main(int argc, char *argv[], struct sofa_tb *tb);

#endif
