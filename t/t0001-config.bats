#!/usr/bin/env bats
# sofa-config: layers, origins, shell export, errors (issue 2, item 4).

setup() {
	load test-lib.sh
	common_setup
}

@test "environment override is printed and shown as the origin" {
	SOFASCORE_RAW_BASE=/srv/raw run sofa-config raw_base
	assert_success
	assert_output /srv/raw
	SOFASCORE_RAW_BASE=/srv/raw run sofa-config
	assert_success
	assert_line --regexp '^raw_base +=  ?/srv/raw  # environment SOFASCORE_RAW_BASE$'
}

@test "a value from the file shows file:line" {
	mkdir etc
	printf '; comment\n[paths]\n\nraw_base = /from/file\n' > etc/sofa.ini
	unset SOFASCORE_CONFIG
	run sofa-config
	assert_success
	assert_line --regexp '^raw_base += /from/file  # etc/sofa.ini:4$'
	assert_line --regexp '^index_dir += .*/data/index  # default$'
}

@test "precedence: default < file < environment" {
	printf '[http]\nconcurrency = 8\nretries = 2\n' > my.ini
	SOFASCORE_CONFIG=my.ini SOFASCORE_RETRIES=7 run sofa-config concurrency retries rate
	assert_success
	assert_output "$(printf '8\n7\n2')"
}

@test "relative paths resolve against the root" {
	SOFASCORE_ROOT=/var/lib/sofa run sofa-config raw_base index_path fetch_log
	assert_success
	assert_output "$(printf '/var/lib/sofa/data/raw\n/var/lib/sofa/data/index/matches.ndjson\n/var/lib/sofa/data/index/fetch_log.ndjson')"
	SOFASCORE_INDEX_DIR=idx run sofa-config index_path
	assert_output "$BATS_TEST_TMPDIR/idx/matches.ndjson"
}

@test "the checkout's etc/sofa.ini puts data in the checkout" {
	unset SOFASCORE_ROOT SOFASCORE_SHARE_DIR
	run sofa-config --config "$SOFA_SRCDIR/etc/sofa.ini" root raw_base share_dir
	assert_success
	assert_output "$(printf '%s\n%s/data/raw\n%s/share/sofa' "$SOFA_SRCDIR" "$SOFA_SRCDIR" "$SOFA_SRCDIR")"
}

@test "--shell output evals to the same values, quoted safely" {
	export SOFASCORE_USER_AGENT="it's \$HOME \`x\` \"q\""
	sofa-config --shell > env.sh
	run sh -c '. ./env.sh && printf "%s|%s" "$SOFASCORE_USER_AGENT" "$SOFASCORE_RAW_BASE"'
	assert_success
	assert_output "it's \$HOME \`x\` \"q\"|$BATS_TEST_TMPDIR/data/raw"
	run grep -c '^export SOFASCORE_[A-Z_]*=' env.sh
	assert_output "$(($(sofa-config -j | wc -l) + 1))"
	run head -n 1 env.sh
	assert_output "export SOFASCORE_CONFIG='/dev/null'"
}

@test "-j prints one JSON object per key" {
	sofa-config -j > out.ndjson
	run jq -r 'select(.key == "concurrency") | "\(.value) \(.origin) \(.section)"' out.ndjson
	assert_output "4 default http"
	run jq -s 'length' out.ndjson
	[ "$output" -ge 40 ]
}

@test "--competitions lists the [competition] sections" {
	printf '[competition epl]\ntournament = 17\nseasons = 2023/24\n\n[competition liga]\ntournament = 8\n' > c.ini
	run sofa-config --config c.ini --competitions
	assert_success
	assert_line --index 0 '{"name":"epl","tournament":17,"seasons":"2023/24","origin":"c.ini:1"}'
	assert_line --index 1 '{"name":"liga","tournament":8,"seasons":"current","origin":"c.ini:5"}'
}

@test "bad config: file:line and exit 2" {
	printf '[http]\nconcurrency = lots\n' > bad.ini
	run sofa-config --config bad.ini
	assert_failure 2
	assert_output "sofa-config: bad.ini:2: concurrency: 'lots' is not an integer (1..64)"
	printf '[paths]\nraw_bsae = x\n' > bad.ini
	run sofa-config --config bad.ini raw_base
	assert_failure 2
	assert_output "sofa-config: bad.ini:2: unknown key 'raw_bsae'"
	printf 'raw_base x\n' > bad.ini
	run sofa-config --config bad.ini
	assert_failure 2
	assert_output --partial "bad.ini:1: syntax error"
}

@test "unreadable or missing config file: exit 2" {
	SOFASCORE_CONFIG=/nonexistent.ini run sofa-config
	assert_failure 2
	assert_output "sofa-config: /nonexistent.ini: No such file or directory"
	mkdir d.ini
	run sofa-config --config d.ini
	assert_failure 2
}

@test "bad environment value: exit 2 naming the variable" {
	SOFASCORE_RATE=fast run sofa-config
	assert_failure 2
	assert_output "sofa-config: environment SOFASCORE_RATE: 'fast' is not a number (0..1000)"
}

@test "a \${key} cycle or an exploding expansion: exit 2 naming the key, at once" {
	printf '[paths]\nindex_dir = ${index_dir}/x\n' > bad.ini
	run sofa-config --config bad.ini index_dir
	assert_failure 2
	assert_output "sofa-config: bad.ini:2: index_dir: '\${index_dir}/x' refers back to index_dir itself"
	printf '[paths]\nindex_dir = ${log_dir}/x\nlog_dir = ${index_dir}/y\n' > bad.ini
	run sofa-config --config bad.ini raw_base
	assert_failure 2
	assert_output --partial "bad.ini:2: index_dir: '\${log_dir}/x' refers back to index_dir itself"
	SOFASCORE_LOG_DIR='${index_dir}' SOFASCORE_INDEX_DIR='/x/${log_dir}' \
	    run sofa-config raw_base
	assert_failure 2
	assert_output --partial "environment SOFASCORE_INDEX_DIR: index_dir:"
	# fuzz-config's find: eight levels of two self-references each used
	# to take 2^8 expansions per level (a timeout); now refused at once
	run sofa-config --config "$SOFA_SRCDIR"/t/fuzz/regress/fuzz-config/self-reference-blowup index_dir
	assert_failure 2
	assert_output --partial "refers back to index_dir itself"
	# no cycle, but 15 x 9 copies of a 100-byte value
	{ printf '[paths]\nindex_dir = /a'; printf '${log_dir}%.0s' $(seq 15)
	  printf '\nlog_dir = /b'; printf '${quarantine_dir}%.0s' $(seq 9)
	  printf '\nquarantine_dir = /c%0100d\n' 0; } > big.ini
	run sofa-config --config big.ini raw_base
	assert_failure 2
	assert_output "sofa-config: big.ini:2: index_dir: longer than 4096 bytes once its \${key} references are replaced"
	# a reference that is no cycle still works
	printf '[paths]\nindex_dir = /srv/i\nlog_dir = ${index_dir}/log\n' > ok.ini
	run sofa-config --config ok.ini log_dir
	assert_success
	assert_output /srv/i/log
}

@test "unknown SOFASCORE_ variable is warned about, not fatal" {
	SOFASCORE_RAWBASE=/x run sofa-config raw_base
	assert_success
	assert_line "sofa-config: ignoring unknown variable SOFASCORE_RAWBASE"
}

@test "unknown key argument: exit 2" {
	run sofa-config raw_base no_such_key
	assert_failure 2
	assert_line "sofa-config: unknown key 'no_such_key'"
}

@test "ENV sets env, SOFASCORE_ENV wins over it" {
	ENV=prod run sofa-config env
	assert_output prod
	ENV=prod SOFASCORE_ENV=ci run sofa-config env
	assert_output ci
}

@test "many keys into a closed pipe end quietly" {
	set -- $(yes raw_base | head -n 20000)
	run bash -c 'sofa-config "$@" | head -n 1; echo "status=${PIPESTATUS[0]}"' _ "$@"
	assert_line --index 0 "$BATS_TEST_TMPDIR/data/raw"
	assert_line --index 1 "status=141"
	refute_output --partial "sofa-config:"
}
