#!/usr/bin/env bats
# sofa-appearances (and sofa-lineups) on every recorded complete match,
# ../shared/fixtures/complete.txt: lineups and incidents as recorded; the
# event as recorded for 11080977 and, for the others, a minimal event file
# of ours (t/fixtures/complete/README).  The store is laid out once per
# file in BATS_FILE_TMPDIR, with symlinks to the fixtures.

setup_file() {
	load test-lib.sh
	load cases-lib.sh
	[ -d "$FIXTURES/store" ] || return 0
	local s=$BATS_FILE_TMPDIR/store id f
	mkdir -p "$s/event"
	while read -r id; do
		mkdir -p "$s/event/$id"
		for f in lineups incidents; do
			ln -s "$FIXTURES/store/event/$id/$f.json" \
			    "$s/event/$id/$f.json"
		done
		if [ -f "$SOFA_SRCDIR/t/fixtures/complete/event/$id.json" ]; then
			cp "$SOFA_SRCDIR/t/fixtures/complete/event/$id.json" \
			    "$s/event/$id.json"
		else
			ln -s "$FIXTURES/store/event/$id.json" "$s/event/$id.json"
		fi
	done < "$FIXTURES/complete.txt"
	file_run app sofa-appearances -j --raw-base "$s" \
	    < "$FIXTURES/complete.txt"
}

setup() {
	load test-lib.sh
	common_setup
	need_fixtures
	A=$BATS_FILE_TMPDIR/app.out
}

@test "every complete match: exit 0, no message, rows for each" {
	run cat "$BATS_FILE_TMPDIR/app.status"
	assert_output 0
	assert_file_empty "$BATS_FILE_TMPDIR/app.err"
	run jq -s -r '[.[].event_id] | unique | map(tostring) | join(" ")' "$A"
	assert_output "$(sort "$FIXTURES/complete.txt" | tr '\n' ' ' |
	    sed 's/ $//')"
}

@test "11 starters per side where the lineup is confirmed" {
	run jq -s -r 'group_by([.event_id, .home]) | map(
	    [.[0].event_id, .[0].home, (map(select(.starter)) | length)]
	    | @tsv) | .[]' "$A"
	[ "${#lines[@]}" -eq 12 ]
	for l in "${lines[@]}"; do
		[ "$(echo "$l" | cut -f3)" = 11 ] || fail "$l"
	done
	for id in $(cat "$FIXTURES/complete.txt"); do
		run jq -r .confirmed "$FIXTURES/store/event/$id/lineups.json"
		assert_output true
	done
}

@test "no duplicate (event, player)" {
	run jq -s -r 'map([.event_id, .player_id] | @tsv) | .[]' "$A"
	[ "${#lines[@]}" -gt 150 ]
	[ "$(printf '%s\n' "${lines[@]}" | sort | uniq -d)" = "" ]
}

@test "every starter and every substitute brought on is there, nobody else" {
	for id in $(cat "$FIXTURES/complete.txt"); do
		want=$( { jq -r '(.home.players, .away.players)[] |
		    select(.substitute | not) | .player.id' \
		    "$FIXTURES/store/event/$id/lineups.json"
		    jq -r '.incidents[] | select(.incidentType ==
		    "substitution") | .playerIn.id' \
		    "$FIXTURES/store/event/$id/incidents.json"; } | sort -n)
		got=$(jq -r --argjson e "$id" 'select(.event_id == $e) |
		    .player_id' "$A" | sort -n)
		[ "$want" = "$got" ] || fail "$id: $want != $got"
	done
}

@test "goals per team = displayed score - own goals of the other side" {
	run jq -s -r 'group_by(.event_id)[] | . as $m |
	    [true, false] | map(. as $h | ($m | map(select(.home == $h)))
	    as $us | ($m | map(select(.home != $h))) as $them |
	    [($us | map(.goals) | add),
	     ($us[0].team_score - ($them | map(.own_goals) | add))])
	    | [$m[0].event_id, .[0][0], .[0][1], .[1][0], .[1][1]] | @tsv' "$A"
	[ "${#lines[@]}" -eq 6 ]
	for l in "${lines[@]}"; do
		set -- $l
		[ "$2" = "$3" ] && [ "$4" = "$5" ] || fail "$l"
	done
	# and the displayed scores are the recorded full-time ones
	for id in $(cat "$FIXTURES/complete.txt"); do
		ft=$(jq -r '.incidents[] | select(.text == "FT") |
		    "\(.homeScore) \(.awayScore)"' \
		    "$FIXTURES/store/event/$id/incidents.json")
		got=$(jq -r --argjson e "$id" 'select(.event_id == $e and
		    .home) | "\(.team_score) \(.opponent_score)"' "$A" |
		    sort -u)
		[ "$ft" = "$got" ] || fail "$id: FT $ft, rows $got"
	done
}

@test "goals, own goals, penalties and cards match the incidents" {
	for id in $(cat "$FIXTURES/complete.txt"); do
		inc=$FIXTURES/store/event/$id/incidents.json
		n=$(jq '[.incidents[] | select(.incidentType == "goal")] |
		    length' "$inc")
		got=$(jq -s --argjson e "$id" 'map(select(.event_id == $e) |
		    .goals + .own_goals) | add' "$A")
		[ "$n" = "$got" ] || fail "$id: $n goals, rows $got"
		n=$(jq '[.incidents[] | select(.incidentType == "card" and
		    .incidentClass == "yellow" and (.rescinded | not))] |
		    length' "$inc")
		got=$(jq -s --argjson e "$id" 'map(select(.event_id == $e) |
		    .yellow) | add' "$A")
		[ "$n" = "$got" ] || fail "$id: $n yellows, rows $got"
	done
	# Chilwell's straight red in 11137259 ends his match at 59
	run jq -c 'select(.event_id == 11137259 and .red > 0) |
	    [.player_name, .minute_off, .minutes]' "$A"
	assert_output '["Ben Chilwell",59,59]'
}

@test "minutes = minutes_reported, but for the three documented cases" {
	# docs/consumption.md, "Where Sofascore's minutesPlayed differs"
	run jq -c 'select(.minutes_reported != null and
	    .minutes != .minutes_reported) |
	    [.event_id, .player_name, .minute_on, .minute_off, .minutes,
	     .minutes_reported]' "$A"
	assert_output - <<'OUT'
[10408437,"Iván Martín",0,90,90,89]
[10408437,"Ricard Artero",90,90,0,1]
[11137259,"Aurélien Tchouaméni",84,90,6,12]
OUT
	run jq -s 'map(select(.minutes_reported != null)) | length' "$A"
	assert_output 153
	for row in 10408437:Iván 10408437:Ricard 11137259:Aurélien; do
		grep -q "| ${row%%:*} | ${row#*:}" \
		    "$SOFA_SRCDIR/docs/consumption.md" || fail "$row not documented"
	done
}

@test "half-time substitutions (46') count at 45, as Sofascore does" {
	run jq -c 'select(.minute_on == 45 or .minute_off == 45) |
	    [.event_id, .player_name, .minutes, .minutes_reported]' "$A"
	assert_output - <<'OUT'
[10408427,"Augusto Solari",45,45]
[10408427,"Franco Cervi",45,45]
[11080977,"Dmitriy Latykhov",45,null]
[11080977,"Kirill Gomanov",45,null]
[11137261,"David Alaba",45,45]
[11137261,"Antonio Rüdiger",45,45]
OUT
}

@test "a lineup without player statistics (11080977): every starter played, minutes from the incidents" {
	run jq -s -c 'map(select(.event_id == 11080977)) |
	    [length, (map(select(.starter)) | length),
	     (map(select(.minutes_reported != null)) | length),
	     (map(.minutes) | add)]' "$A"
	# 22 starters and 9 substitutes brought on; 22 x 90 minutes of play
	assert_output '[31,22,0,1980]'
}

@test "team ids: from the recorded event (11080977) and from ours" {
	run jq -s -c 'map(select(.event_id == 11080977)) | group_by(.home) |
	    map([.[0].home, .[0].team_id, .[0].opponent_id,
	    .[0].tournament_id, .[0].season_id, .[0].start_utc])' "$A"
	assert_output '[[false,7304,42965,169,49103,"2023-07-08T12:00:00Z"],[true,42965,7304,169,49103,"2023-07-08T12:00:00Z"]]'
	run jq -s -c 'map(select(.event_id == 10408437 and .home)) |
	    .[0] | [.team_id, .opponent_id, .result]' "$A"
	assert_output '[24264,2829,"W"]'
}
