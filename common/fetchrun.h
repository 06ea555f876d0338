/*
 * fetchrun.h - a fetch run: match ids in, their resources into the raw
 * store, one NDJSON outcome line per resource out (sofa-fetch(1) describes
 * the behaviour; this is its engine, kept out of the tool so that the tool
 * stays its options).
 */
#ifndef SOFA_FETCHRUN_H
#define SOFA_FETCHRUN_H

#include <signal.h>
#include <stdbool.h>

#include "config.h"

struct sofa_fetchrun;

struct sofa_fetchrun_opts {
	bool dry;		/* say what and why, ask nothing */
	bool refresh, force;	/* --refresh, --force */
	bool unbuffered;	/* flush stdout after every line */
	bool progress;		/* a progress line when stderr is a terminal */
};

/* What to say about a 403 (static): the upstream refused, what to try. */
extern const char sofa_fetch_advice[];

/*
 * A run with cfg (borrowed until sofa_fetchrun_free()); the endpoints and
 * required keys are checked now (exit 2 with a message).  Caller frees.
 */
struct sofa_fetchrun *sofa_fetchrun_new(struct sofa_config *cfg,
    const struct sofa_fetchrun_opts *o);

/* Read the match ids (ids.h: operands, or stdin); bad ones are warned
 * about with their line and make the run exit 1. */
void sofa_fetchrun_read(struct sofa_fetchrun *r, int argc, char *argv[]);

/*
 * Do it: plan (dry) or fetch everything, write fetch_log and the summary
 * (and the circuit breaker's message); stop cleanly once *intr is set.
 * Returns the exit status (sofa-fetch(1), EXIT STATUS).
 */
int sofa_fetchrun_go(struct sofa_fetchrun *r,
    const volatile sig_atomic_t *intr);

void sofa_fetchrun_free(struct sofa_fetchrun *r);

#endif
