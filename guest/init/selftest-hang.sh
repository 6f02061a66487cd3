
# --- scenario selftest-hang (guest/init/selftest-hang.sh) ---
# Hangs silently: guest/boot.sh must give up after --idle seconds without
# output (or its hard --timeout), report a hang (exit 4), and stop QEMU.
scenario() {
	stage "selftest: hanging silently"
	while :; do sleep 3600; done
}
