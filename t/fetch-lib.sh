# fetch-lib.sh - set-up shared by the sofa-fetch tests (t/t2*-fetch-*.bats):
#
#	setup() { load fetch-lib.sh; fetch_setup; }
#	teardown() { fetch_teardown; }
#
# fetch_setup is common_setup (test-lib.sh) plus the recorded fixtures and
# fakesofa, which every fetch test needs, and a fast, quiet HTTP policy:
# no rate limit, short backoff (tests that time backoff set their own).
# shellcheck shell=bash

# shellcheck source=t/test-lib.sh
. "$BATS_TEST_DIRNAME/test-lib.sh"

fetch_setup() {
	common_setup
	need_fixtures
	declare -F fakesofa_start >/dev/null || skip "needs t/helper/fakesofa"
	export SOFASCORE_RATE=0 SOFASCORE_BACKOFF_BASE=0.05
}

fetch_teardown() {
	! declare -F fakesofa_stop >/dev/null || fakesofa_stop
}

# serve STORE [SCENARIO] [OPTION...]: fakesofa, and sofa's api_base on it
serve() {
	fakesofa_start "$@" || return 1
	export SOFASCORE_API_BASE=$FAKESOFA_URL
}

# genstore DST N [FIRST]: N matches made of recorded bodies (t/bench/genstore)
genstore() {
	"$SOFA_SRCDIR/t/bench/genstore" "$FIXTURES/store" "$@"
}

# holds EXPR: an awk arithmetic condition is true ("$gap >= 2")
holds() {
	awk "BEGIN { exit !($1) }"
}
