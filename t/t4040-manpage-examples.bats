#!/usr/bin/env bats
# The EXAMPLES of sofa-lineups(1) and sofa-appearances(1) are real
# pipelines: each literal block runs, as written, in a root whose raw
# store and match index are a generated store (the default layout:
# data/raw, data/index/matches.ndjson), with a file "ids" of match ids.

setup_file() {
	load test-lib.sh
	local r=$BATS_FILE_TMPDIR/root
	mkdir -p "$r/data/index"
	"$SOFA_BUILD/t/helper/sofa-gen" -s 1 -n 30 -o "$r/data/raw" \
	    -i "$r/data/index/matches.ndjson"
	jq -r .event_id "$r/data/index/matches.ndjson" > "$r/ids"
}

setup() {
	load test-lib.sh
	common_setup
	export SOFASCORE_ROOT=$BATS_FILE_TMPDIR/root
	cd "$SOFASCORE_ROOT" || return 1
}

# The literal blocks of the EXAMPLES section of a page, NUL-separated.
examples() {
	awk '/^\.Sh EXAMPLES/ { on = 1; next } /^\.Sh / { on = 0 }
	    on && /^\.Bd -literal/ { blk = 1; s = ""; next }
	    on && /^\.Ed/ { blk = 0; printf "%s%c", s, 0; next }
	    blk { s = s $0 "\n" }' "$1"
}

run_examples() {
	local page=$SOFA_SRCDIR/docs/$1.1 n=0 ex
	while IFS= read -r -d '' ex; do
		n=$((n + 1))
		run bash -o pipefail -c "$ex"
		[ "$status" -eq 0 ] || fail "$1 example $n: status $status: $ex"
		[ -n "$output" ] || [ -s lineups.csv ] || [ -s appearances.csv ] ||
		    fail "$1 example $n wrote nothing: $ex"
		[[ "$output" != *"sofa-"*": "* ]] || fail "$1 example $n: $output"
	done < <(examples "$page")
	[ "$n" -ge 3 ] || fail "$1: $n examples"
}

@test "sofa-lineups(1): every example runs" {
	rm -f lineups.csv
	run_examples sofa-lineups
	run wc -l < lineups.csv
	[ "$output" -gt 500 ]
}

@test "sofa-appearances(1): every example runs" {
	rm -f appearances.csv
	run_examples sofa-appearances
	run wc -l < appearances.csv
	[ "$output" -gt 500 ]
}
