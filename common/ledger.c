/*
 * ledger.c - the run ledger (ledger.h): read with libcsv, changed under
 * an flock of PATH.lock, written whole through the atomic-replace helper.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include <csv.h>

#include "atomic.h"
#include "csvout.h"
#include "io.h"
#include "ledger.h"
#include "xalloc.h"

const char *const sofa_ledger_cols[SOFA_LG_NCOL] = {
	"run_id", "started_utc", "ended_utc", "steps_run", "status",
	"failed_step", "env", "exit_code", "matches", "fetch_ok",
	"fetch_not_modified", "fetch_absent", "fetch_skipped",
	"fetch_blocked", "fetch_throttled", "fetch_failed", "fetch_invalid",
	"rows_published", "dq_warn", "dq_fail", "snapshot", "log", "version",
	"host", "pid", "pid_start"
};

/* Larger than any ledger of honest use (a row a day for a thousand years
 * is some 100 MB less); a bigger file is refused, not read. */
#define LEDGER_MAX ((size_t)256 << 20)

bool
sofa_ledger_numeric(size_t i)
{
	return i == SOFA_LG_EXIT_CODE ||
	    (i >= SOFA_LG_MATCHES && i <= SOFA_LG_DQ_FAIL) ||
	    i == SOFA_LG_PID || i == SOFA_LG_PID_START;
}

/* The parse state of sofa_ledger_load(). */
struct parse {
	struct sofa_ledger *lg;
	char **rec;		/* fields of the record being read */
	size_t nf, capf;
	size_t nrec;		/* records seen, the header included */
	size_t *map;		/* file column -> ledger column */
	size_t nmap;
	char *err;
	size_t errlen;
	bool bad;
};

static void
on_field(void *s, size_t len, void *data)
{
	struct parse *p = data;

	xgrow((void **)&p->rec, &p->capf, p->nf + 1, sizeof(*p->rec));
	p->rec[p->nf++] = len == 0 ? NULL : xstrndup(s, len);
}

static void
free_rec(struct parse *p)
{
	for (size_t i = 0; i < p->nf; i++)
		free(p->rec[i]);
	p->nf = 0;
}

/* The header: known columns keep their place; others follow them. */
static void
on_header(struct parse *p)
{
	struct sofa_ledger *lg = p->lg;

	p->map = xreallocarray(NULL, p->nf, sizeof(*p->map));
	p->nmap = p->nf;
	for (size_t i = 0; i < p->nf; i++) {
		const char *name = p->rec[i] != NULL ? p->rec[i] : "";
		int c = sofa_ledger_col(lg, name);

		for (size_t j = 0; c >= 0 && j < i; j++)
			if (p->map[j] == (size_t)c) {
				snprintf(p->err, p->errlen, "%s: header: column "
				    "'%s' twice", lg->path, name);
				p->bad = true;
				return;
			}
		if (c < 0) {
			lg->cols = xreallocarray(lg->cols, lg->ncol + 1,
			    sizeof(*lg->cols));
			lg->cols[lg->ncol] = xstrdup(name);
			c = (int)lg->ncol++;
		}
		p->map[i] = (size_t)c;
	}
}

static void
on_record(int c, void *data)
{
	struct parse *p = data;
	struct sofa_ledger *lg = p->lg;
	size_t r;

	(void)c;
	p->nrec++;
	if (p->bad)
		goto done;
	if (p->nrec == 1) {
		on_header(p);
		goto done;
	}
	if (p->nf == 0 || (p->nf == 1 && p->rec[0] == NULL))
		goto done;	/* a blank line */
	if (p->nf != p->nmap) {
		snprintf(p->err, p->errlen, "%s: record %zu: %zu fields, the "
		    "header has %zu", lg->path, p->nrec, p->nf, p->nmap);
		p->bad = true;
		goto done;
	}
	r = sofa_ledger_add(lg);
	for (size_t i = 0; i < p->nf; i++) {
		lg->rows[r][p->map[i]] = p->rec[i];
		p->rec[i] = NULL;
	}
done:
	free_rec(p);
}

static void
init(struct sofa_ledger *lg, const char *path)
{
	memset(lg, 0, sizeof(*lg));
	lg->path = xstrdup(path);
	lg->lockfd = -1;
	lg->ncol = SOFA_LG_NCOL;
	lg->cols = xreallocarray(NULL, SOFA_LG_NCOL, sizeof(*lg->cols));
	for (size_t i = 0; i < SOFA_LG_NCOL; i++)
		lg->cols[i] = xstrdup(sofa_ledger_cols[i]);
}

/* Read the file into an initialized lg. */
static int
load(struct sofa_ledger *lg, char *err, size_t errlen)
{
	struct parse p = { .lg = lg, .err = err, .errlen = errlen };
	struct csv_parser csv;
	char *buf;
	size_t len;
	int e;

	if ((e = sofa_readfile(lg->path, LEDGER_MAX, &buf, &len)) != 0) {
		if (e == ENOENT)
			return 0;
		snprintf(err, errlen, "%s: %s", lg->path, e == EFBIG ?
		    "too large" : strerror(e));
		return -1;
	}
	csv_init(&csv, CSV_STRICT | CSV_STRICT_FINI);
	if (csv_parse(&csv, buf, len, on_field, on_record, &p) != len ||
	    csv_fini(&csv, on_field, on_record, &p) != 0) {
		if (!p.bad)
			snprintf(err, errlen, "%s: record %zu: %s", lg->path,
			    p.nrec + 1, csv_strerror(csv_error(&csv)));
		p.bad = true;
	}
	csv_free(&csv);
	free_rec(&p);
	free(p.rec);
	free(p.map);
	free(buf);
	return p.bad ? -1 : 0;
}

int
sofa_ledger_load(struct sofa_ledger *lg, const char *path, char *err,
    size_t errlen)
{
	init(lg, path);
	if (load(lg, err, errlen) == 0)
		return 0;
	sofa_ledger_close(lg);
	return -1;
}

int
sofa_ledger_open_locked(struct sofa_ledger *lg, const char *path,
    double wait, char *err, size_t errlen)
{
	struct timespec nap = { 0, 20 * 1000 * 1000 };
	char *lock;
	double waited = 0;

	init(lg, path);
	lock = xasprintf("%s.lock", path);
	lg->lockfd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (lg->lockfd == -1) {
		snprintf(err, errlen, "%s: %s", lock, strerror(errno));
		goto fail;
	}
	while (flock(lg->lockfd, LOCK_EX | LOCK_NB) == -1) {
		if (errno != EWOULDBLOCK && errno != EINTR) {
			snprintf(err, errlen, "%s: %s", lock,
			    strerror(errno));
			goto fail;
		}
		if (waited >= wait) {
			snprintf(err, errlen, "%s: still locked after %.0f s",
			    lock, wait);
			goto fail;
		}
		nanosleep(&nap, NULL);
		waited += 0.02;
	}
	free(lock);
	if (load(lg, err, errlen) == 0)
		return 0;
	sofa_ledger_close(lg);
	return -1;
fail:
	free(lock);
	sofa_ledger_close(lg);
	return -1;
}

int
sofa_ledger_save(const struct sofa_ledger *lg)
{
	struct sofa_csv c;
	struct sofa_af *af;

	if ((af = sofa_af_open(lg->path, 0644)) == NULL)
		return -1;
	sofa_csv_init(&c, sofa_af_fp(af));
	sofa_csv_header(&c, (const char *const *)lg->cols, lg->ncol);
	for (size_t r = 0; r < lg->nrow; r++) {
		for (size_t i = 0; i < lg->ncol; i++)
			sofa_csv_str(&c, lg->rows[r][i]);
		sofa_csv_end(&c);
	}
	return sofa_af_commit(af);
}

void
sofa_ledger_close(struct sofa_ledger *lg)
{
	if (lg->lockfd != -1)
		close(lg->lockfd);	/* releases the flock */
	for (size_t r = 0; r < lg->nrow; r++) {
		for (size_t i = 0; i < lg->ncol; i++)
			free(lg->rows[r][i]);
		free(lg->rows[r]);
	}
	free(lg->rows);
	for (size_t i = 0; i < lg->ncol; i++)
		free(lg->cols[i]);
	free(lg->cols);
	free(lg->path);
	memset(lg, 0, sizeof(*lg));
	lg->lockfd = -1;
}

int
sofa_ledger_col(const struct sofa_ledger *lg, const char *name)
{
	for (size_t i = 0; i < lg->ncol; i++)
		if (strcmp(lg->cols[i], name) == 0)
			return (int)i;
	return -1;
}

long
sofa_ledger_find(const struct sofa_ledger *lg, const char *run_id)
{
	for (size_t r = lg->nrow; r-- > 0;) {
		const char *id = lg->rows[r][SOFA_LG_RUN_ID];

		if (id != NULL && strcmp(id, run_id) == 0)
			return (long)r;
	}
	return -1;
}

size_t
sofa_ledger_add(struct sofa_ledger *lg)
{
	xgrow((void **)&lg->rows, &lg->caprow, lg->nrow + 1,
	    sizeof(*lg->rows));
	lg->rows[lg->nrow] = xcalloc(lg->ncol, sizeof(char *));
	return lg->nrow++;
}

const char *
sofa_ledger_get(const struct sofa_ledger *lg, size_t row, size_t col)
{
	return lg->rows[row][col];
}

void
sofa_ledger_set(struct sofa_ledger *lg, size_t row, size_t col,
    const char *value)
{
	free(lg->rows[row][col]);
	lg->rows[row][col] = value == NULL || *value == '\0' ? NULL :
	    xstrdup(value);
}
