/*
 * tbuild.c - the driver shared by the table builders (tbuild.h).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "config.h"
#include "err.h"
#include "ids.h"
#include "io.h"
#include "tbuild.h"

static void
usage(const struct sofa_tb *tb, FILE *fp, int status)
{
	fprintf(fp, "usage: %s [-jq] [--config FILE] [--raw-base DIR] "
	    "[ID ...]\n", tb->name);
	if (fp == stdout)
		fprintf(fp, "\n%s\n"
		    "Match ids come as operands or one per line on stdin "
		    "(plain, or\nNDJSON lines of the match index with "
		    "\"event_id\").\n\n"
		    "  -j                NDJSON instead of CSV\n"
		    "  -q                no notes about absent documents\n"
		    "      --config FILE read FILE instead of the usual one\n"
		    "      --raw-base DIR  the raw store (key raw_base)\n"
		    "  -h, --help        this help\n"
		    "      --version     print the version\n", tb->help);
	exit(fp == stdout ? sofa_finish(status) : status);
}

int
sofa_tb_main(int argc, char *argv[], struct sofa_tb *tb)
{
	enum { OPT_CONFIG = 256, OPT_RAW, OPT_VERSION };
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, OPT_CONFIG },
		{ "raw-base", required_argument, NULL, OPT_RAW },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 }
	};
	struct sofa_config *cfg;
	struct sofa_ids *ids;
	const char *file = NULL, *raw = NULL;
	bool json = false;
	int64_t id;
	int c;

	sofa_init(argc, argv);
	while ((c = getopt_long(argc, argv, "jqh", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'q':
			tb->src.quiet = true;
			break;
		case OPT_CONFIG:
			file = optarg;
			break;
		case OPT_RAW:
			raw = optarg;
			break;
		case 'h':
			usage(tb, stdout, SOFA_EXIT_OK);
			break;
		case OPT_VERSION:
			printf("%s %s\n", tb->name, SOFA_VERSION);
			return sofa_finish(SOFA_EXIT_OK);
		default:
			usage(tb, stderr, SOFA_EXIT_USAGE);
		}
	}
	argc -= optind;
	argv += optind;

	cfg = sofa_config_xload(file);
	if (raw != NULL)
		sofa_config_xset(cfg, "raw_base", raw, "--raw-base");
	tb->src.raw_base = sofa_cfg_str(cfg, "raw_base");
	tb->src.max_body = (size_t)sofa_cfg_int(cfg, "max_body");
	ids = sofa_ids_new(argc, argv, (size_t)sofa_cfg_int(cfg, "max_line"),
	    SOFA_IDS_UNIQUE | SOFA_IDS_BLANK_OK);
	tb->tab = sofa_tab_new(stdout, json, tb->cols, tb->ncol);
	while (sofa_ids_next(ids, &id) == 1) {
		tb->match(tb, id);
		sofa_check_stdout();
	}
	if (tb->end != NULL)
		tb->end(tb);
	c = tb->src.nbad > 0 || sofa_ids_nbad(ids) > 0 ? SOFA_EXIT_FAIL :
	    SOFA_EXIT_OK;
	sofa_tab_free(tb->tab);
	sofa_ids_free(ids);
	sofa_config_free(cfg);
	return sofa_finish(c);
}
