/*
 * test-xform.c - the transform driver (common/xform.c): ids resolved
 * against the raw store, absent documents noted and skipped, bad ones
 * named and turned into exit status 1, documents freed per match.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "capture.h"
#include "err.h"
#include "io.h"
#include "xform.h"

static char store[] = "/tmp/test-xform.XXXXXX";

static void
put(const char *rel, const char *body)
{
	char path[512], *slash;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", store, rel);
	slash = strrchr(path, '/');
	*slash = '\0';
	assert_int_equal(sofa_mkdirs(path, 0755), 0);
	*slash = '/';
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(body, fp);
	fclose(fp);
}

static int
setup_store(void **state)
{
	(void)state;
	if (mkdtemp(store) == NULL)
		return -1;
	put("event/1.json", "{\"event\":{\"id\":1}}");
	put("event/1/lineups.json", "{\"confirmed\":true}");
	put("event/2.json", "{\"event\":{\"id\":2}}");	/* no lineups */
	put("event/3/lineups.json", "{\"confirmed\":tru");	/* broken */
	put("event/4/lineups.json", "[1,2]");		/* not an object */
	put("event/5/lineups.json",
	    "{\"error\":{\"code\":404,\"message\":\"Not Found\"}}");
	put("event/6/lineups.json",
	    "{\"error\":{\"code\":403,\"reason\":\"challenge\"}}");
	return 0;
}

static int
teardown_store(void **state)
{
	char cmd[600];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", store);
	return system(cmd);
}

static struct sofa_xf *
start(char **argv, int argc, bool quiet)
{
	struct sofa_xf_opts o = { 0 };

	assert_true(sofa_xf_option(&o, SOFA_XF_OPT_CONFIG, "/dev/null"));
	assert_true(sofa_xf_option(&o, SOFA_XF_OPT_RAW_BASE, store));
	if (quiet)
		assert_true(sofa_xf_option(&o, 'q', NULL));
	assert_false(sofa_xf_option(&o, 'x', NULL));
	return sofa_xf_new(&o, argc, argv);
}

static void
loads_and_notes(void **state)
{
	char a1[] = "1", a2[] = "2", a3[] = "3", a4[] = "4", a5[] = "x9";
	char a6[] = "5", a7[] = "6", a8[] = "1";
	char *argv[] = { a1, a2, a3, a4, a5, a6, a7, a8 };
	const struct sofa_xdoc *d;
	struct sofa_xf *xf;
	const char *err;
	int64_t id;
	bool seen[7] = { false };

	(void)state;
	capture_begin();
	xf = start(argv, 8, false);
	while (sofa_xf_next(xf, &id)) {
		assert_int_equal(sofa_xf_id(xf), id);
		d = sofa_xf_load(xf, "lineups", SOFA_XF_NEED);
		seen[id] = d != NULL;
		if (id == 1) {
			assert_string_equal(d->endpoint, "lineups");
			assert_non_null(strstr(d->file,
			    "/event/1/lineups.json"));
			assert_true(sofa_jv_is_obj(d->root));
			/* a second load is the same document */
			assert_ptr_equal(sofa_xf_load(xf, "lineups",
			    SOFA_XF_NEED), d);
			d = sofa_xf_load(xf, "event", SOFA_XF_WANT);
			assert_non_null(d);
			assert_non_null(strstr(d->file, "/event/1.json"));
		}
		if (id == 2)	/* absent and optional: silent */
			assert_null(sofa_xf_load(xf, "incidents",
			    SOFA_XF_WANT));
	}
	assert_int_equal(sofa_xf_nmatches(xf), 6);	/* 1 once */
	assert_int_equal(sofa_xf_nabsent(xf), 2);
	assert_int_equal(sofa_xf_end(xf), SOFA_EXIT_FAIL);
	err = capture_end();
	assert_true(seen[1]);
	assert_false(seen[2] || seen[3] || seen[4] || seen[5] || seen[6]);
	assert_non_null(strstr(err, ": 2: lineups not in the store ("));
	assert_non_null(strstr(err, "/event/2/lineups.json), skipped"));
	assert_non_null(strstr(err, "/event/5/lineups.json), skipped"));
	assert_non_null(strstr(err, "/event/6/lineups.json: an API error "
	    "body, not a document (code 403)"));
	assert_null(strstr(err, "incidents"));
	assert_non_null(strstr(err, "/event/3/lineups.json:1: invalid JSON"));
	assert_non_null(strstr(err, "/event/4/lineups.json: expected an "
	    "object at the top, got array"));
	assert_non_null(strstr(err, "bad id 'x9'"));
}

static void
absent_only_is_success(void **state)
{
	char a1[] = "2", a2[] = "1";
	char *argv[] = { a1, a2 };
	struct sofa_xf *xf;
	const char *err;
	int64_t id;

	(void)state;
	capture_begin();
	xf = start(argv, 2, true);
	while (sofa_xf_next(xf, &id))
		(void)sofa_xf_load(xf, "lineups", SOFA_XF_NEED);
	assert_int_equal(sofa_xf_end(xf), SOFA_EXIT_OK);
	err = capture_end();
	assert_string_equal(err, "");	/* -q: no note */
}

static void
contract_names_file_and_key(void **state)
{
	char a1[] = "1";
	char *argv[] = { a1 };
	const struct sofa_xdoc *d;
	struct sofa_xf *xf;
	const char *err;
	int64_t id;

	(void)state;
	capture_begin();
	xf = start(argv, 1, true);
	assert_int_equal(sofa_xf_next(xf, &id), 1);
	d = sofa_xf_load(xf, "lineups", SOFA_XF_NEED);
	assert_false(sofa_xf_contract(xf, d, "an object",
	    sofa_jv_get(d->root, "home"), "home.players[%d].player", 3));
	sofa_xf_bad(xf, d, "%s: odd", "away");
	assert_int_equal(sofa_xf_next(xf, &id), 0);
	assert_int_equal(sofa_xf_end(xf), SOFA_EXIT_FAIL);
	err = capture_end();
	assert_non_null(strstr(err, "/event/1/lineups.json: "
	    "home.players[3].player: expected an object, got absent\n"));
	assert_non_null(strstr(err, "/event/1/lineups.json: away: odd\n"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(loads_and_notes),
		cmocka_unit_test(absent_only_is_success),
		cmocka_unit_test(contract_names_file_and_key),
	};

	return cmocka_run_group_tests(tests, setup_store, teardown_store);
}
