#!/usr/bin/env bash
# bench/fetch-bpftrace.sh - Debian 12's bpftrace (0.17) and every shared
# library it needs, as a tree to put into the guest's initramfs.
#
# Usage: bench/fetch-bpftrace.sh OUTDIR
# `apt-get download` of bpftrace and of the packages of its dependency closure
# that are not installed on this host, `dpkg -x` of them into
#   ${PINSCOPE_CACHE:-~/.cache/pinscope}/debs/bench-bpftrace_<version>/root
# then `ldd` (with that tree first on the library path) names every library;
# OUTDIR gets usr/bin/bpftrace and the libraries in usr/lib/x86_64-linux-gnu
# (plus the loader at /lib64), about 270 MB (80 MB gzip'ed).  Nothing is
# installed into the system.  PINSCOPE_OFFLINE=1: use the cache only.
# Prints the bpftrace version on stdout.  Exit codes: 0 ok, 1 failure.
set -euo pipefail

out=${1:?usage: fetch-bpftrace.sh OUTDIR}
CACHE=${PINSCOPE_CACHE:-$HOME/.cache/pinscope}
OFFLINE=${PINSCOPE_OFFLINE:-0}
log() { echo "[bpftrace] $*" >&2; }
die() { echo "[bpftrace] $*" >&2; exit 1; }

candidate() { apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ {print $2; exit}' | grep -v '(none)' || true; }

ver=""
[ "$OFFLINE" = 1 ] || ver=$(candidate bpftrace)
if [ -z "$ver" ] && [ "$OFFLINE" != 1 ]; then
	log "running apt-get update"
	apt-get update -qq >&2 || log "warning: apt-get update failed"
	ver=$(candidate bpftrace)
fi
if [ -z "$ver" ]; then
	d=$(ls -d "$CACHE"/debs/bench-bpftrace_*/ 2>/dev/null | sort -V | tail -n1)
	[ -n "$d" ] && [ -e "$d/.complete" ] || die "Failed to find bpftrace: no apt candidate and nothing cached"
	ver=${d%/}; ver=${ver##*bench-bpftrace_}
fi
dir="$CACHE/debs/bench-bpftrace_$ver"
root="$dir/root"
if [ ! -e "$dir/.complete" ]; then
	[ "$OFFLINE" != 1 ] || die "Failed to find bpftrace $ver in the cache (PINSCOPE_OFFLINE=1)"
	rm -rf "$dir"
	mkdir -p "$dir/debs" "$root"
	# the closure of Depends; only what this host lacks is downloaded (the rest
	# comes from the host, found by ldd below)
	pkgs=$(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts \
		--no-breaks --no-replaces --no-enhances bpftrace 2>/dev/null | grep -v '^ ' | grep -v '^<' | sort -u)
	want=""
	for p in $pkgs; do
		if [ "$p" = bpftrace ] || ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
			want="$want $p"
		fi
	done
	log "apt-get download$want"
	(cd "$dir/debs" && apt-get download $want >&2) || die "Failed to download$want"
	for deb in "$dir"/debs/*.deb; do
		dpkg -x "$deb" "$root" || die "Failed to unpack $deb"
	done
	touch "$dir/.complete"
fi
[ -x "$root/usr/bin/bpftrace" ] || die "Failed to find usr/bin/bpftrace in $root"

rm -rf "$out"
mkdir -p "$out/usr/bin" "$out/usr/lib/x86_64-linux-gnu" "$out/lib64"
cp "$root/usr/bin/bpftrace" "$out/usr/bin/bpftrace"
libpath="$root/usr/lib/x86_64-linux-gnu:$root/lib/x86_64-linux-gnu"
missing=$(LD_LIBRARY_PATH=$libpath ldd "$root/usr/bin/bpftrace" | grep 'not found' || true)
[ -z "$missing" ] || die "Failed to resolve the libraries of bpftrace: $missing"
while read -r lib; do
	case "$lib" in
	*/ld-linux-x86-64.so.2) cp -L "$lib" "$out/lib64/ld-linux-x86-64.so.2" ;;
	/*) cp -L "$lib" "$out/usr/lib/x86_64-linux-gnu/$(basename "$lib")" ;;
	esac
done < <(LD_LIBRARY_PATH=$libpath ldd "$root/usr/bin/bpftrace" | grep -o '/[^ ]*' | sort -u)
log "bpftrace $ver: $(ls "$out/usr/lib/x86_64-linux-gnu" | wc -l) libraries, $(du -sh "$out" | cut -f1)"
echo "$ver"
