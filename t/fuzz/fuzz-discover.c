/*
 * fuzz-discover.c - libFuzzer harness: sofa-discover's conversion of an
 * API event list ({"events": [...]} or {"event": {...}}, any body) into
 * match-index lines (common/discover.c), then the index's own reader and
 * writer (common/index.c) over what it produced.  Invariants: every line
 * written reads back as an index line (no line is refused), one line per
 * event id after settling, ids in 1..SOFA_ID_MAX, sorted by start time
 * then id, and a second settle-and-write gives the same bytes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "discover.h"
#include "ids.h"
#include "index.h"
#include "io.h"
#include "json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ix written to a new buffer (caller frees), its length in *len. */
static char *
dump(const struct sofa_ix *ix, size_t *len)
{
	char *buf = NULL;
	FILE *fp;

	if ((fp = open_memstream(&buf, len)) == NULL)
		abort();
	sofa_ix_write(ix, fp);
	if (fclose(fp) != 0)
		abort();
	return buf;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sofa_evctx ctx = { 17, 10356, "15/16", 1700000000 };
	struct sofa_ix ix, back;
	struct sofa_jdoc *doc;
	struct sofa_jerr jerr;
	struct sofa_lr *lr;
	char *out, *again;
	size_t n = 0, len, len2, i;
	FILE *fp;

	if ((doc = sofa_jdoc_parse((char *)data, size, false, &jerr)) == NULL)
		return 0;
	sofa_ix_init(&ix);
	(void)sofa_events_body(&ix, sofa_jdoc_root(doc), &ctx, "fuzz", &n);
	sofa_jdoc_free(doc);
	if (n > ix.n)
		abort();
	sofa_ix_settle(&ix);
	out = dump(&ix, &len);

	/* what was written reads back whole, and settles to itself */
	sofa_ix_init(&back);
	if ((fp = fmemopen(out, len == 0 ? 1 : len, "r")) == NULL)
		abort();
	lr = sofa_lr_new(fp, "fuzz", SIZE_MAX / 2);
	if (len > 0 && sofa_ix_read(&back, lr) != 0)
		abort();
	sofa_lr_free(lr);
	fclose(fp);
	if (back.n != ix.n)
		abort();
	for (i = 0; i < ix.n; i++) {
		if (ix.v[i].id < 1 || ix.v[i].id > SOFA_ID_MAX)
			abort();
		if (i > 0 && (ix.v[i - 1].start > ix.v[i].start ||
		    (ix.v[i - 1].start == ix.v[i].start &&
		    ix.v[i - 1].id >= ix.v[i].id)))
			abort();
	}
	sofa_ix_settle(&back);
	again = dump(&back, &len2);
	if (len2 != len || memcmp(out, again, len) != 0)
		abort();
	free(again);
	free(out);
	sofa_ix_free(&back);
	sofa_ix_free(&ix);
	return 0;
}
