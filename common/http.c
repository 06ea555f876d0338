/*
 * http.c - the HTTP engine (http.h): a libcurl multi handle driven by one
 * loop that starts queued requests within the concurrency and rate limits,
 * classifies every response into the outcomes of the policy, schedules
 * retries, and calls each request's callback once.
 *
 * A request (struct xfer) lives from sofa_http_add() to its callback, and
 * is on exactly one of three lists meanwhile: ready (FIFO of requests that
 * may start), waiting (retries whose delay has not passed) or running
 * (transfers in the multi handle).
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <curl/curl.h>

#include "err.h"
#include "http.h"
#include "io.h"
#include "num.h"
#include "timeutil.h"
#include "xalloc.h"

#define MAX_HOPS 5
#define POLL_MS 200
#define PATH_MAX_LEN 1024

struct xfer {
	struct sofa_http *h;
	struct xfer *next;
	char *path, *url, *etag, *lm;
	sofa_http_done_fn *done;
	void *arg;
	int attempts, hops;
	bool redirect;		/* the next start is a redirect hop */
	bool invalid;		/* the last try's trouble was a bad body */
	double t_first, t_ready;
	CURL *easy;
	struct curl_slist *hdrs;
	char *body;
	size_t len, cap;
	bool toolarge;
	long status;
	char *r_etag, *r_lm, *r_ctype, *r_date, *r_retry;
	char *error;
	char errbuf[CURL_ERROR_SIZE];
};

struct list {
	struct xfer *head, *tail;
	size_t n;
};

struct sofa_http {
	CURLM *multi;
	char *base;		/* api_base without trailing '/' */
	char *origin;		/* "scheme://host:port" of base */
	char *user_agent;
	struct curl_slist *extra;	/* Accept and the headers key */
	long concurrency, connect_timeout, timeout, stall_timeout;
	size_t max_body;
	int retries;
	double rate, jitter, backoff_base, backoff_max, retry_after_max;
	struct list ready, waiting, running;
	CURL **pool;		/* idle easy handles */
	size_t npool;
	double next_start, hold_until;
	int block_streak;
	sofa_http_feed_fn *feed;
	void *feed_arg;
	sofa_http_poll_fn *poll;
	void *poll_arg;
	size_t outside;		/* the poller's outstanding jobs */
	const volatile sig_atomic_t *intr;
	bool stopping;
	int in_cb;		/* depth of callbacks and feeders */
	unsigned short rnd[3];
	struct sofa_http_stats st;
};

static const char *const outcome_names[] = {
	"ok", "not_modified", "absent", "blocked", "throttled", "failed",
	"invalid", "cancelled"
};

const char *
sofa_http_outcome_name(enum sofa_http_outcome o)
{
	if ((unsigned)o >= sizeof(outcome_names) / sizeof(outcome_names[0]))
		return "unknown";
	return outcome_names[o];
}

/* --- lists ----------------------------------------------------------- */

static void
push_back(struct list *l, struct xfer *x)
{
	x->next = NULL;
	if (l->tail != NULL)
		l->tail->next = x;
	else
		l->head = x;
	l->tail = x;
	l->n++;
}

static void
push_front(struct list *l, struct xfer *x)
{
	x->next = l->head;
	l->head = x;
	if (l->tail == NULL)
		l->tail = x;
	l->n++;
}

static struct xfer *
pop_front(struct list *l)
{
	struct xfer *x = l->head;

	if (x == NULL)
		return NULL;
	l->head = x->next;
	if (l->head == NULL)
		l->tail = NULL;
	x->next = NULL;
	l->n--;
	return x;
}

static void
unlink_x(struct list *l, struct xfer *x)
{
	struct xfer *p = NULL;

	for (struct xfer *q = l->head; q != NULL; p = q, q = q->next) {
		if (q != x)
			continue;
		if (p != NULL)
			p->next = q->next;
		else
			l->head = q->next;
		if (l->tail == q)
			l->tail = p;
		l->n--;
		q->next = NULL;
		return;
	}
}

/* --- policy helpers -------------------------------------------------- */

bool
sofa_http_path_ok(const char *path, const char **why)
{
	size_t n = strlen(path);
	const char *seg;

	if (n == 0) {
		*why = "empty path";
		return false;
	}
	if (n > PATH_MAX_LEN) {
		*why = "path too long";
		return false;
	}
	for (const char *p = path; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) &&
		    strchr("-._~/", *p) == NULL) {
			*why = "path has a character other than letters, "
			    "digits and -._~/";
			return false;
		}
	for (seg = path;; ) {
		size_t len = strcspn(seg, "/");

		if (len == 0) {
			*why = "path has an empty segment";
			return false;
		}
		if ((len == 1 && seg[0] == '.') ||
		    (len == 2 && seg[0] == '.' && seg[1] == '.')) {
			*why = "path has a '.' or '..' segment";
			return false;
		}
		if (seg[len] == '\0')
			break;
		seg += len + 1;
	}
	return true;
}

bool
sofa_http_retry_after(const char *value, time_t date, time_t now,
    double *secs)
{
	const char *e;
	long long v;
	time_t t;
	size_t n;

	if (value == NULL)
		return false;
	while (*value == ' ' || *value == '\t')
		value++;
	n = strlen(value);
	while (n > 0 && (value[n - 1] == ' ' || value[n - 1] == '\t'))
		n--;
	if (n == 0)
		return false;
	v = sofa_strntonum(value, n, 0, 1000000000LL, &e);
	if (e == NULL && isdigit((unsigned char)value[0])) {
		*secs = (double)v;
		return true;
	}
	{
		char buf[64];

		if (n >= sizeof(buf))
			return false;
		memcpy(buf, value, n);
		buf[n] = '\0';
		if (!sofa_parse_http_date(buf, &t))
			return false;
	}
	if (date == 0)
		date = now;
	*secs = t > date ? (double)(t - date) : 0;
	return true;
}

double
sofa_http_backoff(double base, double max, int n)
{
	double d = base;

	for (int i = 1; i < n && d < max; i++)
		d *= 2;
	return d < max ? d : max;
}

bool
sofa_http_transient(long status)
{
	switch (status) {
	case 408: case 429: case 500: case 502: case 503: case 504:
	case 522: case 524:
		return true;
	default:
		return false;
	}
}

static double
uniform(struct sofa_http *h)
{
	return erand48(h->rnd);
}

/* --- set-up ---------------------------------------------------------- */

/* "scheme://host:port" of url, lower case, new; NULL if unparsable. */
static char *
origin_of(const char *url)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL, *out = NULL;

	if (u == NULL)
		return NULL;
	if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) ==
	    CURLUE_OK) {
		out = xasprintf("%s://%s:%s", scheme, host, port);
		for (char *p = out; *p != '\0'; p++)
			*p = (char)tolower((unsigned char)*p);
	}
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return out;
}

/* Parse the headers key: "Name: value | Name: value". */
static struct curl_slist *
parse_headers(const char *s, struct curl_slist *list)
{
	while (*s != '\0') {
		size_t n = strcspn(s, "|");
		char *item = xstrndup(s, n), *p = item, *end, *colon;
		struct curl_slist *nl;

		while (*p == ' ' || *p == '\t')
			p++;
		end = p + strlen(p);
		while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
			*--end = '\0';
		if (*p != '\0') {
			colon = strchr(p, ':');
			if (colon == NULL || colon == p)
				sofa_errx(SOFA_EXIT_USAGE, "headers: '%s' is "
				    "not 'Name: value'", p);
			for (char *q = p; q < colon; q++)
				if (!isgraph((unsigned char)*q))
					sofa_errx(SOFA_EXIT_USAGE, "headers: "
					    "bad header name in '%s'", p);
			nl = curl_slist_append(list, p);
			if (nl == NULL)
				sofa_errx(SOFA_EXIT_FAIL, "out of memory");
			list = nl;
		}
		free(item);
		s += n;
		if (*s == '|')
			s++;
	}
	return list;
}

struct sofa_http *
sofa_http_new(struct sofa_config *cfg)
{
	static bool global;
	struct sofa_http *h;
	struct curl_slist *l;
	unsigned long long seed;

	if (!global) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			sofa_errx(SOFA_EXIT_FAIL, "libcurl: cannot initialise");
		global = true;
	}
	h = xcalloc(1, sizeof(*h));
	h->multi = curl_multi_init();
	if (h->multi == NULL)
		sofa_errx(SOFA_EXIT_FAIL, "libcurl: no multi handle");
	h->base = xstrdup(sofa_cfg_str(cfg, "api_base"));
	h->origin = origin_of(h->base);
	if (h->origin == NULL)
		sofa_errx(SOFA_EXIT_USAGE, "api_base: '%s' is not a URL",
		    h->base);
	h->user_agent = xstrdup(sofa_cfg_str(cfg, "user_agent"));
	h->concurrency = (long)sofa_cfg_int(cfg, "concurrency");
	h->connect_timeout = (long)sofa_cfg_int(cfg, "connect_timeout");
	h->timeout = (long)sofa_cfg_int(cfg, "timeout");
	h->stall_timeout = (long)sofa_cfg_int(cfg, "stall_timeout");
	h->max_body = (size_t)sofa_cfg_int(cfg, "max_body");
	h->retries = (int)sofa_cfg_int(cfg, "retries");
	h->rate = sofa_cfg_real(cfg, "rate");
	h->jitter = sofa_cfg_real(cfg, "rate_jitter");
	h->backoff_base = sofa_cfg_real(cfg, "backoff_base");
	h->backoff_max = sofa_cfg_real(cfg, "backoff_max");
	h->retry_after_max = (double)sofa_cfg_int(cfg, "retry_after_max");
	l = curl_slist_append(NULL, "Accept: application/json");
	if (l == NULL)
		sofa_errx(SOFA_EXIT_FAIL, "out of memory");
	h->extra = parse_headers(sofa_cfg_str(cfg, "headers"), l);
	h->pool = xcalloc((size_t)h->concurrency, sizeof(*h->pool));
	seed = (unsigned long long)sofa_mono() * 1000003ULL ^
	    (unsigned long long)getpid() ^ (unsigned long long)time(NULL);
	h->rnd[0] = (unsigned short)seed;
	h->rnd[1] = (unsigned short)(seed >> 16);
	h->rnd[2] = (unsigned short)(seed >> 32);
	curl_multi_setopt(h->multi, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
	curl_multi_setopt(h->multi, CURLMOPT_MAXCONNECTS, h->concurrency + 4);
	return h;
}

char *
sofa_http_url(const struct sofa_http *h, const char *path)
{
	return xasprintf("%s/%s", h->base, path);
}

/* --- one try --------------------------------------------------------- */

static void
clear_try(struct xfer *x)
{
	free(x->r_etag);
	free(x->r_lm);
	free(x->r_ctype);
	free(x->r_date);
	free(x->r_retry);
	x->r_etag = x->r_lm = x->r_ctype = x->r_date = x->r_retry = NULL;
	x->len = 0;
	x->toolarge = false;
	x->status = 0;
	x->errbuf[0] = '\0';
	if (x->body != NULL)
		memset(x->body, 0, SOFA_PAD + 1);
}

static size_t
on_body(char *data, size_t size, size_t nmemb, void *arg)
{
	struct xfer *x = arg;
	size_t n = size * nmemb;

	if (n > x->h->max_body - x->len || x->len + n > x->h->max_body) {
		x->toolarge = true;
		return 0;	/* abort: CURLE_WRITE_ERROR */
	}
	if (x->len + n + SOFA_PAD + 1 > x->cap) {
		size_t need = x->len + n + SOFA_PAD + 1;
		curl_off_t cl = -1;

		/* the first time, room for the announced length (the
		 * encoded one when compressed: a floor), so that a body
		 * is not copied at every doubling */
		if (x->len == 0 && x->easy != NULL &&
		    curl_easy_getinfo(x->easy,
		    CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &cl) == CURLE_OK &&
		    cl > 0 && (size_t)cl <= x->h->max_body &&
		    (size_t)cl + SOFA_PAD + 1 > need)
			need = (size_t)cl + SOFA_PAD + 1;

		xgrow((void **)&x->body, &x->cap, need < 16384 ? 16384 : need,
		    1);
	}
	memcpy(x->body + x->len, data, n);
	x->len += n;
	memset(x->body + x->len, 0, SOFA_PAD + 1);
	return n;
}

char *
sofa_http_header_value(const char *line, size_t n, const char *name)
{
	size_t k = strlen(name);
	const char *v, *end = line + n;

	if (n <= k || strncasecmp(line, name, k) != 0 || line[k] != ':')
		return NULL;
	v = line + k + 1;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && (end[-1] == '\r' || end[-1] == '\n' ||
	    end[-1] == ' ' || end[-1] == '\t'))
		end--;
	/* a control byte inside (a bare CR, a NUL) is no value we keep: a
	 * stored ETag goes back out in If-None-Match */
	for (const char *p = v; p < end; p++)
		if (iscntrl((unsigned char)*p) && *p != '\t')
			return NULL;
	return xstrndup(v, (size_t)(end - v));
}

static void
keep(char **slot, char *v)
{
	if (v == NULL)
		return;
	free(*slot);
	*slot = v;
}

static size_t
on_header(char *line, size_t size, size_t nmemb, void *arg)
{
	struct xfer *x = arg;
	size_t n = size * nmemb;

	if (n >= 5 && strncmp(line, "HTTP/", 5) == 0) {
		/* a new response (after 1xx): forget the last one's fields */
		free(x->r_etag);
		free(x->r_lm);
		free(x->r_ctype);
		free(x->r_date);
		free(x->r_retry);
		x->r_etag = x->r_lm = x->r_ctype = x->r_date = NULL;
		x->r_retry = NULL;
		return n;
	}
	keep(&x->r_etag, sofa_http_header_value(line, n, "ETag"));
	keep(&x->r_lm, sofa_http_header_value(line, n, "Last-Modified"));
	keep(&x->r_ctype, sofa_http_header_value(line, n, "Content-Type"));
	keep(&x->r_date, sofa_http_header_value(line, n, "Date"));
	keep(&x->r_retry, sofa_http_header_value(line, n, "Retry-After"));
	return n;
}

static struct curl_slist *
append(struct curl_slist *l, const char *s)
{
	struct curl_slist *nl = curl_slist_append(l, s);

	if (nl == NULL)
		sofa_errx(SOFA_EXIT_FAIL, "out of memory");
	return nl;
}

/* A handle with the options every transfer shares (handles are reused:
 * options stay set, and libcurl keeps its connections and caches). */
static CURL *
new_easy(struct sofa_http *h)
{
	CURL *e = curl_easy_init();

	if (e == NULL)
		sofa_errx(SOFA_EXIT_FAIL, "libcurl: cannot create a handle");
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
	curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L);
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, h->connect_timeout);
	curl_easy_setopt(e, CURLOPT_TIMEOUT, h->timeout);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, h->stall_timeout);
	curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE,
	    (curl_off_t)h->max_body);
	curl_easy_setopt(e, CURLOPT_USERAGENT, h->user_agent);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
	return e;
}

static void
start(struct sofa_http *h, struct xfer *x, double now)
{
	CURL *e;
	char *s;

	e = h->npool > 0 ? h->pool[--h->npool] : new_easy(h);
	x->easy = e;
	clear_try(x);
	curl_slist_free_all(x->hdrs);
	x->hdrs = NULL;
	if (x->etag != NULL || x->lm != NULL) {
		for (struct curl_slist *l = h->extra; l != NULL; l = l->next)
			x->hdrs = append(x->hdrs, l->data);
		if (x->etag != NULL) {
			s = xasprintf("If-None-Match: %s", x->etag);
			x->hdrs = append(x->hdrs, s);
			free(s);
		}
		if (x->lm != NULL) {
			s = xasprintf("If-Modified-Since: %s", x->lm);
			x->hdrs = append(x->hdrs, s);
			free(s);
		}
	}
	curl_easy_setopt(e, CURLOPT_URL, x->url);
	curl_easy_setopt(e, CURLOPT_PRIVATE, x);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, x->hdrs != NULL ? x->hdrs :
	    h->extra);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->errbuf);
	if (x->redirect)
		x->redirect = false;
	else {
		if (x->attempts > 0)
			h->st.retries++;
		x->attempts++;
	}
	if (x->t_first == 0)
		x->t_first = now;
	if (h->st.requests == 0)
		h->st.started = now;
	h->st.requests++;
	push_back(&h->running, x);
	if (curl_multi_add_handle(h->multi, e) != CURLM_OK)
		sofa_errx(SOFA_EXIT_FAIL, "libcurl: cannot add a transfer");
}

static void
release_easy(struct sofa_http *h, struct xfer *x)
{
	if (x->easy == NULL)
		return;
	curl_multi_remove_handle(h->multi, x->easy);
	/* nothing of x may outlive it in a pooled handle */
	curl_easy_setopt(x->easy, CURLOPT_ERRORBUFFER, NULL);
	curl_easy_setopt(x->easy, CURLOPT_HTTPHEADER, NULL);
	curl_easy_setopt(x->easy, CURLOPT_PRIVATE, NULL);
	curl_easy_setopt(x->easy, CURLOPT_WRITEDATA, NULL);
	curl_easy_setopt(x->easy, CURLOPT_HEADERDATA, NULL);
	if (h->npool < (size_t)h->concurrency)
		h->pool[h->npool++] = x->easy;
	else
		curl_easy_cleanup(x->easy);
	x->easy = NULL;
}

/* --- completion ------------------------------------------------------ */

static void
free_xfer(struct xfer *x)
{
	clear_try(x);
	free(x->path);
	free(x->url);
	free(x->etag);
	free(x->lm);
	free(x->body);
	free(x->error);
	curl_slist_free_all(x->hdrs);
	free(x);
}

static void
deliver(struct sofa_http *h, struct xfer *x, enum sofa_http_outcome o,
    struct sofa_jdoc *doc)
{
	struct sofa_http_res r;
	double now = sofa_mono();

	memset(&r, 0, sizeof(r));
	r.path = x->path;
	r.url = x->url;
	r.outcome = o;
	r.status = x->status;
	r.attempts = x->attempts;
	r.ms = x->t_first > 0 ? (now - x->t_first) * 1000 : 0;
	if (x->len > 0 || x->status != 0) {
		r.body = x->body;
		r.len = x->len;
		x->body = NULL;
		x->cap = 0;
	}
	r.doc = doc;
	r.etag = x->r_etag;
	r.last_modified = x->r_lm;
	r.content_type = x->r_ctype;
	if (x->r_date == NULL || !sofa_parse_http_date(x->r_date, &r.date))
		r.date = 0;
	r.error = o == SOFA_HTTP_OK || o == SOFA_HTTP_NOT_MODIFIED ? NULL :
	    x->error != NULL ? x->error : "unknown failure";
	r.arg = x->arg;
	h->st.completed++;
	if (h->st.started > 0)
		h->st.elapsed = now - h->st.started;
	h->in_cb++;
	x->done(&r, x->arg);
	h->in_cb--;
	free(r.body);
	sofa_jdoc_free(r.doc);
	free_xfer(x);
}

static void
set_error(struct xfer *x, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
set_error(struct xfer *x, const char *fmt, ...)
{
	va_list ap;
	char buf[512];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	free(x->error);
	x->error = xstrdup(buf);
}

static bool
curl_transient(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_WEIRD_SERVER_REPLY:
	case CURLE_HTTP2:
	case CURLE_PARTIAL_FILE:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_BAD_CONTENT_ENCODING:
	case CURLE_HTTP2_STREAM:
	case CURLE_AGAIN:
	case CURLE_HTTP3:
	case CURLE_QUIC_CONNECT_ERROR:
		return true;
	default:
		return false;
	}
}

/* The error object of a JSON body: {"error":{...}} at the top. */
static struct sofa_jv *
error_object(struct sofa_jdoc *doc)
{
	struct sofa_jv *e;

	if (doc == NULL)
		return NULL;
	e = sofa_jv_get(sofa_jdoc_root(doc), "error");
	return sofa_jv_is_obj(e) ? e : NULL;
}

/* Why a 403 was refused, for the message: the body's reason or message. */
static const char *
refusal(struct sofa_jdoc *doc)
{
	struct sofa_jv *e = error_object(doc);
	const char *s = sofa_jv_str(sofa_jv_get(e, "reason"));

	if (s == NULL)
		s = sofa_jv_str(sofa_jv_get(e, "message"));
	return s != NULL && strlen(s) < 64 ? s : NULL;
}

static void
retry_later(struct sofa_http *h, struct xfer *x, double now, bool throttle,
    enum sofa_http_outcome last, bool *final, enum sofa_http_outcome *o)
{
	double delay, ra;
	time_t date = 0;

	if (x->r_date != NULL && !sofa_parse_http_date(x->r_date, &date))
		date = 0;
	if (x->r_retry != NULL &&
	    sofa_http_retry_after(x->r_retry, date, sofa_now(), &ra)) {
		if (ra > h->retry_after_max) {
			set_error(x, "%s; Retry-After %.0f s is longer than "
			    "retry_after_max (%.0f s)", x->error, ra,
			    h->retry_after_max);
			*final = true;
			*o = last;
			return;
		}
		delay = ra;
	} else {
		delay = sofa_http_backoff(h->backoff_base, h->backoff_max,
		    x->attempts) * (0.75 + 0.5 * uniform(h));
	}
	if (x->attempts > h->retries) {
		set_error(x, "%s (%d %s)", x->error, x->attempts,
		    x->attempts == 1 ? "try" : "tries");
		*final = true;
		*o = last;
		return;
	}
	if (throttle && now + delay > h->hold_until)
		h->hold_until = now + delay;
	x->t_ready = now + delay;
	push_back(&h->waiting, x);
	*final = false;
}

/* Same origin as api_base? */
static bool
same_origin(struct sofa_http *h, const char *url)
{
	char *o = origin_of(url);
	bool same = o != NULL && strcmp(o, h->origin) == 0;

	free(o);
	return same;
}

static void
finish_try(struct sofa_http *h, struct xfer *x, CURLcode rc)
{
	enum sofa_http_outcome o = SOFA_HTTP_FAILED, last;
	struct sofa_jdoc *doc = NULL;
	struct sofa_jerr je;
	struct sofa_jv *eo;
	double now = sofa_mono();
	char *loc = NULL;
	long status = 0, eff;
	bool final = true, transient = false;

	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
	if (status >= 300 && status < 400) {
		char *u = NULL;

		curl_easy_getinfo(x->easy, CURLINFO_REDIRECT_URL, &u);
		if (u != NULL)
			loc = xstrdup(u);
	}
	unlink_x(&h->running, x);
	release_easy(h, x);
	x->status = status;
	h->st.bytes += x->len;
	x->invalid = false;
	last = SOFA_HTTP_FAILED;

	if (x->toolarge || rc == CURLE_FILESIZE_EXCEEDED) {
		set_error(x, "body larger than max_body (%zu bytes)",
		    x->h->max_body);
		goto out;
	}
	if (rc != CURLE_OK) {
		set_error(x, "%s%s%s", curl_easy_strerror(rc),
		    x->errbuf[0] ? ": " : "", x->errbuf);
		transient = curl_transient(rc);
		goto out;
	}
	if (x->len > 0 && (doc = sofa_jdoc_parse(x->body, x->len, false,
	    &je)) == NULL && status >= 200 && status < 300) {
		set_error(x, "HTTP %ld body is not JSON (%s, %zu bytes): %s "
		    "at byte %zu", status, x->r_ctype ? x->r_ctype :
		    "no Content-Type", x->len, je.msg, je.pos);
		x->invalid = true;
		transient = true;
		last = SOFA_HTTP_INVALID;
		goto out;
	}
	eff = status;
	if ((eo = error_object(doc)) != NULL && status >= 200 &&
	    status < 300) {
		int64_t code;

		if (sofa_jv_int(sofa_jv_get(eo, "code"), &code) &&
		    code >= 100 && code <= 599)
			eff = (long)code;
		else
			eff = 0;
	}
	if (eff != 403)
		h->block_streak = 0;
	if (eff >= 200 && eff < 300) {
		if (x->len == 0) {
			set_error(x, "HTTP %ld with an empty body", status);
			x->invalid = true;
			transient = true;
			last = SOFA_HTTP_INVALID;
			goto out;
		}
		o = SOFA_HTTP_OK;
		goto out;
	}
	if (eff != status)
		set_error(x, "HTTP %ld with an error object (code %ld)",
		    status, eff);
	else
		set_error(x, "HTTP %ld", status);
	if (eff == 304) {
		if (x->etag != NULL || x->lm != NULL)
			o = SOFA_HTTP_NOT_MODIFIED;
		else
			set_error(x, "HTTP 304 to a request that was not "
			    "conditional");
	} else if (eff >= 300 && eff < 400 && loc != NULL && eff == status) {
		if (!same_origin(h, loc))
			set_error(x, "HTTP %ld redirect to %s: another host, "
			    "not followed", status, loc);
		else if (x->hops >= MAX_HOPS)
			set_error(x, "more than %d redirects", MAX_HOPS);
		else {
			x->hops++;
			free(x->url);
			x->url = loc;
			loc = NULL;
			x->redirect = true;
			push_front(&h->ready, x);
			sofa_jdoc_free(doc);
			return;
		}
	} else if (eff == 404) {
		o = SOFA_HTTP_ABSENT;
		set_error(x, "absent (HTTP 404%s)", eff != status ?
		    " in an error object" : "");
	} else if (eff == 403) {
		const char *r = refusal(doc);

		o = SOFA_HTTP_BLOCKED;
		set_error(x, "upstream refused (HTTP 403%s%s)", r ? " " : "",
		    r ? r : "");
		h->block_streak++;
		if (now + sofa_http_backoff(h->backoff_base, h->backoff_max,
		    h->block_streak) > h->hold_until)
			h->hold_until = now + sofa_http_backoff(h->backoff_base,
			    h->backoff_max, h->block_streak);
	} else if (sofa_http_transient(eff)) {
		transient = true;
		last = eff == 429 ? SOFA_HTTP_THROTTLED : SOFA_HTTP_FAILED;
	}
out:
	free(loc);
	if (transient) {
		sofa_jdoc_free(doc);
		doc = NULL;
		retry_later(h, x, now, last == SOFA_HTTP_THROTTLED, last,
		    &final, &o);
		if (!final)
			return;
	}
	deliver(h, x, o, doc);
}

static void
cancel(struct sofa_http *h, struct xfer *x)
{
	release_easy(h, x);
	clear_try(x);
	x->status = 0;
	set_error(x, "cancelled");
	deliver(h, x, SOFA_HTTP_CANCELLED, NULL);
}

static void
cancel_all(struct sofa_http *h)
{
	struct xfer *x;

	while ((x = pop_front(&h->running)) != NULL)
		cancel(h, x);
	while ((x = pop_front(&h->waiting)) != NULL)
		cancel(h, x);
	while ((x = pop_front(&h->ready)) != NULL)
		cancel(h, x);
}

/* --- the loop -------------------------------------------------------- */

void
sofa_http_add(struct sofa_http *h, const struct sofa_http_req *req)
{
	struct xfer *x = xcalloc(1, sizeof(*x));
	const char *why;

	x->h = h;
	x->path = xstrdup(req->path);
	x->etag = req->etag != NULL && *req->etag != '\0' ?
	    xstrdup(req->etag) : NULL;
	x->lm = req->last_modified != NULL && *req->last_modified != '\0' ?
	    xstrdup(req->last_modified) : NULL;
	x->done = req->done;
	x->arg = req->arg;
	if (!sofa_http_path_ok(req->path, &why)) {
		x->url = xstrdup("");
		set_error(x, "bad API path '%.64s': %s", req->path, why);
		x->t_ready = 0;
		/* completes at the next turn of the loop, never here */
		x->attempts = -1;
		push_front(&h->ready, x);
		return;
	}
	x->url = sofa_http_url(h, req->path);
	push_back(&h->ready, x);
}

static void
add_front(struct sofa_http *h, const struct sofa_http_req *req)
{
	struct xfer *x;

	sofa_http_add(h, req);
	/* move the request just added (at the tail, or at the head when
	 * the path was bad) to the head */
	x = h->ready.tail;
	if (x != NULL && x != h->ready.head && x->attempts == 0) {
		unlink_x(&h->ready, x);
		push_front(&h->ready, x);
	}
}

void
sofa_http_set_feeder(struct sofa_http *h, sofa_http_feed_fn *feed, void *arg)
{
	h->feed = feed;
	h->feed_arg = arg;
}

void
sofa_http_set_interrupt(struct sofa_http *h, const volatile sig_atomic_t *flag)
{
	h->intr = flag;
}

void
sofa_http_set_poller(struct sofa_http *h, sofa_http_poll_fn *poll, void *arg)
{
	h->poll = poll;
	h->poll_arg = arg;
	h->outside = 0;
}

void
sofa_http_wakeup(struct sofa_http *h)
{
	curl_multi_wakeup(h->multi);
}

/* Let the poller deliver what is done; true if it did anything. */
static bool
poll_outside(struct sofa_http *h)
{
	size_t before = h->outside;

	if (h->poll == NULL)
		return false;
	h->in_cb++;
	h->outside = h->poll(h->poll_arg);
	h->in_cb--;
	return h->outside != before;
}

void
sofa_http_stop(struct sofa_http *h)
{
	h->stopping = true;
}

size_t
sofa_http_pending(const struct sofa_http *h)
{
	return h->ready.n + h->waiting.n + h->running.n;
}

void
sofa_http_stats(const struct sofa_http *h, struct sofa_http_stats *st)
{
	*st = h->st;
}

/* Retries whose delay has passed go to the front of the ready queue, in
 * the order they failed. */
static void
promote(struct sofa_http *h, double now)
{
	struct xfer *x, *nx, *head = NULL, *tail = NULL;
	size_t n = 0;

	for (x = h->waiting.head; x != NULL; x = nx) {
		nx = x->next;
		if (x->t_ready > now)
			continue;
		unlink_x(&h->waiting, x);
		if (tail != NULL)
			tail->next = x;
		else
			head = x;
		tail = x;
		n++;
	}
	if (head == NULL)
		return;
	tail->next = h->ready.head;
	h->ready.head = head;
	if (h->ready.tail == NULL)
		h->ready.tail = tail;
	h->ready.n += n;
}

static void
feed(struct sofa_http *h)
{
	while (h->feed != NULL && !h->stopping &&
	    h->ready.n < (size_t)h->concurrency) {
		bool more;

		h->in_cb++;
		more = h->feed(h->feed_arg);
		h->in_cb--;
		if (!more)
			h->feed = NULL;
	}
}

/* Start what the limits allow; returns seconds until the next start is
 * allowed (0 when nothing waits for the limiter). */
static double
start_ready(struct sofa_http *h, double now)
{
	while (h->ready.head != NULL && !h->stopping) {
		struct xfer *x = h->ready.head;
		double at, gap;

		if (x->attempts < 0) {	/* a bad path: complete it */
			pop_front(&h->ready);
			x->attempts = 0;
			deliver(h, x, SOFA_HTTP_FAILED, NULL);
			continue;
		}
		if (h->running.n >= (size_t)h->concurrency)
			return 0;
		at = h->next_start > h->hold_until ? h->next_start :
		    h->hold_until;
		if (at > now)
			return at - now;
		pop_front(&h->ready);
		if (h->rate > 0) {
			gap = 1.0 / h->rate;
			gap *= 1 + h->jitter * (2 * uniform(h) - 1);
			if (h->next_start < now - 1.0 / h->rate)
				h->next_start = now;
			h->next_start += gap;
		}
		start(h, x, now);
	}
	return 0;
}

static bool
read_done(struct sofa_http *h)
{
	CURLMsg *m;
	int left;
	bool any = false;

	while ((m = curl_multi_info_read(h->multi, &left)) != NULL) {
		struct xfer *x = NULL;

		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE,
		    (char **)&x);
		finish_try(h, x, m->data.result);
		any = true;
	}
	return any;
}

static int
loop(struct sofa_http *h, const bool *until)
{
	for (;;) {
		double now, wait, next;
		long ct;
		int still, ms;
		bool busy;

		if (h->intr != NULL && *h->intr != 0)
			h->stopping = true;
		if (h->stopping) {
			cancel_all(h);
			h->feed = NULL;
			/* outside work already under way is delivered */
			poll_outside(h);
			if (h->outside > 0) {
				curl_multi_poll(h->multi, NULL, 0, POLL_MS,
				    NULL);
				continue;
			}
			h->stopping = false;
			return SOFA_HTTP_RUN_STOPPED;
		}
		if (until != NULL && *until)
			return SOFA_HTTP_RUN_DONE;
		now = sofa_mono();
		promote(h, now);
		feed(h);
		if (h->stopping)
			continue;
		wait = start_ready(h, now);
		if (h->stopping)
			continue;
		if (until != NULL && *until)
			return SOFA_HTTP_RUN_DONE;
		if (h->running.n == 0 && h->ready.n == 0 &&
		    h->waiting.n == 0 && h->feed == NULL && h->outside == 0)
			return SOFA_HTTP_RUN_DONE;
		curl_multi_perform(h->multi, &still);
		busy = read_done(h);
		busy = poll_outside(h) || busy;
		if (busy || h->stopping)
			continue;
		ms = POLL_MS;
		if (curl_multi_timeout(h->multi, &ct) == CURLM_OK && ct >= 0 &&
		    ct < ms)
			ms = (int)ct;
		if (wait > 0 && wait * 1000 < ms)
			ms = (int)ceil(wait * 1000);
		for (struct xfer *x = h->waiting.head; x != NULL; x = x->next) {
			next = (x->t_ready - now) * 1000;
			if (next < ms)
				ms = next < 0 ? 0 : (int)ceil(next);
		}
		if (h->ready.n > 0 && wait == 0 &&
		    h->running.n < (size_t)h->concurrency)
			ms = 0;
		if (ms > 0)
			curl_multi_poll(h->multi, NULL, 0, ms, NULL);
	}
}

int
sofa_http_run(struct sofa_http *h)
{
	if (h->in_cb > 0) {
		sofa_warnx("internal error: sofa_http_run() from a callback");
		abort();
	}
	return loop(h, NULL);
}

struct getctx {
	struct sofa_http_res *res;
	bool done;
};

static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

static void
get_done(struct sofa_http_res *r, void *arg)
{
	struct getctx *c = arg;
	struct sofa_http_res *o = xcalloc(1, sizeof(*o));

	*o = *r;
	o->path = dup_or_null(r->path);
	o->url = dup_or_null(r->url);
	o->etag = dup_or_null(r->etag);
	o->last_modified = dup_or_null(r->last_modified);
	o->content_type = dup_or_null(r->content_type);
	o->error = dup_or_null(r->error);
	o->arg = NULL;
	r->body = NULL;
	r->doc = NULL;
	c->res = o;
	c->done = true;
}

struct sofa_http_res *
sofa_http_get(struct sofa_http *h, const struct sofa_http_req *req)
{
	struct sofa_http_req r = *req;
	struct getctx c = { NULL, false };

	if (h->in_cb > 0) {
		sofa_warnx("internal error: sofa_http_get() from a callback");
		abort();
	}
	r.done = get_done;
	r.arg = &c;
	add_front(h, &r);
	loop(h, &c.done);
	if (!c.done) {
		/* stopped before our request was reached: cancel_all has
		 * delivered it, so this cannot happen; be safe anyway */
		sofa_warnx("internal error: sofa_http_get() lost a request");
		abort();
	}
	return c.res;
}

void
sofa_http_res_free(struct sofa_http_res *res)
{
	if (res == NULL)
		return;
	free((char *)res->path);
	free((char *)res->url);
	free((char *)res->etag);
	free((char *)res->last_modified);
	free((char *)res->content_type);
	free((char *)res->error);
	free(res->body);
	sofa_jdoc_free(res->doc);
	free(res);
}

void
sofa_http_free(struct sofa_http *h)
{
	if (h == NULL)
		return;
	cancel_all(h);
	for (size_t i = 0; i < h->npool; i++)
		curl_easy_cleanup(h->pool[i]);
	free(h->pool);
	curl_multi_cleanup(h->multi);
	curl_slist_free_all(h->extra);
	free(h->base);
	free(h->origin);
	free(h->user_agent);
	free(h);
}
