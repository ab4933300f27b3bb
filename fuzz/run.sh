#!/usr/bin/env bash
# Builds every fuzz target and runs each for the given number of seconds
# (default 30), with corpora seeded from spec/vectors. Installs the nightly
# toolchain and cargo-fuzz when they are missing. Exits non-zero on a crash.
set -euo pipefail
seconds="${1:-30}"
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"

rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked

./seed_corpus.sh
cargo +nightly fuzz build
for target in $(cargo +nightly fuzz list); do
    mkdir -p "corpus/$target"
    echo "fuzz: $target for ${seconds}s"
    cargo +nightly fuzz run "$target" "corpus/$target" -- -max_total_time="$seconds" -print_final_stats=1 2>&1 \
        | grep -E 'stat::number_of_executed_units|Done|ERROR|SUMMARY|panicked' || true
    # A crash leaves an artifact and makes `fuzz run` fail; grep above hides
    # the status, so check for artifacts explicitly.
    if compgen -G "artifacts/$target/crash-*" >/dev/null || compgen -G "artifacts/$target/oom-*" >/dev/null \
        || compgen -G "artifacts/$target/timeout-*" >/dev/null; then
        echo "fuzz: $target found a failing input:" artifacts/"$target"/*
        exit 1
    fi
done
