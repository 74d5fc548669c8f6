#!/bin/sh
# Every litmus file must have an entry in litmus/README.md (and every entry a file).
cd "$(dirname "$0")/.." || exit 2
status=0
for f in $(cd litmus && find . -name '*.litmus' | sed 's|^\./||' | sort); do
	grep -qx "$f" litmus/README.md || { echo "litmus/README.md has no entry for $f"; status=1; }
done
for e in $(grep -E '^[a-z0-9_/.+-]+\.litmus$' litmus/README.md); do
	[ -f "litmus/$e" ] || { echo "litmus/README.md lists $e, which does not exist"; status=1; }
done
[ $status -eq 0 ] && echo "litmus/README.md: every test has an entry"
exit $status
