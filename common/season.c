/*
 * season.c - season lists and season selection words (season.h).
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "num.h"
#include "season.h"
#include "store.h"
#include "xalloc.h"

bool
sofa_seasons_parse(const struct sofa_jv *root, const char *where,
    struct sofa_seasons *ss)
{
	struct sofa_jv *arr, *s;
	struct sofa_jit it;
	char key[48];
	size_t i = 0;
	bool ok = true;

	ss->v = NULL;
	ss->n = 0;
	arr = sofa_jv_get(root, "seasons");
	if (!sofa_jv_is_arr(arr))
		return sofa_contract(where, "seasons", "an array", arr);
	ss->v = xcalloc(sofa_jv_len(arr) + 1, sizeof(*ss->v));
	sofa_jit_arr(&it, arr);
	for (; (s = sofa_jit_next(&it)) != NULL; i++) {
		struct sofa_season *p = &ss->v[ss->n];
		const char *name, *year;
		int64_t id;

		if (!sofa_jv_int(sofa_jv_get(s, "id"), &id) || id <= 0) {
			snprintf(key, sizeof(key), "seasons[%zu].id", i);
			ok = sofa_contract(where, key, "a positive integer",
			    sofa_jv_get(s, "id"));
			continue;
		}
		name = sofa_jv_str(sofa_jv_get(s, "name"));
		year = sofa_jv_str(sofa_jv_get(s, "year"));
		p->id = id;
		p->name = name != NULL ? xstrdup(name) : NULL;
		p->year = year != NULL ? xstrdup(year) : NULL;
		if (year == NULL || !sofa_season_span(year, &p->start, &p->end))
			p->start = p->end = 0;
		ss->n++;
	}
	return ok;
}

void
sofa_seasons_free(struct sofa_seasons *ss)
{
	for (size_t i = 0; i < ss->n; i++) {
		free(ss->v[i].name);
		free(ss->v[i].year);
	}
	free(ss->v);
	ss->v = NULL;
	ss->n = 0;
}

/* Digits at *s (2 or 4 of them) into *v; advances *s.  Returns the count. */
static int
digits(const char **s, int *v)
{
	int n = 0;

	*v = 0;
	while (isdigit((unsigned char)**s) && n < 5) {
		*v = *v * 10 + (**s - '0');
		(*s)++;
		n++;
	}
	return n == 2 || n == 4 ? n : 0;
}

bool
sofa_season_span(const char *s, int *start, int *end)
{
	int a, b, na, nb;

	if ((na = digits(&s, &a)) == 0)
		return false;
	if (na == 2)
		a += a >= 69 ? 1900 : 2000;
	if (*s == '\0') {
		if (na != 4)
			return false;
		*start = *end = a;
		return a >= 1800;
	}
	if (*s != '/' && *s != '-')
		return false;
	s++;
	if ((nb = digits(&s, &b)) == 0 || *s != '\0')
		return false;
	if (nb == 2) {
		b += a - a % 100;
		if (b < a)
			b += 100;
	}
	if (a < 1800 || b < a || b > a + 1)
		return false;
	*start = a;
	*end = b;
	return true;
}

static bool
all_digits(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

/* A bare four-digit number that may be a calendar year. */
static bool
calendar_word(const char *w)
{
	const char *e;

	if (strlen(w) != 4)
		return false;
	sofa_strtonum(w, 1900, 2100, &e);
	return e == NULL;
}

bool
sofa_season_word_ok(const char *w, const char **why)
{
	const char *e;
	int a, b;

	*why = NULL;
	if (strcmp(w, "current") == 0 || strcmp(w, "all") == 0)
		return true;
	if (strncmp(w, "id:", 3) == 0 || all_digits(w)) {
		if (strncmp(w, "id:", 3) == 0)
			w += 3;
		sofa_strtonum(w, 1, INT64_MAX, &e);
		if (e != NULL)
			*why = "not a season id (a positive integer)";
		return e == NULL;
	}
	if (strncmp(w, "year:", 5) == 0)
		w += 5;
	if (!sofa_season_span(w, &a, &b))
		*why = "not a season: current, all, an id or a year such as "
		    "2023/24, 23/24 or 2024";
	return *why == NULL;
}

/* "25/26 24/25 ... (and N more)" into buf: what the list offers. */
static void
offer(const struct sofa_seasons *ss, char *buf, size_t len)
{
	size_t i, o = 0;

	buf[0] = '\0';
	for (i = 0; i < ss->n && i < 8 && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? " " : "",
		    ss->v[i].year ? ss->v[i].year : "?");
	if (i < ss->n && o < len)
		snprintf(buf + o, len - o, " ... %s (%zu seasons)",
		    ss->v[ss->n - 1].year ? ss->v[ss->n - 1].year : "?", ss->n);
}

size_t
sofa_season_select(const struct sofa_seasons *ss, const char *w, bool *sel,
    char *err, size_t errlen)
{
	size_t nid = 0, nyear = 0, ifound = 0, iyear = 0;
	bool byid, byyear;
	int64_t id = 0;
	int a = 0, b = 0;
	char list[160];

	offer(ss, list, sizeof(list));
	if (ss->n == 0) {
		snprintf(err, errlen, "the competition lists no seasons");
		return 0;
	}
	if (strcmp(w, "current") == 0) {
		sel[0] = true;
		return 1;
	}
	if (strcmp(w, "all") == 0) {
		for (size_t i = 0; i < ss->n; i++)
			sel[i] = true;
		return ss->n;
	}
	byid = strncmp(w, "id:", 3) == 0 || all_digits(w);
	byyear = strncmp(w, "year:", 5) == 0 || !all_digits(w) ||
	    calendar_word(w);
	if (strncmp(w, "id:", 3) == 0)
		byyear = false;
	if (strncmp(w, "year:", 5) == 0)
		byid = false;
	if (byid) {
		const char *e;

		id = sofa_strtonum(w + (w[0] == 'i' ? 3 : 0), 1, INT64_MAX, &e);
		if (e != NULL)
			byid = false;
	}
	if (byyear && !sofa_season_span(w + (w[0] == 'y' ? 5 : 0), &a, &b))
		byyear = false;
	for (size_t i = 0; i < ss->n; i++) {
		if (byid && ss->v[i].id == id) {
			nid++;
			ifound = i;
		}
		if (byyear && ss->v[i].start == a && ss->v[i].end == b &&
		    a != 0) {
			nyear++;
			iyear = i;
		}
	}
	if (nid > 0 && nyear > 0 && !(nyear == 1 && iyear == ifound)) {
		snprintf(err, errlen, "'%s' is both a season id and a year: "
		    "write id:%s or year:%s", w, w, w);
		return 0;
	}
	if (nid > 0) {
		sel[ifound] = true;
		return 1;
	}
	if (nyear > 0) {
		for (size_t i = 0; i < ss->n; i++)
			if (ss->v[i].start == a && ss->v[i].end == b)
				sel[i] = true;
		return nyear;
	}
	if (byyear && a == b) {
		for (size_t i = 0; i < ss->n; i++)
			if (ss->v[i].start == a && ss->v[i].end == a + 1) {
				snprintf(err, errlen, "no calendar season %d; "
				    "did you mean %s?", a, ss->v[i].year);
				return 0;
			}
	}
	snprintf(err, errlen, "no season '%s' (seasons: %s)", w, list);
	return 0;
}

size_t
sofa_words(const char *list, char ***words)
{
	size_t n = 0, cap = 0;
	char **v = NULL;

	while (*list != '\0') {
		size_t len = strcspn(list, " \t,");

		if (len > 0) {
			xgrow((void **)&v, &cap, n + 1, sizeof(*v));
			v[n++] = xstrndup(list, len);
		}
		list += len;
		list += strspn(list, " \t,");
	}
	*words = v;
	return n;
}

void
sofa_words_free(char **words, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(words[i]);
	free(words);
}
