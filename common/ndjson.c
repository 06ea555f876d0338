/*
 * ndjson.c - the streaming JSON writer and the NDJSON record reader.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "ndjson.h"
#include "num.h"

void
sofa_jw_init(struct sofa_jw *w, FILE *fp)
{
	memset(w, 0, sizeof(*w));
	w->fp = fp;
}

/* Before any value: the comma that separates it from its predecessor. */
static void
sep(struct sofa_jw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->depth > 0) {
		if (w->comma[w->depth])
			putc(',', w->fp);
		w->comma[w->depth] = true;
	}
}

static void
open_(struct sofa_jw *w, int c)
{
	sep(w);
	putc(c, w->fp);
	if (w->depth + 1 < SOFA_JW_MAXDEPTH)
		w->depth++;
	w->comma[w->depth] = false;
}

static void
close_(struct sofa_jw *w, int c)
{
	putc(c, w->fp);
	if (w->depth > 0)
		w->depth--;
}

void
sofa_jw_obj(struct sofa_jw *w)
{
	open_(w, '{');
}

void
sofa_jw_obj_end(struct sofa_jw *w)
{
	close_(w, '}');
}

void
sofa_jw_arr(struct sofa_jw *w)
{
	open_(w, '[');
}

void
sofa_jw_arr_end(struct sofa_jw *w)
{
	close_(w, ']');
}

/* Length of the valid UTF-8 sequence at s (n bytes left), 0 if invalid. */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		return n >= 2 && (s[1] & 0xC0) == 0x80 ? 2 : 0;
	if (c >= 0xE0 && c <= 0xEF) {
		if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
			return 0;
		if ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] > 0x9F))
			return 0;
		return 3;
	}
	if (c >= 0xF0 && c <= 0xF4) {
		if (n < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 ||
		    (s[3] & 0xC0) != 0x80)
			return 0;
		if ((c == 0xF0 && s[1] < 0x90) || (c == 0xF4 && s[1] > 0x8F))
			return 0;
		return 4;
	}
	return 0;
}

bool
sofa_utf8_valid(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;

	for (size_t i = 0, l; i < n; i += l)
		if ((l = utf8_len(s + i, n - i)) == 0)
			return false;
	return true;
}

void
sofa_json_quote(FILE *fp, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, run = 0;

	putc('"', fp);
	while (i < n) {
		unsigned char c = s[i];
		size_t l;

		if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0x80 && (l = utf8_len(s + i, n - i)) != 0) {
			i += l;
			continue;
		}
		fwrite(s + run, 1, i - run, fp);
		switch (c) {
		case '"':
			fputs("\\\"", fp);
			break;
		case '\\':
			fputs("\\\\", fp);
			break;
		case '\n':
			fputs("\\n", fp);
			break;
		case '\r':
			fputs("\\r", fp);
			break;
		case '\t':
			fputs("\\t", fp);
			break;
		default:
			if (c < 0x20)
				fprintf(fp, "\\u%04x", c);
			else
				fputs("\xEF\xBF\xBD", fp);	/* U+FFFD */
		}
		i++;
		run = i;
	}
	fwrite(s + run, 1, i - run, fp);
	putc('"', fp);
}

void
sofa_jw_key(struct sofa_jw *w, const char *key)
{
	sep(w);
	sofa_json_quote(w->fp, key, strlen(key));
	putc(':', w->fp);
	w->after_key = true;
}

void
sofa_jw_str(struct sofa_jw *w, const char *s)
{
	if (s == NULL) {
		sofa_jw_null(w);
		return;
	}
	sofa_jw_strn(w, s, strlen(s));
}

void
sofa_jw_strn(struct sofa_jw *w, const char *s, size_t n)
{
	sep(w);
	sofa_json_quote(w->fp, s, n);
}

void
sofa_jw_int(struct sofa_jw *w, long long v)
{
	char buf[SOFA_INT_LEN];
	size_t n = sofa_fmt_int(buf, v);

	sep(w);
	fwrite(buf, 1, n, w->fp);
}

void
sofa_jw_real(struct sofa_jw *w, double v)
{
	char buf[SOFA_DBL_LEN];
	size_t n;

	sep(w);
	n = sofa_fmt_double(buf, v);
	if (buf[0] == 'n' || buf[0] == 'i' || buf[1] == 'i')
		fputs("null", w->fp);	/* JSON has no inf or nan */
	else
		fwrite(buf, 1, n, w->fp);
}

void
sofa_jw_bool(struct sofa_jw *w, bool v)
{
	sep(w);
	fputs(v ? "true" : "false", w->fp);
}

void
sofa_jw_null(struct sofa_jw *w)
{
	sep(w);
	fputs("null", w->fp);
}

void
sofa_jw_jv(struct sofa_jw *w, const struct sofa_jv *v)
{
	size_t n;
	char *s;

	if (v == NULL) {
		sofa_jw_null(w);
		return;
	}
	sep(w);
	s = sofa_jv_write(v, &n);
	fwrite(s, 1, n, w->fp);
	free(s);
}

void
sofa_jw_nl(struct sofa_jw *w)
{
	putc('\n', w->fp);
	w->depth = 0;
	w->after_key = false;
	w->comma[0] = false;
}

void
sofa_jw_kstr(struct sofa_jw *w, const char *key, const char *s)
{
	sofa_jw_key(w, key);
	sofa_jw_str(w, s);
}

void
sofa_jw_kint(struct sofa_jw *w, const char *key, long long v)
{
	sofa_jw_key(w, key);
	sofa_jw_int(w, v);
}

void
sofa_jw_kreal(struct sofa_jw *w, const char *key, double v)
{
	sofa_jw_key(w, key);
	sofa_jw_real(w, v);
}

void
sofa_jw_kbool(struct sofa_jw *w, const char *key, bool v)
{
	sofa_jw_key(w, key);
	sofa_jw_bool(w, v);
}

void
sofa_jw_knull(struct sofa_jw *w, const char *key)
{
	sofa_jw_key(w, key);
	sofa_jw_null(w);
}

int
sofa_nd_next(struct sofa_lr *lr, struct sofa_jdoc **doc)
{
	struct sofa_jerr je;
	char *line;
	size_t len, i;
	int r;

	for (;;) {
		r = sofa_lr_next(lr, &line, &len);
		if (r == SOFA_LR_EOF)
			return 0;
		if (r == SOFA_LR_ERROR) {
			sofa_warn("%s: read error", sofa_lr_name(lr));
			return -2;
		}
		if (r == SOFA_LR_TOOLONG) {
			sofa_warnx("%s:%lu: line too long", sofa_lr_name(lr),
			    sofa_lr_lineno(lr));
			return -1;
		}
		for (i = 0; i < len; i++)
			if (line[i] != ' ' && line[i] != '\t')
				break;
		if (i < len)
			break;
	}
	*doc = sofa_jdoc_parse(line, len, true, &je);
	if (*doc == NULL) {
		sofa_warnx("%s:%lu: invalid JSON at column %zu: %s",
		    sofa_lr_name(lr), sofa_lr_lineno(lr),
		    je.col ? je.col : je.pos + 1, je.msg);
		return -1;
	}
	if (!sofa_jv_is_obj(sofa_jdoc_root(*doc))) {
		sofa_warnx("%s:%lu: not a JSON object but %s",
		    sofa_lr_name(lr), sofa_lr_lineno(lr),
		    sofa_jv_type(sofa_jdoc_root(*doc)));
		sofa_jdoc_free(*doc);
		*doc = NULL;
		return -1;
	}
	return 1;
}
