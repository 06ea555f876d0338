/*
 * test-ids.c - the match-id reader (common/ids.c): plain ids and index
 * lines in, every hostile entry refused with its line number.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "capture.h"
#include "ids.h"

/* Feed s as stdin; return the ids read, space-joined, and *nbad. */
static char *
run(const char *s, size_t n, int argc, char **argv, int flags,
    unsigned long *nbad)
{
	static char out[1024];
	FILE *saved = stdin, *in = fmemopen((void *)s, n ? n : 1, "r");
	struct sofa_ids *ids;
	int64_t id;

	if (n == 0)
		fgetc(in);	/* empty stream */
	stdin = in;
	out[0] = '\0';
	ids = sofa_ids_new(argc, argv, 64, flags);
	while (sofa_ids_next(ids, &id) == 1)
		snprintf(out + strlen(out), sizeof(out) - strlen(out), "%lld ",
		    (long long)id);
	*nbad = sofa_ids_nbad(ids);
	sofa_ids_free(ids);
	stdin = saved;
	fclose(in);
	return out;
}

static void
plain_and_index_lines(void **state)
{
	const char in[] = "11352380\n  42 \r\n{\"event_id\":7,\"x\":1}\n"
	    "0012\n";
	unsigned long bad;

	(void)state;
	assert_string_equal(run(in, sizeof(in) - 1, 0, NULL, 0, &bad),
	    "11352380 42 7 12 ");
	assert_int_equal(bad, 0);
}

static void
hostile_lines(void **state)
{
	const char in[] = "../../etc/passwd\n12a\n-1\n0\n\n"
	    "99999999999999999999\n1e5\n{\"event_id\":\"12\"}\n{\"id\":3}\n"
	    "{\"event_id\":-4}\n5\0" "6\n"
	    "123456789012345678901234567890123456789012345678901234567890"
	    "1234567890\n"
	    "\xff\xfe\n{broken\n8";
	unsigned long bad;

	const char *err;

	(void)state;
	capture_begin();
	assert_string_equal(run(in, sizeof(in) - 1, 0, NULL, 0, &bad), "8 ");
	err = capture_end();
	assert_int_equal(bad, 14);
	/* every refused line is named, in order, with why */
	for (int i = 1; i <= 14; i++) {
		char want[32];

		snprintf(want, sizeof(want), "sofa: <stdin>:%d: ", i);
		assert_non_null(strstr(err, want));
	}
	assert_non_null(strstr(err, "<stdin>:1: bad id '../../etc/passwd': "
	    "not a positive integer\n"));
	assert_non_null(strstr(err, "<stdin>:6: bad id "
	    "'99999999999999999999': too large\n"));
	assert_non_null(strstr(err, "<stdin>:11: bad id '5?6': NUL byte\n"));
	assert_non_null(strstr(err, "<stdin>:12: line too long\n"));
	assert_null(strstr(err, "<stdin>:15:"));
}

static void
blank_ok_and_unique(void **state)
{
	const char in[] = "1\n\n2\n1\n2\n3";
	unsigned long bad;

	(void)state;
	assert_string_equal(run(in, sizeof(in) - 1, 0, NULL,
	    SOFA_IDS_BLANK_OK | SOFA_IDS_UNIQUE, &bad), "1 2 3 ");
	assert_int_equal(bad, 0);
	capture_begin();
	assert_string_equal(run(in, sizeof(in) - 1, 0, NULL, 0, &bad),
	    "1 2 1 2 3 ");
	assert_string_equal(capture_end(), "sofa: <stdin>:2: bad id '': "
	    "empty\n");
	assert_int_equal(bad, 1);
}

static void
operands_and_dash(void **state)
{
	char a[] = "5", b[] = "x", c[] = "-", d[] = "6";
	char *argv[] = { a, b, c, d };
	unsigned long bad;

	(void)state;
	capture_begin();
	assert_string_equal(run("7\n8\n", 4, 4, argv, 0, &bad), "5 7 8 6 ");
	assert_string_equal(capture_end(),
	    "sofa: bad id 'x': not a positive integer\n");
	assert_int_equal(bad, 1);
	assert_string_equal(run("", 0, 0, NULL, 0, &bad), "");
	assert_int_equal(bad, 0);
}

static void
unique_many(void **state)
{
	size_t n = 50000 * 8;
	char *in = malloc(n + 1), *p = in;
	unsigned long bad;
	FILE *saved = stdin;
	struct sofa_ids *ids;
	int64_t id;
	size_t count = 0;

	(void)state;
	for (int i = 0; i < 50000; i++)
		p += sprintf(p, "%d\n", 1 + i % 25000);
	stdin = fmemopen(in, (size_t)(p - in), "r");
	ids = sofa_ids_new(0, NULL, 0, SOFA_IDS_UNIQUE);
	while (sofa_ids_next(ids, &id) == 1)
		count++;
	bad = sofa_ids_nbad(ids);
	sofa_ids_free(ids);
	fclose(stdin);
	stdin = saved;
	free(in);
	assert_int_equal(count, 25000);
	assert_int_equal(bad, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_and_index_lines),
		cmocka_unit_test(hostile_lines),
		cmocka_unit_test(blank_ok_and_unique),
		cmocka_unit_test(operands_and_dash),
		cmocka_unit_test(unique_many),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
