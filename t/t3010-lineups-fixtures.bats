#!/usr/bin/env bats
# sofa-lineups on every recorded lineups document in ../shared/fixtures
# (37 of them, 1,610 entries): every listed player once, 11 starters a
# side, the format drift (position, captain, shirt, teamId, statistics
# states), --stats and --missing counted against the documents with jq.

setup_file() {
	load test-lib.sh
	load cases-lib.sh
	[ -d "$FIXTURES/store" ] || return 0
	find "$FIXTURES/store/event" -name lineups.json |
	    sed 's|.*/event/\([0-9]*\)/lineups.json|\1|' | sort -n \
	    > "$BATS_FILE_TMPDIR/ids"
	file_run lu sofa-lineups -j --raw-base "$FIXTURES/store" \
	    < "$BATS_FILE_TMPDIR/ids"
}

setup() {
	load test-lib.sh
	common_setup
	need_fixtures
	L=$BATS_FILE_TMPDIR/lu.out
	IDS=$BATS_FILE_TMPDIR/ids
}

# every lineups document, for jq -s
docs() {
	while read -r id; do
		jq -c --argjson e "$id" '{e: $e, d: .}' \
		    "$FIXTURES/store/event/$id/lineups.json"
	done < "$IDS"
}

@test "37 documents, 1,610 rows, exit 0 and nothing on stderr" {
	run wc -l < "$IDS"
	assert_output 37
	run cat "$BATS_FILE_TMPDIR/lu.status"
	assert_output 0
	assert_file_empty "$BATS_FILE_TMPDIR/lu.err"
	run jq -s length "$L"
	assert_output 1610
}

@test "every player id of every document, once, on its side" {
	docs > "$BATS_TEST_TMPDIR/docs"
	jq -r '.e as $e | .d | ("home", "away") as $s | .[$s].players[] |
	    [$e, $s, .player.id, .substitute] | @tsv' "$BATS_TEST_TMPDIR/docs" |
	    sort > want
	jq -r '[.event_id, .side, .player_id, .substitute] | @tsv' "$L" |
	    sort > got
	run diff want got
	assert_success
	run sort -u got
	[ "${#lines[@]}" -eq 1610 ]
}

@test "11 starters per side, in every confirmed lineup" {
	run jq -s -r 'group_by([.event_id, .side]) | map(select(.[0].confirmed)
	    | [(map(select(.substitute | not)) | length)]) | flatten | unique
	    | .[]' "$L"
	assert_output 11
	run jq -s 'map(select(.confirmed)) | length' "$L"
	assert_output 1610
}

@test "position: the entry's, else player.position (5 entries lack it, and player.position too: null, not a guess)" {
	docs > "$BATS_TEST_TMPDIR/docs"
	run jq -r '.e as $e | .d | (.home, .away).players[] |
	    select(.position == null) | [$e, .player.id, .player.position] |
	    @json' "$BATS_TEST_TMPDIR/docs"
	[ "${#lines[@]}" -eq 5 ]
	for l in "${lines[@]}"; do
		got=$(jq -c --argjson e "$(jq '.[0]' <<< "$l")" \
		    --argjson p "$(jq '.[1]' <<< "$l")" \
		    'select(.event_id == $e and .player_id == $p) |
		    [.event_id, .player_id, .position]' "$L")
		[ "$got" = "$l" ] || fail "$l: $got"
	done
	run jq -s -c 'map(select(.position == null) | [.event_id,
	    .substitute]) | group_by(.) | map(.[0] + [length])' "$L"
	# a starter among them (11733377, API-NOTES 3.6)
	assert_output '[[11080977,true,1],[11733377,false,1],[11733377,true,3]]'
	# every other entry: the entry's own position
	docs > "$BATS_TEST_TMPDIR/docs"
	jq -r '.e as $e | .d | (.home, .away).players[] |
	    select(.position != null) | [$e, .player.id, .position] | @tsv' \
	    "$BATS_TEST_TMPDIR/docs" | sort > want
	jq -r 'select(.position != null) | [.event_id, .player_id, .position]
	    | @tsv' "$L" | sort > got
	run diff want got
	assert_success
}

@test "captain: 70 true where the key is, false everywhere else" {
	run jq -s -c '[(map(select(.captain)) | length),
	    (map(select(.captain == false)) | length)]' "$L"
	assert_output '[70,1540]'
}

@test "shirt numbers: the integer shirtNumber of every entry" {
	docs > "$BATS_TEST_TMPDIR/docs"
	jq -r '.e as $e | .d | (.home, .away).players[] |
	    [$e, .player.id, .shirtNumber] | @tsv' "$BATS_TEST_TMPDIR/docs" |
	    sort > want
	jq -r '[.event_id, .player_id, .shirt_number] | @tsv' "$L" | sort > got
	run diff want got
	assert_success
}

@test "team ids: the event's (11080977), else the starters' teamId (13472737, where some substitutes carry a reserve side's), else none" {
	run jq -s -c 'map(select(.event_id == 13472737)) | group_by(.side) |
	    map([.[0].side, (map(.team_id) | unique)])' "$L"
	assert_output '[["away",[1966]],["home",[1977]]]'
	run jq -s -c 'map(select(.event_id == 11080977)) | group_by(.side) |
	    map([.[0].side, (map(.team_id) | unique)])' "$L"
	assert_output '[["away",[7304]],["home",[42965]]]'
	run jq -s -c 'map(select(.event_id == 10408437)) | map(.team_id) |
	    unique' "$L"
	assert_output '[null]'
}

@test "statistics states: with minutes, {} or absent, without minutesPlayed, none at all" {
	# API-NOTES 3.6: 1,524 entries have statistics; the rest none
	run jq -s -c '[(map(select(.minutes_reported != null)) | length),
	    (map(select(.minutes_reported == null and .touches == null)) |
	    length)]' "$L"
	docs > "$BATS_TEST_TMPDIR/docs"
	want=$(jq -s -c '[.[].d | (.home, .away).players[]] |
	    [(map(select(.statistics.minutesPlayed != null)) | length),
	     (map(select(.statistics.minutesPlayed == null)) | length)]' \
	    "$BATS_TEST_TMPDIR/docs")
	assert_output "$want"
	# 11733377 and 11080977: starters without any statistics
	run jq -s -c 'map(select((.event_id == 11733377 or
	    .event_id == 11080977) and (.substitute | not))) |
	    [length, (map(select(.minutes_reported == null)) | length)]' "$L"
	assert_output '[44,44]'
	# a played substitute without a rating: Renzo Saravia, 1 minute
	run jq -c 'select(.event_id == 13472737 and
	    .player_name == "Renzo Saravia") | [.minutes_reported, .rating]' "$L"
	assert_output '[1,null]'
}

@test "--stats: every number of every statistics object, nested ones too" {
	docs > "$BATS_TEST_TMPDIR/docs"
	want=$(jq -s '[.[].d | (.home, .away).players[] | .statistics // {} |
	    to_entries[] | if (.value | type) == "object" then
	    (.value | to_entries[] | select(.value | type == "number"))
	    else select(.value | type == "number") end] | length' \
	    "$BATS_TEST_TMPDIR/docs")
	sofa-lineups --stats -H --raw-base "$FIXTURES/store" < "$IDS" > long
	run wc -l < long
	assert_output "$want"
	[ "$want" -gt 20000 ]
	run grep -c ',ratingVersions.alternative,' long
	refute_output 0
	# one value checked by hand: Paulo Gazzaniga's goalsPrevented, 10408437
	run grep '^10408437,164343,goalsPrevented,' long
	assert_output '10408437,164343,goalsPrevented,-0.4799'
}

@test "--missing: every missingPlayers entry, reasons 1 and 3 named" {
	docs > "$BATS_TEST_TMPDIR/docs"
	want=$(jq -s '[.[].d | (.home, .away) | .missingPlayers // [] |
	    .[]] | length' "$BATS_TEST_TMPDIR/docs")
	sofa-lineups --missing -j --raw-base "$FIXTURES/store" < "$IDS" > m
	run jq -s length m
	assert_output "$want"
	[ "$want" -eq 199 ]
	run jq -s -c 'group_by(.reason_code) | map([.[0].reason_code,
	    .[0].reason, length])' m
	assert_output '[[0,null,2],[1,"injured",176],[3,"suspended",9],[11,null,1],[13,null,11]]'
}
