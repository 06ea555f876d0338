#!/bin/sh
# discover.sh - sofa-discover merge over a big match index (make bench).
#
# Generates an index of LINES match lines (default 100000, some 260
# seasons of a 380-match league) and a run's worth of new observations: a
# tenth of the lines changed (a new score and changed_utc) and a tenth new
# matches.  Times sofa-discover merge of those into a copy of the index
# (read, settle, newest observation wins, sorted, written atomically with
# fsync) against jq doing the naive version of the same in one slurp
# (group by id, the last one wins, sort; no rule about changed_utc, no
# kept context, no atomic replace), then the merge of the same lines
# again (nothing changed: the file is not rewritten).  Prints seconds,
# lines per second and peak RSS of each, and the ratios.
set -eu

lines=${LINES:-100000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
export SOFASCORE_CONFIG=/dev/null SOFASCORE_ROOT="$tmp" SOFA_NOW=1767225600

gen() {	# gen FIRST COUNT AWAY_SCORE CHANGED_DAY
	awk -v f="$1" -v n="$2" -v a="$3" -v d="$4" 'BEGIN {
		for (i = f; i < f + n; i++)
			printf "{\"event_id\":%d,\"tournament_id\":17," \
			    "\"tournament\":\"Premier League\",\"season_id\":%d," \
			    "\"season\":\"15/16\",\"round\":%d,\"round_name\":null," \
			    "\"round_slug\":null,\"start_utc\":\"20%02d-%02d-%02d" \
			    "T15:00:00Z\",\"status_code\":100,\"status_type\":" \
			    "\"finished\",\"status_description\":\"Ended\"," \
			    "\"home_team_id\":%d,\"home_team\":\"Home %d\"," \
			    "\"away_team_id\":%d,\"away_team\":\"Away %d\"," \
			    "\"home_score\":%d,\"away_score\":%d," \
			    "\"home_penalties\":null,\"away_penalties\":null," \
			    "\"winner_code\":1,\"slug\":\"home-away\"," \
			    "\"custom_id\":\"abC\",\"changed_utc\":" \
			    "\"2025-01-%02dT00:00:00Z\",\"discovered_utc\":" \
			    "\"2025-01-%02dT00:00:00Z\"}\n",
			    i, 10000 + int(i / 380), i % 38 + 1,
			    int(i / 380) % 90 + 10, i % 12 + 1, i % 28 + 1,
			    i % 20 + 1, i % 20 + 1, (i + 7) % 20 + 1,
			    (i + 7) % 20 + 1, i % 5, a, d, d
	}'
}

measure() {	# measure NAME COMMAND...: "NAME SECONDS RSS_KB"
	name=$1
	shift
	/usr/bin/time -f '%e %M' -o "$tmp/time" "$@" > "$tmp/out" 2>&1 ||
		{ cat "$tmp/out"; exit 1; }
	echo "$name $(cat "$tmp/time")"
}

gen 1000000 "$lines" 0 1 > "$tmp/old"
{
	gen 1000000 $((lines / 10)) 1 2
	gen $((1000000 + lines)) $((lines / 10)) 0 2
} > "$tmp/new"
sofa-discover --index "$tmp/index" merge "$tmp/old"
cp "$tmp/index" "$tmp/base"
n=$(($(wc -l < "$tmp/new") + lines))

sd=$(measure sofa-discover sofa-discover --index "$tmp/index" merge "$tmp/new")
[ "$(wc -l < "$tmp/index")" -eq $((lines + lines / 10)) ] ||
	{ echo "discover.sh: the merged index has the wrong size" >&2; exit 1; }
again=$(measure again sofa-discover --index "$tmp/index" merge "$tmp/new")
# shellcheck disable=SC2016 # $1.. are the inner shell's
jqr=$(measure jq sh -c 'jq -c -s "group_by(.event_id) | map(last) |
    sort_by(.start_utc, .event_id) | .[]" "$1" "$2" > "$3"' sh \
    "$tmp/base" "$tmp/new" "$tmp/jq.out")
[ "$(wc -l < "$tmp/jq.out")" -eq $((lines + lines / 10)) ] ||
	{ echo "discover.sh: jq's index has the wrong size" >&2; exit 1; }

echo "index: $lines lines; merged: $((lines / 5)) new observations" \
    "($((lines / 10)) changed, $((lines / 10)) new); $n lines read"
printf '%-14s %8s %12s %10s\n' program seconds lines/s "peak KB"
# shellcheck disable=SC2086 # the fields of each result, split on purpose
for l in "$sd" "$again" "$jqr"; do
	set -- $l
	printf '%-14s %8s %12.0f %10s\n' "$1" "$2" \
	    "$(echo "$n / ($2 + 0.001)" | bc -l)" "$3"
done
# shellcheck disable=SC2086
set -- $sd
t_sd=$2 m_sd=$3
# shellcheck disable=SC2086
set -- $jqr
printf 'jq / sofa-discover time: %.1fx, peak RSS: %.1fx\n' \
    "$(echo "$2 / ($t_sd + 0.001)" | bc -l)" \
    "$(echo "$3 / $m_sd" | bc -l)"
