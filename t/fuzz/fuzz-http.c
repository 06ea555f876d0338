/*
 * fuzz-http.c - libFuzzer harness: the response header handling of
 * common/http.c over an arbitrary header block.  The input is cut into
 * lines at "\n" (kept, as libcurl hands them over); each line goes through
 * sofa_http_header_value() for the five headers the engine keeps (ETag,
 * Last-Modified, Content-Type, Date, Retry-After; a later one replaces an
 * earlier, as on_header() does).  Then, as deliver() and retry_later() do:
 * Date and Last-Modified through sofa_parse_http_date(), Retry-After
 * through sofa_http_retry_after() relative to that Date (both forms:
 * delta-seconds, HTTP date), and every line as an API path through
 * sofa_http_path_ok().  Invariants: a kept value has no blank at either
 * end and no control byte (so a stored ETag can never split the
 * If-None-Match header it is sent back in); a Retry-After delay is finite,
 * never negative, at most 10^9 s as delta-seconds; a path accepted has no
 * "." or ".." segment, no empty segment and only [A-Za-z0-9._~/-].
 */
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "timeutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const names[] = { "ETag", "Last-Modified",
    "Content-Type", "Date", "Retry-After" };
enum { H_ETAG, H_LM, H_CTYPE, H_DATE, H_RETRY, H_N };

static void
check_value(const char *v)
{
	size_t n = strlen(v);

	if (n > 0 && (v[0] == ' ' || v[0] == '\t' || v[n - 1] == ' ' ||
	    v[n - 1] == '\t'))
		abort();
	for (const char *p = v; *p != '\0'; p++)
		if (iscntrl((unsigned char)*p) && *p != '\t')
			abort();
}

static void
check_path(const char *line, size_t n)
{
	char *p;
	const char *why = NULL;

	if (memchr(line, '\0', n) != NULL)
		return;
	p = strndup(line, n);
	if (p == NULL)
		abort();
	if (sofa_http_path_ok(p, &why)) {
		const char *s;

		if (p[0] == '/' || strstr(p, "//") != NULL ||
		    strcmp(p, ".") == 0 || strcmp(p, "..") == 0 ||
		    strncmp(p, "./", 2) == 0 || strncmp(p, "../", 3) == 0)
			abort();
		for (s = p; *s != '\0'; s++)
			if (!isalnum((unsigned char)*s) &&
			    strchr("-._~/", *s) == NULL)
				abort();
		for (s = p; (s = strstr(s, "/.")) != NULL; s++)
			if (s[2] == '\0' || s[2] == '/' ||
			    (s[2] == '.' && (s[3] == '\0' || s[3] == '/')))
				abort();
	} else if (why == NULL)
		abort();
	free(p);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data, *end = s + size;
	char *v[H_N] = { NULL };
	time_t date = 0, lm, now = 1723834800;	/* 2024-08-16T19:00:00Z */
	double secs;

	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n = nl != NULL ? (size_t)(nl - s) + 1 : (size_t)(end - s);

		for (int i = 0; i < H_N; i++) {
			char *x = sofa_http_header_value(s, n, names[i]);

			if (x != NULL) {
				check_value(x);
				free(v[i]);
				v[i] = x;
			}
		}
		check_path(s, nl != NULL ? n - 1 : n);
		s += n;
	}
	if (v[H_DATE] != NULL && !sofa_parse_http_date(v[H_DATE], &date))
		date = 0;
	if (v[H_LM] != NULL)
		(void)sofa_parse_http_date(v[H_LM], &lm);
	if (sofa_http_retry_after(v[H_RETRY], date, now, &secs)) {
		if (!isfinite(secs) || secs < 0)
			abort();
		if (isdigit((unsigned char)v[H_RETRY][0]) && secs > 1e9)
			abort();
	}
	for (int i = 0; i < H_N; i++)
		free(v[i]);
	return 0;
}
