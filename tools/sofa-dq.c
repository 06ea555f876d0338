/*
 * sofa-dq - the data-quality gate: nothing is published that fails it.
 *
 * Reads the published tables (processed_dir/TABLE.csv, checked against
 * share_dir/schema/TABLE.tsv), the match index, the raw store's .meta
 * sidecars, the fetch log and the run ledger; runs the named rules of
 * share_dir/dq/rules.tsv over them and writes a report on stdout:
 * readable, NDJSON (-j) or TAP (--tap).  Exits 0 when no FAIL-level rule
 * failed (WARNs allowed), 3 when one did, 1 when an input cannot be read,
 * 2 on a usage or configuration error.  The pipeline's dq step runs it
 * before publishing.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "dq.h"
#include "err.h"
#include "io.h"
#include "xalloc.h"

static const char usage_line[] =
    "usage: sofa-dq [--config FILE] [-j | --tap] [--tables DIR] "
    "[--examples N] [--rule RULE] ... [RULE ...]\n"
    "       sofa-dq [--config FILE] --list";

static void
usage(FILE *fp, int status)
{
	fprintf(fp, "%s\n", usage_line);
	if (fp == stdout)
		fputs("\n"
		    "Check the published tables, the index, the raw store and "
		    "the last runs.\n"
		    "RULE is a rule id, a family (schema, keys, consistency, "
		    "coverage,\n"
		    "freshness) or all; with none, every rule the "
		    "configuration enables.\n"
		    "\n"
		    "  -j, --json          one NDJSON object per rule\n"
		    "      --tap           TAP, one test per rule (WARN is "
		    "TODO)\n"
		    "      --tables DIR    read the tables from DIR "
		    "(processed_dir)\n"
		    "  -n, --examples N    show up to N examples per rule "
		    "(dq_examples)\n"
		    "      --rule RULE     run RULE (repeatable), as an "
		    "operand does\n"
		    "      --list          list the rules and their severity\n"
		    "      --config FILE   read FILE instead of the usual "
		    "one\n"
		    "  -h, --help          this help\n"
		    "      --version       print the version\n"
		    "\n"
		    "Exit: 0 no FAIL (WARNs allowed), 3 a FAIL rule did not "
		    "pass,\n"
		    "1 an input cannot be read, 2 usage or configuration "
		    "error.\n", fp);
	exit(fp == stdout ? sofa_finish(status) : status);
}

enum {
	OPT_TAP = 256, OPT_TABLES, OPT_RULE, OPT_LIST, OPT_CONFIG,
	OPT_VERSION
};

static const struct option longopts[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "tap", no_argument, NULL, OPT_TAP },
	{ "tables", required_argument, NULL, OPT_TABLES },
	{ "examples", required_argument, NULL, 'n' },
	{ "rule", required_argument, NULL, OPT_RULE },
	{ "list", no_argument, NULL, OPT_LIST },
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 }
};

/* The paths and limits of the checks, from the configuration. */
static void
input(struct sofa_config *cfg, struct sofa_dq_input *in, char **own)
{
	const char *share = sofa_cfg_str(cfg, "share_dir");
	const char *idir = sofa_cfg_str(cfg, "index_dir");

	own[0] = xasprintf("%s/schema", share);
	own[1] = xasprintf("%s/dq/status_codes.tsv", share);
	own[2] = xasprintf("%s/latest_successful_run.json", idir);
	in->tables_dir = sofa_cfg_str(cfg, "processed_dir");
	in->schema_dir = own[0];
	in->status_file = own[1];
	in->ledger = own[2];
	in->index_path = sofa_cfg_str(cfg, "index_path");
	in->raw_base = sofa_cfg_str(cfg, "raw_base");
	in->fetch_log = sofa_cfg_str(cfg, "fetch_log");
	in->required = sofa_cfg_str(cfg, "required");
	in->endpoints = sofa_cfg_str(cfg, "endpoints");
	in->freshness_hours = sofa_cfg_int(cfg, "freshness_hours");
	in->minutes_tolerance = sofa_cfg_int(cfg, "minutes_tolerance");
	in->max_substitutions = sofa_cfg_int(cfg, "max_substitutions");
	in->coverage_fail_fraction = sofa_cfg_real(cfg,
	    "coverage_fail_fraction");
	in->max_line = (size_t)sofa_cfg_int(cfg, "max_line");
}

/*
 * The rules with their texts, the configuration's overrides and the
 * selection sel[0..n-1] applied; new (caller frees), or NULL with the
 * configuration or usage error in err.
 */
static struct sofa_dq *
load_rules(struct sofa_config *cfg, char *const sel[], size_t n, char *err,
    size_t errlen)
{
	char *textfile, why[512];
	struct sofa_dq *dq;

	textfile = xasprintf("%s/dq/rules.tsv", sofa_cfg_str(cfg,
	    "share_dir"));
	dq = sofa_dq_new(textfile, sofa_dq_ids, sofa_dq_nids,
	    (size_t)sofa_cfg_int(cfg, "dq_examples"), err, errlen);
	free(textfile);
	if (dq == NULL)
		return NULL;
	if (!sofa_dq_override(dq, sofa_cfg_str(cfg, "dq_rules"), why,
	    sizeof(why))) {
		snprintf(err, errlen, "%s: dq_rules: %s",
		    sofa_cfg_origin(cfg, "dq_rules"), why);
		goto fail;
	}
	for (size_t i = 0; i < n; i++)
		if (!sofa_dq_select(dq, sel[i])) {
			snprintf(err, errlen, "no rule '%s' (sofa-dq --list "
			    "shows them)", sel[i]);
			goto fail;
		}
	return dq;
fail:
	sofa_dq_free(dq);
	return NULL;
}

int
main(int argc, char *argv[])
{
	enum sofa_dq_format fmt = SOFA_DQ_TEXT;
	const char *file = NULL, *tables = NULL, *examples = NULL;
	struct sofa_config *cfg;
	struct sofa_dq_input in;
	struct sofa_dq *dq;
	char **rules, *own[3], err[4096 + 256];
	size_t nrules = 0;
	bool list = false;
	int c, status;

	sofa_init(argc, argv);
	rules = xcalloc((size_t)argc + 1, sizeof(*rules));
	while ((c = getopt_long(argc, argv, "jn:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
		case OPT_TAP:
			if (fmt != SOFA_DQ_TEXT && fmt != (c == 'j' ?
			    SOFA_DQ_NDJSON : SOFA_DQ_TAP))
				usage(stderr, SOFA_EXIT_USAGE);
			fmt = c == 'j' ? SOFA_DQ_NDJSON : SOFA_DQ_TAP;
			break;
		case OPT_TABLES:
			tables = optarg;
			break;
		case 'n':
			examples = optarg;
			break;
		case OPT_RULE:
			rules[nrules++] = optarg;
			break;
		case OPT_LIST:
			list = true;
			break;
		case OPT_CONFIG:
			file = optarg;
			break;
		case 'h':
			usage(stdout, SOFA_EXIT_OK);
			break;
		case OPT_VERSION:
			free(rules);
			printf("sofa-dq %s\n", SOFA_VERSION);
			return sofa_finish(SOFA_EXIT_OK);
		default:
			usage(stderr, SOFA_EXIT_USAGE);
		}
	}
	for (int i = optind; i < argc; i++)
		rules[nrules++] = argv[i];
	if (list && (nrules > 0 || fmt != SOFA_DQ_TEXT))
		usage(stderr, SOFA_EXIT_USAGE);

	cfg = sofa_config_xload(file);
	if (tables != NULL)
		sofa_config_xset(cfg, "processed_dir", tables, "--tables");
	if (examples != NULL)
		sofa_config_xset(cfg, "dq_examples", examples, "--examples");
	if ((dq = load_rules(cfg, rules, nrules, err, sizeof(err))) == NULL) {
		free(rules);
		sofa_config_free(cfg);
		sofa_errx(SOFA_EXIT_USAGE, "%s", err);
	}

	if (list) {
		sofa_dq_list(dq, stdout);
		status = SOFA_EXIT_OK;
	} else {
		input(cfg, &in, own);
		status = sofa_dq_run_tables(dq, &in);
		if (sofa_dq_run_coverage(dq, &in) != SOFA_EXIT_OK)
			status = SOFA_EXIT_FAIL;
		sofa_dq_report(dq, stdout, fmt);
		if (status == SOFA_EXIT_OK)
			status = sofa_dq_exit(dq);
		for (size_t i = 0; i < 3; i++)
			free(own[i]);
	}
	sofa_dq_free(dq);
	free(rules);
	sofa_config_free(cfg);
	return sofa_finish(status);
}
