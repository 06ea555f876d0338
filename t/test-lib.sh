# test-lib.sh - shared set-up for the bats suite; load it from setup():
#
#	setup() { load test-lib.sh; common_setup; }
#
# It loads bats-support, bats-assert and bats-file (Debian packages), puts the
# build on PATH, and runs each test in its own empty directory with a
# hermetic configuration: no SOFASCORE_* variable leaks in from the caller,
# the root is the test's directory and no config file is read unless the
# test names one.
# shellcheck shell=bash

bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert
bats_load_library bats-file

: "${SOFA_SRCDIR:=$(cd "$BATS_TEST_DIRNAME/.." && pwd)}"
: "${SOFA_BUILD:=$SOFA_SRCDIR/build}"
: "${SOFA_SHARED:=$(cd "$SOFA_SRCDIR/.." && pwd)/shared}"
FIXTURES=$SOFA_SHARED/fixtures
# SOFA_BIN: where the programs under test are; under make check-valgrind
# (SOFA_VALGRIND=1) the wrappers of t/valgrind.sh that run each compiled
# program under valgrind.
if [ "${SOFA_VALGRIND:-0}" = 1 ]; then
	SOFA_BIN=$SOFA_BUILD/valgrind/bin
else
	SOFA_BIN=$SOFA_BUILD/bin
fi
export SOFA_SRCDIR SOFA_BUILD SOFA_SHARED FIXTURES SOFA_BIN

common_setup() {
	local v
	for v in $(env | sed -n 's/^\(SOFASCORE_[A-Za-z0-9_]*\)=.*/\1/p'); do
		unset "$v"
	done
	unset ENV
	export LC_ALL=C TZ=UTC
	export PATH="$SOFA_BIN:$SOFA_BUILD/t/helper:$PATH"
	export SOFASCORE_CONFIG=/dev/null
	export SOFASCORE_ROOT="$BATS_TEST_TMPDIR"
	export SOFASCORE_SHARE_DIR="$SOFA_SRCDIR/share/sofa"
	cd "$BATS_TEST_TMPDIR" || return 1
}

# sanitized: true when the suite runs under ASan/UBSan (make check-sanitize)
# or valgrind (make check-valgrind), where timing- and memory-sensitive
# tests skip themselves.
sanitized() {
	[ "${SOFA_SANITIZE:-0}" = 1 ] || [ "${SOFA_VALGRIND:-0}" = 1 ]
}

# need_fixtures: skip when ../shared/fixtures is not beside the checkout.
need_fixtures() {
	[ -d "$FIXTURES/store" ] || skip "no $FIXTURES"
}

# --- fakesofa: the fault-injecting API server (t/helper/fakesofa.md) --------
#
# fakesofa_start STORE [SCENARIO] [OPTION...]
#	Start fakesofa on a free loopback port, in the background, with bats'
#	fd 3 closed, and wait (up to 20 s) until it has written its port
#	file.  SCENARIO may be empty or "-" for none; OPTIONs go to fakesofa.
#	Sets and exports FAKESOFA_PID, FAKESOFA_PORT, FAKESOFA_URL
#	(http://127.0.0.1:PORT/api/v1), FAKESOFA_LOG (the NDJSON request log)
#	and FAKESOFA_DIR (port, log, stdout and stderr of this server).  A
#	second call starts a second server: the variables then describe the
#	newest one (save them first), and fakesofa_stop stops both.
# fakesofa_stop
#	For teardown: SIGTERM every server this test started and wait for
#	each.  Fails, showing the server's stderr, when one does not exit 0
#	within 10 s (a crash or a sanitizer report is a test failure).
# fakesofa_wait_log N [SECONDS] [LOG]
#	Wait until the request log holds at least N lines.  A line is written
#	once its response is finished, which may be a moment after the client
#	saw the last byte: wait before asserting on the log.
# fakesofa_jq [-r] FILTER [LOG]
#	Run jq -c (or -r) FILTER on each logged request in arrival order (by
#	seq; the log itself is in completion order).
# fakesofa_count PATH [LOG]
#	Print how many requests the log records for PATH (API path without
#	the prefix, e.g. event/1/lineups).
# fakesofa_reload [SCENARIO]
#	Make the newest server reload its scenario (copying SCENARIO over the
#	file it was started with, when given), resetting every counter; waits
#	until the server has done so.

FAKESOFA_PIDS=
FAKESOFA_N=0

# _fakesofa_alive PID: the process exists and is not a zombie (kill -0
# cannot tell).  /proc with builtins where there is one: ps costs a fork.
_fakesofa_alive() {
	local st
	if [ -d /proc/self ]; then
		read -r st 2>/dev/null <"/proc/$1/stat" || return 1
		st=${st##*) }
		st=${st%% *}
	else
		st=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
	fi
	case $st in
	Z* | X*) return 1 ;;
	esac
	return 0
}

fakesofa_start() {
	local store=${1:?fakesofa_start: no store} scenario=${2-} dir pid i
	shift
	[ $# -eq 0 ] || shift
	FAKESOFA_N=$((FAKESOFA_N + 1))
	dir=$BATS_TEST_TMPDIR/fakesofa.$FAKESOFA_N
	mkdir -p "$dir" || return 1
	if [ -n "$scenario" ] && [ "$scenario" != - ]; then
		set -- -s "$scenario" "$@"
		printf '%s\n' "$scenario" >"$dir/scenario-path"
	fi
	fakesofa -P "$dir/port" -l "$dir/log" "$@" "$store" \
	    >"$dir/stdout" 2>"$dir/stderr" 3>&- &
	pid=$!
	FAKESOFA_PIDS="$FAKESOFA_PIDS $pid"
	i=0
	until [ -s "$dir/port" ]; do
		if ! _fakesofa_alive "$pid"; then
			wait "$pid"
			echo "fakesofa_start: fakesofa exited ($?):" >&2
			cat "$dir/stderr" >&2
			FAKESOFA_PIDS=${FAKESOFA_PIDS% "$pid"}
			return 1
		fi
		if [ "$i" -ge 400 ]; then
			echo "fakesofa_start: no port file after 20 s" >&2
			return 1
		fi
		i=$((i + 1))
		sleep 0.05
	done
	FAKESOFA_PID=$pid
	FAKESOFA_DIR=$dir
	FAKESOFA_PORT=$(cat "$dir/port")
	FAKESOFA_URL=http://127.0.0.1:$FAKESOFA_PORT/api/v1
	FAKESOFA_LOG=$dir/log
	export FAKESOFA_PID FAKESOFA_DIR FAKESOFA_PORT FAKESOFA_URL FAKESOFA_LOG
}

fakesofa_stop() {
	local pid rc=0 st i
	for pid in $FAKESOFA_PIDS; do
		kill -TERM "$pid" 2>/dev/null
		i=0
		while _fakesofa_alive "$pid" && [ "$i" -lt 200 ]; do
			i=$((i + 1))
			sleep 0.05
		done
		if _fakesofa_alive "$pid"; then
			echo "fakesofa_stop: $pid ignored SIGTERM for 10 s" >&2
			kill -KILL "$pid" 2>/dev/null
		fi
		wait "$pid"
		st=$?
		if [ "$st" -ne 0 ]; then
			echo "fakesofa_stop: fakesofa $pid exited $st" >&2
			rc=1
		fi
	done
	if [ "$rc" -ne 0 ]; then
		for i in "$BATS_TEST_TMPDIR"/fakesofa.*/stderr; do
			[ -s "$i" ] && { echo "== $i" >&2; cat "$i" >&2; }
		done
	fi
	FAKESOFA_PIDS=
	return "$rc"
}

fakesofa_wait_log() {
	local n=${1:?fakesofa_wait_log: no count} t=${2:-10}
	local log=${3:-$FAKESOFA_LOG} i=0 lines
	while :; do
		lines=0
		[ -f "$log" ] && lines=$(wc -l <"$log")
		[ "$lines" -ge "$n" ] && return 0
		if [ "$i" -ge $((t * 20)) ]; then
			echo "fakesofa_wait_log: $lines of $n lines after ${t}s" >&2
			return 1
		fi
		i=$((i + 1))
		sleep 0.05
	done
}

fakesofa_jq() {
	local mode=-c
	if [ "$1" = -r ]; then
		mode=-r
		shift
	fi
	jq "$mode" -s "sort_by(.seq)[] | (${1:?fakesofa_jq: no filter})" \
	    "${2:-$FAKESOFA_LOG}"
}

fakesofa_count() {
	jq -n --arg p "${1:?fakesofa_count: no path}" \
	    '[inputs | select(.path == $p)] | length' "${2:-$FAKESOFA_LOG}"
}

fakesofa_reload() {
	local file before i=0
	file=$(cat "$FAKESOFA_DIR/scenario-path") || return 1
	if [ $# -gt 0 ]; then
		cp "$1" "$file" || return 1
	fi
	before=$(grep -c '^fakesofa: reload: ' "$FAKESOFA_DIR/stderr") || :
	kill -HUP "$FAKESOFA_PID" || return 1
	while [ "$(grep -c '^fakesofa: reload: ' "$FAKESOFA_DIR/stderr")" \
	    -le "$before" ]; do
		if [ "$i" -ge 200 ]; then
			echo "fakesofa_reload: no answer to SIGHUP" >&2
			return 1
		fi
		i=$((i + 1))
		sleep 0.05
	done
	grep '^fakesofa: reload: ' "$FAKESOFA_DIR/stderr" | tail -n 1 |
	    grep -q '^fakesofa: reload: ok'
}
