# test-lib.sh - shared set-up for the bats suite; load it from setup():
#
#	setup() { load test-lib.sh; common_setup; }
#
# It loads bats-support, bats-assert and bats-file (Debian packages), puts the
# build on PATH, and runs each test in its own empty directory with a
# hermetic configuration: no SOFASCORE_* variable leaks in from the caller,
# the root is the test's directory and no config file is read unless the
# test names one.
# shellcheck shell=bash

bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert
bats_load_library bats-file

: "${SOFA_SRCDIR:=$(cd "$BATS_TEST_DIRNAME/.." && pwd)}"
: "${SOFA_BUILD:=$SOFA_SRCDIR/build}"
: "${SOFA_SHARED:=$(cd "$SOFA_SRCDIR/.." && pwd)/shared}"
FIXTURES=$SOFA_SHARED/fixtures
export SOFA_SRCDIR SOFA_BUILD SOFA_SHARED FIXTURES

common_setup() {
	local v
	for v in $(env | sed -n 's/^\(SOFASCORE_[A-Za-z0-9_]*\)=.*/\1/p'); do
		unset "$v"
	done
	unset ENV
	export LC_ALL=C TZ=UTC
	export PATH="$SOFA_BUILD/bin:$SOFA_BUILD/t/helper:$PATH"
	export SOFASCORE_CONFIG=/dev/null
	export SOFASCORE_ROOT="$BATS_TEST_TMPDIR"
	export SOFASCORE_SHARE_DIR="$SOFA_SRCDIR/share/sofa"
	cd "$BATS_TEST_TMPDIR" || return 1
}

# sanitized: true when the suite runs under ASan/UBSan (make check-sanitize),
# where timing- and memory-sensitive tests skip themselves.
sanitized() {
	[ "${SOFA_SANITIZE:-0}" = 1 ]
}

# need_fixtures: skip when ../shared/fixtures is not beside the checkout.
need_fixtures() {
	[ -d "$FIXTURES/store" ] || skip "no $FIXTURES"
}
