/*
 * ledger.h - the run ledger: index_dir/pipeline_runs.csv.
 *
 * One CSV row per pipeline run, oldest first, with the columns of
 * sofa_ledger_cols[] (run_id, started_utc, ended_utc, steps_run, status,
 * failed_step, env, then the extras) and, after them, any column an older
 * or newer sofa wrote that this one does not know (kept as it is).  Rows
 * are only ever added; a row changes from "running" to its end status.
 *
 * Every change is a read-modify-write of the whole file under an exclusive
 * flock(2) of PATH.lock (a separate file, because the ledger itself is
 * replaced by rename), written through the atomic-replace helper: two
 * writers never lose each other's rows, and kill -9 at any moment leaves
 * the old file or the new one.  Readers need no lock.
 */
#ifndef SOFA_LEDGER_H
#define SOFA_LEDGER_H

#include <stdbool.h>
#include <stddef.h>

enum {
	SOFA_LG_RUN_ID, SOFA_LG_STARTED, SOFA_LG_ENDED, SOFA_LG_STEPS,
	SOFA_LG_STATUS, SOFA_LG_FAILED_STEP, SOFA_LG_ENV, SOFA_LG_EXIT_CODE,
	SOFA_LG_MATCHES, SOFA_LG_FETCH_OK, SOFA_LG_FETCH_NOT_MODIFIED,
	SOFA_LG_FETCH_ABSENT, SOFA_LG_FETCH_SKIPPED, SOFA_LG_FETCH_BLOCKED,
	SOFA_LG_FETCH_THROTTLED, SOFA_LG_FETCH_FAILED, SOFA_LG_FETCH_INVALID,
	SOFA_LG_ROWS, SOFA_LG_DQ_WARN, SOFA_LG_DQ_FAIL, SOFA_LG_SNAPSHOT,
	SOFA_LG_LOG, SOFA_LG_VERSION, SOFA_LG_HOST, SOFA_LG_PID,
	SOFA_LG_PID_START,
	SOFA_LG_NCOL
};

/* The known columns, in file order; static. */
extern const char *const sofa_ledger_cols[SOFA_LG_NCOL];

/* Whether known column i holds a non-negative integer (or is empty). */
bool sofa_ledger_numeric(size_t i);

struct sofa_ledger {
	char *path;
	char **cols;		/* ncol names: the known ones, then others */
	size_t ncol;
	char ***rows;		/* nrow arrays of ncol fields; NULL: empty */
	size_t nrow, caprow;
	int lockfd;		/* -1 when not locked */
};

/*
 * Read the ledger at path into lg (an absent file is an empty ledger).
 * Returns 0, or -1 with a message naming path (and the record) in err.
 */
int sofa_ledger_load(struct sofa_ledger *lg, const char *path, char *err,
    size_t errlen);

/*
 * Take the exclusive lock of path (PATH.lock, created if needed), waiting
 * at most wait seconds, then load the ledger as sofa_ledger_load().
 * Returns 0, or -1 with a message in err (nothing held).
 */
int sofa_ledger_open_locked(struct sofa_ledger *lg, const char *path,
    double wait, char *err, size_t errlen);

/* Replace the file with lg, atomically.  0, or -1 with errno set. */
int sofa_ledger_save(const struct sofa_ledger *lg);

/* Release the lock (if held) and free everything. */
void sofa_ledger_close(struct sofa_ledger *lg);

/* Index of column name, or -1. */
int sofa_ledger_col(const struct sofa_ledger *lg, const char *name);

/* Index of the row of run_id, or -1. */
long sofa_ledger_find(const struct sofa_ledger *lg, const char *run_id);

/* Append an empty row; returns its index. */
size_t sofa_ledger_add(struct sofa_ledger *lg);

/* Field col of row; NULL when empty; borrowed until the next change. */
const char *sofa_ledger_get(const struct sofa_ledger *lg, size_t row,
    size_t col);

/* Set field col of row to a copy of value (NULL or "": empty). */
void sofa_ledger_set(struct sofa_ledger *lg, size_t row, size_t col,
    const char *value);

#endif
