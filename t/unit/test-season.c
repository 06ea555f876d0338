/*
 * test-season.c - season years and selection words (common/season.c):
 * every way Sofascore and users write a season, the %y pivot, ids that
 * look like years, and what is said when nothing matches.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "capture.h"
#include "json.h"
#include "season.h"

static void
span(const char *s, int a, int b)
{
	int x = -1, y = -1;

	if (!sofa_season_span(s, &x, &y))
		fail_msg("'%s' refused", s);
	if (x != a || y != b)
		fail_msg("'%s': %d/%d, want %d/%d", s, x, y, a, b);
}

static void
spans(void **state)
{
	static const char *const bad[] = { "", "24", "2024/", "/24",
	    "2024/2026", "24/23", "2024/24/25", "20245", "2024 ", "abc",
	    "1700", "99-", "2024/5", "24/025" };
	int a, b;

	(void)state;
	span("15/16", 2015, 2016);
	span("2015/16", 2015, 2016);
	span("2015/2016", 2015, 2016);
	span("2015-16", 2015, 2016);
	span("1969/1970", 1969, 1970);
	span("69/70", 1969, 1970);	/* %y: 69-99 are the 1900s */
	span("68/69", 2068, 2069);	/* ... 00-68 the 2000s */
	span("99/00", 1999, 2000);	/* the end year's century follows */
	span("1999/00", 1999, 2000);
	span("2024", 2024, 2024);
	span("20/21", 2020, 2021);
	span("2020/2020", 2020, 2020);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (sofa_season_span(bad[i], &a, &b))
			fail_msg("'%s' accepted as %d/%d", bad[i], a, b);
}

static void
words_ok(void **state)
{
	static const char *const good[] = { "current", "all", "10356",
	    "id:10356", "2015/16", "year:2015/16", "15/16", "2024",
	    "year:2024" };
	static const char *const bad[] = { "", "latest", "id:", "id:x",
	    "id:-3", "0", "year:", "year:abc", "15/16/17", "-1",
	    "99999999999999999999", "Current" };
	const char *why;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (!sofa_season_word_ok(good[i], &why))
			fail_msg("'%s': %s", good[i], why);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (sofa_season_word_ok(bad[i], &why))
			fail_msg("'%s' accepted", bad[i]);
		assert_non_null(why);
	}
}

/* A season list as the API writes it, newest first. */
static const char list[] =
    "{\"seasons\":["
    "{\"name\":\"X 2026\",\"year\":\"2026\",\"editor\":false,\"id\":87678},"
    "{\"name\":\"X 24/25\",\"year\":\"24\\/25\",\"id\":61627},"
    "{\"name\":\"X 2024\",\"year\":\"2024\",\"id\":2023},"
    "{\"name\":\"X 2023\",\"year\":\"2023\",\"id\":2024},"
    "{\"name\":\"X 99/00\",\"year\":\"99/00\",\"id\":99},"
    "{\"name\":\"X 69/70\",\"year\":\"1969/1970\",\"id\":91132},"
    "{\"name\":\"odd\",\"year\":\"Apertura\",\"id\":5},"
    "{\"name\":\"X 2019\",\"year\":\"2019\",\"id\":2019}"
    "]}";

static struct sofa_jdoc *doc;
static struct sofa_seasons ss;

static int
load(void **state)
{
	(void)state;
	doc = sofa_jdoc_parse((char *)list, sizeof(list) - 1, false, NULL);
	if (doc == NULL || !sofa_seasons_parse(sofa_jdoc_root(doc), "t", &ss))
		return -1;
	return 0;
}

static int
unload(void **state)
{
	(void)state;
	sofa_seasons_free(&ss);
	sofa_jdoc_free(doc);
	return 0;
}

/* The ids word selects, space-separated, or "! message". */
static const char *
sel(const char *word)
{
	static char out[512];
	bool mark[16] = { false };
	char err[256];
	size_t n, o = 0;

	n = sofa_season_select(&ss, word, mark, err, sizeof(err));
	if (n == 0) {
		snprintf(out, sizeof(out), "! %s", err);
		return out;
	}
	out[0] = '\0';
	for (size_t i = 0; i < ss.n; i++)
		if (mark[i])
			o += (size_t)snprintf(out + o, sizeof(out) - o, "%s%lld",
			    o ? " " : "", (long long)ss.v[i].id);
	return out;
}

static void
parsed(void **state)
{
	(void)state;
	assert_int_equal(ss.n, 8);
	assert_string_equal(ss.v[1].year, "24/25");
	assert_int_equal(ss.v[1].start, 2024);
	assert_int_equal(ss.v[6].start, 0);	/* "Apertura": no span */
}

static void
select_words(void **state)
{
	(void)state;
	assert_string_equal(sel("current"), "87678");
	assert_string_equal(sel("all"),
	    "87678 61627 2023 2024 99 91132 5 2019");
	assert_string_equal(sel("61627"), "61627");
	assert_string_equal(sel("id:61627"), "61627");
	assert_string_equal(sel("24/25"), "61627");
	assert_string_equal(sel("2024/25"), "61627");
	assert_string_equal(sel("2024-2025"), "61627");
	assert_string_equal(sel("year:24/25"), "61627");
	assert_string_equal(sel("2026"), "87678");
	assert_string_equal(sel("1999/2000"), "99");
	assert_string_equal(sel("69/70"), "91132");
	assert_string_equal(sel("99"), "99");	/* two digits: an id */
	assert_string_equal(sel("5"), "5");
}

static void
ids_that_look_like_years(void **state)
{
	(void)state;
	/* 2024 is the id of the 2023 season and the year of another */
	assert_string_equal(sel("2024"),
	    "! '2024' is both a season id and a year: write id:2024 or "
	    "year:2024");
	assert_string_equal(sel("id:2024"), "2024");
	assert_string_equal(sel("year:2024"), "2023");
	assert_string_equal(sel("id:2023"), "2023");
	assert_string_equal(sel("year:2023"), "2024");
	/* both readings name the same season: no ambiguity */
	assert_string_equal(sel("2019"), "2019");
}

static void
nothing_matches(void **state)
{
	struct sofa_seasons none = { NULL, 0 };
	bool mark[1];
	char err[128];

	(void)state;
	assert_string_equal(sel("2025"), "! no season '2025' (seasons: 2026 "
	    "24/25 2024 2023 99/00 1969/1970 Apertura 2019)");
	assert_string_equal(sel("12345"), "! no season '12345' (seasons: "
	    "2026 24/25 2024 2023 99/00 1969/1970 Apertura 2019)");
	assert_string_equal(sel("year:2027"), "! no season 'year:2027' "
	    "(seasons: 2026 24/25 2024 2023 99/00 1969/1970 Apertura 2019)");
	assert_int_equal(sofa_season_select(&none, "current", mark, err,
	    sizeof(err)), 0);
	assert_string_equal(err, "the competition lists no seasons");
}

static void
calendar_hint(void **state)
{
	static char big[] = "{\"seasons\":[{\"year\":\"25/26\",\"id\":1},"
	    "{\"year\":\"24/25\",\"id\":2}]}";
	struct sofa_seasons two;
	struct sofa_jdoc *d;
	bool mark[2] = { false, false };
	char err[128];

	(void)state;
	d = sofa_jdoc_parse(big, sizeof(big) - 1, false, NULL);
	assert_true(sofa_seasons_parse(sofa_jdoc_root(d), "t", &two));
	assert_int_equal(sofa_season_select(&two, "2024", mark, err,
	    sizeof(err)), 0);
	assert_string_equal(err, "no calendar season 2024; did you mean "
	    "24/25?");
	sofa_seasons_free(&two);
	sofa_jdoc_free(d);
}

static void
contract(void **state)
{
	static char bad1[] = "{\"season\":[]}";
	static char bad2[] = "{\"seasons\":[{\"id\":\"7\"},{\"year\":\"2024\","
	    "\"id\":8},{}]}";
	struct sofa_seasons s;
	struct sofa_jdoc *d;
	const char *err;

	(void)state;
	d = sofa_jdoc_parse(bad1, sizeof(bad1) - 1, false, NULL);
	capture_begin();
	assert_false(sofa_seasons_parse(sofa_jdoc_root(d), "u/1/seasons", &s));
	err = capture_end();
	assert_non_null(strstr(err, "u/1/seasons: seasons: expected an "
	    "array, got absent"));
	assert_int_equal(s.n, 0);
	sofa_jdoc_free(d);

	d = sofa_jdoc_parse(bad2, sizeof(bad2) - 1, false, NULL);
	capture_begin();
	assert_false(sofa_seasons_parse(sofa_jdoc_root(d), "u/2/seasons", &s));
	err = capture_end();
	assert_non_null(strstr(err, "u/2/seasons: seasons[0].id: expected a "
	    "positive integer, got string"));
	assert_non_null(strstr(err, "u/2/seasons: seasons[2].id: expected a "
	    "positive integer, got absent"));
	assert_int_equal(s.n, 1);
	assert_int_equal(s.v[0].id, 8);
	sofa_seasons_free(&s);
	sofa_jdoc_free(d);
}

static void
word_lists(void **state)
{
	char **w;
	size_t n;

	(void)state;
	n = sofa_words("  2023/24, 24/25 ,,current\tall ", &w);
	assert_int_equal(n, 4);
	assert_string_equal(w[0], "2023/24");
	assert_string_equal(w[1], "24/25");
	assert_string_equal(w[2], "current");
	assert_string_equal(w[3], "all");
	sofa_words_free(w, n);
	assert_int_equal(sofa_words(" , ", &w), 0);
	sofa_words_free(w, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(spans),
		cmocka_unit_test(words_ok),
		cmocka_unit_test_setup_teardown(parsed, load, unload),
		cmocka_unit_test_setup_teardown(select_words, load, unload),
		cmocka_unit_test_setup_teardown(ids_that_look_like_years, load,
		    unload),
		cmocka_unit_test_setup_teardown(nothing_matches, load, unload),
		cmocka_unit_test(calendar_hint),
		cmocka_unit_test(contract),
		cmocka_unit_test(word_lists),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
