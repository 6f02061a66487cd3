
# --- scenario repeat (guest/init/repeat.sh) ---
# Run the workload REPEAT times (default 20) with WORKLOAD_ARGS and report
# every run's exit status and the kernel's "segfault at" lines: a hunt for
# startup crashes (docs/kernels.md, "The workload's segfault").  Not part of
# make test.
# Sections: repeat (one line per run: index, rc), repeat-dmesg (the kernel's
# lines about user-space faults), cpuinfo (flags the guest kernel sees).
scenario() {
	echo 1 > /proc/sys/debug/exception-trace 2>/dev/null
	: > /tmp/repeat.txt
	_i=1 _bad=0
	while [ $_i -le ${REPEAT:-20} ]; do
		/bin/workload $WORKLOAD_ARGS > /tmp/w.out 2>&1
		_rc=$?
		echo "run $_i rc=$_rc $(tail -n 1 /tmp/w.out)" >> /tmp/repeat.txt
		[ $_rc = 0 ] || _bad=$((_bad + 1))
		stage "repeat: run $_i rc=$_rc"
		_i=$((_i + 1))
	done
	echo "failed runs: $_bad" >> /tmp/repeat.txt
	emit_text repeat /tmp/repeat.txt 0
	dmesg | grep -iE 'segfault|trap|general protection|invalid opcode|workload' > /tmp/dm.txt
	emit_text repeat-dmesg /tmp/dm.txt 0
	grep -m1 '^flags' /proc/cpuinfo > /tmp/ci.txt
	emit_text cpuinfo /tmp/ci.txt 0
	return 0
}
