/*
 * test-config.c - the configuration layers (common/config.c): defaults,
 * file with file:line origins, environment, options, path resolution, and
 * a clear FILE:LINE message for every kind of bad file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"

static char dir[64], ini[128];

static int
setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/sofa-test-cfg.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(ini, sizeof(ini), "%s/sofa.ini", dir);
	unsetenv("SOFASCORE_CONFIG");
	unsetenv("SOFASCORE_RAW_BASE");
	unsetenv("SOFASCORE_ROOT");
	unsetenv("SOFASCORE_ENV");
	unsetenv("SOFASCORE_CONCURRENCY");
	unsetenv("ENV");
	return chdir(dir);
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return chdir("/") || system(cmd);
}

static void
write_ini(const char *text)
{
	FILE *fp = fopen(ini, "w");

	fputs(text, fp);
	fclose(fp);
}

static struct sofa_config *
load(const char *text, char *err)
{
	write_ini(text);
	return sofa_config_load(ini, err, 256);
}

static void
layers_and_origins(void **state)
{
	struct sofa_config *cfg;
	char err[256], want[256];

	(void)state;
	cfg = load("[sofa]\nenv = ci\n\n[paths]\nraw_base = /srv/raw\n"
	    "[http]\nconcurrency = 8\n", err);
	assert_non_null(cfg);
	assert_string_equal(sofa_cfg_str(cfg, "env"), "ci");
	snprintf(want, sizeof(want), "%s:2", ini);
	assert_string_equal(sofa_cfg_origin(cfg, "env"), want);
	assert_string_equal(sofa_cfg_str(cfg, "raw_base"), "/srv/raw");
	assert_int_equal(sofa_cfg_int(cfg, "concurrency"), 8);
	assert_string_equal(sofa_cfg_origin(cfg, "retries"), "default");
	assert_int_equal(sofa_cfg_int(cfg, "retries"), 4);
	sofa_config_free(cfg);

	setenv("SOFASCORE_RAW_BASE", "/env/raw", 1);
	setenv("ENV", "prod", 1);
	cfg = sofa_config_load(ini, err, sizeof(err));
	assert_string_equal(sofa_cfg_str(cfg, "raw_base"), "/env/raw");
	assert_string_equal(sofa_cfg_origin(cfg, "raw_base"),
	    "environment SOFASCORE_RAW_BASE");
	assert_string_equal(sofa_cfg_str(cfg, "env"), "prod");
	assert_string_equal(sofa_cfg_origin(cfg, "env"), "environment ENV");
	sofa_config_xset(cfg, "raw_base", "/opt/raw", "--raw-base");
	assert_string_equal(sofa_cfg_str(cfg, "raw_base"), "/opt/raw");
	assert_string_equal(sofa_cfg_origin(cfg, "raw_base"),
	    "option --raw-base");
	sofa_config_free(cfg);
	setenv("SOFASCORE_ENV", "staging", 1);
	cfg = sofa_config_load(ini, err, sizeof(err));
	assert_string_equal(sofa_cfg_str(cfg, "env"), "staging");
	sofa_config_free(cfg);
}

static void
paths_resolve_against_root(void **state)
{
	struct sofa_config *cfg;
	char err[256], want[256];

	(void)state;
	/* root in the file is relative to the file's directory */
	cfg = load("[sofa]\nroot = sub/../data-root\n[paths]\n"
	    "index_dir = idx\n", err);
	assert_non_null(cfg);
	snprintf(want, sizeof(want), "%s/data-root", dir);
	assert_string_equal(sofa_cfg_str(cfg, "root"), want);
	snprintf(want, sizeof(want), "%s/data-root/data/raw", dir);
	assert_string_equal(sofa_cfg_str(cfg, "raw_base"), want);
	snprintf(want, sizeof(want), "%s/data-root/idx/matches.ndjson", dir);
	assert_string_equal(sofa_cfg_str(cfg, "index_path"), want);
	sofa_config_free(cfg);

	/* root from the environment is relative to the current directory */
	setenv("SOFASCORE_ROOT", "elsewhere", 1);
	cfg = sofa_config_load(ini, err, sizeof(err));
	snprintf(want, sizeof(want), "%s/elsewhere/idx/matches.ndjson", dir);
	assert_string_equal(sofa_cfg_str(cfg, "index_path"), want);
	sofa_config_free(cfg);
	unsetenv("SOFASCORE_ROOT");
}

static void
lists_and_competitions(void **state)
{
	struct sofa_config *cfg;
	const struct sofa_comp *c;
	char err[256];

	(void)state;
	cfg = load("[fetch]\nendpoints = event, lineups shotmap\n"
	    "[competition premier-league]\ntournament = 17\n"
	    "seasons = 2023/24 24/25\n[competition laliga]\ntournament = 8\n",
	    err);
	assert_non_null(cfg);
	assert_true(sofa_cfg_has(cfg, "endpoints", "lineups"));
	assert_true(sofa_cfg_has(cfg, "endpoints", "shotmap"));
	assert_false(sofa_cfg_has(cfg, "endpoints", "line"));
	assert_false(sofa_cfg_has(cfg, "endpoints", "statistics"));
	assert_int_equal(sofa_cfg_ncomp(cfg), 2);
	c = sofa_cfg_comp(cfg, 0);
	assert_string_equal(c->name, "premier-league");
	assert_int_equal(c->tournament, 17);
	assert_string_equal(c->seasons, "2023/24 24/25");
	assert_int_equal(c->line, 3);
	c = sofa_cfg_comp(cfg, 1);
	assert_string_equal(c->seasons, "current");
	sofa_config_free(cfg);
}

/* Each bad file gives exactly this message. */
static void
bad_files(void **state)
{
	static const struct {
		const char *text, *msg;
	} cases[] = {
		{ "[http]\nconcurrency = many\n",
		  ":2: concurrency: 'many' is not an integer (1..64)" },
		{ "[http]\nconcurrency = 65\n",
		  ":2: concurrency: '65' is out of range (1..64)" },
		{ "[paths]\nraw_bsae = x\n", ":2: unknown key 'raw_bsae'" },
		{ "[http]\nraw_base = x\n",
		  ":2: key 'raw_base' belongs in [paths], not [http]" },
		{ "[paths]\nraw_base = a\nraw_base = b\n",
		  ":3: key 'raw_base' set twice (first at " },
		{ "[paths\nraw_base = a\n", ":1: syntax error" },
		{ "[paths]\njust words\n", ":2: syntax error" },
		{ "[nope]\n", ":1: unknown section [nope]" },
		{ "[sofa]\napi_base = ftp://x\n",
		  ":2: api_base: 'ftp://x' is not an http:// or https:// URL" },
		{ "[sofa]\nfsync = perhaps\n", ":2: fsync: 'perhaps' is not a "
		  "boolean" },
		{ "[competition x]\nseasons = all\n",
		  ":1: [competition x] has no tournament" },
		{ "[competition x]\ntournament = abc\n",
		  ":2: [competition x] tournament: 'abc' is not" },
		{ "[paths]\nraw_base = a\n  continued\n",
		  ":3: indented line" },
	};
	char err[256], want[256];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_null(load(cases[i].text, err));
		snprintf(want, sizeof(want), "%s%s", ini, cases[i].msg);
		if (strncmp(err, want, strlen(want)) != 0)
			fail_msg("case %zu: got '%s', want '%s'", i, err, want);
	}
}

static void
long_line_and_missing_file(void **state)
{
	char text[400], err[256], want[256];

	(void)state;
	memset(text, 'x', sizeof(text));
	memcpy(text, "[http]\nuser_agent = ", 20);
	strcpy(text + 300, "\n[http]\n");
	assert_null(load(text, err));
	snprintf(want, sizeof(want), "%s:2: line too long (at most 199 bytes)",
	    ini);
	assert_string_equal(err, want);
	assert_null(sofa_config_load("/nonexistent/sofa.ini", err,
	    sizeof(err)));
	assert_string_equal(err,
	    "/nonexistent/sofa.ini: No such file or directory");
}

static void
bad_environment(void **state)
{
	char err[256];

	(void)state;
	write_ini("");
	setenv("SOFASCORE_CONCURRENCY", "0", 1);
	assert_null(sofa_config_load(ini, err, sizeof(err)));
	assert_string_equal(err, "environment SOFASCORE_CONCURRENCY: '0' is "
	    "out of range (1..64)");
	unsetenv("SOFASCORE_CONCURRENCY");
}

static void
search_order(void **state)
{
	struct sofa_config *cfg;
	char err[256];

	(void)state;
	/* ./etc/sofa.ini is found from the current directory */
	assert_int_equal(system("mkdir etc && printf '[sofa]\\nenv = local\\n'"
	    " > etc/sofa.ini"), 0);
	cfg = sofa_config_load(NULL, err, sizeof(err));
	assert_string_equal(sofa_cfg_file(cfg), "etc/sofa.ini");
	assert_string_equal(sofa_cfg_origin(cfg, "env"), "etc/sofa.ini:2");
	sofa_config_free(cfg);
	/* SOFASCORE_CONFIG wins over it */
	write_ini("[sofa]\nenv = named\n");
	setenv("SOFASCORE_CONFIG", ini, 1);
	cfg = sofa_config_load(NULL, err, sizeof(err));
	assert_string_equal(sofa_cfg_str(cfg, "env"), "named");
	sofa_config_free(cfg);
	unsetenv("SOFASCORE_CONFIG");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(layers_and_origins, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(paths_resolve_against_root, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(lists_and_competitions, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(bad_files, setup, teardown),
		cmocka_unit_test_setup_teardown(long_line_and_missing_file,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(bad_environment, setup, teardown),
		cmocka_unit_test_setup_teardown(search_order, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
