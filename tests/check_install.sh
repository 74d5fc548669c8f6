#!/bin/sh
# SPDX-License-Identifier: MIT
# make install / uninstall (issue 12 item 3): into a scratch PREFIX, then an example program built
# through pkg-config against the installed library only, the bash completion, the man page; then
# uninstall leaves nothing behind.
# Usage: tests/check_install.sh BUILD_DIR
B=${1:-build}
cd "$(dirname "$0")/.." || exit 2
case $B in /*) ;; *) B=$(pwd)/$B ;; esac
P=$B/stage/usr
rm -rf "$B/stage"
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

make --no-print-directory -s B="$B" PREFIX="$P" install || { echo "FAIL: make install"; exit 1; }
for f in bin/faultline lib/libfaultline.a lib/pkgconfig/faultline.pc share/man/man1/faultline.1 \
	 share/bash-completion/completions/faultline include/faultline/litmus/interp.h; do
	[ -f "$P/$f" ] || fail "not installed: $f"
done
"$P/bin/faultline" run --help >/dev/null || fail "the installed binary does not run"

# Each public header stands alone on the installed ones (what it includes was installed too).
for h in $(cd "$P/include/faultline" && find . -name '*.h'); do
	printf '#include "%s"\n' "${h#./}" | ${CC:-cc} -std=c11 -Wall -Werror -fsyntax-only -I"$P/include/faultline" -x c - ||
		fail "installed header ${h#./} does not compile on its own"
done

# The example, with nothing but the installed prefix: no -Isrc, no build tree.
export PKG_CONFIG_PATH="$P/lib/pkgconfig"
pkg-config --exists faultline || fail "pkg-config does not find faultline"
${CC:-cc} -Wall -Wextra -Werror examples/embed.c $(pkg-config --cflags --libs faultline) -o "$B/stage/embed" ||
	fail "examples/embed.c does not build through pkg-config"
if [ -x "$B/stage/embed" ]; then
	"$B/stage/embed" litmus/seed000/clear-refs-cow-race.litmus v5.10 >"$B/stage/out"
	[ $? -eq 1 ] && grep -q "lost-write  schedule v1/" "$B/stage/out" || fail "embed: v5.10 finds the lost write"
	"$B/stage/embed" litmus/seed000/clear-refs-cow-race.litmus v5.12 >"$B/stage/out"
	[ $? -eq 0 ] && grep -q "no property violated" "$B/stage/out" || fail "embed: v5.12 is clean"
	"$B/stage/embed" litmus/seed000/clear-refs-cow-race.litmus v5.10 nosuch=1 >/dev/null 2>&1
	[ $? -eq 2 ] || fail "embed: a bad switch is exit 2"
fi

# The completion: commands, kernels (from the binary), switches with their values.
comp() {
	PATH="$P/bin:$PATH" bash -c '
		. "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
		_faultline; printf "%s\n" "${COMPREPLY[@]}"' - "$P/share/bash-completion/completions/faultline" "$@"
}
comp faultline r | grep -qx run || fail "completion: commands"
comp faultline run x.litmus --kernel v5.1 | grep -qx v5.10 || fail "completion: --kernel presets"
comp faultline run x.litmus --set clear_refs_f | grep -qx clear_refs_flush=flush_mm || fail "completion: --set switches"
comp faultline test --j | grep -qx -- --junit || fail "completion: test's options"

# The man page renders without warnings where a formatter is installed.
if command -v groff >/dev/null 2>&1; then
	w=$(groff -man -Tutf8 -ww "$P/share/man/man1/faultline.1" 2>&1 >/dev/null)
	[ -z "$w" ] || fail "groff warns about faultline.1: $w"
fi
grep -q '^\.TH FAULTLINE 1' "$P/share/man/man1/faultline.1" || fail "faultline.1 has no .TH"

make --no-print-directory -s B="$B" PREFIX="$P" uninstall || fail "make uninstall"
left=$(find "$P" -type f 2>/dev/null)
[ -z "$left" ] || fail "left after uninstall: $left"
rm -rf "$B/stage"
if [ $fails -ne 0 ]; then
	echo "check_install: $fails checks failed"
	exit 1
fi
echo "check_install: install, pkg-config example, completion, man page, uninstall: all passed"
