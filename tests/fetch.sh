#!/usr/bin/env bash
# tests/fetch.sh: guest/fetch.sh's suites and packagings (issue 21): every
# failure says what and why with its exit code, the 7.2 packaging (a meta
# linux-image over linux-binary and linux-base) resolves to an image and a
# config.  Needs Debian's archive (apt); downloads go to the shared cache.
. "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/.." || exit 1
f=guest/fetch.sh

expect "unknown suite: usage error" 2 "unknown suite 'potato'" -- $f -S potato
expect "not a kernel package: usage error" 2 "not a Debian kernel package name" -- $f -K busybox
expect "not a hypervisor package: usage error" 2 "not a Xen hypervisor package" -- $f -X linux-image-amd64
expect "a kernel sid does not have: says so" 1 "linux-image-0.0.0-nosuch-amd64.*sid" -- \
	$f -S sid -K linux-image-0.0.0-nosuch-amd64
expect "sid's meta package: the 7.2 packaging" 0 "^VMLINUZ=.*/linux-binary-[^/]*/usr/lib/modules/7\.[0-9.]*[^/]*/vmlinuz$" -- \
	$f -S sid -K linux-image-amd64
kcfg=$(sed -n 's/^KCONFIG=//p' "$tmp/out")
if [ -r "$kcfg" ] && grep -q '^CONFIG_XEN_PV=y' "$kcfg" && grep -q '^KDOM0=y' "$tmp/out" &&
   grep -q '^KERNEL_SUITE=sid' "$tmp/out"; then
	ok "sid's kernel: its config from linux-base (XEN_PV, DOM0), suite recorded"
else
	BAD_SHOW=12 bad "sid's kernel: config $kcfg"
fi
expect "bookworm's kernel: the image inside linux-image" 0 "^VMLINUZ=.*/boot/vmlinuz-6\." -- $f -K linux-image-amd64
totals fetch
