#!/usr/bin/env bash
# tests/fuzz/run.sh BUILD_DIR SECONDS [TARGET...] - replay the regressions, then fuzz (make fuzz).
#
# 1. Seeds are generated from the tree on every run, so they never go stale:
#    litmus/**/*.litmus for the parse and interp targets (plus, for interp, each
#    file that the docs replay with --schedule, with that schedule as a "#schedule"
#    line), and every --schedule argument in README.md, docs/ and litmus/ for the
#    schedule target.
# 2. Every file under tests/fuzz/regressions/<target>/ is run once: a crash there
#    fails at once, before any fuzzing.
# 3. Each target fuzzes for its share of SECONDS (interp 60%, parse 25%, schedule
#    15%), one process at a time.  The corpus grows in BUILD_DIR/fuzz/corpus/<target>
#    (not in git).  A crash, sanitizer report, abort, leak or timeout makes libFuzzer
#    write the input to tests/fuzz/regressions/<target>/ and this script exit 1.
set -u
B=${1:?usage: run.sh BUILD_DIR SECONDS [TARGET...]}
SECONDS_TOTAL=${2:?usage: run.sh BUILD_DIR SECONDS [TARGET...]}
shift 2
TARGETS=${*:-parse schedule interp}
cd "$(dirname "$0")/../.."
F=$B/fuzz
status=0

share() {	# target -> seconds (at least 1)
	local pct
	case $1 in
	interp) pct=60 ;;
	parse) pct=25 ;;
	*) pct=15 ;;
	esac
	local s=$((SECONDS_TOTAL * pct / 100))
	[ "$s" -ge 1 ] || s=1
	echo "$s"
}

# --- seeds -----------------------------------------------------------------------------------
rm -rf "$F/seeds"
mkdir -p "$F/seeds/litmus" "$F/seeds/interp" "$F/seeds/schedule"
while IFS= read -r f; do
	n=$(echo "$f" | tr '/' '_')
	cp "$f" "$F/seeds/litmus/$n"
done < <(find litmus -name '*.litmus' | sort)
# Schedules may carry a version prefix ("v1/0:3.1"), from FL_SCHED_VERSION where the tree has it.
SV=$(sed -n 's/^#define[[:space:]]*FL_SCHED_VERSION[[:space:]]*"\(.*\)".*/\1\//p' src/explore/explore.h)
SCHED_RE='(v[0-9]+/)?[0-9:.]+'
# "faultline replay FILE ... --schedule S" in the docs: FILE with S as its #schedule line.
grep -rhoE "faultline replay [^ ]+\.litmus [^\`]*--schedule $SCHED_RE" README.md docs litmus 2>/dev/null |
	sort -u | while read -r _ _ file rest; do
		s=${rest##*--schedule }
		[ -f "$file" ] || continue
		{ cat "$file"; printf '\n#schedule %s\n' "$s"; } > "$F/seeds/interp/$(echo "$file" | tr '/' '_').$(echo "$s" | cksum | cut -d' ' -f1)"
	done
{ grep -rhoE -- "--schedule $SCHED_RE" README.md docs litmus 2>/dev/null | sed 's/--schedule //'
  printf "$SV%s\n" '' 0 0:4000 255 0.1.2.3.4.5 '1:2.0:3'; } | sort -u | while IFS= read -r s; do
	printf '%s' "$s" > "$F/seeds/schedule/s$(echo "$s" | cksum | cut -d' ' -f1)"
done

seeds_of() {
	case $1 in
	parse) echo "$F/seeds/litmus" ;;
	interp) echo "$F/seeds/litmus $F/seeds/interp" ;;
	schedule) echo "$F/seeds/schedule" ;;
	esac
}

# Litmus targets: the dictionary, and the full length at once (-len_control=0), since the
# model's capacity limits need long files (many ops, threads, regions).
dict_of() {
	case $1 in
	parse | interp) echo "-dict=tests/fuzz/litmus.dict -len_control=0" ;;
	esac
}

maxlen_of() {
	case $1 in
	schedule) echo 16384 ;;
	*) echo 8192 ;;
	esac
}

# --- regressions first -----------------------------------------------------------------------
for t in $TARGETS; do
	R=tests/fuzz/regressions/$t
	mapfile -t files < <(find "$R" -type f ! -name '.keep' 2>/dev/null | sort)
	[ "${#files[@]}" -gt 0 ] || continue
	echo "fuzz: $t: replaying ${#files[@]} regression file(s) from $R"
	if ! "$F/fuzz_$t" -timeout=60 -rss_limit_mb=2048 "${files[@]}" > "$F/$t.regressions.log" 2>&1; then
		echo "fuzz: $t: a regression input fails:"
		grep -E 'Running:|ERROR|SUMMARY|internal|oracle|runtime error|deadly signal' "$F/$t.regressions.log" | head -20
		echo "fuzz: full log: $F/$t.regressions.log"
		exit 1
	fi
done

# --- fuzz ------------------------------------------------------------------------------------
for t in $TARGETS; do
	s=$(share "$t")
	C=$F/corpus/$t
	R=tests/fuzz/regressions/$t
	mkdir -p "$C" "$R"
	echo "fuzz: $t: $s s (corpus $C, crashes to $R/)"
	# shellcheck disable=SC2046
	"$F/fuzz_$t" "$C" $(seeds_of "$t") $(dict_of "$t") -max_len="$(maxlen_of "$t")" \
		-max_total_time="$s" -timeout=30 -report_slow_units=100000 -rss_limit_mb=2048 \
		-artifact_prefix="$R/" -print_final_stats=1 > "$F/$t.log" 2>&1
	rc=$?
	grep -E '^(stat::number_of_executed_units|stat::new_units_added)|^#[0-9]+ +DONE' "$F/$t.log" |
		sed "s/^/fuzz: $t: /"
	if [ $rc -ne 0 ]; then
		echo "fuzz: $t: FAILED (libFuzzer exit $rc); the input is kept in $R/:"
		grep -E 'ERROR|SUMMARY|internal|oracle|runtime error|deadly signal|Test unit written' "$F/$t.log" | head -20
		echo "fuzz: full log: $F/$t.log"
		status=1
	fi
done
exit $status
