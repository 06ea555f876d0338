#!/bin/sh
# pipeline.sh - the incremental build against the full one (make bench).
#
# Generates a store of N matches (default 10,000; BENCH_MATCHES), builds
# every table from it with share/sofa/pipeline.mk (in derived_dir, as
# sofa-pipeline runs it), then measures side by side: the full build; a second make with nothing new; and the build
# after one new match arrives (its raw files and its index line), which
# must rebuild that match's per-match file only (checked here) and take
# under 5% of the full build's time; and, for another new match, the part
# of it that is make's own (make -n: the id lists, the parse, a stat of
# every per-match and raw file).  Wall-clock and CPU seconds (user +
# system of make and everything it ran) are both printed: the machine's
# load moves the first, not the second.  Needs sofa-gen (build/t/helper)
# and the table programs on PATH, as make bench gives them.
set -eu

n=${BENCH_MATCHES:-10000}
jobs=${BENCH_JOBS:-$(getconf _NPROCESSORS_ONLN)}
src=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sofa-bench-pipeline.XXXXXX")
trap 'rm -rf -- "$tmp"' EXIT

for v in $(env | sed -n 's/^\(SOFASCORE_[A-Z_]*\)=.*/\1/p'); do
	unset "$v"
done
export SOFASCORE_CONFIG=/dev/null SOFASCORE_ROOT="$tmp" \
    SOFASCORE_SHARE_DIR="$src/share/sofa" SOFASCORE_FSYNC=false
eval "$(sofa-config --shell)"
mk=$src/share/sofa/pipeline.mk
# As sofa-pipeline runs it: in derived_dir.
mkdir -p "$SOFASCORE_DERIVED_DIR"
build() {
	make -C "$SOFASCORE_DERIVED_DIR" --no-print-directory -f "$mk" \
	    -j "$jobs" JOBS="$jobs" "$@"
}

# cpu: the user + system seconds of this shell's finished children
# (times, its second line: "0m1.25s 0m0.40s"; run in this shell, not in
# a subshell, whose children would be others).
cpu() {
	times > "$tmp/times.out"
	awk 'NR == 2 {
		t = 0
		for (i = 1; i <= 2; i++) {
			split($i, a, "m"); sub(/s$/, "", a[2]); t += a[1] * 60 + a[2]
		}
		print t }' "$tmp/times.out" > "$tmp/cpu"
	read -r _cpu < "$tmp/cpu"
}

# measure LABEL CMD...: run CMD; LABEL, wall and CPU seconds into times.
measure() {
	_label=$1
	shift
	cpu
	_c0=$_cpu
	_w0=$(date +%s.%N)
	"$@" > "$tmp/out" 2>&1 || { cat "$tmp/out" >&2; exit 1; }
	_w1=$(date +%s.%N)
	cpu
	_c1=$_cpu
	echo "$_label $_w0 $_w1 $_c0 $_c1" |
		awk '{ print $1, $3 - $2, $5 - $4 }' >> "$tmp/times"
}

t0=$(date +%s)
echo "generating $n matches (sofa-gen) ..."
mkdir -p "$SOFASCORE_INDEX_DIR"
sofa-gen -s 1 -n "$n" -o "$SOFASCORE_RAW_BASE" -i "$SOFASCORE_INDEX_PATH"
du -sh "$SOFASCORE_RAW_BASE" | sed 's/^/raw store: /'
: > "$tmp/times"

measure full build
measure nothing build
grep -q "Nothing to be done" "$tmp/out" || { cat "$tmp/out"; exit 1; }

# arrive ID: one new match, its documents landing by rename as sofa-fetch
# writes them, and its index line.
arrive() {
	rm -rf "$tmp/one"
	sofa-gen -s 1 -n 1 --first-id "$1" -o "$tmp/one" -i "$tmp/one.ndjson"
	(cd "$tmp/one/event" && find . -name '*.json') | while read -r f; do
		mkdir -p "$(dirname "$SOFASCORE_RAW_BASE/event/$f")"
		cp "$tmp/one/event/$f" "$SOFASCORE_RAW_BASE/event/$f.tmp"
		mv "$SOFASCORE_RAW_BASE/event/$f.tmp" "$SOFASCORE_RAW_BASE/event/$f"
	done
	cat "$tmp/one.ndjson" >> "$SOFASCORE_INDEX_PATH"
}

# Where the time of one new match goes: make's own part (the id lists,
# reading them, a stat of every per-match file and raw file: make -n),
# then the whole build.
new=$((20000000 + n + 1))
arrive "$new"
measure parse build -n
measure one2 build

# One new match, the one checked.
new=$((20000000 + n))
touch "$tmp/mark"
sleep 1
arrive "$new"
measure one build
rebuilt=$(find "$SOFASCORE_DERIVED_DIR/frag" -type f -newer "$tmp/mark" | wc -l)
if ! grep -q "frags    1 ($new)" "$tmp/out" || [ "$rebuilt" -ne 1 ]; then
	echo "expected only match $new's per-match file rebuilt, got $rebuilt:" >&2
	cat "$tmp/out" >&2
	exit 1
fi

echo
du -sh "$SOFASCORE_DERIVED_DIR/tables" | sed 's/^/tables: /'
awk -v n="$n" '
	{ w[$1] = $2; c[$1] = $3 }
	END {
		printf "%-34s %9s %9s\n", "build of " n " matches", "wall s", "cpu s"
		printf "%-34s %9.2f %9.2f\n", "full build", w["full"], c["full"]
		printf "%-34s %9.2f %9.2f\n", "nothing new (second make)", w["nothing"], c["nothing"]
		printf "%-34s %9.2f %9.2f\n", "one new match", w["one"], c["one"]
		printf "%-34s %9.2f %9.2f\n", "another new match", w["one2"], c["one2"]
		printf "%-34s %9.2f %9.2f\n", "  of which make -n (ids, stat)", w["parse"], c["parse"]
		printf "%-34s %8.1f%% %8.1f%%   (goal: under 5%%)\n",
		    "one new match / full build", 100 * w["one"] / w["full"],
		    100 * c["one"] / c["full"]
		printf "%-34s %8.1f%% %8.1f%%   (make\47s own work)\n",
		    "nothing new / full build", 100 * w["nothing"] / w["full"],
		    100 * c["nothing"] / c["full"]
	}' "$tmp/times"
echo "only match $new's per-match file was rebuilt (1 of $((n + 2)))"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); bench: $(($(date +%s) - t0)) s"
