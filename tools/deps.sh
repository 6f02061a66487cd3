#!/usr/bin/env bash
# Installs, with apt-get, every Debian package pinscope needs to build, test and run
# the demo; does nothing when all are there. Usage: tools/deps.sh
set -euo pipefail
pkgs=(clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev libjson-c-dev libcmocka-dev
      make gcc xz-utils zstd python3 util-linux qemu-system-x86 busybox-static cpio
      strace libcap2-bin	# tests/trust.sh
      chromium fonts-dejavu-core	# tests/html_report.py renders the --html report
      libmicrohttpd-dev prometheus debhelper lintian man-db bash-completion
      mmdebstrap	# tests/package-clean.sh: clean Debian chroots
      liblzma-dev libtracecmd-dev libtraceevent-dev libtracefs-dev trace-cmd libclang-rt-14-dev
      libseccomp-dev)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "Failed to install ${missing[*]}: not root. Run 'sudo make deps'." >&2
	exit 1
fi
echo "[deps] installing: ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
