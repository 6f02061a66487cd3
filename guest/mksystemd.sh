#!/usr/bin/env bash
# guest/mksystemd.sh - the image of the systemd rows (guest/matrix.sh
# systemd-dom0, systemd-domu, systemd-nonpv): a Debian rootfs with systemd as
# PID 1 (/init -> /lib/systemd/systemd), packed as a gzip cpio initramfs that
# guest/boot.sh boots like any other (dom0, --domu, --no-xen).
#
# Usage: guest/mksystemd.sh [-s SUITE] [-d DEB] -w WORKLOAD -o OUT [-c KEY=VALUE]...
#   -s, --suite SUITE     the Debian suite of the rootfs, one that
#                         tools/apt-suite.sh knows (APT_SUITES): bookworm
#                         (default, systemd 252), trixie (systemd 257), sid;
#                         mmdebstrap's own sources of it (deb.debian.org SUITE,
#                         and -updates, -security for a release), never the
#                         system's apt sources
#   -d, --deb FILE        the pinscope .deb (default: dpkg-buildpackage -us -uc
#                         -b in a copy of the tracked sources, as make deb,
#                         kept in $OUTPUT/guest/deb/ while they do not
#                         change): /root/debs/old.deb, which
#                         the guest installs with apt, then upgrades to
#                         /root/debs/new.deb, the same with the version
#                         VERSION+systemdtest1 (dpkg-deb repack)
#   -w, --workload FILE   the static workload (make .output/guest/workload)
#   -o, --output FILE     the initramfs to write
#   -c, --conf KEY=VALUE  a setting of /etc/pinscope.conf (WORKLOAD_ARGS, ...)
# The rootfs: mmdebstrap --variant=minbase of SUITE (-s, else
# PINSCOPE_SYSTEMD_SUITE, else bookworm) with systemd, systemd-sysv, curl, bpftool and the .deb's
# Depends (so apt installs it offline in the guest), no docs; cached as
# $PINSCOPE_CACHE/systemd/rootfs-SUITE-KEY.tar, KEY from that package list.
# Added at packing time: the two .debs in /root/debs, the workload, Debian's
# Prometheus (the host's /usr/bin/prometheus, of the prometheus package that
# make deps installs for test-guest-metrics; its binary only, 50 MB: the
# package would add its 48 MB promtool and the web UI's libjs packages) with
# the scrape configuration guest/systemd/prometheus.yml, the synthetic early-unlock
# trace (tests/data/synthetic, replayed by the verdict scenario) in
# /usr/local/share/pinscope-test/, the test unit
# pinscope-systemd-test.service (guest/systemd/) enabled, gettys and apt's
# timers masked, no status or kernel messages on the console.
# Exit codes: 0 ok, 1 failure, 2 usage error.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${PINSCOPE_CACHE:-$HOME/.cache/pinscope}
SUITE=${PINSCOPE_SYSTEMD_SUITE:-bookworm}
# shellcheck source=../tools/apt-suite.sh
. "$HERE/../tools/apt-suite.sh"

log() { echo "[systemd-image] $*" >&2; }
die() { echo "[systemd-image] $*" >&2; exit 1; }
usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }

deb="" workload="" out="" conf=()
while [ $# -gt 0 ]; do
	case "$1" in
	-d|--deb) deb=${2:?}; shift 2 ;;
	-w|--workload) workload=${2:?}; shift 2 ;;
	-o|--output) out=${2:?}; shift 2 ;;
	-c|--conf) conf+=("${2:?}"); shift 2 ;;
	-s|--suite) SUITE=${2:?}; shift 2 ;;
	-h|--help) usage; exit 0 ;;
	*) echo "mksystemd.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
	esac
done
[ -n "$workload" ] && [ -n "$out" ] || { usage >&2; exit 2; }
case " $APT_SUITES " in
*" $SUITE "*) ;;
*) echo "mksystemd.sh: unknown suite '$SUITE' (one of: $APT_SUITES)" >&2; exit 2 ;;
esac
if [ -z "$deb" ]; then
	OUTPUT=${OUTPUT:-$HERE/../.output}
	case "$OUTPUT" in /*) ;; *) OUTPUT="$PWD/$OUTPUT" ;; esac
	# one build at a time in $OUTPUT/guest/deb (two images built at once,
	# e.g. of two suites, would remove each other's build tree)
	mkdir -p "$OUTPUT/guest"
	exec 9>"$OUTPUT/guest/deb.lock"
	flock 9
	src=$(cd "$HERE/.." && git ls-files -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
	deb=$(ls "$OUTPUT/guest/deb/$src"/pinscope_*_amd64.deb 2>/dev/null || true)
	if [ -z "$deb" ]; then
		log "building the .deb (dpkg-buildpackage -us -uc -b in a copy of the sources)"
		rm -rf "$OUTPUT/guest/deb" && mkdir -p "$OUTPUT/guest/deb/$src/pinscope"
		(cd "$HERE/.." && git ls-files -z | xargs -0 cp --parents -t "$OUTPUT/guest/deb/$src/pinscope")
		rev=$(cd "$HERE/.." && git describe --always --dirty --abbrev=12 2>/dev/null || echo unknown)
		(cd "$OUTPUT/guest/deb/$src/pinscope" && GIT_REV=$rev dpkg-buildpackage -us -uc -b) > "$OUTPUT/guest/deb/build.log" 2>&1 ||
			die "Failed to build the .deb: dpkg-buildpackage failed (log $OUTPUT/guest/deb/build.log)"
		rm -rf "$OUTPUT/guest/deb/$src/pinscope"
		deb=$(ls "$OUTPUT/guest/deb/$src"/pinscope_*_amd64.deb)
	fi
fi
[ -r "$deb" ] || die "Failed to read the package $deb: no such file (make deb)"
[ -x "$workload" ] || die "Failed to find the workload $workload: no such file (make .output/guest/workload)"
prometheus=/usr/bin/prometheus
[ -x "$prometheus" ] || die "Failed to find $prometheus: apt-get install prometheus (make deps)"
[ "$(id -u)" = 0 ] || die "Failed to build the rootfs: mmdebstrap and the device nodes need root"
command -v mmdebstrap >/dev/null || die "Failed to find mmdebstrap: apt-get install mmdebstrap"

# --- the rootfs tarball, keyed by its package list ---
deps=$(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed 's/[|(].*//; s/ //g' | grep . | sort -u | tr '\n' ,)
pkgs="systemd,systemd-sysv,curl,bpftool,${deps%,}"
key=$(printf '%s\n' v1 "$SUITE" "$pkgs" "$(mmdebstrap --version)" | sha256sum | cut -c1-16)
tar=$CACHE/systemd/rootfs-$SUITE-$key.tar
if [ ! -s "$tar" ]; then
	mkdir -p "$CACHE/systemd"
	log "building the $SUITE rootfs ($pkgs), cached as $tar"
	t0=$(date +%s)
	mmdebstrap --mode=root --quiet --variant=minbase --include="$pkgs" \
		--dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
		--dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/info/*' \
		"$SUITE" "$tar.part.tar" > "$tar.log" 2>&1 ||
		{ rm -f "$tar.part.tar"; tail -n 20 "$tar.log" >&2; die "Failed to build the rootfs: mmdebstrap failed (log $tar.log)"; }
	mv "$tar.part.tar" "$tar"
	log "rootfs built in $(( $(date +%s) - t0 )) s: $(du -h "$tar" | cut -f1)"
fi

# --- the image, keyed by every input ---
conf_text=""
for kv in "${conf[@]+"${conf[@]}"}"; do
	case "$kv" in *=*) ;; *) echo "mksystemd.sh: --conf needs KEY=VALUE, got '$kv'" >&2; exit 2 ;; esac
	conf_text+="${kv%%=*}='${kv#*=}'"$'\n'
done
ikey=$( { echo v1; printf '%s' "$conf_text"; cat "$0" "$HERE"/systemd/* "$HERE/../tests/data/synthetic/patched-pin-early-unlock.trace"; sha256sum "$tar" "$deb" "$workload" "$prometheus" | cut -c1-64; } |
	sha256sum | cut -c1-64)
if [ -s "$out" ] && [ "$(cat "$out.key" 2>/dev/null)" = "$ikey" ]; then
	log "reusing $out (inputs unchanged)"
	echo "$out"; exit 0
fi

stage=$(mktemp -d "${TMPDIR:-/tmp}/pinscope-systemd.XXXXXX")
trap 'rm -rf "$stage"' EXIT
tar -C "$stage" -xf "$tar" || die "Failed to unpack $tar"
r=$stage
ln -sf /lib/systemd/systemd "$r/init"
# the old and the new package: the same build, version +systemdtest1
mkdir -p "$r/root/debs" "$stage.new"
ver=$(dpkg-deb -f "$deb" Version)
cp "$deb" "$r/root/debs/old.deb"
dpkg-deb -R "$deb" "$stage.new/p" && sed -i "s/^Version: .*/Version: $ver+systemdtest1/" "$stage.new/p/DEBIAN/control" &&
	dpkg-deb -b -Zgzip "$stage.new/p" "$r/root/debs/new.deb" >/dev/null ||
	{ rm -rf "$stage.new"; die "Failed to repack $deb with version $ver+systemdtest1"; }
rm -rf "$stage.new"
install -m 755 "$workload" "$r/usr/local/bin/workload"
install -m 755 "$prometheus" "$r/usr/local/bin/prometheus"
install -D -m 644 "$HERE/systemd/prometheus.yml" "$r/usr/local/share/pinscope-test/prometheus.yml"
install -D -m 644 "$HERE/../tests/data/synthetic/patched-pin-early-unlock.trace" \
	"$r/usr/local/share/pinscope-test/patched-pin-early-unlock.trace"
install -m 755 "$HERE/systemd/pinscope-systemd-test" "$r/usr/local/sbin/pinscope-systemd-test"
install -m 644 "$HERE/systemd/pinscope-systemd-test.service" "$r/etc/systemd/system/"
ln -sf ../pinscope-systemd-test.service "$r/etc/systemd/system/multi-user.target.wants/"
for u in serial-getty@.service getty@.service getty-static.service console-getty.service apt-daily.timer \
	apt-daily-upgrade.timer dpkg-db-backup.timer; do
	ln -sf /dev/null "$r/etc/systemd/system/$u"
done
mkdir -p "$r/etc/systemd/system.conf.d"
printf '[Manager]\nShowStatus=no\n' > "$r/etc/systemd/system.conf.d/pinscope-test.conf"
# (trixie's minbase has no /etc/sysctl.d: systemd 257 ships only /usr/lib/sysctl.d)
mkdir -p "$r/etc/sysctl.d"
echo 'kernel.printk = 1 4 1 7' > "$r/etc/sysctl.d/10-pinscope-test.conf"
echo pinscope-guest > "$r/etc/hostname"
printf '%s' "$conf_text" > "$r/etc/pinscope.conf"
: > "$r/etc/machine-id"

mkdir -p "$(dirname "$out")"
log "packing $(du -sh "$r" | cut -f1) of rootfs"
(cd "$r" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --quiet | gzip -1) > "$out.tmp" ||
	die "Failed to write $out"
mv "$out.tmp" "$out"
echo "$ikey" > "$out.key"
log "wrote $out ($(du -h "$out" | cut -f1))"
echo "$out"
