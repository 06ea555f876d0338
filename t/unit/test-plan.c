/*
 * test-plan.c - resume and refresh decisions (common/plan.c): every rule
 * of plan.h on a store laid out by the test, and what the event body and
 * the index line say about a match.
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

#include "json.h"
#include "plan.h"
#include "store.h"
#include "tmpdir.h"
#include "xalloc.h"

#define NOW 1723834800		/* 2024-08-16T19:00:00Z */
#define H 3600

/* Lay out path: a body (if body), and a meta with outcome and times. */
static void
lay(const char *path, bool body, const char *outcome, time_t fetched,
    time_t verified)
{
	struct sofa_meta m;

	sofa_meta_init(&m, path);
	if (body) {
		assert_int_equal(sofa_store_put(dir, path, "{}", 2), 0);
		m.bytes = 2;
		sofa_sha256_hex("{}", 2, m.sha256);
		m.stored = m.verified = verified;
	}
	if (outcome != NULL) {
		sofa_meta_set(&m.outcome, outcome);
		m.fetched = fetched;
		assert_int_equal(sofa_meta_save(dir, &m), 0);
	}
	sofa_meta_free(&m);
}

static const char *
decide(const struct sofa_plan *p, const struct sofa_match_info *mi,
    const char *path, enum sofa_plan_act want)
{
	static char buf[64];
	const char *why;

	assert_int_equal(sofa_plan_resource(p, mi, path, &why, buf), want);
	return why;
}

static void
match_info(void **state)
{
	struct sofa_match_info mi;
	struct sofa_jdoc *d;
	char ev[] = "{\"status\":{\"type\":\"finished\"},\"startTimestamp\":"
	    "1723834800,\"changes\":{\"changeTimestamp\":1723900000}}";
	char ev2[] = "{\"status\":{\"type\":\"inprogress\"},"
	    "\"startTimestamp\":1723834800}";
	char line[] = "{\"event_id\":1,\"status_type\":\"notstarted\","
	    "\"start_utc\":\"2024-08-16T19:00:00Z\"}";
	char line2[] = "{\"event_id\":1,\"status_type\":\"canceled\"}";

	(void)state;
	sofa_match_info_init(&mi);
	assert_false(mi.known);
	d = sofa_jdoc_parse(ev, strlen(ev), false, NULL);
	sofa_match_info_event(&mi, sofa_jdoc_root(d));
	sofa_jdoc_free(d);
	assert_true(mi.known && mi.over);
	assert_string_equal(mi.status, "finished");
	assert_int_equal(mi.start, 1723834800);
	assert_int_equal(mi.end, 1723900000);	/* the later change */

	/* an older index line does not make it unfinished again */
	d = sofa_jdoc_parse(line, strlen(line), false, NULL);
	sofa_match_info_index(&mi, sofa_jdoc_root(d));
	sofa_jdoc_free(d);
	assert_true(mi.over);
	assert_string_equal(mi.status, "finished");

	sofa_match_info_init(&mi);
	d = sofa_jdoc_parse(ev2, strlen(ev2), false, NULL);
	sofa_match_info_event(&mi, sofa_jdoc_root(d));
	sofa_jdoc_free(d);
	assert_true(mi.known && !mi.over);
	assert_int_equal(mi.end, 0);
	/* ... but a newer line saying it ended does: kick-off + 3 h */
	d = sofa_jdoc_parse(line, strlen(line), false, NULL);
	sofa_match_info_index(&mi, sofa_jdoc_root(d));
	sofa_jdoc_free(d);
	assert_false(mi.over);
	sofa_match_info_init(&mi);
	d = sofa_jdoc_parse(line, strlen(line), false, NULL);
	sofa_match_info_index(&mi, sofa_jdoc_root(d));
	sofa_jdoc_free(d);
	assert_string_equal(mi.status, "notstarted");
	assert_int_equal(mi.start, 1723834800);
	d = sofa_jdoc_parse(line2, strlen(line2), false, NULL);
	sofa_match_info_index(&mi, sofa_jdoc_root(d));
	sofa_jdoc_free(d);
	assert_true(mi.over);
	assert_int_equal(mi.end, 1723834800 + 3 * H);
}

static void
rules(void **state)
{
	struct sofa_plan p = { dir, NOW, 72 * H, 6 * H, false, false };
	struct sofa_match_info live, old, recent, unknown;

	(void)state;
	sofa_match_info_init(&unknown);
	sofa_match_info_init(&live);
	live.known = true;
	sofa_match_info_init(&old);
	old.known = old.over = true;
	old.end = NOW - 100 * H;
	recent = old;
	recent.end = NOW - 10 * H;

	lay("a", true, "ok", NOW - 5 * H, NOW - 5 * H);
	assert_string_equal(decide(&p, &old, "a", SOFA_PLAN_SKIP),
	    "complete");
	assert_string_equal(decide(&p, &recent, "a", SOFA_PLAN_AGAIN),
	    "refresh window");
	assert_string_equal(decide(&p, &live, "a", SOFA_PLAN_AGAIN),
	    "not finished");
	assert_string_equal(decide(&p, &unknown, "a", SOFA_PLAN_AGAIN),
	    "status unknown");
	/* confirmed before the match ended: once more after the end */
	lay("b", true, "ok", NOW - 200 * H, NOW - 200 * H);
	assert_string_equal(decide(&p, &old, "b", SOFA_PLAN_AGAIN),
	    "fetched before the end");
	/* a failure after a good body keeps it complete */
	lay("c", true, "blocked", NOW - H, NOW - 90 * H);
	assert_string_equal(decide(&p, &old, "c", SOFA_PLAN_SKIP),
	    "complete");
	/* a body without a meta: never confirmed, so asked again */
	lay("d", true, NULL, 0, 0);
	assert_string_equal(decide(&p, &old, "d", SOFA_PLAN_AGAIN),
	    "fetched before the end");

	/* absent */
	lay("e", false, "absent", NOW - 2 * H, 0);
	assert_string_equal(decide(&p, &live, "e", SOFA_PLAN_SKIP),
	    "absent, recheck later");
	assert_string_equal(decide(&p, &recent, "e", SOFA_PLAN_SKIP),
	    "absent, recheck later");
	lay("f", false, "absent", NOW - 7 * H, 0);
	assert_string_equal(decide(&p, &live, "f", SOFA_PLAN_FETCH),
	    "absent recheck");
	assert_string_equal(decide(&p, &old, "f", SOFA_PLAN_SKIP), "absent");
	lay("g", false, "absent", NOW - 300 * H, 0);	/* before the end */
	assert_string_equal(decide(&p, &old, "g", SOFA_PLAN_FETCH),
	    "absent before the end");

	/* failures and nothing */
	lay("h", false, "blocked", NOW - H, 0);
	assert_string_equal(decide(&p, &old, "h", SOFA_PLAN_FETCH),
	    "blocked before");
	assert_string_equal(decide(&p, &old, "nothing", SOFA_PLAN_FETCH),
	    "missing");

	/* --refresh and --force */
	p.refresh = true;
	assert_string_equal(decide(&p, &old, "a", SOFA_PLAN_AGAIN),
	    "--refresh");
	assert_string_equal(decide(&p, &old, "f", SOFA_PLAN_FETCH),
	    "absent, --refresh");
	p.refresh = false;
	p.force = true;
	assert_string_equal(decide(&p, &old, "a", SOFA_PLAN_FETCH),
	    "--force");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(match_info),
		cmocka_unit_test_setup_teardown(rules, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
