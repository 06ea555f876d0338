/*
 * atomic.h - replace a file atomically, after git's lock files and
 * moreutils' sponge.
 *
 * The new content goes to a temp file in the same directory (unpredictable
 * name, created exclusively), which is flushed, fsynced, closed and renamed
 * over the target, and then the directory is fsynced.  A reader sees the old
 * file or the new one, never a part; kill -9 at any moment leaves at worst a
 * stray temp file named ".NAME.tmp.XXXXXX" and never a truncated NAME.  On
 * any error, and on SIGINT, SIGTERM or SIGHUP, the temp file is removed.
 */
#ifndef SOFA_ATOMIC_H
#define SOFA_ATOMIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

struct sofa_af;

/*
 * Start replacing path: the new file will have mode (less the umask).
 * Returns a handle (freed by commit or abort), or NULL with errno set.
 */
struct sofa_af *sofa_af_open(const char *path, mode_t mode);

/* The stream to write the new content to; borrowed until commit/abort. */
FILE *sofa_af_fp(struct sofa_af *af);

/*
 * Finish: flush, check for write errors, fsync, rename over the target,
 * fsync the directory.  Returns 0, or -1 with errno set, in which case the
 * temp file is gone and the target untouched.  Frees af either way.
 */
int sofa_af_commit(struct sofa_af *af);

/* Give up: remove the temp file, leave the target alone, free af. */
void sofa_af_abort(struct sofa_af *af);

/* The whole of buf as the new content of path (open, write, commit). */
int sofa_af_write(const char *path, const void *buf, size_t len, mode_t mode);

/* Whether commits fsync (default true); off only for throwaway stores. */
void sofa_af_set_fsync(bool on);

/*
 * Install the SIGINT/SIGTERM/SIGHUP handler that removes pending temp
 * files and then dies of the same signal (signals the parent ignored stay
 * ignored).  sofa_init() calls it.
 */
void sofa_af_handle_signals(void);

/* Remove every pending temp file now (before exit on a fatal error). */
void sofa_af_cleanup(void);

#endif
