/*
 * test-tabschema.c - table schemas (common/tabschema.c): loading
 * share/sofa/schema-style TSV files, their errors with FILE:LINE, and the
 * type check of one value for every type.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "tabschema.h"

static char dir[] = "/tmp/test-tabschema.XXXXXX";

static void
put(const char *name, const char *text)
{
	char path[256];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static void
load(void **state)
{
	struct sofa_schema *s;
	char path[256], err[512];

	(void)state;
	put("t.tsv", "# comment\n"
	    "id\tid\tpk\tthe id\tcomputed\n"
	    "\n"
	    "side\tenum:home|away\tnn\tside\tlineups: home | away\r\n"
	    "x\treal\t-\t\t\n");
	snprintf(path, sizeof(path), "%s/t.tsv", dir);
	s = sofa_schema_load(path, err, sizeof(err));
	assert_non_null(s);
	assert_string_equal(s->table, "t");
	assert_int_equal(s->ncol, 3);
	assert_int_equal(s->col[0].ctype, SOFA_T_ID);
	assert_int_equal(s->col[0].key, SOFA_KEY_PK);
	assert_int_equal(s->col[1].ctype, SOFA_T_ENUM);
	assert_int_equal(s->col[1].nenum, 2);
	assert_string_equal(s->col[1].enums[1], "away");
	assert_string_equal(s->col[1].source, "lineups: home | away");
	assert_int_equal(s->col[2].key, SOFA_KEY_NONE);
	assert_ptr_equal(sofa_schema_col(s, "x"), &s->col[2]);
	assert_null(sofa_schema_col(s, "y"));
	sofa_schema_free(s);
}

static void
load_errors(void **state)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
		{ "a\tint\tpk\tm\ts\nb\tnumber\t-\tm\ts\n",
		  "b.tsv:2: column b: unknown type 'number'" },
		{ "a\tint\tkey\tm\ts\n", "b.tsv:1: column a: key 'key' is not "
		  "pk, nn or -" },
		{ "a\tint\tpk\tm\n",
		  "b.tsv:1: 4 tab-separated fields, want 5" },
		{ "a\tint\tpk\tm\ts\tx\n", "b.tsv:1: 6 tab-separated fields" },
		{ "a\tint\tpk\tm\ts\na\tstr\t-\tm\ts\n",
		  "b.tsv:2: column a listed twice" },
		{ "a\tenum:x||y\tpk\tm\ts\n",
		  "b.tsv:1: column a: unknown type" },
		{ "# nothing\n", "b.tsv: no columns" },
	};
	char path[256], err[512];

	(void)state;
	snprintf(path, sizeof(path), "%s/b.tsv", dir);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		put("b.tsv", cases[i].text);
		assert_null(sofa_schema_load(path, err, sizeof(err)));
		if (strstr(err, cases[i].want) == NULL)
			fail_msg("case %zu: '%s' lacks '%s'", i, err,
			    cases[i].want);
	}
	unlink(path);
	assert_null(sofa_schema_load(path, err, sizeof(err)));
	assert_non_null(strstr(err, "No such file or directory"));
}

static void
load_dir(void **state)
{
	struct sofa_schema **v;
	char err[512];
	size_t n;

	(void)state;
	put("t.tsv", "id\tid\tpk\tm\ts\n");
	put("a.tsv", "id\tid\tpk\tm\ts\n");
	put("README.md", "not a schema\n");
	v = sofa_schema_load_dir(dir, &n, err, sizeof(err));
	assert_non_null(v);
	assert_int_equal(n, 2);
	assert_string_equal(v[0]->table, "a");
	assert_string_equal(v[1]->table, "t");
	for (size_t i = 0; i < n; i++)
		sofa_schema_free(v[i]);
	free(v);
	assert_null(sofa_schema_load_dir("/nonexistent", &n, err,
	    sizeof(err)));
}

static bool
valid(const char *type, const char *v)
{
	struct sofa_scol c;
	const char *why;
	char t[64];
	bool ok;

	memset(&c, 0, sizeof(c));
	snprintf(t, sizeof(t), "%s", type);
	c.type = t;
	if (strncmp(type, "enum:", 5) == 0) {
		static char h[] = "home", a[] = "away";
		static char *w[] = { h, a };

		c.ctype = SOFA_T_ENUM;
		c.enums = w;
		c.nenum = 2;
	} else {
		static const char *const names[] = { "id", "int", "real",
		    "str", "bool", "utc" };

		for (size_t i = 0; i < 6; i++)
			if (strcmp(names[i], type) == 0)
				c.ctype = (enum sofa_ctype)i;
	}
	ok = sofa_schema_valid(&c, v, strlen(v), &why);
	if (!ok)
		assert_non_null(why);
	return ok;
}

static void
types(void **state)
{
	(void)state;
	assert_true(valid("id", "1"));
	assert_true(valid("id", "11352380"));
	assert_false(valid("id", "0"));
	assert_false(valid("id", "-3"));
	assert_false(valid("id", "007"));
	assert_false(valid("id", "+7"));
	assert_false(valid("id", " 7"));
	assert_false(valid("id", "7.0"));
	assert_false(valid("id", ""));
	assert_false(valid("id", "99999999999999999999"));
	assert_true(valid("int", "0"));
	assert_true(valid("int", "-4"));
	assert_false(valid("int", "-0"));
	assert_false(valid("int", "1e3"));
	assert_true(valid("real", "6.9"));
	assert_true(valid("real", "-0.5"));
	assert_true(valid("real", "7"));
	assert_true(valid("real", "1e+21"));
	assert_true(valid("real", "2.5E-05"));
	assert_false(valid("real", "6,9"));
	assert_false(valid("real", ".5"));
	assert_false(valid("real", "5."));
	assert_false(valid("real", "nan"));
	assert_false(valid("real", "inf"));
	assert_false(valid("real", "1e999"));
	assert_false(valid("real", "0x10"));
	assert_true(valid("str", ""));
	assert_true(valid("str", "Mü\xc3\xa9ller"));
	assert_false(valid("str", "caf\xe9"));
	assert_false(valid("str", "\xc0\xaf"));	/* overlong */
	assert_false(valid("str", "\xed\xa0\x80"));	/* surrogate */
	assert_true(valid("bool", "true"));
	assert_true(valid("bool", "false"));
	assert_false(valid("bool", "TRUE"));
	assert_false(valid("bool", "1"));
	assert_true(valid("utc", "2024-08-16T19:00:00Z"));
	assert_false(valid("utc", "2024-08-16T19:00:00+00:00"));
	assert_false(valid("utc", "2024-08-16"));
	assert_false(valid("utc", "2024-02-30T19:00:00Z"));
	assert_false(valid("utc", "2024-08-16 19:00:00Z"));
	assert_true(valid("enum:home|away", "away"));
	assert_false(valid("enum:home|away", "Away"));
	assert_false(valid("enum:home|away", ""));
}

static void
tsv_split(void **state)
{
	char line[] = "a\tb\t\tc", more[] = "1\t2\t3\t4";
	char *f[4];

	(void)state;
	assert_int_equal(sofa_tsv_split(line, f, 4), 4);
	assert_string_equal(f[2], "");
	assert_string_equal(f[3], "c");
	assert_int_equal(sofa_tsv_split(more, f, 3), 4);
}

static int
setup(void **state)
{
	(void)state;
	return mkdtemp(dir) == NULL;
}

static int
teardown(void **state)
{
	char cmd[512];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) != 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(load),
		cmocka_unit_test(load_errors),
		cmocka_unit_test(load_dir),
		cmocka_unit_test(types),
		cmocka_unit_test(tsv_split),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
