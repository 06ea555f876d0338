/*
 * test-discover.c - event objects to index lines, and the walk over a
 * season (common/discover.c) with a scripted getter: which paths are
 * asked in which order, named cup rounds, pages, refusals, drift.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "capture.h"
#include "discover.h"
#include "xalloc.h"

static const struct sofa_evctx ctx0 = { 17, 10356, "15/16", 1700000000 };

/* The one line ev converts to (static), or "! stderr". */
static const char *
line(const char *ev, const struct sofa_evctx *ctx)
{
	static char out[2048];
	struct sofa_jdoc *doc;
	struct sofa_ix ix;
	const char *err;
	bool ok;

	doc = sofa_jdoc_parse((char *)ev, strlen(ev), false, NULL);
	assert_non_null(doc);
	sofa_ix_init(&ix);
	capture_begin();
	ok = sofa_event_line(&ix, sofa_jdoc_root(doc), ctx, "P", "events[2]");
	err = capture_end();
	if (ok) {
		assert_int_equal(ix.n, 1);
		snprintf(out, sizeof(out), "%.*s", (int)ix.v[0].len,
		    ix.v[0].line);
	} else {
		assert_int_equal(ix.n, 0);
		snprintf(out, sizeof(out), "! %s", err);
	}
	sofa_ix_free(&ix);
	sofa_jdoc_free(doc);
	return out;
}

static void
full_event_after_penalties(void **state)
{
	/* AP: current counts the shoot-out, display does not */
	static const char ev[] = "{\"tournament\":{\"name\":\"Cup, Final\","
	    "\"uniqueTournament\":{\"name\":\"Cup\",\"id\":282},\"id\":9},"
	    "\"season\":{\"name\":\"Cup 23/24\",\"year\":\"23/24\",\"id\":555},"
	    "\"roundInfo\":{\"round\":29,\"name\":\"Final\",\"slug\":\"final\","
	    "\"cupRoundType\":1},\"customId\":\"uBRs\",\"status\":{\"code\":120,"
	    "\"description\":\"AP\",\"type\":\"finished\"},\"winnerCode\":2,"
	    "\"homeTeam\":{\"name\":\"H\\u00e9\",\"id\":1},\"awayTeam\":"
	    "{\"name\":\"A\",\"id\":2},\"homeScore\":{\"current\":15,"
	    "\"display\":1,\"penalties\":14},\"awayScore\":{\"current\":16,"
	    "\"display\":1,\"penalties\":15},\"changes\":{\"changeTimestamp\":"
	    "1690740265},\"id\":11473102,\"slug\":\"h-a\",\"startTimestamp\":"
	    "1690729200}";

	(void)state;
	assert_string_equal(line(ev, &ctx0),
	    "{\"event_id\":11473102,\"tournament_id\":282,\"tournament\":"
	    "\"Cup\",\"season_id\":555,\"season\":\"23/24\",\"round\":29,"
	    "\"round_name\":\"Final\",\"round_slug\":\"final\",\"start_utc\":"
	    "\"2023-07-30T15:00:00Z\",\"status_code\":120,\"status_type\":"
	    "\"finished\",\"status_description\":\"AP\",\"home_team_id\":1,"
	    "\"home_team\":\"H\xc3\xa9\",\"away_team_id\":2,\"away_team\":"
	    "\"A\",\"home_score\":1,\"away_score\":1,\"home_penalties\":14,"
	    "\"away_penalties\":15,\"winner_code\":2,\"slug\":\"h-a\","
	    "\"custom_id\":\"uBRs\",\"changed_utc\":\"2023-07-30T18:04:25Z\","
	    "\"discovered_utc\":\"2023-11-14T22:13:20Z\"}");
}

static void
postponed_from_a_list(void **state)
{
	/* no season, no roundInfo, empty scores ({} or PHP's []), no
	 * winner, no changes: the request's season, nulls elsewhere */
	static const char ev[] = "{\"tournament\":{\"name\":\"PL\",\"id\":1},"
	    "\"status\":{\"code\":60,\"type\":\"postponed\"},\"homeTeam\":"
	    "{\"id\":44},\"awayTeam\":{},\"homeScore\":{},\"awayScore\":[],"
	    "\"id\":6768284,\"startTimestamp\":1457794800}";

	(void)state;
	assert_string_equal(line(ev, &ctx0),
	    "{\"event_id\":6768284,\"tournament_id\":17,\"tournament\":\"PL\","
	    "\"season_id\":10356,\"season\":\"15/16\",\"round\":null,"
	    "\"round_name\":null,\"round_slug\":null,\"start_utc\":"
	    "\"2016-03-12T15:00:00Z\",\"status_code\":60,\"status_type\":"
	    "\"postponed\",\"status_description\":null,\"home_team_id\":44,"
	    "\"home_team\":null,\"away_team_id\":null,\"away_team\":null,"
	    "\"home_score\":null,\"away_score\":null,\"home_penalties\":null,"
	    "\"away_penalties\":null,\"winner_code\":null,\"slug\":null,"
	    "\"custom_id\":null,\"changed_utc\":null,\"discovered_utc\":"
	    "\"2023-11-14T22:13:20Z\"}");
}

static void
season_of_the_event_wins(void **state)
{
	/* another season than the request's: its year is not borrowed */
	static const char ev[] = "{\"season\":{\"id\":9},\"status\":"
	    "{\"code\":100},\"id\":5,\"startTimestamp\":0,\"homeScore\":"
	    "{\"display\":2.0,\"current\":2},\"awayScore\":{\"display\":0}}";
	const struct sofa_evctx none = { 0, 0, NULL, 0 };

	(void)state;
	assert_non_null(strstr(line(ev, &ctx0), "\"season_id\":9,"
	    "\"season\":null,"));
	assert_non_null(strstr(line(ev, &ctx0), "\"home_score\":2,"
	    "\"away_score\":0,\"home_penalties\":null,"));
	assert_non_null(strstr(line(ev, &none), "{\"event_id\":5,"
	    "\"tournament_id\":null,\"tournament\":null,\"season_id\":9,"
	    "\"season\":null,"));
	assert_non_null(strstr(line(ev, &none), "\"start_utc\":"
	    "\"1970-01-01T00:00:00Z\""));
}

static void
contract(void **state)
{
	(void)state;
	assert_string_equal(line("{\"status\":{\"code\":0},"
	    "\"startTimestamp\":1}", &ctx0), "! sofa: P: events[2].id: "
	    "expected a positive integer, got absent\n");
	assert_string_equal(line("{\"id\":\"7\",\"status\":{\"code\":0},"
	    "\"startTimestamp\":1}", &ctx0), "! sofa: P: events[2].id: "
	    "expected a positive integer, got string\n");
	assert_string_equal(line("{\"id\":-7}", &ctx0), "! sofa: P: "
	    "events[2].id: expected a positive integer, got integer\n");
	assert_string_equal(line("{\"id\":7,\"status\":{\"code\":0}}",
	    &ctx0), "! sofa: P: events[2].startTimestamp: expected a Unix "
	    "time, got absent\n");
	assert_string_equal(line("{\"id\":7,\"startTimestamp\":1,\"status\":"
	    "{\"type\":\"finished\"}}", &ctx0), "! sofa: P: "
	    "events[2].status.code: expected an integer, got absent\n");
	assert_string_equal(line("[]", &ctx0), "! sofa: P: events[2]: "
	    "expected an event object, got array\n");
}

/* --- the walk, over a scripted getter ------------------------------ */

struct script {
	const char *path;
	const char *body;	/* NULL: 404; "FAIL", "REFUSE" */
};

static const struct script *scr;
static char asked[8192];

static enum sofa_got
scripted(void *arg, const char *path, struct sofa_jdoc **doc)
{
	(void)arg;
	snprintf(asked + strlen(asked), sizeof(asked) - strlen(asked), "%s\n",
	    path);
	for (const struct script *s = scr; s->path != NULL; s++) {
		if (strcmp(s->path, path) != 0)
			continue;
		if (s->body == NULL)
			return SOFA_GOT_ABSENT;
		if (strcmp(s->body, "FAIL") == 0)
			return SOFA_GOT_FAILED;
		if (strcmp(s->body, "REFUSE") == 0)
			return SOFA_GOT_REFUSED;
		*doc = sofa_jdoc_parse((char *)s->body, strlen(s->body), false,
		    NULL);
		assert_non_null(*doc);
		return SOFA_GOT_BODY;
	}
	return SOFA_GOT_ABSENT;
}

/* Walk season 1 of competition 9; returns the event ids, in index order. */
static const char *
walk(const struct script *s, struct sofa_walk *w, bool pages, unsigned max,
    const char **err)
{
	static char out[1024];
	struct sofa_season season = { 1, NULL, (char *)"2024", 2024, 2024 };
	struct sofa_ix ix;
	size_t o = 0;

	scr = s;
	asked[0] = out[0] = '\0';
	memset(w, 0, sizeof(*w));
	w->g.get = scripted;
	w->pages = pages;
	w->max_pages = max;
	sofa_ix_init(&ix);
	capture_begin();
	sofa_walk_season(w, 9, &season, &ix);
	*err = capture_end();
	sofa_ix_settle(&ix);
	for (size_t i = 0; i < ix.n; i++)
		o += (size_t)snprintf(out + o, sizeof(out) - o, "%s%lld",
		    i ? " " : "", (long long)ix.v[i].id);
	sofa_ix_free(&ix);
	return out;
}

#define EV(id, t) "{\"id\":" #id ",\"startTimestamp\":" #t \
	",\"status\":{\"code\":0}}"
#define B "unique-tournament/9/season/1"

static void
cup_rounds(void **state)
{
	static const struct script s[] = {
		{ B "/rounds", "{\"currentRound\":{\"round\":2},\"rounds\":["
		    "{\"round\":1},{\"round\":1},"
		    "{\"round\":1,\"name\":\"Qualification\",\"slug\":"
		    "\"qualification\",\"prefix\":\"Q-1\"},"
		    "{\"round\":2,\"slug\":\"q\",\"prefix\":\"Q 1/2\"},"
		    "{\"round\":5,\"name\":\"Round of 16\",\"slug\":"
		    "\"round-of-16\"},"
		    "{\"round\":29,\"name\":\"Final\",\"slug\":\"final\"},"
		    "{\"round\":30,\"slug\":\"..\"},{\"name\":\"x\"},"
		    "{\"round\":31,\"slug\":7}]}" },
		{ B "/events/round/1", "{\"events\":[" EV(3, 30) "," EV(1, 10)
		    "],\"hasNextPage\":false}" },
		{ B "/events/round/1/slug/qualification/prefix/Q-1",
		    "{\"events\":[" EV(2, 5) "]}" },
		{ B "/events/round/5/slug/round-of-16", "{\"events\":["
		    EV(4, 40) "," EV(1, 10) "]}" },
		{ B "/events/round/29/slug/final", NULL },
		{ NULL, NULL }
	};
	struct sofa_walk w;
	const char *err;

	(void)state;
	assert_string_equal(walk(s, &w, false, 10, &err), "2 1 3 4");
	assert_string_equal(asked, B "/rounds\n"
	    B "/events/round/1\n"
	    B "/events/round/1/slug/qualification/prefix/Q-1\n"
	    B "/events/round/5/slug/round-of-16\n"
	    B "/events/round/29/slug/final\n");
	assert_non_null(strstr(err, B "/rounds: rounds[3].prefix: 'Q 1/2' "
	    "cannot be a path segment"));
	assert_non_null(strstr(err, B "/rounds: rounds[6].slug: '..' cannot "
	    "be a path segment"));
	assert_non_null(strstr(err, B "/rounds: rounds[7].round: expected "
	    "an integer, got absent"));
	assert_non_null(strstr(err, B "/rounds: rounds[8].slug: expected a "
	    "string, got integer"));
	assert_int_equal(w.errors, 4);
	assert_int_equal(w.requests, 5);
	assert_false(w.refused);
}

static void
no_rounds_pages(void **state)
{
	static const struct script s[] = {
		{ B "/rounds", NULL },
		{ B "/events/last/0", "{\"events\":[" EV(5, 50) "," EV(6, 60)
		    "],\"hasNextPage\":true}" },
		{ B "/events/last/1", "{\"events\":[" EV(3, 30) "," EV(4, 40)
		    "],\"hasNextPage\":true}" },
		{ B "/events/last/2", "{\"events\":[" EV(1, 10) "," EV(2, 20)
		    "],\"hasNextPage\":false}" },
		{ B "/events/next/0", "{\"events\":[" EV(7, 70) "," EV(6, 60)
		    "]}" },
		{ B "/events/next/1", "{\"events\":[]}" },
		{ NULL, NULL }
	};
	struct sofa_walk w;
	const char *err;

	(void)state;
	assert_string_equal(walk(s, &w, false, 10, &err), "1 2 3 4 5 6 7");
	/* no hasNextPage: go on while pages have events */
	assert_string_equal(asked, B "/rounds\n" B "/events/last/0\n"
	    B "/events/last/1\n" B "/events/last/2\n" B "/events/next/0\n"
	    B "/events/next/1\n");
	assert_string_equal(err, "");
	assert_int_equal(w.errors, 0);
}

static void
pages_end_at_404_and_cap(void **state)
{
	static const struct script s[] = {
		{ B "/rounds", "{\"rounds\":[]}" },
		{ B "/events/last/0", "{\"events\":[" EV(5, 50) "]}" },
		{ B "/events/last/1", "{\"events\":[" EV(6, 60) "]}" },
		{ B "/events/last/2", "{\"events\":[" EV(7, 70) "]}" },
		{ B "/events/next/0", "{\"events\":[" EV(8, 80) "],"
		    "\"hasNextPage\":true}" },
		{ B "/events/next/1", "{\"events\":[" EV(9, 90) "],"
		    "\"hasNextPage\":true}" },
		{ B "/events/next/2", "{\"events\":[" EV(10, 90) "],"
		    "\"hasNextPage\":true}" },
		{ NULL, NULL }
	};
	struct sofa_walk w;
	const char *err;

	(void)state;
	/* last: 3 pages, then a 404 (not in the script) ends it */
	assert_string_equal(walk(s, &w, false, 3, &err), "5 6 7 8 9 10");
	assert_non_null(strstr(err, B "/events/last: still more after 3 "
	    "pages: stopped (raise --max-pages)"));
	assert_non_null(strstr(err, B "/events/next: still more after 3 "
	    "pages"));
	assert_int_equal(w.errors, 2);
	assert_string_equal(walk(s, &w, false, 5, &err), "5 6 7 8 9 10");
	assert_string_equal(asked, B "/rounds\n" B "/events/last/0\n"
	    B "/events/last/1\n" B "/events/last/2\n" B "/events/last/3\n"
	    B "/events/next/0\n" B "/events/next/1\n" B "/events/next/2\n"
	    B "/events/next/3\n");
	assert_int_equal(w.errors, 0);
}

static void
forced_pages(void **state)
{
	static const struct script s[] = {
		{ B "/rounds", "{\"rounds\":[{\"round\":1}]}" },
		{ B "/events/last/0", "{\"events\":[" EV(5, 50) "]}" },
		{ NULL, NULL }
	};
	struct sofa_walk w;
	const char *err;

	(void)state;
	assert_string_equal(walk(s, &w, true, 5, &err), "5");
	assert_string_equal(asked, B "/events/last/0\n" B "/events/last/1\n"
	    B "/events/next/0\n");
}

static void
refused_stops_everything(void **state)
{
	static const struct script s[] = {
		{ B "/rounds", "{\"rounds\":[{\"round\":1},{\"round\":2},"
		    "{\"round\":3}]}" },
		{ B "/events/round/1", "{\"events\":[" EV(5, 50) "]}" },
		{ B "/events/round/2", "REFUSE" },
		{ B "/events/round/3", "{\"events\":[" EV(6, 60) "]}" },
		{ NULL, NULL }
	};
	struct sofa_walk w;
	const char *err;

	(void)state;
	assert_string_equal(walk(s, &w, false, 5, &err), "5");
	assert_string_equal(asked, B "/rounds\n" B "/events/round/1\n"
	    B "/events/round/2\n");
	assert_true(w.refused);
}

static void
error_bodies_and_drift(void **state)
{
	static const struct script s[] = {
		{ B "/rounds", "{\"rounds\":[{\"round\":1},{\"round\":2},"
		    "{\"round\":3},{\"round\":4},{\"round\":5}]}" },
		{ B "/events/round/1", "{\"error\":{\"code\":404,\"message\":"
		    "\"Not Found\"}}" },
		{ B "/events/round/2", "{\"evnts\":[]}" },
		{ B "/events/round/3", "{\"events\":[" EV(6, 60) ",{\"id\":7}]}" },
		{ B "/events/round/4", "FAIL" },
		{ B "/events/round/5", "{\"error\":{\"code\":403,\"reason\":"
		    "\"challenge\"}}" },
		{ NULL, NULL }
	};
	static const struct script drift[] = {
		{ B "/rounds", "{\"currentRound\":{\"round\":1}}" },
		{ NULL, NULL }
	};
	struct sofa_walk w;
	const char *err;

	(void)state;
	assert_string_equal(walk(s, &w, false, 5, &err), "6");
	assert_non_null(strstr(err, B "/events/round/2: events: expected an "
	    "array, got absent"));
	assert_non_null(strstr(err, B "/events/round/3: events[1]."
	    "startTimestamp: expected a Unix time, got absent"));
	assert_non_null(strstr(err, B "/events/round/5: the upstream "
	    "refused the request"));
	/* a listed round that is absent is said, and is no error */
	assert_non_null(strstr(err, B "/events/round/1: listed in " B
	    "/rounds but absent (404): no matches listed from it"));
	assert_int_equal(w.errors, 4);
	assert_true(w.refused);

	assert_string_equal(walk(drift, &w, false, 5, &err), "");
	assert_string_equal(err, "sofa: " B "/rounds: rounds: expected an "
	    "array, got absent\n");
	assert_string_equal(asked, B "/rounds\n");
	assert_int_equal(w.errors, 1);
}

static void
seasons_of_a_competition(void **state)
{
	static const struct script s[] = {
		{ "unique-tournament/9/seasons", "{\"seasons\":[{\"id\":1,"
		    "\"year\":\"2024\"}]}" },
		{ NULL, NULL }
	};
	struct sofa_seasons ss;
	struct sofa_walk w;
	const char *err;

	(void)state;
	memset(&w, 0, sizeof(w));
	w.g.get = scripted;
	scr = s;
	asked[0] = '\0';
	assert_int_equal(sofa_walk_seasons(&w, 9, &ss), SOFA_GOT_BODY);
	assert_int_equal(ss.n, 1);
	sofa_seasons_free(&ss);
	capture_begin();
	assert_int_equal(sofa_walk_seasons(&w, 8, &ss), SOFA_GOT_ABSENT);
	err = capture_end();
	assert_string_equal(err, "sofa: unknown competition 8: "
	    "unique-tournament/8/seasons is absent (404)\n");
	assert_int_equal(w.errors, 1);
	assert_int_equal(w.requests, 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(full_event_after_penalties),
		cmocka_unit_test(postponed_from_a_list),
		cmocka_unit_test(season_of_the_event_wins),
		cmocka_unit_test(contract),
		cmocka_unit_test(cup_rounds),
		cmocka_unit_test(no_rounds_pages),
		cmocka_unit_test(pages_end_at_404_and_cap),
		cmocka_unit_test(forced_pages),
		cmocka_unit_test(refused_stops_everything),
		cmocka_unit_test(error_bodies_and_drift),
		cmocka_unit_test(seasons_of_a_competition),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
