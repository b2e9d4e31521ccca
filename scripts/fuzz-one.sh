#!/usr/bin/env bash
# One cargo-fuzz target (run from fuzz/): SECONDS of fuzzing from the seed
# corpus with SEED, then each input in regressions/TARGET once. `make fuzz`
# runs one of these per core at a time; the output is printed when the
# target is done, so two targets' lines never interleave.
# usage: fuzz-one.sh TARGET SECONDS SEED
set -uo pipefail
t=$1 seconds=$2 seed=$3
mkdir -p target/corpus-work/"$t" regressions/"$t"
log=target/fuzz-"$t".log
{
  echo "== $t: $seconds s"
  cargo +nightly fuzz run "$t" target/corpus-work/"$t" corpus/"$t" -- \
    -max_total_time="$seconds" -seed="$seed" -timeout=30 -print_final_stats=1 2>&1 \
    | { grep -Ev '^#[0-9]+[[:space:]]+(NEW|REDUCE|pulse)' || true; }
} >"$log" 2>&1
status=$?
if [ "$status" -eq 0 ]; then
  echo "== $t: regressions" >>"$log"
  if cargo +nightly fuzz run "$t" regressions/"$t" -- -runs=0 >target/regressions-"$t".log 2>&1; then
    tail -n 1 target/regressions-"$t".log >>"$log"
  else
    cat target/regressions-"$t".log >>"$log"
    status=1
  fi
fi
cat "$log"
[ "$status" -eq 0 ] || echo "== $t: FAILED" >&2
exit "$status"
