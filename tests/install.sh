#!/usr/bin/env bash
# make install and the Debian package put the binary, pinscope.8, the unit and
# the bash completion in place, and they work from there.
# Usage: tests/install.sh [--deb]   (from make test-install / test-package)
#   default: make install DESTDIR=tmp PREFIX=/usr, then check the tree
#   --deb:   dpkg-buildpackage -us -uc -b in a copy of the tracked sources,
#            lintian, dpkg -x into a fresh directory, then the same checks
. "$(dirname "$0")/lib.sh"
BAD_SHOW=15
cd "$(dirname "$0")/.." || exit 1
version=$(sed -n '1{s/^[^0-9]*//;s/[^0-9.].*//;p}' debian/changelog)
root=$tmp/root
unitdir=usr/lib/systemd/system

if [ "${1:-}" = --deb ]; then
	mkdir "$tmp/src"
	git ls-files -z | xargs -0 cp --parents -t "$tmp/src"
	# uncommitted but tracked changes are in the copy; the revision is ours
	rev=$(git describe --always --dirty --abbrev=12 2>/dev/null || echo unknown)
	if (cd "$tmp/src" && GIT_REV=$rev dpkg-buildpackage -us -uc -b) > "$tmp/out" 2>&1; then
		ok "dpkg-buildpackage -us -uc -b: $(cd "$tmp" && ls pinscope_*.deb)"
	else
		bad "dpkg-buildpackage"; exit 1
	fi
	deb=$(ls "$tmp"/pinscope_*.deb)
	if lintian -I --fail-on error,warning "$deb" > "$tmp/out" 2>&1; then
		ok "lintian: no errors or warnings"
		grep -E '^[IPNOX]: ' "$tmp/out" | sed 's/^/     | /' 
	else
		bad "lintian"
	fi
	dpkg -x "$deb" "$root" > "$tmp/out" 2>&1 && ok "dpkg -x" || bad "dpkg -x"
	# bookworm's dh_installsystemd sees units in /lib/systemd/system only;
	# its scripts restart a running service on upgrade and stop it on remove
	# (in a real systemd: guest/matrix.sh systemd-dom0)
	unitdir=lib/systemd/system
	dpkg-deb -e "$deb" "$tmp/ctl"
	if grep -q "deb-systemd-invoke stop 'pinscope.service'" "$tmp/ctl/prerm" 2>/dev/null &&
	   grep -q "_dh_action=restart" "$tmp/ctl/postinst" 2>/dev/null &&
	   grep -q "deb-systemd-helper debian-installed" "$tmp/ctl/postinst"; then
		ok "maintainer scripts: not enabled on install, restarted on upgrade, stopped on remove"
	else
		cat "$tmp/ctl/prerm" "$tmp/ctl/postinst" > "$tmp/out" 2>&1; bad "maintainer scripts of the unit"
	fi
else
	if make --no-print-directory install DESTDIR="$root" PREFIX=/usr > "$tmp/out" 2>&1; then
		ok "make install DESTDIR=... PREFIX=/usr"
	else
		bad "make install"; exit 1
	fi
fi

for f in usr/sbin/pinscope usr/share/man/man8/pinscope.8.gz $unitdir/pinscope.service \
	 usr/share/bash-completion/completions/pinscope; do
	[ -s "$root/$f" ] && ok "installed /$f" || { : > "$tmp/out"; bad "no /$f"; }
done

# --version: the version of debian/changelog and a git revision
"$root/usr/sbin/pinscope" --version > "$tmp/out" 2>&1
grep -qE "^pinscope $version \(git [0-9a-f]{7,}(-dirty)?\)$" "$tmp/out" \
	&& ok "pinscope --version: $(cat "$tmp/out")" || bad "pinscope --version"

# man -l renders, and names every long option of --help
man -l "$root/usr/share/man/man8/pinscope.8.gz" > "$tmp/man" 2> "$tmp/out"
if [ -s "$tmp/man" ] && ! [ -s "$tmp/out" ] && grep -q "EXIT STATUS" "$tmp/man"; then
	ok "man -l pinscope.8.gz"
else
	bad "man -l pinscope.8.gz"
fi
"$root/usr/sbin/pinscope" --help | grep -oE -- '--[a-z][a-z-]+' | sort -u > "$tmp/opts"
missing=$(while read -r o; do grep -qF -- "$o" "$tmp/man" || echo "$o"; done < "$tmp/opts")
if [ -z "$missing" ]; then
	ok "pinscope.8 names all $(wc -l < "$tmp/opts") long options of --help"
else
	echo "$missing" > "$tmp/out"; bad "pinscope.8 lacks options of --help"
fi

# the unit runs the installed binary; systemd accepts it
unit=$root/$unitdir/pinscope.service
grep -q '^ExecStart=/usr/sbin/pinscope --metrics 127.0.0.1:' "$unit" && ok "unit runs /usr/sbin/pinscope --metrics" \
	|| { cp "$unit" "$tmp/out"; bad "unit ExecStart"; }
# the unit's exit statuses are the codes --help gives: verdicts succeed, a
# usage error or a machine that is no Xen PV guest is not restarted; and no
# condition skips it in dom0 (ConditionVirtualization=xen is domU only)
"$root/usr/sbin/pinscope" --help | tr '\n' ' ' | grep -oE 'Exit status:[^.]*' > "$tmp/codes"
code_of() { grep -oE "[0-9] [^,0-9]*$1" "$tmp/codes" | cut -c1; }
want_ok="$(code_of violated) $(code_of inconclusive)" want_stop="$(code_of 'usage error') $(code_of 'not a Xen PV')"
got_ok=$(sed -n 's/^SuccessExitStatus=//p' "$unit") got_stop=$(sed -n 's/^RestartPreventExitStatus=//p' "$unit")
if [ "$got_ok" = "$want_ok" ] && [ "$got_stop" = "$want_stop" ] && [ ${#want_stop} = 3 ] &&
   ! grep -q '^Condition' "$unit"; then
	ok "unit: SuccessExitStatus=$got_ok, RestartPreventExitStatus=$got_stop (as --help), no Condition"
else
	{ cat "$tmp/codes"; echo; grep -E '^(Condition|SuccessExit|RestartPrevent)' "$unit"; } > "$tmp/out"
	bad "unit exit statuses: want SuccessExitStatus=$want_ok RestartPreventExitStatus=$want_stop, no Condition"
fi
if command -v systemd-analyze > /dev/null; then
	# the same unit, but running the binary where it was installed
	sed "s|=/usr/sbin/pinscope|=$root/usr/sbin/pinscope|" "$unit" > "$tmp/pinscope.service"
	if systemd-analyze verify --man=no "$tmp/pinscope.service" > "$tmp/out" 2>&1; then
		ok "systemd-analyze verify pinscope.service"
	else
		bad "systemd-analyze verify pinscope.service"
	fi
fi

# --evidence under the unit, as its comment turns it on: a directory per run
# (${INVOCATION_ID}: pinscope refuses one that is not empty) in a directory
# of its StateDirectory (pinscope creates the last component only; the only
# place ProtectSystem=strict leaves writable); README.md and pinscope.8 give
# the same line; systemd accepts the unit with it
ev=$(sed -n 's/^#   \(ExecStart=.* --evidence .*\)$/\1/p' "$unit")
evdir=${ev##* --evidence } states=" $(sed -n 's/^StateDirectory=//p' "$unit") "
parent=${evdir%/*}
# shellcheck disable=SC2016 # ${INVOCATION_ID}: literally, for systemd
if [ -n "$ev" ] && [ "${evdir##*/}" = '${INVOCATION_ID}' ] && [[ $parent == /var/lib/?* ]] &&
   [[ $states == *" ${parent#/var/lib/} "* ]]; then
	ok "unit: --evidence into a new directory per run in its StateDirectory $parent"
else
	{ echo "$ev"; echo "StateDirectory=$states"; } > "$tmp/out"
	bad "unit: the --evidence line of its comment is no new directory per run in a StateDirectory"
fi
if [ -n "$ev" ] && grep -qxF "$ev" README.md && sed 's/\\-/-/g' docs/pinscope.8 | grep -qxF "$ev"; then
	ok "README.md and pinscope.8 give the unit's --evidence line"
else
	echo "$ev" > "$tmp/out"; bad "README.md or pinscope.8 lack the unit's --evidence line"
fi
if command -v systemd-analyze > /dev/null; then
	mkdir "$tmp/ev"
	awk -v l="${ev/=\/usr\/sbin/=$root/usr/sbin}" '/^ExecStart=/ { $0 = l } 1' "$tmp/pinscope.service" \
		> "$tmp/ev/pinscope.service"
	if [ -n "$ev" ] && systemd-analyze verify --man=no "$tmp/ev/pinscope.service" > "$tmp/out" 2>&1; then
		ok "systemd-analyze verify pinscope.service with its --evidence line"
	else
		bad "systemd-analyze verify pinscope.service with its --evidence line"
	fi
fi

# the completion offers the options of --help, and the modes after --mode
comp() { # WORDS...: what the completion offers for the last word
	PATH="$root/usr/sbin:$PATH" bash -c '. /usr/share/bash-completion/bash_completion
		. "$0"; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
		_pinscope pinscope "${COMP_WORDS[-1]}" "${COMP_WORDS[-2]}"; echo "${COMPREPLY[*]}"' \
		"$root/usr/share/bash-completion/completions/pinscope" "$@"
}
if [ -r /usr/share/bash-completion/bash_completion ]; then
	got=$(comp pinscope --me 2>/dev/null)
	[ "$got" = "--metrics=" ] && ok "completion: --me -> $got" || { echo "$got" > "$tmp/out"; bad "completion of --me"; }
	got=$(comp pinscope --mode f 2>/dev/null)
	[ "$got" = "fentry" ] && ok "completion: --mode f -> $got" || { echo "$got" > "$tmp/out"; bad "completion of --mode f"; }
fi
totals install
