/*
 * test-out.c - the NDJSON writer and the CSV writer (common/ndjson.c,
 * common/csvout.c): escaping, quoting, nulls, numbers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "csvout.h"
#include "ndjson.h"

static char buf[4096];

static FILE *
sink(void)
{
	memset(buf, 0, sizeof(buf));
	return fmemopen(buf, sizeof(buf) - 1, "w");
}

static void
jw_record(void **state)
{
	struct sofa_jw w;
	FILE *fp = sink();

	(void)state;
	sofa_jw_init(&w, fp);
	sofa_jw_obj(&w);
	sofa_jw_kint(&w, "id", 11352380);
	sofa_jw_kstr(&w, "name", "M\xc3\xbcller \"Tom\"\n\t\\");
	sofa_jw_kstr(&w, "none", NULL);
	sofa_jw_kreal(&w, "rating", 7.3);
	sofa_jw_kbool(&w, "captain", true);
	sofa_jw_key(&w, "list");
	sofa_jw_arr(&w);
	sofa_jw_int(&w, 1);
	sofa_jw_obj(&w);
	sofa_jw_obj_end(&w);
	sofa_jw_arr(&w);
	sofa_jw_arr_end(&w);
	sofa_jw_arr_end(&w);
	sofa_jw_obj_end(&w);
	sofa_jw_nl(&w);
	sofa_jw_obj(&w);
	sofa_jw_knull(&w, "x");
	sofa_jw_obj_end(&w);
	sofa_jw_nl(&w);
	fclose(fp);
	assert_string_equal(buf,
	    "{\"id\":11352380,\"name\":\"M\xc3\xbcller \\\"Tom\\\"\\n\\t\\\\\","
	    "\"none\":null,\"rating\":7.3,\"captain\":true,"
	    "\"list\":[1,{},[]]}\n{\"x\":null}\n");
}

static void
jw_control_and_bad_utf8(void **state)
{
	struct sofa_jw w;
	FILE *fp = sink();

	(void)state;
	sofa_jw_init(&w, fp);
	sofa_jw_strn(&w, "a\x01\xff" "b\xe2\x82\xac\xed\xa0\x80", 10);
	fclose(fp);
	/* U+0001 escaped, 0xff and the surrogate bytes replaced by U+FFFD,
	 * the euro sign kept */
	assert_string_equal(buf, "\"a\\u0001\xef\xbf\xbd" "b\xe2\x82\xac"
	    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");
}

static void
jw_roundtrip_via_parser(void **state)
{
	struct sofa_jw w;
	struct sofa_jerr je;
	struct sofa_jdoc *doc;
	FILE *fp = sink();
	int64_t v;

	(void)state;
	sofa_jw_init(&w, fp);
	sofa_jw_obj(&w);
	sofa_jw_kint(&w, "big", 9007199254740993LL);
	sofa_jw_kreal(&w, "inf", 1.0 / 0.0);
	sofa_jw_obj_end(&w);
	fclose(fp);
	doc = sofa_jdoc_parse(buf, strlen(buf), false, &je);
	assert_non_null(doc);
	assert_true(sofa_jv_int(sofa_jv_get(sofa_jdoc_root(doc), "big"), &v));
	assert_true(v == 9007199254740993LL);
	assert_true(sofa_jv_is_null(sofa_jv_get(sofa_jdoc_root(doc), "inf")));
	sofa_jdoc_free(doc);
}

static void
csv_quoting(void **state)
{
	static const char *const cols[] = { "a", "b", "c" };
	struct sofa_csv c;
	FILE *fp = sink();

	(void)state;
	sofa_csv_init(&c, fp);
	sofa_csv_header(&c, cols, 3);
	sofa_csv_str(&c, "plain");
	sofa_csv_str(&c, "with,comma");
	sofa_csv_str(&c, "say \"hi\"");
	sofa_csv_end(&c);
	sofa_csv_null(&c);
	sofa_csv_str(&c, "");
	sofa_csv_str(&c, "two\nlines");
	sofa_csv_end(&c);
	sofa_csv_int(&c, -3);
	sofa_csv_real(&c, 6.8);
	sofa_csv_bool(&c, false);
	sofa_csv_end(&c);
	sofa_csv_str(&c, " lead");
	sofa_csv_real(&c, 0.0 / 0.0);
	sofa_csv_str(&c, "cr\r");
	sofa_csv_end(&c);
	fclose(fp);
	assert_string_equal(buf,
	    "a,b,c\n"
	    "plain,\"with,comma\",\"say \"\"hi\"\"\"\n"
	    ",\"\",\"two\nlines\"\n"
	    "-3,6.8,false\n"
	    "\" lead\",,\"cr\r\"\n");
}

static void
json_seam_types(void **state)
{
	char doc_text[] = "{\"i\":3,\"r\":3.0,\"f\":2.5,\"s\":\"x\",\"b\":true,"
	    "\"n\":null,\"a\":[1,2,3],\"o\":{\"k\":1,\"l\":2},"
	    "\"u\":18446744073709551615}";
	struct sofa_jerr je;
	struct sofa_jdoc *doc;
	struct sofa_jv *root, *v, *k;
	struct sofa_jit it;
	int64_t i;
	double d;
	bool b;
	int n = 0;

	(void)state;
	doc = sofa_jdoc_parse(doc_text, strlen(doc_text), false, &je);
	assert_non_null(doc);
	root = sofa_jdoc_root(doc);
	assert_true(sofa_jv_int(sofa_jv_get(root, "i"), &i) && i == 3);
	assert_true(sofa_jv_int(sofa_jv_get(root, "r"), &i) && i == 3);
	assert_false(sofa_jv_int(sofa_jv_get(root, "f"), &i));
	assert_false(sofa_jv_int(sofa_jv_get(root, "u"), &i));
	assert_false(sofa_jv_int(sofa_jv_get(root, "s"), &i));
	assert_false(sofa_jv_int(NULL, &i));
	assert_true(sofa_jv_num(sofa_jv_get(root, "f"), &d) && d == 2.5);
	assert_true(sofa_jv_bool(sofa_jv_get(root, "b"), &b) && b);
	assert_string_equal(sofa_jv_str(sofa_jv_get(root, "s")), "x");
	assert_null(sofa_jv_str(sofa_jv_get(root, "i")));
	assert_null(sofa_jv_get(sofa_jv_get(root, "s"), "x"));
	assert_string_equal(sofa_jv_type(sofa_jv_get(root, "n")), "null");
	assert_string_equal(sofa_jv_type(sofa_jv_get(root, "nope")), "absent");
	assert_string_equal(sofa_jv_type(sofa_jv_get(root, "f")), "number");
	assert_string_equal(sofa_jv_type(sofa_jv_get(root, "i")), "integer");
	sofa_jit_arr(&it, sofa_jv_get(root, "a"));
	while ((v = sofa_jit_next(&it)) != NULL)
		n++;
	assert_int_equal(n, 3);
	sofa_jit_arr(&it, sofa_jv_get(root, "s"));	/* wrong type: nothing */
	assert_null(sofa_jit_next(&it));
	n = 0;
	sofa_jit_obj(&it, sofa_jv_get(root, "o"));
	while ((k = sofa_jit_key(&it, &v)) != NULL)
		n += (int)strlen(sofa_jv_str(k));
	assert_int_equal(n, 2);
	sofa_jdoc_free(doc);
}

static void
json_errors_located(void **state)
{
	char bad[] = "{\n  \"a\": 1,\n  \"b\": tru\n}";
	char trailing[] = "{} {}";
	struct sofa_jerr je;

	(void)state;
	assert_null(sofa_jdoc_parse(bad, strlen(bad), false, &je));
	assert_int_equal(je.line, 3);
	assert_null(sofa_jdoc_parse(trailing, strlen(trailing), false, &je));
	assert_int_equal(je.pos, 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(jw_record),
		cmocka_unit_test(jw_control_and_bad_utf8),
		cmocka_unit_test(jw_roundtrip_via_parser),
		cmocka_unit_test(csv_quoting),
		cmocka_unit_test(json_seam_types),
		cmocka_unit_test(json_errors_located),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
