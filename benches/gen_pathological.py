#!/usr/bin/env python3
"""Generate sites with pathological but legal content, for issue 14 (no input crashes or
stalls the build) and for the huge-page / huge-section benchmark in benches/robust.sh.

    python3 benches/gen_pathological.py OUT [--bundled REPO] [CASE ...]

Each case becomes OUT/<case>/, a whole site that both sprout and Zola build: a plain
`config.toml` (no search, no minify, no feeds) and four small templates. With
`--bundled REPO` each case is instead a copy of the repository's own site (config, content,
themes, data, static) with the one pathological page added at content/pathological.md,
which is how the issue reproduced the crashes.

Cases (default: all):
  blockquotes    10,000 nested blockquotes on one line (`> > > ... x`)
  lists          5,000 nested list items on one line (`- - - ... x`)
  lists-ordered  5,000 nested numbered items on one line (`1. 1. 1. ... x`)
  page-1mb, page-5mb, page-20mb
                 one page of ordinary content (Chinese and English paragraphs, headings,
                 lists, tables, links, emphasis) of about that size
  section-10k    one section with 10,000 pages, paginated by 10

Standard library only; the output is the same for the same arguments.
"""

import os
import shutil
import sys

CONFIG = """base_url = "https://example.org"
title = "Pathological"
build_search_index = false
minify_html = false
generate_feeds = false

[markdown]
"""

TEMPLATES = {
    "base.html": """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{% block title %}{{ config.title }}{% endblock title %}</title></head>
<body><main>{% block main %}{% endblock main %}</main></body>
</html>
""",
    "index.html": """{% extends "base.html" %}
{% block main %}<h1>{{ section.title }}</h1>{{ section.content | safe }}
<ul>{% for s in section.subsections %}{% set sub = get_section(path=s) %}<li><a href="{{ sub.permalink | safe }}">{{ sub.title }}</a></li>{% endfor %}</ul>
<ul>{% for p in section.pages %}<li><a href="{{ p.permalink | safe }}">{{ p.title }}</a></li>{% endfor %}</ul>
{% endblock main %}
""",
    "section.html": """{% extends "base.html" %}
{% block main %}<h1>{{ section.title }}</h1>{{ section.content | safe }}
{% if paginator %}<ol>{% for p in paginator.pages %}<li><a href="{{ p.permalink | safe }}">{{ p.title }}</a></li>{% endfor %}</ol>
<nav>{% if paginator.previous %}<a href="{{ paginator.previous | safe }}">previous</a>{% endif %}
{% if paginator.next %}<a href="{{ paginator.next | safe }}">next</a>{% endif %}</nav>
{% else %}<ol>{% for p in section.pages %}<li><a href="{{ p.permalink | safe }}">{{ p.title }}</a></li>{% endfor %}</ol>{% endif %}
{% endblock main %}
""",
    "page.html": """{% extends "base.html" %}
{% block title %}{{ page.title }}{% endblock title %}
{% block main %}<article><h1>{{ page.title }}</h1>
<nav><ul>{% for h in page.toc %}<li><a href="{{ h.permalink | safe }}">{{ h.title }}</a></li>{% endfor %}</ul></nav>
{{ page.content | safe }}</article>
{% endblock main %}
""",
}

ZH = [
    "保障儿童健康成长，是全社会的共同责任。",
    "到2030年，儿童健康水平持续提升，婴儿死亡率和5岁以下儿童死亡率进一步降低。",
    "加强儿童安全教育，预防和减少儿童溺水、交通事故等意外伤害。",
    "家庭是儿童成长的第一所学校，家长是孩子的第一任老师。",
]
EN = [
    "Keeping children healthy as they grow up is the shared duty of the whole of society.",
    "By 2030 children's health keeps improving, and infant and under-five mortality fall further.",
    "Teach children about safety to prevent drowning, road accidents and other injuries.",
    "The family is a child's first school, and parents are a child's first teachers.",
]


def page(title, body, extra=""):
    return f'+++\ntitle = "{title}"\n{extra}+++\n\n{body}\n'


def blockquotes():
    return page("Blockquotes", "> " * 10_000 + "deepest\n")


def lists():
    return page("Lists", "- " * 5_000 + "deepest\n")


def lists_ordered():
    return page("Numbered lists", "1. " * 5_000 + "deepest\n")


def chunk(i):
    """About 1.6 KB of ordinary Markdown; `i` keeps heading ids and links distinct."""
    zh = ZH[i % len(ZH)]
    en = EN[i % len(EN)]
    return (
        f"## 第{i}部分 Part {i}\n\n"
        f"{zh}{zh} **{en}** {en} See [part {max(i - 1, 0)}](#part-{max(i - 1, 0)}).\n\n"
        f"- {zh}\n- *{en}*\n  1. {zh}\n  2. [{en[:20]}](https://example.com/{i}/)\n\n"
        f"| 指标 | 2020 | 2030 |\n|---|---:|---:|\n| 婴儿死亡率 | {i % 9}.{i % 7}‰ | 3.0‰ |\n"
        f"| Under-five mortality | {i % 11}.{i % 5}‰ | 4.0‰ |\n\n"
        f"> {en} `code {i}`\n\n"
        f"### Detail {i} {{#part-{i}}}\n\n{zh}{en}{zh}\n\n"
    )


def big_page(megabytes):
    target = megabytes * 1_000_000
    parts, size, i = [], 0, 0
    while size < target:
        c = chunk(i)
        parts.append(c)
        size += len(c.encode())
        i += 1
    return page(f"{megabytes} MB page", "".join(parts))


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def minimal_site(root):
    shutil.rmtree(root, ignore_errors=True)
    write(os.path.join(root, "config.toml"), CONFIG)
    for name, text in TEMPLATES.items():
        write(os.path.join(root, "templates", name), text)
    write(os.path.join(root, "content", "_index.md"), page("Home", "The home page.", 'sort_by = "none"\n'))


def section_10k(root):
    sec = os.path.join(root, "content", "many")
    write(
        os.path.join(sec, "_index.md"),
        page("Many", "One section with 10,000 pages.", 'sort_by = "weight"\npaginate_by = 10\n'),
    )
    for i in range(10_000):
        body = f"{ZH[i % 4]}\n\n## {EN[i % 4][:30]}\n\n{EN[(i + 1) % 4]} [next](@/many/p{(i + 1) % 10_000}.md)\n"
        write(os.path.join(sec, f"p{i}.md"), page(f"Page {i}", body, f"weight = {i}\n"))


CASES = {
    "blockquotes": blockquotes,
    "lists": lists,
    "lists-ordered": lists_ordered,
    "page-1mb": lambda: big_page(1),
    "page-5mb": lambda: big_page(5),
    "page-20mb": lambda: big_page(20),
    "section-10k": None,
}


def bundled_site(root, repo):
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(root)
    shutil.copy(os.path.join(repo, "config.toml"), root)
    for d in ["content", "themes", "data", "static"]:
        if os.path.isdir(os.path.join(repo, d)):
            shutil.copytree(os.path.join(repo, d), os.path.join(root, d))


def main(argv):
    args = argv[1:]
    if not args or args[0].startswith("-"):
        sys.exit(__doc__)
    out, args = args[0], args[1:]
    repo = None
    if args[:1] == ["--bundled"]:
        repo, args = args[1], args[2:]
    names = args or list(CASES)
    for name in names:
        if name not in CASES:
            sys.exit(f"unknown case {name}; one of: {', '.join(CASES)}")
        root = os.path.join(out, name)
        if repo:
            bundled_site(root, repo)
        else:
            minimal_site(root)
        if name == "section-10k":
            section_10k(root)
        else:
            write(os.path.join(root, "content", "pathological.md"), CASES[name]())
        print(root)


if __name__ == "__main__":
    main(sys.argv)
