/*
 * kset.c - open-addressing hash sets and insertion-ordered maps of 64-bit
 * keys (kset.h), linear probing, grown at 70% load.
 */
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "kset.h"
#include "xalloc.h"

uint64_t
sofa_mix64(uint64_t x)
{
	/* splitmix64's finaliser */
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

uint64_t
sofa_hash64(const void *p, size_t n, uint64_t seed)
{
	const unsigned char *s = p;
	uint64_t h = sofa_mix64(seed ^ (n * 0x9e3779b97f4a7c15ULL));

	for (; n >= 8; n -= 8, s += 8) {
		uint64_t w;

		memcpy(&w, s, 8);
		h = sofa_mix64(h ^ sofa_mix64(w + 0x9e3779b97f4a7c15ULL));
	}
	if (n > 0) {
		uint64_t w = 0;

		memcpy(&w, s, n);
		h = sofa_mix64(h ^ sofa_mix64(w ^ ((uint64_t)n << 56)));
	}
	return h;
}

uint64_t
sofa_pair64(uint64_t a, uint64_t b)
{
	return sofa_mix64(sofa_mix64(a) + 0x9e3779b97f4a7c15ULL * (b + 1));
}

/* --- sets ----------------------------------------------------------------- */

struct sofa_u64set {
	uint64_t *slot;		/* 0: empty; the key 0 is kept aside */
	size_t cap, len;	/* cap a power of two */
	bool zero;
};

struct sofa_u64set *
sofa_u64set_new(void)
{
	struct sofa_u64set *s = xcalloc(1, sizeof(*s));

	s->cap = 64;
	s->slot = xcalloc(s->cap, sizeof(*s->slot));
	return s;
}

void
sofa_u64set_free(struct sofa_u64set *s)
{
	if (s == NULL)
		return;
	free(s->slot);
	free(s);
}

static void
set_grow(struct sofa_u64set *s)
{
	size_t cap = s->cap * 2;
	uint64_t *slot = xcalloc(cap, sizeof(*slot));

	for (size_t i = 0; i < s->cap; i++) {
		uint64_t k = s->slot[i];
		size_t j;

		if (k == 0)
			continue;
		for (j = sofa_mix64(k) & (cap - 1); slot[j] != 0;
		    j = (j + 1) & (cap - 1))
			;
		slot[j] = k;
	}
	free(s->slot);
	s->slot = slot;
	s->cap = cap;
}

bool
sofa_u64set_add(struct sofa_u64set *s, uint64_t k)
{
	size_t j;

	if (k == 0) {
		if (s->zero)
			return false;
		s->zero = true;
		s->len++;
		return true;
	}
	if ((s->len + 1) * 10 > s->cap * 7)
		set_grow(s);
	for (j = sofa_mix64(k) & (s->cap - 1); s->slot[j] != 0;
	    j = (j + 1) & (s->cap - 1))
		if (s->slot[j] == k)
			return false;
	s->slot[j] = k;
	s->len++;
	return true;
}

bool
sofa_u64set_has(const struct sofa_u64set *s, uint64_t k)
{
	if (k == 0)
		return s->zero;
	for (size_t j = sofa_mix64(k) & (s->cap - 1); s->slot[j] != 0;
	    j = (j + 1) & (s->cap - 1))
		if (s->slot[j] == k)
			return true;
	return false;
}

size_t
sofa_u64set_len(const struct sofa_u64set *s)
{
	return s->len;
}

/* --- maps ----------------------------------------------------------------- */

struct sofa_u64map {
	uint32_t *slot;		/* entry index + 1; 0: empty */
	size_t cap;		/* a power of two */
	unsigned char *ent;	/* entries: key, then the value */
	size_t entsize, len, entcap;
};

struct sofa_u64map *
sofa_u64map_new(size_t valsize)
{
	struct sofa_u64map *m = xcalloc(1, sizeof(*m));

	m->cap = 64;
	m->slot = xcalloc(m->cap, sizeof(*m->slot));
	/* keep the keys aligned: round the entry up to 8 bytes */
	m->entsize = sizeof(uint64_t) + ((valsize + 7) & ~(size_t)7);
	return m;
}

void
sofa_u64map_free(struct sofa_u64map *m)
{
	if (m == NULL)
		return;
	free(m->slot);
	free(m->ent);
	free(m);
}

static uint64_t
ent_key(const struct sofa_u64map *m, size_t i)
{
	uint64_t k;

	memcpy(&k, m->ent + i * m->entsize, sizeof(k));
	return k;
}

static size_t
map_find(const struct sofa_u64map *m, uint64_t k, bool *found)
{
	size_t j;

	for (j = sofa_mix64(k) & (m->cap - 1); m->slot[j] != 0;
	    j = (j + 1) & (m->cap - 1))
		if (ent_key(m, m->slot[j] - 1) == k) {
			*found = true;
			return j;
		}
	*found = false;
	return j;
}

static void
map_grow(struct sofa_u64map *m)
{
	size_t cap = m->cap * 2;
	uint32_t *slot = xcalloc(cap, sizeof(*slot));

	for (size_t i = 0; i < m->len; i++) {
		size_t j;

		for (j = sofa_mix64(ent_key(m, i)) & (cap - 1); slot[j] != 0;
		    j = (j + 1) & (cap - 1))
			;
		slot[j] = (uint32_t)(i + 1);
	}
	free(m->slot);
	m->slot = slot;
	m->cap = cap;
}

void *
sofa_u64map_get(const struct sofa_u64map *m, uint64_t k)
{
	bool found;
	size_t j = map_find(m, k, &found);

	if (!found)
		return NULL;
	return m->ent + (m->slot[j] - 1) * m->entsize + sizeof(uint64_t);
}

void *
sofa_u64map_put(struct sofa_u64map *m, uint64_t k, bool *isnew)
{
	unsigned char *e;
	bool found;
	size_t j;

	if ((m->len + 1) * 10 > m->cap * 7)
		map_grow(m);
	j = map_find(m, k, &found);
	if (isnew != NULL)
		*isnew = !found;
	if (found)
		return m->ent + (m->slot[j] - 1) * m->entsize +
		    sizeof(uint64_t);
	if (m->len >= UINT32_MAX - 1)
		sofa_errx(SOFA_EXIT_FAIL, "too many keys in one map");
	xgrow((void **)&m->ent, &m->entcap, m->len + 1, m->entsize);
	e = m->ent + m->len * m->entsize;
	memset(e, 0, m->entsize);
	memcpy(e, &k, sizeof(k));
	m->slot[j] = (uint32_t)(++m->len);
	return e + sizeof(uint64_t);
}

size_t
sofa_u64map_len(const struct sofa_u64map *m)
{
	return m->len;
}

void
sofa_u64map_clear(struct sofa_u64map *m)
{
	memset(m->slot, 0, m->cap * sizeof(*m->slot));
	m->len = 0;
}

void *
sofa_u64map_at(const struct sofa_u64map *m, size_t i, uint64_t *k)
{
	if (k != NULL)
		*k = ent_key(m, i);
	return m->ent + i * m->entsize + sizeof(uint64_t);
}
