/*
 * test-io.c - the capped line reader, NDJSON records, whole-file reads
 * (common/io.c, common/ndjson.c): the hostile-input set of STYLE.md.
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
#include "ndjson.h"

/* Read every line of the n bytes at s into a "|"-joined summary:
 * L<text> for lines, T for too long, in order. */
static char *
lines(const char *s, size_t n, size_t max, unsigned long *last)
{
	static char out[4096];
	FILE *fp = fmemopen((void *)s, n, "r");
	struct sofa_lr *lr = sofa_lr_new(fp, "in", max);
	char *line;
	size_t len;
	int r;

	out[0] = '\0';
	while ((r = sofa_lr_next(lr, &line, &len)) != SOFA_LR_EOF) {
		assert_true(r == SOFA_LR_LINE || r == SOFA_LR_TOOLONG);
		if (r == SOFA_LR_TOOLONG)
			strcat(out, "T|");
		else {
			strcat(out, "L");
			size_t o = strlen(out);

			for (size_t i = 0; i < len; i++)
				out[o++] = line[i] ? line[i] : '@';
			out[o] = '\0';
			strcat(out, "|");
		}
	}
	*last = sofa_lr_lineno(lr);
	sofa_lr_free(lr);
	fclose(fp);
	return out;
}

static void
lr_empty(void **state)
{
	unsigned long n;

	(void)state;
	assert_string_equal(lines("", 0, 100, &n), "");
	assert_int_equal(n, 0);
}

static void
lr_no_final_newline(void **state)
{
	unsigned long n;

	(void)state;
	assert_string_equal(lines("a\nb", 3, 100, &n), "La|Lb|");
	assert_int_equal(n, 2);
}

static void
lr_eof_is_sticky_and_clean(void **state)
{
	FILE *fp = fmemopen((void *)"a", 1, "r");
	struct sofa_lr *lr = sofa_lr_new(fp, "in", 100);
	char *line;
	size_t len;

	(void)state;
	assert_int_equal(sofa_lr_next(lr, &line, &len), SOFA_LR_LINE);
	assert_true(sofa_lr_noeol(lr));
	errno = EIO;	/* a stale errno from the caller is not a read error */
	assert_int_equal(sofa_lr_next(lr, &line, &len), SOFA_LR_EOF);
	errno = EBADF;
	assert_int_equal(sofa_lr_next(lr, &line, &len), SOFA_LR_EOF);
	sofa_lr_free(lr);
	fclose(fp);
}

static void
lr_crlf_and_bom(void **state)
{
	unsigned long n;
	const char in[] = "\xEF\xBB\xBF" "a\r\nb\r\n\r\n";

	(void)state;
	assert_string_equal(lines(in, sizeof(in) - 1, 100, &n), "La|Lb|L|");
	assert_int_equal(n, 3);
}

static void
lr_nul_and_invalid_utf8(void **state)
{
	unsigned long n;
	const char in[] = "a\0b\n\xff\xfe\n";

	(void)state;
	assert_string_equal(lines(in, sizeof(in) - 1, 100, &n),
	    "La@b|L\xff\xfe|");
}

static void
lr_too_long_goes_on(void **state)
{
	unsigned long n;
	char *in = malloc(200000);

	(void)state;
	memset(in, 'x', 200000);
	memcpy(in, "ok\n", 3);
	in[150000] = '\n';
	memcpy(in + 150001, "next\n", 5);
	in[150006] = '\0';
	assert_string_equal(lines(in, 150006, 1000, &n), "Lok|T|Lnext|");
	assert_int_equal(n, 3);
	/* exactly the limit is fine, one more is not */
	assert_string_equal(lines("abcd\nabcde\n", 11, 4, &n), "Labcd|T|");
	free(in);
}

static void
lr_long_line_across_chunks(void **state)
{
	unsigned long n;
	size_t len = 300000;
	char *in = malloc(len + 1);
	FILE *fp;
	struct sofa_lr *lr;
	char *line;
	size_t got;

	(void)state;
	memset(in, 'y', len);
	in[len - 1] = '\n';
	fp = fmemopen(in, len, "r");
	lr = sofa_lr_new(fp, "in", len);
	assert_int_equal(sofa_lr_next(lr, &line, &got), SOFA_LR_LINE);
	assert_int_equal(got, len - 1);
	assert_int_equal(line[got], '\0');
	assert_int_equal(sofa_lr_next(lr, &line, &got), SOFA_LR_EOF);
	n = sofa_lr_lineno(lr);
	assert_int_equal(n, 1);
	sofa_lr_free(lr);
	fclose(fp);
	free(in);
}

/* Run the NDJSON reader over s; return "1"/"-1" per record, joined. */
static char *
records(const char *s, size_t n)
{
	static char out[256];
	FILE *fp = fmemopen((void *)s, n, "r");
	struct sofa_lr *lr = sofa_lr_new(fp, "in", 64);
	struct sofa_jdoc *doc;
	int r;

	out[0] = '\0';
	while ((r = sofa_nd_next(lr, &doc)) != 0) {
		strcat(out, r == 1 ? "ok " : r == -1 ? "bad " : "err ");
		if (r == 1)
			sofa_jdoc_free(doc);
	}
	sofa_lr_free(lr);
	fclose(fp);
	return out;
}

static void
nd_hostile(void **state)
{
	const char nul[] = "{\"a\":1}\n{\"a\":\0}\n";
	const char crlf[] = "{\"a\":1}\r\n{\"b\":2}\r\n";
	const char badutf[] = "{\"a\":\"\xff\"}\n{\"a\":1}";

	const char *err;

	(void)state;
	capture_begin();
	assert_string_equal(records("", 0), "");
	assert_string_equal(records("{\"a\":1}", 7), "ok ");
	assert_string_equal(records(crlf, sizeof(crlf) - 1), "ok ok ");
	assert_string_equal(records(nul, sizeof(nul) - 1), "ok bad ");
	assert_string_equal(records(badutf, sizeof(badutf) - 1), "bad ok ");
	assert_string_equal(records("{\"a\":1}\n{oops\n\n{\"c\":3}\n", 23),
	    "ok bad ok ");
	assert_string_equal(records("[1]\n\"s\"\n{} x\n", 13),
	    "bad bad bad ");
	/* over-long line (max 64), then a good one */
	assert_string_equal(records("{\"k\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}\n{}\n", 81),
	    "bad ok ");
	err = capture_end();
	assert_string_equal(err,
	    "sofa: in:2: invalid JSON at column 6: unexpected character, "
	    "expected a valid JSON value\n"
	    "sofa: in:1: invalid JSON at column 7: invalid UTF-8 encoding in "
	    "string\n"
	    "sofa: in:2: invalid JSON at column 2: unexpected character, "
	    "expected a string for object key\n"
	    "sofa: in:1: not a JSON object but array\n"
	    "sofa: in:2: not a JSON object but string\n"
	    "sofa: in:3: invalid JSON at column 4: unexpected content after "
	    "document\n"
	    "sofa: in:1: line too long\n");
}

static void
readfile_caps(void **state)
{
	char path[] = "/tmp/sofa-test-io.XXXXXX";
	char *buf;
	size_t len;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "0123456789", 10), 10);
	close(fd);
	assert_int_equal(sofa_readfile(path, 10, &buf, &len), 0);
	assert_int_equal(len, 10);
	assert_memory_equal(buf, "0123456789\0\0\0\0", 14);
	free(buf);
	assert_int_equal(sofa_readfile(path, 9, &buf, &len), EFBIG);
	assert_int_equal(sofa_readfile("/nonexistent/x", 9, &buf, &len),
	    ENOENT);
	assert_int_equal(sofa_readfile("/tmp", 9, &buf, &len), EISDIR);
	unlink(path);
}

static void
mkdirs_nested(void **state)
{
	char base[] = "/tmp/sofa-test-mk.XXXXXX";
	char path[256], file[256];
	struct stat st;
	FILE *fp;

	(void)state;
	assert_non_null(mkdtemp(base));
	snprintf(path, sizeof(path), "%s/a/b/c/", base);
	assert_int_equal(sofa_mkdirs(path, 0755), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(sofa_mkdirs(path, 0755), 0);
	snprintf(file, sizeof(file), "%s/f", base);
	fp = fopen(file, "w");
	fclose(fp);
	snprintf(path, sizeof(path), "%s/f/x", base);
	assert_int_equal(sofa_mkdirs(path, 0755), -1);
	assert_int_equal(errno, ENOTDIR);
	snprintf(path, sizeof(path), "rm -r %s", base);
	assert_int_equal(system(path), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lr_empty),
		cmocka_unit_test(lr_no_final_newline),
		cmocka_unit_test(lr_eof_is_sticky_and_clean),
		cmocka_unit_test(lr_crlf_and_bom),
		cmocka_unit_test(lr_nul_and_invalid_utf8),
		cmocka_unit_test(lr_too_long_goes_on),
		cmocka_unit_test(lr_long_line_across_chunks),
		cmocka_unit_test(nd_hostile),
		cmocka_unit_test(readfile_caps),
		cmocka_unit_test(mkdirs_nested),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
