#!/usr/bin/env bats
# sofa-dq from the shell: the three report formats (readable, NDJSON that
# jq parses, TAP that prove parses), exit codes 0/3/1/2, rule selection,
# severity overrides from the configuration, examples, --tables, and the
# write side.

setup() {
	load test-lib.sh
	load dq-lib.sh
	dq_setup
}

@test "readable report: one line per rule, details of what did not pass" {
	dq_bad keys.team_in_teams
	dq_bad consistency.starters
	run --separate-stderr sofa-dq
	assert_failure 3
	[ "${#lines[@]}" -gt 26 ]
	assert_line --regexp '^PASS  schema\.header +0  Every published table'
	assert_line --regexp '^WARN  keys\.team_in_teams +2  Every team id'
	assert_line --regexp '^FAIL  consistency\.starters +1  A confirmed lineup'
	assert_line "WARN keys.team_in_teams: 2 of 156 team ids"
	assert_line --regexp '^  31  .*/matches\.csv:3  matches\.home_team_id not in teams$'
	assert_line --partial "  fix: Rebuild the team table"
	assert_line --partial "(docs/fixing_validation_failures.md#keys.team_in_teams)"
	assert_line "FAIL consistency.starters: 1 of 2 sides"
	assert_line "26 rules: 24 passed, 1 warned, 1 failed, 0 skipped"
	# a passing rule has no details
	refute_line --partial "PASS schema.header:"
	[ -z "$stderr" ]
}

@test "-j: one object per rule that jq parses, with every documented key" {
	dq_bad keys.team_in_teams
	sofa-dq -j > out.ndjson
	[ "$(jq -s length out.ndjson)" -eq 26 ]
	run jq -r 'keys_unsorted | join(" ")' out.ndjson
	assert_line --index 0 "rule status severity count checked unit description note examples breakdown remediation doc"
	[ "$(jq -r 'select(.status == "WARN") | .rule' out.ndjson)" = \
	    keys.team_in_teams ]
	[ "$(jq -c 'select(.rule == "keys.team_in_teams") | .examples[0]' \
	    out.ndjson | sed "s|$BATS_TEST_TMPDIR/||")" = \
	    '{"id":"31","where":"data/processed/matches.csv:3","detail":"matches.home_team_id not in teams"}' ]
}

@test "--tap: prove passes a report with WARNs and fails one with a FAIL" {
	dq_bad keys.team_in_teams
	run sofa-dq --tap
	assert_success
	printf '%s\n' "$output" > warn.tap
	assert_line --index 0 "TAP version 13"
	assert_line --index 1 "1..26"
	assert_line "not ok 10 - keys.team_in_teams: 2 of 156 team ids # TODO WARN, does not block publishing"
	run prove -e cat warn.tap
	assert_success
	dq_bad consistency.starters
	run sofa-dq --tap
	assert_failure 3
	printf '%s\n' "$output" > fail.tap
	assert_line "not ok 12 - consistency.starters: 1 of 2 sides"
	run prove -e cat fail.tap
	assert_failure
	assert_output --partial "Failed test:  12"
}

@test "--tap: a '#' in a note is escaped, the SKIP directive stays whole" {
	mkdir 'a#b'
	export SOFASCORE_FETCH_LOG="$BATS_TEST_TMPDIR/a#b/fetch_log.ndjson"
	run sofa-dq --tap coverage.fetch_failures
	assert_success
	printf '%s\n' "$output" > out.tap
	assert_line --index 2 "ok 1 - coverage.fetch_failures # SKIP no fetch log $BATS_TEST_TMPDIR/a\\#b/fetch_log.ndjson: no fetch run recorded yet"
	run prove -e cat out.tap
	assert_success
	# TAP::Parser (prove's) sees one skipped test, its reason whole
	run perl -MTAP::Parser -e '$p = TAP::Parser->new({ source => shift });
	    while ($r = $p->next) { print $r->explanation, "\n"
	    if $r->is_test && $r->has_skip }' out.tap
	assert_output "no fetch log $BATS_TEST_TMPDIR/a\\#b/fetch_log.ndjson: no fetch run recorded yet"
}

@test "exit 0 with WARNs only, 3 with a FAIL" {
	dq_bad consistency.minutes_reported
	run sofa-dq
	assert_success
	assert_line "26 rules: 25 passed, 1 warned, 0 failed, 0 skipped"
	dq_bad keys.matches_unique
	run sofa-dq
	assert_failure 3
}

@test "rules by id, family, family.* and all, as operands or --rule" {
	run sofa-dq -j keys.matches_unique
	assert_success
	[ "${#lines[@]}" -eq 1 ]
	run sofa-dq -j --rule schema --rule freshness.last_run
	[ "$(printf '%s\n' "$output" | jq -r .rule | tr '\n' ' ')" = \
	    "schema.header schema.rows schema.types schema.keys freshness.last_run " ]
	run sofa-dq -j 'coverage.*'
	[ "${#lines[@]}" -eq 3 ]
	run sofa-dq -j all
	[ "${#lines[@]}" -eq 26 ]
	run --separate-stderr sofa-dq keys.nonesuch
	assert_failure 2
	[ "$stderr" = "sofa-dq: no rule 'keys.nonesuch' (sofa-dq --list shows them)" ]
	run sofa-dq -j sch
	assert_failure 2
}

@test "--list: every rule with its severity, overrides applied" {
	run sofa-dq --list
	assert_success
	[ "${#lines[@]}" -eq 26 ]
	assert_line --regexp '^keys\.team_in_teams +WARN  Every team id'
	assert_line --regexp '^keys\.matches_unique +FAIL  '
	SOFASCORE_DQ_RULES="keys.team_in_teams=FAIL keys.matches_unique=off" \
	    run sofa-dq --list
	assert_line --regexp '^keys\.team_in_teams +FAIL  '
	assert_line --regexp '^keys\.matches_unique +off  '
	run sofa-dq --list -j
	assert_failure 2
}

@test "dq_rules: off leaves a rule out, WARN lets a FAIL through, FAIL blocks a WARN" {
	dq_bad keys.lineups_unique
	dq_bad keys.team_in_teams
	export SOFASCORE_DQ_RULES="keys.lineups_unique=off"
	run sofa-dq -j
	assert_success
	[ "${#lines[@]}" -eq 25 ]
	refute_output --partial '"rule":"keys.lineups_unique"'
	# named on the command line, an "off" rule runs
	run sofa-dq keys.lineups_unique
	assert_failure 3
	export SOFASCORE_DQ_RULES="keys.lineups_unique=WARN	keys.team_in_teams=warn"
	run sofa-dq
	assert_success
	assert_line --regexp '^WARN  keys\.lineups_unique +1'
	export SOFASCORE_DQ_RULES="keys.lineups_unique=WARN keys.team_in_teams=FAIL"
	run sofa-dq
	assert_failure 3
	assert_line --regexp '^FAIL  keys\.team_in_teams +2'
}

@test "dq_rules: an unknown rule or level is a configuration error naming its origin" {
	SOFASCORE_DQ_RULES="keys.matches_uniq=off" run sofa-dq
	assert_failure 2
	assert_output "sofa-dq: environment SOFASCORE_DQ_RULES: dq_rules: unknown rule 'keys.matches_uniq' (sofa-dq --list shows them)"
	printf '[dq]\ndq_rules = keys.matches_unique=maybe\n' > sofa.ini
	run sofa-dq --config sofa.ini
	assert_failure 2
	assert_output "sofa-dq: sofa.ini:2: dq_rules: 'keys.matches_unique=maybe': the level is WARN, FAIL or off"
	SOFASCORE_DQ_RULES="keys.matches_unique" run sofa-dq
	assert_failure 2
	assert_output --partial "want RULE=WARN, RULE=FAIL or RULE=off"
}

@test "--examples: at most N examples, the count stays whole" {
	dq_bad keys.player_in_players
	run sofa-dq -j -n 2 keys.player_in_players
	assert_failure 3
	[ "$(printf '%s\n' "$output" | jq '[.count, (.examples | length)]' -c)" = "[5,2]" ]
	run sofa-dq -n 2 keys.player_in_players
	assert_line "  ... and 3 more"
	run sofa-dq -j -n 0 keys.player_in_players
	[ "$(printf '%s\n' "$output" | jq -c '.examples')" = "[]" ]
	run sofa-dq -n 1001
	assert_failure 2
	assert_output --partial "--examples"
}

@test "--tables DIR reads the tables from DIR" {
	mv data/processed elsewhere
	run sofa-dq schema
	assert_failure 1
	run sofa-dq --tables elsewhere schema
	assert_success
}

@test "-j and --tap together is a usage error" {
	run --separate-stderr sofa-dq -j --tap
	assert_failure 2
	[[ "$stderr" == "usage: sofa-dq "* ]]
}

@test "the report to a full disk is 'write error', exit 1; | head ends quietly" {
	run bash -c 'sofa-dq > /dev/full'
	assert_failure 1
	assert_output --partial "write error"
	run bash -c 'sofa-dq | head -n 1; echo "status ${PIPESTATUS[0]}"'
	assert_line --index 0 --partial "schema.header"
	assert_line --index 1 --regexp '^status (0|141)$'
	run bash -c 'trap "" PIPE; sofa-dq | head -n 1'
	assert_line --index 0 --partial "schema.header"
}

@test "a broken share_dir is a configuration error: no rules text, a rule without text, a bad severity" {
	rm share/dq
	mkdir share/dq
	run sofa-dq
	assert_failure 2
	assert_output --partial "share/dq/rules.tsv: No such file or directory (is share_dir right?)"
	grep -v '^freshness.last_run' "$SOFA_SRCDIR/share/sofa/dq/rules.tsv" \
	    > share/dq/rules.tsv
	cp "$SOFA_SRCDIR/share/sofa/dq/status_codes.tsv" share/dq/
	run sofa-dq
	assert_failure 2
	assert_output --partial "rules.tsv: no text for rule 'freshness.last_run'"
	cp "$SOFA_SRCDIR/share/sofa/dq/rules.tsv" share/dq/
	printf 'keys.nonesuch\tFAIL\td\tr\n' >> share/dq/rules.tsv
	n=$(wc -l < share/dq/rules.tsv)
	run sofa-dq
	assert_failure 2
	assert_output --partial "rules.tsv:$n: no rule 'keys.nonesuch' in this program"
	cp "$SOFA_SRCDIR/share/sofa/dq/rules.tsv" share/dq/
	sed -i 's/^schema.rows\tFAIL/schema.rows\tERROR/' share/dq/rules.tsv
	run sofa-dq
	assert_failure 2
	assert_output --partial "severity 'ERROR' is not FAIL, WARN or off"
}

@test "a bad schema file is a configuration error naming FILE:LINE" {
	printf 'event_id\tnumber\tpk\tthe match\tcomputed\n' \
	    > share/schema/team_stats.tsv
	run sofa-dq schema
	assert_failure 2
	assert_output "sofa-dq: $BATS_TEST_TMPDIR/share/schema/team_stats.tsv:1: column event_id: unknown type 'number' (id, int, real, str, bool, utc, enum:A|B)"
	printf 'event_id\tid\tpk\n' > share/schema/team_stats.tsv
	run sofa-dq schema
	assert_failure 2
	assert_output --partial "team_stats.tsv:1: 3 tab-separated fields, want 5"
}
