#!/usr/bin/env bats
# sofa-appearances over 1,000 generated matches (t/helper/sofa-gen) equals
# the appearances the generator intended, row for row and byte for byte;
# sofa-lineups over the same store lists every player the generator put in
# a lineup.  The store is generated once for the file.

setup_file() {
	load test-lib.sh
	load cases-lib.sh
	local g=$BATS_FILE_TMPDIR/g
	"$SOFA_BUILD/t/helper/sofa-gen" -s 42 -n 1000 -o "$g/store" \
	    -t "$g/truth.csv" -i "$g/index.ndjson"
	file_run app sofa-appearances --raw-base "$g/store" \
	    < "$g/index.ndjson"
	file_run lu sofa-lineups -j -q --raw-base "$g/store" \
	    < "$g/index.ndjson"
}

setup() {
	load test-lib.sh
	common_setup
	G=$BATS_FILE_TMPDIR/g
}

@test "1,000 generated matches: appearances equal the generator's truth exactly" {
	run cat "$BATS_FILE_TMPDIR/app.status"
	assert_output 0
	run cmp "$G/truth.csv" "$BATS_FILE_TMPDIR/app.out"
	assert_success
	run wc -l < "$G/truth.csv"
	[ "$output" -gt 20000 ]
}

@test "the truth holds what the rules are about" {
	# so that the equality above is not won on easy matches only
	sofa-appearances -j -q --raw-base "$G/store" < "$G/index.ndjson" > a
	run sh -c 'jq -r "
	    if .minute_off == 120 then \"extra time\" else empty end,
	    if .minute_on == 45 and (.starter | not) then \"on at half-time\"
	    else empty end,
	    if .red > 0 and .minute_off < 90 then \"sent off\" else empty end,
	    if .second_yellow > 0 and .yellow > 0 then \"two bookings\"
	    else empty end,
	    if .own_goals > 0 then \"own goal\" else empty end,
	    if .penalty_goals > 0 then \"penalty\" else empty end,
	    if .minutes == 0 then \"on in stoppage time\" else empty end,
	    if .minutes_reported == null and .starter then
	    \"starter without statistics\" else empty end,
	    if .rating == null and .minutes_reported != null then
	    \"played without rating\" else empty end,
	    if (.player_name | test(\"\\\"\")) then \"quoted name\"
	    else empty end" a | sort -u'
	assert_output - <<'OUT'
extra time
on at half-time
on in stoppage time
own goal
penalty
played without rating
quoted name
sent off
starter without statistics
two bookings
OUT
	# extra time, shoot-outs straight after 90, and their ends of play
	run jq -r 'select(.event.status.code == 120 and
	    (.event.homeScore | has("extra1") | not)) | .event.id' \
	    "$G"/store/event/*.json
	[ "${#lines[@]}" -gt 0 ]
	id=${lines[0]}
	run jq -s -r --argjson e "$id" 'map(select(.event_id == $e) |
	    .minute_off) | max' a
	assert_output 90
}

@test "matches without lineups, without incidents, or postponed: noted and skipped" {
	sofa-appearances --raw-base "$G/store" < "$G/index.ndjson" \
	    > /dev/null 2> err
	missing_lu=$(( $(ls "$G"/store/event/*.json | wc -l) -
	    $(ls "$G"/store/event/*/lineups.json | wc -l) ))
	[ "$missing_lu" -gt 0 ]
	run grep -c ': lineups not in the store (' err
	assert_output "$missing_lu"
	run grep -c ': incidents not in the store (' err
	[ "$output" -gt 0 ]
	run grep -v 'not in the store' err
	assert_output ""
}

@test "sofa-lineups: every player of every generated lineup, 11 starters a side" {
	run cat "$BATS_FILE_TMPDIR/lu.status"
	assert_output 0
	jq -r '"\(.event_id)\t\(.side)\t\(.player_id)\t\(.substitute)"' \
	    "$BATS_FILE_TMPDIR/lu.out" > rows
	run sh -c "awk -F'\t' '\$4 == \"false\" { n[\$1 \" \" \$2]++ }
	    END { for (k in n) print n[k] }' rows | sort -u"
	assert_output 11
	jq -r '(input_filename | split("/")[-2]) as $e |
	    (.home, .away).players[] | "\($e)\t\(.player.id)"' \
	    "$G"/store/event/*/lineups.json | sort > want
	cut -f1,3 rows | sort > got
	run diff want got
	assert_success
	# every appearance is a lineup row
	cut -d, -f1,8 "$G/truth.csv" | tail -n +2 | tr , '\t' | sort > app
	run comm -23 app got
	assert_output ""
}
