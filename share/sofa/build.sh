#!/bin/sh
# build.sh - the batch work behind pipeline.mk (run by make, not by hand).
#
#	build.sh ids INDEX	the match ids of the index (ids.awk)
#	build.sh batch		rebuild what make found stale, then the tables
#
# make decides what is stale and hands it over in the environment and two
# files: SOFA_D (derived_dir), SOFA_R (raw_base), SOFA_T (the candidate
# tables), SOFA_JOBS, SOFA_FACTS and SOFA_DIMS (the tables to build),
# SOFA_BUCKETS (the non-empty buckets), SOFA_PROG_<table> (the program
# that writes a table); D/stale.ids (the matches whose frag is stale) and
# D/stale.buckets (the buckets whose member list changed).  The batch runs
# each fact-table program once over the stale matches and cuts the output
# into per-match frags (split.awk), re-cuts the stale buckets from their
# frags (bucket.awk), runs each dimension-table program once per stale
# bucket, and assembles every table from its buckets (cat, dimmerge.awk).
# One batch runs at a time (a lock on D/.lock).  Work happens in
# D/stage, emptied first, and lands by rename: frags and
# buckets, then the tables, then the bucket stamps, so that whatever
# moment it is killed at, the next make finds stale what is not done.
set -u

sofa_prog=build.sh
share=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd) || exit 2

die() {
	printf '%s: %s\n' "$sofa_prog" "$*" >&2
	exit 1
}

# prog TABLE: the command that writes TABLE (words: program and options).
prog() {
	eval "printf '%s\n' \"\${SOFA_PROG_$1:-}\""
}

# movein SRC DST: rename every file of directory SRC into DST.
movein() {
	find "$1" -type f -exec mv -f -t "$2" -- {} + ||
		die "cannot move $1/* into $2"
}

# runall LIST: run the command lines of file LIST, SOFA_JOBS at a time;
# false when any failed (each failure is named).
runall() {
	_n=${SOFA_JOBS:-1}
	[ "$_n" -ge 1 ] 2>/dev/null || _n=1
	rm -f -- "$stage"/run.*
	awk -v n="$_n" -v dir="$stage" '{ print > (dir "/run." (NR - 1) % n) }' \
	    "$1"
	: > "$stage/failed"
	for _s in "$stage"/run.*; do
		[ -f "$_s" ] || continue
		sh "$_s" &
		kids="$kids $!"
	done
	wait
	kids=''
	! [ -s "$stage/failed" ]
}

# on_signal N SIG: make passes SIGTERM on (an interrupted sofa-pipeline,
# a ^C): stop the batches and what they run, empty the stage, die of it.
kids=''
on_signal() {
	trap - INT TERM HUP
	for _k in $kids; do
		pkill -TERM -P "$_k" 2>/dev/null
		kill -TERM "$_k" 2>/dev/null
	done
	wait
	[ -z "${stage:-}" ] || rm -rf -- "$stage"
	trap - "$2"
	kill -s "$2" $$
	exit "$1"
}
trap 'on_signal 130 INT' INT
trap 'on_signal 143 TERM' TERM
trap 'on_signal 129 HUP' HUP

# header TABLE: D/hdr/TABLE.csv, asking the program when it is missing.
header() {
	[ -s "$D/hdr/$1.csv" ] && return 0
	# shellcheck disable=SC2046
	if ! $(prog "$1") -q </dev/null > "$D/hdr/$1.csv.tmp" ||
	    ! mv -f "$D/hdr/$1.csv.tmp" "$D/hdr/$1.csv"; then
		rm -f -- "$D/hdr/$1.csv.tmp"
		die "$(prog "$1"): cannot get the header of $1"
	fi
}

# ids INDEX: D/ids.mk and the id lists, when the index (or ids.awk) is
# newer than ids.mk.
ids() {
	if [ -f "$D/ids.mk" ] && [ -z "$(find "$1" "$share/ids.awk" \
	    -newer "$D/ids.mk" 2>/dev/null)" ]; then
		return 0
	fi
	stage=$D/stage.ids
	rm -rf -- "$stage"
	mkdir -p "$stage/ids" "$D/ids" || die "$D: cannot create"
	src=$1
	[ -f "$src" ] || src=/dev/null
	awk -v D="$D" -v stage="$stage" -f "$share/ids.awk" "$src" ||
		die "$1: bad match index"
	movein "$stage/ids" "$D/ids"
	if [ -f "$stage/ids.txt" ]; then
		mv -f "$stage/ids.txt" "$D/ids.txt" || die "$D/ids.txt"
	fi
	mv -f "$stage/ids.mk" "$D/ids.mk" || die "$D/ids.mk"
	rm -rf -- "$stage"
}

# say WHAT N WORDS...: a line of the build report, the words when few.
say() {
	_what=$1 _n=$2
	shift 2
	if [ "$_n" -le 8 ]; then
		printf '  %-8s %s (%s)\n' "$_what" "$_n" "$*"
	else
		printf '  %-8s %s\n' "$_what" "$_n"
	fi
}

batch() {
	stage=$D/stage
	rm -rf -- "$stage"
	mkdir -p "$stage/out" "$stage/frag" "$stage/hdr" "$stage/bucket" \
	    "$stage/rev" "$D/frag" "$D/bucket" "$D/group" "$D/hdr" "$T" ||
		die "$D: cannot create"

	# The stale matches, and every bucket that must be re-cut: those of
	# the stale matches, those make named, those with a file missing.
	# (Taken, not copied: a make that starts meanwhile writes its own.)
	for f in stale.ids stale.buckets; do
		mv -f -- "$D/$f" "$stage/$f" 2>/dev/null || : > "$stage/$f"
	done
	awk '{ for (i = 1; i <= NF; i++) print $i }' "$stage/stale.ids" \
	    > "$stage/ids" || die "$D/stale.ids"
	for b in $SOFA_BUCKETS; do
		for t in $SOFA_FACTS $SOFA_DIMS; do
			[ -f "$D/bucket/$t.$b.csv" ] || { echo "$b"; break; }
		done
	done > "$stage/missing"
	awk -v want="$SOFA_BUCKETS" '
	    BEGIN { n = split(want, w, " "); for (i = 1; i <= n; i++) ok[w[i]] = 1 }
	    FILENAME ~ /ids$/ { b[sprintf("%02d", $1 % 100)] = 1; next }
	    { for (i = 1; i <= NF; i++) b[$i] = 1 }
	    END { for (k = 0; k < 100; k++) { x = sprintf("%02d", k)
	        if ((x in b) && (x in ok)) print x } }' \
	    "$stage/stale.buckets" "$stage/missing" "$stage/ids" \
	    > "$stage/buckets" || die "cannot list the stale buckets"
	nids=$(awk 'END { print NR }' "$stage/ids")
	nbk=$(awk 'END { print NR }' "$stage/buckets")

	# 1. The fact-table programs, once each over the stale matches, cut
	# into per-match frags.
	if [ "$nids" -gt 0 ] && [ -n "$SOFA_FACTS" ]; then
		set --
		for t in $SOFA_FACTS; do
			printf "%s -q < '%s' > '%s' || echo %s >> '%s'\\n" \
			    "$(prog "$t")" "$stage/ids" "$stage/out/$t.csv" \
			    "$t" "$stage/failed"
			set -- "$@" "$stage/out/$t.csv"
		done > "$stage/facts.cmds"
		runall "$stage/facts.cmds" ||
			die "failed: $(tr '\n' ' ' < "$stage/failed")"
		awk -v frag="$stage/frag" -v hdr="$stage/hdr" \
		    -f "$share/split.awk" "$stage/ids" "$@" || exit 1
		movein "$stage/hdr" "$D/hdr"
		movein "$stage/frag" "$D/frag"
		# shellcheck disable=SC2046
		say frags "$nids" $(sed 8q "$stage/ids")
	elif [ "$nids" -gt 0 ]; then
		# Only dimension tables: empty frags mark the matches done.
		while read -r id; do
			: > "$stage/frag/$id.csv"
		done < "$stage/ids"
		movein "$stage/frag" "$D/frag"
	fi

	# 2. The stale buckets: fact tables re-cut from the frags, dimension
	# tables from their program over the bucket's matches, newest first.
	if [ "$nbk" -gt 0 ]; then
		if [ -n "$SOFA_FACTS" ]; then
			awk -v D="$D" -v out="$stage/bucket" \
			    -v tables="$SOFA_FACTS" -f "$share/bucket.awk" \
			    "$stage/buckets" || exit 1
		fi
		if [ -n "$SOFA_DIMS" ]; then
			awk -v D="$D" -v rev="$stage/rev" '{
			    f = D "/ids/" $1 ".ids"; n = 0
			    while ((getline id < f) > 0) l[++n] = id
			    close(f); o = rev "/" $1 ".ids"; printf "" > o
			    for (i = n; i >= 1; i--) print l[i] > o
			    close(o) }' "$stage/buckets" ||
				die "cannot list the buckets' matches"
			while read -r b; do
				for t in $SOFA_DIMS; do
					printf "%s -q < '%s' > '%s' || echo %s >> '%s'\\n" \
					    "$(prog "$t")" "$stage/rev/$b.ids" \
					    "$stage/bucket/$t.$b.csv" "$t.$b" \
					    "$stage/failed"
				done
			done < "$stage/buckets" > "$stage/dims.cmds"
			runall "$stage/dims.cmds" ||
				die "failed: $(tr '\n' ' ' < "$stage/failed")"
		fi
		movein "$stage/bucket" "$D/bucket"
		# shellcheck disable=SC2046
		say buckets "$nbk" $(sed 8q "$stage/buckets")
	fi

	# 3. The tables, each from its buckets (in bucket order), through a
	# temporary name, SOFA_JOBS at a time.  A dimension table is merged
	# in two levels: each group of ten buckets (G0..G9) into
	# group/TABLE.G.csv, re-merged only when one of its buckets was
	# re-cut or the order of its matches changed (ids/gG.ids), then the
	# groups into the table: a new match costs one group's merge and the
	# final one, not the merge of all buckets.
	for t in $SOFA_FACTS; do
		header "$t"
	done
	for t in $SOFA_DIMS; do
		[ -n "$SOFA_BUCKETS" ] || header "$t"
	done
	# shellcheck disable=SC2086
	groups=$(printf '%s\n' $SOFA_BUCKETS | cut -c1 | uniq)
	for t in $SOFA_FACTS; do
		printf "cat -- '%s'" "$D/hdr/$t.csv"
		for b in $SOFA_BUCKETS; do
			printf " '%s'" "$D/bucket/$t.$b.csv"
		done
		printf " > '%s' && mv -f '%s' '%s' || echo %s >> '%s'\n" \
		    "$T/$t.csv.tmp" "$T/$t.csv.tmp" "$T/$t.csv" "$t" \
		    "$stage/failed"
	done > "$stage/tables.cmds"
	# The stale groups, "TABLE G" lines: one of its buckets re-cut, its
	# file missing, or older than its order, the merge or the schema.
	if [ -n "$SOFA_DIMS" ] && [ -n "$SOFA_BUCKETS" ]; then
		find "$D/group" "$D/ids" "$share/dimmerge.awk" "$share/schema" \
		    -maxdepth 1 -type f -printf '%T@ %p\n' > "$stage/times" ||
			die "cannot list $D/group"
		awk -v D="$D" -v share="$share" -v tables="$SOFA_DIMS" \
		    -v groups="$groups" '
		    FILENAME ~ /buckets$/ { re[substr($1, 1, 1)] = 1; next }
		    { t[substr($0, index($0, " ") + 1)] = $1 + 0 }
		    END {
			nt = split(tables, tn, " "); ng = split(groups, gn, " ")
			m = t[share "/dimmerge.awk"]
			for (i = 1; i <= nt; i++) for (j = 1; j <= ng; j++) {
			    g = gn[j]; f = D "/group/" tn[i] "." g ".csv"
			    if ((g in re) || !(f in t) ||
				t[D "/ids/g" g ".ids"] > t[f] || m > t[f] ||
				t[share "/schema/" tn[i] ".tsv"] > t[f])
				print tn[i], g
			} }' "$stage/buckets" "$stage/times" > "$stage/groups" ||
			die "cannot list the stale groups"
	fi
	for t in $SOFA_DIMS; do
		merge="awk -v schema='$share/schema/$t.tsv' -f '$share/dimmerge.awk'"
		if [ -z "$SOFA_BUCKETS" ]; then
			printf "%s -v ids='%s' '%s'" "$merge" "$D/ids.txt" \
			    "$D/hdr/$t.csv"
		else
			while read -r tt g; do
				[ "$tt" = "$t" ] || continue
				gf=$D/group/$t.$g.csv
				printf "%s -v ids='%s'" "$merge" "$D/ids/g$g.ids"
				for b in $SOFA_BUCKETS; do
					case $b in
					"$g"?) printf " '%s'" "$D/bucket/$t.$b.csv" ;;
					esac
				done
				printf " > '%s' && mv -f '%s' '%s' && " \
				    "$gf.tmp" "$gf.tmp" "$gf"
			done < "$stage/groups"
			printf "%s -v ids='%s'" "$merge" "$D/ids.txt"
			for g in $groups; do
				printf " '%s'" "$D/group/$t.$g.csv"
			done
		fi
		printf " > '%s' && mv -f '%s' '%s' || echo %s >> '%s'\n" \
		    "$T/$t.csv.tmp" "$T/$t.csv.tmp" "$T/$t.csv" "$t" \
		    "$stage/failed"
	done > "$stage/merge.cmds"
	# The dimension tables first: the long ones, started before the cats.
	cat "$stage/merge.cmds" "$stage/tables.cmds" > "$stage/all.cmds"
	if ! runall "$stage/all.cmds"; then
		rm -f -- "$T"/*.csv.tmp "$D"/group/*.tmp
		die "cannot write the tables: $(tr '\n' ' ' < "$stage/failed")"
	fi
	# shellcheck disable=SC2086
	say tables "$(echo $SOFA_FACTS $SOFA_DIMS | wc -w)" $SOFA_FACTS $SOFA_DIMS

	# 4. Only now are the buckets done.  Their stamps take the time of
	# the oldest table (they were written in parallel), so that no table
	# is older than a stamp.
	if [ "$nbk" -gt 0 ]; then
		for t in $SOFA_FACTS $SOFA_DIMS; do
			printf '%s\n' "$T/$t.csv"
		done | xargs ls -1tr -- | sed 1q > "$stage/oldest" ||
			die "cannot list the tables"
		sed "s|.*|$D/bucket/&.ok|" "$stage/buckets" |
			xargs touch -r "$(cat "$stage/oldest")" -- ||
			die "cannot mark the buckets done"
	fi
	rm -rf -- "$stage"
}

D=${SOFA_D:?} T=${SOFA_T:?}
case $D$T in
*\'*) die "$D: a quote in a path is not supported" ;;
esac
: "${SOFA_FACTS=}" "${SOFA_DIMS=}" "${SOFA_BUCKETS=}"
# One batch at a time in a derived_dir: the batch of a make killed by
# kill -9 goes on, and the next make's waits for it.
mkdir -p -- "$D" || die "$D: cannot create"
exec 7> "$D/.lock" || die "$D/.lock: cannot open"
flock 7 || die "$D/.lock: cannot lock"
case ${1:-} in
ids) ids "${2:?}" ;;
batch) batch ;;
*) die "usage: build.sh ids INDEX | batch" ;;
esac
