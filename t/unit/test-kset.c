/*
 * test-kset.c - sets and insertion-ordered maps of 64-bit keys
 * (common/kset.c), and the hashes that make keys of several values.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "kset.h"

static void
sets(void **state)
{
	struct sofa_u64set *s = sofa_u64set_new();

	(void)state;
	assert_true(sofa_u64set_add(s, 0));	/* 0 is a key like another */
	assert_false(sofa_u64set_add(s, 0));
	assert_true(sofa_u64set_has(s, 0));
	assert_false(sofa_u64set_has(s, 1));
	/* through many growths: every key in, once */
	for (uint64_t k = 1; k <= 200000; k++)
		assert_true(sofa_u64set_add(s, k * 7919));
	for (uint64_t k = 1; k <= 200000; k++) {
		assert_false(sofa_u64set_add(s, k * 7919));
		assert_true(sofa_u64set_has(s, k * 7919));
		assert_false(sofa_u64set_has(s, k * 7919 + 1));
	}
	assert_int_equal(sofa_u64set_len(s), 200001);
	sofa_u64set_free(s);
}

struct val {
	int n;
	char tag;
};

static void
maps(void **state)
{
	struct sofa_u64map *m = sofa_u64map_new(sizeof(struct val));
	struct val *v;
	uint64_t k;
	bool isnew;

	(void)state;
	assert_null(sofa_u64map_get(m, 42));
	v = sofa_u64map_put(m, 42, &isnew);
	assert_true(isnew);
	assert_int_equal(v->n, 0);		/* zero-filled */
	v->n = 1;
	v->tag = 'a';
	for (uint64_t i = 0; i < 1000; i++) {
		v = sofa_u64map_put(m, 2999 - i, &isnew);
		assert_true(isnew);
		v->n = (int)i;
	}
	v = sofa_u64map_put(m, 42, &isnew);
	assert_false(isnew);
	assert_int_equal(v->n, 1);
	assert_int_equal(v->tag, 'a');
	assert_int_equal(sofa_u64map_len(m), 1001);
	/* insertion order, not key order */
	v = sofa_u64map_at(m, 0, &k);
	assert_int_equal(k, 42);
	v = sofa_u64map_at(m, 1, &k);
	assert_int_equal(k, 2999);
	assert_int_equal(v->n, 0);
	v = sofa_u64map_at(m, 1000, &k);
	assert_int_equal(k, 2000);
	assert_int_equal(((struct val *)sofa_u64map_get(m, 2499))->n, 500);
	sofa_u64map_free(m);
}

static void
hashes(void **state)
{
	(void)state;
	assert_true(sofa_pair64(1, 2) != sofa_pair64(2, 1));
	assert_true(sofa_pair64(1, 2) == sofa_pair64(1, 2));
	assert_true(sofa_pair64(0, 0) != sofa_pair64(0, 1));
	/* length is part of the hash: "a" and "a\0" differ */
	assert_true(sofa_hash64("a", 1, 0) != sofa_hash64("a\0", 2, 0));
	assert_true(sofa_hash64("abcdefghij", 10, 0) !=
	    sofa_hash64("abcdefghik", 10, 0));
	assert_true(sofa_hash64("x", 1, 1) != sofa_hash64("x", 1, 2));
	assert_true(sofa_mix64(1) != sofa_mix64(2));
}

/* No collision among the pairs of a season-sized range of ids. */
static void
pairs_spread(void **state)
{
	struct sofa_u64set *s = sofa_u64set_new();

	(void)state;
	for (uint64_t e = 11000000; e < 11000400; e++)
		for (uint64_t p = 1; p <= 60; p++)
			assert_true(sofa_u64set_add(s, sofa_pair64(e, p)));
	sofa_u64set_free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sets),
		cmocka_unit_test(maps),
		cmocka_unit_test(hashes),
		cmocka_unit_test(pairs_spread),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
