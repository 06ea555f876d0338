/*
 * sofa-runs - the run ledger: list pipeline runs, and record them.
 *
 * Reads index_dir/pipeline_runs.csv (ledger.h) and lists the last runs,
 * readable or as NDJSON, exiting 1 when the last finished run failed, so
 * that monitoring can run it as is.  The start, set, finish and reap
 * subcommands are how sofa-pipeline records a run: a row with status
 * "running" at the start (with the pid, its start time and the host, so
 * that a run killed with kill -9 is recognised as gone and marked
 * "aborted" by the next), fields set as the steps go, and the end status;
 * a successful finish also replaces index_dir/latest_successful_run.json,
 * the file consumers poll.  Every change is an atomic rewrite under a lock.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic.h"
#include "config.h"
#include "err.h"
#include "io.h"
#include "ledger.h"
#include "ndjson.h"
#include "num.h"
#include "timeutil.h"
#include "xalloc.h"

#define LOCK_WAIT 60.0		/* seconds a change waits for the lock */
#define MAX_TABLES 256

static const char usage_text[] =
    "usage: sofa-runs [--config FILE] [-j] [-n N] [--failed] [RUN_ID ...]\n"
    "       sofa-runs [--config FILE] start [--pid PID]\n"
    "       sofa-runs [--config FILE] set RUN_ID KEY=VALUE ...\n"
    "       sofa-runs [--config FILE] finish RUN_ID STATUS [--tables DIR] "
    "[KEY=VALUE ...]\n"
    "       sofa-runs [--config FILE] reap\n";

static void
usage(FILE *fp, int status)
{
	fputs(usage_text, fp);
	if (fp == stdout)
		fputs("\n"
		    "List the pipeline runs of the ledger (the last 10), or "
		    "record one.\n"
		    "\n"
		    "  -j, --json        one NDJSON object per run\n"
		    "  -n, --count N     the last N runs (0: all)\n"
		    "      --failed      only failed and aborted runs\n"
		    "      --pid PID     start: the run's process (default: "
		    "the caller)\n"
		    "      --tables DIR  finish success: the published tables, "
		    "for\n"
		    "                    latest_successful_run.json\n"
		    "      --config FILE read FILE instead of the usual one\n"
		    "  -h, --help        this help\n"
		    "      --version     print the version\n"
		    "\n"
		    "Exit status 1 when the last finished run failed or was "
		    "aborted.\n", fp);
	exit(fp == stdout ? sofa_finish(status) : status);
}

struct opts {
	bool json, failed;
	long long count;
	pid_t pid;
	const char *tables;
	const char *ledger, *latest, *env;
};

/* --- liveness -------------------------------------------------------- */

/* Start time of process pid (clock ticks since boot, /proc/PID/stat field
 * 22) into *start; false when the process is gone or a zombie. */
static bool
proc_start(long long pid, unsigned long long *start)
{
	char path[64], buf[1024], *p, *end;
	ssize_t n;
	int fd, field;

	snprintf(path, sizeof(path), "/proc/%lld/stat", pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	if ((p = strrchr(buf, ')')) == NULL || p[1] != ' ')
		return false;
	p += 2;			/* field 3, the state */
	if (*p == 'Z' || *p == 'X')
		return false;
	for (field = 3; field < 22 && p != NULL; field++)
		if ((p = strchr(p, ' ')) != NULL)
			p++;
	if (p == NULL)
		return false;
	*start = strtoull(p, &end, 10);
	return end != p;
}

static const char *
hostname(void)
{
	static char host[256];

	if (host[0] == '\0' && gethostname(host, sizeof(host) - 1) != 0)
		strcpy(host, "unknown");
	return host;
}

/* Whether the process of a "running" row is still there.  A run of
 * another host cannot be checked and counts as alive. */
static bool
alive(const struct sofa_ledger *lg, size_t r)
{
	const char *host = sofa_ledger_get(lg, r, SOFA_LG_HOST);
	const char *pid = sofa_ledger_get(lg, r, SOFA_LG_PID);
	const char *st = sofa_ledger_get(lg, r, SOFA_LG_PID_START);
	unsigned long long now;
	const char *e;
	long long p;

	if (host == NULL || strcmp(host, hostname()) != 0)
		return true;
	if (pid == NULL)
		return false;
	p = sofa_strtonum(pid, 1, 1LL << 31, &e);
	if (e != NULL || !proc_start(p, &now))
		return false;
	return st == NULL || strtoull(st, NULL, 10) == now;
}

/* The status to show: a "running" row whose process is gone is aborted. */
static const char *
status_of(const struct sofa_ledger *lg, size_t r)
{
	const char *s = sofa_ledger_get(lg, r, SOFA_LG_STATUS);

	if (s == NULL)
		return "unknown";
	if (strcmp(s, "running") == 0 && !alive(lg, r))
		return "aborted";
	return s;
}

/* The last word of steps_run: the step a run died in. */
static void
last_step(const struct sofa_ledger *lg, size_t r, char *buf, size_t len)
{
	const char *s = sofa_ledger_get(lg, r, SOFA_LG_STEPS), *w;

	buf[0] = '\0';
	if (s == NULL)
		return;
	w = strrchr(s, ' ');
	snprintf(buf, len, "%s", w != NULL ? w + 1 : s);
}

/* Mark every running row whose process is gone as aborted; the count. */
static size_t
reap(struct sofa_ledger *lg)
{
	char step[64];
	size_t n = 0;

	for (size_t r = 0; r < lg->nrow; r++) {
		const char *s = sofa_ledger_get(lg, r, SOFA_LG_STATUS);

		if (s == NULL || strcmp(s, "running") != 0 || alive(lg, r))
			continue;
		sofa_warnx("run %s (pid %s) is gone: marked aborted",
		    sofa_ledger_get(lg, r, SOFA_LG_RUN_ID),
		    sofa_ledger_get(lg, r, SOFA_LG_PID));
		sofa_ledger_set(lg, r, SOFA_LG_STATUS, "aborted");
		last_step(lg, r, step, sizeof(step));
		if (sofa_ledger_get(lg, r, SOFA_LG_FAILED_STEP) == NULL)
			sofa_ledger_set(lg, r, SOFA_LG_FAILED_STEP, step);
		n++;
	}
	return n;
}

/* --- listing --------------------------------------------------------- */

static bool
is_failure(const char *status)
{
	return strcmp(status, "failed") == 0 || strcmp(status, "aborted") == 0;
}

static void
duration(const struct sofa_ledger *lg, size_t r, char *buf, size_t len)
{
	const char *a = sofa_ledger_get(lg, r, SOFA_LG_STARTED);
	const char *b = sofa_ledger_get(lg, r, SOFA_LG_ENDED);
	time_t t0, t1;
	long long s;

	if (a == NULL || b == NULL || !sofa_parse_utc(a, &t0) ||
	    !sofa_parse_utc(b, &t1) || t1 < t0) {
		snprintf(buf, len, "-");
		return;
	}
	s = (long long)(t1 - t0);
	if (s < 60)
		snprintf(buf, len, "%llds", s);
	else if (s < 3600)
		snprintf(buf, len, "%lldm%02llds", s / 60, s % 60);
	else
		snprintf(buf, len, "%lldh%02lldm", s / 3600, s % 3600 / 60);
}

static const char *
dash(const char *s)
{
	return s != NULL ? s : "-";
}

static void
print_row(const struct sofa_ledger *lg, size_t r, bool json)
{
	const char *status = status_of(lg, r);
	const char *failed = sofa_ledger_get(lg, r, SOFA_LG_FAILED_STEP);
	struct sofa_jw w;
	char took[32], step[64];

	/* A run found gone: the step it was in, as reap would record. */
	if (failed == NULL && strcmp(status, "aborted") == 0) {
		last_step(lg, r, step, sizeof(step));
		failed = step[0] != '\0' ? step : NULL;
	}
	if (!json) {
		duration(lg, r, took, sizeof(took));
		printf("%-24s %-20s %8s  %-8s %-31s %-9s %9s  %s\n",
		    dash(sofa_ledger_get(lg, r, SOFA_LG_RUN_ID)),
		    dash(sofa_ledger_get(lg, r, SOFA_LG_STARTED)), took,
		    status, dash(sofa_ledger_get(lg, r, SOFA_LG_STEPS)),
		    dash(failed),
		    dash(sofa_ledger_get(lg, r, SOFA_LG_ROWS)),
		    dash(sofa_ledger_get(lg, r, SOFA_LG_ENV)));
		return;
	}
	sofa_jw_init(&w, stdout);
	sofa_jw_obj(&w);
	for (size_t i = 0; i < lg->ncol; i++) {
		const char *v = sofa_ledger_get(lg, r, i);
		const char *e;
		long long n;

		if (i == SOFA_LG_STATUS)
			v = status;
		if (i == SOFA_LG_FAILED_STEP)
			v = failed;
		if (v == NULL) {
			sofa_jw_knull(&w, lg->cols[i]);
			continue;
		}
		n = sofa_strtonum(v, 0, 1LL << 62, &e);
		if (i < SOFA_LG_NCOL && sofa_ledger_numeric(i) && e == NULL)
			sofa_jw_kint(&w, lg->cols[i], n);
		else
			sofa_jw_kstr(&w, lg->cols[i], v);
	}
	sofa_jw_obj_end(&w);
	sofa_jw_nl(&w);
}

static int
list(const struct opts *o, char **ids, int nids)
{
	struct sofa_ledger lg;
	char err[4200];
	size_t *pick, npick = 0, want;
	int status = SOFA_EXIT_OK;

	if (sofa_ledger_load(&lg, o->ledger, err, sizeof(err)) != 0)
		sofa_errx(SOFA_EXIT_FAIL, "%s", err);
	pick = xcalloc(lg.nrow + 1, sizeof(*pick));
	if (nids > 0) {
		for (int i = 0; i < nids; i++) {
			long r = sofa_ledger_find(&lg, ids[i]);

			if (r < 0) {
				sofa_warnx("%s: no run %s", o->ledger, ids[i]);
				status = SOFA_EXIT_FAIL;
			} else
				pick[npick++] = (size_t)r;
		}
	} else {
		want = o->count == 0 ? lg.nrow : (size_t)o->count;
		for (size_t r = lg.nrow; r-- > 0 && npick < want;)
			if (!o->failed || is_failure(status_of(&lg, r)))
				pick[npick++] = r;
		/* oldest first, like the file */
		for (size_t i = 0; i < npick / 2; i++) {
			size_t t = pick[i];

			pick[i] = pick[npick - 1 - i];
			pick[npick - 1 - i] = t;
		}
	}
	if (!o->json && npick > 0)
		printf("%-24s %-20s %8s  %-8s %-31s %-9s %9s  %s\n", "RUN_ID",
		    "STARTED", "TOOK", "STATUS", "STEPS", "FAILED", "ROWS",
		    "ENV");
	for (size_t i = 0; i < npick; i++)
		print_row(&lg, pick[i], o->json);
	/* Monitoring: the last run that is not still running decides. */
	if (nids == 0)
		for (size_t r = lg.nrow; r-- > 0;) {
			const char *s = status_of(&lg, r);

			if (strcmp(s, "running") == 0)
				continue;
			if (is_failure(s))
				status = SOFA_EXIT_FAIL;
			break;
		}
	free(pick);
	sofa_ledger_close(&lg);
	return status;
}

/* --- recording ------------------------------------------------------- */

static void
open_locked(struct sofa_ledger *lg, const struct opts *o)
{
	char err[4200], *dir, *slash;

	dir = xstrdup(o->ledger);
	if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
		*slash = '\0';
		if (sofa_mkdirs(dir, 0755) != 0)
			sofa_err(SOFA_EXIT_FAIL, "%s", dir);
	}
	free(dir);
	if (sofa_ledger_open_locked(lg, o->ledger, LOCK_WAIT, err,
	    sizeof(err)) != 0)
		sofa_errx(SOFA_EXIT_FAIL, "%s", err);
}

static void
save(struct sofa_ledger *lg)
{
	if (sofa_ledger_save(lg) != 0)
		sofa_err(SOFA_EXIT_FAIL, "%s", lg->path);
}

static size_t
find(struct sofa_ledger *lg, const char *id)
{
	long r = sofa_ledger_find(lg, id);

	if (r < 0)
		sofa_errx(SOFA_EXIT_FAIL, "%s: no run %s", lg->path, id);
	return (size_t)r;
}

/* Check KEY=VALUE items before anything changes: exit 2 on a bad one. */
static void
check_sets(char **kv, int n)
{
	for (int i = 0; i < n; i++) {
		char *eq = strchr(kv[i], '=');
		const char *e;
		int c = -1;

		if (eq != NULL) {
			*eq = '\0';
			for (int j = 0; j < SOFA_LG_NCOL; j++)
				if (strcmp(sofa_ledger_cols[j], kv[i]) == 0)
					c = j;
			*eq = '=';
		}
		if (c < 0 || c == SOFA_LG_RUN_ID || c == SOFA_LG_STATUS)
			sofa_errx(SOFA_EXIT_USAGE, "%s: not KEY=VALUE with a "
			    "ledger column other than run_id and status",
			    kv[i]);
		if (sofa_ledger_numeric((size_t)c) && eq[1] != '\0') {
			sofa_strtonum(eq + 1, 0, 1LL << 62, &e);
			if (e != NULL)
				sofa_errx(SOFA_EXIT_USAGE, "%s: %s number",
				    kv[i], e);
		}
		if (strpbrk(eq + 1, "\r\n") != NULL)
			sofa_errx(SOFA_EXIT_USAGE, "%s: a line break in a "
			    "value", kv[i]);
	}
}

static void
apply_sets(struct sofa_ledger *lg, size_t r, char **kv, int n)
{
	for (int i = 0; i < n; i++) {
		char *eq = strchr(kv[i], '=');

		*eq = '\0';
		sofa_ledger_set(lg, r, (size_t)sofa_ledger_col(lg, kv[i]),
		    eq + 1);
		*eq = '=';
	}
}

static int
cmd_start(const struct opts *o)
{
	struct sofa_ledger lg;
	char id[SOFA_UTC_LEN + 32], when[SOFA_UTC_LEN], num[32];
	unsigned long long st;
	time_t now = sofa_now();
	struct tm tm;
	size_t r;

	if (!proc_start(o->pid, &st))
		sofa_errx(SOFA_EXIT_USAGE, "--pid %lld: no such process",
		    (long long)o->pid);
	open_locked(&lg, o);
	reap(&lg);
	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y%m%dT%H%M%SZ", &tm);
	snprintf(id, sizeof(id), "%s-%lld", when, (long long)o->pid);
	for (int k = 2; sofa_ledger_find(&lg, id) >= 0; k++)
		snprintf(id, sizeof(id), "%s-%lld.%d", when,
		    (long long)o->pid, k);
	r = sofa_ledger_add(&lg);
	sofa_ledger_set(&lg, r, SOFA_LG_RUN_ID, id);
	sofa_ledger_set(&lg, r, SOFA_LG_STARTED, sofa_fmt_utc(now, when));
	sofa_ledger_set(&lg, r, SOFA_LG_STATUS, "running");
	sofa_ledger_set(&lg, r, SOFA_LG_ENV, o->env);
	sofa_ledger_set(&lg, r, SOFA_LG_VERSION, SOFA_VERSION);
	sofa_ledger_set(&lg, r, SOFA_LG_HOST, hostname());
	snprintf(num, sizeof(num), "%lld", (long long)o->pid);
	sofa_ledger_set(&lg, r, SOFA_LG_PID, num);
	snprintf(num, sizeof(num), "%llu", st);
	sofa_ledger_set(&lg, r, SOFA_LG_PID_START, num);
	save(&lg);
	sofa_ledger_close(&lg);
	printf("%s\n", id);
	return SOFA_EXIT_OK;
}

static int
cmd_set(const struct opts *o, char **av, int ac)
{
	struct sofa_ledger lg;
	size_t r;

	if (ac < 2)
		usage(stderr, SOFA_EXIT_USAGE);
	check_sets(av + 1, ac - 1);
	open_locked(&lg, o);
	r = find(&lg, av[0]);
	apply_sets(&lg, r, av + 1, ac - 1);
	save(&lg);
	sofa_ledger_close(&lg);
	return SOFA_EXIT_OK;
}

/* Records (rows after the header) and bytes of a CSV file: a newline
 * outside quotes ends a record; a doubled quote toggles twice. */
static int
count_csv(const char *path, long long *rows, long long *bytes)
{
	char buf[1 << 16];
	bool inq = false, open_rec = false;
	long long recs = 0, total = 0;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		total += n;
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] == '"')
				inq = !inq;
			else if (buf[i] == '\n' && !inq) {
				recs++;
				open_rec = false;
				continue;
			}
			open_rec = true;
		}
	}
	close(fd);
	if (n < 0)
		return -1;
	if (open_rec)
		recs++;
	*rows = recs > 0 ? recs - 1 : 0;
	*bytes = total;
	return 0;
}

static int
cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The published tables of dir: NAME.csv files, sorted; new (caller frees
 * each and the array). */
static size_t
tables_of(const char *dir, char ***names)
{
	struct dirent *de;
	size_t n = 0, len;
	DIR *d;

	if ((d = opendir(dir)) == NULL)
		sofa_err(SOFA_EXIT_FAIL, "%s", dir);
	*names = xcalloc(MAX_TABLES, sizeof(**names));
	while ((de = readdir(d)) != NULL && n < MAX_TABLES) {
		len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len < 5 ||
		    strcmp(de->d_name + len - 4, ".csv") != 0)
			continue;
		(*names)[n++] = xstrndup(de->d_name, len - 4);
	}
	closedir(d);
	qsort(*names, n, sizeof(**names), cmpstr);
	return n;
}

static void
kfield(struct sofa_jw *w, const struct sofa_ledger *lg, size_t r, size_t c)
{
	const char *v = sofa_ledger_get(lg, r, c);
	const char *e;
	long long n;

	if (v == NULL) {
		sofa_jw_knull(w, lg->cols[c]);
		return;
	}
	n = sofa_strtonum(v, 0, 1LL << 62, &e);
	if (sofa_ledger_numeric(c) && e == NULL)
		sofa_jw_kint(w, lg->cols[c], n);
	else
		sofa_jw_kstr(w, lg->cols[c], v);
}

/* latest_successful_run.json from row r and the tables of dir; sets
 * rows_published on the row. */
static void
write_latest(const struct opts *o, struct sofa_ledger *lg, size_t r)
{
	static const size_t top[] = {
		SOFA_LG_RUN_ID, SOFA_LG_STATUS, SOFA_LG_STARTED, SOFA_LG_ENDED,
		SOFA_LG_ENV, SOFA_LG_MATCHES, SOFA_LG_ROWS, SOFA_LG_DQ_WARN,
		SOFA_LG_DQ_FAIL, SOFA_LG_SNAPSHOT, SOFA_LG_VERSION
	};
	long long rows[MAX_TABLES], bytes[MAX_TABLES], sum = 0;
	const char *steps = sofa_ledger_get(lg, r, SOFA_LG_STEPS);
	struct sofa_jw w;
	struct sofa_af *af;
	char **names, *path, num[32];
	size_t n;

	n = tables_of(o->tables, &names);
	for (size_t i = 0; i < n; i++) {
		path = xasprintf("%s/%s.csv", o->tables, names[i]);
		if (count_csv(path, &rows[i], &bytes[i]) != 0)
			sofa_err(SOFA_EXIT_FAIL, "%s", path);
		sum += rows[i];
		free(path);
	}
	snprintf(num, sizeof(num), "%lld", sum);
	sofa_ledger_set(lg, r, SOFA_LG_ROWS, num);
	if ((af = sofa_af_open(o->latest, 0644)) == NULL)
		sofa_err(SOFA_EXIT_FAIL, "%s", o->latest);
	sofa_jw_init(&w, sofa_af_fp(af));
	sofa_jw_obj(&w);
	for (size_t i = 0; i < sizeof(top) / sizeof(top[0]); i++)
		kfield(&w, lg, r, top[i]);
	sofa_jw_key(&w, "steps");
	sofa_jw_arr(&w);
	for (const char *p = steps; p != NULL && *p != '\0';) {
		size_t len = strcspn(p, " ");

		if (len > 0)
			sofa_jw_strn(&w, p, len);
		p += len + (p[len] == ' ');
	}
	sofa_jw_arr_end(&w);
	sofa_jw_kstr(&w, "processed_dir", o->tables);
	sofa_jw_key(&w, "tables");
	sofa_jw_obj(&w);
	for (size_t i = 0; i < n; i++) {
		path = xasprintf("%s/%s.csv", o->tables, names[i]);
		sofa_jw_key(&w, names[i]);
		sofa_jw_obj(&w);
		sofa_jw_kstr(&w, "path", path);
		sofa_jw_kint(&w, "rows", rows[i]);
		sofa_jw_kint(&w, "bytes", bytes[i]);
		sofa_jw_obj_end(&w);
		free(path);
		free(names[i]);
	}
	free(names);
	sofa_jw_obj_end(&w);
	sofa_jw_obj_end(&w);
	sofa_jw_nl(&w);
	if (sofa_af_commit(af) != 0)
		sofa_err(SOFA_EXIT_FAIL, "%s", o->latest);
}

static int
cmd_finish(const struct opts *o, char **av, int ac)
{
	static const char *const ends[] = { "success", "failed", "aborted" };
	struct sofa_ledger lg;
	char when[SOFA_UTC_LEN];
	const char *was;
	bool ok = false;
	size_t r;

	if (ac < 2)
		usage(stderr, SOFA_EXIT_USAGE);
	for (size_t i = 0; i < 3; i++)
		ok |= strcmp(av[1], ends[i]) == 0;
	if (!ok)
		sofa_errx(SOFA_EXIT_USAGE, "%s: not success, failed or "
		    "aborted", av[1]);
	if (o->tables != NULL && strcmp(av[1], "success") != 0)
		sofa_errx(SOFA_EXIT_USAGE, "--tables goes with success only");
	check_sets(av + 2, ac - 2);
	open_locked(&lg, o);
	r = find(&lg, av[0]);
	was = sofa_ledger_get(&lg, r, SOFA_LG_STATUS);
	if (was == NULL || strcmp(was, "running") != 0)
		sofa_errx(SOFA_EXIT_FAIL, "run %s is %s already, not running",
		    av[0], was != NULL ? was : "unknown");
	apply_sets(&lg, r, av + 2, ac - 2);
	sofa_ledger_set(&lg, r, SOFA_LG_STATUS, av[1]);
	sofa_ledger_set(&lg, r, SOFA_LG_ENDED, sofa_fmt_utc(sofa_now(),
	    when));
	/* The tables are published by now: consumers learn it first. */
	if (o->tables != NULL)
		write_latest(o, &lg, r);
	save(&lg);
	sofa_ledger_close(&lg);
	return SOFA_EXIT_OK;
}

static int
cmd_reap(const struct opts *o)
{
	struct sofa_ledger lg;

	open_locked(&lg, o);
	if (reap(&lg) > 0)
		save(&lg);
	sofa_ledger_close(&lg);
	return SOFA_EXIT_OK;
}

int
main(int argc, char *argv[])
{
	enum { OPT_FAILED = 256, OPT_PID, OPT_TABLES, OPT_CONFIG, OPT_VERSION };
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "count", required_argument, NULL, 'n' },
		{ "failed", no_argument, NULL, OPT_FAILED },
		{ "pid", required_argument, NULL, OPT_PID },
		{ "tables", required_argument, NULL, OPT_TABLES },
		{ "config", required_argument, NULL, OPT_CONFIG },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 }
	};
	struct opts o = { .count = 10, .pid = getppid() };
	struct sofa_config *cfg;
	const char *file = NULL, *cmd, *e;
	bool listopt = false;
	int c, status;

	sofa_init(argc, argv);
	while ((c = getopt_long(argc, argv, "jn:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			o.json = listopt = true;
			break;
		case 'n':
			o.count = sofa_strtonum(optarg, 0, 1000000000, &e);
			if (e != NULL)
				sofa_errx(SOFA_EXIT_USAGE, "-n %s: %s", optarg,
				    e);
			listopt = true;
			break;
		case OPT_FAILED:
			o.failed = listopt = true;
			break;
		case OPT_PID:
			o.pid = (pid_t)sofa_strtonum(optarg, 1, 1LL << 31,
			    &e);
			if (e != NULL)
				sofa_errx(SOFA_EXIT_USAGE, "--pid %s: %s",
				    optarg, e);
			break;
		case OPT_TABLES:
			o.tables = optarg;
			break;
		case OPT_CONFIG:
			file = optarg;
			break;
		case 'h':
			usage(stdout, SOFA_EXIT_OK);
			break;
		case OPT_VERSION:
			printf("%s %s\n", sofa_prog, SOFA_VERSION);
			return sofa_finish(SOFA_EXIT_OK);
		default:
			usage(stderr, SOFA_EXIT_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	cmd = argc > 0 ? argv[0] : "";

	cfg = sofa_config_xload(file);
	sofa_af_set_fsync(sofa_cfg_bool(cfg, "fsync"));
	o.ledger = xasprintf("%s/pipeline_runs.csv",
	    sofa_cfg_str(cfg, "index_dir"));
	o.latest = xasprintf("%s/latest_successful_run.json",
	    sofa_cfg_str(cfg, "index_dir"));
	o.env = sofa_cfg_str(cfg, "env");

	if (strcmp(cmd, "start") == 0 || strcmp(cmd, "set") == 0 ||
	    strcmp(cmd, "finish") == 0 || strcmp(cmd, "reap") == 0) {
		if (listopt)
			usage(stderr, SOFA_EXIT_USAGE);
		if (o.tables != NULL && strcmp(cmd, "finish") != 0)
			usage(stderr, SOFA_EXIT_USAGE);
	} else if (o.tables != NULL)
		usage(stderr, SOFA_EXIT_USAGE);

	if (strcmp(cmd, "start") == 0) {
		if (argc != 1)
			usage(stderr, SOFA_EXIT_USAGE);
		status = cmd_start(&o);
	} else if (strcmp(cmd, "set") == 0)
		status = cmd_set(&o, argv + 1, argc - 1);
	else if (strcmp(cmd, "finish") == 0)
		status = cmd_finish(&o, argv + 1, argc - 1);
	else if (strcmp(cmd, "reap") == 0) {
		if (argc != 1)
			usage(stderr, SOFA_EXIT_USAGE);
		status = cmd_reap(&o);
	} else
		status = list(&o, argv, argc);

	free((char *)o.ledger);
	free((char *)o.latest);
	sofa_config_free(cfg);
	return sofa_finish(status);
}
