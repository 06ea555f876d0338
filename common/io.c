/*
 * io.c - start-up, checked stdout, the capped line reader, file reads.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic.h"
#include "err.h"
#include "io.h"
#include "xalloc.h"

void
sofa_init(int argc, char *argv[])
{
	static char outbuf[1 << 16];
	const char *p;

	if (argc > 0 && argv[0] != NULL && *argv[0] != '\0') {
		p = strrchr(argv[0], '/');
		sofa_prog = p != NULL ? p + 1 : argv[0];
	}
	signal(SIGPIPE, SIG_DFL);
	sofa_af_handle_signals();
	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
}

int
sofa_finish(int status)
{
	int bad;

	bad = fflush(stdout) != 0 || ferror(stdout);
	if (fclose(stdout) != 0)
		bad = 1;
	if (bad) {
		if (errno != 0)
			sofa_warn("write error");
		else
			sofa_warnx("write error");
		return SOFA_EXIT_FAIL;
	}
	return status;
}

void
sofa_check_stdout(void)
{
	if (ferror(stdout))
		sofa_errx(SOFA_EXIT_FAIL, "write error");
}

struct sofa_lr {
	FILE *fp;
	char *name;
	size_t max;
	char *buf;		/* the current line, SOFA_PAD padded */
	size_t cap;
	char chunk[1 << 16];	/* read-ahead */
	size_t cpos, clen;
	unsigned long lineno;
	bool eof, noeol, first;
};

struct sofa_lr *
sofa_lr_new(FILE *fp, const char *name, size_t maxlen)
{
	struct sofa_lr *lr = xcalloc(1, sizeof(*lr));

	lr->fp = fp;
	lr->name = xstrdup(name == NULL || strcmp(name, "-") == 0 ?
	    "<stdin>" : name);
	lr->max = maxlen ? maxlen : SOFA_MAX_LINE;
	lr->first = true;
	lr->cap = 256;
	lr->buf = xmalloc(lr->cap + SOFA_PAD);
	return lr;
}

void
sofa_lr_free(struct sofa_lr *lr)
{
	if (lr == NULL)
		return;
	free(lr->name);
	free(lr->buf);
	free(lr);
}

/* Refill the chunk; false at end of file or on error (errno set). */
static bool
refill(struct sofa_lr *lr)
{
	size_t n;

	if (lr->eof) {
		errno = 0;	/* not an error, whatever errno held */
		return false;
	}
	n = fread(lr->chunk, 1, sizeof(lr->chunk), lr->fp);
	lr->cpos = 0;
	lr->clen = n;
	if (n == 0) {
		lr->eof = true;
		if (ferror(lr->fp)) {
			if (errno == 0)
				errno = EIO;
			return false;
		}
		errno = 0;
		return false;
	}
	return true;
}

int
sofa_lr_next(struct sofa_lr *lr, char **line, size_t *len)
{
	size_t n = 0;
	bool toolong = false, got = false;

	for (;;) {
		char *nl;
		size_t take;

		if (lr->cpos == lr->clen && !refill(lr)) {
			if (errno != 0)
				return SOFA_LR_ERROR;
			if (!got)
				return SOFA_LR_EOF;
			lr->noeol = true;
			break;
		}
		got = true;
		nl = memchr(lr->chunk + lr->cpos, '\n', lr->clen - lr->cpos);
		take = nl != NULL ? (size_t)(nl - (lr->chunk + lr->cpos)) :
		    lr->clen - lr->cpos;
		if (!toolong && n + take > lr->max)
			toolong = true;
		if (!toolong) {
			xgrow((void **)&lr->buf, &lr->cap, n + take + 1 + SOFA_PAD,
			    1);
			memcpy(lr->buf + n, lr->chunk + lr->cpos, take);
			n += take;
		}
		lr->cpos += take;
		if (nl != NULL) {
			lr->cpos++;
			lr->noeol = false;
			break;
		}
	}
	lr->lineno++;
	if (toolong)
		return SOFA_LR_TOOLONG;
	if (n > 0 && lr->buf[n - 1] == '\r')
		n--;
	if (lr->first) {
		lr->first = false;
		if (n >= 3 && memcmp(lr->buf, "\xEF\xBB\xBF", 3) == 0) {
			memmove(lr->buf, lr->buf + 3, n - 3);
			n -= 3;
		}
	}
	memset(lr->buf + n, 0, SOFA_PAD + 1);
	*line = lr->buf;
	*len = n;
	return SOFA_LR_LINE;
}

unsigned long
sofa_lr_lineno(const struct sofa_lr *lr)
{
	return lr->lineno;
}

const char *
sofa_lr_name(const struct sofa_lr *lr)
{
	return lr->name;
}

bool
sofa_lr_noeol(const struct sofa_lr *lr)
{
	return lr->noeol;
}

int
sofa_readfile(const char *path, size_t max, char **bufp, size_t *lenp)
{
	struct stat st;
	char *buf = NULL;
	size_t cap, len = 0;
	int fd, e;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	if (fstat(fd, &st) != 0) {
		e = errno;
		goto fail;
	}
	if (S_ISDIR(st.st_mode)) {
		e = EISDIR;
		goto fail;
	}
	if (S_ISREG(st.st_mode) && (size_t)st.st_size > max) {
		e = EFBIG;
		goto fail;
	}
	cap = S_ISREG(st.st_mode) ? (size_t)st.st_size + 1 : 65536;
	buf = xmalloc(cap + SOFA_PAD);
	for (;;) {
		ssize_t r;

		if (len == cap) {
			if (cap > max) {
				e = EFBIG;
				goto fail;
			}
			cap *= 2;
			buf = xreallocarray(buf, cap + SOFA_PAD, 1);
		}
		r = read(fd, buf + len, cap - len);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			e = errno;
			goto fail;
		}
		if (r == 0)
			break;
		len += (size_t)r;
		if (len > max) {
			e = EFBIG;
			goto fail;
		}
	}
	close(fd);
	memset(buf + len, 0, SOFA_PAD);
	*bufp = buf;
	*lenp = len;
	return 0;
fail:
	free(buf);
	close(fd);
	return e;
}

int
sofa_mkdirs(const char *dir, mode_t mode)
{
	char path[PATH_MAX];
	size_t len = strlen(dir);
	struct stat st;

	if (len == 0 || len >= sizeof(path)) {
		errno = len ? ENAMETOOLONG : ENOENT;
		return -1;
	}
	memcpy(path, dir, len + 1);
	for (char *p = path + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;
		*p = '\0';
		if (mkdir(path, mode) != 0) {
			if (errno != EEXIST)
				return -1;
			if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
				errno = ENOTDIR;
				return -1;
			}
		}
		*p = c;
		if (c == '\0')
			break;
	}
	return 0;
}
