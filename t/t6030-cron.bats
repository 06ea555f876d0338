#!/usr/bin/env bats
# sofa-cron: the lock (a second run exits 5, a dead holder does not block),
# the time limit, one log per run and their pruning, the failure log, the
# webhook (masked, never changing the status) and the heartbeat.

setup() {
	load test-lib.sh
	common_setup
	load pipeline-lib.sh
	sandbox
	doubles
	upstream 101 v1-101
	index 101
	HB=data/index/last_successful_run.txt
	FL=data/index/pipeline_failures.log
}

teardown() {
	for p in ${CRON1:-} ${HOLDER:-} ${LISTENER:-}; do
		kill -9 "$p" 2>/dev/null || true
	done
	rm -f "$SB/slow.fetch"
}

# listen STATUS: a loopback HTTP listener answering POSTs with STATUS and
# keeping each request body in hook.N; sets LISTENER and HOOK (its URL).
listen() {
	python3 - "$1" > hook.port 2> hook.err 3>&- <<-'EOF' &
	import http.server, sys
	status = int(sys.argv[1])
	n = 0
	class H(http.server.BaseHTTPRequestHandler):
	    def do_POST(self):
	        global n
	        n += 1
	        body = self.rfile.read(int(self.headers["Content-Length"]))
	        with open("hook.%d" % n, "wb") as f:
	            f.write(body)
	        with open("hook.%d.path" % n, "w") as f:
	            f.write(self.path + "\n" + self.headers["Content-Type"] + "\n")
	        self.send_response(status)
	        self.end_headers()
	    def log_message(self, *a):
	        pass
	s = http.server.HTTPServer(("127.0.0.1", 0), H)
	print(s.server_address[1], flush=True)
	s.serve_forever()
	EOF
	LISTENER=$!
	disown "$LISTENER"
	for _ in $(seq 1 100); do [ -s hook.port ] && break; sleep 0.05; done
	HOOK="http://127.0.0.1:$(cat hook.port)/hooks/T0KEN/abc?secret=s3cr3t"
}

@test "a successful run: heartbeat, one log, silence, exit 0" {
	SOFA_NOW=1767225600 run --separate-stderr sofa-cron
	assert_success
	assert_output ""
	[ -z "$stderr" ] || fail "$stderr"
	run cat "$HB"
	assert_output --regexp '^2026-01-01T00:00:00Z [0-9]{8}T[0-9]{6}Z-[0-9]+ /.*/data/logs/sofa-20260101T000000Z-[0-9]+\.log$'
	log=$(cut -d' ' -f3 "$HB")
	grep -q 'run .*: success' "$log"
	grep -q 'sofa-cron: run .* succeeded' "$log"
	[ "$(sofa-runs -j -n 1 | jq -r .log)" = "$log" ]
	[ ! -e "$FL" ]
}

@test "a failed run: exit status, failure-log line, stderr, no heartbeat" {
	echo 4 > "$SB/fetch.exit"
	run --separate-stderr sofa-cron
	assert_failure 4
	[[ "$stderr" == *"failed (exit 4, step fetch); log: "* ]] || fail "$stderr"
	[ "$(wc -l < "$FL")" -eq 1 ]
	IFS=$'\t' read -r t id st step log < "$FL"
	[[ "$t" =~ ^20[0-9-]+T[0-9:]+Z$ ]] || fail "$t"
	[ "$id" = "$(sofa-runs -j -n 1 | jq -r .run_id)" ]
	[ "$st" = 4 ]
	[ "$step" = fetch ]
	[ -f "$log" ]
	grep -q 'fetch failed (status 4)' "$log"
	[ ! -e "$HB" ]
}

@test "webhook: a JSON alert on failure, the URL masked in every log" {
	listen 200
	echo 3 > "$SB/dq.exit"
	SOFASCORE_WEBHOOK_URL=$HOOK run sofa-cron
	assert_failure 3
	said=$output
	[ -f hook.1 ] || fail "no alert: $(cat hook.err)"
	[ "$(jq -r .event hook.1)" = sofa.pipeline.failed ]
	[ "$(jq -r .exit_code hook.1)" = 3 ]
	[ "$(jq -r .failed_step hook.1)" = dq ]
	[ "$(jq -r .env hook.1)" = dev ]
	[ "$(jq -r .run_id hook.1)" = "$(sofa-runs -j -n 1 | jq -r .run_id)" ]
	jq -r .text hook.1 | grep -q 'failed in dq (exit 3)'
	run cat hook.1.path
	assert_line --index 0 "/hooks/T0KEN/abc?secret=s3cr3t"
	assert_line --index 1 "application/json"
	log=$(cut -f5 "$FL")
	grep -q "alert sent to http://127.0.0.1:$(cat hook.port)/\*\*\*" "$log"
	! grep -rq 'T0KEN\|s3cr3t' data || fail "$(grep -r 'T0KEN\|s3cr3t' data)"
	! grep -q 'T0KEN\|s3cr3t' <<<"$said"
}

@test "a failing webhook never changes the exit status" {
	listen 500
	echo 4 > "$SB/fetch.exit"
	SOFASCORE_WEBHOOK_URL=$HOOK run sofa-cron
	assert_failure 4
	log=$(cut -f5 "$FL")
	grep -q 'alert to http://127.0.0.1:.*/\*\*\* failed' "$log"
	! grep -rq 'T0KEN\|s3cr3t' data
	# Nobody listening at all: the same.
	kill -9 "$LISTENER"; wait "$LISTENER" 2>/dev/null || true; LISTENER=
	SOFASCORE_WEBHOOK_URL=$HOOK run sofa-cron
	assert_failure 4
	# And a success sends nothing.
	rm "$SB/fetch.exit" hook.*
	listen 200
	SOFASCORE_WEBHOOK_URL=$HOOK run sofa-cron
	assert_success
	[ ! -e hook.1 ]
}

@test "two sofa-cron at once: the second exits 5 and does nothing" {
	touch "$SB/slow.fetch"
	sofa-cron > cron1.out 2>&1 3>&- &
	CRON1=$!
	for _ in $(seq 1 100); do
		grep -q 'sofa-fetch' "$SB/calls.log" 2>/dev/null && break
		sleep 0.1
	done
	run --separate-stderr sofa-cron
	assert_failure 5
	[[ "$stderr" == *"another run holds"*"sofa.lock; not starting (exit 5)"* ]] || fail "$stderr"
	[ "$(ls data/logs | wc -l)" -eq 1 ]
	[ "$(sofa-runs -n 0 -j | wc -l)" -eq 1 ]
	rm "$SB/slow.fetch"
	wait "$CRON1"
	CRON1=
	[ -f "$HB" ]
}

@test "a stale lock from a dead process does not block" {
	mkdir -p data/index
	flock -o data/index/sofa.lock sleep 300 3>&- &
	HOLDER=$!
	for _ in $(seq 1 50); do
		flock -n data/index/sofa.lock true || break
		sleep 0.1
	done
	run sofa-cron
	assert_failure 5
	kill -9 "$HOLDER"; wait "$HOLDER" 2>/dev/null || true; HOLDER=
	[ -e data/index/sofa.lock ]	# the file stays: only the lock died
	run sofa-cron
	assert_success
}

@test "pipeline_timeout stops the run: exit 124, aborted, a failure line" {
	touch "$SB/slow.fetch"
	SOFASCORE_PIPELINE_TIMEOUT=2 run sofa-cron
	assert_failure 124
	run sofa-runs -j -n 1
	[ "$(jq -r .status <<<"$output")" = aborted ]
	[ "$(jq -r .failed_step <<<"$output")" = fetch ]
	[ "$(cut -f3,4 "$FL")" = "$(printf '124\tfetch')" ]
	grep -q 'stopped after pipeline_timeout (2 s)' "$(cut -f5 "$FL")"
	# Nothing of the run is left running, and the lock is free.
	flock -n data/index/sofa.lock true
}

@test "one log per run, the oldest pruned beyond logs_keep" {
	for i in 1 2 3 4; do
		SOFASCORE_LOGS_KEEP=2 SOFA_NOW=$((1767225600 + i)) sofa-cron
	done
	run ls data/logs
	[ "${#lines[@]}" -eq 2 ]
	assert_line --index 0 --regexp '^sofa-20260101T000003Z-[0-9]+\.log$'
	assert_line --index 1 --regexp '^sofa-20260101T000004Z-[0-9]+\.log$'
}

@test "options after -- go to the pipeline; the working directory is the root" {
	sofa-cron >/dev/null
	: > "$SB/calls.log"
	mkdir elsewhere
	(cd elsewhere && SOFASCORE_ROOT=$BATS_TEST_TMPDIR sofa-cron -- --from build)
	! grep -q sofa-fetch "$SB/calls.log"
	[ "$(sofa-runs -j -n 1 | jq -r .steps_run)" = "build dq publish" ]
	run sofa-cron --bogus
	assert_failure 2
	run sofa-cron extra
	assert_failure 2
}

# sofa-cron(1) EXAMPLES.
@test "the examples of the man page run" {
	sofa-cron
	run sh -c 'hb=$(sofa-config index_dir)/last_successful_run.txt
	[ -n "$(find "$hb" -mmin -1560 2>/dev/null)" ] || echo "sofa: no success for 26 h"'
	assert_output ""
	touch -d '2 days ago' "$HB"
	run sh -c 'hb=$(sofa-config index_dir)/last_successful_run.txt
	[ -n "$(find "$hb" -mmin -1560 2>/dev/null)" ] || echo "sofa: no success for 26 h"'
	assert_output "sofa: no success for 26 h"
	echo 4 > "$SB/fetch.exit"
	sofa-cron 2>/dev/null || true
	run sh -c 'tail -n 5 "$(sofa-config index_dir)/pipeline_failures.log"'
	assert_output --partial "$(printf '\t4\tfetch\t')"
	rm "$SB/fetch.exit"
	run sofa-cron -- --from build
	assert_success
	# The crontab line of the page and of etc/crontab.example parse.
	grep -Eq '^15 6 \* \* \* .*sofa-cron$' "$SOFA_SRCDIR/etc/crontab.example"
}
