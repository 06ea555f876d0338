#!/usr/bin/env bats
# sofa-dq on the tables the transforms build from every complete recorded
# match (../shared/fixtures/complete.txt): lineups, incidents and
# statistics as recorded, the event as recorded for 11080977 and, for the
# others, the minimal event files of t/fixtures/complete/event (their
# README).  The gate passes with no FAIL, and every WARN it gives is
# explained, with its cause, in docs/fixing_validation_failures.md
# ("On the recorded fixtures").  The store is laid out once per file with
# symlinks; the recorded files are never copied.

PROGS="sofa-matches sofa-teams sofa-players sofa-incidents sofa-teamstats sofa-lineups sofa-appearances"

setup_file() {
	load test-lib.sh
	local d=$BATS_FILE_TMPDIR s p id f t why=
	[ -d "$FIXTURES/store" ] || why="no $FIXTURES"
	for p in $PROGS; do
		[ -n "$why" ] || [ -x "$SOFA_BUILD/bin/$p" ] ||
			why="$p is not built yet (the transforms bring it)"
	done
	[ -n "$why" ] || [ -d "$SOFA_SRCDIR/t/fixtures/complete/event" ] ||
		why="no t/fixtures/complete/event yet (the transforms bring it)"
	if [ -n "$why" ]; then
		echo "$why" > "$d/skip"
		return 0
	fi
	export PATH="$SOFA_BUILD/bin:$PATH"
	s=$d/store
	p=$d/data/processed
	mkdir -p "$s/event" "$p" "$d/data/index"
	while read -r id; do
		mkdir -p "$s/event/$id"
		for f in "$FIXTURES/store/event/$id"/*.json; do
			ln -s "$f" "$s/event/$id/"
		done
		if [ -f "$SOFA_SRCDIR/t/fixtures/complete/event/$id.json" ]; then
			ln -s "$SOFA_SRCDIR/t/fixtures/complete/event/$id.json" \
			    "$s/event/$id.json"
		else
			ln -s "$FIXTURES/store/event/$id.json" "$s/event/$id.json"
		fi
		# the index line: what discovery would have said of it
		jq -c '.event | {event_id: .id, status_code: .status.code,
		    status_type: .status.type}' "$s/event/$id.json" \
		    >> "$d/data/index/matches.ndjson"
	done < "$FIXTURES/complete.txt"
	for t in matches:sofa-matches teams:sofa-teams players:sofa-players \
	    incidents:sofa-incidents team_stats:sofa-teamstats \
	    lineups:sofa-lineups appearances:sofa-appearances \
	    "lineups_stats:sofa-lineups --stats" \
	    "missing_players:sofa-lineups --missing"; do
		# shellcheck disable=SC2086
		${t#*:} --raw-base "$s" < "$FIXTURES/complete.txt" \
		    > "$p/${t%%:*}.csv" 2>> "$d/build.err" ||
			echo "${t#*:}: exit $?" >> "$d/build.failed"
	done
	(
		cd "$d" || exit 1
		export SOFASCORE_CONFIG=/dev/null SOFASCORE_ROOT="$d" \
		    SOFASCORE_RAW_BASE="$s" \
		    SOFASCORE_SHARE_DIR="$SOFA_SRCDIR/share/sofa"
		unset SOFA_NOW
		sofa-dq -j -n 1000 > dq.ndjson 2> dq.err
		echo $? > dq.status
	)
}

setup() {
	load test-lib.sh
	common_setup
	need_fixtures
	D=$BATS_FILE_TMPDIR
	[ ! -f "$D/skip" ] || skip "$(cat "$D/skip")"
	DOC=$SOFA_SRCDIR/docs/fixing_validation_failures.md
}

@test "the transforms build every table from the complete matches" {
	[ ! -f "$D/build.failed" ] || fail "$(cat "$D/build.failed" "$D/build.err")"
	for t in matches teams players incidents lineups appearances; do
		[ "$(wc -l < "$D/data/processed/$t.csv")" -gt 1 ] ||
			fail "$t.csv has no rows"
	done
}

@test "sofa-dq passes them: exit 0, no FAIL, nothing on stderr" {
	[ "$(cat "$D/dq.status")" = 0 ] ||
		fail "exit $(cat "$D/dq.status"): $(cat "$D/dq.err")"
	assert_file_empty "$D/dq.err"
	run jq -r 'select(.status == "FAIL") | .rule' "$D/dq.ndjson"
	assert_output ""
	[ "$(jq -s length "$D/dq.ndjson")" -eq 26 ]
}

@test "the rules looked at every match: 6 matches, 12 confirmed sides, 14 goals" {
	run jq -r '"\(.rule) \(.checked)"' "$D/dq.ndjson"
	assert_line "keys.matches_unique 6"
	assert_line "consistency.starters 12"
	assert_line "consistency.goals_vs_score 6"
	# the goals of complete.txt's FT markers: 2+2+6+0+2+2
	assert_line "consistency.goal_sequence 14"
	# only 11080977's recorded event has the parts of its score
	assert_line "consistency.score_parts 1"
	# 5 statistics documents: 3 possession rows and 22 to 25 halves-summed
	# counts each (counted over the documents with python3)
	assert_line "consistency.team_stats 136"
	assert_line "coverage.required 6"
}

@test "what is skipped is what a recorded store cannot have: a fetch log, a pipeline run" {
	run jq -r 'select(.status == "SKIP") | .rule' "$D/dq.ndjson"
	assert_output "$(printf 'coverage.fetch_failures\nfreshness.last_run')"
}

@test "every WARN there is explained, with its cause, in docs/fixing_validation_failures.md" {
	sed -n '/^## On the recorded fixtures$/,/^## /p' "$DOC" > section
	[ -s section ] || fail "no section 'On the recorded fixtures'"
	jq -r 'select(.status == "WARN") | .rule as $r | .examples[] |
	    "\($r) \(.id)"' "$D/dq.ndjson" > warns
	while read -r rule id; do
		grep -q "^| \`$rule\` | $id | .\{20,\}" section ||
			fail "$rule $id is not explained in the section"
	done < warns
	# and the section explains no WARN that is not there any more
	grep -c '^| `' section > n
	[ "$(cat n)" -eq "$(wc -l < warns)" ] ||
		fail "the section lists $(cat n) WARNs, sofa-dq gives $(wc -l < warns)"
}
