# faults-lib.sh - helpers of the fault suite (t/t7[0-8]*-faults-*.bats);
# load it from setup() after test-lib.sh (or fetch-lib.sh):
#
#	setup() { load fetch-lib.sh; fetch_setup; load faults-lib.sh; }
#	teardown_file() { faults_report; }
#
# What a fault test must show, besides its own outcome: how many faults
# it injected, and that no byte of data that was good before the fault
# was lost.  So:
#
# fault [N]
#	Count N (default 1) injected faults for this file.
# faults_served [LOG]
#	Count as faults the responses fakesofa sent by a scenario step other
#	than pass (its request log; default $FAKESOFA_LOG); prints how many.
# faults_report
#	From teardown_file: print "# FILE: N faults injected, 0 bytes of good
#	data lost" as a bats diagnostic (fd 3) and leave the same line in
#	$SOFA_BUILD/faults/FILE.count, so that the suite's total is
#	`cat build/faults/*.count` after a run.
# manifest DIR FILE [GLOB]
#	A checksum manifest (sha256sum, sorted by path) of every regular file
#	under DIR (whose name matches GLOB), temporary files (".*.tmp*",
#	"*.tmp") left out.
# kept MANIFEST DIR [REF]
#	Every file of MANIFEST is still under DIR with the same bytes, or is
#	byte for byte REF's file of that path (a complete new version); new
#	files may have appeared.  Otherwise fails naming what was lost.  Adds
#	the bytes checked to this file's tally.
# in_tmpfs SIZE DIR SCRIPT
#	Run bash SCRIPT in a private mount namespace where DIR is a tmpfs of
#	SIZE (bytes, or with k/m) holding a copy of what DIR held; what DIR
#	holds at the end is copied back over DIR (so the test can look at it
#	after the namespace is gone).  Skips the test, saying why, when mount
#	namespaces are not allowed.  SCRIPT's status is returned; it may call
#	fill.  (seedsize DIR: a SIZE that holds what DIR holds.)
# read_only DIR SCRIPT
#	Run bash SCRIPT in a private mount namespace where DIR is bind-mounted
#	read-only over itself; skips when that is not allowed.
# fill DIR [LEAVE]
#	Fill the file system of DIR, leaving about LEAVE bytes (default 0),
#	with the file DIR/.filler.
# as_nobody COMMAND...
#	Run COMMAND as the user nobody (setpriv), with HOME=/nonexistent;
#	skips when that is not possible.
# no_temp DIR
#	No temporary file (".NAME.tmp*", "*.tmp.*") remains under DIR.
# shellcheck shell=bash

# shellcheck disable=SC2154 # BATS_* are set by bats

fault() {
	echo "${1:-1}" >>"$BATS_FILE_TMPDIR/faults.n"
}

faults_served() {
	local log=${1:-$FAKESOFA_LOG} n
	sleep 0.2	# a line is logged once its response is finished
	n=$(jq -s '[.[] | select(.step != null and
	    (.step | test("^pass( |$)") | not))] | length' "$log")
	fault "$n"
	echo "$n"
}

faults_report() {
	local n=0 checked=0 name line
	name=${BATS_TEST_FILENAME##*/}
	[ -f "$BATS_FILE_TMPDIR/faults.n" ] &&
	    n=$(awk '{ s += $1 } END { print s + 0 }' \
	    "$BATS_FILE_TMPDIR/faults.n")
	[ -f "$BATS_FILE_TMPDIR/kept.n" ] &&
	    checked=$(awk '{ s += $1 } END { print s + 0 }' \
	    "$BATS_FILE_TMPDIR/kept.n")
	line="$name: $n faults injected, $checked bytes of good data checked, 0 lost"
	echo "# $line" >&3
	mkdir -p "$SOFA_BUILD/faults" 2>/dev/null &&
	    echo "$line" >"$SOFA_BUILD/faults/$name.count" 2>/dev/null
	return 0
}

manifest() {
	(cd "$1" && find . -type f -name "${3:-*}" ! -name '.*.tmp*' \
	    ! -name '*.tmp' ! -name '.filler' -print0 | sort -z |
	    xargs -0 -r sha256sum) >"$2"
}

kept() {
	local m=$1 dir=$2 ref=${3:-} bad lost n
	bad=$BATS_TEST_TMPDIR/.kept.bad
	(cd "$dir" && sha256sum --quiet -c "$m" 2>/dev/null) |
	    sed -n 's/: FAILED.*//p' >"$bad"
	if [ -s "$bad" ]; then
		# a complete new version is not a loss: the same bytes as REF's
		lost=$(cd "$dir" && tr '\n' '\0' <"$bad" |
		    xargs -0 sha256sum -- 2>/dev/null)
		n=$(grep -c . <<<"$lost")
		[ "$n" -eq "$(wc -l <"$bad")" ] || lost="(missing files) $lost"
		[ -z "$ref" ] || lost=$(grep -vxF -f <(cd "$ref" &&
		    tr '\n' '\0' <"$bad" | xargs -0 sha256sum -- 2>/dev/null) \
		    <<<"$lost" || :)
		if [ -n "$lost" ]; then
			echo "good data lost under $dir: $lost" >&2
			return 1
		fi
	fi
	(cd "$dir" && awk '{ sub(/^[0-9a-f]+  /, ""); print }' "$m" |
	    tr '\n' '\0' | xargs -0 -r stat -c %s -- |
	    awk '{ s += $1 } END { print s + 0 }') >>"$BATS_FILE_TMPDIR/kept.n"
}

# _ns_ok: mount namespaces and tmpfs mounts are allowed here (asked once a
# file).
_ns_ok() {
	local f=$BATS_FILE_TMPDIR/ns.ok
	if [ ! -f "$f" ]; then
		mkdir -p "$BATS_FILE_TMPDIR/ns.probe"
		# shellcheck disable=SC2016 # expanded by that shell
		if unshare -m sh -c 'mount -t tmpfs -o size=16k tmpfs "$1"' \
		    sh "$BATS_FILE_TMPDIR/ns.probe" 2>/dev/null; then
			echo yes >"$f"
		else
			echo no >"$f"
		fi
	fi
	[ "$(cat "$f")" = yes ]
}

in_tmpfs() {
	local size=$1 dir=$2 script=$3 st=0
	_ns_ok || skip "cannot mount a tmpfs in a private mount namespace (needs root or user namespaces)"
	mkdir -p "$dir" "$BATS_TEST_TMPDIR/.seed"
	cp -a "$dir/." "$BATS_TEST_TMPDIR/.seed/"
	# Inside, the tmpfs is mounted over DIR; what it holds at the end is
	# copied out before the namespace (and the tmpfs) goes away.
	export -f fill
	# shellcheck disable=SC2016 # expanded by that shell
	unshare -m --propagation private bash -c '
		size=$1 dir=$2 seed=$3 out=$4 script=$5
		mount -t tmpfs -o "size=$size" tmpfs "$dir" || exit 99
		cp -a "$seed/." "$dir/" || exit 98
		bash -c "$script"
		st=$?
		rm -f "$dir/.filler"
		mkdir -p "$out" && cp -a "$dir/." "$out/"
		exit "$st"' sh "$size" "$dir" "$BATS_TEST_TMPDIR/.seed" \
	    "$BATS_TEST_TMPDIR/.out" "$script" || st=$?
	[ "$st" -ne 99 ] || skip "mount -t tmpfs failed"
	if [ "$st" -eq 98 ] || [ ! -d "$BATS_TEST_TMPDIR/.out" ]; then
		echo "in_tmpfs: the seed does not fit in $size" >&2
		return 97
	fi
	rm -rf "$dir" "$BATS_TEST_TMPDIR/.seed"
	mv "$BATS_TEST_TMPDIR/.out" "$dir"
	return "$st"
}

# seedsize DIR: bytes DIR takes, rounded up to pages, plus 64 KiB: a
# tmpfs size that holds it.
seedsize() {
	du -s -B4096 "$1" | awk '{ print ($1 + 16) * 4096 }'
}

read_only() {
	_ns_ok || skip "cannot mount in a private mount namespace (needs root or user namespaces)"
	# shellcheck disable=SC2016 # expanded by that shell
	unshare -m --propagation private bash -c '
		mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" ||
		    exit 99
		bash -c "$2"' sh "$1" "$2"
	local st=$?
	[ "$st" -ne 99 ] || skip "a read-only bind mount failed"
	return "$st"
}

fill() {
	local leave=${2:-0} avail
	avail=$(df -B1 --output=avail "$1" | tail -n 1)
	avail=$((avail - leave))
	[ "$avail" -le 0 ] ||
	    head -c "$avail" /dev/zero >"$1/.filler" 2>/dev/null || :
}

as_nobody() {
	command -v setpriv >/dev/null || skip "no setpriv"
	[ "$(id -u)" -eq 0 ] || skip "needs root to become nobody"
	id nobody >/dev/null 2>&1 || skip "no user nobody"
	HOME=/nonexistent setpriv --reuid nobody --regid nogroup \
	    --clear-groups -- "$@"
}

no_temp() {
	local t
	t=$(find "$1" \( -name '.*.tmp*' -o -name '*.tmp.*' \) -print)
	[ -z "$t" ] || { echo "temporary files left: $t" >&2; return 1; }
}
