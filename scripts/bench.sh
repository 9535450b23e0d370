#!/usr/bin/env bash
# Speed and memory of the analysis engine, and the same logs through Drain3 for comparison.
# Figures, not pass/fail: they depend on the machine. Usage: scripts/bench.sh [LOG_DIR] [DRAIN3_MB]
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${1:-../shared/logchunks-dev/samples}"
drain_mb="${2:-10}"
out=.local/bench && mkdir -p "$out"

find "$dir" -name '*.log' | LC_ALL=C sort > "$out/all.txt"
# Drain3 slows down as its template tree grows, so it gets a prefix of the corpus (about
# DRAIN3_MB megabytes), and the engine is measured on that same prefix for the ratio.
: > "$out/subset.txt"; total=0
while read -r f; do
  [ "$total" -ge $((drain_mb * 1000000)) ] && break
  echo "$f" >> "$out/subset.txt"; total=$((total + $(stat -c %s "$f")))
done < "$out/all.txt"

python3 -m pip install --quiet --disable-pip-version-check drain3 >/dev/null
cargo build --release --quiet -p exlogare --example bench
bench=target/release/examples/bench

echo "== engine, whole corpus ($(wc -l < "$out/all.txt") logs)"
"$bench" throughput "$out/all.txt" 5
echo "== engine with a baseline: each log against the one before it (both logs' bytes count)"
"$bench" baseline "$out/all.txt" 5
echo "== engine and Drain3 on the same $(wc -l < "$out/subset.txt") logs"
engine=$("$bench" throughput "$out/subset.txt" 5); echo "$engine"
drain=$(python3 scripts/bench_drain3.py "$out/subset.txt"); echo "$drain"
python3 - "$engine" "$drain" <<'PY'
import re, sys
engine, drain = sys.argv[1:]
first = float(re.search(r"first pass ([\d.]+) MB/s", engine).group(1))
median = float(re.search(r"median ([\d.]+) MB/s", engine).group(1))
baseline = float(re.search(r"([\d.]+) MB/s", drain).group(1))
print(f"ratio: the engine is {median / baseline:.0f}x faster than Drain3 on the same logs "
      f"({first / baseline:.0f}x on its first, cold pass)")
PY
echo "== memory: a generated 1 GB log, streamed"
"$bench" rss 1
