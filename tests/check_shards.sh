#!/usr/bin/env bash
# tests/check_shards.sh FAULTLINE - sharded exploration on one machine with GNU parallel
# (docs/explorer.md, "Shards and jobs"): N shards of `run --shard K/N --json`, then
# `faultline merge`, must give the unsharded run's verdict and violated properties; a
# missing shard must make the merged search INCOMPLETE; -j 2 must agree as well.
set -euo pipefail
fl=${1:?usage: check_shards.sh FAULTLINE}
command -v parallel >/dev/null || { echo "check_shards: GNU parallel is not installed (apt-get install parallel)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
summary() {	# verdict, complete and violations of a `run --json` result
	python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["verdict"], r["complete"], " ".join(r["violations"]))' "$1"
}
while read -r file kernel sets; do
	args=(--kernel "$kernel")
	[ -n "$sets" ] && args+=(--set "$sets")
	"$fl" run "$file" "${args[@]}" --json --quiet > "$tmp/whole.json" || [ $? -eq 1 ]
	for n in 2 3; do
		rm -f "$tmp"/shard-*.json
		parallel --halt now,fail=1 "'$fl' run '$file' ${args[*]} --shard {}/$n --json --quiet > '$tmp/shard-{}.json'; test \$? -le 1" ::: $(seq 0 $((n - 1)))
		"$fl" merge "$tmp"/shard-*.json --json > "$tmp/merged.json" || [ $? -eq 1 ]
		if [ "$(summary "$tmp/whole.json")" != "$(summary "$tmp/merged.json")" ]; then
			echo "check_shards: $file $kernel $sets: $n shards merged give '$(summary "$tmp/merged.json")'," \
				"the whole search '$(summary "$tmp/whole.json")'"
			fail=1
		fi
	done
	# One shard short: never a pass.
	"$fl" merge "$tmp/shard-0.json" "$tmp/shard-1.json" --json > "$tmp/short.json" || [ $? -eq 1 ]
	if [ "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["complete"])' "$tmp/short.json")" != False ]; then
		echo "check_shards: $file $kernel: a merge missing shard 2/3 claims a complete search"
		fail=1
	fi
	"$fl" run "$file" "${args[@]}" -j 2 --json --quiet > "$tmp/j2.json" || [ $? -eq 1 ]
	if [ "$(summary "$tmp/whole.json")" != "$(summary "$tmp/j2.json")" ]; then
		echo "check_shards: $file $kernel $sets: -j 2 gives '$(summary "$tmp/j2.json")', -j 1 '$(summary "$tmp/whole.json")'"
		fail=1
	fi
done <<'LIST'
litmus/seed000/clear-refs-cow-race.litmus v5.10
litmus/seed000/uffd-protect-unprotect-race.litmus v5.10
litmus/seed000/uffd-unprotect-demotes.litmus v5.10
litmus/basic/mprotect-vs-stale-tlb.litmus v5.10
LIST
# A bad result file is a located error, exit 2.
echo '{"file": 1' > "$tmp/bad.json"
set +e
"$fl" merge "$tmp/bad.json" 2> "$tmp/err"; rc=$?
set -e
if [ $rc -ne 2 ] || ! grep -q "bad.json: offset" "$tmp/err"; then
	echo "check_shards: a malformed result: exit $rc, $(cat "$tmp/err")"
	fail=1
fi
[ $fail -eq 0 ] && echo "check_shards: sharded, merged and -j 2 runs agree with the whole search"
exit $fail
