#!/bin/sh
# SPDX-License-Identifier: MIT
# Machine-readable results (issue 12 items 4 and 6): every --json output parses (python3's strict
# json module); names, descriptions, messages and file paths with quotes, backslashes, control
# characters and bytes that are not UTF-8 come through escaped; the JUnit report validates against
# tests/junit/junit.xsd (xmllint) and agrees with --json; --tap is TAP 13 as kselftest prints it.
# Usage: tests/check_reports.sh build/faultline
F=${1:-build/faultline}
case $F in /*) ;; *) F=$(pwd)/$F ;; esac
cd "$(dirname "$0")/.." || exit 2
T=$(mktemp -d) || exit 2
trap 'rm -rf "$T"' EXIT
fails=0
n=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

RACE=litmus/seed000/clear-refs-cow-race.litmus
ZERO=litmus/basic/zero-page-read.litmus

# json_ok FILE WHAT [PYTHON-ASSERTION]: FILE parses as one JSON value; the assertion, with the
# value as `d`, holds.
json_ok() {
	n=$((n + 1))
	python3 - "$1" "${3:-True}" <<'PY' || fail "$2: not valid JSON, or: ${3:-}"
import json, sys
with open(sys.argv[1], "rb") as f:
    raw = f.read()
d = json.loads(raw.decode("utf-8"))   # strict: raw control characters in strings are errors
sys.exit(0 if eval(sys.argv[2]) else 1)
PY
}

# --- Every command's --json, as it is. ---
"$F" run $RACE --json >"$T/run.json"
json_ok "$T/run.json" "run --json" "isinstance(d, list) and all('verdict' in r for r in d)"
"$F" run $RACE --kernel v5.10 --json >"$T/runk.json"
json_ok "$T/runk.json" "run --kernel --json" "d['counterexamples'][0]['trace'][0]['fn'] != ''"
sched=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["counterexamples"][0]["schedule"])' "$T/runk.json")
"$F" replay $RACE --kernel v5.10 --schedule "$sched" --json >"$T/replay.json"
json_ok "$T/replay.json" "replay --json" "d['violations'] and d['kernel'] == 'v5.10'"
"$F" run $RACE --max-executions 50 --json >"$T/inc.json"
json_ok "$T/inc.json" "run --json, incomplete" "all(not r['match'] and 'stop_reason' in r for r in d if not r['complete'])"
"$F" test litmus/seed000 litmus/basic --json >"$T/test.json"
json_ok "$T/test.json" "test --json" "d['passed'] == len(d['rows']) > 0"
"$F" conform litmus/conformance/zero-page-read.litmus --json >"$T/conform.json" 2>/dev/null ||
	"$F" conform $(ls litmus/conformance/*.litmus | head -1) --json >"$T/conform.json" 2>/dev/null
json_ok "$T/conform.json" "conform --json"

# --- Hostile strings: a path with a quote, a backslash, a tab, a control character and a byte
# that is not UTF-8; a description with the same; an error message quoting such a path. ---
D=$(printf '%s/q"b\\s\tt\001c\377' "$T")
mkdir -p "$D" || exit 2
sed '1,/^mm /{s/^mm .*/mm hostile/}' $ZERO |
	sed "s/^\"untouched memory[^\"]*\"/\"back\\\\slash, tab\there, <\/script> \&amp;\"/" >"$D/ok.litmus"
printf 'mm broken\n"x"\ninit {\n  P0: A = frobnicate(1)\n}\n' >"$D/bad.litmus"
"$F" test "$D" --json >"$T/h.json" 2>"$T/h.err"
json_ok "$T/h.json" "test --json with hostile paths"
python3 - "$T/h.json" "$D" <<'PY' || fail "test --json: hostile strings do not round-trip"
import json, os, sys
d = json.loads(open(sys.argv[1], "rb").read().decode("utf-8"))
want_dir = os.fsencode(sys.argv[2]).decode("utf-8", "replace")
files = sorted(r["file"] for r in d["rows"])
assert files == sorted([want_dir + "/bad.litmus"] + [want_dir + "/ok.litmus"] * (len(d["rows"]) - 1)), files
err = [r for r in d["rows"] if r["verdict"] == "error"][0]
assert err["message"].startswith(want_dir + "/bad.litmus:4:"), err["message"]
PY
"$F" run "$D/ok.litmus" --json >"$T/h2.json" 2>/dev/null
json_ok "$T/h2.json" "run --json with a hostile path and description"
"$F" run "$D/ok.litmus" --kernel latest --json >"$T/h3.json" 2>/dev/null
json_ok "$T/h3.json" "run --kernel --json with a hostile path" "d['file'].endswith('/ok.litmus') and '\\ufffd' in d['file'] and '\\t' in d['file'] and '\"' in d['file']"

# --- JUnit: valid against the schema, and the same rows as --json. ---
"$F" test litmus/seed000 litmus/basic --junit "$T/j.xml" >/dev/null
n=$((n + 1))
xmllint --noout --schema tests/junit/junit.xsd "$T/j.xml" 2>"$T/xerr" || { fail "JUnit report invalid"; cat "$T/xerr"; }
"$F" test "$D" --junit "$T/jh.xml" >/dev/null 2>&1
n=$((n + 1))
xmllint --noout --schema tests/junit/junit.xsd "$T/jh.xml" 2>"$T/xerr" || { fail "JUnit report with hostile paths invalid"; cat "$T/xerr"; }
"$F" test $RACE --max-executions 50 --junit "$T/ji.xml" >/dev/null
n=$((n + 1))
xmllint --noout --schema tests/junit/junit.xsd "$T/ji.xml" 2>/dev/null && grep -q '<failure type="incomplete"' "$T/ji.xml" ||
	fail "an INCOMPLETE row is a JUnit failure"
python3 - "$T/j.xml" "$T/test.json" <<'PY' || fail "JUnit and --json disagree"
import json, sys, xml.etree.ElementTree as ET
x = ET.parse(sys.argv[1]).getroot()
cases = x.findall("./testsuite/testcase")
d = json.load(open(sys.argv[2]))
assert len(cases) == len(d["rows"]), (len(cases), len(d["rows"]))
assert [c.get("name") for c in cases] == ["%s [%s]" % (r["test"], r["kernel"]) for r in d["rows"]]
PY

# --- TAP: version, plan first, one numbered line per row, kselftest's totals line. ---
D2=$(printf '%s/h#\nx' "$T")
mkdir -p "$D2" && printf 'garbage\n' >"$D2/bad.litmus"
"$F" test litmus/seed000 "$D" "$D2" --tap >"$T/t.tap" 2>/dev/null
tap_rc=$?
n=$((n + 1))
python3 - "$T/t.tap" <<'PY' || fail "--tap output is not TAP 13"
import re, sys
lines = open(sys.argv[1], "rb").read().decode("utf-8", "replace").splitlines()
assert lines[0] == "TAP version 13", lines[0]
m = re.fullmatch(r"1\.\.(\d+)", lines[1]); assert m, lines[1]
tests = [l for l in lines[2:] if re.match(r"(not )?ok \d+ ", l)]
assert len(tests) == int(m.group(1)), (len(tests), m.group(1))
assert [int(re.match(r"(?:not )?ok (\d+)", l).group(1)) for l in tests] == list(range(1, len(tests) + 1))
other = [l for l in lines[2:] if l not in tests and not l.startswith("# ")]
assert not other, other
assert any(l.startswith("not ok") for l in tests) and lines[-1].startswith("# Totals: pass:")
PY
[ $tap_rc -eq 2 ] || fail "--tap with an ERROR row: exit $tap_rc, expected 2"
"$F" test $ZERO --tap --json >/dev/null 2>&1
[ $? -eq 2 ] || fail "--tap with --json is a usage error"

# --- --html: only with one configuration; nothing violated, nothing to draw; a bad path is exit 2. ---
n=$((n + 1))
"$F" run $RACE --html "$T/x.html" >/dev/null 2>&1
[ $? -eq 2 ] && [ ! -e "$T/x.html" ] || fail "run --html without --kernel is a usage error"
n=$((n + 1))
"$F" run $RACE --kernel latest --html "$T/y.html" >/dev/null 2>"$T/err"
[ $? -eq 0 ] && [ ! -e "$T/y.html" ] && grep -q "no counterexample to draw" "$T/err" ||
	fail "run --html with nothing violated says so and writes nothing"
n=$((n + 1))
"$F" run $RACE --kernel v5.10 --html "$T/no/such/dir/z.html" >/dev/null 2>"$T/err"
[ $? -eq 2 ] && grep -q "cannot write" "$T/err" || fail "run --html to a path that cannot be written: exit 2"
n=$((n + 1))
"$F" test $ZERO --junit "$T/no/such/dir/j.xml" >/dev/null 2>"$T/err"
[ $? -eq 2 ] && grep -q "cannot write" "$T/err" || fail "test --junit to a path that cannot be written: exit 2"
# The page's data block is JSON too, and a hostile description cannot close its <script>.
sed "s/^\"seed 000[^\"]*\"/\"<\/script><script>alert(1)<\/script> back\\\\slash \&amp;\"/" $RACE >"$D/race.litmus"
n=$((n + 1))
"$F" run "$D/race.litmus" --kernel v5.10 --html "$T/h.html" >/dev/null 2>&1
python3 - "$T/h.html" <<'PY' || fail "replay --html: the data block is not JSON, or a description escaped it"
import json, re, sys
s = open(sys.argv[1], encoding="utf-8").read()
blocks = re.findall(r'<script type="application/json" id="fl-data">(.*?)</script>', s, re.S)
assert len(blocks) == 1
json.loads(blocks[0])
assert s.count("</script>") == 2, s.count("</script>")
assert "&lt;/script&gt;&lt;script&gt;alert(1)" in s, "the hostile description is not in the page"
PY

if [ $fails -ne 0 ]; then
	echo "check_reports: $fails of $n checks failed"
	exit 1
fi
echo "check_reports: all $n checks passed"
