#!/usr/bin/env python3
"""Compare what Zola and sprout wrote for one site: the page sets, and an order-insensitive
text similarity of each page both wrote (bag-of-words cosine of the visible text).

    python3 benches/compat/compare.py ZOLA_OUT SPROUT_OUT [--json FILE] [--worst N]

A page is an `.html` file; redirect pages (a meta refresh and almost no text) are counted
apart, with how many are byte-identical. The visible text leaves out <script>, <style>, <template> and <noscript> content and
the `title`/`alt` attributes; words are lower-cased runs of letters and digits, and each CJK
character is one word. The similarity of two pages is the cosine of their word-count vectors
(1.0 = the same words the same number of times, in any order).
"""

import argparse
import json
import math
import os
import re
import sys
from collections import Counter
from html.parser import HTMLParser

SKIP = {"script", "style", "template", "noscript"}
WORD = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]|[^\W_]+", re.UNICODE)


class Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.parts = []
        self.refresh = False

    def handle_starttag(self, tag, attrs):
        if tag in SKIP:
            self.depth += 1
        if tag == "meta" and any(k == "http-equiv" and (v or "").lower() == "refresh" for k, v in attrs):
            self.refresh = True

    def handle_endtag(self, tag):
        if tag in SKIP and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if not self.depth:
            self.parts.append(data)


def read_page(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        html = f.read()
    p = Text()
    try:
        p.feed(html)
    except Exception:  # a page the parser cannot read still counts, with no words
        pass
    words = Counter(w.lower() for w in WORD.findall(" ".join(p.parts)))
    return words, p.refresh


def pages(root):
    out = {}
    for d, _, files in os.walk(root):
        for f in files:
            if f.endswith(".html"):
                full = os.path.join(d, f)
                out[os.path.relpath(full, root)] = full
    return out


def cosine(a, b):
    if not a and not b:
        return 1.0
    dot = sum(v * b.get(k, 0) for k, v in a.items())
    na = math.sqrt(sum(v * v for v in a.values()))
    nb = math.sqrt(sum(v * v for v in b.values()))
    return dot / (na * nb) if na and nb else 0.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("zola")
    ap.add_argument("sprout")
    ap.add_argument("--json")
    ap.add_argument("--worst", type=int, default=5)
    args = ap.parse_args()
    z, s = pages(args.zola), pages(args.sprout)
    both = sorted(set(z) & set(s))
    only_zola = sorted(set(z) - set(s))
    only_sprout = sorted(set(s) - set(z))
    sims = {}
    redirects = 0
    redirects_identical = 0
    for rel in both:
        zw, zr = read_page(z[rel])
        sw, sr = read_page(s[rel])
        if zr and sr:
            redirects += 1
            with open(z[rel], "rb") as zf, open(s[rel], "rb") as sf:
                redirects_identical += zf.read() == sf.read()
            continue
        sims[rel] = cosine(zw, sw)
    vals = sorted(sims.values())
    summary = {
        "zola_pages": len(z),
        "sprout_pages": len(s),
        "both": len(both),
        "redirects_both": redirects,
        "redirects_identical": redirects_identical,
        "only_zola": only_zola,
        "only_sprout": only_sprout,
        "mean_similarity": round(sum(vals) / len(vals), 4) if vals else None,
        "median_similarity": round(vals[len(vals) // 2], 4) if vals else None,
        "min_similarity": round(vals[0], 4) if vals else None,
        "pages_at_or_above_0_95": sum(v >= 0.95 for v in vals),
        "compared": len(vals),
        "worst": sorted(sims.items(), key=lambda kv: kv[1])[: args.worst],
    }
    if args.json:
        with open(args.json, "w") as f:
            json.dump(summary, f, indent=1)
    print(f"pages: zola {len(z)}, sprout {len(s)}, both {len(both)} ({redirects} redirects, {redirects_identical} byte-identical)")
    print(f"only zola ({len(only_zola)}): {' '.join(only_zola[:10])}{' ...' if len(only_zola) > 10 else ''}")
    print(f"only sprout ({len(only_sprout)}): {' '.join(only_sprout[:10])}{' ...' if len(only_sprout) > 10 else ''}")
    if vals:
        print(
            f"text similarity of {len(vals)} pages: mean {summary['mean_similarity']}, "
            f"median {summary['median_similarity']}, min {summary['min_similarity']}, "
            f">=0.95: {summary['pages_at_or_above_0_95']}"
        )
        for rel, v in summary["worst"]:
            print(f"  {v:.3f} {rel}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
