/*
 * num.c - bounded number parsing and shortest round-trip formatting.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "num.h"

long long
sofa_strntonum(const char *s, size_t len, long long min, long long max,
    const char **errstr)
{
	unsigned long long acc = 0, lim;
	bool neg = false;
	size_t i = 0;

	*errstr = "invalid";
	if (len == 0)
		return 0;
	if (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-';
		i = 1;
	}
	if (i == len)
		return 0;
	lim = neg ? (unsigned long long)LLONG_MAX + 1 : LLONG_MAX;
	for (; i < len; i++) {
		unsigned d;

		if (s[i] < '0' || s[i] > '9')
			return 0;
		d = (unsigned)(s[i] - '0');
		if (acc > (lim - d) / 10) {
			*errstr = neg ? "too small" : "too large";
			return 0;
		}
		acc = acc * 10 + d;
	}
	if (neg) {
		long long v = acc == (unsigned long long)LLONG_MAX + 1 ?
		    LLONG_MIN : -(long long)acc;
		if (v < min) {
			*errstr = "too small";
			return 0;
		}
		if (v > max) {
			*errstr = "too large";
			return 0;
		}
		*errstr = NULL;
		return v;
	}
	if ((long long)acc > max) {
		*errstr = "too large";
		return 0;
	}
	if ((long long)acc < min) {
		*errstr = "too small";
		return 0;
	}
	*errstr = NULL;
	return (long long)acc;
}

long long
sofa_strtonum(const char *s, long long min, long long max,
    const char **errstr)
{
	return sofa_strntonum(s, strlen(s), min, max, errstr);
}

bool
sofa_strtod(const char *s, double *out)
{
	char *end;
	double v;

	/* strtod accepts leading space, hex, inf and nan: refuse them. */
	if (*s == '\0' || isspace((unsigned char)*s))
		return false;
	for (const char *p = s; *p; p++)
		if (!(isdigit((unsigned char)*p) || *p == '.' || *p == '-' ||
		    *p == '+' || *p == 'e' || *p == 'E'))
			return false;
	errno = 0;
	v = strtod(s, &end);
	if (*end != '\0' || end == s || errno == ERANGE || !isfinite(v))
		return false;
	*out = v;
	return true;
}

bool
sofa_strtobool(const char *s, bool *out)
{
	static const char *yes[] = { "true", "yes", "on", "1" };
	static const char *no[] = { "false", "no", "off", "0" };

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = true;
			return true;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = false;
			return true;
		}
	}
	return false;
}

size_t
sofa_fmt_double(char *buf, double v)
{
	int n = 0;

	if (!isfinite(v))
		return (size_t)snprintf(buf, SOFA_DBL_LEN, "%s",
		    isnan(v) ? "nan" : v < 0 ? "-inf" : "inf");
	if (v == 0)
		v = 0;	/* no "-0" */
	if (v == trunc(v) && fabs(v) < 1e15)
		return (size_t)snprintf(buf, SOFA_DBL_LEN, "%.0f", v);
	for (int prec = 15; prec <= 17; prec++) {
		n = snprintf(buf, SOFA_DBL_LEN, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	return (size_t)n;
}

size_t
sofa_fmt_int(char *buf, long long v)
{
	char tmp[SOFA_INT_LEN];
	unsigned long long u;
	size_t n = 0, len = 0;

	u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	do {
		tmp[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		buf[len++] = '-';
	while (n > 0)
		buf[len++] = tmp[--n];
	buf[len] = '\0';
	return len;
}
