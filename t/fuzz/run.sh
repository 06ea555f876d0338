#!/bin/sh
# run.sh - run each libFuzzer harness for a bounded time (make fuzz).
#
#	sh t/fuzz/run.sh BUILD_DIR SECONDS HARNESS...
#
# FUZZ_JOBS=N runs N harnesses at a time (make fuzz FUZZ_JOBS=2 on 2 cores).
# Each harness starts from t/fuzz/seeds/NAME, t/fuzz/regress/NAME and, where
# it fits, inputs derived at run time from ../shared/fixtures (derived into
# the build directory, never committed).  A crash is copied into
# t/fuzz/regress/NAME/ as found-* (rename it to say what it is) so that,
# once fixed, it is replayed by make check.
# The executions and time of each run are appended to BUILD_DIR/report.txt,
# which docs/security.md quotes.
set -eu

build=$1
secs=$2
shift 2
top=$(pwd)
fixtures=${SOFA_SHARED:-$top/../shared}/fixtures
report=${FUZZ_REPORT:-$build/report.txt}
: > "$report"

jobs=${FUZZ_JOBS:-1}
case $jobs in ''|*[!0-9]*) echo "run.sh: FUZZ_JOBS: not a number: $jobs" >&2; exit 2 ;; esac
if [ "$jobs" -gt 1 ] && [ $# -gt 1 ]; then
	# harness k goes to job k mod N; each job writes its own report
	j=0 pids=
	while [ $j -lt "$jobs" ]; do
		k=0 list=
		for h; do
			[ $((k % jobs)) -eq $j ] && list="$list $h"
			k=$((k + 1))
		done
		# shellcheck disable=SC2086
		[ -n "$list" ] && { FUZZ_JOBS=1 FUZZ_REPORT=$report.$j \
		    sh "$0" "$build" "$secs" $list & pids="$pids $!"; }
		j=$((j + 1))
	done
	status=0
	for p in $pids; do wait "$p" || status=1; done
	cat "$report".* > "$report" 2>/dev/null
	rm -f "$report".*
	cat "$report"
	exit $status
fi

seed_from_fixtures() {
	name=$1 dir=$2
	[ -d "$fixtures/store" ] || return 0
	case $name in
	fuzz-ndjson)
		find "$fixtures/store" -name '*.json' | head -n 60 |
		while read -r f; do
			jq -c . "$f" > "$dir/fx-$(echo "$f" | md5sum | cut -c1-12)" \
			    2>/dev/null || true
		done ;;
	fuzz-ids)
		find "$fixtures/store/event" -maxdepth 1 -name '*.json' |
		    sed 's|.*/||; s|\.json$||' > "$dir/fx-ids" ;;
	fuzz-matches|fuzz-teams|fuzz-players|fuzz-incidents|fuzz-teamstats)
		# one document per match: its event, lineups, incidents and
		# statistics merged, the event's id made 1 (tbfuzz.h)
		for m in "$fixtures"/store/event/*/; do
			m=${m%/}
			set -- "$m.json" "$m"/lineups.json "$m"/incidents.json \
			    "$m"/statistics.json
			for f; do shift; [ -f "$f" ] && set -- "$@" "$f"; done
			[ $# -gt 0 ] || continue
			jq -sc 'map(select(type == "object")) | add // {} |
			    if (.event | type) == "object"
			    then .event.id = 1 else . end' "$@" \
			    > "$dir/fx-${m##*/}" 2>/dev/null || true
		done ;;
	fuzz-discover)
		# the event lists: rounds, pages and the daily lists
		{ find "$fixtures/store/unique-tournament" -path '*/events/*' \
		    -name '*.json' | head -n 40
		  find "$fixtures/other/scheduled-events" \
		    "$fixtures/other/events-list" -name '*.json' | head -n 20
		} 2>/dev/null |
		while read -r f; do
			cp -f "$f" "$dir/fx-$(echo "$f" | md5sum | cut -c1-12)"
		done ;;
	fuzz-contract)
		# the API path on the first line, the body after it
		find "$fixtures/store" -name '*.json' | head -n 80 |
		while read -r f; do
			p=${f#"$fixtures/store/"}
			{ printf '%s\n' "${p%.json}"; jq -c . "$f"; } \
			    > "$dir/fx-$(echo "$f" | md5sum | cut -c1-12)" \
			    2>/dev/null || true
		done ;;
	esac
}

status=0
for h; do
	name=$(basename "$h")
	corpus=$build/corpus/$name
	crashes=$build/crashes/$name
	mkdir -p "$corpus" "$crashes" "t/fuzz/regress/$name"
	for d in "t/fuzz/seeds/$name" "t/fuzz/regress/$name"; do
		if [ -d "$d" ]; then
			cp -f "$d"/* "$corpus"/ 2>/dev/null || true
		fi
	done
	seed_from_fixtures "$name" "$corpus"
	[ "$name" = fuzz-config ] && cp -f etc/sofa.ini "$corpus/etc-sofa.ini"
	echo "== $name: ${secs}s" >&2
	log=$build/$name.log
	if "$h" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -close_fd_mask=2 \
	    -artifact_prefix="$crashes/" -print_final_stats=1 "$corpus" \
	    > "$log" 2>&1; then
		result=ok
	else
		result=CRASH
		status=1
		# renamed: .gitignore ignores libFuzzer's crash-*, leak-*
		for f in "$crashes"/*; do
			[ -f "$f" ] &&
			    cp -f "$f" "t/fuzz/regress/$name/found-${f##*/}"
		done
	fi
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	t=$(sed -n 's/^stat::.*//; s/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\2/p' "$log")
	printf '%s\t%s\truns=%s\tseconds=%s\tcorpus=%s\n' "$name" "$result" \
	    "${runs:-?}" "${t:-$secs}" "$(find "$corpus" -type f | wc -l)" |
	    tee -a "$report"
done
exit $status
