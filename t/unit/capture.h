/*
 * capture.h - catch what the code under test writes to stderr, so that a
 * unit test can assert on its diagnostics instead of letting them through.
 */
#ifndef SOFA_TEST_CAPTURE_H
#define SOFA_TEST_CAPTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int capture_saved = -1;
static FILE *capture_fp;

static void
capture_begin(void)
{
	fflush(stderr);
	capture_fp = tmpfile();
	capture_saved = dup(2);
	dup2(fileno(capture_fp), 2);
}

/* Stop capturing; returns what was written (static, NUL-terminated). */
static const char *
capture_end(void)
{
	static char buf[16384];
	size_t n;

	fflush(stderr);
	dup2(capture_saved, 2);
	close(capture_saved);
	rewind(capture_fp);
	n = fread(buf, 1, sizeof(buf) - 1, capture_fp);
	buf[n] = '\0';
	fclose(capture_fp);
	return buf;
}

#endif
