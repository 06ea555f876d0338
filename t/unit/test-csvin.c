/*
 * test-csvin.c - the strict CSV reader (common/csvin.c): fields, nulls and
 * empty strings, records across lines and their line numbers, and every
 * kind of broken record with its FILE:LINE message.
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

#include "csvin.h"

/* A reader over the n bytes of s, named "t.csv", records of at most max
 * bytes; *fp is closed by the caller. */
static struct sofa_csvin *
reader(const char *s, size_t n, size_t max, FILE **fp)
{
	*fp = fmemopen((void *)(uintptr_t)s, n, "r");
	assert_non_null(*fp);
	return sofa_csvin_new(*fp, "t.csv", max);
}

#define READER(lit, max, fp) reader(lit, sizeof(lit) - 1, max, fp)

static void
fields_nulls_and_quotes(void **state)
{
	static const char in[] = "a,b,c\n"
	    "1,,\"\"\n"
	    "\"x, \"\"y\"\"\",  two words ,3\n";
	FILE *fp;
	struct sofa_csvin *r = READER(in, 0, &fp);
	size_t len;

	(void)state;
	assert_int_equal(sofa_csvin_header(r), SOFA_CSV_REC);
	assert_int_equal(sofa_csvin_ncols(r), 3);
	assert_string_equal(sofa_csvin_colname(r, 2), "c");
	assert_int_equal(sofa_csvin_col(r, "b"), 1);
	assert_int_equal(sofa_csvin_col(r, "d"), -1);
	assert_int_equal(sofa_csvin_next(r), SOFA_CSV_REC);
	assert_int_equal(sofa_csvin_line(r), 2);
	assert_string_equal(sofa_csvin_get(r, 0, &len), "1");
	assert_null(sofa_csvin_get(r, 1, &len));	/* null */
	assert_string_equal(sofa_csvin_get(r, 2, &len), "");	/* "" */
	assert_int_equal(len, 0);
	assert_null(sofa_csvin_get(r, 3, NULL));	/* out of range */
	assert_int_equal(sofa_csvin_next(r), SOFA_CSV_REC);
	assert_string_equal(sofa_csvin_get(r, 0, NULL), "x, \"y\"");
	/* blanks are data */
	assert_string_equal(sofa_csvin_get(r, 1, NULL), "  two words ");
	assert_int_equal(sofa_csvin_next(r), SOFA_CSV_EOF);
	sofa_csvin_free(r);
	fclose(fp);
}

static void
record_across_lines(void **state)
{
	static const char in[] = "id,text\n"
	    "1,\"one\ntwo\r\nthree\"\n"
	    "2,x\n";
	FILE *fp;
	struct sofa_csvin *r = READER(in, 0, &fp);

	(void)state;
	assert_int_equal(sofa_csvin_header(r), SOFA_CSV_REC);
	assert_int_equal(sofa_csvin_next(r), SOFA_CSV_REC);
	assert_int_equal(sofa_csvin_line(r), 2);
	assert_string_equal(sofa_csvin_get(r, 1, NULL), "one\ntwo\nthree");
	assert_int_equal(sofa_csvin_next(r), SOFA_CSV_REC);
	assert_int_equal(sofa_csvin_line(r), 5);
	assert_string_equal(sofa_csvin_get(r, 0, NULL), "2");
	sofa_csvin_free(r);
	fclose(fp);
}

static void
crlf_and_bom(void **state)
{
	static const char in[] = "\xef\xbb\xbfid,n\r\n1,2\r\n";
	FILE *fp;
	struct sofa_csvin *r = READER(in, 0, &fp);

	(void)state;
	assert_int_equal(sofa_csvin_header(r), SOFA_CSV_REC);
	assert_string_equal(sofa_csvin_colname(r, 0), "id");
	assert_int_equal(sofa_csvin_next(r), SOFA_CSV_REC);
	assert_string_equal(sofa_csvin_get(r, 1, NULL), "2");
	assert_int_equal(sofa_csvin_next(r), SOFA_CSV_EOF);
	sofa_csvin_free(r);
	fclose(fp);
}

/* Each broken record is reported with its line, and reading goes on. */
static void
broken_records(void **state)
{
	static const char in[] = "a,b\n"
	    "1\n"			/* 2: one field */
	    "x\"y,2\n"			/* 3: quote, unquoted field */
	    "\"x\"y,2\n"		/* 4: text after a closing quote */
	    "\n"			/* 5: blank */
	    "n\0l,1\n"			/* 6: NUL */
	    "3,4\n"			/* 7: good */
	    "5,6";			/* 8: no newline */
	static const char *const want[] = {
	    "t.csv:2: 1 field, the header has 2",
	    "t.csv:3: bad quoting at line 3 byte 2 (a quote inside an "
	    "unquoted field or after a closing quote)",
	    "t.csv:4: bad quoting at line 4 byte 4 (a quote inside an "
	    "unquoted field or after a closing quote)",
	    "t.csv:5: blank line",
	    "t.csv:6: NUL byte in line 6",
	};
	FILE *fp;
	struct sofa_csvin *r = READER(in, 0, &fp);

	(void)state;
	assert_int_equal(sofa_csvin_header(r), SOFA_CSV_REC);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		assert_int_equal(sofa_csvin_next(r), SOFA_CSV_BAD);
		assert_string_equal(sofa_csvin_error(r), want[i]);
	}
	assert_string_equal(sofa_csvin_why(r), "NUL byte in line 6");
	assert_int_equal(sofa_csvin_next(r), SOFA_CSV_REC);
	assert_int_equal(sofa_csvin_line(r), 7);
	assert_int_equal(sofa_csvin_next(r), SOFA_CSV_BAD);
	assert_string_equal(sofa_csvin_error(r), "t.csv:8: no newline at the "
	    "end of the last line (truncated file?)");
	assert_int_equal(sofa_csvin_next(r), SOFA_CSV_EOF);
	sofa_csvin_free(r);
	fclose(fp);
}

static void
truncated_in_quotes(void **state)
{
	static const char in[] = "a,b\n1,\"open\nstill open\n";
	FILE *fp;
	struct sofa_csvin *r = READER(in, 0, &fp);

	(void)state;
	assert_int_equal(sofa_csvin_header(r), SOFA_CSV_REC);
	assert_int_equal(sofa_csvin_next(r), SOFA_CSV_BAD);
	assert_string_equal(sofa_csvin_error(r), "t.csv:2: end of file inside "
	    "a quoted field (truncated file?)");
	assert_int_equal(sofa_csvin_next(r), SOFA_CSV_EOF);
	sofa_csvin_free(r);
	fclose(fp);
}

static void
capped(void **state)
{
	static const char in[] = "a,b\n"
	    "1,0123456789012345678901234567890123456789\n"
	    "2,\"0123456789\n0123456789\n0123456789\n0123456789\"\n"
	    "3,ok\n";
	FILE *fp;
	struct sofa_csvin *r = READER(in, 32, &fp);

	(void)state;
	assert_int_equal(sofa_csvin_header(r), SOFA_CSV_REC);
	assert_int_equal(sofa_csvin_next(r), SOFA_CSV_BAD);
	assert_string_equal(sofa_csvin_error(r),
	    "t.csv:2: line 2 longer than 32 bytes");
	assert_int_equal(sofa_csvin_next(r), SOFA_CSV_BAD);
	assert_string_equal(sofa_csvin_error(r), "t.csv:3: record longer than "
	    "32 bytes (a quoted field that does not close?)");
	/* the rest of the record is read as records of its own */
	while (sofa_csvin_next(r) == SOFA_CSV_BAD)
		;
	assert_string_equal(sofa_csvin_get(r, 1, NULL), "ok");
	sofa_csvin_free(r);
	fclose(fp);
}

static void
headers(void **state)
{
	static const char empty[] = "";
	static const char noname[] = "a,,c\n";
	static const char nullname[] = "a,\"\",c\n";
	FILE *fp;
	struct sofa_csvin *r;

	(void)state;
	r = reader(empty, 0, 0, &fp);
	assert_int_equal(sofa_csvin_header(r), SOFA_CSV_EOF);
	sofa_csvin_free(r);
	fclose(fp);
	r = READER(noname, 0, &fp);
	assert_int_equal(sofa_csvin_header(r), SOFA_CSV_BAD);
	assert_string_equal(sofa_csvin_error(r),
	    "t.csv:1: header: column 2 has no name");
	sofa_csvin_free(r);
	fclose(fp);
	r = READER(nullname, 0, &fp);
	assert_int_equal(sofa_csvin_header(r), SOFA_CSV_BAD);
	sofa_csvin_free(r);
	fclose(fp);
}

static void
open_errors(void **state)
{
	(void)state;
	errno = 0;
	assert_null(sofa_csvin_open("/nonexistent/t.csv", 0));
	assert_int_equal(errno, ENOENT);
	errno = 0;
	assert_null(sofa_csvin_open("/", 0));
	assert_int_equal(errno, EISDIR);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fields_nulls_and_quotes),
		cmocka_unit_test(record_across_lines),
		cmocka_unit_test(crlf_and_bom),
		cmocka_unit_test(broken_records),
		cmocka_unit_test(truncated_in_quotes),
		cmocka_unit_test(capped),
		cmocka_unit_test(headers),
		cmocka_unit_test(open_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
