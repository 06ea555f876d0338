/*
 * test-atomic.c - atomic replacement (common/atomic.c): the target is the
 * old file or the new one, never a part, and no temp file is left behind
 * on commit, abort, write failure or a signal.
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "atomic.h"
#include "io.h"

static char dir[64];

static int
setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/sofa-test-af.XXXXXX");
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

static int
entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static char *
slurp(const char *path)
{
	char *buf;
	size_t len;

	if (sofa_readfile(path, 1 << 20, &buf, &len) != 0)
		return NULL;
	return buf;
}

static void
commit_replaces(void **state)
{
	char path[128], *s;
	struct sofa_af *af;
	struct stat st;

	(void)state;
	snprintf(path, sizeof(path), "%s/t.json", dir);
	assert_int_equal(sofa_af_write(path, "old", 3, 0644), 0);
	af = sofa_af_open(path, 0644);
	assert_non_null(af);
	fputs("new", sofa_af_fp(af));
	assert_string_equal(s = slurp(path), "old");	/* not yet */
	free(s);
	assert_int_equal(entries(), 2);			/* target + temp */
	assert_int_equal(sofa_af_commit(af), 0);
	assert_string_equal(s = slurp(path), "new");
	free(s);
	assert_int_equal(entries(), 1);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644 & ~022);
}

static void
abort_keeps_old(void **state)
{
	char path[128], *s;
	struct sofa_af *af;

	(void)state;
	snprintf(path, sizeof(path), "%s/t.json", dir);
	assert_int_equal(sofa_af_write(path, "old", 3, 0600), 0);
	af = sofa_af_open(path, 0644);
	fputs("partial", sofa_af_fp(af));
	sofa_af_abort(af);
	assert_string_equal(s = slurp(path), "old");
	free(s);
	assert_int_equal(entries(), 1);
}

static void
failed_rename_cleans_up(void **state)
{
	char path[128];
	struct sofa_af *af;

	(void)state;
	snprintf(path, sizeof(path), "%s/isdir", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	af = sofa_af_open(path, 0644);
	fputs("x", sofa_af_fp(af));
	assert_int_equal(sofa_af_commit(af), -1);
	assert_int_equal(errno, EISDIR);
	assert_int_equal(entries(), 1);
	snprintf(path, sizeof(path), "%s/no/such/dir/f", dir);
	assert_null(sofa_af_open(path, 0644));
	assert_int_equal(errno, ENOENT);
}

static void
write_error_keeps_old(void **state)
{
	char path[128], *s;
	struct rlimit rl, old;
	int e;
	char big[8192];

	(void)state;
	snprintf(path, sizeof(path), "%s/t.json", dir);
	assert_int_equal(sofa_af_write(path, "old", 3, 0644), 0);
	memset(big, 'x', sizeof(big));
	signal(SIGXFSZ, SIG_IGN);
	getrlimit(RLIMIT_FSIZE, &old);
	rl = old;
	rl.rlim_cur = 4096;	/* soft limit only: it can be raised again */
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &rl), 0);
	assert_int_equal(sofa_af_write(path, big, sizeof(big), 0644), -1);
	e = errno;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, SIG_DFL);
	assert_int_equal(e, EFBIG);
	assert_string_equal(s = slurp(path), "old");
	free(s);
	assert_int_equal(entries(), 1);
}

static void
signal_removes_temp(void **state)
{
	char path[128], *s;
	pid_t pid;
	int st;

	(void)state;
	snprintf(path, sizeof(path), "%s/t.json", dir);
	assert_int_equal(sofa_af_write(path, "old", 3, 0644), 0);
	pid = fork();
	if (pid == 0) {
		struct sofa_af *af;

		sofa_af_handle_signals();
		af = sofa_af_open(path, 0644);
		fputs("half", sofa_af_fp(af));
		fflush(sofa_af_fp(af));
		raise(SIGTERM);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), SIGTERM);
	assert_string_equal(s = slurp(path), "old");
	free(s);
	assert_int_equal(entries(), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(commit_replaces, setup, teardown),
		cmocka_unit_test_setup_teardown(abort_keeps_old, setup, teardown),
		cmocka_unit_test_setup_teardown(failed_rename_cleans_up, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(write_error_keeps_old, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(signal_removes_temp, setup,
		    teardown),
	};

	umask(022);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
