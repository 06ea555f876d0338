/*
 * xload.h - one match document of the raw store, for the table builders.
 *
 * The table builders (sofa-matches, sofa-teams, sofa-players,
 * sofa-incidents, sofa-teamstats) read event/ID.json and event/ID/E.json
 * for each match id.  A document is in one of four states, and each is
 * told apart and said once:
 *
 *   loaded   parsed, its root is a JSON object;
 *   absent   no file (not fetched yet, or a 404): a note "ID: E not in
 *            the store (FILE), skipped" unless quiet or optional;
 *            a stored API error body {"error":{"code":404}} counts as
 *            absent too (some mirrors keep them);
 *   bad      unreadable, not JSON, not an object, or an error body other
 *            than 404: reported with the file name, counted in nbad, so
 *            the program goes on and exits 1 at the end.
 *
 * Memory: one document at a time per endpoint, freed by sofa_xdoc_free().
 */
#ifndef SOFA_XLOAD_H
#define SOFA_XLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jget.h"
#include "json.h"

struct sofa_xdoc {
	struct sofa_jdoc *doc;
	struct sofa_jv *root;	/* borrowed from doc */
	char *file;		/* owned */
	struct sofa_jctx ctx;	/* file and the contract breaks counted */
};

/* Where documents come from and how loud absence is. */
struct sofa_xsrc {
	const char *raw_base;	/* borrowed */
	size_t max_body;
	bool quiet;		/* no notes for absent documents */
	unsigned long nbad;	/* bad documents and contract breaks */
	unsigned long nabsent;
};

enum { SOFA_XD_BAD = -1, SOFA_XD_ABSENT = 0, SOFA_XD_LOADED = 1 };

/*
 * Load endpoint ("event", "incidents", ...) of match id into *d.  With
 * optional, absence is not noted.  Returns SOFA_XD_LOADED, SOFA_XD_ABSENT
 * or SOFA_XD_BAD; in every case call sofa_xdoc_free(src, d) afterwards,
 * which also adds d's contract breaks to src->nbad.
 */
int sofa_xdoc_load(struct sofa_xsrc *src, int64_t id, const char *endpoint,
    bool optional, struct sofa_xdoc *d);
void sofa_xdoc_free(struct sofa_xsrc *src, struct sofa_xdoc *d);

#endif
