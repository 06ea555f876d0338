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
# shellcheck disable=SC2154 # output, lines, stderr and status: set by run

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

# file_run NAME PROGRAM ARGS... < INPUT: run the program (from SOFA_BIN)
# once for a whole .bats file, from setup_file: stdout, stderr and the
# exit status go to BATS_FILE_TMPDIR/NAME.{out,err,status}.
file_run() {
	local name=$1 prog=$2 st=0
	shift 2
	SOFASCORE_CONFIG=/dev/null "$SOFA_BIN/$prog" "$@" \
	    > "$BATS_FILE_TMPDIR/$name.out" 2> "$BATS_FILE_TMPDIR/$name.err" ||
	    st=$?
	echo "$st" > "$BATS_FILE_TMPDIR/$name.status"
}

# --- STYLE.md's hostile inputs, for any transform ------------------------
# Each takes the program; GEN is a generated store of a few matches whose
# ids start at 20000000 (gen_store), HDR the program's header line.

# gen_store DIR N: a generated store of N matches in DIR (once per file).
gen_store() {
	[ -d "$1" ] || "$SOFA_BUILD/t/helper/sofa-gen" -s 1 -n "$2" -o "$1" \
	    -i "$1.index"
}

hostile_empty() {
	run --separate-stderr "$1" --raw-base "$GEN" < /dev/null
	assert_success
	assert_output "$HDR"
	[ -z "$stderr" ]
}

# ids without a final newline, with CRLF, as index lines, blank lines, a
# repeat (done once)
hostile_line_ends() {
	printf '20000000\r\n\r\n{"event_id":20000001,"x":[1]}\r\n20000000\n'\
'20000002' > ids
	run --separate-stderr "$1" -j --raw-base "$GEN" < ids
	assert_success
	[ -z "$stderr" ]
	rows=$output
	run jq -s -c 'map(.event_id) | unique' <<< "$rows"
	assert_output '[20000000,20000001,20000002]'
	run jq -s 'map([.event_id, .player_id // .stat]) | (length ==
	    (unique | length))' <<< "$rows"
	assert_output true
}

# a NUL byte, invalid UTF-8, an over-long line and a malformed index line
# in the middle: each named with its line, the rest done, exit 1
hostile_bad_lines() {
	{
		printf '20000000\n'
		printf '2000\0000001\n'
		printf '\377\376\n'
		printf '%01000d\n' 1
		printf '{"event_id":\n'
		printf '{"event_id":"20000003"}\n'
		printf '20000002\n'
	} > ids
	SOFASCORE_MAX_LINE=256 run --separate-stderr "$1" -j \
	    --raw-base "$GEN" < ids
	assert_failure 1
	run jq -s -c 'map(.event_id) | unique' <<< "$output"
	assert_output '[20000000,20000002]'
	for n in 2 3 4 5 6; do
		[[ "$stderr" == *"<stdin>:$n: "* ]] || fail "line $n: $stderr"
	done
	[[ "$stderr" == *"<stdin>:4: line too long"* ]] || fail "$stderr"
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 5 ] || fail "$stderr"
}

# documents that are not what they should be: NUL byte, invalid UTF-8,
# larger than max_body; each named, the other matches done, exit 1
hostile_documents() {
	local s=$BATS_TEST_TMPDIR/store d
	cp -R "$GEN" "$s"
	d=$s/event/20000001/lineups.json
	printf '{"confirmed":true,"home":{"players":[]},\0}' > "$d"
	d=$s/event/20000002/lineups.json
	printf '{"confirmed":true,"home":{"formation":"4-4-2\377"}}' > "$d"
	SOFASCORE_MAX_BODY=12000 run --separate-stderr "$1" -j --raw-base "$s" \
	    20000000 20000001 20000002 20000003
	assert_failure 1
	[[ "$stderr" == *"$s/event/20000001/lineups.json:1: invalid JSON"* ]] ||
	    fail "NUL: $stderr"
	[[ "$stderr" == *"$s/event/20000002/lineups.json:1: invalid JSON"* ]] ||
	    fail "UTF-8: $stderr"
	# the generated lineups are larger than 12,000 bytes, events smaller
	[[ "$stderr" == *"lineups.json: larger than max_body"* ]] ||
	    fail "max_body: $stderr"
	[ -z "$output" ]
}

# a document with CRLF line ends and no final newline is still JSON
hostile_crlf_document() {
	local s=$BATS_TEST_TMPDIR/store f
	cp -R "$GEN" "$s"
	for f in "$s"/event/20000000/*.json "$s"/event/20000000.json; do
		jq . "$f" | sed 's/$/\r/' | head -c -2 > "$f.tmp"
		mv "$f.tmp" "$f"
	done
	run "$1" --raw-base "$GEN" 20000000
	assert_success
	want=$output
	run --separate-stderr "$1" --raw-base "$s" 20000000
	assert_success
	[ -z "$stderr" ]
	assert_output "$want"
	[ "${#lines[@]}" -gt 10 ]
}

hostile_dev_full() {
	run bash -c '"$1" --raw-base "$2" < "$2.index" > /dev/full' _ "$1" \
	    "$GEN"
	assert_failure 1
	assert_output --partial "write error"
}

# a reader that goes away: quiet, whether or not the parent ignores SIGPIPE
hostile_head() {
	run bash -c 'set -o pipefail; "$1" --raw-base "$2" < "$2.index" |
	    head -n 1' _ "$1" "$GEN"
	assert_output "$HDR"
	run bash -c '"$1" --raw-base "$2" < "$2.index" 2> err | head -n 1;
	    cat err' _ "$1" "$GEN"
	assert_output "$HDR"
	run bash -c 'trap "" PIPE; "$1" --raw-base "$2" < "$2.index" 2> err |
	    head -n 1; cat err' _ "$1" "$GEN"
	assert_output "$HDR"
}
