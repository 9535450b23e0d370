#!/usr/bin/env bash
# Release builds of the four functions as Lambda zips, with their sizes (target: 6 MB each).
# arm64 as deployed; if the aarch64 target cannot be installed on this machine, x86_64 zips are
# built and measured instead, and the script says so. Installs cargo-lambda and zig from PyPI.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install --quiet --disable-pip-version-check cargo-lambda ziglang
export PATH="$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))'):$PATH"
arch=--arm64
if ! rustup target add aarch64-unknown-linux-gnu >/dev/null 2>&1; then
  echo "build-lambdas: the aarch64 target is not available here; measuring x86_64 zips instead"
  arch=--x86-64
fi
cargo lambda build --release "$arch" --locked --output-format zip \
  --bin exlogare-webhook --bin exlogare-oauth --bin exlogare-analyzer --bin exlogare-reconciler
limit=$((6 * 1024 * 1024))
status=0
for name in exlogare-webhook exlogare-oauth exlogare-analyzer exlogare-reconciler; do
  zip=target/lambda/$name/bootstrap.zip
  size=$(stat -c %s "$zip")
  awk -v n="$name" -v s="$size" 'BEGIN { printf "%-20s %5.2f MB (%s)\n", n, s / 1048576, "'"${arch#--}"'" }'
  [ "$size" -le "$limit" ] || { echo "  over the 6 MB target"; status=1; }
done
exit $status
