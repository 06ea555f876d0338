/*
 * test-minutes.c - the incident replay (common/minutes.c), the lineups
 * reader (common/lineups.c) and the event facts (common/evinfo.c), on
 * small documents written here: the minute rules one by one, the end of
 * play, who took the field, and the contract messages.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "capture.h"
#include "err.h"
#include "evinfo.h"
#include "io.h"
#include "lineups.h"
#include "minutes.h"
#include "xform.h"

static char store[] = "/tmp/test-minutes.XXXXXX";

static void
minute_rules(void **state)
{
	(void)state;
	assert_int_equal(sofa_minute(0, 0, 90), 0);
	assert_int_equal(sofa_minute(30, 0, 90), 30);
	assert_int_equal(sofa_minute(45, 0, 90), 45);
	assert_int_equal(sofa_minute(45, 2, 90), 45);	/* 45+2 */
	assert_int_equal(sofa_minute(46, 0, 90), 45);	/* half-time */
	assert_int_equal(sofa_minute(47, 0, 90), 47);
	assert_int_equal(sofa_minute(90, 5, 90), 90);	/* 90+5 */
	assert_int_equal(sofa_minute(91, 0, 120), 90);	/* extra time */
	assert_int_equal(sofa_minute(105, 1, 120), 105);
	assert_int_equal(sofa_minute(106, 0, 120), 105);
	assert_int_equal(sofa_minute(120, 3, 120), 120);
	assert_int_equal(sofa_minute(95, 0, 90), 90);	/* after the end */
	assert_int_equal(sofa_minute(121, 0, 120), 120);
	assert_int_equal(sofa_minute(-5, 0, 90), 0);	/* bench cards */
}

/* Write the documents of match id into the store. */
static void
put(int id, const char *ev, const char *lu, const char *inc)
{
	char path[512];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/event/%d", store, id);
	assert_int_equal(sofa_mkdirs(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/event/%d.json", store, id);
	assert_non_null(fp = fopen(path, "w"));
	fputs(ev, fp);
	fclose(fp);
	snprintf(path, sizeof(path), "%s/event/%d/lineups.json", store, id);
	assert_non_null(fp = fopen(path, "w"));
	fputs(lu, fp);
	fclose(fp);
	snprintf(path, sizeof(path), "%s/event/%d/incidents.json", store, id);
	assert_non_null(fp = fopen(path, "w"));
	fputs(inc, fp);
	fclose(fp);
}

#define EV(code, extra) "{\"event\":{\"id\":1,\"status\":{\"code\":" #code \
    ",\"type\":\"finished\"},\"homeTeam\":{\"id\":10},\"awayTeam\":" \
    "{\"id\":20},\"homeScore\":{\"display\":1" extra "},\"awayScore\":" \
    "{\"display\":1}}}"
#define P(id, sub) "{\"player\":{\"id\":" #id ",\"position\":\"M\"}," \
    "\"substitute\":" #sub "}"
#define LU "{\"confirmed\":true,\"home\":{\"players\":[" P(1, false) "," \
    P(2, true) "]},\"away\":{\"players\":[" P(3, false) "," P(4, true) \
    "]}}"
#define SUB(t, in, out) "{\"incidentType\":\"substitution\",\"time\":" #t \
    ",\"playerIn\":{\"id\":" #in "},\"playerOut\":{\"id\":" #out "}}"

struct run {
	struct sofa_evinfo ev;
	struct sofa_lu lu;
	struct sofa_replay r;
	struct sofa_xf *xf;
	bool ok;
	int end;
};

/* Replay match id; fills *out. */
static void
replay(int id, struct run *out)
{
	struct sofa_xf_opts o = { 0 };
	char num[16], *argv[1] = { num };
	const struct sofa_xdoc *e, *l, *in;
	int64_t got;

	snprintf(num, sizeof(num), "%d", id);
	o.config = "/dev/null";
	o.raw_base = store;
	o.quiet = true;
	out->xf = sofa_xf_new(&o, 1, argv);
	assert_int_equal(sofa_xf_next(out->xf, &got), 1);
	assert_non_null(e = sofa_xf_load(out->xf, "event", SOFA_XF_NEED));
	assert_non_null(l = sofa_xf_load(out->xf, "lineups", SOFA_XF_NEED));
	assert_non_null(in = sofa_xf_load(out->xf, "incidents",
	    SOFA_XF_NEED));
	assert_true(sofa_evinfo_parse(&out->ev, out->xf, e));
	sofa_lu_init(&out->lu);
	(void)sofa_lu_parse(&out->lu, out->xf, l);
	sofa_replay_init(&out->r);
	out->ok = sofa_replay_run(&out->r, &out->lu, &out->ev, out->xf, in);
	out->end = out->r.end;
}

static int
done(struct run *out)
{
	int st = sofa_xf_end(out->xf);

	sofa_replay_free(&out->r);
	sofa_lu_free(&out->lu);
	return st;
}

static void
end_of_play(void **state)
{
	struct run r;

	(void)state;
	put(1, EV(100, ""), LU, "{\"incidents\":[]}");
	replay(1, &r);
	assert_int_equal(r.end, 90);
	assert_int_equal(done(&r), 0);
	put(2, EV(110, ""), LU, "{\"incidents\":[]}");		/* AET */
	replay(2, &r);
	assert_int_equal(r.end, 120);
	assert_int_equal(done(&r), 0);
	put(3, EV(120, ",\"penalties\":4"), LU, "{\"incidents\":[]}");
	replay(3, &r);					/* AP, no ET */
	assert_int_equal(r.end, 90);
	assert_int_equal(done(&r), 0);
	put(4, EV(120, ",\"overtime\":0"), LU, "{\"incidents\":[]}");
	replay(4, &r);					/* AP after ET */
	assert_int_equal(r.end, 120);
	assert_int_equal(done(&r), 0);
	put(5, EV(120, ""), LU, "{\"incidents\":[{\"incidentType\":"
	    "\"period\",\"text\":\"ET\",\"time\":120,\"addedTime\":999}]}");
	replay(5, &r);
	assert_int_equal(r.end, 120);
	assert_int_equal(done(&r), 0);
	/* a shoot-out kick at 121 is no evidence of extra time */
	put(6, EV(120, ""), LU, "{\"incidents\":[{\"incidentType\":"
	    "\"penaltyShootout\",\"sequence\":1,\"isHome\":true}]}");
	replay(6, &r);
	assert_int_equal(r.end, 90);
	assert_int_equal(done(&r), 0);
}

static void
who_played(void **state)
{
	struct run r;

	(void)state;
	/* 2 on at 46 (45) for 1; 4 never came on; 3 played throughout */
	put(7, EV(100, ""), LU, "{\"incidents\":[" SUB(46, 2, 1) "]}");
	replay(7, &r);
	assert_true(r.ok);
	assert_int_equal(r.lu.n, 4);
	assert_true(r.r.app[0].played && r.r.app[0].timed);
	assert_int_equal(r.r.app[0].on, 0);
	assert_int_equal(r.r.app[0].off, 45);
	assert_true(r.r.app[1].played);
	assert_int_equal(r.r.app[1].on, 45);
	assert_int_equal(r.r.app[1].off, 90);
	assert_int_equal(r.r.app[2].off, 90);
	assert_false(r.r.app[3].played);
	assert_int_equal(done(&r), 0);
	/* a substitution naming a starter as playerIn brings nobody on */
	put(8, EV(100, ""), LU, "{\"incidents\":[" SUB(60, 3, 1) "]}");
	replay(8, &r);
	assert_int_equal(r.r.app[0].off, 60);
	assert_int_equal(r.r.app[2].on, 0);
	assert_int_equal(r.r.app[2].off, 90);
	assert_int_equal(done(&r), 0);
}

static void
contract(void **state)
{
	const char *err;
	struct run r;

	(void)state;
	capture_begin();
	put(9, EV(100, ""), LU, "{\"incidents\":[{\"time\":3},"
	    "{\"incidentType\":\"goal\"},{\"incidentType\":7,\"time\":1},"
	    "{\"incidentType\":\"substitution\",\"time\":50,\"playerIn\":"
	    "{\"id\":\"2\"},\"playerOut\":{\"id\":1}}, 5]}");
	replay(9, &r);
	assert_true(r.ok);
	assert_int_equal(r.r.app[0].off, 50);
	assert_false(r.r.app[1].played);
	assert_int_equal(done(&r), SOFA_EXIT_FAIL);
	err = capture_end();
	assert_non_null(strstr(err, "incidents.json: incidents[0]."
	    "incidentType: expected a string, got absent\n"));
	assert_non_null(strstr(err, "incidents.json: incidents[1].time: "
	    "expected an integer, got absent\n"));
	assert_non_null(strstr(err, "incidents.json: incidents[2]."
	    "incidentType: expected a string, got integer\n"));
	assert_non_null(strstr(err, "incidents.json: incidents[3].playerIn."
	    "id: expected an integer, got string\n"));
	assert_non_null(strstr(err, "incidents.json: incidents[4]: expected "
	    "an object, got integer\n"));
}

static void
lineups_team(void **state)
{
	struct sofa_lu lu;
	struct sofa_evinfo ev = { .team_id = { 0, 77 } };

	(void)state;
	sofa_lu_init(&lu);
	lu.p = calloc(3, sizeof(*lu.p));
	lu.n = lu.cap = 3;
	lu.p[0] = (struct sofa_lu_player){ .side = SOFA_HOME,
	    .substitute = true, .has_team = true, .team_id = 5 };
	lu.p[1] = (struct sofa_lu_player){ .side = SOFA_HOME,
	    .has_team = true, .team_id = 6 };
	lu.p[2] = (struct sofa_lu_player){ .side = SOFA_AWAY,
	    .has_team = true, .team_id = 8 };
	/* a substitute's teamId is not the side's; the event wins */
	assert_int_equal(sofa_lu_team(&lu, &ev, SOFA_HOME), 6);
	assert_int_equal(sofa_lu_team(&lu, &ev, SOFA_AWAY), 77);
	assert_int_equal(sofa_lu_team(&lu, NULL, SOFA_AWAY), 8);
	assert_string_equal(sofa_side_name(SOFA_HOME), "home");
	assert_string_equal(sofa_side_name(SOFA_AWAY), "away");
	sofa_lu_free(&lu);
}

static void
results(void **state)
{
	struct sofa_evinfo ev = { .has_score = { true, true },
	    .score = { 2, 1 } };

	(void)state;
	assert_string_equal(sofa_evinfo_result(&ev, SOFA_HOME), "W");
	assert_string_equal(sofa_evinfo_result(&ev, SOFA_AWAY), "L");
	ev.score[1] = 2;
	assert_string_equal(sofa_evinfo_result(&ev, SOFA_AWAY), "D");
	ev.has_score[0] = false;
	assert_null(sofa_evinfo_result(&ev, SOFA_AWAY));
	ev.status_type = "finished";
	assert_true(sofa_evinfo_finished(&ev));
	ev.status_type = "inprogress";
	assert_false(sofa_evinfo_finished(&ev));
}

static int
setup_store(void **state)
{
	(void)state;
	return mkdtemp(store) == NULL ? -1 : 0;
}

static int
teardown_store(void **state)
{
	char cmd[600];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", store);
	return system(cmd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(minute_rules),
		cmocka_unit_test(end_of_play),
		cmocka_unit_test(who_played),
		cmocka_unit_test(contract),
		cmocka_unit_test(lineups_team),
		cmocka_unit_test(results),
	};

	return cmocka_run_group_tests(tests, setup_store, teardown_store);
}
