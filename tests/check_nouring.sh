#!/bin/sh
# SPDX-License-Identifier: MIT
# The README's first command on a machine without liburing (issue 12 item 1): a clean copy of
# the tree (the files git tracks, nothing built), liburing.h hidden in a private mount namespace
# (a file that is an #error is bind-mounted over it, so the Makefile's probe fails as on a fresh
# Debian), then `make demo`; the binary must not link liburing and conform must name the reason
# it skips the pin tests.  Without unshare(1) or the right to mount, the header is hidden from
# the build only (HAVE_LIBURING=0), and that is said.
# Usage: tests/check_nouring.sh BUILD_DIR
B=${1:-build}
cd "$(dirname "$0")/.." || exit 2
case $B in /*) ;; *) B=$(pwd)/$B ;; esac
C=$B/nouring-copy
rm -rf "$C"
mkdir -p "$C" || exit 2
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git ls-files -z | xargs -0 tar cf - | tar xf - -C "$C" || exit 2
else
	tar cf - --exclude=./build --exclude="./$(basename "$B")" . | tar xf - -C "$C" || exit 2
fi
printf '#error liburing.h hidden by tests/check_nouring.sh\n' >"$B/nouring-hide.h"
demo='cd "$1" && make --no-print-directory demo >"$2/nouring-demo.log" 2>&1'
if [ -e /usr/include/liburing.h ] &&
	unshare -m sh -c 'mount --bind "$1" /usr/include/liburing.h' - "$B/nouring-hide.h" 2>/dev/null; then
	how="liburing.h hidden by a bind mount"
	unshare -m sh -c 'mount --bind "$1" /usr/include/liburing.h && shift && '"$demo" - "$B/nouring-hide.h" "$C" "$B"
elif [ ! -e /usr/include/liburing.h ]; then
	how="no liburing.h on this machine"
	sh -c "$demo" - "$C" "$B"
else
	how="HAVE_LIBURING=0 (cannot hide the header here: no unshare -m)"
	sh -c 'cd "$1" && make --no-print-directory HAVE_LIBURING=0 demo >"$2/nouring-demo.log" 2>&1' - "$C" "$B"
fi
st=$?
fails=0
if [ $st -ne 0 ]; then
	echo "FAIL: make demo in a clean copy without liburing ($how): exit $st"
	tail -20 "$B/nouring-demo.log"
	fails=1
fi
grep -q "^VIOLATION lost-write" "$B/nouring-demo.log" || { echo "FAIL: the demo printed no lost-write"; fails=1; }
if grep -q -- "-DFL_HAVE_LIBURING" "$B/nouring-demo.log"; then
	echo "FAIL: the build still used liburing ($how)"
	fails=1
fi
if [ -x "$C/build/faultline" ]; then
	if command -v ldd >/dev/null 2>&1 && ldd "$C/build/faultline" | grep -q liburing; then
		echo "FAIL: the demo binary links liburing"
		fails=1
	fi
	"$C/build/faultline" conform litmus/conformance/iouring-pin-both-ways.litmus 2>&1 | grep -q "built without liburing" ||
		{ echo "FAIL: conform does not say the pin tests need liburing"; fails=1; }
fi
rm -rf "$C" "$B/nouring-hide.h"
[ $fails -eq 0 ] && echo "check_nouring: make demo works in a clean copy without liburing ($how)"
exit $fails
