/*
 * fuzz-time.c - libFuzzer harness: the UTC and HTTP-date parsers (Retry-After
 * and Last-Modified arrive from an untrusted server); a date that parses
 * must format and parse back to the same second.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "timeutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char s[128], buf[SOFA_HTTPDATE_LEN + SOFA_UTC_LEN];
	time_t t, u;

	if (size >= sizeof(s))
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (sofa_parse_http_date(s, &t) && t >= 0 && t < 253402300800LL) {
		sofa_fmt_http_date(t, buf);
		if (!sofa_parse_http_date(buf, &u) || u != t)
			abort();
	}
	if (sofa_parse_utc(s, &t) && t >= 0 && t < 253402300800LL) {
		sofa_fmt_utc(t, buf);
		if (!sofa_parse_utc(buf, &u) || u != t)
			abort();
	}
	return 0;
}
