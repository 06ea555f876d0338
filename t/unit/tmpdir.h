/*
 * tmpdir.h - a fresh temp directory per unit test: cmocka setup and
 * teardown functions that make "dir" and remove it with everything in it.
 */
#ifndef SOFA_TEST_TMPDIR_H
#define SOFA_TEST_TMPDIR_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char dir[64];

static int
setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/sofa-test.XXXXXX");
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

#endif
