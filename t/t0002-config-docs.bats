#!/usr/bin/env bats
# Every configuration key is documented where a user looks for it:
# etc/sofa.ini (commented), etc/sofa.env.example, docs/setup.md.

setup() {
	load test-lib.sh
	common_setup
	sofa-config -j | jq -r .key > keys
}

@test "etc/sofa.ini sets or shows every key, each with a comment" {
	while read -r k; do
		grep -Eq "^;? ?$k = " "$SOFA_SRCDIR/etc/sofa.ini" ||
			fail "etc/sofa.ini lacks $k"
	done < keys
	run sofa-config --config "$SOFA_SRCDIR/etc/sofa.ini" env
	assert_success
}

@test "etc/sofa.env.example lists every SOFASCORE_ override" {
	while read -r k; do
		v=SOFASCORE_$(printf %s "$k" | tr a-z A-Z)
		grep -Eq "^#? ?$v=" "$SOFA_SRCDIR/etc/sofa.env.example" ||
			fail "etc/sofa.env.example lacks $v"
	done < keys
}

@test "docs/setup.md explains every key and its variable" {
	while read -r k; do
		v=SOFASCORE_$(printf %s "$k" | tr a-z A-Z)
		grep -q "\`$k\`" "$SOFA_SRCDIR/docs/setup.md" ||
			fail "docs/setup.md lacks $k"
		grep -q "$v" "$SOFA_SRCDIR/docs/setup.md" ||
			fail "docs/setup.md lacks $v"
	done < keys
}
