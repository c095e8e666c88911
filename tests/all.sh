#!/usr/bin/env bash
# Every test of the project, in the order a failure is cheapest to find. This is the README's
# test command and what CI runs. Needs: cargo, node + npm, java, chromium (/usr/bin/chromium).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

step "format and lints"
cargo fmt --all -- --check
cargo clippy --all-targets --release -- -D warnings

step "Rust tests (unit, fixtures, snapshots, the bundled site, serve)"
cargo test --release

step "browser and validator tests (headless Chromium, axe-core, Nu HTML Checker)"
if [ ! -d tests/browser/node_modules ] || [ tests/browser/package-lock.json -nt tests/browser/node_modules/.package-lock.json ]; then
  npm ci --prefix tests/browser --no-audit --no-fund --ignore-scripts
fi
cargo build --release --quiet
node --test --test-concurrency=1 tests/browser/
