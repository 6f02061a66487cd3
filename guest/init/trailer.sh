
# --- trailer (guest/init/trailer.sh) ---
stage "init started: scenario $SCENARIO, kernel $(uname -r)"
guest_info
scenario
rc=$?
sync
echo "PINSCOPE-DONE rc=$rc"
# give the console a moment to drain, then end QEMU (-no-reboot, exit 0)
sleep 1
poweroff -f
# not reached; a returning init would panic the guest
sleep 5
