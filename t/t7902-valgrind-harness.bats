#!/usr/bin/env bats
# make check-valgrind's harness (t/valgrind.sh) catches what it is for: a
# wrapped program that leaks exits 99 with its report in the log
# directory, never on its stderr, and the report step fails naming it; a
# clean run passes; scripts are linked, not wrapped.

setup() {
	load test-lib.sh
	common_setup
	command -v valgrind >/dev/null || skip "no valgrind"
	command -v cc >/dev/null || skip "no C compiler"
	mkdir -p b/bin
	cat > leak.c <<-'C'
	#include <stdlib.h>
	#include <string.h>
	int main(int argc, char **argv) {
		char *p = malloc(100);
		strcpy(p, "x");
		if (argc > 1 && strcmp(argv[1], "free") == 0)
			free(p);
		return 0;
	}
	C
	cc -g -O0 -o b/bin/prog leak.c
	printf '#!/bin/sh\necho script "$@"\n' > b/bin/script
	chmod 755 b/bin/script
	sh "$SOFA_SRCDIR/t/valgrind.sh" wrap b
}

@test "a leak at exit: status 99, the report in the log, the step fails" {
	[ -L b/valgrind/bin/script ] || fail "script not linked"
	run b/valgrind/bin/script a
	assert_output "script a"
	run --separate-stderr b/valgrind/bin/prog
	assert_equal "$status" 99
	assert_equal "$stderr" ""
	run grep -l "definitely lost: 100 bytes" b/valgrind/log/prog.*
	assert_success
	run sh "$SOFA_SRCDIR/t/valgrind.sh" report b
	assert_failure
	assert_line --partial "1 program runs: 0 exited with 0 errors and 0 leaks"
	assert_line --partial "1 with errors"
}

@test "a clean run passes; no run at all fails" {
	run sh "$SOFA_SRCDIR/t/valgrind.sh" report b
	assert_failure
	run b/valgrind/bin/prog free
	assert_success
	run sh "$SOFA_SRCDIR/t/valgrind.sh" report b
	assert_success
	assert_output "valgrind: 1 program runs: 1 exited with 0 errors and 0 leaks, 0 ended by a signal (no leak check), 0 with errors"
}
