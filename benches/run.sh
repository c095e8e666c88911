#!/usr/bin/env bash
# Build-time benchmark: sprout (search index on and off) against Hugo on one synthetic
# bilingual site of 10,000 pages. See benches/README.md.
#
#   bash benches/run.sh [--runs N] [--reuse] [--no-hugo] [--steps]
#
#   --runs N    timed runs per configuration (default 3; the median is reported)
#   --reuse     keep benches/out/site if it exists instead of generating it again
#   --no-hugo   skip Hugo
#   --steps     also print sprout's named build steps (sprout build --timings)
#
# Needs Python 3, Rust, /usr/bin/time (Debian: time) and Hugo (Debian: hugo). Everything it
# writes goes to benches/out/ (gitignored). This is a measurement, not a test: it never fails
# on a slow result.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=$REPO/benches/out
RUNS=3
REUSE=0
HUGO=1
STEPS=0
while [ $# -gt 0 ]; do
  case $1 in
    --runs) RUNS=$2; shift 2 ;;
    --reuse) REUSE=1; shift ;;
    --no-hugo) HUGO=0; shift ;;
    --steps) STEPS=1; shift ;;
    *) echo "usage: bash benches/run.sh [--runs N] [--reuse] [--no-hugo] [--steps]" >&2; exit 2 ;;
  esac
done

[ -x /usr/bin/time ] || { echo "run.sh: /usr/bin/time is missing (apt-get install -y time)" >&2; exit 1; }
if [ "$HUGO" = 1 ] && ! command -v hugo >/dev/null; then
  echo "run.sh: hugo is missing (apt-get install -y hugo), or pass --no-hugo" >&2; exit 1
fi

mkdir -p "$OUT"
LOGS=$OUT/logs
rm -rf "$LOGS"
mkdir -p "$LOGS"

# 1. The site (both variants share the content through hard links).
if [ "$REUSE" = 1 ] && [ -f "$OUT/site/config.toml" ] && [ -f "$OUT/site-nosearch/config.toml" ]; then
  echo "== reusing $OUT/site"
else
  echo "== generating the site"
  python3 "$REPO/benches/gen_site.py" "$OUT"
fi

# 2. sprout, release build. Copy the binary so a rebuild by someone else during the runs
#    does not change what is measured.
echo "== cargo build --release"
(cd "$REPO" && cargo build --release --quiet)
mkdir -p "$OUT/bin"
cp "$REPO/target/release/sprout" "$OUT/bin/sprout"
SPROUT=$OUT/bin/sprout

# 3. Hugo: the layouts in benches/hugo, reading the generated content and the theme's static
#    files. Copied so Hugo's lock and cache files stay out of the repository.
if [ "$HUGO" = 1 ]; then
  rm -rf "$OUT/hugo"
  cp -r "$REPO/benches/hugo" "$OUT/hugo"
  sed -i \
    -e "s#^contentDir = .*#contentDir = \"$OUT/site/content\"#" \
    -e "s#^staticDir = .*#staticDir = \"$OUT/site/themes/bayannur/static\"#" \
    "$OUT/hugo/hugo.toml"
fi

# 4. Timed runs. The output folder is removed before each run (not timed), so every run
#    writes the whole site from scratch.
measure() { # name output-dir command...
  local name=$1 dest=$2
  shift 2
  for i in $(seq 1 "$RUNS"); do
    rm -rf "$dest"
    sync
    head -1 /proc/stat >"$LOGS/$name.$i.stat"
    if ! /usr/bin/time -v -o "$LOGS/$name.$i.time" "$@" >"$LOGS/$name.$i.log" 2>&1; then
      echo "run.sh: $name run $i failed; see $LOGS/$name.$i.log" >&2
      tail -20 "$LOGS/$name.$i.log" >&2
      exit 1
    fi
    head -1 /proc/stat >>"$LOGS/$name.$i.stat"
    printf '   %-16s run %d: %s\n' "$name" "$i" \
      "$(sed -n 's/.*Elapsed (wall clock) time.*: //p' "$LOGS/$name.$i.time") wall, $(sed -n 's/.*Maximum resident set size (kbytes): //p' "$LOGS/$name.$i.time") KB peak RSS"
  done
  find "$dest" -name '*.html' | wc -l >"$LOGS/$name.html"
  find "$dest" -type f | wc -l >"$LOGS/$name.files"
}

echo "== sprout build, search index on"
measure sprout-search "$OUT/site/public" "$SPROUT" --root "$OUT/site" build
echo "== sprout build, search index off"
measure sprout-nosearch "$OUT/site-nosearch/public" "$SPROUT" --root "$OUT/site-nosearch" build
if [ "$HUGO" = 1 ]; then
  echo "== hugo --minify"
  measure hugo "$OUT/hugo/public" hugo --source "$OUT/hugo" --minify
fi

# 5. Where sprout's time goes: its own named steps (optional), as `sprout build --timings`
#    prints them.
if [ "$STEPS" = 1 ]; then
  echo "== sprout build steps"
  for site in site site-nosearch; do
    echo "-- $site"
    for run in $(seq 1 "$RUNS"); do
      rm -rf "$OUT/$site/public"
      echo "run $run:"
      "$SPROUT" --root "$OUT/$site" build --timings 2>&1 >/dev/null | grep -E ' ms$' | tee -a "$LOGS/steps-$site.txt"
    done
  done
fi

# 6. The table.
PAGES=$(find "$OUT/site/content" -name '*.md' ! -name '_index*' | wc -l)
SYNTHETIC=$(find "$OUT/site/content" -path '*/section-*/*' -name '*.md' ! -name '_index*' | wc -l)
{
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(awk '/MemTotal/ {printf "%.0f GiB RAM", $2/1048576}' /proc/meminfo)"
  echo "sprout: $(cd "$REPO" && git rev-parse --short HEAD 2>/dev/null || echo '?')$(cd "$REPO" && git diff --quiet HEAD -- src 2>/dev/null || echo ' + uncommitted changes in src/'), $(rustc --version)"
  [ "$HUGO" = 1 ] && echo "hugo: $(hugo version | cut -d' ' -f1-2)"
  echo "site: $PAGES content pages ($SYNTHETIC synthetic + $((PAGES - SYNTHETIC)) of the repository's own), $RUNS runs each"
} >"$LOGS/env.txt"

python3 - "$LOGS" "$PAGES" "$RUNS" "$HUGO" <<'PY' | tee "$OUT/results.txt"
import os, re, statistics, sys
from pathlib import Path

logs, pages, runs, hugo = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "1"

def wall(s):
    parts = [float(p) for p in s.split(":")]
    return sum(p * 60 ** i for i, p in enumerate(reversed(parts)))

def runs_of(name):
    out = []
    for i in range(1, runs + 1):
        t = (logs / f"{name}.{i}.time").read_text()
        w = wall(re.search(r"Elapsed \(wall clock\) time.*: (\S+)", t).group(1))
        rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1))
        user = float(re.search(r"User time \(seconds\): (\S+)", t).group(1))
        sys_ = float(re.search(r"System time \(seconds\): (\S+)", t).group(1))
        # CPU time the rest of the machine used during the run: busy time from /proc/stat
        # minus this run's own user + system time, as a share of all cores.
        before, after = [[int(x) for x in l.split()[1:]] for l in (logs / f"{name}.{i}.stat").read_text().splitlines()]
        d = [b - a for a, b in zip(before[:8], after[:8])]  # user .. steal (guest is in user)
        busy = (sum(d) - d[3] - d[4]) / os.sysconf("SC_CLK_TCK")
        others = max(0.0, busy - user - sys_) / (w * os.cpu_count()) * 100
        out.append((w, rss, user + sys_, others))
    return out

configs = [("sprout, search on", "sprout-search"), ("sprout, search off", "sprout-nosearch")]
if hugo:
    configs.append(("hugo --minify", "hugo"))
rows = {}
print((logs / "env.txt").read_text().rstrip())
print()
print(f"{'configuration':<19} {'wall':>7} {'(min-max)':>13} {'pages/s':>7} {'CPU s':>6} {'peak RSS':>9} {'files':>6} {'others':>6}")
for label, name in configs:
    r = runs_of(name)
    w = statistics.median(x[0] for x in r)
    rss = statistics.median(x[1] for x in r) / 1024
    cpu = statistics.median(x[2] for x in r)
    others = statistics.median(x[3] for x in r)
    files = int((logs / f"{name}.files").read_text())
    rows[name] = (w, rss, cpu)
    lo, hi = min(x[0] for x in r), max(x[0] for x in r)
    print(f"{label:<19} {w:>6.1f}s {f'({lo:.1f}-{hi:.1f})':>13} {pages / w:>7.0f} {cpu:>6.1f} {rss:>6.0f} MB {files:>6} {others:>5.0f}%")
print("medians of the runs; CPU s = user + system time; others = CPU the rest of the machine used")
print("during the run, as a share of all cores (other people's work makes wall times noisy)")
if hugo:
    print()
    h = rows["hugo"]
    for label, name in configs[:2]:
        w, rss, cpu = rows[name]
        print(f"{label} / hugo: wall time {w / h[0]:.2f}x, CPU time {cpu / h[2]:.2f}x, peak memory {rss / h[1]:.2f}x")
PY
echo "(logs in $LOGS)"
