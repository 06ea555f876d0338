/*
 * idmap.c - ids to small values (idmap.h).
 */
#include <stdlib.h>

#include "idmap.h"
#include "xalloc.h"

struct slot {
	int64_t id;		/* 0: empty */
	uint32_t v;
};

struct sofa_idmap {
	struct slot *s;
	size_t cap, n;		/* cap is a power of two */
};

struct sofa_idmap *
sofa_idmap_new(void)
{
	struct sofa_idmap *m = xcalloc(1, sizeof(*m));

	m->cap = 256;
	m->s = xcalloc(m->cap, sizeof(*m->s));
	return m;
}

void
sofa_idmap_free(struct sofa_idmap *m)
{
	if (m == NULL)
		return;
	free(m->s);
	free(m);
}

/* Fibonacci hashing spreads sequential ids over the table. */
static size_t
home(const struct sofa_idmap *m, int64_t id)
{
	return (size_t)(((uint64_t)id * 0x9E3779B97F4A7C15ULL) >> 32) &
	    (m->cap - 1);
}

static struct slot *
find(const struct sofa_idmap *m, int64_t id)
{
	size_t i = home(m, id);

	while (m->s[i].id != 0 && m->s[i].id != id)
		i = (i + 1) & (m->cap - 1);
	return &m->s[i];
}

uint32_t
sofa_idmap_get(const struct sofa_idmap *m, int64_t id)
{
	struct slot *s = find(m, id);

	return s->id == id ? s->v : 0;
}

static void
grow(struct sofa_idmap *m)
{
	struct slot *old = m->s;
	size_t oldcap = m->cap;

	m->cap *= 2;
	m->s = xcalloc(m->cap, sizeof(*m->s));
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].id != 0)
			*find(m, old[i].id) = old[i];
	free(old);
}

void
sofa_idmap_put(struct sofa_idmap *m, int64_t id, uint32_t v)
{
	struct slot *s = find(m, id);

	if (s->id == 0) {
		if ((m->n + 1) * 2 > m->cap) {
			grow(m);
			s = find(m, id);
		}
		s->id = id;
		m->n++;
	}
	s->v = v;
}

size_t
sofa_idmap_count(const struct sofa_idmap *m)
{
	return m->n;
}
