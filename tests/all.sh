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
# The site is built once for the whole run, for a free port on this machine, and every test file
# serves that copy (SITE_DIR); the offline test makes its own `--relative` copy.
site_dir=$(mktemp -d "${TMPDIR_FOR_SITE:-/dev/shm}/sprout-browser-XXXXXX" 2>/dev/null || mktemp -d)
trap 'rm -rf "$site_dir"' EXIT
port=$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
target/release/sprout build --output-dir "$site_dir/site" --base-url "http://127.0.0.1:$port/"
SITE_DIR="$site_dir/site" node --test --test-concurrency=1 tests/browser/
