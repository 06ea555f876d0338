/*
 * test-dq.c - the rule engine of sofa-dq (common/dq.c): texts and
 * severities, overrides, selection, counting with capped examples,
 * statuses, and the exact readable, NDJSON and TAP reports.
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

#include "dq.h"
#include "err.h"

static const char *const ids[] = { "a.one", "a.two", "b.three" };
static char textfile[] = "/tmp/test-dq.XXXXXX";

static struct sofa_dq *
engine(size_t maxex)
{
	char err[256];
	struct sofa_dq *dq = sofa_dq_new(textfile, ids, 3, maxex, err,
	    sizeof(err));

	if (dq == NULL)
		fail_msg("%s", err);
	return dq;
}

static void
texts(void **state)
{
	struct sofa_dq *dq = engine(5);
	struct sofa_dq_rule *r;

	(void)state;
	r = sofa_dq_rule(dq, "a.one");
	assert_non_null(r);
	assert_int_equal(r->sev, SOFA_DQ_FAIL);
	assert_string_equal(r->description, "First rule");
	assert_string_equal(r->remediation, "Fix one");
	assert_true(sofa_dq_on(r));
	assert_int_equal(sofa_dq_rule(dq, "a.two")->sev, SOFA_DQ_WARN);
	/* off by default: not run */
	assert_false(sofa_dq_on(sofa_dq_rule(dq, "b.three")));
	assert_null(sofa_dq_rule(dq, "c"));
	assert_false(sofa_dq_on(NULL));
	sofa_dq_free(dq);
}

static void
overrides(void **state)
{
	struct sofa_dq *dq = engine(5);
	char err[256];

	(void)state;
	assert_true(sofa_dq_override(dq, "", err, sizeof(err)));
	assert_true(sofa_dq_override(dq,
	    " a.one=warn\tb.three=FAIL  a.two=off ", err, sizeof(err)));
	assert_int_equal(sofa_dq_rule(dq, "a.one")->sev, SOFA_DQ_WARN);
	assert_true(sofa_dq_on(sofa_dq_rule(dq, "b.three")));
	assert_false(sofa_dq_on(sofa_dq_rule(dq, "a.two")));
	assert_false(sofa_dq_override(dq, "a.one=FAIL a.x=off", err,
	    sizeof(err)));
	assert_string_equal(err, "unknown rule 'a.x' (sofa-dq --list shows "
	    "them)");
	assert_false(sofa_dq_override(dq, "a.one=maybe", err, sizeof(err)));
	assert_string_equal(err, "'a.one=maybe': the level is WARN, FAIL or "
	    "off");
	assert_false(sofa_dq_override(dq, "a.one", err, sizeof(err)));
	assert_string_equal(err, "'a.one': want RULE=WARN, RULE=FAIL or "
	    "RULE=off");
	/* commas are not separators: the word is one unknown rule */
	assert_false(sofa_dq_override(dq, "a.one=WARN,a.two=WARN", err,
	    sizeof(err)));
	sofa_dq_free(dq);
}

static void
selection(void **state)
{
	struct sofa_dq *dq = engine(5);

	(void)state;
	assert_false(sofa_dq_select(dq, "a.on"));
	assert_false(sofa_dq_select(dq, ""));
	assert_false(sofa_dq_select(dq, ".*"));
	assert_true(sofa_dq_select(dq, "b"));
	assert_false(sofa_dq_on(sofa_dq_rule(dq, "a.one")));
	/* named, the off rule runs at FAIL */
	assert_true(sofa_dq_on(sofa_dq_rule(dq, "b.three")));
	assert_int_equal(sofa_dq_rule(dq, "b.three")->sev, SOFA_DQ_FAIL);
	assert_true(sofa_dq_select(dq, "a.*"));
	assert_true(sofa_dq_on(sofa_dq_rule(dq, "a.one")));
	assert_true(sofa_dq_on(sofa_dq_rule(dq, "a.two")));
	sofa_dq_free(dq);
	dq = engine(5);
	assert_true(sofa_dq_select(dq, "a.two"));
	assert_false(sofa_dq_on(sofa_dq_rule(dq, "a.one")));
	assert_true(sofa_dq_select(dq, "all"));
	assert_true(sofa_dq_on(sofa_dq_rule(dq, "a.one")));
	sofa_dq_free(dq);
}

static void
counting(void **state)
{
	struct sofa_dq *dq = engine(2);
	struct sofa_dq_rule *r = sofa_dq_rule(dq, "a.one");

	(void)state;
	assert_int_equal(sofa_dq_status(r), SOFA_DQ_PASS);
	assert_true(sofa_dq_want(r));
	sofa_dq_hit(r, "1", "t.csv:2", "bad %d", 1);
	sofa_dq_hit(r, "2", NULL, NULL);
	assert_false(sofa_dq_want(r));
	sofa_dq_hit(r, "3", "t.csv:4", "bad %d", 3);
	assert_int_equal(r->count, 3);
	assert_int_equal(r->nex, 2);
	assert_string_equal(r->ex[0].detail, "bad 1");
	assert_null(r->ex[1].where);
	assert_null(r->ex[1].detail);
	assert_int_equal(sofa_dq_status(r), SOFA_DQ_FAILED);
	r->downgraded = true;
	assert_int_equal(sofa_dq_status(r), SOFA_DQ_WARNED);
	sofa_dq_tally(r, "absent", 1);
	sofa_dq_tally(r, "blocked", 2);
	sofa_dq_tally(r, "absent", 3);
	assert_int_equal(r->nbd, 2);
	assert_int_equal(r->bd[0].n, 4);
	r = sofa_dq_rule(dq, "a.two");
	sofa_dq_hit(r, "x", NULL, NULL);
	assert_int_equal(sofa_dq_status(r), SOFA_DQ_WARNED);
	assert_int_equal(sofa_dq_exit(dq), SOFA_EXIT_OK);
	sofa_dq_skip(r, "no %s", "input");
	assert_int_equal(sofa_dq_status(r), SOFA_DQ_SKIPPED);
	assert_string_equal(r->note, "no input");
	sofa_dq_rule(dq, "a.one")->downgraded = false;
	assert_int_equal(sofa_dq_exit(dq), SOFA_EXIT_DQ);
	sofa_dq_free(dq);
}

/* A run: a.one fails twice (one example shown), a.two passes, b.three
 * is skipped. */
static struct sofa_dq *
scenario(void)
{
	struct sofa_dq *dq = engine(1);
	struct sofa_dq_rule *r;

	assert_true(sofa_dq_select(dq, "all"));
	r = sofa_dq_rule(dq, "a.one");
	r->checked = 10;
	sofa_dq_hit(r, "7", "t.csv:3", "x\ty # z");
	sofa_dq_hit(r, "8", "t.csv:4", "no");
	sofa_dq_tally(r, "kind", 2);
	sofa_dq_rule(dq, "a.two")->checked = 4;
	sofa_dq_skip(sofa_dq_rule(dq, "b.three"), "nothing #yet");
	return dq;
}

static char *
report(struct sofa_dq *dq, enum sofa_dq_format f)
{
	static char buf[8192];
	FILE *fp;

	memset(buf, 0, sizeof(buf));
	fp = fmemopen(buf, sizeof(buf) - 1, "w");
	sofa_dq_report(dq, fp, f);
	fclose(fp);
	return buf;
}

static void
reports(void **state)
{
	struct sofa_dq *dq = scenario();

	(void)state;
	assert_string_equal(report(dq, SOFA_DQ_TEXT),
	    "FAIL  a.one                               2  First rule\n"
	    "PASS  a.two                               0  Second rule\n"
	    "SKIP  b.three                             -  Third rule\n"
	    "\n"
	    "FAIL a.one: 2 of 10 rows\n"
	    "  7  t.csv:3  x?y # z\n"
	    "  ... and 1 more\n"
	    "  by kind: kind 2\n"
	    "  fix: Fix one (docs/fixing_validation_failures.md#a.one)\n"
	    "\n"
	    "SKIP b.three: nothing #yet\n"
	    "\n"
	    "3 rules: 1 passed, 0 warned, 1 failed, 1 skipped\n");
	assert_string_equal(report(dq, SOFA_DQ_NDJSON),
	    "{\"rule\":\"a.one\",\"status\":\"FAIL\",\"severity\":\"FAIL\","
	    "\"count\":2,\"checked\":10,\"unit\":\"rows\",\"description\":"
	    "\"First rule\",\"note\":null,\"examples\":[{\"id\":\"7\","
	    "\"where\":\"t.csv:3\",\"detail\":\"x\\ty # z\"}],\"breakdown\":"
	    "{\"kind\":2},\"remediation\":\"Fix one\",\"doc\":"
	    "\"docs/fixing_validation_failures.md#a.one\"}\n"
	    "{\"rule\":\"a.two\",\"status\":\"PASS\",\"severity\":\"WARN\","
	    "\"count\":0,\"checked\":4,\"unit\":\"rows\",\"description\":"
	    "\"Second rule\",\"note\":null,\"examples\":[],\"breakdown\":{},"
	    "\"remediation\":\"Fix two\",\"doc\":"
	    "\"docs/fixing_validation_failures.md#a.two\"}\n"
	    "{\"rule\":\"b.three\",\"status\":\"SKIP\",\"severity\":\"FAIL\","
	    "\"count\":0,\"checked\":0,\"unit\":\"rows\",\"description\":"
	    "\"Third rule\",\"note\":\"nothing #yet\",\"examples\":[],"
	    "\"breakdown\":{},\"remediation\":\"Fix three\",\"doc\":"
	    "\"docs/fixing_validation_failures.md#b.three\"}\n");
	assert_string_equal(report(dq, SOFA_DQ_TAP),
	    "TAP version 13\n"
	    "1..3\n"
	    "not ok 1 - a.one: 2 of 10 rows\n"
	    "# First rule\n"
	    "#   7  t.csv:3  x?y # z\n"
	    "#   ... and 1 more\n"
	    "#   by kind: kind 2\n"
	    "#   fix: Fix one (docs/fixing_validation_failures.md#a.one)\n"
	    "ok 2 - a.two: Second rule\n"
	    "ok 3 - b.three # SKIP nothing \\#yet\n");
	sofa_dq_free(dq);
}

static void
list(void **state)
{
	struct sofa_dq *dq = engine(1);
	char buf[1024] = "";
	FILE *fp = fmemopen(buf, sizeof(buf) - 1, "w");

	(void)state;
	sofa_dq_list(dq, fp);
	fclose(fp);
	assert_string_equal(buf,
	    "a.one                        FAIL  First rule\n"
	    "a.two                        WARN  Second rule\n"
	    "b.three                      off   Third rule\n");
	sofa_dq_free(dq);
}

static int
setup(void **state)
{
	int fd = mkstemp(textfile);
	FILE *fp;

	(void)state;
	if (fd < 0 || (fp = fdopen(fd, "w")) == NULL)
		return -1;
	fputs("# id, severity, description, remediation\n"
	    "a.one\tFAIL\tFirst rule\tFix one\n"
	    "\n"
	    "a.two\twarn\tSecond rule\tFix two\r\n"
	    "b.three\toff\tThird rule\tFix three\n", fp);
	return fclose(fp);
}

static int
teardown(void **state)
{
	(void)state;
	return unlink(textfile);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(texts),
		cmocka_unit_test(overrides),
		cmocka_unit_test(selection),
		cmocka_unit_test(counting),
		cmocka_unit_test(reports),
		cmocka_unit_test(list),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
