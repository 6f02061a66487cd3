
# --- scenario selftest-panic (guest/init/selftest-panic.sh) ---
# Crashes the guest kernel on purpose (sysrq c): guest/boot.sh must report a
# panic (exit 3) with the tail of the serial log, and stop QEMU.
scenario() {
	stage "selftest: crashing the kernel (sysrq c)"
	echo 1 > /proc/sys/kernel/sysrq
	echo 8 > /proc/sys/kernel/printk
	echo c > /proc/sysrq-trigger
	sleep 60
	return 1
}
