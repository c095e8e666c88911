#!/usr/bin/env bash
# Build Zola sites with Zola and with sprout, side by side, and compare what they write.
#
#   bash benches/compat/run.sh [--runs N] [--sprout BIN] [--zola BIN] SITE_DIR...
#
# Each SITE_DIR is a Zola site (zola.toml or config.toml at its root) kept outside this
# repository. For each site: N alternating timed builds of each tool into fresh folders on
# tmpfs (/dev/shm/sprout-compat/<name>/), the median wall time of each and the ratio, whether
# each tool built at all (its first error otherwise), then benches/compat/compare.py on the
# two outputs (page sets, text similarity). Results: /dev/shm/sprout-compat/results.txt.
set -uo pipefail

runs=3
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
sprout="$repo/target/release/sprout"
zola="$(command -v zola || echo /usr/local/bin/zola)"
sites=()
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --sprout) sprout="$2"; shift 2 ;;
    --zola) zola="$2"; shift 2 ;;
    *) sites+=("$(cd "$1" && pwd)"); shift ;;
  esac
done
[ ${#sites[@]} -gt 0 ] || { echo "usage: $0 [--runs N] SITE_DIR..." >&2; exit 2; }
[ -x "$sprout" ] || { echo "no sprout binary at $sprout: cargo build --release" >&2; exit 2; }
[ -x "$zola" ] || { echo "no zola binary at $zola" >&2; exit 2; }

work=/dev/shm/sprout-compat
mkdir -p "$work"
results="$work/results.txt"
: > "$results"

now() { date +%s.%N; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

build_zola() { (cd "$1" && "$zola" build --force --output-dir "$2") >"$3" 2>&1; }
build_sprout() { "$sprout" build --root "$1" --output-dir "$2" >"$3" 2>&1; }

for site in "${sites[@]}"; do
  name="$(basename "$site")"
  out="$work/$name"
  rm -rf "$out"; mkdir -p "$out"
  declare -A ok=([zola]=1 [sprout]=1)
  : > "$out/zola.times"; : > "$out/sprout.times"
  for i in $(seq 1 "$runs"); do
    for tool in zola sprout; do
      rm -rf "$out/$tool"
      t0=$(now)
      if "build_$tool" "$site" "$out/$tool" "$out/$tool.log"; then
        echo "$(echo "$(now) - $t0" | bc)" >> "$out/$tool.times"
      else
        ok[$tool]=0
      fi
    done
  done
  {
    echo "== $name ($site)"
    for tool in zola sprout; do
      if [ "${ok[$tool]}" = 1 ]; then
        echo "$tool: built, median $(median < "$out/$tool.times") s over $runs runs"
      else
        echo "$tool: FAILED: $(grep -m1 -iE 'error' "$out/$tool.log" || tail -1 "$out/$tool.log")"
      fi
    done
    if [ "${ok[zola]}" = 1 ] && [ "${ok[sprout]}" = 1 ]; then
      z=$(median < "$out/zola.times"); s=$(median < "$out/sprout.times")
      echo "time ratio sprout/zola: $(echo "scale=3; $s / $z" | bc)"
      echo "sprout warnings: $(grep -c 'warning:' "$out/sprout.log")"
      python3 "$here/compare.py" "$out/zola" "$out/sprout" --json "$out/compare.json"
    fi
    echo
  } | tee -a "$results"
  unset ok
done
