# cases-lib.sh - data-driven cases for the transforms; load it from a
# .bats file after test-lib.sh:
#
#	load cases-lib.sh
#	@test "every case" { run_cases sofa-appearances "$SOFA_SRCDIR/t/cases/appearances"; }
#
# A case is a directory; a new case is new files, never new code:
#
#   event.json lineups.json incidents.json   the documents of match 7 (a
#                       missing file is an absent document)
#   args                the arguments, on one line (default: 7); the
#                       raw store comes first as --raw-base STORE
#   select              optional: a jq filter; the program then runs with
#                       -j and its NDJSON rows go through jq -c FILTER
#   out                 expected stdout (after select)
#   err                 expected stderr; @STORE@ stands for the store
#   status              expected exit status
#   about               one line: what the case is for
#
# Every expected file is written by hand from the documents and the rules
# of docs/consumption.md, never copied from the program's output.
# shellcheck shell=bash

# run_case PROGRAM CASEDIR: 0 when the case passes, else 1 with the
# differences on stdout.
run_case() {
	local prog=$1 c=$2 name store args=() st want
	name=${c##*/}
	store=$BATS_TEST_TMPDIR/$name/store
	mkdir -p "$store/event/7"
	[ -f "$c/event.json" ] && cp "$c/event.json" "$store/event/7.json"
	for d in lineups incidents; do
		[ -f "$c/$d.json" ] && cp "$c/$d.json" "$store/event/7/$d.json"
	done
	if [ -f "$c/args" ]; then
		read -r -a args < "$c/args"
	else
		args=(7)
	fi
	if [ -f "$c/select" ]; then
		"$prog" --raw-base "$store" -j "${args[@]}" \
		    > "$store/../rows" 2> "$store/../err"
		st=$?
		jq -c "$(cat "$c/select")" "$store/../rows" > "$store/../out" ||
		    { echo "$name: jq failed on the output"; return 1; }
	else
		"$prog" --raw-base "$store" "${args[@]}" \
		    > "$store/../out" 2> "$store/../err"
		st=$?
	fi
	want=$(cat "$c/status")
	if [ "$st" != "$want" ]; then
		echo "$name: status $st, want $want"
		cat "$store/../err"
		return 1
	fi
	if ! diff -u "$c/out" "$store/../out"; then
		echo "$name: stdout differs"
		return 1
	fi
	if ! sed "s|@STORE@|$store|g" "$c/err" | diff -u - "$store/../err"; then
		echo "$name: stderr differs"
		return 1
	fi
	return 0
}

# run_cases PROGRAM DIR: every case under DIR; fails naming each case that
# did not pass.
run_cases() {
	local prog=$1 dir=$2 c n=0 bad=""
	for c in "$dir"/*/; do
		c=${c%/}
		n=$((n + 1))
		run_case "$prog" "$c" || bad="$bad ${c##*/}"
	done
	[ "$n" -gt 0 ] || fail "no cases in $dir"
	[ -z "$bad" ] || fail "cases failed:$bad"
}

# file_run NAME PROGRAM ARGS... < INPUT: run the program (from the build)
# once for a whole .bats file, from setup_file: stdout, stderr and the
# exit status go to BATS_FILE_TMPDIR/NAME.{out,err,status}.
file_run() {
	local name=$1 prog=$2 st=0
	shift 2
	SOFASCORE_CONFIG=/dev/null "$SOFA_BUILD/bin/$prog" "$@" \
	    > "$BATS_FILE_TMPDIR/$name.out" 2> "$BATS_FILE_TMPDIR/$name.err" ||
	    st=$?
	echo "$st" > "$BATS_FILE_TMPDIR/$name.status"
}
