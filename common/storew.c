/*
 * storew.c - the raw store's writes (store.h): the .meta sidecar saved,
 * bodies hashed (SHA-256, libcrypto) and written atomically, staged writes,
 * quarantine.
 *
 * Directories are made only when a write finds them missing, and then from
 * the deepest one that exists: a store of a million files must not cost a
 * mkdir per path component per file.
 */
#define _GNU_SOURCE		/* syncfs(2) */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "atomic.h"
#include "err.h"
#include "io.h"
#include "store.h"
#include "timeutil.h"
#include "xalloc.h"

/* mkdir -p dir, from the deepest directory that exists; 0 or -1. */
static int
mkdirs(char *dir)
{
	char *slash;
	int r;

	if (mkdir(dir, 0755) == 0 || errno == EEXIST)
		return 0;
	if (errno != ENOENT || (slash = strrchr(dir, '/')) == NULL ||
	    slash == dir)
		return -1;
	*slash = '\0';
	r = mkdirs(dir);
	*slash = '/';
	if (r != 0)
		return -1;
	return mkdir(dir, 0755) == 0 || errno == EEXIST ? 0 : -1;
}

/* Make the directory of file; 0 or -1 with errno. */
static int
mkparent(const char *file)
{
	char *dir = xstrdup(file), *slash = strrchr(dir, '/');
	int r = 0, e;

	if (slash != NULL && slash != dir) {
		*slash = '\0';
		r = mkdirs(dir);
	}
	e = errno;
	free(dir);
	errno = e;
	return r;
}

/* sofa_af_open(), making the directory when it is missing. */
static struct sofa_af *
af_open(const char *file)
{
	struct sofa_af *af = sofa_af_open(file, 0644);

	if (af == NULL && errno == ENOENT && mkparent(file) == 0)
		af = sofa_af_open(file, 0644);
	return af;
}

static int
af_write(const char *file, const void *buf, size_t len)
{
	struct sofa_af *af = af_open(file);

	if (af == NULL)
		return -1;
	if (len > 0 && fwrite(buf, 1, len, sofa_af_fp(af)) != len) {
		int e = errno ? errno : EIO;

		sofa_af_abort(af);
		errno = e;
		return -1;
	}
	return sofa_af_commit(af);
}

int
sofa_meta_save(const char *raw_base, const struct sofa_meta *m)
{
	char *file = sofa_store_file(raw_base, m->path, ".meta");
	struct sofa_af *af;
	int r = -1, e;

	if ((af = af_open(file)) != NULL) {
		sofa_meta_print(sofa_af_fp(af), m);
		r = sofa_af_commit(af);
	}
	e = errno;
	free(file);
	errno = e;
	return r;
}

void
sofa_sha256_hex(const void *buf, size_t len, char out[SOFA_SHA256_HEX])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (EVP_Digest(buf, len, md, &n, EVP_sha256(), NULL) != 1 || n != 32)
		sofa_errx(SOFA_EXIT_FAIL, "libcrypto: SHA-256 failed");
	for (unsigned int i = 0; i < n; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[2 * n] = '\0';
}

bool
sofa_meta_matches(const struct sofa_meta *m, const char *body_file)
{
	char sha[SOFA_SHA256_HEX], *buf;
	size_t len;
	bool same;

	if (m->bytes < 0 || m->sha256[0] == '\0')
		return false;
	if (sofa_readfile(body_file, (size_t)m->bytes + 1, &buf, &len) != 0)
		return false;
	same = (long long)len == m->bytes;
	if (same) {
		sofa_sha256_hex(buf, len, sha);
		same = strcmp(sha, m->sha256) == 0;
	}
	free(buf);
	return same;
}

int
sofa_store_put(const char *raw_base, const char *path, const void *body,
    size_t len)
{
	char *file = sofa_store_file(raw_base, path, ".json");
	int r, e;

	r = af_write(file, body, len);
	e = errno;
	free(file);
	errno = e;
	return r;
}

/* Stage and commit at once: an atomic write that any thread may do. */
static int
stage_write(const char *file, const void *buf, size_t len)
{
	struct sofa_stage *st = sofa_stage_new(file, buf, len);

	return st != NULL ? sofa_stage_commit(st) : -1;
}

char *
sofa_store_quarantine(const char *qdir, const char *path, const void *body,
    size_t len, const struct sofa_meta *m, time_t now)
{
	char stamp[SOFA_UTC_LEN + 8], utc[SOFA_UTC_LEN], *base, *file, *mfile;
	char *text = NULL;
	size_t tlen = 0;
	struct sofa_meta copy;
	FILE *fp;
	int e;

	sofa_fmt_utc(now, utc);
	/* "2024-08-16T19:00:00Z" -> "20240816T190000Z" */
	snprintf(stamp, sizeof(stamp), "%.4s%.2s%.2sT%.2s%.2s%.2sZ", utc,
	    utc + 5, utc + 8, utc + 11, utc + 14, utc + 17);
	base = xasprintf("%s/%s.%s", qdir, path, stamp);
	file = xasprintf("%s.body", base);
	for (int n = 2; access(file, F_OK) == 0 && n < 1000; n++) {
		free(base);
		free(file);
		base = xasprintf("%s/%s.%s-%d", qdir, path, stamp, n);
		file = xasprintf("%s.body", base);
	}
	mfile = xasprintf("%s.meta", base);
	free(base);
	copy = *m;
	copy.bytes = (long long)len;
	sofa_sha256_hex(body, len, copy.sha256);
	copy.stored = now;
	if ((fp = open_memstream(&text, &tlen)) == NULL)
		sofa_errx(SOFA_EXIT_FAIL, "out of memory");
	sofa_meta_print(fp, &copy);
	fclose(fp);
	if (stage_write(file, body, len) != 0 ||
	    stage_write(mfile, text, tlen) != 0) {
		e = errno;
		free(file);
		free(mfile);
		free(text);
		errno = e;
		return NULL;
	}
	free(mfile);
	free(text);
	return file;
}

struct sofa_stage {
	char *path, *tmp;
};

/*
 * A new temp file beside st->path, ".NAME.tmp.PID-N": created exclusively
 * with its final mode (less the umask) and close-on-exec in one open(2),
 * where mkstemp() would need two more calls; N makes it unique in the
 * process, O_EXCL against anything else.
 */
static int
stage_open(struct sofa_stage *st)
{
	static _Atomic unsigned long serial;
	static _Atomic long pid;	/* a system call less per file; a
					 * forked child's stale copy is
					 * only a name, O_EXCL decides */
	char *slash = strrchr(st->path, '/');
	int fd, tries = 0;

	if (pid == 0)
		pid = (long)getpid();
	do {
		unsigned long n = serial++;

		free(st->tmp);
		if (slash == NULL)
			st->tmp = xasprintf(".%s.tmp.%ld-%lu", st->path,
			    (long)pid, n);
		else
			st->tmp = xasprintf("%.*s/.%s.tmp.%ld-%lu",
			    (int)(slash - st->path), st->path, slash + 1,
			    (long)pid, n);
		fd = open(st->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
		    0644);
	} while (fd < 0 && errno == EEXIST && ++tries < 100);
	return fd;
}

struct sofa_stage *
sofa_stage_new(const char *path, const void *buf, size_t len)
{
	struct sofa_stage *st = xcalloc(1, sizeof(*st));
	const char *p = buf;
	int fd, e;

	st->path = xstrdup(path);
	fd = stage_open(st);
	if (fd < 0 && errno == ENOENT && mkparent(path) == 0)
		fd = stage_open(st);
	if (fd < 0)
		goto fail;
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			e = errno;
			close(fd);
			errno = e;
			goto fail_unlink;
		}
		p += n;
		len -= (size_t)n;
	}
	if (close(fd) != 0)
		goto fail_unlink;
	return st;
fail_unlink:
	e = errno;
	unlink(st->tmp);
	errno = e;
fail:
	e = errno;
	free(st->path);
	free(st->tmp);
	free(st);
	errno = e;
	return NULL;
}

int
sofa_stage_commit(struct sofa_stage *st)
{
	int r = rename(st->tmp, st->path), e = errno;

	if (r != 0)
		unlink(st->tmp);
	free(st->path);
	free(st->tmp);
	free(st);
	errno = e;
	return r;
}

void
sofa_stage_abort(struct sofa_stage *st)
{
	if (st == NULL)
		return;
	unlink(st->tmp);
	free(st->path);
	free(st->tmp);
	free(st);
}

int
sofa_store_sync(const char *dir)
{
#ifdef __linux__
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), r, e;

	if (fd < 0)
		return -1;
	r = syncfs(fd);
	e = errno;
	close(fd);
	errno = e;
	return r;
#else
	(void)dir;
	sync();
	return 0;
#endif
}
