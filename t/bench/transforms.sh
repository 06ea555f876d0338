#!/bin/sh
# transforms.sh - sofa-lineups and sofa-appearances against jq and python3.
#
#	make bench		(or: sh t/bench/transforms.sh, build on PATH)
#
# Generates a store of SOFA_BENCH_MATCHES (default 5,000) matches with
# t/helper/sofa-gen, then times, side by side in this run and on one core
# (taskset -c 0), over the same matches and the same raw-store files:
#   - sofa-lineups and sofa-appearances (CSV, no header);
#   - the same tables from an equivalent jq program (t/bench/lineups.jq,
#     t/bench/appearances.jq) fed the same documents;
#   - the same tables from an equivalent script for the distribution's
#     /usr/bin/python3 with json and csv (t/bench/transforms.py);
#   - parse-only (t/helper/parse-only): the same documents read and parsed
#     by yyjson through the same driver, nothing extracted or written: the
#     limit to approach.
# It checks that the three outputs agree row for row (parsed as CSV), and
# prints the best of SOFA_BENCH_RUNS (default 3) runs of each, in CPU
# seconds (user + system, the number that a loaded machine disturbs least)
# and wall seconds, and the ratios.  Goals: at least 10 times faster than
# jq and 4 times faster than python3.  Not a test: it never fails on speed,
# only when an output disagrees or a command fails.

set -eu

N=${SOFA_BENCH_MATCHES:-5000}
RUNS=${SOFA_BENCH_RUNS:-3}
PY=/usr/bin/python3
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sofa-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
export SOFASCORE_CONFIG=/dev/null LC_ALL=C

for c in sofa-gen sofa-lineups sofa-appearances parse-only jq; do
	command -v "$c" > /dev/null || {
		echo "transforms.sh: $c not on PATH (run it through make bench)" >&2
		exit 2
	}
done
[ -x "$PY" ] || { echo "transforms.sh: no $PY" >&2; exit 2; }
one=
if command -v taskset > /dev/null; then
	one="taskset -c 0"
fi

echo "generating $N matches ..."
sofa-gen -s 1 -n "$N" -o "$tmp/store" -i "$tmp/index"
S=$tmp/store

# The matches each table can be made of, and the documents, in order, that
# jq reads for them.
jq -r .event_id "$tmp/index" | while read -r id; do
	[ -f "$S/event/$id/lineups.json" ] || continue
	echo "$id" >> "$tmp/ids.lineups"
	printf '%s\n%s\n' "$S/event/$id.json" "$S/event/$id/lineups.json" \
	    >> "$tmp/docs.lineups"
	[ -f "$S/event/$id/incidents.json" ] || continue
	echo "$id" >> "$tmp/ids.appearances"
	printf '%s\n%s\n%s\n' "$S/event/$id.json" \
	    "$S/event/$id/lineups.json" "$S/event/$id/incidents.json" \
	    >> "$tmp/docs.appearances"
done

# best NAME CMD: run the shell command CMD RUNS times on one core, its
# stdout into $tmp/NAME.csv; prints "CPU WALL", the best of each.
best() {
	name=$1
	cmd=$2
	i=0
	: > "$tmp/$name.times"
	while [ "$i" -lt "$RUNS" ]; do
		# shellcheck disable=SC2086
		/usr/bin/time -o "$tmp/t" -f '%U %S %e' $one sh -c "$cmd" \
		    > "$tmp/$name.csv" || {
			echo "transforms.sh: $name failed: $cmd" >&2
			exit 1
		}
		awk '{ printf "%.3f %.3f\n", $1 + $2, $3 }' "$tmp/t" \
		    >> "$tmp/$name.times"
		i=$((i + 1))
	done
	cpu=$(sort -n "$tmp/$name.times" | head -n 1 | cut -d' ' -f1)
	wall=$(sort -n -k2 "$tmp/$name.times" | head -n 1 | cut -d' ' -f2)
	echo "$cpu $wall"
}

# agree TABLE: the three outputs, parsed as CSV, are the same rows
agree() {
	"$PY" - "$tmp/sofa-$1.csv" "$tmp/jq-$1.csv" "$tmp/py-$1.csv" <<'EOF'
import csv, sys
rows = [list(csv.reader(open(f, newline=""))) for f in sys.argv[1:]]
for name, r in zip(("jq", "python3"), rows[1:]):
    if r != rows[0]:
        for i, (a, b) in enumerate(zip(rows[0], r)):
            if a != b:
                print("row %d: sofa %s\n%s %s" % (i + 1, a, name, b))
                break
        else:
            print("sofa %d rows, %s %d rows" % (len(rows[0]), name, len(r)))
        sys.exit(1)
print("%d rows, the same from sofa, jq and python3" % len(rows[0]))
EOF
}

ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf("%.1fx", (b > 0 ? a / b : 0)) }'
}

echo "timing, best of $RUNS runs, ${one:-all cores}"
for t in lineups appearances; do
	case $t in
	lineups) eps="event lineups" ;;
	appearances) eps="event lineups incidents" ;;
	esac
	ids=$tmp/ids.$t
	best "sofa-$t" "sofa-$t -H -q --raw-base '$S' < '$ids'" > "$tmp/r"
	read -r c_cpu c_wall < "$tmp/r"
	best "jq-$t" "xargs cat < '$tmp/docs.$t' |
	    jq -n -r -f '$here/$t.jq'" > "$tmp/r"
	read -r j_cpu j_wall < "$tmp/r"
	best "py-$t" "'$PY' '$here/transforms.py' $t '$S' < '$ids'" > "$tmp/r"
	read -r p_cpu p_wall < "$tmp/r"
	best "parse-$t" "parse-only --raw-base '$S' $eps < '$ids'" > "$tmp/r"
	read -r l_cpu l_wall < "$tmp/r"
	echo "== $t: $(wc -l < "$ids") matches"
	agree "$t" || { echo "transforms.sh: $t outputs disagree" >&2; exit 1; }
	printf '%-22s %9s %9s\n' "" "CPU s" "wall s"
	printf '%-22s %9s %9s\n' "sofa-$t" "$c_cpu" "$c_wall"
	printf '%-22s %9s %9s\n' "jq" "$j_cpu" "$j_wall"
	printf '%-22s %9s %9s\n' "python3" "$p_cpu" "$p_wall"
	printf '%-22s %9s %9s\n' "parse-only (yyjson)" "$l_cpu" "$l_wall"
	printf 'jq / sofa-%s:       %8s (goal 10x)\n' "$t" \
	    "$(ratio "$j_cpu" "$c_cpu")"
	printf 'python3 / sofa-%s:  %8s (goal 4x)\n' "$t" \
	    "$(ratio "$p_cpu" "$c_cpu")"
	printf 'sofa-%s / parse-only: %6s (the limit: 1x)\n' "$t" \
	    "$(ratio "$c_cpu" "$l_cpu")"
done
