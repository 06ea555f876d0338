/*
 * test-table.c - table rows as CSV or NDJSON (common/table.c) and raw
 * store paths (common/store.c).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "capture.h"
#include "store.h"
#include "table.h"

static const char *const cols[] = { "event_id", "name", "rating", "sub" };

static void
fill(struct sofa_tab *t)
{
	sofa_tab_int(t, 0, 11352380);
	sofa_tab_str(t, 1, "O'Neil, \"Jr\"");
	sofa_tab_real(t, 2, 6.9);
	sofa_tab_bool(t, 3, true);
	sofa_tab_row(t);
	sofa_tab_int(t, 0, 7);		/* name, rating, sub stay null */
	sofa_tab_row(t);
}

static void
csv_rows(void **state)
{
	char buf[512] = "";
	FILE *fp = fmemopen(buf, sizeof(buf) - 1, "w");
	struct sofa_tab *t = sofa_tab_new(fp, false, cols, 4);

	(void)state;
	fill(t);
	assert_int_equal(sofa_tab_rows(t), 2);
	sofa_tab_free(t);
	fclose(fp);
	assert_string_equal(buf, "event_id,name,rating,sub\n"
	    "11352380,\"O'Neil, \"\"Jr\"\"\",6.9,true\n7,,,\n");
}

static void
json_rows(void **state)
{
	char buf[512] = "";
	FILE *fp = fmemopen(buf, sizeof(buf) - 1, "w");
	struct sofa_tab *t = sofa_tab_new(fp, true, cols, 4);

	(void)state;
	fill(t);
	sofa_tab_free(t);
	fclose(fp);
	assert_string_equal(buf, "{\"event_id\":11352380,\"name\":\"O'Neil, "
	    "\\\"Jr\\\"\",\"rating\":6.9,\"sub\":true}\n"
	    "{\"event_id\":7,\"name\":null,\"rating\":null,\"sub\":null}\n");
}

static void
store_paths(void **state)
{
	char buf[SOFA_APIPATH_LEN], *f;
	struct sofa_jdoc *doc;
	int e;

	(void)state;
	assert_string_equal(sofa_api_path(buf, 11352380, "event"),
	    "event/11352380");
	assert_string_equal(sofa_api_path(buf, 1, "lineups"),
	    "event/1/lineups");
	f = sofa_store_file("/raw", "event/1/lineups", ".meta");
	assert_string_equal(f, "/raw/event/1/lineups.meta");
	free(f);
	doc = sofa_store_load("/nonexistent", "event/1", 1024, &f, &e);
	assert_null(doc);
	assert_int_equal(e, ENOENT);
	assert_string_equal(f, "/nonexistent/event/1.json");
	free(f);
	capture_begin();
	assert_false(sofa_contract("x.json", "home.players", "an array",
	    NULL));
	assert_string_equal(capture_end(),
	    "sofa: x.json: home.players: expected an array, got absent\n");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(csv_rows),
		cmocka_unit_test(json_rows),
		cmocka_unit_test(store_paths),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
