/*
 * tbuild.c - the table builders' layer over xform (tbuild.h).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "idmap.h"
#include "io.h"
#include "tbuild.h"

static void
usage(const struct sofa_tb *tb, FILE *fp, int status)
{
	fprintf(fp, "usage: %s " SOFA_XF_USAGE "\n", tb->name);
	if (fp == stdout)
		fprintf(fp, "\n%s\n"
		    "Match ids come as operands or one per line on stdin "
		    "(plain, or\nNDJSON lines of the match index with "
		    "\"event_id\").\n\n" SOFA_XF_HELP, tb->help);
	exit(fp == stdout ? sofa_finish(status) : status);
}

int
sofa_tb_main(int argc, char *argv[], struct sofa_tb *tb)
{
	static const struct option longopts[] = {
		SOFA_XF_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	struct sofa_xf_opts o = { 0 };
	struct sofa_idmap *seen;
	int64_t id;
	int c;

	sofa_init(argc, argv);
	while ((c = getopt_long(argc, argv, SOFA_XF_SHORTOPTS, longopts,
	    NULL)) != -1) {
		if (sofa_xf_option(&o, c, optarg))
			continue;
		switch (c) {
		case 'h':
			usage(tb, stdout, SOFA_EXIT_OK);
			break;
		case SOFA_XF_OPT_VERSION:
			printf("%s %s\n", tb->name, SOFA_VERSION);
			return sofa_finish(SOFA_EXIT_OK);
		default:
			usage(tb, stderr, SOFA_EXIT_USAGE);
		}
	}
	tb->xf = sofa_xf_new(&o, argc - optind, argv + optind);
	tb->tab = sofa_xf_table(tb->xf, tb->cols, tb->ncol);
	seen = sofa_idmap_new();
	while (sofa_xf_next(tb->xf, &id) == 1) {
		if (sofa_idmap_get(seen, id) != 0)
			continue;
		sofa_idmap_put(seen, id, 1);
		tb->match(tb, id);
	}
	if (tb->end != NULL)
		tb->end(tb);
	sofa_idmap_free(seen);
	return sofa_finish(sofa_xf_end(tb->xf));
}

bool
sofa_tb_load(struct sofa_tb *tb, const char *endpoint, bool optional,
    struct sofa_tdoc *d)
{
	const struct sofa_xdoc *x;
	struct sofa_jv *err;
	int64_t code;

	memset(d, 0, sizeof(*d));
	x = sofa_xf_load(tb->xf, endpoint, optional ? SOFA_XF_WANT :
	    SOFA_XF_NEED);
	if (x == NULL)
		return false;
	d->ctx.file = x->file;
	err = sofa_jv_get(x->root, "error");
	if (sofa_jv_is_obj(err)) {
		if (!sofa_jv_int(sofa_jv_get(err, "code"), &code))
			code = 0;
		if (code == 404 && !optional)
			sofa_xf_note(tb->xf, "%s not in the store (%s), "
			    "skipped", endpoint, x->file);
		else if (code != 404)
			sofa_xf_bad(tb->xf, x, "an API error body, not a "
			    "document (code %lld)", (long long)code);
		return false;
	}
	d->root = x->root;
	return true;
}

void
sofa_tb_done(struct sofa_tb *tb, struct sofa_tdoc *d)
{
	if (d->ctx.nbad > 0)
		sofa_xf_fail(tb->xf);
	memset(d, 0, sizeof(*d));
}
