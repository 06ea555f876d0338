/*
 * store.h - the raw store: a byte-exact mirror of the API on disk.
 *
 * The body of API path P (relative to api_base, "event/11352380/lineups")
 * lives at RAW_BASE/P.json, its last HTTP outcome at RAW_BASE/P.meta
 * (DESIGN.md, "The raw store").  The read side is shared by every
 * transform; the write side (the .meta sidecar, atomic body writes,
 * quarantine) by the programs that fetch (common/mirror.h).
 *
 * Two writers over one store (two sofa-fetch runs, or sofa-discover beside
 * sofa-fetch) never corrupt it: every file is replaced whole by rename, so
 * each .json and each .meta is one writer's complete file, the last
 * writer's.  A .json and its .meta may then come from different writers;
 * the .meta records the body's size and sha256, and a reader that relies
 * on the pair (the validators of a conditional request) checks them
 * against the body first (sofa_meta_matches()).
 */
#ifndef SOFA_STORE_H
#define SOFA_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "json.h"

/*
 * The API path of a match resource: "event/ID" for the endpoint "event",
 * "event/ID/ENDPOINT" otherwise.  Returns buf.  buf needs
 * SOFA_APIPATH_LEN bytes.
 */
#define SOFA_APIPATH_LEN 128
char *sofa_api_path(char *buf, int64_t id, const char *endpoint);

/* RAW_BASE/PATH.EXT as a new string (caller frees). */
char *sofa_store_file(const char *raw_base, const char *api_path,
    const char *ext);

/*
 * Load the stored body of api_path.  Returns a new document (caller frees)
 * and sets *file to the file's name (new, caller frees, also on failure).
 * On failure returns NULL: *ioerr is ENOENT when the body is not in the
 * store (absent: the caller notes it and skips), another errno value when
 * it cannot be read, or 0 when it is not JSON, in which case a message
 * naming FILE:LINE has been printed.
 */
struct sofa_jdoc *sofa_store_load(const char *raw_base, const char *api_path,
    size_t max, char **file, int *ioerr);

/*
 * Report that key (a dotted path such as "home.players[3].player.id") in
 * file is not what the contract wants: "FILE: KEY: expected WANT, got
 * TYPE".  Returns false, so callers can write
 *	return sofa_contract(file, "home", "an object", v);
 */
bool sofa_contract(const char *file, const char *key, const char *want,
    const struct sofa_jv *got);

/* --- the write side ------------------------------------------------ */

/*
 * The .meta sidecar of API path P, RAW_BASE/P.meta: one JSON object on one
 * line (so jq reads it), written atomically after the body.  Keys:
 *
 *   path           the API path
 *   outcome        the last attempt's outcome: ok, not_modified, absent,
 *                  blocked, throttled, failed, invalid
 *   http_status    the last attempt's HTTP status, null when none came
 *   fetched_utc    when the last attempt ended
 *   attempts       tries of the last attempt (retries + 1)
 *   error          why the last attempt was not ok, else null
 *   etag           validators of the stored body, as the server sent them
 *   last_modified    (null when it sent none)
 *   bytes          size of the stored body, null when there is no body
 *   sha256         SHA-256 of the stored body (hex), null when none
 *   stored_utc     when the stored body was last written (its content
 *                  changed), null when none
 *   verified_utc   when the upstream last confirmed the stored body
 *                  (200 with the same or new content, or 304), null when
 *                  never
 *
 * The first six describe the last attempt and always change; the last
 * six describe the body on disk and change only when a body is written
 * or confirmed.  So a failure (403, 429, 5xx, timeout, invalid body) or an
 * absent (404) after a good body keeps that body and its ETag, size and
 * hash: the next run still sends the right If-None-Match, and a reader can
 * tell "the last try failed" from "there is no data".
 */
#define SOFA_SHA256_HEX 65	/* 64 hex digits and NUL */

struct sofa_meta {
	char *path;
	char *outcome;
	long http_status;	/* 0: none */
	time_t fetched;		/* 0: unknown */
	int attempts;
	char *error;
	char *etag, *last_modified;
	long long bytes;	/* -1: no body */
	char sha256[SOFA_SHA256_HEX];	/* "": none */
	time_t stored, verified;	/* 0: never */
};

/* An empty meta for path (no outcome, no body); members are new. */
void sofa_meta_init(struct sofa_meta *m, const char *path);

/* Free the members of m (not m) and empty it. */
void sofa_meta_free(struct sofa_meta *m);

/* Replace the string *slot by a copy of s (NULL allowed). */
void sofa_meta_set(char **slot, const char *s);

/*
 * Read RAW_BASE/PATH.meta into m (members new; sofa_meta_free()).
 * Returns 0; ENOENT when there is none (m is then sofa_meta_init()'s);
 * EINVAL when it is not a meta object (a warning names the file, m is
 * empty); another errno value when it cannot be read (warned).
 */
int sofa_meta_load(const char *raw_base, const char *path,
    struct sofa_meta *m);

/* Write m as one JSON line (with "\n") to fp. */
void sofa_meta_print(FILE *fp, const struct sofa_meta *m);

/* Replace RAW_BASE/PATH.meta atomically (directories made as needed).
 * Returns 0 or -1 with errno set. */
int sofa_meta_save(const char *raw_base, const struct sofa_meta *m);

/*
 * Does the body file describe what m says (same size and SHA-256)?  False
 * when m records no body, the file is missing or unreadable, or differs.
 */
bool sofa_meta_matches(const struct sofa_meta *m, const char *body_file);

/* SHA-256 of len bytes at buf as 64 lower-case hex digits and NUL. */
void sofa_sha256_hex(const void *buf, size_t len,
    char out[SOFA_SHA256_HEX]);

/*
 * Replace RAW_BASE/PATH.json by the len bytes at body, atomically
 * (sofa_af_write(), mode 0644, directories made as needed).  The caller
 * has checked the body (JSON, contract).  Returns 0 or -1 with errno set;
 * the old body is then untouched.
 */
int sofa_store_put(const char *raw_base, const char *path, const void *body,
    size_t len);

/*
 * Staged writes, for a writer that commits many files at once (a group
 * commit: write every new file, make them durable with one sync, then
 * rename them all, then one sync for the renames).  sofa_stage_new() puts
 * the len bytes at buf in a new temp file ".NAME.tmp.PID-N" beside path
 * (directories made as needed), closed but neither synced nor visible;
 * sofa_stage_commit() renames it over path; sofa_stage_abort() removes it.
 * Both free the stage.  Unlike sofa_af_*, temp files are not removed on a
 * signal: a program that stages handles SIGINT/SIGTERM/SIGHUP itself and
 * commits or aborts what it staged before it exits.  Safe to use from
 * several threads at once.  NULL / -1 with errno set on failure.
 */
struct sofa_stage;
struct sofa_stage *sofa_stage_new(const char *path, const void *buf,
    size_t len);
int sofa_stage_commit(struct sofa_stage *st);
void sofa_stage_abort(struct sofa_stage *st);

/*
 * Make everything written to the file system holding dir durable (the
 * data of staged files before they are renamed, then the renames):
 * syncfs(2) where there is one, else sync(2).  Returns 0 or -1 with errno.
 */
int sofa_store_sync(const char *dir);

/*
 * Keep a bad body for diagnosis: QDIR/PATH.STAMP.body holds the bytes as
 * received (any content, possibly not JSON) and QDIR/PATH.STAMP.meta the
 * meta m (why it was refused in m->error), STAMP being the UTC time
 * "YYYYMMDDTHHMMSSZ" of now (with "-N" added when taken).  Never touches
 * the raw store.  Written by staging (below), so any thread may call it.
 * Returns the body file's name (new, caller frees) or NULL with errno
 * set.
 */
char *sofa_store_quarantine(const char *qdir, const char *path,
    const void *body, size_t len, const struct sofa_meta *m, time_t now);

#endif
