/*
 * idmap.h - a map from ids (int64 >= 1) to small values, for the
 * per-run deduplication of the team and player tables.
 *
 * Open addressing, linear probing, load kept at or below 1/2: about 24 to
 * 48 bytes per distinct id, so memory follows the number of distinct
 * teams or players seen, not the number of matches.
 */
#ifndef SOFA_IDMAP_H
#define SOFA_IDMAP_H

#include <stddef.h>
#include <stdint.h>

struct sofa_idmap;

/* A new empty map (caller frees). */
struct sofa_idmap *sofa_idmap_new(void);
void sofa_idmap_free(struct sofa_idmap *m);

/* The value of id, 0 when id is not in the map. */
uint32_t sofa_idmap_get(const struct sofa_idmap *m, int64_t id);

/* Set the value of id (v != 0), inserting id when absent. */
void sofa_idmap_put(struct sofa_idmap *m, int64_t id, uint32_t v);

/* Distinct ids in the map. */
size_t sofa_idmap_count(const struct sofa_idmap *m);

#endif
