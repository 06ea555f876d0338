#!/usr/bin/env bats
# sofa-lineups, data-driven: every directory under t/cases/lineups is a
# match's documents, the arguments, and the expected rows, stderr and exit
# status, written by hand (see t/cases-lib.sh): the wide table, --stats,
# --missing, the format drift, and each contract break named with its file
# and key.

setup() {
	load test-lib.sh
	common_setup
	load cases-lib.sh
}

@test "every case under t/cases/lineups" {
	run_cases sofa-lineups "$SOFA_SRCDIR/t/cases/lineups"
}
