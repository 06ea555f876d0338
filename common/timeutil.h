/*
 * timeutil.h - time in UTC, never in the local zone.
 *
 * Tables carry UTC ISO 8601 times ("2024-08-16T19:00:00Z"); HTTP carries
 * IMF-fixdate.  Nothing here reads TZ or the locale.
 */
#ifndef SOFA_TIMEUTIL_H
#define SOFA_TIMEUTIL_H

#include <stdbool.h>
#include <time.h>

#define SOFA_UTC_LEN 21		/* "2024-08-16T19:00:00Z" and NUL */
#define SOFA_HTTPDATE_LEN 30	/* "Sun, 06 Nov 1994 08:49:37 GMT" and NUL */

/*
 * The current time in seconds since the epoch.  The environment variable
 * SOFA_NOW (an integer) replaces the clock, for tests and reproducible
 * runs; it moves nothing else (timeouts use sofa_mono()).
 */
time_t sofa_now(void);

/* Seconds from an arbitrary origin, monotonic, with fractions. */
double sofa_mono(void);

/* Write t as "YYYY-MM-DDTHH:MM:SSZ" into buf; returns buf. */
char *sofa_fmt_utc(time_t t, char buf[SOFA_UTC_LEN]);

/*
 * Parse "YYYY-MM-DDTHH:MM:SSZ" (also "+00:00" for "Z", and a bare date as
 * midnight) into *out.  Returns false when s is anything else.
 */
bool sofa_parse_utc(const char *s, time_t *out);

/* Write t as an HTTP IMF-fixdate into buf; returns buf. */
char *sofa_fmt_http_date(time_t t, char buf[SOFA_HTTPDATE_LEN]);

/*
 * Parse an HTTP date (IMF-fixdate, RFC 850 or asctime form, RFC 9110
 * 5.6.7) into *out.  Returns false when s is none of them.
 */
bool sofa_parse_http_date(const char *s, time_t *out);

#endif
