/*
 * fakesofa - a fault-injecting stand-in for the Sofascore API, for tests.
 *
 * It serves a raw store (DESIGN.md) over HTTP/1.1 on 127.0.0.1 only: GET or
 * HEAD of PREFIX/P answers STORE/P.json byte-exact, with a weak ETag and a
 * Last-Modified so that conditional requests get 304, and keep-alive so that
 * libcurl reuses its connections.  A scenario file scripts, per path, a
 * sequence of misbehaviour (429 with Retry-After, 5xx, 403 challenges,
 * delays, trickled, chunked or truncated bodies, resets, stalls, redirects,
 * skewed clocks) so that the tests of sofa-fetch and sofa-discover meet every
 * failure the real upstream produces.  Every request becomes one NDJSON line
 * in the request log, with millisecond times, so that tests can assert how
 * many requests were made, when, and how many were in flight at once.
 *
 * One thread per connection: a slow or stalled response never holds up
 * another.  Every wait also watches a stop pipe, so SIGTERM ends everything
 * at once and the threads are joined before exit 0.  fakesofa.md beside this
 * file is the reference of the options, the scenario format and the log.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define PROG		"fakesofa"
#define REQLINE_MAX	8192		/* request line: more gets 414 */
#define HEAD_MAX	32768		/* request head: larger gets 431 */
#define HDRS_MAX	100		/* header fields: more gets 431 */
#define REQBODY_MAX	(1L << 20)	/* request body: larger gets 413 */
#define FILE_MAX	(256L << 20)	/* a served file: larger gets 500 */
#define SCLINE_MAX	65536		/* a scenario line */
#define HITBUCKETS	64

#define BODY_404	"{\"error\":{\"code\":404,\"message\":\"Not Found\"}}"
#define BODY_CHALLENGE \
	"{\"error\":{\"code\":403,\"reason\":\"challenge\"}}"
#define BODY_FORBIDDEN \
	"{\"error\":{\"code\":403,\"reason\":\"Forbidden\"}}"
#define BODY_INVALID \
	"{\"event\":{\"id\":1,\"slug\":\"cut-short\",\"homeTeam\":"
#define BODY_HTML \
	"<!DOCTYPE html>\n<html lang=\"en-US\"><head>" \
	"<title>Just a moment...</title></head>\n<body><noscript>Enable " \
	"JavaScript and cookies to continue</noscript></body></html>\n"

enum kind {
	K_PASS,		/* normal serving */
	K_STATUS,	/* a forced status */
	K_CHALLENGE,
	K_FORBIDDEN,
	K_INVALID,
	K_HTML,
	K_ERRJSON,
	K_REDIRECT,
	K_RESET,
	K_EMPTY,
	K_STALL
};

enum lmmode { LM_DEFAULT, LM_RELATIVE, LM_ABSOLUTE, LM_NONE };
enum seqend { END_RESUME, END_REPEAT, END_STICK };

/* One step of a scenario rule, as parsed from its text. */
struct step {
	char		*text;
	enum kind	 kind;
	int		 status;	/* 0: the default of the kind */
	unsigned long	 count;		/* xN */
	long		 delay;		/* ms */
	long		 trickle_bytes;
	long		 trickle_ms;
	long long	 truncate;	/* -1: the whole body */
	char		*retry_after;	/* verbatim */
	bool		 retry_date;
	long		 retry_date_off;
	char		*etag;
	bool		 no_etag;
	enum lmmode	 lm_mode;
	long long	 lm_val;
	char		*cache_control;
	char		*content_type;
	char		*body_file;
	char		*location;
	bool		 has_date;
	long		 date_off;
	bool		 close;
	bool		 chunked;
	bool		 no_length;
	int		 error_code;
	char		**hdrs;		/* "Name: value" */
	size_t		 nhdrs;
};

/* How many requests one concrete path has had under one rule. */
struct hit {
	struct hit	*next;
	char		*path;
	unsigned long	 n;
};

struct rule {
	char		*pattern;
	unsigned long	 line;
	struct step	*steps;
	size_t		 nsteps;
	unsigned long	 total;		/* sum of the counts */
	enum seqend	 end;
	struct hit	*hits[HITBUCKETS];
};

/* A loaded scenario; reference-counted so that SIGHUP can swap it. */
struct scenario {
	struct rule	*rules;
	size_t		 nrules;
	unsigned long	 refs;
};

struct conn {
	struct conn	*next;
	pthread_t	 tid;
	int		 fd;
	unsigned long	 id;
	unsigned long	 nreq;
	atomic_bool	 done;
	char		*in;		/* received, not yet consumed */
	size_t		 inlen;
};

struct hdr {
	char		*name;
	char		*value;
};

struct req {
	char		*raw;		/* the head, parsed in place */
	char		*method;
	char		*target;
	char		*version;
	struct hdr	 hdrs[HDRS_MAX];
	size_t		 nhdrs;
	char		*path;		/* decoded, prefix removed */
	char		*query;		/* raw; NULL if none */
	bool		 in_api;
	bool		 nofile;	/* "a//b": no lookup */
	bool		 head;
	bool		 keepalive;
	bool		 http10;
	unsigned long	 seq;
	unsigned long	 conn_req;
	int64_t		 t_recv;
};

/* What was done with a request, for the log. */
struct resp {
	int		 status;	/* 0: no response sent */
	long long	 length;	/* Content-Length, -1: none */
	long long	 bytes;		/* body bytes sent */
	const char	*outcome;
	char		*file;
	int64_t		 t_resp;
	const struct rule *rule;
	const struct step *step;
	size_t		 step_no;
	unsigned long	 hit;
};

struct body {
	char		*p;
	size_t		 len;
	bool		 owned;
};

struct buf {
	char		*p;
	size_t		 len;
	size_t		 cap;
};

static struct {
	const char	*store;
	int		 storefd;
	const char	*prefix;	/* "" or "/api/v1" */
	size_t		 prefixlen;
	const char	*scenario;
	const char	*logpath;
	int		 logfd;
	const char	*portfile;
	int		 port;
	long		 latency;
	long		 date_skew;
	long		 idle_ms;
	unsigned long	 max_conns;
	bool		 etag;
	bool		 lastmod;
	bool		 verbose;
	int		 stop_rd;
	int		 stop_wr;
} opt;

static pthread_mutex_t	 sc_lock = PTHREAD_MUTEX_INITIALIZER;
static struct scenario	*sc_cur;
static atomic_ulong	 seq_next;
static atomic_bool	 stopping;
static atomic_bool	 log_failed;

static void		 usage(FILE *, int);
struct plan;
static void		 plan_error_json(struct plan *, int);
static void		 die(const char *, ...)
    __attribute__((format(printf, 1, 2), noreturn));
static void		 warnmsg(const char *, ...)
    __attribute__((format(printf, 1, 2)));
static void		*xmalloc(size_t)
    __attribute__((malloc, returns_nonnull));
static char		*xprintf(const char *, ...)
    __attribute__((format(printf, 1, 2)));
static void		 buf_vprintf(struct buf *, const char *, va_list)
    __attribute__((format(printf, 2, 0)));
static void		 buf_printf(struct buf *, const char *, ...)
    __attribute__((format(printf, 2, 3)));
static void		 hdr_add(struct buf *, const struct step *,
    const char *, const char *, ...)
    __attribute__((format(printf, 4, 5)));

/* --- small utilities ----------------------------------------------------- */

static void
die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs(PROG ": ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static void
warnmsg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs(PROG ": ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static const char *
errstr(int e, char *b, size_t n)
{
	if (strerror_r(e, b, n) != 0)
		snprintf(b, n, "error %d", e);
	return b;
}

static void *
xmalloc(size_t n)
{
	void *p;

	if ((p = malloc(n == 0 ? 1 : n)) == NULL)
		die("out of memory");
	return p;
}

static void *
xcalloc(size_t n, size_t m)
{
	void *p;

	if ((p = calloc(n == 0 ? 1 : n, m == 0 ? 1 : m)) == NULL)
		die("out of memory");
	return p;
}

static void *
xrealloc(void *p, size_t n)
{
	if ((p = realloc(p, n == 0 ? 1 : n)) == NULL)
		die("out of memory");
	return p;
}

static char *
xstrndup(const char *s, size_t n)
{
	char *p;

	p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

static char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

static void
buf_grow(struct buf *b, size_t n)
{
	if (b->len + n + 1 <= b->cap)
		return;
	while (b->len + n + 1 > b->cap)
		b->cap = b->cap == 0 ? 256 : b->cap * 2;
	b->p = xrealloc(b->p, b->cap);
}

static void
buf_add(struct buf *b, const void *p, size_t n)
{
	buf_grow(b, n);
	memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

/* Append formatted text: try in place, grow once if it did not fit. */
static void
buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list aq;
	int n;

	buf_grow(b, 128);
	va_copy(aq, ap);
	n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, aq);
	va_end(aq);
	if (n < 0)
		die("vsnprintf failed");
	if ((size_t)n >= b->cap - b->len) {
		buf_grow(b, (size_t)n);
		n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
		if (n < 0)
			die("vsnprintf failed");
	}
	b->len += (size_t)n;
}

static void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

/* A new string (caller frees), formatted. */
static char *
xprintf(const char *fmt, ...)
{
	struct buf b = { 0 };
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	return b.p;
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 if none. */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	size_t len, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return len;
}

/* A JSON string; invalid UTF-8 becomes U+FFFD so the log stays valid. */
static void
buf_json(struct buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n, k;

	if (s == NULL) {
		buf_adds(b, "null");
		return;
	}
	n = strlen(s);
	buf_add(b, "\"", 1);
	while (n > 0) {
		if (*p == '"' || *p == '\\') {
			buf_add(b, "\\", 1);
			buf_add(b, p, 1);
			k = 1;
		} else if (*p < 0x20 || *p == 0x7f) {
			buf_printf(b, "\\u%04x", *p);
			k = 1;
		} else if ((k = utf8_len(p, n)) == 0) {
			buf_adds(b, "\\ufffd");
			k = 1;
		} else
			buf_add(b, p, k);
		p += k;
		n -= k;
	}
	buf_add(b, "\"", 1);
}

static void
buf_json_or_null(struct buf *b, const char *s)
{
	if (s == NULL)
		buf_adds(b, "null");
	else
		buf_json(b, s);
}

static int64_t
clock_ms(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
buf_time(struct buf *b, int64_t ms)
{
	if (ms == 0)
		buf_adds(b, "null");
	else
		buf_printf(b, "%" PRId64 ".%03d", ms / 1000, (int)(ms % 1000));
}

static void
http_date(time_t t, char *out, size_t n)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, n, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

/* An HTTP date in any of the three forms of RFC 9110; -1 if none. */
static time_t
parse_http_date(const char *s)
{
	static const char *const fmts[] = {
		"%a, %d %b %Y %H:%M:%S GMT",
		"%A, %d-%b-%y %H:%M:%S GMT",
		"%a %b %e %H:%M:%S %Y",
	};
	struct tm tm;
	const char *end;
	size_t i;

	for (i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		memset(&tm, 0, sizeof(tm));
		end = strptime(s, fmts[i], &tm);
		if (end != NULL && *end == '\0')
			return timegm(&tm);
	}
	return -1;
}

/* A bounded decimal number with an optional sign; false if not one. */
static bool
parse_num(const char *s, long long min, long long max, long long *v)
{
	char *end;

	if (*s == '\0' || isspace((unsigned char)*s))
		return false;
	errno = 0;
	*v = strtoll(s, &end, 10);
	return errno == 0 && *end == '\0' && *v >= min && *v <= max;
}

static const char *
reason(int status)
{
	static const struct {
		int		 code;
		const char	*text;
	} tab[] = {
		{ 200, "OK" }, { 201, "Created" }, { 202, "Accepted" },
		{ 203, "Non-Authoritative Information" },
		{ 204, "No Content" }, { 206, "Partial Content" },
		{ 301, "Moved Permanently" }, { 302, "Found" },
		{ 303, "See Other" }, { 304, "Not Modified" },
		{ 307, "Temporary Redirect" }, { 308, "Permanent Redirect" },
		{ 400, "Bad Request" }, { 401, "Unauthorized" },
		{ 403, "Forbidden" }, { 404, "Not Found" },
		{ 405, "Method Not Allowed" }, { 406, "Not Acceptable" },
		{ 408, "Request Timeout" }, { 410, "Gone" },
		{ 413, "Content Too Large" }, { 414, "URI Too Long" },
		{ 418, "I'm a teapot" }, { 422, "Unprocessable Content" },
		{ 429, "Too Many Requests" },
		{ 431, "Request Header Fields Too Large" },
		{ 500, "Internal Server Error" }, { 501, "Not Implemented" },
		{ 502, "Bad Gateway" }, { 503, "Service Unavailable" },
		{ 504, "Gateway Timeout" },
		{ 505, "HTTP Version Not Supported" },
		{ 520, "Web Server Returned an Unknown Error" },
		{ 521, "Web Server Is Down" }, { 522, "Connection Timed Out" },
		{ 523, "Origin Is Unreachable" }, { 524, "A Timeout Occurred" },
	};
	size_t i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (tab[i].code == status)
			return tab[i].text;
	return "Status";
}

static bool
is_tchar(int ch)
{
	return isalnum(ch) || (ch != '\0' && strchr("!#$%&'*+-.^_`|~", ch));
}

static uint64_t
fnv1a(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = 0xcbf29ce484222325ULL;

	while (n-- > 0)
		h = (h ^ *s++) * 0x100000001b3ULL;
	return h;
}

/* --- waiting, interruptible by the stop pipe ------------------------------ */

/*
 * Wait for events on fd (or just the time, when fd is -1) for at most ms
 * milliseconds (-1: no limit).  Returns the revents of fd, 0 on timeout, -1
 * when the server is stopping.
 */
static int
wait_fd(int fd, short events, long ms)
{
	struct pollfd pfd[2];
	int64_t deadline = 0, left;
	int r;

	if (ms >= 0)
		deadline = clock_ms(CLOCK_MONOTONIC) + ms;
	for (;;) {
		pfd[0].fd = fd;
		pfd[0].events = events;
		pfd[0].revents = 0;
		pfd[1].fd = opt.stop_rd;
		pfd[1].events = POLLIN;
		pfd[1].revents = 0;
		left = -1;
		if (ms >= 0) {
			left = deadline - clock_ms(CLOCK_MONOTONIC);
			if (left < 0)
				left = 0;
			if (left > INT_MAX)
				left = INT_MAX;
		}
		r = poll(pfd, 2, (int)left);
		if (r < 0 && errno != EINTR)
			return -1;
		if (pfd[1].revents != 0 || atomic_load(&stopping))
			return -1;
		if (r > 0 && pfd[0].revents != 0)
			return pfd[0].revents;
		if (r == 0 && ms >= 0 && clock_ms(CLOCK_MONOTONIC) >= deadline)
			return 0;
	}
}

/* Sleep ms milliseconds; false when the server stops meanwhile. */
static bool
nap(long ms)
{
	if (ms <= 0)
		return !atomic_load(&stopping);
	return wait_fd(-1, 0, ms) == 0;
}

/* --- scenario ------------------------------------------------------------ */

/* '*' matches within one segment, '**' across segments, '?' one char. */
static bool
glob_match(const char *p, const char *s)
{
	while (*p != '\0') {
		if (p[0] == '*' && p[1] == '*') {
			for (p += 2; ; s++) {
				if (glob_match(p, s))
					return true;
				if (*s == '\0')
					return false;
			}
		}
		if (*p == '*') {
			for (p++; ; s++) {
				if (glob_match(p, s))
					return true;
				if (*s == '\0' || *s == '/')
					return false;
			}
		}
		if (*s == '\0' || (*p == '?' ? *s == '/' : *p != *s))
			return false;
		p++;
		s++;
	}
	return *s == '\0';
}

/*
 * Split s at unquoted separator characters (sep) into a new array of new
 * strings, removing single quotes.  With keep_quotes the pieces keep their
 * quotes (they are split again later).  False on an unterminated quote.
 */
static bool
split_quoted(const char *s, const char *sep, bool keep_quotes, char ***out,
    size_t *nout)
{
	struct buf cur = { 0 };
	bool quoted = false, any = false;
	char **v = NULL;
	size_t n = 0;

	for (;; s++) {
		if (*s == '\0' || (!quoted && strchr(sep, *s) != NULL)) {
			if (any || strchr(sep, ' ') == NULL) {
				v = xrealloc(v, (n + 1) * sizeof(*v));
				v[n++] = cur.p != NULL ? cur.p : xstrdup("");
				cur.p = NULL;
				cur.len = cur.cap = 0;
			}
			any = false;
			if (*s == '\0')
				break;
			continue;
		}
		any = true;
		if (*s == '\'') {
			quoted = !quoted;
			if (!keep_quotes)
				continue;
		}
		buf_add(&cur, s, 1);
	}
	*out = v;
	*nout = n;
	if (quoted) {
		while (n > 0)
			free(v[--n]);
		free(v);
		*out = NULL;
		*nout = 0;
		return false;
	}
	return true;
}

static char *
trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static void
step_free(struct step *st)
{
	size_t i;

	free(st->text);
	free(st->retry_after);
	free(st->etag);
	free(st->cache_control);
	free(st->content_type);
	free(st->body_file);
	free(st->location);
	for (i = 0; i < st->nhdrs; i++)
		free(st->hdrs[i]);
	free(st->hdrs);
}

static void
scenario_free(struct scenario *sc)
{
	struct hit *h, *next;
	size_t i, j;

	if (sc == NULL)
		return;
	for (i = 0; i < sc->nrules; i++) {
		for (j = 0; j < sc->rules[i].nsteps; j++)
			step_free(&sc->rules[i].steps[j]);
		free(sc->rules[i].steps);
		free(sc->rules[i].pattern);
		for (j = 0; j < HITBUCKETS; j++)
			for (h = sc->rules[i].hits[j]; h != NULL; h = next) {
				next = h->next;
				free(h->path);
				free(h);
			}
	}
	free(sc->rules);
	free(sc);
}

static bool
set_num(const char *v, long long min, long long max, long long *out,
    const char *key, char *err, size_t errlen)
{
	if (!parse_num(v, min, max, out)) {
		snprintf(err, errlen, "%s: bad number '%s' (%lld..%lld)", key,
		    v, min, max);
		return false;
	}
	return true;
}

static bool
valid_header_value(const char *v)
{
	for (; *v != '\0'; v++)
		if ((unsigned char)*v < 0x20 && *v != '\t')
			return false;
	return true;
}

/* Parse one token of a step; false with a message in err. */
static bool
step_token(struct step *st, const char *tok, char *err, size_t errlen)
{
	static const struct {
		const char	*name;
		enum kind	 kind;
	} actions[] = {
		{ "pass", K_PASS }, { "challenge", K_CHALLENGE },
		{ "forbidden", K_FORBIDDEN }, { "invalid-json", K_INVALID },
		{ "html", K_HTML }, { "error-json", K_ERRJSON },
		{ "reset", K_RESET }, { "empty", K_EMPTY },
		{ "stall", K_STALL },
	};
	const char *eq, *v;
	char key[64];
	long long n;
	size_t i;

	for (i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		if (strcmp(tok, actions[i].name) == 0) {
			st->kind = actions[i].kind;
			return true;
		}
	if (isdigit((unsigned char)tok[0]) && strlen(tok) == 3) {
		if (!set_num(tok, 200, 599, &n, "status", err, errlen))
			return false;
		st->status = (int)n;
		return true;
	}
	if (tok[0] == 'x' && isdigit((unsigned char)tok[1]))
		return set_num(tok + 1, 1, 1000000, &n, "xN", err, errlen) &&
		    (st->count = (unsigned long)n, true);
	if (strcmp(tok, "no-etag") == 0)
		return st->no_etag = true;
	if (strcmp(tok, "no-last-modified") == 0)
		return (st->lm_mode = LM_NONE), true;
	if (strcmp(tok, "close") == 0)
		return st->close = true;
	if (strcmp(tok, "chunked") == 0)
		return st->chunked = true;
	if (strcmp(tok, "no-length") == 0)
		return st->no_length = true;

	if ((eq = strchr(tok, '=')) == NULL || eq == tok ||
	    (size_t)(eq - tok) >= sizeof(key)) {
		snprintf(err, errlen, "unknown step word '%s'", tok);
		return false;
	}
	memcpy(key, tok, (size_t)(eq - tok));
	key[eq - tok] = '\0';
	v = eq + 1;
	if (!valid_header_value(v)) {
		snprintf(err, errlen, "%s: control character in value", key);
		return false;
	}
	if (strcmp(key, "status") == 0) {
		if (!set_num(v, 200, 599, &n, key, err, errlen))
			return false;
		st->status = (int)n;
	} else if (strcmp(key, "delay") == 0) {
		if (!set_num(v, 0, 86400000, &n, key, err, errlen))
			return false;
		st->delay = (long)n;
	} else if (strcmp(key, "trickle") == 0) {
		const char *sl = strchr(v, '/');
		char b[32];

		if (sl == NULL || (size_t)(sl - v) >= sizeof(b)) {
			snprintf(err, errlen, "trickle: want BYTES/MS");
			return false;
		}
		memcpy(b, v, (size_t)(sl - v));
		b[sl - v] = '\0';
		if (!set_num(b, 1, 1L << 30, &n, key, err, errlen))
			return false;
		st->trickle_bytes = (long)n;
		if (!set_num(sl + 1, 0, 86400000, &n, key, err, errlen))
			return false;
		st->trickle_ms = (long)n;
	} else if (strcmp(key, "truncate") == 0) {
		if (!set_num(v, 0, FILE_MAX, &n, key, err, errlen))
			return false;
		st->truncate = n;
	} else if (strcmp(key, "retry-after") == 0) {
		free(st->retry_after);
		st->retry_after = xstrdup(v);
	} else if (strcmp(key, "retry-after-date") == 0) {
		if (!set_num(v, -1000000000, 1000000000, &n, key, err, errlen))
			return false;
		st->retry_date = true;
		st->retry_date_off = (long)n;
	} else if (strcmp(key, "etag") == 0) {
		free(st->etag);
		st->etag = xstrdup(v);
	} else if (strcmp(key, "last-modified") == 0) {
		if (v[0] == '@') {
			if (!set_num(v + 1, 0, 253402300799LL, &n, key, err,
			    errlen))
				return false;
			st->lm_mode = LM_ABSOLUTE;
		} else {
			if (!set_num(v, -1000000000, 1000000000, &n, key, err,
			    errlen))
				return false;
			st->lm_mode = LM_RELATIVE;
		}
		st->lm_val = n;
	} else if (strcmp(key, "cache-control") == 0) {
		free(st->cache_control);
		st->cache_control = xstrdup(v);
	} else if (strcmp(key, "content-type") == 0) {
		free(st->content_type);
		st->content_type = xstrdup(v);
	} else if (strcmp(key, "body") == 0) {
		if (*v == '\0') {
			snprintf(err, errlen, "body: empty file name");
			return false;
		}
		free(st->body_file);
		st->body_file = xstrdup(v);
	} else if (strcmp(key, "redirect") == 0) {
		free(st->location);
		st->location = xstrdup(v);
	} else if (strcmp(key, "date") == 0) {
		if (!set_num(v, -1000000000, 1000000000, &n, key, err, errlen))
			return false;
		st->has_date = true;
		st->date_off = (long)n;
	} else if (strcmp(key, "error-json") == 0) {
		if (!set_num(v, 100, 999, &n, key, err, errlen))
			return false;
		st->kind = K_ERRJSON;
		st->error_code = (int)n;
	} else if (strcmp(key, "header") == 0) {
		const char *colon = strchr(v, ':');
		const char *p;

		if (colon == NULL || colon == v) {
			snprintf(err, errlen, "header: want Name:value");
			return false;
		}
		for (p = v; p < colon; p++)
			if (!is_tchar((unsigned char)*p)) {
				snprintf(err, errlen, "header: bad name");
				return false;
			}
		for (p = colon + 1; *p == ' ' || *p == '\t'; p++)
			;
		st->hdrs = xrealloc(st->hdrs,
		    (st->nhdrs + 1) * sizeof(*st->hdrs));
		st->hdrs[st->nhdrs] = xprintf("%.*s: %s", (int)(colon - v),
		    v, p);
		st->nhdrs++;
	} else {
		snprintf(err, errlen, "unknown step word '%s'", tok);
		return false;
	}
	return true;
}

static bool
step_parse(struct step *st, const char *text, char *err, size_t errlen)
{
	char **tok;
	size_t ntok, i;
	bool ok = true;

	memset(st, 0, sizeof(*st));
	st->text = xstrdup(text);
	st->count = 1;
	st->truncate = -1;
	st->error_code = 404;
	if (!split_quoted(text, " \t", false, &tok, &ntok)) {
		snprintf(err, errlen, "unterminated quote");
		return false;
	}
	for (i = 0; i < ntok; i++) {
		if (ok && !step_token(st, tok[i], err, errlen))
			ok = false;
		free(tok[i]);
	}
	free(tok);
	if (!ok)
		return false;
	if (st->kind == K_PASS && st->location != NULL)
		st->kind = K_REDIRECT;
	else if (st->kind == K_PASS && st->status != 0)
		st->kind = K_STATUS;
	if (st->chunked && st->no_length) {
		snprintf(err, errlen,
		    "chunked and no-length exclude each other");
		return false;
	}
	return true;
}

static bool
rule_parse(struct rule *r, char *line, char *err, size_t errlen)
{
	char *pat, *rest, **steps = NULL, *s;
	size_t nsteps = 0, i;
	bool ok = false;

	pat = line;
	rest = pat + strcspn(pat, " \t");
	if (*rest != '\0')
		*rest++ = '\0';
	rest = trim(rest);
	if (*pat == '/')
		pat++;
	if (opt.prefixlen > 0 && strncmp(pat, opt.prefix + 1,
	    opt.prefixlen - 1) == 0 && pat[opt.prefixlen - 1] == '/')
		pat += opt.prefixlen;
	if (*pat == '\0') {
		snprintf(err, errlen, "empty pattern");
		return false;
	}
	if (*rest == '\0') {
		snprintf(err, errlen, "no steps for '%s'", pat);
		return false;
	}
	r->pattern = xstrdup(pat);
	if (!split_quoted(rest, ";", true, &steps, &nsteps)) {
		snprintf(err, errlen, "unterminated quote");
		return false;
	}
	r->steps = xcalloc(nsteps, sizeof(*r->steps));
	for (i = 0; i < nsteps; i++) {
		s = trim(steps[i]);
		if (*s == '\0') {
			snprintf(err, errlen, "empty step %zu", i + 1);
			goto out;
		}
		if (strcmp(s, "repeat") == 0 || strcmp(s, "stick") == 0) {
			if (i + 1 != nsteps || i == 0) {
				snprintf(err, errlen, "'%s' must end a "
				    "sequence of steps", s);
				goto out;
			}
			r->end = s[0] == 'r' ? END_REPEAT : END_STICK;
			break;
		}
		if (!step_parse(&r->steps[r->nsteps++], s, err, errlen))
			goto out;
		r->total += r->steps[r->nsteps - 1].count;
	}
	ok = true;
out:
	for (i = 0; i < nsteps; i++)
		free(steps[i]);
	free(steps);
	return ok;
}

/* Load a scenario file; NULL with a diagnostic printed on error. */
static struct scenario *
scenario_load(const char *path)
{
	struct scenario *sc;
	char *line = NULL, *s, err[256];
	size_t cap = 0;
	ssize_t n;
	unsigned long lineno = 0;
	FILE *fp;

	if ((fp = fopen(path, "r")) == NULL) {
		warnmsg("%s: %s", path, errstr(errno, err, sizeof(err)));
		return NULL;
	}
	sc = xcalloc(1, sizeof(*sc));
	sc->refs = 1;
	while ((n = getline(&line, &cap, fp)) != -1) {
		lineno++;
		if (n > SCLINE_MAX) {
			warnmsg("%s:%lu: line too long", path, lineno);
			goto fail;
		}
		if (memchr(line, '\0', (size_t)n) != NULL) {
			warnmsg("%s:%lu: NUL byte", path, lineno);
			goto fail;
		}
		s = trim(line);
		if (*s == '\0' || *s == '#')
			continue;
		sc->rules = xrealloc(sc->rules,
		    (sc->nrules + 1) * sizeof(*sc->rules));
		memset(&sc->rules[sc->nrules], 0, sizeof(*sc->rules));
		sc->rules[sc->nrules].line = lineno;
		if (!rule_parse(&sc->rules[sc->nrules++], s, err,
		    sizeof(err))) {
			warnmsg("%s:%lu: %s", path, lineno, err);
			goto fail;
		}
	}
	if (ferror(fp)) {
		warnmsg("%s: read error", path);
		goto fail;
	}
	free(line);
	fclose(fp);
	return sc;
fail:
	free(line);
	fclose(fp);
	scenario_free(sc);
	return NULL;
}

static struct scenario *
scenario_acquire(void)
{
	struct scenario *sc;

	pthread_mutex_lock(&sc_lock);
	if ((sc = sc_cur) != NULL)
		sc->refs++;
	pthread_mutex_unlock(&sc_lock);
	return sc;
}

static void
scenario_release(struct scenario *sc)
{
	bool last;

	if (sc == NULL)
		return;
	pthread_mutex_lock(&sc_lock);
	last = --sc->refs == 0;
	pthread_mutex_unlock(&sc_lock);
	if (last)
		scenario_free(sc);
}

/* Install a new scenario (or none), dropping the old one. */
static void
scenario_swap(struct scenario *sc)
{
	struct scenario *old;

	pthread_mutex_lock(&sc_lock);
	old = sc_cur;
	sc_cur = sc;
	pthread_mutex_unlock(&sc_lock);
	scenario_release(old);
}

/*
 * The step that applies to this request of path, advancing the path's
 * counter; NULL for normal serving.  Fills the rule fields of rs.
 */
static const struct step *
scenario_next(struct scenario *sc, const char *path, struct resp *rs)
{
	const struct step *st = NULL;
	struct rule *r = NULL;
	struct hit *h;
	unsigned long n;
	size_t i, b;

	if (sc == NULL)
		return NULL;
	for (i = 0; i < sc->nrules; i++)
		if (glob_match(sc->rules[i].pattern, path)) {
			r = &sc->rules[i];
			break;
		}
	if (r == NULL)
		return NULL;
	b = fnv1a(path, strlen(path)) % HITBUCKETS;
	pthread_mutex_lock(&sc_lock);
	for (h = r->hits[b]; h != NULL; h = h->next)
		if (strcmp(h->path, path) == 0)
			break;
	if (h == NULL) {
		h = xcalloc(1, sizeof(*h));
		h->path = xstrdup(path);
		h->next = r->hits[b];
		r->hits[b] = h;
	}
	n = h->n++;
	pthread_mutex_unlock(&sc_lock);

	rs->rule = r;
	rs->hit = n + 1;
	if (r->total == 0)
		return NULL;	/* cannot happen: a rule has a step */
	if (n >= r->total) {
		if (r->end == END_REPEAT)
			n %= r->total;
		else if (r->end == END_STICK)
			n = r->total - 1;
		else
			return NULL;
	}
	for (i = 0; i < r->nsteps; i++) {
		if (n < r->steps[i].count) {
			st = &r->steps[i];
			rs->step = st;
			rs->step_no = i + 1;
			break;
		}
		n -= r->steps[i].count;
	}
	return st;
}

/* --- the request log ---------------------------------------------------- */

static const char *
req_header(const struct req *rq, const char *name)
{
	size_t i;

	for (i = 0; i < rq->nhdrs; i++)
		if (strcasecmp(rq->hdrs[i].name, name) == 0)
			return rq->hdrs[i].value;
	return NULL;
}

static void
log_headers(struct buf *b, const struct req *rq)
{
	size_t i, j;
	bool first = true;
	char *lc;

	buf_adds(b, "{");
	for (i = 0; i < rq->nhdrs; i++) {
		for (j = 0; j < i; j++)
			if (strcasecmp(rq->hdrs[j].name, rq->hdrs[i].name) == 0)
				break;
		if (j < i)
			continue;	/* already joined */
		lc = xstrdup(rq->hdrs[i].name);
		for (j = 0; lc[j] != '\0'; j++)
			lc[j] = (char)tolower((unsigned char)lc[j]);
		if (!first)
			buf_adds(b, ",");
		first = false;
		buf_json(b, lc);
		free(lc);
		buf_adds(b, ":");
		if (strcasecmp(rq->hdrs[i].name, "cookie") == 0 ||
		    i + 1 == rq->nhdrs) {
			buf_json(b, rq->hdrs[i].value);
			continue;
		}
		{
			struct buf v = { 0 };

			buf_adds(&v, rq->hdrs[i].value);
			for (j = i + 1; j < rq->nhdrs; j++)
				if (strcasecmp(rq->hdrs[j].name,
				    rq->hdrs[i].name) == 0) {
					buf_adds(&v, ", ");
					buf_adds(&v, rq->hdrs[j].value);
				}
			buf_json(b, v.p);
			free(v.p);
		}
	}
	buf_adds(b, "}");
}

/* One NDJSON line, written with one write(2) so lines never interleave. */
static void
log_request(const struct conn *c, const struct req *rq, const struct resp *rs)
{
	struct buf b = { 0 };
	const char *p;
	ssize_t w;
	size_t off;
	char eb[128];

	if (opt.logfd < 0 && !opt.verbose)
		return;
	buf_printf(&b, "{\"seq\":%lu,\"conn\":%lu,\"conn_req\":%lu,",
	    rq->seq, c->id, rq->conn_req);
	buf_adds(&b, "\"method\":");
	buf_json_or_null(&b, rq->method);
	buf_adds(&b, ",\"target\":");
	buf_json_or_null(&b, rq->target);
	buf_adds(&b, ",\"path\":");
	buf_json_or_null(&b, rq->path);
	buf_adds(&b, ",\"query\":");
	buf_json_or_null(&b, rq->query);
	buf_adds(&b, ",\"version\":");
	buf_json_or_null(&b, rq->version);
	buf_adds(&b, ",\"user_agent\":");
	buf_json_or_null(&b, req_header(rq, "User-Agent"));
	buf_adds(&b, ",\"if_none_match\":");
	buf_json_or_null(&b, req_header(rq, "If-None-Match"));
	buf_adds(&b, ",\"if_modified_since\":");
	buf_json_or_null(&b, req_header(rq, "If-Modified-Since"));
	buf_adds(&b, ",\"headers\":");
	log_headers(&b, rq);
	buf_adds(&b, ",\"rule\":");
	buf_json_or_null(&b, rs->rule != NULL ? rs->rule->pattern : NULL);
	if (rs->rule != NULL)
		buf_printf(&b, ",\"rule_line\":%lu,\"hit\":%lu",
		    rs->rule->line, rs->hit);
	else
		buf_adds(&b, ",\"rule_line\":null,\"hit\":null");
	buf_adds(&b, ",\"step\":");
	buf_json_or_null(&b, rs->step != NULL ? rs->step->text : NULL);
	if (rs->step != NULL)
		buf_printf(&b, ",\"step_no\":%zu", rs->step_no);
	else
		buf_adds(&b, ",\"step_no\":null");
	if (rs->status != 0)
		buf_printf(&b, ",\"status\":%d", rs->status);
	else
		buf_adds(&b, ",\"status\":null");
	if (rs->length >= 0)
		buf_printf(&b, ",\"length\":%lld", rs->length);
	else
		buf_adds(&b, ",\"length\":null");
	buf_printf(&b, ",\"bytes\":%lld,\"file\":", rs->bytes);
	buf_json_or_null(&b, rs->file);
	buf_adds(&b, ",\"outcome\":");
	buf_json(&b, rs->outcome);
	buf_adds(&b, ",\"t_recv\":");
	buf_time(&b, rq->t_recv);
	buf_adds(&b, ",\"t_resp\":");
	buf_time(&b, rs->t_resp);
	buf_adds(&b, ",\"t_done\":");
	buf_time(&b, clock_ms(CLOCK_REALTIME));
	buf_adds(&b, "}\n");

	if (opt.verbose)
		fprintf(stderr, PROG ": #%lu conn %lu %s %s -> %d %s "
		    "(%lld bytes)\n", rq->seq, c->id,
		    rq->method != NULL ? rq->method : "-",
		    rq->target != NULL ? rq->target : "-", rs->status,
		    rs->outcome, rs->bytes);
	for (p = b.p, off = 0; opt.logfd >= 0 && off < b.len; off += w) {
		w = write(opt.logfd, p + off, b.len - off);
		if (w < 0 && errno == EINTR) {
			w = 0;
			continue;
		}
		if (w <= 0) {
			if (!atomic_exchange(&log_failed, true))
				warnmsg("%s: write error: %s", opt.logpath,
				    errstr(errno, eb, sizeof(eb)));
			break;
		}
	}
	free(b.p);
}

/* --- connection I/O ------------------------------------------------------- */

enum sendres { SEND_OK, SEND_FAIL, SEND_STOP };

static enum sendres
send_all(struct conn *c, const void *buf, size_t n)
{
	const char *p = buf;
	ssize_t w;
	int r;

	while (n > 0) {
		w = send(c->fd, p, n, MSG_NOSIGNAL);
		if (w > 0) {
			p += w;
			n -= (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			r = wait_fd(c->fd, POLLOUT, opt.idle_ms);
			if (r < 0)
				return SEND_STOP;
			if (r == 0)
				return SEND_FAIL;
			continue;
		}
		return SEND_FAIL;
	}
	return SEND_OK;
}

/*
 * Close after our last byte so that the client reads all of it: half-close,
 * drain what it still sends (for at most a second), then close.  A plain
 * close with unread input would send a reset instead.
 */
static void
conn_close(struct conn *c)
{
	char scratch[4096];
	int64_t deadline;
	ssize_t n;
	int r;

	if (c->fd < 0)
		return;
	shutdown(c->fd, SHUT_WR);
	deadline = clock_ms(CLOCK_MONOTONIC) + 1000;
	for (;;) {
		r = wait_fd(c->fd, POLLIN,
		    (long)(deadline - clock_ms(CLOCK_MONOTONIC)));
		if (r <= 0)
			break;
		n = recv(c->fd, scratch, sizeof(scratch), 0);
		if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
			break;
		if (clock_ms(CLOCK_MONOTONIC) >= deadline)
			break;
	}
	close(c->fd);
	c->fd = -1;
}

static void
conn_reset(struct conn *c)
{
	struct linger lg = { 1, 0 };

	setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(c->fd);
	c->fd = -1;
}

/* Wait until the client goes away, reading and dropping what it sends. */
static bool
conn_stall(struct conn *c)
{
	char scratch[4096];
	ssize_t n;

	for (;;) {
		if (wait_fd(c->fd, POLLIN, -1) < 0)
			return false;
		n = recv(c->fd, scratch, sizeof(scratch), 0);
		if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
			return true;
	}
}

enum napres { NAP_OK, NAP_GONE, NAP_STOP };

/*
 * Sleep ms milliseconds before or while answering, but notice a client that
 * goes away meanwhile (a killed fetcher), so that the log shows when it
 * left; a client that only shuts down its sending side counts as gone too.
 * Input that is not end-of-file (a pipelined request) is left for later,
 * and then the socket is no longer watched.
 */
static enum napres
conn_nap(struct conn *c, long ms)
{
	int64_t deadline = clock_ms(CLOCK_MONOTONIC) + ms;
	bool watch = true;
	char ch;
	ssize_t n;
	int r;

	if (ms <= 0)
		return atomic_load(&stopping) ? NAP_STOP : NAP_OK;
	for (;;) {
		r = wait_fd(watch ? c->fd : -1, POLLIN,
		    (long)(deadline - clock_ms(CLOCK_MONOTONIC)));
		if (r < 0)
			return NAP_STOP;
		if (r == 0)
			return NAP_OK;
		n = recv(c->fd, &ch, 1, MSG_PEEK | MSG_DONTWAIT);
		if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN &&
		    errno != EWOULDBLOCK))
			return NAP_GONE;
		if (n > 0)
			watch = false;
	}
}

enum rd { RD_OK, RD_EOF, RD_GONE, RD_LINE_LONG, RD_HEAD_LONG };

/*
 * Read until the buffer holds a whole request head; its length (with the
 * blank line) goes to *headlen.  Leading empty lines are dropped.
 */
static enum rd
read_head(struct conn *c, size_t *headlen)
{
	size_t scanned = 0, i, skip;
	const char *nl;
	ssize_t n;
	int r;

	for (;;) {
		for (skip = 0; skip < c->inlen && (c->in[skip] == '\r' ||
		    c->in[skip] == '\n'); skip++)
			;
		if (skip > 0) {
			memmove(c->in, c->in + skip, c->inlen - skip);
			c->inlen -= skip;
			scanned = 0;
		}
		/* the request line, without its CRLF, is at most REQLINE_MAX */
		nl = memchr(c->in, '\n', c->inlen);
		if ((nl == NULL && c->inlen > REQLINE_MAX + 1) ||
		    (nl != NULL && nl - c->in > REQLINE_MAX + 1))
			return RD_LINE_LONG;
		for (i = scanned; i < c->inlen; i++) {
			if (c->in[i] != '\n')
				continue;
			if (i + 1 < c->inlen && c->in[i + 1] == '\n') {
				*headlen = i + 2;
				return RD_OK;
			}
			if (i + 2 < c->inlen && c->in[i + 1] == '\r' &&
			    c->in[i + 2] == '\n') {
				*headlen = i + 3;
				return RD_OK;
			}
		}
		scanned = c->inlen > 2 ? c->inlen - 2 : 0;
		if (c->inlen >= HEAD_MAX)
			return RD_HEAD_LONG;
		r = wait_fd(c->fd, POLLIN, opt.idle_ms);
		if (r <= 0)
			return RD_GONE;
		n = recv(c->fd, c->in + c->inlen, HEAD_MAX - c->inlen, 0);
		if (n == 0)
			return c->inlen == 0 ? RD_EOF : RD_GONE;
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN ||
			    errno == EWOULDBLOCK)
				continue;
			return c->inlen == 0 ? RD_EOF : RD_GONE;
		}
		c->inlen += (size_t)n;
	}
}

/* Read and drop a request body of n bytes; false if the client is gone. */
static bool
discard_body(struct conn *c, long long n)
{
	char scratch[4096];
	ssize_t got;
	size_t k;

	k = (size_t)n < c->inlen ? (size_t)n : c->inlen;
	memmove(c->in, c->in + k, c->inlen - k);
	c->inlen -= k;
	n -= (long long)k;
	while (n > 0) {
		if (wait_fd(c->fd, POLLIN, opt.idle_ms) <= 0)
			return false;
		got = recv(c->fd, scratch, (size_t)n < sizeof(scratch) ?
		    (size_t)n : sizeof(scratch), 0);
		if (got == 0)
			return false;
		if (got < 0) {
			if (errno == EINTR || errno == EAGAIN ||
			    errno == EWOULDBLOCK)
				continue;
			return false;
		}
		n -= got;
	}
	return true;
}

/* --- request parsing ------------------------------------------------------ */

static bool
has_token(const char *list, const char *tok)
{
	size_t n = strlen(tok);
	const char *p = list;

	while (*p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (strncasecmp(p, tok, n) == 0 && (p[n] == '\0' ||
		    p[n] == ',' || p[n] == ' ' || p[n] == '\t'))
			return true;
		p += strcspn(p, ",");
	}
	return false;
}

static int
hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/*
 * Work out rq->path from the target: decoded, without the prefix, with no
 * "." or ".." segment (those are refused: 400).  An empty segment or a path
 * outside the prefix is not refused but can match no file (404).
 */
static int
parse_target(struct req *rq)
{
	const char *t = rq->target, *q, *seg;
	char *path, *d;
	size_t n, seglen;
	int hi, lo;

	if (strncasecmp(t, "http://", 7) == 0 ||
	    strncasecmp(t, "https://", 8) == 0) {
		t = strstr(t, "//") + 2;
		t += strcspn(t, "/?");
		if (*t != '/')
			return 400;
	}
	if (*t != '/')
		return 400;
	q = strchr(t, '?');
	n = q != NULL ? (size_t)(q - t) : strlen(t);
	if (q != NULL)
		rq->query = xstrdup(q + 1);
	rq->in_api = opt.prefixlen == 0 ||
	    (n > opt.prefixlen && strncmp(t, opt.prefix, opt.prefixlen) == 0 &&
	    t[opt.prefixlen] == '/');
	if (rq->in_api) {
		t += opt.prefixlen + 1;
		n -= opt.prefixlen + 1;
	}
	path = d = xmalloc(n + 1);
	for (; n > 0; t++, n--) {
		if (*t != '%') {
			*d++ = *t;
			continue;
		}
		if (n < 3 || (hi = hexval(t[1])) < 0 || (lo = hexval(t[2])) < 0
		    || (hi == 0 && lo == 0)) {
			free(path);
			return 400;
		}
		*d++ = (char)(hi << 4 | lo);
		t += 2;
		n -= 2;
	}
	*d = '\0';
	rq->path = path;
	for (seg = path; ; seg += seglen + 1) {
		seglen = strcspn(seg, "/");
		if ((seglen == 1 && seg[0] == '.') ||
		    (seglen == 2 && seg[0] == '.' && seg[1] == '.'))
			return 400;
		if (seglen == 0)
			rq->nofile = true;	/* "a//b", "/etc" */
		if (seg[seglen] == '\0')
			break;
	}
	return 0;
}

/* Parse the head in rq->raw; 0 or the status of the error to answer. */
static int
parse_req(struct req *rq, long long *bodylen)
{
	char *line, *next, *p, *colon, *v, *e;
	const char *cl, *conn;
	long long n;
	size_t i;

	*bodylen = 0;
	line = rq->raw;
	next = strchr(line, '\n');
	*next++ = '\0';
	if (next - line >= 2 && next[-2] == '\r')
		next[-2] = '\0';
	rq->method = line;
	if ((p = strchr(line, ' ')) == NULL)
		return 400;
	*p++ = '\0';
	rq->target = p;
	if ((p = strchr(p, ' ')) == NULL)
		return 400;
	*p++ = '\0';
	rq->version = p;
	for (p = rq->method; *p != '\0'; p++)
		if (!is_tchar((unsigned char)*p))
			return 400;
	if (*rq->method == '\0' || *rq->target == '\0')
		return 400;
	for (p = rq->target; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f)
			return 400;
	if (strcmp(rq->version, "HTTP/1.1") == 0)
		rq->http10 = false;
	else if (strcmp(rq->version, "HTTP/1.0") == 0)
		rq->http10 = true;
	else if (strncmp(rq->version, "HTTP/", 5) == 0 &&
	    isdigit((unsigned char)rq->version[5]))
		return 505;
	else
		return 400;

	for (line = next; *line != '\0'; line = next) {
		next = strchr(line, '\n');
		*next++ = '\0';
		if (next - line >= 2 && next[-2] == '\r')
			next[-2] = '\0';
		if (*line == '\0')
			break;
		if (*line == ' ' || *line == '\t')
			return 400;	/* obsolete line folding */
		if ((colon = strchr(line, ':')) == NULL || colon == line)
			return 400;
		*colon = '\0';
		for (p = line; *p != '\0'; p++)
			if (!is_tchar((unsigned char)*p))
				return 400;
		for (v = colon + 1; *v == ' ' || *v == '\t'; v++)
			;
		e = v + strlen(v);
		while (e > v && (e[-1] == ' ' || e[-1] == '\t'))
			*--e = '\0';
		if (rq->nhdrs == HDRS_MAX)
			return 431;
		rq->hdrs[rq->nhdrs].name = line;
		rq->hdrs[rq->nhdrs].value = v;
		rq->nhdrs++;
	}

	conn = req_header(rq, "Connection");
	if (rq->http10)
		rq->keepalive = conn != NULL && has_token(conn, "keep-alive");
	else
		rq->keepalive = conn == NULL || !has_token(conn, "close");
	if (req_header(rq, "Transfer-Encoding") != NULL)
		return 501;
	for (i = 0; i < rq->nhdrs; i++) {
		if (strcasecmp(rq->hdrs[i].name, "Content-Length") != 0)
			continue;
		cl = rq->hdrs[i].value;
		if (!isdigit((unsigned char)*cl) ||
		    !parse_num(cl, 0, LLONG_MAX, &n))
			return 400;
		if (n > REQBODY_MAX)
			return 413;
		if (*bodylen != 0 && *bodylen != n)
			return 400;
		*bodylen = n;
	}
	if (req_header(rq, "Host") == NULL && !rq->http10)
		return 400;
	return parse_target(rq);
}

/* --- responses ---------------------------------------------------------- */

static bool
step_has_header(const struct step *st, const char *name)
{
	size_t i, n = strlen(name);

	for (i = 0; st != NULL && i < st->nhdrs; i++)
		if (strncasecmp(st->hdrs[i], name, n) == 0 &&
		    st->hdrs[i][n] == ':')
			return true;
	return false;
}

/* Add a header unless the step replaces it with a header= of its own. */
static void
hdr_add(struct buf *h, const struct step *st, const char *name,
    const char *fmt, ...)
{
	va_list ap;

	if (step_has_header(st, name))
		return;
	buf_printf(h, "%s: ", name);
	va_start(ap, fmt);
	buf_vprintf(h, fmt, ap);
	va_end(ap);
	buf_adds(h, "\r\n");
}

/* Read a whole file; false with errno set. */
static bool
load_file(int dirfd, const char *name, struct body *b, struct stat *sb)
{
	ssize_t n;
	size_t got = 0;
	int fd, e;

	/* O_NONBLOCK: a FIFO in the store must not hang the thread */
	if ((fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY |
	    O_NONBLOCK)) < 0)
		return false;
	if (fstat(fd, sb) != 0)
		goto fail;
	if (!S_ISREG(sb->st_mode)) {
		errno = S_ISDIR(sb->st_mode) ? EISDIR : ENOENT;
		goto fail;
	}
	if (sb->st_size > FILE_MAX) {
		errno = EFBIG;
		goto fail;
	}
	b->p = xmalloc((size_t)sb->st_size + 1);
	b->owned = true;
	while (got < (size_t)sb->st_size) {
		n = read(fd, b->p + got, (size_t)sb->st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			e = errno;
			free(b->p);
			b->p = NULL;
			b->owned = false;
			errno = e;
			goto fail;
		}
		if (n == 0)
			break;	/* shrank meanwhile: serve what is left */
		got += (size_t)n;
	}
	b->len = got;
	close(fd);
	return true;
fail:
	e = errno;
	close(fd);
	errno = e;
	return false;
}

static void
etag_of(const struct body *b, char *out, size_t n)
{
	snprintf(out, n, "W/\"%010" PRIx64 "\"",
	    (uint64_t)(fnv1a(b->p, b->len) & 0xffffffffffULL));
}

/* If-None-Match (weak comparison) against our ETag. */
static bool
etag_matches(const char *list, const char *etag)
{
	const char *p = list, *tok, *mine = etag;
	size_t n, mlen;

	if (strncmp(mine, "W/", 2) == 0)
		mine += 2;
	mlen = strlen(mine);
	while (*p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '\0')
			break;
		tok = p;
		if (*p == '*')
			return true;
		if (strncmp(tok, "W/", 2) == 0)
			tok += 2;
		if (*tok == '"') {
			const char *q = strchr(tok + 1, '"');

			n = q != NULL ? (size_t)(q - tok) + 1 : strlen(tok);
		} else
			n = strcspn(tok, ", \t");
		if (n == mlen && strncmp(tok, mine, n) == 0)
			return true;
		p = tok + n;
		p += strcspn(p, ",");
	}
	return false;
}

/* Everything needed to write one response, worked out before writing. */
struct plan {
	int		 status;
	const char	*ctype;
	struct body	 body;
	bool		 has_body;	/* for a GET; none for 204/304 */
	char		 etag[64];
	bool		 send_etag;
	time_t		 mtime;
	bool		 send_lm;
	bool		 from_file;
};

static void
body_set(struct plan *pl, const char *s)
{
	pl->body.p = (char *)(uintptr_t)s;
	pl->body.len = strlen(s);
	pl->body.owned = false;
	pl->has_body = true;
}

/*
 * Serve the file of the path (or the step's body=FILE) into the plan.
 * False if there is none: the plan is then the normal 404 or a 500.
 */
static bool
plan_file(struct plan *pl, const struct req *rq, const struct step *st,
    struct resp *rs)
{
	struct stat sb;
	char *name, eb[128];
	bool ok;

	if (st != NULL && st->body_file != NULL) {
		ok = load_file(AT_FDCWD, st->body_file, &pl->body, &sb);
		if (!ok) {
			warnmsg("%s: %s", st->body_file,
			    errstr(errno, eb, sizeof(eb)));
			pl->status = 500;
			pl->ctype = "application/json";
			plan_error_json(pl, 500);
			return false;
		}
		rs->file = xstrdup(st->body_file);
	} else {
		if (!rq->in_api || rq->nofile)
			goto notfound;
		name = xprintf("%s.json", rq->path);
		ok = load_file(opt.storefd, name, &pl->body, &sb);
		if (!ok) {
			if (errno != ENOENT && errno != ENOTDIR &&
			    errno != EISDIR && errno != ENAMETOOLONG)
				warnmsg("%s/%s: %s", opt.store, name,
				    errstr(errno, eb, sizeof(eb)));
			free(name);
			goto notfound;
		}
		rs->file = name;
	}
	pl->has_body = true;
	pl->from_file = true;
	pl->mtime = sb.st_mtime;
	etag_of(&pl->body, pl->etag, sizeof(pl->etag));
	pl->send_etag = opt.etag;
	pl->send_lm = opt.lastmod;
	return true;
notfound:
	pl->status = 404;
	pl->ctype = "application/json";
	body_set(pl, BODY_404);
	return false;
}

static bool
not_modified(const struct req *rq, const struct plan *pl)
{
	const char *inm, *ims;
	time_t t;

	if ((inm = req_header(rq, "If-None-Match")) != NULL)
		return opt.etag && etag_matches(inm, pl->etag);
	if ((ims = req_header(rq, "If-Modified-Since")) != NULL &&
	    opt.lastmod && (t = parse_http_date(ims)) != -1)
		return pl->mtime <= t;
	return false;
}

static void
plan_error_json(struct plan *pl, int code)
{
	char tmp[160];
	struct buf b = { 0 };

	if (code == 403)
		snprintf(tmp, sizeof(tmp), "%s", BODY_CHALLENGE);
	else
		snprintf(tmp, sizeof(tmp),
		    "{\"error\":{\"code\":%d,\"message\":\"%s\"}}", code,
		    reason(code));
	buf_adds(&b, tmp);
	pl->body.p = b.p;
	pl->body.len = b.len;
	pl->body.owned = true;
	pl->has_body = true;
}

/* Work out status, body and validators for a request and its step. */
static void
plan_response(struct plan *pl, const struct req *rq, const struct step *st,
    struct resp *rs)
{
	enum kind k = st != NULL ? st->kind : K_PASS;
	int status = st != NULL ? st->status : 0;

	memset(pl, 0, sizeof(*pl));
	pl->ctype = "application/json";
	switch (k) {
	case K_PASS:
		if (plan_file(pl, rq, st, rs)) {
			pl->status = 200;
			if (not_modified(rq, pl))
				pl->status = 304;
		}
		break;
	case K_STATUS:
		if (status == 304) {
			if (!plan_file(pl, rq, st, rs) && pl->status == 500)
				break;
			pl->status = 304;
		} else if (status >= 200 && status < 300 && status != 204) {
			if (plan_file(pl, rq, st, rs))
				pl->status = status;
		} else {
			pl->status = status;
			if (st->body_file != NULL) {
				if (plan_file(pl, rq, st, rs))
					pl->status = status;
			} else if (status != 204)
				plan_error_json(pl, status);
		}
		break;
	case K_REDIRECT:
		pl->status = status != 0 ? status : 302;
		if (st->body_file != NULL && plan_file(pl, rq, st, rs))
			pl->status = status != 0 ? status : 302;
		else if (st->body_file == NULL)
			body_set(pl, "");
		break;
	case K_CHALLENGE:
	case K_FORBIDDEN:
	case K_INVALID:
	case K_HTML:
	case K_ERRJSON:
		if (st->body_file != NULL) {
			if (plan_file(pl, rq, st, rs))
				pl->status = 0;
			else
				break;
		} else if (k == K_CHALLENGE)
			body_set(pl, BODY_CHALLENGE);
		else if (k == K_FORBIDDEN)
			body_set(pl, BODY_FORBIDDEN);
		else if (k == K_INVALID)
			body_set(pl, BODY_INVALID);
		else if (k == K_HTML)
			body_set(pl, BODY_HTML);
		else
			plan_error_json(pl, st->error_code);
		if (k == K_HTML)
			pl->ctype = "text/html; charset=utf-8";
		pl->send_etag = pl->send_lm = false;
		if (status != 0)
			pl->status = status;
		else if (k == K_CHALLENGE || k == K_FORBIDDEN)
			pl->status = 403;
		else
			pl->status = 200;
		break;
	case K_RESET:
	case K_EMPTY:
	case K_STALL:
		/* stall with truncate=N: headers and N bytes, then hang */
		if (plan_file(pl, rq, st, rs))
			pl->status = status != 0 ? status : 200;
		break;
	}
	if (pl->status == 204 || pl->status == 304) {
		pl->has_body = false;
	}
	/* validators go with successful file bodies only */
	if (!pl->from_file || !((pl->status >= 200 && pl->status < 300) ||
	    pl->status == 304))
		pl->send_etag = pl->send_lm = false;
}

/* Build the head of the response into h. */
static void
build_head(struct buf *h, const struct req *rq, const struct step *st,
    const struct plan *pl, long long length, bool chunked, bool close_after)
{
	char date[64];
	time_t now, t;
	long skew = opt.date_skew;
	size_t i;

	if (st != NULL && st->has_date)
		skew = st->date_off;
	now = time(NULL) + skew;
	buf_printf(h, "HTTP/1.1 %d %s\r\n", pl->status, reason(pl->status));
	http_date(now, date, sizeof(date));
	hdr_add(h, st, "Date", "%s", date);
	hdr_add(h, st, "Server", "fakesofa");
	if (pl->status != 304 && pl->status != 204)
		hdr_add(h, st, "Content-Type", "%s",
		    st != NULL && st->content_type != NULL ?
		    st->content_type : pl->ctype);
	if (length >= 0)
		hdr_add(h, st, "Content-Length", "%lld", length);
	if (chunked)
		hdr_add(h, st, "Transfer-Encoding", "chunked");
	if (st != NULL && st->etag != NULL) {
		if (*st->etag != '\0')
			hdr_add(h, st, "ETag", "%s", st->etag);
	} else if (pl->send_etag && (st == NULL || !st->no_etag))
		hdr_add(h, st, "ETag", "%s", pl->etag);
	t = -1;
	if (st != NULL && st->lm_mode == LM_RELATIVE)
		t = now + (time_t)st->lm_val;
	else if (st != NULL && st->lm_mode == LM_ABSOLUTE)
		t = (time_t)st->lm_val;
	else if (pl->send_lm && (st == NULL || st->lm_mode != LM_NONE))
		t = pl->mtime;
	if (t != -1) {
		http_date(t, date, sizeof(date));
		hdr_add(h, st, "Last-Modified", "%s", date);
	}
	if (st != NULL && st->retry_after != NULL)
		hdr_add(h, st, "Retry-After", "%s", st->retry_after);
	if (st != NULL && st->retry_date) {
		http_date(now + st->retry_date_off, date, sizeof(date));
		hdr_add(h, st, "Retry-After", "%s", date);
	}
	if (st != NULL && st->cache_control != NULL)
		hdr_add(h, st, "Cache-Control", "%s", st->cache_control);
	if (st != NULL && st->location != NULL)
		hdr_add(h, st, "Location", "%s", st->location);
	if (pl->status == 405)
		hdr_add(h, st, "Allow", "GET, HEAD");
	for (i = 0; st != NULL && i < st->nhdrs; i++)
		buf_printf(h, "%s\r\n", st->hdrs[i]);
	if (close_after)
		hdr_add(h, st, "Connection", "close");
	else if (rq->http10)
		hdr_add(h, st, "Connection", "keep-alive");
	buf_adds(h, "\r\n");
}

/*
 * Send the body: all of it, or the first truncate= bytes; in trickle=
 * pieces; as chunks with chunked.  Sets rs->bytes and rs->outcome on
 * failure; false if the connection cannot go on.
 */
static bool
send_body(struct conn *c, const struct step *st, const struct plan *pl,
    struct resp *rs, size_t limit, bool chunked)
{
	size_t piece, n, sent = 0;
	char sz[32];
	enum sendres r;

	piece = st != NULL && st->trickle_bytes > 0 ?
	    (size_t)st->trickle_bytes : limit;
	while (sent < limit) {
		n = limit - sent < piece ? limit - sent : piece;
		if (chunked) {
			snprintf(sz, sizeof(sz), "%zx\r\n", n);
			r = send_all(c, sz, strlen(sz));
			if (r == SEND_OK)
				r = send_all(c, pl->body.p + sent, n);
			if (r == SEND_OK)
				r = send_all(c, "\r\n", 2);
		} else
			r = send_all(c, pl->body.p + sent, n);
		if (r != SEND_OK) {
			rs->outcome = r == SEND_STOP ? "shutdown" : "aborted";
			return false;
		}
		sent += n;
		rs->bytes = (long long)sent;
		if (sent < limit && st != NULL && st->trickle_bytes > 0) {
			switch (conn_nap(c, st->trickle_ms)) {
			case NAP_OK:
				break;
			case NAP_GONE:
				rs->outcome = "aborted";
				return false;
			case NAP_STOP:
				rs->outcome = "shutdown";
				return false;
			}
		}
	}
	return true;
}

/*
 * Answer one parsed request according to its scenario step.  Returns true
 * when the connection stays open for the next request; otherwise the
 * caller closes it (unless an action already did: reset, empty).
 */
static bool
respond(struct conn *c, const struct req *rq, struct resp *rs,
    const struct step *st)
{
	struct plan pl;
	struct buf h = { 0 };
	long long length;
	size_t limit;
	bool chunked, close_after, keep = false;
	enum kind k = st != NULL ? st->kind : K_PASS;

	switch (conn_nap(c, opt.latency + (st != NULL ? st->delay : 0))) {
	case NAP_OK:
		break;
	case NAP_GONE:
		rs->outcome = "aborted";
		return false;
	case NAP_STOP:
		rs->outcome = "shutdown";
		return false;
	}
	if (k == K_RESET) {
		conn_reset(c);
		rs->outcome = "reset";
		return false;
	}
	if (k == K_EMPTY) {
		conn_close(c);
		rs->outcome = "empty";
		return false;
	}
	if (k == K_STALL && st->truncate < 0) {
		rs->outcome = conn_stall(c) ? "stalled" : "shutdown";
		return false;
	}

	plan_response(&pl, rq, st, rs);
	chunked = st != NULL && st->chunked && pl.has_body;
	close_after = !rq->keepalive || (st != NULL && (st->close ||
	    st->no_length || st->truncate >= 0 || k == K_STALL));
	length = -1;
	if (pl.has_body && !chunked && !(st != NULL && st->no_length))
		length = (long long)pl.body.len;
	else if (!pl.has_body && pl.status != 304 && pl.status != 204)
		length = 0;
	limit = pl.has_body && !rq->head ? pl.body.len : 0;
	if (st != NULL && st->truncate >= 0 && (size_t)st->truncate < limit)
		limit = (size_t)st->truncate;

	build_head(&h, rq, st, &pl, length, chunked, close_after);
	rs->status = pl.status;
	rs->length = length;
	rs->t_resp = clock_ms(CLOCK_REALTIME);
	switch (send_all(c, h.p, h.len)) {
	case SEND_OK:
		break;
	case SEND_STOP:
		rs->outcome = "shutdown";
		goto out;
	case SEND_FAIL:
		rs->outcome = "aborted";
		goto out;
	}
	if (!send_body(c, st, &pl, rs, limit, chunked))
		goto out;
	if (chunked && !rq->head && !(st != NULL && st->truncate >= 0) &&
	    send_all(c, "0\r\n\r\n", 5) != SEND_OK) {
		rs->outcome = "aborted";
		goto out;
	}
	if (k == K_STALL) {
		rs->outcome = conn_stall(c) ? "stalled" : "shutdown";
		goto out;
	}
	rs->outcome = limit < (pl.has_body && !rq->head ? pl.body.len : 0) ?
	    "truncated" : "complete";
	keep = !close_after;
out:
	if (pl.body.owned)
		free(pl.body.p);
	free(h.p);
	return keep;
}

/*
 * Answer a request refused before any scenario step: 405 keeps the
 * connection (the request was well-formed), the others do not.
 */
static bool
respond_error(struct conn *c, struct req *rq, struct resp *rs, int status)
{
	struct plan pl;
	struct buf h = { 0 };
	bool keep;

	memset(&pl, 0, sizeof(pl));
	pl.status = status;
	pl.ctype = "application/json";
	plan_error_json(&pl, status);
	if (status != 405)
		rq->keepalive = false;
	build_head(&h, rq, NULL, &pl, (long long)pl.body.len, false,
	    !rq->keepalive);
	if (!rq->head)
		buf_add(&h, pl.body.p, pl.body.len);
	rs->status = status;
	rs->length = (long long)pl.body.len;
	rs->t_resp = clock_ms(CLOCK_REALTIME);
	keep = send_all(c, h.p, h.len) == SEND_OK;
	rs->bytes = keep && !rq->head ? rs->length : 0;
	rs->outcome = !keep ? "aborted" : status == 405 ? "complete" :
	    "bad-request";
	keep = keep && rq->keepalive;
	free(pl.body.p);
	free(h.p);
	return keep;
}

/*
 * Read, answer and log one request of the head found by read_head (or the
 * oversized head it gave up on).  True when the connection goes on.
 */
static bool
handle_request(struct conn *c, enum rd r, size_t headlen)
{
	struct scenario *sc = NULL;
	const struct step *st = NULL;
	struct resp rs;
	struct req rq;
	long long bodylen = 0;
	int err;
	bool keep;

	memset(&rq, 0, sizeof(rq));
	memset(&rs, 0, sizeof(rs));
	rs.length = -1;
	rq.t_recv = clock_ms(CLOCK_REALTIME);
	rq.seq = atomic_fetch_add(&seq_next, 1) + 1;
	rq.conn_req = ++c->nreq;
	err = r == RD_LINE_LONG ? 414 : r == RD_HEAD_LONG ? 431 : 0;
	if (err == 0) {
		rq.raw = xstrndup(c->in, headlen);
		memmove(c->in, c->in + headlen, c->inlen - headlen);
		c->inlen -= headlen;
		err = parse_req(&rq, &bodylen);
		if (err == 0 || err == 405)
			rq.head = strcmp(rq.method, "HEAD") == 0;
		if (err == 0 && !rq.head && strcmp(rq.method, "GET") != 0)
			err = 405;
	}
	if ((err == 0 || err == 405) && !discard_body(c, bodylen)) {
		rs.outcome = "aborted";
		keep = false;
	} else if (err != 0)
		keep = respond_error(c, &rq, &rs, err);
	else {
		if (rq.in_api) {
			sc = scenario_acquire();
			st = scenario_next(sc, rq.path, &rs);
		}
		keep = respond(c, &rq, &rs, st);
	}
	/* logged first: t_done is the last byte, not the client's FIN */
	log_request(c, &rq, &rs);
	if (!keep)
		conn_close(c);
	scenario_release(sc);
	free(rs.file);
	free(rq.raw);
	free(rq.path);
	free(rq.query);
	return keep && c->fd >= 0;
}

static void *
conn_main(void *arg)
{
	struct conn *c = arg;
	size_t headlen = 0;
	enum rd r;

	for (;;) {
		r = read_head(c, &headlen);
		if (r == RD_EOF || r == RD_GONE)
			break;
		if (!handle_request(c, r, headlen))
			break;
	}
	if (c->fd >= 0) {
		close(c->fd);
		c->fd = -1;
	}
	atomic_store(&c->done, true);
	return NULL;
}

/* --- set-up, signals and the accept loop --------------------------------- */

static void
usage(FILE *fp, int status)
{
	fputs("usage: fakesofa [-hv] [-p port] [-P port-file] [-s scenario] "
	    "[-l log]\n"
	    "                [--prefix path] [--latency ms] [--date-skew s]\n"
	    "                [--no-etag] [--no-last-modified] "
	    "[--idle-timeout s]\n"
	    "                [--max-conns n] store\n"
	    "\n"
	    "Serve the raw store STORE as the Sofascore API on 127.0.0.1,\n"
	    "with faults scripted per path by a scenario file (see\n"
	    "t/helper/fakesofa.md).  The port is printed on stdout.  SIGTERM\n"
	    "or SIGINT stops it (exit 0); SIGHUP reloads the scenario and\n"
	    "resets its counters.\n"
	    "\n"
	    "  -p, --port N           port to bind (default 0: any free one)\n"
	    "  -P, --port-file F      write the port to F (atomically)\n"
	    "  -s, --scenario F       per-path response sequences\n"
	    "  -l, --log F            append one NDJSON line per request\n"
	    "      --prefix P         API path prefix (default /api/v1)\n"
	    "      --latency MS       added to every response\n"
	    "      --date-skew S      seconds added to the Date header\n"
	    "      --no-etag          send no ETag, ignore If-None-Match\n"
	    "      --no-last-modified send no Last-Modified, ignore "
	    "If-Modified-Since\n"
	    "      --idle-timeout S   close idle connections (default 60)\n"
	    "      --max-conns N      concurrent connections (default 512)\n"
	    "  -v, --verbose          one line per request on stderr\n"
	    "  -h, --help             this help\n", fp);
	exit(status);
}

static long long
opt_num(const char *name, const char *v, long long min, long long max)
{
	long long n;

	if (!parse_num(v, min, max, &n)) {
		warnmsg("%s: bad value '%s' (%lld..%lld)", name, v, min, max);
		usage(stderr, 2);
	}
	return n;
}

static void
parse_options(int argc, char **argv)
{
	enum { O_PREFIX = 256, O_LATENCY, O_SKEW, O_NOETAG, O_NOLM, O_IDLE,
	    O_MAXCONN, O_VERSION };
	static const struct option longopts[] = {
		{ "port", required_argument, NULL, 'p' },
		{ "port-file", required_argument, NULL, 'P' },
		{ "scenario", required_argument, NULL, 's' },
		{ "log", required_argument, NULL, 'l' },
		{ "prefix", required_argument, NULL, O_PREFIX },
		{ "latency", required_argument, NULL, O_LATENCY },
		{ "date-skew", required_argument, NULL, O_SKEW },
		{ "no-etag", no_argument, NULL, O_NOETAG },
		{ "no-last-modified", no_argument, NULL, O_NOLM },
		{ "idle-timeout", required_argument, NULL, O_IDLE },
		{ "max-conns", required_argument, NULL, O_MAXCONN },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, O_VERSION },
		{ NULL, 0, NULL, 0 }
	};
	char *p;
	int ch;

	opt.prefix = "/api/v1";
	opt.etag = opt.lastmod = true;
	opt.idle_ms = 60000;
	opt.max_conns = 512;
	opt.logfd = -1;
	while ((ch = getopt_long(argc, argv, "hvp:P:s:l:", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'p':
			opt.port = (int)opt_num("--port", optarg, 0, 65535);
			break;
		case 'P':
			opt.portfile = optarg;
			break;
		case 's':
			opt.scenario = optarg;
			break;
		case 'l':
			opt.logpath = optarg;
			break;
		case O_PREFIX:
			opt.prefix = optarg;
			break;
		case O_LATENCY:
			opt.latency = (long)opt_num("--latency", optarg, 0,
			    86400000);
			break;
		case O_SKEW:
			opt.date_skew = (long)opt_num("--date-skew", optarg,
			    -1000000000, 1000000000);
			break;
		case O_NOETAG:
			opt.etag = false;
			break;
		case O_NOLM:
			opt.lastmod = false;
			break;
		case O_IDLE:
			opt.idle_ms = (long)opt_num("--idle-timeout", optarg,
			    1, 86400) * 1000;
			break;
		case O_MAXCONN:
			opt.max_conns = (unsigned long)opt_num("--max-conns",
			    optarg, 1, 100000);
			break;
		case 'v':
			opt.verbose = true;
			break;
		case 'h':
			usage(stdout, 0);
			break;
		case O_VERSION:
			puts("fakesofa (sofa test helper)");
			exit(0);
		default:
			usage(stderr, 2);
		}
	}
	if (argc - optind != 1) {
		warnmsg(argc - optind == 0 ? "no store given" :
		    "too many arguments");
		usage(stderr, 2);
	}
	opt.store = argv[optind];
	/* "/api/v1/" and "api/v1" mean "/api/v1"; "/" or "" mean none */
	p = xstrdup(opt.prefix);
	while (*p != '\0' && p[strlen(p) - 1] == '/')
		p[strlen(p) - 1] = '\0';
	if (*p != '\0' && *p != '/') {
		char *q = xprintf("/%s", p);

		free(p);
		p = q;
	}
	opt.prefix = p;
	opt.prefixlen = strlen(p);
}

static void
set_fl(int fd, int cmd_get, int cmd_set, int flag)
{
	int fl = fcntl(fd, cmd_get);

	if (fl < 0 || fcntl(fd, cmd_set, fl | flag) < 0)
		die("fcntl: %s", strerror(errno));
}

static int
listen_loopback(void)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int fd, one = 1;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		die("socket: %s", strerror(errno));
	set_fl(fd, F_GETFD, F_SETFD, FD_CLOEXEC);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)opt.port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0)
		die("bind 127.0.0.1:%d: %s", opt.port, strerror(errno));
	if (listen(fd, SOMAXCONN) != 0)
		die("listen: %s", strerror(errno));
	if (getsockname(fd, (struct sockaddr *)&sin, &len) != 0)
		die("getsockname: %s", strerror(errno));
	opt.port = ntohs(sin.sin_port);
	set_fl(fd, F_GETFL, F_SETFL, O_NONBLOCK);
	return fd;
}

/* Write the port to the port file: temp file beside it, then rename. */
static void
write_portfile(void)
{
	char *tmp;
	FILE *fp;

	tmp = xprintf("%s.tmp.%ld", opt.portfile, (long)getpid());
	if ((fp = fopen(tmp, "w")) == NULL)
		die("%s: %s", tmp, strerror(errno));
	fprintf(fp, "%d\n", opt.port);
	if (fflush(fp) != 0 || fsync(fileno(fp)) != 0 || ferror(fp)) {
		fclose(fp);
		unlink(tmp);
		die("%s: write error", tmp);
	}
	fclose(fp);
	if (rename(tmp, opt.portfile) != 0) {
		unlink(tmp);
		die("rename %s: %s", opt.portfile, strerror(errno));
	}
	free(tmp);
}

/* SIGTERM and SIGINT stop the server; SIGHUP reloads the scenario. */
static void *
signal_main(void *arg)
{
	sigset_t *set = arg;
	struct scenario *sc;
	int sig;

	for (;;) {
		if (sigwait(set, &sig) != 0)
			continue;
		if (sig == SIGHUP) {
			if (opt.scenario == NULL)
				continue;
			/* fakesofa_reload (t/test-lib.sh) waits for these */
			if ((sc = scenario_load(opt.scenario)) == NULL)
				warnmsg("reload: failed, keeping the old "
				    "scenario");
			else {
				warnmsg("reload: ok, %zu rules", sc->nrules);
				scenario_swap(sc);
			}
			continue;
		}
		atomic_store(&stopping, true);
		close(opt.stop_wr);
		return NULL;
	}
}

/* Join the connection threads that have finished (all, with wait_all). */
static size_t
reap(struct conn **list, bool wait_all)
{
	struct conn **pp = list, *c;
	size_t live = 0;

	while ((c = *pp) != NULL) {
		if (wait_all || atomic_load(&c->done)) {
			pthread_join(c->tid, NULL);
			*pp = c->next;
			free(c->in);
			free(c);
		} else {
			live++;
			pp = &c->next;
		}
	}
	return live;
}

static void
serve(int lfd)
{
	struct conn *conns = NULL, *c;
	struct pollfd pfd[2];
	pthread_attr_t attr;
	unsigned long nextid = 0;
	size_t live = 0;
	bool emfile_warned = false;
	int fd, one = 1, r;

	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 1 << 20);
	while (!atomic_load(&stopping)) {
		pfd[0].fd = lfd;
		pfd[0].events = POLLIN;
		pfd[1].fd = opt.stop_rd;
		pfd[1].events = POLLIN;
		r = poll(pfd, 2, 500);
		live = reap(&conns, false);
		if (r < 0 && errno != EINTR)
			die("poll: %s", strerror(errno));
		if (r <= 0 || pfd[1].revents != 0)
			continue;
		if ((fd = accept(lfd, NULL, NULL)) < 0) {
			if ((errno == EMFILE || errno == ENFILE) &&
			    !emfile_warned) {
				warnmsg("accept: %s", strerror(errno));
				emfile_warned = true;
				nap(100);
			}
			continue;
		}
		if (live >= opt.max_conns) {
			close(fd);
			continue;
		}
		set_fl(fd, F_GETFD, F_SETFD, FD_CLOEXEC);
		set_fl(fd, F_GETFL, F_SETFL, O_NONBLOCK);
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		c = xcalloc(1, sizeof(*c));
		c->fd = fd;
		c->id = ++nextid;
		c->in = xmalloc(HEAD_MAX + 1);
		atomic_init(&c->done, false);
		if ((r = pthread_create(&c->tid, &attr, conn_main, c)) != 0) {
			warnmsg("pthread_create: %s", strerror(r));
			close(fd);
			free(c->in);
			free(c);
			continue;
		}
		c->next = conns;
		conns = c;
	}
	close(lfd);
	reap(&conns, true);
	pthread_attr_destroy(&attr);
}

int
main(int argc, char **argv)
{
	struct scenario *sc = NULL;
	pthread_t sigtid;
	sigset_t set;
	int lfd, pfds[2], r;

	parse_options(argc, argv);
	opt.storefd = open(opt.store, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (opt.storefd < 0) {
		warnmsg("%s: %s", opt.store, strerror(errno));
		exit(2);
	}
	if (opt.scenario != NULL && (sc = scenario_load(opt.scenario)) == NULL)
		exit(2);
	scenario_swap(sc);
	if (opt.logpath != NULL && (opt.logfd = open(opt.logpath,
	    O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644)) < 0) {
		warnmsg("%s: %s", opt.logpath, strerror(errno));
		exit(2);
	}

	/*
	 * A shell starts background jobs with SIGINT ignored, and an ignored
	 * signal is never pending for sigwait: restore the defaults first.
	 */
	signal(SIGPIPE, SIG_IGN);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if ((r = pthread_sigmask(SIG_BLOCK, &set, NULL)) != 0)
		die("pthread_sigmask: %s", strerror(r));
	if (pipe(pfds) != 0)
		die("pipe: %s", strerror(errno));
	opt.stop_rd = pfds[0];
	opt.stop_wr = pfds[1];
	set_fl(opt.stop_rd, F_GETFD, F_SETFD, FD_CLOEXEC);
	set_fl(opt.stop_wr, F_GETFD, F_SETFD, FD_CLOEXEC);

	lfd = listen_loopback();
	if (opt.portfile != NULL)
		write_portfile();
	printf("%d\n", opt.port);
	fflush(stdout);

	if ((r = pthread_create(&sigtid, NULL, signal_main, &set)) != 0)
		die("pthread_create: %s", strerror(r));
	serve(lfd);
	pthread_join(sigtid, NULL);

	scenario_swap(NULL);
	close(opt.stop_rd);
	close(opt.storefd);
	if (opt.logfd >= 0 && close(opt.logfd) != 0) {
		warnmsg("%s: %s", opt.logpath, strerror(errno));
		return 1;
	}
	free((char *)(uintptr_t)opt.prefix);
	return atomic_load(&log_failed) ? 1 : 0;
}
