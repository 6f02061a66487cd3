#!/usr/bin/env bash
# tools/apt-suite.sh: apt for another Debian suite without touching the
# system's sources.  A private configuration per suite lives in
#   ${PINSCOPE_CACHE:-$HOME/.cache/pinscope}/apt/<suite>/
# (sources.list, lists/, archives/); its lists are refreshed when older than
# a day.  Nothing is installed: packages are downloaded, never configured.
#
# Sourced:  . tools/apt-suite.sh; apt_suite SUITE   (sets APT_SUITE_OPTS, an array
#           of -o options for apt-get and apt-cache; returns 1 with a message
#           on stderr when the suite cannot be set up)
# Run:      tools/apt-suite.sh SUITE apt-get|apt-cache ARGS...
#           e.g. tools/apt-suite.sh sid apt-cache search --names-only '^linux-binary-'
# Suites: bookworm (the system's own: no private configuration), trixie, sid.
# Environment: PINSCOPE_CACHE, PINSCOPE_OFFLINE=1 (never refresh the lists),
# DEBIAN_MIRROR (default http://deb.debian.org/debian).

APT_SUITE_OPTS=()
# the suites it knows (guest/mksystemd.sh's too); bookworm is the system's own
APT_SUITES="bookworm trixie sid"

apt_suite() {
	local suite=$1 dir mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
	local keyring=/usr/share/keyrings/debian-archive-keyring.gpg

	APT_SUITE_OPTS=()
	case " $APT_SUITES " in
	*" $suite "*) ;;
	*) echo "apt-suite: unknown suite '$suite' (one of: $APT_SUITES)" >&2; return 1 ;;
	esac
	case "$suite" in ''|bookworm) return 0 ;; esac
	[ -r "$keyring" ] || { echo "apt-suite: Failed to find $keyring: apt-get install debian-archive-keyring" >&2; return 1; }
	dir=${PINSCOPE_CACHE:-$HOME/.cache/pinscope}/apt/$suite
	mkdir -p "$dir/lists/partial" "$dir/archives/partial" ||
		{ echo "apt-suite: Failed to create $dir: check permissions or set PINSCOPE_CACHE" >&2; return 1; }
	echo "deb [signed-by=$keyring] $mirror $suite main" > "$dir/sources.list"
	APT_SUITE_OPTS=(-o "Dir::Etc::SourceList=$dir/sources.list" -o Dir::Etc::SourceParts=/dev/null
		-o "Dir::State::Lists=$dir/lists" -o "Dir::Cache::Archives=$dir/archives"
		-o "Dir::Cache::pkgcache=$dir/pkgcache.bin" -o "Dir::Cache::srcpkgcache=$dir/srcpkgcache.bin"
		-o Dir::State::Status=/dev/null -o APT::Architecture=amd64 -o APT::Sandbox::User=root)
	[ "${PINSCOPE_OFFLINE:-0}" = 1 ] && return 0
	if [ -z "$(find "$dir/lists" -maxdepth 1 -name '*_Packages*' -mmin -1440 2>/dev/null)" ]; then
		echo "[apt-suite] updating the package lists of $suite ($dir)" >&2
		apt-get "${APT_SUITE_OPTS[@]}" update -qq >&2 ||
			{ echo "apt-suite: Failed to update the package lists of $suite: is $mirror reachable?" >&2; return 1; }
	fi
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -euo pipefail
	[ $# -ge 2 ] || { sed -n '2,/^$/p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
	suite=$1; shift
	apt_suite "$suite" || exit 1
	tool=$1; shift
	case "$tool" in apt-get|apt-cache) ;; *) echo "apt-suite: '$tool' is not apt-get or apt-cache" >&2; exit 2 ;; esac
	exec "$tool" "${APT_SUITE_OPTS[@]}" "$@"
fi
