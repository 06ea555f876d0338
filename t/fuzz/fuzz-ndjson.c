/*
 * fuzz-ndjson.c - libFuzzer harness: the capped line reader and the NDJSON
 * record reader over arbitrary bytes, every record re-serialized through
 * the writer, which must always produce valid JSON.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io.h"
#include "ndjson.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *in, *out;
	struct sofa_lr *lr;
	struct sofa_jdoc *doc, *again;
	struct sofa_jerr je;
	char *obuf = NULL;
	size_t olen = 0;
	int r;

	if (size == 0 || (in = fmemopen((void *)data, size, "r")) == NULL)
		return 0;
	lr = sofa_lr_new(in, "fuzz", 4096);
	while ((r = sofa_nd_next(lr, &doc)) != 0) {
		struct sofa_jw w;

		if (r != 1)
			continue;
		out = open_memstream(&obuf, &olen);
		sofa_jw_init(&w, out);
		sofa_jw_jv(&w, sofa_jdoc_root(doc));
		fclose(out);
		again = sofa_jdoc_parse(obuf, olen, false, &je);
		if (again == NULL)
			abort();	/* the writer made invalid JSON */
		sofa_jdoc_free(again);
		free(obuf);
		obuf = NULL;
		sofa_jdoc_free(doc);
	}
	sofa_lr_free(lr);
	fclose(in);
	return 0;
}
