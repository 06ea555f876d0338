# pipeline-lib.sh - a sandbox for the pipeline tests; load it after
# test-lib.sh:
#
#	setup() { load test-lib.sh; common_setup; load pipeline-lib.sh; sandbox; }
#
# sandbox makes $SB, a directory shaped like a checkout: SB/build/bin holds
# a link to every program the build made and SB/share/sofa links to the
# sources' share/sofa, so that the scripts find their library and put
# SB/build/bin first on PATH.  A test double replaces one program there
# (double NAME), and the doubles below stand in for the programs of other
# steps when a test is about the pipeline's own behaviour: what they do is
# steered by files in $SB (fetch.exit, dq.exit, ...) and they note each
# call in $SB/calls.log; slow.fetch and slow.build make the fetch and the
# table program wait while they exist.  The raw store is data/raw under the test's root,
# the upstream the fetch double copies from is $UP (a raw-store tree).
# shellcheck shell=bash

sandbox() {
	SB=$BATS_TEST_TMPDIR/co
	UP=$BATS_TEST_TMPDIR/upstream
	mkdir -p "$SB/build/bin" "$SB/share" "$UP/event" data/index
	ln -s "$SOFA_SRCDIR/share/sofa" "$SB/share/sofa"
	for p in "${SOFA_BIN:-$SOFA_BUILD/bin}"/sofa-*; do
		ln -s "$p" "$SB/build/bin/"
	done
	export SB UP PATH="$SB/build/bin:$PATH"
	# Not the make that runs the suite: its flags and jobserver stay out.
	unset MAKEFLAGS MFLAGS MAKELEVEL
	# Quick and quiet: no fsync in throwaway roots.
	export SOFASCORE_FSYNC=false
}

# double NAME: standard input becomes program NAME in the sandbox.
double() {
	rm -f "$SB/build/bin/$1"
	cat > "$SB/build/bin/$1"
	chmod 755 "$SB/build/bin/$1"
}

# doubles: stand-ins for sofa-discover, sofa-fetch, sofa-dq and one table
# program, sofa-matches (the build then makes only the matches table:
# TABLES=matches).
doubles() {
	export TABLES=matches
	double sofa-discover <<-'EOF'
	#!/bin/sh
	echo "sofa-discover $*" >> "$SB/calls.log"
	eval "$(sofa-config --shell)"
	[ ! -f "$SB/discover.ndjson" ] || cat "$SB/discover.ndjson" >> "$SOFASCORE_INDEX_PATH"
	EOF
	double sofa-fetch <<-'EOF'
	#!/bin/sh
	# Copies what differs from the upstream tree into the raw store, by
	# rename; one outcome line per match.
	echo "sofa-fetch $*" >> "$SB/calls.log"
	eval "$(sofa-config --shell)"
	case " $* " in *" --dry-run "*) cat > /dev/null; echo "would fetch"; exit 0 ;; esac
	while [ -f "$SB/slow.fetch" ]; do sleep 0.1; done
	mkdir -p "$SOFASCORE_RAW_BASE/event"
	sed -n -e 's/.*"event_id":\([0-9]*\).*/\1/p' -e t -e '/^[0-9][0-9]*$/p' |
	while read -r id; do
		src=$UP/event/$id.json dst=$SOFASCORE_RAW_BASE/event/$id.json
		if [ ! -f "$src" ]; then
			o=absent
		elif cmp -s "$src" "$dst"; then
			o=not_modified
		else
			cp "$src" "$dst.tmp" && mv "$dst.tmp" "$dst"
			o=ok
		fi
		printf '{"event_id":%s,"endpoint":"event","outcome":"%s"}\n' "$id" "$o"
	done
	exit "$(cat "$SB/fetch.exit" 2>/dev/null || echo 0)"
	EOF
	double sofa-dq <<-'EOF'
	#!/bin/sh
	echo "sofa-dq $*" >> "$SB/calls.log"
	st=$(cat "$SB/dq.exit" 2>/dev/null || echo 0)
	echo '{"rule":"keys","status":"PASS","count":0}'
	[ "$st" != 3 ] || echo '{"rule":"schema","status":"FAIL","count":1}'
	exit "$st"
	EOF
	double sofa-matches <<-'EOF'
	#!/bin/sh
	# One row per stored match: its id and the body of its event file.
	eval "$(sofa-config --shell)"
	while [ -f "$SB/slow.build" ]; do sleep 0.1; done
	[ ! -f "$SB/matches.fail" ] || { echo "sofa-matches: broken" >&2; exit 1; }
	echo "event_id,body"
	for a; do case $a in -*) ;; *) echo "$a" ;; esac; done > "$SB/args.$$"
	if [ -s "$SB/args.$$" ]; then cat "$SB/args.$$"; else cat; fi |
	    awk -v R="$SOFASCORE_RAW_BASE" '{
		f = R "/event/" $1 ".json"
		if ((getline l < f) > 0) print $1 "," l
		close(f) }'
	rm -f "$SB/args.$$"
	EOF
}

# upstream ID BODY: the upstream's event document of match ID.
upstream() {
	printf '%s\n' "$2" > "$UP/event/$1.json"
}

# index ID...: index lines for the matches (appended).
index() {
	for i; do
		printf '{"event_id":%s,"start_utc":"2026-01-01T00:00:00Z","status_type":"finished"}\n' "$i"
	done >> data/index/matches.ndjson
}

# inode FILE: the device and inode of FILE.
inode() {
	stat -c %d:%i -- "$1"
}
