#!/bin/sh
# demo.sh - the whole pipeline on a generated store, offline (make demo).
#
#	sh share/sofa/demo.sh DIR
#
# Generates a synthetic raw store of a league season and a cup (sofa-gen,
# t/helper), serves it as the API on loopback with sofa-replay, writes a
# configuration whose root is DIR and whose api_base is the replay, and
# runs sofa-pipeline against it: discovery, fetch, build, dq, publish and
# the ledger, all under DIR (never the user's data/).  Ends with a summary
# (matches, rows per table, the DQ result) and where to look next.  Needs
# the programs on PATH (make demo puts build/bin and build/t/helper
# there) and nothing beyond loopback.
set -u

dir=${1:?usage: demo.sh DIR}
share=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd) || exit 2
t0=$(date +%s)

say() {
	printf 'demo: %s\n' "$*"
}

rm -rf -- "$dir"
mkdir -p -- "$dir" || exit 1
dir=$(CDPATH='' cd -- "$dir" && pwd) || exit 1

say "generating a raw store: a league season and a cup (sofa-gen)"
sofa-gen -s 2026 -n 411 -o "$dir/upstream" || exit 1

pid=''
cleanup() {
	if [ -n "$pid" ]; then
		kill -TERM "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
sofa-replay -q -o "$dir/api_base" "$dir/upstream" &
pid=$!
i=0
while [ ! -s "$dir/api_base" ]; do
	kill -0 "$pid" 2>/dev/null || { say "sofa-replay did not start"; exit 1; }
	i=$((i + 1))
	[ $i -lt 200 ] || { say "sofa-replay did not start"; exit 1; }
	sleep 0.05
done
api=$(cat "$dir/api_base")
say "serving it as the API at $api (sofa-replay, nginx on loopback)"

cat > "$dir/sofa.ini" <<EOF
; The demo's configuration (share/sofa/demo.sh): everything under this
; directory, the API a local replay of a generated store.
[sofa]
root = .
env = demo
api_base = $api
share_dir = $share
fsync = false
[http]
concurrency = 8
rate = 0
retries = 1
[competition demo-league]
tournament = 9917
seasons = all
[competition demo-cup]
tournament = 9918
seasons = all
EOF

SOFASCORE_CONFIG=$dir/sofa.ini
export SOFASCORE_CONFIG
say "running the pipeline: discover, fetch, build, dq, publish"
sofa-pipeline > "$dir/pipeline.out" 2> "$dir/pipeline.log"
st=$?
cleanup
pid=''
if [ $st -ne 0 ]; then
	say "the pipeline failed (exit $st); its log:"
	sed 's/^/  /' "$dir/pipeline.log"
	exit $st
fi

eval "$(sofa-config --shell)"
J=$SOFASCORE_INDEX_DIR/latest_successful_run.json
echo
say "done in $(($(date +%s) - t0)) s"
jq -r '"  run        \(.run_id) (\(.env)), \(.matches) matches",
    "  dq         passed: \(.dq_fail // 0) FAIL, \(.dq_warn // 0) WARN",
    "  tables     \(.processed_dir)",
    (.tables | to_entries[] |
	"    \(.key + " " * (16 - (.key | length))) \(.value.rows) rows")' "$J"
cat <<EOF

Where to look next:
  $SOFASCORE_PROCESSED_DIR/*.csv     the published tables (docs/consumption.md)
  $J
  SOFASCORE_CONFIG=$dir/sofa.ini build/bin/sofa-runs     the run ledger
  $dir/pipeline.log     what each step did
  man ./docs/sofa-pipeline.1, docs/ops.md     running it from cron
EOF
