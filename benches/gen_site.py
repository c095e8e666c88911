#!/usr/bin/env python3
"""Write a synthetic bilingual site for benchmarking sprout (and Hugo on the same content).

    python3 benches/gen_site.py OUT [--sections 50] [--pages 100] [--seed 2021]

OUT gets two sprout site roots that share the same content:

    OUT/site/           config.toml (build_search_index = true), themes/, data/, content/
    OUT/site-nosearch/  the same with build_search_index = false (files are hard links)

content/ is the repository's own content (the theme links to its pages: plan/notice.md,
about.md, topics.md, ...; about 90 files) plus `sections` x `pages` synthetic pages per
language: section-N/page-M.md (Chinese) and section-N/page-M.en.md (English), each section
with _index.md and _index.en.md. Chinese text is cut from data/source/plan.zh.txt, English
text from content/plan/*.en.md. Pages have TOML front matter (title, description, date,
weight, [taxonomies] tags), headings with and without `{#id}`, lists, a table, paragraphs
and internal links `@/section-N/page-M.md#id` whose anchors exist. Even-numbered sections
use the theme's practical-page templates (key messages, plan references, QR code, age and
audience taxonomies); odd-numbered ones the default page.html/section.html.

The output is deterministic: the same arguments give byte-identical files.
Standard library only.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import shutil
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# Tags: slug -> (Chinese label, English label). The slugs are the taxonomy terms in both
# languages; the labels go into [translations] as `tags-<slug>` (the theme's taxonomy
# templates translate term names).
TAGS = {
    "health": ("健康", "Health"),
    "nutrition": ("营养", "Nutrition"),
    "sleep": ("睡眠", "Sleep"),
    "vision": ("视力", "Eyesight"),
    "vaccines": ("疫苗", "Vaccines"),
    "mental-health": ("心理健康", "Mental health"),
    "safety": ("安全", "Safety"),
    "drowning": ("防溺水", "Drowning"),
    "road-safety": ("交通安全", "Road safety"),
    "online": ("网络", "Online"),
    "bullying": ("欺凌", "Bullying"),
    "education": ("教育", "Education"),
    "preschool": ("学前教育", "Preschool"),
    "reading": ("阅读", "Reading"),
    "sport": ("体育", "Sport"),
    "welfare": ("福利", "Welfare"),
    "disability": ("残疾儿童", "Disability"),
    "left-behind": ("留守儿童", "Left-behind children"),
    "family": ("家庭", "Family"),
    "parenting": ("家庭教育", "Parenting"),
    "environment": ("环境", "Environment"),
    "rural": ("农村牧区", "Rural areas"),
    "legal": ("法律保护", "Legal protection"),
    "data": ("数据", "Data"),
}
AGES = ["0-3", "3-6", "6-12", "12-18"]
AUDIENCES = ["parents", "schools"]

# Explicit heading ids (shared by a page and its translation) and their headings.
H2_IDS = {
    "overview": ("概述", "Overview"),
    "background": ("背景", "Background"),
    "key-points": ("要点", "Key points"),
    "what-to-do": ("怎么做", "What to do"),
    "at-home": ("在家里", "At home"),
    "at-school": ("在学校", "At school"),
    "in-the-community": ("在社区", "In the community"),
    "measures": ("主要措施", "Main measures"),
    "who-can-help": ("谁可以帮忙", "Who can help"),
    "questions": ("常见问题", "Common questions"),
    "checklist": ("检查清单", "Checklist"),
    "timeline": ("时间安排", "Timeline"),
}
TABLE_ID = ("figures", "主要数据", "Key figures")
RELATED_ID = ("related", "相关页面", "Related pages")


# --------------------------------------------------------------------------------------
# Text corpora


def cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def chinese_corpus() -> tuple[list[str], list[str]]:
    """Sentences (ending in 。) and short clauses (for titles and list items)."""
    text = (REPO / "data/source/plan.zh.txt").read_text(encoding="utf-8")
    sentences, clauses = [], []
    for line in text.splitlines():
        line = line.strip().strip("\u3000 ").replace("\u3000", "")
        if len(line) < 12:
            continue
        for s in re.findall(r"[^。！？]+[。！？]", line):
            s = s.strip()
            # Drop numbering like "1." / "（1）" at the start of a sentence.
            s = re.sub(r"^(（[一二三四五六七八九十\d]+）|\d+[.．、])", "", s)
            if 12 <= len(s) <= 140 and not re.search(r"[#*_\[\]|<>`{}]", s):
                sentences.append(s)
            for c in re.split(r"[，、；：。！？（）“”《》]", s):
                c = c.strip()
                if 4 <= len(c) <= 14 and not re.search(r"[\d#*_\[\]|<>`{}%‰.]", c):
                    clauses.append(c)
    if not sentences or not clauses:
        sys.exit("gen_site: no Chinese text found in data/source/plan.zh.txt")
    return sorted(set(sentences)), sorted(set(clauses))


def english_corpus() -> tuple[list[str], list[str]]:
    """Sentences and short phrases from the plan's English translation."""
    sentences, phrases = [], []
    for path in sorted((REPO / "content/plan").glob("*.en.md")):
        text = path.read_text(encoding="utf-8")
        parts = text.split("+++")
        body = parts[2] if len(parts) >= 3 else text
        for line in body.splitlines():
            line = line.strip()
            if not line or line.startswith(("#", "{%", "|", "<", "```")):
                continue
            line = re.sub(r"^([-*]|\d+\.)\s+", "", line)
            line = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line)  # links -> text
            line = re.sub(r"\{#[^}]*\}|\{%.*?%\}|\*\*|__|`", "", line)
            for s in re.split(r"(?<=[.!?])\s+(?=[A-Z])", line):
                s = s.strip()
                words = s.split()
                if 6 <= len(words) <= 45 and s[-1] in ".!?" and not re.search(r"[#*_\[\]|<>{}]", s):
                    sentences.append(s)
                for c in re.split(r"[,;:()]", s.rstrip(".!?")):
                    w = c.split()
                    while w and w[0].lower() in ("and", "or", "to", "the", "of", "in", "for", "with", "by"):
                        w = w[1:]
                    if 3 <= len(w) <= 7 and not re.search(r'[\d#*_\[\]|<>{}%‰"“”]', c):
                        phrases.append(" ".join(w))
    if not sentences or not phrases:
        sys.exit("gen_site: no English text found in content/plan/*.en.md")
    return sorted(set(sentences)), sorted(set(phrases))


# --------------------------------------------------------------------------------------
# Page skeletons: structure shared by a page and its translation, so both languages have
# the same anchors and link to the same targets.


@dataclass
class Block:
    kind: str  # "p", "ul", "ol", "table", "h2", "h3"
    n: int = 0  # items / rows / paragraphs
    id: str | None = None  # explicit heading id
    links: list[tuple[int, int, str | None]] = field(default_factory=list)  # targets


@dataclass
class Skeleton:
    section: int
    page: int
    date: str
    tags: list[str]
    ages: list[str]
    audience: list[str]
    ids: list[str]
    blocks: list[Block] = field(default_factory=list)


def skeleton(seed: int, s: int, p: int) -> Skeleton:
    rng = random.Random(f"{seed}:skeleton:{s}:{p}")
    year = rng.choice([2022, 2023, 2024, 2025])
    date = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    tags = sorted(rng.sample(sorted(TAGS), rng.randint(1, 3)))
    ages = sorted(rng.sample(AGES, rng.randint(1, 4)), key=AGES.index)
    audience = sorted(rng.sample(AUDIENCES, rng.randint(1, 2)))
    h2 = rng.sample(sorted(H2_IDS), rng.randint(3, 5))
    sk = Skeleton(s, p, date, tags, ages, audience, [])
    sk.blocks.append(Block("p", 1))
    table_at = rng.randrange(len(h2))
    for i, hid in enumerate(h2):
        explicit = rng.random() < 0.6
        sk.blocks.append(Block("h2", id=hid if explicit else None))
        if explicit:
            sk.ids.append(hid)
        sk.blocks.append(Block("p", rng.randint(1, 2)))
        if rng.random() < 0.5:
            sk.blocks.append(Block("ul" if rng.random() < 0.7 else "ol", rng.randint(3, 5)))
        if rng.random() < 0.35:
            sub = f"{hid}-{rng.randint(1, 9)}" if rng.random() < 0.5 else None
            sk.blocks.append(Block("h3", id=sub))
            if sub:
                sk.ids.append(sub)
            sk.blocks.append(Block("p", 1))
        if i == table_at:
            sk.blocks.append(Block("h2", id=TABLE_ID[0]))
            sk.ids.append(TABLE_ID[0])
            sk.blocks.append(Block("p", 1))
            sk.blocks.append(Block("table", rng.randint(3, 6)))
    sk.blocks.append(Block("h2", id=RELATED_ID[0]))
    sk.ids.append(RELATED_ID[0])
    sk.blocks.append(Block("ul", rng.randint(3, 5)))
    return sk


def choose_links(sk: Skeleton, skeletons: dict, sections: int, pages: int, seed: int) -> None:
    """Give paragraphs and the related list link targets (section, page, anchor)."""
    rng = random.Random(f"{seed}:links:{sk.section}:{sk.page}")

    def target() -> tuple[int, int, str | None]:
        r = rng.random()
        if r < 0.05:
            return (rng.randint(1, sections), 0, None)  # a section page
        if r < 0.12:
            return (sk.section, sk.page, rng.choice(sk.ids))  # this page's own anchor
        if r < 0.6:  # a neighbour in the same section
            s, p = sk.section, rng.randint(1, pages)
        else:
            s, p = rng.randint(1, sections), rng.randint(1, pages)
        anchor = rng.choice(skeletons[(s, p)].ids) if rng.random() < 0.75 else None
        return (s, p, anchor)

    for b in sk.blocks:
        if b.kind == "p":
            b.links = [target() for _ in range(b.n) if rng.random() < 0.35]
        elif b.kind in ("ul", "ol"):
            b.links = [target() for _ in range(b.n) if rng.random() < 0.25]
        if b.id == RELATED_ID[0] or (b.kind == "ul" and b is sk.blocks[-1]):
            b.links = [target() for _ in range(b.n)]


# --------------------------------------------------------------------------------------
# Rendering a skeleton as Markdown


class Writer:
    def __init__(self, lang: str, corpus, titles: dict, seed: int):
        self.lang = lang
        self.sentences, self.phrases = corpus
        self.titles = titles  # (s, p) -> title in this language; (s, 0) for sections
        self.seed = seed

    def sentence(self, rng) -> str:
        return rng.choice(self.sentences)

    def phrase(self, rng) -> str:
        return rng.choice(self.phrases)

    def href(self, sk: Skeleton, t) -> str:
        s, p, anchor = t
        frag = f"#{anchor}" if anchor else ""
        if (s, p) == (sk.section, sk.page) and anchor:
            return frag
        suffix = ".en.md" if self.lang == "en" else ".md"
        name = "_index" if p == 0 else f"page-{p}"
        return f"@/section-{s}/{name}{suffix}{frag}"

    def link(self, sk, t, rng) -> str:
        s, p, anchor = t
        text = self.titles[(s, p)]
        if (s, p) == (sk.section, sk.page):
            text = self.phrase(rng)
        return f"[{text}]({self.href(sk, t)})"

    def paragraph(self, rng, link: str | None) -> str:
        if self.lang == "zh":
            n = rng.randint(2, 4)
            parts = [self.sentence(rng) for _ in range(n)]
            if rng.random() < 0.2:
                i = rng.randrange(n)
                c = self.phrase(rng)
                parts[i] = f"**{c}**，" + parts[i]
            if link:
                parts.insert(rng.randint(1, n), f"详见{link}。")
            return "".join(parts)
        n = rng.randint(2, 3)
        parts = [self.sentence(rng) for _ in range(n)]
        if rng.random() < 0.2:
            i = rng.randrange(n)
            parts[i] = f"**{cap(self.phrase(rng))}**: " + parts[i]
        if link:
            parts.insert(rng.randint(1, n), f"See {link}.")
        return " ".join(parts)

    def heading(self, rng, sk: Skeleton) -> str:
        if self.lang == "zh":
            return self.phrase(rng)
        # Never let an id-less heading slugify to one of the page's explicit ids.
        while True:
            h = cap(self.phrase(rng))
            if re.sub(r"[^a-z0-9]+", "-", h.lower()).strip("-") not in sk.ids:
                return h

    def table(self, rng, rows: int) -> list[str]:
        if self.lang == "zh":
            head = "| 指标 | 2020年 | 2025年 | 2030年目标 |"
        else:
            head = "| Indicator | 2020 | 2025 | 2030 target |"
        out = [head, "|---|---:|---:|---:|"]
        for _ in range(rows):
            name = cap(self.phrase(rng))
            a = rng.uniform(40, 95)
            b = min(99.9, a + rng.uniform(0, 5))
            c = min(100, b + rng.uniform(0, 5))
            out.append(f"| {name} | {a:.1f}% | {b:.1f}% | {c:.0f}% |")
        return out

    def body(self, sk: Skeleton) -> str:
        rng = random.Random(f"{self.seed}:{self.lang}:body:{sk.section}:{sk.page}")
        out: list[str] = []
        zh = self.lang == "zh"
        for b in sk.blocks:
            if b.kind == "h2" or b.kind == "h3":
                hashes = "##" if b.kind == "h2" else "###"
                if b.id in H2_IDS:
                    title = H2_IDS[b.id][0 if zh else 1]
                elif b.id == TABLE_ID[0]:
                    title = TABLE_ID[1 if zh else 2]
                elif b.id == RELATED_ID[0]:
                    title = RELATED_ID[1 if zh else 2]
                else:
                    title = self.heading(rng, sk)
                out.append(f"{hashes} {title}" + (f" {{#{b.id}}}" if b.id else ""))
            elif b.kind == "p":
                links = list(b.links)
                for _ in range(b.n):
                    link = self.link(sk, links.pop(), rng) if links else None
                    out.append(self.paragraph(rng, link))
            elif b.kind in ("ul", "ol"):
                items = []
                links = list(b.links)
                for i in range(b.n):
                    if b is sk.blocks[-1] and links:  # the related-pages list
                        text = self.link(sk, links.pop(), rng)
                    else:
                        text = self.sentence(rng)
                        if links and rng.random() < 0.5:
                            text += (" " if not zh else "") + self.link(sk, links.pop(), rng)
                    mark = "-" if b.kind == "ul" else f"{i + 1}."
                    items.append(f"{mark} {text}")
                out.append("\n".join(items))
            elif b.kind == "table":
                out.append("\n".join(self.table(rng, b.n)))
        return "\n\n".join(out) + "\n"


def toml_str(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def toml_list(items) -> str:
    return "[" + ", ".join(toml_str(i) for i in items) + "]"


def page_file(sk: Skeleton, w: Writer, practical: bool, plan_refs, source_hash=None) -> tuple[str, str]:
    rng = random.Random(f"{w.seed}:{w.lang}:meta:{sk.section}:{sk.page}")
    body = "\n" + w.body(sk)
    fm = [
        f"title = {toml_str(w.titles[(sk.section, sk.page)])}",
        f"description = {toml_str(w.sentence(rng))}",
        f"date = {sk.date}",
        f"weight = {sk.page}",
        "[taxonomies]",
        f"tags = {toml_list(sk.tags)}",
    ]
    if practical:
        fm += [f"audience = {toml_list(sk.audience)}", f"age = {toml_list(sk.ages)}"]
    extra = []
    if source_hash:
        extra.append(f"source_hash = {toml_str(source_hash)}")
    if practical:
        keys = [w.sentence(rng) for _ in range(rng.randint(3, 5))]
        extra.append("key_messages = [\n" + "".join(f"  {toml_str(k)},\n" for k in keys) + "]")
        refs = random.Random(f"{w.seed}:refs:{sk.section}:{sk.page}").sample(plan_refs, min(3, len(plan_refs)))
        extra.append(f"plan_refs = {toml_list(sorted(refs))}")
    if extra:
        fm += ["[extra]"] + extra
    return "+++\n" + "\n".join(fm) + "\n+++\n", body


def source_hash(text: str) -> str:
    """sprout's translation hash (src/content/translations.rs `source_hash`): sha256 of the source's
    title, description, [extra] (without `source_hash`) and trimmed body as compact JSON with
    sorted keys, so a change to the translatable front matter makes a translation stale too."""
    _, front, body = text.split("+++", 2)
    meta = tomllib.loads(front)
    extra = {k: v for k, v in meta.get("extra", {}).items() if k != "source_hash"}
    canonical = json.dumps(
        {
            "title": meta.get("title"),
            "description": meta.get("description"),
            "extra": extra,
            "body": body.replace("\r\n", "\n").strip(),
        },
        ensure_ascii=False,
        separators=(",", ":"),
        sort_keys=True,
    )
    return hashlib.sha256(canonical.strip().encode()).hexdigest()[:16]


def section_file(s: int, lang: str, title: str, intro: str, practical: bool, source_hash=None) -> tuple[str, str]:
    fm = [
        f"title = {toml_str(title)}",
        f"sort_by = {toml_str('weight' if practical else 'date')}",
        f"weight = {10 + s}",
    ]
    if practical:
        fm += ['template = "practical-section.html"', 'page_template = "practical-page.html"']
    if source_hash:
        fm += ["[extra]", f"source_hash = {toml_str(source_hash)}"]
    return "+++\n" + "\n".join(fm) + "\n+++\n", "\n" + intro + "\n"


def plan_references() -> list[str]:
    """Real plan anchors (`plan/health.md#health-goal-1`) for practical pages' plan_refs."""
    refs = []
    for path in sorted((REPO / "content/plan").glob("*.md")):
        if path.name.count(".") > 1 or path.name.startswith("_"):
            continue
        text = path.read_text(encoding="utf-8")
        ids = re.findall(r'\{% item\(id="([a-z-]+-goal-\d+)"', text)
        ids += re.findall(r"\{#([a-z-]+-measure-\d+)\}", text)
        refs += [f"plan/{path.name}#{i}" for i in ids]
    return sorted(set(refs))


# --------------------------------------------------------------------------------------
# Config


def site_config(search: bool) -> str:
    text = (REPO / "config.toml").read_text(encoding="utf-8")
    value = "true" if search else "false"
    text, n = re.subn(r"(?m)^build_search_index\s*=\s*\w+", f"build_search_index = {value}", text)
    if n == 0:
        text = text.replace("\n[markdown]", f"\nbuild_search_index = {value}\n\n[markdown]", 1)
    # A `tags` taxonomy in every language, with labels for the theme's taxonomy templates.
    text, n = re.subn(r"(?m)^taxonomies = \[", 'taxonomies = [\n  { name = "tags" },', text)
    if n == 0:
        sys.exit("gen_site: config.toml has no `taxonomies = [` to extend")
    zh = 'tags = "标签"\n' + "".join(f'tags-{k} = "{v[0]}"\n' for k, v in TAGS.items())
    en = 'tags = "Tags"\n' + "".join(f'tags-{k} = "{v[1]}"\n' for k, v in TAGS.items())
    text = re.sub(r"(?m)^\[translations\]\n", lambda m: m.group(0) + zh, text, count=1)
    text = re.sub(r"(?m)^\[languages\.en\.translations\]\n", lambda m: m.group(0) + en, text, count=1)
    parsed = tomllib.loads(text)  # fail here, not in the benchmark, if the edit went wrong
    assert parsed["build_search_index"] is search
    assert "tags-health" in parsed["translations"]
    assert "tags-health" in parsed["languages"]["en"]["translations"]
    return text


# --------------------------------------------------------------------------------------


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def link_tree(src: Path, dst: Path) -> None:
    """Mirror src at dst with hard links (copies if linking is not possible)."""
    for dirpath, _dirs, files in os.walk(src):
        rel = Path(dirpath).relative_to(src)
        (dst / rel).mkdir(parents=True, exist_ok=True)
        for f in files:
            try:
                os.link(Path(dirpath) / f, dst / rel / f)
            except OSError:
                shutil.copy2(Path(dirpath) / f, dst / rel / f)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path, help="folder to write (replaced if it exists)")
    ap.add_argument("--sections", type=int, default=50)
    ap.add_argument("--pages", type=int, default=100, help="pages per section and language")
    ap.add_argument("--seed", type=int, default=2021)
    args = ap.parse_args()

    out: Path = args.out
    site, nosearch = out / "site", out / "site-nosearch"
    for d in (site, nosearch):
        if d.exists():
            shutil.rmtree(d)

    zh_corpus, en_corpus = chinese_corpus(), english_corpus()
    refs = plan_references()
    S, P, seed = args.sections, args.pages, args.seed

    # Titles first: links show the title of the page they point to.
    trng = random.Random(f"{seed}:titles")
    titles = {"zh": {}, "en": {}}
    for s in range(1, S + 1):
        for p in range(0, P + 1):
            zt = trng.choice(zh_corpus[1])
            et = cap(trng.choice(en_corpus[1]))
            if p == 0:
                zt, et = f"专题{s}：{zt}", f"Topic {s}: {et}"
            titles["zh"][(s, p)], titles["en"][(s, p)] = zt, et

    skeletons = {(s, p): skeleton(seed, s, p) for s in range(1, S + 1) for p in range(1, P + 1)}
    for sk in skeletons.values():
        choose_links(sk, skeletons, S, P, seed)

    zw = Writer("zh", zh_corpus, titles["zh"], seed)
    ew = Writer("en", en_corpus, titles["en"], seed)
    content = site / "content"
    shutil.copytree(REPO / "content", content)
    shutil.copytree(REPO / "themes", site / "themes")
    shutil.copytree(REPO / "data", site / "data")
    if (REPO / "static").is_dir():
        shutil.copytree(REPO / "static", site / "static")

    count = {"zh": 0, "en": 0}
    nbytes = 0
    for s in range(1, S + 1):
        practical = s % 2 == 0
        d = content / f"section-{s}"
        irng = random.Random(f"{seed}:section:{s}")
        zi = "".join(irng.choice(zh_corpus[0]) for _ in range(3))
        ei = " ".join(irng.choice(en_corpus[0]) for _ in range(3))
        fm, body = section_file(s, "zh", titles["zh"][(s, 0)], zi, practical)
        write(d / "_index.md", fm + body)
        fm, ebody = section_file(s, "en", titles["en"][(s, 0)], ei, practical, source_hash(fm + body))
        write(d / "_index.en.md", fm + ebody)
        for p in range(1, P + 1):
            sk = skeletons[(s, p)]
            fm, body = page_file(sk, zw, practical, refs)
            write(d / f"page-{p}.md", fm + body)
            efm, ebody = page_file(sk, ew, practical, refs, source_hash(fm + body))
            write(d / f"page-{p}.en.md", efm + ebody)
            count["zh"] += 1
            count["en"] += 1
            nbytes += len((fm + body).encode()) + len((efm + ebody).encode())

    write(site / "config.toml", site_config(True))
    link_tree(site / "content", nosearch / "content")
    link_tree(site / "themes", nosearch / "themes")
    link_tree(site / "data", nosearch / "data")
    if (site / "static").is_dir():
        link_tree(site / "static", nosearch / "static")
    write(nosearch / "config.toml", site_config(False))

    total = sum(1 for _ in content.rglob("*.md"))
    print(
        f"gen_site: {count['zh']} zh + {count['en']} en synthetic pages in {S} sections "
        f"({nbytes / 1e6:.1f} MB of Markdown); {total} .md files in {content} "
        f"(with the repository's own content)"
    )


if __name__ == "__main__":
    main()
