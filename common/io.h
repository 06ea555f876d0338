/*
 * io.h - start-up, the checked end of stdout, a capped line reader and
 * whole-file reads.
 */
#ifndef SOFA_IO_H
#define SOFA_IO_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

/* Bytes of zero padding after every buffer handed out below (JSON parsers
 * may read a little past the end when parsing in place). */
#define SOFA_PAD 16

/* Default cap of one input line (NDJSON, ids, CSV record): 1 MiB. */
#define SOFA_MAX_LINE (1024 * 1024)

/*
 * Call first in main: takes the program name from argv[0], puts SIGPIPE
 * back to its default (a reader that goes away ends us quietly), removes
 * atomic temp files on SIGINT/SIGTERM/SIGHUP, and gives stdout a large
 * buffer unless it is a terminal.
 */
void sofa_init(int argc, char *argv[]);

/*
 * Call last: flushes and closes stdout and checks that every byte was
 * written.  Returns status, or prints "write error" and returns
 * SOFA_EXIT_FAIL when stdout failed (a full disk, >/dev/full).
 */
int sofa_finish(int status);

/* Dies with "write error" (exit 1) if stdout has already failed; cheap,
 * for long loops that should stop early. */
void sofa_check_stdout(void);

/*
 * The line reader: whole lines of at most maxlen bytes from fp.  "\n" and
 * "\r\n" ends are removed, a UTF-8 byte-order mark at the start of the
 * stream is dropped, a last line without "\n" is still a line.  A longer
 * line is skipped to its end and reported as SOFA_LR_TOOLONG, so the caller
 * can name file:line and go on.
 */
struct sofa_lr;

enum {
	SOFA_LR_EOF = 0,
	SOFA_LR_LINE = 1,
	SOFA_LR_ERROR = -1,	/* read error, errno set */
	SOFA_LR_TOOLONG = -2	/* line longer than maxlen, skipped */
};

/* New reader over fp (not closed by sofa_lr_free); name is copied and is
 * what messages say ("-" reads as "<stdin>").  Caller frees. */
struct sofa_lr *sofa_lr_new(FILE *fp, const char *name, size_t maxlen);
void sofa_lr_free(struct sofa_lr *lr);

/*
 * Next line into *line (NUL-terminated, len bytes, may hold NULs; borrowed
 * and writable until the next call, followed by SOFA_PAD zero bytes).
 */
int sofa_lr_next(struct sofa_lr *lr, char **line, size_t *len);

/* Number of the line last returned (1-based), and the reader's name. */
unsigned long sofa_lr_lineno(const struct sofa_lr *lr);
const char *sofa_lr_name(const struct sofa_lr *lr);

/* True when the last line returned had no final newline. */
bool sofa_lr_noeol(const struct sofa_lr *lr);

/*
 * Read the whole file path (at most max bytes) into a new buffer (caller
 * frees) followed by SOFA_PAD zero bytes.  Returns 0, or an errno value:
 * ENOENT when it does not exist, EFBIG when it is larger than max.
 */
int sofa_readfile(const char *path, size_t max, char **buf, size_t *len);

/* mkdir -p: create dir and its parents with mode; 0 or -1 with errno. */
int sofa_mkdirs(const char *dir, mode_t mode);

#endif
