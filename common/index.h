/*
 * index.h - the match index: one NDJSON line per match (docs/sofa.7,
 * "THE MATCH INDEX"), one line per event id, sorted by start time and
 * then event id.
 *
 * A set of index lines is gathered in a struct sofa_ix, settled (one line
 * per event id, the newest observation winning) and either written out or
 * merged into the index file.  The merge is the only writer of the index:
 * it takes an exclusive lock on the index's directory, reads the old file,
 * folds the new lines in and replaces the file atomically (atomic.h), so a
 * reader, or a kill -9 at any moment, sees the old index or the new one.
 *
 * Which observation of an event wins: the one with the later changed_utc
 * when both have one and they differ; otherwise the later observation (a
 * line added later, and a new line over the index's).  The winner keeps
 * the loser's tournament, season and round members where it has null
 * (lists such as the daily scheduled-events lack them).  A new line whose
 * facts equal the index's line (every byte but discovered_utc) leaves the
 * index's line as it is, so discovered_utc tells when the facts last
 * changed and an unchanged season leaves the file byte for byte (and its
 * mtime) untouched.
 */
#ifndef SOFA_INDEX_H
#define SOFA_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "io.h"

#define SOFA_IX_NOSTART INT64_MAX	/* start_utc null: sorts last */
#define SOFA_IX_NOCHANGE INT64_MIN	/* changed_utc null */

struct sofa_ixent {
	int64_t id;		/* event_id */
	int64_t start;		/* start_utc, Unix seconds */
	int64_t changed;	/* changed_utc, Unix seconds */
	char *line;		/* the line without its newline, NUL-
				 * terminated; owned */
	size_t len;
	size_t seq;		/* order of arrival: later is newer */
};

struct sofa_ix {
	struct sofa_ixent *v;
	size_t n, cap, seq;
};

/* What a merge did. */
struct sofa_ixstat {
	size_t lines;		/* lines of the index afterwards */
	size_t added;		/* events new to the index */
	size_t changed;		/* lines replaced by a newer observation */
	size_t unchanged;	/* observations equal to the index's line */
	size_t stale;		/* observations older than the index's line */
	bool written;		/* false: the file was already right */
};

void sofa_ix_init(struct sofa_ix *ix);
void sofa_ix_free(struct sofa_ix *ix);

/* Add one line (len bytes, no newline): steals line (malloc'd). */
void sofa_ix_add(struct sofa_ix *ix, int64_t id, int64_t start,
    int64_t changed, char *line, size_t len);

/*
 * Add the index lines lr reads (blank lines skipped).  A line that is not
 * a JSON object with a valid event_id, or whose start_utc or changed_utc
 * is neither null nor a UTC time, is warned about as NAME:LINE and
 * skipped.  Returns the number of such lines, or -1 after a read error
 * (warned).
 */
long sofa_ix_read(struct sofa_ix *ix, struct sofa_lr *lr);

/* One line per event id (the newest observation), sorted by start time
 * and event id. */
void sofa_ix_settle(struct sofa_ix *ix);

/* Every line followed by "\n". */
void sofa_ix_write(const struct sofa_ix *ix, FILE *fp);

/*
 * Merge the lines of ix into the index file path (created with its
 * directory when missing); ix is settled on the way.  Returns 0 with *st
 * filled, or -1 after a message: the index could not be read, has a bad
 * line (the index is then left alone: fix or remove that line), or could
 * not be replaced.  maxline caps the index's lines.
 */
int sofa_ix_merge(const char *path, struct sofa_ix *ix, size_t maxline,
    struct sofa_ixstat *st);

/*
 * Length of the facts of an index line: every byte before its final
 * ',"discovered_utc":...' member (the whole line when it has none).
 */
size_t sofa_ix_facts(const char *line, size_t len);

#endif
