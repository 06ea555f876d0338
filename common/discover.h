/*
 * discover.h - from the API's event lists to match-index lines.
 *
 * Two halves, both used by sofa-discover and free of any transport:
 *
 * The conversion turns one event object (an element of any "events"
 * array, or the "event" of event/{id}) into one index line (docs/sofa.7,
 * "THE MATCH INDEX").  Scores are the displayed ones (homeScore.display,
 * which leaves out a penalty shoot-out; never "current", which counts the
 * shoot-out's goals); the shoot-out is in home_penalties/away_penalties
 * only when there was one; every status is kept as it is.
 *
 * The walk lists every event of one season of one competition: the
 * season's rounds (unique-tournament/{ut}/season/{s}/rounds), each round's
 * events (.../events/round/{n}, with /slug/{slug} and /prefix/{prefix} for
 * named cup rounds; a slug or prefix outside [A-Za-z0-9._~-] is refused,
 * and a round listed twice is asked once), or, for a competition without
 * rounds, the pages of .../events/last/{p} and .../events/next/{p} from
 * page 0 while hasNextPage is true (a 404 ends them; a page without
 * hasNextPage goes on when it had events).  Responses come from a getter
 * supplied by the caller (the network through the http module, or the
 * raw store), so the walk is the same online and offline.
 */
#ifndef SOFA_DISCOVER_H
#define SOFA_DISCOVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "index.h"
#include "json.h"
#include "season.h"

/* The facts an event takes from the request when it lacks its own. */
struct sofa_evctx {
	int64_t tournament_id;	/* 0: none */
	int64_t season_id;	/* 0: none */
	const char *season;	/* season year as the API writes it, or NULL */
	time_t now;		/* discovered_utc */
};

/* The keys of an index line, in order (static, NULL-terminated). */
extern const char *const sofa_index_keys[];

/*
 * Convert the event ev into an index line added to ix.  where and key
 * name it in messages ("unique-tournament/17/.../round/3", "events[4]").
 * An event without a usable id, start time or status is reported as a
 * contract problem naming where and the key, and false is returned.
 */
bool sofa_event_line(struct sofa_ix *ix, const struct sofa_jv *ev,
    const struct sofa_evctx *ctx, const char *where, const char *key);

/*
 * Convert every event of a list body ({"events": [...]}, or {"event":
 * {...}}).  Returns the number of events that could not be converted
 * (each reported), or -1 when the body has neither key (reported, naming
 * where and the key "events").  *n counts the events added.
 */
long sofa_events_body(struct sofa_ix *ix, const struct sofa_jv *root,
    const struct sofa_evctx *ctx, const char *where, size_t *n);

/* What a refusal's message adds after its reason: that it is a block,
 * not an absence of data, and what to try. */
extern const char sofa_discover_advice[];

/* What a getter found at an API path. */
enum sofa_got {
	SOFA_GOT_BODY,		/* *doc set (caller frees) */
	SOFA_GOT_ABSENT,	/* 404: there is nothing at that path */
	SOFA_GOT_FAILED,	/* failed after the HTTP policy; reported */
	SOFA_GOT_REFUSED	/* blocked or breaker open: stop; reported */
};

struct sofa_getter {
	enum sofa_got (*get)(void *arg, const char *path,
	    struct sofa_jdoc **doc);
	void *arg;
};

struct sofa_walk {
	struct sofa_getter g;
	bool pages;		/* list by pages even when there are rounds */
	unsigned max_pages;	/* per direction; more is an error */
	time_t now;
	/* outcome, accumulated over walks */
	unsigned long requests;	/* API paths asked for */
	unsigned long errors;	/* failures and contract problems */
	bool refused;		/* the upstream refused: stop everything */
};

/*
 * The seasons of competition ut into ss (sofa_seasons_free).  Returns
 * SOFA_GOT_BODY, SOFA_GOT_ABSENT (no such competition, reported),
 * SOFA_GOT_FAILED (also for a body without any usable season, reported)
 * or SOFA_GOT_REFUSED; counts in w.
 */
enum sofa_got sofa_walk_seasons(struct sofa_walk *w, int64_t ut,
    struct sofa_seasons *ss);

/*
 * Every event of season s of competition ut into ix.  Returns the number
 * of events added; problems are reported and counted in w (w->refused
 * when the walk had to stop).
 */
size_t sofa_walk_season(struct sofa_walk *w, int64_t ut,
    const struct sofa_season *s, struct sofa_ix *ix);

#endif
