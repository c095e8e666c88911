//! Fixture sites under `tests/fixtures/<case>/`, each built in-process into a temporary folder
//! and checked against what Zola documents (URLs, output files, template variables, sorting,
//! pagination, taxonomies, aliases, drafts, assets, summaries) and what sprout adds for
//! bilingual sites (hreflang, per-language 404 pages and feeds, `trans()` in the page's
//! language, CJK reading time). See `tests/README.md` to add a case.

use crate::common::{build_into, copy_fixture, fixture};
use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use regex::Regex;
use sprout::pipeline::{BuildOptions, build};
use walkdir::WalkDir;

// ---------------------------------------------------------------------------------------------
// Harness
// ---------------------------------------------------------------------------------------------

/// A fixture built with `sprout::build` and written with `write_atomic` into a temp folder.
struct Site {
    _dir: tempfile::TempDir,
    out: PathBuf,
}

impl Site {
    fn build(name: &str) -> Site {
        Site::build_with(name, |_| {})
    }

    fn build_with(name: &str, adjust: impl FnOnce(&mut BuildOptions)) -> Site {
        Site::build_root(&fixture(name), adjust)
    }

    fn build_root(root: &Path, adjust: impl FnOnce(&mut BuildOptions)) -> Site {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("public");
        let mut opts = BuildOptions {
            output_dir: Some(out.clone()),
            ..BuildOptions::new(root)
        };
        adjust(&mut opts);
        let built = match build_into(&opts) {
            Ok(b) => b,
            Err(failed) => panic!("{} should build, but:\n{failed}", root.display()),
        };
        built.write().expect("write the site");
        Site { _dir: dir, out }
    }

    fn exists(&self, path: &str) -> bool {
        self.out.join(path).is_file()
    }

    /// Every output file, relative to the output folder, with `/` separators.
    fn files(&self) -> BTreeSet<String> {
        WalkDir::new(&self.out)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                e.path()
                    .strip_prefix(&self.out)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .collect()
    }

    fn html_files(&self) -> BTreeSet<String> {
        self.files()
            .into_iter()
            .filter(|f| f.ends_with(".html"))
            .collect()
    }

    fn bytes(&self, path: &str) -> Vec<u8> {
        fs::read(self.out.join(path)).unwrap_or_else(|e| {
            panic!(
                "cannot read {path} ({e}); the site has:\n{:#?}",
                self.files()
            )
        })
    }

    fn read(&self, path: &str) -> String {
        String::from_utf8(self.bytes(path)).expect("UTF-8 output")
    }

    /// The `<main>` element of a page, tags included.
    fn main(&self, path: &str) -> String {
        let html = self.read(path);
        let start = html
            .find("<main>")
            .unwrap_or_else(|| panic!("{path} has no <main>:\n{html}"));
        let end = html.find("</main>").expect("</main>") + "</main>".len();
        html[start..end].to_string()
    }

    /// Inner HTML of the first element with `class="<class>"` (exact attribute value).
    fn inner(&self, path: &str, class: &str) -> String {
        let html = self.read(path);
        inner_of(&html, class).unwrap_or_else(|| panic!("{path} has no class=\"{class}\":\n{html}"))
    }

    /// Text of the first element with `class="<class>"`, entities decoded.
    fn field(&self, path: &str, class: &str) -> String {
        unescape(&self.inner(path, class))
    }
}

fn inner_of(html: &str, class: &str) -> Option<String> {
    let re = Regex::new(&format!(
        r#"<([a-z0-9]+)[^>]*\sclass="{}"[^>]*>"#,
        regex::escape(class)
    ))
    .unwrap();
    let caps = re.captures(html)?;
    let open_end = caps.get(0).unwrap().end();
    let close = format!("</{}>", &caps[1]);
    let len = html[open_end..].find(&close)?;
    Some(html[open_end..open_end + len].to_string())
}

fn unescape(s: &str) -> String {
    s.replace("&#x2F;", "/")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// The target of an HTML redirect page (`<meta http-equiv="refresh" content="0; url=...">`).
fn redirect_target(html: &str) -> Option<String> {
    let re = Regex::new(r#"http-equiv="refresh"\s+content="0;\s*url=([^"]+)""#).unwrap();
    re.captures(html).map(|c| unescape(&c[1]))
}

// ---------------------------------------------------------------------------------------------
// minimal: one section, two pages
// ---------------------------------------------------------------------------------------------

#[test]
fn minimal_output_files() {
    let site = Site::build("minimal");
    assert_eq!(
        site.html_files(),
        set(&[
            "404.html",
            "index.html",
            "notes/first/index.html",
            "notes/index.html",
            "notes/second/index.html",
        ])
    );
    for f in ["sitemap.xml", "robots.txt"] {
        assert!(site.exists(f), "{f} is generated by default");
    }
    let sitemap = site.read("sitemap.xml");
    for loc in [
        "https://example.org/",
        "https://example.org/notes/",
        "https://example.org/notes/first/",
        "https://example.org/notes/second/",
    ] {
        assert!(
            sitemap.contains(&format!("<loc>{loc}</loc>")),
            "{loc} in\n{sitemap}"
        );
    }
    assert!(
        site.read("robots.txt")
            .contains("Sitemap: https://example.org/sitemap.xml")
    );
}

#[test]
fn minimal_builtin_404_page_says_what_zolas_says() {
    // The fixture has no 404.html: the built-in one is used. Its text is Zola's built-in
    // page's (title and heading "404 Not Found", nothing else), in a page that states its
    // language.
    let site = Site::build("minimal");
    let html = site.read("404.html");
    assert!(html.contains("<title>404 Not Found</title>"), "{html}");
    assert!(html.contains("<h1>404 Not Found</h1>"), "{html}");
    assert!(!html.contains("<a "), "{html}");
    assert!(html.contains("<html lang=\"en\">"), "{html}");
}

#[test]
fn minimal_page_variables() {
    let site = Site::build("minimal");
    let p = "notes/first/index.html";
    assert_eq!(site.field(p, "slug"), "first");
    assert_eq!(site.field(p, "path"), "/notes/first/");
    assert_eq!(
        site.field(p, "permalink"),
        "https://example.org/notes/first/"
    );
    assert_eq!(site.field(p, "components"), "notes|first");
    assert_eq!(site.field(p, "relative-path"), "notes/first.md");
    assert_eq!(site.field(p, "ancestors"), "_index.md notes/_index.md");
    assert_eq!(site.field(p, "description"), "The first one.");
    assert_eq!(site.field(p, "lang"), "en");
    assert_eq!(site.field(p, "current-path"), "/notes/first/");
    assert_eq!(
        site.field(p, "current-url"),
        "https://example.org/notes/first/"
    );
    let second = "notes/second/index.html";
    assert_eq!(site.field(second, "description"), "none");
    // "## Second heading\n\nThe end." is four words: one minute.
    assert_eq!(site.field(second, "word-count"), "4");
    assert_eq!(site.field(second, "reading-time"), "1");
}

#[test]
fn minimal_section_and_index_variables() {
    let site = Site::build("minimal");
    let s = "notes/index.html";
    assert_eq!(site.field(s, "path"), "/notes/");
    assert_eq!(site.field(s, "components"), "notes");
    assert_eq!(site.field(s, "relative-path"), "notes/_index.md");
    assert_eq!(site.field(s, "ancestors"), "_index.md");
    assert_eq!(site.field(s, "lang"), "en");
    assert_eq!(site.field(s, "current-url"), "https://example.org/notes/");
    assert_eq!(site.field(s, "description"), "Two notes, lightest first.");
    // sort_by = "weight": lightest first.
    let pages = site.inner(s, "pages");
    let first = pages.find("First note").unwrap();
    let second = pages.find("Second note").unwrap();
    assert!(first < second, "{pages}");

    let i = "index.html";
    assert_eq!(site.field(i, "path"), "/");
    assert_eq!(site.field(i, "permalink"), "https://example.org/");
    assert_eq!(site.field(i, "current-path"), "/");
    assert_eq!(site.field(i, "subsections"), "notes/_index.md");
    assert!(site.inner(i, "sections").contains("Notes</a> (2)"));
}

#[test]
fn minimal_toc_lower_higher_and_backlinks() {
    let site = Site::build("minimal");
    let p = "notes/first/index.html";
    let toc = site.inner(p, "toc");
    assert!(
        toc.contains(r##"<a href="https://example.org/notes/first/#getting-started">Getting started</a> (h2 #getting-started)"##),
        "{toc}"
    );
    assert!(
        toc.contains(r##"<li><a href="https://example.org/notes/first/#details">The details</a> (h3 #details)</li>"##),
        "the h3 with a custom id is a child of the h2: {toc}"
    );
    // Weight order: first (1) then second (2); lower is lighter, higher is heavier.
    assert!(
        site.inner(p, "neighbours")
            .contains("class=\"higher\" href=\"https://example.org/notes/second/\"")
    );
    assert!(!site.inner(p, "neighbours").contains("class=\"lower\""));
    let q = "notes/second/index.html";
    assert!(
        site.inner(q, "neighbours")
            .contains("class=\"lower\" href=\"https://example.org/notes/first/\"")
    );
    assert!(!site.inner(q, "neighbours").contains("class=\"higher\""));
    // `@/notes/second.md#second-heading` resolves to the permalink and keeps the anchor.
    assert!(site.inner(p, "content").contains(
        r##"<a href="https://example.org/notes/second/#second-heading">link to the second note</a>"##
    ));
    assert_eq!(site.field(q, "backlinks").trim(), "First note");
    assert_eq!(site.field(p, "backlinks").trim(), "");
}

#[test]
fn minimal_snapshot() {
    let site = Site::build("minimal");
    insta::assert_snapshot!(
        "minimal_first_note_main",
        site.main("notes/first/index.html")
    );
}

#[test]
fn get_url_output_is_not_escaped_as_in_zola() {
    // Zola marks `get_url` safe: `{{ get_url(...) }}` without `| safe` prints the URL as it is.
    let dir = copy_fixture("minimal");
    let base = dir.path().join("templates/base.html");
    let text = fs::read_to_string(&base).unwrap();
    let text = text.replace(
        r#"{{ get_url(path="@/_index.md") | safe }}"#,
        r#"{{ get_url(path="@/_index.md") }}"#,
    );
    fs::write(&base, text).unwrap();
    let site = Site::build_root(dir.path(), |_| {});
    assert!(
        site.read("notes/first/index.html")
            .contains("href=\"https://example.org/\"")
    );
}

// ---------------------------------------------------------------------------------------------
// bilingual: zh (zh-Hans) by default, en beside it
// ---------------------------------------------------------------------------------------------

#[test]
fn bilingual_urls_and_files() {
    let site = Site::build("bilingual");
    assert_eq!(
        site.html_files(),
        set(&[
            "404.html",
            "en/404.html",
            "en/guide/index.html",
            "en/guide/safety/index.html",
            "en/index.html",
            "guide/index.html",
            "guide/reading/index.html",
            "guide/safety/index.html",
            "index.html",
        ])
    );
    assert!(
        !site.exists("en/guide/reading/index.html"),
        "an untranslated page has no English URL"
    );
}

#[test]
fn bilingual_lang_attributes_and_hreflang_from_translations() {
    let site = Site::build("bilingual");
    let zh = site.read("guide/safety/index.html");
    let en = site.read("en/guide/safety/index.html");
    assert!(zh.contains("<html lang=\"zh-Hans\">"), "{zh}");
    assert!(en.contains("<html lang=\"en\">"), "{en}");
    for html in [&zh, &en] {
        assert!(html.contains(r#"<link rel="alternate" hreflang="zh-Hans" href="https://example.org/guide/safety/" title="安全">"#), "{html}");
        assert!(html.contains(r#"<link rel="alternate" hreflang="en" href="https://example.org/en/guide/safety/" title="Safety">"#), "{html}");
    }
    // `page.translations` lists every language version, the page itself included.
    let list = site.inner("en/guide/safety/index.html", "translations");
    assert!(
        list.contains("zh: 安全") && list.contains("en: Safety"),
        "{list}"
    );
    // A page without translation lists only itself.
    let reading = site.read("guide/reading/index.html");
    assert_eq!(reading.matches("hreflang=").count(), 1, "{reading}");
    assert!(reading.contains(r#"hreflang="zh-Hans" href="https://example.org/guide/reading/""#));
    // Sections carry translations too.
    let section = site.read("en/guide/index.html");
    assert!(section.contains(r#"hreflang="zh-Hans" href="https://example.org/guide/""#));
    assert!(section.contains(r#"hreflang="en" href="https://example.org/en/guide/""#));
}

#[test]
fn bilingual_trans_uses_the_page_language() {
    let site = Site::build("bilingual");
    assert_eq!(site.field("guide/safety/index.html", "trans"), "阅读全文");
    assert_eq!(
        site.field("en/guide/safety/index.html", "trans"),
        "Read more"
    );
    assert_eq!(
        site.field("guide/safety/index.html", "trans-en"),
        "Read more"
    );
    assert_eq!(site.field("guide/safety/index.html", "lang"), "zh");
    assert_eq!(site.field("en/guide/safety/index.html", "lang"), "en");
    // The shared layout too: the home link is translated.
    assert_eq!(site.field("guide/index.html", "home"), "首页");
    assert_eq!(site.field("en/guide/index.html", "home"), "Home");
}

#[test]
fn bilingual_one_404_page_per_language() {
    let site = Site::build("bilingual");
    let zh = site.read("404.html");
    let en = site.read("en/404.html");
    assert!(zh.contains("<html lang=\"zh-Hans\">"));
    assert_eq!(site.field("404.html", "not-found"), "页面不存在");
    assert_eq!(site.field("404.html", "lang"), "zh");
    assert!(
        zh.contains(r#"<a href="https://example.org/">首页</a>"#),
        "{zh}"
    );
    assert!(en.contains("<html lang=\"en\">"));
    assert_eq!(site.field("en/404.html", "not-found"), "Page not found");
    assert_eq!(site.field("en/404.html", "lang"), "en");
    assert!(
        en.contains(r#"<a href="https://example.org/en/">Home</a>"#),
        "{en}"
    );
}

#[test]
fn bilingual_reading_time_counts_cjk_characters() {
    let site = Site::build("bilingual");
    // 800 Chinese characters at about 400 a minute.
    assert_eq!(site.field("guide/reading/index.html", "word-count"), "800");
    assert_eq!(site.field("guide/reading/index.html", "reading-time"), "2");
    // "过马路要看红绿灯。": eight characters, under a minute, shown as one.
    assert_eq!(site.field("guide/safety/index.html", "word-count"), "8");
    assert_eq!(site.field("guide/safety/index.html", "reading-time"), "1");
    assert_eq!(site.field("en/guide/safety/index.html", "word-count"), "8");
}

#[test]
fn bilingual_feeds_per_language() {
    let site = Site::build("bilingual");
    let zh = site.read("atom.xml");
    let en = site.read("en/atom.xml");
    assert!(
        zh.contains(
            r#"<link rel="self" type="application/atom+xml" href="https://example.org/atom.xml"/>"#
        ),
        "{zh}"
    );
    assert!(
        zh.contains("<title>安全</title>") && zh.contains("<title>阅读</title>"),
        "{zh}"
    );
    assert!(!zh.contains("<title>Safety</title>"), "{zh}");
    // Newest first.
    assert!(zh.find("<title>安全</title>") < zh.find("<title>阅读</title>"));
    assert!(en.contains(r#"<link rel="self" type="application/atom+xml" href="https://example.org/en/atom.xml"/>"#), "{en}");
    assert!(en.contains("<title>Safety</title>"), "{en}");
    assert!(!en.contains("安全") && !en.contains("阅读"), "{en}");
    assert_eq!(en.matches("<entry").count(), 1);
    // Each page's feed link points at its language's feed.
    assert!(
        site.read("en/index.html")
            .contains("href=\"https://example.org/en/atom.xml\"")
    );
    assert!(
        site.read("index.html")
            .contains("href=\"https://example.org/atom.xml\"")
    );
}

#[test]
fn bilingual_sitemap_has_hreflang_alternates() {
    let site = Site::build("bilingual");
    let sitemap = site.read("sitemap.xml");
    let entry = |loc: &str| -> String {
        let start = sitemap
            .find(&format!("<loc>{loc}</loc>"))
            .unwrap_or_else(|| panic!("{loc} missing from\n{sitemap}"));
        let end = start + sitemap[start..].find("</url>").unwrap();
        sitemap[start..end].to_string()
    };
    for loc in [
        "https://example.org/guide/safety/",
        "https://example.org/en/guide/safety/",
    ] {
        let e = entry(loc);
        assert!(e.contains(r#"<xhtml:link rel="alternate" hreflang="zh-Hans" href="https://example.org/guide/safety/"/>"#), "{e}");
        assert!(e.contains(r#"<xhtml:link rel="alternate" hreflang="en" href="https://example.org/en/guide/safety/"/>"#), "{e}");
    }
    assert!(entry("https://example.org/guide/safety/").contains("<lastmod>2024-03-01</lastmod>"));
    let home = entry("https://example.org/");
    assert!(
        home.contains(r#"hreflang="en" href="https://example.org/en/""#),
        "{home}"
    );
    let reading = entry("https://example.org/guide/reading/");
    assert!(
        !reading.contains("xhtml:link"),
        "no translation, no alternates: {reading}"
    );
    assert!(!sitemap.contains("404"), "{sitemap}");
}

#[test]
fn bilingual_snapshot() {
    let site = Site::build("bilingual");
    insta::assert_snapshot!(
        "bilingual_safety_en_main",
        site.main("en/guide/safety/index.html")
    );
}

// ---------------------------------------------------------------------------------------------
// shortcodes
// ---------------------------------------------------------------------------------------------

const CALLS: &str = "calls/index.html";

#[test]
fn shortcode_arguments_of_every_type() {
    let site = Site::build("shortcodes");
    assert_eq!(
        site.field(CALLS, "args"),
        "s=double t=single u=backtick n+1=43 neg*2=-14 f*2=3 yes=on no=off list=[1][two][3.5][false] len=4"
    );
    // An inline call stays inside its paragraph.
    assert!(site.main(CALLS).contains("<p>Before <span class=\"args\">"));
    assert!(site.main(CALLS).contains("</span> after.</p>"));
}

#[test]
fn shortcode_bodies_and_nth() {
    let site = Site::build("shortcodes");
    let main = site.main(CALLS);
    assert!(
        main.contains(
            "<div class=\"note note-warning\" data-nth=\"1\"><p>Mind the <strong>step</strong>.</p>"
        ),
        "{main}"
    );
    assert!(
        main.contains("<div class=\"note note-info\" data-nth=\"2\"><p>Second note.</p>"),
        "{main}"
    );
    // nth counts calls of each shortcode separately, from 1.
    assert!(main.contains("<span class=\"counter\">1</span> <span class=\"counter\">2</span> <span class=\"counter\">3</span>"), "{main}");
}

#[test]
fn markdown_shortcodes_are_rendered_as_markdown() {
    let site = Site::build("shortcodes");
    let main = site.main(CALLS);
    assert!(
        main.contains("<p><strong>Hello, Ada!</strong></p>"),
        "{main}"
    );
    assert!(main.contains("<blockquote>\n<p>Ships are safe in harbour.</p>\n<p>— <em>Grace</em></p>\n</blockquote>"), "{main}");
}

#[test]
fn shortcodes_see_page_lang_and_config() {
    let site = Site::build("shortcodes");
    assert_eq!(
        site.field(CALLS, "where"),
        "Every kind of call (en, Shortcodes)"
    );
}

#[test]
fn escaped_shortcodes_are_printed_literally() {
    let site = Site::build("shortcodes");
    let main = site.main(CALLS);
    assert!(main.contains("<p>Write {{ counter() }} to count, and {% note(kind=\"x\") %}body{% end %} for a note.</p>"), "{main}");
    assert!(
        main.contains("<pre><code>{{ args(s=&quot;in code&quot;) }}\n</code></pre>")
            || main.contains("<pre><code>{{ args(s=\"in code\") }}\n</code></pre>"),
        "{main}"
    );
    // Only the three real counter calls were rendered.
    assert_eq!(main.matches("class=\"counter\"").count(), 3);
}

#[test]
fn shortcodes_snapshot() {
    let site = Site::build("shortcodes");
    insta::assert_snapshot!("shortcodes_calls_main", site.main(CALLS));
}

// ---------------------------------------------------------------------------------------------
// taxonomies, sorting, pagination, aliases, drafts, assets, summaries
// ---------------------------------------------------------------------------------------------

#[test]
fn taxonomies_output_files() {
    let site = Site::build("taxonomies");
    assert_eq!(
        site.html_files(),
        set(&[
            "404.html",
            "alpha-legacy.html",
            "blog/alpha/index.html",
            "blog/archive/index.html",
            "blog/archive/old/index.html",
            "blog/beta/index.html",
            "blog/index.html",
            "blog/news/index.html",
            "blog/page/1/index.html",
            "blog/page/2/index.html",
            "blog/page/3/index.html",
            "blog/post/index.html",
            "blog/yaml/index.html",
            "docs/index.html",
            "docs/my-nice-slug/index.html",
            "docs/one/index.html",
            "docs/three/index.html",
            "docs/two/index.html",
            "glossary/apple/index.html",
            "glossary/banana/index.html",
            "glossary/cherry-10/index.html",
            "glossary/cherry-9/index.html",
            "glossary/index.html",
            "index.html",
            "moved/index.html",
            "old/alpha/index.html",
            "special/place/index.html",
            "tags/index.html",
            "tags/rust/index.html",
            "tags/rust/page/1/index.html",
            "tags/rust/page/2/index.html",
            "tags/rust/page/3/index.html",
            "tags/web/index.html",
            // Zola writes the /page/1/ redirect for every paginated list, even one with a
            // single pager (components/site/src/lib.rs, render_paginated).
            "tags/web/page/1/index.html",
        ])
    );
}

#[test]
fn date_and_slug_from_the_file_name() {
    let site = Site::build("taxonomies");
    let p = "blog/news/index.html";
    assert_eq!(site.field(p, "slug"), "news");
    assert_eq!(site.field(p, "path"), "/blog/news/");
    assert_eq!(site.field(p, "date"), "2024-05-31");
    assert_eq!(site.field(p, "ymd"), "2024/5/31");
}

#[test]
fn custom_path_and_slug() {
    let site = Site::build("taxonomies");
    let p = "special/place/index.html";
    assert_eq!(site.field(p, "path"), "/special/place/");
    assert_eq!(
        site.field(p, "permalink"),
        "https://example.org/special/place/"
    );
    assert!(!site.exists("docs/custom/index.html"));
    let s = "docs/my-nice-slug/index.html";
    assert_eq!(site.field(s, "slug"), "my-nice-slug");
    assert_eq!(site.field(s, "path"), "/docs/my-nice-slug/");
    assert!(!site.exists("docs/slugged/index.html"));
}

#[test]
fn yaml_front_matter() {
    let site = Site::build("taxonomies");
    let p = "blog/yaml/index.html";
    assert!(site.read(p).contains("<h1>Yaml page</h1>"));
    assert_eq!(site.field(p, "date"), "2023-12-01");
    assert!(site.inner(p, "tags").contains(">Rust</a>"));
}

#[test]
fn sort_by_date_newest_first_and_neighbours() {
    let site = Site::build("taxonomies");
    // The transparent archive passes "Old" up to the blog.
    assert_eq!(site.field("blog/index.html", "pager-pages"), "News;Beta;");
    // Zola sets `lower` to the page before in the sorted list (for dates: the newer one) and
    // `higher` to the one after (the older one); Zola PR #3164 fixed the docs to say so.
    let p = "blog/alpha/index.html";
    assert_eq!(site.field(p, "lower"), "Post with a photo");
    assert_eq!(site.field(p, "higher"), "Yaml page");
    assert_eq!(site.field("blog/news/index.html", "lower"), "none");
    assert_eq!(site.field("blog/news/index.html", "higher"), "Beta");
}

#[test]
fn sort_by_weight_lightest_first_and_neighbours() {
    let site = Site::build("taxonomies");
    assert_eq!(
        site.field("docs/index.html", "section-pages"),
        "Two;Three;One;Custom path;Slugged;"
    );
    let p = "docs/three/index.html";
    assert_eq!(site.field(p, "lower"), "Two");
    assert_eq!(site.field(p, "higher"), "One");
    assert_eq!(site.field("docs/two/index.html", "lower"), "none");
    assert_eq!(site.field("docs/my-nice-slug/index.html", "higher"), "none");
}

#[test]
fn sort_by_title_is_natural() {
    let site = Site::build("taxonomies");
    assert_eq!(
        site.field("glossary/index.html", "section-pages"),
        "Apple;banana;cherry 9;cherry 10;"
    );
}

#[test]
fn section_pagination_and_paginator_variables() {
    let site = Site::build("taxonomies");
    let pagers = [
        (
            "blog/index.html",
            "/blog/",
            "News;Beta;",
            "none",
            "https://example.org/blog/page/2/",
        ),
        (
            "blog/page/2/index.html",
            "/blog/page/2/",
            "Post with a photo;Alpha;",
            "https://example.org/blog/",
            "https://example.org/blog/page/3/",
        ),
        (
            "blog/page/3/index.html",
            "/blog/page/3/",
            "Yaml page;Old;",
            "https://example.org/blog/page/2/",
            "none",
        ),
    ];
    for (i, (file, current, pages, previous, next)) in pagers.iter().enumerate() {
        assert_eq!(site.field(file, "current-path"), *current, "{file}");
        assert_eq!(site.field(file, "path"), "/blog/", "{file}");
        assert_eq!(site.field(file, "pager-pages"), *pages, "{file}");
        assert_eq!(site.field(file, "previous"), *previous, "{file}");
        assert_eq!(site.field(file, "next"), *next, "{file}");
        assert_eq!(site.field(file, "current-index"), (i + 1).to_string());
        assert_eq!(site.field(file, "paginate-by"), "2");
        assert_eq!(site.field(file, "number-pagers"), "3");
        assert_eq!(site.field(file, "total-pages"), "6");
        assert_eq!(site.field(file, "first"), "https://example.org/blog/");
        assert_eq!(site.field(file, "last"), "https://example.org/blog/page/3/");
        assert_eq!(
            site.field(file, "base-url"),
            "https://example.org/blog/page/"
        );
    }
}

#[test]
fn paginated_section_has_its_pages_only_in_the_paginator() {
    // Zola: "A paginated section gets the same section variable as a normal section page
    // minus its pages. The pages are instead in paginator.pages."
    let site = Site::build("taxonomies");
    assert_eq!(site.field("blog/index.html", "section-pages"), "");
    assert_eq!(site.field("blog/page/2/index.html", "section-pages"), "");
}

#[test]
fn first_pager_url_redirects_to_the_section() {
    let site = Site::build("taxonomies");
    let html = site.read("blog/page/1/index.html");
    assert_eq!(
        redirect_target(&html).as_deref(),
        Some("https://example.org/blog/")
    );
}

#[test]
fn transparent_section_keeps_its_own_urls() {
    let site = Site::build("taxonomies");
    assert!(
        site.field("blog/page/3/index.html", "pager-pages")
            .contains("Old")
    );
    assert_eq!(
        site.field("blog/archive/old/index.html", "path"),
        "/blog/archive/old/"
    );
    assert_eq!(site.field("blog/archive/index.html", "transparent"), "true");
    assert_eq!(
        site.field("blog/archive/index.html", "section-pages"),
        "Old;"
    );
    assert_eq!(
        site.field("blog/archive/old/index.html", "ancestors"),
        "_index.md blog/_index.md blog/archive/_index.md"
    );
}

#[test]
fn redirect_to_section_is_a_redirect_page() {
    let site = Site::build("taxonomies");
    let html = site.read("moved/index.html");
    assert_eq!(
        redirect_target(&html).as_deref(),
        Some("https://example.org/blog/")
    );
    assert!(
        !html.contains("<main>"),
        "the section template is not rendered: {html}"
    );
    assert!(
        !site
            .read("sitemap.xml")
            .contains("<loc>https://example.org/moved/</loc>")
    );
}

#[test]
fn redirect_to_without_a_trailing_slash_gets_one_as_in_zola() {
    // The Zola docs write `redirect_to = "documentation/content/overview"`; Zola redirects to
    // `.../overview/` (its make_permalink), not to a URL its server would redirect again.
    let dir = copy_fixture("taxonomies");
    let moved = dir.path().join("content/moved/_index.md");
    let text = fs::read_to_string(&moved).unwrap();
    fs::write(&moved, text.replace("\"blog/\"", "\"blog/alpha\"")).unwrap();
    let site = Site::build_root(dir.path(), |_| {});
    assert_eq!(
        redirect_target(&site.read("moved/index.html")).as_deref(),
        Some("https://example.org/blog/alpha/")
    );
}

#[test]
fn aliases_redirect_to_the_page() {
    let site = Site::build("taxonomies");
    for alias in ["old/alpha/index.html", "alpha-legacy.html"] {
        let html = site.read(alias);
        assert_eq!(
            redirect_target(&html).as_deref(),
            Some("https://example.org/blog/alpha/"),
            "{alias}: {html}"
        );
        assert!(html.contains(r#"<a href="https://example.org/blog/alpha/">Click here</a>"#));
    }
}

#[test]
fn drafts_are_left_out_by_default() {
    let site = Site::build("taxonomies");
    assert!(!site.exists("blog/draft/index.html"));
    assert!(!site.exists("tags/secret/index.html"));
    assert!(!site.read("sitemap.xml").contains("draft"));
    assert!(!site.read("tags/index.html").contains("Secret"));
    for f in site.html_files() {
        assert!(!site.read(&f).contains(">Draft<"), "{f} mentions the draft");
    }
    // Zola: "When a section is drafted, its descendants (such as pages, subsections and
    // assets) will not be processed unless the --drafts flag is passed."
    assert!(!site.exists("hidden/index.html"));
    assert!(
        !site.exists("hidden/inside/index.html"),
        "a page inside a draft section is a draft too"
    );
}

#[test]
fn drafts_are_built_when_asked() {
    let site = Site::build_with("taxonomies", |o| o.drafts = true);
    assert_eq!(site.field("blog/draft/index.html", "draft"), "true");
    assert_eq!(site.field("blog/news/index.html", "draft"), "false");
    assert!(site.exists("tags/secret/index.html"));
    assert!(site.exists("hidden/index.html"));
    assert!(site.exists("hidden/inside/index.html"));
    assert_eq!(site.field("blog/index.html", "pager-pages"), "Draft;News;");
    assert_eq!(site.field("blog/index.html", "total-pages"), "7");
    assert_eq!(site.field("blog/index.html", "number-pagers"), "4");
}

#[test]
fn colocated_asset_is_copied_beside_the_page() {
    let site = Site::build("taxonomies");
    let original = fs::read(fixture("taxonomies/content/blog/post/photo.png")).unwrap();
    assert_eq!(site.bytes("blog/post/photo.png"), original);
    assert_eq!(
        site.field("blog/post/index.html", "assets"),
        "/blog/post/photo.png"
    );
    assert!(
        site.inner("blog/post/index.html", "content")
            .contains(r#"<img src="photo.png" alt="A photo of the river" />"#)
    );
    assert!(!site.exists("photo.png"));
}

#[test]
fn summary_toc_and_internal_links() {
    let site = Site::build("taxonomies");
    let p = "blog/alpha/index.html";
    let summary = site.inner(p, "summary");
    assert_eq!(
        summary.trim(),
        r##"<p>This is the summary, with a <a href="https://example.org/blog/post/#details">link to the photo post's details</a>.</p>"##
    );
    let content = site.inner(p, "content");
    assert!(
        content.contains("<span id=\"continue-reading\"></span>"),
        "{content}"
    );
    assert!(
        content.contains(r#"<a href="https://example.org/docs/">docs</a>"#),
        "{content}"
    );
    assert!(
        content.contains(r#"<a href="https://example.org/special/place/">custom page</a>"#),
        "@/ links follow a custom path: {content}"
    );
    assert_eq!(
        site.inner(p, "toc"),
        r##"<a href="https://example.org/blog/alpha/#after-the-fold">After the fold</a>;"##
    );
    // Pages without `<!-- more -->` have no summary.
    assert!(inner_of(&site.read("blog/beta/index.html"), "summary").is_none());
}

#[test]
fn taxonomy_list_page() {
    let site = Site::build("taxonomies");
    let p = "tags/index.html";
    assert_eq!(site.field(p, "taxonomy-name"), "tags");
    assert_eq!(site.field(p, "current-path"), "/tags/");
    let terms = site.inner(p, "terms");
    assert!(terms.contains(r#"<a href="https://example.org/tags/rust/">Rust</a> <span class="slug">rust</span> <span class="count">5</span>"#), "{terms}");
    assert!(terms.contains(r#"<a href="https://example.org/tags/web/">Web</a> <span class="slug">web</span> <span class="count">2</span>"#), "{terms}");
    assert!(terms.find("Rust") < terms.find("Web"));
}

#[test]
fn taxonomy_term_pages_are_paginated() {
    let site = Site::build("taxonomies");
    // `tags/single.html` wins over `taxonomy_single.html`.
    let pagers = [
        (
            "tags/rust/index.html",
            "/tags/rust/",
            "News;Post with a photo;",
        ),
        (
            "tags/rust/page/2/index.html",
            "/tags/rust/page/2/",
            "Alpha;Yaml page;",
        ),
        ("tags/rust/page/3/index.html", "/tags/rust/page/3/", "Old;"),
    ];
    for (i, (file, current, pages)) in pagers.iter().enumerate() {
        assert_eq!(site.field(file, "term-name"), "tags: Rust");
        assert_eq!(site.field(file, "term-slug"), "rust");
        assert_eq!(site.field(file, "term-path"), "/tags/rust/");
        assert_eq!(
            site.field(file, "term-permalink"),
            "https://example.org/tags/rust/"
        );
        assert_eq!(site.field(file, "term-count"), "5");
        assert_eq!(site.field(file, "current-path"), *current);
        assert_eq!(site.field(file, "pager-pages"), *pages, "{file}");
        assert_eq!(site.field(file, "current-index"), (i + 1).to_string());
        assert_eq!(site.field(file, "number-pagers"), "3");
        assert_eq!(site.field(file, "total-pages"), "5");
        assert_eq!(
            site.field(file, "base-url"),
            "https://example.org/tags/rust/page/"
        );
    }
    assert_eq!(
        site.field("tags/web/index.html", "pager-pages"),
        "News;Beta;"
    );
    assert_eq!(site.field("tags/web/index.html", "number-pagers"), "1");
    assert_eq!(site.field("tags/web/index.html", "next"), "none");
    assert!(site.inner("blog/news/index.html", "tags").contains(
        r#"<a href="https://example.org/tags/rust/">Rust</a>;<a href="https://example.org/tags/web/">Web</a>;"#
    ));
}

#[test]
fn taxonomy_first_pager_url_redirects_to_the_term() {
    // Zola renders every paginated list (sections and terms) with a `page/1/` redirect.
    let site = Site::build("taxonomies");
    let html = site.read("tags/rust/page/1/index.html");
    assert_eq!(
        redirect_target(&html).as_deref(),
        Some("https://example.org/tags/rust/")
    );
}

#[test]
fn taxonomies_snapshot() {
    let site = Site::build("taxonomies");
    insta::assert_snapshot!("taxonomies_alpha_main", site.main("blog/alpha/index.html"));
}

// ---------------------------------------------------------------------------------------------
// Whole builds
// ---------------------------------------------------------------------------------------------

#[test]
fn two_builds_of_the_same_input_are_byte_identical() {
    for name in ["minimal", "bilingual", "shortcodes", "taxonomies"] {
        let a = Site::build(name);
        let b = Site::build(name);
        assert_eq!(a.files(), b.files(), "{name}: the same files");
        for f in a.files() {
            assert!(
                a.bytes(&f) == b.bytes(&f),
                "{name}: {f} differs between two builds"
            );
        }
    }
}

/// Every `href`/`src` of every page that stays on the site must reach an output file.
fn assert_links_work(site: &Site, base_url: &str) {
    let base_path = {
        let after = base_url.split_once("://").unwrap().1;
        &after[after.find('/').unwrap()..]
    };
    let attr = Regex::new(r#"\s(?:href|src)="([^"]*)""#).unwrap();
    let files = site.files();
    let exists = |p: &str| -> bool {
        let p = p.trim_start_matches('/');
        files.contains(p)
            || files.contains(&format!("{p}index.html"))
            || files.contains(&format!("{}/index.html", p.trim_end_matches('/')))
    };
    let mut broken = Vec::new();
    for page in site.html_files() {
        let html = site.read(&page);
        let mut links: Vec<String> = attr.captures_iter(&html).map(|c| unescape(&c[1])).collect();
        links.extend(redirect_target(&html));
        for link in links {
            let link = link.split('#').next().unwrap().to_string();
            if link.is_empty() {
                continue;
            }
            let target = if let Some(rest) = link.strip_prefix(base_url) {
                rest.to_string()
            } else if link.contains("://") {
                continue;
            } else if let Some(abs) = link.strip_prefix('/') {
                match abs.strip_prefix(base_path.trim_start_matches('/')) {
                    Some(rest) => rest.to_string(),
                    None => {
                        broken.push(format!("{page}: `{link}` leaves the base path {base_path}"));
                        continue;
                    }
                }
            } else {
                let dir = page.rsplit_once('/').map_or("", |(d, _)| d);
                format!("{dir}/{link}")
            };
            if !exists(&target) {
                broken.push(format!("{page}: `{link}` goes nowhere"));
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn base_url_with_a_sub_path_gives_working_links() {
    let base = "https://example.org/children/";
    let loc_re = Regex::new(r"<loc>([^<]+)</loc>").unwrap();
    for name in ["bilingual", "taxonomies", "shortcodes"] {
        let site = Site::build_with(name, |o| o.base_url = Some(base.into()));
        assert_links_work(&site, base);
        let sitemap = site.read("sitemap.xml");
        for loc in loc_re.captures_iter(&sitemap) {
            assert!(
                loc[1].starts_with(base),
                "{name}: sitemap entry {}",
                &loc[1]
            );
        }
        assert!(
            site.read("robots.txt")
                .contains("Sitemap: https://example.org/children/sitemap.xml"),
            "{name}"
        );
    }
    let site = Site::build_with("taxonomies", |o| o.base_url = Some(base.into()));
    // Output paths do not change; URLs do.
    assert_eq!(
        site.field("blog/alpha/index.html", "permalink"),
        "https://example.org/children/blog/alpha/"
    );
    assert_eq!(site.field("blog/alpha/index.html", "path"), "/blog/alpha/");
    assert_eq!(
        redirect_target(&site.read("old/alpha/index.html")).as_deref(),
        Some("https://example.org/children/blog/alpha/")
    );
    // Zola's built-in redirect page, byte for byte (Zola 0.22.1 on this fixture): a script
    // that keeps the URL's #fragment, a meta refresh without JavaScript.
    assert_eq!(
        site.read("old/alpha/index.html"),
        r#"<!doctype html>
<meta charset="utf-8">
<title>Redirect</title>
<script>
  const target = "https://example.org/children/blog/alpha/";
  const hash = window.location.hash || "";
  window.location.replace(target + hash);
</script>
<noscript>
  <meta http-equiv="refresh" content="0; url=https://example.org/children/blog/alpha/">
</noscript>
<p><a href="https://example.org/children/blog/alpha/">Click here</a> to be redirected.</p>
"#
    );
    assert_eq!(
        redirect_target(&site.read("blog/page/1/index.html")).as_deref(),
        Some("https://example.org/children/blog/")
    );
    assert_eq!(
        site.field("blog/index.html", "next"),
        "https://example.org/children/blog/page/2/"
    );
    assert!(
        site.inner("blog/alpha/index.html", "content")
            .contains(r#"href="https://example.org/children/blog/post/#details""#)
    );
    let site = Site::build_with("bilingual", |o| o.base_url = Some(base.into()));
    assert!(
        site.read("en/atom.xml")
            .contains(r#"href="https://example.org/children/en/atom.xml""#)
    );
    assert!(
        site.read("en/404.html")
            .contains(r#"<a href="https://example.org/children/en/">Home</a>"#)
    );
}

#[test]
fn fixture_sites_are_valid_for_every_build() {
    // Each fixture builds with default options and with a sub-path: the link checker of the
    // build itself accepts every page.
    for name in ["minimal", "bilingual", "shortcodes", "taxonomies"] {
        let site = Site::build(name);
        assert_links_work(&site, "https://example.org/");
    }
}

// ---------------------------------------------------------------------------------------------
// A third language needs only config and content
// ---------------------------------------------------------------------------------------------

#[test]
fn a_third_language_needs_only_config_and_content() {
    let dir = copy_fixture("bilingual");
    let root = dir.path();
    let mut config = fs::read_to_string(root.join("config.toml")).unwrap();
    config.push_str(
        "\n[languages.mn]\ntitle = \"Хүүхдийн өсөлтийн хөтөч\"\nlanguage_tag = \"mn\"\n\n[languages.mn.translations]\nread_more = \"Дэлгэрэнгүй\"\nminutes = \"мин\"\nnot_found = \"Хуудас олдсонгүй\"\nhome = \"Нүүр\"\n",
    );
    fs::write(root.join("config.toml"), config).unwrap();
    fs::write(
        root.join("content/_index.mn.md"),
        "+++\ntitle = \"Нүүр\"\n+++\n",
    )
    .unwrap();
    fs::write(
        root.join("content/guide/_index.mn.md"),
        "+++\ntitle = \"Хөтөч\"\n+++\n",
    )
    .unwrap();
    fs::write(
        root.join("content/guide/safety.mn.md"),
        "+++\ntitle = \"Аюулгүй байдал\"\n+++\nАюулгүй байдлын зөвлөгөө.\n",
    )
    .unwrap();
    let built = sprout::pipeline::build(&BuildOptions::new(root)).unwrap_or_else(|e| panic!("{e}"));
    let read = |p: &str| {
        String::from_utf8(
            built
                .output
                .read(p)
                .unwrap_or_else(|| panic!("{p} missing")),
        )
        .unwrap()
    };
    let mn = read("mn/guide/safety/index.html");
    assert!(mn.contains("<html lang=\"mn\">"), "{mn}");
    assert!(
        mn.contains("Дэлгэрэнгүй") || mn.contains("мин"),
        "trans() in the third language: {mn}"
    );
    // Every language version names the other two.
    for page in [
        "guide/safety/index.html",
        "en/guide/safety/index.html",
        "mn/guide/safety/index.html",
    ] {
        let html = read(page);
        for tag in ["zh-Hans", "en", "mn"] {
            assert!(
                html.contains(&format!("hreflang=\"{tag}\"")),
                "{page} lacks {tag}"
            );
        }
    }
    assert!(read("mn/404.html").contains("Хуудас олдсонгүй"));
    assert!(
        read("sitemap.xml")
            .contains(r#"hreflang="mn" href="https://example.org/mn/guide/safety/""#)
    );
}

// ---------------------------------------------------------------------------------------------
// ignored_content and ignored_static
// ---------------------------------------------------------------------------------------------

#[test]
fn ignored_content_and_static_files_are_left_out() {
    let dir = copy_fixture("minimal");
    let root = dir.path();
    let mut config = fs::read_to_string(root.join("config.toml")).unwrap();
    config = format!(
        "ignored_content = [\"notes/*.draft.md\", \"*.docx\"]\nignored_static = [\"*.psd\"]\n{config}"
    );
    fs::write(root.join("config.toml"), config).unwrap();
    fs::write(
        root.join("content/notes/plan.draft.md"),
        "not front matter at all",
    )
    .unwrap();
    fs::write(root.join("content/notes/minutes.docx"), "binary").unwrap();
    fs::create_dir_all(root.join("static/img")).unwrap();
    fs::write(root.join("static/img/logo.svg"), "<svg/>").unwrap();
    fs::write(root.join("static/img/logo.psd"), "layers").unwrap();
    let built = sprout::pipeline::build(&BuildOptions::new(root)).unwrap_or_else(|e| panic!("{e}"));
    let files: BTreeSet<&str> = built.output.paths().collect();
    assert!(files.contains("img/logo.svg"), "{files:?}");
    assert!(!files.contains("img/logo.psd"));
    assert!(
        !files
            .iter()
            .any(|f| f.contains("plan.draft") || f.contains("minutes")),
        "{files:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// pager-number: a paginated section named `2`
// ---------------------------------------------------------------------------------------------

#[test]
fn page_one_of_a_section_named_with_a_number_redirects_to_the_section() {
    // Regression: the page-1 redirect was made by replacing `/2/` in the second pager's URL,
    // so a section at `/2/` got its redirect at `/1/page/1/`.
    let site = Site::build("pager-number");
    assert!(site.exists("2/page/2/index.html"), "{:?}", site.files());
    assert!(!site.exists("1/page/1/index.html"), "{:?}", site.files());
    assert_eq!(
        redirect_target(&site.read("2/page/1/index.html")).as_deref(),
        Some("https://example.org/2/")
    );
}

#[test]
fn a_site_template_extends_the_theme_template_it_replaces() {
    // As Zola: theme templates are also loaded as `<theme>/templates/<name>`.
    let site = Site::build("theme-extends");
    assert_eq!(site.field("index.html", "from"), "site over theme");
}

#[test]
fn extra_grammars_and_themes_are_loaded_from_the_site_folder() {
    // As Zola's `Highlighting::init`: the paths are relative to the site folder, and the
    // theme named in `theme` may be one of `extra_themes`.
    let site = Site::build("highlight-extras");
    let html = site.read("index.html").to_lowercase();
    assert!(
        html.contains("#fafafa"),
        "the extra theme's background: {html}"
    );
    assert!(
        html.contains("#ab1234") && html.contains(">frob</span>"),
        "the extra grammar's keyword in the extra theme's colour: {html}"
    );
}

#[test]
fn config_search_is_the_top_level_search_table_in_every_language() {
    // As Zola's `Config::serialize`: a `[languages.fr]` table without `search` does not
    // give French templates the default `[search]` settings.
    let site = Site::build("search-config");
    assert_eq!(site.field("index.html", "format"), "elasticlunr_json");
    assert_eq!(site.field("fr/index.html", "format"), "elasticlunr_json");
}

#[test]
fn a_template_can_cachebust_zolas_search_index() {
    // Zola builds its index before rendering, so `cachebust` finds it; the hash is the one of
    // the file this build writes.
    use sha2::{Digest, Sha256};
    let site = Site::build("search-config");
    let digest = Sha256::digest(site.bytes("search_index.en.json"));
    let hash: String = digest[..10].iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(
        site.field("index.html", "index"),
        format!("https://example.org/search_index.en.json?h={hash}")
    );
}

#[test]
fn templates_find_colocated_files_where_the_build_writes_them() {
    // Zola copies a section's colocated files into the output before rendering it, and looks
    // there: `fr/blog/card.png` exists only as the French section's copy of `blog/card.png`.
    let site = Site::build("colocated-lookup");
    for (page, prefix) in [("blog/index.html", ""), ("fr/blog/index.html", "fr/")] {
        assert_eq!(site.field(page, "size"), "30x30");
        assert_eq!(
            site.field(page, "url"),
            format!("https://example.org/{prefix}blog/card.png?h=715cdec9e3d3cc23b664")
        );
    }
    assert!(site.exists("fr/blog/card.png"));
}

#[test]
fn resize_image_gives_zola_names_and_sizes() {
    // URLs, sizes and file names as Zola 0.22 gives them for these calls (the hash covers
    // the path as written, the operation and the format).
    let site = Site::build("resize-image");
    let base = "https://example.org/processed_images";
    assert_eq!(
        site.field("index.html", "fit-width"),
        format!(
            "{base}/stripes.3f3c483ad6a7ffda.png static/processed_images/stripes.3f3c483ad6a7ffda.png 10x5 of 40x20"
        )
    );
    assert_eq!(
        site.field("index.html", "fit"),
        format!("{base}/stripes.c2dfcdac8f3bf086.png 40x20")
    );
    assert_eq!(
        site.field("index.html", "scale"),
        format!("{base}/stripes.408fb5fb9bc36dbf.webp 8x8")
    );
    // From a shortcode in the Markdown, with `@/`, filled and cropped to 10x5 as a JPEG.
    assert!(
        site.read("index.html")
            .contains("processed_images&#x2F;square.7fcb8bf5aad0c820.jpg"),
        "{}",
        site.read("index.html")
    );
    let made = |name: &str| site.bytes(&format!("processed_images/{name}"));
    assert!(made("stripes.3f3c483ad6a7ffda.png").starts_with(b"\x89PNG"));
    assert!(made("square.7fcb8bf5aad0c820.jpg").starts_with(&[0xff, 0xd8]));
    assert!(made("stripes.408fb5fb9bc36dbf.webp").starts_with(b"RIFF"));
    let size = imagesize::blob_size(&made("square.7fcb8bf5aad0c820.jpg")).unwrap();
    assert_eq!((size.width, size.height), (10, 5));
}

#[test]
fn resize_image_writes_lossy_webp_and_avif_as_zola() {
    // Names and sizes from Zola 0.22.1 on this fixture. Zola writes WebP with a `quality`
    // lossy (libwebp's "VP8 " chunk), without one lossless ("VP8L"), and AVIF with rav1e.
    let site = Site::build("resize-image");
    let base = "https://example.org/processed_images";
    assert_eq!(
        site.field("index.html", "lossy-webp"),
        format!("{base}/stripes.c4c52e5a4d3e3609.webp 20x10")
    );
    assert_eq!(
        site.field("index.html", "avif"),
        format!("{base}/stripes.7b4a3f5c7f0bb8c3.avif 20x20")
    );
    let made = |name: &str| site.bytes(&format!("processed_images/{name}"));
    let lossy = made("stripes.c4c52e5a4d3e3609.webp");
    assert_eq!(&lossy[..4], b"RIFF");
    assert_eq!(&lossy[12..16], b"VP8 ", "a WebP with quality is lossy");
    assert_eq!(&made("stripes.408fb5fb9bc36dbf.webp")[12..16], b"VP8L");
    let avif = made("stripes.7b4a3f5c7f0bb8c3.avif");
    assert_eq!(&avif[4..12], b"ftypavif");
    let size = imagesize::blob_size(&avif).unwrap();
    assert_eq!((size.width, size.height), (20, 20));
    let size = imagesize::blob_size(&lossy).unwrap();
    assert_eq!((size.width, size.height), (20, 10));
}

#[test]
fn resize_image_replaces_copies_a_zola_build_left_in_static() {
    // Zola writes processed images into `static/processed_images/`; a site built with Zola
    // before still builds, with the image made now.
    let dir = copy_fixture("resize-image");
    let stale = dir.path().join("static/processed_images");
    fs::create_dir_all(&stale).unwrap();
    fs::write(stale.join("stripes.3f3c483ad6a7ffda.png"), b"old").unwrap();
    let site = Site::build_root(dir.path(), |_| {});
    assert!(
        site.bytes("processed_images/stripes.3f3c483ad6a7ffda.png")
            .starts_with(b"\x89PNG")
    );
}

// ---------------------------------------------------------------------------------------------
// Pages on demand (`serve`)
// ---------------------------------------------------------------------------------------------

/// After an edit, `serve` answers with pages rendered one at a time from the prepared build
/// while the full build finishes: each must be the page the full build makes, and every page
/// the full build renders must be there.
#[test]
fn pages_rendered_on_demand_are_the_pages_the_build_makes() {
    use sprout::config::Mode;
    use sprout::pipeline::{SearchStep, finish, prepare};
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf();
    let roots = [
        repo,
        fixture("taxonomies"),
        fixture("pager-number"),
        fixture("bilingual"),
        fixture("indicators"),
        fixture("zola-compat"),
    ];
    for root in roots {
        let opts = BuildOptions {
            mode: Mode::Serve,
            search: SearchStep::Deferred,
            ..BuildOptions::new(&root)
        };
        let prepared = prepare(&opts).unwrap_or_else(|e| panic!("{}: {e}", root.display()));
        let pages = prepared.pages();
        let built = finish(prepared, &opts).unwrap_or_else(|e| panic!("{}: {e}", root.display()));
        let on_demand: BTreeSet<&str> = pages.files().collect();
        assert!(on_demand.len() > 3, "{}: {on_demand:?}", root.display());
        for file in &on_demand {
            let built_page = built
                .output
                .read(file)
                .unwrap_or_else(|| panic!("{}: {file} is not in the build", root.display()));
            let rendered = pages
                .render(file)
                .expect("a page of the build")
                .unwrap_or_else(|e| panic!("{}: {file}: {e}", root.display()));
            assert!(
                rendered.as_bytes() == built_page.as_slice(),
                "{}: {file} rendered on demand differs from the build",
                root.display()
            );
        }
        // Pages (not feeds, aliases or files) are all there to render on demand.
        for (file, html) in built.output.html() {
            let redirect = html.contains("http-equiv=\"refresh\"");
            if !redirect && file.ends_with(".html") {
                assert!(
                    on_demand.contains(file),
                    "{}: {file} is not rendered on demand",
                    root.display()
                );
            }
        }
    }
}

/// `sprout build` writes each page into the staging folder as soon as it is rendered and keeps
/// only what the link check and the search index need; `check` and `serve` keep the pages in
/// memory. Both must make the same site, byte for byte, minified, offline or not.
#[test]
fn pages_written_as_they_are_rendered_are_the_pages_kept_in_memory() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf();
    let cases = [
        (repo.clone(), false),
        (repo, true),
        (fixture("taxonomies"), false),
        (fixture("bilingual"), true),
        (fixture("indicators"), false),
        (fixture("zola-compat"), false),
    ];
    for (root, relative) in cases {
        let name = format!("{} (relative: {relative})", root.display());
        let in_memory = build(&BuildOptions {
            relative,
            ..BuildOptions::new(&root)
        })
        .unwrap_or_else(|e| panic!("{name}: {e}"));
        let written = Site::build_root(&root, |o| o.relative = relative);
        let files = written.files();
        let kept: BTreeSet<String> = in_memory.output.paths().map(str::to_string).collect();
        assert_eq!(files, kept, "{name}: the same files");
        for file in &kept {
            assert!(
                written.bytes(file) == in_memory.output.read(file).expect("a file of the build"),
                "{name}: {file} differs between the two builds"
            );
        }
    }
}
