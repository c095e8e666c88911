#!/usr/bin/env python3
"""The results table of benches/run.sh: median wall time (min-max) and peak memory per
scenario and tool, and each tool's ratio to sprout, from the `time -v` logs.

    python3 benches/table.py benches/out/logs
"""

import re
import statistics
import sys
from collections import defaultdict
from pathlib import Path


def wall(s):
    parts = [float(p) for p in s.split(":")]
    return sum(p * 60**i for i, p in enumerate(reversed(parts)))


def main(logs):
    runs = defaultdict(list)  # (scenario, tool) -> [(wall, rss MB, cpu)]
    order = []
    for f in sorted(logs.glob("*.time"), key=lambda p: p.stat().st_mtime):
        scenario, tool, _ = f.name[: -len(".time")].rsplit(".", 2)
        t = f.read_text()
        w = wall(re.search(r"Elapsed \(wall clock\) time.*: (\S+)", t).group(1))
        rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1)) / 1024
        cpu = float(re.search(r"User time \(seconds\): (\S+)", t).group(1)) + float(
            re.search(r"System time \(seconds\): (\S+)", t).group(1)
        )
        if (scenario, tool) not in runs:
            order.append((scenario, tool))
        runs[(scenario, tool)].append((w, rss, cpu))
    print((logs / "env.txt").read_text().rstrip() if (logs / "env.txt").exists() else "")
    print()
    print(f"{'scenario':<18} {'tool':<14} {'wall':>8} {'(min-max)':>15} {'CPU s':>6} {'peak RSS':>9} {'vs sprout':>18}")
    medians = {}
    for key in order:
        r = runs[key]
        medians[key] = (statistics.median(x[0] for x in r), statistics.median(x[1] for x in r))
    for scenario, tool in order:
        r = runs[(scenario, tool)]
        w, rss = medians[(scenario, tool)]
        cpu = statistics.median(x[2] for x in r)
        lo, hi = min(x[0] for x in r), max(x[0] for x in r)
        base = next((medians[k] for k in order if k[0] == scenario and k[1].startswith("sprout")), None)
        ratio = f"{w / base[0]:.2f}x t {rss / base[1]:.2f}x m" if base and base[0] > 0 else ""
        print(f"{scenario:<18} {tool:<14} {w:>7.2f}s {f'({lo:.2f}-{hi:.2f})':>15} {cpu:>6.2f} {rss:>6.0f} MB {ratio:>18}")
    print("medians of the runs; CPU s = user + system; 'vs sprout' = this tool's wall time and")
    print("peak memory over the first sprout's in the same scenario (above 1 = sprout is ahead)")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
