#!/usr/bin/env bats
# What every program promises (STYLE.md, issue 2): --help on stdout with
# exit 0, --version, a bad option exits 2 with the usage line, and a
# failed write to stdout is "write error" with exit 1.  The list is every
# program the build made, so a new program is checked without a new test.

setup() {
	load test-lib.sh
	common_setup
}

programs() {
	for p in "$SOFA_BUILD"/bin/sofa-*; do
		[ -x "$p" ] && basename "$p"
	done
}

@test "the build made programs" {
	run programs
	assert_line sofa-config
}

@test "--help: usage on stdout, exit 0" {
	for p in $(programs); do
		run "$p" --help
		[ "$status" -eq 0 ] || fail "$p --help: status $status"
		[[ "${lines[0]}" == "usage: $p"* ]] || fail "$p --help: ${lines[0]}"
	done
}

@test "--version: name and version, exit 0" {
	want=$(sed -n 's/^VERSION *= *//p' "$SOFA_SRCDIR/config.mk")
	for p in $(programs); do
		run "$p" --version
		[ "$status" -eq 0 ] || fail "$p --version: status $status"
		[ "$output" = "$p $want" ] || fail "$p --version: $output"
	done
}

@test "a bad option exits 2 with the usage line on stderr" {
	for p in $(programs); do
		run --separate-stderr "$p" --no-such-option
		[ "$status" -eq 2 ] || fail "$p: status $status"
		[ -z "$output" ] || fail "$p: wrote to stdout: $output"
		[[ "$stderr" == *"usage: $p"* ]] || fail "$p: stderr: $stderr"
	done
}

@test ">/dev/full: 'write error' and exit 1" {
	for p in $(programs); do
		run "$p" --help
		run bash -c '"$1" --help > /dev/full' _ "$p"
		[ "$status" -eq 1 ] || fail "$p --help >/dev/full: status $status"
		[[ "$output" == *"write error"* ]] || fail "$p: $output"
	done
}
