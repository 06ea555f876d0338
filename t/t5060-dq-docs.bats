#!/usr/bin/env bats
# Every rule sofa-dq has is documented: a text in share/sofa/dq/rules.tsv
# (what --list prints), a section docs/fixing_validation_failures.md#ID with
# a heading, and a mention in the man page; and nothing documents a rule
# that does not exist.

setup() {
	load test-lib.sh
	common_setup
	run sofa-dq --list
	assert_success
	printf '%s\n' "$output" | awk '{ print $1 }' > ids
	[ "$(wc -l < ids)" -ge 26 ]
	DOC=$SOFA_SRCDIR/docs/fixing_validation_failures.md
}

@test "every rule has a line in share/sofa/dq/rules.tsv and nothing else does" {
	cut -f1 "$SOFA_SRCDIR/share/sofa/dq/rules.tsv" | grep -v '^#' |
	    sort > texts
	sort ids > want
	run diff want texts
	assert_success
}

@test "every rule has a section #ID with a heading in docs/fixing_validation_failures.md" {
	while read -r id; do
		grep -A1 -x "<a id=\"$id\"></a>" "$DOC" > section ||
			fail "no anchor for $id"
		grep -qx "### $id" section || fail "no heading for $id"
	done < ids
}

@test "the documentation has no section for a rule that does not exist" {
	sed -n 's/^<a id="\(.*\)"><\/a>$/\1/p' "$DOC" | sort > documented
	sort ids > want
	run diff want documented
	assert_success
}

@test "each section says the severity, the causes and a fix" {
	while read -r id; do
		sed -n "/^### $id\$/,/^### /p" "$DOC" > section
		grep -Eq '^\*\*(FAIL|WARN)' section || fail "$id: no severity"
		grep -qi 'likely causes' section || fail "$id: no causes"
		grep -q '^Fix' section || fail "$id: no fix"
	done < ids
}

@test "the severity a section gives is the rule's default" {
	while read -r id; do
		sev=$(awk -v id="$id" '$1 == id { print $2 }' \
		    "$SOFA_SRCDIR/share/sofa/dq/rules.tsv")
		sed -n "/^### $id\$/,/^### /p" "$DOC" > section
		grep -q "^\*\*$sev[.*]" section ||
			fail "$id: the section does not start with **$sev**"
	done < ids
}

@test "the man page names every rule" {
	mandoc -Tascii "$SOFA_SRCDIR/docs/sofa-dq.1" | col -b > page
	while read -r id; do
		grep -q "$id" page || fail "sofa-dq(1) does not name $id"
	done < ids
}
