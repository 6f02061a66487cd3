#!/usr/bin/env bash
# guest/mkinitramfs.sh - build the guest's gzip cpio initramfs.
#
# Usage: guest/mkinitramfs.sh [OPTIONS]
#   -s, --scenario NAME   init scenario: guest/init/NAME.sh (default: capture)
#   -o, --output FILE     initramfs to write
#                         (default: $PINSCOPE_CACHE/initramfs/NAME.cpio.gz)
#   -w, --workload FILE   static workload binary (default: build guest/workload.c
#                         into $OUTPUT/guest/workload with cc -static -O2); the
#                         static helper runas (guest/runas.c) always goes to
#                         $OUTPUT/guest/runas
#   -p, --pinscope FILE   static pinscope to add as /bin/pinscope (env
#                         PINSCOPE_BIN); skipped with a message if missing;
#                         a dynamic one comes with its shared libraries
#   -m, --module NAME     kernel module NAME.ko of the guest kernel to add as
#                         /lib/modules/NAME.ko (repeatable; e.g. e1000)
#   -x, --extra FILE      another static binary to add to /bin (repeatable)
#   -b, --bpftool FILE    bpftool to add with its shared libraries (found by ldd);
#                         "auto" = the host's bpftool if any (env GUEST_BPFTOOL)
#   -t, --trace-cmd FILE  trace-cmd to add as /usr/bin/trace-cmd with its shared
#                         libraries; "auto" = the host's (env GUEST_TRACECMD);
#                         the live scenario then also writes the window as trace.dat
#   -c, --conf KEY=VALUE  add a setting to the guest's /etc/pinscope.conf
#                         (repeatable; e.g. WORKLOAD_ARGS="-n 4")
#   -f, --force           rebuild even if the inputs did not change
#   -h, --help
# Needs guest/fetch.sh's busybox (runs fetch.sh if $PINSCOPE_CACHE/guest.env is
# missing).  The image holds busybox (+ applet links), /init (guest/init/
# common.sh + scenario + trailer.sh), /bin/workload, /bin/runas, optional /bin/pinscope and
# /usr/sbin/bpftool, /etc/passwd (root, nobody) and a /dev/console node.
# The output is reused when a hash of all inputs is unchanged.
# Exit codes: 0 ok, 1 failure, 2 usage error.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
CACHE=${PINSCOPE_CACHE:-$HOME/.cache/pinscope}
OUTPUT=${OUTPUT:-$REPO/.output}
case "$OUTPUT" in /*) ;; *) OUTPUT="$REPO/$OUTPUT" ;; esac

log() { echo "[build] $*" >&2; }
die() { echo "[build] $*" >&2; exit 1; }
usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }

scenario=capture out="" workload="" pinscope=${PINSCOPE_BIN:-} bpftool=${GUEST_BPFTOOL:-} force=0
tracecmd=${GUEST_TRACECMD:-}
conf=() kmods=() extras=()
while [ $# -gt 0 ]; do
	case "$1" in
	-s|--scenario) scenario=${2:?}; shift 2 ;;
	-o|--output) out=${2:?}; shift 2 ;;
	-w|--workload) workload=${2:?}; shift 2 ;;
	-p|--pinscope) pinscope=${2:?}; shift 2 ;;
	-b|--bpftool) bpftool=${2:?}; shift 2 ;;
	-t|--trace-cmd) tracecmd=${2:?}; shift 2 ;;
	-c|--conf) conf+=("${2:?}"); shift 2 ;;
	-m|--module) kmods+=("${2:?}"); shift 2 ;;
	-x|--extra) extras+=("${2:?}"); shift 2 ;;
	-f|--force) force=1; shift ;;
	-h|--help) usage; exit 0 ;;
	*) echo "mkinitramfs.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
	esac
done

# absolute paths: the image is staged in another directory
abspath() { case "$1" in ''|/*) printf '%s' "$1" ;; *) printf '%s/%s' "$PWD" "$1" ;; esac; }
out=$(abspath "$out") workload=$(abspath "$workload") pinscope=$(abspath "$pinscope")
case "$bpftool" in */*) bpftool=$(abspath "$bpftool") ;; esac
for i in "${!extras[@]}"; do
	extras[$i]=$(abspath "${extras[$i]}")
	[ -x "${extras[$i]}" ] || die "Failed to find the binary ${extras[$i]} (-x)"
done

scen_file="$HERE/init/$scenario.sh"
[ -r "$scen_file" ] || { echo "mkinitramfs.sh: unknown scenario '$scenario' (have: $(cd "$HERE/init" && ls *.sh | sed 's/\.sh$//' | grep -v -e common -e trailer | tr '\n' ' '))" >&2; exit 2; }
[ -n "$out" ] || out="$CACHE/initramfs/$scenario.cpio.gz"

# --- inputs ---
if [ ! -r "$CACHE/guest.env" ]; then
	log "no $CACHE/guest.env yet: running fetch.sh"
	"$HERE/fetch.sh" >/dev/null || die "Failed to fetch the guest packages: see [fetch] messages above"
fi
# shellcheck disable=SC1091
. "$CACHE/guest.env"
[ -x "${BUSYBOX:-}" ] || die "Failed to find busybox: ${BUSYBOX:-unset} (run guest/fetch.sh)"

if [ -z "$workload" ]; then
	workload="$OUTPUT/guest/workload"
	if [ ! -x "$workload" ] || [ "$HERE/workload.c" -nt "$workload" ]; then
		command -v cc >/dev/null || die "Failed to build the workload: no C compiler (apt-get install -y build-essential)"
		mkdir -p "$(dirname "$workload")"
		log "compiling workload (cc -static -O2)"
		cc -static -O2 -Wall -o "$workload.tmp" "$HERE/workload.c" \
			|| die "Failed to build the workload: cc -static failed (is libc6-dev installed?)"
		mv "$workload.tmp" "$workload"
	fi
fi
[ -x "$workload" ] || die "Failed to find the workload binary: $workload"
runas="$OUTPUT/guest/runas"
if [ ! -x "$runas" ] || [ "$HERE/runas.c" -nt "$runas" ]; then
	log "compiling runas (cc -static -O2)"
	mkdir -p "$(dirname "$runas")"
	cc -static -O2 -Wall -o "$runas.tmp" "$HERE/runas.c" \
		|| die "Failed to build runas: cc -static failed (is libc6-dev installed?)"
	mv "$runas.tmp" "$runas"
fi

if [ -n "$pinscope" ] && [ ! -x "$pinscope" ]; then
	log "no pinscope at $pinscope (build it with 'make static'): image without it"
	pinscope=""
fi
kmod_files=()
for m in "${kmods[@]+"${kmods[@]}"}"; do
	f=$(find "${KMODDIR:-/nonexistent}" -name "$m.ko" 2>/dev/null | head -n1)
	[ -n "$f" ] || die "Failed to find the module $m.ko in ${KMODDIR:-the guest kernel} (run guest/fetch.sh)"
	kmod_files+=("$f")
done
if [ "$bpftool" = auto ]; then
	bpftool=$(command -v bpftool 2>/dev/null || true)
	[ -n "$bpftool" ] || { [ -x /usr/sbin/bpftool ] && bpftool=/usr/sbin/bpftool; } || true
	[ -n "$bpftool" ] || log "no bpftool on the host: image without it"
fi
case "$bpftool" in ''|*/*) ;; *) bpftool=$(command -v "$bpftool" 2>/dev/null || echo "$bpftool") ;; esac
if [ -n "$bpftool" ] && [ ! -x "$bpftool" ]; then
	log "no bpftool at $bpftool: image without it"
	bpftool=""
fi

[ "$tracecmd" = auto ] && tracecmd=$(command -v trace-cmd 2>/dev/null || echo /usr/bin/trace-cmd)
if [ -n "$tracecmd" ] && [ ! -x "$tracecmd" ]; then
	log "no trace-cmd at $tracecmd (apt-get install trace-cmd): image without it"
	tracecmd=""
fi

conf_text="SCENARIO='$scenario'"$'\n'
for kv in "${conf[@]+"${conf[@]}"}"; do
	case "$kv" in *=*) ;; *) echo "mkinitramfs.sh: --conf needs KEY=VALUE, got '$kv'" >&2; exit 2 ;; esac
	k=${kv%%=*} v=${kv#*=}
	conf_text+="$k='${v//\'/\'\\\'\'}'"$'\n'
done
conf_text+="HAVE_PINSCOPE=$([ -n "$pinscope" ] && echo 1 || echo 0)"$'\n'
conf_text+="HAVE_BPFTOOL=$([ -n "$bpftool" ] && echo 1 || echo 0)"$'\n'
conf_text+="HAVE_TRACECMD=$([ -n "$tracecmd" ] && echo 1 || echo 0)"$'\n'

# --- cache key: every input's content ---
key=$( {
	echo "v1 $scenario"
	printf '%s' "$conf_text"
	cat "$HERE/init/common.sh" "$scen_file" "$HERE/init/trailer.sh" "$0"
	for f in "$BUSYBOX" "$workload" "$runas" ${pinscope:+"$pinscope"} ${bpftool:+"$bpftool"} \
		"${kmod_files[@]+"${kmod_files[@]}"}" "${extras[@]+"${extras[@]}"}" ${tracecmd:+"$tracecmd"}; do
		echo "$f"; sha256sum < "$f"
	done
} | sha256sum | cut -c1-64)
if [ "$force" = 0 ] && [ -s "$out" ] && [ "$(cat "$out.key" 2>/dev/null)" = "$key" ]; then
	log "reusing initramfs $out (inputs unchanged)"
	echo "$out"
	exit 0
fi

# --- staging tree ---
stage=$(mktemp -d "${TMPDIR:-/tmp}/pinscope-initramfs.XXXXXX")
trap 'rm -rf "$stage"' EXIT
cd "$stage"
mkdir -p bin sbin usr/bin usr/sbin etc proc sys dev tmp run root lib lib64 \
	sys/kernel/tracing sys/kernel/debug sys/fs/bpf
chmod 1777 tmp
cp "$BUSYBOX" bin/busybox
for a in $(bin/busybox --list); do
	[ "$a" = busybox ] || ln -sf busybox "bin/$a"
done
ln -sf busybox bin/sh
cp "$workload" bin/workload
cp "$runas" bin/runas
# copy_libs BIN: its shared libraries and the loader, at their host paths
copy_libs() {
	while read -r lib; do
		[ -n "$lib" ] || continue
		mkdir -p ".$(dirname "$lib")"
		cp -L "$lib" ".$lib" || die "Failed to copy $lib for $1"
	done < <(ldd "$1" 2>/dev/null | grep -o '/[^ ]*' | sort -u)
}
[ -n "$pinscope" ] && cp "$pinscope" bin/pinscope && copy_libs "$pinscope"
if [ -n "$bpftool" ]; then
	cp -L "$bpftool" usr/sbin/bpftool
	copy_libs "$bpftool"
fi
if [ -n "$tracecmd" ]; then
	cp -L "$tracecmd" usr/bin/trace-cmd
	copy_libs "$tracecmd"
fi
mkdir -p lib/modules
for f in "${kmod_files[@]+"${kmod_files[@]}"}"; do cp "$f" lib/modules/; done
for f in "${extras[@]+"${extras[@]}"}"; do cp "$f" bin/; done
cat > etc/passwd <<'P'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/sh
P
cat > etc/group <<'G'
root:x:0:
nogroup:x:65534:
G
printf '%s' "$conf_text" > etc/pinscope.conf
cat "$HERE/init/common.sh" "$scen_file" "$HERE/init/trailer.sh" > init
chmod 755 init

# newc cpio entry for a character device, so no mknod (root) is needed
newc_chardev() { # NAME MAJOR MINOR
	local name=$1 namesize=$((${#1} + 1)) hdr pad
	hdr=$(printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X' \
		1 $((0x2000 | 0600)) 0 0 1 0 0 0 0 "$2" "$3" "$namesize" 0)
	printf '%s%s\0' "$hdr" "$name"
	pad=$(( (4 - (110 + namesize) % 4) % 4 ))
	head -c "$pad" /dev/zero
}
newc_trailer() {
	printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X' 0 0 0 0 1 0 0 0 0 0 0 11 0
	printf 'TRAILER!!!\0'
	head -c 3 /dev/zero
}

mkdir -p "$(dirname "$out")"
log "packing initramfs ($scenario): $(du -sh . | cut -f1) unpacked"
{
	if command -v cpio >/dev/null; then
		find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --owner=0:0 --quiet
	else
		find . -mindepth 1 | LC_ALL=C sort | "$BUSYBOX" cpio -o -H newc 2>/dev/null
	fi
	newc_chardev dev/console 5 1
	newc_trailer
} | gzip -6 > "$out.tmp" || die "Failed to write the initramfs $out"
mv "$out.tmp" "$out"
echo "$key" > "$out.key"
log "wrote $out ($(du -h "$out" | cut -f1)): workload${pinscope:+, pinscope}${bpftool:+, bpftool}${tracecmd:+, trace-cmd}"
echo "$out"
