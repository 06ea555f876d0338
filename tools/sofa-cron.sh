#!/bin/sh
# sofa-cron - the cron entry point: one pipeline run, locked, timed, logged.
#
# Reads the configuration (sofa-config --shell), moves to its root, takes
# lock_path without waiting (flock(1): a second run exits 5 at once; the
# lock dies with the process that held it, so a crashed run never blocks
# the next), and runs sofa-pipeline under timeout(1) with pipeline_timeout
# seconds, its whole output in a new file of log_dir (the oldest pruned to
# logs_keep).  On success it writes index_dir/last_successful_run.txt (the
# heartbeat); on failure it appends a line to index_dir/
# pipeline_failures.log (time, run id, exit status, failed step, log
# file), says so on standard error (cron mails it), and, when webhook_url
# is set, POSTs a small JSON alert with curl; the alert can never change
# the exit status, which is the pipeline's.
# The helpers are called from traps:
# shellcheck disable=SC2317
set -u

sofa_prog=${0##*/}
here=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd) || exit 2
PATH=$here:$PATH
export PATH
# (Also beside the file a link names: make check-valgrind's bin/ links.)
real=$(readlink -f -- "$0" 2>/dev/null) && real=$(dirname -- "$real") ||
	real=$here
for sofa_lib in "$here/../share/sofa/lib.sh" "$here/../../share/sofa/lib.sh" \
    "$real/../share/sofa/lib.sh" "$real/../../share/sofa/lib.sh" \
    '@SHAREDIR@/lib.sh'; do
	[ -f "$sofa_lib" ] && break
done
# shellcheck source=share/sofa/lib.sh
. "$sofa_lib" || exit 2
sofa_version_text='@VERSION@'
sofa_usage_text='usage: sofa-cron [--config FILE] [-- PIPELINE-OPTION ...]'
sofa_help_text="Run sofa-pipeline once from cron: lock, time limit, log, alert, heartbeat.

      --config FILE    read FILE instead of the usual config
  -h, --help           this help
      --version        print the version

Options after -- go to sofa-pipeline (for example --from build).
Exit status: the pipeline's; 5 when another run holds the lock,
124 when pipeline_timeout stopped it."

config=''
while [ $# -gt 0 ]; do
	case $1 in
	-h | --help) sofa_usage 0 ;;
	--version) sofa_version ;;
	--config) sofa_needarg "$1" $#; config=$2; shift 2 ;;
	--config=*) config=${1#*=}; shift ;;
	--) shift; break ;;
	-?*) sofa_badopt "$1" ;;
	*) sofa_usage 2 ;;
	esac
done

sofa_config "$config"

# The children must find the same file after the cd below.
case ${SOFASCORE_CONFIG:-/} in
/*) ;;
*) SOFASCORE_CONFIG=$(pwd)/$SOFASCORE_CONFIG; export SOFASCORE_CONFIG ;;
esac
sofa_mkdirs "$SOFASCORE_ROOT" "$SOFASCORE_LOG_DIR" "$SOFASCORE_INDEX_DIR" \
    "$(dirname -- "$SOFASCORE_LOCK_PATH")" || exit 1
cd "$SOFASCORE_ROOT" || sofa_die 1 "$SOFASCORE_ROOT: cannot enter"

# The lock: held on descriptor 9 by this process and, through
# inheritance, by the pipeline and its children; released by the kernel
# when the last of them exits, however it exits.
command exec 9>> "$SOFASCORE_LOCK_PATH" ||
	sofa_die 1 "$SOFASCORE_LOCK_PATH: cannot open the lock"
if ! flock -n 9; then
	sofa_warn "another run holds $SOFASCORE_LOCK_PATH; not starting (exit 5)"
	exit 5
fi

stamp=$(sofa_stamp)
log=$SOFASCORE_LOG_DIR/sofa-$stamp-$$.log
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sofa-cron.XXXXXX") ||
	sofa_die 1 "cannot create a temporary directory"
child=''
cleanup() {
	rm -rf -- "$tmp"
}
on_signal() {
	trap - INT TERM HUP
	# timeout(1) passes the signal on to the pipeline.
	[ -z "$child" ] || kill "-$1" "$child" 2>/dev/null
}
trap cleanup EXIT
trap 'on_signal INT' INT
trap 'on_signal TERM' TERM
trap 'on_signal HUP' HUP

# logline MESSAGE: a line in the run's log, as sofa-cron said it.
logline() {
	printf '%s %s: %s\n' "$(sofa_utc)" "$sofa_prog" "$*" >> "$log"
}

# prune: keep the newest logs_keep run logs (names sort by time).
prune() {
	n=$(find "$SOFASCORE_LOG_DIR" -maxdepth 1 -type f -name 'sofa-*.log' |
	    wc -l)
	[ "$n" -gt "$SOFASCORE_LOGS_KEEP" ] || return 0
	find "$SOFASCORE_LOG_DIR" -maxdepth 1 -type f -name 'sofa-*.log' |
	    sort | head -n $((n - SOFASCORE_LOGS_KEEP)) |
	    while IFS= read -r old; do
		rm -f -- "$old"
	done
}

# alert RUN_ID STATUS STEP: POST the failure to webhook_url.  The URL may
# hold a token: it goes to curl in a private file, not on the command
# line, and only masked into the log.
alert() {
	url=$SOFASCORE_WEBHOOK_URL
	masked=$(sofa_mask_url "$url")
	host=$(uname -n)
	jq -nc --arg run "$1" --arg st "$2" --arg step "$3" \
	    --arg env "$SOFASCORE_ENV" --arg host "$host" --arg log "$log" \
	    --arg time "$(sofa_utc)" '{
		text: ("sofa \($env) on \($host): run \($run) failed" +
		    (if $step != "" then " in \($step)" else "" end) +
		    " (exit \($st)); log \($log)"),
		event: "sofa.pipeline.failed", run_id: $run,
		exit_code: ($st | tonumber), failed_step: $step, env: $env,
		host: $host, time: $time, log: $log }' > "$tmp/alert.json"
	(umask 077 && printf 'url = "%s"\n' "$(printf '%s' "$url" |
	    sed 's/[\\"]/\\&/g')" > "$tmp/curl.conf")
	if curl -sS --max-time 20 --retry 2 --fail -K "$tmp/curl.conf" \
	    -H 'Content-Type: application/json' \
	    --data-binary "@$tmp/alert.json" -o /dev/null 2> "$tmp/curl.err"
	then
		logline "alert sent to $masked"
	else
		# (The URL reaches awk through the environment: never in ps.)
		logline "alert to $masked failed: $(SOFA_U=$url SOFA_M=$masked \
		    awk '{ u = ENVIRON["SOFA_U"]; m = ENVIRON["SOFA_M"]
			while ((i = index($0, u)) > 0)
				$0 = substr($0, 1, i - 1) m substr($0, i + length(u))
			printf "%s ", $0 }' "$tmp/curl.err")"
	fi
}

logline "run starts: pipeline_timeout $SOFASCORE_PIPELINE_TIMEOUT s, log $log"
SOFA_LOCK_FD=9 SOFA_RUN_LOG=$log \
    timeout -k 60 "$SOFASCORE_PIPELINE_TIMEOUT" \
    sofa-pipeline --run-id-file "$tmp/run_id" "$@" >> "$log" 2>&1 &
child=$!
while :; do
	wait "$child"
	st=$?
	# A trapped signal ends wait early: wait again for the pipeline.
	kill -0 "$child" 2>/dev/null || break
done
child=''
run_id=$(cat "$tmp/run_id" 2>/dev/null || true)
prune

if [ "$st" -eq 0 ]; then
	logline "run ${run_id:-?} succeeded"
	printf '%s %s %s\n' "$(sofa_utc)" "${run_id:--}" "$log" |
		sofa_atomic_write "$SOFASCORE_INDEX_DIR/last_successful_run.txt" ||
		sofa_die 1 "$SOFASCORE_INDEX_DIR/last_successful_run.txt: cannot write"
	exit 0
fi

step=''
if [ -n "$run_id" ]; then
	step=$(sofa-runs -j "$run_id" 2>/dev/null | jq -r '.failed_step // ""')
fi
[ "$st" -ne 124 ] || logline "stopped after pipeline_timeout ($SOFASCORE_PIPELINE_TIMEOUT s)"
logline "run ${run_id:-?} failed (exit $st${step:+, step $step})"
sofa_append "$SOFASCORE_INDEX_DIR/pipeline_failures.log" \
    "$(printf '%s\t%s\t%s\t%s\t%s' "$(sofa_utc)" "${run_id:--}" "$st" \
    "${step:--}" "$log")" ||
	sofa_warn "$SOFASCORE_INDEX_DIR/pipeline_failures.log: cannot append"
sofa_warn "run ${run_id:-?} failed (exit $st${step:+, step $step}); log: $log"
if [ -n "$SOFASCORE_WEBHOOK_URL" ]; then
	alert "${run_id:--}" "$st" "$step"
fi
exit "$st"
