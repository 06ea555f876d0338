/*
 * num.h - bounded number parsing and locale-free formatting.
 *
 * No atoi, no strtol without checks: every number that comes from a user,
 * a file or the network is parsed here, whole string or nothing, within
 * explicit bounds.  Output never depends on the locale (sofa never calls
 * setlocale, so the C locale's "." is the decimal point).
 */
#ifndef SOFA_NUM_H
#define SOFA_NUM_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Parse the decimal integer s (optional sign, digits, nothing else) within
 * [min, max].  On success returns the value and sets *errstr to NULL; on
 * failure returns 0 and sets *errstr to "invalid", "too small" or "too
 * large" (static strings), as OpenBSD strtonum(3).
 */
long long sofa_strtonum(const char *s, long long min, long long max,
    const char **errstr);

/* As sofa_strtonum() over the len bytes at s (not NUL-terminated). */
long long sofa_strntonum(const char *s, size_t len, long long min,
    long long max, const char **errstr);

/*
 * Parse a finite decimal floating-point number (the whole string) into
 * *out.  Returns false on junk, overflow, inf or nan.
 */
bool sofa_strtod(const char *s, double *out);

/*
 * Parse a boolean word: true/false, yes/no, on/off, 1/0 (case-insensitive).
 */
bool sofa_strtobool(const char *s, bool *out);

/*
 * Format v in the shortest form that reads back to the same double
 * ("7.3", not "7.2999999999999998"); integral values have no fraction.
 * buf needs SOFA_DBL_LEN bytes; returns the length written.
 */
#define SOFA_DBL_LEN 32
size_t sofa_fmt_double(char *buf, double v);

/* Format an integer; buf needs SOFA_INT_LEN bytes; returns the length. */
#define SOFA_INT_LEN 24
size_t sofa_fmt_int(char *buf, long long v);

#endif
