#!/usr/bin/env bash
# Runs the codec benchmarks and prints one table: medians, ratios against
# applink measured in the same run, and encoded sizes side by side.
#
#   scripts/bench.sh            # all codec benchmarks (about 4 minutes)
#   scripts/bench.sh report     # only benchmarks whose name matches a filter
set -euo pipefail
cd "$(dirname "$0")/.."
target="${CARGO_TARGET_DIR:-target}"
cargo bench --bench codec -- "$@" >&2
cargo run --quiet --release --example bench_table -- "$target/criterion"
