# lib.sh - what the sofa shell scripts share (sourced, POSIX sh).
#
# sofa-pipeline, sofa-cron and sofa-replay source this file from the
# configured share_dir after they have read the configuration with
# `sofa-config --shell`.  It holds the messages ("prog: what: why" on
# stderr, like the C programs), a checked write to stdout, UTC time that
# honours SOFA_NOW, the atomic replacement of a file from the shell (temp
# file in the same directory, fsync, rename, fsync of the directory), the
# masking of secret-bearing URLs, and a few small helpers.
#
# A script finds this file beside its own directory (installed:
# BINDIR/../share/sofa; a checkout: build/bin/../../share/sofa) before it
# has read the configuration, sets sofa_prog, sofa_usage_text,
# sofa_help_text and sofa_version_text, and parses its options with the
# helpers below; sofa_config then reads the configuration.  Only
# sofa_die, sofa_usage, sofa_version and sofa_config exit.
# shellcheck shell=sh

: "${sofa_prog:=sofa}"

# sofa_usage STATUS: with 0, the usage and sofa_help_text on stdout and
# exit 0 ("write error" and exit 1 when stdout fails); otherwise the usage
# on stderr and exit STATUS.  (The texts are the caller's variables.)
# shellcheck disable=SC2154
sofa_usage() {
	if [ "$1" -ne 0 ]; then
		printf '%s\n' "$sofa_usage_text" >&2
		exit "$1"
	fi
	{ printf '%s\n\n%s\n' "$sofa_usage_text" "$sofa_help_text"; } \
	    2>/dev/null || sofa_die 1 "write error"
	exit 0
}

# sofa_version: "prog VERSION" on stdout and exit 0.
# shellcheck disable=SC2154
sofa_version() {
	{ printf '%s %s\n' "$sofa_prog" "$sofa_version_text"; } 2>/dev/null ||
		sofa_die 1 "write error"
	exit 0
}

# sofa_needarg OPTION NARGS: an option that takes a value has one (NARGS
# is $# at the option); else usage error.
sofa_needarg() {
	[ "$2" -ge 2 ] && return 0
	sofa_warn "option $1 needs a value"
	sofa_usage 2
}

# sofa_badopt OPTION: an unknown option is a usage error.
sofa_badopt() {
	sofa_warn "unknown option $1"
	sofa_usage 2
}

# sofa_config [FILE]: the configuration (of FILE, else the usual one) as
# SOFASCORE_* variables, exported; exit 2 when it is bad (sofa-config says
# why).
sofa_config() {
	_cfg=$(sofa-config ${1:+--config "$1"} --shell) || exit 2
	eval "$_cfg"
}

# sofa_warn MESSAGE...: "prog: MESSAGE" on stderr.
sofa_warn() {
	printf '%s: %s\n' "$sofa_prog" "$*" >&2
}

# sofa_die STATUS MESSAGE...: warn and exit with STATUS.
sofa_die() {
	_st=$1
	shift
	sofa_warn "$@"
	exit "$_st"
}

# sofa_say LINE...: each LINE on stdout; a failed write (a full disk,
# >/dev/full) is "write error" and exit 1, as in the C programs.
sofa_say() {
	{ printf '%s\n' "$@"; } 2>/dev/null || sofa_die 1 "write error"
}

# sofa_now: Unix seconds, or SOFA_NOW when set (tests, reproducible runs).
sofa_now() {
	if [ -n "${SOFA_NOW:-}" ]; then
		printf '%s\n' "$SOFA_NOW"
	else
		date -u +%s
	fi
}

# sofa_utc [SECONDS]: ISO 8601 UTC time, now when SECONDS is not given.
# shellcheck disable=SC2120
sofa_utc() {
	date -u -d "@${1:-$(sofa_now)}" +%Y-%m-%dT%H:%M:%SZ
}

# sofa_stamp [SECONDS]: the compact UTC form used in names, 20260128T061500Z.
# shellcheck disable=SC2120
sofa_stamp() {
	date -u -d "@${1:-$(sofa_now)}" +%Y%m%dT%H%M%SZ
}

# sofa_fsync PATH...: flush files or directories to disk when the config
# asks for it (fsync = true); sync(1) fsyncs the paths it is given.
sofa_fsync() {
	[ "${SOFASCORE_FSYNC:-true}" = true ] || return 0
	sync -- "$@"
}

# sofa_atomic_write FILE: standard input becomes the new content of FILE,
# atomically: a reader sees the old file or the new one, never a part.
# Returns non-zero (and leaves FILE alone) when anything fails.
sofa_atomic_write() {
	_dir=$(dirname -- "$1")
	_tmp=$(mktemp "$_dir/.${1##*/}.tmp.XXXXXX") || return 1
	if cat > "$_tmp" && sofa_fsync "$_tmp" && mv -f -- "$_tmp" "$1"; then
		sofa_fsync "$_dir"
		return 0
	fi
	rm -f -- "$_tmp"
	return 1
}

# sofa_append FILE LINE: append one line with a single write(2) to a file
# opened O_APPEND, so that concurrent writers never interleave a line.
sofa_append() {
	printf '%s\n' "$2" >> "$1"
}

# sofa_mask_url URL: the URL without what may hold a secret (user
# information, path and query): https://hooks.example.com/*** .
sofa_mask_url() {
	printf '%s\n' "$1" | sed -e 's|^\([A-Za-z][A-Za-z0-9+.-]*://\)[^/@]*@|\1|' \
	    -e 's|^\([A-Za-z][A-Za-z0-9+.-]*://[^/?#]*\)[/?#].*$|\1/***|'
}

# sofa_is_uint WORD: true when WORD is a decimal number.
sofa_is_uint() {
	case $1 in
	'' | *[!0-9]*) return 1 ;;
	esac
	return 0
}

# sofa_mkdirs DIR...: mkdir -p with a message naming what failed.
sofa_mkdirs() {
	for _d; do
		mkdir -p -- "$_d" 2>/dev/null ||
			{ sofa_warn "$_d: cannot create directory"; return 1; }
	done
}
