/*
 * sofa-fetch - download matches into the raw store, politely, resumably,
 * without losing anything.
 *
 * Reads match ids (operands, or stdin: plain ids or match index lines) and
 * fetches each match's configured endpoints into the raw store through the
 * shared HTTP engine and mirror (common/http.h, common/mirror.h): what to
 * ask is decided from what is on disk (common/plan.h), every body is
 * checked against the API contract and written atomically, and one NDJSON
 * outcome line per resource goes to stdout (and to fetch_log).  A run of
 * failed matches opens the circuit breaker (exit 4).  `get PATH` fetches
 * one path for ad-hoc use; --check-contract checks a live match against
 * the contract.
 */
#include <getopt.h>
#include <inttypes.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "contract.h"
#include "err.h"
#include "fetchrun.h"
#include "http.h"
#include "ids.h"
#include "io.h"
#include "mirror.h"
#include "store.h"
#include "timeutil.h"

static const char usage_lines[] =
    "usage: sofa-fetch [-nqu] [--config FILE] [--refresh | --force]\n"
    "           [--endpoints LIST] [--required LIST] [--concurrency N]\n"
    "           [--rate N] [ID ...]\n"
    "       sofa-fetch get [--store] [--config FILE] PATH\n"
    "       sofa-fetch --check-contract [--config FILE] [ID]\n";

static volatile sig_atomic_t interrupted;

static void
usage(FILE *fp, int status)
{
	fputs(usage_lines, fp);
	if (fp == stdout)
		fputs("\n"
		    "Fetch the configured endpoints of each match into the raw "
		    "store; one\nNDJSON outcome line per resource on stdout.\n"
		    "\n"
		    "  -n, --dry-run        say what would be asked and why\n"
		    "  -q, --quiet          no progress display\n"
		    "  -u                   flush stdout after every line\n"
		    "      --refresh        ask again for everything stored\n"
		    "      --force          download everything again\n"
		    "      --endpoints LIST resources per match (endpoints)\n"
		    "      --required LIST  resources a match needs "
		    "(required)\n"
		    "      --concurrency N  requests in flight (concurrency)\n"
		    "      --rate N         requests per second (rate)\n"
		    "      --store          get: keep the body in the store\n"
		    "      --check-contract check a live match against the "
		    "contract\n"
		    "      --config FILE    read FILE instead of the usual "
		    "one\n"
		    "  -h, --help           this help\n"
		    "      --version        print the version\n", fp);
	exit(fp == stdout ? sofa_finish(status) : status);
}

static void
on_signal(int sig)
{
	interrupted = sig;
}

/* --- get and --check-contract ---------------------------------------- */

/* Exit status for an outcome that is not ok, after saying why. */
static int
failed_path(const char *path, enum sofa_http_outcome o, const char *error)
{
	if (o == SOFA_HTTP_BLOCKED) {
		sofa_warnx("%s: %s: %s", path, error, sofa_fetch_advice);
		return SOFA_EXIT_UPSTREAM;
	}
	sofa_warnx("%s: %s", path, error);
	return SOFA_EXIT_FAIL;
}

static int
get(struct sofa_config *cfg, const char *path, bool store)
{
	struct sofa_http *h = sofa_http_new(cfg);
	struct sofa_mirror *mir = sofa_mirror_new(h, cfg);
	int status = SOFA_EXIT_OK;
	const char *why;

	while (*path == '/')
		path++;
	if (!sofa_http_path_ok(path, &why))
		sofa_errx(SOFA_EXIT_USAGE, "get: bad API path '%s': %s", path,
		    why);
	if (store) {
		struct sofa_mirror_res *mr = sofa_mirror_get(mir, path, 0);
		char *file = sofa_store_file(sofa_cfg_str(cfg, "raw_base"),
		    path, ".json"), *buf;
		size_t len;

		if (mr->outcome == SOFA_HTTP_OK ||
		    mr->outcome == SOFA_HTTP_NOT_MODIFIED) {
			if (sofa_readfile(file, SIZE_MAX / 2, &buf, &len) != 0)
				sofa_err(SOFA_EXIT_FAIL, "%s", file);
			fwrite(buf, 1, len, stdout);
			free(buf);
		} else
			status = failed_path(path, mr->outcome, mr->error);
		free(file);
		sofa_mirror_res_free(mr);
	} else {
		struct sofa_http_req q = { path, NULL, NULL, NULL, NULL };
		struct sofa_http_res *res = sofa_http_get(h, &q);
		char *bad;

		if (res->outcome == SOFA_HTTP_OK) {
			fwrite(res->body, 1, res->len, stdout);
			bad = sofa_apic_why(sofa_mirror_contract(mir),
			    sofa_apic_endpoint(sofa_mirror_contract(mir), path),
			    sofa_jdoc_root(res->doc));
			if (bad != NULL) {
				sofa_warnx("%s: API contract: %s", path, bad);
				status = SOFA_EXIT_FAIL;
				free(bad);
			}
		} else
			status = failed_path(path, res->outcome, res->error);
		sofa_http_res_free(res);
	}
	sofa_mirror_free(mir);
	sofa_http_free(h);
	return status;
}

static void
print_violation(const char *key, const char *want, const char *got,
    void *arg)
{
	if (strcmp(got, "absent") == 0)
		printf("%s: %s: missing (expected %s)\n", (const char *)arg,
		    key, want);
	else
		printf("%s: %s: expected %s, got %s\n", (const char *)arg,
		    key, want, got);
}

/* A finished match of yesterday's list (UTC), for --check-contract. */
static int64_t
recent_match(struct sofa_http *h, const struct sofa_apic *c, int *status)
{
	char utc[SOFA_UTC_LEN], path[64];
	struct sofa_http_req q = { path, NULL, NULL, NULL, NULL };
	struct sofa_http_res *res;
	struct sofa_jv *e;
	struct sofa_jit it;
	int64_t id = 0;

	sofa_fmt_utc(sofa_now() - 86400, utc);
	snprintf(path, sizeof(path), "sport/football/scheduled-events/%.10s",
	    utc);
	res = sofa_http_get(h, &q);
	if (res->outcome != SOFA_HTTP_OK) {
		*status = failed_path(path, res->outcome, res->error);
		sofa_http_res_free(res);
		return 0;
	}
	if (sofa_apic_check(c, sofa_apic_endpoint(c, path),
	    sofa_jdoc_root(res->doc), print_violation, path) > 0)
		*status = SOFA_EXIT_FAIL;
	sofa_jit_arr(&it, sofa_jv_get(sofa_jdoc_root(res->doc), "events"));
	while (id == 0 && (e = sofa_jit_next(&it)) != NULL) {
		const char *t = sofa_jv_str(sofa_jv_get(sofa_jv_get(e,
		    "status"), "type"));

		if (t != NULL && strcmp(t, "finished") == 0 &&
		    (!sofa_jv_int(sofa_jv_get(e, "id"), &id) || id < 1))
			id = 0;
	}
	if (id == 0) {
		sofa_warnx("%s: no finished match to check", path);
		*status = SOFA_EXIT_FAIL;
	}
	sofa_http_res_free(res);
	return id;
}

static int
check_contract(struct sofa_config *cfg, int argc, char *argv[])
{
	static const char *const eps[] = { "event", "lineups", "incidents",
	    "statistics" };
	struct sofa_http *h = sofa_http_new(cfg);
	struct sofa_apic *c = sofa_apic_xload(cfg);
	int status = SOFA_EXIT_OK;
	int64_t id = 0;
	const char *why;

	if (argc > 1)
		usage(stderr, SOFA_EXIT_USAGE);
	if (argc == 1 && !sofa_id_parse(argv[0], strlen(argv[0]), &id, &why))
		sofa_errx(SOFA_EXIT_USAGE, "bad id '%s': %s", argv[0], why);
	if (argc == 0)
		id = recent_match(h, c, &status);
	for (size_t i = 0; id > 0 && i < sizeof(eps) / sizeof(eps[0]); i++) {
		char path[SOFA_APIPATH_LEN];
		struct sofa_http_req q = { path, NULL, NULL, NULL, NULL };
		struct sofa_http_res *res;

		res = sofa_http_get(h, (sofa_api_path(path, id, eps[i]), &q));
		if (res->outcome == SOFA_HTTP_ABSENT)
			printf("%s: absent (404), not checked\n", path);
		else if (res->outcome != SOFA_HTTP_OK) {
			int s = failed_path(path, res->outcome, res->error);

			status = s > status ? s : status;
		} else if (sofa_apic_check(c, eps[i], sofa_jdoc_root(res->doc),
		    print_violation, path) > 0) {
			if (status == SOFA_EXIT_OK)
				status = SOFA_EXIT_FAIL;
		} else
			printf("%s: ok\n", path);
		sofa_http_res_free(res);
	}
	sofa_apic_free(c);
	sofa_http_free(h);
	return status;
}

/* --- main ------------------------------------------------------------ */

int
main(int argc, char *argv[])
{
	enum { O_REFRESH = 256, O_FORCE, O_ENDPOINTS, O_REQUIRED, O_CONC,
	    O_RATE, O_STORE, O_CHECK, O_CONFIG, O_VERSION };
	static const struct option longopts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "refresh", no_argument, NULL, O_REFRESH },
		{ "force", no_argument, NULL, O_FORCE },
		{ "endpoints", required_argument, NULL, O_ENDPOINTS },
		{ "required", required_argument, NULL, O_REQUIRED },
		{ "concurrency", required_argument, NULL, O_CONC },
		{ "rate", required_argument, NULL, O_RATE },
		{ "store", no_argument, NULL, O_STORE },
		{ "check-contract", no_argument, NULL, O_CHECK },
		{ "config", required_argument, NULL, O_CONFIG },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, O_VERSION },
		{ NULL, 0, NULL, 0 }
	};
	static const char *const keyopt[][2] = {
		[O_ENDPOINTS - O_REFRESH] = { "endpoints", "--endpoints" },
		[O_REQUIRED - O_REFRESH] = { "required", "--required" },
		[O_CONC - O_REFRESH] = { "concurrency", "--concurrency" },
		[O_RATE - O_REFRESH] = { "rate", "--rate" },
	};
	const char *file = NULL, *sets[O_VERSION - O_REFRESH] = { NULL };
	struct sofa_fetchrun_opts o;
	struct sofa_fetchrun *r;
	struct sofa_config *cfg;
	bool quiet = false, store = false, check = false;
	int c, status;

	sofa_init(argc, argv);
#ifdef __GLIBC__
	/* bodies come and go by the thousand: keep the freed heap instead
	 * of giving it back and faulting it in again a moment later */
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
	mallopt(M_TOP_PAD, 4 << 20);
#endif
	memset(&o, 0, sizeof(o));
	while ((c = getopt_long(argc, argv, "nquh", longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			o.dry = true;
			break;
		case 'q':
			quiet = true;
			break;
		case 'u':
			o.unbuffered = true;
			break;
		case O_REFRESH:
			o.refresh = true;
			break;
		case O_FORCE:
			o.force = true;
			break;
		case O_ENDPOINTS:
		case O_REQUIRED:
		case O_CONC:
		case O_RATE:
			sets[c - O_REFRESH] = optarg;
			break;
		case O_STORE:
			store = true;
			break;
		case O_CHECK:
			check = true;
			break;
		case O_CONFIG:
			file = optarg;
			break;
		case 'h':
			usage(stdout, SOFA_EXIT_OK);
			break;
		case O_VERSION:
			printf("sofa-fetch %s\n", SOFA_VERSION);
			return sofa_finish(SOFA_EXIT_OK);
		default:
			usage(stderr, SOFA_EXIT_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (o.refresh && o.force)
		usage(stderr, SOFA_EXIT_USAGE);
	cfg = sofa_config_xload(file);
	for (int i = 0; i < O_VERSION - O_REFRESH; i++)
		if (sets[i] != NULL)
			sofa_config_xset(cfg, keyopt[i][0], sets[i],
			    keyopt[i][1]);
	if (argc > 0 && strcmp(argv[0], "get") == 0 && !check) {
		if (argc != 2)
			usage(stderr, SOFA_EXIT_USAGE);
		status = get(cfg, argv[1], store);
		sofa_config_free(cfg);
		return sofa_finish(status);
	}
	if (store)
		usage(stderr, SOFA_EXIT_USAGE);
	if (check) {
		status = check_contract(cfg, argc, argv);
		sofa_config_free(cfg);
		return sofa_finish(status);
	}

	o.progress = !quiet;
	r = sofa_fetchrun_new(cfg, &o);
	sofa_fetchrun_read(r, argc, argv);
	if (!o.dry) {
		static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
		struct sigaction sa, old;

		/* stop cleanly: the run sees the flag, finishes what is being
		 * written, says "interrupted"; then we die of the signal */
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_signal;
		sigemptyset(&sa.sa_mask);
		for (size_t i = 0; i < 3; i++)
			if (sigaction(sigs[i], NULL, &old) == 0 &&
			    old.sa_handler != SIG_IGN)
				sigaction(sigs[i], &sa, NULL);
	}
	status = sofa_fetchrun_go(r, &interrupted);
	sofa_fetchrun_free(r);
	if (interrupted) {
		sofa_finish(status);
		signal(interrupted, SIG_DFL);
		raise(interrupted);
	}
	sofa_config_free(cfg);
	return sofa_finish(status);
}
