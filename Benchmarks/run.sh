#!/usr/bin/env bash
# Benchmarks/run.sh — every benchmark of the project, each beside its peer measured
# in the same run on the same input. Run through `make bench` (release build first).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.build/release
TMP=${BENCH_TMP:-/tmp/sizebudget-bench}
mkdir -p "$TMP"
section() { printf '\n== %s\n' "$*"; }

section "TOML: parse a 1 MB budgets.toml (in process, median of 20)"
python3 Benchmarks/gen-budgets.py "$TMP/budgets-1mb.toml" 1000000
"$BIN/sizebudget-bench" toml "$TMP/budgets-1mb.toml" 20
"$BIN/sizebudget-bench" budgets "$TMP/budgets-1mb.toml" 20
python3 - "$TMP/budgets-1mb.toml" <<'PY'
import statistics, sys, time, tomllib
data = open(sys.argv[1], "rb").read().decode()
times = []
for _ in range(20):
    t = time.perf_counter(); tomllib.loads(data); times.append(time.perf_counter() - t)
print(f"python-tomllib {statistics.median(times)*1000:.2f} ms (median of 20, peer)")
PY
