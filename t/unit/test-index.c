/*
 * test-index.c - the match index (common/index.c): which observation of
 * an event wins, the order of the lines, the facts that decide whether a
 * line changed, and the merge: idempotent to the byte, nothing lost, a
 * damaged index left alone.
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
#include "index.h"
#include "timeutil.h"
#include "xalloc.h"

static char dir[64], path[96];

static int
setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/sofa-test-ix.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/sub/matches.ndjson", dir);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

/* A line shaped like the index's: start and changed in Unix seconds (or
 * SOFA_IX_NO*), a fact, discovered at disc. */
static char *
mk(int64_t id, int64_t start, int64_t changed, const char *fact,
    time_t disc)
{
	char s[SOFA_UTC_LEN], c[SOFA_UTC_LEN], d[SOFA_UTC_LEN];

	if (start != SOFA_IX_NOSTART)
		sofa_fmt_utc((time_t)start, s);
	if (changed != SOFA_IX_NOCHANGE)
		sofa_fmt_utc((time_t)changed, c);
	return xasprintf("{\"event_id\":%lld,\"start_utc\":%s%s%s,\"x\":\"%s\","
	    "\"changed_utc\":%s%s%s,\"discovered_utc\":\"%s\"}",
	    (long long)id,
	    start != SOFA_IX_NOSTART ? "\"" : "",
	    start != SOFA_IX_NOSTART ? s : "null",
	    start != SOFA_IX_NOSTART ? "\"" : "", fact,
	    changed != SOFA_IX_NOCHANGE ? "\"" : "",
	    changed != SOFA_IX_NOCHANGE ? c : "null",
	    changed != SOFA_IX_NOCHANGE ? "\"" : "",
	    sofa_fmt_utc(disc, d));
}

/* The n lines given (new strings, freed here) joined with newlines. */
static char *
join(int n, ...)
{
	char *out = xstrdup(""), *l, *t;
	va_list ap;

	va_start(ap, n);
	while (n-- > 0) {
		l = va_arg(ap, char *);
		t = xasprintf("%s%s\n", out, l);
		free(out);
		free(l);
		out = t;
	}
	va_end(ap);
	return out;
}

static void
add(struct sofa_ix *ix, int64_t id, int64_t start, int64_t changed,
    const char *fact, time_t disc)
{
	char *l = mk(id, start, changed, fact, disc);

	sofa_ix_add(ix, id, start, changed, l, strlen(l));
}

/* "id:fact id:fact ..." of ix, in its order. */
static const char *
summary(const struct sofa_ix *ix)
{
	static char out[1024];
	size_t o = 0;

	out[0] = '\0';
	for (size_t i = 0; i < ix->n; i++) {
		const char *f = strstr(ix->v[i].line, "\"x\":\"") + 5;

		o += (size_t)snprintf(out + o, sizeof(out) - o, "%s%lld:%.*s",
		    i ? " " : "", (long long)ix->v[i].id,
		    (int)strcspn(f, "\""), f);
	}
	return out;
}

static void
settle_newest_and_order(void **state)
{
	struct sofa_ix ix;

	(void)state;
	sofa_ix_init(&ix);
	add(&ix, 5, 2000, 100, "a", 1);
	add(&ix, 3, 2000, 100, "b", 1);
	add(&ix, 5, 2000, 300, "c", 1);		/* newer change: wins */
	add(&ix, 5, 2000, 200, "d", 1);		/* later, but older change */
	add(&ix, 7, 1000, SOFA_IX_NOCHANGE, "e", 1);
	add(&ix, 7, 1000, SOFA_IX_NOCHANGE, "f", 1);	/* tie: later wins */
	add(&ix, 9, SOFA_IX_NOSTART, 5, "g", 1);	/* no start: last */
	add(&ix, 1, 3000, 5, "h", 1);
	add(&ix, 3, 2000, 100, "i", 1);		/* same change: later wins */
	sofa_ix_settle(&ix);
	assert_string_equal(summary(&ix), "7:f 3:i 5:c 1:h 9:g");
	sofa_ix_free(&ix);
}

static void
facts(void **state)
{
	static const char *const whole[] = {
		"{\"event_id\":1}",
		"{\"discovered_utc\":\"2024-01-01T00:00:00Z\",\"event_id\":1}",
		"{\"event_id\":1,\"discovered_utc\":\"2024-01-01\"}",
		"{\"event_id\":1,\"discovered_utc\":5}",
		"",
	};
	const char *l;

	(void)state;
	l = "{\"event_id\":1,\"a\":2,\"discovered_utc\":\"2024-01-01T00:00:00Z\"}";
	assert_int_equal(sofa_ix_facts(l, strlen(l)), strlen("{\"event_id\":1,"
	    "\"a\":2"));
	l = "{\"event_id\":1,\"a\":2,\"discovered_utc\":null}";
	assert_int_equal(sofa_ix_facts(l, strlen(l)), strlen("{\"event_id\":1,"
	    "\"a\":2"));
	l = "{\"event_id\":1,\"discovered_utc\":\"2024-01-01T00:00:00Z\"}";
	assert_int_equal(sofa_ix_facts(l, strlen(l)), strlen("{\"event_id\":1"));
	/* no final discovered_utc member (first, mistyped, absent): every
	 * byte is a fact */
	for (size_t i = 0; i < sizeof(whole) / sizeof(whole[0]); i++)
		assert_int_equal(sofa_ix_facts(whole[i], strlen(whole[i])),
		    strlen(whole[i]));
}

static void
read_lines(void **state)
{
	static const char in[] =
	    "{\"event_id\":4,\"start_utc\":\"2024-01-01T00:00:00Z\"}\r\n"
	    "\n   \n"
	    "{\"event_id\":0}\n"
	    "{\"event_id\":\"4\"}\n"
	    "[1]\n"
	    "{\"event_id\":5,\"start_utc\":\"tomorrow\"}\n"
	    "{\"event_id\":6,\"changed_utc\":7}\n"
	    "{broken\n"
	    "{\"event_id\":8,\"a\":\"\xff\"}\n"
	    "{\"event_id\":9}\0x\n"
	    "{\"event_id\":1000000000000}\n"
	    "{\"event_id\":10,\"start_utc\":null,\"changed_utc\":null}";
	struct sofa_lr *lr;
	struct sofa_ix ix;
	const char *err;
	FILE *fp;
	long bad;

	(void)state;
	fp = fmemopen((void *)in, sizeof(in) - 1, "r");
	lr = sofa_lr_new(fp, "in", 1024);
	sofa_ix_init(&ix);
	capture_begin();
	bad = sofa_ix_read(&ix, lr);
	err = capture_end();
	assert_int_equal(bad, 9);
	assert_int_equal(ix.n, 2);
	assert_int_equal(ix.v[0].id, 4);
	assert_int_equal(ix.v[0].start, 1704067200);
	assert_int_equal(ix.v[0].changed, SOFA_IX_NOCHANGE);
	assert_int_equal(ix.v[0].len, strlen("{\"event_id\":4,\"start_utc\":"
	    "\"2024-01-01T00:00:00Z\"}"));	/* CR gone */
	assert_int_equal(ix.v[1].start, SOFA_IX_NOSTART);
	assert_non_null(strstr(err, "in:4: event_id is not a valid match id"));
	assert_non_null(strstr(err, "in:5: event_id is not a valid match id"));
	assert_non_null(strstr(err, "in:6: not a JSON object"));
	assert_non_null(strstr(err, "in:7: start_utc is not a UTC time"));
	assert_non_null(strstr(err, "in:8: changed_utc is not a UTC time"));
	assert_non_null(strstr(err, "in:9: not JSON"));
	assert_non_null(strstr(err, "in:10: not JSON"));	/* bad UTF-8 */
	assert_non_null(strstr(err, "in:11: NUL byte"));
	assert_non_null(strstr(err, "in:12: event_id is not a valid"));
	sofa_ix_free(&ix);
	sofa_lr_free(lr);
	fclose(fp);
}

static char *
slurp(const char *p)
{
	char *buf;
	size_t len;

	if (sofa_readfile(p, 1 << 20, &buf, &len) != 0)
		return NULL;
	buf[len] = '\0';
	return buf;
}

static void
merge(void **state)
{
	struct sofa_ixstat st;
	struct sofa_ix ix;
	struct stat sb1, sb2;
	char *first, *again, *want;

	(void)state;
	/* a new index, with its directory */
	sofa_ix_init(&ix);
	add(&ix, 2, 2000, 10, "two", 100);
	add(&ix, 1, 1000, 10, "one", 100);
	add(&ix, 3, 3000, SOFA_IX_NOCHANGE, "three", 100);
	assert_int_equal(sofa_ix_merge(path, &ix, 4096, &st), 0);
	assert_true(st.written);
	assert_int_equal(st.lines, 3);
	assert_int_equal(st.added, 3);
	sofa_ix_free(&ix);
	first = slurp(path);
	want = join(3, mk(1, 1000, 10, "one", 100),
	    mk(2, 2000, 10, "two", 100), mk(3, 3000, SOFA_IX_NOCHANGE,
	    "three", 100));
	assert_string_equal(first, want);
	free(want);
	stat(path, &sb1);

	/* the same facts observed later: not a byte changes, no write */
	add(&ix, 1, 1000, 10, "one", 200);
	add(&ix, 3, 3000, SOFA_IX_NOCHANGE, "three", 200);
	assert_int_equal(sofa_ix_merge(path, &ix, 4096, &st), 0);
	assert_false(st.written);
	assert_int_equal(st.unchanged, 2);
	assert_int_equal(st.lines, 3);
	sofa_ix_free(&ix);
	again = slurp(path);
	assert_string_equal(again, first);
	stat(path, &sb2);
	assert_true(sb1.st_mtim.tv_sec == sb2.st_mtim.tv_sec &&
	    sb1.st_mtim.tv_nsec == sb2.st_mtim.tv_nsec);
	free(again);

	/* a change, an older observation, a new event; 2 is kept as is */
	add(&ix, 1, 1500, 20, "one moved", 300);
	add(&ix, 3, 3000, SOFA_IX_NOCHANGE, "three again", 300);
	add(&ix, 4, 500, 5, "four", 300);
	add(&ix, 2, 2000, 5, "two stale", 300);
	assert_int_equal(sofa_ix_merge(path, &ix, 4096, &st), 0);
	assert_true(st.written);
	assert_int_equal(st.added, 1);
	assert_int_equal(st.changed, 2);
	assert_int_equal(st.stale, 1);
	assert_int_equal(st.lines, 4);
	sofa_ix_free(&ix);
	again = slurp(path);
	want = join(4, mk(4, 500, 5, "four", 300),
	    mk(1, 1500, 20, "one moved", 300), mk(2, 2000, 10, "two", 100),
	    mk(3, 3000, SOFA_IX_NOCHANGE, "three again", 300));
	assert_string_equal(again, want);
	free(again);
	free(want);
	free(first);
}

static void
merge_refuses_a_damaged_index(void **state)
{
	static const char damaged[] = "{\"event_id\":1}\nnot json\n";
	struct sofa_ixstat st;
	struct sofa_ix ix;
	const char *err;
	char *after;
	FILE *fp;

	(void)state;
	mkdir(dir, 0777);
	snprintf(path, sizeof(path), "%s/matches.ndjson", dir);
	fp = fopen(path, "w");
	fputs(damaged, fp);
	fclose(fp);
	sofa_ix_init(&ix);
	add(&ix, 2, 2000, 10, "two", 100);
	capture_begin();
	assert_int_equal(sofa_ix_merge(path, &ix, 4096, &st), -1);
	err = capture_end();
	assert_non_null(strstr(err, "matches.ndjson:2: not JSON"));
	assert_non_null(strstr(err, "matches.ndjson: 1 bad line: the index "
	    "is left as it is; fix or remove it"));
	sofa_ix_free(&ix);
	after = slurp(path);
	assert_string_equal(after, damaged);
	free(after);
}

static void
merge_normalises(void **state)
{
	struct sofa_ixstat st;
	struct sofa_ix ix;
	char *l1 = mk(1, 1000, 10, "one", 100), *l2 = mk(2, 900, 10, "two", 100);
	char *after, *want;
	FILE *fp;

	(void)state;
	snprintf(path, sizeof(path), "%s/matches.ndjson", dir);
	/* out of order, CRLF, no final newline, a duplicate: rewritten */
	fp = fopen(path, "w");
	fprintf(fp, "%s\r\n%s\r\n%s", l1, l2, l1);
	fclose(fp);
	sofa_ix_init(&ix);
	assert_int_equal(sofa_ix_merge(path, &ix, 4096, &st), 0);
	assert_true(st.written);
	assert_int_equal(st.lines, 2);
	after = slurp(path);
	want = xasprintf("%s\n%s\n", l2, l1);
	assert_string_equal(after, want);
	free(after);
	free(want);
	free(l1);
	free(l2);
	sofa_ix_free(&ix);
}

/* A line with context: season and round may be null (NULL). */
static void
addc(struct sofa_ix *ix, int64_t id, int64_t changed, const char *season,
    const char *round, const char *score, time_t disc)
{
	char d[SOFA_UTC_LEN], c[SOFA_UTC_LEN];
	char *l;

	l = xasprintf("{\"event_id\":%lld,\"season_id\":%s,\"season\":%s%s%s,"
	    "\"round\":%s,\"start_utc\":\"2024-01-01T00:00:00Z\",\"name\":"
	    "\"a \\\"quoted\\\", name\",\"home_score\":%s,\"changed_utc\":"
	    "\"%s\",\"discovered_utc\":\"%s\"}", (long long)id,
	    season ? "10356" : "null", season ? "\"" : "", season ? season :
	    "null", season ? "\"" : "", round ? round : "null", score,
	    sofa_fmt_utc((time_t)changed, c), sofa_fmt_utc(disc, d));
	sofa_ix_add(ix, id, 1704067200, changed, l, strlen(l));
}

static void
context_is_kept(void **state)
{
	struct sofa_ixstat st;
	struct sofa_ix ix;
	char *got;

	(void)state;
	/* discovered by season: context known */
	sofa_ix_init(&ix);
	addc(&ix, 1, 100, "15/16", "3", "0", 1000);
	addc(&ix, 2, 100, "15/16", "4", "0", 1000);
	assert_int_equal(sofa_ix_merge(path, &ix, 4096, &st), 0);
	sofa_ix_free(&ix);
	/* then from a daily list without context: the same facts (no
	 * change), and a newer score */
	addc(&ix, 1, 100, NULL, NULL, "0", 2000);
	addc(&ix, 2, 200, NULL, NULL, "1", 2000);
	assert_int_equal(sofa_ix_merge(path, &ix, 4096, &st), 0);
	assert_int_equal(st.unchanged, 1);
	assert_int_equal(st.changed, 1);
	sofa_ix_free(&ix);
	got = slurp(path);
	assert_string_equal(got,
	    "{\"event_id\":1,\"season_id\":10356,\"season\":\"15/16\","
	    "\"round\":3,\"start_utc\":\"2024-01-01T00:00:00Z\",\"name\":"
	    "\"a \\\"quoted\\\", name\",\"home_score\":0,\"changed_utc\":"
	    "\"1970-01-01T00:01:40Z\",\"discovered_utc\":"
	    "\"1970-01-01T00:16:40Z\"}\n"
	    "{\"event_id\":2,\"season_id\":10356,\"season\":\"15/16\","
	    "\"round\":4,\"start_utc\":\"2024-01-01T00:00:00Z\",\"name\":"
	    "\"a \\\"quoted\\\", name\",\"home_score\":1,\"changed_utc\":"
	    "\"1970-01-01T00:03:20Z\",\"discovered_utc\":"
	    "\"1970-01-01T00:33:20Z\"}\n");
	free(got);
	/* within one run too, whichever observation wins */
	addc(&ix, 5, 100, "15/16", "3", "0", 1000);
	addc(&ix, 5, 300, NULL, NULL, "2", 1000);
	addc(&ix, 6, 300, NULL, NULL, "2", 1000);
	addc(&ix, 6, 100, NULL, "7", "0", 1000);
	sofa_ix_settle(&ix);
	assert_non_null(strstr(ix.v[0].line, "\"event_id\":5,\"season_id\":"
	    "10356,\"season\":\"15/16\",\"round\":3,"));
	assert_non_null(strstr(ix.v[0].line, "\"home_score\":2,"));
	assert_non_null(strstr(ix.v[1].line, "\"event_id\":6,\"season_id\":"
	    "null,\"season\":null,\"round\":7,"));
	assert_non_null(strstr(ix.v[1].line, "\"home_score\":2,"));
	sofa_ix_free(&ix);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(settle_newest_and_order),
		cmocka_unit_test(facts),
		cmocka_unit_test(read_lines),
		cmocka_unit_test_setup_teardown(merge, setup, teardown),
		cmocka_unit_test_setup_teardown(merge_refuses_a_damaged_index,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(merge_normalises, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(context_is_kept, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
