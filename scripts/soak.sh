#!/usr/bin/env bash
# Runs the soak test (tests/soak.rs) for a number of minutes of wall-clock
# time and prints its summary. The protocol runs on simulated time, so a
# minute covers many simulated minutes.
#
#   scripts/soak.sh          # 1 minute
#   scripts/soak.sh 5        # 5 minutes
#   APPLINK_SOAK_SEED=7 scripts/soak.sh 2   # other link faults
set -euo pipefail
cd "$(dirname "$0")/.."
minutes="${1:-1}"
case "$minutes" in
  ''|*[!0-9]*) echo "usage: $0 [MINUTES]" >&2; exit 2 ;;
esac
cargo test --release --test soak --no-run >&2
APPLINK_SOAK_SECS=$((minutes * 60)) \
  cargo test --release --test soak -- --ignored --exact soak --nocapture
