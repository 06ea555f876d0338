/*
 * timeutil.c - UTC formatting and parsing.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "num.h"
#include "timeutil.h"

time_t
sofa_now(void)
{
	const char *s = getenv("SOFA_NOW"), *e;
	long long v;

	if (s != NULL && *s != '\0') {
		v = sofa_strtonum(s, 0, 253402300799LL, &e);
		if (e == NULL)
			return (time_t)v;
	}
	return time(NULL);
}

double
sofa_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

char *
sofa_fmt_utc(time_t t, char buf[SOFA_UTC_LEN])
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, SOFA_UTC_LEN, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		strcpy(buf, "1970-01-01T00:00:00Z");
	return buf;
}

/* Read exactly n digits at *p into *v and advance. */
static bool
digits(const char **p, int n, int *v)
{
	int x = 0;

	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return false;
		x = x * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*v = x;
	return true;
}

static bool
valid_tm(const struct tm *tm)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };

	return tm->tm_mon >= 0 && tm->tm_mon < 12 && tm->tm_mday >= 1 &&
	    tm->tm_mday <= mdays[tm->tm_mon] && tm->tm_hour < 24 &&
	    tm->tm_min < 60 && tm->tm_sec <= 60;
}

bool
sofa_parse_utc(const char *s, time_t *out)
{
	struct tm tm;
	int y, mo, d, h = 0, mi = 0, se = 0;
	const char *p = s;

	memset(&tm, 0, sizeof(tm));
	if (!digits(&p, 4, &y) || *p++ != '-' || !digits(&p, 2, &mo) ||
	    *p++ != '-' || !digits(&p, 2, &d))
		return false;
	if (*p != '\0') {
		if (*p++ != 'T' || !digits(&p, 2, &h) || *p++ != ':' ||
		    !digits(&p, 2, &mi) || *p++ != ':' || !digits(&p, 2, &se))
			return false;
		if (strcmp(p, "Z") != 0 && strcmp(p, "+00:00") != 0)
			return false;
	}
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se;
	if (!valid_tm(&tm))
		return false;
	*out = timegm(&tm);
	return true;
}

char *
sofa_fmt_http_date(time_t t, char buf[SOFA_HTTPDATE_LEN])
{
	static const char *wd[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri",
	    "Sat" };
	static const char *mon[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
	    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;
	char tmp[64];

	if (gmtime_r(&t, &tm) == NULL || tm.tm_year < -1900 ||
	    tm.tm_year > 9999 - 1900)
		memset(&tm, 0, sizeof(tm));
	snprintf(tmp, sizeof(tmp), "%s, %02d %s %04d %02d:%02d:%02d GMT",
	    wd[(unsigned)tm.tm_wday % 7], tm.tm_mday,
	    mon[(unsigned)tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour,
	    tm.tm_min, tm.tm_sec);
	memcpy(buf, tmp, SOFA_HTTPDATE_LEN - 1);
	buf[SOFA_HTTPDATE_LEN - 1] = '\0';
	return buf;
}

static int
month(const char *p)
{
	static const char names[] = "JanFebMarAprMayJunJulAugSepOctNovDec";

	for (int i = 0; i < 12; i++)
		if (strncmp(p, names + 3 * i, 3) == 0)
			return i;
	return -1;
}

static bool
hms(const char **p, struct tm *tm)
{
	return digits(p, 2, &tm->tm_hour) && *(*p)++ == ':' &&
	    digits(p, 2, &tm->tm_min) && *(*p)++ == ':' &&
	    digits(p, 2, &tm->tm_sec);
}

bool
sofa_parse_http_date(const char *s, time_t *out)
{
	struct tm tm;
	const char *p, *comma;
	int y;

	memset(&tm, 0, sizeof(tm));
	while (isspace((unsigned char)*s))
		s++;
	comma = strchr(s, ',');
	if (comma != NULL && comma - s == 3) {
		/* IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT */
		p = comma + 1;
		if (*p++ != ' ' || !digits(&p, 2, &tm.tm_mday) || *p++ != ' ' ||
		    (tm.tm_mon = month(p)) < 0)
			return false;
		p += 3;
		if (*p++ != ' ' || !digits(&p, 4, &y) || *p++ != ' ' ||
		    !hms(&p, &tm) || strcmp(p, " GMT") != 0)
			return false;
	} else if (comma != NULL) {
		/* RFC 850: Sunday, 06-Nov-94 08:49:37 GMT */
		p = comma + 1;
		if (*p++ != ' ' || !digits(&p, 2, &tm.tm_mday) || *p++ != '-' ||
		    (tm.tm_mon = month(p)) < 0)
			return false;
		p += 3;
		if (*p++ != '-' || !digits(&p, 2, &y) || *p++ != ' ' ||
		    !hms(&p, &tm) || strcmp(p, " GMT") != 0)
			return false;
		y += y < 70 ? 2000 : 1900;
	} else {
		/* asctime: Sun Nov  6 08:49:37 1994 */
		p = s;
		if (strlen(p) < 24 || p[3] != ' ' ||
		    (tm.tm_mon = month(p + 4)) < 0 || p[7] != ' ')
			return false;
		p += 8;
		if (*p == ' ')
			p++;
		if (isdigit((unsigned char)p[0]) && isdigit((unsigned char)p[1])) {
			if (!digits(&p, 2, &tm.tm_mday))
				return false;
		} else if (!digits(&p, 1, &tm.tm_mday))
			return false;
		if (*p++ != ' ' || !hms(&p, &tm) || *p++ != ' ' ||
		    !digits(&p, 4, &y) || *p != '\0')
			return false;
	}
	tm.tm_year = y - 1900;
	if (!valid_tm(&tm))
		return false;
	*out = timegm(&tm);
	return true;
}
