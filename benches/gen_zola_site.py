#!/usr/bin/env python3
"""A synthetic bilingual site in Zola's conventions, built unchanged by sprout and Zola.

    python3 benches/gen_zola_site.py OUT --pages 10000 [--sections 50] [--search]
    python3 benches/gen_zola_site.py OUT --huge-page-mb 2

Writes OUT/config.toml, OUT/templates/ and OUT/content/. `--pages` counts content pages in
both languages: a Chinese `page-M.md` and an English `page-M.en.md` per entry. The templates
(and the Hugo layouts in OUT/hugo/, which read the same content) are minimal but use what
real themes use: translations, summaries (`<!-- more -->`), the
page's section through `get_section`, and a home page that lists every section through
`get_section`. `--search` turns on sprout's search index (`build_search_index`) for both
languages; for Zola the config keeps it off and the Pagefind CLI indexes the output instead
(`data-pagefind-body` marks the same part of the page for both).

Text is cut from the repository's plan (Chinese) and its English pages, with a seeded
random generator: the same arguments always give the same bytes.
"""

import argparse
import hashlib
import json
import random
import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

TEMPLATES = {
    "base.html": """<!doctype html>
<html lang="{{ lang }}">
<head><meta charset="utf-8"><title>{% block title %}{{ config.title }}{% endblock %}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body>
<header><a href="{{ get_url(path='/', lang=lang) }}">{{ config.title }}</a></header>
{% block main %}{% endblock %}
<footer>{{ config.description }}</footer>
</body>
</html>
""",
    "index.html": """{% extends "base.html" %}
{% block main %}<main>
<h1>{{ section.title }}</h1>
{{ section.content | safe }}
<ul>{% for s in section.subsections %}{% set sub = get_section(path=s, metadata_only=true) %}
<li><a href="{{ sub.permalink }}">{{ sub.title }}</a></li>{% endfor %}</ul>
</main>{% endblock %}
""",
    "section.html": """{% extends "base.html" %}
{% block title %}{{ section.title }}{% endblock %}
{% block main %}<main data-pagefind-body>
<h1>{{ section.title }}</h1>
<nav>{% for t in section.translations %}{% if t.lang != lang %}<a hreflang="{{ t.lang }}" href="{{ t.permalink }}">{{ t.title }}</a>{% endif %}{% endfor %}</nav>
{{ section.content | safe }}
{% for p in section.pages %}<article><h2><a href="{{ p.permalink }}">{{ p.title }}</a></h2>
{% if p.summary %}{{ p.summary | safe }}{% else %}<p>{{ p.description }}</p>{% endif %}</article>
{% endfor %}
</main>{% endblock %}
""",
    "page.html": """{% extends "base.html" %}
{% block title %}{{ page.title }}{% endblock %}
{% block main %}{% set parent = get_section(path=page.ancestors | last, metadata_only=true) %}
<nav><a href="{{ parent.permalink }}">{{ parent.title }}</a>
{% for t in page.translations %}{% if t.lang != lang %} <a hreflang="{{ t.lang }}" href="{{ t.permalink }}">{{ t.title }}</a>{% endif %}{% endfor %}</nav>
<main data-pagefind-body>
<h1>{{ page.title }}</h1>
{{ page.content | safe }}
</main>
<nav>{% if page.lower %}<a href="{{ page.lower.permalink }}">{{ page.lower.title }}</a>{% endif %}
{% if page.higher %}<a href="{{ page.higher.permalink }}">{{ page.higher.title }}</a>{% endif %}</nav>
{% endblock %}
""",
    "404.html": """{% extends "base.html" %}
{% block main %}<main><h1>404</h1></main>{% endblock %}
""",
}


HUGO = {
    "hugo.toml": """baseURL = "https://bench.example.net/"
title = "基准站点"
contentDir = "../content"
defaultContentLanguage = "zh"
defaultContentLanguageInSubdir = false
hasCJKLanguage = true
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT"]
[languages.zh]
weight = 1
[languages.en]
weight = 2
title = "Benchmark site"
[markup.goldmark.renderer]
unsafe = true
[markup.goldmark.parser.attribute]
title = true
""",
    "layouts/_default/baseof.html": """<!doctype html>
<html lang="{{ .Lang }}">
<head><meta charset="utf-8"><title>{{ block "title" . }}{{ .Site.Title }}{{ end }}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body>
<header><a href="{{ .Site.Home.RelPermalink }}">{{ .Site.Title }}</a></header>
{{ block "main" . }}{{ end }}
<footer>{{ .Site.Params.description }}</footer>
</body>
</html>
""",
    "layouts/index.html": """{{ define "main" }}<main>
<h1>{{ .Title }}</h1>
{{ .Content }}
<ul>{{ range .Sections }}<li><a href="{{ .Permalink }}">{{ .Title }}</a></li>{{ end }}</ul>
</main>{{ end }}
""",
    "layouts/_default/list.html": """{{ define "title" }}{{ .Title }}{{ end }}
{{ define "main" }}<main data-pagefind-body>
<h1>{{ .Title }}</h1>
<nav>{{ range .Translations }}<a hreflang="{{ .Lang }}" href="{{ .Permalink }}">{{ .Title }}</a>{{ end }}</nav>
{{ .Content }}
{{ range .Pages.ByWeight }}<article><h2><a href="{{ .Permalink }}">{{ .Title }}</a></h2>
{{ .Summary }}</article>
{{ end }}
</main>{{ end }}
""",
    "layouts/_default/single.html": """{{ define "title" }}{{ .Title }}{{ end }}
{{ define "main" }}{{ $parent := .Parent }}
<nav><a href="{{ $parent.Permalink }}">{{ $parent.Title }}</a>
{{ range .Translations }} <a hreflang="{{ .Lang }}" href="{{ .Permalink }}">{{ .Title }}</a>{{ end }}</nav>
<main data-pagefind-body>
<h1>{{ .Title }}</h1>
{{ .Content }}
</main>
<nav>{{ with .PrevInSection }}<a href="{{ .Permalink }}">{{ .Title }}</a>{{ end }}
{{ with .NextInSection }}<a href="{{ .Permalink }}">{{ .Title }}</a>{{ end }}</nav>
{{ end }}
""",
}


def config(search):
    s = "true" if search else "false"
    # sprout's own engine for Chinese and English; Zola's elasticlunr index has no Chinese
    # here, and run.sh strips this table from the copy Zola builds.
    search_table = '\n[search]\nengine = "pagefind"\n' if search else ""
    return f"""base_url = "https://bench.example.net"
title = "基准站点"
description = "合成的双语站点"
default_language = "zh"
minify_html = false
generate_feeds = false
build_search_index = {s}

[markdown]
{search_table}
[languages.en]
title = "Benchmark site"
description = "A synthetic bilingual site"
build_search_index = {s}
"""


def sentence_pools():
    zh_text = (REPO / "data/source/plan.zh.txt").read_text(encoding="utf-8")
    zh = [s + "。" for s in re.split(r"[。\n]", zh_text) if 12 <= len(s.strip()) <= 120]
    en_text = " ".join(
        p.read_text(encoding="utf-8").split("+++")[-1]
        for p in sorted((REPO / "content/plan").glob("*.en.md"))
    )
    en_text = re.sub(r"\{%.*?%\}|\{\{.*?\}\}", " ", en_text, flags=re.S)
    en_text = re.sub(r"[#*\[\]()>|{}@/_%-]", " ", en_text)
    en_text = re.sub(r"\s+", " ", en_text)
    en = [s.strip() + "." for s in re.split(r"\.\s", en_text) if 40 <= len(s.strip()) <= 300]
    return zh, en


def paragraph(rng, pool, n):
    return "".join(rng.choice(pool) for _ in range(n)) if pool[0][-1] == "。" else " ".join(
        rng.choice(pool) for _ in range(n)
    )


def body(rng, pool, sec, n, heading_words, per_section):
    """About 4 KB of Markdown: summary, headings with ids, a list, a table, internal links."""
    out = [paragraph(rng, pool, 2), "", "<!-- more -->", ""]
    for h in range(3):
        out += [f"## {heading_words[h]} {h + 1} {{#part-{h + 1}}}", "", paragraph(rng, pool, 3), ""]
        out += [f"- {rng.choice(pool)}" for _ in range(3)] + [""]
    out += ["| 2020 | 2025 | 2030 |", "|---|---|---|", "| 5.1 | 4.2 | 3.5 |", ""]
    other = rng.randrange(1, per_section + 1)
    out += [f"[{heading_words[0]}](@/section-{sec}/page-{other}{{lang}}.md#part-1)", ""]
    return "\n".join(out)


def source_hash(title, body):
    """sprout's `source_hash` (src/content/translations.rs): SHA-256 of the source's translatable
    front matter and body as compact JSON with sorted keys, first 8 bytes in hex."""
    canonical = {"body": body.replace("\r\n", "\n").strip(), "description": title, "extra": {}, "title": title}
    text = json.dumps(canonical, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return hashlib.sha256(text.strip().encode()).hexdigest()[:16]


def front(title, weight, date=None, source=None):
    """TOML front matter; a translation records its source's hash as sprout's `sprout stamp`
    does (`source` is the source's title and body), so the build has no translation report."""
    lines = ["+++", f'title = "{title}"', f'description = "{title}"', f"weight = {weight}"]
    if date:
        lines.append(f"date = {date}")
    if source is not None:
        lines += ["[extra]", f'source_hash = "{source_hash(*source)}"']
    return "\n".join(lines + ["+++", ""])


def write_site(out, pages, sections, search):
    rng = random.Random(13)
    zh, en = sentence_pools()
    out.mkdir(parents=True, exist_ok=True)
    (out / "config.toml").write_text(config(search), encoding="utf-8")
    files = [("templates/" + k, v) for k, v in TEMPLATES.items()]
    files += [("hugo/" + k, v) for k, v in HUGO.items()]
    for name, text in files:
        p = out / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    content = out / "content"
    content.mkdir(exist_ok=True)
    (content / "_index.md").write_text(front("首页", 0) + "合成站点。\n", encoding="utf-8")
    home_en = front("Home", 0, source=("首页", "合成站点。\n")) + "A synthetic site.\n"
    (content / "_index.en.md").write_text(home_en, encoding="utf-8")
    entries = max(1, pages // 2)
    sections = max(1, min(sections, entries))
    per_section = -(-entries // sections)
    made = 0
    for s in range(1, sections + 1):
        d = content / f"section-{s}"
        d.mkdir(exist_ok=True)
        paginate = "paginate_by = 20\n" if s == 1 and per_section > 200 else ""
        for name, title, source in (("_index.md", f"第{s}部分", None), ("_index.en.md", f"Part {s}", (f"第{s}部分", ""))):
            fm = front(title, s, source=source)
            fm = fm.replace("+++\n", "+++\nsort_by = \"weight\"\n" + paginate, 1)
            (d / name).write_text(fm + "\n", encoding="utf-8")
        for m in range(1, per_section + 1):
            if made >= entries:
                break
            made += 1
            date = f"2024-{1 + m % 12:02d}-{1 + m % 28:02d}"
            zh_body = body(rng, zh, s, m, ["目标", "措施", "指标"], per_section).replace("{lang}", "")
            en_body = body(rng, en, s, m, ["Goal", "Measures", "Targets"], per_section).replace("{lang}", ".en")
            (d / f"page-{m}.md").write_text(front(f"第{s}部分第{m}页", m, date) + zh_body, encoding="utf-8")
            en_front = front(f"Part {s} page {m}", m, date, source=(f"第{s}部分第{m}页", zh_body))
            (d / f"page-{m}.en.md").write_text(en_front + en_body, encoding="utf-8")


def write_huge_page(out, megabytes, search):
    """One section with one page of about `megabytes` MB (paragraphs, lists, headings)."""
    write_site(out, 2, 1, search)
    rng = random.Random(14)
    zh, en = sentence_pools()
    parts, size, n = [], 0, 0
    while size < megabytes * 1_000_000:
        n += 1
        chunk = f"## 第{n}节 {{#s-{n}}}\n\n{paragraph(rng, zh, 4)}\n\n- {rng.choice(zh)}\n- {rng.choice(en)}\n\n{paragraph(rng, en, 3)}\n\n"
        parts.append(chunk)
        size += len(chunk.encode("utf-8"))
    body = "".join(parts)
    (out / "content/section-1/page-1.md").write_text(front("大页面", 1, "2024-01-01") + body, encoding="utf-8")
    en = out / "content/section-1/page-1.en.md"
    en_body = en.read_text(encoding="utf-8").split("+++\n", 2)[2]
    en.write_text(front("Huge page", 1, "2024-01-01", source=("大页面", body)) + en_body, encoding="utf-8")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path)
    ap.add_argument("--pages", type=int, default=10000, help="content pages, both languages")
    ap.add_argument("--sections", type=int, default=50)
    ap.add_argument("--search", action="store_true", help="build_search_index = true")
    ap.add_argument("--huge-page-mb", type=float, help="one page of this many MB instead")
    a = ap.parse_args()
    if a.huge_page_mb:
        write_huge_page(a.out, a.huge_page_mb, a.search)
    else:
        write_site(a.out, a.pages, a.sections, a.search)


if __name__ == "__main__":
    main()
