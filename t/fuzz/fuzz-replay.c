/*
 * fuzz-replay.c - libFuzzer harness: the transforms' readers over
 * arbitrary JSON.  The input is one document read as the event, the
 * lineups and the incidents of a match at once (their top-level keys do
 * not collide: "event"; "confirmed", "home", "away"; "incidents"); it goes
 * through sofa_evinfo_parse(), sofa_lu_parse() and sofa_replay_run(),
 * which must never crash, and whose results must hold: the end of play is
 * 90 or 120, every timed appearance lies within it (0 <= on <= off <=
 * end), counts are never negative, no player is listed twice.  Contract
 * messages go to stderr as usual.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evinfo.h"
#include "io.h"
#include "json.h"
#include "lineups.h"
#include "minutes.h"
#include "xform.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct sofa_xf *xf;
static struct sofa_lu lu;
static struct sofa_replay rp;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct sofa_xf_opts o = { 0 };

	(void)argc;
	(void)argv;
	o.config = "/dev/null";
	o.raw_base = "/nonexistent";
	o.quiet = true;
	xf = sofa_xf_new(&o, 0, NULL);
	sofa_lu_init(&lu);
	sofa_replay_init(&rp);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sofa_xdoc d = { "fuzz", "fuzz.json", NULL };
	struct sofa_evinfo ev;
	struct sofa_jdoc *doc;
	struct sofa_jerr je;

	if ((doc = sofa_jdoc_parse((char *)(uintptr_t)data, size, false,
	    &je)) == NULL)
		return 0;
	d.root = sofa_jdoc_root(doc);
	if (!sofa_jv_is_obj(d.root))
		goto done;
	if (!sofa_evinfo_parse(&ev, xf, &d))
		memset(&ev, 0, sizeof(ev));
	(void)sofa_lu_parse(&lu, xf, &d);
	for (size_t i = 0; i < lu.n; i++)
		for (size_t j = i + 1; j < lu.n; j++)
			if (lu.p[i].id == lu.p[j].id)
				abort();
	(void)sofa_evinfo_result(&ev, SOFA_HOME);
	(void)sofa_lu_team(&lu, &ev, SOFA_AWAY);
	if (!sofa_replay_run(&rp, &lu, &ev, xf, &d))
		goto done;
	if (rp.end != 90 && rp.end != 120)
		abort();
	for (size_t i = 0; i < lu.n; i++) {
		const struct sofa_app *a = &rp.app[i];

		if (a->timed && (!a->played || a->on < 0 || a->on > a->off ||
		    a->off > rp.end))
			abort();
		if (a->goals < 0 || a->penalty_goals > a->goals ||
		    a->own_goals < 0 || a->assists < 0 || a->yellow < 0 ||
		    a->second_yellow < 0 || a->red < 0)
			abort();
	}
done:
	sofa_jdoc_free(doc);
	return 0;
}
