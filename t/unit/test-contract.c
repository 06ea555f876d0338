/*
 * test-contract.c - the API contract (common/contract.c): the file format
 * and its errors, path templates, and the checks themselves (missing and
 * retyped keys, with the concrete place; parents reported once; optional
 * keys checked only when present), on a small contract written here and
 * on the real share/sofa/contract.tsv.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "contract.h"
#include "xalloc.h"

static char file[64];

static const char head[] =
    "# a comment\n"
    "endpoint\tpath\tkey\ttype\tpresence\tmeaning\n";

static struct sofa_apic *
load(const char *body, char *err, size_t errlen)
{
	FILE *fp;

	strcpy(file, "/tmp/sofa-test-contract.XXXXXX");
	fp = fdopen(mkstemp(file), "w");
	fputs(body, fp);
	fclose(fp);
	return sofa_apic_load(file, err, errlen);
}

static struct sofa_apic *
good(void)
{
	char err[256];
	struct sofa_apic *c;
	char *text = xasprintf("%s"
	    "lineups\tevent/{id}/lineups\t.\tobject\trequired\tbody\n"
	    "lineups\tevent/{id}/lineups\thome\tobject\trequired\thome\n"
	    "lineups\tevent/{id}/lineups\thome.players\tarray\trequired\tp\n"
	    "lineups\tevent/{id}/lineups\thome.players[]\tobject\toptional\te\n"
	    "lineups\tevent/{id}/lineups\thome.players[].player\tobject\t"
	    "required\tp\n"
	    "lineups\tevent/{id}/lineups\thome.players[].player.id\tinteger\t"
	    "required\tid\n"
	    "lineups\tevent/{id}/lineups\thome.players[].rating\tnumber\t"
	    "optional\tr\n"
	    "lineups\tevent/{id}/lineups\tnote\tstring|null\toptional\tn\n"
	    "rounds\tut/{id}/round/{id}/slug/{slug}\t.\tobject\trequired\tr\n",
	    head);

	c = load(text, err, sizeof(err));
	free(text);
	unlink(file);
	if (c == NULL)
		fail_msg("%s", err);
	return c;
}

static struct sofa_jdoc *
parse(const char *s)
{
	char *dup = xstrdup(s);
	struct sofa_jdoc *d = sofa_jdoc_parse(dup, strlen(dup), false, NULL);

	free(dup);
	assert_non_null(d);
	return d;
}

static void
templates(void **state)
{
	struct sofa_apic *c = good();

	(void)state;
	assert_string_equal(sofa_apic_endpoint(c, "event/11352380/lineups"),
	    "lineups");
	assert_null(sofa_apic_endpoint(c, "event/0/lineups"));
	assert_null(sofa_apic_endpoint(c, "event/1a/lineups"));
	assert_null(sofa_apic_endpoint(c, "event/1/lineups/x"));
	assert_null(sofa_apic_endpoint(c, "event/1"));
	assert_string_equal(sofa_apic_endpoint(c, "ut/17/round/3/slug/"
	    "round-of-16"), "rounds");
	assert_null(sofa_apic_endpoint(c, "ut/17/round/3/slug/Round"));
	assert_string_equal(sofa_apic_template(c, "rounds"),
	    "ut/{id}/round/{id}/slug/{slug}");
	assert_null(sofa_apic_template(c, "nope"));
	sofa_apic_free(c);
}

struct seen {
	char text[2048];
	size_t n;
};

static void
record(const char *key, const char *want, const char *got, void *arg)
{
	struct seen *s = arg;
	size_t at = strlen(s->text);

	snprintf(s->text + at, sizeof(s->text) - at, "%s:%s:%s;", key, want,
	    got);
	s->n++;
}

static void
checks(void **state)
{
	struct sofa_apic *c = good();
	struct sofa_jdoc *d;
	struct seen s;
	char *why;

	(void)state;
	d = parse("{\"home\":{\"players\":[{\"player\":{\"id\":1},"
	    "\"rating\":7.3},{\"player\":{\"id\":2},\"rating\":7}]},"
	    "\"note\":null,\"extra\":[1]}");
	assert_int_equal(sofa_apic_check(c, "lineups", sofa_jdoc_root(d),
	    NULL, NULL), 0);
	assert_null(sofa_apic_why(c, "lineups", sofa_jdoc_root(d)));
	sofa_jdoc_free(d);

	memset(&s, 0, sizeof(s));
	d = parse("{\"home\":{\"players\":[{\"player\":{\"id\":\"1\"}},"
	    "{\"rating\":\"7.3\"},7,{\"player\":[]}]},\"note\":3}");
	assert_int_equal(sofa_apic_check(c, "lineups", sofa_jdoc_root(d),
	    record, &s), 6);
	assert_string_equal(s.text,
	    "home.players[2]:object:integer;"
	    "home.players[1].player:object:absent;"
	    "home.players[3].player:object:array;"
	    "home.players[0].player.id:integer:string;"
	    "home.players[1].rating:number:string;"
	    "note:string|null:integer;");
	why = sofa_apic_why(c, "lineups", sofa_jdoc_root(d));
	assert_string_equal(why, "home.players[2]: expected object, got "
	    "integer; home.players[1].player: missing (expected object); "
	    "home.players[3].player: expected object, got array; "
	    "home.players[0].player.id: expected integer, got string; "
	    "home.players[1].rating: expected number, got string "
	    "(and 1 more)");
	free(why);
	sofa_jdoc_free(d);

	/* a missing parent is reported once, not for every key below */
	memset(&s, 0, sizeof(s));
	d = parse("{\"away\":{}}");
	assert_int_equal(sofa_apic_check(c, "lineups", sofa_jdoc_root(d),
	    record, &s), 1);
	assert_string_equal(s.text, "home:object:absent;");
	sofa_jdoc_free(d);
	memset(&s, 0, sizeof(s));
	d = parse("{\"home\":{\"players\":null}}");
	assert_int_equal(sofa_apic_check(c, "lineups", sofa_jdoc_root(d),
	    record, &s), 1);
	assert_string_equal(s.text, "home.players:array:null;");
	sofa_jdoc_free(d);

	/* the body must be an object, whatever the endpoint */
	memset(&s, 0, sizeof(s));
	d = parse("[1]");
	assert_int_equal(sofa_apic_check(c, NULL, sofa_jdoc_root(d), record,
	    &s), 1);
	assert_string_equal(s.text, ".:object:array;");
	sofa_jdoc_free(d);
	d = parse("{}");
	assert_int_equal(sofa_apic_check(c, NULL, sofa_jdoc_root(d), NULL,
	    NULL), 0);
	sofa_jdoc_free(d);
	sofa_apic_free(c);
}

static void
bad_files(void **state)
{
	static const struct {
		const char *body, *want;
	} cases[] = {
		{ "x\ty\n", ":1: expected 6 tab-separated fields" },
		{ "a\tb\tc\td\te\tf\n", ":1: expected the header" },
		{ "", ": no header line" },
		{ "H e e\tevent/{id}\t.\tobject\trequired\tm\n",
		  ":3: bad endpoint name 'e e'" },
		{ "H e\t/event\t.\tobject\trequired\tm\n",
		  ":3: bad path template '/event'" },
		{ "H e\tevent/{id}\t.\tobject\trequired\tm\n"
		  "e\tevent/{id}/x\ta\tstring\trequired\tm\n",
		  ":4: endpoint e has path event/{id} above, "
		  "event/{id}/x here" },
		{ "H e\tevent/{id}\ta..b\tobject\trequired\tm\n",
		  ":3: bad key 'a..b'" },
		{ "H e\tevent/{id}\ta[]x\tobject\trequired\tm\n",
		  ":3: bad key 'a[]x'" },
		{ "H e\tevent/{id}\ta\tstr\trequired\tm\n",
		  ":3: bad type 'str'" },
		{ "H e\tevent/{id}\ta\tstring|\trequired\tm\n",
		  ":3: bad type 'string|'" },
		{ "H e\tevent/{id}\ta\tstring\tmaybe\tm\n",
		  ":3: presence 'maybe' is not required or optional" },
		{ "H e\tevent/{id}\t.\tarray\trequired\tm\n",
		  ":3: the body ('.') must be a required object" },
		{ "H e\tevent/{id}\ta\tstring\trequired\tm\n",
		  ": endpoint e has no '.' line" },
	};
	char err[256], *text;
	struct sofa_apic *c;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *b = cases[i].body;

		text = b[0] == 'H' ? xasprintf("%s%s", head, b + 2) :
		    xstrdup(b);
		c = load(text, err, sizeof(err));
		unlink(file);
		free(text);
		assert_null(c);
		if (strstr(err, cases[i].want) == NULL)
			fail_msg("case %zu: '%s' lacks '%s'", i, err,
			    cases[i].want);
	}
	assert_null(sofa_apic_load("/nonexistent/contract.tsv", err,
	    sizeof(err)));
	assert_non_null(strstr(err, "No such file"));
}

static void
shipped_contract(void **state)
{
	const char *src = getenv("SOFA_SRCDIR");
	char err[512], *path;
	struct sofa_apic *c;

	(void)state;
	path = xasprintf("%s/share/sofa/contract.tsv", src ? src : ".");
	c = sofa_apic_load(path, err, sizeof(err));
	if (c == NULL)
		fail_msg("%s", err);
	free(path);
	assert_string_equal(sofa_apic_endpoint(c, "event/1"), "event");
	assert_string_equal(sofa_apic_endpoint(c, "event/1/lineups"),
	    "lineups");
	assert_string_equal(sofa_apic_endpoint(c, "event/1/incidents"),
	    "incidents");
	assert_string_equal(sofa_apic_endpoint(c, "event/1/statistics"),
	    "statistics");
	assert_string_equal(sofa_apic_endpoint(c,
	    "event/1/player/2/statistics"), "player-statistics");
	assert_string_equal(sofa_apic_endpoint(c, "unique-tournament/17/"
	    "season/10356/events/round/1"), "round-events");
	assert_null(sofa_apic_endpoint(c, "event/1/comments"));
	sofa_apic_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(templates),
		cmocka_unit_test(checks),
		cmocka_unit_test(bad_files),
		cmocka_unit_test(shipped_contract),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
