/*
 * sofa-config - print the effective configuration.
 *
 * Reads the configuration the way every sofa program does (built-in
 * defaults < config file < SOFASCORE_* environment < options) and prints
 * it: every key with its value and where the value came from, one key's
 * value, NDJSON for jq, or quoted export lines that shell scripts eval so
 * that they never hard-code a path.  It is the single source of truth of
 * the shell half of sofa.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "err.h"
#include "io.h"
#include "ndjson.h"

static const char usage_line[] =
    "usage: sofa-config [--config FILE] [-j | --shell | --competitions] "
    "[KEY ...]";

static void
usage(FILE *fp, int status)
{
	fprintf(fp, "%s\n", usage_line);
	if (fp == stdout)
		fputs("\n"
		    "With no KEY, print every key, its value and its origin.\n"
		    "\n"
		    "  -j, --json        one NDJSON object per key\n"
		    "      --shell       export lines for eval in sh\n"
		    "      --competitions  the [competition] sections as "
		    "NDJSON\n"
		    "      --config FILE read FILE instead of the usual one\n"
		    "  -h, --help        this help\n"
		    "      --version     print the version\n", fp);
	exit(fp == stdout ? sofa_finish(status) : status);
}

/* Single-quote s for sh: ' becomes '\''. */
static void
shquote(const char *s)
{
	putchar('\'');
	for (; *s != '\0'; s++) {
		if (*s == '\'')
			fputs("'\\''", stdout);
		else
			putchar(*s);
	}
	putchar('\'');
}

static void
print_shell(struct sofa_config *cfg)
{
	const struct sofa_key *keys;
	char name[96];
	size_t n;

	keys = sofa_config_keys(&n);
	if (sofa_cfg_file(cfg) != NULL) {
		fputs("export SOFASCORE_CONFIG=", stdout);
		shquote(sofa_cfg_file(cfg));
		putchar('\n');
	}
	for (size_t i = 0; i < n; i++) {
		sofa_cfg_envname(keys[i].name, name, sizeof(name));
		printf("export %s=", name);
		shquote(sofa_cfg_str(cfg, keys[i].name));
		putchar('\n');
	}
}

static void
print_all(struct sofa_config *cfg, bool json)
{
	const struct sofa_key *keys;
	struct sofa_jw w;
	size_t n;

	keys = sofa_config_keys(&n);
	sofa_jw_init(&w, stdout);
	for (size_t i = 0; i < n; i++) {
		const char *k = keys[i].name;

		if (json) {
			sofa_jw_obj(&w);
			sofa_jw_kstr(&w, "key", k);
			sofa_jw_kstr(&w, "section", keys[i].section);
			sofa_jw_kstr(&w, "value", sofa_cfg_str(cfg, k));
			sofa_jw_kstr(&w, "origin", sofa_cfg_origin(cfg, k));
			sofa_jw_obj_end(&w);
			sofa_jw_nl(&w);
		} else
			printf("%-22s = %s  # %s\n", k, sofa_cfg_str(cfg, k),
			    sofa_cfg_origin(cfg, k));
	}
}

static void
print_comps(struct sofa_config *cfg)
{
	struct sofa_jw w;

	sofa_jw_init(&w, stdout);
	for (size_t i = 0; i < sofa_cfg_ncomp(cfg); i++) {
		const struct sofa_comp *c = sofa_cfg_comp(cfg, i);
		char where[64 + 4096];

		snprintf(where, sizeof(where), "%s:%u", c->file, c->line);
		sofa_jw_obj(&w);
		sofa_jw_kstr(&w, "name", c->name);
		sofa_jw_kint(&w, "tournament", c->tournament);
		sofa_jw_kstr(&w, "seasons", c->seasons);
		sofa_jw_kstr(&w, "origin", where);
		sofa_jw_obj_end(&w);
		sofa_jw_nl(&w);
	}
}

int
main(int argc, char *argv[])
{
	enum { OPT_SHELL = 256, OPT_COMPS, OPT_CONFIG, OPT_VERSION };
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "shell", no_argument, NULL, OPT_SHELL },
		{ "competitions", no_argument, NULL, OPT_COMPS },
		{ "config", required_argument, NULL, OPT_CONFIG },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 }
	};
	struct sofa_config *cfg;
	const char *file = NULL;
	int c, mode = 0, status = SOFA_EXIT_OK;

	sofa_init(argc, argv);
	while ((c = getopt_long(argc, argv, "jh", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
		case OPT_SHELL:
		case OPT_COMPS:
			if (mode != 0 && mode != c)
				usage(stderr, SOFA_EXIT_USAGE);
			mode = c;
			break;
		case OPT_CONFIG:
			file = optarg;
			break;
		case 'h':
			usage(stdout, SOFA_EXIT_OK);
			break;
		case OPT_VERSION:
			printf("sofa-config %s\n", SOFA_VERSION);
			return sofa_finish(SOFA_EXIT_OK);
		default:
			usage(stderr, SOFA_EXIT_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 0 && mode != 0)
		usage(stderr, SOFA_EXIT_USAGE);

	cfg = sofa_config_xload(file);
	if (mode == OPT_SHELL)
		print_shell(cfg);
	else if (mode == OPT_COMPS)
		print_comps(cfg);
	else if (argc == 0)
		print_all(cfg, mode == 'j');
	for (int i = 0; i < argc; i++) {
		if (!sofa_cfg_known(argv[i])) {
			sofa_warnx("unknown key '%s'", argv[i]);
			status = SOFA_EXIT_USAGE;
			continue;
		}
		puts(sofa_cfg_str(cfg, argv[i]));
	}
	sofa_config_free(cfg);
	return sofa_finish(status);
}
