#!/usr/bin/env python3
"""Drain3 template mining over the same logs as the engine benchmark, for a speed baseline.

Usage: bench_drain3.py LIST   (the log paths, one a line; scripts/bench.sh makes it)
Prints one line: MB/s and lines/s on one core.
"""
import logging
import sys
import time

logging.disable(logging.CRITICAL)


def main():
    try:
        from drain3 import TemplateMiner
    except ImportError:
        sys.exit("drain3 is not installed: python3 -m pip install drain3")
    with open(sys.argv[1]) as fh:
        paths = [line.strip() for line in fh if line.strip()]
    lines, size = [], 0
    for path in paths:
        with open(path, "rb") as fh:
            data = fh.read()
        size += len(data)
        lines.extend(data.decode("utf-8", "replace").splitlines())
    miner = TemplateMiner()
    start = time.perf_counter()
    for line in lines:
        miner.add_log_message(line.rstrip())
    secs = time.perf_counter() - start
    print(f"drain3: {size / 1e6:.1f} MB, {len(lines)} lines in {secs:.2f}s: "
          f"{size / 1e6 / secs:.2f} MB/s, {len(lines) / secs:.0f} lines/s (one core), "
          f"{len(miner.drain.clusters)} templates")


if __name__ == "__main__":
    main()
