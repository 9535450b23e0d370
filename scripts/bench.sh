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
"$bench" throughput "$out/all.txt" 3
echo "== engine and Drain3 on the same $(wc -l < "$out/subset.txt") logs"
engine=$("$bench" throughput "$out/subset.txt" 5); echo "$engine"
drain=$(python3 scripts/bench_drain3.py "$out/subset.txt"); echo "$drain"
python3 - "$engine" "$drain" <<'PY'
import re, sys
mbs = [float(re.search(r"([\d.]+) MB/s", s).group(1)) for s in sys.argv[1:]]
print(f"ratio: the engine is {mbs[0] / mbs[1]:.0f}x faster than Drain3 on the same logs")
PY
echo "== memory: a generated 1 GB log, streamed"
"$bench" rss 1
