/*
 * test-store.c - the write side of the raw store (common/store.c): the
 * .meta sidecar round-trips, refuses what is not a meta, and keeps the
 * body fields apart from the last outcome; bodies are written whole under
 * new directories; SHA-256 matches the standard vectors; quarantine never
 * touches the store and never overwrites an earlier quarantined body.
 */
#include <errno.h>
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
#include "io.h"
#include "store.h"
#include "tmpdir.h"
#include "xalloc.h"

/* The content of DIR/REL (new), or NULL. */
static char *
slurp(const char *rel)
{
	char path[512], *buf;
	size_t len;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	if (sofa_readfile(path, 1 << 20, &buf, &len) != 0)
		return NULL;
	return buf;
}

static void
put(const char *rel, const char *text)
{
	char path[512];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static void
sha256_vectors(void **state)
{
	char hex[SOFA_SHA256_HEX];

	(void)state;
	/* FIPS 180-2 examples */
	sofa_sha256_hex("abc", 3, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad");
	sofa_sha256_hex("", 0, hex);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb924"
	    "27ae41e4649b934ca495991b7852b855");
}

static void
meta_round_trip(void **state)
{
	struct sofa_meta m, r;
	char *s;

	(void)state;
	sofa_meta_init(&m, "event/1/lineups");
	sofa_meta_set(&m.outcome, "ok");
	m.http_status = 200;
	m.fetched = 1723834800;		/* 2024-08-16T19:00:00Z */
	m.attempts = 2;
	sofa_meta_set(&m.etag, "W/\"4bebed6144\"");
	sofa_meta_set(&m.last_modified, "Fri, 16 Aug 2024 19:00:00 GMT");
	m.bytes = 3;
	sofa_sha256_hex("abc", 3, m.sha256);
	m.stored = m.verified = 1723834800;
	assert_int_equal(sofa_meta_save(dir, &m), 0);
	s = slurp("event/1/lineups.meta");
	assert_non_null(s);
	assert_string_equal(s, "{\"path\":\"event/1/lineups\","
	    "\"outcome\":\"ok\",\"http_status\":200,"
	    "\"fetched_utc\":\"2024-08-16T19:00:00Z\",\"attempts\":2,"
	    "\"error\":null,\"etag\":\"W/\\\"4bebed6144\\\"\","
	    "\"last_modified\":\"Fri, 16 Aug 2024 19:00:00 GMT\","
	    "\"bytes\":3,\"sha256\":\"ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad\","
	    "\"stored_utc\":\"2024-08-16T19:00:00Z\","
	    "\"verified_utc\":\"2024-08-16T19:00:00Z\"}\n");
	free(s);
	assert_int_equal(sofa_meta_load(dir, "event/1/lineups", &r), 0);
	assert_string_equal(r.path, "event/1/lineups");
	assert_string_equal(r.outcome, "ok");
	assert_int_equal(r.http_status, 200);
	assert_int_equal(r.fetched, 1723834800);
	assert_int_equal(r.attempts, 2);
	assert_null(r.error);
	assert_string_equal(r.etag, "W/\"4bebed6144\"");
	assert_int_equal(r.bytes, 3);
	assert_string_equal(r.sha256, m.sha256);
	assert_int_equal(r.stored, 1723834800);
	sofa_meta_free(&r);
	sofa_meta_free(&m);
}

static void
meta_without_body(void **state)
{
	struct sofa_meta m, r;
	char *s;

	(void)state;
	sofa_meta_init(&m, "event/2/statistics");
	sofa_meta_set(&m.outcome, "absent");
	m.http_status = 404;
	m.fetched = 1723834800;
	m.attempts = 1;
	sofa_meta_set(&m.error, "absent (HTTP 404)");
	/* body fields are ignored without a body */
	m.verified = 5;
	assert_int_equal(sofa_meta_save(dir, &m), 0);
	s = slurp("event/2/statistics.meta");
	assert_string_equal(s, "{\"path\":\"event/2/statistics\","
	    "\"outcome\":\"absent\",\"http_status\":404,"
	    "\"fetched_utc\":\"2024-08-16T19:00:00Z\",\"attempts\":1,"
	    "\"error\":\"absent (HTTP 404)\",\"etag\":null,"
	    "\"last_modified\":null,\"bytes\":null,\"sha256\":null,"
	    "\"stored_utc\":null,\"verified_utc\":null}\n");
	free(s);
	assert_int_equal(sofa_meta_load(dir, "event/2/statistics", &r), 0);
	assert_int_equal(r.bytes, -1);
	assert_string_equal(r.sha256, "");
	assert_int_equal(r.http_status, 404);
	sofa_meta_free(&r);
	sofa_meta_free(&m);
}

static void
meta_refuses_junk(void **state)
{
	struct sofa_meta r;
	const char *err;

	(void)state;
	assert_int_equal(sofa_meta_load(dir, "nothing", &r), ENOENT);
	assert_int_equal(r.bytes, -1);
	assert_null(r.outcome);
	sofa_meta_free(&r);

	put("a.meta", "{\"outcome\":\"ok\",");
	capture_begin();
	assert_int_equal(sofa_meta_load(dir, "a", &r), EINVAL);
	err = capture_end();
	assert_non_null(strstr(err, "/a.meta: not a meta file"));
	sofa_meta_free(&r);

	put("b.meta", "{\"outcome\":\"ok\",\"bytes\":\"12\"}");
	capture_begin();
	assert_int_equal(sofa_meta_load(dir, "b", &r), EINVAL);
	err = capture_end();
	assert_non_null(strstr(err, "/b.meta: not a meta file (a key has"));
	assert_int_equal(r.bytes, -1);
	assert_null(r.outcome);
	sofa_meta_free(&r);

	put("c.meta", "{\"sha256\":\"ABC\"}");
	capture_begin();
	assert_int_equal(sofa_meta_load(dir, "c", &r), EINVAL);
	capture_end();
	sofa_meta_free(&r);

	put("d.meta", "[1]");
	capture_begin();
	assert_int_equal(sofa_meta_load(dir, "d", &r), EINVAL);
	capture_end();
	sofa_meta_free(&r);

	/* unknown keys are allowed: newer writers may add some */
	put("e.meta", "{\"outcome\":\"failed\",\"future\":[1,2]}");
	assert_int_equal(sofa_meta_load(dir, "e", &r), 0);
	assert_string_equal(r.outcome, "failed");
	sofa_meta_free(&r);
}

static void
put_makes_dirs_and_replaces(void **state)
{
	char *s, path[256];
	struct stat st;

	(void)state;
	assert_int_equal(sofa_store_put(dir, "event/7/lineups", "{\"a\":1}",
	    7), 0);
	s = slurp("event/7/lineups.json");
	assert_string_equal(s, "{\"a\":1}");
	free(s);
	assert_int_equal(sofa_store_put(dir, "event/7/lineups", "{}", 2), 0);
	s = slurp("event/7/lineups.json");
	assert_string_equal(s, "{}");
	free(s);
	snprintf(path, sizeof(path), "%s/event/7/lineups.json", dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 2);
	/* a directory in the way: fails, errno set */
	snprintf(path, sizeof(path), "%s/event/8.json", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	assert_int_equal(sofa_store_put(dir, "event/8", "{}", 2), -1);
	assert_int_equal(errno, EISDIR);
}

static void
matches_checks_size_and_hash(void **state)
{
	struct sofa_meta m;
	char file[256];

	(void)state;
	snprintf(file, sizeof(file), "%s/x.json", dir);
	sofa_meta_init(&m, "x");
	assert_false(sofa_meta_matches(&m, file));	/* no body recorded */
	m.bytes = 3;
	sofa_sha256_hex("abc", 3, m.sha256);
	assert_false(sofa_meta_matches(&m, file));	/* no file */
	put("x.json", "abc");
	assert_true(sofa_meta_matches(&m, file));
	put("x.json", "abd");				/* same size */
	assert_false(sofa_meta_matches(&m, file));
	put("x.json", "abcd");				/* longer */
	assert_false(sofa_meta_matches(&m, file));
	sofa_meta_free(&m);
}

static void
quarantine_keeps_every_body(void **state)
{
	struct sofa_meta m;
	char q[256], *f1, *f2, *s;

	(void)state;
	snprintf(q, sizeof(q), "%s/q", dir);
	sofa_meta_init(&m, "event/1/lineups");
	sofa_meta_set(&m.outcome, "invalid");
	sofa_meta_set(&m.error, "home: expected object, got array");
	f1 = sofa_store_quarantine(q, "event/1/lineups", "<html>", 6, &m,
	    1723834800);
	assert_non_null(f1);
	assert_non_null(strstr(f1, "/q/event/1/lineups.20240816T190000Z.body"));
	f2 = sofa_store_quarantine(q, "event/1/lineups", "<x>", 3, &m,
	    1723834800);
	assert_non_null(f2);
	assert_non_null(strstr(f2,
	    "/q/event/1/lineups.20240816T190000Z-2.body"));
	s = slurp("q/event/1/lineups.20240816T190000Z.body");
	assert_string_equal(s, "<html>");
	free(s);
	s = slurp("q/event/1/lineups.20240816T190000Z.meta");
	assert_non_null(strstr(s, "\"error\":\"home: expected object, got "
	    "array\""));
	assert_non_null(strstr(s, "\"bytes\":6,"));
	free(s);
	/* nothing in the store itself */
	snprintf(q, sizeof(q), "%s/event", dir);
	assert_int_equal(access(q, F_OK), -1);
	free(f1);
	free(f2);
	sofa_meta_free(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sha256_vectors),
		cmocka_unit_test_setup_teardown(meta_round_trip, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(meta_without_body, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(meta_refuses_junk, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(put_makes_dirs_and_replaces,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(matches_checks_size_and_hash,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(quarantine_keeps_every_body,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
