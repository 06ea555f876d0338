/*
 * test-http.c - the HTTP engine (common/http.c): the policy helpers
 * (paths, Retry-After, backoff, the transient set) and the engine itself
 * against a tiny scripted loopback server forked by the test, which logs
 * every request it gets: retries and their growing delays, Retry-After in
 * seconds and as a date, 403/404/error objects, bodies that are not JSON,
 * redirects within and off the origin, the body cap, conditional
 * requests, the rate limit, stop, feeders, the blocking call and bad
 * paths.  sofa-fetch's bats tests drive the same engine through fakesofa.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"
#include "http.h"
#include "timeutil.h"
#include "xalloc.h"

/* --- the scripted server --------------------------------------------- */

/*
 * Per path, the responses to its 1st, 2nd, ... request (the last one
 * repeats): "STATUS" or "STATUS|Header: v\r\n...|BODY".  Every request is
 * logged as "PATH TIME HEADERS" on one line of the log.
 */
struct script {
	const char *path;
	const char *resp[6];
};

static const struct script script[] = {
	{ "ok", { "200||{\"a\":1}" } },
	{ "flaky", { "503", "503", "200||{\"b\":2}" } },
	{ "down", { "503" } },
	{ "slow429", { "429|Retry-After: 1\r\n|{}", "200||{}" } },
	{ "date429", { "429|Retry-After: DATE+1\r\nDate: DATE\r\n|{}",
	    "200||{}" } },
	{ "past429", { "429|Retry-After: Thu, 01 Jan 2015 00:00:00 GMT\r\n"
	    "|{}", "200||{}" } },
	{ "long429", { "429|Retry-After: 500\r\n|{}", "200||{}" } },
	{ "block", { "403||{\"error\":{\"code\":403,\"reason\":"
	    "\"challenge\"}}" } },
	{ "gone", { "404||{\"error\":{\"code\":404,\"message\":"
	    "\"Not Found\"}}" } },
	{ "errobj", { "200||{\"error\":{\"code\":403,\"reason\":"
	    "\"challenge\"}}" } },
	{ "html", { "200|Content-Type: text/html\r\n|<html>x</html>" } },
	{ "html-then-ok", { "200||<html>", "200||[1,2]" } },
	{ "offsite", { "302|Location: http://example.invalid/x\r\n|" } },
	{ "onsite", { "301|Location: /api/v1/ok\r\n|" } },
	{ "big", { "200||BIG" } },	/* a JSON string of 2000 bytes */
	{ "cond", { "304|ETag: W/\"e2\"\r\n|" } },
	{ "teapot", { "418||{}" } },
	{ NULL, { NULL } }
};

static char logfile[64];
static pid_t server;
static int port;

static void
serve_one(int c, int *hits)
{
	char req[8192], path[256], body[4096], hdrs[1024], out[8192];
	const char *r, *bar, *bar2;
	size_t n = 0;
	ssize_t k;
	int i, status;
	FILE *log;

	while (n < sizeof(req) - 1 && (k = read(c, req + n,
	    sizeof(req) - 1 - n)) > 0) {
		n += (size_t)k;
		req[n] = '\0';
		if (strstr(req, "\r\n\r\n") != NULL)
			break;
	}
	req[n] = '\0';
	if (sscanf(req, "GET /api/v1/%255s", path) != 1)
		strcpy(path, "?");
	log = fopen(logfile, "a");
	for (char *p = req; *p; p++)
		if (*p == '\r' || *p == '\n')
			*p = ' ';
	fprintf(log, "%s %.3f %s\n", path, sofa_mono(), req);
	fclose(log);
	for (i = 0; script[i].path != NULL; i++)
		if (strcmp(script[i].path, path) == 0)
			break;
	if (script[i].path == NULL) {
		r = "404||{\"error\":{\"code\":404}}";
	} else {
		int h = hits[i]++, last = 0;

		while (last + 1 < 6 && script[i].resp[last + 1] != NULL)
			last++;
		r = script[i].resp[h < last ? h : last];
	}
	status = atoi(r);
	hdrs[0] = body[0] = '\0';
	if ((bar = strchr(r, '|')) != NULL) {
		bar2 = strchr(bar + 1, '|');
		snprintf(hdrs, sizeof(hdrs), "%.*s", (int)(bar2 - bar - 1),
		    bar + 1);
		snprintf(body, sizeof(body), "%s", bar2 + 1);
	}
	if (strcmp(body, "BIG") == 0) {
		memset(body, 'x', 2000);
		body[0] = body[1999] = '"';
		body[2000] = '\0';
	}
	/* "DATE" in a header: now as an HTTP date, "DATE+1" a second on */
	{
		char *d, date[SOFA_HTTPDATE_LEN], tmp[1024];

		while ((d = strstr(hdrs, "DATE")) != NULL) {
			time_t t = time(NULL) - 3600;	/* a skewed server */

			if (strncmp(d, "DATE+1", 6) == 0) {
				t += 1;
				memmove(d + 4, d + 6, strlen(d + 6) + 1);
			}
			sofa_fmt_http_date(t, date);
			snprintf(tmp, sizeof(tmp), "%.*s%s%s", (int)(d - hdrs),
			    hdrs, date, d + 4);
			strcpy(hdrs, tmp);
		}
	}
	n = (size_t)snprintf(out, sizeof(out), "HTTP/1.1 %d X\r\n"
	    "Content-Length: %zu\r\nConnection: close\r\n%s\r\n%s", status,
	    status == 304 ? 0 : strlen(body), hdrs, status == 304 ? "" : body);
	if (write(c, out, n) < 0)
		_exit(1);
}

static int
start_server(void **state)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	int s, one = 1;

	(void)state;
	strcpy(logfile, "/tmp/sofa-test-http.XXXXXX");
	close(mkstemp(logfile));
	s = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    listen(s, 64) != 0 ||
	    getsockname(s, (struct sockaddr *)&a, &len) != 0)
		return -1;
	port = ntohs(a.sin_port);
	server = fork();
	if (server == 0) {
		int hits[64] = { 0 };

		for (;;) {
			int c = accept(s, NULL, NULL);

			if (c < 0)
				continue;
			serve_one(c, hits);
			close(c);
		}
	}
	close(s);
	return 0;
}

static int
stop_server(void **state)
{
	(void)state;
	kill(server, SIGKILL);
	waitpid(server, NULL, 0);
	unlink(logfile);
	return 0;
}

/* Requests logged for path, and the times of the first n into t[]. */
static int
logged(const char *path, double *t, int max)
{
	FILE *fp = fopen(logfile, "r");
	char line[8192], p[256];
	double when;
	int n = 0;

	while (fgets(line, sizeof(line), fp) != NULL)
		if (sscanf(line, "%255s %lf", p, &when) == 2 &&
		    strcmp(p, path) == 0) {
			if (t != NULL && n < max)
				t[n] = when;
			n++;
		}
	fclose(fp);
	return n;
}

/* The log line of the first request for path (static). */
static const char *
logline(const char *path)
{
	static char line[8192];
	FILE *fp = fopen(logfile, "r");
	size_t n = strlen(path);

	while (fgets(line, sizeof(line), fp) != NULL)
		if (strncmp(line, path, n) == 0 && line[n] == ' ') {
			fclose(fp);
			return line;
		}
	fclose(fp);
	return "";
}

/* --- engine set-up --------------------------------------------------- */

static struct sofa_http *
engine(const char *key, const char *value, ...)
{
	struct sofa_config *cfg;
	struct sofa_http *h;
	char err[256], base[64];
	va_list ap;

	cfg = sofa_config_load("/dev/null", err, sizeof(err));
	assert_non_null(cfg);
	snprintf(base, sizeof(base), "http://127.0.0.1:%d/api/v1", port);
	sofa_config_xset(cfg, "api_base", base, "test");
	sofa_config_xset(cfg, "rate", "0", "test");
	sofa_config_xset(cfg, "backoff_base", "0.05", "test");
	sofa_config_xset(cfg, "retries", "2", "test");
	va_start(ap, value);
	while (key != NULL) {
		sofa_config_xset(cfg, key, value, "test");
		key = va_arg(ap, const char *);
		if (key != NULL)
			value = va_arg(ap, const char *);
	}
	va_end(ap);
	h = sofa_http_new(cfg);
	sofa_config_free(cfg);
	return h;
}

static struct sofa_http_res *
get(struct sofa_http *h, const char *path)
{
	struct sofa_http_req r = { path, NULL, NULL, NULL, NULL };

	return sofa_http_get(h, &r);
}

/* --- helpers of the policy ------------------------------------------- */

static void
paths(void **state)
{
	const char *why;

	(void)state;
	assert_true(sofa_http_path_ok("event/1/lineups", &why));
	assert_true(sofa_http_path_ok("unique-tournament/17/season/10356/"
	    "events/round/1/slug/round-of-16", &why));
	assert_true(sofa_http_path_ok("a.b/c_d~e", &why));
	assert_false(sofa_http_path_ok("", &why));
	assert_false(sofa_http_path_ok("/event/1", &why));
	assert_false(sofa_http_path_ok("event//1", &why));
	assert_false(sofa_http_path_ok("event/1/", &why));
	assert_false(sofa_http_path_ok("../etc/passwd", &why));
	assert_string_equal(why, "path has a '.' or '..' segment");
	assert_false(sofa_http_path_ok("event/./1", &why));
	assert_false(sofa_http_path_ok("event/1?x=1", &why));
	assert_false(sofa_http_path_ok("event/1 2", &why));
	assert_false(sofa_http_path_ok("event/%2e%2e", &why));
	assert_false(sofa_http_path_ok("event/\xc3\xa9", &why));
}

static void
retry_after_values(void **state)
{
	double s = -1;
	time_t now = 1723834800;	/* Fri, 16 Aug 2024 19:00:00 GMT */

	(void)state;
	assert_true(sofa_http_retry_after("120", 0, now, &s));
	assert_true(s == 120);
	assert_true(sofa_http_retry_after(" 0 ", 0, now, &s));
	assert_true(s == 0);
	assert_true(sofa_http_retry_after("Fri, 16 Aug 2024 19:00:30 GMT", 0,
	    now, &s));
	assert_true(s == 30);
	/* relative to the server's Date, not to our clock */
	assert_true(sofa_http_retry_after("Fri, 16 Aug 2024 19:00:30 GMT",
	    now + 20, now, &s));
	assert_true(s == 10);
	/* a date in the past: no wait */
	assert_true(sofa_http_retry_after("Thu, 01 Jan 2015 00:00:00 GMT", 0,
	    now, &s));
	assert_true(s == 0);
	assert_false(sofa_http_retry_after("abc", 0, now, &s));
	assert_false(sofa_http_retry_after("-5", 0, now, &s));
	assert_false(sofa_http_retry_after("1.5", 0, now, &s));
	assert_false(sofa_http_retry_after("", 0, now, &s));
	assert_false(sofa_http_retry_after(NULL, 0, now, &s));
}

static void
header_values(void **state)
{
	static const char etag[] = "ETag:  W/\"5f-1\" \r\n";
	static const char cr[] = "ETag: \"a\rIf-Match: *\"\r\n";
	static const char nul[] = "Date: Fri\0, 16 Aug 2024\r\n";
	char *v;

	(void)state;
	v = sofa_http_header_value(etag, sizeof(etag) - 1, "etag");
	assert_non_null(v);
	assert_string_equal(v, "W/\"5f-1\"");
	free(v);
	assert_null(sofa_http_header_value(etag, sizeof(etag) - 1, "Date"));
	assert_null(sofa_http_header_value("ETagX: 1\r\n", 10, "ETag"));
	v = sofa_http_header_value("Retry-After:\r\n", 14, "Retry-After");
	assert_non_null(v);
	assert_string_equal(v, "");
	free(v);
	/* a bare CR or a NUL inside is refused, not kept to be sent back */
	assert_null(sofa_http_header_value(cr, sizeof(cr) - 1, "ETag"));
	assert_null(sofa_http_header_value(nul, sizeof(nul) - 1, "Date"));
}

static void
backoff_and_transient(void **state)
{
	(void)state;
	assert_true(sofa_http_backoff(1, 60, 1) == 1);
	assert_true(sofa_http_backoff(1, 60, 2) == 2);
	assert_true(sofa_http_backoff(1, 60, 4) == 8);
	assert_true(sofa_http_backoff(1, 60, 7) == 60);
	assert_true(sofa_http_backoff(1, 60, 100) == 60);
	assert_true(sofa_http_backoff(0, 60, 3) == 0);
	for (long s = 100; s < 600; s++) {
		bool want = s == 408 || s == 429 || s == 500 || s == 502 ||
		    s == 503 || s == 504 || s == 522 || s == 524;

		assert_int_equal(sofa_http_transient(s), want);
	}
	assert_string_equal(sofa_http_outcome_name(SOFA_HTTP_NOT_MODIFIED),
	    "not_modified");
	assert_string_equal(sofa_http_outcome_name(SOFA_HTTP_INVALID),
	    "invalid");
}

/* --- the engine against the server ----------------------------------- */

static void
ok_and_retries(void **state)
{
	struct sofa_http *h = engine(NULL, NULL);
	struct sofa_http_res *r;
	double t[3];

	(void)state;
	r = get(h, "ok");
	assert_int_equal(r->outcome, SOFA_HTTP_OK);
	assert_int_equal(r->status, 200);
	assert_int_equal(r->attempts, 1);
	assert_string_equal(r->body, "{\"a\":1}");
	assert_int_equal(r->len, 7);
	assert_non_null(r->doc);
	assert_null(r->error);
	sofa_http_res_free(r);

	r = get(h, "flaky");
	assert_int_equal(r->outcome, SOFA_HTTP_OK);
	assert_int_equal(r->attempts, 3);
	assert_string_equal(r->body, "{\"b\":2}");
	sofa_http_res_free(r);
	assert_int_equal(logged("flaky", t, 3), 3);
	/* 0.05 s then 0.1 s, each within +-25 % */
	assert_true(t[1] - t[0] >= 0.0375 - 0.005);
	assert_true(t[2] - t[1] >= 0.075 - 0.005);
	assert_true(t[2] - t[1] > t[1] - t[0]);

	r = get(h, "down");
	assert_int_equal(r->outcome, SOFA_HTTP_FAILED);
	assert_int_equal(r->status, 503);
	assert_int_equal(r->attempts, 3);	/* retries = 2 */
	assert_string_equal(r->error, "HTTP 503 (3 tries)");
	sofa_http_res_free(r);
	assert_int_equal(logged("down", NULL, 0), 3);
	sofa_http_free(h);
}

static void
retry_after(void **state)
{
	struct sofa_http *h = engine("retry_after_max", "10", NULL);
	struct sofa_http_res *r;
	double t[2];

	(void)state;
	r = get(h, "slow429");
	assert_int_equal(r->outcome, SOFA_HTTP_OK);
	assert_int_equal(r->attempts, 2);
	sofa_http_res_free(r);
	assert_int_equal(logged("slow429", t, 2), 2);
	assert_true(t[1] - t[0] >= 0.99);

	/* a date one second after the server's (skewed) Date */
	r = get(h, "date429");
	assert_int_equal(r->outcome, SOFA_HTTP_OK);
	sofa_http_res_free(r);
	assert_int_equal(logged("date429", t, 2), 2);
	assert_true(t[1] - t[0] >= 0.99);
	assert_true(t[1] - t[0] < 3);

	/* a date in the past: no wait at all (not even the backoff) */
	r = get(h, "past429");
	assert_int_equal(r->outcome, SOFA_HTTP_OK);
	sofa_http_res_free(r);
	assert_int_equal(logged("past429", t, 2), 2);
	assert_true(t[1] - t[0] < 0.04);

	/* longer than retry_after_max: given up at once */
	r = get(h, "long429");
	assert_int_equal(r->outcome, SOFA_HTTP_THROTTLED);
	assert_int_equal(r->attempts, 1);
	assert_non_null(strstr(r->error, "Retry-After 500 s is longer than "
	    "retry_after_max (10 s)"));
	sofa_http_res_free(r);
	assert_int_equal(logged("long429", NULL, 0), 1);
	sofa_http_free(h);
}

static void
final_statuses(void **state)
{
	struct sofa_http *h = engine(NULL, NULL);
	struct sofa_http_res *r;

	(void)state;
	r = get(h, "block");
	assert_int_equal(r->outcome, SOFA_HTTP_BLOCKED);
	assert_int_equal(r->attempts, 1);
	assert_string_equal(r->error, "upstream refused (HTTP 403 challenge)");
	assert_non_null(r->doc);
	sofa_http_res_free(r);
	assert_int_equal(logged("block", NULL, 0), 1);

	r = get(h, "gone");
	assert_int_equal(r->outcome, SOFA_HTTP_ABSENT);
	assert_int_equal(r->status, 404);
	sofa_http_res_free(r);
	assert_int_equal(logged("gone", NULL, 0), 1);

	r = get(h, "errobj");
	assert_int_equal(r->outcome, SOFA_HTTP_BLOCKED);
	assert_int_equal(r->status, 200);
	sofa_http_res_free(r);

	r = get(h, "teapot");
	assert_int_equal(r->outcome, SOFA_HTTP_FAILED);
	assert_int_equal(r->attempts, 1);
	assert_string_equal(r->error, "HTTP 418");
	sofa_http_res_free(r);
	sofa_http_free(h);
}

static void
bodies_that_are_not_json(void **state)
{
	struct sofa_http *h = engine(NULL, NULL);
	struct sofa_http_res *r;

	(void)state;
	r = get(h, "html");
	assert_int_equal(r->outcome, SOFA_HTTP_INVALID);
	assert_int_equal(r->attempts, 3);
	assert_null(r->doc);
	assert_string_equal(r->body, "<html>x</html>");	/* for quarantine */
	assert_non_null(strstr(r->error, "body is not JSON (text/html, 14 "
	    "bytes)"));
	sofa_http_res_free(r);
	assert_int_equal(logged("html", NULL, 0), 3);

	r = get(h, "html-then-ok");
	assert_int_equal(r->outcome, SOFA_HTTP_OK);
	assert_int_equal(r->attempts, 2);
	assert_string_equal(r->body, "[1,2]");
	sofa_http_res_free(r);
	sofa_http_free(h);
}

static void
redirects_and_size(void **state)
{
	struct sofa_http *h = engine("max_body", "1024", NULL);
	struct sofa_http_res *r;

	(void)state;
	r = get(h, "offsite");
	assert_int_equal(r->outcome, SOFA_HTTP_FAILED);
	assert_non_null(strstr(r->error, "redirect to "
	    "http://example.invalid/x: another host, not followed"));
	sofa_http_res_free(r);
	assert_int_equal(logged("offsite", NULL, 0), 1);

	r = get(h, "onsite");
	assert_int_equal(r->outcome, SOFA_HTTP_OK);
	assert_string_equal(r->body, "{\"a\":1}");
	assert_string_equal(r->path, "onsite");
	assert_int_equal(r->attempts, 1);
	sofa_http_res_free(r);

	r = get(h, "big");
	assert_int_equal(r->outcome, SOFA_HTTP_FAILED);
	assert_string_equal(r->error, "body larger than max_body (1024 "
	    "bytes)");
	assert_int_equal(r->attempts, 1);
	sofa_http_res_free(r);
	sofa_http_free(h);
}

static void
conditional(void **state)
{
	struct sofa_http *h = engine("user_agent", "probe/1",
	    "headers", "X-Requested-With: XMLHttpRequest | X-B: 2", NULL);
	struct sofa_http_req q = { "cond", "W/\"e1\"",
	    "Fri, 16 Aug 2024 19:00:00 GMT", NULL, NULL };
	struct sofa_http_res *r;
	const char *line;

	(void)state;
	r = sofa_http_get(h, &q);
	assert_int_equal(r->outcome, SOFA_HTTP_NOT_MODIFIED);
	assert_int_equal(r->status, 304);
	assert_string_equal(r->etag, "W/\"e2\"");
	assert_null(r->error);
	sofa_http_res_free(r);
	line = logline("cond");
	assert_non_null(strstr(line, "If-None-Match: W/\"e1\""));
	assert_non_null(strstr(line, "If-Modified-Since: Fri, 16 Aug 2024 "
	    "19:00:00 GMT"));
	assert_non_null(strstr(line, "User-Agent: probe/1"));
	assert_non_null(strstr(line, "X-Requested-With: XMLHttpRequest"));
	assert_non_null(strstr(line, "X-B: 2"));
	assert_non_null(strstr(line, "Accept: application/json"));

	/* a 304 to a request that was not conditional is nonsense */
	r = get(h, "cond");
	assert_int_equal(r->outcome, SOFA_HTTP_FAILED);
	sofa_http_res_free(r);
	sofa_http_free(h);
}

static int ndone;
static enum sofa_http_outcome outcomes[16];

static void
count_done(struct sofa_http_res *r, void *arg)
{
	struct sofa_http *h = arg;

	outcomes[ndone++] = r->outcome;
	if (h != NULL && ndone == 1)
		sofa_http_stop(h);
}

static void
rate_limit(void **state)
{
	struct sofa_http *h = engine("rate", "20", "concurrency", "8", NULL);
	struct sofa_http_req q = { "ok", NULL, NULL, count_done, NULL };
	double t0, dt;

	(void)state;
	ndone = 0;
	for (int i = 0; i < 11; i++)
		sofa_http_add(h, &q);
	t0 = sofa_mono();
	assert_int_equal(sofa_http_run(h), SOFA_HTTP_RUN_DONE);
	dt = sofa_mono() - t0;
	assert_int_equal(ndone, 11);
	/* 10 gaps of 50 ms +-25 %: at least 0.375 s, about 0.5 s */
	assert_true(dt >= 0.37);
	assert_true(dt < 1.5);
	sofa_http_free(h);
}

static void
stop_cancels(void **state)
{
	struct sofa_http *h = engine("rate", "5", "concurrency", "1", NULL);
	struct sofa_http_req q = { "ok", NULL, NULL, count_done, NULL };

	(void)state;
	ndone = 0;
	q.arg = h;
	for (int i = 0; i < 5; i++)
		sofa_http_add(h, &q);
	assert_int_equal(sofa_http_pending(h), 5);
	assert_int_equal(sofa_http_run(h), SOFA_HTTP_RUN_STOPPED);
	assert_int_equal(ndone, 5);
	assert_int_equal(outcomes[0], SOFA_HTTP_OK);
	for (int i = 1; i < 5; i++)
		assert_int_equal(outcomes[i], SOFA_HTTP_CANCELLED);
	assert_int_equal(sofa_http_pending(h), 0);
	/* usable again after a stop */
	q.arg = NULL;
	sofa_http_add(h, &q);
	assert_int_equal(sofa_http_run(h), SOFA_HTTP_RUN_DONE);
	assert_int_equal(ndone, 6);
	assert_int_equal(outcomes[5], SOFA_HTTP_OK);
	sofa_http_free(h);
}

static int fed;

static bool
feeder(void *arg)
{
	struct sofa_http *h = arg;
	struct sofa_http_req q = { "ok", NULL, NULL, count_done, NULL };

	sofa_http_add(h, &q);
	return ++fed < 7;
}

static void
feeder_and_bad_path(void **state)
{
	struct sofa_http *h = engine("concurrency", "2", NULL);
	struct sofa_http_req bad = { "../x", NULL, NULL, count_done, NULL };
	struct sofa_http_stats st;

	(void)state;
	ndone = fed = 0;
	sofa_http_add(h, &bad);
	sofa_http_set_feeder(h, feeder, h);
	assert_int_equal(sofa_http_run(h), SOFA_HTTP_RUN_DONE);
	assert_int_equal(fed, 7);
	assert_int_equal(ndone, 8);
	assert_int_equal(outcomes[0], SOFA_HTTP_FAILED);
	for (int i = 1; i < 8; i++)
		assert_int_equal(outcomes[i], SOFA_HTTP_OK);
	sofa_http_stats(h, &st);
	assert_int_equal(st.requests, 7);	/* the bad path sent none */
	assert_int_equal(st.completed, 8);
	assert_int_equal(st.bytes, 7 * 7);
	sofa_http_free(h);
}

static volatile sig_atomic_t intr;

static void
interrupt_flag(void **state)
{
	struct sofa_http *h = engine(NULL, NULL);
	struct sofa_http_res *r;

	(void)state;
	intr = 1;
	sofa_http_set_interrupt(h, &intr);
	r = get(h, "ok");
	assert_int_equal(r->outcome, SOFA_HTTP_CANCELLED);
	sofa_http_res_free(r);
	intr = 0;
	r = get(h, "ok");
	assert_int_equal(r->outcome, SOFA_HTTP_OK);
	sofa_http_res_free(r);
	sofa_http_free(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(paths),
		cmocka_unit_test(retry_after_values),
		cmocka_unit_test(header_values),
		cmocka_unit_test(backoff_and_transient),
		cmocka_unit_test(ok_and_retries),
		cmocka_unit_test(retry_after),
		cmocka_unit_test(final_statuses),
		cmocka_unit_test(bodies_that_are_not_json),
		cmocka_unit_test(redirects_and_size),
		cmocka_unit_test(conditional),
		cmocka_unit_test(rate_limit),
		cmocka_unit_test(stop_cancels),
		cmocka_unit_test(feeder_and_bad_path),
		cmocka_unit_test(interrupt_flag),
	};

	return cmocka_run_group_tests(tests, start_server, stop_server);
}
