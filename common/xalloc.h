/*
 * xalloc.h - allocation that cannot fail: on exhaustion the program says
 * "out of memory" and exits 1.  All returned memory is new (caller frees).
 */
#ifndef SOFA_XALLOC_H
#define SOFA_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
/* realloc(p, nmemb * size), checking the product for overflow. */
void *xreallocarray(void *p, size_t nmemb, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Grow *p (holding *cap elements of size) so that it holds at least need
 * elements; capacity at least doubles, so appends are amortised O(1).
 */
void xgrow(void **p, size_t *cap, size_t need, size_t size);

#endif
