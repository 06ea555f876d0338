#!/usr/bin/env bats
# The claims of docs/security.md that no other test shows: stored files
# take their mode from the umask and no temporary file is left behind; a
# symlink planted in the store is replaced, never written through; TLS
# verification cannot be turned off (an untrusted certificate is refused
# whatever the environment says, and no key mentions it); a document
# nested 100,000 deep is named as bad, never a crash.

setup() {
	load fetch-lib.sh
	fetch_setup
	TLS_PID=
}

teardown() {
	if [ -n "$TLS_PID" ]; then
		kill "$TLS_PID" 2>/dev/null
		wait "$TLS_PID" 2>/dev/null || true
	fi
	fetch_teardown
}

@test "stored files and directories take the umask's mode; no temp file is left" {
	serve "$FIXTURES/store"
	(umask 027 && sofa-fetch -q --endpoints 'event lineups' 11080977)
	run stat -c '%a %n' data/raw/event/11080977.json \
	    data/raw/event/11080977.meta data/raw/event/11080977/lineups.json \
	    data/raw/event/11080977 data/index/fetch_log.ndjson
	assert_output "640 data/raw/event/11080977.json
640 data/raw/event/11080977.meta
640 data/raw/event/11080977/lineups.json
750 data/raw/event/11080977
640 data/index/fetch_log.ndjson"
	(umask 022 && sofa-fetch -q --endpoints event 14348664)
	run stat -c '%a' data/raw/event/14348664.json
	assert_output 644
	run find data -name '.*' -o -name '*tmp*'
	assert_output ""
}

@test "a symlink planted in the store is replaced, never written through" {
	serve "$FIXTURES/store"
	mkdir -p data/raw/event outside
	echo keep > outside/victim
	ln -s ../../../outside/victim data/raw/event/11080977.json
	run sofa-fetch -q --force --endpoints event 11080977
	assert_success
	[ ! -L data/raw/event/11080977.json ] || fail "still a symlink"
	cmp data/raw/event/11080977.json "$FIXTURES/store/event/11080977.json"
	assert_equal "$(cat outside/victim)" keep
}

@test "TLS: an untrusted certificate is refused, whatever the environment says" {
	command -v openssl >/dev/null || skip "no openssl"
	openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem \
	    -out cert.pem -days 2 -subj /CN=127.0.0.1 \
	    -addext subjectAltName=IP:127.0.0.1 2>/dev/null
	openssl s_server -accept 127.0.0.1:0 -cert cert.pem -key key.pem \
	    -www >tls.out 2>&1 3>&- &
	TLS_PID=$!
	for _ in $(seq 100); do
		grep -q '^ACCEPT' tls.out && break
		sleep 0.05
	done
	port=$(sed -n 's/^ACCEPT .*:\([0-9][0-9]*\)$/\1/p' tls.out)
	[ -n "$port" ] || fail "no s_server: $(cat tls.out)"
	export SOFASCORE_API_BASE=https://127.0.0.1:$port/api/v1
	export SOFASCORE_RETRIES=0
	run --separate-stderr sofa-fetch get event/1
	assert_failure 1
	[[ "$stderr" == *"certificate"* ]] || fail "$stderr"
	# The variables that make the curl program trust a file, or trust
	# anything, do not reach the library.
	SSL_CERT_FILE=$PWD/cert.pem CURL_CA_BUNDLE=$PWD/cert.pem \
	    CURL_SSL_NO_VERIFY=1 CURLOPT_SSL_VERIFYPEER=0 \
	    run --separate-stderr sofa-fetch get event/1
	assert_failure 1
	[[ "$stderr" == *"certificate"* ]] || fail "$stderr"
	# No configuration key speaks of certificates or verification.
	run sh -c "sofa-config -j | jq -r .key | grep -Ei 'verify|insecure|tls|ssl|cert|^ca'"
	assert_output ""
}

@test "a document nested 100,000 deep is named as bad, never a crash" {
	mkdir -p data/raw/event/1
	awk 'BEGIN { s = "{\"event\":"; for (i = 0; i < 100000; i++) s = s "[";
	    for (i = 0; i < 100000; i++) s = s "]"; print s "}" }' \
	    > data/raw/event/1.json
	sed 's/"event"/"incidents"/' data/raw/event/1.json \
	    > data/raw/event/1/incidents.json
	sed 's/"event"/"home"/' data/raw/event/1.json \
	    > data/raw/event/1/lineups.json
	for p in sofa-matches sofa-incidents sofa-lineups sofa-appearances; do
		run --separate-stderr "$p" -q 1
		assert_equal "$status" 1
		[[ "$stderr" == *"data/raw/event/1"* ]] || fail "$p: $stderr"
	done
}
