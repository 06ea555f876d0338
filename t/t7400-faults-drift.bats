#!/usr/bin/env bats
# Schema drift into the transforms: for every required key of the API
# contract (share/sofa/contract.tsv) of the documents they read (event,
# lineups, incidents, statistics), the key missing, renamed, null, and of
# another type (a string for a number, a number for a string, a string
# for an object, an object for an array); and unknown keys added
# everywhere.  Each drift is a match of its own in one store, so that
# each program runs once over all of them.  Every program must survive
# (exit 0 or 1, never a signal, never a usage error), name the key (with
# its file) when it refuses a document, and go on with the other matches;
# unknown keys change nothing.
# shellcheck disable=SC2154 # output, stderr, status: set by run

setup() {
	load test-lib.sh
	common_setup
	need_fixtures
	load faults-lib.sh
	S=$FIXTURES/store/event
	PROGS='sofa-matches|sofa-lineups|sofa-lineups --stats|sofa-lineups --missing|sofa-appearances|sofa-incidents|sofa-teamstats|sofa-teams|sofa-players'
}

teardown_file() {
	load faults-lib.sh
	faults_report
}

# base DIR ID: the documents of one match in store DIR under id ID: the
# recorded event, lineups and incidents of 11080977 and the statistics
# of 10408426, the event's id set to ID
base() {
	mkdir -p "$1/event/$2"
	jq -c --argjson id "$2" '.event.id = $id' "$S/11080977.json" \
	    >"$1/event/$2.json"
	cp "$S/11080977/lineups.json" "$S/11080977/incidents.json" \
	    "$1/event/$2/"
	cp "$S/10408426/statistics.json" "$1/event/$2/"
}

# The drift generator: jq over one document, $keys the contract's keys
# for it (a.b[].c); for each key and mode, the first concrete path to the
# key in the document and the document drifted: "MODE<tab>PATH<tab>JSON".
# shellcheck disable=SC2016 # jq's own variables
DRIFT='
def pat: if . == "." then [] else split(".") | map(
    if endswith("[]") then (.[:-2], "[]") else . end) end;
def fits($p): . as $q | ($q | length) == ($p | length) and
    ([range(0; $p | length) | select($p[.] == "[]" and
      ($q[.] | type) != "number" or $p[.] != "[]" and $p[.] != $q[.])]
     | length) == 0;
def other($v): $v | if type == "number" then "12"
    elif type == "string" then 12 elif type == "object" then "x"
    elif type == "array" then {} elif type == "boolean" then "true"
    else 0 end;
def name: map(if type == "number" then "[\(.)]" else ".\(.)" end)
    | join("") | ltrimstr(".");
. as $doc
| $keys | split("\n")[] | select(. != "") | pat as $p
| ([$doc | paths | select(fits($p))] | first // (if $p == [] then [] else null end)) as $at
| select($at != null)
| ("missing", "renamed", "null", "retyped") as $mode
| select($at != [] or $mode == "null" or $mode == "retyped")
| ($doc | if $mode == "missing" then delpaths([$at])
  elif $mode == "null" then setpath($at; null)
  elif $mode == "retyped" then setpath($at; other(getpath($at)))
  else getpath($at) as $v | delpaths([$at])
      | setpath($at[:-1] + [($at[-1] | tostring) + "_renamed"]; $v) end)
| "\($mode)\t\($at | name)\t\(tojson)"'

# keys ENDPOINT: the contract's required keys of ENDPOINT
keys() {
	awk -F'\t' -v e="$1" '!/^#/ && $1 == e && $5 == "required" { print $3 }' \
	    "$SOFA_SRCDIR/share/sofa/contract.tsv"
}

@test "missing, renamed, null and retyped keys: named with their file, never a crash, the other matches go on" {
	# the documents, read once; X (999999999) stands for the match id
	jq -c '.event.id = 999999999' "$S/11080977.json" >ev.json
	EV=$(<ev.json)
	LI=$(<"$S/11080977/lineups.json")
	IN=$(<"$S/11080977/incidents.json")
	ST=$(<"$S/10408426/statistics.json")
	for ep in event lineups incidents statistics; do
		case $ep in
		event) src=ev.json ;;
		statistics) src=$S/10408426/statistics.json ;;
		*) src=$S/11080977/$ep.json ;;
		esac
		jq -r --arg keys "$(keys $ep)" "$DRIFT" "$src" |
		    sed "s/^/$ep\t/" || fail "jq: $ep"
	done >drifts.in
	n=$(wc -l <drifts.in)
	first=900000 last=$((900001 + n))
	(cd store 2>/dev/null || mkdir -p store; cd store && mkdir -p event &&
	    cd event && mkdir $(seq $first $last)) || fail "mkdir"
	id=$first
	: >drifts
	write() {	# write ID [ENDPOINT DOC]: the documents of match ID
		local e=${EV//999999999/$1} l=$LI i=$IN s=$ST d=store/event/$1
		case ${2:-} in
		event) e=${3//999999999/$1} ;;
		lineups) l=$3 ;;
		incidents) i=$3 ;;
		statistics) s=$3 ;;
		esac
		printf '%s\n' "$e" >"$d.json"
		printf '%s\n' "$l" >"$d/lineups.json"
		printf '%s\n' "$i" >"$d/incidents.json"
		printf '%s\n' "$s" >"$d/statistics.json"
	}
	write $first
	while IFS=$'\t' read -r ep mode at doc; do
		id=$((id + 1))
		write $id "$ep" "$doc"
		case $ep in
		event) f=$PWD/store/event/$id.json ;;
		*) f=$PWD/store/event/$id/$ep.json ;;
		esac
		printf '%s\t%s\t%s\t%s\n' "$id" "$f" "$mode" "$at" >>drifts
	done <drifts.in
	write $last
	fault "$n"
	echo "# $n drifted documents" >&3
	[ "$n" -ge 150 ] || fail "only $n drifts"
	seq $first $last >ids
	IFS='|' read -r -a progs <<<"$PROGS"
	for p in "${progs[@]}"; do
		st=0
		# shellcheck disable=SC2086
		$p -j -q --raw-base store <ids >out 2>err || st=$?
		[ "$st" -le 1 ] || fail "$p: exit $st: $(tail -n 3 err)"
		! grep -q -i 'sanitizer\|runtime error' err || fail "$p: $(cat err)"
		# the clean matches at both ends: the run went on to the end
		# (teams and players: a row per team or player, seen first in
		# the first match)
		a=$(grep -c "\"event_id\":${first}[,}]" out) || :
		b=$(grep -c "\"event_id\":${last}[,}]" out) || :
		case $p in
		sofa-teams | sofa-players) [ -s out ] || fail "$p: no rows" ;;
		*) [ "$a" -gt 0 ] && assert_equal "$b" "$a" ;;
		esac
		# every message about a drifted file names the key (or the
		# object that lacks it)
		awk -F'\t' 'NR == FNR { key[$2] = $4; mode[$2] = $3; next }
		    {
			for (f in key) {
				i = index($0, f ": ")
				if (i == 0) continue
				k = key[f]
				# or its object, for "a player with an id"
				up = k
				sub(/(\.[^.[]*|\[[0-9]+\])$/, "", up)
				if (k != "" && index($0, k) == 0 &&
				    (up == k || up == "" ||
				    index($0, f ": " up ": ") == 0)) {
					print mode[f] " " key[f] ": " $0
					bad = 1
				}
			}
		    } END { exit bad }' drifts err >unnamed ||
		    fail "$p: a key not named: $(head -n 5 unnamed)"
		echo "# $p: exit $st, $(grep -c . err) messages" >&3
	done
}

@test "unknown keys added to every object of every document change no row" {
	base store 900001
	mkdir -p drift/event/900001
	for f in 900001.json 900001/lineups.json 900001/incidents.json \
	    900001/statistics.json; do
		jq -c 'walk(if type == "object" then . + {"zzUnknown": {"a": [1, "x", null]}, "zzNew": "1"} else . end)' \
		    "store/event/$f" >"drift/event/$f"
	done
	fault 4
	IFS='|' read -r -a progs <<<"$PROGS"
	for p in "${progs[@]}"; do
		# shellcheck disable=SC2086
		$p --raw-base store 900001 >want 2>want.err || :
		# shellcheck disable=SC2086
		run --separate-stderr $p --raw-base drift 900001
		[ "$status" -le 1 ] || fail "$p: exit $status"
		[ -s want ] || fail "$p: no rows to compare"
		assert_equal "$output" "$(cat want)"
	done
}
