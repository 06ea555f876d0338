/*
 * sofa-build - the batch work behind share/sofa/pipeline.mk: the match ids
 * make reads, and the rebuild of what make found stale.
 *
 * make decides what is stale (one target per match, pipeline.mk); this
 * program does the work in batches, because one process per match per
 * table would be 70,000 processes for 10,000 matches:
 *
 *   ids INDEX  writes derived_dir/ids.mk (the ids in index order, their
 *              buckets, and which of them have raw files: one listing of
 *              raw_base/event), ids.txt, ids/BB.ids and ids/gG.ids, each
 *              only when its content changes, since make compares times.
 *   batch      runs each fact-table program once over the stale matches
 *              and cuts its output into per-match frags, re-cuts the stale
 *              buckets from their frags, runs the dimension-table programs
 *              once per stale bucket, merges those (dimmerge.awk) and
 *              assembles every table from its buckets, SOFA_JOBS at a time.
 *
 * The environment carries what make knows: SOFA_D (derived_dir), SOFA_R
 * (raw_base), SOFA_T (the candidate tables), SOFA_SHARE, SOFA_JOBS,
 * SOFA_FACTS, SOFA_DIMS, SOFA_BUCKETS, SOFA_PROG_<table>; and the files
 * D/stale.ids and D/stale.buckets.  Work happens in D/stage, emptied first,
 * and lands by rename: frags and buckets, then the tables, then the bucket
 * stamps, so that whatever moment the batch is killed at, the next make
 * finds stale what is not done.  One batch runs at a time (a lock on
 * D/.lock, held until every process it started is gone).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "atomic.h"
#include "err.h"
#include "idmap.h"
#include "io.h"
#include "kset.h"
#include "xalloc.h"

#define NBUCKET 100
#define MAXJOBS 256

static const char usage_text[] =
    "usage: sofa-build ids INDEX\n"
    "       sofa-build batch\n";

static void
usage(FILE *fp, int status)
{
	fputs(usage_text, fp);
	if (fp == stdout)
		fputs("\n"
		    "The batch work behind share/sofa/pipeline.mk, run by make "
		    "with its\n"
		    "settings in the environment (SOFA_D, SOFA_T, SOFA_FACTS, "
		    "...); see\n"
		    "sofa-build(1).  To build the tables, run sofa-pipeline "
		    "--only build.\n"
		    "\n"
		    "  ids INDEX   the match ids of INDEX, for make to read\n"
		    "  batch       rebuild what make found stale, then the "
		    "tables\n"
		    "  -h, --help  this help\n"
		    "      --version\n", fp);
	exit(fp == stdout ? sofa_finish(status) : status);
}

/* --- small things --------------------------------------------------------- */

struct buf {
	char *p;
	size_t n, cap;
};

static void
buf_add(struct buf *b, const void *p, size_t n)
{
	xgrow((void **)&b->p, &b->cap, b->n + n + 1, 1);
	memcpy(b->p + b->n, p, n);
	b->n += n;
	b->p[b->n] = '\0';
}

static void
buf_str(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

struct strv {
	char **v;
	size_t n, cap;
};

static void
strv_add(struct strv *sv, char *s)
{
	xgrow((void **)&sv->v, &sv->cap, sv->n + 2, sizeof(*sv->v));
	sv->v[sv->n++] = s;
	sv->v[sv->n] = NULL;
}

static void
strv_free(struct strv *sv)
{
	size_t i;

	for (i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	memset(sv, 0, sizeof(*sv));
}

/* The blank-separated words of s, copied. */
static struct strv
words(const char *s)
{
	struct strv sv = { 0 };
	size_t n;

	for (;;) {
		s += strspn(s, " \t\n");
		if (*s == '\0')
			break;
		n = strcspn(s, " \t\n");
		strv_add(&sv, xstrndup(s, n));
		s += n;
	}
	return sv;
}

static const char *
env(const char *name, bool need)
{
	const char *v = getenv(name);

	if (need && (v == NULL || *v == '\0'))
		sofa_errx(SOFA_EXIT_USAGE, "%s is not set (run by "
		    "pipeline.mk, not by hand)", name);
	return v != NULL ? v : "";
}

/* An id as written by make and the index: 1 to 18 digits, no leading 0. */
static bool
parse_id(const char *s, size_t n, int64_t *id)
{
	int64_t v = 0;
	size_t i;

	if (n == 0 || n > 18 || s[0] < '1' || s[0] > '9')
		return false;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*id = v;
	return true;
}

/* A bucket name: two digits. */
static bool
parse_bucket(const char *s, size_t *k)
{
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return false;
	*k = (size_t)(s[0] - '0') * 10 + (size_t)(s[1] - '0');
	return true;
}

static size_t
count_quotes(const char *p, size_t n)
{
	const char *e = p + n;
	size_t q = 0;

	while ((p = memchr(p, '"', (size_t)(e - p))) != NULL) {
		q++;
		p++;
	}
	return q;
}

/* A whole file, mapped read-only; an empty or missing file maps to "". */
struct map {
	const char *p;
	size_t n;
};

static int
map_file(const char *path, struct map *m)
{
	struct stat st;
	void *p;
	int fd;

	m->p = "";
	m->n = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	if (fstat(fd, &st) < 0) {
		close(fd);
		return -1;
	}
	if (st.st_size > 0) {
		p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd,
		    0);
		if (p == MAP_FAILED) {
			close(fd);
			return -1;
		}
		m->p = p;
		m->n = (size_t)st.st_size;
	}
	close(fd);
	return 0;
}

static void
unmap_file(struct map *m)
{
	if (m->n > 0)
		munmap((void *)m->p, m->n);
	m->p = "";
	m->n = 0;
}

/*
 * The whole of path into b (its old content freed), NUL-terminated
 * (sofa_readfile): small files, where mapping costs more than reading.
 * 0, or -1 with errno set.
 */
static int
read_into(const char *path, struct buf *b)
{
	int e;

	free(b->p);
	memset(b, 0, sizeof(*b));
	if ((e = sofa_readfile(path, SIZE_MAX / 2, &b->p, &b->n)) != 0) {
		errno = e;
		return -1;
	}
	b->cap = b->n + 1;
	return 0;
}

/* The blank-separated words of file path into sv (its old ones freed). */
static int
read_words(const char *path, struct strv *sv)
{
	struct buf b = { 0 };

	if (read_into(path, &b) < 0)
		return -1;
	strv_free(sv);
	*sv = words(b.p);
	free(b.p);
	return 0;
}

/* Write all of p[0..n) to fd; 0 or -1 with errno. */
static int
write_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, c, n)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Write all of p to path (created or truncated); 0 or -1 with errno. */
static int
write_file(const char *path, const void *p, size_t n)
{
	int fd, e;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0644)) < 0)
		return -1;
	if (write_all(fd, p, n) < 0) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return close(fd);
}

/* Whether path holds exactly p[0..n). */
static bool
same_file(const char *path, const char *p, size_t n)
{
	struct buf b = { 0 };
	bool same;

	if (read_into(path, &b) < 0)
		return false;
	same = b.n == n && memcmp(b.p, p, n) == 0;
	free(b.p);
	return same;
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		return rmdir(path) < 0 && errno != ENOENT ? -1 : 0;
	return unlink(path) < 0 && errno != ENOENT ? -1 : 0;
}

/* rm -rf path */
static int
rm_rf(const char *path)
{
	if (nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS) < 0 &&
	    errno != ENOENT)
		return -1;
	return 0;
}

static void
mkdirs(const char *dir)
{
	if (sofa_mkdirs(dir, 0755) < 0)
		sofa_err(SOFA_EXIT_FAIL, "%s: cannot create", dir);
}

static void
move(const char *from, const char *to)
{
	if (rename(from, to) < 0)
		sofa_err(SOFA_EXIT_FAIL, "cannot move %s to %s", from, to);
}

/* --- the lock, signals and the processes we start ------------------------- */

static const char *D, *T, *share;
static char *stage;
static int njobs = 1;

static volatile sig_atomic_t got_sig;

static pid_t kids[MAXJOBS];
static size_t nkids;

static void
on_signal(int sig)
{
	if (got_sig == 0)
		got_sig = sig;
}

/* Remove the temporary names of the tables and the merges. */
static void
remove_temps(void)
{
	const char *dirs[3];
	struct dirent *de;
	char *path;
	size_t i, n;
	DIR *dp;

	dirs[0] = T;
	dirs[1] = xasprintf("%s/group", D);
	dirs[2] = xasprintf("%s/hdr", D);
	for (i = 0; i < 3; i++) {
		if ((dp = opendir(dirs[i])) == NULL)
			continue;
		while ((de = readdir(dp)) != NULL) {
			n = strlen(de->d_name);
			if (n < 4 || strcmp(de->d_name + n - 4, ".tmp") != 0)
				continue;
			path = xasprintf("%s/%s", dirs[i], de->d_name);
			unlink(path);
			free(path);
		}
		closedir(dp);
	}
	free((char *)dirs[1]);
	free((char *)dirs[2]);
}

/*
 * Stop on SIGINT, SIGTERM or SIGHUP (make passes them on): stop what we
 * started, empty the stage, remove temporary tables, die of the signal.
 */
static void
check_signal(void)
{
	int sig = got_sig;
	size_t i;

	if (sig == 0)
		return;
	for (i = 0; i < nkids; i++)
		kill(-kids[i], SIGTERM);
	for (i = 0; i < nkids; i++)
		while (waitpid(kids[i], NULL, 0) < 0 && errno == EINTR)
			;
	nkids = 0;
	if (stage != NULL)
		rm_rf(stage);
	remove_temps();
	signal(sig, SIG_DFL);
	raise(sig);
	_exit(128 + sig);
}

static void
catch_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa, old;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		if (sigaction(sigs[i], NULL, &old) == 0 &&
		    old.sa_handler == SIG_IGN)
			continue;	/* ignored by who started us: stays so */
		sigaction(sigs[i], &sa, NULL);
	}
}

static void
lock_derived(void)
{
	char *path;
	int fd;

	mkdirs(D);
	path = xasprintf("%s/.lock", D);
	/* Not close-on-exec: what we start holds it too, so that the next
	 * batch waits for the programs of one whose make was killed. */
	if ((fd = open(path, O_WRONLY | O_CREAT, 0644)) < 0)
		sofa_err(SOFA_EXIT_FAIL, "%s: cannot open", path);
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR)
			sofa_err(SOFA_EXIT_FAIL, "%s: cannot lock", path);
		check_signal();
	}
	free(path);
}

/*
 * A job runs in a child process of its own process group (so that a
 * signal reaches whatever it started): a program with its standard input
 * and output redirected, or a function.
 */
struct job {
	char *name;			/* what a failure is reported as */
	char **argv;			/* a program ... */
	const char *in, *out;
	int (*fn)(void *);		/* ... or a function */
	void *arg;
	void (*free_arg)(void *);
	size_t weight;			/* how long it may take: longest first */
	size_t idx;
};

struct jobs {
	struct job *v;
	size_t n, cap;
};

/* Free what the jobs own (every field) and empty the list. */
static void
jobs_clear(struct jobs *js)
{
	struct job *j;
	size_t i, k;

	for (i = 0; i < js->n; i++) {
		j = &js->v[i];
		free(j->name);
		for (k = 0; j->argv != NULL && j->argv[k] != NULL; k++)
			free(j->argv[k]);
		free(j->argv);
		free((char *)j->in);
		free((char *)j->out);
		if (j->free_arg != NULL)
			j->free_arg(j->arg);
	}
	js->n = 0;
}

static struct job *
job_add(struct jobs *js, char *name)
{
	struct job *j;

	xgrow((void **)&js->v, &js->cap, js->n + 1, sizeof(*js->v));
	j = &js->v[js->n];
	memset(j, 0, sizeof(*j));
	j->name = name;
	j->idx = js->n++;
	return j;
}

static noreturn void
exec_redirected(char **argv, const char *in, const char *out)
{
	int fd;

	if (in != NULL) {
		if ((fd = open(in, O_RDONLY)) < 0 || dup2(fd, 0) < 0) {
			sofa_warn("%s", in);
			_exit(1);
		}
		close(fd);
	}
	if (out != NULL) {
		if ((fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0 ||
		    dup2(fd, 1) < 0) {
			sofa_warn("%s", out);
			_exit(1);
		}
		close(fd);
	}
	execvp(argv[0], argv);
	sofa_warn("%s", argv[0]);
	_exit(127);
}

static void
child_setup(void)
{
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	setpgid(0, 0);
}

static pid_t
start(struct job *j)
{
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) < 0)
		sofa_err(SOFA_EXIT_FAIL, "fork");
	if (pid == 0) {
		child_setup();
		if (j->fn != NULL) {
			fflush(stdout);
			_exit(j->fn(j->arg));
		}
		exec_redirected(j->argv, j->in, j->out);
	}
	setpgid(pid, pid);
	kids[nkids++] = pid;
	return pid;
}

static void
forget_kid(pid_t pid)
{
	size_t i;

	for (i = 0; i < nkids; i++)
		if (kids[i] == pid) {
			kids[i] = kids[--nkids];
			return;
		}
}

static int
by_weight(const void *a, const void *b)
{
	const struct job *x = a, *y = b;

	if (x->weight != y->weight)
		return x->weight > y->weight ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/*
 * Run the jobs, njobs at a time, the heaviest first (else in order).
 * Returns the names of those that failed, blank-separated ("" when none
 * did).
 */
static char *
run_jobs(struct jobs *js)
{
	struct buf failed = { 0 };
	pid_t *pids = xcalloc(js->n + 1, sizeof(*pids));
	size_t next = 0, running = 0, i;
	int st;
	pid_t pid;

	buf_str(&failed, "");
	if (js->n > 1)
		qsort(js->v, js->n, sizeof(*js->v), by_weight);
	while (next < js->n || running > 0) {
		check_signal();
		if (next < js->n && running < (size_t)njobs) {
			pids[next] = start(&js->v[next]);
			next++;
			running++;
			continue;
		}
		if ((pid = waitpid(-1, &st, 0)) < 0) {
			if (errno == EINTR)
				continue;
			sofa_err(SOFA_EXIT_FAIL, "wait");
		}
		forget_kid(pid);
		for (i = 0; i < next; i++) {
			if (pids[i] != pid)
				continue;
			running--;
			if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
				if (failed.n > 0)
					buf_str(&failed, " ");
				buf_str(&failed, js->v[i].name);
			}
			break;
		}
	}
	check_signal();
	free(pids);
	return failed.p;
}

/* Run one job and wait for it; its exit status (or 1 when killed). */
static int
run_one(struct job *j)
{
	pid_t pid = start(j);
	int st;

	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR)
			sofa_err(SOFA_EXIT_FAIL, "wait");
		check_signal();
	}
	forget_kid(pid);
	check_signal();
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}

/* The command that writes TABLE, "-q" added: argv for execvp. */
static char **
prog_argv(const char *table)
{
	char *name = xasprintf("SOFA_PROG_%s", table);
	struct strv sv = words(env(name, true));

	strv_add(&sv, xstrdup("-q"));
	free(name);
	return sv.v;
}

/* --- ids ------------------------------------------------------------------ */

/* Replace path with p[0..n) unless it holds that already. */
static void
update(const char *path, const char *p, size_t n)
{
	if (same_file(path, p, n))
		return;
	if (sofa_af_write(path, p, n, 0644) < 0)
		sofa_err(SOFA_EXIT_FAIL, "%s", path);
}

struct idlist {
	int64_t *v;
	size_t n, cap;
};

static void
idlist_add(struct idlist *l, int64_t id)
{
	xgrow((void **)&l->v, &l->cap, l->n + 1, sizeof(*l->v));
	l->v[l->n++] = id;
}

static void
lines_of(struct buf *b, const struct idlist *l)
{
	char num[24];
	size_t i;

	b->n = 0;
	buf_str(b, "");
	for (i = 0; i < l->n; i++) {
		snprintf(num, sizeof(num), "%lld\n", (long long)l->v[i]);
		buf_str(b, num);
	}
}

/* "VAR := id id ...": the ids of l with raw files as want says (1: the
 * event, 2: the directory, 3: both, 0: neither; -1: all of them). */
static void
mk_list(struct buf *b, const char *var, const struct idlist *l,
    const struct sofa_u64set *json, const struct sofa_u64set *dir, int want)
{
	char num[24];
	size_t i;
	int has;

	buf_str(b, var);
	buf_str(b, " :=");
	for (i = 0; i < l->n; i++) {
		has = (sofa_u64set_has(json, (uint64_t)l->v[i]) ? 1 : 0) |
		    (sofa_u64set_has(dir, (uint64_t)l->v[i]) ? 2 : 0);
		if (want >= 0 && has != want)
			continue;
		snprintf(num, sizeof(num), " %lld", (long long)l->v[i]);
		buf_str(b, num);
	}
	buf_str(b, "\n");
}

/*
 * path as make should name it: relative to the working directory when
 * that is shorter (raw_base beside derived_dir: "../raw"), else as given.
 */
static char *
short_path(const char *path)
{
	char cwd[4096], *real, *rel;
	size_t i, common = 0, up = 0;
	struct buf b = { 0 };

	if (getcwd(cwd, sizeof(cwd)) == NULL ||
	    (real = realpath(path, NULL)) == NULL)
		return xstrdup(path);
	for (i = 0; cwd[i] != '\0' && cwd[i] == real[i]; i++)
		if (cwd[i] == '/')
			common = i;
	if (cwd[i] == '\0' && (real[i] == '/' || real[i] == '\0'))
		common = i;
	for (i = common; cwd[i] != '\0'; i++)
		if (cwd[i] == '/')
			up++;
	buf_str(&b, "");
	for (i = 0; i < up; i++)
		buf_str(&b, i > 0 ? "/.." : "..");
	if (real[common] == '/')
		buf_str(&b, up > 0 ? real + common : real + common + 1);
	if (b.n == 0)
		buf_str(&b, ".");
	rel = strlen(b.p) < strlen(path) && common > 0 ? b.p : xstrdup(path);
	if (rel != b.p)
		free(b.p);
	free(real);
	return rel;
}

/* The event_id of an index line: the first "event_id" : DIGITS in it. */
static const char *
find_event_id(const char *p, size_t n, size_t *len)
{
	static const char key[] = "\"event_id\"";
	const char *e = p + n, *q, *d;

	while ((q = memmem(p, (size_t)(e - p), key, sizeof(key) - 1)) !=
	    NULL) {
		p = q + 1;
		q += sizeof(key) - 1;
		while (q < e && (*q == ' ' || *q == '\t'))
			q++;
		if (q == e || *q != ':')
			continue;
		q++;
		while (q < e && (*q == ' ' || *q == '\t'))
			q++;
		for (d = q; d < e && *d >= '0' && *d <= '9'; d++)
			;
		if (d > q) {
			*len = (size_t)(d - q);
			return q;
		}
	}
	return NULL;
}

static int
cmd_ids(const char *index)
{
	struct idlist all = { 0 }, bk[NBUCKET] = { { 0 } }, gr[10] = { { 0 } };
	struct sofa_u64set *seen = sofa_u64set_new();
	struct sofa_u64set *json = sofa_u64set_new();
	struct sofa_u64set *dir = sofa_u64set_new();
	struct buf b = { 0 }, mk = { 0 };
	const char *p, *e, *nl, *s, *R = env("SOFA_R", true);
	unsigned long lineno = 0, bad = 0;
	struct dirent *de;
	struct map m;
	char *path, name[8];
	size_t n, len, i;
	int64_t id;
	DIR *dp;

	if (map_file(index, &m) < 0 && errno != ENOENT)
		sofa_err(SOFA_EXIT_FAIL, "%s", index);
	for (p = m.p, e = m.p + m.n; p < e; p = nl + 1) {
		lineno++;
		if ((nl = memchr(p, '\n', (size_t)(e - p))) == NULL)
			nl = e;
		n = (size_t)(nl - p);
		if (n > 0 && p[n - 1] == '\r')
			n--;
		for (len = 0; len < n && (p[len] == ' ' || p[len] == '\t');
		    len++)
			;
		if (len == n)
			continue;	/* blank */
		if ((s = find_event_id(p, n, &len)) == NULL) {
			fprintf(stderr, "%s:%lu: no event_id\n", index, lineno);
			bad++;
			continue;
		}
		if (len > 12 || !parse_id(s, len, &id)) {
			fprintf(stderr, "%s:%lu: bad event_id %.*s\n", index,
			    lineno, (int)len, s);
			bad++;
			continue;
		}
		if (!sofa_u64set_add(seen, (uint64_t)id))
			continue;
		idlist_add(&all, id);
		idlist_add(&bk[id % NBUCKET], id);
		idlist_add(&gr[id % NBUCKET / 10], id);
	}
	unmap_file(&m);
	if (bad > 0)
		sofa_errx(SOFA_EXIT_FAIL, "%s: bad match index", index);

	/* Which matches have raw files: event/ID.json, event/ID. */
	path = xasprintf("%s/event", R);
	if ((dp = opendir(path)) != NULL) {
		while ((de = readdir(dp)) != NULL) {
			n = strlen(de->d_name);
			if (n > 5 && strcmp(de->d_name + n - 5, ".json") == 0) {
				if (parse_id(de->d_name, n - 5, &id))
					sofa_u64set_add(json, (uint64_t)id);
			} else if (parse_id(de->d_name, n, &id)) {
				sofa_u64set_add(dir, (uint64_t)id);
			}
		}
		closedir(dp);
	} else if (errno != ENOENT) {
		sofa_err(SOFA_EXIT_FAIL, "%s", path);
	}
	free(path);

	path = xasprintf("%s/ids", D);
	mkdirs(path);
	free(path);
	lines_of(&b, &all);
	path = xasprintf("%s/ids.txt", D);
	update(path, b.p, b.n);
	free(path);
	for (i = 0; i < NBUCKET; i++) {
		lines_of(&b, &bk[i]);
		path = xasprintf("%s/ids/%02zu.ids", D, i);
		update(path, b.p, b.n);
		free(path);
	}
	for (i = 0; i < 10; i++) {
		lines_of(&b, &gr[i]);
		path = xasprintf("%s/ids/g%zu.ids", D, i);
		update(path, b.p, b.n);
		free(path);
	}

	buf_str(&mk, "# generated by sofa-build ids from the match index and "
	    "the raw store; do not edit\n");
	mk_list(&mk, "IDS", &all, json, dir, -1);
	buf_str(&mk, "BUCKETS :=");
	for (i = 0; i < NBUCKET; i++)
		if (bk[i].n > 0) {
			snprintf(name, sizeof(name), " %02zu", i);
			buf_str(&mk, name);
		}
	buf_str(&mk, "\n");
	for (i = 0; i < NBUCKET; i++) {
		if (bk[i].n == 0)
			continue;
		snprintf(name, sizeof(name), "IDS_%02zu", i);
		mk_list(&mk, name, &bk[i], json, dir, -1);
	}
	buf_str(&mk, "EV := ");
	path = xasprintf("%s/event", R);
	{
		char *ev = short_path(path);

		buf_str(&mk, ev);
		free(ev);
	}
	free(path);
	buf_str(&mk, "\n");
	mk_list(&mk, "BOTH", &all, json, dir, 3);
	mk_list(&mk, "ONLYJSON", &all, json, dir, 1);
	mk_list(&mk, "ONLYDIR", &all, json, dir, 2);
	mk_list(&mk, "UNFETCHED", &all, json, dir, 0);
	path = xasprintf("%s/ids.mk", D);
	update(path, mk.p, mk.n);
	free(path);
	free(all.v);
	for (i = 0; i < NBUCKET; i++)
		free(bk[i].v);
	for (i = 0; i < 10; i++)
		free(gr[i].v);
	sofa_u64set_free(seen);
	sofa_u64set_free(json);
	sofa_u64set_free(dir);
	free(b.p);
	free(mk.p);
	return SOFA_EXIT_OK;
}

/* --- batch ---------------------------------------------------------------- */

static struct strv facts, dims, buckets;
/* "  WHAT N (w1 w2 ...)": a line of the build report, the words when few. */
static void
say(const char *what, size_t n, char *const *w)
{
	size_t i;

	printf("  %-8s %zu", what, n);
	if (n <= 8) {
		fputs(" (", stdout);
		for (i = 0; i < n; i++)
			printf("%s%s", i > 0 ? " " : "", w[i]);
		fputs(")", stdout);
	}
	fputs("\n", stdout);
	fflush(stdout);
}

/* Take D/NAME into the stage and return its words. */
static struct strv
take(const char *name)
{
	char *from = xasprintf("%s/%s", D, name);
	char *to = xasprintf("%s/%s", stage, name);
	struct strv sv = { 0 };

	if ((rename(from, to) < 0 || read_words(to, &sv) < 0) &&
	    errno != ENOENT)
		sofa_err(SOFA_EXIT_FAIL, "%s", from);
	free(from);
	free(to);
	return sv;
}

/* The table outputs being cut into frags (split). */
struct out {
	const char *name;
	char *path;
	struct map m;
	size_t pos;			/* of the next record */
	const char *rec;		/* the current record ... */
	size_t len;
	const char *rid;		/* ... and its event_id */
	size_t ridlen;
	bool have;
};

static noreturn void
die_at(const char *file, const char *what, const char *p, size_t n)
{
	sofa_errx(SOFA_EXIT_FAIL, "%s: %s%.*s", file, what, (int)n, p);
}

/* The next record of o (a record ends at a newline outside quotes). */
static void
advance(struct out *o)
{
	const char *p = o->m.p + o->pos, *e = o->m.p + o->m.n, *nl;
	size_t q = 0, i;

	o->have = false;
	if (p >= e)
		return;
	o->rec = p;
	for (;;) {
		if ((nl = memchr(p, '\n', (size_t)(e - p))) == NULL)
			nl = e;
		q += count_quotes(p, (size_t)(nl - p));
		if (q % 2 == 0)
			break;
		if (nl == e)
			sofa_errx(SOFA_EXIT_FAIL, "%s: a quoted field is not "
			    "closed at the end", o->path);
		p = nl + 1;
	}
	o->len = (size_t)(nl - o->rec);
	o->pos = (size_t)(nl - o->m.p) + 1;
	for (i = 0; i < o->len && o->rec[i] >= '0' && o->rec[i] <= '9'; i++)
		;
	if (i == 0 || (i < o->len && o->rec[i] != ','))
		die_at(o->path, "a row without an event_id first: ", o->rec,
		    o->len);
	o->rid = o->rec;
	o->ridlen = i;
	o->have = true;
}

/*
 * Cut the fact-table outputs into stage/frag/ID.csv: for each table with
 * rows for the match a line "#sofa:TABLE" and the rows, headerless; an
 * empty file for a match without rows.  The headers go to stage/hdr.
 */
static void
split(struct strv *ids)
{
	struct out *o = xcalloc(facts.n, sizeof(*o));
	struct sofa_idmap *pos = sofa_idmap_new();
	struct buf frag = { 0 };
	const char *h, *nl;
	char *path;
	size_t j, k, n, idlen;
	int64_t id, rid;
	uint32_t rpos;
	bool first;

	for (k = 0; k < ids->n; k++)
		if (parse_id(ids->v[k], strlen(ids->v[k]), &id) &&
		    sofa_idmap_get(pos, id) == 0)
			sofa_idmap_put(pos, id, (uint32_t)k + 1);
	for (j = 0; j < facts.n; j++) {
		o[j].name = facts.v[j];
		o[j].path = xasprintf("%s/out/%s.csv", stage, facts.v[j]);
		if (map_file(o[j].path, &o[j].m) < 0)
			sofa_err(SOFA_EXIT_FAIL, "%s", o[j].path);
		h = o[j].m.p;
		if ((nl = memchr(h, '\n', o[j].m.n)) == NULL)
			nl = h + o[j].m.n;
		n = (size_t)(nl - h);
		if (o[j].m.n == 0)
			sofa_errx(SOFA_EXIT_FAIL, "%s: empty, not even a "
			    "header", o[j].path);
		if (n < 8 || memcmp(h, "event_id", 8) != 0 ||
		    (n > 8 && h[8] != ','))
			die_at(o[j].path, "the first column is not event_id: ",
			    h, n);
		path = xasprintf("%s/hdr/%s.csv", stage, facts.v[j]);
		frag.n = 0;
		buf_add(&frag, h, n);
		buf_add(&frag, "\n", 1);
		if (write_file(path, frag.p, frag.n) < 0)
			sofa_err(SOFA_EXIT_FAIL, "%s", path);
		free(path);
		o[j].pos = n + 1;
		advance(&o[j]);
	}
	for (k = 0; k < ids->n; k++) {
		if ((k & 255) == 0)
			check_signal();
		if (!parse_id(ids->v[k], strlen(ids->v[k]), &id) ||
		    sofa_idmap_get(pos, id) != k + 1)
			continue;	/* "" or a repeat */
		idlen = strlen(ids->v[k]);
		frag.n = 0;
		buf_str(&frag, "");
		for (j = 0; j < facts.n; j++) {
			first = true;
			while (o[j].have && o[j].ridlen == idlen &&
			    memcmp(o[j].rid, ids->v[k], idlen) == 0) {
				if (first) {
					buf_str(&frag, "#sofa:");
					buf_str(&frag, o[j].name);
					buf_str(&frag, "\n");
				}
				first = false;
				buf_add(&frag, o[j].rec, o[j].len);
				buf_add(&frag, "\n", 1);
				advance(&o[j]);
			}
			if (!o[j].have)
				continue;
			if (!parse_id(o[j].rid, o[j].ridlen, &rid) ||
			    (rpos = sofa_idmap_get(pos, rid)) == 0)
				sofa_errx(SOFA_EXIT_FAIL, "%s: a row of match "
				    "%.*s, which was not asked for", o[j].path,
				    (int)o[j].ridlen, o[j].rid);
			if (rpos < k + 1)
				sofa_errx(SOFA_EXIT_FAIL, "%s: the rows of "
				    "match %.*s are not together, in input "
				    "order", o[j].path, (int)o[j].ridlen,
				    o[j].rid);
		}
		path = xasprintf("%s/frag/%s.csv", stage, ids->v[k]);
		if (write_file(path, frag.p, frag.n) < 0)
			sofa_err(SOFA_EXIT_FAIL, "%s", path);
		free(path);
	}
	for (j = 0; j < facts.n; j++) {
		unmap_file(&o[j].m);
		free(o[j].path);
	}
	free(o);
	free(frag.p);
	sofa_idmap_free(pos);
}

/* The ids of bucket file path, one per line, into ids (emptied first). */
static void
read_ids(const char *path, struct strv *ids)
{
	if (read_words(path, ids) < 0)
		sofa_err(SOFA_EXIT_FAIL, "%s: cannot read", path);
}

/*
 * Re-cut bucket b of every fact table from its matches' frags: the rows
 * of each table in index order into stage/bucket/TABLE.b.csv.
 */
static void
cut_bucket(const char *b, struct buf *bufs)
{
	struct strv ids = { 0 };
	const char *p, *e, *nl;
	char *path;
	static struct buf f;
	size_t i, j, n, q;
	ssize_t cur;

	for (j = 0; j < facts.n; j++)
		bufs[j].n = 0;
	path = xasprintf("%s/ids/%s.ids", D, b);
	read_ids(path, &ids);
	free(path);
	for (i = 0; i < ids.n; i++) {
		path = xasprintf("%s/frag/%s.csv", D, ids.v[i]);
		if (read_into(path, &f) < 0) {
			if (errno != ENOENT)
				sofa_err(SOFA_EXIT_FAIL, "%s", path);
			free(path);	/* not stored yet: no rows */
			continue;
		}
		cur = -2;	/* no section yet; -1: a table not built */
		q = 0;
		for (p = f.p, e = f.p + f.n; p < e; p = nl + 1) {
			if ((nl = memchr(p, '\n', (size_t)(e - p))) == NULL)
				nl = e;
			n = (size_t)(nl - p);
			if (q % 2 == 0 && n >= 6 && memcmp(p, "#sofa:", 6) ==
			    0) {
				cur = -1;
				for (j = 0; j < facts.n; j++)
					if (strlen(facts.v[j]) == n - 6 &&
					    memcmp(facts.v[j], p + 6, n - 6) ==
					    0)
						cur = (ssize_t)j;
				continue;
			}
			if (cur == -2)
				sofa_errx(SOFA_EXIT_FAIL, "%s: a row before any "
				    "#sofa: line", path);
			q += count_quotes(p, n);
			if (cur >= 0) {
				buf_add(&bufs[cur], p, n);
				buf_add(&bufs[cur], "\n", 1);
			}
		}
		if (q % 2 != 0)
			sofa_errx(SOFA_EXIT_FAIL, "%s: a quoted field is not "
			    "closed at the end", path);
		free(path);
	}
	for (j = 0; j < facts.n; j++) {
		path = xasprintf("%s/bucket/%s.%s.csv", stage, facts.v[j], b);
		if (write_file(path, bufs[j].p != NULL ? bufs[j].p : "",
		    bufs[j].n) < 0)
			sofa_err(SOFA_EXIT_FAIL, "%s", path);
		free(path);
	}
	for (i = 0; i < ids.n; i++)
		free(ids.v[i]);
	free(ids.v);
}

/* The ids of bucket b newest first, for the dimension-table programs. */
static char *
reverse_ids(const char *b, size_t *n)
{
	struct strv ids = { 0 };
	struct buf out = { 0 };
	char *path, *rev;
	size_t i;

	path = xasprintf("%s/ids/%s.ids", D, b);
	read_ids(path, &ids);
	free(path);
	*n = ids.n;
	buf_str(&out, "");
	for (i = ids.n; i > 0; i--) {
		buf_str(&out, ids.v[i - 1]);
		buf_str(&out, "\n");
		free(ids.v[i - 1]);
	}
	free(ids.v);
	rev = xasprintf("%s/rev/%s.ids", stage, b);
	if (write_file(rev, out.p, out.n) < 0)
		sofa_err(SOFA_EXIT_FAIL, "%s", rev);
	free(out.p);
	return rev;
}

/* D/hdr/TABLE.csv, asking the program when it is missing. */
static void
header(const char *t)
{
	char *path = xasprintf("%s/hdr/%s.csv", D, t);
	char *tmp = xasprintf("%s.tmp", path);
	struct stat st;
	struct job j;
	size_t i;

	if (stat(path, &st) == 0 && st.st_size > 0)
		goto done;
	memset(&j, 0, sizeof(j));
	j.argv = prog_argv(t);
	j.in = "/dev/null";
	j.out = tmp;
	if (run_one(&j) != 0 || rename(tmp, path) < 0) {
		unlink(tmp);
		sofa_errx(SOFA_EXIT_FAIL, "%s: cannot get the header of %s",
		    j.argv[0], t);
	}
	for (i = 0; j.argv[i] != NULL; i++)
		free(j.argv[i]);
	free(j.argv);
done:
	free(path);
	free(tmp);
}

/* Copy all of file from into the open fd (copy_file_range, else read). */
static int
append_file(int fd, const char *from)
{
	char buf[1 << 16];
	ssize_t r;
	bool plain = false;
	int in, e;

	if ((in = open(from, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	for (;;) {
		if (!plain) {
			r = copy_file_range(in, NULL, fd, NULL, 1 << 30, 0);
			if (r < 0 && (errno == EXDEV || errno == EINVAL ||
			    errno == ENOSYS || errno == EOPNOTSUPP)) {
				plain = true;
				continue;
			}
		} else if ((r = read(in, buf, sizeof(buf))) > 0 &&
		    write_all(fd, buf, (size_t)r) < 0) {
			goto fail;
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			goto fail;
		if (r == 0)
			break;
	}
	return close(in);
fail:
	e = errno;
	close(in);
	errno = e;
	return -1;
}

/*
 * The argument of a table's job: a table from its header and buckets
 * (cat_job: path is the table, list the files), or a dimension table's
 * merges (merge_job: path is the schema, list the "IDS OUT FILE ..."
 * steps: the stale groups', then the table's).
 */
struct tjob {
	char *path;
	struct strv list;
};

static void
tjob_free(void *arg)
{
	struct tjob *tj = arg;

	free(tj->path);
	strv_free(&tj->list);
	free(tj);
}

static int
cat_job(void *arg)
{
	struct tjob *c = arg;
	char *tmp = xasprintf("%s.tmp", c->path);
	size_t i;
	int fd;

	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0) {
		sofa_warn("%s", tmp);
		return 1;
	}
	for (i = 0; i < c->list.n; i++)
		if (append_file(fd, c->list.v[i]) < 0) {
			sofa_warn("%s: %s", tmp, c->list.v[i]);
			close(fd);
			unlink(tmp);
			return 1;
		}
	if (close(fd) < 0 || rename(tmp, c->path) < 0) {
		sofa_warn("%s", tmp);
		unlink(tmp);
		return 1;
	}
	return 0;
}

/*
 * The merge of per-bucket dimension tables (teams, players) into one.  A
 * dimension table has one row per key (the schema's pk columns); its
 * program writes, for the matches it is given newest first, each key once:
 * the observation of the first kind of the `source` enum wins over the
 * later kinds, and between two of a kind the first (the newest) wins; rows
 * of the first kind come as they are met, rows of the later kinds at the
 * end (share/sofa/schema/teams.tsv, players.tsv).  Each input is that
 * program's output (header first) over some matches.  The merge applies
 * the same rule across inputs, ranking matches by their place in the ids
 * file (the index: oldest first), and writes the rows in the order the
 * program would give over all matches at once, so that an incremental
 * build equals a full one.  Records may span lines (quoted newlines).
 */
struct dimrow {
	char *key;			/* the pk fields, joined by \034 */
	char *rec;
	size_t kind;			/* rank of the source: 0 first */
	size_t age;			/* of the match: 0 the newest */
	size_t seq;			/* when it became the best */
};

struct dimmerge {
	const char *schema;
	size_t ncol, nk, kcol[16], ecol, scol, nkind;
	char *kinds[16];
	struct sofa_idmap *pos;		/* id -> its line in the ids (1..) */
	size_t nids;
	char *header;
	struct dimrow *rows;
	size_t nrows, caprows, seq;
	size_t *slot;			/* hash of keys -> rows index + 1 */
	size_t nslot;
};

static int
dm_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sofa_vwarnx(fmt, ap);
	va_end(ap);
	return -1;
}

/* The schema's columns: pk columns, event_id and the source enum. */
static int
dm_schema(struct dimmerge *dm)
{
	struct buf f = { 0 };
	char *line, *next, *c[4], *e, *v;
	size_t i;

	if (read_into(dm->schema, &f) < 0)
		return dm_fail("%s: %s", dm->schema, strerror(errno));
	dm->ecol = dm->scol = 0;
	for (line = f.p; line != NULL && *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (*line == '#' || line[strspn(line, " \t")] == '\0')
			continue;
		for (i = 0; i < 4; i++) {
			c[i] = line;
			if (line != NULL && (line = strchr(line, '\t')) != NULL)
				*line++ = '\0';
		}
		dm->ncol++;
		if (c[2] != NULL && strcmp(c[2], "pk") == 0 && dm->nk < 16)
			dm->kcol[dm->nk++] = dm->ncol;
		if (strcmp(c[0], "event_id") == 0)
			dm->ecol = dm->ncol;
		if (strcmp(c[0], "source") == 0 && c[1] != NULL) {
			dm->scol = dm->ncol;
			e = c[1];
			if (strncmp(e, "enum:", 5) == 0)
				e += 5;
			for (v = strtok(e, "|"); v != NULL && dm->nkind < 16;
			    v = strtok(NULL, "|"))
				dm->kinds[dm->nkind++] = xstrdup(v);
		}
	}
	free(f.p);
	if (dm->nk == 0 || dm->ecol == 0 || dm->scol == 0)
		return dm_fail("%s: needs pk columns, event_id and an enum "
		    "source", dm->schema);
	return 0;
}

static int
dm_ids(struct dimmerge *dm, const char *ids)
{
	struct buf f = { 0 };
	const char *p, *nl;
	size_t k = 0;
	int64_t id;

	if (read_into(ids, &f) < 0)
		return dm_fail("%s: %s", ids, strerror(errno));
	for (p = f.p; p < f.p + f.n; p = nl + 1) {
		if ((nl = memchr(p, '\n', f.n - (size_t)(p - f.p))) == NULL)
			nl = f.p + f.n;
		dm->nids++;
	}
	dm->pos = sofa_idmap_new();
	for (p = f.p; p < f.p + f.n; p = nl + 1) {
		if ((nl = memchr(p, '\n', f.n - (size_t)(p - f.p))) == NULL)
			nl = f.p + f.n;
		k++;
		if (parse_id(p, (size_t)(nl - p), &id))
			sofa_idmap_put(dm->pos, id, (uint32_t)k);
	}
	free(f.p);
	return 0;
}

/*
 * The fields of a record, unquoted, as the awk split did: split at commas,
 * parts joined again while the quotes are odd; a field "..." loses its
 * quotes and "" becomes ".  Returns the number of fields; fields[i] point
 * into out (NUL-separated).
 */
static size_t
dm_fields(const char *rec, struct buf *out, size_t *off, size_t max)
{
	const char *p = rec, *c;
	size_t n = 0, start, q = 0, i, len;

	out->n = 0;
	buf_str(out, "");
	start = 0;
	for (;;) {
		c = strchr(p, ',');
		len = c != NULL ? (size_t)(c - p) : strlen(p);
		if (q % 2 != 0)
			buf_add(out, ",", 1);
		buf_add(out, p, len);
		q += count_quotes(p, len);
		if (q % 2 == 0) {
			char *f = out->p + start;
			size_t fl = out->n - start;

			if (fl >= 2 && f[0] == '"' && f[fl - 1] == '"') {
				size_t w = 0;

				for (i = 1; i + 1 < fl; i++) {
					f[w++] = f[i];
					if (f[i] == '"' && f[i + 1] == '"' &&
					    i + 2 < fl)
						i++;
				}
				out->n = start + w;
			}
			buf_add(out, "", 1);	/* the NUL */
			if (n < max)
				off[n] = start;
			n++;
			start = out->n;
		}
		if (c == NULL)
			break;
		p = c + 1;
	}
	return n;	/* (a record's quotes are even: nothing is left) */
}

static void
dm_grow(struct dimmerge *dm)
{
	size_t i, h, ns = dm->nslot ? dm->nslot * 2 : 1024;
	size_t *slot = xcalloc(ns, sizeof(*slot));

	for (i = 0; i < dm->nrows; i++) {
		h = sofa_hash64(dm->rows[i].key, strlen(dm->rows[i].key), 0) &
		    (ns - 1);
		while (slot[h] != 0)
			h = (h + 1) & (ns - 1);
		slot[h] = i + 1;
	}
	free(dm->slot);
	dm->slot = slot;
	dm->nslot = ns;
}

static int
dm_record(struct dimmerge *dm, const char *file, const char *rec)
{
	static struct buf fb, key;
	size_t off[64], n, i, h, kind, age;
	const char *src;
	struct dimrow *r;
	uint32_t v;
	int64_t id;

	n = dm_fields(rec, &fb, off, 64);
	if (n != dm->ncol || n > 64)
		return dm_fail("%s: %zu fields, the header has %zu: %s", file,
		    n, dm->ncol, rec);
	key.n = 0;
	buf_str(&key, "");
	for (i = 0; i < dm->nk; i++) {
		if (i > 0)
			buf_add(&key, "\034", 1);
		buf_str(&key, fb.p + off[dm->kcol[i] - 1]);
	}
	src = fb.p + off[dm->scol - 1];
	for (kind = 0; kind < dm->nkind; kind++)
		if (strcmp(dm->kinds[kind], src) == 0)
			break;
	if (kind == dm->nkind)
		return dm_fail("%s: source '%s' is not in the schema", file,
		    src);
	src = fb.p + off[dm->ecol - 1];
	age = dm->nids;
	if (parse_id(src, strlen(src), &id) &&
	    (v = sofa_idmap_get(dm->pos, id)) != 0)
		age = dm->nids - v;
	if (dm->nrows * 2 >= dm->nslot)
		dm_grow(dm);
	h = sofa_hash64(key.p, key.n, 0) & (dm->nslot - 1);
	while (dm->slot[h] != 0) {
		r = &dm->rows[dm->slot[h] - 1];
		if (strcmp(r->key, key.p) == 0) {
			if (r->kind < kind || (r->kind == kind && r->age <=
			    age))
				return 0;
			free(r->rec);
			r->rec = xstrdup(rec);
			r->kind = kind;
			r->age = age;
			r->seq = dm->seq++;
			return 0;
		}
		h = (h + 1) & (dm->nslot - 1);
	}
	xgrow((void **)&dm->rows, &dm->caprows, dm->nrows + 1,
	    sizeof(*dm->rows));
	r = &dm->rows[dm->nrows];
	r->key = xstrdup(key.p);
	r->rec = xstrdup(rec);
	r->kind = kind;
	r->age = age;
	r->seq = dm->seq++;
	dm->slot[h] = ++dm->nrows;
	return 0;
}

static int
dm_input(struct dimmerge *dm, const char *file)
{
	struct buf f = { 0 }, rec = { 0 };
	char *p, *e, *nl;
	size_t q = 0, hn;
	bool first = true;
	int rv = 0;

	if (read_into(file, &f) < 0) {
		rv = dm_fail("%s: %s", file, strerror(errno));
		goto done;
	}
	buf_str(&rec, "");
	for (p = f.p, e = f.p + f.n; p < e && rv == 0; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(e - p))) == NULL)
			nl = e;
		*nl = '\0';
		if (first) {
			first = false;
			if (dm->header == NULL) {
				dm->header = xstrdup(p);
				for (hn = 1, e = p; (e = strchr(e, ',')) !=
				    NULL; e++)
					hn++;
				e = f.p + f.n;
				if (hn != dm->ncol)
					rv = dm_fail("%s: the header has %zu "
					    "columns, %s %zu", file, hn,
					    dm->schema, dm->ncol);
			} else if (strcmp(p, dm->header) != 0) {
				rv = dm_fail("%s: another header: %s", file,
				    p);
			}
			continue;
		}
		if (q % 2 != 0)
			buf_add(&rec, "\n", 1);
		else
			rec.n = 0;
		buf_add(&rec, p, (size_t)(nl - p));
		q += count_quotes(p, (size_t)(nl - p));
		if (q % 2 == 0)
			rv = dm_record(dm, file, rec.p);
	}
	if (rv == 0 && q % 2 != 0)
		rv = dm_fail("%s: a quoted field is not closed at the end",
		    file);
done:
	free(f.p);
	free(rec.p);
	return rv;
}

static int
dm_order(const void *a, const void *b)
{
	const struct dimrow *x = *(struct dimrow *const *)a;
	const struct dimrow *y = *(struct dimrow *const *)b;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if (x->age != y->age)
		return x->age < y->age ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Merge files into out (through out.tmp); 0, or -1 with the reason said. */
static int
dimmerge(const char *schema, const char *ids, char *const *files,
    size_t nfiles, const char *out)
{
	struct dimmerge dm = { .schema = schema };
	struct dimrow **order = NULL;
	char *tmp = xasprintf("%s.tmp", out);
	FILE *fp = NULL;
	size_t i;
	int rv;

	rv = dm_schema(&dm);
	if (rv == 0)
		rv = dm_ids(&dm, ids);
	for (i = 0; i < nfiles && rv == 0; i++)
		rv = dm_input(&dm, files[i]);
	if (rv == 0 && dm.header == NULL)
		rv = dm_fail("%s: no input", out);
	if (rv == 0) {
		order = xcalloc(dm.nrows + 1, sizeof(*order));
		for (i = 0; i < dm.nrows; i++)
			order[i] = &dm.rows[i];
		qsort(order, dm.nrows, sizeof(*order), dm_order);
		if ((fp = fopen(tmp, "w")) == NULL) {
			rv = dm_fail("%s: %s", tmp, strerror(errno));
		} else {
			fprintf(fp, "%s\n", dm.header);
			for (i = 0; i < dm.nrows; i++)
				fprintf(fp, "%s\n", order[i]->rec);
			if (fclose(fp) != 0 || rename(tmp, out) < 0)
				rv = dm_fail("%s: %s", tmp, strerror(errno));
		}
		free(order);
	}
	if (rv != 0)
		unlink(tmp);
	free(tmp);
	return rv;
}

static int
merge_job(void *arg)
{
	struct tjob *mg = arg;
	struct strv w;
	size_t i;

	for (i = 0; i < mg->list.n; i++) {
		w = words(mg->list.v[i]);
		if (dimmerge(mg->path, w.v[0], w.v + 2, w.n - 2, w.v[1]) < 0)
			return 1;
	}
	return 0;
}

static bool
newer(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec > b->tv_sec ||
	    (a->tv_sec == b->tv_sec && a->tv_nsec > b->tv_nsec);
}

static struct timespec
mtime_of(const char *path)
{
	struct timespec zero = { 0, 0 };
	struct stat st;

	return stat(path, &st) == 0 ? st.st_mtim : zero;
}

/*
 * Mark the buckets of want that lack one of their files (TABLE.BB.csv
 * for every table): one listing of D/bucket, not a stat per file.
 */
static void
missing_buckets(bool *mark, const bool *want)
{
	unsigned char have[NBUCKET][64] = { { 0 } };
	struct dirent *de;
	size_t j, n, k, nt = facts.n + dims.n;
	char *path = xasprintf("%s/bucket", D);
	const char *t;
	DIR *dp;

	if (nt > 64)
		sofa_errx(SOFA_EXIT_USAGE, "too many tables");
	if ((dp = opendir(path)) == NULL)
		sofa_err(SOFA_EXIT_FAIL, "%s", path);
	while ((de = readdir(dp)) != NULL) {
		n = strlen(de->d_name);
		/* TABLE.BB.csv */
		if (n < 8 || strcmp(de->d_name + n - 4, ".csv") != 0 ||
		    de->d_name[n - 7] != '.' ||
		    !parse_bucket(de->d_name + n - 6, &k))
			continue;
		for (j = 0; j < nt; j++) {
			t = j < facts.n ? facts.v[j] : dims.v[j - facts.n];
			if (strlen(t) == n - 7 && memcmp(t, de->d_name, n - 7) ==
			    0)
				have[k][j] = 1;
		}
	}
	closedir(dp);
	free(path);
	for (k = 0; k < NBUCKET; k++)
		for (j = 0; j < nt && want[k]; j++)
			if (!have[k][j])
				mark[k] = true;
}

/* The size of table DIR/TABLE.csv as last built (0: none): how long its
 * job may take. */
static size_t
size_of(const char *dir, const char *table)
{
	char *path = xasprintf("%s/%s.csv", dir, table);
	struct stat st;
	size_t n;

	n = stat(path, &st) == 0 ? (size_t)st.st_size : 0;
	free(path);
	return n;
}

static int
cmd_batch(void)
{
	struct strv ids, sb, stale = { 0 };
	bool mark[NBUCKET] = { false }, regroup[10] = { false }, want[NBUCKET] =
	    { false };
	struct jobs js = { 0 };
	struct buf *bufs;
	struct timespec oldest = { 0, 0 }, t, gt, it, merge_t;
	char *path, *failed, *g, groups[11] = "";
	size_t i, j, k, ng = 0;
	int64_t id;
	int fd;

	D = env("SOFA_D", true);
	T = env("SOFA_T", true);
	share = env("SOFA_SHARE", true);
	facts = words(env("SOFA_FACTS", false));
	dims = words(env("SOFA_DIMS", false));
	buckets = words(env("SOFA_BUCKETS", false));
	k = (size_t)atoi(env("SOFA_JOBS", false));
	njobs = k >= 1 && k <= MAXJOBS / 2 ? (int)k : 1;
	lock_derived();

	stage = xasprintf("%s/stage", D);
	if (rm_rf(stage) < 0)
		sofa_err(SOFA_EXIT_FAIL, "%s: cannot remove", stage);
	{
		static const char *sub[] = { "out", "frag", "hdr", "bucket",
		    "rev" };
		static const char *dsub[] = { "frag", "bucket", "group",
		    "hdr" };

		for (i = 0; i < 5; i++) {
			path = xasprintf("%s/%s", stage, sub[i]);
			mkdirs(path);
			free(path);
		}
		for (i = 0; i < 4; i++) {
			path = xasprintf("%s/%s", D, dsub[i]);
			mkdirs(path);
			free(path);
		}
		mkdirs(T);
	}

	/* The stale matches, and every bucket to re-cut: those of the stale
	 * matches, those make named, those with a file missing.  (Taken, not
	 * copied: a make that starts meanwhile writes its own.) */
	ids = take("stale.ids");
	sb = take("stale.buckets");
	for (i = 0; i < buckets.n; i++)
		want[strtoul(buckets.v[i], NULL, 10) % NBUCKET] = true;
	missing_buckets(mark, want);
	for (i = 0; i < sb.n; i++)
		mark[strtoul(sb.v[i], NULL, 10) % NBUCKET] = true;
	for (i = 0; i < ids.n; i++)
		if (parse_id(ids.v[i], strlen(ids.v[i]), &id))
			mark[id % NBUCKET] = true;
	for (k = 0; k < NBUCKET; k++)
		if (mark[k] && want[k]) {
			strv_add(&stale, xasprintf("%02zu", k));
			regroup[k / 10] = true;
		}

	/* 1. The programs: each fact-table program once over the stale
	 * matches, each dimension-table program once per stale bucket over
	 * its matches, newest first; SOFA_JOBS at a time, the longest (the
	 * most matches) first. */
	path = xasprintf("%s/ids", stage);
	if (ids.n > 0 && facts.n > 0) {
		struct buf list = { 0 };

		buf_str(&list, "");
		for (i = 0; i < ids.n; i++) {
			buf_str(&list, ids.v[i]);
			buf_str(&list, "\n");
		}
		if (write_file(path, list.p, list.n) < 0)
			sofa_err(SOFA_EXIT_FAIL, "%s", path);
		free(list.p);
		for (j = 0; j < facts.n; j++) {
			struct job *jb = job_add(&js, xstrdup(facts.v[j]));

			jb->argv = prog_argv(facts.v[j]);
			jb->in = xstrdup(path);
			jb->out = xasprintf("%s/out/%s.csv", stage, facts.v[j]);
			jb->weight = ids.n;
		}
	}
	for (i = 0; i < stale.n && dims.n > 0; i++) {
		size_t nb;
		char *rev = reverse_ids(stale.v[i], &nb);

		for (j = 0; j < dims.n; j++) {
			struct job *jb = job_add(&js, xasprintf("%s.%s",
			    dims.v[j], stale.v[i]));

			jb->argv = prog_argv(dims.v[j]);
			jb->in = xstrdup(rev);
			jb->out = xasprintf("%s/bucket/%s.%s.csv", stage,
			    dims.v[j], stale.v[i]);
			jb->weight = nb;
		}
		free(rev);
	}
	failed = run_jobs(&js);
	if (*failed != '\0')
		sofa_errx(SOFA_EXIT_FAIL, "failed: %s", failed);
	free(failed);
	jobs_clear(&js);

	/* 2. The fact-table outputs cut into per-match frags. */
	if (ids.n > 0) {
		if (facts.n > 0) {
			split(&ids);
			for (j = 0; j < facts.n; j++) {
				char *a = xasprintf("%s/hdr/%s.csv", stage,
				    facts.v[j]);
				char *b = xasprintf("%s/hdr/%s.csv", D,
				    facts.v[j]);

				move(a, b);
				free(a);
				free(b);
			}
		} else {
			/* Only dimension tables: empty frags mark the matches
			 * done. */
			for (i = 0; i < ids.n; i++) {
				char *a = xasprintf("%s/frag/%s.csv", stage,
				    ids.v[i]);

				if (write_file(a, "", 0) < 0)
					sofa_err(SOFA_EXIT_FAIL, "%s", a);
				free(a);
			}
		}
		for (i = 0; i < ids.n; i++) {
			char *a = xasprintf("%s/frag/%s.csv", stage, ids.v[i]);
			char *b = xasprintf("%s/frag/%s.csv", D, ids.v[i]);

			if (access(a, F_OK) == 0)
				move(a, b);
			free(a);
			free(b);
		}
		if (facts.n > 0)
			say("frags", ids.n, ids.v);
	}
	free(path);

	/* 3. The stale buckets of the fact tables re-cut from the frags; all
	 * the stale buckets moved in. */
	if (stale.n > 0) {
		bufs = xcalloc(facts.n + 1, sizeof(*bufs));
		for (i = 0; i < stale.n; i++) {
			check_signal();
			if (facts.n > 0)
				cut_bucket(stale.v[i], bufs);
		}
		for (j = 0; j < facts.n; j++)
			free(bufs[j].p);
		free(bufs);
		for (i = 0; i < stale.n; i++)
			for (j = 0; j < facts.n + dims.n; j++) {
				const char *tn = j < facts.n ? facts.v[j] :
				    dims.v[j - facts.n];
				char *a = xasprintf("%s/bucket/%s.%s.csv",
				    stage, tn, stale.v[i]);
				char *b = xasprintf("%s/bucket/%s.%s.csv", D,
				    tn, stale.v[i]);

				move(a, b);
				free(a);
				free(b);
			}
		say("buckets", stale.n, stale.v);
	}

	/* 3. The tables, each from its buckets (in bucket order), through a
	 * temporary name, SOFA_JOBS at a time.  A dimension table is merged
	 * in two levels: each group of ten buckets (G0..G9) into
	 * group/TABLE.G.csv, re-merged only when one of its buckets was
	 * re-cut or the order of its matches changed (ids/gG.ids), then the
	 * groups into the table: a new match costs one group's merge and
	 * the final one, not the merge of all buckets. */
	for (j = 0; j < facts.n; j++)
		header(facts.v[j]);
	for (j = 0; j < dims.n && buckets.n == 0; j++)
		header(dims.v[j]);
	for (i = 0; i < buckets.n; i++)
		if (ng == 0 || groups[ng - 1] != buckets.v[i][0])
			groups[ng++] = buckets.v[i][0];
	/* (The merge is ours: a new sofa-build re-merges every group.) */
	merge_t = mtime_of("/proc/self/exe");
	/* The dimension tables first: the long ones, started before the
	 * copies. */
	for (j = 0; j < dims.n; j++) {
		struct tjob *mg = xcalloc(1, sizeof(*mg));
		struct buf step = { 0 };
		struct job *jb;

		mg->path = xasprintf("%s/schema/%s.tsv", share, dims.v[j]);
		t = mtime_of(mg->path);
		for (i = 0; i < ng && buckets.n > 0; i++) {
			g = xasprintf("%s/group/%s.%c.csv", D, dims.v[j],
			    groups[i]);
			path = xasprintf("%s/ids/g%c.ids", D, groups[i]);
			gt = mtime_of(g);
			it = mtime_of(path);
			if (!regroup[groups[i] - '0'] && access(g, F_OK) == 0 &&
			    !newer(&it, &gt) && !newer(&merge_t, &gt) &&
			    !newer(&t, &gt)) {
				free(g);
				free(path);
				continue;
			}
			step.n = 0;
			buf_str(&step, path);
			buf_str(&step, " ");
			buf_str(&step, g);
			free(g);
			free(path);
			for (k = 0; k < buckets.n; k++) {
				if (buckets.v[k][0] != groups[i])
					continue;
				path = xasprintf(" %s/bucket/%s.%s.csv", D,
				    dims.v[j], buckets.v[k]);
				buf_str(&step, path);
				free(path);
			}
			strv_add(&mg->list, xstrdup(step.p));
		}
		step.n = 0;
		path = xasprintf("%s/ids.txt %s/%s.csv", D, T, dims.v[j]);
		buf_str(&step, path);
		free(path);
		if (buckets.n == 0) {
			path = xasprintf(" %s/hdr/%s.csv", D, dims.v[j]);
			buf_str(&step, path);
			free(path);
		}
		for (i = 0; i < ng && buckets.n > 0; i++) {
			path = xasprintf(" %s/group/%s.%c.csv", D, dims.v[j],
			    groups[i]);
			buf_str(&step, path);
			free(path);
		}
		strv_add(&mg->list, xstrdup(step.p));
		free(step.p);
		jb = job_add(&js, xstrdup(dims.v[j]));
		jb->fn = merge_job;
		jb->arg = mg;
		jb->free_arg = tjob_free;
		jb->weight = size_of(T, dims.v[j]);
	}
	for (j = 0; j < facts.n; j++) {
		struct tjob *c = xcalloc(1, sizeof(*c));
		struct job *jb;

		c->path = xasprintf("%s/%s.csv", T, facts.v[j]);
		strv_add(&c->list, xasprintf("%s/hdr/%s.csv", D, facts.v[j]));
		for (i = 0; i < buckets.n; i++)
			strv_add(&c->list, xasprintf("%s/bucket/%s.%s.csv", D,
			    facts.v[j], buckets.v[i]));
		jb = job_add(&js, xstrdup(facts.v[j]));
		jb->fn = cat_job;
		jb->arg = c;
		jb->free_arg = tjob_free;
		jb->weight = size_of(T, facts.v[j]);
	}
	failed = run_jobs(&js);
	if (*failed != '\0') {
		remove_temps();
		sofa_errx(SOFA_EXIT_FAIL, "cannot write the tables: %s",
		    failed);
	}
	free(failed);
	jobs_clear(&js);
	free(js.v);
	{
		struct strv all = { 0 };

		for (j = 0; j < facts.n; j++)
			strv_add(&all, facts.v[j]);
		for (j = 0; j < dims.n; j++)
			strv_add(&all, dims.v[j]);
		say("tables", all.n, all.v);
		free(all.v);
	}

	/* 4. Only now are the buckets done.  Their stamps take the time of
	 * the oldest table (they were written in parallel), so that no
	 * table is older than a stamp. */
	if (stale.n > 0) {
		for (j = 0; j < facts.n + dims.n; j++) {
			path = xasprintf("%s/%s.csv", T, j < facts.n ?
			    facts.v[j] : dims.v[j - facts.n]);
			t = mtime_of(path);
			if (j == 0 || newer(&oldest, &t))
				oldest = t;
			free(path);
		}
		for (i = 0; i < stale.n; i++) {
			struct timespec ts[2] = { oldest, oldest };

			path = xasprintf("%s/bucket/%s.ok", D, stale.v[i]);
			if ((fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC,
			    0644)) < 0 || futimens(fd, ts) < 0)
				sofa_err(SOFA_EXIT_FAIL, "%s: cannot mark the "
				    "bucket done", path);
			close(fd);
			free(path);
		}
	}
	if (rm_rf(stage) < 0)
		sofa_err(SOFA_EXIT_FAIL, "%s: cannot remove", stage);
	strv_free(&ids);
	strv_free(&sb);
	strv_free(&stale);
	return SOFA_EXIT_OK;
}

int
main(int argc, char *argv[])
{
	enum { OPT_VERSION = 256 };
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 }
	};
	int c, status;

	sofa_init(argc, argv);
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (c) {
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
	sofa_af_set_fsync(false);	/* derived, rebuilt from the raw store */
	if (argc == 2 && strcmp(argv[0], "ids") == 0) {
		D = env("SOFA_D", true);
		lock_derived();
		status = cmd_ids(argv[1]);
	} else if (argc == 1 && strcmp(argv[0], "batch") == 0) {
		catch_signals();
		status = cmd_batch();
	} else {
		usage(stderr, SOFA_EXIT_USAGE);
	}
	return sofa_finish(status);
}
