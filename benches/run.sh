#!/usr/bin/env bash
# Build-time benchmark: sprout against Zola 0.22, Hugo and the Pagefind CLI on a synthetic
# bilingual Zola-convention site, each run writing into a fresh folder on tmpfs, the tools
# alternated run by run. See benches/README.md.
#
#   bash benches/run.sh [SCENARIO...] [--runs N] [--sprout BIN]
#
#   nosearch   10,000 pages, no search index: sprout, Zola, Hugo          (default)
#   search     2,000 pages with a search index: sprout vs `zola build` + Pagefind CLI
#   bundled    this repository's own site: sprout
#   scale      sprout at 1,000, 10,000 and 100,000 pages (also get_section on every page)
#   hugepage   one page of 1, 5 and 20 MB with search: sprout vs `zola build` + Pagefind CLI
#   all        every scenario above
#
#   --runs N      timed runs per tool (default 5; median, min and max are reported)
#   --sprout BIN  measure this sprout binary instead of building target/release/sprout
#                 (to compare two versions side by side: --sprout A --sprout B)
#
# Needs Python 3, /usr/bin/time (Debian: time), and for the comparisons Zola 0.22.1 on PATH
# (built from source, see README), Hugo (Debian: hugo) and the Pagefind CLI (npm: pagefind,
# its pagefind_extended binary; run.sh installs it under benches/out/npm). Missing optional
# tools are skipped with a message. Sites and outputs live under /dev/shm/sprout-bench
# (tmpfs): the root file system here is slow to create files after a mass delete, which a
# benchmark writing to disk measures instead of the generator. Never fails on a slow result.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=$REPO/benches/out
SHM=${SHM:-/dev/shm/sprout-bench}
RUNS=5
SCENARIOS=()
SPROUTS=()
while [ $# -gt 0 ]; do
  case $1 in
    --runs) RUNS=$2; shift 2 ;;
    --sprout) SPROUTS+=("$(realpath "$2")"); shift 2 ;;
    nosearch|search|bundled|scale|hugepage) SCENARIOS+=("$1"); shift ;;
    all) SCENARIOS+=(nosearch search bundled scale hugepage); shift ;;
    *) sed -n '2,24p' "$0" >&2; exit 2 ;;
  esac
done
[ ${#SCENARIOS[@]} -gt 0 ] || SCENARIOS=(nosearch)
[ -x /usr/bin/time ] || { echo "run.sh: /usr/bin/time is missing (apt-get install -y time)" >&2; exit 1; }

mkdir -p "$OUT" "$SHM"
LOGS=$OUT/logs
rm -rf "$LOGS"
mkdir -p "$LOGS"

# sprout: copy the binary so a rebuild by someone else during the runs cannot change it.
if [ ${#SPROUTS[@]} -eq 0 ]; then
  echo "== cargo build --release"
  (cd "$REPO" && nice cargo build --release --quiet)
  mkdir -p "$OUT/bin"
  cp "$REPO/target/release/sprout" "$OUT/bin/sprout"
  SPROUTS=("$OUT/bin/sprout")
fi
ZOLA=$(command -v zola || true)
HUGO=$(command -v hugo || true)
PAGEFIND=$OUT/npm/node_modules/@pagefind/linux-x64/bin/pagefind_extended
if [ ! -x "$PAGEFIND" ] && command -v npm >/dev/null; then
  (mkdir -p "$OUT/npm" && cd "$OUT/npm" && npm install --silent pagefind@1.6.0 >/dev/null 2>&1) || true
fi
[ -x "$PAGEFIND" ] || PAGEFIND=""
[ -n "$ZOLA" ] || echo "run.sh: zola not on PATH; skipping it" >&2
[ -n "$HUGO" ] || echo "run.sh: hugo not on PATH; skipping it" >&2
[ -n "$PAGEFIND" ] || echo "run.sh: Pagefind CLI not installed; skipping zola+pagefind" >&2

site() { # dir args...: generate a synthetic site once per argument set
  local dir=$SHM/$1
  shift
  if [ ! -f "$dir/.args" ] || [ "$(cat "$dir/.args")" != "$*" ]; then
    rm -rf "$dir"
    python3 "$REPO/benches/gen_zola_site.py" "$dir" "$@"
    echo "$*" >"$dir/.args"
  fi
  echo "$dir"
}

# One timed command: `time -v` into the log; the output folder is fresh and on tmpfs.
timed() { # scenario tool run dest command...
  local scenario=$1 tool=$2 run=$3 dest=$4
  shift 4
  rm -rf "$dest"
  local log=$LOGS/$scenario.$tool.$run
  if ! /usr/bin/time -v -o "$log.time" "$@" >"$log.log" 2>&1; then
    echo "run.sh: $scenario/$tool run $run failed; see $log.log" >&2
    tail -5 "$log.log" >&2
    rm -f "$log.time"
  fi
  rm -rf "$dest"
}

# Zola followed by the Pagefind CLI, timed as one command like a Zola user's build script.
cat >"$OUT/zola-pagefind.sh" <<'EOF'
#!/bin/sh
set -e
"$1" --root "$2" build --output-dir "$3" --force >/dev/null
"$4" --site "$3" >/dev/null
EOF
chmod +x "$OUT/zola-pagefind.sh"

sprout_label() { # index
  if [ ${#SPROUTS[@]} -gt 1 ]; then echo "sprout-$1"; else echo sprout; fi
}

# The same site for Zola with its own search off (the Pagefind CLI indexes its output).
zola_copy() { # site-dir
  local dir=$1 copy=$1-zola
  rm -rf "$copy"
  mkdir -p "$copy"
  cp -r "$dir/content" "$dir/templates" "$copy/"
  sed -e 's/^build_search_index = true/build_search_index = false/' -e '/^\[search\]$/d' -e '/^engine = "pagefind"$/d' "$dir/config.toml" >"$copy/config.toml"
  echo "$copy"
}

# The order of the tools in run N: each run starts one tool further on. A process that comes
# after one that used much memory (Hugo: 1.2 GB) pays about 0.2 s more system time while the
# kernel hands it fresh pages; rotating spreads that over every tool.
rotated() { # run count
  local k
  for k in $(seq 0 $(($2 - 1))); do echo $(((k + $1 - 1) % $2)); done
}

# Alternate the tools: run 1 of each, then run 2 of each, ... (rotated)
compare() { # scenario site-dir with-search(0/1)
  local scenario=$1 dir=$2 search=$3 dest=$SHM/out zola_dir=$2 tools=() i k run
  [ "$search" = 0 ] || zola_dir=$(zola_copy "$dir")
  for i in "${!SPROUTS[@]}"; do tools+=("sprout:$i"); done
  if [ -n "$ZOLA" ] && [ "$search" = 0 ]; then tools+=(zola); fi
  if [ -n "$ZOLA" ] && [ -n "$PAGEFIND" ] && [ "$search" = 1 ]; then tools+=(zola+pagefind); fi
  if [ -n "$HUGO" ] && [ "$search" = 0 ] && [ "$scenario" = nosearch ]; then tools+=(hugo); fi
  for run in $(seq 1 "$RUNS"); do
    for k in $(rotated "$run" ${#tools[@]}); do
      case ${tools[$k]} in
        sprout:*)
          i=${tools[$k]#sprout:}
          timed "$scenario" "$(sprout_label "$i")" "$run" "$dest" "${SPROUTS[$i]}" --root "$dir" build --output-dir "$dest" ;;
        zola) timed "$scenario" zola "$run" "$dest" "$ZOLA" --root "$dir" build --output-dir "$dest" --force ;;
        zola+pagefind) timed "$scenario" zola+pagefind "$run" "$dest" "$OUT/zola-pagefind.sh" "$ZOLA" "$zola_dir" "$dest" "$PAGEFIND" ;;
        hugo) timed "$scenario" hugo "$run" "$dest" "$HUGO" --source "$dir/hugo" --destination "$dest" --quiet ;;
      esac
    done
  done
}

for scenario in "${SCENARIOS[@]}"; do
  echo "== $scenario"
  case $scenario in
    nosearch) compare nosearch "$(site site-10k --pages 10000)" 0 ;;
    search) compare search "$(site site-2k-search --pages 2000 --sections 20 --search)" 1 ;;
    bundled)
      for run in $(seq 1 "$RUNS"); do
        for i in $(rotated "$run" ${#SPROUTS[@]}); do
          timed bundled "$(sprout_label "$i")" "$run" "$SHM/out" "${SPROUTS[$i]}" --root "$REPO" build --output-dir "$SHM/out"
        done
      done ;;
    scale)
      for n in 1000 10000 100000; do
        compare "scale-$n" "$(site "site-scale-$n" --pages "$n" --sections $((n / 200)))" 0
      done ;;
    hugepage)
      for mb in 1 5 20; do
        compare "hugepage-${mb}MB" "$(site "site-huge-$mb" --huge-page-mb "$mb" --search)" 1
      done ;;
  esac
done

{
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(awk '/MemTotal/ {printf "%.0f GiB RAM", $2/1048576}' /proc/meminfo)"
  echo "sprout: $(cd "$REPO" && git rev-parse --short HEAD 2>/dev/null || echo '?') ${SPROUTS[*]}"
  [ -n "$ZOLA" ] && echo "zola: $($ZOLA --version)"
  [ -n "$HUGO" ] && echo "hugo: $($HUGO version | cut -d' ' -f1-2)"
  [ -n "$PAGEFIND" ] && echo "pagefind: $($PAGEFIND --version)"
  echo "$RUNS runs per tool, alternated; outputs in fresh folders on tmpfs ($SHM)"
} >"$LOGS/env.txt"
python3 "$REPO/benches/table.py" "$LOGS" | tee "$OUT/results.txt"
