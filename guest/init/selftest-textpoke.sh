
# --- scenario selftest-textpoke (guest/init/selftest-textpoke.sh) ---
# Patches kernel text over and over while the workload pins page tables on
# both vCPUs: every write to events/xen/enable flips the static keys of the
# xen tracepoints (text_poke_bp(): int3, IPIs to sync the cores).  Under
# QEMU's multi-threaded TCG (GUEST_TCG_THREAD=multi) this guest hung within
# the first 4 of POKES rounds in 2 of 2 boots, with no kernel message even at
# printk level 8; with single-threaded TCG (guest/boot.sh's default) all 300
# rounds ran in 51 s.  Run by hand (docs/kernel.md, "Guest hangs"); not part
# of make test.
scenario() {
	T=/sys/kernel/tracing
	echo 8 > /proc/sys/kernel/printk
	/bin/workload -n 1 -c 8 -m 64 -f 4 > /dev/null 2>&1 &
	i=0
	while [ $i -lt ${POKES:-300} ]; do
		echo 1 > $T/events/xen/enable
		echo 0 > $T/events/xen/enable
		i=$((i + 1))
		stage "selftest: text patched $i times"
	done
	kill %1 2>/dev/null
	echo "text patched $i times" > /tmp/p.txt
	emit_text pokes /tmp/p.txt 0
	return 0
}
