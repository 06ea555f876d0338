/*
 * mirror.h - fetch API paths into the raw store: the layer between the
 * HTTP engine (http.h) and the store (store.h) that sofa-fetch and
 * sofa-discover share.
 *
 * For each path it
 *   - reads RAW_BASE/P.meta and checks it against RAW_BASE/P.json (size
 *     and SHA-256; a .meta that does not describe the body on disk, or a
 *     body without a .meta, is rebuilt from the body), and sends the
 *     stored ETag / Last-Modified only when they belong to that body;
 *   - on 200: checks the body against the API contract (contract.h) for
 *     the path's endpoint; a body that passes is written byte-exact and
 *     atomically, unless it is byte for byte the stored one (then the file
 *     and its mtime stay untouched); one that fails is quarantined
 *     (store.h) and never replaces the stored body;
 *   - on 304: leaves the body alone (if the body vanished meanwhile, asks
 *     again without validators);
 *   - writes the .meta of every outcome but a cancelled one, keeping the
 *     stored body's fields on a failure or a 404 (store.h).
 */
#ifndef SOFA_MIRROR_H
#define SOFA_MIRROR_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "contract.h"
#include "http.h"
#include "json.h"

struct sofa_mirror;

/* Flags of sofa_mirror_add(). */
enum {
	SOFA_MIRROR_FORCE = 1,	/* no validators: download again */
	SOFA_MIRROR_DOC = 2	/* hand the callback the stored body parsed
				 * also after a 304 (res->doc) */
};

/*
 * The result handed to the callback; every pointer is the mirror's and
 * valid until the callback returns, except that the callback may take doc
 * (copy the pointer, set the member to NULL; it then frees it).
 */
struct sofa_mirror_res {
	const char *path;
	const char *endpoint;	/* the contract's, or NULL */
	enum sofa_http_outcome outcome;	/* as http.h; INVALID also when the
					 * body failed the contract */
	long status;		/* HTTP status of the last try, 0: none */
	int attempts;
	double ms;
	size_t bytes;		/* body bytes received by the last try */
	bool conditional;	/* validators were sent */
	bool written;		/* the .json was replaced (new content) */
	bool local;		/* failed writing the store (disk full, file
				 * size limit, ...), not the upstream */
	const char *error;	/* why, or NULL for ok and not_modified */
	const char *quarantined; /* the quarantine file, or NULL */
	/* The body now in the store, parsed: after ok (always) and after
	 * not_modified (with SOFA_MIRROR_DOC); NULL otherwise. */
	struct sofa_jdoc *doc;
	void *arg;
};

typedef void sofa_mirror_fn(struct sofa_mirror_res *res, void *arg);

/*
 * A mirror over engine h (borrowed, must outlive it) writing to the
 * raw_base and quarantine_dir of cfg, with the contract of share_dir (a
 * missing or bad contract exits 2) and cfg's fsync setting.  Caller
 * frees.
 */
struct sofa_mirror *sofa_mirror_new(struct sofa_http *h,
    struct sofa_config *cfg);
void sofa_mirror_free(struct sofa_mirror *m);

/*
 * Write bodies in writer threads from now on, committing whatever
 * completes meanwhile as one group (store.h, staged writes): with fsync
 * on, two syncs per group instead of four per body, and the engine keeps
 * reading the network while the disk works.  Callbacks still run in the
 * engine's thread, from its loop: for a body after its group is durable
 * (in the engine's completion order), for any other outcome at once.
 * Staged temp files are not removed by the atomic-write signal handler,
 * so a program that calls this catches SIGINT, SIGTERM and SIGHUP itself
 * (a flag for sofa_http_set_interrupt()): the engine's loop then waits
 * for every group under way before it returns, and no temp file is left.
 */
void sofa_mirror_async(struct sofa_mirror *m);

/* The contract in use; borrowed. */
const struct sofa_apic *sofa_mirror_contract(const struct sofa_mirror *m);

/*
 * Queue path (checked as sofa_http_path_ok()); done is called once, from
 * the engine's loop, after the store is written.  May be called from a
 * callback or a feeder of the same engine.
 */
void sofa_mirror_add(struct sofa_mirror *m, const char *path, int flags,
    sofa_mirror_fn *done, void *arg);

/*
 * The blocking form (sofa_http_get()'s rules): returns a new result
 * (sofa_mirror_res_free(); strings copied, arg NULL).
 */
struct sofa_mirror_res *sofa_mirror_get(struct sofa_mirror *m,
    const char *path, int flags);
void sofa_mirror_res_free(struct sofa_mirror_res *res);

#endif
