#!/bin/sh
# fetch.sh - sofa-fetch against curl --parallel, both fetching the same
# 2,000-match store (8,000 bodies) from a local nginx with no rate limit.
#
# The store is made at run time from the recorded fixtures (t/bench/genstore,
# in a temp dir), nginx runs in the foreground from a generated config on a
# free loopback port, and each client fetches every URL into its own temp
# dir: curl with --parallel --parallel-max 16 writing plain files, sofa-fetch
# with concurrency 16 parsing, checking the contract, and writing every body
# and its .meta atomically (fsync on, its default; and once more with
# fsync = false).  Best of ROUNDS (default 3) runs each.  Prints requests/s
# and the ratio to curl; the goal is at least 0.8, like for like: curl
# syncs nothing, so against the fsync = false run.
#
# ext4 avoids reusing inodes freed in the last few minutes, and sofa-fetch
# creates two per body (the body and its .meta) where curl creates one:
# right after a mass deletion (another bench run, rm -rf of a store) it
# slows down more than curl.  Measure on a quiet machine, a few minutes
# after the last deletion.
#
# Environment: MATCHES (2000), ROUNDS (3), SOFA_SHARED (../shared).
set -eu

matches=${MATCHES:-2000}
rounds=${ROUNDS:-3}
shared=${SOFA_SHARED:-$(cd "$(dirname "$0")/../../.." && pwd)/shared}
src=$(cd "$(dirname "$0")/../.." && pwd)
fixtures=$shared/fixtures/store
for c in nginx curl sofa-fetch jq; do
	command -v "$c" >/dev/null || { echo "fetch.sh: no $c" >&2; exit 1; }
done
[ -d "$fixtures" ] || { echo "fetch.sh: no $fixtures" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sofa-bench-fetch.XXXXXX")
nginx_pid=
cleanup() {
	[ -z "$nginx_pid" ] || kill "$nginx_pid" 2>/dev/null || :
	[ -z "$nginx_pid" ] || wait "$nginx_pid" 2>/dev/null || :
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

echo "fetch.sh: $matches matches ($((matches * 4)) bodies), best of $rounds"
"$src/t/bench/genstore" "$fixtures" "$tmp/store" "$matches" 1000001
bytes=$(du -sb "$tmp/store" | cut -f1)

# nginx in the foreground on a free port (a few tries: another process may
# take the port between our probe and nginx's bind)
start_nginx() {
	port=$(( (($$ + $(date +%N | sed 's/^0*//;s/^$/0/')) % 30000) + 20000 ))
	mkdir -p "$tmp/nginx"
	user=
	[ "$(id -u)" -ne 0 ] || user="user root root;"
	cat >"$tmp/nginx/nginx.conf" <<EOF
$user
worker_processes 2;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log warn;
events { worker_connections 4096; }
http {
	access_log off;
	client_body_temp_path $tmp/nginx/body;
	proxy_temp_path $tmp/nginx/proxy;
	fastcgi_temp_path $tmp/nginx/fastcgi;
	uwsgi_temp_path $tmp/nginx/uwsgi;
	scgi_temp_path $tmp/nginx/scgi;
	default_type application/json;
	keepalive_requests 1000000;
	server {
		listen 127.0.0.1:$port;
		location /api/v1/ {
			rewrite ^/api/v1/(.*)\$ /\$1.json break;
			root $tmp/store;
		}
	}
}
EOF
	nginx -p "$tmp/nginx" -e "$tmp/nginx/error.log" \
	    -c "$tmp/nginx/nginx.conf" -g 'daemon off;' &
	nginx_pid=$!
	i=0
	while [ $i -lt 50 ]; do
		if curl -sf -o /dev/null \
		    "http://127.0.0.1:$port/api/v1/event/1000001"; then
			return 0
		fi
		kill -0 "$nginx_pid" 2>/dev/null || break
		sleep 0.1
		i=$((i + 1))
	done
	kill "$nginx_pid" 2>/dev/null || :
	wait "$nginx_pid" 2>/dev/null || :
	nginx_pid=
	return 1
}
tries=0
until start_nginx; do
	tries=$((tries + 1))
	[ $tries -lt 5 ] || { echo "fetch.sh: nginx did not start" >&2;
	    cat "$tmp/nginx/error.log" >&2; exit 1; }
done
base=http://127.0.0.1:$port/api/v1

# the same URL list for both
seq 1000001 $((1000000 + matches)) >"$tmp/ids"
while read -r id; do
	for p in "event/$id" "event/$id/lineups" "event/$id/incidents" \
	    "event/$id/statistics"; do
		printf 'url = "%s/%s"\noutput = "%s.json"\n' "$base" "$p" "$p"
	done
done <"$tmp/ids" >"$tmp/curl.cfg"
n=$((matches * 4))

now() {
	date +%s.%N
}

# best SECONDS...: the smallest
best() {
	printf '%s\n' "$@" | sort -g | head -n 1
}

# Every run writes into a new directory and nothing is deleted until the
# end: ext4 avoids reusing inodes freed in the last minutes, so a run after
# a deletion would pay for it.
curl_run() {	# DIR
	mkdir "$1"
	t0=$(now)
	(cd "$1" && curl -sS --fail-early --parallel --parallel-max 16 \
	    --create-dirs --config "$tmp/curl.cfg" 2>"$tmp/curl.err") ||
	    { cat "$tmp/curl.err" >&2; exit 1; }
	t1=$(now)
	echo "$t1 - $t0" | awk '{ print $1 - $3 }'
}

sofa_run() {	# DIR FSYNC
	mkdir "$1"
	t0=$(now)
	SOFASCORE_CONFIG=/dev/null SOFASCORE_ROOT=$1 \
	SOFASCORE_SHARE_DIR=$src/share/sofa SOFASCORE_API_BASE=$base \
	SOFASCORE_RATE=0 SOFASCORE_CONCURRENCY=16 SOFASCORE_FSYNC=$2 \
	    sofa-fetch -q <"$tmp/ids" >"$tmp/outcomes" 2>"$tmp/summary"
	t1=$(now)
	echo "$t1 - $t0" | awk '{ print $1 - $3 }'
}

c='' s='' f=''
r=0
while [ $r -lt "$rounds" ]; do
	r=$((r + 1))
	c="$c $(curl_run "$tmp/curl.$r")"
	s="$s $(sofa_run "$tmp/sofa.$r" true)"
	f="$f $(sofa_run "$tmp/nosync.$r" false)"
done
# shellcheck disable=SC2086
{ c=$(best $c); s=$(best $s); f=$(best $f); }

# both got every body, byte for byte
ok=$(jq -s 'map(select(.outcome == "ok")) | length' "$tmp/outcomes")
[ "$ok" -eq "$n" ] || { echo "fetch.sh: sofa-fetch: $ok of $n ok" >&2;
    cat "$tmp/summary" >&2; exit 1; }
diff -r "$tmp/store" "$tmp/sofa.$r/data/raw" -x '*.meta' >/dev/null ||
    { echo "fetch.sh: sofa-fetch's store differs" >&2; exit 1; }
diff -r "$tmp/store" "$tmp/curl.$r" >/dev/null ||
    { echo "fetch.sh: curl's copy differs" >&2; exit 1; }

awk -v n="$n" -v c="$c" -v s="$s" -v f="$f" -v b="$bytes" 'BEGIN {
	printf "%-44s %8.0f requests/s  (%.2f s, %.0f MB/s)\n",
	    "curl --parallel --parallel-max 16", n / c, c, b / c / 1e6
	printf "%-44s %8.0f requests/s  (%.2f s)  %.2fx curl\n",
	    "sofa-fetch, concurrency 16, fsync", n / s, s, c / s
	printf "%-44s %8.0f requests/s  (%.2f s)  %.2fx curl\n",
	    "sofa-fetch, concurrency 16, fsync = false", n / f, f, c / f
	printf "goal: sofa-fetch >= 0.8x curl, validating and writing atomically\n"
	printf "(temp file + rename).  curl syncs nothing, so the like-for-like row\n"
	printf "is fsync = false: %.2fx, goal %s.  fsync = true adds durability\n",
	    c / f, c / f >= 0.8 ? "met" : "NOT met"
	printf "against power loss (two syncs per group of bodies): %.2fx.\n", c / s
}'
