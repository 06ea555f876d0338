/*
 * atomic.c - atomic file replacement and temp-file cleanup on signals.
 *
 * Pending temp files are kept in a list that the signal handler walks; the
 * list is only changed with those signals blocked, so the handler never
 * sees it half-updated, and it calls only unlink(2), which is
 * async-signal-safe.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic.h"
#include "xalloc.h"

struct sofa_af {
	FILE *fp;
	char *path;
	char *tmp;
	mode_t mode;
	struct sofa_af *next;
};

static struct sofa_af *volatile pending;
static bool do_fsync = true;
static mode_t cmask = 022;
static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };

static void
block(sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(&set, sigs[i]);
	sigprocmask(SIG_BLOCK, &set, old);
}

static void
unblock(const sigset_t *old)
{
	sigprocmask(SIG_SETMASK, old, NULL);
}

static void
link_af(struct sofa_af *af)
{
	sigset_t old;

	block(&old);
	af->next = pending;
	pending = af;
	unblock(&old);
}

static void
unlink_af(struct sofa_af *af)
{
	struct sofa_af *volatile *pp;
	sigset_t old;

	block(&old);
	for (pp = &pending; *pp != NULL; pp = &(*pp)->next)
		if (*pp == af) {
			*pp = af->next;
			break;
		}
	unblock(&old);
}

void
sofa_af_cleanup(void)
{
	for (struct sofa_af *af = pending; af != NULL; af = af->next)
		unlink(af->tmp);
}

static void
on_signal(int sig)
{
	int e = errno;

	sofa_af_cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
	errno = e;
}

void
sofa_af_handle_signals(void)
{
	struct sigaction sa, old;

	cmask = umask(022);
	umask(cmask);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		if (sigaction(sigs[i], NULL, &old) == 0 &&
		    old.sa_handler == SIG_IGN)
			continue;
		sigaction(sigs[i], &sa, NULL);
	}
}

void
sofa_af_set_fsync(bool on)
{
	do_fsync = on;
}

struct sofa_af *
sofa_af_open(const char *path, mode_t mode)
{
	struct sofa_af *af;
	char *dup, *dir, *base;
	int fd, e;

	dup = xstrdup(path);
	base = xstrdup(basename(dup));
	strcpy(dup, path);
	dir = dirname(dup);
	af = xcalloc(1, sizeof(*af));
	af->path = xstrdup(path);
	af->tmp = xasprintf("%s/.%s.tmp.XXXXXX", dir, base);
	af->mode = mode & ~cmask;
	free(dup);
	free(base);
	link_af(af);
	fd = mkstemp(af->tmp);
	if (fd < 0)
		goto fail;
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	if (fchmod(fd, af->mode) != 0 || (af->fp = fdopen(fd, "w")) == NULL) {
		e = errno;
		close(fd);
		unlink(af->tmp);
		errno = e;
		goto fail;
	}
	return af;
fail:
	e = errno;
	unlink_af(af);
	free(af->path);
	free(af->tmp);
	free(af);
	errno = e;
	return NULL;
}

FILE *
sofa_af_fp(struct sofa_af *af)
{
	return af->fp;
}

static void
release(struct sofa_af *af)
{
	unlink_af(af);
	free(af->path);
	free(af->tmp);
	free(af);
}

static void
sync_dir(const char *path)
{
	char *dup = xstrdup(path);
	int fd;

	fd = open(dirname(dup), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);	/* best effort: the rename already happened */
		close(fd);
	}
	free(dup);
}

int
sofa_af_commit(struct sofa_af *af)
{
	int e = 0;

	if (fflush(af->fp) != 0 || ferror(af->fp))
		e = errno ? errno : EIO;
	if (e == 0 && do_fsync && fsync(fileno(af->fp)) != 0)
		e = errno;
	if (fclose(af->fp) != 0 && e == 0)
		e = errno;
	if (e == 0 && rename(af->tmp, af->path) != 0)
		e = errno;
	if (e != 0) {
		unlink(af->tmp);
		release(af);
		errno = e;
		return -1;
	}
	if (do_fsync)
		sync_dir(af->path);
	release(af);
	return 0;
}

void
sofa_af_abort(struct sofa_af *af)
{
	if (af == NULL)
		return;
	fclose(af->fp);
	unlink(af->tmp);
	release(af);
}

int
sofa_af_write(const char *path, const void *buf, size_t len, mode_t mode)
{
	struct sofa_af *af = sofa_af_open(path, mode);

	if (af == NULL)
		return -1;
	if (len > 0 && fwrite(buf, 1, len, af->fp) != len) {
		int e = errno ? errno : EIO;

		sofa_af_abort(af);
		errno = e;
		return -1;
	}
	return sofa_af_commit(af);
}
