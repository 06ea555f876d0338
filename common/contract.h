/*
 * contract.h - the API contract: which keys, of which JSON types, the
 * transforms rely on in each endpoint's body.
 *
 * The contract is one machine-readable file, share/sofa/contract.tsv
 * (docs/api_contract.md explains it and its contents).  Tab-separated, "#"
 * lines are comments, the first other line is the header, then one line
 * per key:
 *
 *   endpoint   name (event, lineups, incidents, statistics, ...)
 *   path       the API path template of the endpoint: literal segments,
 *              {id} (a positive integer) and {slug} ([a-z0-9-]+);
 *              the same on every line of one endpoint
 *   key        where in the body: "." for the body itself, else member
 *              names joined by ".", a "[]" after a name meaning "every
 *              element of this array" (home.players[].player.id)
 *   type       object, array, string, integer, number (integer or not),
 *              boolean, null; alternatives joined by "|" (string|null)
 *   presence   required (absent is a violation) or optional (checked only
 *              when present)
 *   meaning    one line for humans
 *
 * A key is checked wherever its parent exists with the right type; a
 * missing or mistyped parent is reported once, on its own line, and the
 * keys below it are not checked.  Every endpoint has a "." line; bodies of
 * paths no endpoint matches need only be a JSON object.
 */
#ifndef SOFA_CONTRACT_H
#define SOFA_CONTRACT_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "json.h"

struct sofa_apic;

/*
 * Load the contract file.  Returns a new contract (sofa_apic_free()), or
 * NULL with "FILE:LINE: why" in err.
 */
struct sofa_apic *sofa_apic_load(const char *file, char *err, size_t errlen);

/* SHARE_DIR/contract.tsv of cfg; a missing or bad file exits 2. */
struct sofa_apic *sofa_apic_xload(struct sofa_config *cfg);

void sofa_apic_free(struct sofa_apic *c);

/* The endpoint whose template matches path, or NULL; borrowed. */
const char *sofa_apic_endpoint(const struct sofa_apic *c, const char *path);

/* The path template of endpoint, or NULL; borrowed. */
const char *sofa_apic_template(const struct sofa_apic *c,
    const char *endpoint);

/*
 * Called once per violation: key is the concrete place
 * ("home.players[3].player.id"), want the contract's type ("integer",
 * "string|null"), got sofa_jv_type() of what is there ("absent" when
 * missing).  All borrowed for the call.
 */
typedef void sofa_apic_fn(const char *key, const char *want, const char *got,
    void *arg);

/*
 * Check the body root against endpoint's keys (NULL endpoint: only that
 * the root is an object).  Returns the number of violations, each also
 * passed to fn (when not NULL) in contract order.
 */
size_t sofa_apic_check(const struct sofa_apic *c, const char *endpoint,
    const struct sofa_jv *root, sofa_apic_fn *fn, void *arg);

/*
 * sofa_apic_check() that collects the first few violations as one message
 * "KEY: expected WANT, got GOT; KEY: ... (and N more)" (new, caller
 * frees), or returns NULL when the body passes.
 */
char *sofa_apic_why(const struct sofa_apic *c, const char *endpoint,
    const struct sofa_jv *root);

#endif
