/*
 * kset.h - sets and maps of 64-bit keys, for checks that stream tables of
 * millions of rows and remember only keys.
 *
 * A set costs about 12 bytes a key (8-byte slots, at most 70% full); keys
 * are stored exactly, so a set of ids is exact.  A key made of several
 * values (an event and a player, a row's primary key as text) is reduced
 * to 64 bits with sofa_hash64() or sofa_pair64(): two different keys then
 * collide with a probability of about n^2 / 2^65 (1e-6 for ten million
 * keys), which the callers accept and document.
 *
 * A map keeps fixed-size values in insertion order, so walking it gives
 * back the order in which the keys were first seen (a table's row order):
 * reports built from it are deterministic.
 */
#ifndef SOFA_KSET_H
#define SOFA_KSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A well-mixed 64-bit function of x (a bijection). */
uint64_t sofa_mix64(uint64_t x);

/* 64-bit hash of n bytes at p with seed. */
uint64_t sofa_hash64(const void *p, size_t n, uint64_t seed);

/* 64-bit hash of the pair (a, b); (a, b) and (b, a) differ. */
uint64_t sofa_pair64(uint64_t a, uint64_t b);

struct sofa_u64set;

/* A new empty set (caller frees). */
struct sofa_u64set *sofa_u64set_new(void);
void sofa_u64set_free(struct sofa_u64set *s);
/* Add k; true when it was not there yet. */
bool sofa_u64set_add(struct sofa_u64set *s, uint64_t k);
bool sofa_u64set_has(const struct sofa_u64set *s, uint64_t k);
size_t sofa_u64set_len(const struct sofa_u64set *s);

struct sofa_u64map;

/* A new empty map of values of valsize bytes (caller frees). */
struct sofa_u64map *sofa_u64map_new(size_t valsize);
void sofa_u64map_free(struct sofa_u64map *m);

/* The value of k, or NULL; borrowed until the next sofa_u64map_put(). */
void *sofa_u64map_get(const struct sofa_u64map *m, uint64_t k);

/*
 * The value of k, added (zero-filled, *isnew true) when absent; borrowed
 * until the next put.  isnew may be NULL.
 */
void *sofa_u64map_put(struct sofa_u64map *m, uint64_t k, bool *isnew);

size_t sofa_u64map_len(const struct sofa_u64map *m);

/* Empty m, keeping its memory for the next keys. */
void sofa_u64map_clear(struct sofa_u64map *m);

/* Entry i in insertion order (i < len): its value, and its key in *k
 * when k is not NULL; borrowed until the next put. */
void *sofa_u64map_at(const struct sofa_u64map *m, size_t i, uint64_t *k);

#endif
