#!/usr/bin/env bash
# Runs the codec and session benchmarks and prints their tables: codec
# medians, ratios against applink measured in the same run and encoded sizes
# side by side; secured frames against bare ChaCha20-Poly1305, and the
# handshakes.
#
#   scripts/bench.sh            # all benchmarks (about 5 minutes)
#   scripts/bench.sh report     # only benchmarks whose name matches a filter
set -euo pipefail
cd "$(dirname "$0")/.."
target="${CARGO_TARGET_DIR:-target}"
cargo bench --bench codec -- "$@" >&2
cargo bench --bench session -- "$@" >&2
cargo run --quiet --release --example bench_table -- "$target/criterion"
