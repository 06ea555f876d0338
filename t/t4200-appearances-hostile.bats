#!/usr/bin/env bats
# sofa-appearances and STYLE.md's hostile inputs: empty input, no final newline,
# CRLF, a NUL byte, invalid UTF-8, an over-long line, a malformed record in
# the middle, >/dev/full, | head -n 1 and SIGPIPE ignored by the parent;
# and documents that are not JSON (NUL, invalid UTF-8, too large) or have
# CRLF line ends.  The hostile documents of the API contract (a side
# missing, players null, ids as strings...) are cases under t/cases/appearances.

setup_file() {
	load test-lib.sh
	load cases-lib.sh
	gen_store "$BATS_FILE_TMPDIR/gen" 5
}

setup() {
	load test-lib.sh
	common_setup
	load cases-lib.sh
	GEN=$BATS_FILE_TMPDIR/gen
	HDR=$(grep -v '^#' "$SOFA_SRCDIR/share/sofa/schema/appearances.tsv" | cut -f1 |
	    paste -sd, -)
}

@test "empty input: the header, exit 0" {
	hostile_empty sofa-appearances
}

@test "no final newline, CRLF, blank lines, index lines" {
	hostile_line_ends sofa-appearances
}

@test "NUL byte, invalid UTF-8, over-long line, malformed index line: named with the line, the rest done, exit 1" {
	hostile_bad_lines sofa-appearances
}

@test "documents with a NUL byte, invalid UTF-8, or over max_body: named, exit 1" {
	hostile_documents sofa-appearances
}

@test "a document with CRLF line ends and no final newline reads the same" {
	hostile_crlf_document sofa-appearances
}

@test ">/dev/full: write error, exit 1" {
	hostile_dev_full sofa-appearances
}

@test "| head -n 1: quiet, also when the parent ignores SIGPIPE" {
	hostile_head sofa-appearances
}
