#!/bin/sh
# faultline conform must leave nothing behind: no agent processes, no swap file, whether a run
# finishes, times out (a thread blocked in a userfault), or faultline itself is killed.
# Usage: tests/check_conform_cleanup.sh build/faultline
cd "$(dirname "$0")/.." || exit 2
# An absolute path, so that only this checkout's agents count (not another faultline's).
fl=$(realpath "${1:-build/faultline}") || exit 2
status=0

leftovers() {
	# Agents are forks of faultline: same command line.  Zombies do not count (they hold nothing).
	for p in $(pgrep -f "$fl conform" 2>/dev/null); do
		[ "$(awk '{print $3}' /proc/$p/stat 2>/dev/null)" = Z ] || echo "$p"
	done
}

check_clean() {
	what=$1
	sleep 0.3
	l=$(leftovers)
	if [ -n "$l" ]; then
		echo "conform cleanup: processes left after $what: $l"
		status=1
	fi
	for f in $(awk '/faultline-swap-/ {print $1}' /proc/swaps 2>/dev/null) /var/tmp/faultline-swap-*; do
		[ -e "$f" ] || continue
		# The file is named after the faultline that made it: another live faultline's is not ours.
		pid=${f##*faultline-swap-}
		if [ -d "/proc/$pid" ] && ! tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "^$fl "; then
			continue
		fi
		echo "conform cleanup: a swap file is left after $what: $f"
		status=1
		break
	done
}

# A run that times out: the thread blocked in handle_userfault must be killed.
"$fl" conform litmus/uffd/missing-no-monitor.litmus --timeout 200 >/dev/null 2>&1
check_clean "a timed-out run"

# A run that swaps: the swap file must go.
"$fl" conform litmus/conformance/pagemap-bits.litmus >/dev/null 2>&1
check_clean "a run with MADV_PAGEOUT"

# faultline killed mid-run: its agents must exit on their own (EOF on the command pipe,
# PR_SET_PDEATHSIG), and the next conform removes a swap file the dead one left.
"$fl" conform litmus/uffd/missing-no-monitor.litmus --timeout 5000 >/dev/null 2>&1 &
pid=$!
sleep 0.5
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
"$fl" conform litmus/conformance/fork-cow-both-ways.litmus >/dev/null 2>&1
check_clean "faultline was SIGKILLed"

[ $status -eq 0 ] && echo "conform cleanup: no processes or swap files left behind"
exit $status
