/*
 * fuzz-contract.c - libFuzzer harness: the API contract checker
 * (common/contract.c, as sofa-fetch runs it on every body it stores) over
 * an arbitrary body, against every endpoint of share/sofa/contract.tsv
 * (found under $SOFA_SRCDIR, else under the current directory) and against
 * none; the first line of the input is also matched as an API path
 * against the endpoints' templates.  Invariants: the number of violations
 * returned is the number reported to the callback, each with a key, a
 * wanted type and what was there; sofa_apic_why() is NULL exactly when
 * the body passes; a non-object body always fails.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "contract.h"
#include "json.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct sofa_apic *apic;
static char *endpoints[64];
static size_t nendpoints;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *src = getenv("SOFA_SRCDIR");
	char file[4096], err[512], line[4096];
	bool header = true;
	FILE *fp;

	(void)argc;
	(void)argv;
	snprintf(file, sizeof(file), "%s/share/sofa/contract.tsv",
	    src != NULL ? src : ".");
	if ((apic = sofa_apic_load(file, err, sizeof(err))) == NULL) {
		fprintf(stderr, "fuzz-contract: %s\n", err);
		abort();
	}
	if ((fp = fopen(file, "r")) == NULL)
		abort();
	while (fgets(line, sizeof(line), fp) != NULL) {
		size_t i;

		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (header) {
			header = false;
			continue;
		}
		line[strcspn(line, "\t\n")] = '\0';
		for (i = 0; i < nendpoints; i++)
			if (strcmp(endpoints[i], line) == 0)
				break;
		if (i == nendpoints && nendpoints < 64)
			endpoints[nendpoints++] = strdup(line);
	}
	fclose(fp);
	if (nendpoints == 0)
		abort();
	return 0;
}

static void
count(const char *key, const char *want, const char *got, void *arg)
{
	if (key == NULL || *key == '\0' || want == NULL || got == NULL)
		abort();
	(*(size_t *)arg)++;
}

static void
check(const char *endpoint, const struct sofa_jv *root)
{
	size_t n = 0, r;
	char *why;

	r = sofa_apic_check(apic, endpoint, root, count, &n);
	if (r != n || (!sofa_jv_is_obj(root) && r == 0))
		abort();
	why = sofa_apic_why(apic, endpoint, root);
	if ((why == NULL) != (r == 0))
		abort();
	free(why);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sofa_jdoc *doc;
	struct sofa_jerr je;
	const uint8_t *nl = memchr(data, '\n', size);
	size_t n = nl != NULL ? (size_t)(nl - data) : size;
	char path[1100];

	if (n < sizeof(path) && memchr(data, '\0', n) == NULL) {
		const char *ep;

		memcpy(path, data, n);
		path[n] = '\0';
		if ((ep = sofa_apic_endpoint(apic, path)) != NULL &&
		    sofa_apic_template(apic, ep) == NULL)
			abort();
	}
	if ((doc = sofa_jdoc_parse((char *)(uintptr_t)data, size, false,
	    &je)) == NULL)
		return 0;
	for (size_t i = 0; i < nendpoints; i++)
		check(endpoints[i], sofa_jdoc_root(doc));
	check(NULL, sofa_jdoc_root(doc));
	sofa_jdoc_free(doc);
	return 0;
}
