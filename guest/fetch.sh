#!/usr/bin/env bash
# guest/fetch.sh - fetch and cache the Debian packages needed to boot a Xen PV
# dom0 under QEMU: the Xen hypervisor, the Debian 12 kernel that
# linux-image-amd64 depends on, and busybox-static.
#
# Packages are downloaded with `apt-get download` and unpacked with `dpkg -x`
# (nothing is installed into the system) into
#   ${PINSCOPE_CACHE:-$HOME/.cache/pinscope}/debs/<pkg>_<version>/
# A second run finds the unpacked tree and reuses it.
#
# Output: KEY=VALUE lines on stdout (progress goes to stderr), also written to
# $PINSCOPE_CACHE/guest.env so other scripts can `source` it:
#   XEN_ELF     plain ELF of the hypervisor (gunzipped, for QEMU multiboot)
#   XEN_VERSION Debian version of xen-hypervisor-4.17-amd64
#   VMLINUZ     the dom0 kernel
#   KVER        its release (uname -r), e.g. 6.1.0-56-amd64
#   KMODDIR     its modules dir (lib/modules/$KVER)
#   KCONFIG     its config file
#   BUSYBOX     static busybox binary
# Environment: PINSCOPE_CACHE (cache root), XEN_PKG (default
# xen-hypervisor-4.17-amd64), PINSCOPE_OFFLINE=1 (never call apt, use the cache).
# Exit codes: 0 ok, 1 failure (message on stderr).
set -euo pipefail

CACHE=${PINSCOPE_CACHE:-$HOME/.cache/pinscope}
DEBS=$CACHE/debs
XEN_PKG=${XEN_PKG:-xen-hypervisor-4.17-amd64}
OFFLINE=${PINSCOPE_OFFLINE:-0}

log() { echo "[fetch] $*" >&2; }
die() { echo "[fetch] $*" >&2; exit 1; }

command -v dpkg >/dev/null || die "Failed to find dpkg: this script needs a Debian-like system"
mkdir -p "$DEBS" || die "Failed to create cache dir $DEBS: check permissions or set PINSCOPE_CACHE"

apt_updated=0
apt_update_once() {
	[ "$apt_updated" = 1 ] && return 0
	apt_updated=1
	log "running apt-get update"
	apt-get update -qq >&2 || log "warning: apt-get update failed; trying with the current package lists"
}

# candidate version of a package, or empty
candidate() {
	apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ {print $2; exit}' | grep -v '(none)' || true
}

# newest cached version dir of a package (for offline use), or empty
cached_dir() {
	ls -d "$DEBS/$1"_*/ 2>/dev/null | while read -r d; do
		[ -e "$d/.complete" ] && echo "${d%/}"
	done | sort -V | tail -n1
}

# resolve the kernel package linux-image-amd64 depends on (robust to 6.1.0-N)
kernel_pkg() {
	local p=""
	if [ "$OFFLINE" != 1 ]; then
		p=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
		if [ -z "$p" ]; then
			apt_update_once
			p=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
		fi
	fi
	if [ -z "$p" ]; then
		local d
		d=$(ls -d "$DEBS"/linux-image-6.1.0-*-amd64_*/ 2>/dev/null | sort -V | tail -n1)
		[ -n "$d" ] && p=$(basename "$d" | sed 's/_.*//')
	fi
	[ -n "$p" ] || die "Failed to resolve the kernel package: 'apt-cache depends linux-image-amd64' gave nothing and nothing is cached"
	echo "$p"
}

# download_unpack PKG VER DIR: apt-get download + dpkg -x into DIR; on
# failure prints the reason on stdout and returns 1
download_unpack() {
	local pkg=$1 ver=$2 dir=$3 tmp deb err
	tmp=$(mktemp -d "$DEBS/.dl.XXXXXX")
	# apt-get download writes to the current directory; as root it may warn
	# about the _apt sandbox user: harmless
	if ! (cd "$tmp" && apt-get download -q "$pkg=$ver" >/dev/null 2>"$tmp/apt.err"); then
		err=$(grep -v -i 'sandbox' "$tmp/apt.err" | tail -n2 | tr '\n' ' ' || true)
		rm -rf "$tmp"
		echo "${err:-apt-get download failed}"
		return 1
	fi
	deb=$(ls "$tmp"/*.deb 2>/dev/null | head -n1)
	if [ -z "$deb" ]; then rm -rf "$tmp"; echo "no .deb produced"; return 1; fi
	log "unpacking $(basename "$deb") ($(du -h "$deb" | cut -f1))"
	rm -rf "$dir"; mkdir -p "$dir"
	if ! dpkg -x "$deb" "$dir"; then rm -rf "$tmp" "$dir"; echo "dpkg -x $deb failed"; return 1; fi
	basename "$deb" > "$dir/.deb-name"
	rm -rf "$tmp"
	touch "$dir/.complete"
}

# fetch PKG: prints the unpacked dir on stdout
fetch_pkg() {
	local pkg=$1 ver="" dir err
	if [ "$OFFLINE" != 1 ]; then
		ver=$(candidate "$pkg")
		if [ -z "$ver" ]; then
			apt_update_once
			ver=$(candidate "$pkg")
		fi
	fi
	if [ -z "$ver" ]; then
		dir=$(cached_dir "$pkg")
		[ -n "$dir" ] || die "Failed to resolve a version of $pkg: not in the apt lists and not cached in $DEBS"
		if [ "$OFFLINE" = 1 ]; then
			log "reusing cached $pkg (offline): $dir"
		else
			log "reusing cached $pkg (apt has no candidate): $dir"
		fi
		echo "$dir"; return 0
	fi
	# ':' from epochs is awkward in paths
	dir="$DEBS/${pkg}_${ver//:/%3a}"
	if [ -e "$dir/.complete" ]; then
		log "reusing cached $pkg $ver ($dir)"
		echo "$dir"; return 0
	fi
	log "downloading $pkg $ver"
	if ! err=$(download_unpack "$pkg" "$ver" "$dir"); then
		# stale package lists name a version the mirror no longer has
		[ "$apt_updated" = 0 ] || die "Failed to download $pkg=$ver: $err"
		log "download failed ($err): updating the package lists and retrying"
		apt_update_once
		ver=$(candidate "$pkg")
		[ -n "$ver" ] || die "Failed to resolve a version of $pkg after apt-get update"
		dir="$DEBS/${pkg}_${ver//:/%3a}"
		if [ ! -e "$dir/.complete" ]; then
			log "downloading $pkg $ver"
			err=$(download_unpack "$pkg" "$ver" "$dir") || die "Failed to download $pkg=$ver: $err"
		fi
	fi
	echo "$dir"
}

# --- xen ---
xdir=$(fetch_pkg "$XEN_PKG")
xgz=""
for f in "$xdir"/boot/xen-*.gz; do
	case "$f" in *.efi*) ;; *) [ -e "$f" ] && xgz=$f ;; esac
done
[ -n "$xgz" ] || die "Failed to find the hypervisor in $xdir/boot: no xen-*.gz"
XEN_ELF=${xgz%.gz}
if [ ! -s "$XEN_ELF" ]; then
	log "gunzipping $(basename "$xgz") (QEMU multiboot needs the plain ELF)"
	gzip -dc "$xgz" > "$XEN_ELF.tmp" || die "Failed to gunzip $xgz"
	mv "$XEN_ELF.tmp" "$XEN_ELF"
fi
XEN_VERSION=$(basename "$xdir" | sed 's/^[^_]*_//; s/%3a/:/g')

# --- kernel ---
kpkg=$(kernel_pkg)
kdir=$(fetch_pkg "$kpkg")
KVER=${kpkg#linux-image-}
VMLINUZ="$kdir/boot/vmlinuz-$KVER"
[ -s "$VMLINUZ" ] || die "Failed to find the kernel image: $VMLINUZ missing in $kpkg"
KMODDIR="$kdir/lib/modules/$KVER"
KCONFIG="$kdir/boot/config-$KVER"

# --- busybox ---
bdir=$(fetch_pkg busybox-static)
BUSYBOX="$bdir/bin/busybox"
[ -x "$BUSYBOX" ] || die "Failed to find busybox in busybox-static: $BUSYBOX missing"

env_file="$CACHE/guest.env"
{
	echo "XEN_ELF=$XEN_ELF"
	echo "XEN_VERSION=$XEN_VERSION"
	echo "VMLINUZ=$VMLINUZ"
	echo "KVER=$KVER"
	echo "KMODDIR=$KMODDIR"
	echo "KCONFIG=$KCONFIG"
	echo "BUSYBOX=$BUSYBOX"
} > "$env_file.tmp"
mv "$env_file.tmp" "$env_file"
log "ready: xen $XEN_VERSION, kernel $KVER (env in $env_file)"
cat "$env_file"
