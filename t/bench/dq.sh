#!/bin/sh
# dq.sh - sofa-dq over generated tables of many seasons (make bench).
#
# Generates consistent tables (the test schemas of t/dq/schema): MATCHES
# matches (default 40000, about ten seasons of five leagues), 28
# appearances each, their teams and players, and times the table rules of
# sofa-dq that read appearances against two scripts doing the same checks
# (field count, unique event and player, event in matches, team and player
# ids known, minutes in range and near the reported ones): awk with
# associative arrays, and the distribution's python3 with its csv module.
# Prints seconds, rows per second and peak RSS of each, the ratios, and
# sofa-dq's peak RSS at a tenth of the size, to show what grows with rows
# (64-bit key hashes) and what does not.
set -eu

matches=${MATCHES:-40000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
src=$(cd "$(dirname "$0")/../.." && pwd)

gen() {	# gen DIR MATCHES
	mkdir -p "$1"
	awk -v n="$2" -v d="$1" 'BEGIN {
		m = d "/matches.csv"; a = d "/appearances.csv"
		t = d "/teams.csv"; p = d "/players.csv"
		print "event_id,start_utc,home_team_id,away_team_id," \
		    "status_code,status_type,awarded,home_score,away_score," \
		    "home_current,away_current,home_period1,away_period1," \
		    "home_period2,away_period2,home_normaltime," \
		    "away_normaltime,home_overtime,away_overtime," \
		    "home_penalties,away_penalties" > m
		print "event_id,team_id,opponent_id,player_id,minutes," \
		    "minutes_reported,rating" > a
		print "team_id,name" > t
		print "player_id,name,event_id" > p
		for (k = 1; k <= 200; k++) print k ",Team " k > t
		for (k = 1; k <= 200 * 30; k++)
			print k ",Player " k ",10000001" > p
		for (e = 10000001; e < 10000001 + n; e++) {
			h = e % 200 + 1; w = (e + 7) % 200 + 1
			print e ",2024-08-16T19:00:00Z," h "," w \
			    ",100,finished,false,2,1,2,1,1,0,1,1,2,1,,,," > m
			for (s = 0; s < 2; s++) {
				tm = s ? w : h; op = s ? h : w
				for (k = 1; k <= 14; k++) {
					mi = k <= 11 ? 90 : 20
					print e "," tm "," op "," \
					    (tm - 1) * 30 + k "," mi "," \
					    mi + (k % 3) ",6." k % 10 > a
				}
			}
		}
	}'
	for f in lineups incidents team_stats; do
		grep -v '^#' "$src/t/dq/schema/$f.tsv" | cut -f1 |
		    paste -sd, - > "$1/$f.csv"
	done
}

mkdir -p "$tmp/share"
cp -R "$src/t/dq/schema" "$tmp/share/schema"
ln -s "$src/share/sofa/dq" "$tmp/share/dq"
export SOFASCORE_CONFIG=/dev/null SOFASCORE_ROOT="$tmp" \
    SOFASCORE_SHARE_DIR="$tmp/share"
RULES="schema keys.appearances_unique keys.event_in_matches \
keys.team_in_teams keys.player_in_players consistency.minutes_range \
consistency.minutes_reported"

cat > "$tmp/check.awk" <<'AWK'
FNR == 1 { f++; next }
f == 1 { ev[$1] = 1; next }
f == 2 { tm[$1] = 1; next }
f == 3 { pl[$1] = 1; next }
{
	if (NF != 7) bad++
	if (($1 SUBSEP $4) in seen) bad++; else seen[$1, $4] = 1
	if (!($1 in ev)) bad++
	if (!($2 in tm) || !($3 in tm)) bad++
	if (!($4 in pl)) bad++
	if ($5 < 0 || $5 > 130 || $6 < 0 || $6 > 130) bad++
	d = $5 - $6; if (d > 3 || d < -3) warn++
	rows++
}
END { print rows " rows, " bad + 0 " offences, " warn + 0 " warnings" }
AWK
cat > "$tmp/check.py" <<'PY'
import csv, sys
d = sys.argv[1]
def col(t, c):
    with open(f"{d}/{t}.csv", newline="") as fp:
        return {r[c] for r in csv.DictReader(fp)}
ev, tm, pl = col("matches", "event_id"), col("teams", "team_id"), \
    col("players", "player_id")
seen, bad, warn, rows = set(), 0, 0, 0
with open(f"{d}/appearances.csv", newline="") as fp:
    r = csv.reader(fp)
    next(r)
    for f in r:
        rows += 1
        if len(f) != 7: bad += 1; continue
        k = (int(f[0]), int(f[3]))
        if k in seen: bad += 1
        seen.add(k)
        bad += f[0] not in ev
        bad += f[1] not in tm or f[2] not in tm
        bad += f[3] not in pl
        m, rep = int(f[4]), int(f[5])
        bad += not (0 <= m <= 130 and 0 <= rep <= 130)
        warn += abs(m - rep) > 3
print(f"{rows} rows, {bad} offences, {warn} warnings")
PY

measure() {	# measure NAME COMMAND...: "NAME SECONDS RSS_KB"
	name=$1
	shift
	/usr/bin/time -f '%e %M' -o "$tmp/time" "$@" > "$tmp/out" 2>&1 ||
		[ $? -eq 3 ] || { cat "$tmp/out"; exit 1; }
	echo "$name $(cat "$tmp/time")"
}

gen "$tmp/small" $((matches / 10))
gen "$tmp/big" "$matches"
rows=$(($(wc -l < "$tmp/big/appearances.csv") - 1))
# shellcheck disable=SC2086
small=$(measure sofa-dq sofa-dq --tables "$tmp/small" $RULES)
# shellcheck disable=SC2086
dq=$(measure sofa-dq sofa-dq --tables "$tmp/big" $RULES)
tail -n 1 "$tmp/out"
ak=$(measure awk awk -F, -f "$tmp/check.awk" "$tmp/big/matches.csv" \
    "$tmp/big/teams.csv" "$tmp/big/players.csv" "$tmp/big/appearances.csv")
cat "$tmp/out"
py=$(measure python3 /usr/bin/python3 "$tmp/check.py" "$tmp/big")
cat "$tmp/out"

echo "appearances: $rows rows ($matches matches); sofa-dq also checks every"
echo "type and key of every table, which the scripts do not"
printf '%-8s %8s %12s %10s\n' program seconds rows/s "peak KB"
# shellcheck disable=SC2086 # the fields of each result, split on purpose
for l in "$dq" "$ak" "$py"; do
	set -- $l
	printf '%-8s %8s %12.0f %10s\n' "$1" "$2" \
	    "$(echo "$rows / ($2 + 0.001)" | bc -l)" "$3"
done
# shellcheck disable=SC2086
set -- $dq
t_dq=$2 m_dq=$3
# shellcheck disable=SC2086
set -- $ak
printf 'awk / sofa-dq time: %.1fx\n' "$(echo "$2 / $t_dq" | bc -l)"
# shellcheck disable=SC2086
set -- $py
printf 'python3 / sofa-dq time: %.1fx\n' "$(echo "$2 / $t_dq" | bc -l)"
# shellcheck disable=SC2086
set -- $small
printf 'sofa-dq peak RSS: %s KB at %d rows, %s KB at %d rows (%.2fx for 10x rows)\n' \
    "$3" $((rows / 10)) "$m_dq" "$rows" "$(echo "$m_dq / $3" | bc -l)"
