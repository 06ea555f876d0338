/*
 * test-tabread.c - what the table builders read with: checked member
 * reads (common/jget.c), the event, team, player and score readers
 * (common/event.c), incidents oldest first (common/incident.c), the id
 * map (common/idmap.c), optional cells (common/row.c), and the line
 * reader's end of file after a stale errno (common/io.c).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "capture.h"
#include "event.h"
#include "idmap.h"
#include "incident.h"
#include "io.h"
#include "row.h"
#include "table.h"
#include "timeutil.h"

static struct sofa_jdoc *
parse(const char *s)
{
	struct sofa_jerr je;
	struct sofa_jdoc *d = sofa_jdoc_parse((char *)s, strlen(s), false,
	    &je);

	assert_non_null(d);
	return d;
}

static void
jget_three_cases(void **state)
{
	struct sofa_jdoc *d = parse("{\"a\":1,\"b\":null,\"c\":\"7\","
	    "\"e\":[],\"f\":[1],\"g\":2.5,\"h\":0}");
	struct sofa_jv *r = sofa_jdoc_root(d), *o;
	struct sofa_jctx c = { "f.json", 0 };
	const char *err;
	int64_t v = 42;

	(void)state;
	capture_begin();
	assert_int_equal(sofa_jg_int(&c, r, "x", "a", &v), 1);
	assert_int_equal(v, 1);
	assert_int_equal(sofa_jg_int(&c, r, "x", "b", &v), 0);
	assert_int_equal(sofa_jg_int(&c, r, "x", "zz", &v), 0);
	assert_int_equal(sofa_jg_int(&c, r, "x", "c", &v), -1);
	assert_int_equal(v, 1);
	assert_int_equal(sofa_jg_obj(&c, r, "", "e", &o), 1);
	assert_int_equal(sofa_jg_obj(&c, r, "", "f", &o), -1);
	assert_int_equal(sofa_jg_id(&c, r, "x", "g", &v), -1);
	assert_int_equal(sofa_jg_id(&c, r, "x", "h", &v), -1);
	assert_int_equal(sofa_jo_int(&c, r, "x", "b"), SOFA_UNSET);
	assert_int_equal(sofa_jo_bool(&c, r, "x", "a"), -1);
	err = capture_end();
	assert_int_equal(c.nbad, 5);
	assert_non_null(strstr(err, "f.json: x.c: expected an integer, got "
	    "string\n"));
	assert_non_null(strstr(err, "f.json: f: expected an object, got "
	    "array\n"));
	assert_non_null(strstr(err, "f.json: x.g: expected an id (integer "
	    ">= 1), got number\n"));
	assert_non_null(strstr(err, "f.json: x.h: expected an id"));
	assert_non_null(strstr(err, "f.json: x.a: expected a boolean, got "
	    "integer\n"));
	sofa_jdoc_free(d);
}

static void
jpath_cut(void **state)
{
	char buf[SOFA_JPATH_LEN], big[400];

	(void)state;
	assert_string_equal(sofa_jpath_idx(buf, "incidents", 3),
	    "incidents[3]");
	assert_string_equal(sofa_jpath_key(buf, "incidents[3]", "player"),
	    "incidents[3].player");
	assert_string_equal(sofa_jpath_key(buf, "", "event"), "event");
	memset(big, 'k', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(strlen(sofa_jpath_key(buf, big, "x")),
	    SOFA_JPATH_LEN - 1);
}

static const char ap_event[] = "{\"event\":{\"id\":11473102,"
    "\"homeTeam\":{\"id\":1,\"name\":\"H\",\"national\":true,"
    "\"country\":{\"alpha2\":\"EN\"}},\"awayTeam\":{\"id\":2},"
    "\"status\":{\"code\":120,\"type\":\"finished\",\"description\":\"AP\"},"
    "\"homeScore\":{\"current\":15,\"display\":1,\"period1\":1,"
    "\"normaltime\":1,\"penalties\":14},"
    "\"awayScore\":{\"current\":16,\"display\":1,\"penalties\":15},"
    "\"roundInfo\":{\"round\":29,\"name\":\"Final\",\"cupRoundType\":1},"
    "\"venue\":{\"stadium\":{\"name\":\"Old\"},\"city\":\"Town\"},"
    "\"changes\":{\"changeTimestamp\":1700000000}}}";

static void
event_ap_match(void **state)
{
	struct sofa_jdoc *d = parse(ap_event);
	struct sofa_jctx c = { "e.json", 0 };
	struct sofa_event ev;

	(void)state;
	assert_true(sofa_event_doc(&c, sofa_jdoc_root(d), 11473102, &ev));
	assert_int_equal(c.nbad, 0);
	assert_int_equal(ev.home.id, 1);
	assert_int_equal(ev.home.national, 1);
	assert_string_equal(ev.home.country.alpha2, "EN");
	assert_int_equal(ev.away.national, -1);
	assert_int_equal(ev.home_score.v[SOFA_SC_DISPLAY], 1);
	assert_int_equal(ev.home_score.v[SOFA_SC_CURRENT], 15);
	assert_int_equal(ev.home_score.v[SOFA_SC_PENALTIES], 14);
	assert_int_equal(ev.home_score.v[SOFA_SC_PERIOD2], SOFA_UNSET);
	assert_int_equal(ev.away_score.v[SOFA_SC_PERIOD1], SOFA_UNSET);
	assert_true(sofa_status_finished(&ev));
	assert_string_equal(sofa_status_ending(ev.status_code), "penalties");
	assert_null(sofa_status_ending(93));
	assert_null(sofa_status_ending(90));
	assert_int_equal(ev.round, 29);
	assert_string_equal(ev.round_name, "Final");
	assert_null(ev.round_slug);
	assert_string_equal(ev.venue_name, "Old");
	assert_string_equal(ev.venue_city, "Town");
	assert_int_equal(ev.venue_id, SOFA_UNSET);
	assert_int_equal(ev.changed, 1700000000);
	assert_int_equal(ev.awarded, -1);
	sofa_jdoc_free(d);
}

static void
event_refused(void **state)
{
	struct sofa_jctx c = { "e.json", 0 };
	struct sofa_jdoc *d;
	struct sofa_event ev;
	const char *err;

	(void)state;
	capture_begin();
	d = parse("{\"event\":{\"id\":5,\"homeTeam\":{\"id\":1},"
	    "\"awayTeam\":{\"id\":2}}}");
	assert_false(sofa_event_doc(&c, sofa_jdoc_root(d), 6, &ev));
	sofa_jdoc_free(d);
	d = parse("{\"event\":{\"homeTeam\":{\"id\":1}}}");
	assert_false(sofa_event_doc(&c, sofa_jdoc_root(d), 0, &ev));
	sofa_jdoc_free(d);
	d = parse("{\"event\":{\"id\":7}}");
	assert_true(sofa_event_doc(&c, sofa_jdoc_root(d), 7, &ev));
	assert_int_equal(ev.home.id, SOFA_UNSET);
	sofa_jdoc_free(d);
	d = parse("[]");
	assert_false(sofa_event_doc(&c, sofa_jdoc_root(d), 0, &ev));
	sofa_jdoc_free(d);
	err = capture_end();
	assert_int_equal(c.nbad, 5);
	assert_non_null(strstr(err, "e.json: event.id: 5 is not the match "
	    "asked for (6)\n"));
	assert_non_null(strstr(err, "e.json: event.id: expected an id "
	    "(integer >= 1), got absent\n"));
	assert_non_null(strstr(err, "e.json: event.homeTeam: expected an "
	    "object, got absent\n"));
	assert_non_null(strstr(err, "e.json: event.awayTeam: expected an "
	    "object, got absent\n"));
	assert_non_null(strstr(err, "e.json: (top level): expected an "
	    "object, got array\n"));
}

static void
player_reader(void **state)
{
	struct sofa_jdoc *d = parse("{\"p\":{\"id\":9,\"name\":\"N\","
	    "\"position\":\"G\",\"height\":190,\"dateOfBirthTimestamp\":"
	    "-315619200,\"country\":[]},\"q\":{\"name\":\"x\"},\"r\":null}");
	struct sofa_jv *r = sofa_jdoc_root(d);
	struct sofa_jctx c = { "l.json", 0 };
	struct sofa_player p;

	(void)state;
	assert_int_equal(sofa_player_read(&c, sofa_jv_get(r, "p"), "p", &p),
	    1);
	assert_int_equal(p.id, 9);
	assert_int_equal(p.birth, -315619200);
	assert_int_equal(p.height, 190);
	assert_null(p.country.alpha2);
	assert_int_equal(sofa_player_read(&c, sofa_jv_get(r, "r"), "r", &p),
	    0);
	assert_int_equal(p.id, SOFA_UNSET);
	capture_begin();
	assert_int_equal(sofa_player_read(&c, sofa_jv_get(r, "q"), "q", &p),
	    -1);
	assert_string_equal(capture_end(), "test-tabread: l.json: q.id: "
	    "expected an id (integer >= 1), got absent\n");
	sofa_jdoc_free(d);
}

static void
incidents_oldest_first(void **state)
{
	struct sofa_jdoc *d = parse("{\"incidents\":["
	    "{\"incidentType\":\"period\",\"text\":\"FT\",\"time\":90,"
	    "\"addedTime\":999,\"homeScore\":1,\"awayScore\":0},"
	    "{\"incidentType\":\"card\",\"time\":-3,\"benchTime\":40,"
	    "\"manager\":{\"id\":3,\"name\":\"M\"},\"isHome\":false},"
	    "{\"incidentType\":\"goal\",\"incidentClass\":\"ownGoal\","
	    "\"time\":20,\"isHome\":true,\"player\":{\"id\":8,\"name\":\"O\"}},"
	    "{\"incidentType\":\"card\",\"time\":5,\"playerName\":\"Only\"}]}");
	struct sofa_jctx c = { "i.json", 0 };
	struct sofa_jv **items = NULL;
	struct sofa_incident in;
	size_t cap = 0;
	long n;

	(void)state;
	n = sofa_incidents_list(&c, sofa_jdoc_root(d), &items, &cap);
	assert_int_equal(n, 4);
	assert_true(sofa_incident_read(&c, items[0], "i", &in));
	assert_string_equal(in.type, "card");
	assert_string_equal(in.player_name, "Only");
	assert_int_equal(in.player.id, SOFA_UNSET);
	assert_int_equal(in.is_home, -1);
	assert_true(sofa_incident_read(&c, items[1], "i", &in));
	assert_string_equal(in.klass, "ownGoal");
	assert_int_equal(in.is_home, 1);
	assert_int_equal(in.player.id, 8);
	assert_true(sofa_incident_read(&c, items[2], "i", &in));
	assert_int_equal(in.time, -3);
	assert_int_equal(in.bench_time, 40);
	assert_int_equal(in.manager_id, 3);
	assert_null(in.player_name);
	assert_true(sofa_incident_read(&c, items[3], "i", &in));
	assert_int_equal(in.added_time, SOFA_UNSET);
	assert_int_equal(in.home_score, 1);
	assert_string_equal(in.text, "FT");
	assert_int_equal(c.nbad, 0);
	free(items);
	sofa_jdoc_free(d);
}

static void
idmap_many(void **state)
{
	struct sofa_idmap *m = sofa_idmap_new();

	(void)state;
	for (int64_t i = 1; i <= 100000; i++)
		sofa_idmap_put(m, i * 7919, (uint32_t)(i % 5 + 1));
	assert_int_equal(sofa_idmap_count(m), 100000);
	for (int64_t i = 1; i <= 100000; i++)
		assert_int_equal(sofa_idmap_get(m, i * 7919), i % 5 + 1);
	assert_int_equal(sofa_idmap_get(m, 7918), 0);
	sofa_idmap_put(m, 7919, 9);
	assert_int_equal(sofa_idmap_get(m, 7919), 9);
	assert_int_equal(sofa_idmap_count(m), 100000);
	sofa_idmap_free(m);
}

static void
row_times(void **state)
{
	static const char *const cols[] = { "t", "d" };
	char buf[512] = "", a[SOFA_UTC_LEN], b[SOFA_UTC_LEN];
	FILE *fp = fmemopen(buf, sizeof(buf) - 1, "w");
	struct sofa_tab *t = sofa_tab_new(fp, false, cols, 2);

	(void)state;
	assert_true(sofa_tab_outc(t, 0, 1768939200, false, a));
	assert_true(sofa_tab_outc(t, 1, -315619200, true, b));
	sofa_tab_row(t);
	assert_true(sofa_tab_outc(t, 0, SOFA_UNSET, false, a));
	assert_false(sofa_tab_outc(t, 1, 253402300800LL, true, b));
	assert_false(sofa_tab_outc(t, 1, SOFA_TIME_MIN - 1, true, b));
	sofa_tab_row(t);
	sofa_tab_free(t);
	fclose(fp);
	assert_string_equal(buf, "t,d\n2026-01-20T20:00:00Z,1960-01-01\n,\n");
}

/* A caller that sets errno between lines (a failed open) must not turn
 * the end of a stream without a final newline into a read error. */
static void
lr_eof_after_stale_errno(void **state)
{
	static const char s[] = "1\n4";
	FILE *fp = fmemopen((void *)s, sizeof(s) - 1, "r");
	struct sofa_lr *lr = sofa_lr_new(fp, "in", 64);
	char *line;
	size_t len;

	(void)state;
	assert_int_equal(sofa_lr_next(lr, &line, &len), SOFA_LR_LINE);
	assert_int_equal(sofa_lr_next(lr, &line, &len), SOFA_LR_LINE);
	assert_string_equal(line, "4");
	errno = ENOENT;
	assert_int_equal(sofa_lr_next(lr, &line, &len), SOFA_LR_EOF);
	errno = ENOENT;
	assert_int_equal(sofa_lr_next(lr, &line, &len), SOFA_LR_EOF);
	sofa_lr_free(lr);
	fclose(fp);
}

int
main(int argc, char *argv[])
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(jget_three_cases),
		cmocka_unit_test(jpath_cut),
		cmocka_unit_test(event_ap_match),
		cmocka_unit_test(event_refused),
		cmocka_unit_test(player_reader),
		cmocka_unit_test(incidents_oldest_first),
		cmocka_unit_test(idmap_many),
		cmocka_unit_test(row_times),
		cmocka_unit_test(lr_eof_after_stale_errno),
	};

	sofa_init(argc, argv);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
