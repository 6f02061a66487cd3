
# --- scenario domu-host (guest/init/domu-host.sh) ---
# The dom0 side of `guest/boot.sh --domu`: start Xen's toolstack (Debian's
# xen-utils-4.17, added to this image by guest/mkdom0.sh), start the kernel
# under test as a PV domU with `xl create`, and relay the domU's console to
# this dom0's console (and so to the serial port), line for line: the domU
# runs its own scenario image, whose PINSCOPE-STAGE/BEGIN/END lines reach
# boot.sh as if they came from dom0.  Its "PINSCOPE-DONE rc=N" is relayed
# too; this dom0 then ends with its own "PINSCOPE-DONE rc=N" carrying the
# domU's rc (1 when the domU stopped without one), which boot.sh reads.
# Files (guest/mkdom0.sh): /domu/vmlinuz, /domu/initrd.cpio.gz,
# /lib/modules/dom0/*.ko, the toolstack under /usr/lib/xen-4.17 with its
# libraries.
# Settings (/etc/pinscope.conf):
#   DOMU_MEM     domU memory in MiB (default 768)
#   DOMU_VCPUS   domU vCPUs (default 2)
#   DOMU_ARGS    extra domU kernel arguments (boot.sh -a)
#   DOMU_CPUS    the physical CPUs the domU's vCPUs may run on (xl cpus=)
# Suspends: a domU scenario may ask for one with the console line
# "PINSCOPE-SUSPEND-REQUEST KIND" (guest/init/live.sh SUSPEND_<run>): KIND
# save-restore is `xl save` (the domain is gone) then `xl restore -F` of the
# file (a new domain of the same name and console log), checkpoint is
# `xl save -c` (the domain runs on), migrate is `xl migrate` to this same
# host (-s "": the receiving `xl migrate-receive` runs here, no ssh; the
# incoming domain's console log is guest-pinscope-domu--incoming.log,
# relayed from then on; Xen 4.17 under QEMU refuses the PV domU's log-dirty
# mode, so the migration fails before the suspend: docs/kernel.md); each
# step's output and time go to the section suspend-host.
# Sections: dom0-info (the trailer's guest-info, renamed), toolstack (what
# each step printed, rc = the first failing step's), suspend-host (when
# asked), the domU's sections.
INFO_SECTION=dom0-info
DOMU_MEM=${DOMU_MEM:-768}
DOMU_VCPUS=${DOMU_VCPUS:-2}
DOMU_ARGS=${DOMU_ARGS:-}
DOMU_NAME=pinscope-domu
XB=/usr/lib/xen-4.17/bin
CONSOLE_LOG=/var/log/xen/console/guest-$DOMU_NAME.log
INCOMING_LOG=/var/log/xen/console/guest-$DOMU_NAME--incoming.log

# ts_step WHAT CMD...: run a toolstack step, its output to /tmp/toolstack.txt
ts_step() {
	_what=$1; shift
	echo "## $_what: $*" >> /tmp/toolstack.txt
	LD_LIBRARY_PATH=/usr/lib/xen-4.17/lib/x86_64-linux-gnu "$@" >> /tmp/toolstack.txt 2>&1
	_rc=$?
	[ $_rc = 0 ] || echo "## FAILED ($_rc): $_what" >> /tmp/toolstack.txt
	return $_rc
}

toolstack_up() {
	stage "domu: dom0 starts the toolstack (xenstored, xen-init-dom0, xenconsoled)"
	for m in xen-evtchn xen-privcmd xen-gntdev xen-gntalloc xenfs; do
		# built in (no file) is fine too
		[ -e /lib/modules/dom0/$m.ko ] || continue
		ts_step "module $m" insmod /lib/modules/dom0/$m.ko || return 1
	done
	mkdir -p /proc/xen /var/lib/xenstored /var/run/xen /var/run/xenstored /var/lib/xen \
		/var/log/xen/console /var/lock /run/xen
	ts_step "xenfs" mount -t xenfs xenfs /proc/xen || return 1
	# xenconsoled gives each domU console a pty
	ts_step "devpts" mount -t devpts -o gid=5,mode=620 devpts /dev/pts || return 1
	ts_step "xenstored" $XB/xenstored --pid-file /var/run/xenstored.pid || return 1
	ts_step "xen-init-dom0" $XB/xen-init-dom0 || return 1
	ts_step "xenconsoled" $XB/xenconsoled --pid-file=/var/run/xenconsoled.pid \
		--log=guest --log-dir=/var/log/xen/console || return 1
	cat > /etc/xen/xl.conf <<-EOF
	autoballoon="off"
	EOF
	_cpus=""
	[ -z "$DOMU_CPUS" ] || _cpus="cpus = \"$DOMU_CPUS\""
	cat > /etc/xen/domu.cfg <<-EOF
	name = "$DOMU_NAME"
	type = "pv"
	kernel = "/domu/vmlinuz"
	ramdisk = "/domu/initrd.cpio.gz"
	cmdline = "console=hvc0 rdinit=/init $DOMU_ARGS"
	memory = $DOMU_MEM
	vcpus = $DOMU_VCPUS
	$_cpus
	on_poweroff = "destroy"
	on_reboot = "destroy"
	on_crash = "destroy"
	EOF
	cat /etc/xen/domu.cfg >> /tmp/toolstack.txt
	return 0
}

# suspend_do KIND: what the domU asked for; the save file lives in dom0's
# tmpfs (the domU's memory: boot.sh --domu-mem small enough)
suspend_do() {
	_t0=$(date +%s)
	# the last restore has read its file long ago (the domain ran since)
	rm -f /tmp/domu.save
	echo "## $1 requested at $_t0 s" >> /tmp/suspend-host.txt
	case "$1" in
	checkpoint)
		stage "domu: dom0 checkpoints the domU (xl save -c)"
		ts_step "xl save -c" $XB/xl save -c $DOMU_NAME /tmp/domu.save
		_src=$?
		;;
	save-restore)
		stage "domu: dom0 saves the domU (xl save)"
		ts_step "xl save" $XB/xl save $DOMU_NAME /tmp/domu.save
		_src=$?
		ls -l /tmp/domu.save >> /tmp/suspend-host.txt 2>&1
		if [ $_src = 0 ]; then
			echo "## saved after $(( $(date +%s) - _t0 )) s; xl restore -F" >> /tmp/suspend-host.txt
			stage "domu: dom0 restores the domU (xl restore), saved after $(( $(date +%s) - _t0 )) s"
			LD_LIBRARY_PATH=/usr/lib/xen-4.17/lib/x86_64-linux-gnu \
				$XB/xl restore -F /tmp/domu.save >> /tmp/xl-restore.txt 2>&1 &
			echo $! > /tmp/restore.pid
		fi
		;;
	migrate)
		stage "domu: dom0 migrates the domU to this same host (xl migrate)"
		ts_step "xl migrate" $XB/xl migrate -s "" $DOMU_NAME "exec $XB/xl migrate-receive"
		_src=$?
		if [ $_src = 0 ]; then
			: > /tmp/migrated
			_i=0
			while [ ! -e "$INCOMING_LOG" ] && [ $_i -lt 10 ]; do nap 1; _i=$((_i + 1)); done
			# from its first line: what the domain printed since it arrived
			tail -n +1 -f "$INCOMING_LOG" &
			echo $! > /tmp/tail2.pid
		fi
		;;
	*)
		echo "## unknown kind '$1': nothing done" >> /tmp/suspend-host.txt
		_src=2
		;;
	esac
	tail -n 20 /tmp/toolstack.txt >> /tmp/suspend-host.txt
	echo "## $1: rc $_src, $(( $(date +%s) - _t0 )) s" >> /tmp/suspend-host.txt
	echo "$_src" > /tmp/suspend-rc
	# xl restore reads the file: the next suspend removes it
	[ -e /tmp/restore.pid ] || rm -f /tmp/domu.save
}

# suspend_watch: the requests on the domU's console, one after the other,
# while a domain of that name runs or a suspend is under way
suspend_watch() {
	_done=0
	while [ ! -e /tmp/domu-gone ]; do
		_n=$(tr -d '\r' < "$CONSOLE_LOG" | grep -c '^PINSCOPE-SUSPEND-REQUEST ')
		if [ "$_n" -gt "$_done" ]; then
			_done=$((_done + 1))
			_kind=$(tr -d '\r' < "$CONSOLE_LOG" | sed -n 's/^PINSCOPE-SUSPEND-REQUEST \([a-z-]*\).*/\1/p' |
				sed -n "${_done}p")
			: > /tmp/suspending
			suspend_do "$_kind"
			rm -f /tmp/suspending
		fi
		nap 1
	done
}

# wait_domain: until the domain of the run is gone: xl create -F ($1), then
# any xl restore -F the watcher started (not a child of this shell)
wait_domain() {
	wait "$1"
	xlrc=$?
	while :; do
		while [ -e /tmp/suspending ]; do nap 1; done
		[ -e /tmp/restore.pid ] || break
		_rp=$(cat /tmp/restore.pid)
		rm -f /tmp/restore.pid
		# it ends when the domain dies, or is saved again (then the
		# watcher has marked the suspend first: the loop waits for it)
		while kill -0 "$_rp" 2>/dev/null; do nap 1; done
		{ echo "## xl restore -F ended"; cat /tmp/xl-restore.txt; } >> /tmp/suspend-host.txt
		: > /tmp/xl-restore.txt
	done
	# xl create -F (or restore -F) also ends when the domain suspends for
	# a checkpoint, which resumes it, or a migration, whose receiving xl
	# then watches it: wait until no domain of that name is left, and
	# destroy it once it has shut down (nobody else is watching it then)
	while _st=$(LD_LIBRARY_PATH=/usr/lib/xen-4.17/lib/x86_64-linux-gnu \
		$XB/xl list $DOMU_NAME 2>/dev/null | awk 'NR == 2 { print $5 }'); [ -n "$_st" ]; do
		case $_st in
		*s*) ts_step "xl destroy (shut down after a checkpoint)" $XB/xl destroy $DOMU_NAME ;;
		esac
		nap 1
	done
	: > /tmp/domu-gone
}

scenario() {
	: > /tmp/toolstack.txt
	rm -f /tmp/suspend-host.txt /tmp/suspending /tmp/restore.pid /tmp/domu-gone /tmp/migrated \
		/tmp/tail2.pid
	if ! toolstack_up; then
		emit_text toolstack /tmp/toolstack.txt 1
		return 1
	fi
	stage "domu: xl create ($DOMU_MEM MiB, $DOMU_VCPUS vCPUs, $(basename "$(readlink -f /domu/vmlinuz)"))"
	# -F: stays in the foreground until the domain is gone
	LD_LIBRARY_PATH=/usr/lib/xen-4.17/lib/x86_64-linux-gnu \
		$XB/xl create -F /etc/xen/domu.cfg > /tmp/xl.txt 2>&1 &
	xlpid=$!
	_i=0
	while [ ! -e "$CONSOLE_LOG" ] && [ $_i -lt 60 ]; do
		kill -0 $xlpid 2>/dev/null || break
		nap 1; _i=$((_i + 1))
	done
	if [ ! -e "$CONSOLE_LOG" ]; then
		wait $xlpid
		{ echo "## xl create: rc $?"; cat /tmp/xl.txt; echo "## no console log $CONSOLE_LOG"; } >> /tmp/toolstack.txt
		emit_text toolstack /tmp/toolstack.txt 1
		return 1
	fi
	stage "domu: relaying the domU console"
	tail -n +1 -f "$CONSOLE_LOG" &
	tailpid=$!
	suspend_watch &
	watchpid=$!
	wait_domain $xlpid
	wait $watchpid 2>/dev/null
	[ ! -e /tmp/suspend-host.txt ] || emit_text suspend-host /tmp/suspend-host.txt "$(cat /tmp/suspend-rc 2>/dev/null || echo 1)"
	# busybox tail -f reads to EOF once a second: let it catch up
	nap 3
	kill $tailpid $(cat /tmp/tail2.pid 2>/dev/null) 2>/dev/null
	wait $tailpid 2>/dev/null
	{ echo "## xl create -F: rc $xlrc"; cat /tmp/xl.txt; } >> /tmp/toolstack.txt
	_rc=$(cat "$CONSOLE_LOG" "$INCOMING_LOG" 2>/dev/null | tr -d '\r' |
		sed -n 's/^PINSCOPE-DONE rc=\([0-9]*\).*/\1/p' | tail -n 1)
	if [ -z "$_rc" ]; then
		echo "## the domU stopped without PINSCOPE-DONE" >> /tmp/toolstack.txt
		stage "domu: the domU stopped without finishing its scenario"
		emit_text toolstack /tmp/toolstack.txt 1
		return 1
	fi
	stage "domu: the domU finished its scenario (rc=$_rc)"
	emit_text toolstack /tmp/toolstack.txt 0
	return "$_rc"
}
