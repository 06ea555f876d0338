/*
 * err.c - diagnostics on stderr, prefixed with the program's name.
 *
 * Each message is formatted into one buffer and written with one fputs on
 * an unbuffered stderr, so that lines from parallel processes (make -j,
 * xargs -P) do not interleave mid-line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic.h"
#include "err.h"

const char *sofa_prog = "sofa";

static void vmsg(int errnum, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

static void
vmsg(int errnum, const char *fmt, va_list ap)
{
	char buf[2048];
	int n;

	n = snprintf(buf, sizeof(buf), "%s: ", sofa_prog);
	if (n < 0 || (size_t)n >= sizeof(buf))
		n = 0;
	if (vsnprintf(buf + n, sizeof(buf) - n, fmt, ap) < 0)
		buf[n] = '\0';
	n = strlen(buf);
	if (errnum != 0 && (size_t)n < sizeof(buf))
		snprintf(buf + n, sizeof(buf) - n, ": %s", strerror(errnum));
	n = strlen(buf);
	if ((size_t)n + 1 >= sizeof(buf))
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	buf[n] = '\0';
	fputs(buf, stderr);
}

void
sofa_vwarnx(const char *fmt, va_list ap)
{
	vmsg(0, fmt, ap);
}

void
sofa_warn(const char *fmt, ...)
{
	va_list ap;
	int e = errno;

	va_start(ap, fmt);
	vmsg(e, fmt, ap);
	va_end(ap);
}

void
sofa_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(0, fmt, ap);
	va_end(ap);
}

void
sofa_err(int code, const char *fmt, ...)
{
	va_list ap;
	int e = errno;

	va_start(ap, fmt);
	vmsg(e, fmt, ap);
	va_end(ap);
	sofa_af_cleanup();
	exit(code);
}

void
sofa_errx(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(0, fmt, ap);
	va_end(ap);
	sofa_af_cleanup();
	exit(code);
}
