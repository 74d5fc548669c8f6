#!/bin/sh
# The command line's promises (issue 9 items 3 and 4, issue 14 item 15): exit statuses, an
# incomplete search never passing, errors that name what is wrong, one bad file not stopping
# `faultline test`, any number of paths, the status line only on a terminal.
# Usage: tests/check_cli.sh build/faultline
F=${1:-build/faultline}
case $F in /*) ;; *) F=$(pwd)/$F ;; esac
cd "$(dirname "$0")/.." || exit 2
T=$(mktemp -d) || exit 2
trap 'rm -rf "$T"' EXIT
fails=0
n=0

# expect STATUS DESCRIPTION -- COMMAND...: run it (stdout+stderr to $T/out), check the status.
expect() {
	want=$1 what=$2
	shift 3
	n=$((n + 1))
	"$@" >"$T/out" 2>&1
	got=$?
	if [ "$got" != "$want" ]; then
		echo "FAIL: $what: exit $got, expected $want: $*"
		sed 's/^/    /' "$T/out" | head -20
		fails=$((fails + 1))
		return 1
	fi
	return 0
}

# has PATTERN DESCRIPTION: the last command's output matches (grep -E).
has() {
	n=$((n + 1))
	grep -Eq -- "$1" "$T/out" || { echo "FAIL: $2: no '$1' in the output"; sed 's/^/    /' "$T/out" | head -20; fails=$((fails + 1)); }
}
hasnt() {
	n=$((n + 1))
	! grep -Eq -- "$1" "$T/out" || { echo "FAIL: $2: '$1' in the output"; grep -E -- "$1" "$T/out" | head -5; fails=$((fails + 1)); }
}

RACE=litmus/seed000/clear-refs-cow-race.litmus
ZERO=litmus/basic/zero-page-read.litmus

# --- An incomplete search is never "as expected"; run and test agree. ---
expect 1 "run, incomplete" -- "$F" run $RACE --max-executions 100
has "INCOMPLETE" "run names an incomplete search"
has "stopped at --max-executions 100 \(preemption bound 2\)" "run says the bound it used"
hasnt "as expected.*INCOMPLETE|INCOMPLETE.*as expected" "run never calls an incomplete search as expected"
expect 1 "run --json, incomplete" -- "$F" run $RACE --max-executions 100 --json
n=$((n + 1))
python3 - "$T/out" <<'EOF' || { echo "FAIL: run --json: match with an incomplete search"; fails=$((fails + 1)); }
import json, sys
rows = json.load(open(sys.argv[1]))
bad = [r["kernel"] for r in rows if r["match"] and not r["complete"]]
inc = [r for r in rows if not r["complete"]]
sys.exit(1 if bad or not inc or any(r["verdict"] != "incomplete" for r in inc) else 0)
EOF
expect 1 "test, incomplete" -- "$F" test $RACE --max-executions 100
has "INCOMPLETE: expected ok" "test names an incomplete search"
expect 1 "run --kernel, nothing found, incomplete" -- "$F" run $RACE --kernel latest --max-executions 5
has "^INCOMPLETE: no property violated" "run --kernel: incomplete is not OK"
expect 1 "run --kernel --json, incomplete" -- "$F" run $RACE --kernel latest --max-executions 5 --json
has '"verdict":"incomplete"' "run --kernel --json gives the verdict"
expect 1 "random schedules never complete" -- "$F" run $RACE --kernel latest --strategy random --seed 3 --max-executions 50
has "^INCOMPLETE: .*random strategy: 50 executions, seed 3" "a random search says what it ran"
expect 0 "run, complete" -- "$F" run $RACE
expect 0 "run --kernel, complete and clean" -- "$F" run $RACE --kernel latest
expect 1 "run --kernel, a violation" -- "$F" run $RACE --kernel v5.10
expect 0 "test, complete" -- "$F" test $RACE

# --- Usage errors: named, with the range, exit 2; --help for every command, exit 0. ---
for c in run replay test policies bench conform gen; do
	expect 0 "$c --help" -- "$F" $c --help && has "^usage: faultline $c" "$c --help prints its usage"
	expect 0 "$c -h" -- "$F" $c -h
	expect 0 "help $c" -- "$F" help $c
done
expect 2 "an unknown option" -- "$F" run $ZERO --frobnicate
has "unknown option '--frobnicate'" "an unknown option is called unknown"
expect 2 "an option of another command" -- "$F" run $ZERO --runs 3
has "--runs is not an option of this command" "run rejects --runs"
expect 2 "--timeout outside conform" -- "$F" test $ZERO --timeout 10
expect 2 "--kernel for test" -- "$F" test $ZERO --kernel latest
expect 2 "--preemptions 2000" -- "$F" run $ZERO --preemptions 2000
has "0\.\.1000" "--preemptions names its range"
expect 2 "--max-executions 0" -- "$F" run $ZERO --max-executions 0
has "1\.\.2\^64-1" "--max-executions names its range"
expect 2 "--schedule v1/0:999999" -- "$F" replay $ZERO --kernel latest --schedule v1/0:999999
has "1\.\.4000" "a schedule's step count names its range"
expect 2 "--seed without --strategy random" -- "$F" run $ZERO --seed 3
expect 2 "a value missing" -- "$F" run $ZERO --kernel
has "--kernel needs a value" "a missing value is named"
expect 2 "two files for run" -- "$F" run $ZERO $ZERO
expect 2 "replay without --schedule" -- "$F" replay $ZERO --kernel latest
mkdir "$T/empty"
expect 2 "test on a directory without tests" -- "$F" test "$T/empty"
has "no \.litmus files" "an empty directory is named"
expect 2 "test on a missing path" -- "$F" test "$T/nonexistent"
expect 2 "an unknown command" -- "$F" frobnicate

# --- Asserts name init:r0, and a violation found in init replays as printed. ---
cat >"$T/init assert.litmus" <<'EOF'
mm init-assert
"an init-only test whose assert fails"
init {
  P0: A = mmap(1, anon rw)
  P0: r0 = read(A+0)
}
assert init:r0 == 1
expect latest assert
EOF
expect 1 "an assert violated in init" -- "$F" run "$T/init assert.litmus" --kernel latest
has "assert fails: init:r0 is 0" "the assert names init:r0"
replay=$(sed -n 's/^replay: faultline //p' "$T/out")
expect 1 "the printed replay command, pasted" -- sh -c "\"$F\" $replay"
has "VIOLATION assert" "the pasted replay shows the violation"

# --- One bad file does not stop `faultline test`; ERROR (2) wins over the rest. ---
mkdir "$T/mixed"
cp $ZERO "$T/mixed/a-good.litmus"
printf 'mm broken\n"x"\ninit {\n  P0: A = mmap(1, anon rw\n}\nexpect latest ok\n' >"$T/mixed/b-parse.litmus"
python3 - "$T/mixed/c-steps.litmus" <<'EOF'
# Three threads of 32 mprotects over 8 present pages: the first execution passes FL_MAX_STEPS.
import sys
ops = "; ".join(["mprotect(A, 8, ro); mprotect(A, 8, rw)"] * 16)
th = "\n".join(f"T{i} P0@cpu{i} {{ {ops} }}" for i in range(3))
w = "; ".join(f"write(A+{8 * i}, 1)" for i in range(8))
open(sys.argv[1], "w").write(f'mm steps\n"x"\ninit {{\n  P0: A = mmap(8, anon rw)\n  P0: {w}\n}}\n{th}\nexpect latest ok\n')
EOF
cp litmus/basic/munmap-then-access.litmus "$T/mixed/d-good.litmus"
expect 2 "test with a bad file among good ones" -- "$F" test "$T/mixed"
has "^zero-page-read .* ok$" "the file before the bad ones is reported"
has "^munmap-then-access .* ok$" "the file after the bad ones is reported"
has "b-parse.litmus:4:26: " "the parse error is reported with its location"
has "^steps .*ERROR" "an exploration error is an ERROR row"
has "2 errors" "the summary counts the errors"
expect 2 "test --json with errors" -- "$F" test "$T/mixed" --json
n=$((n + 1))
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d["errors"] == 2 and d["passed"] > 0 else 1)' "$T/out" ||
	{ echo "FAIL: test --json: not valid or wrong totals"; fails=$((fails + 1)); }

# --- Any number of paths (there was a limit of 32). ---
set --
for i in $(seq 1 40); do cp $ZERO "$T/p$i.litmus"; set -- "$@" "$T/p$i.litmus"; done
expect 0 "test with 40 paths" -- "$F" test "$@"
has "^120 passed" "every one of the 40 paths is tested"

# --- The status line: on a terminal only, never with --quiet, erased at the end. ---
if command -v script >/dev/null 2>&1; then
	LONG="$F run $RACE --kernel latest --preemptions 3"
	n=$((n + 1))
	FAULTLINE_STATUS_AFTER=0 script -qfec "$LONG >/dev/null" "$T/tty" >/dev/null 2>&1
	grep -q 'executions, .*/s, preemptions [0-9] of 3' "$T/tty" ||
		{ echo "FAIL: no status line on a terminal"; fails=$((fails + 1)); }
	n=$((n + 1))
	FAULTLINE_STATUS_AFTER=0 script -qfec "$LONG --quiet >/dev/null" "$T/tty" >/dev/null 2>&1
	! grep -q 'executions, ' "$T/tty" || { echo "FAIL: a status line with --quiet"; fails=$((fails + 1)); }
else
	echo "note: no script(1): the terminal case of the status line is not checked"
fi
n=$((n + 1))
FAULTLINE_STATUS_AFTER=0 "$F" run $RACE --kernel latest --preemptions 3 >/dev/null 2>"$T/err"
! grep -q 'executions, ' "$T/err" || { echo "FAIL: a status line on a non-terminal"; fails=$((fails + 1)); }

if [ $fails -ne 0 ]; then
	echo "check_cli: $fails of $n checks failed"
	exit 1
fi
echo "check_cli: all $n checks passed"
