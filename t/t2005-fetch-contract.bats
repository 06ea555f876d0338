#!/usr/bin/env bats
# sofa-fetch --check-contract: fetch one recent match (yesterday's list,
# or the id given) and report every missing or retyped key of the API
# contract; exit 1 on a violation, 4 when blocked.  Nothing is stored.

setup() {
	load fetch-lib.sh
	fetch_setup
	export SOFA_NOW=1723834800	# 2024-08-16T19:00:00Z: yesterday is the 15th
	mkdir -p store/sport/football/scheduled-events store/event/11080977 \
	    store/event/7
	printf '{"events":[{"id":5,"startTimestamp":1723834800,"status":{"code":0,"type":"notstarted"},"homeTeam":{"id":1},"awayTeam":{"id":2}},{"id":11080977,"startTimestamp":1723748400,"status":{"code":100,"type":"finished"},"homeTeam":{"id":1},"awayTeam":{"id":2}}]}' \
	    >store/sport/football/scheduled-events/2024-08-15.json
	for f in event/11080977.json event/11080977/lineups.json \
	    event/11080977/incidents.json; do
		cp "$FIXTURES/store/$f" "store/$f"
	done
	cp store/event/11080977.json store/event/7.json
	printf '{"home":{"players":[{"player":{"id":"9","name":"X"},"substitute":false}]},"away":{"players":{}}}' \
	    >store/event/7/lineups.json
	printf '{"incidents":[{"time":3}]}' >store/event/7/incidents.json
}

teardown() {
	fetch_teardown
}

@test "a recent match of yesterday's list passes the contract" {
	serve store
	run --separate-stderr sofa-fetch --check-contract
	assert_success
	assert_output "event/11080977: ok
event/11080977/lineups: ok
event/11080977/incidents: ok
event/11080977/statistics: absent (404), not checked"
	fakesofa_wait_log 5
	assert_equal "$(fakesofa_count sport/football/scheduled-events/2024-08-15)" 1
	assert_not_exist data
}

@test "every missing or retyped key is named; exit 1" {
	serve store
	run --separate-stderr sofa-fetch --check-contract 7
	assert_failure 1
	assert_output "event/7: ok
event/7/lineups: home.players[0].player.id: expected integer, got string
event/7/lineups: away.players: expected array, got object
event/7/incidents: incidents[0].incidentType: missing (expected string)
event/7/statistics: absent (404), not checked"
}

@test "a blocked check says so: exit 4" {
	printf 'sport/** challenge\n' >scenario
	serve store scenario
	run --separate-stderr sofa-fetch --check-contract
	assert_failure 4
	[[ "$stderr" == *"sport/football/scheduled-events/2024-08-15: upstream refused (HTTP 403 challenge): the upstream refused"* ]]
	run --separate-stderr sofa-fetch --check-contract 12a
	assert_failure 2
}

@test "docs/api_contract.md lists every key of the contract file" {
	# one awk over both files: the page has a section per endpoint with
	# its path template, and a table row "| `key` | type | presence |"
	run awk -F '\t' '
	FNR == NR { doc = doc $0 "\n"; next }
	/^#/ || $1 == "endpoint" || $1 ~ /^(round-events-slug|last-events|next-events)$/ { next }
	{
		if (!index(doc, "### " $1 "\n")) print "no section for " $1
		if (!index(doc, "`" $2 "`")) print $1 ": no " $2
		if ($3 == ".") next
		t = $4; gsub(/\|/, "\\|", t)
		if (!index(doc, "| `" $3 "` | " t " | " $5 " |"))
			print $1 ": " $3 " (" $4 ", " $5 ") not in the page"
		n++
	}
	END { if (n < 200) print "only " n " keys" }' \
	    "$SOFA_SRCDIR/docs/api_contract.md" "$SOFA_SRCDIR/share/sofa/contract.tsv"
	assert_success
	assert_output ""
}
