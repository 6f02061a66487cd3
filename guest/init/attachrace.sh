
# --- scenario attachrace (guest/init/attachrace.sh) ---
# pinscope started while the shell forks without a pause: pins (dup_mmap) and
# unpins (exit_mmap) run while pinscope attaches its programs one by one.
# Before the hooks were armed only once all were attached (docs/design.md,
# "A run starts when every program is in"), every fentry run here reported
# locks-released and l4-after-walk; now each run must be clean (exit 0).
# Not part of a make target: boot it by hand,
#   guest/mkinitramfs.sh -s attachrace -p .output/pinscope.static -o /tmp/ar.cpio.gz
#   guest/boot.sh -i /tmp/ar.cpio.gz -o /tmp/ar
#   grep -H violations_total /tmp/ar/attach-*[0-9]   # all 0; attach-N.rc all 0
# Settings (/etc/pinscope.conf):
#   ATTACH_RUNS   runs (default 4)
#   ATTACH_ARGS   pinscope options (default "--mode fentry")
# Sections: attach-N (pinscope -d 3 --json), attach-N-stderr.
ATTACH_RUNS=${ATTACH_RUNS:-4}
ATTACH_ARGS=${ATTACH_ARGS:---mode fentry}

scenario() {
	[ -x /bin/pinscope ] || { echo "no /bin/pinscope" > /tmp/err.txt; emit_text attach-1 /tmp/err.txt 1; return 1; }
	_i=1
	while [ "$_i" -le "$ATTACH_RUNS" ]; do
		( while :; do (:); done ) &
		_bg=$!
		stage "trace: attach run $_i: pinscope -d 3 --json $ATTACH_ARGS, forking meanwhile"
		/bin/pinscope -d 3 --json $ATTACH_ARGS > /tmp/a.json 2> /tmp/a.err
		_rc=$?
		kill "$_bg"
		wait "$_bg" 2>/dev/null
		emit_text "attach-$_i" /tmp/a.json $_rc
		emit_text "attach-$_i-stderr" /tmp/a.err $_rc
		_i=$((_i + 1))
	done
	return 0
}
