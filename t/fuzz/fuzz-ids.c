/*
 * fuzz-ids.c - libFuzzer harness: the match-id reader over arbitrary
 * stdin; every id it passes must be a canonical positive integer in range.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "ids.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *saved = stdin, *in;
	struct sofa_ids *ids;
	int64_t id;

	if (size == 0 || (in = fmemopen((void *)data, size, "r")) == NULL)
		return 0;
	stdin = in;
	ids = sofa_ids_new(0, NULL, 256, SOFA_IDS_UNIQUE);
	while (sofa_ids_next(ids, &id) == 1)
		if (id < 1 || id > SOFA_ID_MAX)
			abort();
	sofa_ids_free(ids);
	stdin = saved;
	fclose(in);
	return 0;
}
