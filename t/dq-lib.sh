# dq-lib.sh - set-up shared by the sofa-dq tests (t/t5*-dq-*.bats); load it
# after test-lib.sh:
#
#	setup() { load test-lib.sh; load dq-lib.sh; dq_setup; }
#
# dq_setup lays, in the test's directory (the root), a consistent data set
# that passes every rule: the hand-written tables of t/dq/good/ in
# data/processed, checked against the test schemas of t/dq/schema/ (a
# share_dir whose dq/ is the real one), the index, raw store, fetch log and
# run ledger of t/dq/, the tables written at 06:05 and the clock pinned at
# 12:00 the same day (SOFA_NOW).
# shellcheck shell=bash

DQ=$SOFA_SRCDIR/t/dq
DQ_NOW=1723896000	# 2024-08-17T12:00:00Z
DQ_BUILT=1723874700	# 2024-08-17T06:05:00Z, when the tables were written

dq_setup() {
	common_setup
	mkdir -p share data/index
	cp -R "$DQ/schema" share/schema
	ln -sfn "$SOFA_SRCDIR/share/sofa/dq" share/dq
	export SOFASCORE_SHARE_DIR="$BATS_TEST_TMPDIR/share"
	cp -R "$DQ/good" data/processed
	cp -R "$DQ/store" data/raw
	cp "$DQ/index.ndjson" data/index/matches.ndjson
	cp "$DQ/fetch_log.ndjson" "$DQ/latest_successful_run.json" data/index/
	touch -d "@$DQ_BUILT" data/processed/*.csv
	export SOFA_NOW=$DQ_NOW
}

# dq_bad RULE: put the violating tables of t/dq/bad/RULE/ in place.
dq_bad() {
	local f
	for f in "$DQ/bad/$1"/*.csv; do
		cp "$f" data/processed/
	done
	touch -d "@$DQ_BUILT" data/processed/*.csv
}

# dq_json RULE: run sofa-dq -j on RULE alone into out.ndjson, status in
# $dq_status; the object of RULE into rule.json.
dq_json() {
	dq_status=0
	sofa-dq -j "$1" > out.ndjson 2> err.txt || dq_status=$?
	jq -c --arg r "$1" 'select(.rule == $r)' out.ndjson > rule.json
}

# dq_field FILTER: jq -r FILTER over rule.json.
dq_field() {
	jq -r "$1" rule.json
}

# dq_check RULE STATUS COUNT EXIT [ID ...]: sofa-dq -j RULE exits EXIT and
# reports STATUS with COUNT offences whose example ids are ID ... in order.
dq_check() {
	local rule=$1 st=$2 n=$3 ex=$4 ids
	shift 4
	dq_json "$rule"
	[ "$dq_status" -eq "$ex" ] ||
		fail "$rule: exit $dq_status, want $ex: $(cat err.txt)"
	[ "$(dq_field .status)" = "$st" ] ||
		fail "$rule: status $(dq_field .status), want $st"
	[ "$(dq_field .count)" = "$n" ] ||
		fail "$rule: count $(dq_field .count), want $n"
	ids=$(dq_field '[.examples[].id] | join(" ")')
	[ "$ids" = "$*" ] || fail "$rule: examples '$ids', want '$*'"
}

# dq_pass RULE: RULE passes (count 0, exit 0) on what is in place.
dq_pass() {
	dq_check "$1" PASS 0 0
}

# dq_where N: "FILE:LINE" of example N (0-based) without the directory.
dq_where() {
	dq_field ".examples[$1].where" | sed 's|.*/||'
}

# dq_detail N: the detail of example N.
dq_detail() {
	dq_field ".examples[$1].detail"
}
