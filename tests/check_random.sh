#!/bin/sh
# tests/check_random.sh [FAULTLINE] - the fixed-seed random batch of issue 14 (docs/conform.md,
# "Random testing"): random sequential files held against the running kernel, and random
# concurrent scenarios explored on the model under `latest`.  Every disagreement, backend error
# or violation must be explained by the known-open list in docs/conform.md (or be `stuck`,
# allowed), on its minimised file unless a difference-only entry explains it as it is; every
# concurrent search must finish.  Fixed seeds, so a failure
# names a file that `faultline gen print seq|conc --seed 1 --index N` writes out again.
# FL_RANDOM_SEQ / FL_RANDOM_CONC change the batch sizes (defaults: 300 and 30: about 35 s on this
# two-core machine when it is quiet, two to three minutes when six other jobs share it).
set -e
fl=${1:-build/faultline}
here=$(dirname "$0")
known="$here/../docs/conform.md"

"$fl" gen seq --count "${FL_RANDOM_SEQ:-300}" --seed 1 --known "$known" --minimise unexplained
"$fl" gen conc --count "${FL_RANDOM_CONC:-30}" --seed 1 --known "$known"
echo "check_random: every disagreement and violation is explained"
