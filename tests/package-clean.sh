#!/usr/bin/env bash
# The .deb builds on a clean Debian builder from debian/control alone, and
# installs with apt on a clean system (make test-package-clean; root).
#  1. a buildd chroot (mmdebstrap --variant=buildd) with exactly the
#     Build-Depends (apt-get build-dep on debian/control), cached as a tarball
#     keyed by the suite and debian/control's source paragraph;
#  2. dpkg-buildpackage -us -uc -b in it, as nobody, without network;
#  3. lintian of the suite (--fail-on error,warning: only debian/'s
#     overrides): the host's when the host runs that suite, else the suite's
#     own, from a third cached chroot (--variant=apt --include=lintian);
#     the unit's maintainer scripts (postinst, prerm) written;
#  4. apt install ./pinscope_*.deb into a second clean chroot (--variant=apt,
#     cached), then the package's autopkgtest (debian/tests) as nobody, the
#     docs the program names, apt remove.
# Usage: tests/package-clean.sh   Environment: PINSCOPE_CACHE (default
# ~/.cache/pinscope), PACKAGE_SUITE (default bookworm), PACKAGE_MIRROR
# (default: mmdebstrap's).
. "$(dirname "$0")/lib.sh"
BAD_SHOW=25
cd "$(dirname "$0")/.." || exit 1
cache=${PINSCOPE_CACHE:-$HOME/.cache/pinscope}/package
suite=${PACKAGE_SUITE:-bookworm}
mirror=${PACKAGE_MIRROR:-}
$root || { echo "FAIL not root: the chroots need it (sudo make test-package-clean)"; exit 1; }
command -v mmdebstrap > /dev/null || { echo "FAIL no mmdebstrap: install it (make deps)"; exit 1; }
mkdir -p "$cache/archives/partial" || exit 1
mmd=(mmdebstrap --mode=root --quiet)

# chroot_tar VARIANT KEY [HOOK...]: the cached tarball of that chroot (built on a miss)
chroot_tar() {
	local variant=$1 key=$2 tar; shift 2
	tar=$cache/$variant-$suite-$(printf '%s\n' "$suite" "$mirror" "$key" "$(mmdebstrap --version)" |
		sha256sum | cut -c1-16).tar
	if [ ! -s "$tar" ]; then
		echo "     | building the $suite $variant chroot (cached as $tar)" >&2
		"${mmd[@]}" --variant="$variant" "$@" "$suite" "$tar.part.tar" $mirror > "$tmp/out" 2>&1 &&
			mv "$tar.part.tar" "$tar" || { rm -f "$tar.part.tar"; return 1; }
	fi
	echo "$tar"
}

# in_chroot DIR NET USER CMD...: CMD in the unpacked chroot DIR (own mount and
# pid namespaces, its own /proc; NET=no: no network either)
in_chroot() {
	local dir=$1 user=$3 net=(); [ "$2" = no ] && net=(--net); shift 3
	unshare --mount --pid --fork "${net[@]}" --mount-proc="$dir/proc" \
		chroot --userspec="$user" "$dir" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/build LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
}
unpack() { mkdir -p "$2" && tar -C "$2" -xf "$1"; }

# 1. the buildd chroot with debian/control's Build-Depends
t0=$(date +%s)
srcpara=$(awk 'NF == 0 { exit } { print }' debian/control)
mkdir -p "$tmp/bd/debian" && cp debian/control "$tmp/bd/debian/"
if buildd=$(chroot_tar buildd "$srcpara" \
	--customize-hook="copy-in $tmp/bd /tmp" \
	--customize-hook='chroot "$1" env DEBIAN_FRONTEND=noninteractive apt-get build-dep -y -q /tmp/bd' \
	--customize-hook='rm -rf "$1/tmp/bd"'); then
	ok "buildd chroot ($suite) with the Build-Depends of debian/control: $(basename "$buildd") ($(( $(date +%s) - t0 )) s)"
else
	bad "mmdebstrap --variant=buildd $suite + apt-get build-dep"; totals package-clean; exit 1
fi

# 2. dpkg-buildpackage in it: tracked files only, as nobody, offline
t0=$(date +%s)
unpack "$buildd" "$tmp/b" || { bad "unpack $buildd"; exit 1; }
mkdir -p "$tmp/b/build/pinscope"
git ls-files -z | xargs -0 cp --parents -t "$tmp/b/build/pinscope"
chown -R nobody:nogroup "$tmp/b/build"
# the sources' revision for --version (the copy has no .git)
rev=$(git describe --always --dirty --abbrev=12 2>/dev/null || echo unknown)
if in_chroot "$tmp/b" no nobody:nogroup env GIT_REV="$rev" \
	sh -c 'cd /build/pinscope && dpkg-checkbuilddeps && dpkg-buildpackage -us -uc -b' \
	> "$tmp/build.log" 2>&1; then
	ok "dpkg-buildpackage -us -uc -b in the clean chroot, offline, as nobody: $(cd "$tmp/b/build" && ls pinscope_*.deb) ($(( $(date +%s) - t0 )) s)"
else
	tail -25 "$tmp/build.log" > "$tmp/out"; bad "dpkg-buildpackage in the clean $suite chroot"
	totals package-clean; exit 1
fi
deb=$(ls "$tmp"/b/build/pinscope_*.deb)
cp "$deb" "$tmp/" && deb=$tmp/$(basename "$deb")

rm -rf "$tmp/b"

# 3. lintian: no errors or warnings but the justified overrides of debian/;
# the suite's lintian (its checks and tags change between releases)
lint=() lint_deb=$deb
if [ "$suite" = "$(. /etc/os-release && echo "${VERSION_CODENAME:-}")" ]; then
	if command -v lintian > /dev/null; then
		lint=(lintian)
	else
		bad "Failed to find lintian: install it (make deps)"
	fi
elif lt=$(chroot_tar apt lintian --include=lintian) && unpack "$lt" "$tmp/l" && cp "$deb" "$tmp/l/tmp/"; then
	lint=(in_chroot "$tmp/l" no nobody:nogroup lintian)
	lint_deb=/tmp/$(basename "$deb")
else
	bad "Failed to build the $suite chroot with lintian (mmdebstrap --variant=apt --include=lintian)"
fi
if [ ${#lint[@]} -gt 0 ]; then
	lint_ver=$("${lint[@]}" --version 2>&1)
	if "${lint[@]}" -I --fail-on error,warning "$lint_deb" > "$tmp/out" 2>&1; then
		ok "lintian ($suite's: $lint_ver): no errors or warnings"
		grep -E '^[IPNOX]: ' "$tmp/out" | sed 's/^/     | /'
	else
		bad "lintian ($suite's: $lint_ver) $(basename "$deb")"
	fi
fi
rm -rf "$tmp/l"
# the unit's maintainer scripts: this suite's dh_installsystemd installed the
# unit (debian/rules: bookworm's in /lib/systemd/system, trixie's in
# /usr/lib/systemd/system) and wrote them: postinst restarts it on upgrade,
# prerm stops it on remove
if dpkg-deb -I "$deb" postinst 2>/dev/null | grep -q "deb-systemd-helper update-state 'pinscope.service'" &&
	dpkg-deb -I "$deb" prerm 2>/dev/null | grep -q "deb-systemd-invoke stop 'pinscope.service'"; then
	ok "maintainer scripts of pinscope.service ($(dpkg-deb -c "$deb" | grep -o '[^ ]*/pinscope\.service$'))"
else
	dpkg-deb -c "$deb" | grep 'systemd/system' > "$tmp/out"
	BAD_SHOW=5 bad "maintainer scripts of pinscope.service: dh_installsystemd wrote none (unit in the .deb below)"
fi

# 4. apt install into a minimal chroot; the autopkgtest; apt remove
t0=$(date +%s)
if mini=$(chroot_tar apt "minimal"); then
	ok "minimal chroot ($suite, --variant=apt): $(basename "$mini")"
else
	bad "mmdebstrap --variant=apt $suite"; totals package-clean; exit 1
fi
c=$tmp/i
unpack "$mini" "$c" || { bad "unpack $mini"; exit 1; }
cp /etc/resolv.conf "$c/etc/resolv.conf"
cp "$deb" "$c/tmp/"
mkdir -p "$c/tmp/src" && cp -r debian/tests "$c/tmp/src/"
# downloaded packages stay in the cache (a warm run fetches only the indexes)
mount_archives="mount --bind $cache/archives $c/var/cache/apt/archives &&"
if unshare --mount --pid --fork --mount-proc="$c/proc" sh -c "$mount_archives
	chroot $c env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
	sh -c 'apt-get update -q && apt-get install -y -q /tmp/$(basename "$deb")'" > "$tmp/out" 2>&1; then
	ok "apt install ./$(basename "$deb") in a minimal $suite chroot ($(( $(date +%s) - t0 )) s)"
else
	bad "apt install ./$(basename "$deb") in a minimal $suite chroot"; totals package-clean; exit 1
fi
in_chroot "$c" no root:root pinscope --version > "$tmp/out" 2>&1 &&
	ok "installed: $(cat "$tmp/out")" || bad "pinscope --version in the chroot"
# the autopkgtest, as the tools run it: each test of debian/tests/control, any user
for t in $(sed -n 's/^Tests: *//p' debian/tests/control); do
	mkdir -p "$c/tmp/at-$t" && chown nobody:nogroup "$c/tmp/at-$t"
	if in_chroot "$c" no nobody:nogroup env AUTOPKGTEST_TMP="/tmp/at-$t" "/tmp/src/tests/$t" > "$tmp/out" 2>&1; then
		ok "autopkgtest $t (as nobody): $(grep -c '^ok' "$tmp/out") checks"
	else
		bad "autopkgtest $t"
	fi
done
# what --help, pinscope.8 and the --html page point to is installed
# (the page's names from its source: user/report/html.c; a wrong path here
# once dropped them with only a grep message)
html_names=$(grep -o 'docs/[a-z]*\.md' user/report/html.c) ||
	bad "Failed to read the docs the --html page names: no docs/*.md in user/report/html.c"
names=$( { in_chroot "$c" no root:root pinscope --help; in_chroot "$c" no root:root sh -c 'zcat /usr/share/man/man8/pinscope.8.gz'
	echo "$html_names"; } | grep -oE 'docs/[a-z]+\.md' | sort -u)
missing=""
for n in $names; do
	ls "$c/usr/share/doc/pinscope/$n" "$c/usr/share/doc/pinscope/$n.gz" 2> /dev/null | grep -q . || missing+=" $n"
done
[ -n "$names" ] && [ -z "$missing" ] && ok "installed: every doc the program names ($(echo $names))" \
	|| { echo "missing:$missing" > "$tmp/out"; bad "docs named by --help/pinscope.8/--html not in /usr/share/doc/pinscope"; }
if in_chroot "$c" no root:root apt-get remove -y -q pinscope > "$tmp/out" 2>&1 && [ ! -e "$c/usr/sbin/pinscope" ]; then
	ok "apt remove pinscope"
else
	bad "apt remove pinscope"
fi
totals package-clean
