#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The doc test (issue 12 item 5): every faultline command that README.md, docs/*.md and
litmus/README.md show is run, and what they say it prints, it prints.

Usage: tests/check_docs.py build/faultline

Three sources of commands:
  1. Shell sessions in fenced blocks: a line `$ CMD`, then the output it claims, up to the next
     `$ ` line or the end of the block.  CMD is run; every claimed output line must appear in the
     real output, in order (a subsequence), with runs of blanks equal, timings (`0.013 s`) free,
     and `...` in a claimed line matching anything.  A line that is only `...` is a gap.
  2. Inline commands: `faultline ...` or `build/faultline ...` in backquotes that name no
     placeholder (FILE, PATH, V, [options], a|b) and name a file or directory (or are
     `policies` or `help`: without one, the span names a command in a sentence).  Each is run and must not be a usage error
     (exit 2) unless the doc calls it one.
  3. Claims in prose about output: the CLAIMS table below.  Each row quotes the sentence (which
     must still be in the doc, so the table cannot drift from it), a command, and what its output
     must (or must not) contain.
`make` targets shown are checked to exist in the Makefile (running them is `make check`'s job).
"""
import glob
import os
import re
import shlex
import subprocess
import sys

FAILS = []
RAN = 0


def fail(msg):
    FAILS.append(msg)
    print("FAIL: " + msg)


RACE = "litmus/seed000/clear-refs-cow-race.litmus"

# (doc, quoted sentence, command, [regexes the output must contain], [regexes it must not], exit)
CLAIMS = [
    ("README.md", "still reports a lost-write",
     f"faultline run {RACE} --kernel v5.10 --set clear_refs_flush=flush_mm",
     [r"^VIOLATION lost-write "], [], 1),
    ("README.md", "R3\nas first reported, a COW fault inside the downgraded, read-locked walk",
     f"faultline run {RACE} --kernel v5.10 --set clear_refs_flush=flush_mm",
     [r"mmap_write_downgrade: P0: now held for read", r"do_wp_page: .*-> copy"], [], 1),
    ("README.md", "reports\n`OK: no property violated`",
     f"faultline run {RACE} --kernel v5.10 --set clear_refs_flush=flush_mm --set clear_refs_lock=write",
     [r"^OK: no property violated$"], [r"VIOLATION"], 0),
    ("README.md", "without `--kernel`, check every `expect` line",
     f"faultline run {RACE}", [r"as expected"], [r"MISMATCH"], 0),
    ("README.md", "a test without threads has the empty schedule `v1/`",
     "faultline run litmus/basic/zero-page-read.litmus --kernel v5.10", [r"OK: no property violated"], [], 0),
    ("README.md", "a `test` PATH without any is an error",
     "faultline test docs", [r"no \.litmus files"], [], 2),
    ("README.md", "names the range of an out-of-range value (`--preemptions` 0..1000 or `none`",
     f"faultline run {RACE} --preemptions 1001", [r"--preemptions takes 0\.\.1000 or none"], [], 2),
    ("README.md", "`--max-executions` at least 1",
     f"faultline run {RACE} --max-executions 0", [r"--max-executions takes 1\.\.2\^64-1"], [], 2),
    ("README.md", "A command rejects an option it does not use\n(`--runs` outside `conform`, `--kernel` for `test`)",
     f"faultline test {RACE} --kernel v5.10", [r"--kernel is not an option of this command"], [], 2),
    ("README.md", "`faultline COMMAND --help` (or `faultline help COMMAND`) describes each command",
     "faultline help gen", [r"^usage: faultline gen"], [], 0),
    ("README.md", "Exit status: 0 as expected, from complete searches; 1 a violation",
     f"faultline run {RACE} --kernel v5.10", [r"^VIOLATION lost-write"], [], 1),
    ("README.md", "call it INCOMPLETE, with the\n  stop reason and the preemption bound, exit 1",
     f"faultline test {RACE} --max-executions 100",
     [r"INCOMPLETE: expected ok .*stopped at --max-executions 100 \(preemption bound 2\)"], [], 1),
    ("README.md", "`--html` a trace view for a browser",
     f"faultline run {RACE} --kernel v5.10 --html /dev/null", [r"wrote /dev/null"], [], 1),
    ("docs/json.md", "`ok N test kernel` or `not ok N test kernel` per row",
     f"faultline test {RACE} --tap", [r"^TAP version 13$", r"^1\.\.6$", r"^ok 3 clear-refs-cow-race v5\.10$",
                                      r"^# Totals: pass:6 fail:0"], [], 0),
]

# Inline commands a doc shows on purpose as errors (the doc says so next to them).
EXPECTED_USAGE_ERRORS = set()
# Placeholders: a command naming one is a template, not something to run.
PLACEHOLDER = re.compile(r"\b(FILE|PATH|V|S|N|SW|VAL|MS|DIR|CMD|COMMAND|SWITCH|VALUE|FIRST|LIST|I)\b|[\[\]|<>]|\.\.\.")


def run(cmd, F):
    """Run a documented command with our binary for `faultline`; returns (status, output)."""
    global RAN
    argv = shlex.split(cmd)
    if argv[0] in ("faultline", "build/faultline"):
        argv[0] = F
    RAN += 1
    p = subprocess.run(argv, capture_output=True, text=True, errors="replace", timeout=600,
                       env=dict(os.environ, FAULTLINE_STATUS_AFTER="1000000"))
    return p.returncode, p.stdout + p.stderr


def norm(s):
    s = re.sub(r"\b\d+\.\d+ s\b", "<T> s", s)
    return re.sub(r"\s+", " ", s).strip()


def line_re(claim):
    parts = [re.escape(p) for p in norm(claim).split("...")]
    return re.compile("^" + ".*".join(parts) + "$")


def check_session(doc, cmd, claimed, F):
    status, out = run(cmd, F)
    if status == 2:
        fail("%s: `$ %s` is a usage error:\n%s" % (doc, cmd, out[:500]))
        return
    real = [norm(l) for l in out.splitlines()]
    i = 0
    for c in claimed:
        if not c.strip() or c.strip() == "...":
            continue
        r = line_re(c)
        while i < len(real) and not r.match(real[i]):
            i += 1
        if i == len(real):
            fail("%s: `$ %s` does not print, in this order:\n    %s" % (doc, cmd, c.strip()))
            return
        i += 1


def main():
    F = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build/faultline")
    os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    docs = ["README.md", "litmus/README.md"] + sorted(glob.glob("docs/*.md"))
    makefile = open("Makefile").read()
    sessions = inline = 0
    for doc in docs:
        text = open(doc, encoding="utf-8").read()
        # 1. sessions in fenced blocks
        for block in re.findall(r"^```[^\n]*\n(.*?)^```", text, re.S | re.M):
            lines = block.splitlines()
            k = 0
            while k < len(lines):
                m = re.match(r"^\$ (.*)$", lines[k])
                if not m:
                    mk = re.match(r"^make (\S+)", lines[k])
                    if mk and not re.search(r"^%s:" % re.escape(mk.group(1)), makefile, re.M):
                        fail("%s: `make %s` is not a Makefile target" % (doc, mk.group(1)))
                    k += 1
                    continue
                j = k + 1
                while j < len(lines) and not lines[j].startswith("$ "):
                    j += 1
                check_session(doc, m.group(1), lines[k + 1:j], F)
                sessions += 1
                k = j
        # 2. inline commands
        for cmd in re.findall(r"`((?:build/)?faultline [^`\n]+)`", text):
            words = cmd.split()
            if PLACEHOLDER.search(cmd) or words[1] in ("gen", "conform", "bench"):
                continue    # templates; gen/conform/bench run in their own checks (long, host-bound)
            if words[1] not in ("policies", "help") and not any("/" in w or w.endswith(".litmus") for w in words[2:]):
                continue    # the command's name in a sentence ("`faultline test` reports..."), not a command
            status, out = run(cmd, F)
            inline += 1
            if status == 2 and cmd not in EXPECTED_USAGE_ERRORS:
                fail("%s: `%s` is a usage error:\n%s" % (doc, cmd, out[:400]))
        for mk in re.findall(r"`make ([a-z][\w-]*)", text):
            if not re.search(r"^%s:" % re.escape(mk), makefile, re.M):
                fail("%s: `make %s` is not a Makefile target" % (doc, mk))
    # 3. prose claims
    for doc, sentence, cmd, must, mustnt, want in CLAIMS:
        text = open(doc, encoding="utf-8").read()
        if sentence not in text:
            fail("%s no longer says %r: update tests/check_docs.py's CLAIMS" % (doc, sentence))
            continue
        status, out = run(cmd, F)
        if status != want:
            fail("%s: %r: `%s` exits %d, expected %d" % (doc, sentence, cmd, status, want))
        for r in must:
            if not re.search(r, out, re.M):
                fail("%s: %r: `%s` prints no /%s/" % (doc, sentence, cmd, r))
        for r in mustnt:
            if re.search(r, out, re.M):
                fail("%s: %r: `%s` prints /%s/" % (doc, sentence, cmd, r))
    if FAILS:
        print("check_docs: %d failures (%d commands run)" % (len(FAILS), RAN))
        return 1
    print("check_docs: %d sessions, %d inline commands, %d prose claims hold (%d commands run)"
          % (sessions, inline, len(CLAIMS), RAN))
    return 0


if __name__ == "__main__":
    sys.exit(main())
