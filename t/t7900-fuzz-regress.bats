#!/usr/bin/env bats
# The fuzz harnesses' seeds and regression corpus replayed through the
# ordinary build (make fuzz runs the real fuzzing, with clang).

setup() {
	load test-lib.sh
	common_setup
}

@test "every fuzz harness replays its seeds and regression inputs" {
	n=0
	for h in "$SOFA_BUILD"/t/fuzz/fuzz-*; do
		case $h in *.o|*.d) continue ;; esac
		name=$(basename "$h")
		set -- "$SOFA_SRCDIR/t/fuzz/seeds/$name"
		[ -d "$SOFA_SRCDIR/t/fuzz/regress/$name" ] &&
			set -- "$@" "$SOFA_SRCDIR/t/fuzz/regress/$name"
		run "$h" "$@"
		[ "$status" -eq 0 ] || fail "$name: status $status: $output"
		n=$((n + 1))
	done
	[ "$n" -ge 4 ] || fail "only $n harnesses built"
}

@test "the replay driver runs the harness on every file it is given" {
	printf '1\n2\n' > a
	printf 'x\n' > b
	run "$SOFA_BUILD/t/fuzz/fuzz-ids" a b
	assert_success
	assert_line "replayed 2 inputs"
}
