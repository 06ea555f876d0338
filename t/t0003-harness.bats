#!/usr/bin/env bats
# The harness itself: make check's prove run fails when any test fails,
# bats or cmocka, and counts every test.

setup() {
	load test-lib.sh
	common_setup
	# bats puts its own libexec first on PATH; the inner run needs the
	# real bats command, as make check has.
	clean_path=$(printf %s "$PATH" | tr : '\n' | grep -v bats-core | paste -sd:)
}

@test "a failing bats test makes the prove run fail" {
	printf '@test "good" { true; }\n@test "broken" { [ 1 -eq 2 ]; }\n' > broken.bats
	run env -i PATH="$clean_path" HOME="$HOME" prove --exec "$SOFA_SRCDIR/t/run-test" broken.bats
	assert_failure
	assert_output --partial "Failed 1/2 subtests"
	printf '@test "good" { true; }\n' > fine.bats
	run env -i PATH="$clean_path" HOME="$HOME" prove --exec "$SOFA_SRCDIR/t/run-test" fine.bats
	assert_success
	assert_output --partial "Result: PASS"
}

@test "a failing cmocka test makes the prove run fail" {
	cat > u.c <<-'EOF'
	#include <setjmp.h>
	#include <stdarg.h>
	#include <stddef.h>
	#include <stdint.h>
	#include <cmocka.h>
	static void t(void **s) { (void)s; assert_int_equal(1, 2); }
	int main(void) {
		const struct CMUnitTest tests[] = { cmocka_unit_test(t) };
		return cmocka_run_group_tests(tests, NULL, NULL);
	}
	EOF
	cc u.c -lcmocka -o u
	run prove --exec "$SOFA_SRCDIR/t/run-test" ./u
	assert_failure
	assert_output --partial "Failed 1/1 subtests"
}

@test "make check runs the whole suite through prove" {
	run make -C "$SOFA_SRCDIR" -n check
	assert_success
	assert_output --partial "prove -j"
	assert_output --partial "--exec t/run-test"
	assert_output --partial "t/t0003-harness.bats"
	assert_output --partial "t/unit/test-config"
}
