/*
 * tbfuzz.h - the body of the table-builder harnesses (fuzz-matches,
 * fuzz-teams, fuzz-players, fuzz-incidents, fuzz-teamstats).
 *
 * Each harness includes its tool's source with main renamed to
 * fuzz_tool_main, then this file (which uses no header the tools do not,
 * so that a tool's static names cannot clash with it: stdio for files).
 * The input is written, once per run, to a private raw store as match 1's
 * event, lineups, incidents and statistics documents at once (the
 * top-level keys "event", "home"/"away"/"confirmed", "incidents" and
 * "statistics" do not collide, so one document reaches every reader), and
 * the tool's own main runs on it with "-q --config /dev/null --raw-base
 * STORE 1", its table going to /dev/null.  Whatever the document, the
 * tool must return 0 or 1 (never exit, crash, leak or trip a sanitizer);
 * it exits 1 exactly when it reported a bad document, so a return of 1
 * with nothing on stderr would be caught by the tests, not here.
 */
#ifndef SOFA_TBFUZZ_H
#define SOFA_TBFUZZ_H

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char fz_dir[64];
static const char *const fz_docs[] = { "event/1.json",
    "event/1/lineups.json", "event/1/incidents.json",
    "event/1/statistics.json" };
#define FZ_NDOCS (sizeof(fz_docs) / sizeof(fz_docs[0]))

static void
fz_path(char *buf, size_t len, const char *rel)
{
	if ((size_t)snprintf(buf, len, "%s/%s", fz_dir, rel) >= len)
		abort();
}

static void
fz_cleanup(void)
{
	char p[192];

	for (size_t i = 0; i < FZ_NDOCS; i++) {
		fz_path(p, sizeof(p), fz_docs[i]);
		remove(p);
	}
	fz_path(p, sizeof(p), "event/1");
	remove(p);
	fz_path(p, sizeof(p), "event");
	remove(p);
	remove(fz_dir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char p[192];

	(void)argc;
	(void)argv;
	/* memory, where there is some: rewriting files on a disk costs
	 * more than the transform itself */
	strcpy(fz_dir, "/dev/shm/sofa-fuzz-tb.XXXXXX");
	if (mkdtemp(fz_dir) == NULL) {
		strcpy(fz_dir, "/tmp/sofa-fuzz-tb.XXXXXX");
		if (mkdtemp(fz_dir) == NULL)
			abort();
	}
	fz_path(p, sizeof(p), "event");
	if (mkdir(p, 0700) != 0)
		abort();
	fz_path(p, sizeof(p), "event/1");
	if (mkdir(p, 0700) != 0)
		abort();
	atexit(fz_cleanup);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char a0[] = "sofa-fuzz", a1[] = "-q", a2[] = "--config",
	    a3[] = "/dev/null", a4[] = "--raw-base", a6[] = "1";
	char *av[] = { a0, a1, a2, a3, a4, fz_dir, a6, NULL };
	FILE *saved = stdout, *fp;
	char p[192];
	int st;

	for (size_t i = 0; i < FZ_NDOCS; i++) {
		fz_path(p, sizeof(p), fz_docs[i]);
		if ((fp = fopen(p, "w")) == NULL ||
		    fwrite(data, 1, size, fp) != size || fclose(fp) != 0)
			abort();
	}
	if ((stdout = fopen("/dev/null", "w")) == NULL)
		abort();
	optind = 0;
	st = fuzz_tool_main(7, av);
	stdout = saved;		/* the tool closed its own */
	if (st != 0 && st != 1)
		abort();
	return 0;
}

#endif
