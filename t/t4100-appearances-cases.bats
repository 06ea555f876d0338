#!/usr/bin/env bats
# sofa-appearances, data-driven: every directory under t/cases/appearances
# is a match (event, lineups, incidents), the arguments, and the expected
# rows, stderr and exit status, written by hand from the rules of
# docs/consumption.md (see t/cases-lib.sh).  The minutes rules, goals and
# cards, and the contract breaks each have a case of their own.

setup() {
	load test-lib.sh
	common_setup
	load cases-lib.sh
}

@test "every case under t/cases/appearances" {
	run_cases sofa-appearances "$SOFA_SRCDIR/t/cases/appearances"
}
