#!/usr/bin/env bash
# guest/fetch.sh - fetch and cache the Debian packages needed to boot a Xen PV
# guest under QEMU: the Xen hypervisor, a Debian 12 kernel (by default the one
# linux-image-amd64 depends on; any other by name), busybox-static and, with
# --toolstack, Xen's toolstack for a dom0 that starts domUs.
#
# Usage: guest/fetch.sh [-S SUITE] [-K PKG] [-X XENPKG] [--xen-suite SUITE] [--toolstack]
#   -S, --suite SUITE     the Debian suite of the kernel (env GUEST_SUITE):
#                         bookworm (default, the system's own apt sources),
#                         trixie or sid (a private apt configuration under the
#                         cache: tools/apt-suite.sh; the system's sources are
#                         never changed)
#   -K, --kernel-pkg PKG  the kernel package (env GUEST_KERNEL_PKG): a
#                         concrete one (linux-image-6.12.117+deb12-cloud-amd64)
#                         or a meta-package that depends on one
#                         (linux-image-6.12-cloud-amd64, linux-image-cloud-amd64);
#                         default linux-image-amd64.  Both packagings: the
#                         image in the package (boot/vmlinuz-*, up to 6.x), or,
#                         since 7.2, linux-image-<ver> a meta package over
#                         linux-binary-<ver> (usr/lib/modules/<ver>/vmlinuz)
#                         and linux-base-<ver> (its config)
#   -X, --xen PKG         the hypervisor package (env XEN_PKG), default
#                         xen-hypervisor-4.17-amd64; --xen-suite SUITE (env
#                         XEN_SUITE) its suite, e.g. -X xen-hypervisor-4.20-amd64
#                         --xen-suite trixie
#   -T, --toolstack       also fetch xen-utils-4.17 with the libraries xl,
#                         xenstored, xenconsoled and xen-init-dom0 need
#                         (TOOLSTACK_DEBS below)
#   -h, --help
#
# Packages are downloaded with `apt-get download` and unpacked with `dpkg -x`
# (nothing is installed into the system) into
#   ${PINSCOPE_CACHE:-$HOME/.cache/pinscope}/debs/<pkg>_<version>/
# A second run finds the unpacked tree and reuses it.
#
# Output: KEY=VALUE lines on stdout (progress goes to stderr), also written to
# $PINSCOPE_CACHE/guest.env (the default kernel) or
# $PINSCOPE_CACHE/kernels/<PKG>.env (-K PKG) so other scripts can `source` it:
#   XEN_ELF     plain ELF of the hypervisor (gunzipped, for QEMU multiboot)
#   XEN_VERSION Debian version of xen-hypervisor-4.17-amd64
#   KERNEL_PKG  the concrete kernel package
#   KERNEL_SUITE its suite
#   VMLINUZ     the kernel image
#   KVER        its release (uname -r), e.g. 6.1.0-56-amd64
#   KMODDIR     its modules dir (lib/modules/$KVER)
#   KCONFIG     its config file
#   KDOM0       y if the config has CONFIG_XEN_DOM0=y (it can boot as dom0),
#               n if not (PV domU only: guest/boot.sh --domu)
#   BUSYBOX     static busybox binary
#   TOOLSTACK_DIRS  (--toolstack) the unpacked package trees, space-separated
# Environment: PINSCOPE_CACHE (cache root), XEN_PKG (default
# xen-hypervisor-4.17-amd64), GUEST_KERNEL_PKG (as -K), PINSCOPE_OFFLINE=1
# (never call apt, use the cache).
# Exit codes: 0 ok, 1 failure (message on stderr), 2 usage error.
set -euo pipefail

CACHE=${PINSCOPE_CACHE:-$HOME/.cache/pinscope}
DEBS=$CACHE/debs
XEN_PKG=${XEN_PKG:-xen-hypervisor-4.17-amd64}
XEN_SUITE=${XEN_SUITE:-bookworm}
KSUITE=${GUEST_SUITE:-bookworm}
OFFLINE=${PINSCOPE_OFFLINE:-0}
KPKG=${GUEST_KERNEL_PKG:-}
# xl, xenstored, xenconsoled, xen-init-dom0 and every library they load
# (Debian 12's; libc6 too, so the dom0 image does not depend on the host's)
TOOLSTACK_DEBS="xen-utils-4.17 libxenmisc4.17 libxenstore4 libxencall1 libxenevtchn1
	libxenforeignmemory1 libxengnttab1 libxentoollog1 libxentoolcore1 libxendevicemodel1
	libxenhypfs1 libyajl2 libc6 libgcc-s1 libuuid1 liblzma5 libzstd1 zlib1g libtinfo6 libncursesw6"
toolstack=0

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
	case "$1" in
	-K|--kernel-pkg)
		[ -n "${2:-}" ] || { echo "fetch.sh: option '$1' needs a value" >&2; exit 2; }
		KPKG=$2; shift 2 ;;
	-S|--suite)
		[ -n "${2:-}" ] || { echo "fetch.sh: option '$1' needs a value" >&2; exit 2; }
		KSUITE=$2; shift 2 ;;
	-X|--xen)
		[ -n "${2:-}" ] || { echo "fetch.sh: option '$1' needs a value" >&2; exit 2; }
		XEN_PKG=$2; shift 2 ;;
	--xen-suite)
		[ -n "${2:-}" ] || { echo "fetch.sh: option '$1' needs a value" >&2; exit 2; }
		XEN_SUITE=$2; shift 2 ;;
	-T|--toolstack) toolstack=1; shift ;;
	-h|--help) usage; exit 0 ;;
	*) echo "fetch.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
	esac
done
for su in "$KSUITE" "$XEN_SUITE"; do
	case "$su" in bookworm|trixie|sid) ;;
	*) echo "fetch.sh: unknown suite '$su' (bookworm, trixie or sid)" >&2; exit 2 ;;
	esac
done
case "$XEN_PKG" in xen-hypervisor-*) ;;
*) echo "fetch.sh: '$XEN_PKG' is not a Xen hypervisor package (xen-hypervisor-...)" >&2; exit 2 ;;
esac
case "$KPKG" in
''|linux-image-[a-z0-9]*) ;;
*) echo "fetch.sh: '$KPKG' is not a Debian kernel package name (linux-image-...)" >&2; exit 2 ;;
esac

log() { echo "[fetch] $*" >&2; }
die() { echo "[fetch] $*" >&2; exit 1; }

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../tools/apt-suite.sh
. "$HERE/../tools/apt-suite.sh"
# apt of the suite in use (use_suite): the system's for bookworm, else a
# private configuration (tools/apt-suite.sh)
SUITE="" APTS=()
use_suite() {
	[ "$SUITE" = "$1" ] && return 0
	apt_suite "$1" || die "Failed to set up apt for the suite $1 (see the message above)"
	SUITE=$1
	APTS=("${APT_SUITE_OPTS[@]+"${APT_SUITE_OPTS[@]}"}")
}
aptc() { apt-cache "${APTS[@]+"${APTS[@]}"}" "$@"; }
aptg() { apt-get "${APTS[@]+"${APTS[@]}"}" "$@"; }

command -v dpkg >/dev/null || die "Failed to find dpkg: this script needs a Debian-like system"
KMETA=${KPKG:-linux-image-amd64}
# one env file per kernel, suite and hypervisor: bookworm's names unchanged
tag=""
[ "$KSUITE" = bookworm ] || tag="@$KSUITE"
[ "$XEN_PKG" = xen-hypervisor-4.17-amd64 ] && [ "$XEN_SUITE" = bookworm ] || tag="$tag+$XEN_PKG@$XEN_SUITE"
if [ -z "$KPKG" ] && [ -z "$tag" ]; then
	ENV_FILE=$CACHE/guest.env
else
	mkdir -p "$CACHE/kernels" || die "Failed to create $CACHE/kernels"
	ENV_FILE=$CACHE/kernels/$KMETA$tag.env
fi
mkdir -p "$DEBS" || die "Failed to create cache dir $DEBS: check permissions or set PINSCOPE_CACHE"

declare -A UPDATED=()
apt_update_once() {
	[ -n "${UPDATED[$SUITE]:-}" ] && return 0
	UPDATED[$SUITE]=1
	log "running apt-get update ($SUITE)"
	aptg update -qq >&2 || log "warning: apt-get update failed; trying with the current package lists"
}
apt_updated() { [ -n "${UPDATED[$SUITE]:-}" ]; }

# candidate version of a package, or empty; prefetch_candidates PKG... asks
# apt once for many (one apt-cache run costs about a second)
declare -A CAND=()
prefetch_candidates() {
	local p v
	while read -r p v; do
		[ "$v" = "(none)" ] || CAND[$SUITE/$p]=$v
	done < <(aptc policy "$@" 2>/dev/null | awk '/^[^ ].*:$/ {p = $1; sub(/:$/, "", p)} /Candidate:/ {print p, $2}')
}
candidate() {
	[ -n "${CAND[$SUITE/$1]:-}" ] || prefetch_candidates "$1"
	echo "${CAND[$SUITE/$1]:-}"
}

# newest cached version dir of a package (for offline use), or empty
cached_dir() {
	ls -d "$DEBS/$1"_*/ 2>/dev/null | while read -r d; do
		[ -e "$d/.complete" ] && echo "${d%/}"
	done | sort -V | tail -n1
}

# kernel_pkg META: the concrete kernel package META stands for: META itself
# when it ships a vmlinuz (linux-image-6.1.0-56-amd64), else the
# linux-image-<version> it depends on (linux-image-amd64,
# linux-image-6.12-cloud-amd64); offline, the newest cached match
kernel_pkg() {
	local meta=$1 p="" d
	case "$meta" in
	linux-image-[0-9]*-unsigned) echo "$meta"; return 0 ;;
	linux-image-[0-9]*.[0-9]*.[0-9]*-*) echo "$meta"; return 0 ;;	# 6.1.0-56-amd64, 6.12.117+deb12-cloud-amd64
	esac
	if [ "$OFFLINE" != 1 ]; then
		p=$(aptc depends "$meta" 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
		if [ -z "$p" ]; then
			apt_update_once
			p=$(aptc depends "$meta" 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
		fi
	fi
	if [ -z "$p" ] && [ -r "$ENV_FILE" ]; then
		p=$(sed -n 's/^KERNEL_PKG=//p' "$ENV_FILE")
	fi
	if [ -z "$p" ] && [ "$meta" = linux-image-amd64 ]; then
		# the generic flavour: linux-image-6.1.0-N-amd64, not -cloud-amd64 or -rt-amd64
		d=$(printf '%s\n' "$DEBS"/linux-image-6.1.0-[0-9]*-amd64_*/ | grep -Ev -- '-(cloud|rt)-amd64_|\*' | sort -V | tail -n1)
		[ -n "$d" ] && p=$(basename "$d" | sed 's/_.*//')
	fi
	[ -n "$p" ] || die "Failed to resolve the kernel package: '$meta' of $SUITE depends on no linux-image-<version> and nothing is cached (tools/apt-suite.sh $SUITE apt-cache search --names-only '^linux-image-' lists what Debian offers)"
	echo "$p"
}

# download_unpack PKG VER DIR: apt-get download + dpkg -x into DIR; on
# failure prints the reason on stdout and returns 1
download_unpack() {
	local pkg=$1 ver=$2 dir=$3 tmp deb err
	tmp=$(mktemp -d "$DEBS/.dl.XXXXXX")
	# apt-get download writes to the current directory; as root it may warn
	# about the _apt sandbox user: harmless
	if ! (cd "$tmp" && aptg download -q "$pkg=$ver" >/dev/null 2>"$tmp/apt.err"); then
		err=$(grep -v -i 'sandbox' "$tmp/apt.err" | tail -n2 | tr '\n' ' ' || true)
		rm -rf "$tmp"
		echo "${err:-apt-get download failed}"
		return 1
	fi
	deb=""
	for f in "$tmp"/*.deb; do [ -e "$f" ] && deb=$f; done
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
			CAND=()
			ver=$(candidate "$pkg")
		fi
	fi
	if [ -z "$ver" ]; then
		dir=$(cached_dir "$pkg")
		[ -n "$dir" ] || die "Failed to resolve a version of $pkg: not in the apt lists of $SUITE and not cached in $DEBS"
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
		! apt_updated || die "Failed to download $pkg=$ver: $err"
		log "download failed ($err): updating the package lists and retrying"
		apt_update_once
		CAND=()
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
use_suite "$XEN_SUITE"
[ "$OFFLINE" = 1 ] || prefetch_candidates "$XEN_PKG"
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
# the first existing path of the patterns, or empty (no ls | head: with
# pipefail a failing ls would end the script without a word)
first() { local f; for f in "$@"; do [ -e "$f" ] && { echo "$f"; return 0; }; done; return 0; }
use_suite "$KSUITE"
kpkg=$(kernel_pkg "$KMETA")
kdir=$(fetch_pkg "$kpkg")
VMLINUZ=$(first "$kdir"/boot/vmlinuz-*)
if [ -n "$VMLINUZ" ]; then
	KVER=${VMLINUZ##*/vmlinuz-}
	KMODDIR="$kdir/lib/modules/$KVER"
	KCONFIG="$kdir/boot/config-$KVER"
else
	# since 7.2: linux-image-<ver> is a meta package; the image is in
	# linux-binary-<ver>, the config and System.map in linux-base-<ver>
	# (the modules, which no scenario of a guest under test needs, in
	# linux-modules-<ver>)
	ver=${kpkg#linux-image-}
	[ -n "$(candidate "linux-binary-$ver")$(cached_dir "linux-binary-$ver")" ] ||
		die "Failed to find the kernel image: $kpkg ($kdir) has no boot/vmlinuz-*, and $SUITE has no linux-binary-$ver (the 7.2 packaging); is $kpkg a kernel image package?"
	bindir=$(fetch_pkg "linux-binary-$ver")
	basedir=$(fetch_pkg "linux-base-$ver")
	VMLINUZ=$(first "$bindir"/usr/lib/modules/*/vmlinuz "$bindir"/boot/vmlinuz-*)
	[ -n "$VMLINUZ" ] || die "Failed to find the kernel image in linux-binary-$ver ($bindir): no usr/lib/modules/*/vmlinuz"
	KVER=$(basename "$(dirname "$VMLINUZ")")
	KMODDIR="$basedir/usr/lib/modules/$KVER"
	KCONFIG=$(first "$basedir/usr/lib/modules/$KVER/config" "$basedir/boot/config-$KVER")
	[ -n "$KCONFIG" ] || die "Failed to find the kernel config in linux-base-$ver ($basedir)"
fi
KDOM0=n
grep -q '^CONFIG_XEN_DOM0=y' "$KCONFIG" 2>/dev/null && KDOM0=y

use_suite bookworm
want_debs=(busybox-static)
# shellcheck disable=SC2206 # a list of package names, split on purpose
[ "$toolstack" = 0 ] || want_debs+=($TOOLSTACK_DEBS)
[ "$OFFLINE" = 1 ] || prefetch_candidates "${want_debs[@]}"

# --- busybox ---
bdir=$(fetch_pkg busybox-static)
BUSYBOX="$bdir/bin/busybox"
[ -x "$BUSYBOX" ] || die "Failed to find busybox in busybox-static: $BUSYBOX missing"

# --- toolstack (--toolstack) ---
TOOLSTACK_DIRS=""
if [ "$toolstack" = 1 ]; then
	for p in $TOOLSTACK_DEBS; do
		TOOLSTACK_DIRS="$TOOLSTACK_DIRS${TOOLSTACK_DIRS:+ }$(fetch_pkg "$p")"
	done
fi

{
	echo "XEN_ELF=$XEN_ELF"
	echo "XEN_VERSION=$XEN_VERSION"
	echo "KERNEL_PKG=$kpkg"
	echo "KERNEL_SUITE=$KSUITE"
	echo "VMLINUZ=$VMLINUZ"
	echo "KVER=$KVER"
	echo "KMODDIR=$KMODDIR"
	echo "KCONFIG=$KCONFIG"
	echo "KDOM0=$KDOM0"
	echo "BUSYBOX=$BUSYBOX"
	[ "$toolstack" = 0 ] || echo "TOOLSTACK_DIRS='$TOOLSTACK_DIRS'"
} > "$ENV_FILE.tmp"
mv "$ENV_FILE.tmp" "$ENV_FILE"
log "ready: xen $XEN_VERSION, kernel $KVER ($kpkg, dom0: $KDOM0)${TOOLSTACK_DIRS:+, toolstack} (env in $ENV_FILE)"
cat "$ENV_FILE"
