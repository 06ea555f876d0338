/*
 * test-num.c - bounded parsing and locale-free formatting (common/num.c,
 * common/timeutil.c).
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "num.h"
#include "timeutil.h"

static void
strtonum_bounds(void **state)
{
	const char *e;

	(void)state;
	assert_int_equal(sofa_strtonum("42", 0, 100, &e), 42);
	assert_null(e);
	assert_int_equal(sofa_strtonum("-5", -10, 10, &e), -5);
	assert_null(e);
	sofa_strtonum("101", 0, 100, &e);
	assert_string_equal(e, "too large");
	sofa_strtonum("-1", 0, 100, &e);
	assert_string_equal(e, "too small");
	sofa_strtonum("12a", 0, 100, &e);
	assert_string_equal(e, "invalid");
	sofa_strtonum("", 0, 100, &e);
	assert_string_equal(e, "invalid");
	sofa_strtonum(" 1", 0, 100, &e);
	assert_string_equal(e, "invalid");
	sofa_strtonum("-", 0, 100, &e);
	assert_string_equal(e, "invalid");
	assert_int_equal(sofa_strtonum("9223372036854775807", 0, LLONG_MAX,
	    &e), LLONG_MAX);
	assert_null(e);
	sofa_strtonum("9223372036854775808", 0, LLONG_MAX, &e);
	assert_string_equal(e, "too large");
	assert_true(sofa_strtonum("-9223372036854775808", LLONG_MIN, 0, &e) ==
	    LLONG_MIN);
	assert_null(e);
	sofa_strtonum("99999999999999999999999", 0, LLONG_MAX, &e);
	assert_string_equal(e, "too large");
}

static void
strtod_strict(void **state)
{
	double d;

	(void)state;
	assert_true(sofa_strtod("7.3", &d));
	assert_true(d == 7.3);
	assert_true(sofa_strtod("-1e3", &d));
	assert_true(d == -1000);
	assert_false(sofa_strtod("inf", &d));
	assert_false(sofa_strtod("nan", &d));
	assert_false(sofa_strtod("0x10", &d));
	assert_false(sofa_strtod(" 1", &d));
	assert_false(sofa_strtod("1 ", &d));
	assert_false(sofa_strtod("", &d));
	assert_false(sofa_strtod("1e999", &d));
}

static void
strtobool_words(void **state)
{
	bool b;

	(void)state;
	assert_true(sofa_strtobool("Yes", &b) && b);
	assert_true(sofa_strtobool("off", &b) && !b);
	assert_true(sofa_strtobool("1", &b) && b);
	assert_false(sofa_strtobool("maybe", &b));
}

static void
fmt_double_shortest(void **state)
{
	char buf[SOFA_DBL_LEN];

	(void)state;
	sofa_fmt_double(buf, 7.3);
	assert_string_equal(buf, "7.3");
	sofa_fmt_double(buf, 0.1 + 0.2);
	assert_string_equal(buf, "0.30000000000000004");
	sofa_fmt_double(buf, 90);
	assert_string_equal(buf, "90");
	sofa_fmt_double(buf, -0.0);
	assert_string_equal(buf, "0");
	sofa_fmt_double(buf, 1e20);
	assert_string_equal(buf, "1e+20");
	sofa_fmt_double(buf, 0.53);
	assert_string_equal(buf, "0.53");
	sofa_fmt_int(buf, LLONG_MIN);
	assert_string_equal(buf, "-9223372036854775808");
	sofa_fmt_int(buf, 0);
	assert_string_equal(buf, "0");
}

static void
utc_roundtrip(void **state)
{
	char buf[SOFA_UTC_LEN];
	time_t t;

	(void)state;
	assert_string_equal(sofa_fmt_utc(1723834800, buf),
	    "2024-08-16T19:00:00Z");
	assert_true(sofa_parse_utc("2024-08-16T19:00:00Z", &t));
	assert_int_equal(t, 1723834800);
	assert_true(sofa_parse_utc("2024-08-16T19:00:00+00:00", &t));
	assert_int_equal(t, 1723834800);
	assert_true(sofa_parse_utc("2024-08-16", &t));
	assert_int_equal(t, 1723766400);
	assert_false(sofa_parse_utc("2024-08-16T19:00:00", &t));
	assert_false(sofa_parse_utc("2024-13-16T19:00:00Z", &t));
	assert_false(sofa_parse_utc("2024-02-30T19:00:00Z", &t));
	assert_false(sofa_parse_utc("16/08/2024", &t));
}

static void
http_dates(void **state)
{
	char buf[SOFA_HTTPDATE_LEN];
	time_t t;

	(void)state;
	assert_string_equal(sofa_fmt_http_date(784111777, buf),
	    "Sun, 06 Nov 1994 08:49:37 GMT");
	assert_true(sofa_parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT", &t));
	assert_int_equal(t, 784111777);
	assert_true(sofa_parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT",
	    &t));
	assert_int_equal(t, 784111777);
	assert_true(sofa_parse_http_date("Sun Nov  6 08:49:37 1994", &t));
	assert_int_equal(t, 784111777);
	assert_false(sofa_parse_http_date("Sun, 06 Nov 1994 08:49:37", &t));
	assert_false(sofa_parse_http_date("120", &t));
	assert_false(sofa_parse_http_date("", &t));
	assert_false(sofa_parse_http_date("Sun, 36 Nov 1994 08:49:37 GMT",
	    &t));
}

static void
now_override(void **state)
{
	(void)state;
	setenv("SOFA_NOW", "1700000000", 1);
	assert_int_equal(sofa_now(), 1700000000);
	setenv("SOFA_NOW", "junk", 1);
	assert_true(sofa_now() > 1700000000);
	unsetenv("SOFA_NOW");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(strtonum_bounds),
		cmocka_unit_test(strtod_strict),
		cmocka_unit_test(strtobool_words),
		cmocka_unit_test(fmt_double_shortest),
		cmocka_unit_test(utc_roundtrip),
		cmocka_unit_test(http_dates),
		cmocka_unit_test(now_override),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
