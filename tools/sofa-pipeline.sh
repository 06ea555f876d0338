#!/bin/sh
# sofa-pipeline - discover, fetch, build, check and publish: one run.
#
# Reads the configuration (sofa-config --shell: every path comes from it)
# and runs the steps in order, each a function over that configuration:
# discover (sofa-discover merges the configured competitions' matches into
# the index), fetch (sofa-fetch brings the raw store up to date), build
# (make -f share/sofa/pipeline.mk: only what is stale), dq (sofa-dq on the
# candidate tables) and publish (each table renamed into processed_dir,
# only when dq did not FAIL; then a snapshot of hard links).  Every run is
# a row of the ledger, index_dir/pipeline_runs.csv (sofa-runs), written at
# the start and completed at the end; a success replaces
# index_dir/latest_successful_run.json.  --from and --only re-run part of
# it, --dry-run shows what each step would do, and --smoke checks a
# deployment end to end.  One run at a time: it takes lock_path (or uses
# the lock sofa-cron holds).
# The steps are called by name ("step_$cur") and the handlers from traps:
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
STEPS='discover fetch build dq publish'
sofa_usage_text='usage: sofa-pipeline [-n] [-j N] [--from STEP | --only STEP] [-C COMPETITION ...]
           [--config FILE] [--run-id-file FILE]
       sofa-pipeline --smoke [--config FILE] [EVENT_ID]'
sofa_help_text="Run the pipeline: discover, fetch, build, dq, publish.

  -n, --dry-run        show what each step would do, change nothing
  -j, --jobs N         build with N jobs (default: the CPUs)
      --from STEP      start at STEP and go on to publish
      --only STEP      run STEP alone
  -C, --competition C  a config [competition] name, or
                       TOURNAMENT[:SEASON[,SEASON...]]; repeatable
      --run-id-file F  write the run id to F once the run starts
      --smoke          check a deployment: config, directories,
                       API contract, a one-match pipeline
      --config FILE    read FILE instead of the usual config
  -h, --help           this help
      --version        print the version

STEP: one of $STEPS"

dry=false jobs='' from='' only='' comps='' config='' idfile='' smoke=false
while [ $# -gt 0 ]; do
	case $1 in
	-h | --help) sofa_usage 0 ;;
	--version) sofa_version ;;
	-n | --dry-run) dry=true; shift ;;
	-j | --jobs) sofa_needarg "$1" $#; jobs=$2; shift 2 ;;
	--jobs=*) jobs=${1#*=}; shift ;;
	-j?*) jobs=${1#-j}; shift ;;
	--from) sofa_needarg "$1" $#; from=$2; shift 2 ;;
	--from=*) from=${1#*=}; shift ;;
	--only) sofa_needarg "$1" $#; only=$2; shift 2 ;;
	--only=*) only=${1#*=}; shift ;;
	-C | --competition) sofa_needarg "$1" $#; comps="$comps
$2"; shift 2 ;;
	--competition=*) comps="$comps
${1#*=}"; shift ;;
	-C?*) comps="$comps
${1#-C}"; shift ;;
	--run-id-file) sofa_needarg "$1" $#; idfile=$2; shift 2 ;;
	--run-id-file=*) idfile=${1#*=}; shift ;;
	--smoke) smoke=true; shift ;;
	--config) sofa_needarg "$1" $#; config=$2; shift 2 ;;
	--config=*) config=${1#*=}; shift ;;
	--) shift; break ;;
	-?*) sofa_badopt "$1" ;;
	*) break ;;
	esac
done
if $smoke; then
	[ $# -le 1 ] || sofa_usage 2
	{ $dry || [ -n "$jobs$from$only$comps$idfile" ]; } && sofa_usage 2
else
	[ $# -eq 0 ] || sofa_usage 2
fi
[ -z "$from" ] || [ -z "$only" ] || sofa_usage 2
for s in $from $only; do
	case " $STEPS " in
	*" $s "*) ;;
	*) sofa_die 2 "$s: not a step ($STEPS)" ;;
	esac
done

sofa_config "$config"

if [ -n "$jobs" ]; then
	if ! sofa_is_uint "$jobs" || [ "$jobs" -lt 1 ]; then
		sofa_die 2 "-j $jobs: not a number of jobs"
	fi
else
	jobs=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)
fi

# The steps to run, in order.
if [ -n "$only" ]; then
	run_steps=$only
elif [ -n "$from" ]; then
	run_steps=${STEPS#*"$from"}
	run_steps="$from$run_steps"
else
	run_steps=$STEPS
fi

# --- helpers ------------------------------------------------------------------

tmp=''
run_id=''
cur=''
done_steps=''
child=''

# note MESSAGE: a progress line on stderr.
note() {
	printf '%s: %s\n' "$sofa_prog" "$*" >&2
}

# runchild CMD...: run CMD in the background and wait for it, so that a
# signal reaches the trap at once (which stops the child).  Returns its
# status.  (A background command's standard input would be /dev/null:
# it gets the caller's through descriptor 8.)
runchild() {
	{ "$@" <&8 8<&- & } 8<&0
	child=$!
	wait "$child"
	_st=$?
	child=''
	return "$_st"
}

# ledger_set KEY=VALUE...: fields of this run's ledger row.
ledger_set() {
	[ -n "$run_id" ] || return 0
	sofa-runs set "$run_id" "$@" ||
		sofa_warn "the ledger could not be updated (run $run_id)"
}

# The competitions of -C, as "TOURNAMENT SEASON..." lines.
comp_lines() {
	printf '%s\n' "$comps" | while IFS= read -r c; do
		[ -n "$c" ] || continue
		case $c in
		[0-9]*)
			ut=${c%%:*}
			case $c in
			*:*) seasons=$(printf '%s' "${c#*:}" | tr ',' ' ') ;;
			*) seasons='' ;;
			esac
			sofa_is_uint "$ut" ||
				sofa_die 2 "-C $c: not TOURNAMENT[:SEASON,...]"
			printf '%s %s\n' "$ut" "$seasons" ;;
		*)
			line=$(sofa-config --competitions |
			    jq -r --arg n "$c" 'select(.name == $n) |
				"\(.tournament) \(.seasons | gsub(","; " "))"')
			[ -n "$line" ] ||
				sofa_die 2 "-C $c: no [competition $c] in the configuration"
			printf '%s\n' "$line" ;;
		esac
	done
}

# The matches to fetch: the whole index, or the -C competitions' part.
selection() {
	if [ ! -s "$SOFASCORE_INDEX_PATH" ]; then
		: > "$tmp/selection.ndjson"
		return
	fi
	if [ -z "$(printf '%s' "$comps" | tr -d '\n')" ]; then
		cp -- "$SOFASCORE_INDEX_PATH" "$tmp/selection.ndjson"
		return
	fi
	comp_lines > "$tmp/comps" || return 2
	uts=$(awk '{ printf "%s%s", (NR > 1 ? "," : ""), $1 }' "$tmp/comps")
	jq -c --argjson uts "[$uts]" \
	    'select(.tournament_id as $t | $uts | index($t))' \
	    "$SOFASCORE_INDEX_PATH" > "$tmp/selection.ndjson"
}

# --- the steps ----------------------------------------------------------------

step_discover() {
	if [ -z "$(printf '%s' "$comps" | tr -d '\n')" ]; then
		if [ -z "$(sofa-config --competitions)" ]; then
			note "discover: no [competition] in the configuration: nothing to discover"
			return 0
		fi
		if $dry; then
			note "discover: would run: sofa-discover -m matches"
			return 0
		fi
		runchild sofa-discover -m matches
		return
	fi
	comp_lines > "$tmp/comps" || return 2
	: > "$tmp/discovered.ndjson"
	# Like sofa-discover -m: what could be listed is merged even when a
	# competition failed (1) or the upstream refused (4, which stops the
	# listing at once); the worst status is the step's.
	worst=0
	while read -r ut seasons; do
		# shellcheck disable=SC2086
		if $dry; then
			note "discover: would run: sofa-discover matches $ut $seasons, then merge"
			continue
		fi
		# shellcheck disable=SC2086
		runchild sofa-discover matches "$ut" $seasons \
		    >> "$tmp/discovered.ndjson"
		st=$?
		[ "$st" -le "$worst" ] || worst=$st
		[ "$st" -eq 0 ] || [ "$st" -eq 1 ] || break
	done < "$tmp/comps"
	$dry && return 0
	runchild sofa-discover merge "$tmp/discovered.ndjson" || return
	return "$worst"
}

step_fetch() {
	selection || return 1
	n=$(awk 'END { print NR }' "$tmp/selection.ndjson")
	if $dry; then
		note "fetch: $n matches; what sofa-fetch would request:"
		sofa-fetch --dry-run < "$tmp/selection.ndjson" >&2
		return
	fi
	note "fetch: $n matches"
	runchild sofa-fetch -q < "$tmp/selection.ndjson" > "$tmp/fetch.ndjson"
	st=$?
	# Outcome counts for the ledger, whatever the status.
	jq -r '.outcome // empty' "$tmp/fetch.ndjson" > "$tmp/outcomes" 2>/dev/null
	set --
	for o in ok not_modified absent skipped blocked throttled failed invalid
	do
		c=$(grep -cx "$o" "$tmp/outcomes")
		set -- "$@" "fetch_$o=$c"
	done
	ledger_set "$@"
	note "fetch: $(printf '%s ' "$@" | sed 's/fetch_//g')"
	case $st in
	0) return 0 ;;
	1)	# Some requests failed, the breaker did not open: what did
		# arrive is built; the counts are in the ledger and sofa-dq's
		# coverage rule judges what is missing.
		sofa_warn "fetch: some requests failed (see above); going on"
		return 0 ;;
	*) return "$st" ;;
	esac
}

step_build() {
	# make runs in derived_dir (-C), where it names the per-match files
	# relative to it: shorter names, quicker to look up 10,000 times.
	mk=$(CDPATH='' cd -- "$SOFASCORE_SHARE_DIR" && pwd)/pipeline.mk ||
		return 1
	set -- -f "$mk" -j "$jobs" JOBS="$jobs" \
	    SOFASCORE_SHARE_DIR="${mk%/pipeline.mk}"
	if $dry; then
		note "build: what make would do:"
		make -n "$@" >&2
		return
	fi
	mkdir -p -- "$SOFASCORE_DERIVED_DIR" || return 1
	set -- -C "$SOFASCORE_DERIVED_DIR" --no-print-directory "$@"
	note "build: make -f $mk -j $jobs"
	# Its own make, not a sub-make of one that runs us (make demo).
	runchild env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make "$@" >&2 ||
		return 1
	n=$(awk 'END { print NR }' "$SOFASCORE_DERIVED_DIR/ids.txt" 2>/dev/null)
	ledger_set "matches=${n:-0}"
}

# The candidate tables, made by the build step.
candidates() {
	find "$SOFASCORE_DERIVED_DIR/tables" -maxdepth 1 -type f -name '*.csv' \
	    2>/dev/null | sort
}

step_dq() {
	T=$SOFASCORE_DERIVED_DIR/tables
	if $dry; then
		note "dq: would check the candidate tables in $T"
		return 0
	fi
	if [ -z "$(candidates)" ]; then
		sofa_warn "dq: no candidate tables in $T (run the build step)"
		return 1
	fi
	rm -f -- "$T/.dq-pass"
	note "dq: sofa-dq on $T"
	runchild env SOFASCORE_PROCESSED_DIR="$T" sofa-dq -j > "$tmp/dq.ndjson"
	st=$?
	warn=$(jq -s '[.[] | select(.status == "WARN")] | length' \
	    "$tmp/dq.ndjson" 2>/dev/null)
	fail=$(jq -s '[.[] | select(.status == "FAIL")] | length' \
	    "$tmp/dq.ndjson" 2>/dev/null)
	ledger_set "dq_warn=${warn:-}" "dq_fail=${fail:-}"
	jq -r 'select(.status != "PASS") |
	    "  \(.status) \(.rule): \(.count) \(.description // "")"' \
	    "$tmp/dq.ndjson" >&2 2>/dev/null
	case $st in
	0)
		note "dq: passed (${warn:-0} WARN)"
		: > "$T/.dq-pass" || return 1 ;;
	3) sofa_warn "dq: ${fail:-?} FAIL: nothing is published; the previous tables stay" ;;
	esac
	return "$st"
}

step_publish() {
	T=$SOFASCORE_DERIVED_DIR/tables
	P=$SOFASCORE_PROCESSED_DIR
	if $dry; then
		note "publish: would publish the tables that sofa-dq passes to $P"
		return 0
	fi
	list=$(candidates)
	if [ -z "$list" ]; then
		sofa_warn "publish: no candidate tables in $T"
		return 1
	fi
	# Only tables that sofa-dq passed, unchanged since.
	if [ ! -f "$T/.dq-pass" ]; then
		sofa_warn "publish: sofa-dq has not passed the tables in $T (run the dq step)"
		return 1
	fi
	newer=$(find "$T" -maxdepth 1 -type f -name '*.csv' -newer "$T/.dq-pass")
	if [ -n "$newer" ]; then
		sofa_warn "publish: changed since sofa-dq passed them (run the dq step): $(printf "%s " "$newer" | tr "\n" " ")"
		return 1
	fi
	sofa_mkdirs "$P" || return 1
	# Each table: a hard link (no copy) under a temporary name, then a
	# rename over the published one: atomic per table.
	# shellcheck disable=SC2086
	sofa_fsync $list || return 1
	for f in $list; do
		t=${f##*/}
		# Already published (the same file, unchanged since)?
		if [ "$(stat -c %d:%i -- "$f")" = \
		    "$(stat -c %d:%i -- "$P/$t" 2>/dev/null)" ]; then
			continue
		fi
		new=$P/.$t.$run_id
		ln -f -- "$f" "$new" 2>/dev/null || cp -- "$f" "$new" || return 1
		mv -f -- "$new" "$P/$t" || { rm -f -- "$new"; return 1; }
	done
	sofa_fsync "$P"
	note "publish: $(echo "$list" | wc -l) tables in $P"
	snapshot
}

# snapshot: snapshot_dir/<UTC time>/ with hard links of the published
# tables; keep the newest snapshots_keep.
snapshot() {
	S=$SOFASCORE_SNAPSHOT_DIR
	keep=$SOFASCORE_SNAPSHOTS_KEEP
	if [ "$keep" -gt 0 ]; then
		sofa_mkdirs "$S" || return 1
		name=$(sofa_stamp)
		k=1
		while [ -e "$S/$name" ]; do
			k=$((k + 1))
			name=$(sofa_stamp)-$k
		done
		rm -rf -- "$S/.$name.tmp"
		mkdir -- "$S/.$name.tmp" || return 1
		for f in "$SOFASCORE_PROCESSED_DIR"/*.csv; do
			[ -f "$f" ] || continue
			ln -- "$f" "$S/.$name.tmp/" 2>/dev/null ||
				cp -- "$f" "$S/.$name.tmp/" || return 1
		done
		mv -- "$S/.$name.tmp" "$S/$name" || return 1
		ledger_set "snapshot=$S/$name"
		note "snapshot: $S/$name"
	fi
	# Prune: the names sort by time; drop all but the newest $keep.
	[ -d "$S" ] || return 0
	n=$(find "$S" -mindepth 1 -maxdepth 1 -type d -name '[0-9]*T*Z*' |
	    wc -l)
	if [ "$n" -gt "$keep" ]; then
		find "$S" -mindepth 1 -maxdepth 1 -type d -name '[0-9]*T*Z*' |
		    sort | head -n $((n - keep)) | while IFS= read -r old; do
			rm -rf -- "$old" && note "snapshot: removed $old"
		done
	fi
	return 0
}

# --- a run --------------------------------------------------------------------

finish() {
	# finish STATUS [KEY=VALUE...]
	[ -n "$run_id" ] || return 0
	_id=$run_id
	run_id=''
	sofa-runs finish "$_id" "$@" ||
		sofa_warn "the ledger could not record the end of run $_id"
}

on_exit() {
	st=$?
	trap - EXIT INT TERM HUP
	if [ -n "$child" ]; then
		kill -TERM "$child" 2>/dev/null
		wait "$child" 2>/dev/null
	fi
	if [ -n "$run_id" ]; then
		[ "$st" -ne 0 ] || st=1
		finish failed "failed_step=$cur" "exit_code=$st"
	fi
	[ -z "$tmp" ] || rm -rf -- "$tmp"
	exit "$st"
}

on_signal() {
	trap - EXIT INT TERM HUP
	sofa_warn "interrupted by SIG$1${cur:+ during $cur}"
	if [ -n "$child" ]; then
		kill -TERM "$child" 2>/dev/null
		wait "$child" 2>/dev/null
	fi
	if [ -n "$run_id" ]; then
		finish aborted "failed_step=$cur" "exit_code=$2"
	fi
	[ -z "$tmp" ] || rm -rf -- "$tmp"
	exit "$2"
}

# lock: one run at a time.  Under sofa-cron, SOFA_LOCK_FD names the
# descriptor of lock_path that it holds; otherwise take it here.  Every
# child inherits the descriptor, so the lock lasts as long as any of them.
lock() {
	if [ -n "${SOFA_LOCK_FD:-}" ]; then
		case $SOFA_LOCK_FD in
		[3-9]) ;;
		*) sofa_die 2 "SOFA_LOCK_FD=$SOFA_LOCK_FD: not a descriptor 3..9" ;;
		esac
		flock -n "$SOFA_LOCK_FD" ||
			sofa_die 5 "the lock descriptor $SOFA_LOCK_FD is not $SOFASCORE_LOCK_PATH held"
		return
	fi
	sofa_mkdirs "$(dirname -- "$SOFASCORE_LOCK_PATH")" || exit 1
	command exec 9>> "$SOFASCORE_LOCK_PATH" ||
		sofa_die 1 "$SOFASCORE_LOCK_PATH: cannot open the lock"
	flock -n 9 ||
		sofa_die 5 "another run holds $SOFASCORE_LOCK_PATH; not starting"
}

run() {
	lock
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/sofa-pipeline.XXXXXX") ||
		sofa_die 1 "cannot create a temporary directory"
	trap on_exit EXIT
	trap 'on_signal INT 130' INT
	trap 'on_signal TERM 143' TERM
	trap 'on_signal HUP 129' HUP
	if ! $dry; then
		run_id=$(sofa-runs start --pid $$) || sofa_die 1 "cannot start a run in the ledger"
		[ -z "${SOFA_RUN_LOG:-}" ] || ledger_set "log=$SOFA_RUN_LOG"
		if [ -n "$idfile" ]; then
			printf '%s\n' "$run_id" | sofa_atomic_write "$idfile" ||
				sofa_die 1 "$idfile: cannot write"
		fi
		note "run $run_id ($SOFASCORE_ENV): $run_steps"
	fi
	started=$(sofa_now)
	for cur in $run_steps; do
		done_steps="${done_steps:+$done_steps }$cur"
		$dry || ledger_set "steps_run=$done_steps"
		t0=$(sofa_now)
		"step_$cur"
		st=$?
		if [ $st -ne 0 ]; then
			sofa_warn "$cur failed (status $st)"
			exit $st
		fi
		$dry || note "$cur: done in $(($(sofa_now) - t0)) s"
	done
	cur=''
	$dry && exit 0
	set -- "exit_code=0"
	case " $run_steps " in
	*" publish "*) set -- "$@" --tables "$SOFASCORE_PROCESSED_DIR" ;;
	esac
	id=$run_id
	finish success "$@"
	report "$id" "$(($(sofa_now) - started))"
	exit 0
}

# report RUN_ID SECONDS: the summary on stdout.
report() {
	sofa_say "run $1: success in $2 s ($run_steps)"
	if [ -f "$SOFASCORE_INDEX_DIR/latest_successful_run.json" ] &&
	    [ "$(jq -r .run_id "$SOFASCORE_INDEX_DIR/latest_successful_run.json")" = "$1" ]
	then
		jq -r '.tables | to_entries[] |
		    "  \(.key | . + " " * (16 - length)) \(.value.rows) rows"' \
		    "$SOFASCORE_INDEX_DIR/latest_successful_run.json" |
		    while IFS= read -r l; do sofa_say "$l"; done
	fi
}

# --- smoke --------------------------------------------------------------------

smoke_ok() {
	sofa_say "ok    $*"
}

smoke_fail() {
	sofa_say "FAIL  $*"
	exit 1
}

smoke() {
	id=${1:-}
	smoke_ok "configuration: ${SOFASCORE_CONFIG:-built-in defaults and the environment} (env $SOFASCORE_ENV)"
	for k in RAW_BASE INDEX_DIR DERIVED_DIR PROCESSED_DIR LOG_DIR \
	    SNAPSHOT_DIR QUARANTINE_DIR; do
		eval "d=\$SOFASCORE_$k"
		# shellcheck disable=SC2154
		if ! mkdir -p -- "$d" 2>/dev/null ||
		    ! probe=$(mktemp "$d/.smoke.XXXXXX" 2>/dev/null); then
			smoke_fail "writable: $d ($(echo "$k" | tr '[:upper:]' '[:lower:]'))"
		fi
		rm -f -- "$probe"
		smoke_ok "writable: $d"
	done
	if [ -z "$id" ] && [ -s "$SOFASCORE_INDEX_PATH" ]; then
		now=$(sofa_utc)
		id=$(jq -rs --arg now "$now" '[.[] | select(.status_type ==
		    "finished" and (.start_utc // "") <= $now)] |
		    sort_by(.start_utc) | last | .event_id // empty' \
		    "$SOFASCORE_INDEX_PATH")
	fi
	[ -n "$id" ] ||
		smoke_fail "a recent match: none finished in $SOFASCORE_INDEX_PATH (give EVENT_ID)"
	sofa_is_uint "$id" || smoke_fail "EVENT_ID $id: not a match id"
	base=$(sofa_mask_url "$SOFASCORE_API_BASE")
	if ! sofa-fetch --check-contract "$id" >&2; then
		smoke_fail "API contract at $base (match $id)"
	fi
	smoke_ok "API contract at $base (match $id)"

	root=$(mktemp -d "${TMPDIR:-/tmp}/sofa-smoke.XXXXXX") ||
		smoke_fail "a temporary root"
	# shellcheck disable=SC2064
	trap "rm -rf -- '$root'" EXIT
	mkdir -p "$root/index"
	line=''
	if [ -s "$SOFASCORE_INDEX_PATH" ]; then
		line=$(jq -c --argjson id "$id" 'select(.event_id == $id)' \
		    "$SOFASCORE_INDEX_PATH" | tail -n 1)
	fi
	[ -n "$line" ] || line="{\"event_id\":$id}"
	printf '%s\n' "$line" > "$root/index/matches.ndjson"
	if ! SOFASCORE_ROOT=$root SOFASCORE_RAW_BASE=$root/raw \
	    SOFASCORE_INDEX_DIR=$root/index \
	    SOFASCORE_INDEX_PATH=$root/index/matches.ndjson \
	    SOFASCORE_DERIVED_DIR=$root/derived \
	    SOFASCORE_PROCESSED_DIR=$root/processed \
	    SOFASCORE_LOG_DIR=$root/logs SOFASCORE_SNAPSHOT_DIR=$root/snapshots \
	    SOFASCORE_QUARANTINE_DIR=$root/quarantine \
	    SOFASCORE_FETCH_LOG=$root/index/fetch_log.ndjson \
	    SOFASCORE_LOCK_PATH=$root/index/sofa.lock SOFA_LOCK_FD='' \
	    "$here/$sofa_prog" --from fetch -j 1 > "$root/out" 2>&1; then
		sed 's/^/    /' "$root/out" >&2
		smoke_fail "one-match pipeline into $root (fetch, build, dq, publish)"
	fi
	rows=$(jq '[.tables[].rows] | add // 0' \
	    "$root/index/latest_successful_run.json")
	smoke_ok "one-match pipeline (fetch, build, dq, publish): $rows rows"
	exit 0
}

if $smoke; then
	smoke "$@"
fi
run
