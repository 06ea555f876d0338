/*
 * parse-only - load and parse documents of the raw store, and nothing
 * else: the limit a transform can approach (t/bench/transforms.sh).
 *
 *	parse-only --raw-base DIR ENDPOINT... < IDS
 *
 * For each match id on stdin (plain or index lines), reads and parses
 * event/ID/ENDPOINT.json ("event": event/ID.json) with the same driver and
 * JSON seam as the transforms (common/xform.c over yyjson), walks no value
 * and writes nothing but, at the end, the number of documents parsed.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "err.h"
#include "io.h"
#include "xform.h"

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		SOFA_XF_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	struct sofa_xf_opts o = { 0 };
	struct sofa_xf *xf;
	uint64_t n = 0;
	int64_t id;
	int c;

	sofa_init(argc, argv);
	while ((c = getopt_long(argc, argv, SOFA_XF_SHORTOPTS, longopts,
	    NULL)) != -1)
		if (!sofa_xf_option(&o, c, optarg)) {
			fprintf(stderr, "usage: parse-only --raw-base DIR "
			    "ENDPOINT... < IDS\n");
			return SOFA_EXIT_USAGE;
		}
	o.quiet = true;
	xf = sofa_xf_new(&o, 0, NULL);
	while (sofa_xf_next(xf, &id))
		for (int i = optind; i < argc; i++)
			n += sofa_xf_load(xf, argv[i], SOFA_XF_WANT) != NULL;
	printf("%" PRIu64 "\n", n);
	return sofa_finish(sofa_xf_end(xf));
}
