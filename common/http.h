/*
 * http.h - the HTTP engine of sofa: every request to the API goes through
 * here, so that the whole toolkit keeps one policy (DESIGN.md, "HTTP
 * policy").
 *
 * One engine (struct sofa_http) per program: a libcurl multi handle, a
 * queue of requests and completion callbacks.  The same engine serves bulk
 * work (queue many requests, or hand it a feeder that queues more as the
 * queue drains, then sofa_http_run()) and sequential work (sofa_http_get():
 * one request, blocking, for pagination where the next path depends on
 * the last body).  Both may be mixed: a callback may queue more requests.
 *
 * Policy, all from the [http] configuration keys (docs/setup.md):
 *   - at most `concurrency` transfers in flight; starts spaced by a global
 *     rate limit of `rate` per second (0: none), each gap drawn uniformly
 *     within +-`rate_jitter` of 1/rate, so the mean rate is `rate`;
 *     retries count against the same limit;
 *   - `connect_timeout`, `timeout` (whole transfer) and `stall_timeout`
 *     (no byte received for that long) seconds;
 *   - `max_body` bytes, enforced from Content-Length and again while the
 *     body arrives (decompressed), so a hostile server cannot make us
 *     buffer more;
 *   - HTTP/2 where the server offers it (TLS ALPN), compressed transfers
 *     (gzip, deflate, br, zstd as libcurl supports), TLS verification
 *     always on, proxies from http_proxy / https_proxy / no_proxy (libcurl's
 *     reading of the standard variables);
 *   - User-Agent `user_agent`; extra headers from `headers` ("Name: value"
 *     items separated by " | "); Accept: application/json;
 *   - redirects are followed only within the origin (scheme, host, port) of
 *     api_base, at most 5 hops; a redirect elsewhere is a failure, never
 *     followed;
 *   - conditional requests: a request may carry the stored ETag and
 *     Last-Modified, sent as If-None-Match / If-Modified-Since; 304 is
 *     SOFA_HTTP_NOT_MODIFIED;
 *   - transient failures are retried up to `retries` times: connection
 *     failures, resets, timeouts, truncated bodies, HTTP 408, 429, 500,
 *     502, 503, 504, 522, 524, and a 2xx body that is not JSON.  The delay
 *     before retry n (1, 2, ...) is backoff_base * 2^(n-1), capped at
 *     backoff_max, times a random factor in [0.75, 1.25] (so delays always
 *     grow until the cap).  A Retry-After header (seconds, or an HTTP date
 *     taken relative to the response's Date header, so a skewed server
 *     clock does not matter; a date in the past means no wait) replaces
 *     that delay; one longer than retry_after_max ends the request at once
 *     (no point waiting).  A 429 also holds every other start until its
 *     Retry-After (or backoff) delay has passed: the whole client slows
 *     down, not one path;
 *   - 404 is SOFA_HTTP_ABSENT, final;
 *   - 403 is SOFA_HTTP_BLOCKED, final for that request and never retried:
 *     each 403 in a row also holds every start for a growing delay
 *     (backoff_base doubling up to backoff_max, reset by any other
 *     response), so a blocked client never hammers the API;
 *   - a JSON body with a top-level "error" object is an error whatever the
 *     status line says (the API sends 200 {"error":{"code":404,...}}
 *     through some proxies): its numeric "code" is taken as the status
 *     (404 absent, 403 blocked, 429/5xx transient, others failed).
 *
 * Paths are relative to api_base ("event/11352380/lineups"); they are
 * checked (sofa_http_path_ok()) before they reach a URL.
 */
#ifndef SOFA_HTTP_H
#define SOFA_HTTP_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "config.h"
#include "json.h"

struct sofa_http;

/* How a request ended.  The words (sofa_http_outcome_name()) are the ones
 * of sofa-fetch's outcome stream and of the .meta sidecar. */
enum sofa_http_outcome {
	SOFA_HTTP_OK,		/* 2xx, body is JSON (res->doc) */
	SOFA_HTTP_NOT_MODIFIED,	/* 304 to a conditional request */
	SOFA_HTTP_ABSENT,	/* 404: the resource does not exist (yet) */
	SOFA_HTTP_BLOCKED,	/* 403: the upstream refused us */
	SOFA_HTTP_THROTTLED,	/* 429 to the last try, or a Retry-After
				 * longer than retry_after_max */
	SOFA_HTTP_FAILED,	/* network, timeout, 5xx after the retries,
				 * other statuses, body too large, a
				 * redirect off the origin */
	SOFA_HTTP_INVALID,	/* 2xx whose body is not JSON, to the last
				 * try */
	SOFA_HTTP_CANCELLED	/* sofa_http_stop() or the interrupt flag came
				 * first; nothing is known */
};

/* "ok", "not_modified", "absent", "blocked", "throttled", "failed",
 * "invalid", "cancelled"; static. */
const char *sofa_http_outcome_name(enum sofa_http_outcome o);

/*
 * The result of a request, handed to its callback.  Every pointer is owned
 * by the engine and valid until the callback returns, except that the
 * callback may take body or doc: it copies the pointer and sets the member
 * to NULL, and then owns (frees) it.
 */
struct sofa_http_res {
	const char *path;	/* as requested */
	const char *url;	/* the URL of the last try */
	enum sofa_http_outcome outcome;
	long status;		/* HTTP status of the last try; 0: none */
	int attempts;		/* tries made (redirect hops not counted) */
	double ms;		/* from the first try's start to the end,
				 * waits between tries included */
	/* The last body received (any status; NULL when none), len bytes,
	 * NUL-terminated and followed by SOFA_PAD zero bytes. */
	char *body;
	size_t len;
	/* body parsed, when it is JSON (always for SOFA_HTTP_OK); the parse
	 * copied body, so doc and body are independent. */
	struct sofa_jdoc *doc;
	/* Response headers of the last try; NULL when absent. */
	const char *etag;
	const char *last_modified;
	const char *content_type;
	time_t date;		/* Date header, 0 when absent or bad */
	/* Why, for every outcome but ok and not_modified ("HTTP 503 after 5
	 * tries", "upstream refused (403 challenge)", "timeout: ..."); NULL
	 * otherwise. */
	const char *error;
	void *arg;		/* the request's arg */
};

typedef void sofa_http_done_fn(struct sofa_http_res *res, void *arg);

/* A request.  Strings are copied by sofa_http_add(). */
struct sofa_http_req {
	const char *path;	/* relative to api_base, sofa_http_path_ok() */
	const char *etag;	/* If-None-Match, or NULL */
	const char *last_modified; /* If-Modified-Since (verbatim), or NULL */
	sofa_http_done_fn *done; /* called once, whatever happens */
	void *arg;
};

/*
 * A new engine from the [http] keys and api_base of cfg (read now; cfg
 * may be freed afterwards).  A bad `headers` value exits 2 with a message
 * naming it.  Caller frees with sofa_http_free(), which cancels whatever
 * is still queued (callbacks run with SOFA_HTTP_CANCELLED).
 */
struct sofa_http *sofa_http_new(struct sofa_config *cfg);
void sofa_http_free(struct sofa_http *h);

/*
 * Is path a safe API path: non-empty, at most 1024 bytes, only letters,
 * digits and "-._~/", no leading or doubled "/", no "." or ".." segment?
 * On false, *why says what is wrong (static).
 */
bool sofa_http_path_ok(const char *path, const char **why);

/*
 * Queue a request (FIFO; retries go before new requests).  It starts
 * during sofa_http_run() or sofa_http_get().  May be called from a
 * callback or a feeder.  A path that fails sofa_http_path_ok() completes
 * as SOFA_HTTP_FAILED without a request.
 */
void sofa_http_add(struct sofa_http *h, const struct sofa_http_req *req);

/*
 * A feeder is called by the run loop whenever fewer requests are waiting
 * than the concurrency, so a large job can be planned lazily (one match at
 * a time) instead of queued whole.  It queues any number of requests with
 * sofa_http_add() and returns true while it may have more, false when it
 * is exhausted (it is not called again).  NULL removes it.
 */
typedef bool sofa_http_feed_fn(void *arg);
void sofa_http_set_feeder(struct sofa_http *h, sofa_http_feed_fn *feed,
    void *arg);

/*
 * Watch *flag (set by a signal handler): once it is non-zero, the engine
 * stops as sofa_http_stop() does.  The loop notices within 200 ms.
 */
void sofa_http_set_interrupt(struct sofa_http *h,
    const volatile sig_atomic_t *flag);

enum {
	SOFA_HTTP_RUN_DONE = 0,	/* nothing left: queue, feeder, transfers */
	SOFA_HTTP_RUN_STOPPED = 1 /* sofa_http_stop() or the interrupt flag */
};

/*
 * Run until every request has completed and the feeder is exhausted, or
 * until stopped.  Callbacks run from here, one at a time, in completion
 * order.  Returns SOFA_HTTP_RUN_DONE or SOFA_HTTP_RUN_STOPPED; after a
 * stop the engine is usable again (the stop is cleared, the feeder
 * dropped).
 */
int sofa_http_run(struct sofa_http *h);

/*
 * Stop: no new transfer starts; transfers in flight are abandoned;
 * queued requests, retries waiting and abandoned transfers complete as
 * SOFA_HTTP_CANCELLED.  Responses already complete are still delivered.
 * May be called from a callback (the circuit breaker) or a feeder.
 */
void sofa_http_stop(struct sofa_http *h);

/*
 * The blocking form: perform one request with the whole policy (queue
 * position, rate, retries) and return its result (new; free with
 * sofa_http_res_free(); its strings are copies and its arg is NULL).
 * Other queued requests progress meanwhile and their callbacks run.  Must
 * not be called from a callback or a feeder (it aborts).  A stop or
 * interrupt during the call gives SOFA_HTTP_CANCELLED.
 */
struct sofa_http_res *sofa_http_get(struct sofa_http *h,
    const struct sofa_http_req *req);
void sofa_http_res_free(struct sofa_http_res *res);

/*
 * Outside work tied to the loop (a writer thread of mirror.h): poll is
 * called on every turn of the loop, in the loop's thread, after the
 * transfers are serviced; it may run callbacks and queue requests, and
 * returns how many of its jobs are still outstanding.  sofa_http_run()
 * and sofa_http_get() do not finish while any are, and after a stop they
 * wait for them before returning (their results are delivered, not
 * cancelled).  sofa_http_wakeup() may be called from any thread (it is
 * curl_multi_wakeup()) to make the loop turn at once.  NULL removes it.
 */
typedef size_t sofa_http_poll_fn(void *arg);
void sofa_http_set_poller(struct sofa_http *h, sofa_http_poll_fn *poll,
    void *arg);
void sofa_http_wakeup(struct sofa_http *h);

/* Requests queued, waiting to retry or in flight. */
size_t sofa_http_pending(const struct sofa_http *h);

/* Counters since sofa_http_new(). */
struct sofa_http_stats {
	uint64_t requests;	/* HTTP requests sent (tries and hops) */
	uint64_t retries;	/* of which retries of a transient failure */
	uint64_t completed;	/* requests completed, any outcome */
	uint64_t bytes;		/* body bytes received (decoded) */
	double started, elapsed; /* sofa_mono() at the first request; seconds
				  * from it to the last completion */
};
void sofa_http_stats(const struct sofa_http *h, struct sofa_http_stats *st);

/* The full URL of path under api_base (new, caller frees). */
char *sofa_http_url(const struct sofa_http *h, const char *path);

/*
 * Helpers of the policy, exposed for tests and for callers that report
 * what the engine will do.
 *
 * sofa_http_retry_after(): the delay, in seconds, asked by a Retry-After
 * value: delta-seconds, or an HTTP date taken relative to date (the
 * response's Date, or now when 0).  A date in the past gives 0.  Returns
 * false (no delay asked) when the value is neither.
 *
 * sofa_http_backoff(): the nominal delay before retry n (1, 2, ...):
 * base * 2^(n-1) capped at max, before jitter.
 *
 * sofa_http_transient(): is an HTTP status in the transient (retried) set?
 */
bool sofa_http_retry_after(const char *value, time_t date, time_t now,
    double *secs);
double sofa_http_backoff(double base, double max, int n);
bool sofa_http_transient(long status);

/*
 * sofa_http_header_value(): the value of one response header line as
 * libcurl hands it over ("Name: value\r\n", n bytes, not NUL-terminated)
 * when its name is name (case-insensitive), without the blanks around it
 * and the line end; new (caller frees), or NULL for another header or a
 * value with a control byte other than tab inside (a bare CR, a NUL).  The
 * engine keeps ETag, Last-Modified, Content-Type, Date and Retry-After
 * this way (exposed for the fuzz harness t/fuzz/fuzz-http.c).
 */
char *sofa_http_header_value(const char *line, size_t n, const char *name);

#endif
