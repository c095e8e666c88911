#!/usr/bin/env bash
# Every test of the project, in the order a failure is cheapest to find. This is the README's
# test command and what CI runs. Needs: cargo, node + npm, java, chromium (/usr/bin/chromium).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

step "format and lints"
cargo fmt --all -- --check
cargo clippy --all-targets -- -D warnings

step "Rust tests (unit, fixtures, snapshots, the bundled site, serve)"
# Optimised like a release, without its LTO link (Cargo.toml, profile test-opt).
cargo test --profile test-opt

step "browser and validator tests (headless Chromium, axe-core, Nu HTML Checker)"
if [ ! -d tests/browser/node_modules ] || [ tests/browser/package-lock.json -nt tests/browser/node_modules/.package-lock.json ]; then
  npm ci --prefix tests/browser --no-audit --no-fund --ignore-scripts
fi
# The binary `cargo test` just built (same profile), so nothing is linked twice.
export SPROUT_BIN="$PWD/target/test-opt/sprout"
[ -x "$SPROUT_BIN" ] || cargo build --profile test-opt --quiet
# The site is built once for the whole run, for a free port on this machine, and every test file
# serves that copy (SITE_DIR); the offline test makes its own `--relative` copy.
site_dir=$(mktemp -d "${TMPDIR_FOR_SITE:-/dev/shm}/sprout-browser-XXXXXX" 2>/dev/null || mktemp -d)
trap 'rm -rf "$site_dir"' EXIT
port=$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
"$SPROUT_BIN" build --output-dir "$site_dir/site" --base-url "http://127.0.0.1:$port/"
SITE_DIR="$site_dir/site" node --test --test-concurrency=1 tests/browser/
