/*
 * err.h - diagnostics and exit status, after OpenBSD err(3).
 *
 * Every message goes to stderr as "prog: what failed: why", prog being the
 * name the program was started under (set by sofa_init()).  The exit codes
 * are the same in every program (DESIGN.md, "Exit status").
 */
#ifndef SOFA_ERR_H
#define SOFA_ERR_H

#include <stdarg.h>
#include <stdnoreturn.h>

enum {
	SOFA_EXIT_OK = 0,	/* success */
	SOFA_EXIT_FAIL = 1,	/* runtime failure: I/O, network, bad input */
	SOFA_EXIT_USAGE = 2,	/* usage or configuration error */
	SOFA_EXIT_DQ = 3,	/* a FAIL-level data-quality check failed */
	SOFA_EXIT_UPSTREAM = 4,	/* upstream unavailable: blocked, breaker */
	SOFA_EXIT_LOCKED = 5	/* another run holds the lock */
};

/* The program name used as the prefix of every message; borrowed. */
extern const char *sofa_prog;

/* "prog: fmt: strerror(errno)" on stderr. */
void sofa_warn(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/* "prog: fmt" on stderr. */
void sofa_warnx(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

void sofa_vwarnx(const char *fmt, va_list ap)
    __attribute__((format(printf, 1, 0)));

/* As sofa_warn()/sofa_warnx(), then exit(code); atomic temp files are
 * removed first. */
noreturn void sofa_err(int code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
noreturn void sofa_errx(int code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
