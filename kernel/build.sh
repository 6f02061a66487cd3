#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kernel/build.sh: build pinscope's patched test kernel.
#
# Debian's linux-source-$KVER + kernel/patches/$KVER/*.patch (applied with
# git am) + kernel/pinscope.config and kernel/pinscope-$KVER.config (on top
# of tinyconfig) -> bzImage, cached in
#   ${PINSCOPE_CACHE:-$HOME/.cache/pinscope}/kernel/<hash>/
# keyed by a hash of the source package version, the patches, the config
# fragments, this script and the compiler/pahole versions.  A second run with
# the same inputs reuses the cached kernel and takes a second.
#
# Usage: kernel/build.sh            install deps if needed, build or reuse
#        kernel/build.sh --deps     only install the build dependencies (7.2:
#                                   and fetch linux-source-7.2 from sid)
#        kernel/build.sh --print V  print a path without building, V one of
#                                   dir bzImage vmlinux btf config
#        kernel/build.sh --env      print KERNEL_* shell assignments
#
# Environment: KVER (kernel series: 6.1, the default, 6.12 or 7.2; one
# directory kernel/patches/KVER each), PINSCOPE_CACHE (cache root),
# KERNEL_JOBS (make -j, default 2), PINSCOPE_OFFLINE=1 (7.2: no apt look-up,
# use the source already fetched), KERNEL_VARIANT (empty, the default: the
# kernel of the patched rows; NAME: kernel/pinscope-NAME.config on top, e.g.
# "systemd" for the systemd-fault row, built in its own build directory
# build-<version>-NAME, cached under its own key, linked as
# current-KVER-NAME).
# Source: 6.1 and 6.12 from the system's suites (bookworm,
# bookworm-security), apt-get installed; 7.2 from sid, downloaded with
# tools/apt-suite.sh and unpacked (dpkg -x) into <cache>/kernel/pkg/, never
# installed (the table KVER_SUITE below).
# Output of a build: <hash>/bzImage, vmlinux (symbols + .BTF, DWARF
# stripped), vmlinux.btf (raw BTF), config, System.map, kernel.release,
# env (the KERNEL_* assignments); <cache>/kernel/current-KVER links to it.

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${PINSCOPE_CACHE:-$HOME/.cache/pinscope}/kernel
JOBS=${KERNEL_JOBS:-2}
KVER=${KVER:-6.1}
SRC_PKG=linux-source-$KVER
# The Debian suite of each series' linux-source-KVER.  bookworm and
# bookworm-security are the system's own: the package is apt-get installed
# and its tarball is /usr/src/$SRC_PKG.tar.xz.  Any other suite (one that
# tools/apt-suite.sh knows) is not in the system's sources: the package is
# downloaded through apt-suite's private configuration and unpacked with
# dpkg -x into $CACHE/pkg/$SRC_PKG_<version>/.
declare -A KVER_SUITE=(
	[6.1]=bookworm
	[6.12]=bookworm-security
	[7.2]=sid
)
SUITE=${KVER_SUITE[$KVER]:-bookworm}
case $SUITE in
bookworm|bookworm-security) FOREIGN= ;;
*) FOREIGN=$SUITE ;;
esac
PKG_CACHE=$CACHE/pkg
DEPS="bc bison flex libelf-dev libssl-dev dwarves cpio kmod
      gcc make git xz-utils binutils"
[ -n "$FOREIGN" ] || DEPS="$SRC_PKG $DEPS"
# the common fragment, then the series' own lines (options that exist in
# one series only)
FRAGMENTS=("$HERE/pinscope.config")
[ -f "$HERE/pinscope-$KVER.config" ] && FRAGMENTS+=("$HERE/pinscope-$KVER.config")
# a variant's fragment last (its options win); its own build directory keeps
# the ordinary one from being reconfigured back and forth
VARIANT=${KERNEL_VARIANT:-}
if [ -n "$VARIANT" ]; then
	if ! [[ $VARIANT =~ ^[a-z][a-z0-9]*$ ]] || [ ! -f "$HERE/pinscope-$VARIANT.config" ]; then
		echo "[kernel] ERROR: Failed to find the variant '$VARIANT': no kernel/pinscope-$VARIANT.config (KERNEL_VARIANT: a lower-case name, e.g. systemd)" >&2
		exit 2
	fi
	FRAGMENTS+=("$HERE/pinscope-$VARIANT.config")
fi
PATCHES=("$HERE"/patches/"$KVER"/*.patch)
GIT_ID=(-c user.name="pinscope developers" -c user.email=pinscope@localhost)

log() { echo "[kernel] $*"; }
die() { echo "[kernel] ERROR: $*" >&2; exit 1; }

install_deps() {
	local missing=() p
	for p in $DEPS; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q "install ok installed" || missing+=("$p")
	done
	if [ ${#missing[@]} -eq 0 ]; then
		log "build dependencies present"
		return
	fi
	log "installing build dependencies: ${missing[*]}"
	local sudo=
	if [ "$(id -u)" -ne 0 ]; then
		command -v sudo >/dev/null ||
			die "need root (or sudo) to apt-get install ${missing[*]}"
		sudo=sudo
	fi
	export DEBIAN_FRONTEND=noninteractive
	$sudo apt-get update -q >/dev/null ||
		die "apt-get update failed"
	$sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null ||
		die "apt-get install ${missing[*]} failed"
}

# A series from a foreign suite: download $SRC_PKG's newest version there
# and unpack it into $PKG_CACHE/${SRC_PKG}_<version>/ (once per version);
# $PKG_CACHE/$SRC_PKG.version names the version in use.  Offline, or when
# the suite cannot be reached, the version already unpacked is kept.
fetch_source() {
	local ver cur dir tmp deb
	cur=$(cat "$PKG_CACHE/$SRC_PKG.version" 2>/dev/null || true)
	# shellcheck source=../tools/apt-suite.sh
	. "$HERE/../tools/apt-suite.sh"
	if ! apt_suite "$FOREIGN" ||
	   ! ver=$(apt-cache "${APT_SUITE_OPTS[@]}" show --no-all-versions "$SRC_PKG" 2>/dev/null |
		   sed -n 's/^Version: //p') || [ -z "$ver" ]; then
		[ -n "$cur" ] && [ -f "$PKG_CACHE/${SRC_PKG}_$cur/usr/src/$SRC_PKG.tar.xz" ] ||
			die "$SRC_PKG not found in $FOREIGN (tools/apt-suite.sh $FOREIGN apt-cache policy $SRC_PKG)"
		log "$SRC_PKG: $FOREIGN not reachable, keeping $cur"
		return
	fi
	dir=$PKG_CACHE/${SRC_PKG}_$ver
	if [ -f "$dir/usr/src/$SRC_PKG.tar.xz" ]; then
		[ "$cur" = "$ver" ] || echo "$ver" > "$PKG_CACHE/$SRC_PKG.version"
		log "$SRC_PKG $ver ($FOREIGN) present in $dir"
		return
	fi
	tmp=$PKG_CACHE/.fetch-$SRC_PKG
	rm -rf "$tmp" "$dir.tmp"
	mkdir -p "$tmp"
	log "downloading $SRC_PKG $ver from $FOREIGN (not installed: dpkg -x into $dir)"
	# apt's _apt sandbox user need not be able to write the cache.
	(cd "$tmp" && apt-get "${APT_SUITE_OPTS[@]}" download -q "$SRC_PKG=$ver" >/dev/null) ||
		die "apt-get download $SRC_PKG=$ver ($FOREIGN) failed"
	deb=$(echo "$tmp"/"${SRC_PKG}"_*.deb)
	[ -f "$deb" ] || die "apt-get download left no $SRC_PKG .deb in $tmp"
	[ "$(dpkg-deb -f "$deb" Version)" = "$ver" ] ||
		die "$deb is not version $ver"
	dpkg-deb -x "$deb" "$dir.tmp" || die "dpkg -x $deb failed"
	[ -f "$dir.tmp/usr/src/$SRC_PKG.tar.xz" ] ||
		die "$deb holds no usr/src/$SRC_PKG.tar.xz"
	mv "$dir.tmp" "$dir"
	rm -rf "$tmp"
	echo "$ver" > "$PKG_CACHE/$SRC_PKG.version"
}

src_version() {
	if [ -n "$FOREIGN" ]; then
		cat "$PKG_CACHE/$SRC_PKG.version" 2>/dev/null ||
			die "$SRC_PKG ($FOREIGN) is not fetched (run: KVER=$KVER $0 --deps)"
		return
	fi
	dpkg-query -W -f='${Version}' "$SRC_PKG" 2>/dev/null ||
		die "$SRC_PKG is not installed (run: KVER=$KVER $0 --deps)"
}

# The source tarball of version $1.
src_tar() {
	if [ -n "$FOREIGN" ]; then
		echo "$PKG_CACHE/${SRC_PKG}_$1/usr/src/$SRC_PKG.tar.xz"
	else
		echo "/usr/src/$SRC_PKG.tar.xz"
	fi
}

deps() {
	install_deps
	[ -z "$FOREIGN" ] || fetch_source
}

# The cache key: everything that goes into the kernel image.
cache_key() {
	local ver
	# (a failure inside the echo's $(...) below would not stop the script)
	ver=$(src_version) || exit 1
	[ -e "${PATCHES[0]}" ] ||
		die "no patches in $HERE/patches/$KVER (KVER=$KVER; series: $(cd "$HERE/patches" && echo */ | tr -d /))"
	{
		echo "src $SRC_PKG $ver${FOREIGN:+ $FOREIGN}"
		for p in "${PATCHES[@]}"; do
			echo "patch $(basename "$p") $(sha256sum < "$p")"
		done
		for f in "${FRAGMENTS[@]}"; do
			echo "config $(basename "$f") $(sha256sum < "$f")"
		done
		echo "script $(sha256sum < "$HERE/build.sh")"
		echo "gcc $(gcc -dumpfullversion 2>/dev/null || echo none)"
		echo "pahole $(pahole --version 2>/dev/null || echo none)"
	} | sha256sum | cut -c1-16
}

print_env() {
	local out=$1
	echo "KERNEL_DIR=$out"
	echo "KERNEL_BZIMAGE=$out/bzImage"
	echo "KERNEL_VMLINUX=$out/vmlinux"
	echo "KERNEL_BTF=$out/vmlinux.btf"
	echo "KERNEL_CONFIG=$out/config"
	if [ -f "$out/kernel.release" ]; then
		echo "KERNEL_RELEASE=$(cat "$out/kernel.release")"
	fi
}

# Fragment lines as "CONFIG_FOO=value", comments and blanks dropped; an
# option set again by a later fragment (a variant's) keeps its last value, in
# the place of its first.
fragment_lines() {
	grep -h -E '^CONFIG_[A-Za-z0-9_]+=' "${FRAGMENTS[@]}" |
		awk -F= '!($1 in v) { k[n++] = $1 } { v[$1] = $0 } END { for (i = 0; i < n; i++) print v[k[i]] }'
}

configure() {
	local src=$1 build=$2 line key val bad=0 got
	log "configuring: tinyconfig + $(fragment_lines | wc -l) options from ${FRAGMENTS[*]##*/}"
	make -s -C "$src" O="$build" tinyconfig >/dev/null
	while IFS= read -r line; do
		key=${line%%=*}
		key=${key#CONFIG_}
		val=${line#*=}
		# Undefine first so the new line is appended: for a choice
		# (KERNEL_GZIP, SLUB, ...) the later line wins over the
		# tinyconfig default still set earlier in the file.
		"$src/scripts/config" --file "$build/.config" --undefine "$key"
		case $val in
		y) "$src/scripts/config" --file "$build/.config" --enable "$key" ;;
		m) "$src/scripts/config" --file "$build/.config" --module "$key" ;;
		n) "$src/scripts/config" --file "$build/.config" --disable "$key" ;;
		\"*\") val=${val#\"}; val=${val%\"}
		   "$src/scripts/config" --file "$build/.config" --set-str "$key" "$val" ;;
		*) "$src/scripts/config" --file "$build/.config" --set-val "$key" "$val" ;;
		esac
	done < <(fragment_lines)
	make -s -C "$src" O="$build" olddefconfig >"$build/olddefconfig.log" 2>&1 || {
		cat "$build/olddefconfig.log" >&2
		die "make olddefconfig failed"
	}

	# Every fragment option must come out exactly as requested.
	while IFS= read -r line; do
		key=${line%%=*}
		case $line in
		*=n) grep -qx "# $key is not set" "$build/.config" && continue ;;
		*) grep -qxF "$line" "$build/.config" && continue ;;
		esac
		got=$(grep -E "^($key=|# $key is not set)" "$build/.config" || echo "absent")
		echo "[kernel]   wanted $line, got: $got" >&2
		bad=1
	done < <(fragment_lines)
	[ $bad -eq 0 ] || die "config fragment not honoured (see above; missing dependency?)"

	# Split PTE locks.  6.1: the macro USE_SPLIT_PTE_PTLOCKS, NR_CPUS >=
	# SPLIT_PTLOCK_CPUS.  6.12: the Kconfig symbol SPLIT_PTE_PTLOCKS
	# (mm/Kconfig: def_bool y for SMP and NR_CPUS >= 4).
	local nr split
	nr=$(sed -n 's/^CONFIG_NR_CPUS=//p' "$build/.config")
	if grep -q '^CONFIG_SPLIT_PTE_PTLOCKS=y' "$build/.config"; then
		log "config ok: all options as requested; CONFIG_SPLIT_PTE_PTLOCKS=y (NR_CPUS=$nr)"
		return
	fi
	split=$(sed -n 's/^CONFIG_SPLIT_PTLOCK_CPUS=//p' "$build/.config")
	[ -n "$nr" ] && [ -n "$split" ] && [ "$nr" -ge "$split" ] ||
		die "split PTE locks off: NR_CPUS=$nr SPLIT_PTLOCK_CPUS=${split:-absent}, no CONFIG_SPLIT_PTE_PTLOCKS"
	log "config ok: all options as requested; USE_SPLIT_PTE_PTLOCKS (NR_CPUS=$nr >= SPLIT_PTLOCK_CPUS=$split)"
}

# A pristine, committed copy of the Debian source, tagged "base".
prepare_source() {
	local src=$1 ver=$2 tarball
	if [ -d "$src/.git" ] && git -C "$src" rev-parse -q --verify base >/dev/null; then
		return
	fi
	tarball=$(src_tar "$ver")
	log "unpacking $tarball ($SRC_PKG $ver)"
	rm -rf "$src" "$src.tmp"
	mkdir -p "$src.tmp"
	tar -xf "$tarball" -C "$src.tmp"
	mv "$src.tmp/$SRC_PKG" "$src"
	rmdir "$src.tmp"
	log "committing the pristine tree (base for git am)"
	git -C "$src" init -q
	# Debian's top-level .gitignore ignores everything: add with -f.
	git -C "$src" add -f -A .
	git "${GIT_ID[@]}" -C "$src" commit -q -m "Debian $SRC_PKG $ver"
	git -C "$src" tag base
}

apply_patches() {
	local src=$1 sum stamp
	sum=$(cat "${PATCHES[@]}" | sha256sum | cut -d' ' -f1)
	stamp=$src/.git/pinscope-applied
	# Same series already applied and the tree untouched: keep the files
	# (and their mtimes), so that make has nothing to redo for them.
	if [ "$(cat "$stamp" 2>/dev/null)" = "$sum" ] &&
	   [ "$(git -C "$src" symbolic-ref -q --short HEAD)" = pinscope ] &&
	   [ -z "$(git -C "$src" status --porcelain -uno)" ]; then
		log "patches already applied:"
		git -C "$src" log --reverse --format='[kernel]   %h %s' base..HEAD
		return
	fi
	rm -f "$stamp"
	log "applying ${#PATCHES[@]} patches with git am"
	git -C "$src" am --abort >/dev/null 2>&1 || true
	git -C "$src" checkout -q -f -B pinscope base
	git "${GIT_ID[@]}" -C "$src" am -q "${PATCHES[@]}" ||
		die "git am failed on $src"
	echo "$sum" > "$stamp"
	git -C "$src" log --reverse --format='[kernel]   %h %s' base..HEAD
}

build() {
	local key out ver src bld t0 t1 logf
	deps
	ver=$(src_version)
	key=$(cache_key)
	out=$CACHE/$key
	if [ -f "$out/bzImage" ] && [ -f "$out/vmlinux" ] && [ -f "$out/env" ]; then
		log "cached kernel $key ($SRC_PKG $ver, $(cat "$out/kernel.release"))"
		ln -sfn "$key" "$CACHE/current-$KVER${VARIANT:+-$VARIANT}"
		print_env "$out"
		return
	fi

	src=$CACHE/src-$ver
	bld=$CACHE/build-$ver${VARIANT:+-$VARIANT}
	mkdir -p "$CACHE/logs" "$bld"
	prepare_source "$src" "$ver"
	apply_patches "$src"
	configure "$src" "$bld"

	logf=$CACHE/logs/build-$key.log
	log "building bzImage with make -j$JOBS (log: $logf)"
	t0=$(date +%s)
	# LOCALVERSION= keeps setlocalversion from appending "+" for the git tree.
	if ! make -C "$src" O="$bld" -j"$JOBS" LOCALVERSION= bzImage >"$logf" 2>&1; then
		tail -n 40 "$logf" >&2
		die "kernel build failed (full log: $logf)"
	fi
	t1=$(date +%s)
	log "built in $((t1 - t0)) s"

	grep -q "xen_mmu_pte_lock" "$bld/System.map" ||
		die "built kernel lacks the xen_mmu_pte_lock tracepoint"

	rm -rf "$out.tmp"
	mkdir -p "$out.tmp"
	cp "$bld/arch/x86/boot/bzImage" "$out.tmp/bzImage"
	cp "$bld/.config" "$out.tmp/config"
	cp "$bld/System.map" "$out.tmp/System.map"
	cp "$bld/include/config/kernel.release" "$out.tmp/kernel.release"
	# vmlinux without DWARF: keeps the symbols and the .BTF section.
	objcopy --strip-debug "$bld/vmlinux" "$out.tmp/vmlinux"
	objcopy -O binary --only-section=.BTF "$bld/vmlinux" "$out.tmp/vmlinux.btf"
	[ -s "$out.tmp/vmlinux.btf" ] || die "vmlinux has no .BTF section"
	git -C "$src" log --reverse --format='%h %s' base..HEAD > "$out.tmp/patches.txt"
	rm -rf "$out"
	mv "$out.tmp" "$out"
	print_env "$out" > "$out/env"
	ln -sfn "$key" "$CACHE/current-$KVER${VARIANT:+-$VARIANT}"
	log "cached kernel $key: $out/bzImage ($(stat -c %s "$out/bzImage") bytes, $(cat "$out/kernel.release"))"
	print_env "$out"
}

case ${1:-} in
--deps)
	deps
	;;
--print)
	out=$CACHE/$(cache_key)
	case ${2:-} in
	dir) echo "$out" ;;
	bzImage) echo "$out/bzImage" ;;
	vmlinux) echo "$out/vmlinux" ;;
	btf) echo "$out/vmlinux.btf" ;;
	config) echo "$out/config" ;;
	*) die "--print wants one of: dir bzImage vmlinux btf config" ;;
	esac
	;;
--env)
	print_env "$CACHE/$(cache_key)"
	;;
"")
	# One build per series at a time (the source and build trees are per
	# source version; a variant shares the series' source tree, so its
	# lock too).  6.1 keeps the lock name of the single-series script.
	lock=$CACHE/.lock
	[ "$KVER" = 6.1 ] || lock=$CACHE/.lock-$KVER
	mkdir -p "$CACHE"
	exec 9>"$lock"
	flock 9 || die "cannot lock $lock"
	build
	;;
-h|--help)
	sed -n '3,36p' "$0" | sed 's/^# \{0,1\}//'
	;;
*)
	die "unknown argument '$1' (see --help)"
	;;
esac
