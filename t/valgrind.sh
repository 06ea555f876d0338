#!/bin/sh
# valgrind.sh - the two ends of make check-valgrind.
#
#	sh t/valgrind.sh wrap BUILD
#		Write BUILD/valgrind/bin: for every compiled program of
#		BUILD/bin a wrapper that runs it under valgrind memcheck (full
#		leak check, definite and indirect leaks counted as errors, exit
#		status 99 on any error, the report in BUILD/valgrind/log/, never
#		on the program's own stderr), for every script a link.  Empty
#		the log directory.  t/test-lib.sh puts BUILD/valgrind/bin first
#		on PATH (and in SOFA_BIN) when SOFA_VALGRIND=1.
#	sh t/valgrind.sh report BUILD
#		Read the logs: print how many program runs ended normally with
#		zero errors and zero leaks, name every log that reports one and
#		fail.  A run killed by a signal (SIGPIPE after `| head`, a test's
#		kill) writes no summary and is counted apart: valgrind checks
#		leaks on a normal exit only.
set -eu

cmd=${1:?usage: valgrind.sh wrap|report BUILD}
build=${2:?usage: valgrind.sh wrap|report BUILD}
vg=$build/valgrind
bin=$(cd "$build/bin" && pwd)

case $cmd in
wrap)
	command -v valgrind >/dev/null || {
		echo "valgrind.sh: no valgrind (Debian package valgrind)" >&2
		exit 2
	}
	rm -rf "$vg"
	mkdir -p "$vg/bin" "$vg/log"
	log=$(cd "$vg/log" && pwd)
	for p in "$bin"/*; do
		name=${p##*/}
		if [ "$(head -c 4 "$p")" = "$(printf '\177ELF')" ]; then
			cat > "$vg/bin/$name" <<-WRAP
			#!/bin/sh
			exec valgrind --tool=memcheck --leak-check=full \\
			    --errors-for-leak-kinds=definite,indirect \\
			    --show-leak-kinds=definite,indirect \\
			    --error-exitcode=99 \\
			    --log-file='$log/$name.%p' '$p' "\$@"
			WRAP
			chmod 755 "$vg/bin/$name"
		else
			ln -s "$p" "$vg/bin/$name"
		fi
	done
	;;
report)
	runs=0 clean=0 killed=0 bad=
	for f in "$vg"/log/*; do
		[ -f "$f" ] || continue
		runs=$((runs + 1))
		if ! grep -q 'ERROR SUMMARY:' "$f"; then
			killed=$((killed + 1))
		elif grep -q 'ERROR SUMMARY: 0 errors' "$f"; then
			clean=$((clean + 1))
		else
			bad="$bad $f"
		fi
	done
	echo "valgrind: $runs program runs: $clean exited with 0 errors" \
	    "and 0 leaks, $killed ended by a signal (no leak check)," \
	    "$(echo "$bad" | wc -w) with errors"
	[ "$runs" -gt 0 ] || { echo "valgrind: no program ran" >&2; exit 1; }
	if [ -n "$bad" ]; then
		for f in $bad; do
			echo "== $f" >&2
			cat "$f" >&2
		done
		exit 1
	fi
	;;
*)
	echo "usage: valgrind.sh wrap|report BUILD" >&2
	exit 2
	;;
esac
