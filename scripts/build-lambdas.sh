#!/usr/bin/env bash
# Release arm64 builds of the three functions, as zips for Lambda, with their sizes.
# Needs cargo-lambda and zig (PyPI `cargo-lambda`, `ziglang`) and the aarch64 target; installs them.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install --quiet --disable-pip-version-check cargo-lambda ziglang
export PATH="$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))'):$PATH"
rustup target add aarch64-unknown-linux-gnu >/dev/null
cargo lambda build --release --arm64 --locked --output-format zip \
  --bin exlogare-webhook --bin exlogare-oauth --bin exlogare-analyzer
limit=$((6 * 1024 * 1024))
status=0
for zip in target/lambda/*/bootstrap.zip; do
  size=$(stat -c %s "$zip")
  printf '%-28s %6.2f MB\n' "$(basename "$(dirname "$zip")")" "$(echo "$size / 1048576" | bc -l)"
  [ "$size" -le "$limit" ] || { echo "  over the 6 MB target"; status=1; }
done
exit $status
